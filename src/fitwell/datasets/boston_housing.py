"""Boston housing prices, as `keras.datasets.boston_housing`: 506 districts, 13 features.

The data has an ethical problem (a feature built on the proportion of
Black residents); it is here for compatibility with Keras's examples.
`california_housing.load_data(version="small")` is the suggested replacement.
"""

from __future__ import annotations

import numpy as np

from fitwell.datasets._cache import cached_file
from fitwell.datasets._split import check_test_split, shuffled_split

__all__ = ["load_data"]

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(
    path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the Boston housing data from Keras's cache, downloading it the first time.

    Args:
        path: File name inside `~/.keras/datasets` (or `$KERAS_HOME/datasets`).
        test_split: Fraction of the samples kept for testing, in [0, 1).
        seed: Seed of the shuffle before the split (Keras's default 113).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float64 features of shape
        `(n, 13)` and prices in thousands of dollars of shape `(n,)`.

    Raises:
        ValueError: For `test_split` outside [0, 1).
        DownloadError: When the file is not cached and cannot be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, x_test.shape  # doctest: +SKIP
        ((404, 13), (102, 13))
    """
    check_test_split(test_split)
    with np.load(cached_file(path, origin=ORIGIN, file_hash=FILE_HASH), allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    return shuffled_split(x, y, test_split, seed)
