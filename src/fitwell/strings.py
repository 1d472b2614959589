"""Batches of strings: how text travels from `fit`/`predict` data to the layers that read it.

Keras models can take raw text (`Input(shape=(1,), dtype="string")`
followed by `TextVectorization`). torch has no string tensors, so a batch
of strings is a NumPy array of Python `str` wrapped in a `StringArray`:
it answers the few tensor methods the data pipeline uses (slicing,
`index_select`, `.to(device)`, `shape`), so in-memory arrays of text are
batched and shuffled like numbers. Strings stay on the host; a text layer
turns them into ids on the device of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["StringArray", "as_string_array", "is_text"]


def _as_str(value: Any) -> Any:
    return value.decode("utf-8") if isinstance(value, bytes) else value


def is_text(value: Any) -> bool:
    """Whether `value` is a string, a `StringArray`, or an array or (nested) list holding only strings.

    Example:
        >>> is_text(np.array(["a", "b"])), is_text([["a"], ["b"]]), is_text(np.array([1, 2]))
        (True, True, False)
    """
    if isinstance(value, str | bytes | StringArray):
        return True
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "US":
            return True
        return (
            value.dtype.kind == "O" and value.size > 0 and all(isinstance(v, str | bytes) for v in value.flat)
        )
    if isinstance(value, list | tuple) and value:
        return all(is_text(item) for item in value)
    return False


def as_string_array(value: Any) -> np.ndarray:
    """Text (a string, list, array or `StringArray`) as a NumPy object array of `str` (bytes as UTF-8).

    Example:
        >>> as_string_array([b"caf\\xc3\\xa9", "tea"]).tolist()
        ['café', 'tea']
    """
    if isinstance(value, StringArray):
        return value.values
    array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
    if array.dtype.kind == "S" or (array.dtype.kind == "O" and any(isinstance(v, bytes) for v in array.flat)):
        return np.vectorize(_as_str, otypes=[object])(array) if array.size else array.astype(object)
    return array.astype(object)


class StringArray:
    """A batch of strings that fitwell's data pipeline moves like a tensor (it stays on the host).

    `fit`, `evaluate` and `predict` wrap NumPy arrays of text in it; text
    layers (`TextVectorization`, `StringLookup`, `Hashing`) read it.

    Args:
        values: Strings: a NumPy array (of `str`, bytes or objects) or a
            nested list; bytes are decoded as UTF-8.

    Example:
        >>> batch = StringArray(np.array(["a fine film", "dull", "great"]))
        >>> batch.shape, batch[1:].tolist()
        ((3,), ['dull', 'great'])
    """

    dtype = "string"

    def __init__(self, values: Any) -> None:
        self.values = as_string_array(values)

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the array of strings."""
        return tuple(self.values.shape)

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return self.values.ndim

    def dim(self) -> int:
        """The number of axes (torch's name)."""
        return self.values.ndim

    def numel(self) -> int:
        """The number of strings."""
        return int(self.values.size)

    def __len__(self) -> int:
        return len(self.values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.values)

    def __getitem__(self, key: Any) -> Any:
        if hasattr(key, "cpu"):  # a torch index tensor
            key = key.cpu().numpy()
        part = self.values[key]
        return StringArray(part) if isinstance(part, np.ndarray) else part

    def index_select(self, dim: int, index: Any) -> StringArray:
        """The strings at `index` along axis `dim` (torch's `index_select`)."""
        positions = index.cpu().numpy() if hasattr(index, "cpu") else np.asarray(index)
        return StringArray(np.take(self.values, positions, axis=dim))

    def to(self, *args: Any, **kwargs: Any) -> StringArray:
        """Itself: strings stay on the host whatever the device (text layers move their outputs)."""
        del args, kwargs  # a device or dtype does not apply to strings
        return self

    def detach(self) -> StringArray:
        """Itself (strings carry no gradient)."""
        return self

    def cpu(self) -> StringArray:
        """Itself (strings are on the host)."""
        return self

    def pin_memory(self) -> StringArray:
        """Itself (only tensors are pinned)."""
        return self

    def is_floating_point(self) -> bool:
        """False: strings are not numbers."""
        return False

    def is_complex(self) -> bool:
        """False: strings are not numbers."""
        return False

    def numpy(self) -> np.ndarray:
        """The NumPy object array of `str`."""
        return self.values

    def tolist(self) -> Any:
        """The strings as (nested) Python lists."""
        return self.values.tolist()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        del copy  # a view or copy of an object array holds the same strings
        return self.values if dtype is None else self.values.astype(dtype)

    def __repr__(self) -> str:
        return f"StringArray({self.values.tolist()!r:.200}, shape={self.shape})"
