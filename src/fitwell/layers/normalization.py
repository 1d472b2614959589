"""Normalization layers: each feature rescaled by statistics of the batch or of the sample.

`Normalization`, which standardizes with statistics of a dataset
(`adapt`), is in `layers/data_normalization.py`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.layer import Layer

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "UnitNormalization"]

AxisArg = int | Sequence[int]


class BatchNormalization(Layer):
    """Normalises each feature over the batch, with Keras's defaults.

    Keras's `momentum=0.99` is the weight of the old running statistic, and
    the running variance tracks the biased batch variance, both as in Keras
    (torch's own layer weighs the new statistic and tracks the unbiased
    variance). `epsilon` defaults to Keras's 1e-3. A frozen layer
    (`trainable=False`) runs in inference mode, as in Keras: it normalises
    with its moving statistics and does not update them.

    Args:
        axis: The feature axis; -1 (channels last) or 1.
        momentum: Running-statistics momentum, Keras's convention.
        epsilon: Added to the variance.
        center: Learn an offset (beta).
        scale: Learn a scale (gamma).
        beta_initializer: Initializer of beta (`"zeros"`).
        gamma_initializer: Initializer of gamma (`"ones"`).
        moving_mean_initializer: Initializer of the moving mean (`"zeros"`).
        moving_variance_initializer: Initializer of the moving variance (`"ones"`).
        beta_regularizer: A regularizer of beta.
        gamma_regularizer: A regularizer of gamma.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> BatchNormalization()(torch.randn(4, 6, 6, 3)).shape
        torch.Size([4, 6, 6, 3])
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int) or axis == 0:
            raise ValueError(
                f"`axis` must be the feature axis, an int other than 0 (the batch axis), e.g. -1 for "
                f"channels last. Received: axis={axis!r}"
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)
        self.register_buffer("running_mean", None)
        self.register_buffer("running_var", None)

    def build(self, input_shape: Any) -> None:
        """Create gamma, beta and the moving statistics for the input's features."""
        features = input_shape[self.axis]
        if self.scale:
            self.add_weight(
                shape=(features,),
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="weight",
            )
        if self.center:
            self.add_weight(
                shape=(features,),
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="bias",
            )
        # Moving statistics are buffers: state, not weights the optimizer sees.
        self.running_mean = self.moving_mean_initializer((features,), dtype=self.dtype)
        self.running_var = self.moving_variance_initializer((features,), dtype=self.dtype)
        self.built = True

    @property
    def gamma(self) -> torch.Tensor | None:
        """The scale (Keras's name)."""
        return self.weight

    @property
    def beta(self) -> torch.Tensor | None:
        """The offset (Keras's name)."""
        return self.bias

    @property
    def moving_mean(self) -> torch.Tensor:
        """The running mean (Keras's name)."""
        return self.running_mean

    @property
    def moving_variance(self) -> torch.Tensor:
        """The running variance (Keras's name)."""
        return self.running_var

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs
        axis = self.axis % x.dim()
        moved = axis != 1
        if moved:
            x = x.movedim(axis, 1)  # torch's kernel normalises axis 1
        if not self.training or not self.trainable:
            y = F.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.epsilon
            )
        elif x.numel() == x.shape[1]:
            # One value per feature (a last batch of 1): torch's kernel refuses it, Keras
            # normalises to beta (variance 0). Done by hand; the statistics move as usual.
            dims = [d for d in range(x.dim()) if d != 1]
            variance, mean = torch.var_mean(x, dim=dims, correction=0, keepdim=True)
            y = (x - mean) * torch.rsqrt(variance + self.epsilon)
            shape = [1, -1] + [1] * (x.dim() - 2)
            if self.weight is not None:
                y = y * self.weight.reshape(shape)
            if self.bias is not None:
                y = y + self.bias.reshape(shape)
            with torch.no_grad():
                self.running_mean.lerp_(mean.flatten().to(self.running_mean.dtype), 1.0 - self.momentum)
                self.running_var.lerp_(variance.flatten().to(self.running_var.dtype), 1.0 - self.momentum)
        else:
            y = F.batch_norm(x, None, None, self.weight, self.bias, training=True, eps=self.epsilon)
            # Keras tracks the biased batch variance (torch's kernel would
            # track the unbiased one), so the statistics are updated here.
            with torch.no_grad():
                dims = [d for d in range(x.dim()) if d != 1]
                variance, mean = torch.var_mean(x, dim=dims, correction=0)
                # Under mixed precision the batch statistics come in the low
                # precision; the moving statistics stay float32.
                self.running_mean.lerp_(mean.to(self.running_mean.dtype), 1.0 - self.momentum)
                self.running_var.lerp_(variance.to(self.running_var.dtype), 1.0 - self.momentum)
        return y.movedim(1, axis) if moved else y

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
        }


