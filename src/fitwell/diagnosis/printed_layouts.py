"""Printed logs in layouts other than `name: value` records (`textlog.py`): cells of a name and a
value in turns between commas, turned into such records; and `print(epoch, loss)` of a loss
tensor, one line an epoch."""

from __future__ import annotations

import re

__all__ = ["name_value_cells", "printed_loss_tensors"]

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf"

#: A cell that holds a value: a number, maybe with a unit or a count after it (`1/20`, `41.7%`, `23.66s`).
_VALUE_CELL = re.compile(rf"(?:{_NUMBER})(?:/\d+|%|s)?", re.IGNORECASE)


def name_value_cells(lines: list[str]) -> str | None:
    """The lines of a file written a name and a value in turns, cells set apart by commas
    (`print("Epoch", f"{e}/20", "train loss", loss, sep=", ")`, `gb_035`: `Epoch, 1/20, train loss,
    1.1140, train acc, 41.71%`), as `name: value` text for `read_text_records`; None unless at least
    3 lines, and 4 of every 5 that are not blank, name the same things in that order."""
    written = [line for line in lines if line.strip()]
    names: list[tuple[str, ...]] = []
    pairs: list[str] = []
    for line in written:
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) < 4 or len(cells) % 2:
            continue
        keys, values = cells[0::2], cells[1::2]
        if all(re.search("[A-Za-z]", key) and not _VALUE_CELL.fullmatch(key) for key in keys) and all(
            _VALUE_CELL.fullmatch(value) for value in values
        ):
            names.append(tuple(keys))
            pairs.append(", ".join(f"{key}: {value}" for key, value in zip(keys, values, strict=True)))
    if len(pairs) < 3 or 5 * len(pairs) < 4 * len(written) or len(set(names)) > 1:
        return None
    return "\n".join(pairs)


#: `print(epoch, loss)` of a loss tensor: `12 tensor(0.0137, device='cuda:0',
#: grad_fn=<MseLossBackward0>)`; its `grad_fn` names the loss that made it.
_EPOCH_AND_LOSS_TENSOR = re.compile(
    r"\s*(\d+)[\s,:]+tensor\(\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?nan|[-+]?inf)\b"
    r"[^()]*grad_fn=<(\w*(?:Loss|CrossEntropy|KlDiv)\w*?)Backward\d*>\)\d*\s*$"
)


def printed_loss_tensors(lines: list[str]) -> tuple[list[float], list[int], str] | None:
    """`(losses, epochs, note)` when every line (blank ones aside, at least 3) prints an epoch and a
    loss tensor, `print(epoch, loss)` in a loop: the tensor's `grad_fn` (`MseLossBackward0`)
    says it is a loss, and the epochs count up one at a time; else None. Digits run onto the
    tensor (a count printed on the last line without a line break) are left out; a line with more
    after it (`print(epoch, loss, val_loss)`) is no such line: the file is not read so.

    Example:
        >>> lines = [f"{e} tensor({1 / (e + 1):.4f}, grad_fn=<NllLossBackward0>)" for e in range(3)]
        >>> printed_loss_tensors(lines)[:2]
        ([1.0, 0.5, 0.3333], [0, 1, 2])
    """
    found = [_EPOCH_AND_LOSS_TENSOR.match(line) for line in lines if line.strip()]
    if len(found) < 3 or not all(found):
        return None
    epochs = [int(match.group(1)) for match in found]
    if any(later != earlier + 1 for earlier, later in zip(epochs, epochs[1:], strict=False)):
        return None
    losses = [float(match.group(2)) for match in found]
    made_by = found[0].group(3)
    note = (
        f"read {len(found)} printed lines of an epoch and a loss tensor (`print(epoch, loss)`) as the "
        f"training loss: their grad_fn, {made_by}Backward, names a loss."
    )
    return losses, epochs, note
