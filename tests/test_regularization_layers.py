"""SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization vs Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.saving import load_model


def _numpy(keras, value):
    return keras.ops.convert_to_numpy(value)


def _data(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


RANDOM_LAYERS = [
    ("SpatialDropout1D", {"rate": 0.4}, (4, 6, 5)),
    ("SpatialDropout2D", {"rate": 0.5}, (4, 3, 3, 5)),
    ("SpatialDropout2D", {"rate": 0.5, "data_format": "channels_first"}, (4, 5, 3, 3)),
    ("SpatialDropout3D", {"rate": 0.3}, (2, 2, 3, 2, 6)),
    ("GaussianNoise", {"stddev": 0.3}, (4, 7)),
    ("GaussianDropout", {"rate": 0.3}, (4, 7)),
    ("AlphaDropout", {"rate": 0.2}, (4, 7)),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": (None, 1)}, (4, 7)),
]


@pytest.mark.parametrize(("name", "kwargs", "shape"), RANDOM_LAYERS)
def test_seeded_training_draws_equal_keras_call_after_call(name, kwargs, shape):
    keras = pytest.importorskip("keras")
    x = _data(shape)
    reference = getattr(keras.layers, name)(**kwargs, seed=7)
    ours = getattr(layers, name)(**kwargs, seed=7)
    for _ in range(2):  # each call draws anew, in Keras's sequence
        expected = _numpy(keras, reference(x, training=True))
        np.testing.assert_allclose(ours(torch.from_numpy(x), training=True).numpy(), expected, rtol=1e-6)
    config = ours.get_config()
    assert {k: config[k] for k in reference.get_config() if k not in ("dtype", "name", "trainable")} == {
        k: (tuple(v) if isinstance(v, list) else v)
        for k, v in reference.get_config().items()
        if k not in ("dtype", "name", "trainable")
    }


@pytest.mark.parametrize(("name", "kwargs", "shape"), RANDOM_LAYERS)
def test_inference_is_the_identity_and_nothing_is_drawn(name, kwargs, shape):
    x = torch.from_numpy(_data(shape))
    layer = getattr(layers, name)(**kwargs)
    state = torch.get_rng_state()
    assert layer(x) is x
    assert layer(x, training=False) is x
    assert torch.equal(torch.get_rng_state(), state)
    assert layer.weights == [] and layer.count_params() == 0


@pytest.mark.parametrize(
    ("layer", "shape", "channel_axis"),
    [
        (layers.SpatialDropout1D(0.5, seed=1), (64, 5, 8), -1),
        (layers.SpatialDropout2D(0.5, seed=1), (64, 4, 4, 8), -1),
        (layers.SpatialDropout2D(0.5, data_format="channels_first", seed=1), (64, 8, 4, 4), 1),
        (layers.SpatialDropout3D(0.5, seed=1), (64, 2, 3, 2, 8), -1),
    ],
)
def test_spatial_dropout_drops_whole_channels_at_the_keep_rate(layer, shape, channel_axis):
    out = layer(torch.ones(shape), training=True)
    per_channel = out.movedim(channel_axis, 1).reshape(shape[0], shape[channel_axis], -1)
    assert torch.all(per_channel == per_channel[:, :, :1])  # one draw per sample and channel
    assert set(per_channel.unique().tolist()) == {0.0, 2.0}  # kept ones scaled by 1 / (1 - rate)
    assert 0.4 < float((per_channel[:, :, 0] == 0).float().mean()) < 0.6


def test_seeded_layers_reproduce_and_change_between_calls():
    x = torch.ones(8, 6, 6, 4)
    first, second = layers.SpatialDropout2D(0.5, seed=3), layers.SpatialDropout2D(0.5, seed=3)
    a1, a2 = first(x, training=True), first(x, training=True)
    assert torch.equal(second(x, training=True), a1) and torch.equal(second(x, training=True), a2)
    assert not torch.equal(a1, a2)
    fitwell.utils.set_random_seed(0)
    unseeded = layers.GaussianNoise(0.5)(x, training=True)
    fitwell.utils.set_random_seed(0)
    assert torch.equal(layers.GaussianNoise(0.5)(x, training=True), unseeded)


def test_gaussian_noise_and_dropout_have_the_documented_spread():
    x = torch.ones(200_000)
    noise = layers.GaussianNoise(0.2, seed=0)(x, training=True) - x
    assert abs(float(noise.mean())) < 0.005 and float(noise.std()) == pytest.approx(0.2, rel=0.02)
    scaled = layers.GaussianDropout(0.2, seed=0)(x, training=True)
    assert float(scaled.mean()) == pytest.approx(1.0, abs=0.005)
    assert float(scaled.std()) == pytest.approx((0.2 / 0.8) ** 0.5, rel=0.02)


def test_alpha_dropout_keeps_mean_and_variance_of_selu_activations():
    x = torch.randn(200_000, generator=torch.Generator().manual_seed(123))
    out = layers.AlphaDropout(0.3, seed=0)(x, training=True)
    assert float(out.mean()) == pytest.approx(0.0, abs=0.02)
    assert float(out.std()) == pytest.approx(1.0, abs=0.02)


def test_activity_regularization_adds_keras_loss():
    keras = pytest.importorskip("keras")
    x = _data((4, 3))
    reference = keras.layers.ActivityRegularization(l1=0.1, l2=0.3)
    reference(x)
    ours = layers.ActivityRegularization(l1=0.1, l2=0.3)
    assert torch.equal(ours(torch.from_numpy(x)), torch.from_numpy(x))
    assert len(ours.losses) == 1
    np.testing.assert_allclose(float(ours.losses[0]), float(_numpy(keras, reference.losses[0])), rtol=1e-6)
    assert ours.get_config()["l1"] == 0.1 and "activity_regularizer" not in ours.get_config()


def test_activity_regularization_adds_to_the_training_loss():
    x, y = np.ones((8, 2), "float32"), np.zeros((8, 1), "float32")
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(2,)),
            layers.Dense(1, kernel_initializer="ones"),
            layers.ActivityRegularization(l1=1.0),
        ]
    )
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="mse", device="cpu")
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(4.0 + 2.0)  # mse 4, plus mean |activity| 2 per sample


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: layers.SpatialDropout2D(1.0), r"`rate` must be a float in \[0, 1\). Received: rate=1.0"),
        (lambda: layers.SpatialDropout1D(-0.1), r"Received: rate=-0.1"),
        (lambda: layers.SpatialDropout3D(0.1, data_format="NHWC"), r"`data_format` must be one of.*'NHWC'"),
        (lambda: layers.GaussianNoise(1.5), r"`stddev` must be a float in \[0, 1\]. Received: stddev=1.5"),
        (lambda: layers.GaussianDropout("0.1"), r"Received: rate='0.1'"),
        (lambda: layers.AlphaDropout(0.1, seed=1.5), r"`seed` must be an int or None. Received: seed=1.5"),
        (lambda: layers.ActivityRegularization(l1=-1.0), r"l1"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_spatial_dropout_of_the_wrong_rank_is_refused():
    with pytest.raises(ValueError, match=r"SpatialDropout2D takes inputs with 4 axes.*\(2, 3\)"):
        layers.SpatialDropout2D(0.5)(torch.ones(2, 3), training=True)


def test_functional_model_with_unknown_steps_trains_only_while_fitting():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6, 4)).astype("float32"), rng.normal(size=(32, 6, 1)).astype("float32")
    inputs = fitwell.Input(shape=(None, 4))
    h = layers.GaussianNoise(0.1, seed=1)(inputs)
    h = layers.SpatialDropout1D(0.2, seed=2)(h)
    h = layers.GaussianDropout(0.1)(h)
    h = layers.AlphaDropout(0.1, noise_shape=(None, 1, 4))(h)
    h = layers.ActivityRegularization(l2=0.01)(h)
    model = fitwell.Model(inputs, layers.Dense(1)(h))
    assert model.output_shape == (None, None, 1)
    model.compile(optimizer="adam", loss="mse", device="cpu")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    data = torch.from_numpy(x)
    assert np.array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))  # inference: no noise
    assert not torch.equal(model(data, training=True), model(data, training=True))


def test_sequential_fits_and_saves_with_every_regularization_layer(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(32, 6, 4)).astype("float32"), rng.normal(size=(32, 1)).astype("float32")
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(6, 4)),
            layers.GaussianNoise(0.1, seed=1),
            layers.SpatialDropout1D(0.2, seed=2),
            layers.GaussianDropout(0.1),
            layers.AlphaDropout(0.1, noise_shape=(None, 1, 4)),
            layers.ActivityRegularization(l2=0.01),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", device="cpu")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    model.save(tmp_path / "m.keras")
    restored = load_model(tmp_path / "m.keras")
    assert [type(layer).__name__ for layer in restored.layers][:5] == [
        "GaussianNoise",
        "SpatialDropout1D",
        "GaussianDropout",
        "AlphaDropout",
        "ActivityRegularization",
    ]
    assert restored.layers[0].seed == 1 and restored.layers[3].noise_shape == (None, 1, 4)
    torch.testing.assert_close(restored(torch.from_numpy(x)), model(torch.from_numpy(x)))
