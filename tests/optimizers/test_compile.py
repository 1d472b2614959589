"""Optimizers inside compile/fit: fresh state per compile, in-place learning-rate changes."""

from __future__ import annotations

import numpy as np
import torch

import fitwell
from fitwell.optimizers import Adam


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    return x, (x.sum(axis=1, keepdims=True) > 0).astype("float32")


def _model() -> fitwell.Sequential:
    return fitwell.Sequential(
        [fitwell.Input(shape=(3,)), fitwell.layers.Dense(4, activation="relu"), fitwell.layers.Dense(1)]
    )


def _moments(optimizer) -> list[torch.Tensor]:
    return [state["exp_avg"].clone() for state in optimizer.torch_optimizer.state.values()]


def test_recompiling_with_the_same_instance_resets_adams_moments():
    x, y = _data()
    model = _model()
    optimizer = Adam(0.01)
    model.compile(optimizer=optimizer, loss="mse", device="cpu")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert optimizer.iterations == 4 and len(optimizer.torch_optimizer.state) == 4
    model.compile(optimizer=optimizer, loss="mse", device="cpu")
    assert not optimizer.is_built and optimizer.iterations == 0
    weights = [p.detach().clone() for p in model.parameters()]
    model.fit(x[:8], y[:8], batch_size=8, epochs=1, verbose=0)
    # One step from fresh state: every moment is (1 - beta_1) * its first gradient, as for a new Adam.
    fresh = _model()
    with torch.no_grad():
        for parameter, weight in zip(fresh.parameters(), weights, strict=True):
            parameter.copy_(weight)
    fresh.compile(optimizer=Adam(0.01), loss="mse", device="cpu")
    fresh.fit(x[:8], y[:8], batch_size=8, epochs=1, verbose=0)
    for got, expected in zip(_moments(optimizer), _moments(fresh.optimizer), strict=True):
        torch.testing.assert_close(got, expected)
    for got, expected in zip(model.parameters(), fresh.parameters(), strict=True):
        torch.testing.assert_close(got, expected)


def test_recompiling_with_a_name_starts_a_new_optimizer():
    x, y = _data()
    model = _model()
    model.compile(optimizer="adam", loss="mse", device="cpu")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    first = model.optimizer
    model.compile(optimizer="adam", loss="mse", device="cpu")
    assert model.optimizer is not first and model.optimizer.iterations == 0


def test_assigning_the_learning_rate_between_epochs_keeps_the_moments():
    x, y = _data()
    model = _model()
    seen = {}

    class LowerRate(fitwell.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                seen["moments"] = _moments(self.model.optimizer)
                seen["iterations"] = self.model.optimizer.iterations
                self.model.optimizer.learning_rate = 0.001
                for got, expected in zip(_moments(self.model.optimizer), seen["moments"], strict=True):
                    assert torch.equal(got, expected)

    model.compile(optimizer=Adam(0.01), loss="mse", device="cpu")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[LowerRate()])
    assert seen["iterations"] == 4
    assert model.optimizer.iterations == 8  # the count went on
    assert model.optimizer.learning_rate == 0.001
    assert history.history["learning_rate"] == [0.01, 0.001]  # logged before the callback, as in Keras
