"""Keras's `pad_sequences`: a list of sequences of different lengths as one padded array."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(
    sequences: Sequence[Any],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0.0,
) -> np.ndarray:
    """Pad (and cut) sequences to one length: an array `(len(sequences), maxlen, *step_shape)`.

    Sequences shorter than `maxlen` are filled with `value` before them
    (`padding="pre"`, the default) or after them (`"post"`); longer ones lose
    their first steps (`truncating="pre"`) or their last (`"post"`). Each
    step may itself be an array; all steps must have the shape of the first
    non-empty sequence's steps.

    Args:
        sequences: A list of sequences (lists or arrays).
        maxlen: The output length; None uses the longest sequence.
        dtype: The output dtype (`object` or a string dtype for text).
        padding: `"pre"` or `"post"`: where the fill goes.
        truncating: `"pre"` or `"post"`: which end is cut from long sequences.
        value: The fill value.

    Returns:
        A NumPy array of `dtype`.

    Raises:
        ValueError: For items that are not sequences, steps of another
            shape, a text `value` with a numeric dtype, or an unknown
            `padding`/`truncating`.

    Example:
        >>> pad_sequences([[1, 2, 3], [4, 5], [6]], maxlen=2)
        array([[2, 3],
               [4, 5],
               [0, 6]], dtype=int32)
        >>> pad_sequences([[1, 2, 3], [4]], padding="post", truncating="post", maxlen=2, value=-1)
        array([[ 1,  2],
               [ 4, -1]], dtype=int32)
    """
    lengths, step_shape = _lengths_and_step_shape(sequences)
    if padding not in ("pre", "post"):
        raise ValueError(f"`padding` must be 'pre' or 'post'. Received: padding={padding!r}")
    if truncating not in ("pre", "post"):
        raise ValueError(f"`truncating` must be 'pre' or 'post'. Received: truncating={truncating!r}")
    if maxlen is None:
        maxlen = int(np.max(lengths)) if lengths else 0
    is_text_dtype = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text_dtype:
        raise ValueError(
            f"`dtype` {dtype} cannot hold the text `value` {value!r}. "
            "Use dtype=object for text of any length."
        )
    padded = np.full((len(sequences), maxlen, *step_shape), value, dtype=dtype)
    for index, sequence in enumerate(sequences):
        if not len(sequence) or maxlen == 0:
            continue
        kept = np.asarray(sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen], dtype=dtype)
        if kept.shape[1:] != step_shape:
            raise ValueError(
                f"Sequence {index} has steps of shape {kept.shape[1:]}, the others {step_shape}. "
                "Every step must have the same shape."
            )
        if padding == "post":
            padded[index, : len(kept)] = kept
        else:
            padded[index, -len(kept) :] = kept
    return padded


def _lengths_and_step_shape(sequences: Sequence[Any]) -> tuple[list[int], tuple[int, ...]]:
    """The length of every sequence, and the shape of the first non-empty sequence's steps."""
    if not hasattr(sequences, "__len__"):
        raise ValueError(
            "`sequences` must be a list of sequences. "
            f"Received: a {type(sequences).__name__} without a length."
        )
    lengths = []
    step_shape: tuple[int, ...] = ()
    found_step_shape = False
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError:
            raise ValueError(
                "`sequences` must be a list of sequences. "
                f"Received: an item {sequence!r:.100} that is not one."
            ) from None
        if not found_step_shape and len(sequence):
            step_shape = np.asarray(sequence).shape[1:]
            found_step_shape = True
    return lengths, step_shape
