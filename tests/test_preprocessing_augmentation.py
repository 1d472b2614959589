"""Random image augmentations: the same transformation gives Keras's output; draws, seeds and modes."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers

FILL_MODES = ["reflect", "wrap", "constant", "nearest"]
INTERPOLATIONS = ["bilinear", "nearest"]


def images(shape=(4, 7, 9, 3), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype("float32")


def keras_numpy(keras, value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value))


def copied(transformation: dict) -> dict:
    return {k: v.clone() if isinstance(v, torch.Tensor) else v for k, v in transformation.items()}


def assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation):
    # Keras's torch backend changes its arguments in place (the matrix, the images): give it copies.
    expected = reference.transform_images(torch.from_numpy(x.copy()), copied(transformation), training=True)
    expected = keras_numpy(keras, expected)
    got = ours.transform_images(torch.from_numpy(x), transformation, training=True)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


# -- the same transformation: the same images as Keras -----------------------------
@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_rotation_matches_keras_for_the_same_angles(fill_mode, interpolation):
    keras = pytest.importorskip("keras")
    arguments = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": 7.0}
    reference, ours = keras.layers.RandomRotation(0.3, **arguments), layers.RandomRotation(0.3, **arguments)
    x = images()
    transformation = reference.get_random_transformation(x, training=True, seed=11)
    assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_zoom_matches_keras_for_the_same_zooms(fill_mode, interpolation):
    keras = pytest.importorskip("keras")
    arguments = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": 7.0}
    reference = keras.layers.RandomZoom(0.4, (-0.5, 0.2), **arguments)
    ours = layers.RandomZoom(0.4, (-0.5, 0.2), **arguments)
    x = images()
    transformation = reference.get_random_transformation(x, training=True, seed=3)
    assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
def test_translation_matches_keras_for_the_same_shifts(fill_mode, interpolation):
    keras = pytest.importorskip("keras")
    arguments = {"fill_mode": fill_mode, "interpolation": interpolation, "fill_value": -2.0}
    reference = keras.layers.RandomTranslation(0.4, (-0.6, 0.2), **arguments)
    ours = layers.RandomTranslation(0.4, (-0.6, 0.2), **arguments)
    x = images()
    transformation = reference.get_random_transformation(x, training=True, seed=3)
    assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation)


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_flip_matches_keras_for_the_same_flips(mode):
    keras = pytest.importorskip("keras")
    reference, ours = keras.layers.RandomFlip(mode), layers.RandomFlip(mode)
    x = images((8, 5, 6, 2))
    transformation = reference.get_random_transformation(x, training=True, seed=2)
    assert 0 < int(transformation["flips"].sum()) < 8  # some images flip, some do not
    assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation)


def test_contrast_and_brightness_match_keras_for_the_same_factors():
    keras = pytest.importorskip("keras")
    x = images()
    for name, factor in (("RandomContrast", (0.3, 0.6)), ("RandomBrightness", 0.4)):
        reference = getattr(keras.layers, name)(factor, value_range=(0, 255))
        ours = getattr(layers, name)(factor, value_range=(0, 255))
        transformation = reference.get_random_transformation(x, training=True, seed=4)
        assert_same_output_for_keras_transformation(keras, ours, reference, x, transformation)


@pytest.mark.parametrize("size", [(4, 5), (7, 5), (9, 12)])
def test_random_crop_matches_keras_for_the_same_offsets(size):
    keras = pytest.importorskip("keras")
    reference, ours = keras.layers.RandomCrop(*size), layers.RandomCrop(*size)
    x = images()
    h_start, w_start = reference.get_random_transformation(x, training=True, seed=6)
    expected = keras_numpy(keras, reference.transform_images(x, (h_start, w_start), training=True))
    offsets = {"h_start": h_start, "w_start": w_start}
    got = ours.transform_images(torch.from_numpy(x), offsets, training=True)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


# -- the same seed: the same draws as Keras ------------------------------------------
@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("RandomFlip", ("horizontal_and_vertical",)),
        ("RandomRotation", (0.2,)),
        ("RandomZoom", (0.3, 0.2)),
        ("RandomTranslation", (0.2, 0.3)),
        ("RandomContrast", (0.5,)),
        ("RandomBrightness", (0.3,)),
        ("RandomCrop", (4, 5)),
    ],
)
def test_a_seeded_layer_draws_what_keras_draws_call_after_call(name, arguments):
    keras = pytest.importorskip("keras")
    reference, ours = (
        getattr(keras.layers, name)(*arguments, seed=5),
        getattr(layers, name)(*arguments, seed=5),
    )
    x = images()
    for _ in range(2):  # each call draws anew, in the same sequence
        expected = keras_numpy(keras, reference(x, training=True))
        got = ours(torch.from_numpy(x), training=True)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


def test_a_single_image_is_augmented_like_keras():
    keras = pytest.importorskip("keras")
    x = images((7, 9, 3))
    for name, arguments in (("RandomRotation", (0.2,)), ("RandomZoom", (0.3,)), ("RandomFlip", ())):
        reference, ours = (
            getattr(keras.layers, name)(*arguments, seed=1),
            getattr(layers, name)(*arguments, seed=1),
        )
        got = ours(torch.from_numpy(x), training=True)
        assert got.shape == x.shape
        np.testing.assert_allclose(got.numpy(), keras_numpy(keras, reference(x, training=True)), atol=1e-4)


def test_channels_first_rotation_matches_keras():
    keras = pytest.importorskip("keras")
    x = images((2, 3, 7, 9))
    reference = keras.layers.RandomRotation(0.2, fill_mode="constant", seed=1, data_format="channels_first")
    ours = layers.RandomRotation(0.2, fill_mode="constant", seed=1, data_format="channels_first")
    got = ours(torch.from_numpy(x), training=True)
    np.testing.assert_allclose(got.numpy(), keras_numpy(keras, reference(x, training=True)), atol=1e-4)


@pytest.mark.parametrize(
    "make",
    [
        lambda fmt: layers.RandomFlip(seed=1, data_format=fmt),
        lambda fmt: layers.RandomZoom(0.3, seed=1, data_format=fmt),
        lambda fmt: layers.RandomTranslation(0.3, 0.3, seed=1, data_format=fmt),
        lambda fmt: layers.RandomContrast(0.5, seed=1, data_format=fmt),
        lambda fmt: layers.RandomBrightness(0.5, seed=1, data_format=fmt),
        lambda fmt: layers.RandomCrop(4, 5, seed=1, data_format=fmt),
    ],
)
def test_channels_first_gives_the_transposed_augmentation(make):
    x = torch.from_numpy(images())
    channels_last = make("channels_last")(x, training=True)
    channels_first = make("channels_first")(x.permute(0, 3, 1, 2), training=True)
    torch.testing.assert_close(channels_first.permute(0, 2, 3, 1), channels_last, rtol=1e-6, atol=1e-4)


# -- modes, seeds, ranges ---------------------------------------------------------------
def all_augmentations(seed=None) -> list[layers.Layer]:
    return [
        layers.RandomFlip(seed=seed),
        layers.RandomRotation(0.2, seed=seed),
        layers.RandomZoom(0.3, seed=seed),
        layers.RandomTranslation(0.2, 0.2, seed=seed),
        layers.RandomContrast(0.5, seed=seed),
        layers.RandomBrightness(0.3, seed=seed),
    ]


def test_inference_mode_returns_the_images_unchanged_and_a_direct_call_augments_as_keras():
    x = torch.from_numpy(images())
    for layer in all_augmentations(seed=1):
        assert torch.equal(layer(x, training=False), x), type(layer).__name__
        assert not torch.equal(layer(x, training=True), x), type(layer).__name__
        assert not torch.equal(layer(x), x), type(layer).__name__  # Keras's default: training=True


def test_predict_does_not_augment_and_leaves_a_direct_call_augmenting():
    x = torch.from_numpy(images((4, 8, 8, 3)))
    model = fitwell.Sequential([fitwell.Input(shape=(8, 8, 3)), layers.RandomFlip(seed=3), layers.Flatten()])
    first, second = model.predict(x, verbose=0), model.predict(x, verbose=0)
    np.testing.assert_array_equal(first, x.reshape(4, -1).numpy())
    np.testing.assert_array_equal(first, second)
    assert not torch.equal(model(x), x.reshape(4, -1))  # the direct call still augments afterwards
    assert torch.equal(model(x, training=False), x.reshape(4, -1))


def test_random_crop_in_inference_crops_the_centre_to_the_target_aspect_ratio_and_resizes():
    x = torch.from_numpy(images((2, 8, 12, 3)))
    expected = layers.Resizing(4, 4, crop_to_aspect_ratio=True)(x)
    assert torch.equal(layers.RandomCrop(4, 4)(x, training=False), expected)
    same_size = torch.from_numpy(images((2, 4, 4, 3)))
    assert torch.equal(layers.RandomCrop(4, 4)(same_size, training=False), same_size)


def test_random_crop_takes_one_window_of_the_image_per_call():
    x = torch.arange(2 * 10 * 12, dtype=torch.float32).reshape(2, 10, 12, 1)
    crop = layers.RandomCrop(3, 4, seed=0)
    corners = set()
    for _ in range(20):
        out = crop(x, training=True)
        top, left = divmod(int(out[0, 0, 0, 0]), 12)
        assert torch.equal(out, x[:, top : top + 3, left : left + 4])  # one window shared by the batch
        corners.add((top, left))
    assert len(corners) > 5 and all(0 <= t <= 7 and 0 <= c <= 8 for t, c in corners)


def test_a_smaller_image_is_resized_by_random_crop_in_training_as_keras():
    keras = pytest.importorskip("keras")
    x = images((2, 3, 10, 3))
    expected = keras_numpy(keras, keras.layers.RandomCrop(4, 4, seed=1)(x, training=True))
    got = layers.RandomCrop(4, 4, seed=1)(torch.from_numpy(x), training=True)
    assert got.shape == (2, 4, 4, 3)
    np.testing.assert_allclose(got.numpy(), expected, atol=1e-4)


def test_the_same_seed_repeats_the_augmentations_and_each_call_draws_new_ones():
    x = torch.from_numpy(images())
    for first, second in zip(all_augmentations(seed=3), all_augmentations(seed=3), strict=True):
        a1, a2 = first(x, training=True), first(x, training=True)
        assert torch.equal(second(x, training=True), a1), type(first).__name__
        assert torch.equal(second(x, training=True), a2)
        assert not torch.equal(a1, a2), type(first).__name__


def test_unseeded_layers_follow_the_global_seed():
    x = torch.from_numpy(images())
    fitwell.utils.set_random_seed(7)
    first = [layer(x, training=True) for layer in all_augmentations()]
    fitwell.utils.set_random_seed(7)
    second = [layer(x, training=True) for layer in all_augmentations()]
    for a, b in zip(first, second, strict=True):
        assert torch.equal(a, b)


def test_each_image_of_a_batch_gets_its_own_transformation():
    x = torch.from_numpy(images((1, 7, 9, 3))).expand(6, -1, -1, -1)
    for layer in all_augmentations(seed=2):
        out = layer(x, training=True)
        distinct = {tuple(image.flatten().tolist()) for image in out}
        assert len(distinct) > 1, type(layer).__name__


def draws(layer, name, shape=(2000, 5, 5, 1)) -> torch.Tensor:
    """What `layer` draws for a batch of `shape` (2000 images by default)."""
    return layer.get_random_transformation(torch.zeros(shape), training=True)[name]


def test_rotation_angles_stay_within_factor_times_a_full_turn():
    angles = draws(layers.RandomRotation(0.1, seed=0), "angle")
    assert angles.shape == (2000,)
    assert -36.0 <= float(angles.min()) < -34.0 and 34.0 < float(angles.max()) < 36.0
    skewed = draws(layers.RandomRotation((-0.05, 0.25), seed=0), "angle")
    assert -18.0 <= float(skewed.min()) < -17.0 and 89.0 < float(skewed.max()) < 90.0


def test_zoom_translation_contrast_and_brightness_draws_follow_their_ranges():
    zoom = layers.RandomZoom((-0.3, -0.2), (0.1, 0.4), seed=0).get_random_transformation(
        torch.zeros(2000, 5, 5, 1), training=True
    )
    assert 0.7 <= float(zoom["height_zoom"].min()) and float(zoom["height_zoom"].max()) < 0.8
    assert 1.1 <= float(zoom["width_zoom"].min()) and float(zoom["width_zoom"].max()) < 1.4
    same = layers.RandomZoom(0.2, seed=0).get_random_transformation(torch.zeros(8, 5, 5, 1))
    assert torch.equal(same["height_zoom"], same["width_zoom"])  # no width_factor: the aspect ratio stays
    shifts = draws(
        layers.RandomTranslation((0.0, 0.5), (-0.2, 0.0), seed=0), "translations", shape=(2000, 10, 20, 1)
    )
    assert float(shifts[:, 1].min()) >= 0.0 and float(shifts[:, 1].max()) < 5.0  # rows: up to half of 10
    assert float(shifts[:, 0].min()) >= -4.0 and float(shifts[:, 0].max()) <= 0.0  # columns: a fifth of 20
    contrast = draws(layers.RandomContrast((0.2, 0.5), seed=0), "contrast_factor")
    assert 0.8 <= float(contrast.min()) < 0.81 and 1.49 < float(contrast.max()) < 1.5
    assert float(draws(layers.RandomContrast(0.5, seed=0), "contrast_factor").min()) >= 1.0  # Keras: (0, f)
    delta = draws(layers.RandomBrightness(0.2, value_range=(0, 1), seed=0), "rgb_delta")
    assert -0.2 <= float(delta.min()) < -0.19 and 0.19 < float(delta.max()) < 0.2


def test_contrast_and_brightness_clip_to_the_value_range():
    x = torch.from_numpy(images())
    brighter = layers.RandomBrightness((0.9, 1.0), value_range=(0, 255))(x, training=True)
    assert float(brighter.min()) > 200.0 and float(brighter.max()) == 255.0
    darker = layers.RandomBrightness((-1.0, -0.9), value_range=(0, 255))(x, training=True)
    assert float(darker.min()) == 0.0 and float(darker.max()) < 60.0
    contrast = layers.RandomContrast((0.0, 1.0), value_range=(50, 200), seed=1)(x, training=True)
    assert float(contrast.min()) >= 50.0 and float(contrast.max()) <= 200.0


def test_contrast_scales_each_channels_deviation_from_its_mean():
    x = torch.from_numpy(images()) / 255 * 0.2 + 0.4  # values in [0.4, 0.6]: nothing clips
    layer = layers.RandomContrast((0.5, 0.5), value_range=(0, 1))
    transformation = layer.get_random_transformation(x, training=True, seed=0)
    factor = transformation["contrast_factor"]
    assert factor.shape == (4, 1, 1, 1) and float(factor.std()) > 0.01
    assert 0.5 <= float(factor.min()) and float(factor.max()) < 1.5
    mean = x.mean(dim=(1, 2), keepdim=True)
    torch.testing.assert_close(layer.transform_images(x, transformation), (x - mean) * factor + mean)


def test_fill_modes_extend_the_image_as_documented():
    row = torch.tensor([1.0, 2.0, 3.0, 4.0]).reshape(1, 1, 4, 1)
    shift = {"translations": torch.tensor([[3.0, 0.0]])}  # three pixels to the right
    expected = {
        "reflect": [3.0, 2.0, 1.0, 1.0],  # d c b a | a b c d
        "wrap": [2.0, 3.0, 4.0, 1.0],
        "nearest": [1.0, 1.0, 1.0, 1.0],
        "constant": [9.0, 9.0, 9.0, 1.0],
    }
    for fill_mode, values in expected.items():
        layer = layers.RandomTranslation(0.0, 1.0, fill_mode=fill_mode, fill_value=9.0)
        assert layer.transform_images(row, shift).flatten().tolist() == values, fill_mode


# -- bad arguments ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.RandomRotation(1.5), r"`factor` must be .* in \[-1.0, 1.0\]. Received: factor=1.5"),
        (lambda: layers.RandomRotation((0.1, 0.2, 0.3)), r"Received: factor=\(0.1, 0.2, 0.3\)"),
        (lambda: layers.RandomRotation("big"), r"Received: factor='big'"),
        (lambda: layers.RandomRotation(0.1, fill_mode="mirror"), r"`fill_mode` must be one of .*'mirror'"),
        (lambda: layers.RandomRotation(0.1, interpolation="bicubic"), r"Received: interpolation='bicubic'"),
        (lambda: layers.RandomZoom(-1.0), r"`height_factor` must be .* in \(-1.0, 1.0\]"),
        (lambda: layers.RandomZoom(0.1, (0.2, 1.5)), r"Received: width_factor=\(0.2, 1.5\)"),
        (lambda: layers.RandomTranslation(0.1, 2), r"Received: width_factor=2"),
        (lambda: layers.RandomTranslation(0.1, 0.1, fill_mode="edge"), r"Received: fill_mode='edge'"),
        (lambda: layers.RandomContrast(1.5), r"in \[0.0, 1.0\]. Received: factor=1.5"),
        (lambda: layers.RandomContrast(0.2, value_range=(1, 0)), r"low <= high.*value_range=\(1, 0\)"),
        (lambda: layers.RandomBrightness(-2), r"Received: factor=-2"),
        (lambda: layers.RandomBrightness(0.2, value_range=255), r"Received: value_range=255"),
        (lambda: layers.RandomFlip("diagonal"), r"`mode` must be one of .*Received: mode='diagonal'"),
        (lambda: layers.RandomFlip(seed="abc"), r"`seed` must be an int or None. Received: seed='abc'"),
        (lambda: layers.RandomCrop(0, 3), r"Received: height=0"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_batch_of_the_wrong_rank_is_refused_in_both_modes():
    for training in (True, False):
        with pytest.raises(ValueError, match=r"RandomRotation expects an image .* shape \(2, 3, 4, 5, 1\)"):
            layers.RandomRotation(0.1)(torch.zeros(2, 3, 4, 5, 1), training=training)
