"""The numbers of a table's columns, under Keras's names: which columns hold numbers, how their
cells read (plain numbers, printed tensors, lists of one number, percentages), a result repeated
on every row beside its list by epoch, and the refusal, naming a line, of a loss column of text."""

from __future__ import annotations

import re

from fitwell.diagnosis.column_names import LEARNING_RATE_KEYS, keras_name
from fitwell.diagnosis.column_renames import keras_names, names_note
from fitwell.diagnosis.jsonlog import listed_numbers
from fitwell.diagnosis.metric_names import is_accuracy
from fitwell.diagnosis.table_cells import (
    LIST_CELL,
    MEAN_SPREAD,
    ONE_ITEM_LIST,
    PERCENT,
    TENSOR,
    cell_number,
    is_number,
)
from fitwell.diagnosis.table_cells import MISSING_CELLS as _MISSING

__all__ = ["labelled_epochs", "raw_columns", "table_values"]


def table_values(
    rows: list[tuple[int, list[str]]], path: str, header: list[str], notes: list[str]
) -> dict[str, list[float | None]]:
    """The numeric columns under Keras's names; a loss column of text is refused, naming a line."""
    header = _per_epoch_lists_named(rows, header, notes)
    renames = keras_names(header)
    names = [renames.get(cell, cell) for cell in header]
    rows = _rates_per_group_read_as_largest(rows, header, names, notes)
    numeric = _numeric_columns(rows, header)
    if "loss" in names and "loss" not in {names[i] for i, _ in numeric}:
        at = names.index("loss")
        column = header[at]
        number, cells = next(
            ((number, cells) for number, cells in rows if len(cells) > at and not is_number(cells[at])),
            rows[0],
        )  # the first line whose cell is no number (a list of several among lists of one)
        if all(len(row) <= at or not row[at].strip() for _, row in rows):
            if _predictions_frozen(rows, names, numeric):
                notes.append(
                    f"column {column!r} is empty on every line while every accuracy stays at one value "
                    "after the first epoch: "
                    "read as NaN (pandas' to_csv() writes NaN as an empty cell; NaN weights predict one "
                    "class throughout)."
                )
                rows = [(number, [*cells[:at], "nan", *cells[at + 1 :]]) for number, cells in rows]
                return table_values(rows, path, header, notes)
            raise ValueError(
                f"Column {column!r} of {path!r} is empty on every line: the file holds no loss to judge. "
                "pandas' to_csv() writes NaN as an empty cell, so a loss that was NaN from the first epoch "
                "looks like this: then training diverged at once (check the inputs and targets for NaN, "
                "lower the learning rate). Expected one number per epoch: log the loss each epoch."
            )
        listed = _numbers_listed(cells[at])
        if listed >= 3:
            raise ValueError(
                f"Column {column!r} of {path!r} holds a list of {listed} numbers in one cell (line {number}: "
                f"{cells[at][:40]!r}…): whole curves, not one epoch a row, and nothing says which set each "
                "row is. Expected one row per epoch: `pandas.DataFrame(history.history).to_csv(path)`, "
                "or pass the history itself: diagnose(history)."
            )
        raise ValueError(
            f"Column {column!r} of {path!r} holds text, not numbers (line {number}: "
            f"{cells[at][:60]!r}). Expected one number per epoch: log `loss.item()` "
            "or `float(loss)`, not the tensor or its text."
        )
    if "loss" not in {names[i] for i, _ in numeric}:
        _refuse_printed_lines_in_cells(rows, path, header)
    values = {names[i]: _column(rows, path, i, name) for i, name in numeric}
    note = names_note(renames)
    if note:
        notes.append(note)
    tensors = [name for i, name in numeric if any(TENSOR.match(cells[i]) for _, cells in rows)]
    if tensors:
        shown = ", ".join(repr(name) for name in tensors)
        notes.append(f"read the printed tensors in {shown} ('tensor(0.52, device=...)') as their numbers.")
    for pattern, said in (
        (ONE_ITEM_LIST, "the lists of one number in {names} as their numbers ({cell!r}: {value:g})"),
        (PERCENT, "the percentages in {names} as fractions ({cell!r}: {value:g})"),
        (MEAN_SPREAD, "the means written with their spread in {names} as the means ({cell!r}: {value:g})"),
    ):
        written = [(i, name) for i, name in numeric if any(pattern.fullmatch(cells[i]) for _, cells in rows)]
        if written:
            # The file's own first such cell, and the number it is read as.
            cell = next(cells[i] for i, _ in written for _, cells in rows if pattern.fullmatch(cells[i]))
            names = ", ".join(repr(name) for _, name in written)
            notes.append(f"read {said.format(names=names, cell=cell, value=cell_number(cell))}.")
    return values


