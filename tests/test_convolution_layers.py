"""Convolution layers against Keras 3: same weights and inputs give the same outputs, shapes and configs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.layers.weight_order import named_weights
from fitwell.saving import load_model
from fitwell.saving.architecture import registered_name

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.keras

#: (class name, positional arguments, keyword arguments, input shape), one line per case that matters.
CASES = [
    ("Conv1D", (4, 3), {}, (2, 9, 3)),
    ("Conv1D", (4, 3), {"strides": 2, "padding": "same"}, (2, 9, 3)),
    ("Conv1D", (4, 4), {"padding": "same", "dilation_rate": 2}, (2, 9, 3)),
    ("Conv1D", (4, 3), {"padding": "causal", "dilation_rate": 2}, (2, 9, 3)),
    ("Conv1D", (4, 3), {"padding": "causal", "strides": 2}, (2, 9, 3)),
    ("Conv1D", (6, 3), {"groups": 3, "data_format": "channels_first"}, (2, 3, 9)),
    ("Conv2D", (4, (3, 2)), {"strides": (2, 1), "padding": "same"}, (2, 7, 6, 3)),
    ("Conv2D", (4, 3), {"dilation_rate": 2, "activation": "relu"}, (2, 8, 7, 2)),
    ("Conv2D", (4, 4), {"strides": 3, "padding": "same", "data_format": "channels_first"}, (2, 2, 8, 7)),
    ("Conv2D", (4, 3), {"groups": 2, "use_bias": False}, (2, 6, 6, 4)),
    ("Conv3D", (3, 2), {"padding": "same", "strides": 2}, (2, 5, 4, 3, 2)),
    (
        "Conv3D",
        (3, (2, 3, 1)),
        {"dilation_rate": (1, 2, 1), "data_format": "channels_first"},
        (1, 2, 4, 6, 3),
    ),
    ("Conv1DTranspose", (3, 3), {"strides": 2}, (2, 5, 4)),
    ("Conv1DTranspose", (3, 5), {"strides": 4, "padding": "same"}, (2, 5, 4)),
    ("Conv1DTranspose", (3, 4), {"strides": 3, "padding": "same", "output_padding": 1}, (2, 5, 4)),
    (
        "Conv1DTranspose",
        (3, 2),
        {"strides": 3, "output_padding": 2, "data_format": "channels_first"},
        (2, 4, 5),
    ),
    ("Conv2DTranspose", (3, 3), {"strides": 2, "padding": "same"}, (2, 4, 5, 2)),
    ("Conv2DTranspose", (3, (2, 3)), {"padding": "same", "dilation_rate": 2}, (2, 4, 5, 2)),
    ("Conv2DTranspose", (3, 4), {"strides": 2, "padding": "same", "output_padding": 0}, (2, 4, 5, 2)),
    ("Conv2DTranspose", (3, 2), {"strides": 3, "data_format": "channels_first"}, (2, 2, 4, 5)),
    ("Conv3DTranspose", (2, 3), {"strides": 2, "padding": "same"}, (1, 3, 4, 2, 2)),
    ("Conv3DTranspose", (2, 2), {"strides": (1, 2, 2), "output_padding": (0, 1, 1)}, (1, 3, 4, 2, 2)),
    ("DepthwiseConv1D", (3,), {"depth_multiplier": 2}, (2, 9, 3)),
    ("DepthwiseConv1D", (3,), {"strides": 2, "padding": "same", "data_format": "channels_first"}, (2, 3, 9)),
    ("DepthwiseConv2D", (3,), {"padding": "same", "depth_multiplier": 3, "strides": 2}, (2, 7, 6, 2)),
    ("DepthwiseConv2D", ((2, 3),), {"dilation_rate": 2, "activation": "tanh"}, (2, 7, 8, 3)),
    ("SeparableConv1D", (5, 3), {"depth_multiplier": 2, "padding": "same", "strides": 2}, (2, 9, 3)),
    ("SeparableConv1D", (5, 3), {"dilation_rate": 2, "data_format": "channels_first"}, (2, 3, 9)),
    ("SeparableConv2D", (5, 3), {"padding": "same", "depth_multiplier": 2}, (2, 6, 7, 3)),
    (
        "SeparableConv2D",
        (4, 2),
        {"strides": 2, "use_bias": False, "data_format": "channels_first"},
        (2, 3, 6, 7),
    ),
]

#: Keras's weight names, from the names of the torch parameters that hold them.
KERAS_NAMES = {
    "weight": "kernel",
    "depthwise_weight": "depthwise_kernel",
    "pointwise_weight": "pointwise_kernel",
    "bias": "bias",
}


def case_id(case: tuple) -> str:
    name, args, kwargs, _ = case
    return f"{name}{args}{''.join(f'-{k}={v}' for k, v in kwargs.items())}"


def inputs(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def pair(name: str, args: tuple, kwargs: dict, shape: tuple[int, ...]):
    """The Keras layer and ours, both built for `shape`, ours holding Keras's weights."""
    reference = getattr(keras.layers, name)(*args, **kwargs)
    reference.build(shape)
    ours = getattr(layers, name)(*args, **kwargs)
    ours.build(shape)
    ours.set_weights(reference.get_weights())
    return reference, ours


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_same_weights_same_outputs_shapes_and_counts_as_keras(case):
    name, args, kwargs, shape = case
    reference, ours = pair(name, args, kwargs, shape)
    x = inputs(shape)
    expected = keras.ops.convert_to_numpy(reference(x))
    got = ours(torch.from_numpy(x)).detach().numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert ours.count_params() == reference.count_params()
    assert tuple(ours.compute_output_shape(shape)) == tuple(reference.compute_output_shape(shape))
    unknown = (None, *shape[1:-1], None) if "channels_first" in kwargs.values() else (None, *shape[1:])
    assert tuple(ours.compute_output_shape(unknown)) == tuple(reference.compute_output_shape(unknown))


