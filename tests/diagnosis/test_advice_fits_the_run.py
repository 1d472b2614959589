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
