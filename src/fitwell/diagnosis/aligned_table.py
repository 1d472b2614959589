"""A table a script printed with its columns set out by spaces, read as the comma-separated table it is.

    Training on mps | 25,837 train / 2,872 val images | 40 epochs

    epoch train_loss train_acc  val_loss  val_acc       lr   time
        1     1.9387     17.8%    1.9355    19.2%  1.0e-03  40.9s  * saved
        2     1.8135     21.0%    1.8026    27.4%  1.0e-03  40.9s

A header line of names (one of them an epoch or a loss; names that hold a space, `Train Loss`, set
apart by two spaces or more, or cut where the row under them starts its cells; the header nearest
the rows, not a title above it) is followed by rows that start with as many numbers; a number may
carry a unit (`%`, or `s` for seconds; a column of time elapsed printed as a clock, `0:03:07`, where
no table is found otherwise, is read as its seconds), and words after the last column (`* saved`
when a checkpoint was written) are left out. The lines around the table (a title, a summary) are not
rows. A table printed through Python's `logging` is read too: the time, logger name and level before
each message are left out (or a date and time alone, `2019-07-12 15:03:57,340 - `). So is a table
whose columns are set apart by bars (`Epoch | Loss | Accuracy`, a Markdown table), its rules of
dashes left out as every line that is not a row.

    2025-11-30 16:33:41,104 - __main__ - INFO - Epoch  Train Loss   Train Recall Val Loss
    2025-11-30 16:33:57,509 - __main__ - INFO - 1      1.6931       0.2629       2.0026
"""

from __future__ import annotations

import re

from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.table_cells import is_number

__all__ = ["aligned_table", "has_log_prefix"]

#: A printed number, with the unit a script may print after it: `40.9s` (a percentage, `17.8%`,
#: is a number itself: `cell_number` reads it as a fraction).
_WITH_UNIT = re.compile(r"(.+?)s")


def aligned_table(lines: list[str], search: int) -> tuple[list[str], int, str] | None:
    """`(lines, header line index, note)`: the header and rows of a space-aligned table written with
    commas, the lines before the header as they were (without a `logging` prefix), every other
    line blank (line numbers stay those of the file); None when the first `search` lines hold no
    such header followed by at least two rows.

    Example:
        >>> lines = ["run 3", "epoch  loss  acc", "  1  0.91  61.0%  * saved", "  2  0.62  70.5%", "done"]
        >>> table, header, note = aligned_table(lines, 20)
        >>> table, header
        (['run 3', 'epoch,loss,acc', '1,0.91,61.0%', '2,0.62,70.5%', ''], 1)
    """
    lines = [_message(line) for line in lines]
    found = _table_in(lines, search, "spaces")
    if found is None:  # a column of time elapsed printed as a clock, `0:03:07`: its seconds
        timed = [_DURATION.sub(_seconds, line) for line in lines]
        found = _table_in(timed, search, "spaces") if timed != lines else None
    if found is None and any("|" in line for line in lines[:search]):
        found = _table_in([_unbarred(line) for line in _grouped(lines)], search, "bars")
    return found


#: A set's name over a group of a barred table's columns, in a rule of dashes (`|--- VALID ---|`; a
#: Markdown header's bare `| Val |` is no group).
_GROUP_SET = re.compile(
    r"\s*[-=]+\s*(train|training|val|valid|validation|test|dev)\s*[-=]+\s*", re.IGNORECASE
)
#: A group's title in a rule over a barred table's columns (`|--- Accuracy ---|`, `|--------|`).
_GROUP_TITLE = re.compile(r"[-=\s]*(?:[A-Za-z][\w ]*?)?[-=\s]*")
#: A rule of dashes under a header (`|---|:---:|`).
_RULE = re.compile(r"[-=:|+\s]*")


