"""`TextVectorization`: raw text to sequences of token ids or to per-text vectors, as Keras's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from fitwell.layers.text.index_lookup import OUTPUT_MODES, iterate_batches
from fitwell.layers.text.string_input import StringInputLayer, output_device
from fitwell.layers.text.string_lookup import StringLookup
from fitwell.layers.text.tokenizing import (
    SPLIT_MODES,
    STANDARDIZE_MODES,
    add_ngrams,
    split_texts,
    standardize_texts,
)
from fitwell.strings import StringArray, as_string_array, is_text

__all__ = ["TextVectorization"]

Tokens = list[list[str]] | np.ndarray  # ragged rows of tokens after a split, or the array itself


class TextVectorization(StringInputLayer):
    """Turn strings into sequences of token ids, or into multi-hot/count/TF-IDF vectors (Keras's layer).

    Each text is standardized, split into tokens, extended with n-grams,
    then looked up in a vocabulary (given, or learned by `adapt`: the most
    frequent tokens first, ties broken by the token, higher first). In
    `"int"` mode index 0 is padding (`""`) and 1 is the unknown token
    `"[UNK]"`; the output is `(batch, output_sequence_length)` int64, or
    padded with 0 to the longest text of the batch. The other modes give
    one float32 vector of vocabulary size per text.

    Inputs: a string, a list or NumPy array of `str` of shape `(batch,)` or
    `(batch, 1)`, or `Input(shape=(1,), dtype="string")` (or `shape=()`)
    inside a model.

    Args:
        max_tokens: The largest vocabulary `adapt` keeps (padding and OOV
            included); None for no limit.
        standardize: `"lower_and_strip_punctuation"` (default), `"lower"`,
            `"strip_punctuation"`, None, or a callable taking and returning a
            NumPy array of `str`. Lowercasing changes ASCII letters only, as
            Keras's `tf.strings.lower`.
        split: `"whitespace"` (default: runs of ASCII whitespace), `"character"`,
            None (each input string is a token), or a callable taking a 1D
            array of `str` and returning one sequence of tokens per text.
        ngrams: None, an int `n` (all 1- to n-grams) or a tuple of widths.
        output_mode: `"int"`, `"multi_hot"`, `"count"` or `"tf_idf"`.
        output_sequence_length: In `"int"` mode, pad or cut every sequence to
            this length.
        pad_to_max_tokens: In the vector modes, make vectors `max_tokens` long.
        vocabulary: A list of strings, or the path of a text file with one per
            line; None to `adapt`.
        idf_weights: With `output_mode="tf_idf"` and a `vocabulary`, one
            weight per term.
        sparse: Only False.
        ragged: Only False: sequences are padded tensors.
        encoding: Only `"utf-8"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["The cat sat.", "The dog ran!", "the cat"])
        >>> layer.get_vocabulary()
        ['', '[UNK]', 'the', 'cat', 'sat', 'ran', 'dog']
        >>> layer(["The cat ran away"])
        tensor([[2, 3, 5, 1]])
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable[[np.ndarray], Any] | None = "lower_and_strip_punctuation",
        split: str | Callable[[np.ndarray], Any] | None = "whitespace",
        ngrams: int | tuple[int, ...] | None = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        *,
        vocabulary_size: int | None = None,
        has_input_vocabulary: bool | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dtype", None)  # outputs are int64 or float32 whatever Keras's config says
        super().__init__(name=name, **kwargs)
        if output_mode == "binary":  # Keras's older names
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _check_arguments(standardize, split, ngrams, output_mode, output_sequence_length, ragged)
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self.ngram_widths = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.encoding = encoding
        # Keras's design: the vocabulary lives in an inner StringLookup whose mask "" is padding.
        self.lookup = StringLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            sparse=sparse,
            encoding=encoding,
            vocabulary_size=vocabulary_size,
            has_input_vocabulary=has_input_vocabulary,
            name=f"{self.name}_lookup",
        )

    # -- vocabulary --------------------------------------------------------------------------
    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learn the vocabulary (and IDF weights) from texts, as Keras's `adapt`.

        Args:
            data: A list or NumPy array of strings, or an iterable of batches
                of strings (e.g. `(texts for texts, labels in dataset)`).
            batch_size: Ignored (Keras's signature).
            steps: With an iterable, the number of batches to read.
        """
        del batch_size  # the whole array is one batch, as in Keras
        self.lookup.reset_state()
        if is_text(data) or isinstance(data, np.ndarray):
            texts = as_string_array(data)
            self.update_state(texts[:, None] if texts.ndim == 1 else texts)
        else:
            for index, batch in enumerate(iterate_batches(data, self.lookup)):
                if steps is not None and index >= steps:
                    break
                self.update_state(batch)
        self.lookup.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch of texts."""
        self.lookup.update_state(self._tokenize(data))

    def finalize_state(self) -> None:
        """Turn the counts of `update_state` into the vocabulary."""
        self.lookup.finalize_state()

    def reset_state(self) -> None:
        """Forget the counts of an `adapt` in progress."""
        self.lookup.reset_state()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The vocabulary; with the special tokens, index `i` holds the token of id `i` (`""`, `"[UNK]"`…)."""
        return self.lookup.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (and IDF weights) directly; see `StringLookup.set_vocabulary`."""
        self.lookup.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def vocabulary_size(self) -> int:
        """The size of the vocabulary, padding and OOV tokens included."""
        return self.lookup.vocabulary_size()

    # -- calling -----------------------------------------------------------------------------
    def _tokenize(self, inputs: Any) -> Tokens:
        if not is_text(inputs):
            hint = (
                " For batches of (texts, labels), adapt on the texts: dataset.map(lambda x, y: x)."
                if isinstance(inputs, tuple)
                else ""
            )
            raise TypeError(
                f"TextVectorization takes strings. Received: {type(inputs).__name__} "
                f"{getattr(inputs, 'dtype', '')}. Pass a NumPy array or list of str.{hint}"
            )
        texts = standardize_texts(as_string_array(inputs), self.standardize)
        if self.split is None:
            if self.ngram_widths is None:
                return texts
            rows = texts.reshape(-1, texts.shape[-1]) if texts.ndim else texts.reshape(1, 1)
            return [add_ngrams(list(row), self.ngram_widths) for row in rows]
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError(
                    "When TextVectorization splits strings, inputs must have rank 1 or a last axis of size "
                    f"1. Received: inputs of shape {texts.shape}. Pass one string per sample."
                )
            texts = texts.squeeze(-1)
        rows = split_texts(texts.reshape(-1), self.split)
        if self.ngram_widths is not None:
            rows = [add_ngrams(row, self.ngram_widths) for row in rows]
        return rows

    def call(self, inputs: StringArray) -> torch.Tensor:
        device = output_device(inputs)
        tokens = self._tokenize(inputs)
        if isinstance(tokens, np.ndarray):  # split=None without n-grams: one token per string
            if self.output_mode != "int" and tokens.ndim <= 1:
                tokens = tokens.reshape(-1, 1)
            ids = torch.from_numpy(self.lookup.lookup_indices(tokens)).to(device)
            if self.output_mode != "int":
                return self.lookup.encode(ids)
            return self._fit_length(ids) if self.output_sequence_length is not None else ids
        lengths = [len(row) for row in tokens]
        flat = np.empty(sum(lengths), dtype=object)
        flat[:] = [token for row in tokens for token in row]
        flat_ids = self.lookup.lookup_indices(flat)
        if self.output_mode == "int":
            return self._padded(flat_ids, lengths, device)
        width = max(lengths, default=0)
        # Ragged rows as a padded matrix; padding points past the vocabulary, so it adds nothing.
        padded = np.full((len(lengths), width), np.iinfo(np.int64).max, dtype=np.int64)
        padded[_row_positions(lengths)] = flat_ids
        return self.lookup.encode(torch.from_numpy(padded).to(device))

    def _padded(self, flat_ids: np.ndarray, lengths: list[int], device: torch.device) -> torch.Tensor:
        if self.output_sequence_length is not None:
            width = self.output_sequence_length
        elif self.is_probing_shapes:
            # The sequence length depends on the texts, so it must differ between the two shape probes
            # (their batch sizes differ) to come out as None.
            width = len(lengths) + 3
        else:
            width = max(lengths, default=0)
        padded = np.zeros((len(lengths), max(width, max(lengths, default=0))), dtype=np.int64)
        padded[_row_positions(lengths)] = flat_ids
        return torch.from_numpy(padded[:, :width]).to(device)

    def _fit_length(self, ids: torch.Tensor) -> torch.Tensor:
        length = self.output_sequence_length
        ids = ids[..., :length]
        return torch.nn.functional.pad(ids, (0, length - ids.shape[-1]))

    def get_config(self) -> dict[str, Any]:
        lookup = self.lookup.get_config()
        return {
            **super().get_config(),
            "max_tokens": lookup["max_tokens"],
            "standardize": self.standardize,
            "split": self.split,
            "ngrams": self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": lookup["pad_to_max_tokens"],
            "sparse": False,
            "ragged": False,
            "vocabulary": lookup["vocabulary"],
            "idf_weights": lookup["idf_weights"],
            "encoding": self.encoding,
            "vocabulary_size": lookup["vocabulary_size"],
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TextVectorization:
        """Create the layer from `get_config()`'s output (n-gram widths as a tuple)."""
        config = dict(config)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _row_positions(lengths: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) of every token when ragged rows of `lengths` are laid out left-aligned."""
    rows = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.cumsum([0, *lengths[:-1]]) if lengths else np.zeros(0, dtype=np.int64)
    columns = np.arange(rows.size) - np.repeat(starts, lengths)
    return rows, columns


def _check_arguments(
    standardize: Any, split: Any, ngrams: Any, output_mode: str, output_sequence_length: Any, ragged: bool
) -> None:
    problems = []
    if not (standardize is None or callable(standardize) or standardize in STANDARDIZE_MODES):
        problems.append(
            f"`standardize` must be one of {STANDARDIZE_MODES}, None or a callable. "
            f"Received: standardize={standardize!r}"
        )
    if not (split is None or callable(split) or split in SPLIT_MODES):
        problems.append(
            f"`split` must be one of {SPLIT_MODES}, None or a callable. Received: split={split!r}"
        )
    valid_ngrams = (
        ngrams is None
        or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams > 0)
        or (isinstance(ngrams, tuple) and all(isinstance(n, int) and n > 0 for n in ngrams))
    )
    if not valid_ngrams:
        problems.append(
            f"`ngrams` must be None, a positive int or a tuple of them. Received: ngrams={ngrams!r}"
        )
    modes = tuple(mode for mode in OUTPUT_MODES if mode != "one_hot")
    if output_mode not in modes:
        problems.append(f"`output_mode` must be one of {modes}. Received: output_mode={output_mode!r}")
    if output_sequence_length is not None:
        if output_mode != "int":
            problems.append(
                "`output_sequence_length` only applies to `output_mode='int'`. "
                f"Received: output_sequence_length={output_sequence_length!r}, output_mode={output_mode!r}"
            )
        elif isinstance(output_sequence_length, bool) or not isinstance(output_sequence_length, int):
            problems.append(
                "`output_sequence_length` must be None or an int. "
                f"Received: output_sequence_length={output_sequence_length!r}"
            )
    if ragged:
        problems.append("`ragged=True` is not supported: sequences are padded tensors. Received: ragged=True")
    if problems:
        raise ValueError("\n".join(problems))
