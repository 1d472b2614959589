"""A file holding more than one run, and which run of it is read.

A log that a script appends to keeps every run it was given: runs appended one after another
(the epoch count starts again), one-epoch `fit()` calls in a loop (every row at epoch 0), a run
resumed from checkpoints (the count goes back, but not to the first epoch, and the loss carries
on), or runs written into the file at the same time (their epoch numbers interleave). The run a
user asks about is the last one (or the resumed run, whole); the notes say which rows it is. A
script that changed what it logs appends its run under a header of its own (`later_header`).
"""

from __future__ import annotations

import itertools

from fitwell.diagnosis.column_names import LEARNING_RATE_KEYS, keras_name
from fitwell.diagnosis.table_cells import is_number
from fitwell.diagnosis.table_rows import split_cells
from fitwell.diagnosis.wording import joined

__all__ = [
    "continued_fits",
    "interleaved_runs",
    "last_run",
    "later_header",
    "refuse_a_merge_conflict",
    "resumed_run",
    "without_reports",
]


def last_run(
    numbers: list[int],
    starts: list[int],
    values: dict[str, list[float | None]],
    epochs: list[float | None] | None,
    notes: list[str],
    unit: str = "line",
) -> tuple[dict[str, list[float | None]], list[float | None] | None]:
    """The values and epochs of the run a file holds when its header repeats (`starts`) or its
    epoch count goes back: a run resumed from checkpoints (`resumed_run`), one-epoch fits appended,
    runs written at once (`interleaved_runs`), or the last of several runs appended one after
    another; with a note naming the rows by their `numbers` (of lines, or of JSON records)."""
    loss = next((column for name, column in values.items() if keras_name(name) == "loss"), None)
    resumed = resumed_run(epochs, loss) if epochs is not None and starts == [0] else None
    if resumed is not None:
        chosen, resumes = resumed
        where = _where(unit, [numbers[i] for i in resumes])
        notes.append(_resumed_note([epochs[i] for i in resumes], where))
        return _picked(values, epochs, chosen)
    counter = _counting_on(values)
    if counter is not None and epochs is not None and starts == [0] and _repeats_never_back(epochs):
        # Reports every N iterations: the epoch repeats while the iteration counts on.
        repeated = "on every row" if len(set(epochs)) == 1 else "on several rows"
        notes.append(
            f"the epoch repeats {repeated} while {counter!r} counts on: the rows are reports every few "
            "steps, read in order."
        )
        return values, None
    if epochs is not None:
        starts = starts + [i for i in range(1, len(epochs)) if _restarts(epochs[i - 1], epochs[i])]
    elif loss is not None and starts == [0]:
        again = _schedules_started_again(values, loss)
        if again:
            notes.append(
                "the file has no epoch numbers: a new run is read where the learning rate changes and the "
                f"loss jumps back near its first value ({_where(unit, [numbers[i] for i in again])})."
            )
        starts = starts + again
    starts = sorted(set(starts) - {len(numbers)})
    if len(numbers) > 2 and len(starts) == len(numbers):
        # Every row restarts: one-epoch fit() calls in a loop, appended (the epoch is always 0).
        notes.append(
            f"the epoch column restarts on every row ({len(numbers)} one-epoch fit() calls appended, "
            "it seems): the rows are read as consecutive epochs of one run."
        )
        return values, None
    if len(starts) == 1:
        return values, epochs
    if loss is not None:
        bounds = [*starts, len(numbers)]
        if continued_fits([loss[begin:end] for begin, end in itertools.pairwise(bounds)]):
            notes.append(
                f"the epoch count starts again {len(starts) - 1} times (new runs start at "
                f"{_where(unit, [numbers[i] for i in starts[1:]])}), the loss carrying on where each "
                f"run ended: {len(starts)} fit() calls on one model, read as one run."
            )
            return values, None
    woven = interleaved_runs(epochs) if epochs is not None else None
    if woven is not None and 2 * len(woven) <= len(starts):  # far fewer runs than restarts
        chosen = woven[-1]
        shown = ", ".join(str(numbers[i]) for i in chosen)
        notes.append(
            f"the file holds {len(woven)} runs written into it at the same time (their epoch numbers "
            f"interleave): read the one that started last, on {unit}s {shown}."
        )
        return _picked(values, epochs, chosen)
    where = _where(unit, [numbers[i] for i in starts[1:]])
    notes.append(
        f"the file holds {len(starts)} runs appended one after another (new runs start at {where}); "
        f"this is the last one ({unit}s {numbers[starts[-1]]}–{numbers[-1]})."
    )
    values = {name: column[starts[-1] :] for name, column in values.items()}
    return values, None if epochs is None else epochs[starts[-1] :]


