"""Pooling layers against Keras 3 and against TensorFlow's pooling rule written out in numpy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model
from fitwell.saving.architecture import registered_name

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.keras

#: (class name, keyword arguments, input shape, whether Keras's torch backend follows TensorFlow's rule).
#: For a "same" average whose padding is uneven, Keras's torch backend repeats the edge values into the
#: padding and counts them; TensorFlow (Keras's reference) leaves padded cells out, and so do we.
CASES = [
    ("MaxPooling1D", {}, (2, 9, 3), True),
    ("MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3), True),
    ("MaxPooling1D", {"pool_size": 2, "strides": 1, "data_format": "channels_first"}, (2, 3, 7), True),
    ("MaxPooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}, (2, 7, 6, 3), True),
    (
        "MaxPooling2D",
        {"pool_size": 3, "padding": "same", "data_format": "channels_first"},
        (2, 2, 7, 8),
        True,
    ),
    ("MaxPooling3D", {"pool_size": 2, "strides": 1, "padding": "same"}, (1, 3, 4, 5, 2), True),
    ("MaxPooling3D", {"pool_size": (2, 1, 3), "data_format": "channels_first"}, (1, 2, 4, 5, 6), True),
    ("AveragePooling1D", {"pool_size": 2}, (2, 9, 3), True),
    ("AveragePooling1D", {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 7, 3), True),
    ("AveragePooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 6, 3), False),
    ("AveragePooling1D", {"pool_size": 4, "strides": 1, "padding": "same"}, (2, 6, 3), False),
    ("AveragePooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 7, 2), True),
    ("AveragePooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}, (2, 7, 6, 3), False),
    ("AveragePooling2D", {"pool_size": 2, "data_format": "channels_first"}, (2, 3, 6, 7), True),
    ("AveragePooling3D", {"pool_size": 2, "padding": "same"}, (1, 3, 4, 5, 2), False),
    (
        "AveragePooling3D",
        {"pool_size": (1, 2, 3), "strides": 1, "data_format": "channels_first"},
        (1, 2, 3, 4, 5),
        True,
    ),
]


def case_id(case: tuple) -> str:
    name, kwargs, _, _ = case
    return name + "".join(f"-{k}={v}" for k, v in kwargs.items())


def inputs(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def tensorflow_pool(x: np.ndarray, pool, strides, padding: str, reduce) -> np.ndarray:
    """TensorFlow's pooling of channels-last `x`, one window at a time; "same" windows skip padded cells."""
    sizes = x.shape[1:-1]
    if padding == "valid":
        outputs = [(n - p) // s + 1 for n, p, s in zip(sizes, pool, strides, strict=True)]
        before = [0] * len(sizes)
    else:
        outputs = [math.ceil(n / s) for n, s in zip(sizes, strides, strict=True)]
        geometry = zip(outputs, strides, pool, sizes, strict=True)
        before = [max((o - 1) * s + p - n, 0) // 2 for o, s, p, n in geometry]
    result = np.empty((x.shape[0], *outputs, x.shape[-1]), dtype=x.dtype)
    axes = tuple(range(1, len(sizes) + 1))
    for index in itertools.product(*map(range, outputs)):
        starts = [i * s - b for i, s, b in zip(index, strides, before, strict=True)]
        window = tuple(slice(max(a, 0), min(a + p, n)) for a, p, n in zip(starts, pool, sizes, strict=True))
        result[(slice(None), *index, slice(None))] = reduce(x[(slice(None), *window, slice(None))], axis=axes)
    return result


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_windowed_pooling_follows_tensorflow_and_keras(case):
    name, kwargs, shape, keras_agrees = case
    x = inputs(shape)
    layer = getattr(layers, name)(**kwargs)
    got = layer(torch.from_numpy(x)).numpy()

    channels_first = kwargs.get("data_format") == "channels_first"
    last = np.moveaxis(x, 1, -1) if channels_first else x
    reduce = np.max if name.startswith("Max") else np.mean
    expected = tensorflow_pool(last, layer.pool_size, layer.strides, layer.padding, reduce)
    expected = np.moveaxis(expected, -1, 1) if channels_first else expected
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)

    reference = getattr(keras.layers, name)(**kwargs)
    if keras_agrees:
        np.testing.assert_allclose(got, keras.ops.convert_to_numpy(reference(x)), rtol=1e-6, atol=1e-6)
    unknown = (None, *shape[1:-1], None) if channels_first else (None, *shape[1:])
    for input_shape in (shape, unknown):
        assert tuple(layer.compute_output_shape(input_shape)) == tuple(
            reference.compute_output_shape(input_shape)
        )


def test_uneven_same_average_is_differentiable_and_exact():
    layer = layers.AveragePooling2D((3, 2), strides=(2, 1), padding="same", dtype="float64")
    x = torch.randn(1, 5, 4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(layer, (x,))
    ones = layer(torch.ones(1, 5, 4, 2, dtype=torch.float64))
    assert torch.equal(ones, torch.ones_like(ones))  # padded cells never dilute a mean


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("kind", ["Average", "Max"])
@pytest.mark.parametrize(("data_format", "keepdims"), [("channels_last", False), ("channels_first", True)])
def test_global_pooling_matches_keras(rank, kind, data_format, keepdims):
    name = f"Global{kind}Pooling{rank}D"
    shape = (2, *range(3, 3 + rank), 4)
    x = inputs(shape, seed=rank)
    reference = getattr(keras.layers, name)(data_format=data_format, keepdims=keepdims)
    layer = getattr(layers, name)(data_format=data_format, keepdims=keepdims)
    expected = keras.ops.convert_to_numpy(reference(x))
    np.testing.assert_allclose(layer(torch.from_numpy(x)).numpy(), expected, rtol=1e-6, atol=1e-6)
    unknown = (None, *(None,) * rank, 4) if data_format == "channels_last" else (None, 2, *(None,) * rank)
    assert tuple(layer.compute_output_shape(unknown)) == tuple(reference.compute_output_shape(unknown))


@pytest.mark.parametrize(("data_format", "keepdims"), [("channels_last", False), ("channels_first", True)])
def test_global_average_pooling_1d_averages_unmasked_steps_as_keras(data_format, keepdims):
    x = inputs((3, 5, 4) if data_format == "channels_last" else (3, 4, 5))
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 0, 1], [1, 1, 1, 1, 1]], dtype=bool)
    reference = keras.layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    layer = layers.GlobalAveragePooling1D(data_format=data_format, keepdims=keepdims)
    expected = keras.ops.convert_to_numpy(reference(x, mask=mask))
    got = layer(torch.from_numpy(x), mask=torch.from_numpy(mask)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    assert not np.allclose(got, layer(torch.from_numpy(x)).numpy())  # the mask mattered


@pytest.mark.parametrize(
    "layer",
    [
        layers.MaxPooling1D(3, strides=2, padding="same", data_format="channels_first"),
        layers.AveragePooling2D((2, 3)),
        layers.AveragePooling3D(2, strides=(1, 2, 1)),
        layers.GlobalMaxPooling3D(keepdims=True),
        layers.GlobalAveragePooling1D(data_format="channels_first"),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_config_matches_keras_and_rebuilds_the_layer(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    keras_config = getattr(keras.layers, type(layer).__name__).from_config(config).get_config()
    assert set(keras_config) == set(config)
    assert _plain(keras_config) == _plain(config)


def _plain(config: dict) -> dict:
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in config.items()
        if key not in ("name", "dtype")
    }


def image_model() -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 2)),
            layers.Conv2D(4, 3, padding="same", activation="relu"),
            layers.MaxPool2D(2, padding="same"),
            layers.AvgPool2D(3, strides=1, padding="same"),
            layers.Reshape((4, 4, 1, 4)),
            layers.MaxPooling3D((2, 1, 1), strides=1),
            layers.AveragePooling3D((1, 2, 1), padding="same"),
            layers.GlobalMaxPool3D(keepdims=True),
            layers.Reshape((1, 4)),
            layers.MaxPooling1D(1),
            layers.AveragePooling1D(1, data_format="channels_first"),
            layers.GlobalAvgPool1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )


