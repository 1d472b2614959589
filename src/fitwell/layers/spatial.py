"""What the spatial layers share: argument checks, Keras's "same" padding, the channel layout.

Convolution, pooling and reshaping layers take Keras's channels-last inputs,
`(batch, *spatial, channels)`, and torch's kernels want channels first,
`(batch, channels, *spatial)`. The moves here are views, not copies.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "FORMATS",
    "PADDINGS",
    "check_choice",
    "from_channels_first",
    "ntuple",
    "same_padding",
    "to_channels_first",
]

FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def ntuple(value: int | tuple[int, ...], rank: int, argument: str) -> tuple[int, ...]:
    """`value` as `rank` positive ints: an int repeats, a sequence must have `rank` of them."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    positive = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values)
    if len(values) != rank or not positive:
        raise ValueError(
            f"`{argument}` must be a positive int or a tuple of {rank} of them. "
            f"Received: {argument}={value!r}"
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


def to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """A channels-first view of `x` (no copy)."""
    return x.movedim(-1, 1) if data_format == "channels_last" else x


def from_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    """`x` back in `data_format` (a view)."""
    return x.movedim(1, -1) if data_format == "channels_last" else x