#: The names of a count of steps, which goes on within an epoch.
_STEP_COUNTS = ("iteration", "iterations", "iter", "step", "global_step")


def _counting_on(values: dict[str, list[float | None]]) -> str | None:
    """The column that counts the steps (`iteration`, `step`), when it rises at every row."""
    for name, column in values.items():
        if keras_name(name) in _STEP_COUNTS and None not in column:
            if all(later > earlier for earlier, later in itertools.pairwise(column)):
                return name
    return None


def _repeats_never_back(epochs: list[float | None]) -> bool:
    """Whether an epoch count repeats at some row and never goes back."""
    if any(epoch is None for epoch in epochs):
        return False
    steps = [later - earlier for earlier, later in itertools.pairwise(epochs)]
    return bool(steps) and min(steps) == 0 and all(step >= 0 for step in steps)


def _schedules_started_again(values: dict[str, list[float | None]], loss: list[float | None]) -> list[int]:
    """The rows where a table without epoch numbers starts a second run: the learning rate, the same
    over the two rows before, changes there, and the training loss, after falling below `_FALLEN`
    of its first value, jumps back to `_BACK` of it, more than `_JUMP` times the row before, and
    then falls again, to `_FALLS_AGAIN` of that jump by the run's end (two `history.history`
    frames written one after another: a model trained, then trained again from new weights at
    another rate, `ds_011`). A loss that jumps when the rate was raised and stays up diverged
    (one run), and a rate that changes at every row (a decay per epoch, warm restarts) starts no
    run; nor does a loss at or below 0 (a likelihood), which no share of it measures."""
    rate = next((column for name, column in values.items() if name in LEARNING_RATE_KEYS), None)
    if rate is None or None in loss or None in rate or len(loss) < 6 or min(loss) <= 0:
        return []
    first = loss[0]
    starts = [
        i
        for i in range(2, len(loss) - 2)
        if rate[i] != rate[i - 1] == rate[i - 2]
        and loss[i - 1] <= _FALLEN * first
        and loss[i] >= _BACK * first
        and loss[i] > _JUMP * loss[i - 1]
    ]
    bounds = [*starts, len(loss)]
    return [
        start
        for start, end in zip(bounds, bounds[1:], strict=False)
        if min(loss[start + 1 : end]) <= _FALLS_AGAIN * loss[start]
    ]


#: How a second run shows in a table without epoch numbers (`_schedules_started_again`): the loss
#: had fallen below this share of its first value, jumps back to `_BACK` of it, `_JUMP` times the row
#: before, and falls again to `_FALLS_AGAIN` of where it jumped.
_FALLEN, _BACK, _JUMP, _FALLS_AGAIN = 0.4, 0.6, 3.0, 0.7


def continued_fits(losses: list[list[float | None]]) -> bool:
    """Whether runs whose epoch count started again are one model's `fit()` called again and again
    (`for _ in range(25): model.fit(x, y, epochs=5)`): at least three runs, every one but the last
    as long as the first (the last no longer), the first run's training loss falling, and each
    later run starting nearer where the run before it ended than where the first run began (a run
    from new weights starts where the first did), and no more than `_CLIMB` above that end (a
    sweep of learning rates, each run from new weights, starts above where a faster one ended).

    Example:
        >>> continued_fits([[2.4, 1.6], [1.4, 0.9], [0.7, 0.4]])
        True
        >>> continued_fits([[2.4, 1.6], [2.3, 1.5], [2.4, 1.4]])  # the same run three times
        False
    """
    if len(losses) < 3 or any(None in run or not run for run in losses):
        return False
    length = len(losses[0])
    if length < 2 or any(len(run) != length for run in losses[1:-1]) or len(losses[-1]) > length:
        return False
    start = losses[0][0]
    if not losses[0][-1] < start:
        return False
    return all(
        abs(later[0] - earlier[-1]) < abs(later[0] - start)
        and later[0] <= earlier[-1] + _CLIMB * abs(earlier[-1])
        for earlier, later in itertools.pairwise(losses)
    )


