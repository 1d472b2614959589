"""Conversion and inspection: `convert_to_tensor`, `cast`, `shape`, `stop_gradient`, `slice`, ...

`convert_to_tensor` applies Keras's torch-backend rules: Python `float` →
float32, `int` → int32 (int64 when it does not fit), `bool` → bool; numpy
arrays keep their dtype (float64 stays float64); a list of Python numbers
takes their promoted dtype (`[1, 2.5]` → float32). Unlike Keras, existing
tensors stay on their device, and new ones go to torch's default device.

Example:
    >>> convert_to_tensor(1.5), convert_to_tensor([1, 2]).dtype, dtype(cast(torch.ones(1), "int32"))
    (tensor(1.5000), torch.int32, 'int32')
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from fitwell.layers.symbolic import SymbolicTensor
from fitwell.ops._base import check_axis, is_symbolic, record, to_tensor
from fitwell.ops._dtypes import standardize_dtype, to_torch_dtype

__all__ = [
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtype",
    "is_tensor",
    "ndim",
    "shape",
    "size",
    "slice",
    "slice_update",
    "stop_gradient",
    "unstack",
]

Tensor = torch.Tensor


def convert_to_tensor(
    x: Any, dtype: Any = None, sparse: bool | None = None, ragged: bool | None = None
) -> Tensor:
    """A torch tensor from a tensor, numpy array, Python scalar or (nested) list.

    Args:
        x: The value to convert.
        dtype: Target dtype (a name such as `"float32"` or a torch dtype);
            None infers it by Keras's rules.
        sparse: Must be falsy (torch tensors here are dense).
        ragged: Must be falsy.

    Example:
        >>> convert_to_tensor(np.array([1.0, 2.0])).dtype, convert_to_tensor(3, dtype="float32")
        (torch.float64, tensor(3.))
    """
    for name, flag in (("sparse", sparse), ("ragged", ragged)):
        if flag:
            raise ValueError(f"`{name}=True` is not supported with torch tensors. Received: {name}={flag!r}.")
    if is_symbolic(x):
        return record(convert_to_tensor, x, dtype)
    return to_tensor(x, dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    """A numpy array from a tensor (detached and moved to the CPU; bfloat16 becomes float32).

    Example:
        >>> convert_to_numpy(torch.tensor([1.0, 2.0], requires_grad=True))
        array([1., 2.], dtype=float32)
    """
    if is_symbolic(x):
        raise ValueError(
            f"A symbolic tensor has no value to convert to numpy. Received: {x!r}. Call the model on "
            "real data, or use `ops.shape`/`ops.dtype` to inspect the symbolic tensor."
        )

    def to_numpy(value: Any) -> np.ndarray:
        if isinstance(value, Tensor):
            value = value.detach().cpu()
            if value.dtype == torch.bfloat16:  # numpy has no bfloat16
                value = value.to(torch.float32)
            return value.numpy()
        return np.asarray(value)

    if isinstance(x, list | tuple):
        return np.array([to_numpy(value) for value in x])
    return to_numpy(x)


def cast(x: Any, dtype: Any) -> Tensor:
    """`x` converted to `dtype` (floats are truncated toward zero when cast to integers).

    Example:
        >>> cast(torch.tensor([1.7, -1.7]), "int32")
        tensor([ 1, -1], dtype=torch.int32)
    """
    torch_dtype = to_torch_dtype(standardize_dtype(dtype))
    if is_symbolic(x):
        return record(cast, x, dtype)
    return to_tensor(x, torch_dtype)


def dtype(x: Any) -> str:
    """Keras's name for the dtype of `x`, e.g. `"float32"`.

    Example:
        >>> dtype(torch.zeros(1, dtype=torch.int64))
        'int64'
    """
    return standardize_dtype(x.dtype if hasattr(x, "dtype") else to_tensor(x).dtype)


def shape(x: Any) -> tuple[int | None, ...]:
    """The shape as a tuple of ints (None for sizes a symbolic tensor knows only at run time).

    Example:
        >>> shape(torch.zeros(2, 3))
        (2, 3)
    """
    if isinstance(x, SymbolicTensor):
        return x.shape
    return tuple(x.shape) if hasattr(x, "shape") else tuple(to_tensor(x).shape)


def ndim(x: Any) -> int:
    """The number of axes.

    Example:
        >>> ndim(torch.zeros(2, 3))
        2
    """
    if isinstance(x, SymbolicTensor):
        return x.ndim
    return len(shape(x))


def size(x: Any) -> Tensor:
    """The number of elements, as a 0-d int64 tensor (as Keras's torch backend returns it).

    Example:
        >>> size(torch.zeros(2, 3))
        tensor(6)
    """
    if is_symbolic(x):
        return record(size, x)
    return torch.tensor(int(np.prod(shape(x), dtype=np.int64)))


def is_tensor(x: Any) -> bool:
    """Whether `x` is a torch tensor.

    Example:
        >>> is_tensor(torch.zeros(1)), is_tensor(np.zeros(1))
        (True, False)
    """
    return isinstance(x, Tensor)


def stop_gradient(variable: Any) -> Tensor:
    """The same values, cut off from autograd: no gradient flows back through the result.

    Example:
        >>> w = torch.ones(1, requires_grad=True)
        >>> stop_gradient(w * 2).requires_grad
        False
    """
    if is_symbolic(variable):
        return record(stop_gradient, variable)
    return to_tensor(variable).detach()


def _ints(values: Any, argument: str) -> list[int]:
    if isinstance(values, Tensor | np.ndarray):
        values = values.tolist()
    if isinstance(values, int):
        values = [values]
    try:
        return [int(value) for value in values]
    except (TypeError, ValueError):
        raise TypeError(
            f"`{argument}` must be a sequence of ints. Received: {argument}={values!r}."
        ) from None


def slice(inputs: Any, start_indices: Sequence[int], shape: Sequence[int]) -> Tensor:  # Keras's name
    """The block of size `shape` that starts at `start_indices` (one entry per axis).

    Example:
        >>> slice(torch.arange(12).reshape(3, 4), (1, 1), (2, 2))
        tensor([[ 5,  6],
                [ 9, 10]])
    """
    if is_symbolic((inputs, start_indices)):
        return record(slice, inputs, start_indices, shape)
    inputs = to_tensor(inputs)
    starts, sizes = _ints(start_indices, "start_indices"), _ints(shape, "shape")
    if not len(starts) == len(sizes) == inputs.ndim:
        raise ValueError(
            f"`start_indices` and `shape` need one entry per axis of `inputs` ({inputs.ndim}). Received: "
            f"start_indices={start_indices!r}, shape={shape!r}, inputs.shape={tuple(inputs.shape)}."
        )
    return inputs[
        tuple(builtins.slice(start, start + length) for start, length in zip(starts, sizes, strict=True))
    ]


def slice_update(inputs: Any, start_indices: Sequence[int], updates: Any) -> Tensor:
    """A copy of `inputs` with the block at `start_indices` replaced by `updates`.

    Example:
        >>> slice_update(torch.zeros(2, 3), (0, 1), torch.ones(2, 2))
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
    if is_symbolic((inputs, start_indices, updates)):
        return record(slice_update, inputs, start_indices, updates)
    inputs = to_tensor(inputs)
    updates = to_tensor(updates, device=inputs.device)
    starts = _ints(start_indices, "start_indices")
    if len(starts) != inputs.ndim or updates.ndim != inputs.ndim:
        raise ValueError(
            f"`start_indices` and `updates` need one entry/axis per axis of `inputs` ({inputs.ndim}). "
            f"Received: start_indices={start_indices!r}, updates.shape={tuple(updates.shape)}."
        )
    block = tuple(
        builtins.slice(start, start + length) for start, length in zip(starts, updates.shape, strict=True)
    )
    result = inputs.clone()
    result[block] = updates
    return result


def unstack(x: Any, num: int | None = None, axis: int = 0) -> list[Tensor]:
    """Split along `axis` into a list of tensors, one per index (`num`, if given, must match).

    Example:
        >>> [t.tolist() for t in unstack(torch.tensor([[1, 2], [3, 4]]), axis=1)]
        [[1, 3], [2, 4]]
    """
    if is_symbolic(x):
        return record(unstack, x, num, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"`num` must equal x.shape[{axis}]={x.shape[axis]}. Received: num={num}.")
    return list(x.unbind(axis))
