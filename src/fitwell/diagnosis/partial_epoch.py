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

from fitwell.diagnosis.adversarial import is_network_loss
from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.printed_metrics import is_printed_loss, line_metrics
from fitwell.diagnosis.training_phases import keras_named

__all__ = ["read_first_epoch_batches"]

#: An epoch's number on a line, and the epochs planned after it (`Epoch 1`, `epoch: 1`, `Epoch is
#: [1/600]`, `[Epoch 0/30`).
_EPOCH = re.compile(r"\bepoch\b\s*(?:is\s*)?[:=#]?\s*\[?\s*(\d+)(?:\s*/\s*(\d+))?", re.IGNORECASE)
#: A batch's count on a line, perhaps out of the epoch's batches (`Batch [3/858]`, `iter: 200`,
#: `mini-batch is [2/1600]`, `step 40`).
_BATCH = re.compile(
    r"\b(?:mini-?batch|batch|iter(?:ation)?|step)\b\s*(?:is\s*)?[:=#]?\s*\[?\s*(\d+)(?:\s*/\s*(\d+))?",
    re.IGNORECASE,
)
#: The fewest batch lines that make a curve.
_LEAST_BATCHES = 4
#: How many lines above the first batch line the epoch may be named (`Epoch 1`, then a blank line
#: and a progress bar's first state): further up, a number after `epoch` is a setting or a
#: resumed run's (`max epoch: 100`, `Resuming from epoch 5`), not the epoch these batches are in.
_EPOCH_ABOVE = 3


def read_first_epoch_batches(lines: list[str]) -> tuple[dict[str, list[float | None]], str, str] | None:
    """`(columns, note, part)` of a log whose lines with a training loss each count a batch, in
    increasing order, all of one epoch: named on those lines, or on a line at most `_EPOCH_ABOVE`
    above the first of them, and no other epoch named after it; each line naming the same
    training loss (a line of a loss's parts naming neither a batch nor an epoch is passed over);
    no line scoring held-out data (a validation loss between the batches, `ge_074`, or a test
    set's after them: a finished epoch, judged as such); not a GAN's two losses (refused as a
    GAN's); not an epoch planned as the only one (`Epoch 1/1`) nor one whose batch count reached
    its total. `part` says which batches of which epoch (`batches 1–90 of 858 of epoch 1`); None
    for any other text, or fewer than `_LEAST_BATCHES` such lines.

    Example:
        >>> lines = ["Epoch 1"] + [f"Batch [{i}/858], Loss: {0.7 - 0.1 * i:.1f}" for i in range(1, 5)]
        >>> columns, note, part = read_first_epoch_batches(lines)
        >>> columns["loss"], part
        ([0.6, 0.5, 0.4, 0.3], 'batches 1–4 of 858 of epoch 1')
    """
    epochs: dict[int, tuple[int, int | None]] = {}  # line number: (epoch, epochs planned)
    rows: list[tuple[int, dict[str, float]]] = []
    counts: list[int] = []
    total: int | None = None
    near: set[int] = set()  # the epoch named near the first batch line, once there is one
    for number, line in enumerate(lines):
        for found in _EPOCH.finditer(line):
            epochs[number] = (int(found[1]), int(found[2]) if found[2] else None)
            if rows and int(found[1]) not in near:
                return None  # another epoch after the batches: a log of several epochs
        metrics = line_metrics(line)
        if any(keras_name(name).startswith(("val_", "test_")) for name in metrics):
            return None  # held-out data scored: a curve the rules can judge, or an epoch that ended
        losses = [name for name in metrics if is_printed_loss(name)]
        if not losses:
            continue
        if any(map(is_network_loss, losses)):
            return None  # a GAN's two networks: refused as such
        batch = _BATCH.search(line)
        if batch is None and number not in epochs:
            continue  # the parts of the batch's loss on a line of their own (`classify loss is 0.92, …`)
        if batch is None:
            return None  # an epoch's summary (`Epoch 1 average loss: 0.8`): the epoch ended
        if not rows:
            near = {epoch for at, (epoch, _) in epochs.items() if at >= number - _EPOCH_ABOVE}
            if len(near) != 1:
                return None  # no epoch named near the batches (or two)
        counts.append(int(batch[1]))
        total = int(batch[2]) if batch[2] else total
        rows.append((number, metrics))
    if len(rows) < _LEAST_BATCHES or counts != sorted(set(counts)):
        return None
    (epoch,) = near
    planned = max(
        (count for at, (_, count) in epochs.items() if at >= rows[0][0] - _EPOCH_ABOVE and count),
        default=None,
    )
    if planned == 1 or (total is not None and counts[-1] >= total - 1):
        return None  # the run's one epoch, or one that ran to its end
    names = [frozenset(name for name in metrics if is_printed_loss(name)) for _, metrics in rows]
    if len(set(names)) != 1:
        return None  # a loss named afresh on each line (`iter 100 loss: 2.0` read as `iter_100_loss`)
    columns = {
        name: [metrics.get(name) for _, metrics in rows]
        for name in dict.fromkeys(name for _, metrics in rows for name in metrics)
    }
    columns, _ = keras_named(columns)
    if "loss" not in columns:
        return None
    out_of = f" of {total}" if total is not None else ""
    part = f"batches {counts[0]}–{counts[-1]}{out_of} of epoch {epoch}"
    note = (
        f"read as one epoch's batches: the log stops inside epoch {epoch}, its {len(rows)} lines with a "
        f"training loss each a batch ({part}), read one row a batch (each value one batch's, as noisy "
        "as a batch); where the messages say 'epoch', they count these rows."
    )
    return columns, note, part
