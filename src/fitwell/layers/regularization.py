"""Regularization layers: noise and whole-channel dropout while training, the identity otherwise.

Each random layer draws through `fitwell.random` with a `SeedGenerator`
made from its `seed`, as Keras's layers do, so a seeded layer gives new
noise at every call, the same sequence on every run, and the same values
as Keras 3's torch backend on the same device. `seed=None` draws from
torch's global generator (reproducible after `fitwell.utils.set_random_seed`).
They act only in training (`fit`, `training=True`); in inference they
return their inputs unchanged. `Dropout` itself is in `layers/core.py`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from fitwell import random, regularizers
from fitwell.devices import device_scope
from fitwell.layers.layer import Layer
from fitwell.layers.spatial import FORMATS, check_choice

__all__ = [
    "ActivityRegularization",
    "AlphaDropout",
    "GaussianDropout",
    "GaussianNoise",
    "SpatialDropout1D",
    "SpatialDropout2D",
    "SpatialDropout3D",
]

# SELU's constants (Klambauer et al., 2017), which AlphaDropout keeps the statistics of.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _check_fraction(value: Any, argument: str) -> float:
    """`value` as a float in [0, 1), or a ValueError naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        value_ok = False
    else:
        value_ok = 0.0 <= value < 1.0
    if not value_ok:
        raise ValueError(f"`{argument}` must be a float in [0, 1). Received: {argument}={value!r}")
    return float(value)