@pytest.mark.parametrize("case", CASES[::3], ids=case_id)
def test_weights_round_trip_in_keras_layout_names_and_order(case):
    name, args, kwargs, shape = case
    reference, ours = pair(name, args, kwargs, shape)
    assert [KERAS_NAMES[n] for _, n, _ in named_weights(ours)] == [w.name for w in reference.weights]
    for got, expected in zip(ours.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)
    for weight in reference.weights:  # the Keras-layout properties are views of the torch parameters
        np.testing.assert_array_equal(getattr(ours, weight.name).detach().numpy(), weight.numpy())


@pytest.mark.parametrize(
    ("name", "args", "shape"),
    [
        ("Conv1D", (64, 5), (1, 20, 48)),
        ("Conv2D", (32, 3), (1, 8, 8, 40)),
        ("Conv3D", (16, 2), (1, 4, 4, 4, 40)),
        ("Conv2DTranspose", (32, 3), (1, 4, 4, 48)),
        ("Conv3DTranspose", (16, 2), (1, 4, 4, 4, 40)),
        ("DepthwiseConv2D", (5,), (1, 8, 8, 128)),
        ("SeparableConv1D", (64, 7), (1, 20, 48)),
    ],
)
def test_initial_weights_have_keras_shapes_and_distribution(name, args, shape):
    reference = getattr(keras.layers, name)(*args)
    reference.build(shape)
    ours = getattr(layers, name)(*args)
    ours.build(shape)
    for got, expected in zip(ours.get_weights(), reference.get_weights(), strict=True):
        assert got.shape == expected.shape
        if expected.ndim == 1:  # biases start at zero
            assert not got.any() and not expected.any()
            continue
        # glorot_uniform on Keras's fans: the same bound, and a standard deviation of bound / sqrt(3)
        assert np.abs(got).max() <= np.abs(expected).max() * 1.02
        assert got.std() == pytest.approx(expected.std(), rel=0.08)


