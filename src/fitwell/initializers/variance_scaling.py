"""`VarianceScaling` and its named presets (Glorot, He, LeCun), with Keras's fan computation."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
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
)
from fitwell.initializers.distributions import draw_normal, draw_truncated_normal, draw_uniform

__all__ = [
    "TRUNCATION_STDDEV",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "LecunNormal",
    "LecunUniform",
    "VarianceScaling",
    "compute_fans",
]

# Standard deviation of a standard normal truncated to (-2, 2). Keras divides
# VarianceScaling's stddev by it so that the truncated draws end up with
# exactly the variance `scale / n` (keras/src/initializers/random_initializers.py).
TRUNCATION_STDDEV = 0.87962566103423978


def compute_fans(
    shape: Shape, input_axes: Sequence[int] | None = None, output_axes: Sequence[int] | None = None
) -> tuple[int, int]:
    """The `(fan_in, fan_out)` of a weight shape in Keras's layout.

    A vector counts its length both ways; a matrix is `(in, out)`; for
    higher ranks the last two axes are `(in, out)` and both are multiplied
    by the receptive field (the product of the leading axes). When both
    `input_axes` and `output_axes` are given, the fans are the products of
    those axes instead.

    Args:
        shape: The weight's shape, e.g. `(3, 3, 16, 8)` for a 3x3 convolution
            from 16 to 8 channels.
        input_axes: Axes whose sizes multiply into `fan_in`.
        output_axes: Axes whose sizes multiply into `fan_out`.

    Returns:
        `(fan_in, fan_out)` as ints.

    Example:
        >>> compute_fans((64, 32)), compute_fans((3, 3, 16, 8)), compute_fans((5,))
        ((64, 32), (144, 72), (5, 5))
    """
    shape = tuple(int(size) for size in shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[axis] for axis in input_axes), math.prod(shape[axis] for axis in output_axes)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(Initializer):
    """Random values whose variance is `scale / n`, with `n` taken from the shape's fans.

    `n` is `fan_in`, `fan_out` or their mean (`mode`), at least 1; the fans
    come from `compute_fans`. With a normal distribution the values have
    standard deviation `sqrt(scale / n)` (after truncation at two standard
    deviations for `"truncated_normal"`); with `"uniform"` they lie in
    `[-limit, limit)` with `limit = sqrt(3 * scale / n)`.

    Args:
        scale: Positive scaling factor.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`.
        distribution: `"truncated_normal"` (also accepted as `"normal"`),
            `"untruncated_normal"` or `"uniform"`, in any case.
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> kernel = VarianceScaling(2.0, "fan_in", distribution="uniform", seed=0)((100, 50))
        >>> bool(kernel.abs().max() < (3 * 2.0 / 100) ** 0.5)
        True
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        *,
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        problems = []
        if not isinstance(scale, numbers.Real) or not scale > 0:
            problems.append(f"`scale` must be a positive number. Received: scale={scale!r}")
        if mode not in _MODES:
            problems.append(f"`mode` must be one of {_MODES}. Received: mode={mode!r}")
        canonical = str(distribution).lower()
        canonical = "truncated_normal" if canonical == "normal" else canonical
        if canonical not in _DISTRIBUTIONS:
            problems.append(
                f"`distribution` must be one of {_DISTRIBUTIONS}. Received: distribution={distribution!r}"
            )
        if problems:
            raise ValueError(f"Invalid {type(self).__name__} arguments: " + "; ".join(problems) + ".")
        self.scale = scale
        self.mode = mode
        self.distribution = canonical
        self.seed = check_seed(seed)
        self.input_axes = input_axes
        self.output_axes = output_axes

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return draws of `shape` with variance `scale / n`."""
        shape, dtype = as_shape(shape, self), floating_dtype(dtype, self)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / TRUNCATION_STDDEV
            values = draw_truncated_normal(shape, 0.0, stddev, dtype, self.seed)
        elif self.distribution == "untruncated_normal":
            values = draw_normal(shape, 0.0, math.sqrt(variance), dtype, self.seed)
        else:
            limit = math.sqrt(3.0 * variance)
            values = draw_uniform(shape, -limit, limit, dtype, self.seed)
        return on_default_device(values)

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "scale", "mode", "distribution", "input_axes", "output_axes"}`."""
        return {
            "seed": self.seed,
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


def _preset_config(initializer: VarianceScaling) -> dict[str, Any]:
    # The named VarianceScaling presets fix scale, mode and distribution, so
    # (as in Keras) their config holds only what their constructor takes.
    return {
        "seed": initializer.seed,
        "input_axes": initializer.input_axes,
        "output_axes": initializer.output_axes,
    }


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: `[-limit, limit)` with `limit = sqrt(6 / (fan_in + fan_out))`.

    Keras's default kernel initializer; `VarianceScaling(1.0, "fan_avg",
    distribution="uniform")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> bool(GlorotUniform(seed=0)((4, 2)).abs().max() < 1.0)
        True
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            1.0, "fan_avg", distribution="uniform", seed=seed, input_axes=input_axes, output_axes=output_axes
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)


class GlorotNormal(VarianceScaling):
    """Glorot (Xavier) normal: truncated normal with stddev `sqrt(2 / (fan_in + fan_out))`.

    `VarianceScaling(1.0, "fan_avg", distribution="truncated_normal")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> GlorotNormal(seed=0)((3, 3, 16, 8)).shape
        torch.Size([3, 3, 16, 8])
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            1.0,
            "fan_avg",
            distribution="truncated_normal",
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)


class HeUniform(VarianceScaling):
    """He uniform: `[-limit, limit)` with `limit = sqrt(6 / fan_in)`; suits ReLU layers.

    `VarianceScaling(2.0, "fan_in", distribution="uniform")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> bool(HeUniform(seed=0)((6, 2)).abs().max() < 1.0)
        True
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            2.0, "fan_in", distribution="uniform", seed=seed, input_axes=input_axes, output_axes=output_axes
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)


