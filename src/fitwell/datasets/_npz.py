"""Read `.npz` files whose arrays may hold Python lists (IMDB, Reuters) without running code.

NumPy can store an array of lists (`dtype=object`) only as a pickle, and
`np.load(allow_pickle=True)` would run whatever a pickle names. Here each
`.npy` member is read with pickling off; an object array is unpickled by an
unpickler that resolves only the NumPy names an array needs (lists and
ints need none) and refuses everything else.
"""

from __future__ import annotations

import io
import os
import pickle
import zipfile
from typing import IO

import numpy as np

from fitwell.errors import UnsafeFileError

__all__ = ["load_npz"]

# Rebuilding a NumPy array from a pickle uses these globals and nothing else
# (`multiarray` under both its NumPy 1 and NumPy 2 module names).
_ALLOWED_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
)


class _ArraysOfListsUnpickler(pickle.Unpickler):
    def __init__(self, stream: IO[bytes], source: str) -> None:
        super().__init__(stream)
        self.source = source

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise UnsafeFileError(
            f"Refusing to load `{module}.{name}` from the dataset file {self.source}: it should hold only "
            "NumPy arrays of numbers and lists, so the file is corrupted or malicious. Delete it and load "
            "the dataset again to download a fresh copy."
        )


def _read_member(stream: IO[bytes], source: str) -> np.ndarray:
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        _, _, dtype = np.lib.format.read_array_header_1_0(stream)
    elif version in ((2, 0), (3, 0)):
        # Version 3.0 differs from 2.0 only in the header's text encoding.
        _, _, dtype = np.lib.format.read_array_header_2_0(stream)
    else:
        raise ValueError(
            f"{source} holds an array in an unknown .npy version {version}. The file is damaged."
        )
    if dtype.hasobject:
        array = _ArraysOfListsUnpickler(stream, source).load()
        if not isinstance(array, np.ndarray):
            raise UnsafeFileError(f"{source} holds a {type(array).__name__} where an array belongs.")
        return array
    stream.seek(0)
    return np.lib.format.read_array(stream, allow_pickle=False)


def load_npz(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of an `.npz` file, by name; object arrays are unpickled with NumPy's names only.

    Raises:
        UnsafeFileError: When a pickle inside names anything else (code it would run).

    Example:
        >>> import tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "ragged.npz")
        >>> sequences = np.empty(2, dtype=object)
        >>> sequences[:] = [[1, 2, 3], [4]]
        >>> np.savez(path, x=sequences, y=np.array([0, 1]))
        >>> arrays = load_npz(path)
        >>> arrays["x"].tolist(), arrays["y"].tolist()
        ([[1, 2, 3], [4]], [0, 1])
    """
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member.removesuffix(".npy")] = _read_member(
                        io.BytesIO(raw.read()), os.fspath(path)
                    )
    return arrays