def _axes(axis: Any) -> int | list[int]:
    """`axis` as an int or a list of ints, or a TypeError naming it."""
    if isinstance(axis, int | np.integer) and not isinstance(axis, bool):
        return int(axis)
    if (
        isinstance(axis, list | tuple)
        and axis
        and all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axis)
    ):
        return [int(a) for a in axis]
    raise TypeError(f"`axis` must be an int or a list of ints. Received: axis={axis!r}")


def _check_axes_fit(layer: Layer, axes: list[int], ndim: int) -> None:
    for axis in axes:
        if not -ndim <= axis < ndim:
            raise ValueError(
                f"{layer.name} normalizes over axis {axis}, but its inputs have {ndim} axes. Received: "
                f"axis={layer.axis}"
            )


def _compute_dtype(x: torch.Tensor) -> torch.dtype:
    # Statistics in float32 at least, as Keras computes them (half inputs lose too much).
    return torch.float64 if x.dtype == torch.float64 else torch.float32


class _ScaleAndOffset(Layer):
    """What the per-sample normalizations share: `gamma`/`beta` made with Keras's arguments.

    Subclasses call `_add_scale_and_offset(shape)` in `build` and add their
    own arguments to `get_config`.
    """

    def __init__(
        self,
        *,
        epsilon: float,
        center: bool,
        scale: bool,
        beta_initializer: Any,
        gamma_initializer: Any,
        beta_regularizer: Any,
        gamma_regularizer: Any,
        beta_constraint: Any,
        gamma_constraint: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(epsilon, bool) or not isinstance(epsilon, int | float) or epsilon < 0:
            raise ValueError(f"`epsilon` must be a float >= 0. Received: epsilon={epsilon!r}")
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.register_parameter("gamma", None)
        self.register_parameter("beta", None)

    def _add_scale_and_offset(self, shape: tuple[int, ...], *, with_scale: bool, with_offset: bool) -> None:
        if None in shape:
            raise ValueError(
                f"{self.name} needs a known size on the axes it normalizes. Received: sizes {shape} on "
                f"axis={self.axis}. Give the Input those sizes."
            )
        if with_scale:
            self.add_weight(
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                name="gamma",
            )
        if with_offset:
            self.add_weight(
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                name="beta",
            )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
        }


