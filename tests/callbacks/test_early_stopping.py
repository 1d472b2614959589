"""EarlyStopping: decisions checked against Keras 3 on scripted logs, plus real fits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fitwell
from callbacks.scripted import as_logs, fitwell_model, keras_model, random_sequence, run_epochs
from fitwell.callbacks import EarlyStopping, LambdaCallback

NAN, INF = math.nan, math.inf

CASES = {
    "stops_after_patience": ([1.0, 0.8, 0.9, 0.85, 0.7], {"patience": 2}),
    "patience_zero_stops_at_first_non_improvement": ([1.0, 0.9, 0.95, 0.8], {"patience": 0}),
    "ties_are_not_improvements": ([1.0, 1.0, 1.0, 1.0], {"patience": 1}),
    "float32_near_ties": ([0.7, 0.69999999, 0.69999998, 0.6, 0.6], {"patience": 1}),
    "min_delta": ([1.0, 0.97, 0.93, 0.9, 0.85, 0.84], {"patience": 1, "min_delta": 0.05}),
    "baseline_never_beaten": ([1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.76], {"patience": 2, "baseline": 0.5}),
    "baseline_beaten": ([1.0, 0.95, 0.85, 0.86, 0.87, 0.88, 0.7], {"patience": 2, "baseline": 0.9}),
    "start_from_epoch": ([1.0, 2.0, 3.0, 4.0, 3.5, 3.6, 3.7], {"patience": 1, "start_from_epoch": 3}),
    "max_mode": ([0.5, 0.6, 0.6, 0.55, 0.7, 0.7, 0.7], {"patience": 1, "mode": "max"}),
    "runs_out_of_epochs": ([1.0, 0.5, 0.7], {"patience": 100}),
    "nan_later_is_no_improvement": ([1.0, NAN, 0.9, NAN, NAN, NAN], {"patience": 1}),
    "inf_first_is_beaten": ([INF, 2.0, 3.0, 4.0], {"patience": 1}),
}


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


def _compare_with_keras(values, options, capsys=None):
    keras = pytest.importorskip("keras")
    theirs = keras.callbacks.EarlyStopping(monitor="val_loss", **options)
    ours = EarlyStopping(monitor="val_loss", **options)
    keras_run = run_epochs(theirs, keras_model(), as_logs("val_loss", values))
    keras_out = capsys.readouterr().out if capsys else ""
    our_run = run_epochs(ours, fitwell_model(), as_logs("val_loss", values))
    our_out = capsys.readouterr().out if capsys else ""
    case = f"values={values}, options={options}"
    assert our_run.epochs_run == keras_run.epochs_run, case
    assert ours.stopped_epoch == theirs.stopped_epoch, case
    assert ours.best_epoch == theirs.best_epoch, case
    assert ours.wait == theirs.wait, case
    assert _same(ours.best, theirs.best), case
    assert our_run.restored == keras_run.restored, case
    assert our_out == keras_out, case


@pytest.mark.keras
@pytest.mark.parametrize("restore", [False, True])
@pytest.mark.parametrize("name", list(CASES))
def test_decisions_match_keras_on_scripted_logs(name, restore, capsys):
    values, options = CASES[name]
    _compare_with_keras(values, {**options, "restore_best_weights": restore, "verbose": 1}, capsys)


@pytest.mark.keras
def test_decisions_match_keras_on_random_sequences():
    rng = np.random.default_rng(7)
    for _ in range(120):
        start = int(rng.integers(0, 3))
        options = {
            "patience": int(rng.integers(0, 5)),
            "min_delta": float(rng.choice([0.0, 0.01, 0.05])),
            "mode": str(rng.choice(["min", "max"])),
            "baseline": None if rng.random() < 0.6 else float(np.round(rng.uniform(0.5, 1.2), 2)),
            "start_from_epoch": start,
            "restore_best_weights": bool(rng.random() < 0.7),
        }
        _compare_with_keras(random_sequence(rng, 14, first_watched=start), options)


def test_stops_after_patience_epochs_without_improvement():
    stopper = EarlyStopping(monitor="val_loss", patience=2)
    run = run_epochs(stopper, fitwell_model(), as_logs("val_loss", [1.0, 0.8, 0.9, 0.85, 0.1]))
    assert (stopper.best_epoch, stopper.stopped_epoch, run.epochs_run) == (1, 3, 4)


def test_nan_in_first_epoch_never_becomes_best():
    # Keras keeps the NaN as best for good and stops after `patience` epochs.
    stopper = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    run = run_epochs(stopper, fitwell_model(), as_logs("val_loss", [NAN, 1.0, 0.9, 0.8, 0.85, 0.86]))
    assert stopper.best == pytest.approx(0.8)
    assert stopper.best_epoch == 3
    assert run.restored == 3.0
    assert stopper.stopped_epoch == 5


def test_all_nan_restores_the_first_watched_epoch():
    stopper = EarlyStopping(monitor="val_loss", patience=1, restore_best_weights=True)
    run = run_epochs(stopper, fitwell_model(), as_logs("val_loss", [NAN, NAN, NAN]))
    assert stopper.best is None
    assert (run.epochs_run, stopper.stopped_epoch, run.restored) == (2, 1, 0.0)


def test_best_weights_are_kept_on_the_cpu_as_copies():
    stopper = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
    run_epochs(stopper, fitwell_model(), as_logs("val_loss", [1.0, 0.5, 0.7]))
    assert set(stopper.best_weights) == {"module.weight", "module.bias"}
    assert all(t.device.type == "cpu" for t in stopper.best_weights.values())
    assert float(stopper.best_weights["module.weight"][0, 0]) == 1.0


def test_restores_best_epoch_weights_after_a_real_fit(binary_data):
    x, y = binary_data
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(1, activation="sigmoid")])
    model.compile(
        optimizer=fitwell.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy", device="cpu"
    )
    snapshots = {}
    record = LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.setdefault(epoch, (logs["val_loss"], model.get_weights()))
    )
    stopper = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(
        x, y, validation_split=0.5, epochs=8, batch_size=200, verbose=0, callbacks=[record, stopper]
    )
    val_losses = history.history["val_loss"]
    best = int(np.nanargmin(np.float32(val_losses)))
    assert stopper.best_epoch == best
    for restored, kept in zip(model.get_weights(), snapshots[best][1], strict=True):
        np.testing.assert_array_equal(restored, kept)


def test_one_instance_serves_several_fits(binary_data):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    stopper = EarlyStopping(monitor="loss", patience=0)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[stopper])
    assert stopper.wait == 0 and stopper.best is not None
    stopper.best = -1.0  # would stop at once if not reset
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[stopper])
    assert len(history.epoch) == 3


def test_state_dict_round_trip_continues_the_count():
    values = [1.0, 0.8, 0.9, 0.95, 0.97, 0.99]
    whole = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    expected = run_epochs(whole, fitwell_model(), as_logs("val_loss", values))
    first = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    run_epochs(first, fitwell_model(), as_logs("val_loss", values[:3]))
    state, tensors = first.state_dict(), first.tensor_state_dict()
    assert state == {"wait": 1, "stopped_epoch": 0, "best": 0.8, "best_epoch": 1}
    resumed = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    model = fitwell_model()
    resumed.set_model(model)
    resumed.on_train_begin({})
    for epoch in range(3, len(values)):
        resumed.on_epoch_begin(epoch, {})
        if epoch == 3:  # a resumed run loads the state once the hooks before the first step have run
            resumed.load_state_dict(state)
            resumed.load_tensor_state_dict(tensors)
        resumed.on_epoch_end(epoch, {"val_loss": values[epoch]})
        if model.stop_training:
            break
    resumed.on_train_end({})
    assert (resumed.stopped_epoch, resumed.best_epoch) == (whole.stopped_epoch, whole.best_epoch) == (4, 1)
    assert float(model.get_weights()[0].flat[0]) == expected.restored == 1.0


def test_misspelled_monitor_suggests_the_closest_key():
    stopper = EarlyStopping(monitor="val_acuracy", mode="max")
    stopper.set_model(fitwell_model())
    stopper.on_train_begin({})
    with pytest.raises(ValueError, match="Did you mean 'val_accuracy'"):
        stopper.on_epoch_end(0, {"loss": 0.3, "val_loss": 0.4, "val_accuracy": 0.9})


def test_val_monitor_without_validation_warns_once(binary_data):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    with pytest.warns(UserWarning, match="ran no validation") as record:
        model.fit(x, y, epochs=3, verbose=0, callbacks=[EarlyStopping(monitor="val_loss")])
    assert len([w for w in record if "ran no validation" in str(w.message)]) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"patience": -1}, r"`patience` must be an int >= 0. Received: patience=-1"),
        ({"mode": "minimum"}, r"`mode` must be one of \('auto', 'min', 'max'\). Received: mode='minimum'"),
        ({"min_delta": "0.1"}, r"`min_delta` must be a number. Received: min_delta='0.1'"),
        ({"baseline": math.nan}, r"`baseline` must be finite. Received: baseline=nan"),
        ({"start_from_epoch": 1.5}, r"`start_from_epoch` must be an int >= 0"),
        ({"monitor": ""}, r"`monitor` must be a log key"),
    ],
)
def test_invalid_arguments_are_rejected(options, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**options)


def test_all_invalid_arguments_are_reported_at_once():
    with pytest.raises(ValueError, match=r"(?s)patience=-2.*verbose=-1"):
        EarlyStopping(patience=-2, verbose=-1)
