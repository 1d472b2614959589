"""Close calls: a healthy verdict names the finding it came close to, with the run's numbers."""

from __future__ import annotations

import json

import numpy as np

from diagnosis import synthetic
from fitwell.diagnosis import diagnose


def _stalled_validation(n: int = 40) -> dict[str, list[float]]:
    """Validation flat (a wobble of under 1%) from epoch 15 on while the training loss keeps falling."""
    loss = synthetic.decay(n, 2.0, 0.2, speed=3.0)
    val = np.concatenate(
        [synthetic.decay(15, 2.0, 0.5, speed=4.0), 0.506 + 0.004 * np.sin(np.arange(n - 15))]
    )
    return {"loss": loss.tolist(), "val_loss": val.tolist()}


def _edging_down(n: int = 40) -> dict[str, list[float]]:
    """Converged, then 3.5% lower over the last 8 epochs; the last epoch is not the best."""
    val = synthetic.noisy(synthetic.decay(n, 2.0, 0.5, speed=6.0), 0.01, 1)
    val[-8:] = val[-8:] * np.linspace(1.0, 0.965, 8)
    val[-1] = val[-2] * 1.012
    return {"loss": synthetic.decay(n, 2.0, 0.45, speed=6.0).tolist(), "val_loss": val.tolist()}


def _three_jumps() -> dict[str, list[float]]:
    run = synthetic.healthy(60)
    val = np.array(run["val_loss"])
    val[[30, 42, 54]] *= 1.45
    return {"loss": run["loss"], "val_loss": val.tolist()}


def test_a_settled_run_has_no_close_call():
    healthy = diagnose(synthetic.healthy(30)).primary
    assert healthy.kind == "healthy" and "close_to" not in healthy.evidence
    assert healthy.summary.endswith("no sign of divergence, instability, over- or underfitting.")
    assert healthy.advice.startswith("Nothing to change.")
    # Without validation, a healthy verdict does not claim there is no overfitting: it cannot be seen.
    converged = 0.1 + 1.9 * np.exp(-np.arange(30) / 2.0) + 0.001 * np.abs(np.sin(np.arange(30)))
    alone = diagnose({"loss": converged.tolist()}).primary
    assert alone.kind == "healthy"
    assert alone.summary.endswith("(without validation, overfitting cannot be seen).")
    assert "validation_split=0.2" in alone.advice


def test_validation_stalled_while_training_falls_is_close_to_overfitting():
    diagnosis = diagnose(_stalled_validation())
    healthy = diagnosis.primary
    assert diagnosis.kinds == ["healthy"]
    assert healthy.evidence["close_to"] == ["overfitting"]
    assert "Close to overfitting: val_loss has not improved since epoch 27 (0.502; 0.5024 at the end)" in (
        healthy.summary
    )
    assert (
        "while loss fell 26% since (smoothed 0.4436 at epoch 27 → 0.3268, the median of its last 10 epochs)"
        in healthy.summary
    )
    assert healthy.advice.startswith("No problem to fix. The gap grows: keep the weights of epoch 27")
    assert "no sign of" not in healthy.summary


def test_validation_still_edging_down_is_close_to_still_improving():
    healthy = diagnose(_edging_down()).primary
    assert healthy.kind == "healthy" and healthy.evidence["close_to"] == ["still_improving"]
    assert (
        "val_loss set a new best in the last 10 epochs: 0.4843 at epoch 38 against 0.5184 before (6.6% lower)"
        in (healthy.summary)
    )
    assert "Train longer (e.g. epochs=80) with EarlyStopping(monitor='val_loss'" in healthy.advice


def test_a_few_validation_jumps_are_close_to_unstable():
    healthy = diagnose(_three_jumps()).primary
    assert healthy.kind == "healthy" and healthy.evidence["close_to"] == ["unstable"]
    assert "val_loss jumped up in 3 of 59 epochs, too few to call the run unstable" in healthy.summary
    assert "lower the learning rate" in healthy.advice


def test_past_the_line_the_finding_itself_is_made():
    """A clear rise is overfitting, with no healthy verdict left to carry a close call."""
    diagnosis = diagnose(synthetic.overfitting(30, best=10))
    assert diagnosis.primary.kind == "overfitting" and "healthy" not in diagnosis.kinds


def test_close_calls_serialise():
    data = json.loads(json.dumps(diagnose(_stalled_validation()).to_dict()))
    assert data["findings"][0]["evidence"]["close_to"] == ["overfitting"]
