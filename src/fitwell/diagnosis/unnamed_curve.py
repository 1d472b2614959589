"""One curve saved without its name, in a file whose name names it.

A script that saves its training losses as `pandas.Series(losses).to_csv("train_loss.csv")` writes
the Series' name, `0`, over them (and its index beside them); `numpy.savetxt("train_loss.csv",
[losses], delimiter=",")` or `f.write(",".join(map(str, losses)))` writes them on one line.
Nothing in the file says which curve the numbers are, but its name does, as the name of a
TensorBoard export does (`eventlog.read_scalar_export`): such a file is read as the curve its name
names when that is the training loss, and refused as before otherwise (a file named `series.csv`,
or `val_loss.csv` alone, is no run to judge).
"""

from __future__ import annotations

import os
import re

from fitwell.diagnosis.logfile import LogFile
from fitwell.diagnosis.table_cells import is_number
from fitwell.diagnosis.table_header import numbered_header

__all__ = ["one_unnamed_curve", "read_unnamed_curve"]

#: The fewest values that make a curve.
_LEAST_VALUES = 4
#: File names that name the training loss by epoch and nothing else (`train_loss.csv`,
#: `losses.csv`, `training_losses.csv`, `loss_history.csv`): a name that says the values are
#: batches' or steps' (`batch_loss.csv`, `iter_loss.csv`), or a term's (`kl_loss.csv`), or another
#: measure (`mae.csv`), does not.
_LOSS_FILE = re.compile(r"(?:train(?:ing)?[_-]?)?loss(?:es)?(?:[_-]history)?", re.IGNORECASE)


def one_unnamed_curve(path: str) -> tuple[list[float], str] | None:
    """`(values, how they were written)` of a file that holds one curve and no name for it: a
    Series' name `0` over one number a line (`index=False`; an empty line is a NaN, as pandas
    writes it, at the end too: the file's last line break ends its last row), or `,0` over
    `index,value` rows counting from 0 (an empty value a NaN), their values all written with
    decimals as `table_header.numbered_header` asks (whole numbers under `0` are counts), or one
    line of numbers set apart by commas (a leading or trailing comma allowed); None for any other
    file, or fewer than `_LEAST_VALUES` numbers."""
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        lines = [line.rstrip("\r\n") for line in handle]
    start = next((index for index, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return None
    first, rows = lines[start].replace(" ", ""), [line.strip() for line in lines[start + 1 :]]
    values: list[str] = []
    how = ""
    if first == "0" and all(is_number(row) or not row for row in rows):
        values, how = rows, "one a line under the name '0' (pandas' `Series.to_csv(index=False)`)"
    elif first == ",0":
        cells = [row.split(",") for row in rows]
        counted = [cell[0].strip() for cell in cells] == [str(index) for index in range(len(cells))]
        if counted and all(len(cell) == 2 and (is_number(cell[1]) or not cell[1].strip()) for cell in cells):
            values = [cell[1].strip() for cell in cells]
            how = "beside their index under the name '0' (pandas' `Series.to_csv()`)"
    elif not rows:
        cells = [cell.strip() for cell in first.split(",")]
        cells = cells[1:] if cells and not cells[0] else cells
        cells = cells[:-1] if cells and not cells[-1] else cells
        if cells and all(is_number(cell) for cell in cells):
            values, how = cells, "on one line, set apart by commas"
    if sum(1 for value in values if value) < _LEAST_VALUES:
        return None
    if first in ("0", ",0") and not numbered_header(["0", *values]):
        return None  # whole numbers under `0`: counts, not a Series' name over its values
    return [float(value) if value else float("nan") for value in values], how


def read_unnamed_curve(path: str) -> LogFile | None:
    """The training loss of a file that holds one curve without a name (`one_unnamed_curve`),
    one value an epoch, when the file's name names the training loss and nothing else
    (`_LOSS_FILE`: `train_loss.csv`, `losses.csv`); else None."""
    stem = os.path.splitext(os.path.basename(path))[0]
    found = one_unnamed_curve(path) if _LOSS_FILE.fullmatch(stem) else None  # the name first: no read
    if found is None:
        return None
    values, how = found
    missing = sum(value != value for value in values)
    nan = f"; {missing} empty, read as NaN (as pandas writes one)" if missing else ""
    note = (
        f"read the file's {len(values)} values, {how}{nan}, as the training loss by epoch: nothing in "
        f"the file names them, and its name, {os.path.basename(path)!r}, names the training loss."
    )
    return LogFile({"loss": list(values)}, None, [note])
