"""Tables whose epochs span several rows, turned back to one row per epoch.

Two layouts that loggers write:

- **PyTorch Lightning's `CSVLogger`** (`metrics.csv`): each `log()` call that runs at its own
  moment writes its own row, so an epoch's training values, its validation values and a learning
  rate monitor's value stand on different rows, sharing the epoch number (the monitor's rows
  have none, and belong to the epoch that follows them). The rows of one epoch are merged when
  they never fill the same column; a last row that holds no training loss (a `validate` or
  `test` run after training) is not an epoch.
- **a long table with a set column** (`epoch,split,loss,accuracy` with `split` = `train`/`val`):
  one row per epoch and set, turned to one row per epoch with `val_` (and `test_`) columns.

Rows are `(1-based line number, cells)`, as `logfile.py` reads them.
"""

from __future__ import annotations

from fitwell.diagnosis.column_names import SET_PREFIXES, keras_name, keras_names

__all__ = ["MISSING_CELLS", "one_row_per_epoch"]

Rows = list[tuple[int, list[str]]]

#: Cells that mean "not recorded" (`logfile.py` reads them so too).
MISSING_CELLS = ("", "NA", "N/A", "None", "null")


def one_row_per_epoch(rows: Rows, header: list[str], notes: list[str]) -> tuple[Rows, list[str]]:
    """`(rows, header)` with one row per epoch, and a note, for the two layouts above; the rows
    and header unchanged for any other table."""
    names = [keras_name(cell) for cell in header]
    if "epoch" not in names:
        return rows, header
    epoch = names.index("epoch")
    split = _set_column(rows, header, epoch)
    if split is not None:
        return _pivoted(rows, header, epoch, split, notes)
    return _merged(rows, header, epoch, notes)


def _set_column(rows: Rows, header: list[str], epoch: int) -> int | None:
    """The column naming the set of each row (`train`, `val`), with at least two sets."""
    for index in range(len(header)):
        if index == epoch:
            continue
        values = {cells[index].strip().lower() for _, cells in rows}
        if len(values) >= 2 and values <= set(SET_PREFIXES):
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
    new_header = [header[epoch]] + [prefix + header[index] for prefix in prefixes for index in data]
    new_rows = [
        (
            number,
            [value]
            + [by_set[prefix][index] if prefix in by_set else "" for prefix in prefixes for index in data],
        )
        for number, value, by_set in groups
    ]
    notes.append(
        f"the table has one row per epoch and set (column {header[split]!r}): read as one row per epoch, "
        "with val_ columns for the validation rows."
    )
    return new_rows, new_header


def _merged(rows: Rows, header: list[str], epoch: int, notes: list[str]) -> tuple[Rows, list[str]]:
    """Lightning's layout merged (see the module docstring): `(rows, header)`, unchanged otherwise.

    In a table with Lightning's `step` column, a column filled on several rows of one epoch is
    logged per step: the epoch's value is the mean of its steps (what `on_epoch=True` logs); a
    `_step` column beside its `_epoch` twin is left out. Without a `step` column, rows that fill
    the same column are not one epoch's (a run appended, a row repeated)."""
    groups = _epoch_groups(rows, epoch)
    twins = [index for index, name in enumerate(header) if _has_epoch_twin(name, header)]
    kept = [index for index in range(len(header)) if index not in twins]
    header = [_without_epoch_suffix(header[index], header) for index in kept]
    groups = [[(number, [cells[index] for index in kept]) for number, cells in group] for group in groups]
    epoch = kept.index(epoch)
    counted = [index for index, name in enumerate(header) if keras_name(name) not in ("epoch", "step")]
    per_step = [index for index in counted if any(_filled_count(group, index) > 1 for group in groups)]
    has_step = any(keras_name(name) == "step" for name in header)  # Lightning's own column
    if not any(len(group) > 1 for group in groups) or (per_step and not has_step):
        return rows if not twins else [(number, cells) for group in groups for number, cells in group], header
    merged = [(group[0][0], _filled(group, epoch, per_step)) for group in groups]
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
    notes.append(
        f"read the {len(rows)} rows as {len(merged)} epochs: each epoch's values stand on several rows "
        f"(as PyTorch Lightning's CSVLogger writes them){means}{dropped}."
    )
    return merged, header


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


def _has_epoch_twin(name: str, header: list[str]) -> bool:
    """`train_loss_step` beside `train_loss_epoch`: Lightning's per-step copy of an epoch's value."""
    lowered = [cell.strip().lower() for cell in header]
    stem = name.strip().lower().removesuffix("_step")
    return stem != name.strip().lower() and f"{stem}_epoch" in lowered


def _without_epoch_suffix(name: str, header: list[str]) -> str:
    """`train_loss_epoch` → `train_loss` when its `_step` twin is in the header."""
    stem = name.strip().removesuffix("_epoch")
    return (
        stem
        if stem != name.strip() and f"{stem}_step".lower() in [cell.strip().lower() for cell in header]
        else name
    )


def _filled_count(group: Rows, index: int) -> int:
    return sum(cells[index] not in MISSING_CELLS for _, cells in group)


def _filled(group: Rows, epoch: int, per_step: list[int]) -> list[str]:
    """Each column's last value in the group (the mean of its values for a column `per_step`), the
    epoch's number in the epoch column."""
    cells = [""] * len(group[0][1])
    for _, row in group:
        cells = [
            value if value not in MISSING_CELLS else before for before, value in zip(cells, row, strict=True)
        ]
    for index in per_step:
        steps = [
            float(row[index]) for _, row in group if row[index] not in MISSING_CELLS and _is_float(row[index])
        ]
        if steps:
            cells[index] = repr(sum(steps) / len(steps))
    cells[epoch] = next(row[epoch] for _, row in group if row[epoch] not in MISSING_CELLS)
    return cells


def _is_float(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _loss_column(header: list[str]) -> int | None:
    renames = keras_names(header)
    names = [renames.get(cell, cell) for cell in header]
    return names.index("loss") if "loss" in names else None
