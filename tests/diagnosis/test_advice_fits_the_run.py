"""Every finding on every stored run (development, held-out, unseen, fresh and public corpora) fits the run's
own log: no validation key named for a run without validation, and every number quoted in a summary is a
value of the log (as the progress bar prints it), the baseline or chance level, or marked smoothed (`smoothed
A → B` marks both). A value quoted "at epoch E" is the log's value at that epoch; the percentage or factor
printed beside a pair of numbers follows from them; a pair that "fell" goes down; a jump "in one epoch" is
quoted from the epoch before it."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from fitwell.diagnosis import Thresholds, diagnose, read_curves
from fitwell.diagnosis.run import format_number

from . import public, unseen

FIXTURES = Path(__file__).parent / "fixtures"
# A decimal or exponent number, not a percentage, nor a factor or its mantissa (4.7e+07×).
NUMBER = re.compile(r"(?<![\w.×])(-?\d+\.\d+(?:e[-+]?\d+)?|-?\d+e[-+]?\d+)(?![\d%×e])")
VALUE = r"(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
# "smoothed 0.05 at epoch 38 → 0.03": the smoothed level at an epoch, and where it ended (also smoothed).
SMOOTHED_PAIR = re.compile(rf"smoothed {VALUE}(?: at epoch \d+)? → {VALUE}")
# "(largest: val_loss 0.3275 at epoch 24 → 0.4636 at epoch 26, +42%)"
JUMP = re.compile(rf"(\w+) {VALUE}(?: at epoch (\d+))? → {VALUE} at epoch (\d+), \+(\d+)%")
# "then rose 38% (smoothed 0.11 → 0.15", "fell 26% since (smoothed 0.44 at epoch 27 → 0.33"
SMOOTHED_CHANGE = re.compile(
    rf"(rose|fell) (\d+)% (?:since )?\((?:smoothed )?{VALUE}(?: at epoch \d+)? → {VALUE}"
)
# "while loss kept falling (smoothed 0.0502 at epoch 37 → 0.0481"
FALLING = re.compile(rf"falling \((?:smoothed )?{VALUE}(?: at epoch \d+)? → {VALUE}")
# "val_loss exploded 4.7e+07× in one epoch: from 0.1264 (epoch 12) to 5.918e+06 at epoch 13"
ONE_EPOCH = re.compile(
    rf"(\w+) exploded ([\d.e+]+)× in one epoch: from {VALUE} \(epoch (\d+)\) to {VALUE} at epoch (\d+)"
)
# "0.3275 at epoch 24", "from 0.1264 (epoch 12)": a value and the epoch it was logged at
AT_EPOCH = re.compile(rf"(?<![\w.]){VALUE} (?:at epoch (\d+)|\(epoch (\d+)\))")


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
            yield run.name, str(run.path), public.diagnose_kwargs(run)


RUNS = list(_runs())


def _quotable(curves, kwargs, diagnosis) -> set[str]:
    values = set()
    for column in curves.values.values():
        values.update(format_number(float(v)) for v in column if np.isfinite(v))
        values.update(repr(float(v)) for v in column if np.isfinite(v))  # a value quoted as logged
    for value in (
        kwargs.get("baseline"),
        math.log(kwargs["num_classes"]) if kwargs.get("num_classes") else None,
    ):
        if value is not None:
            values.add(format_number(value))
    if kwargs.get("loss") and "binary" in kwargs["loss"]:
        values.add(format_number(math.log(2)))
    values.add(format_number(Thresholds().good_accuracy))  # "short of a good value (…, under 0.85)"
    values.add(format_number(Thresholds().good_auc))  # "(val_auc at the end: …, under 0.7)"
    margin = Thresholds().not_learning_accuracy_margin
    values.add(format_number(0.5 + margin))  # "val_auc …, under 0.6"
    values.add(format_number(0.5 - margin))  # "roc_auc stayed below what a coin scores …, under 0.4"
    values.add(format_number(margin))  # "val_mcc never got clearly above 0 …, under 0.1"
    values.add(format_number(0.5))  # a coin's AUC: "val_auc stayed at 0.5 (between 0.5007 and 0.5057)"
    for finding in diagnosis:  # a class count guessed from the loss: "within 5% of 3.045 (ln 21)"
        guessed = finding.evidence.get("guessed_classes")
        if guessed:
            values.update(format_number(value) for value in (math.log(guessed), 1 / guessed))
    if kwargs.get("num_classes"):  # "never got clearly above chance (1/7 = 0.1429) …, under 0.2429"
        values.update(format_number(1 / kwargs["num_classes"] + extra) for extra in (0.0, margin))
    return values


@pytest.mark.parametrize(("name", "run", "kwargs"), RUNS, ids=[name for name, _, _ in RUNS])
def test_findings_quote_the_log_and_name_only_its_keys(name, run, kwargs):
    with public.as_published(run) as published:  # a TensorBoard export, under its own name
        diagnosis = diagnose(published, **kwargs)
        curves = read_curves(published, kwargs.get("columns"))
    # Validation scores left out for being NaN at every epoch are the log's keys too (`dj_006`).
    has_val = any(key.startswith("val_") for key in (*curves.values, *curves.unmeasured))
    quotable = _quotable(curves, kwargs, diagnosis)
    for finding in diagnosis:
        if not has_val:
            assert "val_" not in finding.advice and "val_" not in finding.summary, (name, finding)
            assert "both curves" not in finding.summary and "gap" not in finding.summary, (name, finding)
        smoothed_ends = {match.start(2) for match in SMOOTHED_PAIR.finditer(finding.summary)}
        for match in NUMBER.finditer(finding.summary):
            text = match.group(1)
            before = finding.summary[max(0, match.start() - 9) : match.start()]
            if "smoothed" in before or match.start() in smoothed_ends or text in quotable:
                continue
            raise AssertionError(f"{name}: {text!r} is not in the log: {finding.summary}")
        _check_quoted_epochs(name, curves, finding.summary)
        _check_quoted_changes(name, curves, finding.summary)
        for key in re.findall(r"monitor='([\w]+)'", finding.advice):
            assert key in curves.values, (name, key, finding.advice)
        _check_quoted_rates(name, curves, finding.advice)


def _logged_at(curves) -> dict[int, set[str]]:
    """Epoch number as messages print it (0-based + 1) → every value logged at it, as printed."""
    logged: dict[int, set[str]] = {}
    for position, epoch in enumerate(curves.epochs):
        row = logged.setdefault(int(epoch) + 1, set())
        for column in curves.values.values():
            if np.isfinite(column[position]):
                row.add(format_number(float(column[position])))
    return logged


def _check_quoted_epochs(name: str, curves, summary: str) -> None:
    """A raw value quoted "at epoch E" or "(epoch E)" was logged at epoch E."""
    logged = _logged_at(curves)
    for match in AT_EPOCH.finditer(summary):
        if "smoothed" in summary[max(0, match.start() - 9) : match.start()]:
            continue
        epoch = int(match.group(2) or match.group(3))
        assert match.group(1) in logged.get(epoch, set()), (
            f"{name}: {match.group(1)} is not the value logged at epoch {epoch}: {summary}"
        )


def _agrees(percent: float, before: float, after: float) -> bool:
    """Whether a printed whole percentage follows from two 4-digit numbers."""
    change = 100 * abs(after - before) / abs(before)
    return abs(change - percent) <= 1 + 0.002 * change


def _check_quoted_changes(name: str, curves, summary: str) -> None:
    """A percentage or factor printed beside two numbers follows from them, a fall goes down, and a
    jump "in one epoch" is quoted from the curve's previous logged epoch."""
    assert "more than 0.0%" not in summary, f"{name}: {summary}"
    assert ") at epoch" not in summary, f"{name}: an epoch that belongs to no value: {summary}"
    for curve, before, first, after, last, percent in JUMP.findall(summary):
        assert _agrees(float(percent), float(before), float(after)), f"{name}: {summary}"
        if not first:  # "A → B at epoch E" reads as one step: A is the curve's previous logged value
            values, epochs = _logged_series(curves, curve)
            assert values[epochs.index(int(last)) - 1] == before, f"{name}: {before} is not the value before"
    for word, percent, before, after in SMOOTHED_CHANGE.findall(summary):
        assert (float(after) < float(before)) == (word == "fell"), f"{name}: {summary}"
        assert _agrees(float(percent), float(before), float(after)), f"{name}: {summary}"
    for before, after in FALLING.findall(summary):
        assert float(after) < float(before), f"{name}: a fall that goes up: {summary}"
    for curve, times, before, first, after, last in ONE_EPOCH.findall(summary):
        assert abs(float(times) / (float(after) / float(before)) - 1) < 0.06, f"{name}: {summary}"
        _, epochs = _logged_series(curves, curve)
        assert epochs.index(int(last)) == epochs.index(int(first)) + 1, f"{name}: {summary}"


def _logged_series(curves, curve: str) -> tuple[list[str], list[int]]:
    """A curve's finite values as printed, and their epochs as messages number them."""
    finite = np.isfinite(curves.values[curve])
    values = [format_number(float(v)) for v in curves.values[curve][finite]]
    return values, [int(e) + 1 for e in curves.epochs[finite]]


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
    val[27:] = val[25] * (1 + rng.normal(0, 0.01, n - 27))  # no new low after the jumps: unsettled
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