#: How far above where a run ended the next may start and still carry on from it (a first epoch's
#: mean over a shuffled pass can come out a little above the last epoch's).
_CLIMB = 0.05


def without_reports(
    values: dict[str, list[float | None]], epochs: list, numbers: list[int], notes: list[str]
) -> tuple[dict[str, list[float | None]], list, list[int]]:
    """The records of a JSON log that are epochs, without the reports a trainer wrote between
    them: with a step count rising at every record and most records without validation values,
    the evaluations alone (`_evaluations_of_reports`); else without the records that repeat an
    epoch without its validation values (`_within_an_epoch_left_out`). With notes naming the
    records by `numbers`."""
    values, epochs, numbers = _evaluations_of_reports(values, epochs, numbers, notes)
    return _within_an_epoch_left_out(values, epochs, numbers, notes)


def _evaluations_of_reports(
    values: dict[str, list[float | None]],
    epochs: list,
    numbers: list[int],
    notes: list[str],
) -> tuple[dict[str, list[float | None]], list, list[int]]:
    """The rows that hold validation values, when the rows are reports every few steps (a step
    count rises at every row, the epoch repeats and never goes back) and at least half of them
    hold none: one row per evaluation, each with the training values reported with it (Chainer's
    `LogReport(trigger=(100, "iteration"))` beside an evaluator run once an epoch), with a note;
    the values, epochs and row numbers unchanged otherwise.

    Example:
        >>> _evaluations_of_reports(
        ...     {"loss": [0.9, 0.8, 0.7, 0.6, 0.5], "iteration": [1, 2, 3, 4, 5],
        ...      "val_loss": [None, None, 0.75, None, 0.55]},
        ...     [0, 0, 1, 1, 2],
        ...     [1, 2, 3, 4, 5],
        ...     [],
        ... )
        ({'loss': [0.7, 0.5], 'iteration': [3, 5], 'val_loss': [0.75, 0.55]}, [1, 2], [3, 5])
    """
    counter = _counting_on(values)
    validation = [name for name in values if name.startswith("val_")]
    if counter is None or not validation or epochs is None or not _repeats_never_back(epochs):
        return values, epochs, numbers
    evaluated = [
        row for row in range(len(epochs)) if any(values[name][row] is not None for name in validation)
    ]
    if not evaluated or 2 * len(evaluated) > len(epochs):
        return values, epochs, numbers
    notes.append(
        f"the records are reports every few steps ({counter!r} counts on), {len(evaluated)} of the "
        f"{len(epochs)} with validation values: read one row per evaluation, with the training values "
        "reported with it."
    )
    picked, kept_epochs = _picked(values, epochs, evaluated)
    return picked, kept_epochs, [numbers[row] for row in evaluated]


