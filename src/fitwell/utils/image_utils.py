"""Keras's single-image helpers: `load_img`, `img_to_array`, `array_to_img`, `save_img` (Pillow).

An image travels as a Pillow image between files and arrays: `load_img`
reads a file into one, `img_to_array` makes it a `(H, W, C)` float32 array,
`array_to_img` makes an array (or a torch tensor) an image again, and
`save_img` writes one. The results are Keras's, pixel for pixel. Pillow is
needed (`pip install "fitwell[image]"`).
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings
from typing import Any

import numpy as np

from fitwell.saving.atomic import write_bytes

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img"]

_COLOR_MODES = ("grayscale", "rgb", "rgba")
_DATA_FORMATS = ("channels_last", "channels_first")
#: Keras's names of Pillow's resampling filters.
_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pillow():  # noqa: ANN202 - returns the PIL.Image module
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(
            "Loading, converting and saving images needs Pillow, which is not installed. "
            'Install it with `pip install "fitwell[image]"` (or `pip install pillow`).'
        ) from error
    return Image


def _check_data_format(data_format: str | None) -> str:
    if data_format is None:
        return "channels_last"  # Keras's default `image_data_format()`
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            "`data_format` must be 'channels_last', 'channels_first' or None. "
            f"Received: data_format={data_format!r}"
        )
    return data_format


def _check_load_arguments(color_mode: str, interpolation: str, target_size: Any) -> None:
    if color_mode not in _COLOR_MODES:
        raise ValueError(f"`color_mode` must be one of {_COLOR_MODES}. Received: color_mode={color_mode!r}")
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(
            f"`interpolation` must be one of {_INTERPOLATIONS}. Received: interpolation={interpolation!r}"
        )
    if target_size is not None and (
        not isinstance(target_size, list | tuple)
        or len(target_size) != 2
        or not all(isinstance(side, int | np.integer) and side > 0 for side in target_size)
    ):
        raise ValueError(
            "`target_size` must be None or (height, width), two positive ints. "
            f"Received: target_size={target_size!r}"
        )


def load_img(
    path: str | os.PathLike | bytes | io.BytesIO,
    color_mode: str = "rgb",
    target_size: tuple[int, int] | None = None,
    interpolation: str = "nearest",
    keep_aspect_ratio: bool = False,
) -> Any:
    """Read an image file into a Pillow image, converted to `color_mode` and resized to `target_size`.

    Args:
        path: The file (a path, or an `io.BytesIO` of the file's bytes).
        color_mode: `"rgb"`, `"rgba"` or `"grayscale"` (a 16- or 32-bit
            grey image stays as it is; anything else becomes 8-bit grey).
        target_size: `(height, width)`, or None to keep the file's size.
        interpolation: Pillow's filter for resizing: `"nearest"`,
            `"bilinear"`, `"bicubic"`, `"hamming"`, `"box"` or `"lanczos"`.
        keep_aspect_ratio: Crop the centre to the target's aspect ratio
            before resizing, so the image is not distorted.

    Returns:
        A `PIL.Image.Image`; `img_to_array` makes it an array.

    Raises:
        TypeError: When `path` is not a path or `io.BytesIO`.
        ValueError: For an unknown `color_mode` or `interpolation`, or a
            bad `target_size`.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "red.png"
        >>> save_img(path, np.full((6, 8, 3), 200.0), scale=False)
        >>> image = load_img(path, target_size=(3, 4))
        >>> image.size, image.mode
        ((4, 3), 'RGB')
        >>> img_to_array(image)[0, 0]
        array([200., 200., 200.], dtype=float32)
    """
    _check_load_arguments(color_mode, interpolation, target_size)
    image_module = _pillow()
    if isinstance(path, io.BytesIO):
        image = image_module.open(path)
    elif isinstance(path, str | bytes | os.PathLike):
        with open(path, "rb") as file:  # read whole, so the file is closed before Pillow decodes lazily
            image = image_module.open(io.BytesIO(file.read()))
    else:
        raise TypeError(
            "`path` must be a file path or an io.BytesIO of the file's bytes. "
            f"Received: {type(path).__name__}"
        )
    keep = {"grayscale": ("L", "I;16", "I"), "rgb": ("RGB",), "rgba": ("RGBA",)}[color_mode]
    if image.mode not in keep:
        image = image.convert(keep[0])
    if target_size is None:
        return image
    size = (int(target_size[1]), int(target_size[0]))  # Pillow speaks (width, height)
    if image.size == size:
        return image
    resample = getattr(image_module.Resampling, interpolation.upper())
    if not keep_aspect_ratio:
        return image.resize(size, resample)
    width, height = image.size
    # Keras's centred crop to the target's aspect ratio, in whole pixels.
    crop_height = min(height, (width * size[1]) // size[0])
    crop_width = min(width, (height * size[0]) // size[1])
    left, top = (width - crop_width) // 2, (height - crop_height) // 2
    return image.resize(size, resample, box=(left, top, left + crop_width, top + crop_height))


def img_to_array(img: Any, data_format: str | None = None, dtype: Any = None) -> np.ndarray:
    """A Pillow image (or anything NumPy reads) as a 3D array: `(H, W, C)`, or `(C, H, W)`.

    A grey image gets a channel axis of 1.

    Args:
        img: The image.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        dtype: The array's dtype (default float32).

    Returns:
        The pixels as a NumPy array.

    Raises:
        ValueError: For an image that is not 2D or 3D, or a bad `data_format`.

    Example:
        >>> from PIL import Image
        >>> img_to_array(Image.new("L", (5, 2), 7), data_format="channels_first").shape
        (1, 2, 5)
    """
    data_format = _check_data_format(data_format)
    array = np.asarray(img, dtype=dtype or "float32")
    if array.ndim == 2:
        return array[None] if data_format == "channels_first" else array[..., None]
    if array.ndim != 3:
        raise ValueError(
            f"`img` must be one image: 2D (grey) or 3D. Received: an array of shape {array.shape}"
        )
    return array.transpose(2, 0, 1) if data_format == "channels_first" else array


def array_to_img(x: Any, data_format: str | None = None, scale: bool = True, dtype: Any = None) -> Any:
    """A 3D array (or torch tensor) of one image as a Pillow image.

    With `scale`, values are stretched to 0–255 (minimum to 0, maximum to
    255); without it they are cast to 8 bits as they are. 3 channels give
    an RGB image, 4 RGBA, 1 grey (32-bit grey when a value exceeds 255).

    Args:
        x: The image: `(H, W, C)`, or `(C, H, W)` with `"channels_first"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        scale: Stretch the values to 0–255.
        dtype: The dtype to compute in (default float32).

    Returns:
        A `PIL.Image.Image`.

    Raises:
        ValueError: For an array that is not 3D, or with 2 or more than 4 channels.

    Example:
        >>> image = array_to_img(np.linspace(0.0, 1.0, 12).reshape(2, 2, 3))
        >>> image.mode, image.getpixel((1, 1))
        ('RGB', (208, 231, 255))
    """
    data_format = _check_data_format(data_format)
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch tensor, wherever it lives
        x = x.detach().cpu().numpy()
    array = np.array(x, dtype=dtype or "float32")  # a copy: scaled in place below
    if array.ndim != 3:
        raise ValueError(f"`x` must be one image, a 3D array. Received: an array of shape {array.shape}")
    if data_format == "channels_first":
        array = array.transpose(1, 2, 0)
    if array.shape[2] not in (1, 3, 4):
        raise ValueError(
            f"`x` must have 1, 3 or 4 channels (grey, RGB, RGBA). Received: {array.shape[2]} channels "
            f"(shape {array.shape}, data_format={data_format!r})"
        )
    if scale:
        array = array - np.min(array)
        highest = np.max(array)
        if highest != 0:
            array /= highest
        array *= 255
    image_module = _pillow()
    if array.shape[2] == 4:
        return image_module.fromarray(array.astype("uint8"), "RGBA")
    if array.shape[2] == 3:
        return image_module.fromarray(array.astype("uint8"), "RGB")
    if np.max(array) > 255:
        return image_module.fromarray(array[:, :, 0].astype("int32"), "I")
    return image_module.fromarray(array[:, :, 0].astype("uint8"), "L")


def save_img(
    path: str | os.PathLike | Any,
    x: Any,
    data_format: str | None = None,
    file_format: str | None = None,
    scale: bool = True,
    **kwargs: Any,
) -> None:
    """Write a 3D array of one image as an image file (atomically: a failed write leaves the old file).

    Args:
        path: The file, or a binary file object (then `file_format` is needed).
        x: The image, as `array_to_img` takes it.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        file_format: `"png"`, `"jpeg"` (or `"jpg"`), ...; default: from
            the path's extension.
        scale: Stretch the values to 0–255 (see `array_to_img`).
        **kwargs: Passed to Pillow's `Image.save` (e.g. `quality=95`).

    Raises:
        ValueError: When the format is unknown or cannot be told from `path`.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "grey.png"
        >>> save_img(path, np.zeros((2, 3, 1)))
        >>> load_img(path, color_mode="grayscale").size
        (3, 2)
    """
    data_format = _check_data_format(data_format)
    is_path = isinstance(path, str | os.PathLike)
    if file_format is None and is_path:
        file_format = pathlib.Path(path).suffix[1:]
    file_format = (file_format or "").lower()
    if file_format == "jpg":
        file_format = "jpeg"
    image_module = _pillow()
    image_module.init()  # registers every format Pillow can write
    if file_format.upper() not in image_module.SAVE:
        where = f" from path={os.fspath(path)!r}" if is_path else " for a file object"
        raise ValueError(
            f"`file_format` must be an image format Pillow writes, e.g. 'png' or 'jpeg'. Received: "
            f"file_format={file_format!r}{where}. Pass file_format= or use a path with an image extension."
        )
    image = array_to_img(x, data_format=data_format, scale=scale)
    if image.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("JPEG has no alpha channel: the RGBA image is saved as RGB.", stacklevel=2)
        image = image.convert("RGB")
    encoded = io.BytesIO()
    image.save(encoded, format=file_format, **kwargs)
    if is_path:
        write_bytes(path, encoded.getvalue())
    else:
        path.write(encoded.getvalue())
