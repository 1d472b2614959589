"""Argument checks shared by the `fitwell.random` draws: shapes, dtypes and tensor parameters."""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from typing import Any

import torch

from fitwell.ops._base import to_tensor
from fitwell.ops._dtypes import FLOATX, to_torch_dtype
from fitwell.random.seeds import is_int


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_shape(shape: Any) -> tuple[int, ...]:
    if is_int(shape):
        shape = (shape,)
    try:
        size = tuple(operator.index(dim) for dim in shape)
    except TypeError:
        size = None
    if size is None or any(dim < 0 for dim in size):
        raise ValueError(
            "`shape` must be a tuple of non-negative ints (the full shape, batch axis included). "
            f"Received: shape={shape!r}"
        )
    return size


def float_dtype(dtype: Any, function: str) -> torch.dtype:
    torch_dtype = to_torch_dtype(FLOATX if dtype is None else dtype)
    if not torch_dtype.is_floating_point:
        raise ValueError(
            f"`fitwell.random.{function}` requires a floating point `dtype` such as 'float32'. "
            f"Received: dtype={dtype!r}"
        )
    return torch_dtype


def parameter(value: Any, device: torch.device) -> torch.Tensor:
    tensor = to_tensor(value).to(device)
    return tensor if tensor.is_floating_point() else tensor.to(to_torch_dtype(FLOATX))


def broadcast_parameter(value: Any, name: str, size: tuple[int, ...], device: torch.device) -> torch.Tensor:
    tensor = parameter(value, device)
    try:
        return torch.broadcast_to(tensor, size)
    except RuntimeError:
        raise ValueError(
            f"`{name}` must be a number or a tensor that broadcasts to `shape`. "
            f"Received: {name} of shape {tuple(tensor.shape)} with shape={size}"
        ) from None


def noise_mask_shape(noise_shape: Sequence[int | None], input_shape: torch.Size) -> tuple[int, ...]:
    noise_shape = tuple(noise_shape)
    if len(noise_shape) == len(input_shape):
        pairs = list(zip(noise_shape, input_shape, strict=True))
        mask_shape = tuple(size if wanted is None else wanted for wanted, size in pairs)
        if all(wanted in (1, size) for wanted, (_, size) in zip(mask_shape, pairs, strict=True)):
            return mask_shape
    raise ValueError(
        "`noise_shape` must have one entry per input axis, each None, 1 or the input's size. "
        f"Received: noise_shape={noise_shape} for inputs of shape {tuple(input_shape)}"
    )
