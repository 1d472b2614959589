"""Reuters newswire topics, as `keras.datasets.reuters`: 11,228 newswires in 46 topics."""

from __future__ import annotations

import json

import numpy as np

from fitwell.datasets._cache import cached_file
from fitwell.datasets._npz import load_npz
from fitwell.datasets._split import check_test_split
from fitwell.datasets._word_sequences import drop_long, limit_vocabulary, shift_indices, shuffle_together

__all__ = ["get_label_names", "get_word_index", "load_data"]

_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Reuters newswires as sequences of word indices, from Keras's cache (downloaded once, 2 MB).

    The newswires are shuffled with `seed`, then the last `test_split` of
    them are kept for testing. Word `i` of `get_word_index()` appears as
    `i + index_from`; `start_char` opens every newswire and `oov_char`
    replaces words outside `[skip_top, num_words)`.

    Args:
        path: File name inside `~/.keras/datasets` (or `$KERAS_HOME/datasets`).
        num_words: Keep the words of index below this (after the shift);
            None keeps all.
        skip_top: Replace the indices below this (the most frequent words) too.
        maxlen: Drop the newswires of `maxlen` indices or more (start included).
        test_split: Fraction of the newswires kept for testing, in [0, 1).
        seed: Seed of the shuffle.
        start_char: The index every newswire starts with; None for none.
        oov_char: The index of the words left out; None drops them.
        index_from: Added to every word's index.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of
        ints, and int topic labels 0-45 (names in `get_label_names()`).

    Raises:
        ValueError: For `test_split` outside [0, 1).
        DownloadError: When the file is not cached and cannot be downloaded.
        UnsafeFileError: When the file holds a pickle of anything but arrays and lists.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
        >>> len(x_train), len(x_test)  # doctest: +SKIP
        (8982, 2246)
    """
    check_test_split(test_split)
    arrays = load_npz(cached_file(path, origin=f"{_FOLDER}reuters.npz", file_hash=FILE_HASH))
    sequences, labels = shuffle_together(arrays["x"], arrays["y"], np.random.RandomState(seed))
    sequences = shift_indices(sequences, start_char, index_from)
    if maxlen:
        sequences, labels = drop_long(sequences, labels, maxlen)
    sequences = limit_vocabulary(sequences, num_words, skip_top, oov_char)
    cut = int(len(sequences) * (1 - test_split))
    return (
        (np.array(sequences[:cut], dtype="object"), np.array(labels[:cut])),
        (np.array(sequences[cut:], dtype="object"), np.array(labels[cut:])),
    )


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The `{word: index}` of the Reuters data (1 = most frequent), from Keras's cache.

    Indices in `load_data()`'s sequences are these plus `index_from` (3).

    Raises:
        DownloadError: When the file is not cached and cannot be downloaded.

    Example:
        >>> get_word_index()["the"]  # doctest: +SKIP
        1
    """
    file = cached_file(path, origin=f"{_FOLDER}reuters_word_index.json", file_hash=WORD_INDEX_HASH)
    with open(file, encoding="utf-8") as stream:
        return json.load(stream)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, in label order.

    Example:
        >>> get_label_names()[:3], len(get_label_names())
        (('cocoa', 'grain', 'veg-oil'), 46)
    """
    return _LABEL_NAMES
