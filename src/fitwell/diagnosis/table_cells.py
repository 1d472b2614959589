"""What one cell of a training log's table holds: a number as loggers write it (a printed tensor,
a list of one number, a percentage, a mean with its spread), or a mark that nothing was recorded.
"""

from __future__ import annotations

import re

__all__ = [
    "LIST_CELL",
    "MEAN_SPREAD",
    "MISSING_CELLS",
    "ONE_ITEM_LIST",
    "PERCENT",
    "TENSOR",
    "TENSOR_REPR",
    "cell_number",
    "is_number",
]

#: Cells that mean "not recorded" (`logfile.py` reads them so too): `-` where a score was computed
#: only every few epochs (`ej_006`).
MISSING_CELLS = ("", "NA", "N/A", "None", "null", "-")
#: A printed PyTorch or TensorFlow scalar: `tensor(0.52, device='cuda:0')`, `tf.Tensor(0.52, ...)`.
_TENSOR_HEAD = r"(?:tf\.)?[Tt]ensor\(\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)\s*"
TENSOR = re.compile(_TENSOR_HEAD + r"[,)]")
#: The whole of such a scalar printed in a line, its arguments too (`shape=()` holds parentheses).
TENSOR_REPR = re.compile(_TENSOR_HEAD + r"(?:,(?:[^()\n]|\([^()\n]*\))*)?\)")
_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf))"
#: A list of one number, as `str([loss])` or a one-element array prints it: `[0.0304]`.
ONE_ITEM_LIST = re.compile(r"\[\s*" + _NUMBER + r"\s*\]", re.IGNORECASE)
#: A list printed in a cell (`[0.0001, 0.001]`, a rate per parameter group): no number, no curve.
LIST_CELL = re.compile(r"\[.*\]")
#: A share written as a percentage: `99.56%`.
PERCENT = re.compile(_NUMBER + r"\s*%", re.IGNORECASE)
#: A mean written with its spread over the batches, seeds or folds it averages: `1.46 ± 0.24`.
MEAN_SPREAD = re.compile(_NUMBER + r"\s*(?:±|\+/-|\+-)\s*(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", re.IGNORECASE)


def cell_number(cell: str) -> float:
    """A cell's number: a plain one, a printed PyTorch scalar (`tensor(0.52, device='cuda:0')`,
    what `str(loss)` writes when a loop logs the tensor instead of `loss.item()`), a list of one
    number (`[0.0304]`, a one-element array written as it prints), a percentage (`99.56%`, read
    as the fraction 0.9956), or a mean with its spread (`1.46 ± 0.24`, read as the mean);
    ValueError else.

    Example:
        >>> [cell_number(cell) for cell in ("0.5", "tensor(0.25, device='cuda:0')", "[0.125]", "99.5%")]
        [0.5, 0.25, 0.125, 0.995]
    """
    tensor = TENSOR.match(cell)
    if tensor:
        return float(tensor.group(1))
    listed = ONE_ITEM_LIST.fullmatch(cell)
    if listed:
        return float(listed.group(1))
    percent = PERCENT.fullmatch(cell)
    if percent:
        return float(percent.group(1)) / 100.0
    spread = MEAN_SPREAD.fullmatch(cell.strip())
    if spread:
        return float(spread.group(1))
    return float(cell)


def is_number(cell: str) -> bool:
    """Whether `cell_number` reads the cell."""
    try:
        cell_number(cell)
    except ValueError:
        return False
    return True
