"""Real logs, damaged on purpose: `diagnose` answers or refuses with its own message, never crashes.

Each stored public log is read, then changed in the ways real logs go wrong (a loss of exactly 0
at some epochs, a validation loss of 0 throughout or below 0, values missing, one to four epochs,
an accuracy in percent, a learning rate of 0) and diagnosed again. A `ValueError` or `TypeError`
that fitwell raises itself is an answer (it names what was expected); any other exception, or one
raised inside NumPy, is a crash.
"""

from __future__ import annotations

import re
import traceback

import numpy as np
import pytest
from tests.diagnosis import public

from fitwell.diagnosis import diagnose, read_curves

#: A message that quotes a rise below 0 or a share of NaN or infinity.
_ABSURD = re.compile(r"rose -\d|\bnan\b|\binf\b|[+-]?inf%|nan%")

#: Every fourth stored log: enough kinds of runs to meet each rule, quick enough for the default run.
_RUNS = public.load()[::4]


def _variants(values: dict[str, np.ndarray], n: int) -> dict[str, dict[str, np.ndarray]]:
    zeros = np.arange(n) % 3 == 1
    variants = {
        "loss 0 at every third epoch": {**values, "loss": np.where(zeros, 0.0, values["loss"])},
        "loss 0 throughout": {**values, "loss": np.zeros(n)},
        "loss missing at every other epoch": {
            **values,
            "loss": np.where(np.arange(n) % 2 == 1, np.nan, values["loss"]),
        },
        "learning rate 0": {**values, "learning_rate": np.zeros(n)},
        **{f"first {m} epochs": {key: column[:m] for key, column in values.items()} for m in (1, 2, 3, 4)},
    }
    if "val_loss" in values:
        variants["val_loss 0 throughout"] = {**values, "val_loss": np.zeros(n)}
        variants["val_loss 0 at every third epoch"] = {
            **values,
            "val_loss": np.where(zeros, 0.0, values["val_loss"]),
        }
        variants["val_loss below 0"] = {**values, "val_loss": values["val_loss"] - 10.0}
        variants["val_loss at the last epoch only"] = {
            **values,
            "val_loss": np.where(np.arange(n) == n - 1, values["val_loss"], np.nan),
        }
    accuracy = next((key for key in values if "acc" in key), None)
    if accuracy is not None:
        variants["accuracy in percent"] = {**values, accuracy: values[accuracy] * 100}
        variants["accuracy 1 throughout"] = {**values, accuracy: np.ones(n)}
    return variants


def _as_lists(values: dict[str, np.ndarray]) -> dict[str, list[float | None]]:
    return {key: [None if np.isnan(x) else float(x) for x in column] for key, column in values.items()}


@pytest.mark.parametrize("run", _RUNS, ids=[run.name for run in _RUNS])
def test_a_damaged_real_log_is_diagnosed_or_refused_never_crashes(run):
    try:
        curves = read_curves(str(run.path), columns=public.NAMED_COLUMNS.get(run.name))
    except (ValueError, TypeError):
        pytest.skip("refused as stored")
    values = {key: np.where(curves.recorded[key], curves.values[key], np.nan) for key in curves.values}
    for what, changed in _variants(values, len(curves)).items():
        for context in ({"loss": run.loss, "num_classes": run.num_classes if run.loss else None}, {}):
            try:
                text = str(diagnose(_as_lists(changed), **context))
            except (ValueError, TypeError) as error:
                origin = traceback.extract_tb(error.__traceback__)[-1]
                assert "fitwell" in origin.filename and "raise" in (origin.line or ""), (what, error)
            except Exception as error:  # noqa: BLE001 - any other exception is the bug this test is for
                pytest.fail(f"{what}: {type(error).__name__}: {error}")
            else:  # and what it says reads as numbers: no negative rise, no share of nothing
                assert _ABSURD.search(text) is None, (what, text)
