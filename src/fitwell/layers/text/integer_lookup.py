"""`IntegerLookup`: integer values to contiguous indices (or the reverse), as Keras's."""

from __future__ import annotations

from typing import Any

from fitwell.layers.text.index_lookup import IndexLookup

__all__ = ["IntegerLookup"]


class IntegerLookup(IndexLookup):
    """Map integer values to indices of a vocabulary, given or learned with `adapt` (Keras's `IntegerLookup`).

    Indices: with a `mask_token` (in `"int"` mode) index 0 is the mask,
    then `num_oov_indices` indices for values not in the vocabulary, then
    the vocabulary.

    Args:
        max_tokens: The largest vocabulary (special tokens included) that
            `adapt` keeps; None for no limit.
        num_oov_indices: Indices for unknown values; with more than one, a
            value goes to `value % num_oov_indices` (`oov_method="floormod"`)
            or to a FarmHash bucket of its decimal text (`"farmhash"`). 0
            makes unknown values an error.
        mask_token: A value that maps to 0 in `"int"` mode (dropped in the
            other modes); None for no mask.
        oov_token: What `invert=True` returns for unknown indices (-1).
        vocabulary: A list or 1D array of ints; None to `adapt` instead.
        vocabulary_dtype: Only `"int64"`.
        idf_weights: With `output_mode="tf_idf"` and a `vocabulary`, one
            inverse document frequency per term.
        invert: Map indices back to values.
        output_mode: `"int"` (int64 indices), `"one_hot"`, `"multi_hot"`,
            `"count"` or `"tf_idf"` (float32 vectors of vocabulary size).
        sparse: Only False: outputs are dense tensors.
        pad_to_max_tokens: In the vector modes, make vectors `max_tokens` long.
        oov_method: `"floormod"` or `"farmhash"` (see `num_oov_indices`).
        salt: With `oov_method="farmhash"`, the SipHash key instead.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer([[12, 1138, 42], [42, 1000, 36]])
        tensor([[1, 3, 4],
                [4, 0, 2]])
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        num_oov_indices: int = 1,
        mask_token: int | None = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        oov_method: str = "floormod",
        salt: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"`vocabulary_dtype` must be 'int64'. Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=None if oov_token is None else int(oov_token),
            vocabulary_dtype="int64",
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            oov_method=oov_method,
            salt=salt,
            name=name,
            **kwargs,
        )
