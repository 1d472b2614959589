"""Fashion-MNIST, as `keras.datasets.fashion_mnist`: 70,000 28x28 grey images of 10 kinds of clothing."""

from __future__ import annotations

import gzip
import os

import numpy as np

from fitwell.datasets._cache import cached_file

__all__ = ["load_data"]

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")


def _read_idx(name: str, header_bytes: int) -> np.ndarray:
    # Keras publishes no hash for these files, so none is checked (as Keras).
    file = cached_file(name, origin=BASE_URL + name, file_hash=None, cache_subdir=_CACHE_SUBDIR)
    with gzip.open(file, "rb") as stream:
        return np.frombuffer(bytearray(stream.read()), np.uint8, offset=header_bytes)


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST from Keras's cache, downloading its four files (30 MB) the first time.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal,
    6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(60000, 28, 28)` and `(10000, 28, 28)`, and uint8 labels of shape
        `(60000,)` and `(10000,)`.

    Raises:
        DownloadError: When a file is not cached and cannot be downloaded.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_test.shape  # doctest: +SKIP
        (10000, 28, 28)
    """
    train_labels, train_images, test_labels, test_images = FILES
    y_train = _read_idx(train_labels, 8)
    x_train = _read_idx(train_images, 16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(test_labels, 8)
    x_test = _read_idx(test_images, 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
