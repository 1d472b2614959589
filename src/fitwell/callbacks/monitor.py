"""`Monitor`: the watched log value of EarlyStopping, ReduceLROnPlateau and ModelCheckpoint.

One place decides which way a value should move (`mode`), whether a new
value improves on a reference, and what happens when the value is missing
from the logs. The three callbacks hold a `Monitor` rather than inherit one.

Comparisons follow Keras: `current - min_delta` (sign by direction) against
the reference, both rounded to float32 first, strictly. One deliberate
difference: a NaN never counts as an improvement (Keras lets a NaN in the
first epoch become the best value for good).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from fitwell.errors import did_you_mean

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["MODES", "Monitor", "check_arguments", "float_problem", "int_problem"]

MODES = ("auto", "min", "max")

#: Fragments of a log name that mean "higher is better" when no compiled
#: metric tells (Keras 2 used "acc"; AUC, precision, recall, F-scores, R², IoU added).
HIGHER_IS_BETTER_FRAGMENTS = ("acc", "auc", "precision", "recall", "f1", "fbeta", "r2", "iou")


def check_arguments(owner: str, problems: Iterable[str]) -> None:
    """Raise one `ValueError` listing every problem found in `owner`'s arguments.

    Example:
        >>> check_arguments("EarlyStopping", [])
    """
    problems = list(problems)
    if problems:
        raise ValueError(f"Invalid arguments for {owner}: " + " ".join(problems))


def int_problem(value: Any, argument: str, minimum: int = 0) -> list[str]:
    """`[message]` when `value` is not an int >= `minimum`, else `[]`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        return [f"`{argument}` must be an int >= {minimum}. Received: {argument}={value!r}."]
    return []


def float_problem(value: Any, argument: str, *, allow_none: bool = False) -> list[str]:
    """`[message]` when `value` is not a finite real number (or None where allowed), else `[]`."""
    if value is None and allow_none:
        return []
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        return [f"`{argument}` must be a number. Received: {argument}={value!r}."]
    if not math.isfinite(value):
        return [f"`{argument}` must be finite. Received: {argument}={value!r}."]
    return []


