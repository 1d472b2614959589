"""Sacred's `metrics.json`: what its `FileStorageObserver` keeps of the metrics a run logged.

Each metric that `_run.log_scalar(name, value, step)` logged is an object of three lists,
`{"train.loss": {"steps": [0, 1, ...], "values": [0.9, 0.6, ...], "timestamps": [...]}, ...}`.
Read as one column per metric on the steps of all of them, the steps as the epochs (a metric named
`epoch` that holds a number at every step gives them instead, the steps kept beside). A metric
logged once (a final test score) is no curve, and is left out with a note. Without a `step`,
Sacred counts each metric's own calls from 0: a metric counted so (a loss logged every batch)
whose steps run more than twice as far as another's (its validation, once an epoch) shares no
scale with it, and the file is refused saying so. A metric whose steps go back (folds or runs
logged into one) is read from its last start, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.wording import joined

__all__ = ["sacred_columns"]


def sacred_columns(data: Any, path: str) -> tuple[dict[str, list], str] | None:
    """`(columns, note)` of Sacred's `metrics.json`; None for any other shape.

    Raises:
        ValueError: For a metric counted by its own calls whose steps run more than twice as far
            as another metric's: the steps do not tell which values belong to one epoch.
    """
    series = _series(data)
    if series is None:
        return None
    notes = []
    once = [key for key, (steps, _) in series.items() if len(steps) == 1 and len(series) > 1]
    if once and len(once) < len(series):
        series = {key: pair for key, pair in series.items() if key not in once}
        notes.append(f"{joined(map(repr, once))} logged once: no curve, left out.")
    restarted: dict[str, int] = {}
    for key, (steps, values) in series.items():
        starts = [i for i in range(1, len(steps)) if steps[i] < steps[i - 1]]
        if starts:
            restarted[key] = len(starts) + 1
            series[key] = (steps[starts[-1] :], values[starts[-1] :])
    if restarted:
        notes.append(
            f"The steps of {joined(map(repr, restarted))} go back ({max(restarted.values())} runs or folds "
            "logged into one): each is read from its last start."
        )
    _refuse_scales_apart(series, path)
    by_step = {key: dict(zip(steps, values, strict=True)) for key, (steps, values) in series.items()}
    steps = sorted({step for logged in by_step.values() for step in logged})
    epoch_key = next((key for key in by_step if keras_name(key) == "epoch"), None)
    epochs = by_step.get(epoch_key) if epoch_key is not None else None
    if epochs is not None and all(isinstance(epochs.get(step), (int, float)) for step in steps):
        del by_step[epoch_key]
        columns = {"epoch": [epochs[step] for step in steps], "step": steps}
        placed = f"the metric {epoch_key!r} as the epochs"
    else:
        if epoch_key is not None:
            del by_step[epoch_key]
            notes.append(f"{epoch_key!r} does not hold a number at every step: left out.")
        columns = {"epoch": steps}
        placed = "the steps as the epochs"
    columns.update({key: [logged.get(step) for step in steps] for key, logged in by_step.items()})
    first = f"read Sacred's metrics.json (each metric's steps and values) as one column per metric, {placed}."
    return columns, " ".join([first, *notes])


def _series(data: Any) -> dict[str, tuple[list[int], list[Any]]] | None:
    """Each metric's steps (whole numbers, written as floats too) and values, when every key
    holds such an object."""
    if not isinstance(data, Mapping) or not data:
        return None
    series = {}
    for key, value in data.items():
        if not isinstance(value, Mapping):
            return None
        steps, values = value.get("steps"), value.get("values")
        if not isinstance(steps, list) or not isinstance(values, list) or len(steps) != len(values):
            return None
        if not steps or not all(_whole(step) for step in steps):
            return None
        series[str(key)] = ([int(step) for step in steps], values)
    return series


def _whole(step: Any) -> bool:
    if isinstance(step, bool) or not isinstance(step, (int, float)):
        return False
    return isinstance(step, int) or (step == step and abs(step) < 2**53 and float(step).is_integer())


def _refuse_scales_apart(series: dict[str, tuple[list[int], list[Any]]], path: str) -> None:
    """Refuse a metric counted by its own calls (steps 0, 1, 2, …) whose steps run more than twice
    as far as another metric's: a loss logged every batch beside its validation once an epoch."""
    ends = {key: max(steps) for key, (steps, _) in series.items() if len(steps) >= 2}
    counted = [key for key in ends if series[key][0] == list(range(len(series[key][0])))]
    if not counted or len(ends) < 2:
        return
    far = max(counted, key=lambda key: ends[key])
    near = min(ends, key=lambda key: ends[key])
    if ends[far] + 1 > 2 * (ends[near] + 1):
        raise ValueError(
            f"{path!r} is Sacred's metrics.json whose {far!r} was counted by its own calls (steps 0 to "
            f"{ends[far]}) while {near!r} stops at step {ends[near]}: the steps do not say which values "
            "belong to one epoch. Log every metric with the epoch as its step "
            f"(_run.log_scalar({far!r}, mean_of_the_epoch, epoch)), once per epoch."
        )