def _grouped(lines: list[str]) -> list[str]:
    """Lines of a table set apart by bars whose header stands under a line naming each group's set
    (`|--- VALID ---|--- TRAIN ---|` over `epoch | loss  top-1 | loss  top-1 |`): every name under
    a set's group takes its set's name first (`VALID_loss`, `TRAIN_loss`); the line of groups is
    left blank (line numbers stay those of the file).

    Example:
        >>> groups, header = "      |-- VALID --|-- TRAIN --|", "epoch | loss  acc | loss  acc |"
        >>> _grouped([groups, header, "1 | 0.5  60 | 0.4  70 |"])[:2]
        ['', 'epoch | VALID_loss  VALID_acc | TRAIN_loss  TRAIN_acc |']
    """
    grouped = list(lines)
    for index, (line, header) in enumerate(zip(lines, lines[1:], strict=False)):
        groups, cells = line.split("|"), header.split("|")
        if len(groups) < 3 or len(groups) != len(cells) or not all(map(_GROUP_TITLE.fullmatch, groups)):
            continue
        if _RULE.fullmatch(header):
            continue  # a header over its rule of dashes (Markdown's `|---|---|`), not groups over a header
        sets = [_GROUP_SET.fullmatch(group) for group in groups]
        if not any(sets):
            continue
        grouped[index] = ""
        grouped[index + 1] = "|".join(
            re.sub(
                r"\S+(?: \S+)*",
                lambda name, set_name=found[1]: f"{set_name}_{name[0].replace(' ', '_')}",
                cell,
            )
            if found
            else cell
            for found, cell in zip(sets, cells, strict=True)
        )
    return grouped


def _unbarred(line: str) -> str:
    """A line of a table set apart by bars (`| 2 | 0.6 |  |`) set apart by spaces instead, a cell
    that holds no value written `None` (a missing value, not a NaN) so that the cells after it keep
    their columns: an empty cell, a dash (`-`, `—`), `N/A`, the `No log` of a Trainer's table, a
    date and time (`2025-01-18 04:14:11`: when the row was written), and the words a row of numbers
    ends with (a `Notes` column's `New best`). A minus sign written as such (`−0.011`) is a minus."""
    if "|" not in line:
        return line
    cells = line.split("|")
    if not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    cells = [_COUNT_OF.sub(r"\1", cell.strip()).replace("\u2212", "-") for cell in cells]  # `1 / 200`: 1
    cells = [_NO_CELL if cell.lower() in _NO_VALUE or _DATE_TIME.fullmatch(cell) else cell for cell in cells]
    valued = [index for index, cell in enumerate(cells) if cell != _NO_CELL]
    if valued and _numbers(cells[valued[0]]):
        last = max(index for index in valued if _numbers(cells[index]))
        cells = [*cells[: last + 1], *(_NO_CELL for _ in cells[last + 1 :])]  # notes after the numbers
        cells = [_value(cell) if _numbers(cell) else cell for cell in cells]
    return "  ".join(cells)


def _value(cell: str) -> str:
    """A cell that starts with numbers (one, or a group's several: `0.450  80.000`), as those
    numbers: a mark or a spread after them left out (`0.65 (best)`, `0.65 *`, `0.95 ± 0.01`), a
    percent sign written apart kept (`61 %`)."""
    numbers, words = _numbers(cell), cell.split()
    if len(words) > len(numbers) and words[len(numbers)] == "%":
        numbers[-1] += "%"
    return "  ".join(numbers)


#: A count out of a total in a cell of its own (`1   / 200`): the count.
_COUNT_OF = re.compile(r"^(\d+)\s*/\s*\d+$")
#: A cell that holds no value, as the table written with commas says it (`MISSING_CELLS`).
_NO_CELL = "None"
#: Cells of a barred table that hold no value.
_NO_VALUE = frozenset({"", "-", "\u2014", "\u2013", "n/a", "na", "none", "no log"})
#: A date and time in a cell of its own: when the row was written, not a value of the run.
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?")


