"""Image layers that are not random (Rescaling, Resizing, CenterCrop), and all of them in models."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model


def images(shape=(2, 7, 9, 3), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, size=shape).astype("float32")


def keras_numpy(keras, value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value))


# -- Rescaling ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scale", "offset"), [(1 / 255, 0.0), (1 / 127.5, -1), ([0.5, 1.0, 2.0], [1.0, 0.0, -1.0])]
)
def test_rescaling_matches_keras(scale, offset):
    keras = pytest.importorskip("keras")
    x = images()
    expected = keras_numpy(keras, keras.layers.Rescaling(scale, offset)(x))
    got = layers.Rescaling(scale, offset)(torch.from_numpy(x))
    np.testing.assert_array_equal(got.numpy(), expected)


def test_rescaling_casts_integer_images_to_float():
    out = layers.Rescaling(1 / 255)(torch.full((2, 2, 1), 255, dtype=torch.uint8))
    assert out.dtype == torch.float32 and torch.allclose(out, torch.ones(2, 2, 1))


# -- Resizing and CenterCrop against Keras ---------------------------------------------
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
@pytest.mark.parametrize(
    "aspect", [{}, {"crop_to_aspect_ratio": True}, {"pad_to_aspect_ratio": True, "fill_value": 3.0}]
)
@pytest.mark.parametrize("size", [(4, 4), (10, 5), (13, 20)])
def test_resizing_matches_keras(interpolation, aspect, size):
    keras = pytest.importorskip("keras")
    x = images()
    expected = keras_numpy(keras, keras.layers.Resizing(*size, interpolation=interpolation, **aspect)(x))
    got = layers.Resizing(*size, interpolation=interpolation, **aspect)(torch.from_numpy(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic"])
def test_resizing_keeps_integer_images_integer_as_keras(interpolation):
    keras = pytest.importorskip("keras")
    x = images((2, 9, 7, 3)).astype("uint8")
    expected = keras_numpy(keras, keras.layers.Resizing(5, 11, interpolation=interpolation)(x))
    got = layers.Resizing(5, 11, interpolation=interpolation)(torch.from_numpy(x))
    assert got.dtype == torch.uint8
    np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic"])
def test_resizing_with_antialias_matches_keras(interpolation):
    keras = pytest.importorskip("keras")
    x = images((2, 16, 12, 3))
    expected = keras_numpy(keras, keras.layers.Resizing(5, 7, interpolation=interpolation, antialias=True)(x))
    got = layers.Resizing(5, 7, interpolation=interpolation, antialias=True)(torch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize("size", [(4, 4), (7, 9), (10, 5), (13, 20)])
def test_center_crop_matches_keras_also_when_the_image_is_smaller(size):
    keras = pytest.importorskip("keras")
    x = images()
    expected = keras_numpy(keras, keras.layers.CenterCrop(*size)(x))
    got = layers.CenterCrop(*size)(torch.from_numpy(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-4)


@pytest.mark.parametrize(
    "make",
    [
        lambda fmt: layers.Resizing(5, 4, data_format=fmt),
        lambda fmt: layers.Resizing(5, 4, pad_to_aspect_ratio=True, data_format=fmt),
        lambda fmt: layers.CenterCrop(3, 4, data_format=fmt),
        lambda fmt: layers.CenterCrop(9, 4, data_format=fmt),
    ],
)
def test_channels_first_gives_the_transposed_result(make):
    x = torch.from_numpy(images())
    channels_last = make("channels_last")(x)
    channels_first = make("channels_first")(x.permute(0, 3, 1, 2))
    torch.testing.assert_close(channels_first.permute(0, 2, 3, 1), channels_last)


def test_resizing_channels_first_matches_keras():
    keras = pytest.importorskip("keras")
    x = images((2, 3, 7, 9))
    reference = keras.layers.Resizing(4, 5, data_format="channels_first")
    got = layers.Resizing(4, 5, data_format="channels_first")(torch.from_numpy(x))
    np.testing.assert_allclose(got.numpy(), keras_numpy(keras, reference(x)), atol=1e-4)


def test_a_single_image_is_resized_and_cropped_without_a_batch_axis():
    x = torch.from_numpy(images((7, 9, 3)))
    assert layers.Resizing(4, 5)(x).shape == (4, 5, 3)
    torch.testing.assert_close(layers.Resizing(4, 5)(x), layers.Resizing(4, 5)(x[None])[0])
    assert torch.equal(layers.CenterCrop(3, 3)(x), x[2:5, 3:6])


def test_resizing_and_center_crop_act_in_both_modes():
    x = torch.from_numpy(images())
    for layer in (layers.Resizing(4, 4), layers.CenterCrop(4, 4)):
        assert torch.equal(layer(x, training=True), layer(x, training=False))
        assert layer(x).shape == (2, 4, 4, 3)


# -- bad arguments --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.Resizing(0, 4), r"`height` must be a positive int. Received: height=0"),
        (lambda: layers.Resizing(4, 2.5), r"Received: width=2.5"),
        (lambda: layers.Resizing(4, 4, interpolation="cubic"), r"Received: interpolation='cubic'"),
        (lambda: layers.Resizing(4, 4, interpolation="lanczos3"), r"not supported on torch"),
        (lambda: layers.Resizing(4, 4, fill_mode="reflect"), r"Received: fill_mode='reflect'"),
        (
            lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
            r"Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio`",
        ),
        (lambda: layers.CenterCrop(4, -1), r"Received: width=-1"),
        (lambda: layers.CenterCrop(4, 4, data_format="nhwc"), r"Received: data_format='nhwc'"),
        (lambda: layers.Rescaling("half"), r"`scale` must be a number .* Received: scale='half'"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_images_of_the_wrong_rank_are_refused():
    with pytest.raises(ValueError, match=r"rank 3\) or a batch of images \(rank 4\).*shape \(4, 5\)"):
        layers.CenterCrop(2, 2)(torch.zeros(4, 5))


# -- in models -------------------------------------------------------------------------
def augmented_model() -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(16, 16, 3)),
            layers.RandomFlip("horizontal", seed=1),
            layers.RandomRotation(0.1, seed=2),
            layers.RandomZoom(0.1, fill_mode="constant", seed=3),
            layers.RandomTranslation(0.1, 0.1, interpolation="nearest", seed=4),
            layers.RandomContrast(0.2, seed=5),
            layers.RandomBrightness(0.1, seed=6),
            layers.RandomCrop(12, 12, seed=7),
            layers.Resizing(10, 10, interpolation="bicubic"),
            layers.CenterCrop(8, 8),
            layers.Rescaling(1 / 255),
            layers.Conv2D(4, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2, activation="softmax"),
        ]
    )


@pytest.mark.filterwarnings("error:The inputs look unscaled")  # Rescaling follows the augmentations
def test_augmentation_runs_during_fit_and_not_in_predict():
    x, y = images((16, 16, 16, 3)), np.arange(16) % 2
    model = augmented_model()
    assert model.output_shape == (None, 2)
    changed: list[bool] = []
    model.layers[1].register_forward_hook(lambda m, args, out: changed.append(not torch.equal(args[0], out)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu")
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert any(changed)  # the flip acted on a training batch
    changed.clear()
    first, second = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert not any(changed)
    np.testing.assert_array_equal(first, second)


def test_a_model_with_preprocessing_layers_saves_and_loads(tmp_path):
    model = augmented_model()
    model.save(tmp_path / "augmented.keras")
    loaded = load_model(tmp_path / "augmented.keras")
    for original, restored in zip(model.layers, loaded.layers, strict=True):
        assert type(restored) is type(original)
        assert restored.get_config() == original.get_config()
    x = torch.from_numpy(images((3, 16, 16, 3)))
    torch.testing.assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    # The seeded streams start again: the loaded model draws what the original draws first.
    torch.testing.assert_close(loaded(x, training=True), model(x, training=True))


def test_get_config_round_trips_every_argument():
    made = [
        layers.Rescaling([0.5, 1.0, 2.0], offset=1.0, name="scale"),
        layers.Resizing(
            3, 4, interpolation="nearest", pad_to_aspect_ratio=True, fill_value=2.0, antialias=True
        ),
        layers.CenterCrop(3, 4, data_format="channels_first"),
        layers.RandomCrop(3, 4, seed=9),
        layers.RandomFlip("vertical", seed=1),
        layers.RandomRotation((-0.2, 0.3), fill_mode="wrap", interpolation="nearest", fill_value=1.0, seed=2),
        layers.RandomZoom((-0.3, -0.2), 0.1, fill_mode="nearest", seed=3),
        layers.RandomTranslation(0.2, (-0.1, 0.3), fill_mode="constant", fill_value=5.0, seed=4),
        layers.RandomContrast((0.1, 0.4), value_range=(0, 1), seed=5),
        layers.RandomBrightness(0.3, value_range=(1, 0), seed=6),
    ]
    for layer in made:
        config = layer.get_config()
        assert type(layer).from_config(config).get_config() == config