class HeNormal(VarianceScaling):
    """He normal: truncated normal with stddev `sqrt(2 / fan_in)`; suits ReLU layers.

    `VarianceScaling(2.0, "fan_in", distribution="truncated_normal")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> torch.equal(HeNormal(seed=1)((2, 2)), HeNormal(seed=1)((2, 2)))
        True
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            2.0,
            "fan_in",
            distribution="truncated_normal",
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)


class LecunUniform(VarianceScaling):
    """LeCun uniform: `[-limit, limit)` with `limit = sqrt(3 / fan_in)`.

    `VarianceScaling(1.0, "fan_in", distribution="uniform")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> bool(LecunUniform(seed=0)((3, 2)).abs().max() < 1.0)
        True
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            1.0, "fan_in", distribution="uniform", seed=seed, input_axes=input_axes, output_axes=output_axes
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)


class LecunNormal(VarianceScaling):
    """LeCun normal: truncated normal with stddev `sqrt(1 / fan_in)`; pairs with `selu`.

    `VarianceScaling(1.0, "fan_in", distribution="truncated_normal")`.

    Args:
        seed: An int gives the same values on every call; None draws from
            torch's global generator.
        input_axes: With `output_axes`, the axes that make up `fan_in`.
        output_axes: With `input_axes`, the axes that make up `fan_out`.

    Example:
        >>> LecunNormal(seed=0)((5,)).shape
        torch.Size([5])
    """

    def __init__(
        self,
        seed: int | None = None,
        *,
        input_axes: Sequence[int] | None = None,
        output_axes: Sequence[int] | None = None,
    ) -> None:
        super().__init__(
            1.0,
            "fan_in",
            distribution="truncated_normal",
            seed=seed,
            input_axes=input_axes,
            output_axes=output_axes,
        )

    def get_config(self) -> dict[str, Any]:
        """`{"seed", "input_axes", "output_axes"}`."""
        return _preset_config(self)
