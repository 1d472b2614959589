"""Products and norms: `matmul`, `dot`, `einsum`, `tensordot`, `outer`, `inner`, `trace`, `norm`.

Result dtypes follow Keras's promotion, which narrows 64-bit results to 32
bits (`matmul` of two float64 tensors is float32 in Keras, and here).
Integer products are computed in floating point where Keras does so.

`dot` follows numpy for tensors of rank 3 or more (a sum over the last
axis of `x1` and the second-to-last of `x2`); Keras's torch backend uses
`matmul` there, which batches instead. Both agree for ranks 0 to 2.

Example:
    >>> a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> matmul(a, a), einsum("ij,j->i", a, torch.tensor([1.0, 1.0])), norm(torch.tensor([3.0, 4.0]))
    (tensor([[ 7., 10.],
            [15., 22.]]), tensor([3., 7.]), tensor(5.))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch

from fitwell.ops._base import check_axis, is_symbolic, record, to_tensor, to_tensors
from fitwell.ops._dtypes import FLOATX, result_type, to_torch_dtype

__all__ = ["dot", "einsum", "inner", "matmul", "norm", "outer", "tensordot", "trace", "vdot"]

Tensor = torch.Tensor

_MATRIX_ORDS = ("fro", "nuc", math.inf, -math.inf, 1, -1, 2, -2)


def _floating_pair(x1: Any, x2: Any) -> tuple[Tensor, Tensor, torch.dtype]:
    """Both operands in a floating compute dtype, and Keras's result dtype for their product."""
    x1, x2 = to_tensors(x1, x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = to_torch_dtype(result_type(result, float))
    if compute == torch.float16 and x1.device.type == "cpu":
        compute = torch.float32
    return x1.to(compute), x2.to(compute), to_torch_dtype(result)


def matmul(x1: Any, x2: Any) -> Tensor:
    """Matrix product with numpy's broadcasting of leading (batch) axes.

    Example:
        >>> matmul(torch.ones(5, 2, 3), torch.ones(3, 4)).shape
        torch.Size([5, 2, 4])
    """
    if is_symbolic((x1, x2)):
        return record(matmul, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    if x1.dtype == torch.int8 and x2.dtype == torch.int8:
        result = torch.int32
    else:
        result = to_torch_dtype(result_type(x1.dtype, x2.dtype))
    compute = result
    # torch has no bool matmul, no integer matmul on CUDA and no float16 matmul on the CPU.
    if compute == torch.bool or (not compute.is_floating_point and x1.device.type == "cuda"):
        compute = to_torch_dtype(FLOATX)
    elif compute == torch.float16 and x1.device.type == "cpu":
        compute = torch.float32
    return torch.matmul(x1.to(compute), x2.to(compute)).to(result)


def dot(x1: Any, x2: Any) -> Tensor:
    """numpy's `dot`: a scalar times a tensor, vector dot product, or matrix product.

    Example:
        >>> dot(torch.tensor([1, 2]), torch.tensor([3, 4]))
        tensor(11, dtype=torch.int32)
    """
    if is_symbolic((x1, x2)):
        return record(dot, x1, x2)
    x1, x2, result = _floating_pair(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return torch.multiply(x1, x2).to(result)
    if x1.ndim <= 2 and x2.ndim <= 2:
        return torch.matmul(x1, x2).to(result)
    return torch.tensordot(x1, x2, dims=([-1], [-2 if x2.ndim >= 2 else -1])).to(result)


def einsum(subscripts: str, *operands: Any, **kwargs: Any) -> Tensor:
    """Einstein summation, e.g. `einsum("bij,bjk->bik", a, b)` (int8 operands give int32).

    Example:
        >>> einsum("i,i->", torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if is_symbolic(operands):
        return record(einsum, subscripts, *operands, **kwargs)
    del kwargs  # Keras accepts backend-specific options (e.g. TensorFlow's `optimize`); torch takes none
    tensors = to_tensors(*operands)
    if tensors and all(t.dtype == torch.int8 for t in tensors):
        return torch.einsum(subscripts, *(t.to(torch.int32) for t in tensors))
    return torch.einsum(subscripts, *tensors)


def tensordot(x1: Any, x2: Any, axes: int | Sequence[Any] = 2) -> Tensor:
    """Sum of products over `axes`: an int (the last N of `x1` with the first N of `x2`) or two axis lists.

    Example:
        >>> tensordot(torch.ones(2, 3), torch.ones(3, 4), axes=1).shape
        torch.Size([2, 4])
        >>> tensordot(torch.ones(3, 2), torch.ones(3, 4), axes=(0, 0)).shape
        torch.Size([2, 4])
    """
    if is_symbolic((x1, x2)):
        return record(tensordot, x1, x2, axes)
    x1, x2, result = _floating_pair(x1, x2)
    if isinstance(axes, Sequence):
        first, second = axes
        axes = (
            [first] if isinstance(first, int) else list(first),
            [second] if isinstance(second, int) else list(second),
        )
    return torch.tensordot(x1, x2, dims=axes).to(result)


def outer(x1: Any, x2: Any) -> Tensor:
    """Outer product of the flattened inputs.

    Example:
        >>> outer(torch.tensor([1, 2]), torch.tensor([3, 4]))
        tensor([[3, 4],
                [6, 8]])
    """
    if is_symbolic((x1, x2)):
        return record(outer, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    return torch.outer(x1.flatten(), x2.flatten())


def inner(x1: Any, x2: Any) -> Tensor:
    """Sum of products over the last axes of `x1` and `x2`.

    Example:
        >>> inner(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if is_symbolic((x1, x2)):
        return record(inner, x1, x2)
    x1, x2, result = _floating_pair(x1, x2)
    return torch.inner(x1, x2).to(result)


def vdot(x1: Any, x2: Any) -> Tensor:
    """Dot product of two 1-D tensors (complex `x1` is conjugated).

    Example:
        >>> vdot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0]))
        tensor(11.)
    """
    if is_symbolic((x1, x2)):
        return record(vdot, x1, x2)
    x1, x2, result = _floating_pair(x1, x2)
    return torch.vdot(x1, x2).to(result)


def trace(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """Sum along a diagonal (bool and small integers summed as int32).

    Example:
        >>> trace(torch.tensor([[1, 2], [3, 4]]))
        tensor(5)
    """
    if is_symbolic(x):
        return record(trace, x, offset, axis1, axis2)
    x = to_tensor(x)
    check_axis(axis1, x.ndim, argument="axis1")
    check_axis(axis2, x.ndim, argument="axis2")
    small = (torch.bool, torch.int8, torch.int16, torch.uint8)
    dtype = torch.int32 if x.dtype in small else x.dtype
    return torch.sum(torch.diagonal(x, offset, axis1, axis2), dim=-1, dtype=dtype)


def norm(x: Any, ord: Any = None, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
    """Vector norm (one axis) or matrix norm (two axes), numpy's `linalg.norm` semantics.

    Args:
        x: Input tensor (integers are converted to float32).
        ord: Vector norms: None (2), `inf`, `-inf`, 0 or any number. Matrix
            norms: None or `"fro"` (Frobenius), `"nuc"`, `inf`, `-inf`, 1,
            -1, 2, -2.
        axis: None (every element as one vector, or the matrix of a 2-D
            `x` when `ord` is given), an int, or a pair of ints.
        keepdims: Whether to keep reduced axes with size 1.

    Example:
        >>> norm(torch.tensor([[3.0, 4.0], [6.0, 8.0]]), axis=1)
        tensor([ 5., 10.])
        >>> norm(torch.tensor([[1.0, -2.0], [3.0, 4.0]]), ord=1)
        tensor(6.)
    """
    if is_symbolic(x):
        return record(norm, x, ord, axis, keepdims)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    axes = None if axis is None else ([axis] if isinstance(axis, int) else list(axis))
    matrix = len(axes) == 2 if axes is not None else (ord is not None and x.ndim == 2)
    if axes is not None and len(axes) not in (1, 2):
        raise ValueError(f"`axis` must name one or two axes. Received: axis={axis!r}.")
    if (matrix and ord is not None and ord not in _MATRIX_ORDS) or (not matrix and isinstance(ord, str)):
        allowed = "None, 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2" if matrix else "None, inf, -inf or a number"
        kind = "matrix" if matrix else "vector"
        raise ValueError(f"`ord` must be {allowed} for a {kind} norm. Received: ord={ord!r}.")
    if ord is not None and axes is None and x.ndim > 2:
        raise ValueError(
            f"`ord` needs `axis` for tensors of rank > 2. Received: ord={ord!r}, x.shape={tuple(x.shape)}."
        )
    x = x.to(to_torch_dtype(FLOATX if x.dtype == torch.int64 else result_type(x.dtype, float)))
    return torch.linalg.norm(x, ord=ord, dim=None if axes is None else tuple(axes), keepdim=keepdims)