#: An epoch written as a label that ends in its number (`P2-7`: epoch 7 of phase 2; `ep_12`).
_EPOCH_LABEL = re.compile(r"[A-Za-z]\w*?[-_:/ ]?(\d+)")


def labelled_epochs(
    rows: list[tuple[int, list[str]]], header: list[str], notes: list[str]
) -> list[float] | None:
    """The epoch numbers of an epoch column written as labels that end in the number (`P1-1` …
    `P1-10`, then `P2-1` …: a second phase of training that counts its epochs again), with a note;
    None when the table has no such column (one of numbers is read as a curve is), or when the
    numbers do not count the epochs: each must rise above the one before, or start again at 0 or 1
    (`ep1/10`, `epoch_3_of_10` end in the run's length)."""
    index = next((i for i, name in enumerate(header) if keras_name(name) == "epoch"), None)
    if index is None or any(len(cells) <= index for _, cells in rows):
        return None
    matches = [_EPOCH_LABEL.fullmatch(cells[index].strip()) for _, cells in rows]
    if not rows or not all(matches):
        return None
    numbers = [int(match[1]) for match in matches if match]
    if not all(later > earlier or later <= 1 for earlier, later in zip(numbers, numbers[1:], strict=False)):
        return None
    if len(set(numbers)) < 2:
        return None
    notes.append(
        f"read the epoch labels in {header[index]!r} ({rows[0][1][index].strip()!r}, …) by the number "
        "each ends in."
    )
    return [float(number) for number in numbers]


def _numbers_listed(cell: str) -> int:
    """How many numbers a cell written as a list holds (`"[0.70, 0.43, 0.35]"`: 3); 0 for any
    other cell."""
    if not LIST_CELL.fullmatch(cell.strip()):
        return 0
    return len(listed_numbers(cell.strip()) or [])


def raw_columns(rows: list[tuple[int, list[str]]], path: str, header: list[str]) -> dict[str, list] | None:
    """The numeric columns under the file's own names, when it has an `epoch` column holding a
    fraction (a per-step log, with its `step` column or without: Hugging Face `Trainer`'s records
    dumped to CSV as the console prints them, `step_logs.is_step_log` tells); else None."""
    if "epoch" not in header:
        return None
    epoch = header.index("epoch")
    if not any(is_number(cells[epoch]) and not cell_number(cells[epoch]).is_integer() for _, cells in rows):
        return None
    return {name: _column(rows, path, i, name) for i, name in _numeric_columns(rows, header)}


def _rates_per_group_read_as_largest(
    rows: list[tuple[int, list[str]]], header: list[str], names: list[str], notes: list[str]
) -> list[tuple[int, list[str]]]:
    """The rows with a learning rate's cells that hold one rate per parameter group, joined by `|`
    or `;` (`0.00001|0.0001`: a fine-tuned backbone's rate and its head's), read as the largest,
    with a note (`fx_002`: refused before as no number at line 10)."""
    for index, name in enumerate(names):
        if name not in LEARNING_RATE_KEYS:
            continue
        joined = [number for number, cells in rows if index < len(cells) and _rates(cells[index])]
        if not joined:
            continue
        rows = [
            (number, [*cells[:index], repr(max(_rates(cells[index]))), *cells[index + 1 :]])
            if number in joined
            else (number, cells)
            for number, cells in rows
        ]
        notes.append(
            f"read {header[index]!r} as the largest of the rates written per parameter group on "
            f"{len(joined)} rows (line {joined[0]}: one rate a group, joined by '|' or ';')."
        )
    return rows


def _rates(cell: str) -> list[float]:
    """The numbers of a cell that holds several joined by `|` or `;` (else none): a rate per group."""
    parts = re.split(r"[|;]", cell)
    if len(parts) < 2 or not all(is_number(part.strip()) for part in parts):
        return []
    return [cell_number(part.strip()) for part in parts]


def _refuse_printed_lines_in_cells(rows: list[tuple[int, list[str]]], path: str, header: list[str]) -> None:
    """Raise, naming the cell, when a table without a loss column holds a printed loss in a
    cell (`fu_004`: one row whose `epochs` cell is a list of 250 strings `'Epoch: 0, Train Loss:
    0.1497, Val Loss: 0.0624'`): the curves are text, which the table has no column for."""
    for number, cells in rows:
        for name, cell in zip(header, cells, strict=False):
            if _PRINTED_LOSS.search(cell):
                raise ValueError(
                    f"Column {name!r} of {path!r} holds text, not numbers: printed lines (line {number}: "
                    f"{cell[:60]!r}{'…' if len(cell) > 60 else ''}): the curves are in the text, not one "
                    "epoch a row. Expected one number per column and epoch; or save the printed lines "
                    "one per line in a text file and pass that file, which is read as a printed log."
                )