class Monitor:
    """A log key to watch, the direction it should move in, and how to compare.

    Args:
        monitor: The log key, e.g. `"val_loss"`.
        mode: `"min"`, `"max"`, or `"auto"`: losses decrease; a compiled
            metric's `higher_is_better` decides; else names with
            accuracy/AUC-like fragments increase; anything else is an error.
        min_delta: The smallest change that counts as an improvement.
        owner: The callback's class name, for messages.

    Example:
        >>> monitor = Monitor("val_loss", mode="auto", min_delta=0.0, owner="EarlyStopping")
        >>> monitor.resolve(None)
        >>> monitor.is_improvement(0.5, 0.7), monitor.is_improvement(float("nan"), None)
        (True, False)
    """

    def __init__(self, monitor: str, *, mode: str, min_delta: float, owner: str) -> None:
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(float(min_delta))
        self.owner = owner
        self.higher_is_better: bool | None = {"min": False, "max": True}.get(mode)
        self._warned_missing = False

    @staticmethod
    def problems(monitor: Any, mode: Any) -> list[str]:
        """Messages for an invalid `monitor` or `mode` (checked by each callback's `__init__`)."""
        found = []
        if not isinstance(monitor, str) or not monitor:
            found.append(f"`monitor` must be a log key such as 'val_loss'. Received: monitor={monitor!r}.")
        if mode not in MODES:
            found.append(f"`mode` must be one of {MODES}. Received: mode={mode!r}.")
        return found

    def reset(self) -> None:
        """Forget the one-time warning (called at the start of every `fit`)."""
        self._warned_missing = False

    def check_run(self, model: Model | None, params: Mapping[str, Any]) -> None:
        """At `on_train_begin`: decide the direction and make sure the run will log the key.

        A `val_` key in a run without validation data stays a warning at
        each epoch (as in Keras); a key the run never logs is an error now,
        before any weight changes.

        Raises:
            ValueError: For a key the run will never log, or a direction
                `mode="auto"` cannot tell.
        """
        from fitwell.callbacks.run_keys import expected_keys, unknown_key_message

        keys = expected_keys(model, params)
        if keys is not None and not (self.monitor.startswith("val_") and keys.validation is False):
            message = unknown_key_message(self.owner, "monitor", self.monitor, self.monitor, keys)
            if message is not None:
                raise ValueError(message + " Pass one of these keys as `monitor`.")
        self.resolve(model)

    # -- direction ---------------------------------------------------------
    def resolve(self, model: Model | None) -> None:
        """Decide the direction now if `mode="auto"` (needs the compiled metrics)."""
        if self.higher_is_better is None:
            self.higher_is_better = self._auto_direction(model)

    def _auto_direction(self, model: Model | None) -> bool:
        name = self.monitor.removeprefix("val_")
        trainer = getattr(model, "trainer", None)
        metric_keys = [] if trainer is None else list(trainer.objectives.metric_keys)
        metric_keys += [(metric.name, metric) for metric in getattr(model, "metrics", [])]
        for key, metric in metric_keys:
            if key == name and getattr(metric, "higher_is_better", None) is not None:
                return bool(metric.higher_is_better)
        if name == "loss" or name.endswith("_loss"):
            return False
        if any(fragment in name.lower() for fragment in HIGHER_IS_BETTER_FRAGMENTS):
            return True
        known = ["loss", *(key for key, _ in metric_keys)]
        known += [f"val_{key}" for key in known]
        raise ValueError(
            f"{self.owner} cannot tell whether {self.monitor!r} should go up or down: it is not "
            "a loss, no compiled metric of that name declares `higher_is_better`, and the name "
            "does not look like an accuracy. Received: "
            f"monitor={self.monitor!r}, mode='auto'.{did_you_mean(self.monitor, known)} "
            "Pass mode='max' to keep the highest value or mode='min' to keep the lowest."
        )

    # -- comparison --------------------------------------------------------
    def is_improvement(self, current: float, reference: float | None) -> bool:
        """Whether `current` beats `reference` by more than `min_delta`; NaN never does."""
        if math.isnan(current):
            return False
        if reference is None:
            return True
        if self.higher_is_better:
            return bool(np.float32(current - self.min_delta) > np.float32(reference))
        return bool(np.float32(current + self.min_delta) < np.float32(reference))

    # -- reading the logs --------------------------------------------------
    def read(self, logs: Mapping[str, Any] | None) -> float | None:
        """The monitored value, or None for an epoch without validation.

        A `val_` key is missing legitimately in epochs that ran no
        validation (`validation_freq > 1`, or no validation data): the
        first time, a warning lists the keys there are; the epoch is then
        skipped. Any other missing key will never appear, so it is an error.

        Raises:
            ValueError: When the key is missing from logs that could hold it.
        """
        logs = logs or {}
        if self.monitor in logs:
            return float(logs[self.monitor])
        keys = sorted(logs)
        hint = did_you_mean(self.monitor, keys)
        available = f"Available keys: {', '.join(keys) or '(none)'}."
        validation_missing = self.monitor.startswith("val_") and not any(k.startswith("val_") for k in keys)
        if not validation_missing:
            raise ValueError(
                f"{self.owner} is monitoring {self.monitor!r}, which is not in the logs. "
                f"Received: monitor={self.monitor!r}. {available}{hint} Pass one of the "
                "available keys as `monitor` (a callback that adds the key must come first in "
                "`callbacks`)."
            )
        if not self._warned_missing:
            self._warned_missing = True
            warnings.warn(
                f"{self.owner} is monitoring {self.monitor!r}, but this epoch ran no validation, "
                f"so it is skipped. {available}{hint} Validation keys appear only when `fit()` "
                "receives `validation_data=` or `validation_split=`, and only in the epochs "
                "`validation_freq` selects. This warning is shown once per fit().",
                stacklevel=3,
            )
        return None
