"""Training logs of detectron2 (its `output/metrics.json`).

detectron2's `JSONWriter` appends one JSON object per line: a training record every 20
iterations, `{"iteration": 19, "total_loss": 2.05, "loss_cls": 1.6, "loss_box_reg": 0.43, "lr":
5e-06, "data_time": 0.01, "time": 0.4, "eta_seconds": 310, "fast_rcnn/cls_accuracy": 0.23, ...}`,
and, when the config asks for periodic evaluation, a record of the evaluator's results at that
iteration, `{"iteration": 999, "bbox/AP": 41.2, "bbox/AP50": 63.0, ...}`. A run started again in
the same folder appends to the file: its iterations start again (or go back to the checkpoint
it resumed from: `step_logs.last_run_by_step`).

Read as Hugging Face Trainer's records are (`step_logs.per_evaluation`): each evaluation closes
a period whose training loss is the mean of those logged since the one before; without
evaluations, one row per training record. Of several runs appended, the last.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fitwell.diagnosis.json_shapes import records_as_columns
from fitwell.diagnosis.step_logs import last_run_by_step

__all__ = ["WRITTEN_BY", "detectron2_columns"]

WRITTEN_BY = "detectron2's metrics.json"
#: Keys of a record that time the step or count where it stands, not curves.
_BOOKKEEPING = frozenset({"iteration", "data_time", "time", "eta_seconds", "rank_data_time"})
#: The groups detectron2's evaluators name their results by (`bbox/AP`, `segm/AP50`, `sem_seg/mIoU`).
_EVALUATIONS = frozenset({"bbox", "segm", "keypoints", "sem_seg", "panoptic_seg"})
#: Its training values under the names the reader knows.
_RENAMED = {"total_loss": "loss", "lr": "learning_rate"}


def detectron2_columns(data: Any, notes: list[str]) -> dict[str, list] | None:
    """The columns of a detectron2 log's records (the last run's, `last_run_by_step`, with notes in
    `notes`), one per key, for `step_logs.per_evaluation`; None when `data` is no
    such log: a list of records, each with an `iteration`, none with an `epoch` or a `val_` name,
    at least two of them training records (with a `total_loss`)."""
    if not isinstance(data, list) or not data or not all(isinstance(record, Mapping) for record in data):
        return None
    if not all("iteration" in record and "epoch" not in record for record in data):
        return None
    if any(str(key).startswith("val_") for record in data for key in record):
        return None
    if sum(map(_trained, data)) < 2:
        return None
    run = last_run_by_step(data, lambda record: record.get("iteration"), _trained, notes, "iteration count")
    evaluated = sorted({key for record in run for key in record if _is_evaluation(key)})
    if evaluated:
        shown = ", ".join(evaluated[:3]) + (", …" if len(evaluated) > 3 else "")
        notes.append(f"read the evaluator's results ({shown}), written in percent, as fractions.")
    return records_as_columns([_converted(record) for record in run])


def _trained(record: Mapping) -> bool:
    return "total_loss" in record


def _is_evaluation(key: str) -> bool:
    """An evaluator's result: `bbox/AP`, or `coco_val/bbox/AP` with several test sets."""
    return bool(_EVALUATIONS & set(key.split("/")[:-1]))


def _converted(record: Mapping) -> dict:
    """A record as a Trainer's: its iteration as the `step`; the training values as they are
    (`total_loss` as the `loss`, `lr` as `learning_rate`); an evaluator's results, written on the
    training record of their iteration or on their own, as the validation set's (`bbox/AP` as
    `val_bbox_AP`)."""
    converted: dict[str, Any] = {"epoch": None, "step": record.get("iteration")}
    for key, value in record.items():
        if key in _BOOKKEEPING or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if _is_evaluation(key):  # (in percent, as its evaluators write them)
            converted["val_" + re.sub(r"[^0-9A-Za-z]+", "_", key).strip("_")] = value / 100.0
        else:
            converted[_RENAMED.get(key, key)] = value
    return converted
