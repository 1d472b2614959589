"""Training logs of OpenMMLab's runners (mmengine's `vis_data/scalars.json`, mmcv's `*.log.json`).

Both write one JSON object per line. A training record every few iterations:
`{"lr": 0.01, "data_time": 0.02, "loss": 0.79, "time": 0.17, "epoch": 3, "iter": 318, "memory":
2965, "step": 318}`; and an evaluation record after each validation, of the metrics alone:
`{"accuracy/top1": 71.3, "data_time": 0.09, "time": 0.19, "step": 3}` (mmengine, whose `step` is
then the epoch), or `{"mode": "val", "epoch": 3, "iter": 55, "accuracy_top-1": 71.3}` (mmcv,
whose records say their mode, after a first record of the environment and the config).

Read as Hugging Face Trainer's records are (`step_logs.per_evaluation`): each evaluation closes
a period whose training loss is the mean of those logged since the one before; its metrics are
the validation set's (`accuracy/top1` as `val_accuracy_top1`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fitwell.diagnosis.json_shapes import records_as_columns

__all__ = ["WRITTEN_BY", "openmmlab_columns"]

WRITTEN_BY = "OpenMMLab's scalars.json or log.json"
#: Keys of a record that time or size the step, not curves.
_BOOKKEEPING = frozenset({"data_time", "time", "memory", "eta", "mode", "iter", "step", "epoch"})
#: Its names for the learning rate.
_RATES = ("lr", "base_lr")
#: Keys only mmcv's first record holds: the environment and the config.
_SETUP = frozenset({"env_info", "config", "seed", "exp_name", "hook_msgs"})


def openmmlab_columns(data: Any) -> dict[str, list] | None:
    """The columns of an OpenMMLab log's records (`_records`), one per key, for
    `step_logs.per_evaluation`; None when `data` is no such log."""
    records = _records(data)
    return None if records is None else records_as_columns(records)


def _records(data: Any) -> list[dict] | None:
    """The records of an OpenMMLab log as a Trainer's log holds them (`epoch`, `step`, `loss`,
    `learning_rate`, and `val_`-named metrics on the evaluation records), or None when `data` is
    no such log: a list of records, besides a setup record, each with a `mode` of `train` or
    `val` (mmcv), or each with a `data_time` and a `step` and some with a learning rate
    (mmengine); none with a `val_` name (a loop's own records); at least two of them training
    records with a `loss`. Evaluation records' learning rate (mmcv writes it) is no metric."""
    if not isinstance(data, list) or not all(isinstance(record, Mapping) for record in data):
        return None
    records = [record for record in data if not _SETUP & set(record)]
    mmcv = bool(records) and all(record.get("mode") in ("train", "val") for record in records)
    mmengine = bool(records) and all("data_time" in record and "step" in record for record in records)
    if not (mmcv or mmengine) or any(str(key).startswith("val_") for record in records for key in record):
        return None  # (a loop's own records, `val_loss` beside a `data_time`, are read as records)
    if mmengine and not any(key in _RATES for record in records for key in record):
        return None
    if sum(_is_training(record) and "loss" in record for record in records) < 2:
        return None
    converted: list[dict] = []
    epoch, step = None, None  # where training stood at each evaluation
    for record in records:
        if _is_training(record):
            epoch = record.get("epoch", epoch)
            step = record.get("step", record.get("iter", step))
            values = {_training_name(key): value for key, value in record.items() if key not in _BOOKKEEPING}
            converted.append({"epoch": epoch, "step": step, **values})
        else:
            metrics = {
                f"val_{_plain(key)}": value
                for key, value in record.items()
                if key not in _BOOKKEEPING
                and key not in _RATES
                and isinstance(value, (int, float))
                and not isinstance(value, bool)
            }
            if metrics:
                converted.append({"epoch": record.get("epoch", epoch), "step": step, **metrics})
    return converted


def _is_training(record: Mapping) -> bool:
    """A training record: mmcv's `mode` says so; mmengine's holds a learning rate (`lr`,
    `base_lr`) or a loss, which its evaluation records never do."""
    if "mode" in record:
        return record["mode"] == "train"
    return any(key == "loss" or key.startswith("loss_") or key in _RATES for key in record)


def _training_name(key: str) -> str:
    """`lr` as the Trainer's `learning_rate` (the learning-rate column the reader knows), the rest as
    written."""
    return "learning_rate" if key in _RATES else key


def _plain(key: str) -> str:
    """A metric's name with its group and punctuation as underscores: `accuracy/top1` →
    `accuracy_top1`, `coco/bbox_mAP` → `coco_bbox_mAP`, `accuracy_top-1` → `accuracy_top_1`."""
    return re.sub(r"[^0-9A-Za-z]+", "_", key).strip("_")
