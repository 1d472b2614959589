"""Convolutions over sequences, images and volumes (Keras's `Conv1D`, `Conv2D`, `Conv3D`).

Everything they share (arguments, weights in torch's layout shown in
Keras's, "same" and "causal" padding, bias, activation) is `BaseConv`'s;
a class here gives Keras's signature and its rank.
"""

from __future__ import annotations

from typing import Any

from fitwell.layers.base_conv import BaseConv, IntOrTuple
from fitwell.layers.core import ActivationArg
from fitwell.layers.spatial import PADDINGS

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Convolution1D", "Convolution2D", "Convolution3D"]


class Conv1D(BaseConv):
    """1-D convolution over sequences `(batch, steps, channels)`; input channels are inferred.

    Args:
        filters: Number of output channels.
        kernel_size: Window length, an int or `(length,)`.
        strides: Step of the window.
        padding: `"valid"` (no padding), `"same"` (output length
            `ceil(steps / strides)`, as in Keras) or `"causal"` (zeros
            before the sequence, so step `t` sees only steps up to `t`).
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
        groups: Split the channels into this many groups convolved apart.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        kernel_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        kernel_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        kernel_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> Conv1D(8, 3, padding="causal")(torch.zeros(2, 20, 4)).shape
        torch.Size([2, 20, 8])
    """

    rank = 1
    paddings = (*PADDINGS, "causal")

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        groups: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
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
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class Conv2D(BaseConv):
    """2-D convolution over images `(batch, height, width, channels)`; input channels are inferred.

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
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
        groups: Split the channels into this many groups convolved apart.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        kernel_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        kernel_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        kernel_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> Conv2D(8, 3, padding="same")(torch.zeros(2, 28, 28, 1)).shape
        torch.Size([2, 28, 28, 8])
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
        groups: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
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
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


class Conv3D(BaseConv):
    """3-D convolution over volumes `(batch, depth, height, width, channels)`; input channels are inferred.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(depth, height, width)`.
        strides: Step of the window.
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`, as in Keras).
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
        groups: Split the channels into this many groups convolved apart.
        activation: A Keras name, a function, or None.
        use_bias: Whether to add a bias.
        kernel_initializer: Initializer of the kernel (`"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        kernel_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        activity_regularizer: A regularizer of the output.
        kernel_constraint: Not supported yet (an error when given).
        bias_constraint: Not supported yet (an error when given).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> Conv3D(4, 3, strides=2, padding="same")(torch.zeros(1, 8, 8, 8, 2)).shape
        torch.Size([1, 4, 4, 4, 4])
    """

    rank = 3

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        groups: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
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
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )


# Keras's other names.
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