#: A loss printed with its value, as a training loop's line shows it (`Train Loss: 0.149728`).
_PRINTED_LOSS = re.compile(r"loss\s*[:=]\s*[-+]?\d", re.IGNORECASE)

#: What a loop appends to a name for the list of its values by epoch (`test_loss_epochs`).
_PER_EPOCH_SUFFIXES = ("_epochs", "_per_epoch", "_history")


def _per_epoch_lists_named(
    rows: list[tuple[int, list[str]]], header: list[str], notes: list[str]
) -> list[str]:
    """The header with a column that repeats one value on every row (at least 3) left out (named
    "", as an index is) where its name with a per-epoch suffix (`_PER_EPOCH_SUFFIXES`) names
    another column, which takes its name: a final evaluation written beside its list by epoch
    (`test_loss` at 0.0248 on all 15 rows beside `test_loss_epochs`), with a note."""
    header = list(header)
    for index, name in enumerate(header):
        cells = {cells[index] for _, cells in rows if index < len(cells)}
        if not name or len(rows) < 3 or len(cells) != 1 or not is_number(next(iter(cells))):
            continue
        sibling = next(
            (f"{name}{suffix}" for suffix in _PER_EPOCH_SUFFIXES if f"{name}{suffix}" in header), None
        )
        if sibling is None:
            continue
        header[header.index(sibling)], header[index] = name, ""
        notes.append(
            f"left out {name!r}: one value on every row ({next(iter(cells))}), a result written beside "
            f"its list by epoch, {sibling!r}, read as {name!r}."
        )
    return header


def _predictions_frozen(
    rows: list[tuple[int, list[str]]], names: list[str], numeric: list[tuple[int, str]]
) -> bool:
    """Whether the table logs an accuracy (one at least) and every accuracy holds one and the same
    value on every row after the first, three at least: what a model whose loss went NaN scores
    (its NaN outputs pick one class: a share of the samples, not 0 nor 1), beside a loss column left
    empty (`eq_016`: 0.6464 and 0.5905 for 50 epochs; `ce_014`: the same after a first epoch at
    0.6487, averaged over its batches before the NaN)."""
    accuracies = [index for index, _ in numeric if is_accuracy(names[index])]
    if len(rows) < 4 or not accuracies:
        return False
    for index in accuracies:
        held = {cells[index] for _, cells in rows[1:]}
        if len(held) != 1 or not is_number(cell := held.pop()) or cell_number(cell) in (0.0, 1.0):
            return False  # not one number held (a blank, or perfect or none right: no one class)
    return True


#: Columns that name the run a row belongs to: appended runs told apart by them (`fold` 1 to 5,
#: then `Final`), never a curve.
_RUN_LABELS = ("fold", "seed", "run", "run_id", "trial", "framework", "model", "experiment")


def _numeric_columns(rows: list[tuple[int, list[str]]], header: list[str]) -> list[tuple[int, str]]:
    """Named columns with at least one number (the others, all text or lists, are not curves; an
    unnamed one is an index, e.g. pandas' beside an `epoch` column); not a column naming runs
    (`_RUN_LABELS`) that writes some of them as words."""
    chosen = []
    for index, name in enumerate(header):
        listed = any(LIST_CELL.fullmatch(cells[index]) and not is_number(cells[index]) for _, cells in rows)
        worded = name.strip().lower() in _RUN_LABELS and any(
            not is_number(cells[index]) and cells[index] not in _MISSING for _, cells in rows
        )
        if name and not listed and not worded and any(is_number(cells[index]) for _, cells in rows):
            chosen.append((index, name))
    return chosen


def _column(rows: list[tuple[int, list[str]]], path: str, index: int, name: str) -> list[float | None]:
    """The numbers of column `index` (named `name` in messages), one per row. In a column that
    writes some of its cells as percentages (`55.5%`), the plain numbers are percentages too."""
    values = [_cell(path, number, name, cells[index]) for number, cells in rows]
    plain = [not PERCENT.fullmatch(cells[index]) for _, cells in rows]
    if all(plain):
        return values
    return [v / 100.0 if v is not None and bare else v for v, bare in zip(values, plain, strict=True)]


def _cell(path: str, number: int, column: str, cell: str) -> float | None:
    if cell in _MISSING:
        return None
    try:
        return cell_number(cell)
    except ValueError:
        raise ValueError(
            f"Line {number} of {path!r}, column '{column}': {cell!r} is not a number. Expected a number, "
            "or NA (or an empty cell, or -) for a value that was not recorded: fix or delete that line."
        ) from None
