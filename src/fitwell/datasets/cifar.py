"""What CIFAR-10 and CIFAR-100 share: reading their pickled batches without running code.

The files are Python pickles of a dict holding a NumPy array. A pickle
may name any Python callable, so they are read with an unpickler that
resolves only the three NumPy names an array needs and refuses all others.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from fitwell.datasets._cache import cache_folder, extracted_archive
from fitwell.datasets._safe_pickle import load_arrays_pickle

__all__ = ["batches_folder", "load_batch", "to_keras_layout"]


def load_batch(path: str | os.PathLike, label_key: str = "labels") -> tuple[np.ndarray, list[int]]:
    """One CIFAR batch file: uint8 images `(n, 3, 32, 32)` and the list of labels under `label_key`.

    Raises:
        UnsafeFileError: When the pickle names anything but NumPy's array constructors.

    Example:
        >>> import pickle, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "data_batch_1")
        >>> with open(path, "wb") as f:
        ...     pickle.dump({b"data": np.zeros((2, 3072), np.uint8), b"labels": [3, 5]}, f)
        >>> images, labels = load_batch(path)
        >>> images.shape, labels
        ((2, 3, 32, 32), [3, 5])
    """
    with open(path, "rb") as stream:
        content = load_arrays_pickle(stream, os.fspath(path), encoding="bytes")
    content = {key.decode("utf8") if isinstance(key, bytes) else key: value for key, value in content.items()}
    data = content["data"]
    return data.reshape(data.shape[0], 3, 32, 32), content[label_key]


def batches_folder(folder: str, inner: str, *, origin: str, file_hash: str, names: list[str]) -> Path:
    """The folder holding the batch files `names`, extracting (or downloading) the archive when needed.

    Keras 3 keeps `<folder>/<inner>/`; older Keras versions left `<inner>/`
    directly in the cache, which is used as it is when present.
    """
    for candidate in (cache_folder() / folder / inner, cache_folder() / inner):
        if all((candidate / name).is_file() for name in names):
            return candidate
    expected = [os.path.join(inner, name) for name in names]
    return extracted_archive(folder, origin=origin, file_hash=file_hash, expected=expected) / inner


def to_keras_layout(images: np.ndarray) -> np.ndarray:
    """`(n, 3, 32, 32)` to Keras's default channels-last `(n, 32, 32, 3)` (a view)."""
    return images.transpose(0, 2, 3, 1)
