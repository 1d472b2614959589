"""What Keras's IMDB and Reuters loaders share: word-index sequences shuffled, shifted and trimmed.

The files hold reviews/newswires as lists of word ranks (1 = most frequent
word). Keras shuffles them with `numpy.random.RandomState(seed)`, shifts
every rank by `index_from` (reserving 0 for padding, `start_char` and
`oov_char`), drops sequences of `maxlen` words or more, and replaces ranks
outside `[skip_top, num_words)` by `oov_char` (or drops them).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["drop_long", "limit_vocabulary", "shift_indices", "shuffle_together"]


def shuffle_together(
    sequences: np.ndarray, labels: np.ndarray, rng: np.random.RandomState
) -> tuple[Any, Any]:
    """`sequences` and `labels` in the same random order drawn from `rng` (Keras's permutation).

    Example:
        >>> shuffle_together(np.arange(4), np.arange(4) * 10, np.random.RandomState(113))[1].tolist()
        [30, 20, 0, 10]
    """
    order = np.arange(len(sequences))
    rng.shuffle(order)
    return sequences[order], labels[order]


def shift_indices(sequences: Any, start_char: int | None, index_from: int) -> list[list[int]]:
    """Every rank plus `index_from`, with `start_char` first when it is not None.

    Example:
        >>> shift_indices([[1, 5], [2]], start_char=1, index_from=3)
        [[1, 4, 8], [1, 5]]
    """
    if start_char is not None:
        return [[start_char] + [word + index_from for word in sequence] for sequence in sequences]
    return [[word + index_from for word in sequence] for sequence in sequences]


def drop_long(sequences: list[list[int]], labels: Any, maxlen: int) -> tuple[list[list[int]], list[Any]]:
    """Only the sequences shorter than `maxlen` (Keras keeps `len < maxlen`), with their labels.

    Example:
        >>> drop_long([[1, 2], [1, 2, 3]], [0, 1], maxlen=3)
        ([[1, 2]], [0])
    """
    kept = [
        (sequence, label) for sequence, label in zip(sequences, labels, strict=True) if len(sequence) < maxlen
    ]
    return [sequence for sequence, _ in kept], [label for _, label in kept]


def limit_vocabulary(
    sequences: list[list[int]], num_words: int | None, skip_top: int, oov_char: int | None
) -> list[list[int]]:
    """Ranks outside `[skip_top, num_words)` replaced by `oov_char`, or dropped when it is None.

    `num_words` None (or 0) keeps every rank up to the largest one present.

    Example:
        >>> limit_vocabulary([[1, 4, 9, 5]], num_words=6, skip_top=2, oov_char=2)
        [[2, 4, 2, 5]]
    """
    if not num_words:
        num_words = max(max(sequence) for sequence in sequences)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in sequence] for sequence in sequences]
    return [[w for w in sequence if skip_top <= w < num_words] for sequence in sequences]
