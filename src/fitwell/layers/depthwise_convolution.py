"""Depthwise and separable convolutions (Keras's `DepthwiseConv1D/2D` and `SeparableConv1D/2D`).

A depthwise convolution convolves every input channel on its own with
`depth_multiplier` kernels (torch's grouped convolution with one group per
channel); a separable one follows it with a 1x1 convolution that mixes the
channels into `filters` outputs. Output channel `c * depth_multiplier + m`
is kernel `m` of input channel `c`, as in Keras.
"""

from __future__ import annotations

from typing import Any

from fitwell.layers.base_conv import BaseConv, IntOrTuple
from fitwell.layers.core import ActivationArg

__all__ = [
    "DepthwiseConv1D",
    "DepthwiseConv2D",
    "SeparableConv1D",
    "SeparableConv2D",
    "SeparableConvolution1D",
    "SeparableConvolution2D",
]


class DepthwiseConv1D(BaseConv):
    """Depthwise 1-D convolution: each channel of `(batch, steps, channels)` convolved on its own.

    The kernel has Keras's shape `(length, channels, depth_multiplier)`;
    there are `channels * depth_multiplier` output channels.

    Args:
        kernel_size: Window length, an int or `(length,)`.
        strides: Step of the window.
        padding: `"valid"` (no padding) or `"same"` (output length
            `ceil(steps / strides)`, as in Keras).
        depth_multiplier: Kernels (output channels) per input channel.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias (one per output channel).
        depthwise_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        depthwise_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        depthwise_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> layer = DepthwiseConv1D(3, depth_multiplier=2)
        >>> layer(torch.zeros(4, 10, 5)).shape, layer.kernel.shape
        (torch.Size([4, 8, 10]), torch.Size([3, 5, 2]))
    """

    rank = 1

    def __init__(
        self,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            depth_multiplier=depth_multiplier,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class DepthwiseConv2D(BaseConv):
    """Depthwise 2-D convolution: each channel of `(batch, height, width, channels)` convolved on its own.

    The kernel has Keras's shape `(height, width, channels,
    depth_multiplier)`; there are `channels * depth_multiplier` output
    channels.

    Args:
        kernel_size: Window size, an int or `(height, width)`.
        strides: Step of the window.
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`, as in Keras).
        depth_multiplier: Kernels (output channels) per input channel.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias (one per output channel).
        depthwise_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        depthwise_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        depthwise_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> DepthwiseConv2D(3, padding="same")(torch.zeros(2, 8, 8, 16)).shape
        torch.Size([2, 8, 8, 16])
    """

    rank = 2

    def __init__(
        self,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            depth_multiplier=depth_multiplier,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class SeparableConv1D(BaseConv):
    """Separable 1-D convolution: a depthwise convolution, then a 1x1 one that mixes the channels.

    Weights, in Keras's order and shapes: `depthwise_kernel` `(length,
    channels, depth_multiplier)`, `pointwise_kernel` `(1, channels *
    depth_multiplier, filters)`, `bias` `(filters,)`.

    Args:
        filters: Number of output channels.
        kernel_size: Window length, an int or `(length,)`.
        strides: Step of the window (of the depthwise stage).
        padding: `"valid"` (no padding) or `"same"` (output length
            `ceil(steps / strides)`, as in Keras).
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps.
        depth_multiplier: Depthwise kernels per input channel.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        depthwise_initializer: Initializer of the depthwise kernel (`"glorot_uniform"`).
        pointwise_initializer: Initializer of the pointwise kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        depthwise_regularizer: A regularizer of the depthwise kernel.
        pointwise_regularizer: A regularizer of the pointwise kernel.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        depthwise_constraint: Not supported yet (an error when given).
        pointwise_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> layer = SeparableConv1D(6, 3, depth_multiplier=2)
        >>> layer(torch.zeros(2, 10, 4)).shape, [w.shape for w in layer.get_weights()]
        (torch.Size([2, 8, 6]), [(3, 4, 2), (1, 8, 6), (6,)])
    """

    rank = 1

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        depth_multiplier: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class SeparableConv2D(BaseConv):
    """Separable 2-D convolution: a depthwise convolution, then a 1x1 one that mixes the channels.

    Weights, in Keras's order and shapes: `depthwise_kernel` `(height,
    width, channels, depth_multiplier)`, `pointwise_kernel` `(1, 1,
    channels * depth_multiplier, filters)`, `bias` `(filters,)`.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(height, width)`.
        strides: Step of the window (of the depthwise stage).
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`, as in Keras).
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps.
        depth_multiplier: Depthwise kernels per input channel.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        depthwise_initializer: Initializer of the depthwise kernel (`"glorot_uniform"`).
        pointwise_initializer: Initializer of the pointwise kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        depthwise_regularizer: A regularizer of the depthwise kernel.
        pointwise_regularizer: A regularizer of the pointwise kernel.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        depthwise_constraint: Not supported yet (an error when given).
        pointwise_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> SeparableConv2D(16, 3, padding="same")(torch.zeros(2, 8, 8, 3)).shape
        torch.Size([2, 8, 8, 16])
    """

    rank = 2

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        depth_multiplier: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


# Keras's other names.
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
