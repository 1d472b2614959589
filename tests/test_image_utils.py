"""`load_img`, `img_to_array`, `array_to_img`, `save_img`: Keras's results on small generated files."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import fitwell
from fitwell.utils import array_to_img, img_to_array, load_img, save_img

Image = pytest.importorskip("PIL.Image")
keras = pytest.importorskip("keras")  # its image helpers run without TensorFlow


@pytest.fixture(scope="module")
def image_files(tmp_path_factory) -> dict[str, Path]:
    """One small file per kind of image Keras converts differently."""
    root = tmp_path_factory.mktemp("image_files")
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, size=(7, 10, 3), dtype=np.uint8)
    files = {
        "rgb.png": Image.fromarray(rgb),
        "rgba.png": Image.fromarray(rng.integers(0, 256, size=(9, 6, 4), dtype=np.uint8), "RGBA"),
        "grey.png": Image.fromarray(rgb[..., 0]),
        "grey16.png": Image.fromarray(rng.integers(0, 60000, size=(5, 8)).astype(np.uint16)),
        "palette.png": Image.fromarray(rgb).convert("P"),
        "photo.jpg": Image.fromarray(rgb),
    }
    for name, image in files.items():
        image.save(root / name)
    return {name: root / name for name in files}


def same_image(ours, theirs) -> None:
    assert (ours.mode, ours.size) == (theirs.mode, theirs.size)
    np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


@pytest.mark.parametrize(
    "name", ["rgb.png", "rgba.png", "grey.png", "grey16.png", "palette.png", "photo.jpg"]
)
@pytest.mark.parametrize("color_mode", ["rgb", "rgba", "grayscale"])
def test_load_img_decodes_and_converts_as_keras(image_files, name, color_mode):
    path = image_files[name]
    same_image(load_img(path, color_mode=color_mode), keras.utils.load_img(path, color_mode=color_mode))


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear", "bicubic", "hamming", "box", "lanczos"])
@pytest.mark.parametrize("target_size", [(4, 5), (12, 3)])
def test_load_img_resizes_and_crops_as_keras(image_files, interpolation, target_size):
    path = image_files["rgb.png"]
    for keep_aspect_ratio in (False, True):
        options = {"target_size": target_size, "interpolation": interpolation}
        options["keep_aspect_ratio"] = keep_aspect_ratio
        same_image(load_img(path, **options), keras.utils.load_img(path, **options))
    cropped = np.asarray(load_img(path, target_size=(7, 7), keep_aspect_ratio=True))
    np.testing.assert_array_equal(cropped, np.asarray(Image.open(path))[:, 1:8])  # the centred square


def test_load_img_takes_a_string_path_and_bytes_in_memory(image_files):
    path = image_files["rgb.png"]
    expected = keras.utils.load_img(str(path))
    same_image(load_img(str(path)), expected)
    same_image(load_img(io.BytesIO(path.read_bytes())), expected)
    assert fitwell.preprocessing.image.load_img is load_img
    assert fitwell.preprocessing.image.save_img is save_img is fitwell.utils.save_img


@pytest.mark.parametrize("data_format", [None, "channels_last", "channels_first"])
@pytest.mark.parametrize("name", ["rgb.png", "grey.png", "grey16.png"])
def test_img_to_array_is_kerass(image_files, name, data_format):
    image = keras.utils.load_img(image_files[name], color_mode="grayscale" if "grey" in name else "rgb")
    ours, theirs = img_to_array(image, data_format), keras.utils.img_to_array(image, data_format)
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)
    as_ints = img_to_array(image, data_format=data_format, dtype="int32")
    np.testing.assert_array_equal(as_ints, keras.utils.img_to_array(image, data_format, dtype="int32"))
    assert as_ints.dtype == np.int32


@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("scale", [True, False])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_array_to_img_is_kerass(channels, scale, data_format):
    rng = np.random.default_rng(channels)
    shape = (5, 6, channels) if data_format == "channels_last" else (channels, 5, 6)
    pixels = rng.uniform(-0.5, 1.5, size=shape) if scale else rng.uniform(0, 255, size=shape)
    expected = keras.utils.array_to_img(pixels, data_format=data_format, scale=scale)
    same_image(array_to_img(pixels, data_format=data_format, scale=scale), expected)
    same_image(array_to_img(torch.from_numpy(pixels), data_format=data_format, scale=scale), expected)


def test_array_to_img_keeps_grey_above_255_as_32_bit():
    pixels = np.arange(12.0).reshape(3, 4, 1) * 100
    ours = array_to_img(pixels, scale=False)
    assert ours.mode == "I"
    same_image(ours, keras.utils.array_to_img(pixels, scale=False))


@pytest.mark.parametrize("file_name", ["out.png", "out.jpg", "out.bmp"])
def test_save_img_writes_the_bytes_keras_writes(tmp_path, file_name):
    pixels = np.random.default_rng(1).uniform(0, 1, size=(6, 5, 3))
    keras.utils.save_img(tmp_path / f"keras_{file_name}", pixels)
    save_img(tmp_path / file_name, pixels)
    assert (tmp_path / file_name).read_bytes() == (tmp_path / f"keras_{file_name}").read_bytes()
    keras.utils.save_img(tmp_path / "keras_q.jpg", pixels, quality=30)
    save_img(str(tmp_path / "q.jpg"), pixels, quality=30)  # extra arguments go to Pillow
    assert (tmp_path / "q.jpg").read_bytes() == (tmp_path / "keras_q.jpg").read_bytes()


def test_save_img_to_a_file_object_and_rgba_to_jpeg(tmp_path):
    pixels = np.random.default_rng(2).uniform(0, 1, size=(4, 4, 4))
    buffer = io.BytesIO()
    save_img(buffer, pixels, file_format="png")
    assert Image.open(io.BytesIO(buffer.getvalue())).mode == "RGBA"
    with pytest.warns(UserWarning, match="JPEG has no alpha channel"):
        save_img(tmp_path / "flat.jpeg", pixels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        keras.utils.save_img(tmp_path / "keras_flat.jpeg", pixels)
    assert (tmp_path / "flat.jpeg").read_bytes() == (tmp_path / "keras_flat.jpeg").read_bytes()


def test_save_img_leaves_the_old_file_when_encoding_fails(tmp_path):
    target = tmp_path / "kept.jpg"
    target.write_bytes(b"old contents")
    big_grey = np.full((3, 3, 1), 1000.0)  # a 32-bit grey image: JPEG cannot hold it
    with pytest.raises(OSError, match="cannot write mode I as JPEG"):
        save_img(target, big_grey, scale=False)
    assert target.read_bytes() == b"old contents"


def test_bad_arguments_get_a_clear_error(image_files, tmp_path):
    path = image_files["rgb.png"]
    with pytest.raises(ValueError, match=r"`color_mode` must be one of .* Received: color_mode='bgr'"):
        load_img(path, color_mode="bgr")
    with pytest.raises(ValueError, match="`interpolation` must be one of .* Received: interpolation='area'"):
        load_img(path, target_size=(2, 2), interpolation="area")
    with pytest.raises(ValueError, match=r"`target_size` must be None or \(height, width\)"):
        load_img(path, target_size=(0, 4))
    with pytest.raises(TypeError, match="`path` must be a file path or an io.BytesIO.*Received: int"):
        load_img(3)
    with pytest.raises(ValueError, match="`img` must be one image: 2D .* shape \\(2, 3, 4, 3\\)"):
        img_to_array(np.zeros((2, 3, 4, 3)))
    with pytest.raises(ValueError, match="`x` must be one image, a 3D array. Received: .* shape \\(4, 4\\)"):
        array_to_img(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="`x` must have 1, 3 or 4 channels .* Received: 2 channels"):
        array_to_img(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="`data_format` must be 'channels_last', 'channels_first' or None"):
        img_to_array(np.zeros((4, 4, 3)), data_format="NHWC")
    with pytest.raises(ValueError, match="`file_format` must be an image format Pillow writes.*'txt'"):
        save_img(tmp_path / "notes.txt", np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="for a file object"):
        save_img(io.BytesIO(), np.zeros((2, 2, 3)))
