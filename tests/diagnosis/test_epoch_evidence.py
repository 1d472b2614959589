"""Inside-the-epoch evidence: batch-loss spread and gradient norms, recorded by fit and used by diagnose."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks.live_diagnosis import LiveDiagnosis
from fitwell.diagnosis import diagnose
from fitwell.epoch_evidence import EpochEvidence

RNG = np.random.default_rng(1)


def _model():
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), fitwell.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy")
    return model


def test_fit_records_the_spread_of_the_batch_losses_it_computed():
    x = RNG.normal(size=(40, 4)).astype("float32")
    y = RNG.integers(0, 3, 40)
    model = _model()  # a rate of 0: every batch sees the same weights, so test_on_batch repeats them
    history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    batch_losses = np.array([model.test_on_batch(x[i : i + 8], y[i : i + 8]) for i in range(0, 40, 8)])
    stats = history.batch_stats
    assert sorted(stats) == ["loss_deviation", "loss_max", "loss_median", "loss_min"]
    assert stats["loss_min"] == pytest.approx([batch_losses.min()] * 2, rel=1e-5)
    assert stats["loss_max"] == pytest.approx([batch_losses.max()] * 2, rel=1e-5)
    assert stats["loss_median"] == pytest.approx([np.median(batch_losses)] * 2, rel=1e-5)
    deviation = 1.4826 * np.median(np.abs(batch_losses - np.median(batch_losses)))
    assert stats["loss_deviation"] == pytest.approx([deviation] * 2, rel=1e-4)
    assert history.state_dict()["batch_stats"] == stats


def test_gradient_norms_are_opt_in_through_live_diagnosis():
    x = RNG.normal(size=(32, 4)).astype("float32")
    y = RNG.integers(0, 3, 32)
    model = _model()
    plain = model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert "grad_norm_max" not in plain.batch_stats
    live = LiveDiagnosis(file=io.StringIO(), gradient_norm=True)
    history = model.fit(x, y, epochs=1, batch_size=32, verbose=2, callbacks=[live])
    # One batch: the median and maximum are that batch's global gradient norm.
    model.trainer.optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(torch.log(model(torch.as_tensor(x))), torch.as_tensor(y))
    loss.backward()
    expected = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in model.parameters()])).item()
    assert history.batch_stats["grad_norm_max"] == pytest.approx([expected], rel=1e-4)
    assert history.batch_stats["grad_norm_median"] == pytest.approx([expected], rel=1e-4)
    assert model.trainer.epoch_evidence.gradient_norm is False  # switched off again after the run


def test_nothing_is_recorded_outside_fit():
    model = _model()
    x, y = RNG.normal(size=(8, 4)).astype("float32"), RNG.integers(0, 3, 8)
    model.train_on_batch(x, y)
    assert model.trainer.epoch_evidence.end_epoch() is None


def test_evidence_summary_of_an_epoch():
    evidence = EpochEvidence(gradient_norm=True)
    assert evidence.end_epoch() is None
    evidence.start_epoch()
    for value in (1.0, 2.0, 30.0):
        evidence.record_loss(torch.tensor(value))
    weight = torch.nn.Parameter(torch.ones(2))
    weight.grad = torch.tensor([3.0, 4.0])
    evidence.record_gradients([weight])
    summary = EpochEvidence.as_floats(evidence.end_epoch())
    assert summary == {
        "loss_min": 1.0,
        "loss_max": 30.0,
        "loss_median": 2.0,
        "loss_deviation": pytest.approx(1.4826),
        "grad_norm_median": 5.0,
        "grad_norm_max": 5.0,
    }


def _history_with(loss, stats):
    history = fitwell.History()
    history.history = {"loss": list(loss)}
    history.epoch = list(range(len(loss)))
    history.batch_stats = {key: list(values) for key, values in stats.items()}
    return history


def test_a_batch_that_exploded_inside_a_calm_epoch_is_divergence():
    loss = np.linspace(1.0, 0.3, 12)
    stats = {
        "loss_min": loss * 0.8,
        "loss_max": np.where(np.arange(12) == 7, 40.0, loss * 1.3),
        "loss_median": loss,
        "loss_deviation": loss * 0.1,
    }
    diagnosis = diagnose(_history_with(loss, stats))
    assert diagnosis.primary.kind == "diverged" and diagnosis.primary.epochs == [7]
    assert "a batch loss reached 40" in diagnosis.primary.summary
    calm = diagnose(_history_with(loss, {**stats, "loss_max": loss * 1.3}))
    assert calm.primary.kind != "diverged"


def test_batches_far_outside_their_epochs_spread_are_instability():
    loss = np.linspace(1.0, 0.3, 20)
    outlying = np.arange(20) % 3 == 1
    stats = {
        "loss_min": loss * 0.9,
        "loss_max": np.where(outlying, loss * 4.0, loss * 1.2),
        "loss_median": loss,
        "loss_deviation": loss * 0.05,
    }
    finding = diagnose(_history_with(loss, stats)).get("unstable")
    assert finding is not None and finding.evidence["curve"] == "batch loss"
    assert finding.evidence["epochs_with_outlying_batches"] == int(outlying.sum())
    assert diagnose(_history_with(loss, {**stats, "loss_max": loss * 1.2})).get("unstable") is None
