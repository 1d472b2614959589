"""Read what Ultralytics YOLO (v5, v8 and later) prints while it trains, saved from the console.

Each epoch prints its own header (`Epoch GPU_mem ...`, which tells such a log), then one row of
the training losses (their running means over the epoch, the last state of the progress bar),
then the validation's header and its `all` row:

          Epoch    GPU_mem   box_loss   obj_loss   cls_loss  Instances       Size
           3/14         0G    0.06219    0.01911    0.04373          5        320: 100%|█| 19/19
                     Class     Images  Instances          P          R      mAP50   mAP50-95: 100%|█|
                       all        289        289      0.276      0.577      0.337      0.162

The losses keep their names (a detector's `box_loss`, `cls_loss`, ...: the parts of the loss, read
as their sum, `loss_parts.py`; a classifier's `loss`), and the validation's scores become
`val_precision`, `val_recall`, `val_map50` and `val_map50_95` (a classifier's `classes top1_acc
top5_acc`: `val_accuracy` and `val_top5_accuracy`): no validation loss is printed. A progress bar printed
again as the epoch runs (a console saved with its carriage returns) gives the epoch's last row.
What follows the last epoch (the best weights validated again, per-class rows) is not an epoch;
a segmenter's mask scores, after its box scores under the same names, are left out.

YOLOv5's releases before 6.1 print the losses by their part alone, and the scores at IoU `@.5`:

         Epoch   gpu_mem       box       obj       cls    labels  img_size
           0/9        0G   0.05812   0.02423   0.09789        54       640: 100%|███| 401/401
                 Class     Images     Labels          P          R     mAP@.5 mAP@.5:.95: 100%|███|
                   all       3796       4416      0.006      0.793     0.0166    0.00834

read the same way (`box` as `box_loss`; a `total` printed beside the parts, in older releases, is
their sum: the loss).

Those releases (and YOLOv7) also write each epoch's row to `results.txt`, without a header: the
epoch, the memory, the training losses `box obj cls total`, the labels and the image size, then
the validation's `P R mAP@.5 mAP@.5:.95` and its losses `box obj cls`:

      0/29     1.86G   0.09854   0.09318         0    0.1917        24       416         0 ...
      1/29     1.93G   0.09296    0.1009         0    0.1939        37       416   0.04823 ...

read as the parts of both losses (summed as the loss and the validation loss, `loss_parts.py`) and
the four scores (`read_yolo_results`); YOLOv7-pose's rows, two keypoint losses longer, as the
training loss's total and the scores.
"""

from __future__ import annotations

import re

from fitwell.diagnosis.table_cells import cell_number, is_number

__all__ = ["read_yolo_console", "read_yolo_results"]

#: The first cell of an epoch's row: `3/14` (YOLOv5 counts from 0, YOLOv8 from 1).
_EPOCH_OF = re.compile(r"(\d+)/(\d+)")
#: The validation header's names, as Keras-style validation names.
_SCORES = {
    "p": "val_precision",
    "r": "val_recall",
    "map50": "val_map50",
    "map50-95": "val_map50_95",
    "map@.5": "val_map50",
    "map@.5:.95": "val_map50_95",
    "top1_acc": "val_accuracy",
    "top5_acc": "val_top5_accuracy",
}


def read_yolo_console(lines: list[str]) -> tuple[dict[str, list[float | None]], list[int], str] | None:
    """`(columns, epochs as printed, note)` for a YOLO console log; None for any other text.

    Example:
        >>> lines = [
        ...     "      Epoch    GPU_mem   box_loss   cls_loss  Instances       Size",
        ...     "        1/2      2.1G      1.212      2.008         16        640: 100%|██| 8/8",
        ...     "                 Class     Images  Instances      Box(P          R      mAP50  mAP50-95)",
        ...     "                   all        128        929      0.641      0.529      0.612      0.448",
        ...     "      Epoch    GPU_mem   box_loss   cls_loss  Instances       Size",
        ...     "        2/2      2.1G      1.105      1.634         21        640: 100%|██| 8/8",
        ...     "                   all        128        929      0.702      0.561      0.655      0.481",
        ... ]
        >>> columns, epochs, note = read_yolo_console(lines)
        >>> columns["box_loss"], columns["val_map50_95"], epochs
        ([1.212, 1.105], [0.448, 0.481], [1, 2])
    """
    losses: list[str] | None = None
    scores: list[str] | None = None
    rows: dict[int, dict[str, float]] = {}
    last: int | None = None
    for line in lines:
        cells = line.split()
        if not cells:
            continue
        if [cell.lower() for cell in cells[:2]] == ["epoch", "gpu_mem"]:
            named = [_PARTS.get(cell, cell) for cell in cells]
            if any(cell.endswith("loss") for cell in named):
                losses = named
                continue
        if cells[0] in ("Class", "classes") and ("mAP50" in line or "mAP@.5" in line or "top1_acc" in line):
            scores = [cell.strip("():").removeprefix("Box(").lower() for cell in cells]
            continue
        epoch = _EPOCH_OF.fullmatch(cells[0])
        if losses is not None and epoch is not None:
            last = int(epoch.group(1))
            rows[last] = {
                name: float(cell.rstrip(":"))
                for name, cell in zip(losses[1:], cells[1:], strict=False)
                if name.endswith("loss") and is_number(cell.rstrip(":"))
            }
            continue
        if cells[0] == "all" and scores is not None and last is not None and _unscored(rows[last]):
            values: dict[str, str] = {}
            for name, value in zip(scores[1:], cells[1:], strict=False):
                values.setdefault(name, value)  # a segmenter's `Box(P ...)` before its `Mask(P ...)`
            rows[last].update(
                {
                    _SCORES[name]: float(value)
                    for name, value in values.items()
                    if name in _SCORES and is_number(value)
                }
            )
    if losses is None or not rows:
        return None
    epochs = sorted(rows)
    names = list(dict.fromkeys(name for epoch in epochs for name in rows[epoch]))
    columns = {name: [rows[epoch].get(name) for epoch in epochs] for name in names}
    note = (
        f"read as a YOLO console log: {len(epochs)} epochs, the training losses of each epoch's last "
        "progress line and the validation's scores (no validation loss is printed)."
    )
    return columns, epochs, note


