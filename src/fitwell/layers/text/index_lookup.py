"""`IndexLookup`: the base of `StringLookup` and `IntegerLookup`, a vocabulary and its index.

Index layout (Keras's): with `output_mode="int"` and a `mask_token`, index
0 is the mask; then come `num_oov_indices` out-of-vocabulary indices, then
the vocabulary. In the other output modes the mask token has no index (its
occurrences are dropped) and the OOV indices start at 0.

`adapt` counts tokens and keeps the most frequent, ties broken by the
token itself, higher first (Keras sorts `(count, token)` and reverses).
Lookups run on the host, as Keras runs them on TensorFlow's CPU ops; the
result goes to the device of the input (or of the run, for text). The
TF-IDF weights are computed in `idf_weights`, the hash buckets of
out-of-vocabulary tokens in `hash_buckets`.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from fitwell.layers.spatial import check_choice
from fitwell.layers.text.category_encoding import encode_categories
from fitwell.layers.text.hash_buckets import check_salt, hash_buckets
from fitwell.layers.text.idf_weights import given_idf_weights, learned_idf_weights
from fitwell.layers.text.string_input import StringInputLayer, output_device
from fitwell.strings import StringArray, as_string_array, is_text

__all__ = ["IndexLookup", "check_salt", "hash_buckets", "iterate_batches"]

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
#: The lookup value of a dropped (mask) token in the encoded modes: beyond any depth.
_DROPPED = np.iinfo(np.int64).max


class IndexLookup(StringInputLayer):
    """Map tokens to indices through a vocabulary (adapted or given); the base of the lookup layers.

    Subclasses fix `vocabulary_dtype` (`"string"` or `"int64"`) and the
    defaults of the special tokens. The arguments are those of
    `StringLookup` and `IntegerLookup`, which document them.

    Example:
        >>> class CharLookup(IndexLookup):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(max_tokens=None, num_oov_indices=1, mask_token=None,
        ...                          oov_token="?", vocabulary_dtype="string", **kwargs)
        >>> layer = CharLookup(vocabulary=["a", "b"])
        >>> layer(["b", "z"]), layer.get_vocabulary()
        (tensor([2, 0]), ['?', 'a', 'b'])
    """

    def __init__(
        self,
        max_tokens: int | None,
        num_oov_indices: int,
        mask_token: Any,
        oov_token: Any,
        vocabulary_dtype: str,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        *,
        vocabulary_size: int | None = None,
        has_input_vocabulary: bool | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dtype", None)  # Keras's config carries the layer dtype; the output dtype is fixed here
        super().__init__(**kwargs)
        self.output_mode = check_choice(_current_mode_name(output_mode), OUTPUT_MODES, "output_mode")
        self.oov_method = check_choice(oov_method, ("floormod", "farmhash"), "oov_method")
        _check_arguments(
            max_tokens, num_oov_indices, invert, self.output_mode, sparse, pad_to_max_tokens, idf_weights
        )
        self.salt = _checked_salt(salt, vocabulary_dtype, oov_method)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = bool(invert)
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.input_vocabulary = None if isinstance(vocabulary, str) else _plain_list(vocabulary)
        self.input_idf_weights = _plain_list(idf_weights)
        self.has_input_vocabulary = (
            vocabulary is not None if has_input_vocabulary is None else bool(has_input_vocabulary)
        )
        self._frozen_vocab_size = vocabulary_size
        self._tokens: list[Any] = []
        self._index: dict[Any, int] = {}
        self._idf_weights: np.ndarray | None = None
        self._sorted_keys: np.ndarray | None = None
        self.reset_state()
        if self.output_mode == "tf_idf" and self.has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "With `output_mode='tf_idf'` and a `vocabulary`, `idf_weights` must be given too. "
                "Received: idf_weights=None. Pass one weight per vocabulary term, or adapt() instead."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- the index layout --------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The size of the vocabulary, including the mask and OOV indices."""
        return self._token_start_index() + len(self._tokens)

    @property
    def idf_weights(self) -> np.ndarray | None:
        """With `output_mode="tf_idf"`, the weight of every index (special ones included), else None."""
        return self._idf_weights

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The vocabulary: index `i` holds the token that maps to `i` (with the special tokens).

        Args:
            include_special_tokens: Keep the mask and OOV tokens first (so
                positions are the layer's output indices); False gives the
                learned or given terms only.
        """
        if not include_special_tokens:
            return list(self._tokens)
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        return special + list(self._tokens)

    # -- setting the vocabulary ------------------------------------------------------------
    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Replace the vocabulary (and, for `"tf_idf"`, the IDF weights), as Keras's `set_vocabulary`.

        Args:
            vocabulary: A list, tuple or 1D array of terms, or the path of a
                text file with one term per line. It may start with the
                special tokens in the layer's order; otherwise they are added.
            idf_weights: With `output_mode="tf_idf"`, one weight per term of
                `vocabulary`.

        Raises:
            ValueError: For an empty vocabulary, repeated terms, a special
                token in the middle, more terms than `max_tokens`, or IDF
                weights that do not match.
        """
        self._check_idf_weights_match_mode(idf_weights)
        if isinstance(vocabulary, str | os.PathLike):
            vocabulary = self._read_vocabulary_file(vocabulary)
        terms = self._as_terms(vocabulary, "vocabulary")
        if not terms:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary!r}")
        token_start = self._token_start_index()
        special = [self.mask_token] * self._oov_start_index() + [self.oov_token] * self.num_oov_indices
        found_special = terms[:token_start] == special
        tokens = terms[token_start:] if found_special else terms
        self._check_tokens(tokens, terms, special)
        weights = None
        if self.output_mode == "tf_idf":
            front = 0 if found_special else self._token_start_index()
            pad_to = self.max_tokens if self.pad_to_max_tokens else None
            weights = given_idf_weights(idf_weights, len(terms), front=front, pad_to=pad_to)
        self._set_tokens(tokens)
        self._idf_weights = weights

    def _check_idf_weights_match_mode(self, idf_weights: Any) -> None:
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(
                "`idf_weights` must be set with `output_mode='tf_idf'`. Received: idf_weights=None."
            )
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(
                "`idf_weights` is only used with `output_mode='tf_idf'`. "
                f"Received: idf_weights with output_mode={self.output_mode!r}."
            )

    def _check_tokens(self, tokens: list[Any], terms: list[Any], special: list[Any]) -> None:
        """Refuse repeated terms, reserved tokens among the terms, and more than `max_tokens` entries."""
        repeated = [term for term, count in collections.Counter(tokens).items() if count > 1]
        if repeated:
            raise ValueError(
                f"The vocabulary has repeated terms: {repeated}. Every term must appear once; "
                "deduplicate it (e.g. with dict.fromkeys(vocabulary))."
            )
        for name, token, applies in (
            ("mask_token", self.mask_token, True),
            ("oov_token", self.oov_token, self.invert),
        ):
            if applies and token is not None and token in tokens:
                raise ValueError(
                    f"The vocabulary holds the reserved {name} {token!r} at index {terms.index(token)}. "
                    "Leave "
                    f"the special tokens out, or put them all first in this order: {special}."
                )
        size = self._token_start_index() + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                f"The vocabulary has {size} entries (with the special tokens), more than "
                f"max_tokens={self.max_tokens}. Received: {len(tokens)} terms. Raise `max_tokens` or trim it."
            )

    def _read_vocabulary_file(self, path: str | os.PathLike) -> list[Any]:
        if self.output_mode == "tf_idf":
            raise ValueError("`output_mode='tf_idf'` cannot read its vocabulary from a file. Pass a list.")
        if not os.path.isfile(path):
            raise ValueError(f"Vocabulary file {path} does not exist. Received: vocabulary={path!r}")
        with open(path, encoding="utf-8") as file:
            lines = file.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        return lines

    def _as_terms(self, values: Any, argument: str) -> list[Any]:
        if isinstance(values, torch.Tensor):
            values = values.detach().cpu().numpy()
        array = as_string_array(values) if self.vocabulary_dtype == "string" else np.asarray(values)
        if array.ndim != 1:
            raise ValueError(f"`{argument}` must be 1D. Received: {argument} of shape {array.shape}.")
        if self.vocabulary_dtype != "string":
            if array.size and array.dtype.kind not in "iu":
                raise ValueError(f"`{argument}` must hold integers. Received: dtype {array.dtype}.")
            return [int(value) for value in array]
        return list(array)

    def _set_tokens(self, tokens: list[Any]) -> None:
        size = self._token_start_index() + len(tokens)
        if (
            self.output_mode != "int"
            and not self.pad_to_max_tokens
            and self._frozen_vocab_size is not None
            and size != self._frozen_vocab_size
        ):
            raise RuntimeError(
                f"With `output_mode={self.output_mode!r}` and `pad_to_max_tokens=False`, the vocabulary size "
                f"cannot change once set (outputs have one entry per term). Old size: "
                f"{self._frozen_vocab_size}, new size: {size}. Create a new layer, or set "
                "pad_to_max_tokens=True."
            )
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {token: start + position for position, token in enumerate(self._tokens)}
        self._sorted_keys = None  # the integer index is rebuilt at the next lookup
        self._frozen_vocab_size = size

    # -- adapting ------------------------------------------------------------------------
    def reset_state(self) -> None:
        """Forget the counts of an `adapt` in progress (the vocabulary stays)."""
        self._token_counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learn the vocabulary (and IDF weights) from `data`, as Keras's `adapt`.

        Args:
            data: A list, array or tensor of tokens (one batch; a 1D one is
                one token per sample), or an iterable of such batches.
            steps: With an iterable, the number of batches to read.
        """
        self.reset_state()
        if isinstance(data, list | tuple | np.ndarray | torch.Tensor | StringArray):
            rows = self._host_values(data)
            self.update_state(rows[:, None] if rows.ndim == 1 else rows)
        else:
            for index, batch in enumerate(iterate_batches(data, self)):
                if steps is not None and index >= steps:
                    break
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        """Count the tokens of one batch (rows are documents, for the IDF weights)."""
        if self.has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer {self.name!r}: its vocabulary was given (`vocabulary` or "
                "set_vocabulary()). Create the layer without a vocabulary to learn one."
            )
        if isinstance(data, list) and data and all(isinstance(row, list) for row in data):
            rows = data  # ragged rows of tokens (from TextVectorization)
        else:
            array = data if isinstance(data, np.ndarray) else self._host_values(data)
            rows = array.reshape(1, -1) if array.ndim <= 1 else array
        for row in rows:
            flat = list(np.asarray(row, dtype=object).ravel()) if not isinstance(row, list) else row
            self._token_counts.update(flat)
            if self.output_mode == "tf_idf":
                self._document_counts.update(set(flat))
        if self.output_mode == "tf_idf":
            self._num_documents += len(rows)

    def finalize_state(self) -> None:
        """Turn the counts into the vocabulary: most frequent first, ties by token, higher first."""
        counts = self._token_counts
        if self.has_input_vocabulary or not counts:
            return
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(special, None)
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ordered = ordered[: self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            documents = [self._document_counts[token] for token in tokens]
            back = self.max_tokens - self.vocabulary_size() if self.pad_to_max_tokens else 0
            front = self._token_start_index()
            self._idf_weights = learned_idf_weights(documents, self._num_documents, front=front, back=back)
        self.reset_state()

    # -- calling ---------------------------------------------------------------------------
    def _host_values(self, inputs: Any) -> np.ndarray:
        """Inputs as a NumPy array on the host: `str` objects, or int64."""
        if self.vocabulary_dtype == "string" and not self.invert:
            if not is_text(inputs):
                raise TypeError(
                    f"{type(self).__name__} takes strings. Received: {type(inputs).__name__} "
                    f"{getattr(inputs, 'dtype', '')}. Pass a NumPy array or list of str."
                )
            return as_string_array(inputs)
        if is_text(inputs):
            raise TypeError(
                f"{type(self).__name__} takes integers here. Received: text. "
                + ("Pass the indices to invert." if self.invert else "Use StringLookup for strings.")
            )
        if isinstance(inputs, torch.Tensor):
            return inputs.detach().cpu().numpy().astype(np.int64)
        return np.asarray(inputs).astype(np.int64)

    def lookup_indices(self, values: np.ndarray) -> np.ndarray:
        """Indices of `values` (same shape), with the mask and OOV rules applied."""
        flat = values.ravel()
        if self.vocabulary_dtype == "string":
            index = self._index
            ids = np.fromiter((index.get(v, -1) for v in flat), dtype=np.int64, count=flat.size)
        else:
            ids = self._integer_ids(flat)
        if self.mask_token is not None:
            ids[flat == self.mask_token] = 0 if self.output_mode == "int" else _DROPPED
        missing = ids == -1
        if missing.any():
            ids[missing] = self._oov_ids(flat[missing])
        return ids.reshape(values.shape)

    def _integer_ids(self, flat: np.ndarray) -> np.ndarray:
        if self._sorted_keys is None:
            keys = np.asarray(self._tokens, dtype=np.int64)
            order = np.argsort(keys, kind="stable")
            self._sorted_keys = keys[order]
            self._sorted_ids = order.astype(np.int64) + self._token_start_index()
        keys = self._sorted_keys
        if not keys.size:
            return np.full(flat.shape, -1, dtype=np.int64)
        position = np.clip(np.searchsorted(keys, flat), 0, keys.size - 1)
        return np.where(keys[position] == flat, self._sorted_ids[position], -1)

    def _oov_ids(self, values: np.ndarray) -> np.ndarray:
        if self.num_oov_indices == 0:
            raise ValueError(
                "With `num_oov_indices=0` all inputs must be in the vocabulary. Received: out-of-vocabulary "
                f"values {values[:10].tolist()}. Set num_oov_indices=1 to map them to an OOV index."
            )
        start = self._oov_start_index()
        if self.num_oov_indices == 1:
            return np.full(values.shape, start, dtype=np.int64)
        if self.vocabulary_dtype != "string" and self.oov_method == "floormod":
            return np.mod(values.astype(np.int64), self.num_oov_indices) + start
        return hash_buckets(values, self.num_oov_indices, self.salt) + start

    def _invert(self, ids: np.ndarray) -> np.ndarray:
        vocabulary = self.get_vocabulary()
        table = np.empty(len(vocabulary), dtype=object if self.vocabulary_dtype == "string" else np.int64)
        table[:] = vocabulary
        inside = (ids >= 0) & (ids < len(vocabulary))
        tokens = np.where(inside, table[np.where(inside, ids, 0)], self.oov_token)
        if self.mask_token is not None:
            tokens = np.where(ids == 0, self.mask_token, tokens)
        return tokens.astype(object if self.vocabulary_dtype == "string" else np.int64)

    def call(self, inputs: Any) -> Any:
        device = output_device(inputs)
        values = self._host_values(inputs)
        if self.invert:
            tokens = self._invert(values)
            return tokens if self.vocabulary_dtype == "string" else torch.from_numpy(tokens).to(device)
        return self.encode(torch.from_numpy(self.lookup_indices(values)).to(device))

    def encode(self, ids: torch.Tensor) -> torch.Tensor:
        """Indices as the output mode asks: unchanged for `"int"`, else one vector per sample or id."""
        if self.output_mode == "int":
            return ids
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if depth is None:
            raise RuntimeError(
                f"With `output_mode={self.output_mode!r}` and `pad_to_max_tokens=False`, the vocabulary must "
                "be set before calling the layer. Pass `vocabulary=` or call adapt() with sample data."
            )
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        encoded = encode_categories(ids, mode, depth)
        if self.output_mode == "tf_idf":
            weights = self._idf_weights if self._idf_weights is not None else np.zeros(depth, np.float32)
            encoded = encoded * torch.as_tensor(weights, device=encoded.device)
        return encoded

    def get_config(self) -> dict[str, Any]:
        learned = self._tokens if self._tokens else None
        idf = None
        if self.output_mode == "tf_idf" and self._idf_weights is not None and learned is not None:
            idf = self._idf_weights[self._token_start_index() : self.vocabulary_size()].tolist()
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": False,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            # An adapted vocabulary is kept in the configuration, so a saved model needs no extra file.
            "idf_weights": self.input_idf_weights if self.input_idf_weights is not None else idf,
            "vocabulary": self.input_vocabulary if self.input_vocabulary is not None else learned,
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }


def _check_arguments(
    max_tokens: Any,
    num_oov_indices: Any,
    invert: bool,
    output_mode: str,
    sparse: bool,
    pad_to_max_tokens: bool,
    idf_weights: Any,
) -> None:
    problems = []
    if max_tokens is not None and (not isinstance(max_tokens, int) or max_tokens <= 1):
        problems.append(
            f"`max_tokens` must be None or an int greater than 1. Received: max_tokens={max_tokens!r}"
        )
    if pad_to_max_tokens and max_tokens is None:
        problems.append("`pad_to_max_tokens=True` needs `max_tokens`. Received: max_tokens=None")
    if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
        problems.append(
            f"`num_oov_indices` must be an int >= 0. Received: num_oov_indices={num_oov_indices!r}"
        )
    if invert and output_mode != "int":
        problems.append(f"`invert=True` needs `output_mode='int'`. Received: output_mode={output_mode!r}")
    if sparse:
        problems.append("`sparse=True` is not supported: outputs are dense tensors. Received: sparse=True")
    if idf_weights is not None and output_mode != "tf_idf":
        problems.append(
            f"`idf_weights` is only used with `output_mode='tf_idf'`. Received: output_mode={output_mode!r}"
        )
    if problems:
        raise ValueError("\n".join(problems))


def _current_mode_name(output_mode: Any) -> Any:
    """`output_mode` with Keras's older names replaced by the current ones."""
    if output_mode == "binary":
        return "multi_hot"
    if output_mode == "tf-idf":
        return "tf_idf"
    return output_mode


def _checked_salt(salt: Any, vocabulary_dtype: str, oov_method: str) -> Any:
    """`salt`, refused for an integer vocabulary unless its OOV values are hashed with farmhash."""
    if salt is not None and vocabulary_dtype != "string" and oov_method != "farmhash":
        raise ValueError(
            f"`salt` can only be used with `oov_method='farmhash'`. Received: salt={salt!r}, "
            f"oov_method={oov_method!r}."
        )
    return check_salt(salt)


def _plain_list(values: Any) -> list[Any] | None:
    """A vocabulary or weights as a JSON-ready list (for `get_config`)."""
    if values is None:
        return None
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    if isinstance(values, StringArray):
        values = values.values
    if isinstance(values, np.ndarray):
        values = values.tolist()
    return [value.decode("utf-8") if isinstance(value, bytes) else value for value in values]


def iterate_batches(data: Iterable[Any], layer: IndexLookup) -> Iterable[Any]:
    """`data` when `adapt` can iterate over it as batches, else a TypeError naming `layer`."""
    if not hasattr(data, "__iter__"):
        raise TypeError(
            f"{type(layer).__name__}.adapt() takes a list, array or tensor of tokens, or an iterable of "
            f"batches. Received: {type(data).__name__}."
        )
    return data
