"""Read the pickles some Keras dataset files are (CIFAR's batches, IMDB's object arrays) without running code.

A pickle may name any Python callable. These files need only NumPy's array
constructors (lists, dicts, ints and strings need none), so the unpickler
here resolves those and refuses every other name.
"""

from __future__ import annotations

import pickle
from typing import IO, Any

from fitwell.errors import UnsafeFileError

__all__ = ["load_arrays_pickle"]

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


class _ArraysOnlyUnpickler(pickle.Unpickler):
    def __init__(self, stream: IO[bytes], source: str, encoding: str) -> None:
        super().__init__(stream, encoding=encoding)
        self.source = source

    def find_class(self, module: str, name: str) -> object:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise UnsafeFileError(
            f"Refusing to load `{module}.{name}` from the dataset file {self.source}: it should hold only "
            "NumPy arrays, lists, numbers and strings, so the file is corrupted or malicious. Delete it "
            "and load the dataset again to download a fresh copy."
        )


def load_arrays_pickle(stream: IO[bytes], source: str, *, encoding: str = "ASCII") -> Any:
    """Unpickle `stream`, allowing only NumPy's array constructors.

    Args:
        stream: The open binary file, at the pickle's start.
        source: The file's name, for the error message.
        encoding: How Python 2 strings are read (`"bytes"` keeps them as bytes).

    Raises:
        UnsafeFileError: When the pickle names anything else.

    Example:
        >>> import io
        >>> load_arrays_pickle(io.BytesIO(pickle.dumps({"labels": [3, 5]})), "demo")
        {'labels': [3, 5]}
        >>> load_arrays_pickle(io.BytesIO(pickle.dumps(print)), "demo")
        Traceback (most recent call last):
        fitwell.errors.UnsafeFileError: Refusing to load `builtins.print` from the dataset file demo: ...
    """
    return _ArraysOnlyUnpickler(stream, source, encoding).load()
