"""`CSVLogger`: one row of epoch logs per epoch, in a CSV file."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from typing import IO, Any

import numpy as np

from fitwell.callbacks.base import Callback, Logs

__all__ = ["CSVLogger"]


def _cell(value: Any) -> Any:
    """Keras's cell format: strings and numbers as they are, other iterables as `"[a, b]"`."""
    if isinstance(value, str) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Write the epoch logs to a CSV file, one row per epoch, as Keras does.

    Columns are `epoch` (0-based) then the log keys of the first epoch,
    sorted. When the first epoch has no `val_` keys, a `val_<key>` column is
    reserved for every key, so later validation epochs fit; a value missing
    in an epoch is written as `NA`. The file is opened when the first row is
    written, flushed after every row, and reads as is with
    `pandas.read_csv`. A run resumed by `BackupAndRestore` appends to the
    file, after dropping any row the killed run wrote past its backup.

    Args:
        filename: The CSV file to write.
        separator: The column separator.
        append: Add rows to an existing file (the header is written only
            when the file is new or empty) instead of starting it afresh.

    Example:
        >>> logger = CSVLogger("training.csv")
        >>> model.fit(x, y, epochs=5, callbacks=[logger])  # doctest: +SKIP
        >>> pandas.read_csv("training.csv")  # doctest: +SKIP
    """

    main_process_only = True

    def __init__(
        self, filename: str | os.PathLike[str], separator: str = ",", *, append: bool = False
    ) -> None:
        super().__init__()
        if not isinstance(filename, str | os.PathLike) or not os.fspath(filename):
            raise TypeError(f"`filename` must be a file path. Received: filename={filename!r}.")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"`separator` must be a single character. Received: separator={separator!r}.")
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        self.csv_file: IO[str] | None = None
        self._writer: csv.DictWriter | None = None
        #: Set by `load_state_dict`: this run continues a stopped run's file.
        self._continues_file = False

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # A resumed run loads its state after this (BackupAndRestore).
        self._close()
        self.keys = None
        self._continues_file = False
        self._first_epoch: int | None = None

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self._first_epoch is None:
            self._first_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        # The file is opened at the first row, not in on_train_begin: by then a
        # resumed run has had its state loaded, so a restart never truncates
        # the rows it continues.
        if self.csv_file is None:
            self._open(epoch if self._first_epoch is None else self._first_epoch)
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self._writer is None:
            self._writer = self._make_writer(header=self._needs_header)
        row = {"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}}
        self._writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._close()
        self._continues_file = False

    def _open(self, first_epoch: int) -> None:
        if self._continues_file:
            self._drop_rows_from(first_epoch)
        exists = os.path.exists(self.filename)
        mode = "a" if (self.append or self._continues_file) else "w"
        self._needs_header = mode == "w" or not exists or os.path.getsize(self.filename) == 0
        self.csv_file = open(self.filename, mode, newline="", encoding="utf-8")
        self._writer = None

    def _drop_rows_from(self, epoch: int) -> None:
        """Remove rows of epochs >= `epoch` that a killed run wrote after its last backup."""
        if not os.path.exists(self.filename):
            return
        with open(self.filename, newline="", encoding="utf-8") as file:
            lines = file.readlines()

        def earlier(line: str) -> bool:
            first = line.split(self.sep, 1)[0]
            return first.isdigit() and int(first) < epoch

        kept = lines[:1] + [line for line in lines[1:] if earlier(line)]
        with open(self.filename, "w", newline="", encoding="utf-8") as file:
            file.writelines(kept)

    def _make_writer(self, *, header: bool) -> csv.DictWriter:
        class Dialect(csv.excel):
            delimiter = self.sep

        writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *(self.keys or [])], dialect=Dialect)
        if header:
            writer.writeheader()
        return writer

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = None
        self._writer = None

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The column keys chosen at the first epoch (JSON-able)."""
        return {"keys": None if self.keys is None else list(self.keys)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue the file: keep the columns, append, drop rows the killed run wrote past its backup."""
        self.keys = None if state["keys"] is None else list(state["keys"])
        self._continues_file = True
