"""CIFAR-100, as `keras.datasets.cifar100`: 60,000 32x32 colour images in 100 classes (20 superclasses)."""

from __future__ import annotations

import numpy as np

from fitwell.datasets.cifar import batches_folder, load_batch, to_keras_layout

__all__ = ["load_data"]

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
LABEL_MODES = ("fine", "coarse")


def load_data(
    label_mode: str = "fine",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load CIFAR-100 from Keras's cache, downloading the archive (161 MB) the first time.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape
        `(50000, 32, 32, 3)` and `(10000, 32, 32, 3)` (channels last), and
        int64 labels of shape `(50000, 1)` and `(10000, 1)` (Keras's dtype).

    Raises:
        ValueError: For an unknown `label_mode`.
        DownloadError: When the data is not cached and cannot be downloaded.
        UnsafeFileError: When a batch file would run code when read.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_data(label_mode="coarse")  # doctest: +SKIP
        >>> int(y_train.max())  # doctest: +SKIP
        19
    """
    if label_mode not in LABEL_MODES:
        raise ValueError(f"`label_mode` must be one of {LABEL_MODES}. Received: label_mode={label_mode!r}")
    folder = batches_folder(
        "cifar-100-python-target",
        "cifar-100-python",
        origin=ORIGIN,
        file_hash=FILE_HASH,
        names=["train", "test"],
    )
    parts = []
    for name in ("train", "test"):
        images, labels = load_batch(folder / name, label_key=f"{label_mode}_labels")
        parts.append((to_keras_layout(images), np.reshape(labels, (len(labels), 1))))
    return parts[0], parts[1]
