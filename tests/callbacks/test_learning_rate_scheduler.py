"""LearningRateScheduler: rates set per epoch, checked against Keras 3, plus a real fit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from callbacks.scripted import fitwell_model, keras_model, run_epochs
from fitwell.callbacks import LearningRateScheduler


def halve_after_two(epoch, lr):
    return lr if epoch < 2 else lr * 0.5


def by_epoch_only(epoch):
    return 0.5 / (epoch + 1)


def numpy_rate(epoch, lr):
    return np.float64(0.25) if epoch % 2 else np.float32(0.5)


@pytest.mark.keras
@pytest.mark.parametrize("schedule", [halve_after_two, by_epoch_only, numpy_rate])
def test_rates_match_keras(schedule, capsys):
    keras = pytest.importorskip("keras")
    logs = [{"loss": 1.0}] * 5
    keras_run = run_epochs(keras.callbacks.LearningRateScheduler(schedule, verbose=1), keras_model(0.5), logs)
    keras_out = capsys.readouterr().out
    our_run = run_epochs(LearningRateScheduler(schedule, verbose=1), fitwell_model(0.5), logs)
    np.testing.assert_allclose(our_run.learning_rates, keras_run.learning_rates, rtol=1e-6)
    np.testing.assert_allclose(our_run.logged_rates, keras_run.logged_rates, rtol=1e-6)
    assert capsys.readouterr().out == keras_out


def test_real_fit_records_the_scheduled_rates(binary_data):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer=fitwell.optimizers.SGD(learning_rate=0.1), loss="mse", device="cpu")
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[LearningRateScheduler(halve_after_two)])
    assert history.history["learning_rate"] == [0.1, 0.1, 0.05, 0.025]
    assert model.optimizer.learning_rate == 0.025


def test_a_type_error_inside_the_schedule_is_not_hidden():
    def broken(epoch, lr):
        return lr + "0.1"

    scheduler = LearningRateScheduler(broken)
    scheduler.set_model(fitwell_model())
    with pytest.raises(TypeError, match="unsupported operand"):
        scheduler.on_epoch_begin(0, {})


@pytest.mark.parametrize("value", [torch.tensor(0.1), "0.1", True, None])
def test_schedule_must_return_a_number(value):
    scheduler = LearningRateScheduler(lambda epoch, lr: value)
    scheduler.set_model(fitwell_model())
    with pytest.raises(
        ValueError, match=r"The `schedule` function must return a float .* at epoch 0\. Convert it"
    ):
        scheduler.on_epoch_begin(0, {})


def test_negative_rate_is_rejected_by_the_optimizer():
    scheduler = LearningRateScheduler(lambda epoch, lr: -0.1)
    scheduler.set_model(fitwell_model())
    with pytest.raises(ValueError, match=r"`learning_rate` must be >= 0"):
        scheduler.on_epoch_begin(0, {})


def test_schedule_must_be_callable():
    with pytest.raises(
        TypeError, match=r"`schedule` must be a function \(epoch, lr\) -> float. Received: schedule=0.1"
    ):
        LearningRateScheduler(0.1)


def test_verbose_must_be_a_non_negative_int():
    with pytest.raises(ValueError, match=r"`verbose` must be an int >= 0. Received: verbose=-1"):
        LearningRateScheduler(by_epoch_only, verbose=-1)
