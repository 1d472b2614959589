"""What the spatial layers share: argument checks, Keras's "same" padding, the channel layout.

Convolution, pooling and reshaping layers take Keras's channels-last inputs,
`(batch, *spatial, channels)`, and torch's kernels want channels first,
`(batch, channels, *spatial)`. The moves here are views, not copies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

__all__ = [
    "FORMATS",
    "PADDINGS",
    "check_choice",
    "from_channels_first",
    "ntuple",
    "pad_for_kernel",
    "same_padding",
    "to_channels_first",
]

FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def ntuple(
    value: int | tuple[int, ...], rank: int, argument: str, *, allow_zero: bool = False
) -> tuple[int, ...]:
    """`value` as `rank` positive ints (or >= 0 with `allow_zero`): an int repeats, a sequence must
    have `rank` of them."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    lowest = 0 if allow_zero else 1
    valid = all(isinstance(v, int) and not isinstance(v, bool) and v >= lowest for v in values)
    if len(values) != rank or not valid:
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(
            f"`{argument}` must be a {kind} int or a tuple of {rank} of them. Received: {argument}={value!r}"
        )
    return values


def check_choice(value: str, choices: tuple[str, ...], argument: str) -> str:
    """`value` when it is one of `choices`; otherwise an error that lists them."""
    if value not in choices:
        raise ValueError(f"`{argument}` must be one of {choices}. Received: {argument}={value!r}")
    return value


def same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """Keras's (TensorFlow's) "same" padding of one axis, as (before, after).

    The output has `ceil(size / stride)` positions; an odd total puts the extra
    element after, not before.
    """
    effective = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def pad_for_kernel(
    x: torch.Tensor, paddings: Sequence[tuple[int, int]], value: float = 0.0
) -> tuple[torch.Tensor, tuple[int, ...]]:
    """Pad the spatial axes of a channels-first `x` by `(before, after)` each, as cheaply as torch allows.

    Equal amounts on both sides are left to the torch kernel's own `padding`
    argument (no copy of `x`): the result is `(x, amounts)`. Otherwise `x` is
    padded once with `F.pad` and `value`, and the amounts are zeros.
    """
    if all(before == after for before, after in paddings):
        return x, tuple(before for before, _ in paddings)
    flat = [amount for pair in reversed(paddings) for amount in pair]  # F.pad wants the last axis first
    return F.pad(x, flat, value=value), (0,) * len(paddings)


def to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """A channels-first view of `x` (no copy)."""
    return x.movedim(-1, 1) if data_format == "channels_last" else x


def from_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """`x` back in `data_format` (a view)."""
    return x.movedim(1, -1) if data_format == "channels_last" else x
