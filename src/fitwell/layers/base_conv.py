"""`BaseConv`: the one base of the convolution layers, with Keras's arguments, weights and layout.

Keras's `Conv1D`/`2D`/`3D`, their transposes, `DepthwiseConv*` and
`SeparableConv*` differ only in the rank, in which of two stages they have,
and in whether the convolution is transposed:

- a *depthwise* stage (`depth_multiplier` given): every input channel is
  convolved with its own `depth_multiplier` kernels;
- a *filters* stage (`filters` given): the channels are mixed into
  `filters` outputs, by a full kernel, or by a 1x1 kernel after a
  depthwise stage (separable convolution).

Each layer views its input as channels-first (a free permute that torch
runs as a channels-last memory format), calls torch's kernel, and views the
result back. Kernels are stored in torch's layout (`weight` of shape
`(out, in, *kernel_size)`); `kernel` and `get_weights()` show Keras's
`(*kernel_size, in, out)`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.core import ActivationArg, check_positive_int, serialize_activation
from fitwell.layers.layer import Layer
from fitwell.layers.spatial import (
    FORMATS,
    PADDINGS,
    check_choice,
    from_channels_first,
    ntuple,
    pad_for_kernel,
    same_padding,
    to_channels_first,
)

__all__ = ["BaseConv", "IntOrTuple", "transpose_crop"]

IntOrTuple = int | tuple[int, ...]

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}

#: The torch parameter that holds each Keras kernel.
_TORCH_NAMES = {
    "kernel": "weight",
    "depthwise_kernel": "depthwise_weight",
    "pointwise_kernel": "pointwise_weight",
}


def transpose_crop(
    kernel: int, stride: int, dilation: int, padding: str, output_padding: int | None
) -> tuple[int, int]:
    """What Keras keeps of a full transposed convolution along one axis: `(cropped before, cropped after)`.

    The full output of a transposed convolution of `n` positions has
    `(n - 1) * stride + effective_kernel` of them. Keras (as TensorFlow and
    JAX) pads the stride-dilated input by `(before, after)` and convolves;
    that is the full output with `effective_kernel - 1 - before` positions
    dropped at the start and `effective_kernel - 1 - after` at the end (a
    negative count appends zeros). The output has `(n - 1) * stride +
    max(effective_kernel, stride)` positions for "valid" and `n * stride` for
    "same"; `output_padding` replaces those by `(n - 1) * stride +
    effective_kernel + output_padding` ("valid") or `(n - 1) * stride +
    effective_kernel % 2 + output_padding` ("same").

    Example:
        >>> transpose_crop(3, 2, 1, "same", None), transpose_crop(2, 3, 1, "valid", None)
        ((0, 1), (0, -1))
    """
    effective = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(effective, stride) - effective if output_padding is None else output_padding
        return 0, -extra
    if output_padding is None:
        total = stride + effective - 2
    else:
        total = effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)
    return effective - 1 - before, effective - 1 - (total - before)


class BaseConv(Layer):
    """Base of the convolution layers: arguments, weights, padding, bias and activation, for any rank.

    A subclass sets `rank` (1, 2 or 3), `transposed` for a transposed
    convolution and `paddings` when it allows more than "valid" and "same",
    and gives Keras's signature in its `__init__`, which passes everything
    by keyword. `filters` and `depth_multiplier` choose the stages (see the
    module's docstring); the kernel arguments are those of the stages:
    `kernel_*` for a full kernel, `depthwise_*` and `pointwise_*` for the
    kernels of a separable convolution, `depthwise_*` alone for a depthwise
    one.

    Example:
        >>> class Conv1DLike(BaseConv):
        ...     rank = 1
        ...     def __init__(self, filters, kernel_size, **kwargs):
        ...         super().__init__(filters=filters, kernel_size=kernel_size, **kwargs)
        >>> layer = Conv1DLike(4, 3)
        >>> layer(torch.zeros(2, 10, 5)).shape, layer.kernel.shape
        (torch.Size([2, 8, 4]), torch.Size([3, 5, 4]))
    """

    rank: int = 2
    transposed: bool = False
    paddings: tuple[str, ...] = PADDINGS

    def __init__(
        self,
        *,
        kernel_size: IntOrTuple,
        filters: int | None = None,
        depth_multiplier: int | None = None,
        strides: IntOrTuple = 1,
        padding: str = "valid",
        output_padding: IntOrTuple | None = None,
        data_format: str | None = None,
        dilation_rate: IntOrTuple = 1,
        groups: int = 1,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        rank = self.rank
        self.filters = None if filters is None else check_positive_int(filters, "filters")
        self.depth_multiplier = (
            None if depth_multiplier is None else check_positive_int(depth_multiplier, "depth_multiplier")
        )
        self.kernel_size = ntuple(kernel_size, rank, "kernel_size")
        self.strides = ntuple(strides, rank, "strides")
        self.dilation_rate = ntuple(dilation_rate, rank, "dilation_rate")
        self.padding = self._check_padding(padding)
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.groups = check_positive_int(groups, "groups")
        self._check_groups()
        if self.transposed:
            self.output_padding = (
                None if output_padding is None else self._check_output_padding(output_padding)
            )
        self._check_strides_and_dilation()
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        given = {
            "kernel": (kernel_initializer, kernel_regularizer, kernel_constraint),
            "depthwise": (depthwise_initializer, depthwise_regularizer, depthwise_constraint),
            "pointwise": (pointwise_initializer, pointwise_regularizer, pointwise_constraint),
        }
        for stage in self._kernel_arguments():
            initializer, regularizer, constraint = given[stage]
            setattr(self, f"{stage}_initializer", initializers.get(initializer))
            setattr(self, f"{stage}_regularizer", regularizers.get(regularizer))
            setattr(self, f"{stage}_constraint", constraint)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.bias_constraint = bias_constraint
        self._keras_shapes: dict[str, tuple[int, ...]] = {}
        for keras_name in self._kernel_names():
            self.register_parameter(_TORCH_NAMES[keras_name], None)
        self.register_parameter("bias", None)

    # -- arguments -------------------------------------------------------------
    def _check_padding(self, padding: str) -> str:
        padding = str(padding).lower()
        if padding == "causal" and padding not in self.paddings:
            raise ValueError(
                f'`padding="causal"` is only for Conv1D. Received: padding={padding!r} for '
                f'{type(self).__name__}. Use "valid" or "same".'
            )
        return check_choice(padding, self.paddings, "padding")

    def _check_groups(self) -> None:
        if self.filters is not None and self.filters % self.groups:
            raise ValueError(
                f"`filters` must be divisible by `groups`. Received: filters={self.filters}, "
                f"groups={self.groups}. Pick a number of groups that divides both the filters and the "
                "input channels."
            )

    def _check_strides_and_dilation(self) -> None:
        if self.depth_multiplier is None and max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides` > 1 and `dilation_rate` > 1 cannot be combined (as in Keras). Received: "
                f"strides={self.strides}, dilation_rate={self.dilation_rate}. Use one of them."
            )

    def _check_output_padding(self, output_padding: IntOrTuple) -> tuple[int, ...]:
        values = ntuple(output_padding, self.rank, "output_padding", allow_zero=True)
        if any(extra >= stride for extra, stride in zip(values, self.strides, strict=True)):
            raise ValueError(
                "Every `output_padding` must be smaller than the matching `strides`. Received: "
                f"output_padding={values}, strides={self.strides}."
            )
        return values

    @property
    def has_depthwise_stage(self) -> bool:
        """Whether each input channel is first convolved on its own (depthwise and separable layers)."""
        return self.depth_multiplier is not None

    def _kernel_arguments(self) -> list[str]:
        """The prefixes of the kernel arguments: `kernel`, or `depthwise` and/or `pointwise`."""
        if not self.has_depthwise_stage:
            return ["kernel"]
        return ["depthwise"] if self.filters is None else ["depthwise", "pointwise"]

    def _kernel_names(self) -> list[str]:
        """Keras's names of the kernels, in Keras's order."""
        stages = self._kernel_arguments()
        return ["kernel"] if len(stages) == 1 else [f"{stage}_kernel" for stage in stages]

    # -- weights ---------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Create the kernels (and bias) for the input's channels."""
        channels = self._input_channels(input_shape)
        spatial = self.kernel_size
        names = iter(self._kernel_names())
        if self.has_depthwise_stage:
            self._add_kernel(next(names), "depthwise", (*spatial, channels, self.depth_multiplier))
            channels *= self.depth_multiplier
            spatial = (1,) * self.rank  # a separable convolution mixes channels with a 1x1 kernel
        if self.filters is not None:
            in_out = (self.filters, channels) if self.transposed else (channels // self.groups, self.filters)
            self._add_kernel(next(names), self._kernel_arguments()[-1], (*spatial, *in_out))
        if self.use_bias:
            self.add_weight(
                shape=(self.filters if self.filters is not None else channels,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def output_channels(self, channels: int) -> int:
        """The number of output channels for `channels` inputs."""
        return self.filters if self.filters is not None else channels * self.depth_multiplier

    def _input_channels(self, input_shape: Any) -> int:
        shape = tuple(input_shape)
        if len(shape) != self.rank + 2:
            raise ValueError(
                f"{self.name} ({type(self).__name__}) expects inputs with {self.rank + 2} axes "
                f"(batch, {self.rank} spatial, channels). Received: input_shape={shape}."
            )
        channels = shape[-1] if self.data_format == "channels_last" else shape[1]
        if channels is None:
            raise ValueError(
                f"{self.name} needs a known number of input channels. Received: input_shape={shape}."
            )
        divisor = 1 if self.has_depthwise_stage or self.transposed else self.groups
        if channels % divisor:
            raise ValueError(
                f"The input channels of {self.name} must be divisible by `groups`. Received: "
                f"input_shape={shape} ({channels} channels), groups={self.groups}."
            )
        return int(channels)

    def _add_kernel(self, keras_name: str, stage: str, keras_shape: tuple[int, ...]) -> None:
        """Create a kernel in Keras's shape (the initializer sees Keras's fans) and store it for torch."""
        torch_name = _TORCH_NAMES[keras_name]
        parameter = self.add_weight(
            shape=keras_shape,
            initializer=getattr(self, f"{stage}_initializer"),
            regularizer=getattr(self, f"{stage}_regularizer"),
            constraint=getattr(self, f"{stage}_constraint"),
            name=torch_name,
        )
        self._keras_shapes[torch_name] = keras_shape
        *spatial, fan_in, fan_out = keras_shape
        if stage == "depthwise":  # torch's grouped kernel: one input channel, channels * multiplier outputs
            fan_in, fan_out = 1, fan_in * fan_out
        with torch.no_grad():
            parameter.data = self._to_torch(parameter.data, (*spatial, fan_in, fan_out)).contiguous()

    def _to_torch(self, kernel: Any, shape: tuple[int, ...]) -> Any:
        """A kernel of Keras's `(*spatial, in, out)` as torch's `(out, in, *spatial)` (tensor or array)."""
        order = (self.rank + 1, self.rank, *range(self.rank))
        reshaped = kernel.reshape(shape)
        return reshaped.permute(*order) if isinstance(reshaped, torch.Tensor) else reshaped.transpose(order)

    def keras_view(self, name: str, tensor: torch.Tensor) -> torch.Tensor:
        if name not in self._keras_shapes:
            return tensor
        return tensor.permute(*range(2, self.rank + 2), 1, 0).reshape(self._keras_shapes[name])

    def torch_layout(self, name: str, array: np.ndarray) -> np.ndarray:
        if name not in self._keras_shapes:
            return array
        out, in_, *spatial = getattr(self, name).shape
        return self._to_torch(array, (*spatial, in_, out))

    def _keras_kernel(self, torch_name: str) -> torch.Tensor:
        tensor = getattr(self, torch_name)
        if tensor is None:  # made at the first call; until then `hasattr(layer, "kernel")` is False, as Keras
            raise AttributeError(torch_name)
        return self.keras_view(torch_name, tensor)

    @property
    def kernel(self) -> torch.Tensor:
        """The kernel in Keras's layout, `(*kernel_size, in, out)` (a view of `weight`)."""
        return self._keras_kernel("weight")

    @property
    def depthwise_kernel(self) -> torch.Tensor:
        """A separable layer's depthwise kernel in Keras's layout, `(*kernel_size, channels, multiplier)`."""
        return self._keras_kernel("depthwise_weight")

    @property
    def pointwise_kernel(self) -> torch.Tensor:
        """A separable layer's pointwise kernel in Keras's layout, `(1, …, 1, in * multiplier, filters)`."""
        return self._keras_kernel("pointwise_weight")

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    # -- computation -----------------------------------------------------------
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = to_channels_first(inputs, self.data_format)
        y = self._convolve_transposed(x) if self.transposed else self._convolve(x)
        return from_channels_first(self.activation(y), self.data_format)

    def _convolve(self, x: torch.Tensor) -> torch.Tensor:
        conv = _CONV[self.rank]
        x, padding = pad_for_kernel(x, self._input_paddings(x.shape[2:]))
        if not self.has_depthwise_stage:
            return conv(x, self.weight, self.bias, self.strides, padding, self.dilation_rate, self.groups)
        depthwise = self.weight if self.filters is None else self.depthwise_weight
        bias = self.bias if self.filters is None else None
        y = conv(x, depthwise, bias, self.strides, padding, self.dilation_rate, x.shape[1])
        return y if self.filters is None else conv(y, self.pointwise_weight, self.bias)

    def _input_paddings(self, sizes: Any) -> list[tuple[int, int]]:
        """`(before, after)` padding of each spatial axis for "valid", "same" or "causal"."""
        geometry = zip(sizes, self.kernel_size, self.strides, self.dilation_rate, strict=True)
        if self.padding == "same":
            return [same_padding(*axis) for axis in geometry]
        if self.padding == "causal":  # only the past: the whole effective kernel before the first step
            return [(dilation * (kernel - 1), 0) for _, kernel, _, dilation in geometry]
        return [(0, 0)] * self.rank

    def _transpose_crops(self) -> list[tuple[int, int]]:
        """`transpose_crop` of each spatial axis."""
        extras = self.output_padding or (None,) * self.rank
        geometry = zip(self.kernel_size, self.strides, self.dilation_rate, extras, strict=True)
        return [
            transpose_crop(kernel, stride, dilation, self.padding, extra)
            for kernel, stride, dilation, extra in geometry
        ]

    def _convolve_transposed(self, x: torch.Tensor) -> torch.Tensor:
        crops = self._transpose_crops()
        # torch crops equal amounts itself and appends zeros (output_padding); the rest is sliced off.
        inside = tuple(max(min(before, after), 0) for before, after in crops)
        appended = tuple(max(-after, 0) for _, after in crops)
        y = _CONV_TRANSPOSE[self.rank](
            x, self.weight, self.bias, self.strides, inside, appended, 1, self.dilation_rate
        )
        slices = [
            slice(before - kept, size - max(after - kept, 0))
            for (before, after), kept, size in zip(crops, inside, y.shape[2:], strict=True)
        ]
        if all(s.start == 0 and s.stop == size for s, size in zip(slices, y.shape[2:], strict=True)):
            return y
        return y[(slice(None), slice(None), *slices)]

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        """The output shape for inputs of `input_shape` (None for sizes known only at run time)."""
        shape = tuple(input_shape)
        channels_last = self.data_format == "channels_last"
        sizes = shape[1:-1] if channels_last else shape[2:]
        channels = shape[-1] if channels_last else shape[1]
        outputs = tuple(
            None if size is None else self._output_size(size, axis) for axis, size in enumerate(sizes)
        )
        known = self.filters is not None or channels is not None
        out_channels = self.output_channels(channels) if known else None
        return (shape[0], *outputs, out_channels) if channels_last else (shape[0], out_channels, *outputs)

    def _output_size(self, size: int, axis: int) -> int:
        stride = self.strides[axis]
        effective = (self.kernel_size[axis] - 1) * self.dilation_rate[axis] + 1
        if self.transposed:
            before, after = self._transpose_crops()[axis]
            return (size - 1) * stride + effective - before - after
        if self.padding == "valid":
            return (size - effective) // stride + 1
        return (size - 1) // stride + 1  # "same" and "causal"

    # -- config ----------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().get_config()
        if self.filters is not None:
            config["filters"] = self.filters
        if self.has_depthwise_stage:
            config["depth_multiplier"] = self.depth_multiplier
        config.update(
            kernel_size=self.kernel_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        if self.transposed:
            config["output_padding"] = self.output_padding
        elif not self.has_depthwise_stage:
            config["groups"] = self.groups
        config.update(activation=serialize_activation(self), use_bias=self.use_bias)
        for stage in [*self._kernel_arguments(), "bias"]:
            config[f"{stage}_initializer"] = initializers.serialize(getattr(self, f"{stage}_initializer"))
            config[f"{stage}_regularizer"] = regularizers.serialize(getattr(self, f"{stage}_regularizer"))
        return config

    def extra_repr(self) -> str:
        size = (
            f"filters={self.filters}"
            if self.filters is not None
            else f"depth_multiplier={self.depth_multiplier}"
        )
        return f"{size}, kernel_size={self.kernel_size}, padding={self.padding!r}"
