"""The log keys a `fit` run will produce, known before its first step.

After `compile()` and the first batch, fitwell knows every key of the epoch
logs: `loss`, the per-output losses and the metrics (`Objectives.names`),
`learning_rate`, and their `val_` forms when `fit` has validation data.
Callbacks check the keys they name (a monitor, a file-name template)
against them in `on_train_begin`, so a misspelled key is an error before
any weight changes rather than after the first epoch.

The keys cannot be known when the model has its own `train_step` or
`test_step` (they return what they like), or when a callback fitwell does
not know could add keys to the logs; then nothing is checked early.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["RunKeys", "expected_keys", "unknown_key_message"]

#: Keys the loop adds to every epoch's logs (no `val_` form).
LOOP_KEYS = ("learning_rate",)


@dataclass(frozen=True)
class RunKeys:
    """The epoch-log keys of a run, and whether it validates.

    Attributes:
        train: Training keys (`loss`, metrics, `learning_rate`).
        batch: Keys of the batch logs (running averages: no `learning_rate`).
        validation: Whether `fit` received validation data (None when unknown).
    """

    train: tuple[str, ...]
    batch: tuple[str, ...]
    validation: bool | None

    @property
    def epoch(self) -> tuple[str, ...]:
        """Every key an epoch's logs can hold (`val_` ones included when validating)."""
        if self.validation is False:
            return self.train
        return self.train + tuple(f"val_{key}" for key in self.batch)


def _known_callback(callback: Any) -> bool:
    from fitwell.callbacks.lambda_callback import LambdaCallback

    module = type(callback).__module__
    return module.startswith(("fitwell.callbacks.", "fitwell.history")) and not isinstance(
        callback, LambdaCallback
    )


def expected_keys(model: Model | None, params: Mapping[str, Any]) -> RunKeys | None:
    """The keys the run will log, or None when they cannot be known before it.

    Example:
        >>> expected_keys(None, {}) is None
        True
    """
    trainer = getattr(model, "trainer", None)
    if model is None or trainer is None or not trainer.objectives.is_built:
        return None
    if model.overrides_step("train") or model.overrides_step("test"):
        return None
    if not all(_known_callback(callback) for callback in params.get("callbacks") or ()):
        return None
    names = tuple(trainer.objectives.names)
    validation = params.get("validation")
    return RunKeys(
        train=names + LOOP_KEYS, batch=names, validation=None if validation is None else bool(validation)
    )


def unknown_key_message(owner: str, argument: str, value: str, key: str, keys: RunKeys) -> str | None:
    """Why `key` (named by `argument=value`) will never be in the logs, or None when it will be.

    A `val_` key in a run without validation data gets its own hint.
    """
    from fitwell.errors import did_you_mean

    if key in keys.epoch:
        return None
    if key.startswith("val_") and keys.validation is False and key[4:] in keys.batch:
        return (
            f"{owner} uses {key!r}, but this fit() has no validation data, so no `val_` key is "
            f"logged. Received: {argument}={value!r}. Pass `validation_data=` or `validation_split=` "
            f"to fit(), or use a training key such as {key[4:]!r}."
        )
    return (
        f"{owner} uses {key!r}, which this run never logs. Received: {argument}={value!r}. The "
        f"epoch logs will hold: {', '.join(keys.epoch)}.{did_you_mean(key, keys.epoch)}"
    )
