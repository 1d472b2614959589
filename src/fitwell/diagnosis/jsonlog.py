"""The shapes a JSON history comes in, turned to one list per key.

Beside Keras's `{"loss": [...], "val_loss": [...]}`: a list of per-epoch records (a loop appending
its metrics dict each epoch), alone or under `history`; pandas' `to_json()` (`{"loss": {"0": 0.9,
...}}`); and histories nested one level down, by training phase or by set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["as_columns"]


def as_columns(data: Any) -> tuple[Any, str | None]:
    """Per-epoch lists from a list of per-epoch objects (a loop appending its metrics dict each
    epoch, alone or under `history`) or from pandas' `to_json()` (`{"loss": {"0": 0.9, ...}}`)."""
    records = data.get("history") if isinstance(data, Mapping) else data
    if isinstance(records, list) and records and all(isinstance(record, Mapping) for record in records):
        records = [_flattened(record) for record in records]  # `{"epoch": 1, "train": {"loss": ...}}`
        keys = list(dict.fromkeys(key for record in records for key in record))
        columns = {key: [record.get(key) for record in records] for key in keys}
        return columns, f"read a JSON list of {len(records)} per-epoch records as one column per key."
    if (
        isinstance(data, Mapping)
        and any(_indexed(value) for value in data.values())
        and all(_indexed(value) or value == {} for value in data.values())
    ):
        rows = sorted({int(index) for value in data.values() for index in value})
        columns = {key: [value.get(str(row)) for row in rows] for key, value in data.items() if value}
        return (
            columns,
            "read pandas' to_json() table (one object per column, keyed by row) as one column per key.",
        )
    if isinstance(data, Mapping) and "history" not in data:
        # Histories nested one level down: by training phase (`{"phase1": {"loss": [...]}, ...}`,
        # read as the side-by-side phases `phase1_loss`, ...) or by set (`{"train": {"loss": ...},
        # "val": {"loss": ...}}`, or per-epoch records under each set: `{"train": [{"loss": ...},
        # ...], "val": [...]}`, read as `train_loss`, `val_loss`).
        return _flattened(data), None
    return data, None


def _flattened(data: Mapping) -> dict:
    """The mapping with its nested mappings' items (or its lists of records, as columns) lifted one
    level, under `outer_inner` names."""
    flat = {}
    for outer, value in data.items():
        if isinstance(value, list) and value and all(isinstance(record, Mapping) for record in value):
            keys = dict.fromkeys(key for record in value for key in record)
            value = {key: [record.get(key) for record in value] for key in keys}
        if isinstance(value, Mapping) and not _indexed(value):
            flat.update({f"{outer}_{key}": item for key, item in value.items()})
        else:
            flat[outer] = value
    return flat


def _indexed(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(str(key).isdigit() for key in value)
