"""California housing prices, as `keras.datasets.california_housing`: 20,640 districts, 8 features."""

from __future__ import annotations

import numpy as np

from fitwell.datasets._cache import cached_file
from fitwell.datasets._split import check_test_split, shuffled_split

__all__ = ["load_data"]

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/california_housing.npz"
FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
VERSIONS = ("large", "small")
_SMALL_SIZE = 600


def load_data(
    version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2, seed: int = 113
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the California housing data (1990 US census) from Keras's cache, downloading it the first time.

    Features: median income, house age, average rooms, average bedrooms,
    population, average occupancy, latitude, longitude. The target is the
    median house value in dollars.

    Args:
        version: `"large"` (all 20,640 samples) or `"small"` (the first 600).
        path: File name inside `~/.keras/datasets` (or `$KERAS_HOME/datasets`).
        test_split: Fraction of the samples kept for testing, in [0, 1).
        seed: Seed of the shuffle before the split (Keras's default 113).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: features of shape `(n, 8)`
        and targets of shape `(n,)`.

    Raises:
        ValueError: For an unknown `version` or `test_split` outside [0, 1).
        DownloadError: When the file is not cached and cannot be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(version="small")  # doctest: +SKIP
        >>> x_train.shape, x_test.shape  # doctest: +SKIP
        ((480, 8), (120, 8))
    """
    check_test_split(test_split)
    if version not in VERSIONS:
        raise ValueError(f"`version` must be one of {VERSIONS}. Received: version={version!r}")
    with np.load(cached_file(path, origin=ORIGIN, file_hash=FILE_HASH), allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:_SMALL_SIZE], y[:_SMALL_SIZE]
    return shuffled_split(x, y, test_split, seed)
