"""Layers that change an image's size: `Resizing`, `CenterCrop` and `RandomCrop`."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.layers.preprocessing import image_ops
from fitwell.layers.preprocessing.base import ImagePreprocessingLayer, Transformation, check_size
from fitwell.layers.spatial import check_choice

__all__ = ["CenterCrop", "RandomCrop", "Resizing"]


class Resizing(ImagePreprocessingLayer):
    """Resize images to `(height, width)`, in training and inference alike.

    Integer images keep their dtype (the result is rounded), as in Keras.

    Args:
        height: Height of the output.
        width: Width of the output.
        interpolation: `"bilinear"` (default), `"nearest"` or `"bicubic"`.
        crop_to_aspect_ratio: Resize without distortion: first take the largest
            centred window of the target's aspect ratio.
        pad_to_aspect_ratio: Resize without distortion: first pad the short
            side evenly with `fill_value`.
        fill_mode: How padding is filled; only `"constant"`, as in Keras.
        fill_value: The padding value for `pad_to_aspect_ratio=True`.
        antialias: Low-pass filter when downsampling (bilinear and bicubic).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Resizing(4, 6)(torch.zeros(2, 8, 8, 3)).shape
        torch.Size([2, 4, 6, 3])
    """

    casts_integer_inputs = False  # integer images are resized in float and rounded back

    def __init__(
        self,
        height: int,
        width: int,
        interpolation: str = "bilinear",
        crop_to_aspect_ratio: bool = False,
        pad_to_aspect_ratio: bool = False,
        fill_mode: str = "constant",
        fill_value: float = 0.0,
        antialias: bool = False,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")
        if interpolation in ("lanczos3", "lanczos5", "area", "gaussian", "mitchellcubic"):
            raise ValueError(
                f"`interpolation={interpolation!r}` is not supported on torch (nor by Keras's torch "
                f"backend). Received: interpolation={interpolation!r}. Use one of "
                f"{tuple(image_ops.RESIZE_INTERPOLATIONS)}."
            )
        self.interpolation = check_choice(
            interpolation, tuple(image_ops.RESIZE_INTERPOLATIONS), "interpolation"
        )
        self.fill_mode = check_choice(fill_mode, ("constant",), "fill_mode")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError(
                "Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True. Received: "
                f"crop_to_aspect_ratio={crop_to_aspect_ratio}, pad_to_aspect_ratio={pad_to_aspect_ratio}"
            )
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation = None, training: bool = True
    ) -> torch.Tensor:
        del transformation, training  # resizing is the same in both modes
        batch = self.to_batch(images)
        resized = image_ops.resize(
            batch if batch.is_floating_point() else batch.float(),
            (self.height, self.width),
            interpolation=self.interpolation,
            antialias=self.antialias,
            crop_to_aspect_ratio=self.crop_to_aspect_ratio,
            pad_to_aspect_ratio=self.pad_to_aspect_ratio,
            fill_value=self.fill_value,
        )
        if not images.is_floating_point():
            limits = torch.iinfo(images.dtype)
            resized = resized.round().clamp(limits.min, limits.max).to(images.dtype)
        return self.from_batch(resized, images)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "height": self.height,
            "width": self.width,
            "interpolation": self.interpolation,
            "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
            "pad_to_aspect_ratio": self.pad_to_aspect_ratio,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "antialias": self.antialias,
        }


class CenterCrop(ImagePreprocessingLayer):
    """Crop the central `(height, width)` window, in training and inference alike.

    An image smaller than the target on either side is instead cropped to the
    target's aspect ratio and resized (bilinear), as Keras does.

    Args:
        height: Height of the output.
        width: Width of the output.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> CenterCrop(2, 2)(torch.arange(16.0).reshape(4, 4, 1))[..., 0]
        tensor([[ 5.,  6.],
                [ 9., 10.]])
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_format=data_format, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation = None, training: bool = True
    ) -> torch.Tensor:
        del transformation, training  # cropping is the same in both modes
        height, width = self.image_size(images)
        batch = self.to_batch(images)
        if height >= self.height and width >= self.width:
            top, left = (height - self.height) // 2, (width - self.width) // 2
            cropped = batch[..., top : top + self.height, left : left + self.width]
        else:
            cropped = _smart_resize(batch, self.height, self.width)
        return self.from_batch(cropped, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomCrop(ImagePreprocessingLayer):
    """Crop a random `(height, width)` window during training; centre-crop and resize in inference.

    In training, one window position is drawn per call and shared by the
    batch, as in Keras. An image not larger than the target on both sides is
    cropped at the centre and resized instead. In inference mode the image's
    largest centred window of the target's aspect ratio is resized to
    `(height, width)` (Keras's documented behaviour), so the output size is
    the same in both modes.

    Args:
        height: Height of the output.
        width: Width of the output.
        seed: An int makes the draws reproducible; None uses torch's global generator.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> crop = RandomCrop(3, 3, seed=0)
        >>> crop(torch.zeros(2, 8, 8, 3), training=True).shape, crop(torch.zeros(8, 8, 3)).shape
        (torch.Size([2, 3, 3, 3]), torch.Size([3, 3, 3]))
    """

    def __init__(
        self, height: int, width: int, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(data_format=data_format, seed=seed, **kwargs)
        self.height = check_size(height, "height")
        self.width = check_size(width, "width")

    def get_random_transformation(
        self, data: torch.Tensor, training: bool = True, seed: Any = None
    ) -> Transformation:
        """`{"h_start", "w_start"}`: the window's top-left corner (0-d tensors when drawn, else ints)."""
        height, width = self.image_size(data)
        if training and height > self.height and width > self.width:
            seed = self._seed(seed)  # one stream for both draws, as Keras
            h_start = self.draw_uniform(data, (), 0.0, float(height - self.height + 1), seed=seed)
            w_start = self.draw_uniform(data, (), 0.0, float(width - self.width + 1), seed=seed)
            return {"h_start": h_start.long(), "w_start": w_start.long()}
        top, left, _, _ = image_ops.aspect_ratio_box(height, width, self.height, self.width)
        return {"h_start": top, "w_start": left}

    def transform_images(
        self, images: torch.Tensor, transformation: Transformation, training: bool = True
    ) -> torch.Tensor:
        batch = self.to_batch(images)
        if not training:
            return self.from_batch(_smart_resize(batch, self.height, self.width), images)
        h_start, w_start = transformation["h_start"], transformation["w_start"]
        if isinstance(h_start, torch.Tensor):  # a drawn position: gathered on the device, no sync
            rows = torch.arange(self.height, device=batch.device) + h_start.to(batch.device)
            columns = torch.arange(self.width, device=batch.device) + w_start.to(batch.device)
            cropped = batch.index_select(2, rows).index_select(3, columns)
        else:
            cropped = batch[..., h_start : h_start + self.height, w_start : w_start + self.width]
        if cropped.shape[-2:] != (self.height, self.width):
            cropped = image_ops.resize(cropped, (self.height, self.width))
        return self.from_batch(cropped, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}


def _smart_resize(batch: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """Keras's `smart_resize`: the largest centred window of the target's aspect ratio, resized."""
    if batch.shape[-2:] == (height, width):
        return batch
    return image_ops.resize(batch, (height, width), crop_to_aspect_ratio=True)
