"""What every op shares: Keras's tensor conversion, symbolic recording, axis checks.

Each public op starts the same explicit way::

    if is_symbolic((x1, x2)):
        return record(add, x1, x2)
    x1, x2 = to_tensors(x1, x2)

`record` adds a node to the functional graph (see `fitwell.layers.symbolic`);
`to_tensors` converts numpy arrays and Python scalars with Keras's rules and
puts them on the device of the torch tensors they are used with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from fitwell.devices import current_device
from fitwell.layers.symbolic import call_symbolically, is_symbolic
from fitwell.ops._dtypes import FLOATX, result_type, to_torch_dtype

__all__ = ["check_axis", "is_symbolic", "record", "to_tensor", "to_tensors"]

_INT32 = (-(2**31), 2**31)


def record(operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Record `operation(*args, **kwargs)` as a node of the functional graph; return symbolic outputs."""
    return call_symbolically(operation, args, kwargs)


def _python_scalar_dtype(x: bool | int | float | complex) -> torch.dtype:
    if isinstance(x, bool):
        return torch.bool
    if isinstance(x, int):
        return torch.int32 if _INT32[0] <= x < _INT32[1] else torch.int64
    return to_torch_dtype(FLOATX) if isinstance(x, float) else torch.complex64


def _leaf_dtypes(values: Any) -> list[Any]:
    if isinstance(values, list | tuple):
        return [dtype for value in values for dtype in _leaf_dtypes(value)]
    return [getattr(values, "dtype", type(values))]


def to_tensor(x: Any, dtype: Any = None, *, device: torch.device | str | None = None) -> torch.Tensor:
    """Convert `x` as Keras's torch backend does; tensors keep their device.

    Python `bool` → bool, `int` → int32 (int64 beyond int32's range), `float`
    → float32; numpy arrays keep their dtype; a list of Python scalars takes
    the promoted dtype of its items (`[1, 2.5]` → float32); a list holding
    tensors is stacked.
    """
    torch_dtype = None if dtype is None else to_torch_dtype(dtype)
    if isinstance(x, torch.Tensor):
        return x if torch_dtype is None or x.dtype == torch_dtype else x.to(torch_dtype)
    device = current_device() if device is None else device  # new tensors: the running model's device
    if isinstance(x, bool | int | float | complex):
        return torch.as_tensor(x, dtype=torch_dtype or _python_scalar_dtype(x), device=device)
    if isinstance(x, list | tuple) and any(isinstance(item, torch.Tensor) for item in x):
        stacked = torch.stack([to_tensor(item, device=device) for item in x])
        return stacked if torch_dtype is None else stacked.to(torch_dtype)
    if isinstance(x, list | tuple):
        torch_dtype = torch_dtype or to_torch_dtype(result_type(*_leaf_dtypes(x)))
        return torch.as_tensor(np.asarray(x), dtype=torch_dtype, device=device)
    array = np.asarray(x)
    if array.dtype == np.uint32:  # torch has no uint32; Keras widens it
        array = array.astype(np.int64)
    return torch.as_tensor(array, dtype=torch_dtype or to_torch_dtype(array.dtype), device=device)


def to_tensors(*values: Any) -> list[torch.Tensor]:
    """Convert each value with `to_tensor`, creating new tensors on the device of the given ones."""
    device = next((value.device for value in values if isinstance(value, torch.Tensor)), None)
    return [to_tensor(value, device=device) for value in values]


def check_axis(axis: int | Sequence[int] | None, ndim: int, *, argument: str = "axis") -> None:
    """Raise a `ValueError` naming `argument` when an axis is out of range for a rank-`ndim` tensor."""
    if axis is None:
        return
    axes = list(axis) if isinstance(axis, list | tuple) else [axis]
    for value in axes:
        if not isinstance(value, int | np.integer) or isinstance(value, bool):
            raise TypeError(f"`{argument}` must be an int or a tuple of ints. Received: {argument}={axis!r}.")
        if not -max(ndim, 1) <= value < max(ndim, 1):
            raise ValueError(
                f"`{argument}` is out of range for a tensor of rank {ndim}. Received: {argument}={axis!r}. "
                f"Use an axis in [{-ndim}, {ndim - 1}] (negative values count from the end)."
            )
