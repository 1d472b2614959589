"""Image layers in Keras's channels-last layout: `(batch, height, width, channels)`.

Each layer views its input as channels-first (a free permute that torch
runs as a channels-last memory format), calls torch's kernel, and views the
result back. Models built from these layers take Keras-shaped images and
flatten them in Keras's order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.core import ActivationArg, check_positive_int, serialize_activation
from fitwell.layers.layer import Layer, store_transposed

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


class Conv2D(Layer):
    """2-D convolution over images; input channels are inferred.

    The kernel is stored in torch's layout, `weight` of shape `(filters,
    in_channels, height, width)`; `kernel` and `get_weights()` show Keras's
    `(height, width, in_channels, filters)`.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(height, width)`.
        strides: Step of the window.
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`, as in Keras).
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps.
        groups: Split the channels into this many groups convolved apart.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        kernel_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        kernel_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        **kwargs: `name` and the other `Layer` arguments.

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
        data_format: str | None = None,
        dilation_rate: int | tuple[int, int] = 1,
        groups: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.filters = check_positive_int(filters, "filters")
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.groups = check_positive_int(groups, "groups")
        self.padding = _check_choice(str(padding).lower(), PADDINGS, "padding")
        self.data_format = _check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    @property
    def kernel(self) -> torch.Tensor:
        """The kernel in Keras's layout, `(height, width, in_channels, filters)` (a view)."""
        return self.weight.permute(2, 3, 1, 0)

    def build(self, input_shape: Any) -> None:
        """Create the kernel for the input's channels."""
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if channels is None or channels % self.groups:
            raise ValueError(
                f"{self.name} needs a known number of input channels divisible by groups={self.groups}. "
                f"Received: input_shape={input_shape}."
            )
        kh, kw = self.kernel_size
        self.add_weight(
            shape=(kh, kw, channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="weight",
        )
        store_transposed(self.weight, (3, 2, 0, 1))  # torch's conv reads (out, in, kh, kw)
        if self.use_bias:
            self.add_weight(
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = _to_channels_first(inputs, self.data_format)
        if self.padding == "same":
            top, bottom = _same_padding(
                x.shape[2], self.kernel_size[0], self.strides[0], self.dilation_rate[0]
            )
            left, right = _same_padding(
                x.shape[3], self.kernel_size[1], self.strides[1], self.dilation_rate[1]
            )
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        y = F.conv2d(x, self.weight, self.bias, self.strides, 0, self.dilation_rate, self.groups)
        return _from_channels_first(self.activation(y), self.data_format)

    def keras_view(self, name: str, tensor: torch.Tensor) -> torch.Tensor:
        return tensor.permute(2, 3, 1, 0) if name == "weight" else tensor

    def torch_layout(self, name: str, array: np.ndarray) -> np.ndarray:
        return array.transpose(3, 2, 0, 1) if name == "weight" else array

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": serialize_activation(self),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
        }

    def extra_repr(self) -> str:
        return f"filters={self.filters}, kernel_size={self.kernel_size}, padding={self.padding!r}"


class MaxPooling2D(Layer):
    """Maximum over each window.

    Args:
        pool_size: Window size.
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> MaxPooling2D(2)(torch.zeros(2, 28, 28, 3)).shape
        torch.Size([2, 14, 14, 3])
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int] = 2,
        strides: int | tuple[int, int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = _pair(strides, "strides") if strides is not None else self.pool_size
        self.padding = _check_choice(str(padding).lower(), PADDINGS, "padding")
        self.data_format = _check_choice(data_format or "channels_last", FORMATS, "data_format")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = _to_channels_first(inputs, self.data_format)
        if self.padding == "same":
            top, bottom = _same_padding(x.shape[2], self.pool_size[0], self.strides[0], 1)
            left, right = _same_padding(x.shape[3], self.pool_size[1], self.strides[1], 1)
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom), value=float("-inf"))
        y = F.max_pool2d(x, self.pool_size, self.strides)
        return _from_channels_first(y, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
        }


class GlobalAveragePooling2D(Layer):
    """Mean over the spatial axes: `(N, H, W, C)` → `(N, C)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalAveragePooling2D()(torch.ones(2, 5, 5, 3)).shape
        torch.Size([2, 3])
    """

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = _check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.keepdims = bool(keepdims)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        return inputs.mean(dim=axes, keepdim=self.keepdims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


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
