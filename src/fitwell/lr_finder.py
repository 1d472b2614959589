"""The learning-rate finder: an exponential sweep of the rate, and a suggestion from its curve.

`find_learning_rate(model, x, y)` (also `model.find_learning_rate(x, y)`)
trains for a few hundred steps while raising the learning rate
exponentially from `start_lr` to `end_lr`, records the loss of every step,
stops once the smoothed loss has clearly diverged, and suggests a rate. The
model's weights, its optimizer's state and every random generator are put
back exactly as they were, so a `fit()` afterwards runs as if no sweep had
happened.

The suggestion is a pure function of the sweep, `suggest_learning_rate`:
a tenth of the rate at which the smoothed loss was lowest.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

if TYPE_CHECKING:
    from fitwell.model import Model
    from fitwell.trainer import Trainer

__all__ = ["LearningRateSweep", "find_learning_rate", "smooth_losses", "suggest_learning_rate"]

#: Steps between two reads of the losses from the device to check for divergence.
CHECK_EVERY = 10
#: The loss must fall at least this fraction during the sweep for a suggestion.
MIN_FALL = 0.01


@dataclass
class LearningRateSweep:
    """The result of `find_learning_rate`.

    Attributes:
        rates: The learning rate of each step.
        losses: The training loss of each step (NaN/Inf kept as recorded).
        smoothed: The smoothed losses (bias-corrected exponential average).
        suggestion: The suggested learning rate (None when the sweep never
            found a descent).
        stopped_early: Whether the sweep ended because the loss diverged.
    """

    rates: list[float]
    losses: list[float]
    smoothed: list[float] = field(default_factory=list)
    suggestion: float | None = None
    stopped_early: bool = False

    def plot(self, *, ax: Any = None, path: Any = None) -> Any:
        """Draw the loss against the learning rate (log scale) with the suggestion; returns the Figure."""
        from fitwell.plotting import plot_lr_sweep

        return plot_lr_sweep(
            self.rates, self.losses, suggestion=self.suggestion, smoothed=self.smoothed, ax=ax, path=path
        )

    def __repr__(self) -> str:
        suggestion = "None" if self.suggestion is None else f"{self.suggestion:.3g}"
        return (
            f"LearningRateSweep(steps={len(self.rates)}, suggestion={suggestion}, "
            f"stopped_early={self.stopped_early})"
        )


def smooth_losses(losses: Sequence[float], beta: float = 0.9) -> np.ndarray:
    """Exponential moving average with bias correction (so early values are not pulled to 0).

    Non-finite losses are carried as NaN from where they appear.

    Example:
        >>> smooth_losses([1.0, 1.0, 1.0]).tolist()
        [1.0, 1.0, 1.0]
    """
    values = np.asarray(losses, dtype=np.float64)
    smoothed = np.full(len(values), np.nan)
    average = 0.0
    for index, value in enumerate(values):
        if not np.isfinite(value):
            break
        average = beta * average + (1.0 - beta) * value
        smoothed[index] = average / (1.0 - beta ** (index + 1))
    return smoothed


def suggest_learning_rate(
    rates: Sequence[float], losses: Sequence[float], *, beta: float = 0.9, skip_start: float = 0.05
) -> float | None:
    """Suggest a learning rate from a sweep: a tenth of the rate where the smoothed loss was lowest.

    Past the lowest point the loss climbs because the rate has grown too
    large; an order of magnitude below it is fast yet safely stable (the
    usual reading of Smith's range test). The losses are smoothed
    (`smooth_losses`), the sweep is cut at the first non-finite loss, and the
    first `skip_start` share of steps is ignored, so neither a NaN at the end
    nor a spike at the start moves the answer.

    Args:
        rates: Learning rates, increasing.
        losses: Raw losses at those rates.
        beta: Smoothing factor of the moving average.
        skip_start: Share of the first steps to ignore.

    Returns:
        The suggested rate, or None when the loss never fell.

    Raises:
        ValueError: For sequences of different lengths.

    Example:
        >>> rates = np.geomspace(1e-5, 1.0, 100)
        >>> losses = 1.0 / (1.0 + rates / 1e-3) + (rates / 0.1) ** 2
        >>> suggestion = suggest_learning_rate(rates, losses)
        >>> round(math.log10(suggestion), 1)  # lowest loss near 10**-1.5
        -2.5
    """
    rates_array, losses_array = np.asarray(rates, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    if rates_array.shape != losses_array.shape:
        raise ValueError(
            "`rates` and `losses` must have the same length. Received: "
            f"{len(rates_array)} rates and {len(losses_array)} losses."
        )
    smoothed = smooth_losses(losses_array, beta)
    finite = len(smoothed) if np.isfinite(smoothed).all() else int(np.argmax(~np.isfinite(smoothed)))
    start = min(int(skip_start * finite), max(finite - 3, 0))
    rates_array, smoothed = rates_array[start:finite], smoothed[start:finite]
    if len(smoothed) < 3:
        return None
    lowest = int(np.argmin(smoothed))
    if lowest == 0 or smoothed[lowest] >= smoothed[0] * (1.0 - MIN_FALL):
        return None
    return float(rates_array[lowest] / 10.0)


def _capture_random_states() -> dict[str, Any]:
    states: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def _restore_random_states(states: dict[str, Any]) -> None:
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    if "cuda" in states:
        torch.cuda.set_rng_state_all(states["cuda"])


def _check_arguments(start_lr: float, end_lr: float, num_steps: int, batch_size: int, beta: float) -> None:
    problems = []
    if not (isinstance(start_lr, int | float) and start_lr > 0):
        problems.append(f"`start_lr` must be > 0. Received: start_lr={start_lr!r}")
    if not (isinstance(end_lr, int | float) and isinstance(start_lr, int | float) and end_lr > start_lr):
        problems.append(f"`end_lr` must be > start_lr. Received: start_lr={start_lr!r}, end_lr={end_lr!r}")
    if isinstance(num_steps, bool) or not isinstance(num_steps, int) or num_steps < 10:
        problems.append(f"`num_steps` must be an int >= 10. Received: num_steps={num_steps!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        problems.append(f"`batch_size` must be an int >= 1. Received: batch_size={batch_size!r}")
    if not 0.0 <= beta < 1.0:
        problems.append(f"`smoothing` must be in [0, 1). Received: smoothing={beta!r}")
    if problems:
        raise ValueError(" ".join(problems))


def find_learning_rate(
    model: Model,
    x: Any,
    y: Any = None,
    *,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 200,
    batch_size: int = 32,
    sample_weight: Any = None,
    smoothing: float = 0.9,
    divergence_factor: float = 4.0,
) -> LearningRateSweep:
    """Sweep the learning rate exponentially over `num_steps` training steps and suggest one.

    The model must be compiled. Steps draw shuffled batches (cycling through
    the data as often as needed). The sweep stops early once the smoothed
    loss exceeds `divergence_factor` times its lowest value, or becomes
    non-finite. Afterwards the weights (and buffers), the optimizer's state
    and learning rate, and the Python, NumPy and torch random states are
    exactly as before the call. A model that was never run is built first,
    as `fit()` would.

    Args:
        model: A compiled fitwell model.
        x: Inputs, in any form `fit()` accepts.
        y: Targets (unless `x` yields them).
        start_lr: First learning rate.
        end_lr: Last learning rate (reached only if the loss never diverges).
        num_steps: Number of steps of the sweep.
        batch_size: Batch size of array data.
        sample_weight: Per-sample weights, as in `fit()`.
        smoothing: Factor of the exponential average of the losses.
        divergence_factor: Stop when the smoothed loss exceeds this many times
            its lowest value.

    Returns:
        A `LearningRateSweep` with `rates`, `losses`, `suggestion` and `plot()`.

    Raises:
        NotCompiledError: When the model was not compiled.
        ValueError: For invalid arguments.

    Example:
        >>> sweep = model.find_learning_rate(x, y, num_steps=100)  # doctest: +SKIP
        >>> sweep.suggestion, sweep.plot(path="lr.png")  # doctest: +SKIP
    """
    from fitwell import data as data_module
    from fitwell.trainer import require_trainer

    trainer = require_trainer(model, "find_learning_rate()")
    _check_arguments(start_lr, end_lr, num_steps, batch_size, smoothing)
    if model.overrides_step("train"):
        raise ValueError(
            f"find_learning_rate() runs fit()'s default step and reads its loss, but "
            f"{type(model).__name__} overrides train_step(). Received: a model with a custom "
            "train_step. Sweep the rate with the default step (e.g. on the same model without the "
            "override), or with a LearningRateScheduler and your own step."
        )
    data = data_module.as_data(
        x, y, sample_weight, batch_size=batch_size, shuffle=True, device=trainer.device, shard=trainer.shard
    )
    trainer.build(data.first_batch(), step="train")
    rates = np.geomspace(start_lr, end_lr, num_steps).tolist()
    saved = _capture(model, trainer)
    try:
        losses, stopped_early = _sweep(trainer, data, rates, smoothing, divergence_factor)
    finally:
        _restore(model, trainer, saved)
    recorded = torch.stack(losses).float().cpu().numpy().tolist() if losses else []
    rates = rates[: len(recorded)]
    return LearningRateSweep(
        rates=rates,
        losses=recorded,
        smoothed=smooth_losses(recorded, smoothing).tolist(),
        suggestion=suggest_learning_rate(rates, recorded, beta=smoothing),
        stopped_early=stopped_early,
    )


def _sweep(
    trainer: Trainer, data: Any, rates: list[float], smoothing: float, divergence_factor: float
) -> tuple[list[torch.Tensor], bool]:
    """One step of `fit()`'s own per rate, cycling through the data; the losses stay on the device."""
    optimizer = trainer.optimizer
    losses: list[torch.Tensor] = []
    trainer.model.train()
    while True:
        for batch in data.epoch():
            # Set the rate the optimizer resolves at each step, overriding any schedule.
            optimizer.learning_rate_schedule = float(rates[len(losses)])
            losses.append(_global_loss(trainer, trainer.train_step(batch), batch))
            done = len(losses) == len(rates)
            if (len(losses) % CHECK_EVERY == 0 or done) and _diverged(losses, smoothing, divergence_factor):
                return losses, True
            if done:
                return losses, False


def _global_loss(trainer: Trainer, loss: torch.Tensor, batch: Any) -> torch.Tensor:
    """The whole batch's loss; under torchrun each process holds the loss of its shard."""
    if trainer.world_size == 1:
        return loss
    import torch.distributed as dist

    weighted = loss * batch.size if batch.size else torch.zeros_like(loss)  # an empty shard adds nothing
    sums = torch.stack([weighted, torch.tensor(float(batch.size), device=loss.device)])
    dist.all_reduce(sums)
    return sums[0] / sums[1]


def _capture(model: Model, trainer: Trainer) -> dict[str, Any]:
    """Everything the sweep changes: weights and buffers, optimizer state and rate, random states."""
    optimizer = trainer.optimizer
    return {
        "weights": {name: tensor.detach().clone() for name, tensor in model.state_dict().items()},
        "optimizer": copy.deepcopy(optimizer.state_dict()),
        "learning_rate": optimizer.learning_rate_schedule,  # a float or a schedule, put back as it was
        "random": _capture_random_states(),
        "training": model.training,
        "stop_training": model.stop_training,
    }


def _restore(model: Model, trainer: Trainer, saved: dict[str, Any]) -> None:
    optimizer = trainer.optimizer
    with torch.no_grad():
        model.load_state_dict(saved["weights"])
    optimizer.load_state_dict(saved["optimizer"])
    optimizer.learning_rate_schedule = saved["learning_rate"]
    optimizer.zero_grad()
    trainer.reset_metrics()
    _restore_random_states(saved["random"])
    model.train(saved["training"])
    model.stop_training = saved["stop_training"]


def _diverged(losses: list[torch.Tensor], beta: float, factor: float) -> bool:
    """Whether the smoothed loss is non-finite or far above its lowest value (one device read)."""
    values = torch.stack(losses).float().cpu().numpy()
    smoothed = smooth_losses(values, beta)
    if not np.isfinite(values).all():
        return True
    lowest = float(np.min(smoothed))
    return bool(lowest > 0 and smoothed[-1] > factor * lowest) or math.isinf(smoothed[-1])
