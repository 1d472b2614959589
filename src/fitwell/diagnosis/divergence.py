"""`diverged`: the training loss became NaN/Inf, exploded, or ended worse than guessing."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range

__all__ = ["check_divergence"]


def _advice(run: RunView, position: int) -> str:
    learning_rate = run.learning_rate(position)
    if learning_rate is None:
        lower = "lower the learning rate 3–10×"
    else:
        lower = f"lower it 3–10×, to {learning_rate_range(learning_rate, 1 / 10, 1 / 3)}"
    return (
        f"{lower}. If it still happens, clip gradients (e.g. Adam(clipnorm=1.0)) and check the "
        "inputs and targets for NaN/Inf or unscaled values."
    )


def _rate_text(run: RunView, position: int) -> str:
    learning_rate = run.learning_rate(position)
    return "" if learning_rate is None else f" with learning_rate={format_number(learning_rate)}"


def check_divergence(run: RunView, *, nan_batch: int | None = None) -> Finding | None:
    """`diverged` when the loss is non-finite, grew far above its best, or ended far above chance.

    Args:
        run: The run.
        nan_batch: The batch (within the first non-finite epoch) where the loss first
            became non-finite, when known (the live callback knows it).

    Returns:
        The finding, or None.
    """
    bad = np.flatnonzero(~np.isfinite(run.loss))
    if len(bad):
        return _non_finite(run, int(bad[0]), nan_batch)
    return _exploded(run) or _above_chance(run)


def _non_finite(run: RunView, position: int, nan_batch: int | None) -> Finding:
    epoch = run.epoch_of(position)
    value = "NaN" if np.isnan(run.loss[position]) else "Inf"
    where = format_epoch(epoch) + (f", batch {nan_batch}" if nan_batch is not None else "")
    evidence: dict = {"epoch": epoch, "value": value.lower()}
    if nan_batch is not None:
        evidence["batch"] = int(nan_batch)
    if run.learning_rate(position) is not None:
        evidence["learning_rate"] = run.learning_rate(position)
    if position > 0:
        evidence["last_finite_loss"] = float(run.loss[position - 1])
    return Finding(
        "diverged",
        "error",
        [epoch],
        evidence,
        f"The loss became {value} at {where}{_rate_text(run, position)}; {_advice(run, position)}",
        f"loss became {value} at {where}.",
    )


def _exploded(run: RunView) -> Finding | None:
    growth = run.thresholds.diverge_growth
    best_position = int(np.argmin(run.loss))
    best, end = float(run.loss[best_position]), run.end_loss
    if not (best > 0 and end > growth * best and end > float(run.loss[0])):
        return None
    grown = best_position + int(np.argmax(run.loss[best_position:] > growth * best))
    epoch = run.epoch_of(grown)
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"best_loss": best, "best_epoch": run.epoch_of(best_position), "end_loss": end, "growth": end / best},
        f"The loss grew {end / best:.1f}× above its best{_rate_text(run, grown)}; {_advice(run, grown)}",
        f"loss exploded from {format_number(best)} ({format_epoch(run.epoch_of(best_position))}) to "
        f"{format_number(end)} by {format_epoch(epoch)}.",
    )


def _above_chance(run: RunView) -> Finding | None:
    chance, end = run.context.chance_loss, run.end_loss
    if not chance or end <= run.thresholds.diverge_above_chance * chance:
        return None
    return Finding(
        "diverged",
        "error",
        [run.epoch_of(0)],
        {"end_loss": end, "chance_loss": chance, "times_chance": end / chance},
        f"The model is confidently wrong: a uniform guess would score {format_number(chance)}"
        f"{_rate_text(run, 0)}; {_advice(run, 0)}",
        f"loss ended at {format_number(end)}, {end / chance:.1f}× the chance level "
        f"{format_number(chance)} (worse than guessing).",
    )
