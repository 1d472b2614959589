"""Reshape, Permute, RepeatVector, cropping, zero padding and upsampling layers vs Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model

CASES = [
    ("Reshape", {"target_shape": (6, 2)}, (3, 4, 3)),
    ("Reshape", {"target_shape": (-1, 4)}, (3, 4, 3)),
    ("Permute", {"dims": (2, 1)}, (3, 4, 5)),
    ("Permute", {"dims": (3, 1, 2)}, (2, 3, 4, 5)),
    ("RepeatVector", {"n": 3}, (2, 5)),
    ("Cropping1D", {}, (2, 6, 3)),
    ("Cropping1D", {"cropping": (0, 2)}, (2, 6, 3)),
    ("Cropping1D", {"cropping": 2}, (2, 6, 3)),
    ("Cropping2D", {}, (2, 6, 5, 3)),
    ("Cropping2D", {"cropping": 1}, (2, 6, 5, 3)),
    ("Cropping2D", {"cropping": (2, 1)}, (2, 6, 5, 3)),
    ("Cropping2D", {"cropping": ((1, 0), (0, 2))}, (2, 6, 5, 3)),
    ("Cropping2D", {"cropping": ((1, 2), (2, 0)), "data_format": "channels_first"}, (2, 3, 6, 5)),
    ("Cropping3D", {}, (1, 4, 5, 6, 2)),
    ("Cropping3D", {"cropping": ((0, 1), (2, 0), (1, 1))}, (1, 4, 5, 6, 2)),
    ("Cropping3D", {"cropping": (1, 0, 2), "data_format": "channels_first"}, (1, 2, 4, 5, 6)),
    ("ZeroPadding1D", {}, (2, 4, 3)),
    ("ZeroPadding1D", {"padding": (0, 3)}, (2, 4, 3)),
    ("ZeroPadding1D", {"padding": 2, "data_format": "channels_first"}, (2, 3, 4)),
    ("ZeroPadding2D", {}, (2, 3, 4, 2)),
    ("ZeroPadding2D", {"padding": (1, 2)}, (2, 3, 4, 2)),
    ("ZeroPadding2D", {"padding": ((0, 1), (2, 3))}, (2, 3, 4, 2)),
    ("ZeroPadding2D", {"padding": ((0, 1), 2), "data_format": "channels_first"}, (2, 2, 3, 4)),
    ("ZeroPadding3D", {}, (1, 2, 3, 2, 2)),
    ("ZeroPadding3D", {"padding": ((1, 0), (0, 2), (1, 1))}, (1, 2, 3, 2, 2)),
    ("ZeroPadding3D", {"padding": (1, 0, 2), "data_format": "channels_first"}, (1, 2, 2, 3, 2)),
    ("UpSampling1D", {}, (2, 3, 4)),
    ("UpSampling1D", {"size": 3}, (2, 3, 4)),
    ("UpSampling2D", {}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": (3, 1)}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": 2, "data_format": "channels_first"}, (2, 2, 3, 4)),
    ("UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, (2, 4, 5, 3)),
    ("UpSampling2D", {"size": 3, "interpolation": "bilinear", "data_format": "channels_first"}, (2, 3, 4, 5)),
    ("UpSampling2D", {"size": (2, 2), "interpolation": "bicubic"}, (2, 4, 5, 3)),
    ("UpSampling3D", {}, (1, 2, 3, 2, 2)),
    ("UpSampling3D", {"size": (1, 2, 3), "data_format": "channels_first"}, (1, 2, 2, 3, 2)),
]


def _id(case):
    name, kwargs, _ = case
    return f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items())}"


def _data(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def _config_values(config):
    return {k: v for k, v in config.items() if k not in ("name", "dtype", "trainable")}


@pytest.mark.parametrize(("name", "kwargs", "shape"), CASES, ids=[_id(c) for c in CASES])
def test_outputs_shapes_and_configs_match_keras(name, kwargs, shape):
    keras = pytest.importorskip("keras")
    x = _data(shape)
    reference = getattr(keras.layers, name)(**kwargs)
    ours = getattr(layers, name)(**kwargs)
    expected = keras.ops.convert_to_numpy(reference(x))
    got = ours(torch.from_numpy(x))
    assert tuple(got.shape) == expected.shape
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-6)
    assert _config_values(ours.get_config()) == _config_values(reference.get_config())
    assert ours.weights == [] and ours.count_params() == 0


@pytest.mark.parametrize(("name", "kwargs", "shape"), CASES, ids=[_id(c) for c in CASES])
def test_symbolic_output_shapes_with_unknown_sizes_match_keras(name, kwargs, shape):
    keras = pytest.importorskip("keras")
    # The batch axis and, where the layer allows, the first non-batch axis are unknown.
    sample = list(shape[1:])
    if name not in ("Reshape", "RepeatVector") and not (name == "Permute"):
        sample[0] = None
    reference = getattr(keras.layers, name)(**kwargs)
    expected = tuple(reference.compute_output_shape((None, *sample)))
    outputs = getattr(layers, name)(**kwargs)(fitwell.Input(shape=tuple(sample)))
    assert tuple(outputs.shape) == expected


def test_bilinear_upsampling_uses_half_pixel_centres_like_keras():
    keras = pytest.importorskip("keras")
    image = np.array([[0.0, 4.0], [8.0, 12.0]], "float32").reshape(1, 2, 2, 1)
    expected = keras.ops.convert_to_numpy(keras.layers.UpSampling2D(interpolation="bilinear")(image))
    got = layers.UpSampling2D(interpolation="bilinear")(torch.from_numpy(image)).numpy()
    np.testing.assert_allclose(got, expected)
    # align_corners=False: the corners are not pinned, the edges are clamped.
    assert got[0, 0, :, 0].tolist() == [0.0, 1.0, 3.0, 4.0]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.Reshape((2, -1, -1)), r"at most one -1.*Received: target_shape=\(2, -1, -1\)"),
        (lambda: layers.Reshape((2, 0)), r"target_shape=\(2, 0\)"),
        (lambda: layers.Permute((1, 3)), r"`dims` must be a permutation of 1, …, n.*Received: dims=\(1, 3\)"),
        (lambda: layers.Permute((0, 1)), r"Received: dims=\(0, 1\)"),
        (lambda: layers.RepeatVector(0), r"`n` must be a positive int. Received: n=0"),
        (lambda: layers.RepeatVector(2.0), r"Received: n=2.0"),
        (lambda: layers.Cropping1D(-1), r"`cropping` must be an int >= 0 or a pair.*Received: cropping=-1"),
        (lambda: layers.Cropping2D((1, 2, 3)), r"tuple of 2 pairs.*Received: cropping=\(1, 2, 3\)"),
        (lambda: layers.Cropping3D(((1, 1), (1, 1), (1, 2, 3))), r"Received: cropping="),
        (lambda: layers.ZeroPadding1D((1, 2, 3)), r"`padding` must be an int >= 0 or a pair"),
        (lambda: layers.ZeroPadding2D(((1, -1), 0)), r"Received: padding=\(\(1, -1\), 0\)"),
        (lambda: layers.ZeroPadding3D(1.5), r"Received: padding=1.5"),
        (lambda: layers.ZeroPadding2D(1, data_format="NCHW"), r"`data_format` must be one of"),
        (lambda: layers.UpSampling1D((2,)), r"`size` must be a positive int. Received: size=\(2,\)"),
        (
            lambda: layers.UpSampling2D((2, 0)),
            r"`size` must be a positive int or a tuple of 2.*size=\(2, 0\)",
        ),
        (
            lambda: layers.UpSampling2D(interpolation="lanczos3"),
            r"`interpolation` must be one of.*'lanczos3'",
        ),
        (lambda: layers.UpSampling3D(size=(2, 2)), r"tuple of 3 of them"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("layer", "shape", "message"),
    [
        (layers.Reshape((5, -1)), (2, 3, 4), r"cannot reshape samples of shape \(3, 4\) \(12 values\)"),
        (layers.Cropping1D((3, 3)), (2, 6, 1), r"would crop all of axis 1 \(size 6\)"),
        (layers.Cropping2D(((0, 0), (2, 3))), (2, 6, 5, 1), r"would crop all of axis 2"),
        (layers.RepeatVector(2), (2, 3, 4), r"inputs of shape \(batch, features\)"),
        (layers.Permute((2, 1)), (2, 3), r"permutes samples with 2 axes"),
        (layers.ZeroPadding2D(), (2, 3, 4), r"ZeroPadding2D takes inputs with 4 axes"),
    ],
)
def test_inputs_that_do_not_fit_are_refused_clearly(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(torch.zeros(shape))


def test_padding_from_a_saved_config_keeps_its_pairs():
    layer = layers.ZeroPadding2D(((0, 1), 2))
    assert layer.padding == ((0, 1), (2, 2))
    config = layer.get_config() | {"padding": [[0, 1], [2, 2]]}  # as JSON gives it back
    assert layers.ZeroPadding2D.from_config(config).padding == ((0, 1), (2, 2))


def test_functional_and_sequential_models_round_trip(tmp_path):
    inputs = fitwell.Input(shape=(None, 4, 3))
    x = layers.ZeroPadding2D(((1, 0), 1))(inputs)
    x = layers.Cropping2D(((0, 1), (1, 0)))(x)
    x = layers.UpSampling2D((1, 2), interpolation="bilinear")(x)
    x = layers.Permute((1, 3, 2))(x)
    x = layers.Reshape((-1, 3))(x)
    model = fitwell.Model(inputs, x)
    assert model.output_shape == (None, None, 3)
    data = torch.from_numpy(_data((2, 5, 4, 3)))
    model.save(tmp_path / "functional.keras")
    torch.testing.assert_close(load_model(tmp_path / "functional.keras")(data), model(data))

    sequential = fitwell.Sequential(
        [
            fitwell.Input(shape=(6,)),
            layers.RepeatVector(4),
            layers.ZeroPadding1D((1, 2)),
            layers.UpSampling1D(2),
            layers.Cropping1D(1),
            layers.Reshape((2, -1, 6)),
            layers.UpSampling2D(2),
            layers.Reshape((4, -1, 6, 1)),
            layers.UpSampling3D((1, 1, 2)),
            layers.ZeroPadding3D(1),
            layers.Cropping3D(((1, 1), (0, 0), (2, 2))),
            fitwell.layers.Flatten(),
            fitwell.layers.Dense(1),
        ]
    )
    sequential.compile(optimizer="sgd", loss="mse", device="cpu")
    x_train = _data((8, 6))
    sequential.fit(x_train, np.zeros((8, 1), "float32"), epochs=1, verbose=0)
    sequential.save(tmp_path / "sequential.keras")
    restored = load_model(tmp_path / "sequential.keras")
    assert restored.layers[8].padding == ((1, 1), (1, 1), (1, 1))
    np.testing.assert_allclose(restored.predict(x_train, verbose=0), sequential.predict(x_train, verbose=0))
