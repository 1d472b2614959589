"""The image math behind the preprocessing layers: resizing, aspect-ratio boxes, affine resampling.

Pure functions on channels-first batches, `(batch, channels, height, width)`.
Pixel centres sit at integer coordinates, pixel (0, 0) being the top-left
one, as in Keras. An affine transform is Keras's eight numbers
`[a0, a1, a2, b0, b1, b2, c0, c1]`: the output pixel at `(x, y)` takes the
input's value at `(a0 * x + a1 * y + a2, b0 * x + b1 * y + b2)` (`c0`, `c1`,
the projective part, must be 0 here, as in Keras's `affine_transform`).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = [
    "AFFINE_INTERPOLATIONS",
    "FILL_MODES",
    "RESIZE_INTERPOLATIONS",
    "affine_transform",
    "aspect_ratio_box",
    "resize",
    "rotation_matrices",
    "translation_matrices",
    "zoom_matrices",
]

# Keras's torch backend resizes with these `F.interpolate` modes.
RESIZE_INTERPOLATIONS = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}
AFFINE_INTERPOLATIONS = ("nearest", "bilinear")
FILL_MODES = ("reflect", "wrap", "constant", "nearest")


def aspect_ratio_box(height: int, width: int, target_height: int, target_width: int) -> tuple[int, ...]:
    """The largest centred window of the target's aspect ratio: `(top, left, height, width)`.

    Keras's rule (`smart_resize`, `crop_to_aspect_ratio`): sizes truncate
    towards zero and are at least 1; the window starts at half the slack.

    Example:
        >>> aspect_ratio_box(340, 500, 200, 200)
        (0, 80, 340, 340)
    """
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    return int(float(height - crop_height) / 2), int(float(width - crop_width) / 2), crop_height, crop_width


def resize(
    images: torch.Tensor,
    size: tuple[int, int],
    *,
    interpolation: str = "bilinear",
    antialias: bool = False,
    crop_to_aspect_ratio: bool = False,
    pad_to_aspect_ratio: bool = False,
    fill_value: float = 0.0,
) -> torch.Tensor:
    """Resize a channels-first batch to `size`, as Keras's `ops.image.resize` on torch.

    Args:
        images: `(batch, channels, height, width)`, floating point.
        size: `(height, width)` of the result.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        antialias: Low-pass filter when downsampling (bilinear and bicubic only).
        crop_to_aspect_ratio: First take the largest centred window of the
            target's aspect ratio.
        pad_to_aspect_ratio: First pad the short side evenly with `fill_value`
            to the target's aspect ratio.
        fill_value: The padding value.

    Returns:
        `(batch, channels, *size)`.

    Example:
        >>> resize(torch.ones(1, 3, 4, 8), (2, 2), pad_to_aspect_ratio=True)[0, 0]
        tensor([[0.5000, 0.5000],
                [0.5000, 0.5000]])
    """
    height, width = images.shape[-2:]
    if crop_to_aspect_ratio:
        top, left, crop_height, crop_width = aspect_ratio_box(height, width, *size)
        images = images[..., top : top + crop_height, left : left + crop_width]
    elif pad_to_aspect_ratio:
        padded_height = max(height, int(float(width * size[0]) / size[1]))
        padded_width = max(width, int(float(height * size[1]) / size[0]))
        # Keras pads both sides with half the slack, rounded down (an odd slack loses a row).
        top, left = int(float(padded_height - height) / 2), int(float(padded_width - width) / 2)
        if top or left:
            images = F.pad(images, (left, left, top, top), value=float(fill_value))
    smooth = interpolation in ("bilinear", "bicubic")
    return F.interpolate(
        images,
        size=tuple(size),
        mode=RESIZE_INTERPOLATIONS[interpolation],
        align_corners=False if smooth else None,
        antialias=bool(antialias) and smooth,
    )


def affine_transform(
    images: torch.Tensor,
    transforms: torch.Tensor,
    *,
    interpolation: str = "bilinear",
    fill_mode: str = "constant",
    fill_value: float = 0.0,
) -> torch.Tensor:
    """Resample every image of a batch through its own affine transform, in one batched gather.

    The same values as Keras's `ops.image.affine_transform` on torch (its
    `map_coordinates`): points outside the image follow `fill_mode`, and
    bilinear sampling mixes the four neighbours, each filled on its own.

    Args:
        images: `(batch, channels, height, width)`, floating point.
        transforms: `(batch, 8)`, or `(8,)` for every image (see the module doc).
        interpolation: `"bilinear"` or `"nearest"` (half-way points round to even).
        fill_mode: Beyond the edges, `"reflect"` (`d c b a | a b c d | d c b a`),
            `"wrap"` (`a b c d | a b c d`), `"nearest"` (`a a | a b c d | d d`) or
            `"constant"` (`fill_value`).
        fill_value: The value outside the image for `fill_mode="constant"`.

    Returns:
        A tensor like `images`.

    Example:
        >>> image = torch.arange(4.0).reshape(1, 1, 1, 4)
        >>> shift_right = torch.tensor([1.0, 0, -1, 0, 1, 0, 0, 0])
        >>> affine_transform(image, shift_right, fill_mode="reflect")
        tensor([[[[0., 0., 1., 2.]]]])
    """
    batch, channels, height, width = images.shape
    transforms = transforms.to(images.device).reshape(-1, 8)
    if not transforms.is_floating_point():
        transforms = transforms.float()
    transforms = transforms.expand(batch, 8) if len(transforms) == 1 else transforms
    a0, a1, a2, b0, b1, b2 = (transforms[:, i].reshape(-1, 1, 1) for i in range(6))
    ys = torch.arange(height, dtype=transforms.dtype, device=images.device).reshape(1, -1, 1)
    xs = torch.arange(width, dtype=transforms.dtype, device=images.device).reshape(1, 1, -1)
    # Summed in Keras's order (the y term, the x term, then the offset).
    source_y = ys * b1 + xs * b0 + b2
    source_x = ys * a1 + xs * a0 + a2
    flat = images.reshape(batch, channels, height * width)
    result = None
    for row, row_weight in _neighbours(source_y, interpolation):
        for column, column_weight in _neighbours(source_x, interpolation):
            index = _fix_index(row, height, fill_mode) * width + _fix_index(column, width, fill_mode)
            values = flat.gather(2, index.reshape(batch, 1, -1).expand(-1, channels, -1))
            values = values.reshape(batch, channels, height, width)
            if fill_mode == "constant":
                inside = (row >= 0) & (row < height) & (column >= 0) & (column < width)
                values = torch.where(inside.unsqueeze(1), values, fill_value)
            if row_weight is not None:
                values = (row_weight * column_weight).unsqueeze(1) * values
            result = values if result is None else result + values
    return result.to(images.dtype)


def _neighbours(
    coordinate: torch.Tensor, interpolation: str
) -> list[tuple[torch.Tensor, torch.Tensor | None]]:
    """The integer sample points of `coordinate` and their weights (None: weight 1)."""
    if interpolation == "nearest":
        return [(torch.round(coordinate).long(), None)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    lower = lower.long()
    return [(lower, 1 - upper_weight), (lower + 1, upper_weight)]


def _fix_index(index: torch.Tensor, size: int, fill_mode: str) -> torch.Tensor:
    """Indices outside `[0, size)` mapped inside, the `fill_mode` way (constant: masked later)."""
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "reflect":
        # Reflection about the outer edges, as a triangle wave of period 2 * size.
        return (_mirror(2 * index + 1, 2 * size + 1) - 1) // 2
    return index.clamp(0, size - 1)


def _mirror(index: torch.Tensor, size: int) -> torch.Tensor:
    half_period = size - 1
    return ((index + half_period) % (2 * half_period) - half_period).abs()


def rotation_matrices(angles: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """`(batch, 8)` transforms that rotate about the image centre by `angles` degrees (counter-clockwise).

    Keras's `_compute_affine_matrix` with no translation, shear or scaling.

    Example:
        >>> rotation_matrices(torch.tensor([90.0]), 3, 3).round(decimals=4)
        tensor([[-0., -1., 2., 1., -0., 0., 0., 0.]])
    """
    radians = angles * torch.tensor(math.pi / 180.0, dtype=angles.dtype, device=angles.device)
    center_x = 0.5 * (torch.tensor(width, dtype=angles.dtype, device=angles.device) - 1)
    center_y = 0.5 * (torch.tensor(height, dtype=angles.dtype, device=angles.device) - 1)
    cos, sin = torch.cos(radians), torch.sin(radians)
    a0, a1, b0, b1 = cos, -sin, sin, cos
    a2 = center_x - center_x * a0 - center_y * a1
    b2 = center_y - center_x * b0 - center_y * b1
    zeros = torch.zeros_like(angles)
    return torch.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], dim=1)


def zoom_matrices(zooms: torch.Tensor, height: int, width: int) -> torch.Tensor:
    """`(batch, 8)` transforms that scale about the image centre; `zooms` is `(batch, 2)`: `(x, y)`.

    A zoom above 1 samples a larger area (zooms out).

    Example:
        >>> zoom_matrices(torch.tensor([[2.0, 0.5]]), 5, 3).tolist()
        [[2.0, 0.0, -1.0, 0.0, 0.5, 1.0, 0.0, 0.0]]
    """
    zoom_x, zoom_y = zooms[:, 0], zooms[:, 1]
    offset_x = ((width - 1.0) / 2.0) * (1.0 - zoom_x)
    offset_y = ((height - 1.0) / 2.0) * (1.0 - zoom_y)
    zeros = torch.zeros_like(zoom_x)
    return torch.stack([zoom_x, zeros, offset_x, zeros, zoom_y, offset_y, zeros, zeros], dim=1)


def translation_matrices(translations: torch.Tensor) -> torch.Tensor:
    """`(batch, 8)` transforms that shift by `translations`, `(batch, 2)` pixels: `(x, y)`.

    Example:
        >>> translation_matrices(torch.tensor([[2.0, -1.0]]))
        tensor([[ 1.,  0., -2.,  0.,  1.,  1.,  0.,  0.]])
    """
    ones, zeros = torch.ones_like(translations[:, 0]), torch.zeros_like(translations[:, 0])
    return torch.stack(
        [ones, zeros, -translations[:, 0], zeros, ones, -translations[:, 1], zeros, zeros], dim=1
    )