def _table_in(lines: list[str], search: int, apart: str) -> tuple[list[str], int, str] | None:
    """`aligned_table` of lines without `logging` prefixes, their columns set `apart` by spaces or
    bars. Of several barred tables (a Markdown report: a pre-training table, then the runs), the
    last that names a training loss is read (not a test table after it, `Epoch | Test Loss`), from
    the first table under the same header (runs one after another)."""
    tables, heads = [], []
    numbers = [_numbers(line) for line in lines]
    for index, line in enumerate(lines[:search]):
        headers = _headers(line, _first_row(lines[index + 1 : index + 1 + search]))
        if not headers or _header_nearer(lines, index, search):
            continue
        heads.append((index, headers))
        for header in headers:
            rows, indexed = _rows(numbers, index, len(header))
            if len(rows) >= 2:
                tables.append((index, header, rows, indexed))
                break
        if apart == "spaces":
            break  # the first header of a printed table is its header
    if not tables:
        return None
    training = [table for table in tables if "loss" in map(keras_name, table[1])]
    last = (training or tables)[-1]
    index, header, rows, indexed = next(table for table in tables if table[1] == last[1])
    # Its rows end at the next header of another table (a test table of as many columns after it).
    end = next((at for at, headers in heads if at > last[0] and header not in headers), len(lines))
    rows = {number: cells for number, cells in rows.items() if number < end}
    table, index, note = _table(lines, index, header, rows, apart, indexed)
    others = [str(table_index + 1) for table_index, other, _, _ in tables if other != header]
    if others:
        note = f"{note[:-1]}; the tables under other headers (on lines {', '.join(others)}) left out."
    return table, index, note


def _rows(numbers: list[list[str]], index: int, width: int) -> tuple[dict[int, list[str]], bool]:
    """`(rows, indexed)`: the rows under the header on line `index`, by line number, as many numbers
    (`_numbers` of each line) as the header names; or, when no row has that many but rows have one
    more that counts up from 0 or 1, the rows without it (pandas' printed row index: `print(df)`),
    and True."""
    numbered = list(enumerate(numbers[index + 1 :], start=index + 1))
    rows = {number: cells for number, cells in numbered if len(cells) == width}
    if len(rows) >= 2:
        return rows, False
    wider = {number: cells for number, cells in numbered if len(cells) == width + 1}
    counts = [cells[0] for cells in wider.values()]
    start = counts[0] if counts else ""
    if start in ("0", "1") and counts == [str(int(start) + k) for k in range(len(counts))]:
        return {number: cells[1:] for number, cells in wider.items()}, True
    return {}, False


def _header_nearer(lines: list[str], index: int, search: int) -> bool:
    """Whether another header stands between line `index` and the first row under it: the line was
    a title (`Loss Per Epoch`, then a rule, then `Epoch  Train Loss  Val Loss`), not the header."""
    row = _first_row(lines[index + 1 : index + 1 + search])
    width = len(_numbers(row)) if row is not None else 0
    for line in lines[index + 1 : index + 1 + search]:
        if _numbers(line):
            return False
        if any(len(header) == width for header in _headers(line, row)):
            return True  # a name for every cell of the rows: that line is their header
    return False


def _table(
    lines: list[str], index: int, header: list[str], rows: dict[int, list[str]], apart: str, indexed: bool
) -> tuple[list[str], int, str]:
    width = len(header) + indexed
    marked = [number for number in rows if len(lines[number].split()) > width]
    table = [
        *lines[:index],
        ",".join(header),
        *(
            ",".join("" if cell == _NO_CELL else cell for cell in rows[number]) if number in rows else ""
            for number in range(index + 1, len(lines))
        ),
    ]
    note = f"read a table set out with {apart}: {len(rows)} rows under the header on line {index + 1}"
    if indexed:
        note += "; the first number of each row, the row's index as pandas prints it, left out"
    if marked:
        tail = " ".join(lines[marked[0]].split()[width:])
        note += f"; the words after its last column on {len(marked)} rows ({tail!r}) left out"
    return table, index, note + "."


