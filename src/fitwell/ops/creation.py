"""Tensor creation: `zeros`, `ones`, `full`, their `_like` forms, `arange`, `linspace`, `eye`.

The default dtype is Keras's floatx (float32) except where Keras infers one:
`arange` takes the promoted dtype of its arguments (`arange(5)` is int32),
and the `_like` forms keep the input's dtype. New tensors are created on
torch's default device (`torch.set_default_device`); the `_like` forms use
the input's device.

Example:
    >>> zeros((2,)), arange(3), full((2,), 7)
    (tensor([0., 0.]), tensor([0, 1, 2], dtype=torch.int32), tensor([7., 7.]))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from fitwell.devices import current_device
from fitwell.ops._base import is_symbolic, record, to_tensor
from fitwell.ops._dtypes import result_type, to_torch_dtype

__all__ = [
    "arange",
    "eye",
    "full",
    "full_like",
    "identity",
    "linspace",
    "ones",
    "ones_like",
    "tri",
    "zeros",
    "zeros_like",
]

Tensor = torch.Tensor
Shape = int | Sequence[int]


def _shape(shape: Shape) -> tuple[int, ...]:
    if isinstance(shape, int | np.integer):
        return (int(shape),)
    if isinstance(shape, torch.Tensor):
        return tuple(int(size) for size in shape.tolist())
    try:
        return tuple(int(size) for size in shape)
    except (TypeError, ValueError):
        raise TypeError(f"`shape` must be an int or a sequence of ints. Received: shape={shape!r}.") from None


def zeros(shape: Shape, dtype: Any = None) -> Tensor:
    """A tensor of zeros (float32 unless `dtype` says otherwise).

    Example:
        >>> zeros((2, 1), dtype="int32")
        tensor([[0],
                [0]], dtype=torch.int32)
    """
    return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype), device=current_device())


def ones(shape: Shape, dtype: Any = None) -> Tensor:
    """A tensor of ones (float32 unless `dtype` says otherwise).

    Example:
        >>> ones(3)
        tensor([1., 1., 1.])
    """
    return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype), device=current_device())


def zeros_like(x: Any, dtype: Any = None) -> Tensor:
    """Zeros with the shape (and, by default, the dtype and device) of `x`.

    Example:
        >>> zeros_like(torch.tensor([1, 2]))
        tensor([0, 0])
    """
    if is_symbolic(x):
        return record(zeros_like, x, dtype)
    x = to_tensor(x)
    return torch.zeros_like(x, dtype=x.dtype if dtype is None else to_torch_dtype(dtype))


def ones_like(x: Any, dtype: Any = None) -> Tensor:
    """Ones with the shape (and, by default, the dtype and device) of `x`.

    Example:
        >>> ones_like(torch.tensor([1.0, 2.0]), dtype="bool")
        tensor([True, True])
    """
    if is_symbolic(x):
        return record(ones_like, x, dtype)
    x = to_tensor(x)
    return torch.ones_like(x, dtype=x.dtype if dtype is None else to_torch_dtype(dtype))


def full(shape: Shape, fill_value: Any, dtype: Any = None) -> Tensor:
    """A tensor filled with `fill_value`, float32 unless `dtype` says otherwise (as in Keras).

    A tensor `fill_value` is tiled over the leading axes of `shape`.

    Example:
        >>> full((2,), 3)
        tensor([3., 3.])
        >>> full((2, 2), torch.tensor([1.0, 2.0]))
        tensor([[1., 2.],
                [1., 2.]])
    """
    if is_symbolic(fill_value):
        return record(full, shape, fill_value, dtype)
    shape, torch_dtype = _shape(shape), to_torch_dtype(dtype)
    fill = to_tensor(fill_value, torch_dtype)
    if fill.ndim:
        return torch.tile(fill, (*shape[: len(shape) - fill.ndim], *(1,) * fill.ndim))
    return torch.full(shape, fill.item(), dtype=torch_dtype, device=fill.device)


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Tensor:
    """`full` with the shape (and, by default, the dtype and device) of `x`.

    Example:
        >>> full_like(torch.tensor([1, 2]), 5)
        tensor([5, 5])
    """
    if is_symbolic((x, fill_value)):
        return record(full_like, x, fill_value, dtype)
    x = to_tensor(x)
    filled = full(x.shape, to_tensor(fill_value, device=x.device), x.dtype if dtype is None else dtype)
    return filled.to(x.device)


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None) -> Tensor:
    """Evenly spaced values in `[start, stop)`; `arange(n)` counts from 0.

    Without `dtype`, the arguments' promoted dtype: Python ints give int32,
    any Python float gives float32.

    Example:
        >>> arange(4)
        tensor([0, 1, 2, 3], dtype=torch.int32)
        >>> arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if is_symbolic((start, stop, step)):
        return record(arange, start, stop, step, dtype)
    if dtype is None:
        given = [value for value in (start, stop, step) if value is not None]
        dtype = result_type(*(getattr(value, "dtype", type(value)) for value in given))
    if stop is None:
        start, stop = 0, start
    return torch.arange(
        start, stop, 1 if step is None else step, dtype=to_torch_dtype(dtype), device=current_device()
    )


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> Tensor | tuple[Tensor, Any]:
    """`num` evenly spaced values from `start` to `stop` (inclusive unless `endpoint=False`).

    Tensor `start`/`stop` give one sequence per element, laid out along `axis`.

    Example:
        >>> linspace(0, 1, num=5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
        >>> linspace(0.0, 1.0, num=4, endpoint=False, retstep=True)
        (tensor([0.0000, 0.2500, 0.5000, 0.7500]), 0.25)
    """
    if is_symbolic((start, stop)):
        return record(linspace, start, stop, num, endpoint, retstep, dtype, axis)
    if not isinstance(num, int | np.integer) or num < 0:
        raise ValueError(f"`num` must be a non-negative int. Received: num={num!r}.")
    if dtype is None:
        dtype = result_type(getattr(start, "dtype", type(start)), getattr(stop, "dtype", type(stop)), float)
    torch_dtype = to_torch_dtype(dtype)
    divisions = (num - 1) if endpoint else num
    step = (stop - start) / divisions if divisions > 0 else torch.tensor(float("nan"))
    if not endpoint and num > 1:
        stop = stop - (stop - start) / num
    if hasattr(start, "__len__") and hasattr(stop, "__len__"):
        start, stop = to_tensor(start, torch_dtype), to_tensor(stop, torch_dtype)
        fractions = torch.arange(num, dtype=torch_dtype, device=start.device) / (num - 1)
        fractions = fractions.reshape((num, *(1,) * start.ndim))
        values = torch.movedim(start[None] + fractions * (stop - start)[None], 0, axis)
    else:
        values = torch.linspace(float(start), float(stop), num, dtype=torch_dtype, device=current_device())
    return (values, step) if retstep else values


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803 - Keras's names
    """A 2-D tensor with ones on the `k`-th diagonal and zeros elsewhere.

    Example:
        >>> eye(2, 3, k=1)
        tensor([[0., 1., 0.],
                [0., 0., 1.]])
    """
    for name, value in (("N", N), ("M", M)):
        if isinstance(value, float) or (isinstance(value, torch.Tensor) and value.is_floating_point()):
            raise TypeError(f"`{name}` must be an integer. Received: {name}={value!r}.")
    torch_dtype = to_torch_dtype(dtype)
    rows, columns = N, N if M is None else M
    if not k:
        return torch.eye(rows, columns, dtype=torch_dtype, device=current_device())
    ones_ = torch.ones(max(rows, columns), dtype=torch_dtype, device=current_device())
    return torch.diag(ones_, diagonal=k)[:rows, :columns]


def identity(n: int, dtype: Any = None) -> Tensor:
    """The `n` by `n` identity matrix.

    Example:
        >>> identity(2, dtype="int32")
        tensor([[1, 0],
                [0, 1]], dtype=torch.int32)
    """
    return eye(n, dtype=dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = None) -> Tensor:  # noqa: N803 - Keras's names
    """Ones at and below the `k`-th diagonal, zeros above.

    Example:
        >>> tri(2, 3)
        tensor([[1., 0., 0.],
                [1., 1., 0.]])
    """
    return torch.tril(
        torch.ones((N, M or N), dtype=to_torch_dtype(dtype), device=current_device()), diagonal=k
    )
