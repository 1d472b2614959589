"""`unstable`: repeated upward jumps of the training loss, erratic validation loss, or batches
far outside their epoch's spread."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range

__all__ = ["check_instability", "peaks", "spikes"]


def spikes(values: np.ndarray, *, relative: float, floor: float) -> np.ndarray:
    """Indices `t` where `values[t]` jumped above `values[t-1]` by more than `relative` × it
    and by more than `floor` (so that wiggles of a loss already near zero do not count).

    Example:
        >>> spikes(np.array([1.0, 0.5, 0.9, 0.4, 0.41, 0.8]), relative=0.25, floor=0.02).tolist()
        [2, 5]
        >>> spikes(np.array([1.0, 0.01, 0.002, 0.004]), relative=0.25, floor=0.02).tolist()
        []
    """
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    rise = np.diff(values)
    is_spike = (rise > relative * np.abs(values[:-1])) & (rise > floor)
    return np.flatnonzero(is_spike) + 1


def peaks(values: np.ndarray, *, relative: float, floor: float) -> np.ndarray:
    """Indices `t` where `values[t]` stands more than `relative` above both neighbours (the last
    value: above the previous one), at a level above `floor`: a jump up and back down.

    A curve that rises steadily (validation loss while overfitting) has no peaks;
    an erratic one has many, however far it has fallen since its start.

    Example:
        >>> peaks(np.array([1.0, 0.5, 0.9, 0.4, 0.41, 0.42, 0.8]), relative=0.3, floor=0.02).tolist()
        [2, 6]
        >>> peaks(np.array([0.4, 0.55, 0.75, 1.0, 1.3]), relative=0.3, floor=0.02).tolist()
        []
    """
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    after = np.append(values[2:], -np.inf)
    neighbours = np.maximum(values[:-1], after)
    is_peak = (values[1:] > (1.0 + relative) * neighbours) & (values[1:] > floor)
    return np.flatnonzero(is_peak) + 1


def _enough(count: int, steps: int, run: RunView, *, capped: bool = False) -> bool:
    th = run.thresholds
    share = th.unstable_spike_share * steps
    needed = max(th.unstable_min_spikes, min(share, th.unstable_enough_spikes) if capped else share)
    return count >= needed


def _batch_outliers(run: RunView) -> tuple[np.ndarray, np.ndarray] | None:
    """Epochs whose largest batch loss lies far above the epoch's median batch loss (robustly)."""
    stats = run.curves.batch_stats
    if not stats or not {"loss_max", "loss_median", "loss_deviation"} <= set(stats):
        return None
    deviation = np.maximum(stats["loss_deviation"], 1e-12)
    distance = (stats["loss_max"] - stats["loss_median"]) / deviation
    distance[0] = 0.0  # the first epoch falls fast within itself
    return np.flatnonzero(distance > run.thresholds.batch_spread_unstable), distance


def check_instability(run: RunView) -> Finding | None:
    """`unstable` when spikes are frequent in the training or validation loss, or inside epochs."""
    th = run.thresholds
    train_scale = run.reference or float(abs(run.loss[0]))
    train = spikes(run.loss, relative=th.spike_relative, floor=th.spike_of_start * train_scale)
    val = (
        peaks(
            run.val_loss,
            relative=th.val_spike_relative,
            floor=run.floor_of(run.val_loss, th.val_spike_of_start),
        )
        if run.has_val
        else np.zeros(0, dtype=int)
    )
    if _enough(len(train), run.n - 1, run):
        values, positions, name, epoch_positions = run.loss, train, "loss", train
    elif run.has_val and _enough(len(val), len(run.val_loss) - 1, run, capped=True):
        values, positions, name, epoch_positions = run.val_loss, val, "val_loss", run.val_positions[val]
    else:
        return _inside_epochs(run, len(train), len(val))
    rises = values[positions] - values[positions - 1]
    relative_rises = rises / np.abs(values[positions - 1])
    worst = int(np.argmax(relative_rises))
    worst_epoch = run.epoch_of(int(epoch_positions[worst]))
    before, after = float(values[positions[worst] - 1]), float(values[positions[worst]])
    count, steps = len(positions), len(values) - 1
    evidence = {
        "curve": name,
        "spikes": count,
        "steps": steps,
        "largest_rise": float(rises[worst]),
        "train_spikes": len(train),
        "val_spikes": len(val),
    }
    evidence.update(_batch_evidence(run))
    threshold = th.val_spike_relative if name == "val_loss" else th.spike_relative
    where = "above its neighbours " if name == "val_loss" else ""
    return Finding(
        "unstable",
        "warning",
        [run.epoch_of(int(p)) for p in epoch_positions],
        evidence,
        _advice(run),
        f"{name} jumped up by more than {threshold:.0%} {where}in {count} of {steps} epochs (largest: "
        f"{format_number(before)} → {format_number(after)} at {format_epoch(worst_epoch)}, "
        f"+{relative_rises[worst]:.0%}).",
    )


def _inside_epochs(run: RunView, train_spikes: int, val_spikes: int) -> Finding | None:
    found = _batch_outliers(run)
    if found is None:
        return None
    outliers, distance = found
    if run.n < 3 or len(outliers) < max(2, run.thresholds.batch_spread_share * (run.n - 1)):
        return None
    stats = run.curves.batch_stats or {}
    worst = int(outliers[np.argmax(distance[outliers])])
    return Finding(
        "unstable",
        "warning",
        [run.epoch_of(int(p)) for p in outliers],
        {
            "curve": "batch loss",
            "epochs_with_outlying_batches": len(outliers),
            "train_spikes": train_spikes,
            "val_spikes": val_spikes,
            **_batch_evidence(run),
        },
        _advice(run),
        f"the epoch means look calm, but inside {len(outliers)} of {run.n} epochs a batch loss lay far "
        f"above the rest (at {format_epoch(run.epoch_of(worst))}: up to "
        f"{format_number(float(stats['loss_max'][worst]))}"
        f" against a median of {format_number(float(stats['loss_median'][worst]))}).",
    )


def _batch_evidence(run: RunView) -> dict:
    """The inside-the-epoch numbers of the last epoch, when recorded."""
    stats = run.curves.batch_stats
    if not stats:
        return {}
    return {f"last_epoch_batch_{key}": float(values[-1]) for key, values in stats.items() if len(values)}


def _advice(run: RunView) -> str:
    return (
        f"{_lower_rate_text(run)}, or use a larger batch; ReduceLROnPlateau and gradient clipping "
        "(clipnorm=1.0) also calm it."
    )


def _lower_rate_text(run: RunView) -> str:
    learning_rate = run.learning_rate()
    if learning_rate is None:
        return "Lower the learning rate 3–10×"
    return (
        f"Lower the learning rate 3–10× (learning_rate={format_number(learning_rate)} → "
        f"{learning_rate_range(learning_rate, 1 / 10, 1 / 3)})"
    )
