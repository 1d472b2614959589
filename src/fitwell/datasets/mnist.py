"""MNIST handwritten digits, as `keras.datasets.mnist`: 60,000 training and 10,000 test images, 28x28."""

from __future__ import annotations

import numpy as np

from fitwell.datasets._cache import cached_file

__all__ = ["load_data"]

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(
    path: str = "mnist.npz",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST from Keras's cache, downloading it (11 MB) the first time.

    Args:
        path: File name inside `~/.keras/datasets` (or `$KERAS_HOME/datasets`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(60000, 28, 28)` and `(10000, 28, 28)` with values 0–255, and uint8
        labels 0–9 of shape `(60000,)` and `(10000,)`.

    Raises:
        DownloadError: When the file is not cached and cannot be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.dtype  # doctest: +SKIP
        ((60000, 28, 28), dtype('uint8'))
    """
    file = cached_file(path, origin=ORIGIN, file_hash=FILE_HASH)
    with np.load(file, allow_pickle=False) as arrays:
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
