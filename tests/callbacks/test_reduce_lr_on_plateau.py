"""ReduceLROnPlateau: learning-rate sequences checked against Keras 3, plus real fits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fitwell
from callbacks.scripted import as_logs, fitwell_model, keras_model, random_sequence, run_epochs
from fitwell.callbacks import ReduceLROnPlateau

NAN = math.nan

CASES = {
    "patience_zero_halves_at_each_plateau": (
        [1.0, 0.9, 0.95, 0.96, 0.5, 0.6],
        {"factor": 0.5, "patience": 0},
    ),
    "patience_two": ([1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0], {"factor": 0.5, "patience": 2}),
    "cooldown": ([1.0] * 10, {"factor": 0.5, "patience": 1, "cooldown": 2}),
    "min_lr_floor": ([1.0] * 8, {"factor": 0.5, "patience": 0, "min_lr": 0.1}),
    "min_delta": ([1.0, 0.99, 0.98, 0.9, 0.89, 0.88], {"factor": 0.5, "patience": 1, "min_delta": 0.05}),
    "max_mode": ([0.5, 0.6, 0.6, 0.55, 0.7, 0.7], {"factor": 0.5, "patience": 1, "mode": "max"}),
    "nan_later": ([1.0, NAN, 0.9, NAN, NAN, 0.5], {"factor": 0.5, "patience": 1}),
    "float32_near_ties": (
        [0.7, 0.69999999, 0.69999998, 0.6],
        {"factor": 0.5, "patience": 0, "min_delta": 0.0},
    ),
}


def _compare_with_keras(values, options, capsys=None, learning_rate=0.5):
    keras = pytest.importorskip("keras")
    theirs = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **options)
    ours = ReduceLROnPlateau(monitor="val_loss", **options)
    keras_run = run_epochs(theirs, keras_model(learning_rate), as_logs("val_loss", values))
    keras_out = capsys.readouterr().out if capsys else ""
    our_run = run_epochs(ours, fitwell_model(learning_rate), as_logs("val_loss", values))
    our_out = capsys.readouterr().out if capsys else ""
    case = f"values={values}, options={options}"
    # Keras holds the rate in float32; fitwell in float64.
    np.testing.assert_allclose(our_run.learning_rates, keras_run.learning_rates, rtol=1e-6, err_msg=case)
    np.testing.assert_allclose(our_run.logged_rates, keras_run.logged_rates, rtol=1e-6, err_msg=case)
    assert (ours.wait, ours.cooldown_counter) == (theirs.wait, theirs.cooldown_counter), case
    if capsys:
        assert our_out == keras_out, case


@pytest.mark.keras
@pytest.mark.parametrize("name", list(CASES))
def test_learning_rate_sequence_matches_keras(name, capsys):
    values, options = CASES[name]
    _compare_with_keras(values, {**options, "verbose": 1}, capsys)


@pytest.mark.keras
def test_learning_rate_sequence_matches_keras_on_random_sequences():
    rng = np.random.default_rng(11)
    for _ in range(120):
        options = {
            "factor": float(rng.choice([0.1, 0.5, 0.2])),
            "patience": int(rng.integers(0, 4)),
            "cooldown": int(rng.integers(0, 3)),
            "min_delta": float(rng.choice([0.0, 1e-4, 0.02])),
            "min_lr": float(rng.choice([0.0, 1e-3, 0.01])),
            "mode": str(rng.choice(["min", "max"])),
        }
        _compare_with_keras(
            random_sequence(rng, 16), options, learning_rate=float(rng.choice([0.1, 0.5, 0.03]))
        )


def test_history_shows_the_rate_each_epoch_trained_with():
    # KERAS_NOTES 4.5, verified in Keras: lr 0.5, patience 0, factor 0.5 -> [0.5, 0.5, 0.25].
    model = fitwell.Model(torch.nn.Linear(2, 1))
    model.compile(optimizer=fitwell.optimizers.SGD(learning_rate=0.5), loss="mse", device="cpu")
    x = np.ones((8, 2), "float32")
    y = np.zeros((8, 1), "float32")
    reduce = ReduceLROnPlateau(monitor="lr_probe", factor=0.5, patience=0, mode="min")
    probe = fitwell.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: logs.update(lr_probe=1.0))
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[probe, reduce])
    assert history.history["learning_rate"] == [0.5, 0.5, 0.25]
    assert model.optimizer.learning_rate == 0.125


def test_changes_the_rate_in_place_and_keeps_the_optimizer_state(binary_data):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer=fitwell.optimizers.Adam(learning_rate=0.01), loss="mse", device="cpu")
    model.fit(x, y, epochs=1, verbose=0)
    torch_optimizer = model.optimizer.torch_optimizer
    steps_before = model.optimizer.iterations
    reduce = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[reduce])
    assert model.optimizer.torch_optimizer is torch_optimizer
    assert model.optimizer.iterations > steps_before
    assert history.history["learning_rate"] == [0.01, 0.01, 0.005]
    assert model.optimizer.learning_rate == 0.0025


def test_state_dict_round_trip_restores_counters_and_rate():
    values = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98]
    options = {"factor": 0.5, "patience": 1, "cooldown": 1}
    whole = run_epochs(ReduceLROnPlateau(**options), fitwell_model(), as_logs("val_loss", values))
    first = ReduceLROnPlateau(**options)
    run_epochs(first, fitwell_model(), as_logs("val_loss", values[:3]))
    state = first.state_dict()
    assert state == {"best": 0.9, "wait": 0, "cooldown_counter": 1, "last_rate": 0.25}
    model = fitwell_model()
    resumed = ReduceLROnPlateau(**options)
    resumed.set_model(model)
    resumed.on_train_begin({})
    rates = []
    for epoch in range(3, len(values)):
        resumed.on_epoch_begin(epoch, {})
        if epoch == 3:  # a resumed run loads the state once the hooks before the first step have run
            resumed.load_state_dict(state)
        resumed.on_epoch_end(epoch, {"val_loss": values[epoch]})
        rates.append(model.optimizer.learning_rate)
    assert rates == whole.learning_rates[3:]


def test_nan_in_first_epoch_is_not_kept_as_best():
    # Keras would keep NaN as best and cut the rate every epoch.
    reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1)
    run = run_epochs(reduce, fitwell_model(), as_logs("val_loss", [NAN, 1.0, 0.9, 0.8]))
    assert run.learning_rates == [0.25, 0.25, 0.25, 0.25]
    assert reduce.best == 0.8


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"factor": 1.0},
            r"`factor` must be in \[0, 1\): ReduceLROnPlateau only lowers the rate. Received: factor=1.0",
        ),
        ({"factor": -0.5}, r"`factor` must be in \[0, 1\)"),
        ({"min_lr": -1.0}, r"`min_lr` must be >= 0. Received: min_lr=-1.0"),
        ({"cooldown": -1}, r"`cooldown` must be an int >= 0. Received: cooldown=-1"),
        ({"patience": None}, r"`patience` must be an int >= 0. Received: patience=None"),
        ({"mode": "up"}, r"`mode` must be one of"),
    ],
)
def test_invalid_arguments_are_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        ReduceLROnPlateau(**options)
