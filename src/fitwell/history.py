"""`History`: the per-epoch record `fit()` returns."""

from __future__ import annotations

from typing import Any

from fitwell.callbacks.base import Callback, Logs

__all__ = ["History"]


class History(Callback):
    """Per-epoch values of every log key, recorded by `fit()`.

    `history.history` maps each key (`loss`, metric names, `val_*`,
    `learning_rate`) to a list of floats, one per epoch (validation keys are
    shorter when `validation_freq > 1`). `history.epoch` holds the 0-based
    epoch indices and `history.params` the run's `epochs`, `steps` and
    `verbose`.

    Example:
        >>> history = History()
        >>> history.on_epoch_end(0, {"loss": 0.9, "val_loss": 1.0})
        >>> history.on_epoch_end(1, {"loss": 0.5, "val_loss": 0.7})
        >>> history["val_loss"], history.epoch
        ([1.0, 0.7], [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def set_params(self, params: dict[str, Any]) -> None:
        # Keras's History.params holds exactly these three keys.
        super().set_params({key: params[key] for key in ("verbose", "epochs", "steps") if key in params})

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # Keras keeps `history` across fit() calls on one instance and
        # restarts only the epoch list; mirrored so scripts behave the same.
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __len__(self) -> int:
        return len(self.epoch)

    def to_dict(self) -> dict[str, list[float]]:
        """A copy of `history.history`."""
        return {key: list(values) for key, values in self.history.items()}

    def plot(self, metric: str | None = None, *, ax: Any = None, path: Any = None) -> Any:
        """Draw loss and `metric` per epoch with the findings; returns the Figure (see `plot_history`)."""
        from fitwell.plotting import plot_history

        return plot_history(self, metric, ax=ax, path=path)

    def diagnose(self, **kwargs: Any) -> Any:
        """What the curves show and what to change: a `Diagnosis` (see `fitwell.diagnosis.diagnose`)."""
        from fitwell.diagnosis import diagnose

        return diagnose(self, **kwargs)

    def state_dict(self) -> dict[str, Any]:
        return {"history": self.to_dict(), "epoch": list(self.epoch)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = {key: list(values) for key, values in state["history"].items()}
        self.epoch = list(state["epoch"])

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"