def _within_an_epoch_left_out(
    values: dict[str, list[float | None]],
    epochs: list,
    numbers: list[int],
    notes: list[str],
) -> tuple[dict[str, list[float | None]], list, list[int]]:
    """The values, epochs and row numbers without the rows that repeat the epoch of the last row
    kept while recording its training curves only, without the validation's it has: reports made
    within the next epoch, not an epoch's end (Chainer's `LogReport` one iteration after a run
    resumed from its snapshot: `epoch` 2 again, a training loss of one batch, no validation), with
    a note naming them by `numbers`. A row that repeats an epoch with its validation curves is a
    resume's, which `last_run` reads; a row of another set's curves (`phase: val`) is no report.

    Example:
        >>> _within_an_epoch_left_out(
        ...     {"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [1.0, 0.6, None, 0.5]},
        ...     [1, 2, 2, 3],
        ...     [1, 2, 3, 4],
        ...     [],
        ... )
        ({'loss': [0.9, 0.5, 0.3], 'val_loss': [1.0, 0.6, 0.5]}, [1, 2, 3], [1, 2, 4])
    """

    def filled(row: int) -> set[str]:
        return {name for name, column in values.items() if column[row] is not None}

    kept: list[int] = []
    partial: list[int] = []
    for row in range(len(epochs)):
        if kept and epochs[row] is not None and epochs[row] == epochs[kept[-1]]:
            before, now = filled(kept[-1]), filled(row)
            lost = before - now
            if now < before and lost and all(name.startswith("val_") for name in lost):
                partial.append(row)
                continue
        kept.append(row)
    if not partial:
        return values, epochs, numbers
    reports = [numbers[row] for row in partial]
    notes.append(
        f"left out {_where('record', reports)}: {'each' if len(partial) > 1 else 'it'} repeats the epoch "
        "before it without its validation values (a report within the next epoch, not an epoch's end)."
    )
    picked, kept_epochs = _picked(values, epochs, kept)
    return picked, kept_epochs, [numbers[row] for row in kept]


def _where(unit: str, numbers: list[int]) -> str:
    """`"line 7"`, `"records 4 and 9"`."""
    return f"{unit}{'s' * (len(numbers) > 1)} {_joined(numbers)}"


def _joined(numbers: list) -> str:
    """`"7"`, `"7 and 9"`, `"7, 9 and 12"`."""
    return joined(str(int(number)) for number in numbers)


def _resumed_note(epochs: list, where: str) -> str:
    times = "once" if len(epochs) == 1 else f"{len(epochs)} times"
    return (
        f"the run was resumed {times} (at epoch{'s' * (len(epochs) > 1)} {_joined(epochs)}, {where}): each "
        "resume's records replace the earlier ones of the epochs it redid."
    )


def _picked(columns: dict[str, list], epochs: list, chosen: list[int]) -> tuple[dict[str, list], list]:
    """The columns and epochs at the positions `chosen`, in their order."""
    return {name: [column[i] for i in chosen] for name, column in columns.items()}, [
        epochs[i] for i in chosen
    ]


def _restarts(previous: float | None, current: float | None) -> bool:
    return previous is not None and current is not None and current <= previous


def interleaved_runs(epochs: list[float | None]) -> list[list[int]] | None:
    """The rows of each run, in the order the runs started, when several runs wrote into the file
    at once (`1 … 6, 1, 7, 2, 8`: each row continues the run whose last epoch is one less, the one
    written to most recently, or starts a new one); None when the runs follow one another.

    Example:
        >>> interleaved_runs([1, 2, 3, 1, 4, 2, 5, 3])
        [[0, 1, 2, 4, 6], [3, 5, 7]]
        >>> interleaved_runs([0, 1, 2, 0, 1, 2, 3]) is None  # appended: one after another
        True
    """
    if any(epoch is None for epoch in epochs):
        return None
    runs: list[list[int]] = []
    for index, epoch in enumerate(epochs):
        following = [run for run in runs if epochs[run[-1]] == epoch - 1]
        if following:
            max(following, key=lambda run: run[-1]).append(index)
        else:
            runs.append([index])
    woven = any(run[-1] - run[0] + 1 != len(run) for run in runs)
    return runs if woven else None


def resumed_run(
    epochs: list[float | None], loss: list[float | None] | None = None
) -> tuple[list[int], list[int]] | None:
    """`(rows, resumes)` of a run resumed from checkpoints: the epoch count goes back, but never to
    its first epoch (`1 2 3 3 4 5 4 5 6`: resumed at epoch 3, then at 4), and the training loss
    (when given) carries on where the epoch it redid was (within a factor of 2: a fine-tuning
    run started at a later epoch number on other data is a run of its own). Each resume redid the
    epochs from its own on, so its records replace the earlier ones of those epochs: `rows` are
    the positions read, in order, `resumes` where each resume starts. None for a count that never
    goes back, or goes back to its first epoch or below (runs appended, or written at once).

    Example:
        >>> resumed_run([1, 2, 3, 3, 4, 5, 4, 5, 6])
        ([0, 1, 3, 6, 7, 8], [3, 6])
        >>> resumed_run([0, 1, 2, 0, 1]) is None  # a second run, from the start
        True
        >>> resumed_run([0, 1, 2, 1, 2], [0.9, 0.5, 0.4, 2.0, 1.2]) is None  # not where epoch 1 was
        True
    """
    if not epochs or any(epoch is None for epoch in epochs):
        return None
    rows: list[int] = []
    resumes = []
    for index, epoch in enumerate(epochs):
        if rows and epoch <= epochs[rows[-1]]:
            redone = [row for row in rows if epochs[row] >= epoch]
            if epoch <= epochs[0] or not _carries_on(loss, redone[0], index):
                return None
            resumes.append(index)
            rows = [row for row in rows if epochs[row] < epoch]
        rows.append(index)
    return (rows, resumes) if resumes else None


