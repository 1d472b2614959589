"""Pooling layers in Keras's channels-last layout: windowed and global maxima and means.

`BasePooling` is the base of the windowed layers (`MaxPooling1D/2D/3D`,
`AveragePooling1D/2D/3D`) and `BaseGlobalPooling` of the global ones; a
concrete layer only sets its rank and its reduction.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

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

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "AvgPool1D",
    "AvgPool2D",
    "AvgPool3D",
    "BaseGlobalPooling",
    "BasePooling",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAveragePooling3D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalAvgPool3D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPool3D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "GlobalMaxPooling3D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPool3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
]

IntOrTuple = int | tuple[int, ...]

_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


class BasePooling(Layer):
    """Base of the windowed pooling layers: the maximum or the mean of each window.

    A subclass sets `rank` (1, 2 or 3) and `reduction` (`"max"` or
    `"average"`). With `padding="same"` the output has `ceil(input /
    strides)` positions and, as in Keras (TensorFlow), the padded cells are
    ignored: a maximum never sees them and a mean divides by the number of
    real cells in its window.

    Args:
        pool_size: Window size, an int or a tuple of one per spatial axis.
        strides: Step of the window; None (the default) means `pool_size`.
        padding: `"valid"` (windows inside the input) or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> class MinPooling1D(BasePooling):
        ...     rank, reduction = 1, "max"
        ...     def call(self, inputs):
        ...         return -super().call(-inputs)
        >>> MinPooling1D(2)(torch.tensor([[[1.0], [3.0], [2.0], [0.0]]])).flatten()
        tensor([1., 0.])
    """

    rank: int = 2
    reduction: str = "max"

    def __init__(
        self,
        pool_size: IntOrTuple = 2,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.pool_size = ntuple(pool_size, self.rank, "pool_size")
        self.strides = self.pool_size if strides is None else ntuple(strides, self.rank, "strides")
        self.padding = check_choice(str(padding).lower(), PADDINGS, "padding")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = to_channels_first(inputs, self.data_format)
        paddings = [(0, 0)] * self.rank
        if self.padding == "same":
            paddings = [
                same_padding(size, pool, stride, 1)
                for size, pool, stride in zip(x.shape[2:], self.pool_size, self.strides, strict=True)
            ]
        if self.reduction == "max":
            x, inside = pad_for_kernel(x, paddings, value=float("-inf"))
            y = _MAX_POOL[self.rank](x, self.pool_size, self.strides, inside)
        else:
            y = self._average(x, paddings)
        return from_channels_first(y, self.data_format)

    def _average(self, x: torch.Tensor, paddings: list[tuple[int, int]]) -> torch.Tensor:
        pool = _AVG_POOL[self.rank]
        padded, inside = pad_for_kernel(x, paddings)
        if padded is x:  # equal padding on both sides: torch leaves the padded cells out itself
            return pool(x, self.pool_size, self.strides, inside, count_include_pad=False)
        # Uneven padding: sum over each window, divided by its number of real cells.
        cells = pad_for_kernel(torch.ones((1, 1, *x.shape[2:]), dtype=x.dtype, device=x.device), paddings)[0]
        return pool(padded, self.pool_size, self.strides) / pool(cells, self.pool_size, self.strides)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        """The output shape for inputs of `input_shape` (None for sizes known only at run time)."""
        shape = tuple(input_shape)
        channels_last = self.data_format == "channels_last"
        sizes = shape[1:-1] if channels_last else shape[2:]
        outputs = tuple(
            None if size is None else _pooled_size(size, pool, stride, self.padding)
            for size, pool, stride in zip(sizes, self.pool_size, self.strides, strict=True)
        )
        return (shape[0], *outputs, shape[-1]) if channels_last else (*shape[:2], *outputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }

    def extra_repr(self) -> str:
        return f"pool_size={self.pool_size}, strides={self.strides}, padding={self.padding!r}"


def _pooled_size(size: int, pool: int, stride: int, padding: str) -> int:
    return (size - pool) // stride + 1 if padding == "valid" else (size - 1) // stride + 1


class MaxPooling1D(BasePooling):
    """Maximum over windows of steps: `(batch, steps, channels)`.

    Args:
        pool_size: Window length (default 2).
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> MaxPooling1D(2, strides=1, padding="same")(torch.tensor([[[1.0], [3.0], [2.0]]])).flatten()
        tensor([3., 3., 2.])
    """

    rank, reduction = 1, "max"


class MaxPooling2D(BasePooling):
    """Maximum over each window of an image: `(batch, height, width, channels)`.

    Args:
        pool_size: Window size (default `(2, 2)`).
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> MaxPooling2D(2)(torch.zeros(2, 28, 28, 3)).shape
        torch.Size([2, 14, 14, 3])
    """

    rank, reduction = 2, "max"


class MaxPooling3D(BasePooling):
    """Maximum over each window of a volume: `(batch, depth, height, width, channels)`.

    Args:
        pool_size: Window size (default `(2, 2, 2)`).
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> MaxPooling3D()(torch.zeros(1, 4, 6, 8, 2)).shape
        torch.Size([1, 2, 3, 4, 2])
    """

    rank, reduction = 3, "max"


class AveragePooling1D(BasePooling):
    """Mean over windows of steps: `(batch, steps, channels)`.

    With `padding="same"` a window's mean is over its real steps only, as in Keras.

    Args:
        pool_size: Window length.
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> AveragePooling1D(2, padding="same")(torch.tensor([[[1.0], [3.0], [2.0]]])).flatten()
        tensor([2., 2.])
    """

    rank, reduction = 1, "average"

    def __init__(
        self,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)  # no default size, as Keras


class AveragePooling2D(BasePooling):
    """Mean over each window of an image: `(batch, height, width, channels)`.

    With `padding="same"` a window's mean is over its real cells only, as in Keras.

    Args:
        pool_size: Window size, an int or `(height, width)`.
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> AveragePooling2D(2)(torch.ones(1, 4, 4, 3)).shape
        torch.Size([1, 2, 2, 3])
    """

    rank, reduction = 2, "average"

    def __init__(
        self,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)  # no default size, as Keras


class AveragePooling3D(BasePooling):
    """Mean over each window of a volume: `(batch, depth, height, width, channels)`.

    With `padding="same"` a window's mean is over its real cells only, as in Keras.

    Args:
        pool_size: Window size, an int or `(depth, height, width)`.
        strides: Step of the window; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> AveragePooling3D(2, padding="same")(torch.ones(1, 3, 3, 3, 1)).shape
        torch.Size([1, 2, 2, 2, 1])
    """

    rank, reduction = 3, "average"

    def __init__(
        self,
        pool_size: IntOrTuple,
        strides: IntOrTuple | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(pool_size, strides, padding, data_format, **kwargs)  # no default size, as Keras


class BaseGlobalPooling(Layer):
    """Base of the global pooling layers: the maximum or mean over every spatial axis.

    A subclass sets `rank` (1, 2 or 3) and `reduction` (`"max"` or
    `"average"`). `(batch, *spatial, channels)` becomes `(batch, channels)`,
    or `(batch, 1, …, 1, channels)` with `keepdims=True`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> class GlobalSumPooling1D(BaseGlobalPooling):
        ...     rank = 1
        ...     def call(self, inputs):
        ...         return inputs.sum(dim=self.spatial_axes, keepdim=self.keepdims)
        >>> GlobalSumPooling1D()(torch.ones(2, 5, 3))
        tensor([[5., 5., 5.],
                [5., 5., 5.]])
    """

    rank: int = 2
    reduction: str = "average"

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.keepdims = bool(keepdims)

    @property
    def spatial_axes(self) -> tuple[int, ...]:
        """The axes reduced: every axis but the batch and channel axes."""
        first = 1 if self.data_format == "channels_last" else 2
        return tuple(range(first, first + self.rank))

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.reduction == "max":
            return inputs.amax(dim=self.spatial_axes, keepdim=self.keepdims)
        return inputs.mean(dim=self.spatial_axes, keepdim=self.keepdims)

    def compute_output_shape(self, input_shape: Any) -> tuple[int | None, ...]:
        """The output shape for inputs of `input_shape`."""
        shape = tuple(input_shape)
        channels = shape[-1] if self.data_format == "channels_last" else shape[1]
        if not self.keepdims:
            return (shape[0], channels)
        ones = (1,) * self.rank
        return (shape[0], *ones, channels) if self.data_format == "channels_last" else (*shape[:2], *ones)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps: `(batch, steps, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the steps axis, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Call arguments:
        inputs: The sequences.
        mask: Optional boolean `(batch, steps)` mask: the mean is over the
            steps where it is True (as Keras; a sample with no such step
            gives nan).

    Example:
        >>> x = torch.tensor([[[1.0], [2.0], [6.0]]])
        >>> layer = GlobalAveragePooling1D()
        >>> layer(x), layer(x, mask=torch.tensor([[True, True, False]]))
        (tensor([[3.]]), tensor([[1.5000]]))
    """

    rank, reduction = 1, "average"

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            return super().call(inputs)
        channel_axis = 2 if self.data_format == "channels_last" else 1
        weights = mask.to(torch.bool).unsqueeze(channel_axis)
        total = torch.where(weights, inputs, 0).sum(dim=self.spatial_axes, keepdim=self.keepdims)
        count = weights.to(inputs.dtype).sum(dim=self.spatial_axes, keepdim=self.keepdims)
        return total / count

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> None:
        """None: the steps are averaged away (an automatic mask from `Embedding` is read, not passed on)."""
        del inputs, previous_mask


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over the spatial axes: `(batch, height, width, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalAveragePooling2D()(torch.ones(2, 5, 5, 3)).shape
        torch.Size([2, 3])
    """

    rank, reduction = 2, "average"


class GlobalAveragePooling3D(BaseGlobalPooling):
    """Mean over the spatial axes: `(batch, depth, height, width, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalAveragePooling3D(keepdims=True)(torch.ones(2, 3, 4, 5, 6)).shape
        torch.Size([2, 1, 1, 1, 6])
    """

    rank, reduction = 3, "average"


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Maximum over the steps: `(batch, steps, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the steps axis, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalMaxPooling1D()(torch.tensor([[[1.0], [5.0], [2.0]]]))
        tensor([[5.]])
    """

    rank, reduction = 1, "max"


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Maximum over the spatial axes: `(batch, height, width, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalMaxPooling2D()(torch.zeros(2, 5, 5, 3)).shape
        torch.Size([2, 3])
    """

    rank, reduction = 2, "max"


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Maximum over the spatial axes: `(batch, depth, height, width, channels)` → `(batch, channels)`.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes, with size 1.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> GlobalMaxPooling3D(data_format="channels_first")(torch.zeros(2, 6, 3, 4, 5)).shape
        torch.Size([2, 6])
    """

    rank, reduction = 3, "max"


# Keras's other names.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
)
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
