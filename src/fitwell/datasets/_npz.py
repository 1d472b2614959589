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
import zipfile
from typing import IO

import numpy as np

from fitwell.datasets._safe_pickle import load_arrays_pickle
from fitwell.errors import UnsafeFileError

__all__ = ["load_npz"]


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
        array = load_arrays_pickle(stream, source)
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
