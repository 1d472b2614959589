"""The body of a table: which lines are its epoch rows, which are skipped (with a note), and
which are refused, naming their line.

Skipped: comment lines (`# best_epoch=12`), lines of empty cells, text a script printed among its
rows, a row written twice under a counter column (the epoch, a step, pandas' index: the same
epoch again), a title line before a repeated header, and the empty cell that every row of Flair's
`loss.tsv` holds beyond its header. A repeated header starts a new run (`appended_runs.py` picks
the last). A row of another width than the header is refused: the file is damaged or edited.
"""

from __future__ import annotations

import csv
import re

from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.table_cells import MISSING_CELLS, is_number

__all__ = ["split_cells", "table_rows"]

#: Columns that count the rows (besides the epoch): a row repeated under one is written twice.
_COUNTERS = ("step", "steps", "global_step", "iter", "iteration", "", "unnamed: 0", "index")


def table_rows(
    lines: list[str], path: str, header_index: int, delimiter: str, header: list[str], notes: list[str]
) -> tuple[list[tuple[int, list[str]]], list[int]]:
    """`(rows, starts)`: the epoch rows as `(1-based line number, cells)`, and the positions where a
    repeated header starts a new run. Comment lines, lines of empty cells and a row written twice
    under a counter column (the same epoch again) are skipped (with notes); without a counter a
    repeated row is an epoch whose values did not change. A row of another width is refused, naming
    its line."""
    rows: list[tuple[int, list[str]]] = []
    starts = [0]
    body = [
        (number, [cell.strip() for cell in split_cells(line, delimiter)])
        for number, line in enumerate(lines[header_index + 1 :], start=header_index + 2)
        if line.strip()
    ]
    body = _without_summary_below(lines, body, header, notes)
    comments = [number for number, cells in body if cells and cells[0].startswith("#")]
    if comments:  # notes a script wrote beside its table (`# best_epoch=12`), as pandas' comment="#"
        body = [(number, cells) for number, cells in body if not (cells and cells[0].startswith("#"))]
        notes.append(f"skipped {_lines_text(comments)} starting with '#' (comments, not epochs).")
    body = [(number, cells) for number, cells in body if not all(cell in MISSING_CELLS for cell in cells)]
    printed = {
        number: cells[0]
        for number, cells in body
        if len(header) > 1 and len(cells) == 1 and re.search(r"[A-Za-z]{2}", cells[0])
    }
    if printed:  # what a script printed among its rows (`===== Using Torch AMP =====`, `f1 on test: 0.78`)
        where = "after the table" if list(printed) == [body[-1][0]] else "among the rows"
        quoted = f" ({', '.join(repr(text[:50]) for text in printed.values())})" if len(printed) <= 3 else ""
        notes.append(f"skipped {_lines_text(list(printed))} {where}{quoted}: printed text, not epochs.")
        body = [(number, cells) for number, cells in body if number not in printed]
    # A counter (the epoch, a step, pandas' index) tells a row written twice from an epoch whose
    # values did not change.
    numbered = any(keras_name(cell) == "epoch" or cell.strip().lower() in _COUNTERS for cell in header)
    repeated = [
        number for (_, before), (number, cells) in zip(body, body[1:], strict=False) if cells == before
    ]
    if repeated and numbered:  # a row written twice (a logger that also writes at checkpoints): one epoch
        body = [body[0], *[row for before, row in zip(body, body[1:], strict=False) if row[1] != before[1]]]
        notes.append(f"skipped {_lines_text(repeated)} repeating the row before.")
    body = _without_empty_extra_cell(body, header, notes)
    for position, (number, cells) in enumerate(body):
        if cells == header:  # the header again: a run appended after a change of columns
            starts.append(len(rows))
            continue
        if position + 1 < len(body) and body[position + 1][1] == header and not all(map(is_number, cells)):
            continue  # a title line before the repeated header of the next run (a row of numbers is an epoch)
        if len(cells) == len(header) + 1 and cells[-1] == "":
            cells = cells[:-1]  # a trailing separator
        if len(cells) != len(header):
            _ragged(path, number, cells, header)
        rows.append((number, cells))
    if not rows:
        refuse_one_line_of_numbers(header, path)
    if not rows:
        raise ValueError(f"{path!r} has a header but no rows. Train for at least one epoch.")
    return rows, starts


