"""`CSVLogger`: one row of epoch logs per epoch, in a CSV file."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.run_keys import LOOP_KEYS, RunKeys, expected_keys
from fitwell.saving.atomic import append_whole, check_writable, write_bytes, write_error

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
    reserved for every key but `learning_rate` (which validation never
    logs), so later validation epochs fit; a value missing in an epoch is
    written as `NA`. Each row is written whole with one write, straight to
    the file: a full disk leaves the file cut back to its last complete row
    and raises an `OSError` naming the file. The file reads as is with
    `pandas.read_csv`. A run resumed by `BackupAndRestore` appends to the
    file, after dropping any row the killed run wrote past its backup.

    Before the first step, `on_train_begin` checks that the file can be
    written and, with `append=True`, that an existing file's header has a
    column for every key this run logs (rows then follow the file's column
    order).

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
        if not isinstance(separator, str) or len(separator) != 1 or separator in '\r\n"':
            raise ValueError(
                f"`separator` must be a single character. Received: separator={separator!r}. Use one "
                "character other than a quote or a line break, e.g. ';'."
            )
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = bool(append)
        self.keys: list[str] | None = None
        #: The open file's descriptor while a run writes (None between runs).
        self._fd: int | None = None
        self._columns: list[str] | None = None
        #: An appended-to file's header (its column order wins), read at on_train_begin.
        self._existing_header: list[str] | None = None
        #: Set by `load_state_dict`: this run continues a stopped run's file.
        self._continues_file = False

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # A resumed run loads its state after this (BackupAndRestore).
        self._close()
        self.keys = None
        self._continues_file = False
        self._first_epoch: int | None = None
        check_writable(self.filename)
        self._existing_header = self._read_header() if self.append else None
        keys = expected_keys(self.model, self.params)
        if self._existing_header is not None and keys is not None:
            self._check_header(_columns_of(keys))

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        if self._first_epoch is None:
            self._first_epoch = epoch

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.keys is None:
            self.keys = _keys_of(logs)
        # The file is opened at the first row, not in on_train_begin: by then a
        # resumed run has had its state loaded, so a restart never truncates
        # the rows it continues.
        if self._fd is None:
            self._open(epoch if self._first_epoch is None else self._first_epoch)
        row = {"epoch": epoch, **{key: _cell(logs.get(key, "NA")) for key in self.keys}}
        self._write(self._format([row]))

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._close()
        self._continues_file = False

    # -- the file ------------------------------------------------------------
    def _read_header(self) -> list[str] | None:
        """The first line of an existing, non-empty file, split into columns (None otherwise)."""
        if not os.path.isfile(self.filename) or os.path.getsize(self.filename) == 0:
            return None
        try:
            with open(self.filename, newline="", encoding="utf-8") as file:
                first = file.readline()
        except (OSError, UnicodeDecodeError) as error:
            raise ValueError(
                f"CSVLogger(append=True) cannot read the header of {self.filename!r} ({error}). Received: "
                "a file that is not a CSV log. Pass append=False to start it afresh, or choose another "
                "filename."
            ) from None
        return next(csv.reader([first], delimiter=self.sep), [])

    def _check_header(self, columns: list[str]) -> None:
        header = self._existing_header or []
        missing = [column for column in columns if column not in header]
        if missing:
            raise ValueError(
                f"CSVLogger(append=True) would add rows to {self.filename!r}, whose header lacks "
                f"columns this run logs: {missing}. Received: a file with columns {header}; this run "
                f"logs {columns}. Pass append=False to start the file afresh, or choose another filename "
                "(the existing file is left as it is)."
            )

    def _open(self, first_epoch: int) -> None:
        if self._continues_file:
            self._drop_rows_from(first_epoch)
        appending = self.append or self._continues_file
        exists = os.path.exists(self.filename)
        header = self._read_header() if appending else None
        columns = ["epoch", *(self.keys or [])]
        if header is not None and not self._continues_file:
            self._existing_header = header
            self._check_header(columns)
            columns = header
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if appending else os.O_TRUNC)
        try:
            os.makedirs(os.path.dirname(self.filename) or ".", exist_ok=True)
            self._fd = os.open(self.filename, flags, 0o666)
        except OSError as error:
            raise write_error(error, self.filename) from None
        self._columns = columns
        if not appending or not exists or os.path.getsize(self.filename) == 0:
            self._write(self._format([dict(zip(columns, columns, strict=True))]))

    def _format(self, rows: list[dict[str, Any]]) -> bytes:
        """Rows as CSV text, Keras's dialect, built in memory."""

        class Dialect(csv.excel):
            delimiter = self.sep

        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=self._columns or [], dialect=Dialect, restval="NA")
        for row in rows:
            writer.writerow(row)
        return buffer.getvalue().encode("utf-8")

    def _write(self, data: bytes) -> None:
        # One write of whole rows; on failure the file is cut back to its last complete row.
        append_whole(self._fd, data, target=self.filename)  # type: ignore[arg-type]

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
        write_bytes(self.filename, "".join(kept).encode("utf-8"))

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
        self._fd = None
        self._columns = None

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The column keys chosen at the first epoch (JSON-able)."""
        return {"keys": None if self.keys is None else list(self.keys)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue the file: keep the columns, append, drop rows the killed run wrote past its backup."""
        self.keys = None if state["keys"] is None else list(state["keys"])
        self._continues_file = True


def _keys_of(logs: Logs) -> list[str]:
    """Keras's columns: the first epoch's keys, sorted, plus a `val_` form of each when it has none."""
    keys = sorted(logs)
    if keys and not any(key.startswith("val_") for key in keys):
        keys += [f"val_{key}" for key in keys if key not in LOOP_KEYS]
    return keys


def _columns_of(keys: RunKeys) -> list[str]:
    """The columns a run with these keys writes (the order may differ; the set does not)."""
    logged = list(keys.train) + ([f"val_{key}" for key in keys.batch] if keys.validation else [])
    return ["epoch", *_keys_of(dict.fromkeys(logged))]
