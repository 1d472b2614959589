"""`RunView`: the curves, context and thresholds, with the derived quantities every rule reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.context import RunContext
from fitwell.diagnosis.curves import Curves
from fitwell.diagnosis.thresholds import Thresholds

__all__ = ["RunView", "format_epoch", "format_number", "learning_rate_range"]


@dataclass
class RunView:
    """What the rules look at: one run, read once.

    Attributes:
        curves: The aligned per-epoch values.
        context: Loss family and chance levels.
        thresholds: The rules' thresholds.
    """

    curves: Curves
    context: RunContext
    thresholds: Thresholds

    # -- training loss -------------------------------------------------------------
    @cached_property
    def loss(self) -> np.ndarray:
        """Training loss per epoch."""
        return self.curves.values["loss"]

    @property
    def n(self) -> int:
        """Number of epochs."""
        return len(self.loss)

    @cached_property
    def tail(self) -> int:
        """Size of the end window."""
        return stats.tail_window(self.n, self.thresholds.tail_fraction)

    @cached_property
    def smooth_loss(self) -> np.ndarray:
        """Training loss after a running median of 3."""
        return stats.median_smooth(self.loss)

    @cached_property
    def end_loss(self) -> float:
        """Median training loss of the end window."""
        return stats.end_level(self.loss, self.tail)

    # -- validation loss -----------------------------------------------------------
    @cached_property
    def has_val(self) -> bool:
        """Whether validation loss was recorded (finite) at least 3 times."""
        if not self.curves.has("val_loss"):
            return False
        _, values = self.curves.series("val_loss")
        return len(values) >= 3 and bool(np.isfinite(values).all())

    @cached_property
    def val_positions(self) -> np.ndarray:
        """Epoch positions where validation loss was recorded."""
        return self.curves.series("val_loss")[0] if self.curves.has("val_loss") else np.zeros(0, int)

    @cached_property
    def val_loss(self) -> np.ndarray:
        """Recorded validation losses."""
        return self.curves.series("val_loss")[1] if self.curves.has("val_loss") else np.zeros(0)

    @cached_property
    def smooth_val_loss(self) -> np.ndarray:
        """Validation loss after a running median of 3."""
        return stats.median_smooth(self.val_loss)

    # -- metric --------------------------------------------------------------------
    @cached_property
    def accuracy_key(self) -> str | None:
        """The training accuracy key (the first metric with "acc" in its name), if any."""
        key = self.curves.metric_key
        return key if key is not None and "acc" in key.lower() else None

    def end_of(self, key: str) -> float | None:
        """Median of the recorded values of `key` over the end window, if recorded."""
        if not self.curves.has(key):
            return None
        _, values = self.curves.series(key)
        window = stats.tail_window(len(values), self.thresholds.tail_fraction)
        return stats.end_level(values, window)

    @cached_property
    def val_accuracy_key(self) -> str | None:
        """`val_` + the accuracy key, when validation accuracy was recorded."""
        key = self.accuracy_key
        return f"val_{key}" if key is not None and self.curves.has(f"val_{key}") else None

    @property
    def monitor(self) -> str:
        """The key advice should monitor: `"val_loss"` with validation, else `"loss"`."""
        return "val_loss" if self.has_val else "loss"

    @property
    def reference(self) -> float | None:
        """The loss that means "nothing learned": the baseline, else chance; None when unknown."""
        return self.context.reference_loss

    def floor_of(self, values: np.ndarray, fraction: float) -> float:
        """`fraction` × the baseline (or chance): "nearly zero" for this curve. Without either,
        `fraction` / 20 × its first value (a first value is often far above the baseline)."""
        if self.reference:
            return fraction * self.reference
        return fraction / 20 * float(abs(values[0])) if len(values) else 0.0

    # -- judgements shared by several rules ----------------------------------------
    @cached_property
    def level_is_poor(self) -> bool | None:
        """Whether the final training loss is far from a good value; None when unknowable.

        Poor when the loss is above `good_chance_fraction` of the baseline (or
        chance), or the training accuracy below `good_accuracy` (the validation
        accuracy when only it was logged).
        """
        verdicts = []
        if self.reference:
            verdicts.append(self.end_loss > self.thresholds.good_chance_fraction * self.reference)
        accuracy = self.end_of(self.accuracy_key) if self.accuracy_key else None
        if accuracy is None:  # only the validation accuracy logged: training scores at least as well
            logged = [key for key in self.curves.values if key.startswith("val_") and "acc" in key.lower()]
            accuracy = self.end_of(logged[0]) if logged else None
        if accuracy is not None:
            verdicts.append(accuracy < self.thresholds.good_accuracy)
        return any(verdicts) if verdicts else None

    def learning_rate(self, position: int = -1) -> float | None:
        """The logged learning rate at an epoch position (default: the last)."""
        return self.curves.learning_rate_at(position % self.n)

    def epoch_of(self, position: int) -> int:
        """The 0-based epoch number at a position."""
        return int(self.curves.epochs[position])


def format_number(value: float) -> str:
    """Four significant digits, as the progress bar shows them.

    Example:
        >>> format_number(0.000123456), format_number(2.302585), format_number(float("nan"))
        ('0.0001235', '2.303', 'nan')
    """
    return f"{value:.4g}"


def format_epoch(epoch: int) -> str:
    """`"epoch 3"` for 0-based epoch 2: messages count from 1, as the progress bar does."""
    return f"epoch {epoch + 1}"


def learning_rate_range(learning_rate: float, low: float, high: float) -> str:
    """`"0.01–0.03"`: the rate times `low` and `high`, each to one significant digit.

    Example:
        >>> learning_rate_range(0.1, 1 / 10, 1 / 3)
        '0.01–0.03'
    """
    return f"{learning_rate * low:.1g}–{learning_rate * high:.1g}"
