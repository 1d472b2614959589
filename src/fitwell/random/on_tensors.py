"""Random operations on a given tensor: `dropout` and `shuffle`, on the tensor's own device."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.ops._base import check_axis, to_tensor
from fitwell.random._arguments import is_number, noise_mask_shape
from fitwell.random.seeds import Seed, check_seed, generator_for, unseeded


def dropout(
    inputs: Any, rate: float, noise_shape: Sequence[int | None] | None = None, seed: Seed = None
) -> torch.Tensor:
    """Zero a fraction `rate` of `inputs` at random, scaling the kept values by `1 / (1 - rate)`.

    Args:
        inputs: The tensor to drop values from.
        rate: The probability of dropping each value, in [0, 1].
        noise_shape: The shape of the random keep/drop mask, broadcast over
            `inputs`; a None entry takes the input's size. `(batch, 1,
            features)` drops the same features at every step.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor with the shape, dtype and device of `inputs`.

    Raises:
        ValueError: For a `rate` outside [0, 1], a `noise_shape` that does
            not broadcast to the inputs, or a bad `seed`.

    Example:
        >>> kept = dropout(torch.ones(1000), rate=0.5, seed=0)
        >>> sorted(kept.unique().tolist())
        [0.0, 2.0]
    """
    inputs = to_tensor(inputs)
    if isinstance(rate, bool) or not is_number(rate) or not 0.0 <= float(rate) <= 1.0:
        raise ValueError(f"`rate` must be a float in [0, 1]. Received: rate={rate!r}")
    seed = check_seed(seed)
    rate = float(rate)
    if rate == 1.0:
        return torch.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    if noise_shape is None and unseeded(seed):
        # torch's fused kernel on the global generator; Keras's torch backend takes this path too.
        return F.dropout(inputs, p=rate, training=True)
    mask_shape = inputs.shape if noise_shape is None else noise_mask_shape(noise_shape, inputs.shape)
    keep_prob = 1.0 - rate
    probabilities = torch.full(mask_shape, keep_prob, device=inputs.device)
    keep = torch.bernoulli(probabilities, generator=generator_for(seed, inputs.device)).bool()
    return torch.where(keep.broadcast_to(inputs.shape), inputs / keep_prob, torch.zeros_like(inputs))


def shuffle(x: Any, axis: int = 0, seed: Seed = None) -> torch.Tensor:
    """Shuffle the slices of `x` along `axis` with one uniformly random permutation.

    Args:
        x: The tensor to shuffle.
        axis: The axis to shuffle along; negative values count from the end.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor like `x`, with the entries along `axis` reordered.

    Raises:
        ValueError: For an `axis` out of range or a bad `seed`.

    Example:
        >>> rows = shuffle(torch.arange(12).reshape(4, 3), seed=0)
        >>> sorted(rows[:, 0].tolist()), bool((rows[:, 1] == rows[:, 0] + 1).all())
        ([0, 3, 6, 9], True)
    """
    x = to_tensor(x)
    if x.ndim == 0:
        raise ValueError(f"`x` must have at least one axis to shuffle. Received: x of shape {tuple(x.shape)}")
    check_axis(axis, x.ndim)
    axis = axis % x.ndim
    generator = generator_for(check_seed(seed), x.device)
    # rand().argsort() is the permutation Keras's torch backend draws, so axis 0 matches it.
    permutation = torch.rand(x.shape[axis], generator=generator, device=x.device).argsort()
    return x.index_select(axis, permutation)
