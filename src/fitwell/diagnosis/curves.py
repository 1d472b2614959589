"""Read a training run from any of its usual forms into one `Curves` object.

Accepted: a fitwell `History` (or anything with `.history` and `.epoch`, such
as Keras's `History`), a dict of per-epoch lists (Keras's `history.history`),
a pandas `DataFrame`, or the path of a CSV file written by fitwell's or
Keras's `CSVLogger` (`epoch` column first; `NA` marks a value that was not
recorded, `nan` a value that was).
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Curves", "read_curves"]

#: Keys that are bookkeeping, not curves to judge.
LEARNING_RATE_KEYS = ("learning_rate", "lr")
_NOT_CURVES = ("epoch", "epochs", "step", "steps", "time", "wall_time")

#: Name fragments of metrics where higher is better / lower is better.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "iou", "r2", "top_k")
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "mse",
    "mae",
    "mape",
    "msle",
    "crossentropy",
    "hinge",
    "divergence",
    "poisson",
)


@dataclass(frozen=True)
class Curves:
    """A run's per-epoch values, aligned on one epoch axis.

    Attributes:
        epochs: The 0-based epoch numbers, shape `(n,)`.
        values: Float arrays of shape `(n,)` by log key; NaN where a value was
            not recorded (see `recorded`) or was NaN.
        recorded: Boolean arrays by key: which epochs have a value.
    """

    epochs: np.ndarray
    values: dict[str, np.ndarray]
    recorded: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.epochs)

    def has(self, key: str) -> bool:
        """Whether `key` has at least one recorded value."""
        return key in self.recorded and bool(self.recorded[key].any())

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """`(epoch_positions, values)` of the recorded values of `key` (positions index `epochs`)."""
        mask = self.recorded[key]
        return np.flatnonzero(mask), self.values[key][mask]

    @property
    def learning_rate_key(self) -> str | None:
        """`"learning_rate"` (or Keras 2's `"lr"`) when logged."""
        return next((key for key in LEARNING_RATE_KEYS if self.has(key)), None)

    def learning_rate_at(self, position: int) -> float | None:
        """The logged learning rate at an epoch position, if any."""
        key = self.learning_rate_key
        if key is None or not self.recorded[key][position]:
            return None
        return float(self.values[key][position])

    @property
    def metric_key(self) -> str | None:
        """The training metric to judge: the first accuracy-like one, else the first with a direction."""
        candidates = [
            key
            for key in self.values
            if not key.startswith("val_")
            and key != "loss"
            and key not in LEARNING_RATE_KEYS
            and not key.endswith("_loss")
            and metric_direction(key) is not None
        ]
        accuracy_like = [key for key in candidates if "acc" in key.lower()]
        return (accuracy_like or candidates or [None])[0]


def metric_direction(key: str) -> str | None:
    """`"max"` or `"min"` from a metric's name, or None when the name does not tell."""
    name = key.lower().removeprefix("val_")
    if any(fragment in name for fragment in _LOWER_IS_BETTER):
        return "min"
    if any(fragment in name for fragment in _HIGHER_IS_BETTER):
        return "max"
    return None


def read_curves(run: Any) -> Curves:
    """Normalise a `History`, dict, DataFrame or CSV path into `Curves`.

    Args:
        run: The run, in any accepted form.

    Returns:
        The aligned curves.

    Raises:
        TypeError: For an object of another kind.
        ValueError: When there is no `loss` curve, or the lists cannot be aligned.
    """
    if isinstance(run, str | os.PathLike):
        columns, epochs = _read_csv(os.fspath(run))
        return _from_columns(columns, epochs, source=os.fspath(run))
    if hasattr(run, "history") and isinstance(run.history, Mapping):
        epochs = list(getattr(run, "epoch", []) or [])
        return _from_lists(run.history, epochs or None, source="History")
    if hasattr(run, "to_dict") and hasattr(run, "columns"):  # a pandas DataFrame, without importing pandas
        frame = run.to_dict(orient="list")
        epochs = frame.pop("epoch", None)
        return _from_lists(frame, epochs, source="DataFrame", nan_means_missing=True)
    if isinstance(run, Mapping):
        lists = dict(run)
        epochs = lists.pop("epoch", None)
        return _from_lists(lists, epochs, source="dict")
    raise TypeError(
        "diagnose() reads a History, a dict of per-epoch lists, a pandas DataFrame or the path of a "
        f"CSVLogger file. Received: an object of type {type(run).__name__}. For Keras, pass "
        "`history.history`; for a CSV, pass its path."
    )


def _read_csv(path: str) -> tuple[dict[str, list[float | None]], list[int] | None]:
    """Columns of a CSVLogger file; `None` marks "NA"/empty cells; list-valued columns are dropped."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise FileNotFoundError(
            f"No CSV file at {path!r}. Expected the file written by CSVLogger(filename). "
            "Check the path (it is relative to the current directory)."
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows or not rows[0]:
        raise ValueError(f"The CSV file {path!r} is empty. Expected a header row and one row per epoch.")
    header, body = rows[0], [row for row in rows[1:] if row]
    columns: dict[str, list[float | None]] = {}
    for index, name in enumerate(header):
        cells = [row[index] if index < len(row) else "" for row in body]
        parsed = [_parse_cell(cell) for cell in cells]
        if any(value is _UNREADABLE for value in parsed):
            continue  # list-valued or text column: not a curve
        columns[name.strip()] = parsed  # type: ignore[assignment]
    epochs = columns.pop("epoch", None)
    return columns, None if epochs is None else [int(e) if e is not None else -1 for e in epochs]


_UNREADABLE = object()


def _parse_cell(cell: str) -> float | None | object:
    cell = cell.strip()
    if cell in ("", "NA", "N/A", "None", "null"):
        return None
    try:
        return float(cell)
    except ValueError:
        return _UNREADABLE


def _from_lists(
    lists: Mapping[str, Any], epochs: Any, *, source: str, nan_means_missing: bool = False
) -> Curves:
    columns: dict[str, list[float | None]] = {}
    for key, values in lists.items():
        if key in _NOT_CURVES:
            continue
        try:
            column = [None if value is None else float(value) for value in list(values)]
        except (TypeError, ValueError):
            continue  # a non-numeric log (e.g. a per-class array): not a curve
        columns[str(key)] = column
    if nan_means_missing:
        columns = _nan_to_missing(columns)
    return _from_columns(columns, None if epochs is None else [int(e) for e in epochs], source=source)


def _nan_to_missing(columns: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    """In a DataFrame, "NA" and "nan" both read as NaN: treat NaN as missing in `val_` columns
    at epochs where the training loss is finite (a finite training loss means validation ran
    or was skipped, not that it diverged)."""
    loss = columns.get("loss")
    result = dict(columns)
    for key, column in columns.items():
        if not key.startswith("val_"):
            continue
        fixed: list[float | None] = []
        for position, value in enumerate(column):
            train = loss[position] if loss is not None and position < len(loss) else None
            missing = value is not None and math.isnan(value) and train is not None and math.isfinite(train)
            fixed.append(None if missing else value)
        result[key] = fixed
    return result


def _from_columns(columns: dict[str, list[float | None]], epochs: list[int] | None, *, source: str) -> Curves:
    if "loss" not in columns:
        raise ValueError(
            f"The run has no 'loss' curve. Received keys from the {source}: {sorted(columns)}. "
            "Pass the per-epoch logs of fit() (History, history.history, or a CSVLogger file)."
        )
    n = len(columns["loss"])
    if n == 0:
        raise ValueError(
            f"The run has no epochs: 'loss' is empty in the {source}. Train for at least one epoch."
        )
    values: dict[str, np.ndarray] = {}
    recorded: dict[str, np.ndarray] = {}
    for key, column in columns.items():
        aligned = _align(column, n, key)
        mask = np.array([value is not None for value in aligned], dtype=bool)
        if not mask.any():
            continue  # e.g. Keras's CSVLogger reserves val_ columns filled with NA
        values[key] = np.array([np.nan if value is None else value for value in aligned], dtype=np.float64)
        recorded[key] = mask
    epoch_axis = np.arange(n) if epochs is None or len(epochs) != n else np.asarray(epochs, dtype=np.int64)
    return Curves(epochs=epoch_axis, values=values, recorded=recorded)


def _align(column: list[float | None], n: int, key: str) -> list[float | None]:
    """Place a shorter list (validation every k epochs) on the epoch axis, as Keras's
    `validation_freq=k` records it: after epochs k, 2k, … (1-based)."""
    if len(column) == n:
        return column
    if len(column) > n or not column:
        raise ValueError(
            f"'{key}' has {len(column)} values but 'loss' has {n}. Expected at most one value per "
            "epoch. Pass the logs of a single fit() run."
        )
    every = n // len(column)
    aligned: list[float | None] = [None] * n
    for index, value in enumerate(column):
        aligned[(index + 1) * every - 1] = value
    return aligned
