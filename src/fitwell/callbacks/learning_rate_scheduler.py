"""`LearningRateScheduler`: set the learning rate from a function at every epoch."""

from __future__ import annotations

import inspect
from collections.abc import Callable, MutableMapping

import numpy as np

from fitwell.callbacks.base import Callback, Logs

__all__ = ["LearningRateScheduler"]


def _takes_two_arguments(function: Callable[..., object]) -> bool:
    """Whether `function(epoch, lr)` is a valid call (else it is called as `function(epoch)`)."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # some builtins have no signature: assume Keras's form
        return True
    try:
        signature.bind(0, 0.0)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """At the start of every epoch, set the rate to `schedule(epoch, lr)`.

    `epoch` is 0-based and `lr` is the current rate; a function of `epoch`
    alone works too. The optimizer keeps its state; the epoch logs (and
    `History`) record the rate the epoch trained with.

    Args:
        schedule: `schedule(epoch, lr) -> float`, or `schedule(epoch) -> float`.
        verbose: 1 prints the new rate at every epoch.

    Example:
        >>> def schedule(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.9
        >>> scheduler = LearningRateScheduler(schedule)
        >>> model.fit(x, y, epochs=15, callbacks=[scheduler])  # doctest: +SKIP
    """

    def __init__(self, schedule: Callable[..., float], verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "`schedule` must be a function (epoch, lr) -> float. "
                f"Received: schedule={schedule!r} of type {type(schedule).__name__}."
            )
        if isinstance(verbose, bool) or not isinstance(verbose, int) or verbose < 0:
            raise ValueError(f"`verbose` must be an int >= 0. Received: verbose={verbose!r}.")
        self.schedule = schedule
        self.verbose = verbose
        self._two_arguments = _takes_two_arguments(schedule)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        optimizer = self.model.optimizer
        if self._two_arguments:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            learning_rate = self.schedule(epoch)
        if isinstance(learning_rate, bool) or not isinstance(
            learning_rate, int | float | np.integer | np.floating
        ):
            raise ValueError(
                "The `schedule` function must return a float (a Python or NumPy number). "
                f"Received: {learning_rate!r} of type {type(learning_rate).__name__} at epoch {epoch}. "
                "Convert it, e.g. `return float(lr)`."
            )
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {learning_rate}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if isinstance(logs, MutableMapping):
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
