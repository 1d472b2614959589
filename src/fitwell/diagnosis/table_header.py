"""Where a table's header is, in a training log's text: the first line that names `epoch` or `loss`
(after title lines, comments, a preamble of settings), a file of one number per line without one,
or a table written one row per metric (turned back). `logfile.py` reads the rows below it.
"""

from __future__ import annotations

import re

from fitwell.diagnosis.aligned_table import has_log_prefix
from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.column_renames import keras_names
from fitwell.diagnosis.table_cells import MISSING_CELLS as _MISSING
from fitwell.diagnosis.table_cells import is_number
from fitwell.diagnosis.table_rows import split_cells

__all__ = [
    "DELIMITERS",
    "HEADER_SEARCH_LINES",
    "find_header",
    "long_by_step",
    "numbered_header",
    "one_number_per_line",
    "transposed",
]

#: The delimiters a table's cells may be set apart by, tried in this order.
DELIMITERS = (",", ";", "\t")
#: How far down a header may be found (title lines, comments).
HEADER_SEARCH_LINES = 20


def find_header(lines: list[str]) -> tuple[int, str, list[str]]:
    """The first line that names `epoch` or `loss` as a cell (under any logger's name for them:
    `Epoch`, `train_loss`, `Training Loss`), with its delimiter and cells; a line of one name
    alone heads a file of one column (`Data_loss`, then one loss per line), when a number (or a
    missing value) follows it: not a title (`Loss Per Epoch` above a rule of dashes). A long
    table's header by step (`Name,Value,Timestamp,Step`) names neither, and heads it too."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if has_log_prefix(line):
            continue  # a message `logging` wrote: a table in it is set out with spaces (aligned_table)
        following = next((later.strip() for later in lines[index + 1 :] if later.strip()), "")
        for delimiter in DELIMITERS:
            cells = [cell.strip() for cell in split_cells(line, delimiter)]
            named = {keras_name(cell) for cell in cells} | set(keras_names(cells).values())
            if (
                cells[:1] == [""]
                and line[:1].isspace()
                and "loss" not in named
                and "epoch" not in map(keras_name, cells[1:])
            ):
                continue  # an indented line (`\tnonzero()`): its blank first cell is no pandas index
            alone = (
                len(cells) == 1
                and re.fullmatch(r"[A-Za-z][\w ]*", cells[0]) is not None
                and (is_number(following) or following in _MISSING)
            )
            if _a_comment(line, cells):
                continue  # a comment that says what the run was (`# 384 input_dim  # L2 loss`)
            if (len(cells) >= 2 or alone) and ("epoch" in named or "loss" in named or long_by_step(named)):
                return index, delimiter, cells
    return -1, ",", []


def _a_comment(line: str, cells: list[str]) -> bool:
    """Whether a line after `#` is a comment on the run, no header: a number stands as a word
    before a second `#` (`# 384 input_dim  # L2 loss`), or a cell is a sentence, six words or more
    (`# continue to train from Epoch 15`); `np.savetxt`'s header (`# epoch,train loss,val loss,top
    5 acc`, with a comment after it: `# epoch,loss,val_loss  # run 3`) is neither."""
    body = line.lstrip()
    if not body.startswith("#"):
        return False
    before, second, _ = body[1:].partition("#")
    numbered = bool(second) and re.search(r"(?:^|\s)\d+(?:\s|$)", before) is not None
    return numbered or any(len(cell.split()) >= 6 for cell in cells)


def long_by_step(named: set[str]) -> bool:
    """Whether a header's names are a long table's by step (tracked metrics exported as
    `Name,Value,Timestamp,Step`: each row one metric's value at one step)."""
    return {"value", "step"} <= named and bool(named & {"name", "metric", "key", "tag"})


def numbered_header(lines: list[str]) -> bool:
    """Whether a file of one number per line starts with a bare `0` above values that all show
    decimals: the column name pandas gives a Series without one, not a first value."""
    values = [line.strip() for line in lines if line.strip()]
    return (
        len(values) >= 3
        and values[0] == "0"
        and all(
            "." in value or value.lower().lstrip("+-") in _NOT_A_NUMBER or "e" in value.lower()
            for value in values[1:]
        )
    )


#: Cells that hold no value a decimal point would show (`nan`, `inf`).
_NOT_A_NUMBER = frozenset({"nan", "inf", "infinity"})


def one_number_per_line(lines: list[str]) -> bool:
    """Whether the file is a bare column of numbers (at least 3), one per line, with no header:
    what `numpy.savetxt` writes for a list of losses."""
    numbers = [line.strip() for line in lines if line.strip()]
    return len(numbers) >= 3 and all(is_number(line) for line in numbers)


def transposed(lines: list[str]) -> list[str] | None:
    """The lines of a table written one row per metric (`pandas.DataFrame(history.history).T`:
    a first column of names, `loss` among them, then one number per epoch), turned to one column
    per metric; None for any other table."""
    for delimiter in DELIMITERS:
        rows = [[cell.strip() for cell in split_cells(line, delimiter)] for line in lines if line.strip()]
        names = [keras_name(row[0]) for row in rows if row]
        if "loss" not in names or "epoch" in names:
            continue
        body = [row for row in rows if row and row[0] and keras_name(row[0]) != "epoch"]
        width = len(body[0])
        if width < 3 or any(len(row) != width for row in body):
            continue
        if not all(is_number(cell) or cell in _MISSING for row in body for cell in row[1:]):
            continue
        columns = list(zip(*body, strict=True))
        return [delimiter.join(cells) for cells in columns]
    return None
