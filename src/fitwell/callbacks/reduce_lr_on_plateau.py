"""`ReduceLROnPlateau`: lower the learning rate when a monitored value stalls."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import numpy as np

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.monitor import Monitor, check_arguments, float_problem, int_problem
from fitwell.callbacks.progbar_logger import print_message

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    The rate changes in place (`model.optimizer.learning_rate`), so the
    optimizer keeps its state. After a reduction, `cooldown` epochs pass
    before the patience count starts again. The epoch logs (and so
    `History`) show the rate each epoch trained with, i.e. before that
    epoch's reduction, as in Keras. A NaN never counts as an improvement.

    Args:
        monitor: The log key to watch, e.g. `"val_loss"`.
        factor: The rate is multiplied by this, in `[0, 1)`.
        patience: Epochs without improvement before a reduction.
        verbose: 1 prints a line at each reduction.
        mode: `"min"`, `"max"`, or `"auto"` (losses decrease; a compiled
            metric's `higher_is_better` decides otherwise).
        min_delta: The smallest change that counts as an improvement.
        cooldown: Epochs to wait after a reduction before counting again.
        min_lr: The rate never goes below this.

    Example:
        >>> reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-6)
        >>> history = model.fit(x, y, validation_split=0.2, epochs=50,
        ...                     callbacks=[reduce])  # doctest: +SKIP
        >>> history.history["learning_rate"]  # doctest: +SKIP
        [0.001, 0.001, 0.001, 0.0005, ...]
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__()
        problems = [*Monitor.problems(monitor, mode), *float_problem(factor, "factor")]
        if not problems and not 0.0 <= factor < 1.0:
            problems.append(
                "`factor` must be in [0, 1): ReduceLROnPlateau only lowers the rate. "
                f"Received: factor={factor!r}."
            )
        problems += [
            *int_problem(patience, "patience"),
            *int_problem(verbose, "verbose"),
            *float_problem(min_delta, "min_delta"),
            *int_problem(cooldown, "cooldown"),
        ]
        problems += float_problem(min_lr, "min_lr") or (
            [f"`min_lr` must be >= 0. Received: min_lr={min_lr!r}."] if min_lr < 0 else []
        )
        check_arguments("ReduceLROnPlateau", problems)
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = int(patience)
        self.verbose = int(verbose)
        self.mode = mode
        self.min_delta = abs(float(min_delta))
        self.cooldown = int(cooldown)
        self.min_lr = float(min_lr)
        self._monitor = Monitor(monitor, mode=mode, min_delta=min_delta, owner="ReduceLROnPlateau")
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.cooldown_counter = 0
        self.wait = 0
        # The last rate this callback set (None before any reduction), so a
        # resumed run gets it back even if the backup lacks it.
        self._last_rate: float | None = None

    def in_cooldown(self) -> bool:
        """Whether a recent reduction still holds the patience count at zero."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # Reset here so one instance can serve several fit() calls; a resumed
        # run loads its state after this (BackupAndRestore).
        self._monitor.reset()
        self._monitor.check_run(self.model, self.params)
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._monitor.resolve(self.model)
        optimizer = self.model.optimizer
        if isinstance(logs, MutableMapping):
            logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._monitor.read(logs)
        if current is None:
            return
        # Keras's order: the cooldown ticks first, then the improvement test;
        # the patience count moves only outside cooldown (checked after the tick).
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._monitor.is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(optimizer, epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, optimizer: Any, epoch: int) -> bool:
        old = float(optimizer.learning_rate)
        # Keras holds the rate in float32 and compares it with min_lr in
        # float32, so a rate that has reached min_lr is not "reduced" again.
        if not np.float32(old) > np.float32(self.min_lr):
            return False
        new = max(old * self.factor, self.min_lr)
        optimizer.learning_rate = new
        self._last_rate = new
        if self.verbose > 0:
            print_message(self, f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
        return True

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Counters, the best value and the last rate it set (JSON-able)."""
        return {
            "best": self.best,
            "wait": self.wait,
            "cooldown_counter": self.cooldown_counter,
            "last_rate": self._last_rate,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned (and the rate it set)."""
        self.best = None if state["best"] is None else float(state["best"])
        self.wait = int(state["wait"])
        self.cooldown_counter = int(state["cooldown_counter"])
        self._last_rate = state.get("last_rate")
        optimizer = getattr(self.model, "optimizer", None)
        if self._last_rate is not None and optimizer is not None:
            optimizer.learning_rate = float(self._last_rate)
