"""Random geometric augmentations: `RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomTranslation`.

Each image of a batch gets its own draw. Rotation, zoom and translation
resample through one affine transform per image, all in one batched
gather on the images' device (`image_ops.affine_transform`).
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell.layers.preprocessing import image_ops
from fitwell.layers.preprocessing.base import ImagePreprocessingLayer, Transformation, factor_range
from fitwell.layers.spatial import check_choice

__all__ = ["RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom"]

FLIP_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(ImagePreprocessingLayer):
    """Flip images at random during training (each image with probability 1/2).

    With `"horizontal_and_vertical"`, one draw per image decides both flips,
    as in Keras 3: an image is turned upside down and mirrored, or left as is.

    Args:
        mode: `"horizontal"` (left-right), `"vertical"` (top-bottom) or
            `"horizontal_and_vertical"` (default).
        seed: An int makes the draws reproducible; None uses torch's global generator.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> flip = RandomFlip("horizontal", seed=5)
        >>> images = torch.arange(3.0).reshape(1, 1, 3, 1).expand(4, 1, 3, 1)
        >>> flip(images, training=True)[:, 0, :, 0]
        tensor([[0., 1., 2.],
                [2., 1., 0.],
                [0., 1., 2.],
                [0., 1., 2.]])
        >>> torch.equal(flip(images), images)  # inference mode: unchanged
        True
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.mode = check_choice(mode, FLIP_MODES, "mode")

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"flips": (batch, 1, 1, 1) bools}`: which images to flip (None in inference mode)."""
        if not training:
            return None
        shape = (1, 1, 1) if data.dim() == 3 else (self.batch_size(data), 1, 1, 1)
        return {"flips": self.draw_uniform(data, shape, seed=seed) <= 0.5}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        batch = self.to_batch(images)
        flips = transformation["flips"].to(batch.device).reshape(-1, 1, 1, 1)
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            batch = torch.where(flips, batch.flip(-1), batch)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            batch = torch.where(flips, batch.flip(-2), batch)
        return self.from_batch(batch, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}


def _resampling_arguments(fill_mode: str, interpolation: str, fill_value: float) -> tuple[str, str, float]:
    """The arguments rotation, zoom and translation share, checked."""
    return (
        check_choice(fill_mode, image_ops.FILL_MODES, "fill_mode"),
        check_choice(interpolation, image_ops.AFFINE_INTERPOLATIONS, "interpolation"),
        float(fill_value),
    )


def _resample(layer: Any, images: torch.Tensor, matrices: torch.Tensor) -> torch.Tensor:
    """`images` resampled through `matrices` with the layer's fill mode and interpolation."""
    resampled = image_ops.affine_transform(
        layer.to_batch(images),
        matrices,
        interpolation=layer.interpolation,
        fill_mode=layer.fill_mode,
        fill_value=layer.fill_value,
    )
    return layer.from_batch(resampled, images)


def _resampling_config(layer: Any) -> dict[str, Any]:
    return {
        "fill_mode": layer.fill_mode,
        "interpolation": layer.interpolation,
        "fill_value": layer.fill_value,
        "seed": layer.seed,
    }


class RandomRotation(ImagePreprocessingLayer):
    """Rotate images about their centre by a random angle during training.

    Args:
        factor: The angle range as a fraction of a full turn (2π): `f` draws
            from `[-f, f]`, `(lower, upper)` from `[lower, upper]`; within
            [-1, 1]. Positive angles turn counter-clockwise.
        fill_mode: Beyond the edges: `"reflect"` (default, `d c b a | a b c d | d c b a`),
            `"wrap"` (`a b c d | a b c d`), `"nearest"` (`a a | a b c d | d d`) or
            `"constant"` (`fill_value`).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        fill_value: The value outside the image for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> quarter_turn = RandomRotation((0.25, 0.25), interpolation="nearest")
        >>> quarter_turn(torch.arange(4.0).reshape(1, 2, 2, 1), training=True)[0, ..., 0]
        tensor([[1., 3.],
                [0., 2.]])
    """

    def __init__(
        self,
        factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.fill_mode, self.interpolation, self.fill_value = _resampling_arguments(
            fill_mode, interpolation, fill_value
        )
        self.factor = factor_range(factor, "factor")

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"angle": (batch,) degrees, "rotation_matrix": (batch, 8)}` (None in inference mode)."""
        if not training:
            return None
        lower, upper = self.factor[0] * 360.0, self.factor[1] * 360.0
        angle = self.draw_uniform(data, (self.batch_size(data),), lower, upper, seed=seed)
        height, width = self.image_size(data)
        return {"angle": angle, "rotation_matrix": image_ops.rotation_matrices(angle, height, width)}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        return _resample(self, images, transformation["rotation_matrix"])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), **_resampling_config(self), "factor": self.factor}


class RandomZoom(ImagePreprocessingLayer):
    """Zoom images in or out about their centre by a random amount during training.

    Args:
        height_factor: The vertical zoom range as a fraction: `f` draws from
            `[-f, f]`, `(lower, upper)` from `[lower, upper]`, within (-1, 1].
            Positive values zoom out, negative values zoom in: `(-0.3, -0.2)`
            enlarges the content by 20% to 30%.
        width_factor: The same horizontally; None (default) zooms both axes
            by the same draw, keeping the aspect ratio.
        fill_mode: Beyond the edges: `"reflect"` (default), `"wrap"`,
            `"nearest"` or `"constant"` (see `RandomRotation`).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        fill_value: The value outside the image for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> zoom_out = RandomZoom((1.0, 1.0), fill_mode="constant", interpolation="nearest")
        >>> zoom_out(torch.ones(1, 4, 4, 1), training=True)[0, ..., 0]
        tensor([[0., 0., 0., 0.],
                [0., 1., 1., 0.],
                [0., 1., 1., 0.],
                [0., 0., 0., 0.]])
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float] | None = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.fill_mode, self.interpolation, self.fill_value = _resampling_arguments(
            fill_mode, interpolation, fill_value
        )
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_range = factor_range(height_factor, "height_factor", low_inclusive=False)
        self.width_range = (
            None if width_factor is None else factor_range(width_factor, "width_factor", low_inclusive=False)
        )

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"height_zoom", "width_zoom"}`, each `(batch, 1)` (None in inference mode)."""
        if not training:
            return None
        seed = self._seed(seed)  # one stream for both draws, as Keras
        shape = (self.batch_size(data), 1)
        lower, upper = self.height_range
        height_zoom = self.draw_uniform(data, shape, 1.0 + lower, 1.0 + upper, seed=seed)
        width_zoom = height_zoom
        if self.width_range is not None:
            lower, upper = self.width_range
            width_zoom = self.draw_uniform(data, shape, 1.0 + lower, 1.0 + upper, seed=seed)
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        zooms = torch.cat([transformation["width_zoom"], transformation["height_zoom"]], dim=1).float()
        return _resample(self, images, image_ops.zoom_matrices(zooms, *self.image_size(images)))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **_resampling_config(self),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }


class RandomTranslation(ImagePreprocessingLayer):
    """Shift images by a random fraction of their size during training.

    Args:
        height_factor: The vertical shift range as a fraction of the height:
            `f` draws from `[-f, f]`, `(lower, upper)` from `[lower, upper]`,
            within [-1, 1]. Positive values shift down.
        width_factor: The same horizontally, as a fraction of the width;
            positive values shift right.
        fill_mode: Beyond the edges: `"reflect"` (default), `"wrap"`,
            `"nearest"` or `"constant"` (see `RandomRotation`).
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        fill_value: The value outside the image for `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> shift_down = RandomTranslation((0.5, 0.5), 0.0, fill_mode="constant")
        >>> shift_down(torch.ones(1, 4, 2, 1), training=True)[0, :, 0, 0]
        tensor([0., 0., 1., 1.])
    """

    def __init__(
        self,
        height_factor: float | tuple[float, float],
        width_factor: float | tuple[float, float],
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.fill_mode, self.interpolation, self.fill_value = _resampling_arguments(
            fill_mode, interpolation, fill_value
        )
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.height_range = factor_range(height_factor, "height_factor")
        self.width_range = factor_range(width_factor, "width_factor")

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"translations": (batch, 2)}`: each image's `(x, y)` shift in pixels (None in inference mode)."""
        if not training:
            return None
        seed = self._seed(seed)  # one stream for both draws, as Keras
        height, width = self.image_size(data)
        shape = (self.batch_size(data), 1)
        shift_y = self.draw_uniform(data, shape, *self.height_range, seed=seed) * height
        shift_x = self.draw_uniform(data, shape, *self.width_range, seed=seed) * width
        return {"translations": torch.cat([shift_x, shift_y], dim=1).float()}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        if not training or transformation is None:
            return images
        return _resample(self, images, image_ops.translation_matrices(transformation["translations"]))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            **_resampling_config(self),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
        }