def _headers(line: str, row: str | None) -> list[list[str]]:
    """The ways to read a line as a header of names (one of them an epoch or a loss): set apart by
    spaces; or, when names hold a space themselves, by two spaces or more (`Epoch    Train Loss
    Val Acc (%)`); or cut where the cells of the `row` under it start, for a table printed with
    fixed widths whose names run into each other (`Train Recall Val Loss`)."""
    gaps, cut = _WIDE_GAP.split(line.strip()), _cut_at_cells(line, row)
    if len(cut) < len(gaps):
        cut = []  # cut at a row that left cells out: fewer names than the wide gaps give
    found = []
    for header in (line.split(), gaps, cut):
        names = {keras_name(name) for name in header}
        # A number, or a name that starts with a digit (`Epoch 1/8`, a message), names no column.
        numbered = any(is_number(word) or word[:1].isdigit() for name in header for word in name.split())
        if len(header) >= 2 and not numbered and names & {"epoch", "loss"} and header not in found:
            found.append(header)
    width = len(_numbers(row)) if row is not None else 0
    return sorted(found, key=lambda header: len(header) != width)  # a name for every cell first


_WIDE_GAP = re.compile(r"\s{2,}")

#: The part of a line that Python's `logging` puts before the message: a date and time, perhaps a
#: logger's name, and a level (`2025-11-30 16:33:41,104 - __main__ - INFO - `, `[12:01:02] INFO: `,
#: `(2023-06-04 21:01:17.216 INFO) - `), and a function's name after it (`%(funcName)s: `, `train: `).
_LOG_PREFIX = re.compile(
    r"\s*[\[(]?(?:\d{4}-\d{2}-\d{2}[ T])?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?[\])]?"
    r".{0,80}?\b(?:DEBUG|INFO|WARNING|WARN)\b[\])]?\s*[-:|\]]?\s?"
    # `%(asctime)s - %(message)s`: a date and time alone, then a dash
    r"|\s*\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)? - "
)
_FUNCTION_NAME = re.compile(r"[a-z_][a-z0-9_]*:\s+(?=\S)")


def _message(line: str) -> str:
    """The line without the time, logger and level that `logging` wrote before its message."""
    prefix = _LOG_PREFIX.match(line)
    if prefix is None:
        return line
    message = line[prefix.end() :]
    function = _FUNCTION_NAME.match(message)
    return message[function.end() :] if function else message


#: A duration printed as a clock, `H:MM:SS` (`0:03:07`, `12:45:09.5`), a cell of its own.
_DURATION = re.compile(r"(?<!\S)(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)(?!\S)")


def _seconds(clock: re.Match) -> str:
    hours, minutes, seconds = clock.groups()
    return repr(int(hours) * 3600 + int(minutes) * 60 + float(seconds))


def has_log_prefix(line: str) -> bool:
    """Whether `logging` wrote the line (a time, perhaps a logger, a level before its message): its
    commas (`16:33:41,104`) set apart no cells of a table."""
    return _LOG_PREFIX.match(line) is not None


def _first_row(lines: list[str]) -> str | None:
    """The widest of the first five of `lines` (after a header: past a rule of dashes, a message)
    that start with a number: a first row may leave cells out (`-` before validation ran)."""
    rows = [line for line in lines if _numbers(line)][:5]
    return max(rows, key=lambda row: len(_numbers(row))) if rows else None


def _cut_at_cells(line: str, row: str | None) -> list[str]:
    """`line` cut at the columns where the cells of `row` start (each name begins where its
    column's numbers do); nothing when a cut falls inside a word or a piece is blank."""
    if row is None:
        return []
    starts = [found.start() for found in re.finditer(r"\S+", row)][: len(_numbers(row))]
    if len(starts) < 2 or any(0 < start < len(line) and not line[start - 1].isspace() for start in starts):
        return []
    pieces = [line[start:end].strip() for start, end in zip(starts, [*starts[1:], len(line)], strict=True)]
    return pieces if all(pieces) and not line[: starts[0]].strip() else []


def _numbers(line: str) -> list[str]:
    """The numbers a row starts with (a unit after one dropped; a missing value, `None`, among them),
    up to the first cell that is not one."""
    found = []
    for cell in line.split():
        if cell == _NO_CELL:
            found.append(cell)
            continue
        unit = _WITH_UNIT.fullmatch(cell)
        bare = unit.group(1) if unit and is_number(unit.group(1)) else cell
        if not is_number(bare):
            break
        found.append(bare)
    return found if any(cell != _NO_CELL for cell in found) else []
