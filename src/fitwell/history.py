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
        self._baseline: Any = None
        self._batch_stats: dict[str, list[float]] = {}
        # Epoch summaries still on the device: (epoch position, names, values), read on access.
        self._pending: list[tuple[int, tuple[str, ...], Any]] = []

    @property
    def baseline(self) -> float | None:
        """The loss of the best constant prediction from the training labels, when known."""
        from fitwell.diagnosis.baseline import as_baseline

        if self._baseline is not None and not isinstance(self._baseline, float):
            self._baseline = as_baseline(self._baseline)  # the one device read, when first asked
        return self._baseline

    @baseline.setter
    def baseline(self, value: Any) -> None:
        self._baseline = value

    @property
    def batch_stats(self) -> dict[str, list[float]]:
        """Per-epoch statistics from inside the epochs, by name (NaN where an epoch has none)."""
        if self._pending:
            import torch

            values = torch.cat([summary for _, _, summary in self._pending]).tolist()  # one read
            start = 0
            for position, names, _ in self._pending:
                for name, value in zip(names, values[start : start + len(names)], strict=True):
                    column = self._batch_stats.setdefault(name, [])
                    column.extend([float("nan")] * (position + 1 - len(column)))
                    column[position] = float(value)
                start += len(names)
            self._pending = []
            for column in self._batch_stats.values():
                column.extend([float("nan")] * (len(self.epoch) - len(column)))
        return self._batch_stats

    @batch_stats.setter
    def batch_stats(self, value: dict[str, list[float]]) -> None:
        self._batch_stats = {key: list(values) for key, values in value.items()}
        self._pending = []

    def set_params(self, params: dict[str, Any]) -> None:
        # Keras's History.params holds exactly these three keys.
        super().set_params({key: params[key] for key in ("verbose", "epochs", "steps") if key in params})

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # Keras keeps `history` across fit() calls on one instance and
        # restarts only the epoch list; mirrored so scripts behave the same.
        self.epoch = []
        trainer = getattr(self.model, "trainer", None)
        self.baseline = getattr(trainer, "baseline", None)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        evidence = getattr(getattr(self.model, "trainer", None), "epoch_evidence", None)
        summary = getattr(evidence, "last", None)
        if summary is not None:
            self._pending.append((len(self.epoch) - 1, *summary))
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
        return {
            "history": self.to_dict(),
            "epoch": list(self.epoch),
            "baseline": self.baseline,
            "batch_stats": {key: list(values) for key, values in self.batch_stats.items()},
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.history = {key: list(values) for key, values in state["history"].items()}
        self.epoch = list(state["epoch"])
        self.baseline = state.get("baseline")
        self.batch_stats = {key: list(values) for key, values in state.get("batch_stats", {}).items()}

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"
