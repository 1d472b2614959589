"""LayerNormalization, GroupNormalization, UnitNormalization and Normalization (with adapt) vs Keras 3."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model


def _numpy(keras, value):
    return keras.ops.convert_to_numpy(value)


def _data(shape, seed=0, loc=2.0, scale=3.0):
    return np.random.default_rng(seed).normal(loc, scale, size=shape).astype("float32")


def _randomize(keras, reference, seed=1):
    """Give a Keras layer random weights (so gamma and beta matter), and return them."""
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=w.shape).astype("float32") for w in reference.get_weights()]
    reference.set_weights(weights)
    return weights


def _weight_names(layer):
    return [name for name, _ in layer.named_parameters()]


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((4, 6), {}),
        ((2, 3, 4, 5), {}),
        ((2, 3, 4, 5), {"axis": [2, 3]}),
        ((2, 3, 4, 5), {"axis": [-2, -1]}),
        ((2, 3, 4, 5), {"axis": [1, 3], "epsilon": 0.1}),
        ((2, 3, 4), {"center": False}),
        ((2, 3, 4), {"scale": False, "epsilon": 1e-5}),
    ],
)
def test_layer_normalization_matches_keras(shape, kwargs):
    keras = pytest.importorskip("keras")
    x = _data(shape)
    reference = keras.layers.LayerNormalization(**kwargs)
    reference(x)
    weights = _randomize(keras, reference)
    ours = layers.LayerNormalization(**kwargs)
    ours(torch.from_numpy(x))
    assert _weight_names(ours) == [w.name for w in reference.weights]
    assert ours.count_params() == reference.count_params()
    ours.set_weights(weights)
    got = ours(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, _numpy(keras, reference(x)), rtol=1e-5, atol=1e-5)
    assert ours.get_config()["axis"] == reference.get_config()["axis"]


def test_layer_normalization_over_leading_axes_normalizes_those_axes():
    # Keras's torch backend fails on contiguous axes that do not end at the last one; the math is
    # the same as on its other backends.
    x = _data((2, 3, 4, 5))
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=0.0)
    got = layer(torch.from_numpy(x)).detach().numpy()
    mean, variance = x.mean(axis=(1, 2), keepdims=True), x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(got, (x - mean) / np.sqrt(variance), rtol=1e-4, atol=1e-5)
    assert layer.gamma.shape == (3, 4)


@pytest.mark.filterwarnings("ignore:You passed `rms_scaling=True`:UserWarning")
def test_layer_normalization_rms_scaling_matches_keras_and_warns():
    keras = pytest.importorskip("keras")
    x = _data((3, 4, 6))
    with pytest.warns(UserWarning):
        reference = keras.layers.LayerNormalization(rms_scaling=True)
    reference(x)
    weights = _randomize(keras, reference)
    with pytest.warns(DeprecationWarning, match="rms_scaling"):
        ours = layers.LayerNormalization(rms_scaling=True)
    ours(torch.from_numpy(x))
    assert _weight_names(ours) == ["gamma"]
    ours.set_weights(weights)
    np.testing.assert_allclose(
        ours(torch.from_numpy(x)).detach().numpy(), _numpy(keras, reference(x)), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize(
    ("shape", "kwargs"),
    [
        ((2, 5, 5, 6), {"groups": 2}),
        ((2, 5, 5, 6), {"groups": -1}),
        ((2, 5, 6), {"groups": 1}),
        ((2, 6, 5, 5), {"groups": 3, "axis": 1}),
        ((2, 4, 6), {"groups": 3, "center": False, "epsilon": 0.1}),
    ],
)
def test_group_normalization_matches_keras(shape, kwargs):
    keras = pytest.importorskip("keras")
    x = _data(shape)
    reference = keras.layers.GroupNormalization(**kwargs)
    reference(x)
    weights = _randomize(keras, reference)
    ours = layers.GroupNormalization(**kwargs)
    ours(torch.from_numpy(x))
    assert _weight_names(ours) == [w.name for w in reference.weights]
    assert ours.count_params() == reference.count_params()
    ours.set_weights(weights)
    got = ours(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(got, _numpy(keras, reference(x)), rtol=1e-5, atol=1e-5)
    assert ours.get_config()["groups"] == reference.get_config()["groups"]


def test_group_normalization_default_groups_and_bad_groups():
    assert layers.GroupNormalization().groups == 32
    with pytest.raises(
        ValueError, match=r"`groups` must divide the number of channels \(6, axis -1\).*groups=4"
    ):
        layers.GroupNormalization(groups=4)(torch.zeros(2, 6))
    with pytest.raises(ValueError, match=r"`groups` must be a positive int, or -1.*Received: groups=0"):
        layers.GroupNormalization(groups=0)


@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_unit_normalization_matches_keras(axis):
    keras = pytest.importorskip("keras")
    x = _data((3, 4, 5))
    x[0, 0] = 0.0  # an all-zero row stays zero
    expected = _numpy(keras, keras.layers.UnitNormalization(axis=axis)(x))
    got = layers.UnitNormalization(axis=axis)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: layers.LayerNormalization(axis="last"), TypeError, r"Received: axis='last'"),
        (lambda: layers.LayerNormalization(epsilon=-1.0), ValueError, r"`epsilon` must be.*epsilon=-1.0"),
        (lambda: layers.UnitNormalization(axis=None), TypeError, r"`axis` must be an int.*axis=None"),
        (lambda: layers.Normalization(mean=1.0), ValueError, r"`mean` and `variance` must be given together"),
        (lambda: layers.Normalization(mean=[1.0, 2.0], variance=1.0), ValueError, r"the same shape"),
        (lambda: layers.Normalization(axis=1.5), ValueError, r"`axis` must be an int.*axis=1.5"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_layer_normalization_axis_outside_the_input_is_refused():
    with pytest.raises(ValueError, match=r"normalizes over axis 3, but its inputs have 3 axes"):
        layers.LayerNormalization(axis=3)(torch.zeros(2, 3, 4))


# -- Normalization and adapt ------------------------------------------------------------------------
@pytest.fixture
def keras_adapt_without_tensorflow(monkeypatch):
    """Keras's adapt() checks for tf.data.Dataset before taking an iterable; without tensorflow
    installed that check fails, so give it a stand-in class nothing is an instance of."""
    keras = pytest.importorskip("keras")
    from keras.src.layers.preprocessing import normalization

    stand_in = SimpleNamespace(data=SimpleNamespace(Dataset=type("Dataset", (), {})))
    monkeypatch.setattr(normalization, "tf", stand_in)
    return keras


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
def test_adapt_on_an_array_matches_keras(axis):
    keras = pytest.importorskip("keras")
    x = _data((20, 3, 4))
    reference = keras.layers.Normalization(axis=axis)
    reference.adapt(x)
    ours = layers.Normalization(axis=axis)
    ours.adapt(x)
    assert _weight_names(ours) == [w.name for w in reference.weights] == ["mean", "variance", "count"]
    assert [w.dtype for w in ours.get_weights()] == [np.dtype(w.dtype) for w in reference.weights]
    assert ours.count_params() == reference.count_params()
    for got, expected in zip(ours.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)
    np.testing.assert_allclose(ours(torch.from_numpy(x)).numpy(), _numpy(keras, reference(x)), rtol=1e-6)


def test_adapt_on_a_tensor_and_on_batches_matches_keras(keras_adapt_without_tensorflow):
    keras = keras_adapt_without_tensorflow
    x = _data((50, 3), seed=3, loc=10.0, scale=4.0)
    batches = [x[:16], x[16:32], x[32:48], x[48:]]
    for make_data in (lambda: torch.from_numpy(x), lambda: batches, lambda: (b for b in batches)):
        reference = keras.layers.Normalization()
        reference.adapt(make_data())
        ours = layers.Normalization()
        ours.adapt(make_data())
        for got, expected in zip(ours.get_weights(), reference.get_weights(), strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)
    # batched statistics are those of the whole data
    np.testing.assert_allclose(ours.mean.numpy(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(ours.variance.numpy(), x.var(axis=0), rtol=1e-5)


def test_adapt_takes_a_data_loader_of_x_y_batches(keras_adapt_without_tensorflow):
    keras = keras_adapt_without_tensorflow
    x = _data((40, 2, 3), seed=4)
    y = np.zeros((40, 1), "float32")
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), 16
    )
    reference = keras.layers.Normalization(axis=(1, 2))
    reference.adapt([(x[:16], y[:16]), (x[16:32], y[16:32]), (x[32:], y[32:])])
    ours = layers.Normalization(axis=(1, 2))
    ours.adapt(loader)
    for got, expected in zip(ours.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


def test_given_mean_and_variance_and_invert_match_keras():
    keras = pytest.importorskip("keras")
    x = _data((4, 3, 2))
    for kwargs in (
        {"mean": 3.0, "variance": 2.0},
        {"mean": [1.0, 2.0], "variance": [4.0, 0.0]},
        {"axis": (1, 2), "mean": [1.0, 2.0], "variance": [4.0, 9.0]},
        {"mean": [1.0, 2.0], "variance": [4.0, 9.0], "invert": True},
    ):
        reference = keras.layers.Normalization(**kwargs)
        ours = layers.Normalization(**kwargs)
        got = ours(torch.from_numpy(x)).numpy()
        np.testing.assert_allclose(got, _numpy(keras, reference(x)), rtol=1e-6, err_msg=str(kwargs))
        assert ours.weights == [] and ours.count_params() == 0
        config = ours.get_config()
        assert {k: config[k] for k in ("mean", "variance", "invert")} == {
            k: reference.get_config()[k] for k in ("mean", "variance", "invert")
        }


def test_adapt_refuses_bad_data_clearly():
    with pytest.raises(ValueError, match="at least one batch"):
        layers.Normalization().adapt([])
    with pytest.raises(TypeError, match="Received: data of type int"):
        layers.Normalization().adapt(3)
    with pytest.raises(TypeError, match="batch of type str"):
        layers.Normalization().adapt(["abc"])
    layer = layers.Normalization()
    layer.adapt(np.zeros((4, 3), "float32"))
    with pytest.raises(ValueError, match=r"built for inputs of shape \(4, 3\); adapt\(\) got data of shape"):
        layer.adapt(np.zeros((4, 5), "float32"))
    with pytest.raises(ValueError, match="nothing to learn"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(np.zeros((2, 1)))


def test_adapted_statistics_save_load_and_stay_out_of_training(tmp_path):
    x = _data((64, 3), seed=5, loc=5.0, scale=2.0)
    norm = layers.Normalization()
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), norm, layers.Dense(1)])
    norm.adapt(x)
    assert norm.trainable_weights == [] and len(norm.non_trainable_weights) == 3
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    model.fit(x, x[:, :1], epochs=1, batch_size=16, verbose=0)
    np.testing.assert_allclose(norm.mean.numpy(), x.mean(axis=0), rtol=1e-5)  # untouched by training
    model.save(tmp_path / "m.keras")
    restored = load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(restored.layers[0].mean.numpy(), norm.mean.numpy())
    np.testing.assert_array_equal(restored.layers[0].variance.numpy(), norm.variance.numpy())
    torch.testing.assert_close(restored(torch.from_numpy(x)), model(torch.from_numpy(x)))


def test_normalization_layers_in_a_functional_model_round_trip(tmp_path):
    inputs = fitwell.Input(shape=(None, 6))
    x = layers.Normalization(mean=[0.0] * 6, variance=[4.0] * 6)(inputs)
    x = layers.LayerNormalization(axis=[-1])(x)
    x = layers.GroupNormalization(groups=3)(x)
    outputs = layers.UnitNormalization()(x)
    model = fitwell.Model(inputs, outputs)
    assert model.output_shape == (None, None, 6)
    with torch.no_grad():
        model.layers[3].gamma.mul_(2.0)
    data = torch.from_numpy(_data((2, 5, 6)))
    model.save(tmp_path / "m.keras")
    restored = load_model(tmp_path / "m.keras")
    torch.testing.assert_close(restored(data), model(data))
    assert restored.layers[1].get_config()["mean"] == [0.0] * 6


def test_a_keras_weights_file_loads_into_the_same_fitwell_model(tmp_path):
    keras = pytest.importorskip("keras")
    x = _data((16, 3, 4))
    adapted = keras.layers.Normalization()
    adapted.adapt(x)
    reference = keras.Sequential(
        [
            keras.Input((3, 4)),
            adapted,
            keras.layers.LayerNormalization(beta_initializer="random_normal"),
            keras.layers.GroupNormalization(2, gamma_initializer="random_normal"),
            keras.layers.PReLU(alpha_initializer="random_uniform"),
            keras.layers.Dense(2),
        ]
    )
    reference.save_weights(tmp_path / "keras.weights.h5")
    ours = fitwell.Sequential(
        [
            fitwell.Input((3, 4)),
            layers.Normalization(),
            layers.LayerNormalization(),
            layers.GroupNormalization(2),
            layers.PReLU(),
            layers.Dense(2),
        ]
    )
    ours.load_weights(tmp_path / "keras.weights.h5")
    expected = _numpy(keras, reference(x))
    np.testing.assert_allclose(ours(torch.from_numpy(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-6)
