"""`LiveDiagnosis`: findings announced once while training, a summary at the end."""

from __future__ import annotations

import io
from collections.abc import Mapping
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier
from diagnosis import synthetic
from fitwell.callbacks.live_diagnosis import LiveDiagnosis


def _exploding_regression(lr: float = 5.0):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x.sum(axis=1, keepdims=True) * 100).astype("float32")
    model = fitwell.Sequential(
        [fitwell.Input(shape=(8,)), fitwell.layers.Dense(16, activation="relu"), fitwell.layers.Dense(1)]
    )
    model.compile(optimizer=fitwell.optimizers.SGD(lr, momentum=0.9), loss="mse", device="cpu")
    return model, x, y


def test_a_nan_is_announced_once_with_its_batch_and_training_goes_on():
    model, x, y = _exploding_regression()
    out = io.StringIO()
    live = LiveDiagnosis(file=out)
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=2, callbacks=[live])
    text = out.getvalue()
    assert text.count("[diagnosis] diverged: loss became non-finite at epoch 1, batch ") == 1
    assert "with learning_rate=5" in text and "to 0.5–2" in text
    assert len(history.history["loss"]) == 3  # never stopped without stop_on
    assert live.reported == ["diverged"]
    assert live.diagnosis.primary.kind == "diverged" and "batch" in live.diagnosis.primary.evidence
    assert text.rstrip().splitlines()[-2].startswith("Diagnosis: diverged")


def test_stop_on_stops_training_at_the_first_nan():
    model, x, y = _exploding_regression()
    history = model.fit(
        x,
        y,
        epochs=5,
        batch_size=32,
        verbose=0,
        callbacks=[LiveDiagnosis(stop_on=["diverged"], file=io.StringIO())],
    )
    assert len(history.history["loss"]) == 1


def test_nothing_is_printed_with_verbose_0_but_the_diagnosis_is_kept(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    out = io.StringIO()
    live = LiveDiagnosis(file=out)
    model.fit(x, y, epochs=3, validation_split=0.2, verbose=0, callbacks=[live])
    assert out.getvalue() == ""
    assert live.diagnosis is not None and live.diagnosis.epochs == 3


class _NoReading(Mapping):
    """Batch logs that fail if read: reading them would sync the device every step."""

    def __getitem__(self, key):
        raise AssertionError("batch logs were read")

    def __iter__(self):
        raise AssertionError("batch logs were read")

    def __len__(self):
        raise AssertionError("batch logs were read")


def test_batch_hooks_never_read_the_logs():
    tracker = SimpleNamespace(total=torch.tensor(3.0), count=1)
    trainer = SimpleNamespace(running_loss=lambda: (tracker.total, tracker.count))
    model = SimpleNamespace(trainer=trainer, stop_training=False)
    live = LiveDiagnosis(file=io.StringIO())
    live.set_model(model)
    live.set_params({"verbose": 2})
    live.on_train_begin({})
    live.on_epoch_begin(0, {})
    live.on_train_batch_end(0, _NoReading())
    tracker.total = torch.tensor(float("nan"))
    live.on_train_batch_end(1, _NoReading())
    live.on_train_batch_end(2, _NoReading())
    live.on_epoch_end(0, {"loss": float("nan")})
    assert live.reported == ["diverged"]
    assert live._nan_batch == 1


def _script(live: LiveDiagnosis, run: dict[str, list[float]]) -> list[int]:
    """Feed per-epoch logs; return the epochs after which a new finding was announced."""
    live.set_params({"verbose": 2, "epochs": len(run["loss"])})
    live.on_train_begin({})
    announced = []
    for epoch in range(len(run["loss"])):
        before = len(live.reported)
        live.on_epoch_begin(epoch, {})
        live.on_epoch_end(epoch, {key: values[epoch] for key, values in run.items()})
        if len(live.reported) > before:
            announced.append(epoch)
    live.on_train_end({})
    return announced


def test_overfitting_is_announced_once_when_established_not_before():
    out = io.StringIO()
    live = LiveDiagnosis(file=out)
    announced = _script(live, synthetic.overfitting(40, best=12))
    assert live.reported == ["overfitting"]
    assert len(announced) == 1 and 14 <= announced[0] <= 20
    assert out.getvalue().count("[diagnosis] overfitting") == 1
    assert "Diagnosis: overfitting" in out.getvalue()


def test_a_healthy_run_gets_only_the_summary():
    out = io.StringIO()
    live = LiveDiagnosis(file=out, loss="sparse_categorical_crossentropy", num_classes=10)
    assert _script(live, synthetic.healthy(30)) == []
    assert out.getvalue().startswith("Diagnosis: healthy") and "→" not in out.getvalue()


def test_a_healthy_run_close_to_a_finding_gets_what_to_watch():
    out = io.StringIO()
    live = LiveDiagnosis(file=out)
    n = 40
    loss = synthetic.decay(n, 2.0, 0.2, speed=3.0)
    val = np.concatenate(
        [synthetic.decay(15, 2.0, 0.5, speed=4.0), 0.506 + 0.004 * np.sin(np.arange(n - 15))]
    )
    assert _script(live, {"loss": loss.tolist(), "val_loss": val.tolist()}) == []
    text = out.getvalue()
    assert text.startswith("Diagnosis: healthy") and "Close to overfitting: val_loss has not improved" in text
    assert "    → No problem to fix. The gap grows: keep the weights of epoch 27" in text


def test_validation_every_other_epoch_is_handled(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu")
    live = LiveDiagnosis(file=io.StringIO())
    model.fit(x, y, epochs=6, validation_split=0.2, validation_freq=2, verbose=0, callbacks=[live])
    assert live.diagnosis.epochs == 6


def test_one_instance_serves_several_fits():
    live = LiveDiagnosis(file=io.StringIO())
    _script(live, synthetic.overfitting(40, best=12))
    _script(live, synthetic.healthy(30))
    assert live.reported == [] and live.diagnosis.epochs == 30


def test_unknown_stop_on_kind_is_rejected():
    with pytest.raises(ValueError, match="Unknown: \\['nan'\\]"):
        LiveDiagnosis(stop_on=["nan"])
