"""Element-wise arithmetic, comparison and logic ops, with Keras's broadcasting and dtypes.

Arguments may be tensors, numpy arrays or Python scalars. Python scalars
are weakly typed, as in Keras: `ops.add(int8_tensor, 1)` stays `int8`, and
`ops.multiply(float16_tensor, 0.5)` stays `float16`.

Example:
    >>> x = torch.tensor([1.0, 2.0, 3.0])
    >>> add(x, 1), greater(x, 2), where(x > 1, x, 0.0)
    (tensor([2., 3., 4.]), tensor([False, False,  True]), tensor([0., 2., 3.]))
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell.ops._base import is_symbolic, record, to_tensor, to_tensors
from fitwell.ops._dtypes import FLOATX, result_type, to_torch_dtype

__all__ = [
    "abs",
    "absolute",
    "add",
    "clip",
    "divide",
    "divide_no_nan",
    "equal",
    "floor_divide",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "power",
    "reciprocal",
    "sign",
    "sqrt",
    "square",
    "subtract",
    "true_divide",
    "where",
]

Tensor = torch.Tensor


def _dtype_of(value: Any) -> Any:
    # A Python scalar counts by its type (weak); arrays and tensors by their dtype.
    return getattr(value, "dtype", type(value))


def _scalars_kept(x1: Any, x2: Any) -> tuple[Any, ...]:
    # Keras hands Python numbers to torch untouched in divide and floor_divide.
    device = next((v.device for v in (x1, x2) if isinstance(v, torch.Tensor)), None)
    return tuple(v if isinstance(v, int | float) else to_tensor(v, device=device) for v in (x1, x2))


def add(x1: Any, x2: Any) -> Tensor:
    """`x1 + x2`, element-wise, with broadcasting.

    Example:
        >>> add(torch.tensor([1, 2]), 3)
        tensor([4, 5])
    """
    if is_symbolic((x1, x2)):
        return record(add, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    return torch.add(x1, x2)


def subtract(x1: Any, x2: Any) -> Tensor:
    """`x1 - x2`, element-wise; a bool operand takes the other operand's dtype.

    Example:
        >>> subtract(torch.tensor([1.0, 2.0]), torch.tensor([True, False]))
        tensor([0., 2.])
    """
    if is_symbolic((x1, x2)):
        return record(subtract, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    if x1.dtype == torch.bool:
        x1 = x1.to(x2.dtype)
    if x2.dtype == torch.bool:
        x2 = x2.to(x1.dtype)
    return torch.subtract(x1, x2)


def multiply(x1: Any, x2: Any) -> Tensor:
    """`x1 * x2`, element-wise.

    Example:
        >>> multiply(torch.tensor([1.0, 2.0]), 0.5)
        tensor([0.5000, 1.0000])
    """
    if is_symbolic((x1, x2)):
        return record(multiply, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    return torch.multiply(x1, x2)


def divide(x1: Any, x2: Any) -> Tensor:
    """True division `x1 / x2`; integers divide to floats.

    Example:
        >>> divide(torch.tensor([1, 3]), 2)
        tensor([0.5000, 1.5000])
    """
    if is_symbolic((x1, x2)):
        return record(divide, x1, x2)
    x1, x2 = _scalars_kept(x1, x2)
    return torch.divide(x1, x2)


def true_divide(x1: Any, x2: Any) -> Tensor:
    """Same as `divide`.

    Example:
        >>> true_divide(torch.tensor([3.0]), 2.0)
        tensor([1.5000])
    """
    if is_symbolic((x1, x2)):
        return record(true_divide, x1, x2)
    return divide(x1, x2)


def divide_no_nan(x1: Any, x2: Any) -> Tensor:
    """`x1 / x2`, but 0 wherever `x2 == 0` (no inf or nan), in a floating dtype.

    Example:
        >>> divide_no_nan(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))
        tensor([0.0000, 0.5000])
    """
    if is_symbolic((x1, x2)):
        return record(divide_no_nan, x1, x2)
    dtype = to_torch_dtype(result_type(_dtype_of(x1), _dtype_of(x2), float))
    x1, x2 = (value.to(dtype) for value in to_tensors(x1, x2))
    is_zero = x2 == 0
    safe = torch.where(is_zero, torch.ones_like(x2), x2)
    return torch.where(is_zero, 0, torch.divide(x1, safe))


def floor_divide(x1: Any, x2: Any) -> Tensor:
    """Division rounded down, `x1 // x2`, in Keras's promoted dtype.

    Example:
        >>> floor_divide(torch.tensor([7, -7]), 2)
        tensor([ 3, -4], dtype=torch.int32)
    """
    if is_symbolic((x1, x2)):
        return record(floor_divide, x1, x2)
    dtype = to_torch_dtype(result_type(_dtype_of(x1), _dtype_of(x2)))
    x1, x2 = _scalars_kept(x1, x2)
    return torch.floor_divide(x1, x2).to(dtype)


def mod(x1: Any, x2: Any) -> Tensor:
    """Remainder of `x1 / x2` with the sign of `x2` (Python's `%`).

    Example:
        >>> mod(torch.tensor([5, -5]), 3)
        tensor([2, 1])
    """
    if is_symbolic((x1, x2)):
        return record(mod, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    if result_type(x1.dtype, x2.dtype) == "bool":
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return torch.remainder(x1, x2)


def power(x1: Any, x2: Any) -> Tensor:
    """`x1 ** x2`, element-wise.

    Example:
        >>> power(torch.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """
    if is_symbolic((x1, x2)):
        return record(power, x1, x2)
    x1, x2 = to_tensors(x1, x2)
    return torch.pow(x1, x2)


def negative(x: Any) -> Tensor:
    """`-x`.

    Example:
        >>> negative(torch.tensor([1.0, -2.0]))
        tensor([-1.,  2.])
    """
    if is_symbolic(x):
        return record(negative, x)
    return torch.negative(to_tensor(x))


def absolute(x: Any) -> Tensor:
    """`|x|` (bool inputs come back unchanged).

    Example:
        >>> absolute(torch.tensor([-1.5, 2.0]))
        tensor([1.5000, 2.0000])
    """
    if is_symbolic(x):
        return record(absolute, x)
    x = to_tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


def abs(x: Any) -> Tensor:  # Keras's name; shadows the builtin inside this module only
    """Same as `absolute`.

    Example:
        >>> abs(torch.tensor([-3]))
        tensor([3])
    """
    if is_symbolic(x):
        return record(abs, x)
    return absolute(x)


def sign(x: Any) -> Tensor:
    """-1, 0 or 1 by the sign of each element.

    Example:
        >>> sign(torch.tensor([-2.0, 0.0, 3.0]))
        tensor([-1.,  0.,  1.])
    """
    if is_symbolic(x):
        return record(sign, x)
    return torch.sign(to_tensor(x))


def square(x: Any) -> Tensor:
    """`x * x` (bool inputs are squared as int32).

    Example:
        >>> square(torch.tensor([-2.0, 3.0]))
        tensor([4., 9.])
    """
    if is_symbolic(x):
        return record(square, x)
    x = to_tensor(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


def sqrt(x: Any) -> Tensor:
    """Square root; integer inputs give float32.

    Example:
        >>> sqrt(torch.tensor([4, 9]))
        tensor([2., 3.])
    """
    if is_symbolic(x):
        return record(sqrt, x)
    x = to_tensor(x)
    return torch.sqrt(x.to(to_torch_dtype(FLOATX)) if x.dtype == torch.int64 else x)


def reciprocal(x: Any) -> Tensor:
    """`1 / x`.

    Example:
        >>> reciprocal(torch.tensor([2.0, 4.0]))
        tensor([0.5000, 0.2500])
    """
    if is_symbolic(x):
        return record(reciprocal, x)
    return torch.reciprocal(to_tensor(x))


def maximum(x1: Any, x2: Any) -> Tensor:
    """Element-wise maximum, in Keras's promoted dtype (nan wins).

    Example:
        >>> maximum(torch.tensor([1.0, 5.0]), 3)
        tensor([3., 5.])
    """
    if is_symbolic((x1, x2)):
        return record(maximum, x1, x2)
    return torch.maximum(*_promoted(x1, x2))


def minimum(x1: Any, x2: Any) -> Tensor:
    """Element-wise minimum, in Keras's promoted dtype (nan wins).

    Example:
        >>> minimum(torch.tensor([1.0, 5.0]), 3)
        tensor([1., 3.])
    """
    if is_symbolic((x1, x2)):
        return record(minimum, x1, x2)
    return torch.minimum(*_promoted(x1, x2))


def _promoted(x1: Any, x2: Any) -> list[Tensor]:
    # Both operands in Keras's promoted dtype, Python scalars counting as weak types.
    x1, x2 = _scalars_kept(x1, x2)
    dtype = result_type(_dtype_of(x1), _dtype_of(x2))
    device = next((v.device for v in (x1, x2) if isinstance(v, torch.Tensor)), None)
    return [to_tensor(v, dtype, device=device) for v in (x1, x2)]


def clip(x: Any, x_min: Any, x_max: Any) -> Tensor:
    """Limit values to `[x_min, x_max]` (bool inputs are clipped as int32).

    Example:
        >>> clip(torch.tensor([-1.0, 0.5, 2.0]), 0.0, 1.0)
        tensor([0.0000, 0.5000, 1.0000])
    """
    if is_symbolic(x):
        return record(clip, x, x_min, x_max)
    x, x_min, x_max = to_tensors(x, x_min, x_max)
    if x.dtype == torch.float16 and x.device.type == "cpu":
        return torch.clip(x.to(torch.float32), min=x_min, max=x_max).to(torch.float16)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clip(x, min=x_min, max=x_max)


def where(condition: Any, x1: Any = None, x2: Any = None) -> Tensor:
    """`x1` where `condition` holds, else `x2`; with only `condition`, the indices where it holds.

    Args:
        condition: Boolean tensor (other dtypes are compared with 0).
        x1: Values where `condition` is true.
        x2: Values where it is false. Give both `x1` and `x2`, or neither.

    Returns:
        The selected values (broadcast together), or, with `condition` alone,
        an int64 tensor of shape `(condition.ndim, number_of_true_values)`.

    Example:
        >>> where(torch.tensor([True, False]), 1.0, -1.0)
        tensor([ 1., -1.])
        >>> where(torch.tensor([0, 3, 0, 5]))
        tensor([[1, 3]])
    """
    if (x1 is None) != (x2 is None):
        raise ValueError(
            f"`x1` and `x2` must both be given or both be None. Received: x1={x1!r}, x2={x2!r}. "
            "Pass both for an element-wise choice, or neither for the indices of true values."
        )
    if is_symbolic((condition, x1, x2)):
        return record(where, condition, x1, x2)
    if x1 is None:
        return torch.stack(torch.where(to_tensor(condition, "bool")), dim=0)
    condition, x1, x2 = to_tensors(condition, x1, x2)
    return torch.where(condition.to(torch.bool), x1, x2)


# -- comparisons and logic -------------------------------------------------------------------------
def equal(x1: Any, x2: Any) -> Tensor:
    """`x1 == x2`, element-wise, as a bool tensor.

    Example:
        >>> equal(torch.tensor([1, 2]), 2)
        tensor([False,  True])
    """
    if is_symbolic((x1, x2)):
        return record(equal, x1, x2)
    return torch.eq(*to_tensors(x1, x2))


def not_equal(x1: Any, x2: Any) -> Tensor:
    """`x1 != x2`, element-wise.

    Example:
        >>> not_equal(torch.tensor([1, 2]), 2)
        tensor([ True, False])
    """
    if is_symbolic((x1, x2)):
        return record(not_equal, x1, x2)
    return torch.not_equal(*to_tensors(x1, x2))


def greater(x1: Any, x2: Any) -> Tensor:
    """`x1 > x2`, element-wise.

    Example:
        >>> greater(torch.tensor([1.0, 3.0]), 2.0)
        tensor([False,  True])
    """
    if is_symbolic((x1, x2)):
        return record(greater, x1, x2)
    return torch.greater(*to_tensors(x1, x2))


def greater_equal(x1: Any, x2: Any) -> Tensor:
    """`x1 >= x2`, element-wise.

    Example:
        >>> greater_equal(torch.tensor([1.0, 2.0]), 2.0)
        tensor([False,  True])
    """
    if is_symbolic((x1, x2)):
        return record(greater_equal, x1, x2)
    return torch.greater_equal(*to_tensors(x1, x2))


def less(x1: Any, x2: Any) -> Tensor:
    """`x1 < x2`, element-wise.

    Example:
        >>> less(torch.tensor([1.0, 3.0]), 2.0)
        tensor([ True, False])
    """
    if is_symbolic((x1, x2)):
        return record(less, x1, x2)
    return torch.less(*to_tensors(x1, x2))


def less_equal(x1: Any, x2: Any) -> Tensor:
    """`x1 <= x2`, element-wise.

    Example:
        >>> less_equal(torch.tensor([2.0, 3.0]), 2.0)
        tensor([ True, False])
    """
    if is_symbolic((x1, x2)):
        return record(less_equal, x1, x2)
    return torch.less_equal(*to_tensors(x1, x2))


def logical_and(x1: Any, x2: Any) -> Tensor:
    """Element-wise logical AND (non-zero counts as true).

    Example:
        >>> logical_and(torch.tensor([True, True]), torch.tensor([True, False]))
        tensor([ True, False])
    """
    if is_symbolic((x1, x2)):
        return record(logical_and, x1, x2)
    return torch.logical_and(*to_tensors(x1, x2))


def logical_or(x1: Any, x2: Any) -> Tensor:
    """Element-wise logical OR.

    Example:
        >>> logical_or(torch.tensor([False, False]), torch.tensor([True, False]))
        tensor([ True, False])
    """
    if is_symbolic((x1, x2)):
        return record(logical_or, x1, x2)
    return torch.logical_or(*to_tensors(x1, x2))


def logical_xor(x1: Any, x2: Any) -> Tensor:
    """Element-wise logical XOR.

    Example:
        >>> logical_xor(torch.tensor([True, True]), torch.tensor([True, False]))
        tensor([False,  True])
    """
    if is_symbolic((x1, x2)):
        return record(logical_xor, x1, x2)
    return torch.logical_xor(*to_tensors(x1, x2))


def logical_not(x: Any) -> Tensor:
    """Element-wise logical NOT.

    Example:
        >>> logical_not(torch.tensor([True, False]))
        tensor([False,  True])
    """
    if is_symbolic(x):
        return record(logical_not, x)
    return torch.logical_not(to_tensor(x))
