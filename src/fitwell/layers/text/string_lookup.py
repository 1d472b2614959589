"""`StringLookup`: strings to integer indices (or the reverse) through a vocabulary, as Keras's."""

from __future__ import annotations

from typing import Any

from fitwell.layers.text.index_lookup import IndexLookup

__all__ = ["StringLookup"]


class StringLookup(IndexLookup):
    """Map strings to indices of a vocabulary that is given or learned with `adapt` (Keras's `StringLookup`).

    Indices: with a `mask_token` (in `"int"` mode) index 0 is the mask,
    then come `num_oov_indices` indices for out-of-vocabulary strings (1 by
    default, mapped to `oov_token` when inverting), then the vocabulary.
    Inputs are strings of any shape: a NumPy array of `str`, a (nested)
    list, or a batch of `Input(shape, dtype="string")` inside a model.

    Args:
        max_tokens: The largest vocabulary (special tokens included) that
            `adapt` keeps; None for no limit.
        num_oov_indices: Indices for unknown strings; with more than one, a
            string goes to `FarmHash64(string) % num_oov_indices` (SipHash
            with `salt`), as Keras. 0 makes unknown strings an error.
        mask_token: A string that maps to 0 in `"int"` mode (dropped in the
            other modes); None for no mask.
        oov_token: What `invert=True` returns for unknown indices.
        vocabulary: A list or 1D array of strings, or the path of a text file
            with one per line; None to `adapt` instead.
        idf_weights: With `output_mode="tf_idf"` and a `vocabulary`, one
            inverse document frequency per term.
        invert: Map indices back to strings (returns a NumPy array of `str`).
        output_mode: `"int"` (indices, int64), `"one_hot"`, `"multi_hot"`,
            `"count"` or `"tf_idf"` (float32 vectors of vocabulary size;
            the last axis of the input is one sample).
        pad_to_max_tokens: In the vector modes, make vectors `max_tokens` long.
        sparse: Only False: outputs are dense tensors.
        encoding: The text encoding of bytes inputs (only `"utf-8"`).
        salt: Key of the SipHash used for several OOV indices.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> layer([["a", "c", "d"], ["d", "z", "b"]])
        tensor([[1, 3, 4],
                [4, 0, 2]])
        >>> StringLookup(vocabulary=layer.get_vocabulary(), invert=True)([[1, 3], [0, 2]]).tolist()
        [['a', 'c'], ['[UNK]', 'b']]
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: str | None = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: str | None = None,
        salt: Any = None,
        **kwargs: Any,
    ) -> None:
        if encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise ValueError(f"`encoding` must be 'utf-8'. Received: encoding={encoding!r}")
        kwargs.pop("vocabulary_dtype", None)  # always strings
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary_dtype="string",
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            name=name,
            salt=salt,
            **kwargs,
        )
        self.encoding = "utf-8"

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["vocabulary_dtype"]  # strings only, as Keras leaves it out
        return {**config, "encoding": self.encoding}
