"""Every finding on every stored run (development, held-out, unseen, fresh and public corpora) fits the run's
own log: no validation key named for a run without validation, and every number quoted in a summary is a
value of the log (as the progress bar prints it), the baseline or chance level, or marked smoothed."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from fitwell.diagnosis import diagnose, read_curves
from fitwell.diagnosis.run import format_number

from . import public, unseen

FIXTURES = Path(__file__).parent / "fixtures"
NUMBER = re.compile(r"(?<![\w.×])(-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+)(?![\d%×])")


def _runs():
    for folder in ("corpus", "holdout"):
        for path in sorted((FIXTURES / folder).glob("*.json")):
            run = json.loads(path.read_text())
            yield path.stem, run["history"], {"loss": run["loss"], "num_classes": run["num_classes"]}
    for run in unseen.load() + unseen.load(unseen.FRESH):
        yield (
            run.name,
            str(run.path),
            {"loss": run.loss, "num_classes": run.num_classes, "baseline": run.baseline},
        )
    for run in public.load():
        if run.name not in public.REFUSED:  # refused (test_public_logs.py)
            named = {"columns": public.NAMED_COLUMNS[run.name]} if run.name in public.NAMED_COLUMNS else {}
            yield run.name, str(run.path), {"loss": run.loss, "num_classes": run.num_classes, **named}


RUNS = list(_runs())


def _quotable(curves, kwargs, diagnosis) -> set[str]:
    values = set()
    for column in curves.values.values():
        values.update(format_number(float(v)) for v in column if np.isfinite(v))
    for value in (
        kwargs.get("baseline"),
        math.log(kwargs["num_classes"]) if kwargs.get("num_classes") else None,
    ):
        if value is not None:
            values.add(format_number(value))
    if kwargs.get("loss") and "binary" in kwargs["loss"]:
        values.add(format_number(math.log(2)))
    return values


@pytest.mark.parametrize(("name", "run", "kwargs"), RUNS, ids=[name for name, _, _ in RUNS])
def test_findings_quote_the_log_and_name_only_its_keys(name, run, kwargs):
    diagnosis = diagnose(run, **kwargs)
    curves = read_curves(run, kwargs.get("columns"))
    has_val = any(key.startswith("val_") for key in curves.values)
    quotable = _quotable(curves, kwargs, diagnosis)
    for finding in diagnosis:
        if not has_val:
            assert "val_" not in finding.advice and "val_" not in finding.summary, (name, finding)
        for match in NUMBER.finditer(finding.summary):
            text = match.group(1)
            before = finding.summary[max(0, match.start() - 9) : match.start()]
            if "smoothed" in before or text in quotable:
                continue
            raise AssertionError(f"{name}: {text!r} is not in the log: {finding.summary}")
        for key in re.findall(r"monitor='([\w]+)'", finding.advice):
            assert key in curves.values, (name, key, finding.advice)
        _check_quoted_rates(name, curves, finding.advice)


RATE = re.compile(r"learning_rate=([-\d.e+]+)(?:[^→)]*→ ([-\d.e+]+)–([-\d.e+]+))?")


def _check_quoted_rates(name: str, curves, advice: str) -> None:
    """A learning rate that advice quotes was logged, and the range it computes from it is above 0."""
    key = curves.learning_rate_key
    logged = {format_number(float(v)) for v in curves.values[key]} if key else set()
    for quoted, low, high in RATE.findall(advice):
        assert quoted in logged, f"{name}: learning_rate={quoted} is not a logged rate: {advice}"
        if low:
            assert float(low) > 0 and float(high) > float(low), f"{name}: {advice}"


def test_advice_scales_the_rate_of_the_worst_jump_not_a_schedule_run_down_to_zero():
    """A one-cycle schedule ends at 0 while the jumps came early at its peak: the advice lowers the rate the
    jumps happened at, names that epoch, and never prints a range of zeros."""
    rng = np.random.default_rng(0)
    n = 40
    loss = 2.0 * np.exp(-np.arange(n) / 8) + 0.05
    val = loss * 1.1 + rng.normal(0, 0.002, n)
    for epoch in (8, 14, 20, 26):  # validation jumps up 60% and back
        val[epoch] *= 1.6
    rate = np.concatenate([np.full(30, 1e-3), np.linspace(1e-3, 0.0, 10)])
    history = {"loss": loss.tolist(), "val_loss": val.tolist(), "learning_rate": rate.tolist()}
    finding = diagnose(history).get("unstable")
    assert finding is not None
    assert "learning_rate=0.001 at epoch" in finding.advice and "0.0001–0.0003" in finding.advice
    assert "0–0" not in finding.advice


def test_a_frozen_loss_under_a_rate_run_down_to_zero_says_so_instead_of_quoting_zero_as_the_rate():
    loss = [1.0, 0.5, 0.3, 0.25, 0.2] + [0.4] * 10
    rate = [1e-2] * 5 + [1e-3] * 5 + [0.0] * 5
    finding = diagnose({"loss": loss, "learning_rate": rate}).get("not_learning")
    assert finding is not None
    assert "learning_rate=0)" not in finding.advice
    assert "ends at 0" in finding.advice