def test_a_model_of_every_pooling_saves_loads_and_fits(tmp_path):
    model = image_model()
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    for original, restored in zip(model.layers, loaded.layers, strict=True):
        assert type(restored) is type(original)
        assert restored.get_config() == original.get_config()
    x = inputs((16, 8, 8, 2))
    assert torch.equal(loaded(torch.from_numpy(x)), model(torch.from_numpy(x)))

    y = (x.mean(axis=(1, 2, 3)) > 0).astype("float32")[:, None]
    model.compile(optimizer="adam", loss="binary_crossentropy", device="cpu")
    history = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_functional_model_with_unknown_lengths_and_sizes():
    sequence = fitwell.Input(shape=(None, 3))
    pooled = layers.MaxPooling1D(2)(sequence)
    pooled = layers.AveragePooling1D(3, strides=1, padding="same")(pooled)
    assert pooled.shape == (None, None, 3)
    summary = layers.GlobalMaxPooling1D()(pooled)
    model = fitwell.Model(sequence, summary)
    assert summary.shape == (None, 3)
    assert model(torch.zeros(2, 11, 3)).shape == (2, 3)

    images = fitwell.Input(shape=(None, None, 2))
    features = layers.GlobalAveragePooling2D(keepdims=True)(layers.MaxPooling2D()(images))
    assert features.shape == (None, 1, 1, 2)


def test_keras_aliases_name_the_same_classes():
    aliases = [
        f"{kind}{rank}D"
        for kind in ("MaxPool", "AvgPool", "GlobalAvgPool", "GlobalMaxPool")
        for rank in (1, 2, 3)
    ]
    for alias in aliases:
        ours, theirs = getattr(layers, alias), getattr(keras.layers, alias)
        assert ours.__name__ == theirs.__name__
        assert ours is getattr(layers, theirs.__name__)
        assert registered_name(ours) == f"fitwell.layers.{theirs.__name__}"  # files name the class as Keras


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: layers.MaxPooling2D((2, 2, 2)),
            r"`pool_size` must be .* tuple of 2 .* pool_size=\(2, 2, 2\)",
        ),
        (lambda: layers.AveragePooling1D(2, strides=0), r"`strides` must be a positive int.*strides=0"),
        (lambda: layers.MaxPooling3D(padding="full"), r"`padding` must be one of \('valid', 'same'\)"),
        (lambda: layers.GlobalMaxPooling2D(data_format="NCHW"), r"`data_format` must be one of"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_average_pooling_needs_a_pool_size_and_max_pooling_defaults_to_two():
    with pytest.raises(TypeError, match="pool_size"):
        layers.AveragePooling2D()
    assert layers.MaxPooling3D().pool_size == keras.layers.MaxPooling3D().pool_size == (2, 2, 2)


def test_a_wide_window_on_an_unknown_length():
    assert layers.MaxPooling1D(4)(fitwell.Input(shape=(None, 3))).shape == (None, None, 3)
