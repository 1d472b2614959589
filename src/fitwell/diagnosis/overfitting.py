"""`overfitting`: validation loss reached its minimum, then rose while the training loss kept falling."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number

__all__ = ["OverfitEvidence", "check_overfitting", "measure_overfitting"]


@dataclass(frozen=True)
class OverfitEvidence:
    """Where validation loss bottomed and how far it rose (positions index the validation series).

    Attributes:
        best: Position of the smoothed minimum.
        onset: First position after `best` where the rise passed half its final size.
        best_value: The smoothed minimum.
        end_value: Median validation loss after the minimum (over the end window).
        rise: `(end_value - best_value) / best_value`.
        noise: Epoch-to-epoch noise of the validation loss.
        epochs_after: Number of validation epochs after the minimum.
    """

    best: int
    onset: int
    best_value: float
    end_value: float
    rise: float
    noise: float
    epochs_after: int


def measure_overfitting(values: np.ndarray, *, tail_fraction: float) -> OverfitEvidence | None:
    """Locate the minimum of a validation curve and the rise after it (None for < 3 values)."""
    if len(values) < 3:
        return None
    smooth = stats.median_smooth(values)
    best = int(np.argmin(smooth))
    after = len(values) - 1 - best
    if after == 0:
        return OverfitEvidence(best, best, float(smooth[best]), float(smooth[best]), 0.0, 0.0, 0)
    window = min(after, stats.tail_window(len(values), tail_fraction))
    end = float(np.median(values[-window:]))
    base = float(smooth[best])
    rise = (end - base) / abs(base) if base else 0.0
    halfway = base + 0.5 * (end - base)
    above = np.flatnonzero(smooth[best + 1 :] > halfway)
    onset = best + 1 + int(above[0]) if len(above) else len(values) - 1
    return OverfitEvidence(best, onset, base, end, rise, stats.noise_scale(values), after)


def check_overfitting(run: RunView) -> Finding | None:
    """`overfitting` when the validation loss rose clearly and lastingly after its minimum."""
    if not run.has_val:
        return None
    th = run.thresholds
    evidence = measure_overfitting(run.val_loss, tail_fraction=th.tail_fraction)
    if evidence is None:
        return None
    needed_after = max(th.overfit_min_epochs_after, round(th.recent_fraction * len(run.val_loss)))
    # The epoch to keep is the raw best (what ModelCheckpoint keeps); the rise is measured from
    # the smoothed minimum, which one lucky epoch cannot pull down.
    best_position = int(run.val_positions[int(np.argmin(run.val_loss))])
    train_at_best = float(run.smooth_loss[best_position])
    established = (
        evidence.epochs_after >= needed_after
        and evidence.rise >= th.overfit_min_rise
        and evidence.end_value - evidence.best_value > th.overfit_noise_multiple * evidence.noise
        and run.end_loss < (1.0 - th.overfit_train_drop) * train_at_best
    )
    if not established:
        return None
    return _finding(run, evidence, best_position, train_at_best)


def _finding(run: RunView, evidence: OverfitEvidence, best_position: int, train_at_best: float) -> Finding:
    best_epoch = run.epoch_of(best_position)
    best_value = float(np.min(run.val_loss))
    onset_epoch = run.epoch_of(int(run.val_positions[evidence.onset]))
    patience = max(2, round(0.1 * len(run.val_loss)))
    return Finding(
        "overfitting",
        "warning",
        [best_epoch, onset_epoch],
        {
            "best_epoch": best_epoch,
            "best_val_loss": best_value,
            "onset_epoch": onset_epoch,
            "end_val_loss": evidence.end_value,
            "rise": evidence.rise,
            "end_loss": run.end_loss,
            "gap": evidence.end_value - run.end_loss,
        },
        f"Keep the weights of {format_epoch(best_epoch)}: EarlyStopping(monitor='val_loss', "
        f"patience={patience}, restore_best_weights=True) or ModelCheckpoint(..., monitor='val_loss', "
        "save_best_only=True). Then regularize: Dropout, weight decay, data augmentation, a smaller "
        "model, or more data.",
        f"val_loss was lowest at {format_epoch(best_epoch)} ({format_number(best_value)}), then rose "
        f"{evidence.rise:.0%} (from {format_epoch(onset_epoch)} on, to {format_number(evidence.end_value)}) "
        f"while loss kept falling ({format_number(train_at_best)} → {format_number(run.end_loss)}) "
        f"by {format_epoch(run.epoch_of(run.n - 1))}.",
    )
