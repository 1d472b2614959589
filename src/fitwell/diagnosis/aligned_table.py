"""A table a script printed with its columns set out by spaces, read as the comma-separated table it is.

    Training on mps | 25,837 train / 2,872 val images | 40 epochs

    epoch train_loss train_acc  val_loss  val_acc       lr   time
        1     1.9387     17.8%    1.9355    19.2%  1.0e-03  40.9s  * saved
        2     1.8135     21.0%    1.8026    27.4%  1.0e-03  40.9s

A header line of names (one of them an epoch or a loss; names that hold a space, `Train Loss`,
set apart by two spaces or more) is followed by rows that start with as many numbers; a number
may carry a unit (`%`, or `s` for seconds), and words after the last column (`* saved` when a
checkpoint was written) are left out. The lines around the table (a title, a summary) are not
rows.
"""

from __future__ import annotations

import re

from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.table_layouts import is_number

__all__ = ["aligned_table"]

#: A printed number, with the unit a script may print after it: `40.9s` (a percentage, `17.8%`,
#: is a number itself: `cell_number` reads it as a fraction).
_WITH_UNIT = re.compile(r"(.+?)s")


def aligned_table(lines: list[str], search: int) -> tuple[list[str], int, str] | None:
    """`(lines, header line index, note)`: the header and rows of a space-aligned table written with
    commas, the lines before the header as they were, every other line blank (line numbers stay
    those of the file); None when the first `search` lines hold no such header followed by at
    least two rows.

    Example:
        >>> lines = ["run 3", "epoch  loss  acc", "  1  0.91  61.0%  * saved", "  2  0.62  70.5%", "done"]
        >>> table, header, note = aligned_table(lines, 20)
        >>> table, header
        (['run 3', 'epoch,loss,acc', '1,0.91,61.0%', '2,0.62,70.5%', ''], 1)
    """
    for index, line in enumerate(lines[:search]):
        headers = _headers(line)
        if not headers:
            continue
        for header in headers:
            rows = {
                number: cells[: len(header)]
                for number, cells in enumerate(map(_numbers, lines[index + 1 :]), start=index + 1)
                if len(cells) >= len(header)
            }
            if len(rows) >= 2:
                return _table(lines, index, header, rows)
        return None
    return None


def _table(
    lines: list[str], index: int, header: list[str], rows: dict[int, list[str]]
) -> tuple[list[str], int, str]:
    marked = [number for number in rows if len(lines[number].split()) > len(header)]
    table = [
        *lines[:index],
        ",".join(header),
        *(",".join(rows[number]) if number in rows else "" for number in range(index + 1, len(lines))),
    ]
    note = f"read a table set out with spaces: {len(rows)} rows under the header on line {index + 1}"
    if marked:
        tail = " ".join(lines[marked[0]].split()[len(header) :])
        note += f"; the words after its last column on {len(marked)} rows ({tail!r}) left out"
    return table, index, note + "."


def _headers(line: str) -> list[list[str]]:
    """The ways to read a line as a header of names (one of them an epoch or a loss): set apart by
    spaces; or, when names hold a space themselves, by two spaces or more (`Epoch    Train Loss
    Val Acc (%)`)."""
    found = []
    for header in (line.split(), _WIDE_GAP.split(line.strip())):
        names = {keras_name(name) for name in header}
        numbered = any(is_number(word) for name in header for word in name.split())
        if len(header) >= 2 and not numbered and names & {"epoch", "loss"} and header not in found:
            found.append(header)
    return found


_WIDE_GAP = re.compile(r"\s{2,}")


def _numbers(line: str) -> list[str]:
    """The numbers a row starts with (a unit after one dropped), up to the first cell that is not one."""
    found = []
    for cell in line.split():
        unit = _WITH_UNIT.fullmatch(cell)
        bare = unit.group(1) if unit and is_number(unit.group(1)) else cell
        if not is_number(bare):
            break
        found.append(bare)
    return found