#: The columns of `results.txt` after the epoch and the memory, by their names here (None: no
#: curve), by the row's width, with what the note says of its losses: a detector's; yolov5-face's,
#: whose landmark loss stands before the total and has no validation part, and YOLOv7-pose's, whose
#: two keypoint losses do the same (the validation's parts make no loss of the same sum: only the
#: training total is read, as the loss); a detector's with a fourth loss (a heading's) that prints
#: the validation's total too (both totals read).
_RESULTS_TXT = {
    15: (
        (
            "box_loss", "obj_loss", "cls_loss", None, None, None,
            "val_precision", "val_recall", "val_map50", "val_map50_95",
            "val_box_loss", "val_obj_loss", "val_cls_loss",
        ),
        "the training and validation losses by their parts (box, obj, cls)",
    ),
    16: (
        (
            None, None, None, None, "loss", None, None,
            "val_precision", "val_recall", "val_map50", "val_map50_95",
            None, None, None,
        ),
        "the training loss's total (a face model's: its validation prints no landmark loss)",
    ),
    17: (
        (
            None, None, None, None, None, "loss", None, None,
            "val_precision", "val_recall", "val_map50", "val_map50_95",
            None, None, None,
        ),
        "the training loss's total (a pose model's: its validation prints no keypoint loss)",
    ),
    18: (
        (
            None, None, None, None, "loss", None, None,
            "val_precision", "val_recall", "val_map50", "val_map50_95",
            None, None, None, None, "val_loss",
        ),
        "the training and validation losses' totals (of four parts each)",
    ),
}  # fmt: skip
#: The memory a row of `results.txt` names (`1.86G`, `0`: no GPU).
_MEMORY = re.compile(r"\d+(?:\.\d+)?[GM]?")


def read_yolo_results(lines: list[str]) -> tuple[dict[str, list[float | None]], list[int], str] | None:
    """`(columns, epochs as printed, note)` for the `results.txt` of YOLOv5 before 6.1 (or YOLOv7),
    every line of which is an epoch's row as above; None for any other text.

    Example:
        >>> columns, epochs, note = read_yolo_results([
        ...     "0/29 1.86G 0.0985 0.0932 0 0.1917 24 416 0 0 0.0049 0.0010 0.0918 0.0553 0",
        ...     "1/29 1.93G 0.0930 0.1009 0 0.1939 37 416 0.048 0.015 0.0076 0.0014 0.0922 0.0553 0",
        ... ])
        >>> columns["box_loss"], columns["val_map50"], epochs
        ([0.0985, 0.093], [0.0049, 0.0076], [0, 1])
    """
    rows = [line.split() for line in lines if line.strip()]
    layout, losses = _RESULTS_TXT.get(len(rows[0]), ((), "")) if rows else ((), "")
    if len(rows) < 2 or not layout or not all(_a_results_row(cells, len(layout)) for cells in rows):
        return None
    by_epoch = {int(_EPOCH_OF.fullmatch(cells[0]).group(1)): cells[2:] for cells in rows}  # type: ignore[union-attr]
    epochs = sorted(by_epoch)
    columns = {
        name: [cell_number(by_epoch[epoch][index]) for epoch in epochs]
        for index, name in enumerate(layout)
        if name is not None
    }
    note = (
        f"read as YOLOv5's results.txt (no header): {len(epochs)} epochs, {losses} and the "
        "validation's precision, recall, mAP@.5 and mAP@.5:.95"
        + (" (YOLOv3's file, of the same layout, holds its mAP and F1 there)." if len(layout) == 13 else ".")
    )
    return columns, epochs, note


def _a_results_row(cells: list[str], width: int) -> bool:
    return (
        len(cells) == 2 + width
        and _EPOCH_OF.fullmatch(cells[0]) is not None
        and _MEMORY.fullmatch(cells[1]) is not None
        and all(is_number(cell) for cell in cells[2:])
    )


#: The losses' names in YOLOv5's releases before 6.1: the parts by their names alone, and their sum.
_PARTS = {"box": "box_loss", "obj": "obj_loss", "cls": "cls_loss", "total": "loss"}


def _unscored(row: dict[str, float]) -> bool:
    """Whether an epoch's row has no validation scores yet: the first `all` row after it is its
    validation; a later one (the best weights validated again after training) is not."""
    return not any(name.startswith("val_") for name in row)
