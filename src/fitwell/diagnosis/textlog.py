"""Read a training log written as text: Keras's progress output saved from the console, or the
lines a hand-written loop prints (`Epoch 3/35, Train Loss: 0.52, Val Loss: 0.61`).

A line that holds `name: number` (or `name=number`) pairs, a loss among them, is a record of
metrics; an `Epoch N` (`Epoch 3/10`, `epoch: 3`) on its line or on a line before names the epoch
it belongs to, and the last record of an epoch is the epoch's (Keras rewrites its progress line
during the epoch and ends it with the validation metrics). Without any epoch marker, every
record is an epoch. Names are read as Keras's (`Train Loss` → `loss`, `Val Acc` → `val_acc`), and
a `%` after a number is dropped (accuracy in percent is then divided by 100 as for a CSV).
"""

from __future__ import annotations

import re

from fitwell.diagnosis.column_names import keras_name

__all__ = ["read_text_records"]

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf"
_PAIR = re.compile(rf"(?P<name>[A-Za-z][A-Za-z0-9_ @.]*?)\s*[:=]\s*(?P<value>{_NUMBER})%?", re.IGNORECASE)
_EPOCH = re.compile(r"\bepoch\b\s*[:#=]?\s*[\[(]?\s*(\d+)", re.IGNORECASE)
#: Names in progress lines that are not curves.
_NOT_METRICS = ("eta", "epoch", "step", "steps", "batch", "iter", "iteration", "time", "lr_step")


def read_text_records(text: str) -> tuple[dict[str, list[float | None]], list[int] | None, int] | None:
    """`(columns, epochs, runs)` read from a printed training log (of the last run when the epoch
    count starts again: `runs` says how many there were), or None when the text holds fewer than
    2 records with a loss."""
    records: dict[int, dict[str, float]] = {}
    order: list[int] = []
    epoch: int | None = None
    runs = 1
    marked = bool(_EPOCH.search(text))
    for line in re.split(r"[\r\n]+", text):
        found = _EPOCH.search(line)
        if found:
            number = int(found.group(1))
            if epoch is not None and number < epoch and order:  # a new run: keep the last one
                records, order, runs = {}, [], runs + 1
            epoch = number
        pairs = {}
        for match in _PAIR.finditer(line):
            name = keras_name(match.group("name").strip())
            if name not in _NOT_METRICS:
                pairs[name] = float(match.group("value"))
        if not any(name == "loss" or name.endswith("_loss") for name in pairs):
            continue
        key = epoch if marked and epoch is not None else len(order)
        if marked and epoch is None:
            continue  # metrics printed before the first epoch (a summary, an evaluation)
        if key not in records:
            order.append(key)
            records[key] = {}
        if len(pairs) >= len(records[key]):
            # The epoch's last full record holds its final (and validation) values; a shorter
            # one after it (Keras's evaluate() after the last epoch) is not the epoch's.
            records[key] = pairs
    if len(order) < 2:
        return None
    names = sorted({name for record in records.values() for name in record})
    columns = {name: [records[key].get(name) for key in order] for name in names}
    return columns, (order if marked else None), runs