def test_a_regularizer_sees_the_kernel_in_keras_layout():
    shape = (2, 6, 6, 3)
    reference = keras.layers.SeparableConv2D(4, 3, depthwise_regularizer="l2", pointwise_regularizer="l1")
    ours = layers.SeparableConv2D(4, 3, depthwise_regularizer="l2", pointwise_regularizer="l1")
    reference.build(shape)
    ours.build(shape)
    ours.set_weights(reference.get_weights())
    reference(inputs(shape))
    expected = sum(float(keras.ops.convert_to_numpy(loss)) for loss in reference.losses)
    assert float(sum(ours.losses).detach()) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_config_rebuilds_the_same_layer(case):
    name, args, kwargs, _ = case
    layer = getattr(layers, name)(*args, **kwargs)
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    keras_config = getattr(keras.layers, name)(*args, **kwargs).get_config()
    assert set(config) <= set(keras_config)  # Keras's names, and only arguments Keras has
    assert set(keras_config) - set(config) <= {
        *(f"{stage}_constraint" for stage in ("kernel", "depthwise", "pointwise", "bias")),
        "activity_regularizer",
    }
    for key, value in config.items():
        if key.endswith("_initializer"):
            assert value["class_name"] == keras_config[key]["class_name"]
        elif key not in ("name", "dtype"):
            assert _plain(value) == _plain(keras_config[key]), key


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def test_a_model_of_every_convolution_saves_and_loads(tmp_path):
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(12, 3)),
            layers.Conv1D(4, 3, padding="causal", dilation_rate=2, name="causal"),
            layers.SeparableConv1D(4, 3, depth_multiplier=2, padding="same"),
            layers.DepthwiseConv1D(3),
            layers.Conv1DTranspose(2, 3, strides=2, output_padding=1, activation="relu"),
            layers.Reshape((11, 2, 2)),
            layers.Conv2D(3, 3, padding="same", groups=1),
            layers.DepthwiseConv2D(2, depth_multiplier=2),
            layers.SeparableConv2D(2, 1),
            layers.Conv2DTranspose(2, 2, strides=(2, 1), padding="same"),
            layers.Reshape((20, 1, 1, 2)),
            layers.Conv3D(2, 1, data_format="channels_last"),
            layers.Conv3DTranspose(2, (3, 1, 1), strides=(2, 1, 1), padding="same"),
        ]
    )
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    for original, restored in zip(model.layers, loaded.layers, strict=True):
        assert type(restored) is type(original)
        assert restored.get_config() == original.get_config()
    x = torch.from_numpy(inputs((2, 12, 3)))
    assert torch.equal(loaded(x), model(x))


def test_functional_model_with_unknown_lengths():
    sequence = fitwell.Input(shape=(None, 3))
    features = layers.Conv1D(8, 3, padding="causal")(sequence)
    features = layers.SeparableConv1D(8, 3, strides=2, padding="same")(features)
    upsampled = layers.Conv1DTranspose(4, 2, strides=2)(features)
    model = fitwell.Model(sequence, upsampled)
    assert upsampled.shape == (None, None, 4)
    assert model(torch.zeros(2, 10, 3)).shape == (2, 10, 4)
    assert model(torch.zeros(1, 7, 3)).shape == (1, 8, 4)


def test_functional_images_with_channels_first_have_known_shapes():
    images = fitwell.Input(shape=(3, 16, 16))
    x = layers.Conv2D(8, 3, strides=2, padding="same", data_format="channels_first")(images)
    x = layers.DepthwiseConv2D(3, data_format="channels_first")(x)
    x = layers.Conv2DTranspose(4, 3, strides=2, data_format="channels_first")(x)
    assert x.shape == (None, 4, 13, 13)
    assert fitwell.Model(images, x).count_params() == (27 * 8 + 8) + (9 * 8 + 8) + (9 * 8 * 4 + 4)


