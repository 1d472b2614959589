"""`unstable`: repeated upward jumps of the training loss, or erratic validation loss."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range

__all__ = ["check_instability", "spikes"]


def spikes(values: np.ndarray, *, relative: float, of_start: float) -> np.ndarray:
    """Indices `t` where `values[t]` jumped above `values[t-1]` by both margins.

    A spike rises by more than `relative` × the previous value and by more
    than `of_start` × the first value.

    Example:
        >>> spikes(np.array([1.0, 0.5, 0.9, 0.4, 0.41, 0.8]), relative=0.25, of_start=0.02).tolist()
        [2, 5]
    """
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    rise = np.diff(values)
    is_spike = (rise > relative * values[:-1]) & (rise > of_start * abs(values[0]))
    return np.flatnonzero(is_spike) + 1


def _enough(count: int, steps: int, run: RunView) -> bool:
    th = run.thresholds
    return count >= max(th.unstable_min_spikes, th.unstable_spike_share * steps)


def check_instability(run: RunView) -> Finding | None:
    """`unstable` when spikes are frequent in the training loss or in the validation loss."""
    th = run.thresholds
    train = spikes(run.loss, relative=th.spike_relative, of_start=th.spike_of_start)
    val = (
        spikes(run.val_loss, relative=th.val_spike_relative, of_start=th.val_spike_of_start)
        if run.has_val
        else np.zeros(0, dtype=int)
    )
    if _enough(len(train), run.n - 1, run):
        values, positions, name, epoch_positions = run.loss, train, "loss", train
    elif run.has_val and _enough(len(val), len(run.val_loss) - 1, run):
        values, positions, name, epoch_positions = run.val_loss, val, "val_loss", run.val_positions[val]
    else:
        return None
    rises = values[positions] - values[positions - 1]
    worst = int(np.argmax(rises))
    worst_epoch = run.epoch_of(int(epoch_positions[worst]))
    before, after = float(values[positions[worst] - 1]), float(values[positions[worst]])
    count, steps = len(positions), len(values) - 1
    return Finding(
        "unstable",
        "warning",
        [run.epoch_of(int(p)) for p in epoch_positions],
        {
            "curve": name,
            "spikes": count,
            "steps": steps,
            "largest_rise": float(rises[worst]),
            "train_spikes": len(train),
            "val_spikes": len(val),
        },
        f"{_lower_rate_text(run)}, or use a larger batch; ReduceLROnPlateau and gradient clipping "
        "(clipnorm=1.0) also calm it.",
        f"{name} jumped up in {count} of {steps} epochs (largest: {format_number(before)} → "
        f"{format_number(after)} at {format_epoch(worst_epoch)}).",
    )


def _lower_rate_text(run: RunView) -> str:
    learning_rate = run.learning_rate()
    if learning_rate is None:
        return "Lower the learning rate 3–10×"
    return (
        f"Lower the learning rate 3–10× (learning_rate={format_number(learning_rate)} → "
        f"{learning_rate_range(learning_rate, 1 / 10, 1 / 3)})"
    )
