"""Read one image file into a float32 tensor of Keras's size and layout.

Decoding follows Keras's TensorFlow-free loader (Pillow, then a colour
conversion), and resizing is `keras.ops.image.resize` on Keras's torch
backend: `torch.nn.functional.interpolate` on float32 pixels, without
antialiasing, after an optional centred crop or zero padding to the target
aspect ratio. Values stay in 0–255.
"""

from __future__ import annotations

import os

import numpy as np
import torch
import torch.nn.functional as F

__all__ = ["CHANNELS", "INTERPOLATIONS", "load_image", "read_pixels", "resize_image"]

#: Channels of each `color_mode`.
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
#: Keras's interpolation names and the torch modes that compute them.
INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}
_PILLOW_MODES = {1: "L", 3: "RGB", 4: "RGBA"}


def _import_pillow():  # noqa: ANN202 - returns the PIL.Image module
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Reading image files needs Pillow, which is not installed. Install it with `pip install pillow`."
        ) from error
    return Image


def _decode(path: str | os.PathLike, num_channels: int) -> np.ndarray:
    """Pixels as an `(H, W)` or `(H, W, C)` array; animated images give their first frame."""
    image_module = _import_pillow()
    with image_module.open(path) as image:
        # Keras keeps 16- and 32-bit grey images as they are and converts everything else.
        keep = ("L", "I;16", "I") if num_channels == 1 else (_PILLOW_MODES[num_channels],)
        if image.mode not in keep:
            image = image.convert(_PILLOW_MODES[num_channels])
        return np.array(image)  # writable, so torch can share its memory


def _crop_to_aspect_ratio(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    height, width = images.shape[-2:]
    target_height, target_width = size
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    top, left = int((height - crop_height) / 2), int((width - crop_width) / 2)
    return images[..., top : top + crop_height, left : left + crop_width]


def _pad_to_aspect_ratio(images: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    # As Keras's torch backend: the same number of zero rows (or columns) on both
    # sides, so an odd difference leaves the result one short of the exact ratio.
    height, width = images.shape[-2:]
    target_height, target_width = size
    top = int((max(height, int(width * target_height / target_width)) - height) / 2)
    left = int((max(width, int(height * target_width / target_height)) - width) / 2)
    return F.pad(images, (left, left, top, top))


def resize_image(
    images: torch.Tensor,
    size: tuple[int, int],
    *,
    interpolation: str = "bilinear",
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
) -> torch.Tensor:
    """Resize channels-first float images `(N, C, H, W)` as `keras.ops.image.resize` does.

    Args:
        images: Float tensor of shape `(N, C, H, W)`.
        size: `(height, width)` of the result.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        crop_to_aspect_ratio: First crop the centre to the target aspect ratio.
        pad_to_aspect_ratio: First pad with zeros to the target aspect ratio.

    Returns:
        Shape `(N, C, *size)`, same dtype.

    Example:
        >>> resize_image(torch.tensor([[[[0.0, 4.0]]]]), (1, 4))
        tensor([[[[0., 1., 3., 4.]]]])
    """
    if crop_to_aspect_ratio:
        images = _crop_to_aspect_ratio(images, size)
    elif pad_to_aspect_ratio:
        images = _pad_to_aspect_ratio(images, size)
    if tuple(images.shape[-2:]) == tuple(size):
        return images  # every mode is then the identity
    align_corners = False if interpolation in ("bilinear", "bicubic") else None
    return F.interpolate(
        images, size=size, mode=INTERPOLATIONS[interpolation], align_corners=align_corners, antialias=False
    )


def read_pixels(
    path: str | os.PathLike,
    *,
    image_size: tuple[int, int],
    num_channels: int = 3,
    interpolation: str = "bilinear",
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
) -> torch.Tensor:
    """An image file as an `(H, W, C)` tensor of `image_size`: float32 when resized, else as decoded.

    An image already of the target size keeps its integer dtype, so that the
    caller converts it to float32 while copying it into a batch, in one pass.
    """
    pixels = torch.from_numpy(_decode(path, num_channels))
    if pixels.dim() == 2:
        pixels = pixels.unsqueeze(-1)
    if tuple(pixels.shape[:2]) == tuple(image_size):
        return pixels  # crop, pad and every interpolation are then the identity
    # A channels-first view of channels-last memory: torch's interpolation runs its
    # faster channels-last kernels, and the result is channels-last memory again.
    resized = resize_image(
        pixels.to(torch.float32).permute(2, 0, 1).unsqueeze(0),
        image_size,
        interpolation=interpolation,
        crop_to_aspect_ratio=crop_to_aspect_ratio,
        pad_to_aspect_ratio=pad_to_aspect_ratio,
    )
    return resized[0].permute(1, 2, 0)


def load_image(
    path: str | os.PathLike,
    *,
    image_size: tuple[int, int],
    num_channels: int = 3,
    interpolation: str = "bilinear",
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    data_format: str = "channels_last",
) -> torch.Tensor:
    """Decode and resize one image file into a float32 tensor with values 0–255.

    Args:
        path: A JPEG, PNG, BMP or GIF file (any format Pillow opens).
        image_size: `(height, width)` of the result.
        num_channels: 1 (grey), 3 (RGB) or 4 (RGBA).
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        crop_to_aspect_ratio: Crop the centre to the target aspect ratio first.
        pad_to_aspect_ratio: Pad with zeros to the target aspect ratio first.
        data_format: `"channels_last"` gives `(H, W, C)`, `"channels_first"` `(C, H, W)`.

    Returns:
        A float32 tensor.

    Example:
        >>> import tempfile, os
        >>> from PIL import Image
        >>> path = os.path.join(tempfile.mkdtemp(), "red.png")
        >>> Image.new("RGB", (4, 2), (255, 0, 0)).save(path)
        >>> image = load_image(path, image_size=(3, 3))
        >>> image.shape, image[0, 0].tolist()
        (torch.Size([3, 3, 3]), [255.0, 0.0, 0.0])
    """
    image = read_pixels(
        path,
        image_size=image_size,
        num_channels=num_channels,
        interpolation=interpolation,
        crop_to_aspect_ratio=crop_to_aspect_ratio,
        pad_to_aspect_ratio=pad_to_aspect_ratio,
    ).to(torch.float32)
    return image.permute(2, 0, 1).contiguous() if data_format == "channels_first" else image
