"""`Finding` and `Diagnosis`: validation, ordering, text and serialisation."""

from __future__ import annotations

import json

import pytest

from diagnosis import synthetic
from fitwell.diagnosis import KINDS, Diagnosis, Finding, diagnose


def test_unknown_kind_or_severity_is_rejected():
    with pytest.raises(ValueError, match="`kind` must be one of .*Received: kind='overfit'"):
        Finding("overfit", "warning", [], {}, "")
    with pytest.raises(ValueError, match="Received: severity='fatal'"):
        Finding("diverged", "fatal", [], {}, "")


def test_findings_come_in_priority_order_and_the_first_is_primary():
    run = synthetic.leaked(30)
    diagnosis = diagnose(run, loss="sparse_categorical_crossentropy", num_classes=10)
    assert diagnosis.kinds == sorted(diagnosis.kinds, key=KINDS.index)
    assert diagnosis.primary is diagnosis[0]
    assert "suspicious_validation" in diagnosis and diagnosis.get("diverged") is None
    assert len(diagnosis) == len(list(diagnosis))


def test_a_healthy_run_says_so():
    diagnosis = diagnose(synthetic.healthy(30), loss="sparse_categorical_crossentropy", num_classes=10)
    assert diagnosis.kinds == ["healthy"] and diagnosis.is_healthy
    assert diagnosis.primary.evidence["best_epoch"] >= 20


def test_str_reads_as_a_short_report():
    text = str(diagnose(synthetic.overfitting(30, best=10)))
    lines = text.splitlines()
    assert lines[0] == "Diagnosis of 30 epochs:"
    assert lines[1].startswith("  ! overfitting: val_loss was lowest at epoch 11")
    assert lines[2].strip().startswith("→ Keep the weights of epoch 11")


def test_to_dict_is_json_ready_even_with_nan_evidence():
    diagnosis = diagnose({"loss": [1.0, 0.5, float("nan")], "learning_rate": [0.1] * 3})
    data = json.loads(json.dumps(diagnosis.to_dict()))
    assert data["primary"] == "diverged" and data["epochs"] == 3 and data["rows"] == "epoch"
    assert data["findings"][0]["evidence"] == {
        "epoch": 2,
        "value": "nan",
        "learning_rate": 0.1,
        "last_finite_loss": 0.5,
    }
    assert set(data["findings"][0]) == {"kind", "severity", "epochs", "evidence", "advice", "summary"}
    assert data["keys"] == ["loss", "learning_rate"]


def test_a_diagnosis_can_be_built_by_hand():
    finding = Finding("plateau", "warning", [3], {"end_loss": float("inf")}, "Lower it.", "Flat.")
    diagnosis = Diagnosis([finding], epochs=4)
    assert diagnosis.to_dict()["findings"][0]["evidence"]["end_loss"] == "inf"
    assert "! plateau: Flat." in str(diagnosis) and not diagnosis.is_healthy


def test_format_wraps_each_line_to_a_width_under_a_hanging_indent():
    diagnosis = diagnose(synthetic.overfitting(30, best=10))
    wrapped = diagnosis.format(width=60).splitlines()
    assert all(len(line) <= 60 for line in wrapped)
    assert wrapped[1].startswith("  ! overfitting: ") and wrapped[2].startswith("    ")
    advice = next(index for index, line in enumerate(wrapped) if line.startswith("      → "))
    assert wrapped[advice].startswith("      → Keep the weights") and wrapped[advice + 1].startswith(
        "        "
    )
    # The same words as the unwrapped report, which keeps one line per note and finding.
    assert " ".join(" ".join(wrapped).split()) == " ".join(str(diagnosis).split())
    assert diagnosis.format() == str(diagnosis) and len(str(diagnosis).splitlines()) == 3
