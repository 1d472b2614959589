"""Tables whose epochs span several rows, turned back to one row per epoch.

Four layouts that loggers write:

- **PyTorch Lightning's `CSVLogger`** (`metrics.csv`): each `log()` call that runs at its own
  moment writes its own row, so an epoch's training values, its validation values and a learning
  rate monitor's value stand on different rows, sharing the epoch number (the monitor's rows
  have none, and belong to the epoch that follows them). The rows of one epoch are merged when
  they never fill the same column; a last row that holds no training loss (a `validate` or
  `test` run after training) is not an epoch.
- **a long table with a set column** (`epoch,split,loss,accuracy` with `split` = `train`/`val`):
  one row per epoch and set, turned to one row per epoch with `val_` (and `test_`) columns.
- **a long table with a metric column** (`epoch,mode,metric,result` with `metric` = `loss`,
  `accuracy`, …): one row per epoch, set and metric, turned to a column per metric first.
- **Hugging Face's `Trainer` history written as a table** (`step,eval_loss,train_loss`, no epoch
  column): a training row and an evaluation row at each step, merged when they never fill the
  same column.

And rows that are not epochs of the run read: a logger's `start` and `summary` rows
(`without_event_rows`); the rows of other runs in the file are `appended_runs.py`'s.

Rows are `(1-based line number, cells)`, as `logfile.py` reads them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping

from fitwell.diagnosis.column_names import SET_PREFIXES, keras_name, name_words
from fitwell.diagnosis.column_renames import keras_names
from fitwell.diagnosis.table_cells import MISSING_CELLS, cell_number, is_number

__all__ = [
    "SAMPLED_NOISE",
    "columns_one_row_per_epoch",
    "names_each_rows_set",
    "one_row_per_epoch",
    "relative_standard_error",
    "sampled_loss",
    "without_event_rows",
]

Rows = list[tuple[int, list[str]]]


def one_row_per_epoch(rows: Rows, header: list[str], notes: list[str]) -> tuple[Rows, list[str]]:
    """`(rows, header)` with one row per epoch (per step, for a `Trainer`'s table), and a note, for
    the layouts above; the rows and header unchanged for any other table."""
    names = [keras_name(cell) for cell in header]
    if "epoch" not in names and "step" in names:  # `Name,Value,Timestamp,Step`: a long table by step
        wide_rows, wide_header = _widened(rows, header, names.index("step"), notes, by_step=True)
        if wide_header != header:
            split = _set_column(wide_rows, wide_header, 0)  # `dir_name`: `train`, `validation`
            if split is not None:  # each set's rows may come one set after the other: by step
                if all(is_number(cells[0]) for _, cells in wide_rows):
                    wide_rows = sorted(wide_rows, key=lambda row: cell_number(row[1][0]))
                return _pivoted(wide_rows, wide_header, 0, split, notes)
            return wide_rows, wide_header
    if "epoch" not in names:
        return _merged_by_step(rows, header, names, notes)
    epoch = names.index("epoch")
    rows, header = _widened(rows, header, epoch, notes)
    epoch = [keras_name(cell) for cell in header].index("epoch")
    split = _set_column(rows, header, epoch)
    if split is not None:
        return _pivoted(rows, header, epoch, split, notes)
    return _merged(rows, header, epoch, notes)


def _widened(
    rows: Rows, header: list[str], epoch: int, notes: list[str], *, by_step: bool = False
) -> tuple[Rows, list[str]]:
    """A table in long form, one row per epoch (set) and metric (`epoch,mode,metric,result` with
    `metric` = `loss`, `accuracy`, …), as one row per epoch (and set) with a column per metric;
    any other table unchanged. The rows may come epoch by epoch or metric by metric (`pd.melt` of
    a history for seaborn: every epoch's loss, then every epoch's accuracy, …, `gb_085`), and
    pandas' unnamed index column beside them is no value, nor the time a value was logged (an
    export of tracked metrics: `Name,Value,Timestamp,Step`, the step in place of the epoch)."""
    others = [
        index
        for index in range(len(header))
        if index != epoch and not _row_index(rows, header, index) and keras_name(header[index]) not in _TIMES
    ]
    if not rows or not 2 <= len(others) <= 3:
        return rows, header
    numeric = [index for index in others if all(is_number(cells[index]) for _, cells in rows)]
    names = [index for index in others if not any(is_number(cells[index]) for _, cells in rows)]
    if len(numeric) != 1 or not names:
        return rows, header
    value = numeric[0]
    kinds = {index: {cells[index].strip() for _, cells in rows} for index in names}
    metric = next(
        (index for index in names if any(keras_name(name) == "loss" for name in kinds[index])), None
    )
    split = [index for index in names if index != metric]
    if metric is None or len(split) > 1 or (split and not _names_sets(kinds[split[0]])):
        return rows, header
    keys = [epoch, *split]
    metrics = list(dict.fromkeys(cells[metric].strip() for _, cells in rows))
    pairs = [(tuple(cells[index].strip() for index in keys), cells[metric].strip()) for _, cells in rows]
    groups: list[tuple[int, list[str], dict[str, str]]] = []
    if by_step and len(set(pairs)) < len(pairs):
        return rows, header  # a metric twice at one step (a tracker's default step 0): no order to read
    if len(set(pairs)) == len(pairs):  # each epoch's metric once, in whichever order
        by_key: dict[tuple[str, ...], tuple[int, list[str], dict[str, str]]] = {}
        for (number, cells), (key, name) in zip(rows, pairs, strict=True):
            by_key.setdefault(key, (number, [cells[index] for index in keys], {}))[2][name] = cells[value]
        groups = sorted(by_key.values(), key=lambda group: group[0])
    else:
        for number, cells in rows:
            key, name = [cells[index] for index in keys], cells[metric].strip()
            if groups and groups[-1][1] == key and name not in groups[-1][2]:
                groups[-1][2][name] = cells[value]
            else:  # the next epoch (or set), or the same metric again: a run starting over
                groups.append((number, key, {name: cells[value]}))
    unit = "step" if by_step else "epoch"
    notes.append(
        f"the table has one row per {unit} and metric (the metric named in column {header[metric]!r}, "
        f"its value in {header[value]!r}): read as one column per metric"
        + (", a row per step." if by_step else ".")
    )
    new_rows = [
        (number, [*key, *(by_name.get(name, "") for name in metrics)]) for number, key, by_name in groups
    ]
    return new_rows, [header[index] for index in keys] + metrics


#: The names of a column that holds when a value was logged, not a value.
_TIMES = ("timestamp", "time", "wall_time", "walltime", "relative_time")


def _row_index(rows: Rows, header: list[str], index: int) -> bool:
    """Whether a column without a name counts the rows 0, 1, 2, … (pandas' index, `to_csv`)."""
    return not header[index].strip() and all(
        cells[index].strip() == str(position) for position, (_, cells) in enumerate(rows)
    )


def _names_sets(values: set[str]) -> bool:
    """Whether a column's values name at least two sets (`train`, `val`)."""
    return len(values) >= 2 and {value.lower() for value in values} <= set(SET_PREFIXES)


def _set_column(rows: Rows, header: list[str], epoch: int) -> int | None:
    """The column naming the set of each row (`train`, `val`), with at least two sets."""
    for index in range(len(header)):
        if index == epoch:
            continue
        if _names_sets({cells[index].strip() for _, cells in rows}):
            return index
    return None


def _pivoted(
    rows: Rows, header: list[str], epoch: int, split: int, notes: list[str]
) -> tuple[Rows, list[str]]:
    data = [index for index in range(len(header)) if index not in (epoch, split)]
    prefixes = list(dict.fromkeys(SET_PREFIXES[cells[split].strip().lower()] for _, cells in rows))
    groups: list[tuple[int, str, dict[str, list[str]]]] = []  # (line, epoch, cells by set prefix)
    for number, cells in rows:
        prefix = SET_PREFIXES[cells[split].strip().lower()]
        if groups and groups[-1][1] == cells[epoch] and prefix not in groups[-1][2]:
            groups[-1][2][prefix] = cells
        else:  # a new epoch, or the same set again: a run starting over
            groups.append((number, cells[epoch], {prefix: cells}))
    # A column only one set fills (`val_macro_f1`, empty on the training rows) is that set's alone:
    # named once, without the set's prefix again (`val_val_macro_f1`).
    kept = [
        (prefix, index)
        for prefix in prefixes
        for index in data
        if any(
            prefix in by_set and by_set[prefix][index].strip() not in MISSING_CELLS for _, _, by_set in groups
        )
    ]
    alone = {index for index in data if sum(index == other for _, other in kept) == 1}
    new_header = [header[epoch]] + [
        header[index]
        if prefix and index in alone and header[index].lower().startswith(prefix)
        else prefix + header[index]
        for prefix, index in kept
    ]
    new_rows = [
        (number, [value] + [by_set[prefix][index] if prefix in by_set else "" for prefix, index in kept])
        for number, value, by_set in groups
    ]
    notes.append(
        f"the table has one row per epoch and set (column {header[split]!r}): read as one row per epoch, "
        "with val_ columns for the validation rows."
    )
    return new_rows, new_header


def _merged_by_step(
    rows: Rows, header: list[str], names: list[str], notes: list[str]
) -> tuple[Rows, list[str]]:
    """A table without an epoch column whose consecutive rows at one `step` each fill what the
    others leave empty (Hugging Face's `Trainer` history: a training row, then an evaluation row
    at the same step): one row per step; the rows unchanged when no step has two rows, or when a
    step's rows fill one column twice."""
    if "step" not in names:
        return rows, header
    step = names.index("step")
    groups = _epoch_groups(rows, step)
    if not any(len(group) > 1 for group in groups):
        return rows, header
    counted = [index for index in range(len(header)) if index != step]
    if any(_filled_count(group, index) > 1 for group in groups for index in counted):
        return rows, header  # a column filled twice at one step: not one step's rows
    merged = [_filled(group, step, []) for group in groups]
    notes.append(
        f"read the {len(rows)} rows as {len(merged)}: rows at one step stand together (a training row "
        "and an evaluation row, as Hugging Face's Trainer logs them), one row per step."
    )
    return merged, header


def _merged(rows: Rows, header: list[str], epoch: int, notes: list[str]) -> tuple[Rows, list[str]]:
    """Lightning's layout merged (see the module docstring): `(rows, header)`, unchanged otherwise.

    In a table with Lightning's `step` column, a column filled on several rows of one epoch is
    logged per step: the epoch's value is the mean of its steps (what `on_epoch=True` logs); a
    `_step` column beside its `_epoch` twin is left out. Without a `step` column, rows that fill
    the same column are not one epoch's (a run appended, a row repeated)."""
    stems = _logged_both_ways(header)
    twins = [index for index, name in enumerate(header) if _stem(name, "_step") in stems]
    kept = [index for index in range(len(header)) if index not in twins]
    header = [
        _without_suffix(header[index], "_epoch") if _stem(header[index], "_epoch") in stems else header[index]
        for index in kept
    ]
    rows = [(number, [cells[index] for index in kept]) for number, cells in rows]
    epoch = kept.index(epoch)
    groups = _epoch_groups(rows, epoch)
    position = _position_in_epoch(groups, header)
    counted = [
        index
        for index, name in enumerate(header)
        if keras_name(name) not in ("epoch", "step", *_LIGHTNING_TIMES) and index != position
    ]
    per_step = [index for index in counted if any(_filled_count(group, index) > 1 for group in groups)]
    # Lightning's own column: its step, or the time each row was written (`created_at`, before 0.7),
    # that only where an epoch's rows leave the training loss out of one (its validation's row): a
    # time beside rows that each fill it is a resumed run's (`appended_runs.py`).
    has_step = any(keras_name(name) == "step" for name in header) or (
        any(keras_name(name) in _LIGHTNING_TIMES for name in header) and _rows_apart(groups, header)
    )
    if not any(len(group) > 1 for group in groups) or (per_step and not has_step and position is None):
        return rows, header
    merged = [_filled(group, epoch, per_step) for group in groups]
    loss = _loss_column(header)
    dropped = ""
    if loss is not None and len(merged) > 1 and merged[-1][1][loss] in MISSING_CELLS:
        dropped = f"; its last rows (from line {merged[-1][0]}) hold no training loss: not an epoch"
        merged = merged[:-1]
    means = ""
    if twins:
        means = "; the per-step copies of the epoch values ('…_step' beside '…_epoch') left out"
    if per_step:
        listed = ", ".join(repr(header[index]) for index in per_step)
        means += f"; {listed} logged per step: each epoch's value is the mean of its steps"
    writer = "as PyTorch Lightning's CSVLogger writes them"
    if position is not None and not has_step:
        writer = f"logged within each epoch, at the points its {header[position]!r} column counts"
    notes.append(
        f"read the {len(rows)} rows as {len(merged)} epochs: each epoch's values stand on several rows "
        f"({writer}){means}{dropped}."
    )
    return merged, header


#: The column PyTorch Lightning's loggers wrote before its 0.7 instead of the step: the row's time
#: (`train_loss,accuracy,f1,epoch,created_at,val_loss`, `fz_016`).
_LIGHTNING_TIMES = ("created_at",)
#: Names of a column that counts where in its epoch a row was logged (`Epoch,Percentage,Loss`: the
#: minibatch loss every 2% of an epoch, `fy_059`).
_POSITIONS = frozenset(
    {"batch", "batch_idx", "batch_id", "iter", "iteration", "it", "percentage", "percent", "progress"}
)


def _position_in_epoch(groups: list[Rows], header: list[str]) -> int | None:
    """The column that counts where in its epoch each row was logged: named for a batch, an iteration
    or a share of the epoch (`_POSITIONS`), its numbers rising within every epoch of several rows
    (a row without one, a validation's, aside), at least `_LEAST_STEPS` in one of them, over at
    least `_LEAST_EPOCHS` epochs. Several rows of one epoch in such a table are that epoch's steps,
    not several runs written at once; a log of one or two epochs counted by iteration is read by
    its rows, and a second row at an epoch's end (a last evaluation) merges nothing."""
    several = [group for group in groups if len(group) > 1]
    if len(groups) < _LEAST_EPOCHS or not several:
        return None
    for index, name in enumerate(header):
        if name_words(name) not in _POSITIONS:
            continue
        cells = [[row[index] for _, row in group if row[index] not in MISSING_CELLS] for group in several]
        if (
            all(is_number(cell) for group in cells for cell in group)
            and max(len(group) for group in cells) >= _LEAST_STEPS
            and all(
                all(cell_number(a) < cell_number(b) for a, b in zip(group, group[1:], strict=False))
                for group in cells
            )
        ):
            return index
    return None


#: How many epochs, and steps in one of them, a position column must count to merge rows by it.
_LEAST_EPOCHS, _LEAST_STEPS = 3, 3


def _rows_apart(groups: list[Rows], header: list[str]) -> bool:
    """Whether some epoch of several rows has a row without the training loss (Lightning writes its
    validation's values on a row of their own)."""
    loss = _loss_column(header)
    return loss is not None and any(
        len(group) > 1 and any(row[loss] in MISSING_CELLS for _, row in group) for group in groups
    )


def _epoch_groups(rows: Rows, epoch: int) -> list[Rows]:
    """The rows, grouped by epoch: consecutive rows with one epoch number, and the rows without one
    (a learning-rate monitor's) with the epoch that follows them."""
    groups: list[Rows] = []
    pending: Rows = []
    for number, cells in rows:
        if cells[epoch] in MISSING_CELLS:
            pending.append((number, cells))
        elif groups and groups[-1][-1][1][epoch] == cells[epoch]:
            groups[-1].extend([*pending, (number, cells)])
            pending = []
        else:
            groups.append([*pending, (number, cells)])
            pending = []
    if groups and pending:
        groups[-1].extend(pending)
    return groups


def _logged_both_ways(header: list[str]) -> set[str]:
    """The names Lightning logged with `on_step` and `on_epoch` (`train_loss_step` beside
    `train_loss_epoch`: `train_loss`), lower-cased."""
    steps = {_stem(name, "_step") for name in header}
    return {stem for stem in steps & {_stem(name, "_epoch") for name in header} if stem}


def _without_suffix(name: str, suffix: str) -> str:
    return name.strip()[: -len(suffix)]


def _stem(name: str, suffix: str) -> str | None:
    """The lower-cased name without `suffix`, or None when it does not end with it."""
    lowered = name.strip().lower()
    return lowered[: -len(suffix)] if lowered.endswith(suffix) and len(lowered) > len(suffix) else None


def _filled_count(group: Rows, index: int) -> int:
    return sum(cells[index] not in MISSING_CELLS for _, cells in group)


def _filled(group: Rows, epoch: int, per_step: list[int]) -> tuple[int, list[str]]:
    """The group as one row: its first line, each column's last value in the group (the mean of its
    values for a column `per_step`), the epoch's number in the epoch column. A damaged step value is
    kept, with its own line, for the reader to refuse naming it."""
    line, cells = group[0][0], [""] * len(group[0][1])
    for _, row in group:
        cells = [
            value if value not in MISSING_CELLS else before for before, value in zip(cells, row, strict=True)
        ]
    for index in per_step:
        steps = [(number, row[index]) for number, row in group if row[index] not in MISSING_CELLS]
        if not steps:
            continue  # not logged in this epoch (a learning-rate monitor's rows fell in the next)
        damaged = next(((number, step) for number, step in steps if not is_number(step)), None)
        if damaged is not None:
            line, cells[index] = damaged
        else:
            cells[index] = repr(sum(cell_number(step) for _, step in steps) / len(steps))
    cells[epoch] = next(row[epoch] for _, row in group if row[epoch] not in MISSING_CELLS)
    return line, cells


def sampled_loss(rows: Rows, header: list[str]) -> str | None:
    """The reader's note when a table logged by steps (a `step` column; Lightning's `CSVLogger`)
    logged its training loss per step (twice in one epoch at least, or once every few epochs:
    `_epochs_skipped`), every few steps, so that each
    epoch's value, the mean of those steps, is a sample of the epoch's batches: on at most
    `_FEW_STEPS` rows in most of its epochs (`train_loss` every 50 steps on epochs of 30 to 100
    steps: one or two batches' losses, which jump as a batch's loss does), or on more, whose mean
    is as noisy as `SAMPLED_NOISE` (its median relative standard error over the epochs: one outlier
    batch among 19 logged moves an epoch's mean by half, `gi_090`); else None."""
    names = _keras_header(header)
    if not {"epoch", "step", "loss"} <= set(names):
        return None
    loss, step = names.index("loss"), names.index("step")
    groups = _epoch_groups(rows, names.index("epoch"))
    logged = sorted(count for count in (_filled_count(group, loss) for group in groups) if count)
    if len(logged) < _LEAST_EPOCHS or (logged[-1] < 2 and not _epochs_skipped(groups, names, loss)):
        return None
    # Logged every few steps, not at each (a run of two steps an epoch logs all of its steps).
    steps = [
        cell_number(cells[step])
        for _, cells in rows
        if cells[loss] not in MISSING_CELLS and is_number(cells[step])
    ]
    gaps = sorted(
        later - earlier for earlier, later in zip(steps, steps[1:], strict=False) if later > earlier
    )
    if not gaps or gaps[len(gaps) // 2] < _STEPS_APART:
        return None
    typical = logged[len(logged) // 2]
    if logged[-1] < 2:
        return (
            "the training loss was logged at one step every few epochs: each value is that batch's loss, "
            "not an epoch's mean, and its jumps are judged as a batch's."
        )
    if typical <= _FEW_STEPS:
        return (
            "the training loss was logged on one or two steps in most epochs: each epoch's value is "
            "those batches' loss, not the epoch's mean, and its jumps are judged as a batch's."
        )
    noise = _mean_noise(groups, loss)
    if noise < SAMPLED_NOISE:
        return None
    return (
        f"the training loss was logged every few steps (a median of {typical} an epoch): each epoch's value "
        f"is the mean of those batches' losses, noisy by ±{noise:.0%} (their standard error), and its "
        "jumps are judged as a batch's."
    )


def _epochs_skipped(groups: list[Rows], names: list[str], loss: int) -> bool:
    """Whether the training loss, logged once in an epoch at most, skips epochs between its rows in
    most of them (`train_loss` every 50 steps of epochs of 18: at epochs 2, 5, 8, 11): logged by
    steps, not at each epoch's end, so each row is one batch's loss."""
    epoch = names.index("epoch")
    logged = [
        cell_number(group[0][1][epoch])
        for group in groups
        if _filled_count(group, loss) and is_number(group[0][1][epoch])
    ]
    gaps = sorted(later - earlier for earlier, later in zip(logged, logged[1:], strict=False))
    return bool(gaps) and gaps[len(gaps) // 2] >= 2


#: At most this many logged steps in most epochs make a training loss a batch's, not an epoch's,
#: when they are at least `_STEPS_APART` steps apart.
_FEW_STEPS, _STEPS_APART = 2, 5
#: The relative standard error of an epoch's mean of logged batch losses from which it is read as
#: a sample of the epoch's batches, noisy as they are (`sampled_loss`; `batch_lines` for printed logs).
SAMPLED_NOISE = 0.05


def relative_standard_error(values: list[float]) -> float | None:
    """The standard error of the mean of a few batches' values as a share of that mean (their
    standard deviation over the square root of their count, over their mean): how far a mean of
    a sample of the epoch's batches may lie from the epoch's own; None for fewer than two finite
    values or a mean not above 0.

    Example:
        >>> round(relative_standard_error([0.9, 1.1, 1.0, 1.0]), 3), relative_standard_error([1.0])
        (0.041, None)
    """
    finite = [value for value in values if math.isfinite(value)]
    mean = statistics.fmean(finite) if len(finite) >= 2 else 0.0
    return statistics.stdev(finite) / math.sqrt(len(finite)) / mean if mean > 0 else None


def _mean_noise(groups: list[Rows], index: int) -> float:
    """The median over the epochs of their means' `relative_standard_error` in a column logged on
    several rows an epoch; 0 when no epoch has one."""
    errors = [
        relative_standard_error([cell_number(cells[index]) for _, cells in group if is_number(cells[index])])
        for group in groups
    ]
    known = [error for error in errors if error is not None]
    return statistics.median(known) if known else 0.0


def _loss_column(header: list[str]) -> int | None:
    names = _keras_header(header)
    return names.index("loss") if "loss" in names else None


def without_event_rows(rows: Rows, header: list[str], notes: list[str]) -> Rows:
    """The rows without those that have neither an epoch number nor a loss (training's or
    validation's) in a table that has both: the lines a logger writes when a run starts or ends
    (`event` = `start`, `summary`; a word in the epoch column, `TEST,,,,test_loss=0.088`, `dl_021`),
    not epochs. (After a Lightning file's rows are merged into epochs: its learning-rate monitor's
    rows have neither either.)"""
    names = _keras_header(header)
    if "epoch" not in names or "loss" not in names:
        return rows
    epoch = names.index("epoch")
    losses = [i for i, name in enumerate(names) if name in ("loss", "val_loss")]
    events = [
        number
        for number, cells in rows
        if all(cells[i] in MISSING_CELLS for i in losses)
        and (cells[epoch] in MISSING_CELLS or not is_number(cells[epoch]))
    ]
    if not events or len(events) == len(rows):
        return rows
    where = f"line {events[0]}" if len(events) == 1 else "lines " + ", ".join(map(str, events))
    notes.append(f"skipped {where}, with no epoch number and no loss: a logger's own lines, not epochs.")
    return [(number, cells) for number, cells in rows if number not in events]


def columns_one_row_per_epoch(columns: dict[str, list], notes: list[str]) -> dict[str, list]:
    """A DataFrame's columns (`pandas.read_csv` of a Lightning `metrics.csv`, a long table with a
    set column) as one row per epoch, as the file would be read; the columns unchanged when they
    are one row per epoch already. Rows are numbered as the lines of the CSV file pandas read (the
    header on line 1). Missing cells (NaN, None) come back as None, text as text; pandas reads an
    empty cell and `nan` alike, and a row that holds nothing but its epoch (and step) is read as
    the diverged epoch whose `nan` it held."""
    header = [str(name) for name in columns]
    lists = [list(values) for values in columns.values()]
    count = max((len(values) for values in lists), default=0)
    rows = [
        (position + 2, [_cell_text(values[position] if position < len(values) else None) for values in lists])
        for position in range(count)
    ]
    rows = _diverged_rows(rows, header)
    before = len(notes)
    merged, header = one_row_per_epoch(rows, header, notes)
    merged = without_event_rows(merged, header, notes)
    if len(notes) == before:
        return columns
    return {name: [_cell_value(cells[index]) for _, cells in merged] for index, name in enumerate(header)}


def _diverged_rows(rows: Rows, header: list[str]) -> Rows:
    """The rows, each that holds no value but its epoch and step read as the `nan` its file wrote
    there (a diverged epoch's training row), not as cells left empty."""
    counters = {index for index, name in enumerate(header) if keras_name(name) in ("epoch", "step")}

    def restored(cells: list[str]) -> list[str]:
        numbered = any(cells[index] for index in counters)
        if not numbered or any(cell for index, cell in enumerate(cells) if index not in counters):
            return cells
        return [cell if index in counters else "nan" for index, cell in enumerate(cells)]

    return [(number, restored(cells)) for number, cells in rows]


def names_each_rows_set(columns: Mapping[str, list]) -> bool:
    """Whether per-epoch records name each record's set in a column of their own (`{"epoch": 1,
    "phase": "val", "loss": …}`), one record per epoch and set, most epochs logged by two sets or
    more, for `columns_one_row_per_epoch` to pivot: not records one per epoch whose text field
    happens to hold a set's name, nor several records of one set within an epoch."""
    epochs = next((values for name, values in columns.items() if keras_name(str(name)) == "epoch"), None)
    if not isinstance(epochs, list) or not epochs:
        return False
    for values in columns.values():
        if not isinstance(values, list) or len(values) != len(epochs):
            continue
        if not all(isinstance(value, str) for value in values):
            continue
        if not _names_sets({value.strip() for value in values}):
            continue
        pairs = [(str(epoch), value.strip().lower()) for epoch, value in zip(epochs, values, strict=True)]
        if len(set(pairs)) == len(pairs) and len({str(epoch) for epoch in epochs}) <= 0.75 * len(epochs):
            return True
    return False


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # NaN is pandas' empty cell
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _cell_value(cell: str) -> float | str | None:
    if cell in MISSING_CELLS:
        return None
    return cell_number(cell) if is_number(cell) else cell


def _keras_header(header: list[str]) -> list[str]:
    """The header's names as Keras's (`train_loss` → `loss`), in its order."""
    renames = keras_names(header)
    return [renames.get(cell, cell) for cell in header]