def _carries_on(loss: list[float | None] | None, before: int, after: int) -> bool:
    """Whether the loss at `after` is within a factor of 2 of that at `before` (True when unknown)."""
    if loss is None or loss[before] is None or loss[after] is None:
        return True
    low, high = sorted((abs(loss[before]), abs(loss[after])))
    return high <= 2.0 * low


def later_header(
    lines: list[str], header_index: int, delimiter: str, header: list[str]
) -> tuple[int, list[str]] | None:
    """`(index, cells)` of the last header line of a run appended after the header, when some header
    line after it has other cells (a script that changed its columns appended a run to the file,
    `epoch,loss,val_iou` after `epoch,loss,val_acc`): one with the same first cell, a training
    loss, and at least two rows under it that start with a number. Not a summary's or a test
    set's header (`best_epoch,best_val_loss`, `epoch,test_loss`), nor a validation table after a
    training one, nor a header written before every row (pandas' `to_csv(mode="a")` each
    epoch): those are refused naming their line, as before."""
    if header_index < 0:
        return None
    runs = []
    for index in range(header_index + 1, len(lines)):
        cells = [cell.strip() for cell in split_cells(lines[index], delimiter)]
        if _heads_a_run(cells, header, lines[index + 1 : index + 3], delimiter):
            runs.append((index, cells))
    if not any(cells != header for _, cells in runs):
        return None  # none, or the same header repeated: `last_run` splits those runs
    return runs[-1]


def _heads_a_run(cells: list[str], header: list[str], below: list[str], delimiter: str) -> bool:
    """Whether a line's `cells` head a run: the header's first name, a training loss, no number, and
    two rows `below` that start with a number."""
    if len(cells) < 2 or cells[0] != header[0] or any(map(is_number, cells)):
        return False
    if "loss" not in {keras_name(cell) for cell in cells}:
        return False  # no training loss: a test set's, a validation table's, a summary's header
    firsts = [split_cells(line, delimiter)[0].strip() for line in below if line.strip()]
    return len(firsts) == 2 and all(map(is_number, firsts))


def refuse_a_merge_conflict(text: str, path: str) -> None:
    """Refuse, naming its lines, a file that holds an unresolved git merge conflict (`<<<<<<<`, then
    `=======` and `>>>>>>>` on lines of their own): two versions of the log, one after the other,
    with the markers between them (`dz_018`: 760 epochs on one side, 2 on the other). Which one is
    the run is the user's to say."""
    lines = text.splitlines()
    opened = next((i for i, line in enumerate(lines) if line.startswith("<<<<<<<")), None)
    if opened is None:
        return
    middle = next((i for i in range(opened + 1, len(lines)) if lines[i].rstrip() == "======="), None)
    closed = next((i for i in range(opened + 1, len(lines)) if lines[i].startswith(">>>>>>>")), None)
    if middle is None or closed is None or not opened < middle < closed:
        return
    raise ValueError(
        f"{path!r} holds an unresolved git merge conflict (lines {opened + 1}–{closed + 1}: "
        f"{lines[opened].strip()[:40]!r} … {lines[closed].strip()[:40]!r}): two versions of the log with "
        "git's markers between them. Expected one version: delete the markers and the other version's "
        "lines (or `git checkout --ours`/`--theirs` the file), then diagnose it."
    )