class LayerNormalization(_ScaleAndOffset):
    """Normalizes each sample over `axis`: `(x - mean) / sqrt(variance + epsilon) * gamma + beta`.

    `gamma` and `beta` span the normalized axes. The statistics are
    computed in float32 at least, as in Keras.

    Args:
        axis: The axis or list of axes to normalize over (-1, the last,
            by default); after building, a sorted list, as Keras keeps it.
        epsilon: Added to the variance.
        center: Learn an offset `beta`.
        scale: Learn a scale `gamma`.
        rms_scaling: Keras's deprecated option: divide by `sqrt(variance +
            epsilon)` without centering, then scale by `gamma` (no `beta`).
            It warns, as Keras does; `RMSNormalization` is what it meant.
        beta_initializer: Initializer of beta (`"zeros"`).
        gamma_initializer: Initializer of gamma (`"ones"`).
        beta_regularizer: A regularizer of beta.
        gamma_regularizer: A regularizer of gamma.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = LayerNormalization()
        >>> layer(torch.tensor([[1.0, 2.0, 3.0]])), layer.gamma.shape
        (tensor([[-1.2238,  0.0000,  1.2238]], grad_fn=<NativeLayerNormBackward0>), torch.Size([3]))
    """

    def __init__(
        self,
        axis: AxisArg = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        rms_scaling: bool = False,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            epsilon=epsilon,
            center=center,
            scale=scale,
            beta_initializer=beta_initializer,
            gamma_initializer=gamma_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
            **kwargs,
        )
        self.axis = _axes(axis)
        self.rms_scaling = bool(rms_scaling)
        if self.rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) is deprecated, as in Keras: it divides by the "
                "square root of the variance, not of the mean square.",
                DeprecationWarning,
                stacklevel=2,
            )

    def build(self, input_shape: Any) -> None:
        """Create gamma and beta over the normalized axes."""
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        _check_axes_fit(self, self.axis, len(input_shape))
        shape = tuple(input_shape[axis] for axis in self.axis)
        self._add_scale_and_offset(
            shape, with_scale=self.scale or self.rms_scaling, with_offset=self.center and not self.rms_scaling
        )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs.to(_compute_dtype(inputs))
        ndim = x.dim()
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        gamma = None if self.gamma is None else self.gamma.to(x.dtype)
        beta = None if self.beta is None else self.beta.to(x.dtype)
        if self.rms_scaling:
            variance = torch.var(x, dim=axes, correction=0, keepdim=True)
            outputs = x * torch.rsqrt(variance + self.epsilon)
            if gamma is not None:
                outputs = outputs * self._broadcast(gamma, ndim, x.shape)
        elif [axis % ndim for axis in axes] == list(range(ndim - len(axes), ndim)):
            outputs = F.layer_norm(x, x.shape[ndim - len(axes) :], gamma, beta, self.epsilon)
        else:
            variance, mean = torch.var_mean(x, dim=axes, correction=0, keepdim=True)
            inverse = torch.rsqrt(variance + self.epsilon)
            if gamma is not None:
                inverse = inverse * self._broadcast(gamma, ndim, x.shape)
            offset = -mean * inverse
            if beta is not None:
                offset = offset + self._broadcast(beta, ndim, x.shape)
            outputs = x * inverse + offset
        return outputs.to(inputs.dtype)

    def _broadcast(self, weight: torch.Tensor, ndim: int, shape: torch.Size) -> torch.Tensor:
        # Keras's layout: the weight's values laid over the normalized axes, in sorted order.
        if weight.dim() == ndim or self.axis == [ndim - 1] or self.axis == [-1]:
            return weight
        broadcast_shape = [1] * ndim
        for axis in self.axis:
            broadcast_shape[axis] = shape[axis]
        return weight.reshape(broadcast_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "rms_scaling": self.rms_scaling}


