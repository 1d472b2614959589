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
    return _merged(rows, header, epoch, notes), header


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


def _merged(rows: Rows, header: list[str], epoch: int, notes: list[str]) -> Rows:
    """Lightning's layout merged (see the module docstring); the rows unchanged otherwise."""
    groups: list[list[tuple[int, list[str]]]] = []
    pending: Rows = []  # rows without an epoch (a learning-rate monitor's): they join the next epoch
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
    counted = [index for index, name in enumerate(header) if keras_name(name) not in ("epoch", "step")]
    if not any(len(group) > 1 for group in groups) or not all(_disjoint(group, counted) for group in groups):
        return rows
    merged = [(group[0][0], _filled(group, epoch)) for group in groups]
    loss = _loss_column(header)
    dropped = ""
    if loss is not None and len(merged) > 1 and merged[-1][1][loss] in MISSING_CELLS:
        dropped = f"; its last rows (from line {merged[-1][0]}) hold no training loss: not an epoch"
        merged = merged[:-1]
    notes.append(
        f"read the {len(rows)} rows as {len(merged)} epochs: each epoch's values stand on several rows "
        f"(as PyTorch Lightning's CSVLogger writes them){dropped}."
    )
    return merged


def _disjoint(group: Rows, counted: list[int]) -> bool:
    """Whether the group's rows never fill the same one of the `counted` columns."""
    seen: set[int] = set()
    for _, cells in group:
        filled = {index for index in counted if cells[index] not in MISSING_CELLS}
        if filled & seen:
            return False
        seen |= filled
    return True


def _filled(group: Rows, epoch: int) -> list[str]:
    """Each column's last value in the group, the epoch's number in the epoch column."""
    cells = [""] * len(group[0][1])
    for _, row in group:
        cells = [
            value if value not in MISSING_CELLS else before for before, value in zip(cells, row, strict=True)
        ]
    cells[epoch] = next(row[epoch] for _, row in group if row[epoch] not in MISSING_CELLS)
    return cells


def _loss_column(header: list[str]) -> int | None:
    renames = keras_names(header)
    names = [renames.get(cell, cell) for cell in header]
    return names.index("loss") if "loss" in names else None
