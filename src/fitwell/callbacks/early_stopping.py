"""`EarlyStopping`: end training once a monitored value stops improving."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.monitor import Monitor, check_arguments, float_problem, int_problem
from fitwell.callbacks.progbar_logger import print_message

__all__ = ["EarlyStopping"]


class EarlyStopping(Callback):
    """Stop training when a monitored value has stopped improving.

    After every epoch the callback reads `logs[monitor]`. An epoch improves
    when the value beats the best so far by more than `min_delta`; after
    `patience` epochs in a row without improvement it sets
    `model.stop_training = True` and `fit()` ends after that epoch, as in
    Keras (`patience=0` stops at the first epoch, after the first, that
    does not improve). A NaN never counts as an improvement.

    Args:
        monitor: The log key to watch, e.g. `"val_loss"` or `"val_accuracy"`.
        min_delta: The smallest change that counts as an improvement.
        patience: Epochs without improvement after which training stops.
        verbose: 1 prints when training stops and when weights are restored.
        mode: `"min"`, `"max"`, or `"auto"` (losses decrease; a compiled
            metric's `higher_is_better` decides otherwise).
        baseline: A value to beat: the patience count restarts only when
            an improving epoch also beats it.
        restore_best_weights: Load the best epoch's weights when training
            ends, whether it stopped early or ran out of epochs. The copy is
            kept on the CPU.
        start_from_epoch: Epochs before this one are ignored (a warm-up).

    Attributes:
        stopped_epoch: The 0-based epoch training stopped at; 0 when it did not stop.
        best_epoch: The 0-based epoch of the best value.
        best: The best value seen so far (None before any).
        best_weights: The best epoch's weights (`{name: CPU tensor}`), or None.

    Example:
        >>> stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        >>> history = model.fit(x, y, validation_split=0.2, epochs=100,
        ...                     callbacks=[stopper])  # doctest: +SKIP
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        *,
        min_delta: float = 0.0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        check_arguments(
            "EarlyStopping",
            [
                *Monitor.problems(monitor, mode),
                *float_problem(min_delta, "min_delta"),
                *int_problem(patience, "patience"),
                *int_problem(verbose, "verbose"),
                *float_problem(baseline, "baseline", allow_none=True),
                *int_problem(start_from_epoch, "start_from_epoch"),
            ],
        )
        self.monitor = monitor
        self.min_delta = abs(float(min_delta))
        self.patience = int(patience)
        self.verbose = int(verbose)
        self.mode = mode
        self.baseline = None if baseline is None else float(baseline)
        self.restore_best_weights = bool(restore_best_weights)
        self.start_from_epoch = int(start_from_epoch)
        self._monitor = Monitor(monitor, mode=mode, min_delta=min_delta, owner="EarlyStopping")
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best: float | None = None
        self.best_epoch = 0
        self.best_weights: dict[str, torch.Tensor] | None = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # Reset here so one instance can serve several fit() calls; a resumed
        # run loads its state after this (BackupAndRestore).
        self._monitor.reset()
        self._monitor.check_run(self.model, self.params)
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._monitor.resolve(self.model)
        current = self._monitor.read(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        # Keras's order: the first watched epoch is the fallback to restore,
        # and the patience count moves before the improvement test.
        if self.restore_best_weights and self.best_weights is None:
            self._keep_weights(epoch)
        self.wait += 1
        if self._monitor.is_improvement(current, self.best):
            self.best = current
            self._keep_weights(epoch)
            if self.baseline is None or self._monitor.is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_message(self, f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_message(
                    self, f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}."
                )
            self.model.load_state_dict(self.best_weights)

    def _keep_weights(self, epoch: int) -> None:
        self.best_epoch = epoch
        if self.restore_best_weights:
            self.best_weights = {
                name: tensor.detach().to("cpu", copy=True) for name, tensor in self.model.state_dict().items()
            }

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Counters and the best value (JSON-able); the weights are in `tensor_state_dict`."""
        return {
            "wait": self.wait,
            "stopped_epoch": self.stopped_epoch,
            "best": self.best,
            "best_epoch": self.best_epoch,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        self.wait = int(state["wait"])
        self.stopped_epoch = int(state["stopped_epoch"])
        self.best = None if state["best"] is None else float(state["best"])
        self.best_epoch = int(state["best_epoch"])

    def tensor_state_dict(self) -> dict[str, torch.Tensor]:
        """The kept best weights (`{}` when none), for a backup next to `state_dict`."""
        return dict(self.best_weights or {})

    def load_tensor_state_dict(self, tensors: dict[str, torch.Tensor]) -> None:
        """Restore what `tensor_state_dict` returned."""
        self.best_weights = {name: t.detach().to("cpu", copy=True) for name, t in tensors.items()} or None
