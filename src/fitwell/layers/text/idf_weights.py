"""Keras's TF-IDF weights of a vocabulary: learned from document counts by `adapt`, or given and padded.

Index `i` of the weights is the weight of output index `i`: the special
indices (mask, out-of-vocabulary) come first with the average weight, then
one weight per term, then zeros up to `max_tokens` when the outputs are
padded to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["given_idf_weights", "learned_idf_weights"]


def learned_idf_weights(
    document_counts: Sequence[int], num_documents: int, *, front: int, back: int
) -> np.ndarray:
    """Keras's `log(1 + documents / (1 + documents holding the term))`, one per term, padded.

    Example:
        >>> [round(float(w), 3) for w in learned_idf_weights([2, 1], 3, front=1, back=1)]
        [0.805, 0.693, 0.916, 0.0]
    """
    documents = np.array(document_counts, dtype=np.float64)
    idf = np.log(1 + num_documents / (1 + documents)).astype(np.float32)
    mean = idf.mean(dtype=np.float32) if idf.size else np.float32(0)
    return np.pad(idf, (front, back), constant_values=(mean, 0))


def given_idf_weights(idf_weights: Any, num_terms: int, *, front: int, pad_to: int | None) -> np.ndarray:
    """The `idf_weights` given with a vocabulary of `num_terms` terms, padded (float32).

    Args:
        idf_weights: One weight per term.
        num_terms: The number of terms in the vocabulary as given.
        front: Special indices before the terms (0 when the vocabulary
            already starts with the special tokens).
        pad_to: `max_tokens` when the outputs are padded to it, else None.

    Raises:
        ValueError: When the weights are not one per term.
    """
    weights = np.asarray(idf_weights, dtype=np.float64)
    if weights.ndim != 1 or len(weights) != num_terms:
        raise ValueError(
            "`idf_weights` must be a 1D list with one weight per vocabulary term. Received: "
            f"{weights.shape} weights for {num_terms} terms."
        )
    # Special tokens without a weight get the average one (Keras has no document counts for them).
    back = pad_to - front - len(weights) if pad_to is not None else 0
    padded = np.pad(weights, (front, back), constant_values=(np.average(weights) if front else 0, 0))
    return padded.astype(np.float32)
