"""Pooling layers in Keras's channels-last layout: windowed and global maxima and means."""

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
    same_padding,
    to_channels_first,
)

__all__ = ["GlobalAveragePooling2D", "MaxPooling2D"]


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
        self.pool_size = ntuple(pool_size, 2, "pool_size")
        self.strides = ntuple(strides, 2, "strides") if strides is not None else self.pool_size
        self.padding = check_choice(str(padding).lower(), PADDINGS, "padding")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        x = to_channels_first(inputs, self.data_format)
        if self.padding == "same":
            top, bottom = same_padding(x.shape[2], self.pool_size[0], self.strides[0], 1)
            left, right = same_padding(x.shape[3], self.pool_size[1], self.strides[1], 1)
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom), value=float("-inf"))
        y = F.max_pool2d(x, self.pool_size, self.strides)
        return from_channels_first(y, self.data_format)

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
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        self.keepdims = bool(keepdims)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        axes = (1, 2) if self.data_format == "channels_last" else (2, 3)
        return inputs.mean(dim=axes, keepdim=self.keepdims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}
