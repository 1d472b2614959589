"""Activation layers (ReLU, LeakyReLU, PReLU, ELU, Softmax): outputs, weights and configs match Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model


def _numpy(keras, value):
    return keras.ops.convert_to_numpy(value)


def _inputs(shape=(4, 3, 6), seed=0):
    return np.random.default_rng(seed).normal(0.0, 3.0, size=shape).astype("float32")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("ReLU", {}),
        ("ReLU", {"max_value": 6.0}),
        ("ReLU", {"max_value": 2.5, "negative_slope": 0.1, "threshold": 0.5}),
        ("ReLU", {"negative_slope": 0.2}),
        ("LeakyReLU", {}),
        ("LeakyReLU", {"negative_slope": 0.05}),
        ("ELU", {}),
        ("ELU", {"alpha": 0.5}),
        ("Softmax", {}),
        ("Softmax", {"axis": 1}),
        ("Softmax", {"axis": [1, 2]}),
    ],
)
def test_activation_layers_match_keras(name, kwargs):
    keras = pytest.importorskip("keras")
    x = _inputs()
    reference = getattr(keras.layers, name)(**kwargs)
    ours = getattr(layers, name)(**kwargs)
    expected = _numpy(keras, reference(x))
    np.testing.assert_allclose(ours(torch.from_numpy(x)).numpy(), expected, rtol=1e-6, atol=1e-6)
    ours_config, keras_config = ours.get_config(), reference.get_config()
    for key in kwargs.keys() | {"max_value", "negative_slope", "threshold", "alpha", "axis"}:
        if key in keras_config:
            assert ours_config[key] == keras_config[key], key


def test_leaky_relu_defaults_to_keras_3_slope():
    assert layers.LeakyReLU().negative_slope == 0.3
    assert torch.equal(layers.LeakyReLU()(torch.tensor([-10.0])), torch.tensor([-3.0]))


@pytest.mark.parametrize(
    ("shared_axes", "shape"), [(None, (3, 4)), ([1], (1, 4)), ([1, 2], (1, 1)), (2, (3, 1))]
)
def test_prelu_weight_matches_keras_in_name_shape_and_outputs(shared_axes, shape):
    keras = pytest.importorskip("keras")
    x = _inputs((5, 3, 4))
    reference = keras.layers.PReLU(alpha_initializer="random_uniform", shared_axes=shared_axes)
    reference(x)
    ours = layers.PReLU(shared_axes=shared_axes)
    ours(torch.from_numpy(x))
    assert ours.alpha.shape == shape == tuple(reference.alpha.shape)
    assert [name for name, _ in ours.named_parameters()] == [w.name for w in reference.weights] == ["alpha"]
    assert float(ours.alpha.detach().abs().sum()) == 0.0  # Keras's "Zeros" initializer
    assert ours.count_params() == reference.count_params()
    ours.set_weights(reference.get_weights())
    np.testing.assert_allclose(
        ours(torch.from_numpy(x)).detach().numpy(), _numpy(keras, reference(x)), rtol=1e-6
    )
    assert ours.get_config()["shared_axes"] == reference.get_config()["shared_axes"]


def test_prelu_alpha_trains_and_is_regularized():
    layer = layers.PReLU(alpha_regularizer="l2")
    out = layer(torch.tensor([[-2.0, 3.0]]))
    assert len(layer.losses) == 1
    out.sum().backward()
    assert layer.alpha.grad.tolist() == [-2.0, 0.0]


@pytest.mark.parametrize(
    "mask",
    [
        np.array([[True, True, False, True, False, True]] * 3),
        np.array([[1.0, 0.0, 0.7, 0.2, 1.0, 0.6]]),
        np.array([[[False] * 6, [True] * 6, [True, False] * 3]]),
    ],
)
def test_softmax_with_a_mask_matches_keras(mask):
    keras = pytest.importorskip("keras")
    x = _inputs((2, 3, 6))
    expected = _numpy(keras, keras.layers.Softmax()(x, mask=mask))
    got = layers.Softmax()(torch.from_numpy(x), mask=torch.from_numpy(mask)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


def test_softmax_takes_a_mask_input_in_a_functional_model():
    logits, mask = fitwell.Input(shape=(3,)), fitwell.Input(shape=(3,), dtype="bool")
    model = fitwell.Model([logits, mask], layers.Softmax()(logits, mask=mask))
    out = model([torch.zeros(2, 3), torch.tensor([[True, False, True], [False, False, False]])])
    assert out.tolist() == [[0.5, 0.0, 0.5], [0.0, 0.0, 0.0]]


def test_softmax_mask_of_another_shape_is_refused():
    with pytest.raises(ValueError, match=r"`mask` must broadcast.*mask.shape=\(2, 5\)"):
        layers.Softmax()(torch.zeros(2, 3), mask=torch.ones(2, 5, dtype=torch.bool))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: layers.ReLU(max_value=-1.0),
            r"`max_value` must be a float >= 0 or None. Received: max_value=-1.0",
        ),
        (lambda: layers.ReLU(negative_slope=-0.1), r"Received: negative_slope=-0.1"),
        (lambda: layers.ReLU(threshold=None), r"`threshold` must be a float >= 0. Received: threshold=None"),
        (lambda: layers.LeakyReLU(negative_slope="0.1"), r"Received: negative_slope='0.1'"),
        (lambda: layers.ELU(alpha="big"), r"`alpha` must be a float. Received: alpha='big'"),
        (lambda: layers.Softmax(axis=1.5), r"`axis` must be an int or a list of ints. Received: axis=1.5"),
        (
            lambda: layers.PReLU(shared_axes=[0]),
            r"`shared_axes` must be an int >= 1.*Received: shared_axes=\[0\]",
        ),
    ],
)
def test_bad_arguments_name_the_argument_and_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_prelu_on_an_unknown_unshared_axis_asks_to_share_it():
    with pytest.raises(ValueError, match=r"shared_axes=\[1\] for sequences"):
        layers.PReLU()(fitwell.Input(shape=(None, 4)))


def test_leaky_relu_takes_keras_2_alpha_with_a_warning():
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1


def test_functional_sequential_and_saving_round_trip(tmp_path):
    inputs = fitwell.Input(shape=(None, 4))
    x = layers.Dense(4)(inputs)
    x = layers.ReLU(max_value=3.0, negative_slope=0.1)(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.ELU(alpha=0.7)(x)
    x = layers.PReLU(alpha_initializer="ones", shared_axes=[1])(x)
    outputs = layers.Softmax(axis=[1, 2])(x)
    model = fitwell.Model(inputs, outputs)
    assert model.output_shape == (None, None, 4)
    data = torch.from_numpy(_inputs((2, 5, 4)))
    expected = model(data)
    model.save(tmp_path / "functional.keras")
    restored = load_model(tmp_path / "functional.keras")
    torch.testing.assert_close(restored(data), expected)
    assert [type(layer).__name__ for layer in restored.layers][2:] == [
        "ReLU",
        "LeakyReLU",
        "ELU",
        "PReLU",
        "Softmax",
    ]
    assert restored.layers[5].get_config()["shared_axes"] == [1]

    sequential = fitwell.Sequential([fitwell.Input(shape=(4,)), layers.PReLU(), layers.Softmax()])
    assert sequential.count_params() == 4
    sequential.save(tmp_path / "sequential.keras")
    assert load_model(tmp_path / "sequential.keras").layers[0].alpha.shape == (4,)
