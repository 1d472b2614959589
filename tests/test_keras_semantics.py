"""fit/evaluate semantics checked against Keras 3 itself on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell

keras = pytest.importorskip("keras")


def keras_linear(weight: np.ndarray, bias: np.ndarray):
    model = keras.Sequential([keras.Input(shape=(weight.shape[0],)), keras.layers.Dense(weight.shape[1])])
    model.layers[0].set_weights([weight, bias])
    return model


def fitwell_linear(weight: np.ndarray, bias: np.ndarray):
    model = fitwell.Sequential(
        [fitwell.Input(shape=(weight.shape[0],)), fitwell.layers.Dense(weight.shape[1])]
    )
    with torch.no_grad():
        model.layers[0].weight.copy_(torch.from_numpy(weight.T))
        model.layers[0].bias.copy_(torch.from_numpy(bias))
    return model


@pytest.fixture
def regression():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(103, 4)).astype("float32")
    y = (x @ rng.normal(size=(4, 1)) + 0.1).astype("float32")
    weight = rng.normal(size=(4, 1)).astype("float32") * 0.1
    return x, y, weight, np.zeros(1, "float32")


def test_unshuffled_sgd_training_matches_keras_epoch_by_epoch(regression):
    x, y, weight, bias = regression
    reference = keras_linear(weight, bias)
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    expected = reference.fit(x, y, batch_size=16, epochs=3, shuffle=False, validation_split=0.2, verbose=0)
    model = fitwell_linear(weight, bias)
    model.compile(optimizer=fitwell.optimizers.SGD(0.05), loss="mse", metrics=["mae"], device="cpu")
    got = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, validation_split=0.2, verbose=0)
    for key in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(got.history[key], expected.history[key], rtol=2e-5)
    assert got.params["steps"] == expected.params["steps"] == 6
    kernel = keras.ops.convert_to_numpy(reference.layers[0].kernel)
    np.testing.assert_allclose(model.layers[0].weight.detach().numpy().T, kernel, rtol=1e-5, atol=1e-6)


def test_evaluate_values_and_order_match_keras(regression):
    x, y, weight, bias = regression
    reference = keras_linear(weight, bias)
    reference.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"])
    model = fitwell_linear(weight, bias)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse"], device="cpu")
    np.testing.assert_allclose(
        model.evaluate(x, y, batch_size=10, verbose=0),
        reference.evaluate(x, y, batch_size=10, verbose=0),
        rtol=1e-6,
    )


def test_sample_weighted_loss_matches_keras(regression):
    x, y, weight, bias = regression
    sample_weight = np.linspace(0, 2, len(x)).astype("float32")
    reference = keras_linear(weight, bias)
    reference.compile(optimizer="sgd", loss="mse", weighted_metrics=["mae"])
    model = fitwell_linear(weight, bias)
    model.compile(optimizer="sgd", loss="mse", weighted_metrics=["mae"], device="cpu")
    expected = reference.evaluate(
        x, y, sample_weight=sample_weight, batch_size=16, verbose=0, return_dict=True
    )
    got = model.evaluate(x, y, sample_weight=sample_weight, batch_size=16, verbose=0, return_dict=True)
    assert got == pytest.approx(expected, rel=1e-5)


def test_predict_matches_keras(regression):
    x, _, weight, bias = regression
    np.testing.assert_allclose(
        fitwell_linear(weight, bias).predict(x, batch_size=8, verbose=0),
        keras_linear(weight, bias).predict(x, batch_size=8, verbose=0),
        rtol=1e-6,
    )


def test_history_lengths_with_validation_freq_match_keras(regression):
    x, y, weight, bias = regression
    reference = keras_linear(weight, bias)
    reference.compile(optimizer="sgd", loss="mse")
    expected = reference.fit(x, y, epochs=4, validation_split=0.2, validation_freq=2, verbose=0).history
    model = fitwell_linear(weight, bias)
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    got = model.fit(x, y, epochs=4, validation_split=0.2, validation_freq=2, verbose=0).history
    assert {k: len(v) for k, v in expected.items()} == {
        k: len(v) for k, v in got.items() if k != "learning_rate"
    }
