"""Image layers in Keras's channels-last layout: `(batch, height, width, channels)`.

Each layer views its input as channels-first (a free permute that torch
runs as a channels-last memory format), calls torch's kernel, and views the
result back. Models built from these layers take Keras-shaped images and
flatten them in Keras's order.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.core import ActivationArg, glorot_uniform_

__all__ = ["BatchNormalization", "Conv2D", "GlobalAveragePooling2D", "MaxPooling2D"]

FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def _pair(value: int | tuple[int, int], argument: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) and v > 0 for v in pair):
        raise ValueError(
            f"`{argument}` must be a positive int or a pair of them. Received: {argument}={value!r}"
        )
    return pair  # type: ignore[return-value]


def _check_choice(value: str, choices: tuple[str, ...], argument: str) -> str:
    if value not in choices:
        raise ValueError(f"`{argument}` must be one of {choices}. Received: {argument}={value!r}")
    return value


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    # TensorFlow's "same": the output has ceil(size / stride) positions and
    # any odd padding goes after, not before.
    effective = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + effective - size, 0)
    return total // 2, total - total // 2


def _to_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    return x.permute(0, 3, 1, 2) if data_format == "channels_last" else x


def _from_channels_first(x: torch.Tensor, data_format: str) -> torch.Tensor:
    return x.permute(0, 2, 3, 1) if data_format == "channels_last" else x


class Conv2D(nn.Module):
    """2-D convolution over images; input channels are inferred.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(height, width)`.
        strides: Step of the window.
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`, as in Keras).
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        dilation_rate: Spacing of the kernel taps.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.

    Example:
        >>> Conv2D(8, 3, padding="same")(torch.zeros(2, 28, 28, 1)).shape
        torch.Size([2, 28, 28, 8])
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int, int],
        strides: int | tuple[int, int] = 1,
        padding: str = "valid",
        activation: ActivationArg = None,
        use_bias: bool = True,
        dilation_rate: int | tuple[int, int] = 1,
        data_format: str = "channels_last",
    ) -> None:
        super().__init__()
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"`filters` must be a positive int. Received: filters={filters!r}")
        self.filters = filters
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.padding = _check_choice(padding, PADDINGS, "padding")
        self.data_format = _check_choice(data_format, FORMATS, "data_format")
        self.activation = get_activation(activation)
        self.weight = nn.UninitializedParameter()
        self.bias = nn.UninitializedParameter() if use_bias else None

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    def build(self, in_channels: int) -> None:
        """Create the kernel for `in_channels` input channels."""
        kh, kw = self.kernel_size
        self.weight.materialize((self.filters, in_channels, kh, kw))
        glorot_uniform_(self.weight, in_channels * kh * kw, self.filters * kh * kw)
        if self.bias is not None:
            self.bias.materialize((self.filters,))
            with torch.no_grad():
                self.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _to_channels_first(x, self.data_format)
        if isinstance(self.weight, nn.UninitializedParameter):
            self.build(x.shape[1])
        if self.padding == "same":
            top, bottom = _same_padding(
                x.shape[2], self.kernel_size[0], self.strides[0], self.dilation_rate[0]
            )
            left, right = _same_padding(
                x.shape[3], self.kernel_size[1], self.strides[1], self.dilation_rate[1]
            )
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        y = F.conv2d(x, self.weight, self.bias, self.strides, 0, self.dilation_rate)
        return _from_channels_first(self.activation(y), self.data_format)

    def extra_repr(self) -> str:
        return f"filters={self.filters}, kernel_size={self.kernel_size}, padding={self.padding!r}"


class MaxPooling2D(nn.Module):
    """Maximum over each window.

    Args:
        pool_size: Window size.
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
        >>> MaxPooling2D(2)(torch.zeros(2, 28, 28, 3)).shape
        torch.Size([2, 14, 14, 3])
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int] = 2,
        strides: int | tuple[int, int] | None = None,
        padding: str = "valid",
        data_format: str = "channels_last",
    ) -> None:
        super().__init__()
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = _pair(strides, "strides") if strides is not None else self.pool_size
        self.padding = _check_choice(padding, PADDINGS, "padding")
        self.data_format = _check_choice(data_format, FORMATS, "data_format")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = _to_channels_first(x, self.data_format)
        if self.padding == "same":
            top, bottom = _same_padding(x.shape[2], self.pool_size[0], self.strides[0], 1)
            left, right = _same_padding(x.shape[3], self.pool_size[1], self.strides[1], 1)
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom), value=float("-inf"))
        y = F.max_pool2d(x, self.pool_size, self.strides)
        return _from_channels_first(y, self.data_format)


class GlobalAveragePooling2D(nn.Module):
    """Mean over the spatial axes: `(N, H, W, C)` → `(N, C)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.

    Example:
        >>> GlobalAveragePooling2D()(torch.ones(2, 5, 5, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(self, data_format: str = "channels_last") -> None:
        super().__init__()
        self.data_format = _check_choice(data_format, FORMATS, "data_format")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean(dim=(1, 2) if self.data_format == "channels_last" else (2, 3))


class BatchNormalization(nn.Module):
    """Normalises each feature over the batch, with Keras's defaults.

    Keras's `momentum=0.99` is the weight of the old running statistic, and
    the running variance tracks the biased batch variance, both as in Keras
    (torch's own layer weighs the new statistic and tracks the unbiased
    variance). `epsilon` defaults to Keras's 1e-3.

    Args:
        axis: The feature axis; -1 (channels last) or 1.
        momentum: Running-statistics momentum, Keras's convention.
        epsilon: Added to the variance.
        center: Learn an offset (beta).
        scale: Learn a scale (gamma).

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
    ) -> None:
        super().__init__()
        if axis not in (-1, 1):
            raise ValueError(f"`axis` must be -1 or 1. Received: axis={axis!r}")
        self.axis = axis
        self.momentum = momentum
        self.epsilon = epsilon
        self.weight = nn.UninitializedParameter() if scale else None
        self.bias = nn.UninitializedParameter() if center else None
        self.register_buffer("running_mean", nn.UninitializedBuffer())
        self.register_buffer("running_var", nn.UninitializedBuffer())

    def build(self, features: int) -> None:
        """Create parameters and statistics for `features` features."""
        self.running_mean.materialize((features,))
        self.running_var.materialize((features,))
        with torch.no_grad():
            self.running_mean.zero_()
            self.running_var.fill_(1.0)
            if self.weight is not None:
                self.weight.materialize((features,))
                self.weight.fill_(1.0)
            if self.bias is not None:
                self.bias.materialize((features,))
                self.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels_last = self.axis == -1 and x.dim() > 2
        if channels_last:
            x = x.movedim(-1, 1)
        if isinstance(self.running_mean, nn.UninitializedBuffer):
            self.build(x.shape[1])
        if not self.training:
            y = F.batch_norm(
                x,
                self.running_mean,
                self.running_var,
                self.weight,
                self.bias,
                training=False,
                eps=self.epsilon,
            )
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
        return y.movedim(1, -1) if channels_last else y
