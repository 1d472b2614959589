"""Drive a Keras callback and a fitwell callback through the same scripted epoch logs.

Each epoch, before the callback runs, every weight of the model is set to
the epoch index, so the weights left after `on_train_end` tell which epoch
was restored (-1: the initial weights).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

import fitwell

INITIAL_MARK = -1.0


def keras_model(learning_rate: float = 0.5, metrics: list[Any] | None = None) -> Any:
    """A compiled 2→1 Keras model (torch backend), its metrics built."""
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=metrics)
    if metrics:
        model.evaluate(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    _mark(model, INITIAL_MARK)
    return model


def fitwell_model(learning_rate: float = 0.5, metrics: list[Any] | None = None) -> fitwell.Model:
    """A compiled 2→1 fitwell model on the CPU, its metrics built."""
    model = fitwell.Model(torch.nn.Linear(2, 1))
    model.compile(
        optimizer=fitwell.optimizers.SGD(learning_rate=learning_rate),
        loss="mse",
        metrics=metrics,
        device="cpu",
    )
    if metrics:
        model.evaluate(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    _mark(model, INITIAL_MARK)
    return model


def _mark(model: Any, value: float) -> None:
    model.set_weights([np.full(np.shape(w), value, dtype="float32") for w in model.get_weights()])


def mark_of(model: Any) -> float:
    """The epoch index the model's weights were marked with."""
    return float(np.asarray(model.get_weights()[0]).flat[0])


@dataclass
class Run:
    """What a scripted run produced."""

    epochs_run: int = 0
    learning_rates: list[float] = field(default_factory=list)
    logged_rates: list[float] = field(default_factory=list)
    restored: float = INITIAL_MARK


def run_epochs(callback: Any, model: Any, logs_per_epoch: list[dict[str, float]]) -> Run:
    """Call the callback's epoch hooks with the scripted logs until it stops training."""
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin({})
    run = Run()
    logs: dict[str, float] = {}
    for epoch, epoch_logs in enumerate(logs_per_epoch):
        _mark(model, float(epoch))
        callback.on_epoch_begin(epoch, {})
        logs = dict(epoch_logs)
        callback.on_epoch_end(epoch, logs)
        run.epochs_run += 1
        run.learning_rates.append(float(np.asarray(model.optimizer.learning_rate)))
        if "learning_rate" in logs:
            run.logged_rates.append(float(logs["learning_rate"]))
        if model.stop_training:
            break
    callback.on_train_end(logs)
    run.restored = mark_of(model)
    return run


def as_logs(key: str, values: list[float]) -> list[dict[str, float]]:
    """One `{key: value}` log per epoch."""
    return [{key: value} for value in values]


def random_sequence(rng: np.random.Generator, length: int, *, first_watched: int = 0) -> list[float]:
    """A noisy, sometimes flat, sometimes tied sequence; NaN/inf only after the first watched epoch.

    (A NaN in the first watched epoch is where fitwell parts from Keras on purpose.)
    """
    values = np.round(1.0 + np.cumsum(rng.normal(-0.02, 0.05, size=length)), 2).tolist()
    if rng.random() < 0.3:
        start = int(rng.integers(1, length))
        values[start:] = [values[start]] * (length - start)
    if first_watched + 1 < length and rng.random() < 0.2:
        values[int(rng.integers(first_watched + 1, length))] = math.nan if rng.random() < 0.7 else math.inf
    return values
