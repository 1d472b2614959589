"""Reductions over axes: `sum`, `mean`, `max`, `std`, `argmax`, `cumsum`, `logsumexp`, `top_k`, ...

`axis` is None (every axis), an int, or a tuple of ints; `keepdims=True`
keeps reduced axes with size 1. Result dtypes follow Keras: `sum` of bool
or small integers is int32, `mean`/`var` of integers are float32, `argmax`
returns int32.

One deliberate difference: with `axis=None` and `keepdims=True`, Keras's
torch backend drops the kept axes in `sum`, `prod`, `max`, `min`, `amax`
and `amin` (returning a scalar); fitwell keeps them, as numpy, JAX and
Keras's documentation do.

Example:
    >>> x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> sum(x, axis=0), mean(x, axis=1, keepdims=True), argmax(x, axis=1)
    (tensor([4., 6.]), tensor([[1.5000],
            [3.5000]]), tensor([1, 1], dtype=torch.int32))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from fitwell.ops._base import check_axis, is_symbolic, record, to_tensor, to_tensors
from fitwell.ops._dtypes import result_type, standardize_dtype, to_torch_dtype

__all__ = [
    "all",
    "amax",
    "amin",
    "any",
    "argmax",
    "argmin",
    "average",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "in_top_k",
    "logsumexp",
    "max",
    "mean",
    "min",
    "prod",
    "std",
    "sum",
    "top_k",
    "var",
]

Tensor = torch.Tensor
Axis = int | Sequence[int] | None

# Reducing these with `sum`/`prod` gives int32, as in JAX and Keras.
_WIDENED_TO_INT32 = (torch.bool, torch.uint8, torch.int8, torch.int16)


def _checked(x: Any, axis: Axis) -> tuple[Tensor, Any]:
    """`x` as a tensor and `axis` as torch wants it (an int or a tuple), after checking its range."""
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    if axis is None or isinstance(axis, int):
        return x, axis
    return x, tuple(int(a) for a in axis)


def _is_empty_axis(axis: Axis) -> bool:
    # numpy treats axis=() as "reduce nothing"; torch would reduce everything.
    return axis is not None and not isinstance(axis, int) and len(axis) == 0


def _keep_all_dims(result: Tensor, ndim: int, keepdims: bool) -> Tensor:
    return result.reshape((1,) * ndim) if keepdims else result


def sum(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # Keras's name, shadowing the builtin
    """Sum of elements; bool and 8/16-bit integers are summed as int32.

    Example:
        >>> sum(torch.tensor([[1, 2], [3, 4]]), axis=1)
        tensor([3, 7])
        >>> sum(torch.tensor([True, True, False]))
        tensor(2, dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(sum, x, axis, keepdims)
    x, axis = _checked(x, axis)
    if _is_empty_axis(axis):
        return x
    dtype = torch.int32 if x.dtype in _WIDENED_TO_INT32 else x.dtype
    if axis is None:
        return _keep_all_dims(torch.sum(x), x.ndim, keepdims).to(dtype)
    return torch.sum(x, dim=axis, keepdim=keepdims).to(dtype)


def mean(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean; integer and bool inputs give float32, float16 is averaged in float32.

    Example:
        >>> mean(torch.tensor([1, 2, 4]))
        tensor(2.3333)
    """
    if is_symbolic(x):
        return record(mean, x, axis, keepdims)
    x, axis = _checked(x, axis)
    if _is_empty_axis(axis):
        return x
    compute = to_torch_dtype(result_type(x.dtype, "float32"))
    dtype = x.dtype if x.is_floating_point() or x.is_complex() else compute
    return torch.mean(x.to(compute), dim=axis, keepdim=keepdims).to(dtype)


def _extreme(x: Any, axis: Axis, keepdims: bool, initial: Any, *, largest: bool) -> Tensor:
    name = "max" if largest else "min"
    x, axis = _checked(x, axis)
    if x.numel() == 0:
        if initial is None:
            raise ValueError(
                f"Cannot compute the {name} of an empty tensor. Received: x.shape={tuple(x.shape)}. "
                "Pass `initial=` to give empty tensors a value."
            )
        return torch.full((1,) * x.ndim if keepdims else (), initial)
    reduce = torch.amax if largest else torch.amin
    if axis is None:
        result = _keep_all_dims(reduce(x), x.ndim, keepdims)
    elif _is_empty_axis(axis):
        result = x
    else:
        result = reduce(x, dim=axis, keepdim=keepdims)
    if initial is None:
        return result
    bound = torch.full(result.shape, initial, dtype=result.dtype, device=result.device)
    return torch.maximum(result, bound) if largest else torch.minimum(result, bound)


def max(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
    """Largest element; `initial` is a lower bound (and the value for an empty tensor).

    Example:
        >>> max(torch.tensor([[1, 5], [3, 2]]), axis=0)
        tensor([3, 5])
        >>> max(torch.tensor([1.0, 2.0]), initial=4.0)
        tensor(4.)
    """
    if is_symbolic(x):
        return record(max, x, axis, keepdims, initial)
    return _extreme(x, axis, keepdims, initial, largest=True)


def min(x: Any, axis: Axis = None, keepdims: bool = False, initial: Any = None) -> Tensor:
    """Smallest element; `initial` is an upper bound (and the value for an empty tensor).

    Example:
        >>> min(torch.tensor([[1, 5], [3, 2]]), axis=1)
        tensor([1, 2])
    """
    if is_symbolic(x):
        return record(min, x, axis, keepdims, initial)
    return _extreme(x, axis, keepdims, initial, largest=False)


def amax(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Same as `max` without `initial`.

    Example:
        >>> amax(torch.tensor([[1, 5], [3, 2]]), axis=1, keepdims=True)
        tensor([[5],
                [3]])
    """
    if is_symbolic(x):
        return record(amax, x, axis, keepdims)
    return _extreme(x, axis, keepdims, None, largest=True)


def amin(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Same as `min` without `initial`.

    Example:
        >>> amin(torch.tensor([[1, 5], [3, 2]]))
        tensor(1)
    """
    if is_symbolic(x):
        return record(amin, x, axis, keepdims)
    return _extreme(x, axis, keepdims, None, largest=False)


def prod(x: Any, axis: Axis = None, keepdims: bool = False, dtype: Any = None) -> Tensor:
    """Product of elements, in `dtype` (default: Keras's, e.g. int32 for bool and small integers).

    Example:
        >>> prod(torch.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
        tensor([3., 8.])
    """
    if is_symbolic(x):
        return record(prod, x, axis, keepdims, dtype)
    x, axis = _checked(x, axis)
    if dtype is None:
        dtype = "int32" if x.dtype in _WIDENED_TO_INT32 else result_type(x.dtype)
    result_dtype = to_torch_dtype(dtype)
    compute = torch.float32 if result_dtype == torch.float16 and x.device.type == "cpu" else result_dtype
    if axis is None:
        return _keep_all_dims(torch.prod(x, dtype=compute), x.ndim, keepdims).to(result_dtype)
    axes = [axis] if isinstance(axis, int) else list(axis)
    for a in sorted((a % x.ndim if x.ndim else 0 for a in axes), reverse=True):
        x = torch.prod(x, dim=a, keepdim=keepdims, dtype=compute).to(result_dtype)
    return x


def std(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population standard deviation (no Bessel correction, as numpy and Keras).

    Example:
        >>> std(torch.tensor([1.0, 3.0]))
        tensor(1.)
    """
    if is_symbolic(x):
        return record(std, x, axis, keepdims)
    x, axis = _checked(x, axis)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(torch.float32)
    return torch.std(x, dim=axis, keepdim=keepdims, correction=0)


def var(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Population variance (no Bessel correction), computed in float32 or wider.

    Example:
        >>> var(torch.tensor([1, 3]))
        tensor(1.)
    """
    if is_symbolic(x):
        return record(var, x, axis, keepdims)
    x, axis = _checked(x, axis)
    compute = to_torch_dtype(result_type(x.dtype, "float32"))
    dtype = to_torch_dtype(result_type(x.dtype, float))
    if _is_empty_axis(axis):
        return torch.zeros_like(x, dtype=dtype)
    return torch.var(x.to(compute), dim=axis, keepdim=keepdims, correction=0).to(dtype)


def _arg_extreme(x: Any, axis: int | None, keepdims: bool, *, largest: bool) -> Tensor:
    x = to_tensor(x)
    if axis is not None and not isinstance(axis, int):
        raise TypeError(f"`axis` must be an int or None. Received: axis={axis!r}.")
    check_axis(axis, x.ndim)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    find = torch.argmax if largest else torch.argmin
    return find(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor when `axis` is None), as int32.

    Example:
        >>> argmax(torch.tensor([[1, 5], [3, 2]]), axis=1)
        tensor([1, 0], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(argmax, x, axis, keepdims)
    return _arg_extreme(x, axis, keepdims, largest=True)


def argmin(x: Any, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest element (of the flattened tensor when `axis` is None), as int32.

    Example:
        >>> argmin(torch.tensor([[1, 5], [3, 2]]))
        tensor(0, dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(argmin, x, axis, keepdims)
    return _arg_extreme(x, axis, keepdims, largest=False)


def any(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # Keras's name
    """Whether any element is true (non-zero).

    Example:
        >>> any(torch.tensor([[0, 1], [0, 0]]), axis=1)
        tensor([ True, False])
    """
    if is_symbolic(x):
        return record(any, x, axis, keepdims)
    x, axis = _checked(x, axis)
    if _is_empty_axis(axis):
        return x.to(torch.bool)
    return torch.any(x, dim=axis, keepdim=keepdims).to(torch.bool)


def all(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:  # Keras's name
    """Whether every element is true (non-zero).

    Example:
        >>> all(torch.tensor([[1, 1], [0, 1]]), axis=1)
        tensor([ True, False])
    """
    if is_symbolic(x):
        return record(all, x, axis, keepdims)
    x, axis = _checked(x, axis)
    if _is_empty_axis(axis):
        return x.to(torch.bool)
    return torch.all(x, dim=axis, keepdim=keepdims).to(torch.bool)


def _cumulative(x: Any, axis: int | None, dtype: Any, *, product: bool) -> Tensor:
    x = to_tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    check_axis(axis, x.ndim)
    name = standardize_dtype(x.dtype if dtype is None else dtype)
    torch_dtype = torch.int32 if name == "bool" else to_torch_dtype(result_type(name))
    accumulate = torch.cumprod if product else torch.cumsum
    if torch_dtype == torch.float16 and x.device.type == "cpu":
        return accumulate(x, dim=axis, dtype=torch.float32).to(torch.float16)
    return accumulate(x, dim=axis, dtype=torch_dtype)


def cumsum(x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
    """Running sum along `axis` (of the flattened tensor when None).

    Example:
        >>> cumsum(torch.tensor([[1, 2], [3, 4]]), axis=1)
        tensor([[1, 3],
                [3, 7]], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(cumsum, x, axis, dtype)
    return _cumulative(x, axis, dtype, product=False)


def cumprod(x: Any, axis: int | None = None, dtype: Any = None) -> Tensor:
    """Running product along `axis` (of the flattened tensor when None).

    Example:
        >>> cumprod(torch.tensor([1.0, 2.0, 3.0]))
        tensor([1., 2., 6.])
    """
    if is_symbolic(x):
        return record(cumprod, x, axis, dtype)
    return _cumulative(x, axis, dtype, product=True)


def logsumexp(x: Any, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """`log(sum(exp(x)))`, computed without overflow.

    Example:
        >>> logsumexp(torch.tensor([1000.0, 1000.0]))
        tensor(1000.6932)
    """
    if is_symbolic(x):
        return record(logsumexp, x, axis, keepdims)
    x, axis = _checked(x, axis)
    return torch.logsumexp(x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims)


def count_nonzero(x: Any, axis: Axis = None) -> Tensor:
    """Number of non-zero elements, as int32.

    Keras's torch backend transposes the result when it has two or more
    axes; fitwell returns numpy's layout.

    Example:
        >>> count_nonzero(torch.tensor([[0, 1], [2, 3]]), axis=0)
        tensor([1, 2], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(count_nonzero, x, axis)
    x, axis = _checked(x, axis)
    if _is_empty_axis(axis):
        return torch.ne(x, 0).to(torch.int32)
    return torch.count_nonzero(x, dim=axis).to(torch.int32)


def average(x: Any, axis: int | None = None, weights: Any = None) -> Tensor:
    """Weighted mean along `axis`; 1-D `weights` apply along `axis` (numpy's rule).

    Example:
        >>> average(torch.tensor([[1.0, 3.0], [5.0, 7.0]]), axis=1, weights=torch.tensor([3.0, 1.0]))
        tensor([1.5000, 5.5000])
    """
    if is_symbolic((x, weights)):
        return record(average, x, axis, weights)
    if weights is None:
        x = to_tensor(x)
        check_axis(axis, x.ndim)
        x = x.to(to_torch_dtype(result_type(x.dtype, float)))
        return x if _is_empty_axis(axis) else torch.mean(x, dim=axis)
    x, weights = to_tensors(x, weights)
    check_axis(axis, x.ndim)
    dtype = to_torch_dtype(result_type(x.dtype, float, weights.dtype))
    x, weights = x.to(dtype), weights.to(dtype)
    if axis is not None and weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    weights = torch.broadcast_to(weights, x.shape)
    return torch.sum(x * weights, dim=axis) / torch.sum(weights, dim=axis)


def top_k(x: Any, k: int, sorted: bool = True) -> torch.return_types.topk:  # Keras's argument name
    """The `k` largest values along the last axis and their indices (int64, as torch returns them).

    Returns:
        A `(values, indices)` named tuple.

    Example:
        >>> values, indices = top_k(torch.tensor([3.0, 1.0, 2.0]), k=2)
        >>> values, indices
        (tensor([3., 2.]), tensor([0, 2]))
    """
    if is_symbolic(x):
        return record(top_k, x, k, sorted)
    x = to_tensor(x)
    size = x.shape[-1] if x.ndim else 1
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k <= size:
        raise ValueError(
            f"`k` must be an int between 0 and the size of the last axis ({size}). Received: k={k!r}."
        )
    return torch.topk(x, k, sorted=sorted)


def in_top_k(targets: Any, predictions: Any, k: int) -> Tensor:
    """Whether each target's score is among the `k` highest of its row (ties count as in).

    Args:
        targets: Class indices, shape `(batch_size,)`.
        predictions: Scores, shape `(batch_size, num_classes)`.
        k: How many top scores count.

    Example:
        >>> in_top_k(torch.tensor([0, 1]), torch.tensor([[0.9, 0.1], [0.8, 0.2]]), k=1)
        tensor([ True, False])
    """
    if is_symbolic((targets, predictions)):
        return record(in_top_k, targets, predictions, k)
    targets, predictions = to_tensors(targets, predictions)
    kth_best = top_k(predictions, k).values
    target_scores = torch.take_along_dim(predictions, targets.to(torch.int64)[:, None], dim=-1)
    return torch.any(target_scores >= kth_best, dim=-1)
