"""`ProgbarLogger`: the progress display of `fit`, `evaluate` and `predict`, and `print_message`.

With `verbose=1`, each epoch shows `Epoch i/N` (when there are several
epochs, as in Keras), then a live line of step count, bar, elapsed time,
ETA, time per step and the running values, and at its end a final line
with every value of the epoch's logs. How this looks in a terminal, a file
or a notebook is decided in `fitwell.callbacks.progress_display`.
`verbose=2` prints one line per epoch. Validation inside `fit` shows no
bar of its own (Keras's rule); `evaluate` and `predict` show one.

Callbacks print their messages through `print_message`: a message that
arrives once the epoch's training steps are done (`ModelCheckpoint`,
`ReduceLROnPlateau` at the epoch's end) is held back and printed right
after the epoch's final line, before the next epoch; one that arrives
while steps still run goes above the live line. Either way no stale bar
is left behind. Without a display the message is printed at once,
exactly as Keras prints it. Text printed by other means during an epoch
(a plain `print` in a batch hook) lands after the live line, as it does
with Keras's bar and tqdm's; `print_message` is the way around that.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import IO, Any

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.progress_display import Display, Progress, format_value, open_display

__all__ = ["REFRESH_SECONDS", "ProgbarLogger", "format_logs", "print_message"]

#: Seconds between two redraws of the live line; each reads the running values (one device sync).
REFRESH_SECONDS = 0.5


def format_logs(logs: Logs, keys: list[str] | None = None) -> str:
    """`"loss: 0.1234 - acc: 0.9500"`, in the given key order, with Keras's number format.

    Example:
        >>> format_logs({"loss": 0.25, "learning_rate": 0.0005})
        'loss: 0.2500 - learning_rate: 5.0000e-04'
    """
    return " - ".join(f"{key}: {format_value(logs[key])}" for key in keys or list(logs) if key in logs)


def print_message(callback: Callback, message: str) -> None:
    """Print a callback's message so that it does not break the run's progress display.

    When the run shows progress on standard output, the display places the
    message (see the module docstring), on lines of its own: the leading
    newline Keras puts before such messages (to leave its open bar line) is
    dropped there. Otherwise the message is printed as is.

    Args:
        callback: The callback that speaks; its `params["callbacks"]` name the run's display.
        message: The text.

    Example:
        >>> print_message(Callback(), "Epoch 3: early stopping")
        Epoch 3: early stopping
    """
    for other in callback.params.get("callbacks", ()):
        if isinstance(other, ProgbarLogger) and other.take_message(message):
            return
    print(message)


class ProgbarLogger(Callback):
    """Shows progress: a live bar per epoch (`verbose=1`) or one line per epoch (`verbose=2`).

    `fit`, `evaluate` and `predict` add one when `verbose` is not 0; pass
    your own to write elsewhere. The running values on the live line are
    read from the device at most every `REFRESH_SECONDS`, and never where
    nothing is redrawn (files, pipes).

    Args:
        verbose: 1 for a bar, 2 for a line per epoch.
        file: Where to write. Defaults to standard output (and to the
            notebook's output in Jupyter).

    Example:
        >>> import io
        >>> logger = ProgbarLogger(1, file=io.StringIO())
        >>> history = model.fit(x, y, epochs=2, callbacks=[logger])  # doctest: +SKIP
    """

    main_process_only = True

    def __init__(self, verbose: int = 1, *, file: IO[str] | None = None) -> None:
        super().__init__()
        self.verbose = verbose
        self.file = file
        self._display: Display | None = None
        self._is_open = False
        self._held: list[str] = []
        self._seen = 0
        self._start = 0.0
        self._first_step_end: float | None = None
        self._last_refresh = 0.0
        self._steps_done = False
        self._label = ""

    def _out(self) -> IO[str]:
        return self.file or sys.stdout

    def _writes_to_stdout(self) -> bool:
        return self.file is None or self.file is sys.stdout

    # -- one pass: an epoch, an evaluation, a prediction ------------------------
    def _begin(self, header: str | None) -> None:
        self._is_open = True
        self._held = []
        self._seen = 0
        self._first_step_end = None
        self._steps_done = False
        self._start = self._last_refresh = time.monotonic()
        if self.verbose == 1:
            self._display = open_display(self._out())
            self._display.begin(header, self._progress((), done=False, now=self._start))

    def _step(self, logs: Logs | None) -> None:
        # Per step: a count and a comparison; a clock read where the line is live.
        self._seen += 1
        steps = self.params.get("steps")
        if steps is not None and self._seen >= steps:
            self._steps_done = True
        display = self._display
        if display is None or not display.live:
            if self._seen == 1:
                self._first_step_end = time.monotonic()
            return
        now = time.monotonic()
        if self._seen == 1:
            self._first_step_end = now
        if now - self._last_refresh >= REFRESH_SECONDS:
            self._last_refresh = now
            values = list(logs.items()) if logs is not None else ()  # the one device read
            display.show(self._progress(values, done=False, now=now))

    def _end(self, logs: Logs | None) -> None:
        if not self._is_open:
            return
        self._is_open = False
        if self._display is not None:
            self._display.end(self._progress(list((logs or {}).items()), done=True))
        held, self._held = self._held, []
        for text in held:
            self._write_message(text)
        self._display = None

    def _progress(
        self, values: Sequence[tuple[str, Any]], *, done: bool, now: float | None = None
    ) -> Progress:
        now = time.monotonic() if now is None else now
        step = self._seen
        steps = self.params.get("steps")
        if done and not steps:
            steps = step
        if step == 0:
            step_seconds = 0.0
        elif self._first_step_end is not None and step > 1:
            # Keras's estimate: the first step (start-up, first-call costs) is left out.
            step_seconds = (now - self._first_step_end) / (step - 1)
        else:
            step_seconds = (now - self._start) / step
        return Progress(step, steps, now - self._start, step_seconds, tuple(values), done)

    # -- messages ---------------------------------------------------------------
    def take_message(self, message: str) -> bool:
        """Place a callback's message (see `print_message`); False when this logger has no pass open."""
        if not self._is_open or not self._writes_to_stdout():
            return False
        text = message.lstrip("\n")
        if self._steps_done:
            self._held.append(text)
        else:
            self._write_message(text)
        return True

    def _write_message(self, text: str) -> None:
        if self._display is not None:
            self._display.message(text)
        else:
            print(text, file=self._out(), flush=True)

    # -- fit ------------------------------------------------------------------
    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        epochs = self.params.get("epochs", 1)
        self._label = f"Epoch {epoch + 1}/{epochs}"
        self._begin(self._label if epochs > 1 else None)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._step(logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs or {}
        if self.verbose != 1:
            seconds = time.monotonic() - self._start
            print(f"{self._label} - {seconds:.1f}s - {format_logs(logs)}", file=self._out(), flush=True)
        self._end(logs)

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._end(None)  # only if an epoch was left open

    # -- evaluate / predict (validation inside fit shows no bar, as in Keras) ---
    @property
    def _in_fit(self) -> bool:
        return self.params.get("mode") == "fit"

    def on_test_begin(self, logs: Logs | None = None) -> None:
        if self._in_fit:
            self._steps_done = True  # the epoch's training steps are over
        else:
            self._begin(None)

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._step(logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if self._in_fit:
            return
        if self.verbose != 1:
            print(f"Evaluate - {format_logs(logs or {})}", file=self._out(), flush=True)
        self._end(logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._begin(None)

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._step(None)

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._end(None)
