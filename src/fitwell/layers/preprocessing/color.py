"""Random color augmentations: `RandomContrast` and `RandomBrightness`."""

from __future__ import annotations

import numbers
from typing import Any

import torch

from fitwell.layers.preprocessing.base import ImagePreprocessingLayer, Transformation, factor_range

__all__ = ["RandomBrightness", "RandomContrast"]


class RandomContrast(ImagePreprocessingLayer):
    """Scale each image's contrast by a random factor during training, then clip to `value_range`.

    Each channel of each image becomes `(x - mean) * contrast + mean`, its
    mean taken over the image's pixels; `contrast` is drawn per image from
    `[1 - lower, 1 + upper]`.

    Args:
        factor: `(lower, upper)` within [0, 1]. A single number `f` means
            `(0, f)`, as Keras 3 computes it (its text says `(f, f)`): the
            contrast is then drawn from `[1, 1 + f]`.
        value_range: `(low, high)`, the range of the images' values; the
            output is clipped to it. `(0, 255)` by default.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = RandomContrast((0.5, 0.5), value_range=(0, 1), seed=0)
        >>> out = layer(torch.tensor([0.2, 0.4, 0.6]).reshape(1, 1, 3, 1), training=True)
        >>> bool((out.amax() - out.amin() < 0.4) & (out.mean() - 0.4 < 1e-6))
        True
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = factor_range(factor, "factor", 0.0, 1.0)
        self.value_range = _check_value_range(value_range, sort=False)

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"contrast_factor": (batch, 1, 1, 1)}` (None in inference mode)."""
        if not training:
            return None
        shape = (1, 1, 1) if data.dim() == 3 else (self.batch_size(data), 1, 1, 1)
        factor = self.draw_uniform(data, shape, 1.0 - self.factor[0], 1.0 + self.factor[1], seed=seed)
        return {"contrast_factor": factor}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        height_axis, width_axis = (-3, -2) if self.data_format == "channels_last" else (-2, -1)
        mean = images.mean(dim=height_axis, keepdim=True).mean(dim=width_axis, keepdim=True)
        factor = transformation["contrast_factor"].to(images.device, images.dtype)
        adjusted = (images - mean) * factor + mean
        return adjusted.clamp(*self.value_range)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }


class RandomBrightness(ImagePreprocessingLayer):
    """Add a random brightness shift to each image during training, then clip to `value_range`.

    The shift is drawn per image from `[lower, upper] * (high - low)`, the
    same for all its pixels and channels.

    Args:
        factor: A number `f` for `(-f, f)`, or `(lower, upper)`, within
            [-1, 1]: -1 turns an image black, 1 white.
        value_range: `(low, high)`, the range of the images' values (sorted);
            the output is clipped to it. `(0, 255)` by default.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        **kwargs: `data_format`, `name` and the other `Layer` arguments.

    Example:
        >>> brighter = RandomBrightness((0.5, 0.5), value_range=(0, 1))
        >>> brighter(torch.tensor([0.1, 0.7]).reshape(1, 1, 2, 1), training=True).flatten()
        tensor([0.6000, 1.0000])
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        value_range: tuple[float, float] = (0, 255),
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, **kwargs)
        self.factor = factor_range(factor, "factor")
        self.value_range = _check_value_range(value_range, sort=True)

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"rgb_delta": (batch, 1, 1, 1)}`: the shift of each image (None in inference mode)."""
        if not training:
            return None
        shape = (1, 1, 1) if data.dim() == 3 else (self.batch_size(data), 1, 1, 1)
        delta = self.draw_uniform(data, shape, self.factor[0], self.factor[1], seed=seed)
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        delta = transformation["rgb_delta"].to(images.device, images.dtype)
        return (images + delta).clamp(*self.value_range)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "value_range": self.value_range,
            "seed": self.seed,
        }


def _check_value_range(value_range: Any, *, sort: bool) -> tuple[float, float]:
    pair = tuple(value_range) if isinstance(value_range, list | tuple) else ()
    numeric = len(pair) == 2 and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair)
    if not numeric or (not sort and pair[0] > pair[1]):
        raise ValueError(
            "`value_range` must be a pair of numbers `(low, high)` with low <= high, such as (0, 255) or "
            "(0, 1). "
            f"Received: value_range={value_range!r}"
        )
    low, high = sorted(pair) if sort else pair
    return float(low), float(high)