def refuse_one_line_of_numbers(cells: list[str], path: str) -> None:
    """Refuse a file that is one line of numbers (`f.write(",".join(map(str, losses)))`, `gb_003`,
    `gc_037`): nothing names the curve they make."""
    numbers = sum(map(is_number, cells))
    if numbers >= 3 and numbers >= len([cell for cell in cells if cell.strip()]):
        raise ValueError(
            f"{path!r} is one line of {numbers} numbers without a header: nothing says which curve they "
            "are. Expected a header row and one row per epoch: write the curve as a column under its name "
            "(`loss`, `val_loss`), or read the file yourself and pass `{'loss': values}` to diagnose()."
        )


def _without_summary_below(
    lines: list[str], body: list[tuple[int, list[str]]], header: list[str], notes: list[str]
) -> list[tuple[int, list[str]]]:
    """The rows above a summary that a script wrote below its table after a blank line (`Best Model
    Information`, `Hidden Layers,3`, …: `eq_018`), with a note: from the first blank line after
    two rows of the header's width, when no line below it has that width (a run appended under a
    header of its own has; a trailing separator counts as the table's) and words stand below it (a
    torn table of numbers stays refused); the rows as they are otherwise."""
    width = [
        number
        for number, cells in body
        if len(cells) == len(header) or (len(cells) == len(header) + 1 and cells[-1] == "")
    ]
    if len(width) < 2:
        return body
    blank = next(
        (number for number in range(width[1] + 1, len(lines) + 1) if not lines[number - 1].strip()), None
    )
    if blank is None or any(number > blank for number in width):
        return body
    below = [cells for number, cells in body if number > blank]
    if not any(len(cells) > 1 for cells in below):
        return body  # no line below, or lines of text alone: printed text (below), quoted in its note
    if not any(re.search(r"[A-Za-z]{2}", cell) for cells in below for cell in cells):
        return body  # rows of numbers alone: a torn table, refused naming the line
    below = [number for number, _ in body if number > blank]
    notes.append(f"skipped {_lines_text(below)} below the table: a summary after a blank line, not epochs.")
    return [(number, cells) for number, cells in body if number < blank]


def _without_empty_extra_cell(
    body: list[tuple[int, list[str]]], header: list[str], notes: list[str]
) -> list[tuple[int, list[str]]]:
    """The rows without the empty cell that every one of them (two at least) holds right after a
    loss column, beyond the header's width (Flair's `loss.tsv` writes one there), with a note; the
    rows as they are otherwise (a row of another width is then refused, naming its line)."""
    rows = [cells for _, cells in body if cells != header]
    if len(rows) < 2 or any(len(cells) != len(header) + 1 for cells in rows):
        return body
    if all(cells[-1] == "" for cells in rows):
        return body  # a separator after every row's last cell: the table's own width
    empty = [{i for i, cell in enumerate(cells[:-1]) if cell == ""} for cells in rows]
    shared = set.intersection(*empty)
    if len(shared) != 1:
        return body
    (index,) = shared
    if index == 0 or "loss" not in header[index - 1].lower():
        return body  # not the writer's stray cell after a loss: a column left empty, refused below
    after = f"after {header[index - 1]!r}"
    notes.append(f"every row has an empty cell {after} that the header does not name: left out.")
    return [
        (number, cells if cells == header else cells[:index] + cells[index + 1 :]) for number, cells in body
    ]


def split_cells(line: str, delimiter: str) -> list[str]:
    """The cells of one line of a table (quoted cells as the `csv` module reads them)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as error:  # a cell longer than the csv module takes (131,072 characters)
        raise ValueError(
            f"A line of {len(line):,} characters cannot be read as a table row ({error}). Expected one "
            "row per epoch, or a JSON history."
        ) from None


def _lines_text(numbers: list[int]) -> str:
    """`"line 7"` or `"3 lines, from line 7,"`: the lines a note says were skipped."""
    return f"line {numbers[0]}" if len(numbers) == 1 else f"{len(numbers)} lines, from line {numbers[0]},"


def _ragged(path: str, number: int, cells: list[str], header: list[str]) -> None:
    if len(cells) < len(header):
        missing = header[len(cells)]
        detail = f"has {len(cells)} cells, the header has {len(header)}: column '{missing}' is missing"
        last = cells[-1] if cells else ""
        if last not in MISSING_CELLS and not is_number(last):
            column = header[len(cells) - 1]
            detail += f", and the last cell, {last!r} in column '{column}', is not a number (a torn line)"
    else:
        detail = f"has {len(cells)} cells, the header has {len(header)}: an extra cell {cells[len(header)]!r}"
    raise ValueError(
        f"Line {number} of {path!r} {detail}. Expected one cell per column on every line (NA for a value "
        "that was not recorded). The file may be damaged (a torn last line) or edited by hand: fix or "
        "delete that line."
    )
