"""Initializers that draw from a fixed distribution: normal, truncated normal, uniform, orthogonal.

The samplers are Keras's torch-backend recipes, so an int seed gives the
values Keras gives for it on the CPU.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from fitwell.initializers.base import (
    DTypeLike,
    Initializer,
    Shape,
    as_shape,
    check_seed,
    floating_dtype,
    on_default_device,
    seeded_generator,
)

__all__ = [
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "draw_normal",
    "draw_truncated_normal",
    "draw_uniform",
]

_CANDIDATES = 4  # normal draws per element; the first inside (-2, 2) is kept, as Keras's torch backend does


def draw_normal(
    shape: tuple[int, ...], mean: float, stddev: float, dtype: torch.dtype, seed: int | None
) -> torch.Tensor:
    """Normal draws; from a generator seeded with `seed`, or torch's global one when None.

    Example:
        >>> draw_normal((2,), 0.0, 1.0, torch.float32, 3).shape
        torch.Size([2])
    """
    return torch.normal(mean, stddev, size=shape, generator=seeded_generator(seed), dtype=dtype, device="cpu")


def draw_uniform(
    shape: tuple[int, ...], minval: float, maxval: float, dtype: torch.dtype, seed: int | None
) -> torch.Tensor:
    """Uniform draws in `[minval, maxval)`, as `minval + (maxval - minval) * rand` (Keras's recipe).

    Example:
        >>> bool((draw_uniform((100,), 2.0, 3.0, torch.float32, 0) >= 2.0).all())
        True
    """
    unit = torch.rand(shape, generator=seeded_generator(seed), dtype=dtype, device="cpu")
    return (maxval - minval) * unit + minval


def draw_truncated_normal(
    shape: tuple[int, ...], mean: float, stddev: float, dtype: torch.dtype, seed: int | None
) -> torch.Tensor:
    """Normal draws kept within two standard deviations of the mean.

    Draws four candidates per element and keeps the first one inside
    (-2, 2), as Keras's torch backend does, so seeded values match Keras's.
    Keras keeps an out-of-range first candidate when all four miss (odds
    about 4e-6 per element); here those elements are drawn again instead.

    Example:
        >>> bool(draw_truncated_normal((1000,), 0.0, 1.0, torch.float32, 0).abs().max() < 2)
        True
    """
    generator = seeded_generator(seed)
    candidates = torch.normal(0.0, 1.0, (*shape, _CANDIDATES), generator=generator, dtype=dtype, device="cpu")
    first_inside = (candidates.abs() < 2).to(torch.uint8).argmax(dim=-1, keepdim=True)
    values = candidates.gather(-1, first_inside).squeeze(-1)
    missed = values.abs() >= 2
    while bool(missed.any()):
        redraw = torch.normal(0.0, 1.0, (int(missed.sum()),), generator=generator, dtype=dtype, device="cpu")
        values[missed] = redraw
        missed = values.abs() >= 2
    return values * stddev + mean


class RandomNormal(Initializer):
    """Values drawn from a normal distribution.

    Args:
        mean: Mean of the distribution.
        stddev: Standard deviation of the distribution.
        seed: An int gives the same values on every call; None draws from
            torch's global generator.

    Example:
        >>> values = RandomNormal(mean=1.0, stddev=0.1, seed=0)((1000,))
        >>> round(values.mean().item(), 1), round(values.std().item(), 1)
        (1.0, 0.1)
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, *, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        self.seed = check_seed(seed)

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return normal draws of `shape`."""
        dtype = floating_dtype(dtype, self)
        return on_default_device(draw_normal(as_shape(shape, self), self.mean, self.stddev, dtype, self.seed))

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "mean", "stddev"}`."""
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(Initializer):
    """Normal draws, redrawn when more than two `stddev` from the mean.

    The truncation narrows the spread: the values' standard deviation is
    about `0.88 * stddev`.

    Args:
        mean: Mean of the distribution before truncation.
        stddev: Standard deviation before truncation.
        seed: An int gives the same values on every call; None draws from
            torch's global generator.

    Example:
        >>> values = TruncatedNormal(stddev=1.0, seed=0)((1000,))
        >>> bool(values.abs().max() < 2.0)
        True
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, *, seed: int | None = None) -> None:
        self.mean = mean
        self.stddev = stddev
        self.seed = check_seed(seed)

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return truncated normal draws of `shape`."""
        dtype = floating_dtype(dtype, self)
        values = draw_truncated_normal(as_shape(shape, self), self.mean, self.stddev, dtype, self.seed)
        return on_default_device(values)

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "mean", "stddev"}`."""
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    """Values drawn uniformly from `[minval, maxval)`.

    Args:
        minval: Lower bound, included.
        maxval: Upper bound, excluded.
        seed: An int gives the same values on every call; None draws from
            torch's global generator.

    Example:
        >>> values = RandomUniform(-1.0, 1.0, seed=0)((1000,))
        >>> bool(values.min() >= -1.0 and values.max() < 1.0)
        True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, *, seed: int | None = None) -> None:
        self.minval = minval
        self.maxval = maxval
        self.seed = check_seed(seed)

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return uniform draws of `shape`."""
        dtype = floating_dtype(dtype, self)
        return on_default_device(
            draw_uniform(as_shape(shape, self), self.minval, self.maxval, dtype, self.seed)
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "minval", "maxval"}`."""
        return {"seed": self.seed, "minval": self.minval, "maxval": self.maxval}


class Orthogonal(Initializer):
    """A random orthogonal matrix (rows or columns orthonormal), times `gain`.

    The shape is seen as a matrix of `prod(shape[:-1])` rows and
    `shape[-1]` columns: the QR decomposition of a standard normal matrix
    gives orthonormal columns when there are at least as many rows as
    columns, and orthonormal rows otherwise.

    Args:
        gain: Multiplies the matrix.
        seed: An int gives the same values on every call; None draws from
            torch's global generator.

    Example:
        >>> q = Orthogonal(seed=0)((4, 4))
        >>> torch.allclose(q @ q.T, torch.eye(4), atol=1e-6)
        True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None) -> None:
        self.gain = gain
        self.seed = check_seed(seed)

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return `gain` times an orthogonal matrix reshaped to `shape`."""
        shape, dtype = as_shape(shape, self), floating_dtype(dtype, self)
        if len(shape) < 2:
            raise ValueError(
                "Orthogonal needs a shape of rank 2 or more (a matrix, or a kernel seen as one). "
                f"Received: shape={shape} of rank {len(shape)}. Use another initializer for vectors."
            )
        rows, cols = math.prod(shape[:-1]), shape[-1]
        # QR has no half-precision kernels: decompose in float32, then cast.
        work_dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
        draws = draw_normal((max(rows, cols), min(rows, cols)), 0.0, 1.0, work_dtype, self.seed)
        q, r = torch.linalg.qr(draws)
        q = q * torch.sign(torch.diagonal(r))  # makes the decomposition unique (Haar-distributed)
        if rows < cols:
            q = q.T
        return on_default_device((self.gain * q.reshape(shape)).to(dtype))

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "gain"}`."""
        return {"seed": self.seed, "gain": self.gain}
