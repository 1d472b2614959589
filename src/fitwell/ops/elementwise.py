"""Element-wise math functions: exponentials and logarithms, trigonometry, rounding, nan checks.

Integer inputs give float32 results wherever Keras's torch backend does
(`exp`, `log`, `sin`, ...); `round` keeps integer dtypes; `floor` and `ceil`
return floats, as in Keras.

Example:
    >>> exp(torch.tensor([0.0, 1.0])), floor(torch.tensor([1.7, -1.2]))
    (tensor([1.0000, 2.7183]), tensor([ 1., -2.]))
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell.ops._base import is_symbolic, record, to_tensor, to_tensors
from fitwell.ops._dtypes import FLOATX, result_type, to_torch_dtype

__all__ = [
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctan2",
    "arctanh",
    "ceil",
    "cos",
    "cosh",
    "erf",
    "erfinv",
    "exp",
    "exp2",
    "expm1",
    "floor",
    "isfinite",
    "isinf",
    "isnan",
    "log",
    "log1p",
    "log2",
    "log10",
    "logaddexp",
    "nan_to_num",
    "round",
    "rsqrt",
    "sin",
    "sinh",
    "tan",
    "tanh",
    "trunc",
]

Tensor = torch.Tensor


def _float_if_integer(x: Tensor) -> Tensor:
    # Keras casts bool and integer inputs to floatx before exp-like functions.
    return x if x.is_floating_point() or x.is_complex() else x.to(to_torch_dtype(FLOATX))


def exp(x: Any) -> Tensor:
    """`e ** x`.

    Example:
        >>> exp(torch.tensor([0, 1]))
        tensor([1.0000, 2.7183])
    """
    if is_symbolic(x):
        return record(exp, x)
    return torch.exp(_float_if_integer(to_tensor(x)))


def exp2(x: Any) -> Tensor:
    """`2 ** x`.

    Example:
        >>> exp2(torch.tensor([3.0]))
        tensor([8.])
    """
    if is_symbolic(x):
        return record(exp2, x)
    return torch.exp2(_float_if_integer(to_tensor(x)))


def expm1(x: Any) -> Tensor:
    """`exp(x) - 1`, accurate near 0.

    Example:
        >>> expm1(torch.tensor([1e-10]))
        tensor([1.0000e-10])
    """
    if is_symbolic(x):
        return record(expm1, x)
    return torch.expm1(_float_if_integer(to_tensor(x)))


def log(x: Any) -> Tensor:
    """Natural logarithm.

    Example:
        >>> log(torch.tensor([1.0, 0.0]))
        tensor([0., -inf])
    """
    if is_symbolic(x):
        return record(log, x)
    return torch.log(to_tensor(x))


def log2(x: Any) -> Tensor:
    """Base-2 logarithm.

    Example:
        >>> log2(torch.tensor([8.0]))
        tensor([3.])
    """
    if is_symbolic(x):
        return record(log2, x)
    return torch.log2(to_tensor(x))


def log10(x: Any) -> Tensor:
    """Base-10 logarithm.

    Example:
        >>> log10(torch.tensor([100.0]))
        tensor([2.])
    """
    if is_symbolic(x):
        return record(log10, x)
    return torch.log10(to_tensor(x))


def log1p(x: Any) -> Tensor:
    """`log(1 + x)`, accurate near 0.

    Example:
        >>> log1p(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(log1p, x)
    return torch.log1p(to_tensor(x))


def logaddexp(x1: Any, x2: Any) -> Tensor:
    """`log(exp(x1) + exp(x2))`, without overflow.

    Example:
        >>> logaddexp(torch.tensor([1000.0]), torch.tensor([1000.0]))
        tensor([1000.6932])
    """
    if is_symbolic((x1, x2)):
        return record(logaddexp, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    dtype = to_torch_dtype(result_type(x1.dtype, x2.dtype, float))
    compute = torch.float32 if dtype == torch.float16 and x1.device.type == "cpu" else dtype
    return torch.logaddexp(x1.to(compute), x2.to(compute)).to(dtype)


def sin(x: Any) -> Tensor:
    """Sine (radians).

    Example:
        >>> sin(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(sin, x)
    return torch.sin(to_tensor(x))


def cos(x: Any) -> Tensor:
    """Cosine (radians).

    Example:
        >>> cos(torch.tensor([0.0]))
        tensor([1.])
    """
    if is_symbolic(x):
        return record(cos, x)
    return torch.cos(to_tensor(x))


def tan(x: Any) -> Tensor:
    """Tangent (radians).

    Example:
        >>> tan(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(tan, x)
    return torch.tan(to_tensor(x))


def arcsin(x: Any) -> Tensor:
    """Inverse sine.

    Example:
        >>> arcsin(torch.tensor([1.0]))
        tensor([1.5708])
    """
    if is_symbolic(x):
        return record(arcsin, x)
    return torch.arcsin(to_tensor(x))


def arccos(x: Any) -> Tensor:
    """Inverse cosine.

    Example:
        >>> arccos(torch.tensor([1.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(arccos, x)
    return torch.arccos(to_tensor(x))


def arctan(x: Any) -> Tensor:
    """Inverse tangent.

    Example:
        >>> arctan(torch.tensor([1.0]))
        tensor([0.7854])
    """
    if is_symbolic(x):
        return record(arctan, x)
    return torch.arctan(to_tensor(x))


def arctan2(x1: Any, x2: Any) -> Tensor:
    """Angle of the point `(x2, x1)`, quadrant-aware, in a floating dtype.

    Example:
        >>> arctan2(torch.tensor([1.0]), torch.tensor([-1.0]))
        tensor([2.3562])
    """
    if is_symbolic((x1, x2)):
        return record(arctan2, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    dtype = to_torch_dtype(result_type(x1.dtype, x2.dtype, float))
    compute = torch.float32 if dtype == torch.float16 and x1.device.type == "cpu" else dtype
    return torch.arctan2(x1.to(compute), x2.to(compute)).to(dtype)


def sinh(x: Any) -> Tensor:
    """Hyperbolic sine.

    Example:
        >>> sinh(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(sinh, x)
    return torch.sinh(to_tensor(x))


def cosh(x: Any) -> Tensor:
    """Hyperbolic cosine.

    Example:
        >>> cosh(torch.tensor([0.0]))
        tensor([1.])
    """
    if is_symbolic(x):
        return record(cosh, x)
    return torch.cosh(to_tensor(x))


def tanh(x: Any) -> Tensor:
    """Hyperbolic tangent.

    Example:
        >>> tanh(torch.tensor([0.0, 100.0]))
        tensor([0., 1.])
    """
    if is_symbolic(x):
        return record(tanh, x)
    return torch.tanh(to_tensor(x))


def arcsinh(x: Any) -> Tensor:
    """Inverse hyperbolic sine.

    Example:
        >>> arcsinh(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(arcsinh, x)
    return torch.arcsinh(to_tensor(x))


def arccosh(x: Any) -> Tensor:
    """Inverse hyperbolic cosine.

    Example:
        >>> arccosh(torch.tensor([1.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(arccosh, x)
    return torch.arccosh(to_tensor(x))


def arctanh(x: Any) -> Tensor:
    """Inverse hyperbolic tangent.

    Example:
        >>> arctanh(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(arctanh, x)
    return torch.arctanh(to_tensor(x))


def erf(x: Any) -> Tensor:
    """The Gauss error function.

    Example:
        >>> erf(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8427])
    """
    if is_symbolic(x):
        return record(erf, x)
    return torch.erf(to_tensor(x))


def erfinv(x: Any) -> Tensor:
    """The inverse of `erf`.

    Example:
        >>> erfinv(torch.tensor([0.0]))
        tensor([0.])
    """
    if is_symbolic(x):
        return record(erfinv, x)
    return torch.erfinv(to_tensor(x))


def rsqrt(x: Any) -> Tensor:
    """`1 / sqrt(x)`.

    Example:
        >>> rsqrt(torch.tensor([4.0]))
        tensor([0.5000])
    """
    if is_symbolic(x):
        return record(rsqrt, x)
    return torch.rsqrt(to_tensor(x))


def round(x: Any, decimals: int = 0) -> Tensor:  # Keras's name; shadows the builtin in this module
    """Round half to even, to `decimals` decimal places; integer dtypes are kept.

    Example:
        >>> round(torch.tensor([0.5, 1.5, 2.567]), decimals=0)
        tensor([0., 2., 3.])
        >>> round(torch.tensor([2.567]), decimals=2)
        tensor([2.5700])
    """
    if is_symbolic(x):
        return record(round, x, decimals)
    x = to_tensor(x)
    if x.is_floating_point() or x.is_complex() or x.dtype == torch.bool:
        return torch.round(x, decimals=decimals)
    return torch.round(x.to(to_torch_dtype(FLOATX)), decimals=decimals).to(x.dtype)


def floor(x: Any) -> Tensor:
    """Round down, returning a floating dtype (float32 for integer inputs).

    Example:
        >>> floor(torch.tensor([1.7, -1.2]))
        tensor([ 1., -2.])
    """
    if is_symbolic(x):
        return record(floor, x)
    x = to_tensor(x)
    return torch.floor(x.to(_rounded_dtype(x)))


def ceil(x: Any) -> Tensor:
    """Round up, returning a floating dtype (float32 for integer inputs).

    Example:
        >>> ceil(torch.tensor([1.2, -1.7]))
        tensor([ 2., -1.])
    """
    if is_symbolic(x):
        return record(ceil, x)
    x = to_tensor(x)
    dtype = _rounded_dtype(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    elif x.dtype == torch.float16 and x.device.type == "cpu":
        x = x.to(torch.float32)
    return torch.ceil(x).to(dtype)


def _rounded_dtype(x: Tensor) -> torch.dtype:
    # int64 goes to floatx directly, every other dtype through Keras's promotion with `float`.
    return to_torch_dtype(FLOATX if x.dtype == torch.int64 else result_type(x.dtype, float))


def trunc(x: Any) -> Tensor:
    """Round toward zero, keeping the dtype.

    Example:
        >>> trunc(torch.tensor([1.7, -1.7]))
        tensor([ 1., -1.])
    """
    if is_symbolic(x):
        return record(trunc, x)
    x = to_tensor(x)
    return x if x.dtype == torch.bool else torch.trunc(x)


def isnan(x: Any) -> Tensor:
    """Whether each element is nan.

    Example:
        >>> isnan(torch.tensor([1.0, float("nan")]))
        tensor([False,  True])
    """
    if is_symbolic(x):
        return record(isnan, x)
    return torch.isnan(to_tensor(x))


def isinf(x: Any) -> Tensor:
    """Whether each element is +inf or -inf.

    Example:
        >>> isinf(torch.tensor([1.0, float("-inf")]))
        tensor([False,  True])
    """
    if is_symbolic(x):
        return record(isinf, x)
    return torch.isinf(to_tensor(x))


def isfinite(x: Any) -> Tensor:
    """Whether each element is neither inf nor nan.

    Example:
        >>> isfinite(torch.tensor([1.0, float("inf"), float("nan")]))
        tensor([ True, False, False])
    """
    if is_symbolic(x):
        return record(isfinite, x)
    return torch.isfinite(to_tensor(x))


def nan_to_num(x: Any, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """Replace nan with `nan`, and infinities with `posinf`/`neginf` (default: the dtype's extremes).

    Example:
        >>> nan_to_num(torch.tensor([float("nan"), 1.0]), nan=-1.0)
        tensor([-1.,  1.])
    """
    if is_symbolic(x):
        return record(nan_to_num, x, nan=nan, posinf=posinf, neginf=neginf)
    return torch.nan_to_num(to_tensor(x), nan=nan, posinf=posinf, neginf=neginf)
