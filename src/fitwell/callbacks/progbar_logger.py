"""`ProgbarLogger`: the progress display of `fit`, `evaluate` and `predict`."""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from fitwell.callbacks.base import Callback, Logs

__all__ = ["ProgbarLogger", "format_logs"]

#: Seconds between two reads of the running loss for the bar (each read syncs the device).
REFRESH_SECONDS = 0.5


def format_logs(logs: Logs, keys: list[str] | None = None) -> str:
    """`"loss: 0.1234 - acc: 0.9500"`, in the given key order."""
    parts = []
    for key in keys or list(logs):
        if key in logs:
            value = logs[key]
            parts.append(f"{key}: {value:.4g}" if key == "learning_rate" else f"{key}: {value:.4f}")
    return " - ".join(parts)


class ProgbarLogger(Callback):
    """Shows progress: a live bar per epoch (`verbose=1`) or one line per epoch (`verbose=2`).

    The bar is drawn by tqdm, which adapts to terminals, notebooks and
    files. In a file or pipe the bar is redrawn rarely, so logs stay short.
    The running loss shown on the bar is read from the device at most every
    `REFRESH_SECONDS`.

    Args:
        verbose: 1 for a bar, 2 for a line per epoch.
        file: Where to write. Defaults to standard output.
    """

    main_process_only = True

    def __init__(self, verbose: int = 1, *, file: IO[str] | None = None) -> None:
        super().__init__()
        self.verbose = verbose
        self.file = file
        self._bar: Any = None
        self._pending_steps = 0
        self._last_refresh = 0.0
        self._epoch_start = 0.0
        self._mode = "train"

    def _out(self) -> IO[str]:
        return self.file or sys.stdout

    def _open_bar(self, total: int | None, description: str) -> None:
        from tqdm.auto import tqdm

        out = self._out()
        interactive = hasattr(out, "isatty") and out.isatty()
        self._bar = tqdm(
            total=total,
            desc=description,
            file=out,
            unit="step",
            leave=True,
            dynamic_ncols=interactive,
            ncols=None if interactive else 100,
            mininterval=0.1 if interactive else 30.0,
        )
        self._pending_steps = 0
        self._last_refresh = time.monotonic()

    def _advance(self, logs: Logs | None) -> None:
        # Steps are counted here and handed to the bar only when it redraws,
        # so a step costs a clock read, not a tqdm update.
        if self._bar is None:
            return
        self._pending_steps += 1
        now = time.monotonic()
        if now - self._last_refresh >= REFRESH_SECONDS:
            self._last_refresh = now
            self._bar.update(self._pending_steps)
            self._pending_steps = 0
            if logs is not None:
                self._bar.set_postfix_str(format_logs(logs), refresh=False)

    def _close_bar(self, logs: Logs | None) -> None:
        if self._bar is None:
            return
        self._bar.update(self._pending_steps)
        self._pending_steps = 0
        if logs:
            self._bar.set_postfix_str(format_logs(logs), refresh=False)
        self._bar.close()
        self._bar = None

    # -- fit ------------------------------------------------------------------
    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._mode = "train"

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch_start = time.monotonic()
        label = f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}"
        if self.verbose == 1:
            self._open_bar(self.params.get("steps"), label)
        else:
            self._label = label

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.verbose == 1:
            self._advance(logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.verbose == 1:
            self._close_bar(logs)
        else:
            seconds = time.monotonic() - self._epoch_start
            print(f"{self._label} - {seconds:.1f}s - {format_logs(logs)}", file=self._out(), flush=True)

    # -- evaluate / predict (validation inside fit shows no bar, as in Keras) ---
    def on_test_begin(self, logs: Logs | None = None) -> None:
        if self._bar is None and self.verbose == 1 and self.params.get("mode") == "evaluate":
            self._open_bar(self.params.get("steps"), "Evaluate")

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.params.get("mode") == "evaluate":
            self._advance(logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if self.params.get("mode") != "evaluate":
            return
        if self.verbose == 1:
            self._close_bar(logs)
        else:
            print(f"Evaluate - {format_logs(logs or {})}", file=self._out(), flush=True)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        if self.verbose == 1:
            self._open_bar(self.params.get("steps"), "Predict")

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._advance(None)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._close_bar(None)
