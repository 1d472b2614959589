"""Read a training log written as text: Keras's progress output saved from the console, or the
lines a hand-written loop prints (`Epoch 3/35, Train Loss: 0.52, Val Loss: 0.61`).

A line that holds `name: number` (or `name=number`) pairs, a loss among them, is a record of
metrics; so is a line of `Name number` fields set apart by `|`, `,` or `;`
(`Epoch 3: Train Loss 0.52 | Val Loss 0.61`), or `name number` tokens set apart by spaces alone
(`epoch 3  train_loss 0.52  val_loss 0.61`); a set named alone is its loss (`train 0.52  val
0.61`), unless its numbers are whole (the sets' sizes), it follows another name (`acc: train
0.55 val 0.50`) or the line names the sets twice; so is a set named alone beside the other set's
loss (`train=0.36 | val_loss=0.54`). An `Epoch N` (`Epoch 3/10`, `epoch: 3`, `ep 3`;
not a setting, `ep=100`) on its line or on a line before names the epoch it belongs to (and is no
part of a name after it, `Epoch 1 Train Loss: 0.62`, nor before it, `Average loss for epoch 1: 0.62`;
`EP3` marks one too). Several records of one epoch make one:
Keras rewrites its progress line during the epoch and ends it with the validation metrics, so the
epoch's last full record gives the values, and a line of other names adds its own (validation
printed apart, `Epoch 3 Validation - Loss: 0.61`, `Evaluation Epoch 3 - Loss: 0.61`, `Val. Loss:
0.61` or Flair's `DEV : loss 0.61`, is read as `val_loss`, and a test set's line, `TEST : loss
0.64`, as `test_loss`, never as the training loss; a test set scored once, after training, is no
curve; a line of validation metrics alone, `Validation accuracy: 51%`, joins the epoch before it,
or, without epoch markers, the record before it (`VAL step 1000: PSNR 24.54  SSIM 0.58`);
a best-so-far value, `Best Valid accuracy: 61%`, is not a curve); where an epoch's lines print one
batch's loss each (`Train Epoch: 3 [2560/30250 (8%)]  Loss: 0.41`, every few steps), the epoch's
value is their mean (`batch_lines.py`).
Where every line that names an epoch holds validation metrics only, after training lines that
name none (`step 500 loss 4.08`, then `epoch 0 val_loss 3.43`), the epoch line closes its epoch:
the training lines before it are that epoch's.
Without any epoch marker (or a count that starts every line with a training loss, `[5/30]
Training loss: …`, read as its epoch), every record is an epoch (a line printed twice in a row, once: a
frozen loss in a log with epoch markers keeps its every epoch). When the epoch count starts again
on a line with a training loss, or a line names the next fold of a cross-validation (`=== Training
fold 2 ===`), a new run began and the last one that logged an epoch is read (a line that names
an earlier epoch without one, such as a checkpoint reloaded after training, starts nothing; nor
do folds named after the last epoch, by another model's training). Names are read as
Keras's (`Train Loss` → `loss`, `Val Acc` → `val_acc`; a name the line repeats after a
validation name is validation's: the second `Acc` of `Train Loss=0.13 Acc=0.94 | Val Loss=0.06
Acc=0.97`; a hyphen before a letter is part of a name, `Multi-class Loss`, while one between
spaces sets fields apart), and a `%` after a number is dropped
(accuracy in percent is then divided by 100 as for a CSV). A printed tensor is its number
(`loss: tensor(0.52, device='cuda:0')`); a progress bar's percent and count (`Epoch 3:  94%
120/127 [00:23<00:01, ...]`) and bookkeeping (`time 0.56`, Lightning's `v_num`) are no metrics.
Where no line names a loss, the reading tries what a loss measures (`MSE = 7.4`), then a GAN's
networks' losses (`Loss_G`, `Loss_D`), which the caller refuses by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from fitwell.diagnosis.adversarial import is_network_loss
from fitwell.diagnosis.appended_runs import continued_fits
from fitwell.diagnosis.batch_lines import batch_means, batch_named
from fitwell.diagnosis.column_names import is_loss_measure
from fitwell.diagnosis.metric_names import metric_direction
from fitwell.diagnosis.printed_metrics import BEST, is_printed_loss, line_metrics
from fitwell.diagnosis.table_cells import TENSOR_REPR

__all__ = ["read_text_records"]

#: `Epoch 3`, `epoch: 3`, `[Epoch 3/10]`, or its short `ep 3` or `EP3` (in capitals; not in a path,
#: `ckpt/ep50.pth`; not `ep=100`, a setting printed
#: with the others: `Namespace(bs=32, ep=100)`; nor a count per epoch, `Expected batches per
#: epoch: 312`, `steps/epoch: 100`). LeRobot's step lines print `ep:40` (episodes) before
#: `epch:1.01`: there `epch` counts the epochs, and a line's epoch is the whole part of it.
_COUNT_PER = "".join(  # `steps/epoch: 100`, `s/epoch`; not `train/epoch: 3`, a metric's key
    f"(?<!\\b{word}/)"
    for word in ("step", "steps", "batch", "batches", "iter", "iters", "it", "samples", "s")
)
_EPOCH = re.compile(
    r"(?<!\bper\s)"
    + _COUNT_PER
    + r"\b(?:(?:epoch|époque|[eé]poca|epoka|эпоха)\b\s*[:#=]?|epch:|ep\b(?!.*\bepch:)\s*[:#]?"
    + r"|(?<![/.\\-])(?-i:EP)(?=\d+(?![\w.])))"
    + r"\s*[\[(]?\s*(\d+)",
    re.IGNORECASE,
)
#: `[3/30] Training loss: …`: a count at the start of a line, read as the epoch in a log whose lines
#: name no epoch otherwise, where every line with a training loss starts with one (`_counted_epochs`; beside
#: epoch markers such a count counts batches or steps); when it starts again, a new run begins
#: (several models trained one after another, `dh_001`).
_BRACKETED_COUNT = re.compile(r"^\s*\[\s*(\d+)\s*/\s*\d+\s*\]", re.MULTILINE)
#: A cross-validation fold's number (`=== Training fold 2 ===`, `[Fold 2]`): a new fold is a new run.
_FOLD = re.compile(r"\bfold\b\s*[:#=]?\s*(\d+)", re.IGNORECASE)
#: A banner over an epoch's record that names its set, alone on its line (`=====validate epoch 3=====`,
#: `--- Training epoch 3 ---`): the record below it, `Epoch 2 | loss = 0.04`, names no set itself.
_SET_BANNER = re.compile(
    r"[=\-#*~\s]*(train(?:ing)?|valid(?:ate|ation)?|val|eval(?:uate|uation)?)\s+epoch\s*\d+[=\-#*~\s]*",
    re.IGNORECASE,
)
#: A line that names a set alone, over the lines of its values (`- Validation:`, then `  - Loss:
#: 4.0663` and `  - Accuracy: 8.62%`; PyTorch's tutorial prints `Test Error:`, then ` Accuracy:
#: 45.1%, Avg loss: 2.150770`): the lines indented deeper than it, up to an epoch or a line of no
#: values. (Not `Evaluation:` or `Test:`, which name the evaluation after training as often.)
_SET_ALONE = re.compile(
    r"[-*#>\s]*(?:(train(?:ing)?|valid(?:ation)?|val)(?:\s+set)?|(test)\s+error)\s*:",
    re.IGNORECASE,
)
#: Training stopped before its last epoch (`Early stopping at epoch 76`, Keras's `Epoch 12: early
#: stopping`): what the log prints after it, without a new epoch, is an evaluation, not an epoch.
_STOPPED = re.compile(r"\bearly[\s_-]?stop|\bstopp(?:ed|ing)\b", re.IGNORECASE)
#: The announcement alone on its line (`EARLY STOP`, `Early stopping!`).
_STOPPED_ALONE = re.compile(r"\W*early[\s_-]?stop(?:ped|ping)?\W*", re.IGNORECASE)


class Records(NamedTuple):
    """What a printed log holds (`read_text_records`)."""

    columns: dict[str, list[float | None]]
    epochs: list[int] | None
    runs: int
    first: int | None
    tensors: bool
    alone: int | None
    fits: int
    repeats: int
    percent: frozenset[str] = frozenset()
    averaged: int = 0
    batch_noise: float = 0.0
    named_batch: str = ""


def read_text_records(text: str) -> Records | None:
    """`Records(columns, epochs, runs, first, tensors, alone, fits, repeats, percent, averaged,
    batch_noise)` read from a printed log
    (of the last run when the epoch count starts again: `runs` says how many there were, `first` is
    the log's first epoch number; `tensors`, whether a record's line printed a tensor, `loss:
    tensor(0.52, ...)`, read as its number; `alone`, the earlier epoch named by one record after the
    last run, a reloaded checkpoint's evaluation, which is not read, or None; `fits`, the number of
    `fit()` calls on one model read as one run, their epochs one after another, when every restart
    carried on where the last ended (`appended_runs.continued_fits`), else 0; `repeats`, the records
    left out as an earlier record printed again, its epoch and numbers alike; `percent`, the names
    printed with `%` after their values; `averaged`, the epochs read as the mean of their lines, each
    a batch's values, and `batch_noise`, those means' median relative standard error
    (`batch_lines.batch_means`); `named_batch`, the words naming the batch (`batch_id=937`) when
    each epoch's training loss is one batch's, printed beside its index on a progress bar
    (`batch_lines.batch_named`)), or None when the text
    holds fewer than 2 records with a loss. Where no line names a loss, a line naming what a loss
    measures (`Epoch 3: MSE = 7.4, MAE = 2.7`) is a record; which of its names is the loss, the column
    names decide (`column_renames.py`). Where neither is found, a line naming a GAN's networks' losses
    (`Loss_G: 0.14, Loss_D: 0.30`) is one, for the reading to refuse the GAN by name."""
    records = (
        _records(text, is_printed_loss) or _records(text, is_loss_measure) or _records(text, is_network_loss)
    )
    if records is not None and not records.averaged:
        records = records._replace(named_batch=batch_named(text))
    return records


def _records(text: str, is_loss: Callable[[str], bool], *, counted: bool = True) -> Records | None:
    runs: list[dict[int, dict[str, float]]] = [{}]
    tensors = False  # whether a line read into a record printed a tensor
    epoch: int | None = None
    counted = counted and not _EPOCH.search(text) and _counted_epochs(text, is_loss)
    marker = _BRACKETED_COUNT if counted else _EPOCH
    marked = bool(marker.search(text))
    unmarked: dict[str, float] | None = None  # the last record before the first epoch marker
    fold, previous = None, None
    stopped = False  # early stopping announced: numbers after it without an epoch are a test's
    stamped: set[int] = set()  # the last run's records read from a line that names their epoch
    repeats = 0  # records that print an earlier epoch again, number and values alike
    in_sentence = opened_in_sentence = False  # the epoch named inside a sentence (`from epoch 6`)
    heading = ""  # a banner naming the validation set (`===validate epoch 3===`) over the next record
    section: re.Match[str] | None = None  # a line naming a set alone (`- Validation:`) over its lines
    depth = 0  # that line's indent: the lines indented deeper are its set's
    percents: set[str] = set()  # the names whose values a line printed with `%`
    ahead: dict[int, dict[str, float]] = {}  # validation scores printed before their epoch's loss
    joined: dict[int, dict[str, float]] = {}  # those scores, by the epoch of the last run they join
    batches: dict[int, dict[int, list[tuple[str, dict[str, float]]]]] = {}  # a run's loss lines, by epoch
    lines = re.split(r"[\r\n]+", text)
    if marker is _EPOCH:
        lines = _closing_epochs_first(lines, is_loss)
    last_epoch_line = max(
        (index for index, line in enumerate(lines) if _starts_an_epoch(line, marker)), default=-1
    )
    for index, printed in enumerate(lines):
        line = TENSOR_REPR.sub(r"\1", printed)  # `loss: tensor(0.52, device='cuda:0')`: 0.52
        had_tensor = line != printed
        if not marked and line.strip() == previous:
            continue  # the line before printed again (with epoch markers, an epoch repeats itself)
        previous = line.strip()
        banner = _SET_BANNER.fullmatch(line.strip())
        indent = len(line) - len(line.lstrip())
        if section is not None and (indent <= depth or marker.search(line) or not line_metrics(line)):
            section = None
        alone = _SET_ALONE.fullmatch(line.strip())
        if alone is not None:
            section, depth = alone, indent
        if banner is not None:
            heading = "Validation: " if banner[1].lower().startswith(("val", "eval")) else ""
        elif heading and line_metrics(line):
            line, heading = heading + line, ""  # the banner's set names the record's values
        elif (
            section is not None
            and (section[2] or section[1].lower().startswith("val"))
            and line_metrics(line)
        ):
            line = f"{section[1] or section[2]} - {line.strip()}"  # `- Validation:` names the lines' set
        found = marker.search(line)
        if found and BEST.search(line[: found.start()]):
            # An earlier epoch named as the best (Keras's `Restoring model weights from the end of
            # the best epoch: 6.`, `Best model at epoch 6: val_loss 0.41`): no new epoch, and its
            # numbers are a summary; what follows (`model.evaluate`'s line) is not a new run.
            continue
        if found and _STOPPED.search(line):
            # The announcement that training stopped, after the last epoch's line and naming it or
            # a later one, ends the records; a message naming an earlier epoch (`no improvement
            # since epoch 7`, `stopping at epoch 11 if no improvement`) or before more epochs is
            # no epoch of its own either.
            stopped = index > last_epoch_line and epoch is not None and int(found.group(1)) >= epoch
            continue
        if not found and index > last_epoch_line and epoch is not None and _STOPPED_ALONE.fullmatch(line):
            # `EARLY STOP` alone after the last epoch: what follows is the run's summary, no epoch.
            stopped = True
            continue
        if found:
            epoch, stopped = int(found.group(1)), False
            in_sentence = _named_in_a_sentence(line, found)
        elif stopped:
            continue
        fold = _next_fold(line, fold, runs)
        pairs = line_metrics(line, percents)
        # `Validation accuracy: 51%` after its epoch; a test set's numbers only on a line naming the
        # epoch (`Test accuracy after epoch 1: 90.36%`; not a summary after training, `Test -> MSE: 0.37`)
        held_out = ("val_", "test_") if found else ("val_",)
        if pairs and all(name.startswith(held_out) for name in pairs) and epoch in runs[-1]:
            runs[-1][epoch] = _merged(runs[-1][epoch], pairs)
            tensors |= had_tensor
            continue
        scores = {name: value for name, value in pairs.items() if metric_direction(name) is not None}
        if scores and found and epoch in runs[-1] and not any(is_loss(name) for name in pairs):
            # The epoch's scores on a line of their own that names it, after its loss's lines
            # (`Epoch 1 complete | Train AUC: 0.7543 | Val AUC: 0.7673`, `fz_072`); only names that
            # say which way is better: a message's words are none (`EPOCH 1 of 30`, `reducing
            # learning rate of group 0`).
            runs[-1][epoch] = _merged(runs[-1][epoch], scores)
            continue
        if not any(is_loss(name) for name in pairs):
            if scores and marked and epoch is not None and all(name.startswith("val_") for name in pairs):
                # Validation scores printed before their epoch's loss (`Validation Set: - Accuracy:
                # 0.75`, then `Train Loss: 0.50  Val Loss: 0.52`): they join it when it comes.
                ahead[epoch] = _merged(ahead.get(epoch, {}), scores)
            elif scores and not marked and runs[-1] and all(name.startswith("val_") for name in pairs):
                # Without epoch markers, validation scores on a line of their own after a record
                # score the model that record left (`step 1000  loss 0.039`, then `VAL step 1000:
                # PSNR 24.54  SSIM 0.58`): they join it.
                last = max(runs[-1])
                if not set(scores) & set(runs[-1][last]):
                    runs[-1][last] = _merged(runs[-1][last], scores)
            continue
        tensors |= had_tensor
        if marked and epoch is None:
            unmarked = pairs  # metrics printed before the first epoch (a summary, an evaluation)
            continue
        records = runs[-1]
        key = epoch if marked and epoch is not None else len(records)
        if not any(_training_loss(name, is_loss) for name in pairs):
            # Validation printed on a line of its own joins its epoch; it starts none (a checkpoint
            # reloaded after training names an earlier epoch and its val_loss).
            if key in records:
                records[key] = _merged(records[key], pairs)
            continue
        # An epoch the run holds, printed again (not its first, unless also its last: a run started
        # again from the same seed prints its first epoch as it was).
        again = key in records and (key == max(records) or key != min(records))
        if again and _printed_again(records[key], pairs):
            repeats += 1  # a console redrawn, or lines pasted twice: the epoch as it was, not a new run
            continue
        if records and key < max(records):  # the epoch count started again: a new run
            records, joined = {}, {}
            runs.append(records)
            stamped, opened_in_sentence = set(), in_sentence
        if found:
            stamped.add(key)
        if key not in records and key in ahead:
            joined[key] = ahead.pop(key)
        records[key] = _merged(records.get(key, {}), pairs)
        lines_of_epoch = batches.setdefault(id(records), {}).setdefault(key, [])
        if not lines_of_epoch or lines_of_epoch[-1] != (line, pairs):  # a bar's last state printed twice
            lines_of_epoch.append((line, pairs))
    for key, scores in joined.items():
        if key in runs[-1]:
            runs[-1][key] = {**scores, **runs[-1][key]}
    if unmarked is not None and runs[0] and min(runs[0]) == 2 and set(unmarked) == set(runs[0][2]):
        runs[0][1] = unmarked  # `Epoch 1/50` cut off above the first record: that record is epoch 1
    runs = [records for records in runs if records]  # a fold named after the last epoch (a later model's)
    if sum(len(records) for records in runs) < 2:
        # counts read as epochs that give no curve (`[0/5][3/1583] Loss_D: …`, one epoch's steps)
        return _records(text, is_loss, counted=False) if counted else None
    alone = None
    if len(runs) > 1 and len(runs[-1]) == 1 and len(runs[-2]) > 1 and opened_in_sentence and not stamped:
        # One record after a run, under a line that names an earlier epoch inside a sentence and no
        # metric: the best checkpoint reloaded and evaluated (`Loading weights from epoch 6`, then
        # the test set's numbers on lines of their own), not a run (`Epoch 1 - Loss: 1.07`, or
        # Keras's `Epoch 1/1` above its progress line, a run of one epoch, is).
        alone = next(iter(runs.pop()))
    # Each run's epochs read as their batch lines' mean, how many, and those means' noise (without
    # epoch markers every line is an epoch of its own: none is).
    averaged = [
        batch_means(records, batches.get(id(records), {}), lambda name: _training_loss(name, is_loss))
        for records in runs
    ]
    runs = [records for records, _, _ in averaged]
    counts, noise = [count for _, count, _ in averaged], [error for _, _, error in averaged]
    fits = len(runs) if _continued(runs, is_loss) else 0
    if fits:
        first_key = min(runs[0])
        joined = [record for records in runs for _, record in sorted(records.items())]
        runs = [{first_key + index: record for index, record in enumerate(joined)}]
    records = runs[-1]
    order = sorted(records)
    names = sorted({name for record in records.values() for name in record})
    columns = {name: [records[key].get(name) for key in order] for name in names}
    for name in [name for name in names if name.startswith("test_")]:
        if sum(value is not None for value in columns[name]) < 2:
            del columns[name]  # the test set scored once, after training: a result, not a curve
    first = min(runs[0]) if marked and runs[0] else None
    return Records(
        columns,
        order if marked else None,
        len(runs),
        first,
        tensors,
        alone,
        fits,
        repeats,
        frozenset(percents),
        sum(counts) if fits else counts[-1],
        max(noise) if fits else noise[-1],
    )


def _printed_again(record: dict[str, float], pairs: dict[str, float]) -> bool:
    """Whether `pairs` is `record` printed again: the same names (at least two) with the same
    numbers, to the last digit (`Epoch 73/100` and its progress line, printed again below
    `Epoch 79/100`, `dt_022`)."""
    return len(pairs) >= 2 and all(record.get(name) == value for name, value in pairs.items())


def _continued(runs: list[dict[int, dict[str, float]]], is_loss: Callable[[str], bool]) -> bool:
    """Whether the runs are one model's `fit()` called again and again (`continued_fits`), judged
    on the training loss that the first record names."""
    if len(runs) < 2:
        return False
    first = runs[0][min(runs[0])]
    name = next((name for name in first if _training_loss(name, is_loss)), None)
    if name is None:
        return False
    return continued_fits([[record.get(name) for _, record in sorted(records.items())] for records in runs])


#: What sets a log line's message apart from its prefix (`[time] INFO | `, `time - name - INFO - `).
_PREFIX_END = re.compile(r".*(?:\||\]|\s-\s|>)")


def _named_in_a_sentence(line: str, found: re.Match) -> bool:
    """Whether the epoch `found` names is named inside a sentence of the line's message (`Loading
    best model from epoch 6`, in any language), not as the epoch the line starts (`Epoch 3/10`,
    `INFO - Epoch 3`)."""
    if re.match(r"\s*/\s*\d", line[found.end() :]):
        return False  # `Epoch 3/10`: the count of a run's epochs
    before = _PREFIX_END.sub("", line[: found.start()])
    return any(character.isalpha() for character in before)


def _counted_epochs(text: str, is_loss: Callable[[str], bool]) -> bool:
    """Whether the counts at the start of lines (`[5/30] Training loss: …`) are the epochs: every
    line that holds a training loss starts with one (validation on a line of its own joins it), and
    the first starts at one of the first few (`[1/6]`, `[5/30]`; a count of steps logged every 100,
    `[100/1000]`, is none; a count of a script's stages, `[2/3] Building model`, above loss lines
    without one, neither)."""
    counted = [
        _BRACKETED_COUNT.match(line)
        for line in re.split(r"[\r\n]+", text)
        if any(_training_loss(name, is_loss) for name in line_metrics(line))
    ]
    return bool(counted) and all(counted) and int(counted[0].group(1)) <= _FIRST_COUNTED_EPOCH


def _closing_epochs_first(lines: list[str], is_loss: Callable[[str], bool]) -> list[str]:
    """The lines of a log whose epoch lines close their epochs (`step 500 loss 4.08 acc 0.17` lines
    name no epoch, then `epoch 0 val_loss 3.43 val_acc 0.22` ends it, `gb_095`) with an `Epoch N`
    line put before each epoch's training lines, so that they join the epoch they belong to, not
    the one after it; training lines after the last epoch line start the next epoch. Any other log
    unchanged: one where a training line names an epoch, or none comes before the first epoch line."""
    marked = [index for index, line in enumerate(lines) if _starts_an_epoch(line)]
    training = [
        index
        for index, line in enumerate(lines)
        if any(_training_loss(name, is_loss) for name in line_metrics(line))
    ]
    closing = [set(line_metrics(lines[index])) for index in marked]
    if (
        len(marked) < 2
        or not training
        or training[0] > marked[0]
        or set(marked) & set(training)
        or not all(names and all(name.startswith(("val_", "test_")) for name in names) for names in closing)
    ):
        return lines
    ordered: list[str] = []
    start = 0
    for index in marked:
        number = int(_EPOCH.search(lines[index]).group(1))
        ordered += [f"Epoch {number}", *lines[start:index], lines[index]]
        start = index + 1
    if any(index >= start for index in training):
        ordered.append(f"Epoch {number + 1}")
    return ordered + lines[start:]


def _training_loss(name: str, is_loss: Callable[[str], bool]) -> bool:
    """Whether `name` is a loss of the training set (not `val_` or `test_`)."""
    return is_loss(name) and not name.startswith(("val_", "test_"))


#: The highest first count read as an epoch (a run logged every 5 or 10 epochs starts there).
_FIRST_COUNTED_EPOCH = 10


def _starts_an_epoch(line: str, marker: re.Pattern = _EPOCH) -> bool:
    """Whether a line names an epoch of its own: not a best epoch's summary (`Restoring model
    weights from the end of the best epoch: 7.`) nor an early-stopping message."""
    found = marker.search(line)
    return found is not None and not BEST.search(line[: found.start()]) and not _STOPPED.search(line)


def _next_fold(line: str, fold: int | None, runs: list[dict[int, dict[str, float]]]) -> int | None:
    """The fold a line names (or `fold`, when it names none); a new one starts a new run."""
    named = _FOLD.search(line)
    if not named or int(named.group(1)) == fold:
        return fold
    if fold is not None and runs[-1]:  # the next fold of a cross-validation: a new run
        runs.append({})
    return int(named.group(1))


def _merged(record: dict[str, float], pairs: dict[str, float]) -> dict[str, float]:
    """An epoch's record after one more line of it: a line at least as full as the record so far
    replaces its values (Keras's last progress line of the epoch); a shorter one (Keras's
    evaluate() after the last epoch) only adds names the record lacks (validation printed apart)."""
    if len(pairs) >= len(record):
        return {**record, **pairs}
    return {**pairs, **record}
