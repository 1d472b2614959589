"""A console log of one epoch's batches, stopped inside that epoch.

A loop that prints every few batches (`Batch [3/858], Loss: 0.2992` under `Epoch 1`; `epoch: 1,
iter: 200, …, tr_loss: 2.125`; `Epoch is [1/600], mini-batch is [2/1600], …, batch_loss is 12.26`)
and was stopped, or copied, before its first epoch ended holds no curve by epoch: no epoch's mean,
no validation. Its batches are still a curve a reader looks at, falling or not, and what it says is
that the run is too short to judge (a few dozen batches of a run planned for hundreds of epochs).
Each batch line is read as a row, one batch's values (as noisy as a batch), and the log says which
part of the epoch it covers, for the rules to say so (`Curves.part_of_epoch`).
"""

from __future__ import annotations

import re

from fitwell.diagnosis.printed_metrics import is_printed_loss, line_metrics

__all__ = ["read_first_epoch_batches"]

#: An epoch's number on a line (`Epoch 1`, `epoch: 1`, `Epoch is [1/600]`, `[Epoch 0/30`).
_EPOCH = re.compile(r"\bepoch\b\s*(?:is\s*)?[:=#]?\s*\[?\s*(\d+)", re.IGNORECASE)
#: A batch's count on a line, perhaps out of the epoch's batches (`Batch [3/858]`, `iter: 200`,
#: `mini-batch is [2/1600]`, `step 40`).
_BATCH = re.compile(
    r"\b(?:mini-?batch|batch|iter(?:ation)?|step)\b\s*(?:is\s*)?[:=#]?\s*\[?\s*(\d+)(?:\s*/\s*(\d+))?",
    re.IGNORECASE,
)
#: The fewest batch lines that make a curve.
_LEAST_BATCHES = 4


def read_first_epoch_batches(lines: list[str]) -> tuple[dict[str, list[float | None]], str, str] | None:
    """`(columns, note, part)` of a log whose lines with a training loss each count a batch, in
    increasing order, all of one epoch (every epoch the log names is that one, named on those lines
    or above them; a line of a loss's parts naming neither is passed over), none of them scoring
    held-out data (a validation loss every few batches is judged as such, `ge_074`, not as this);
    `part` says which batches of which epoch (`batches 1–90 of 858 of epoch 1`); None for any
    other text, or fewer than `_LEAST_BATCHES` such lines.

    Example:
        >>> lines = ["Epoch 1"] + [f"Batch [{i}/858], Loss: {0.7 - 0.1 * i:.1f}" for i in range(1, 5)]
        >>> columns, note, part = read_first_epoch_batches(lines)
        >>> columns["loss"], part
        ([0.6, 0.5, 0.4, 0.3], 'batches 1–4 of 858 of epoch 1')
    """
    epochs: set[int] = set()
    rows: list[dict[str, float]] = []
    counts: list[int] = []
    total: int | None = None
    for line in lines:
        epochs.update(int(found) for found in _EPOCH.findall(line))
        metrics = line_metrics(line)
        losses = [name for name in metrics if is_printed_loss(name) and not name.startswith(("val", "test"))]
        if not losses:
            continue
        batch = _BATCH.search(line)
        if batch is None and _EPOCH.search(line) is None:
            continue  # the parts of the batch's loss on a line of their own (`classify loss is 0.92, …`)
        if batch is None or len(epochs) != 1:
            return None  # an epoch's summary (`Epoch 1 average loss: 0.8`), or no epoch named yet
        counts.append(int(batch[1]))
        total = int(batch[2]) if batch[2] else total
        rows.append(metrics)
    if len(rows) < _LEAST_BATCHES or len(epochs) != 1 or counts != sorted(set(counts)):
        return None
    if any(name.startswith(("val", "test")) for row in rows for name in row):
        return None  # scored on held-out data at its batches: a curve the rules can judge, not this
    if total is not None and counts[-1] >= total:
        return None  # the epoch ran to its end
    names = list(dict.fromkeys(name for row in rows for name in row))
    columns = {name: [row.get(name) for row in rows] for name in names}
    if "loss" not in columns:
        loss = next(name for name in names if is_printed_loss(name) and not name.startswith(("val", "test")))
        columns = {("loss" if name == loss else name): values for name, values in columns.items()}
    epoch = next(iter(epochs))
    out_of = f" of {total}" if total is not None else ""
    part = f"batches {counts[0]}–{counts[-1]}{out_of} of epoch {epoch}"
    note = (
        f"read as one epoch's batches: the log stops inside epoch {epoch}, its {len(rows)} lines with a "
        f"training loss each a batch ({part}), read one row a batch (each value one batch's, as noisy "
        "as a batch)."
    )
    return columns, note, part
