"""An epoch printed as several lines of its training loss: one batch's value on each, or the mean
so far.

A loop that prints every N steps (`[3/41] 2500), Loss: 0.059`) prints one batch's loss on each
line, and the epoch's last line is one batch's, as noisy as a batch; Keras's progress bar, and a
loop that prints `running_loss / (i + 1)`, print the mean so far, whose last value is the epoch's.
The two are told apart by how the printed values move inside the epochs: how far each line moves
from the one before, against how far the epoch's lines spread (von Neumann's ratio, the mean
squared step over the variance: about 2 for values drawn apart, as batches' are, near 0 for a mean
so far printed often, each step moving it by 1/k of a batch's deviation), and how far the lines of
the epoch's second half spread against those of its first (about 1 for batches' values; a mean
so far settles, its late lines close together). A mean so far printed only a few times an epoch
can look like drawn values, and is averaged then: the mean of its lines is the loss about a
quarter into the epoch, not its end, a shift too small to change a finding, while a batch's loss
read as the epoch's can make a calm run look unstable. Only an epoch whose lines all read alike
(the same words, the numbers aside) is averaged: a summary line after the batches' (`Epoch 1
average loss: 0.80`), or Keras's last progress line (its time per step where the others print
`ETA`), gives the epoch's value as before; so does an epoch with a NaN or an infinite line, which
the divergence rules judge. Where the lines are batches', an epoch's value is the mean of its
lines, which is what an epoch's training loss is; a mean of a few batches out of many is still
noisy, by its standard error, which the caller weighs (`Curves.sampled_loss`).
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable

from fitwell.diagnosis.metric_names import metric_direction
from fitwell.diagnosis.table_layouts import SAMPLED_NOISE, relative_standard_error

__all__ = ["averaged_note", "batch_means", "batch_named", "named_batch_note"]

#: The fewest lines of one epoch whose values say how they move.
_LINES = 4
#: The fewest steps between lines, over all such epochs, to judge by.
_STEPS = 8
#: The epochs' median von Neumann ratio (mean squared step over variance) from which the lines are
#: read as batches' values: about 2 for values drawn apart, and for a mean so far printed 10 times
#: an epoch in most runs, below 1 for one printed 50 times in most.
_DRAWN_APART = 1.0
#: The epochs' median spread of the second half's lines against the first half's (their
#: variances' ratio) from which the lines are read as batches' values: about 1 for values drawn
#: apart, near 0 for a mean so far, which settles (simulated: 99% of batches' lines and 2% of means
#: so far printed 10 times an epoch pass both tests).
_LATE_SPREAD = 0.3

#: A progress bar's description that names the batch it was set at (`loss=0.08 batch_id=937: 100%|`,
#: the EVA courses' `Loss=1.26 Batch_id=390 Accuracy=41.37`): the loss beside it is that batch's.
_BATCH_NAMED = re.compile(r"\bbatch(?:_?id|_?idx)?\s*=\s*\d+\b", re.IGNORECASE)
#: A progress bar drawn on the line (`100%|█████| 938/938`): beside it, a bare `batch=937` is the
#: batch the bar was at; elsewhere a bare `batch=64` may be the batch size.
_BAR = re.compile(r"\d+%\|")
#: A training loss printed as `name=value` (a progress bar's description).
_LOSS_SET = re.compile(r"\b(?:train(?:ing)?_?)?loss\s*=\s*[-+]?(?:\d|\.\d)", re.IGNORECASE)

#: The words of a line, its numbers aside: lines that read alike print the same thing.
_WORDS = re.compile(r"[A-Za-z_]+")


def batch_means(
    records: dict[int, dict[str, float]],
    printed: dict[int, list[tuple[str, dict[str, float]]]],
    is_training_loss: Callable[[str], bool],
) -> tuple[dict[int, dict[str, float]], int, float]:
    """`records` (an epoch's values by its key) with the training metrics of the epochs printed as
    several lines of one training loss's batches (`printed`: the lines with a training loss and
    their values, by the epoch they belong to) replaced by their lines' means, how many epochs were,
    and the median of those means' relative standard errors (the lines' spread over the square root
    of their count, over the mean, where the lines are all above 0); `records` as given, 0 and 0.0,
    unless the lines are batches' values (`_DRAWN_APART`, `_LATE_SPREAD`) and at least half the
    epochs, and two, were printed so. An epoch whose lines do not all read alike and name the same
    metrics, or hold a value that is not finite, keeps the value it was read with. Validation and
    test values printed on the lines (a progress bar's last epoch's `val_loss`) are not averaged."""
    several: dict[int, list[dict[str, float]]] = {}
    errors: list[float] = []
    steps, ratios, late = 0, [], []  # the steps between lines, and each epoch's two measures
    for key, lines in printed.items():
        values_of = [pairs for _, pairs in lines]
        if key not in records or not _alike(lines):
            continue
        loss = next((name for name in sorted(values_of[0]) if is_training_loss(name)), None)
        if loss is None:
            continue
        values = [pairs[loss] for pairs in values_of]
        steps += len(values) - 1
        spread = statistics.pvariance(values)
        half = len(values) // 2
        first = statistics.pvariance(values[:half])
        if spread:
            squared = [(after - before) ** 2 for before, after in zip(values, values[1:], strict=False)]
            ratios.append(statistics.fmean(squared) / spread)
        if first:
            late.append(statistics.pvariance(values[-half:]) / first)
        several[key] = values_of
        error = relative_standard_error(values) if min(values) > 0 else None
        if error is not None:
            errors.append(error)
    if (
        len(several) < max(2, len(records) / 2)
        or steps < _STEPS
        or not ratios
        or not late
        or statistics.median(ratios) < _DRAWN_APART
        or statistics.median(late) < _LATE_SPREAD
    ):
        return records, 0, 0.0
    averaged = dict(records)
    for key, lines in several.items():
        means = {
            name: statistics.fmean(line[name] for line in lines)
            for name in lines[0]
            if metric_direction(name) is not None and not name.startswith(("val_", "test_"))
        }
        averaged[key] = {**records[key], **means}
    return averaged, len(several), statistics.median(errors) if errors else 0.0


def _alike(lines: list[tuple[str, dict[str, float]]]) -> bool:
    """Whether an epoch's lines are enough (`_LINES`), all finite, and read alike: the same words
    and the same names of metrics."""
    if len(lines) < _LINES:
        return False
    words, names = _WORDS.findall(lines[0][0]), set(lines[0][1])
    return all(
        _WORDS.findall(text) == words
        and set(pairs) == names
        and all(math.isfinite(value) for value in pairs.values())
        for text, pairs in lines
    )


def batch_named(text: str) -> str:
    """The words naming the batch (`batch_id=937`) when the training loss is printed as a progress
    bar's description beside the batch it was set at (`epoch= 3 loss=0.0232 batch_id=937: 100%|█|
    938/938`; a bare `batch=937` only on a line with the bar: elsewhere it may be the batch size,
    `batch=64`): on two lines at least, and on at least half of the lines that print a loss so; else
    "". The epoch's value read from such a line is its last batch's loss, as noisy as one batch
    (`named_batch_note`)."""
    set_lines = [line for line in text.splitlines() if _LOSS_SET.search(line)]
    named = [
        found
        for found in map(_BATCH_NAMED.search, set_lines)
        if found and ("id" in found[0].lower() or _BAR.search(found.string))
    ]
    return named[0][0] if len(named) >= 2 and 2 * len(named) >= len(set_lines) else ""


def named_batch_note(named: str) -> str:
    """What the reader says of a log whose training loss is printed beside a batch's index, `named`
    (`batch_named`)."""
    return (
        f" Its training loss is the one each epoch's progress line printed beside the batch it was at "
        f"({named!r}): that batch's loss, not the epoch's mean, so its jumps are judged as a batch's "
        "(a jump counts where the validation loss jumps too, or, without one, above 75%)."
    )


def averaged_note(averaged: int, noise: float) -> tuple[str, bool]:
    """What the reader says of `averaged` epochs read as their batch lines' mean (`batch_means`),
    to go after its note, and whether those means are a sample, noisy by `SAMPLED_NOISE` or more
    (their median relative standard error, `noise`): `("", False)` when none was."""
    if not averaged:
        return "", False
    text = (
        f" The training metrics of {averaged} epoch{'s' if averaged != 1 else ''} are the mean of "
        f"{'their' if averaged != 1 else 'its'} printed lines: each line prints one batch's values "
        "(they move as far late in the epoch as early, where a mean so far would settle), and the "
        "last batch alone is not the epoch's."
    )
    sampled = noise >= SAMPLED_NOISE
    if sampled:
        text += (
            f" Those means are of a few batches each, noisy by ±{noise:.0%} (their standard error): a "
            "jump of the training loss counts only where the validation loss shows it too, or above 75% "
            "without one."
        )
    return text, sampled