class GroupNormalization(_ScaleAndOffset):
    """Normalizes each sample over groups of channels (and every other non-batch axis).

    The `axis` channels are split into `groups` groups of consecutive
    channels; each group of each sample is normalized by its own mean and
    variance, then scaled and shifted per channel by `gamma` and `beta`.
    `groups=1` normalizes each sample as a whole; `groups=-1` (one group
    per channel) is instance normalization.

    Args:
        groups: The number of groups (it must divide the channels), or -1
            for one per channel.
        axis: The channel axis (-1 by default).
        epsilon: Added to the variance.
        center: Learn an offset `beta` per channel.
        scale: Learn a scale `gamma` per channel.
        beta_initializer: Initializer of beta (`"zeros"`).
        gamma_initializer: Initializer of gamma (`"ones"`).
        beta_regularizer: A regularizer of beta.
        gamma_regularizer: A regularizer of gamma.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = GroupNormalization(groups=2)
        >>> layer(torch.randn(4, 8, 8, 6)).shape, layer.gamma.shape
        (torch.Size([4, 8, 8, 6]), torch.Size([6]))
    """

    def __init__(
        self,
        groups: int = 32,
        axis: int = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            epsilon=epsilon,
            center=center,
            scale=scale,
            beta_initializer=beta_initializer,
            gamma_initializer=gamma_initializer,
            beta_regularizer=beta_regularizer,
            gamma_regularizer=gamma_regularizer,
            beta_constraint=beta_constraint,
            gamma_constraint=gamma_constraint,
            **kwargs,
        )
        if (
            isinstance(groups, bool)
            or not isinstance(groups, int | np.integer)
            or (groups <= 0 and groups != -1)
        ):
            raise ValueError(
                "`groups` must be a positive int, or -1 for one group per channel (instance "
                f"normalization). Received: groups={groups!r}"
            )
        if isinstance(axis, bool) or not isinstance(axis, int | np.integer) or axis == 0:
            raise ValueError(
                "`axis` must be the channel axis, an int other than 0 (the batch axis). "
                f"Received: axis={axis!r}"
            )
        self.groups, self.axis = int(groups), int(axis)

    def build(self, input_shape: Any) -> None:
        """Create gamma and beta, one per channel, after checking the groups fit the channels."""
        _check_axes_fit(self, [self.axis], len(input_shape))
        channels = input_shape[self.axis]
        if channels is None:
            raise ValueError(
                f"{self.name} needs the number of channels (axis {self.axis}). Received: "
                f"input_shape={tuple(input_shape)}. Give the Input a known size on that axis."
            )
        if self.groups == -1:
            self.groups = channels  # as Keras, the config then holds the number found
        if channels % self.groups != 0:
            raise ValueError(
                f"`groups` must divide the number of channels ({channels}, axis {self.axis}). Received: "
                f"groups={self.groups}. Choose a divisor of {channels}, or -1 for one group per channel."
            )
        self._add_scale_and_offset((channels,), with_scale=self.scale, with_offset=self.center)
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs.to(_compute_dtype(inputs))
        axis = self.axis % x.dim()
        channels = x.shape[axis]
        grouped_shape = (*x.shape[:axis], self.groups, channels // self.groups, *x.shape[axis + 1 :])
        grouped = x.reshape(grouped_shape)
        reduced = [d for d in range(1, grouped.dim()) if d != axis]
        variance, mean = torch.var_mean(grouped, dim=reduced, correction=0, keepdim=True)
        inverse = torch.rsqrt(variance + self.epsilon)
        weight_shape = [1] * grouped.dim()
        weight_shape[axis], weight_shape[axis + 1] = self.groups, channels // self.groups
        if self.gamma is not None:
            inverse = inverse * self.gamma.to(x.dtype).reshape(weight_shape)
        offset = -mean * inverse
        if self.beta is not None:
            offset = offset + self.beta.to(x.dtype).reshape(weight_shape)
        return (grouped * inverse + offset).reshape(inputs.shape).to(inputs.dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "groups": self.groups, "axis": self.axis}


class UnitNormalization(Layer):
    """Scales each sample to an L2 norm of 1 over `axis`: `x / sqrt(sum(x ** 2))`.

    Args:
        axis: The axis or list of axes the norm is taken over (-1 by default).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> UnitNormalization()(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
    """

    def __init__(self, axis: AxisArg = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = _axes(axis)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        _check_axes_fit(self, axes, inputs.dim())
        inverse_norm = torch.rsqrt(inputs.square().sum(dim=axes, keepdim=True))
        # Keras caps the factor at 1 / 1e-12, so an all-zero sample stays zero.
        return inputs * torch.clamp_max(inverse_norm, 1e12)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
