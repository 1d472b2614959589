"""IMDB movie-review sentiment, as `keras.datasets.imdb`: 25,000 training and 25,000 test reviews."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from fitwell.datasets._cache import cached_file
from fitwell.datasets._npz import load_npz
from fitwell.datasets._word_sequences import drop_long, limit_vocabulary, shift_indices, shuffle_together

__all__ = ["get_word_index", "load_data"]

_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    **kwargs: Any,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load IMDB reviews as sequences of word indices, from Keras's cache (downloaded once, 17 MB).

    Word `i` of `get_word_index()` (1 = most frequent) appears as
    `i + index_from`; 0 is left for padding, `start_char` opens every
    review and `oov_char` replaces words outside `[skip_top, num_words)`.

    Args:
        path: File name inside `~/.keras/datasets` (or `$KERAS_HOME/datasets`).
        num_words: Keep the words of index below this (after the shift);
            None keeps all.
        skip_top: Replace the indices below this (the most frequent words) too.
        maxlen: Drop the reviews of `maxlen` indices or more (start included).
        seed: Seed of the shuffle of each split.
        start_char: The index every review starts with; None for none.
        oov_char: The index of the words left out; None drops them.
        index_from: Added to every word's index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of
        ints, and int labels 0 (negative) or 1 (positive).

    Raises:
        ValueError: When `maxlen` leaves no review in a split.
        DownloadError: When the file is not cached and cannot be downloaded.
        UnsafeFileError: When the file holds a pickle of anything but arrays and lists.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
        >>> len(x_train), x_train[0][:3]  # doctest: +SKIP
        (25000, [1, 14, 22])
    """
    if kwargs:
        raise TypeError(f"load_data() got unexpected keyword arguments: {sorted(kwargs)}.")
    arrays = load_npz(cached_file(path, origin=f"{_FOLDER}imdb.npz", file_hash=FILE_HASH))
    rng = np.random.RandomState(seed)  # one generator: the test shuffle continues the training one
    x_train, labels_train = shuffle_together(arrays["x_train"], arrays["y_train"], rng)
    x_test, labels_test = shuffle_together(arrays["x_test"], arrays["y_test"], rng)
    x_train = shift_indices(x_train, start_char, index_from)
    x_test = shift_indices(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = drop_long(x_train, labels_train, maxlen)
        x_test, labels_test = drop_long(x_test, labels_test, maxlen)
        if not x_train or not x_test:
            raise ValueError(
                f"No review is shorter than maxlen={maxlen} in the training or test split. "
                "Raise `maxlen` (it counts the start index too)."
            )
    sequences = limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    cut = len(x_train)
    return (
        (np.array(sequences[:cut], dtype="object"), labels[:cut]),
        (np.array(sequences[cut:], dtype="object"), labels[cut:]),
    )


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The `{word: index}` of the IMDB data (1 = most frequent), from Keras's cache.

    Indices in `load_data()`'s sequences are these plus `index_from` (3).

    Raises:
        DownloadError: When the file is not cached and cannot be downloaded.

    Example:
        >>> index = get_word_index()  # doctest: +SKIP
        >>> index["the"]  # doctest: +SKIP
        1
    """
    file = cached_file(path, origin=f"{_FOLDER}imdb_word_index.json", file_hash=WORD_INDEX_HASH)
    with open(file, encoding="utf-8") as stream:
        return json.load(stream)