def test_gradients_reach_every_kernel_and_bias():
    stack = torch.nn.Sequential(
        layers.SeparableConv2D(4, 3, padding="same", depth_multiplier=2),
        layers.DepthwiseConv2D(3, strides=2, padding="same"),
        layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
        layers.Conv2D(2, 3, dilation_rate=2, padding="same"),
    )
    stack(torch.from_numpy(inputs((2, 8, 8, 3)))).square().mean().backward()
    for name, parameter in stack.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_a_sequence_model_compiles_and_fits_one_epoch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 16, 2)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("float32")[:, None]
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(16, 2)),
            layers.Conv1D(4, 3, padding="causal", activation="relu"),
            layers.SeparableConv1D(4, 3, strides=2, activation="relu"),
            layers.Conv1DTranspose(4, 2, strides=2),
            layers.DepthwiseConv1D(3),
            layers.GlobalAveragePooling1D(),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", device="cpu")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))


def test_keras_aliases_name_the_same_classes():
    for alias in [
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
        "Convolution1DTranspose",
        "Convolution2DTranspose",
        "Convolution3DTranspose",
        "SeparableConvolution1D",
        "SeparableConvolution2D",
    ]:
        ours, theirs = getattr(layers, alias), getattr(keras.layers, alias)
        assert ours.__name__ == theirs.__name__
        assert ours is getattr(layers, theirs.__name__)
        assert registered_name(ours) == f"fitwell.layers.{theirs.__name__}"  # files name the class as Keras


def test_conv2d_keeps_torch_layout_storage():
    conv = layers.Conv2D(5, (3, 2), groups=1)
    conv.build((None, 8, 8, 4))
    assert conv.weight.shape == (5, 4, 3, 2) and conv.kernel.shape == (3, 2, 4, 5)
    assert conv.weight.is_contiguous()
    assert conv.kernel.data_ptr() == conv.weight.data_ptr()  # a view, not a copy
    assert [name for name, _ in conv.named_parameters()] == ["weight", "bias"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.Conv2D(0, 3), r"`filters` must be a positive int. Received: filters=0"),
        (
            lambda: layers.Conv2D(4, (3, 3, 3)),
            r"`kernel_size` must be .* tuple of 2 .* kernel_size=\(3, 3, 3\)",
        ),
        (lambda: layers.Conv1D(4, 3, padding="full"), r"`padding` must be one of .*'causal'.*padding='full'"),
        (lambda: layers.Conv2D(4, 3, padding="causal"), r'`padding="causal"` is only for Conv1D'),
        (lambda: layers.SeparableConv1D(4, 3, padding="causal"), r'`padding="causal"` is only for Conv1D'),
        (
            lambda: layers.Conv2D(5, 3, groups=2),
            r"`filters` must be divisible by `groups`.*filters=5, groups=2",
        ),
        (lambda: layers.Conv2D(4, 3, strides=2, dilation_rate=2), r"`strides` > 1 and `dilation_rate` > 1"),
        (
            lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2),
            r"`output_padding` must be smaller",
        ),
        (lambda: layers.Conv1DTranspose(4, 3, output_padding=-1), r"`output_padding` must be a non-negative"),
        (lambda: layers.DepthwiseConv2D(3, depth_multiplier=0), r"`depth_multiplier` must be a positive int"),
        (lambda: layers.Conv3D(4, 3, data_format="NHWC"), r"`data_format` must be one of"),
    ],
)
def test_bad_arguments_are_named_in_the_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs_are_named_at_build():
    with pytest.raises(ValueError, match=r"divisible by `groups`.*5 channels.*groups=2"):
        layers.Conv2D(4, 3, groups=2)(torch.zeros(1, 6, 6, 5))
    with pytest.raises(ValueError, match=r"expects inputs with 4 axes.*input_shape=\(1, 6, 5\)"):
        layers.Conv2D(4, 3)(torch.zeros(1, 6, 5))
    assert not hasattr(layers.Conv1D(4, 3), "kernel")  # created at the first call, as in Keras


def test_a_long_kernel_on_an_unknown_length():
    assert layers.Conv1D(2, 7)(fitwell.Input(shape=(None, 3))).shape == (None, None, 2)
