"""Sacred's `metrics.json`: what its `FileStorageObserver` keeps of the metrics a run logged.

Each metric that `_run.log_scalar(name, value, step)` logged is an object of three lists,
`{"train.loss": {"steps": [0, 1, ...], "values": [0.9, 0.6, ...], "timestamps": [...]}, ...}`.
Read as one column per metric on the steps of all of them, the steps as the epochs (a metric named
`epoch` gives them instead). Without a `step`, Sacred counts each metric's own calls from 0: two
metrics counted so whose lengths differ twice over (a loss logged every batch, its validation every
epoch) share no scale, and the file is refused saying so. A metric whose steps start again (folds or
runs logged into one) is read from its last start, with a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["sacred_columns"]


def sacred_columns(data: Any, path: str) -> tuple[dict[str, list], str] | None:
    """`(columns, note)` of Sacred's `metrics.json`; None for any other shape.

    Raises:
        ValueError: For metrics each counted from 0 by its own calls whose lengths differ twice
            over: their steps do not tell which values belong to one epoch.
    """
    series = _series(data)
    if series is None:
        return None
    restarted: dict[str, int] = {}
    for key, (steps, values) in series.items():
        starts = [i for i in range(1, len(steps)) if steps[i] <= steps[i - 1]]
        if starts:
            restarted[key] = len(starts) + 1
            series[key] = (steps[starts[-1] :], values[starts[-1] :])
    _refuse_own_counters(series, path)
    by_step = {key: dict(zip(steps, values, strict=True)) for key, (steps, values) in series.items()}
    steps = sorted({step for logged in by_step.values() for step in logged})
    epochs = by_step.pop("epoch", None)
    columns = {
        "epoch": steps if epochs is None else [epochs.get(step) for step in steps],
        **{key: [logged.get(step) for step in steps] for key, logged in by_step.items()},
    }
    placed = "the metric 'epoch'" if epochs is not None else "the steps"
    note = (
        "read Sacred's metrics.json (each metric's steps and values) as one column per metric, "
        f"{placed} as the epochs."
    )
    if restarted:
        named = " and ".join(", ".join(map(repr, restarted)).rsplit(", ", 1))
        runs = max(restarted.values())
        note += (
            f" The steps of {named} start again ({runs} runs or folds logged into one): each is read from "
            "its last start."
        )
    return columns, note


def _series(data: Any) -> dict[str, tuple[list[int], list[Any]]] | None:
    """Each metric's steps and values, when every key holds such an object."""
    if not isinstance(data, Mapping) or not data:
        return None
    series = {}
    for key, value in data.items():
        if not isinstance(value, Mapping):
            return None
        steps, values = value.get("steps"), value.get("values")
        if not isinstance(steps, list) or not isinstance(values, list) or len(steps) != len(values):
            return None
        if not steps or not all(isinstance(step, int) and not isinstance(step, bool) for step in steps):
            return None
        series[str(key)] = (steps, values)
    return series


def _refuse_own_counters(series: dict[str, tuple[list[int], list[Any]]], path: str) -> None:
    counted = {key: len(steps) for key, (steps, _) in series.items() if steps == list(range(len(steps)))}
    if len(counted) < 2:
        return
    (short, fewest), (long, most) = (
        min(counted.items(), key=lambda item: item[1]),
        max(counted.items(), key=lambda item: item[1]),
    )
    if most >= 2 * fewest:
        raise ValueError(
            f"{path!r} is Sacred's metrics.json whose metrics were each counted by their own calls "
            f"({long!r} {most} times, {short!r} {fewest}): the steps do not say which values belong to "
            f"one epoch. Log with the epoch as the step (_run.log_scalar({short!r}, value, epoch)), or "
            "log the training loss once per epoch."
        )