def _seed_generator(seed: Any) -> random.SeedGenerator | None:
    """A `SeedGenerator` for an int seed (checked), None for None."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
    return random.SeedGenerator(int(seed))


class _SpatialDropout(Layer):
    """Dropout of whole channels: one keep/drop draw per sample and channel.

    Subclasses set `rank` (the number of spatial axes) and whether they
    take a `data_format`.
    """

    rank = 1
    takes_data_format = True

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.rate = _check_fraction(rate, "rate")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.seed = seed
        self.seed_generator = _seed_generator(seed)

    def call(self, inputs: torch.Tensor, training: bool = False) -> torch.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        if inputs.dim() != self.rank + 2:
            raise ValueError(
                f"{type(self).__name__} takes inputs with {self.rank + 2} axes (batch, {self.rank} spatial, "
                f"channels). Received: inputs of shape {tuple(inputs.shape)}"
            )
        channel_axis = -1 if self.data_format == "channels_last" else 1
        noise_shape = [1] * inputs.dim()
        noise_shape[0], noise_shape[channel_axis] = inputs.shape[0], inputs.shape[channel_axis]
        return random.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator)

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "rate": self.rate, "seed": self.seed}
        if self.takes_data_format:
            config["data_format"] = self.data_format
        return config


class SpatialDropout1D(_SpatialDropout):
    """Drops whole feature channels of sequences `(batch, steps, channels)` while training.

    Neighbouring steps are strongly correlated, so dropping single values
    regularizes little; this drops a channel at every step at once, and
    scales the kept ones by `1 / (1 - rate)`.

    Args:
        rate: Fraction of channels to drop, in [0, 1).
        seed: An int for reproducible masks (new ones at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> out = SpatialDropout1D(0.5, seed=1)(torch.ones(2, 4, 3), training=True)
        >>> bool((out[:, :1] == out).all())  # the same channels dropped at every step
        True
    """

    rank = 1
    takes_data_format = False

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Drops whole feature maps of images while training.

    Args:
        rate: Fraction of channels to drop, in [0, 1).
        data_format: `"channels_last"` (default, `(batch, rows, cols,
            channels)`) or `"channels_first"`.
        seed: An int for reproducible masks (new ones at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> SpatialDropout2D(0.5)(torch.ones(1, 2, 2, 3)).sum()  # inference: unchanged
        tensor(12.)
    """

    rank = 2


class SpatialDropout3D(_SpatialDropout):
    """Drops whole feature volumes of 3-D inputs `(batch, dim1, dim2, dim3, channels)` while training.

    Args:
        rate: Fraction of channels to drop, in [0, 1).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: An int for reproducible masks (new ones at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> SpatialDropout3D(0.5)(torch.ones(1, 2, 2, 2, 3), training=True).shape
        torch.Size([1, 2, 2, 2, 3])
    """

    rank = 3


class GaussianNoise(Layer):
    """Adds zero-mean Gaussian noise of standard deviation `stddev` while training.

    Args:
        stddev: Standard deviation of the noise, in [0, 1] (Keras's range).
        seed: An int for reproducible noise (new noise at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> noisy = GaussianNoise(0.1, seed=0)(torch.zeros(10_000), training=True)
        >>> round(float(noisy.std()), 1)
        0.1
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        number = not isinstance(stddev, bool) and isinstance(stddev, int | float | np.integer | np.floating)
        if not number or not 0.0 <= stddev <= 1.0:
            raise ValueError(f"`stddev` must be a float in [0, 1]. Received: stddev={stddev!r}")
        self.stddev = float(stddev)
        self.seed = seed
        self.seed_generator = _seed_generator(seed)

    def call(self, inputs: torch.Tensor, training: bool = False) -> torch.Tensor:
        if not training or self.stddev == 0.0:
            return inputs
        with device_scope(inputs.device):
            noise = random.normal(
                inputs.shape, 0.0, self.stddev, dtype=inputs.dtype, seed=self.seed_generator
            )
        return inputs + noise

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies the inputs by noise of mean 1 and variance `rate / (1 - rate)` while training.

    Args:
        rate: The drop probability of the dropout it stands in for, in [0, 1).
        seed: An int for reproducible noise (new noise at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GaussianDropout(0.2)(torch.ones(3))  # inference: unchanged
        tensor([1., 1., 1.])
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _check_fraction(rate, "rate")
        self.seed = seed
        self.seed_generator = _seed_generator(seed)

    def call(self, inputs: torch.Tensor, training: bool = False) -> torch.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        with device_scope(inputs.device):
            noise = random.normal(inputs.shape, 1.0, stddev, dtype=inputs.dtype, seed=self.seed_generator)
        return inputs * noise

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout for SELU networks: dropped values are set to SELU's negative saturation, then the
    whole is rescaled so the mean and variance of the inputs are kept.

    Args:
        rate: Fraction of values to drop, in [0, 1).
        noise_shape: The shape of the keep/drop mask, broadcast over the
            inputs (None entries take the input's size); None for one draw
            per value.
        seed: An int for reproducible masks (new ones at each call); None
            for torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> AlphaDropout(0.1)(torch.ones(3))  # inference: unchanged
        tensor([1., 1., 1.])
    """

    def __init__(
        self,
        rate: float,
        noise_shape: tuple[int | None, ...] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.rate = _check_fraction(rate, "rate")
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self.seed_generator = _seed_generator(seed)

    def call(self, inputs: torch.Tensor, training: bool = False) -> torch.Tensor:
        if not training or self.rate == 0.0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            if len(self.noise_shape) != inputs.dim():
                raise ValueError(
                    f"`noise_shape` must have one entry per input axis. Received: noise_shape="
                    f"{self.noise_shape} for inputs of shape {shape}"
                )
            shape = tuple(
                size if wanted is None else wanted
                for wanted, size in zip(self.noise_shape, shape, strict=True)
            )
        with device_scope(inputs.device):
            draws = random.uniform(shape, dtype=inputs.dtype, seed=self.seed_generator)
        kept = (draws >= self.rate).to(inputs.dtype)
        # The affine correction of Klambauer et al. (2017) that restores mean 0 and variance 1.
        saturation = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * saturation**2)) ** -0.5
        b = -a * saturation * self.rate
        return a * (inputs * kept + saturation * (1 - kept)) + b

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rate": self.rate,
            "seed": self.seed,
            "noise_shape": self.noise_shape,
        }


class ActivityRegularization(Layer):
    """Passes its inputs through and adds `l1 * sum(|x|) + l2 * sum(x ** 2)`, over the batch size,
    to the training loss.

    Args:
        l1: The L1 factor (>= 0).
        l2: The L2 factor (>= 0).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = ActivityRegularization(l1=0.5)
        >>> layer(torch.tensor([[1.0, -2.0], [3.0, 0.0]])), layer.losses
        (tensor([[ 1., -2.],
                [ 3.,  0.]]), [tensor(1.5000)])
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        if "activity_regularizer" in kwargs:
            raise TypeError(
                "ActivityRegularization makes its own activity regularizer from `l1` and `l2`. Received: "
                f"activity_regularizer={kwargs['activity_regularizer']!r}. Pass l1=... and l2=... instead."
            )
        regularizer = regularizers.L1L2(l1=l1, l2=l2)  # checks both factors
        super().__init__(activity_regularizer=regularizer, **kwargs)
        self.l1, self.l2 = regularizer.l1, regularizer.l2

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return inputs

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
