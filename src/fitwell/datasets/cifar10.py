"""CIFAR-10, as `keras.datasets.cifar10`: 60,000 32x32 colour images in 10 classes."""

from __future__ import annotations

import numpy as np

from fitwell.datasets.cifar import batches_folder, load_batch, to_keras_layout

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_TRAIN = [f"data_batch_{i}" for i in range(1, 6)]


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-10 from Keras's cache, downloading the archive (163 MB) the first time.

    Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog,
    7 horse, 8 ship, 9 truck.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(50000, 32, 32, 3)` and `(10000, 32, 32, 3)` (channels last), and
        uint8 labels of shape `(50000, 1)` and `(10000, 1)`.

    Raises:
        DownloadError: When the data is not cached and cannot be downloaded.
        UnsafeFileError: When a batch file would run code when read.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
        >>> x_train.shape, y_train.shape  # doctest: +SKIP
        ((50000, 32, 32, 3), (50000, 1))
    """
    folder = batches_folder(
        "cifar-10-batches-py-target", "cifar-10-batches-py", origin=ORIGIN, file_hash=FILE_HASH,
        names=[*_TRAIN, "test_batch"],
    )  # fmt: skip
    train = [load_batch(folder / name) for name in _TRAIN]
    x_train = np.concatenate([images for images, _ in train]).astype(np.uint8, copy=False)
    y_train = np.concatenate([np.asarray(labels, dtype=np.uint8) for _, labels in train])
    x_test, test_labels = load_batch(folder / "test_batch")
    y_test = np.asarray(test_labels, dtype=np.uint8)
    return (
        (to_keras_layout(x_train), y_train.reshape(-1, 1)),
        (to_keras_layout(x_test.astype(np.uint8, copy=False)), y_test.reshape(-1, 1)),
    )
