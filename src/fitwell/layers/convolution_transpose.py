"""Transposed convolutions (Keras's `Conv1DTranspose`, `Conv2DTranspose`, `Conv3DTranspose`).

They map each input position to a window of outputs, the gradient of a
convolution: upsampling with learned kernels. The output size follows
Keras's rule (see `transpose_crop`); the kernel is stored in torch's layout
`(in_channels, filters, *kernel_size)` and shown in Keras's
`(*kernel_size, filters, in_channels)`.
"""

from __future__ import annotations

from typing import Any

from fitwell.layers.base_conv import BaseConv, IntOrTuple
from fitwell.layers.core import ActivationArg

__all__ = [
    "Conv1DTranspose",
    "Conv2DTranspose",
    "Conv3DTranspose",
    "Convolution1DTranspose",
    "Convolution2DTranspose",
    "Convolution3DTranspose",
]


class Conv1DTranspose(BaseConv):
    """1-D transposed convolution over sequences `(batch, steps, channels)`.

    Args:
        filters: Number of output channels.
        kernel_size: Window length, an int or `(length,)`.
        strides: Step of the window; the output is about `strides` times longer.
        padding: `"valid"` (output length `(steps - 1) * strides +
            max(kernel, strides)`) or `"same"` (`steps * strides`).
        output_padding: Extra length, smaller than `strides`; when given the
            length is `(steps - 1) * strides + kernel + output_padding`
            ("valid") or `(steps - 1) * strides + kernel % 2 + output_padding`
            ("same"), kernel being the dilated kernel's length.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
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
        >>> Conv1DTranspose(4, 3, strides=2, padding="same")(torch.zeros(2, 10, 8)).shape
        torch.Size([2, 20, 4])
    """

    rank = 1
    transposed = True

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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


class Conv2DTranspose(BaseConv):
    """2-D transposed convolution over images `(batch, height, width, channels)`.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(height, width)`.
        strides: Step of the window; the output is about `strides` times larger.
        padding: `"valid"` (output size `(input - 1) * strides +
            max(kernel, strides)`) or `"same"` (`input * strides`).
        output_padding: Extra size per axis, smaller than `strides`; see
            `Conv1DTranspose`.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
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
        >>> layer = Conv2DTranspose(3, 2, strides=2)
        >>> layer(torch.zeros(1, 5, 5, 8)).shape, layer.kernel.shape
        (torch.Size([1, 10, 10, 3]), torch.Size([2, 2, 3, 8]))
    """

    rank = 2
    transposed = True

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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


class Conv3DTranspose(BaseConv):
    """3-D transposed convolution over volumes `(batch, depth, height, width, channels)`.

    Keras's argument order differs here from the 1-D and 2-D layers:
    `data_format` comes before `output_padding`.

    Args:
        filters: Number of output channels.
        kernel_size: Window size, an int or `(depth, height, width)`.
        strides: Step of the window; the output is about `strides` times larger.
        padding: `"valid"` or `"same"`; see `Conv2DTranspose`.
        data_format: `"channels_last"` (Keras's default) or `"channels_first"`.
        output_padding: Extra size per axis, smaller than `strides`; see
            `Conv1DTranspose`.
        dilation_rate: Spacing of the kernel taps (not with `strides` > 1).
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
        >>> Conv3DTranspose(2, 3, strides=2, padding="same")(torch.zeros(1, 4, 4, 4, 3)).shape
        torch.Size([1, 8, 8, 8, 2])
    """

    rank = 3
    transposed = True

    def __init__(
        self,
        filters: int,
        kernel_size: IntOrTuple,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        data_format: str | None = None,
        output_padding: IntOrTuple | None = None,
        dilation_rate: IntOrTuple = 1,
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
            output_padding=output_padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
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
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
