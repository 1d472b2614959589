"""Convolution layers in Keras's channels-last layout: `(batch, height, width, channels)`.

Each layer views its input as channels-first (a free permute that torch
runs as a channels-last memory format), calls torch's kernel, and views the
result back. Models built from these layers take Keras-shaped images and
flatten them in Keras's order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.core import ActivationArg, check_positive_int, serialize_activation
from fitwell.layers.layer import Layer, store_transposed
from fitwell.layers.spatial import (
    FORMATS,
    PADDINGS,
    check_choice,
    from_channels_first,
    ntuple,
    same_padding,
    to_channels_first,
)

__all__ = ["Conv2D"]


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
        self.kernel_size = ntuple(kernel_size, 2, "kernel_size")
        self.strides = ntuple(strides, 2, "strides")
        self.dilation_rate = ntuple(dilation_rate, 2, "dilation_rate")
        self.groups = check_positive_int(groups, "groups")
        self.padding = check_choice(str(padding).lower(), PADDINGS, "padding")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
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
        x = to_channels_first(inputs, self.data_format)
        if self.padding == "same":
            top, bottom = same_padding(
                x.shape[2], self.kernel_size[0], self.strides[0], self.dilation_rate[0]
            )
            left, right = same_padding(
                x.shape[3], self.kernel_size[1], self.strides[1], self.dilation_rate[1]
            )
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
        y = F.conv2d(x, self.weight, self.bias, self.strides, 0, self.dilation_rate, self.groups)
        return from_channels_first(self.activation(y), self.data_format)

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
