"""What overfitting is judged on, measured: where the validation loss bottomed and how far it rose
after (`measure_overfitting`), where a validation curve ended (`end_level`), and a validation
accuracy that stalled within its set's sampling noise while the training accuracy pulled away
(`accuracy_stalled`). `overfitting.py` words the findings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.metric_names import is_accuracy
from fitwell.diagnosis.run import RunView
from fitwell.diagnosis.stats import difference_error, estimated_samples

__all__ = [
    "AccuracyStall",
    "OverfitEvidence",
    "accuracy_stalled",
    "end_level",
    "measure_overfitting",
    "val_loss_no_better_since",
]

#: The share of the accuracy gap at the end that must have opened after the validation accuracy
#: stopped improving (beyond its sampling noise) for that stall to count as overfitting.
GAP_OPENED_SHARE = 0.5


@dataclass(frozen=True)
class OverfitEvidence:
    """Where validation loss bottomed and how far it rose (positions index the validation series).

    Attributes:
        best: Position of the smoothed minimum.
        onset: First position after `best` where the rise passed half its final size.
        best_value: The smoothed minimum.
        end_value: Where validation loss ended after the minimum: the median over the end window,
            or the level of the last three epochs when it is higher (see `end_level`).
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
    """Locate the minimum of a validation curve and the rise after it (None for < 3 values). The
    minimum is that of a running median over about a thirtieth of the run (3 epochs up to 119
    epochs; 51 over 1,500), so that a long noisy run is measured from its level, not a dip."""
    if len(values) < 3:
        return None
    smooth = stats.running_median(values, 2 * (len(values) // 60) + 1)
    best = int(np.argmin(smooth))
    after = len(values) - 1 - best
    if after == 0:
        return OverfitEvidence(best, best, float(smooth[best]), float(smooth[best]), 0.0, 0.0, 0)
    end = end_level(values, min(after, stats.tail_window(len(values), tail_fraction)))
    base = float(smooth[best])
    rise = (end - base) / abs(base) if base else 0.0
    halfway = base + 0.5 * (end - base)
    above = np.flatnonzero(smooth[best + 1 :] > halfway)
    onset = best + 1 + int(above[0]) if len(above) else len(values) - 1
    return OverfitEvidence(best, onset, base, end, rise, stats.noise_scale(values), after)


def end_level(values: np.ndarray, window: int) -> float:
    """Where a validation curve ended: the median of its end window, unless its last three epochs
    all sit higher (their median and the last value both). A climb over the last few epochs of a
    long run is diluted by the window's median; a single late blip is not a climb, because the
    last value must be up too."""
    end = float(np.median(values[-window:]))
    if window < 3:
        return end
    return max(end, min(float(np.median(values[-3:])), float(values[-1])))


@dataclass(frozen=True)
class AccuracyStall:
    """A validation accuracy that made no new best beyond its set's sampling noise while the
    training accuracy pulled away (`accuracy_stalled`).

    Attributes:
        index: Index into the validation accuracy's recorded epochs where the stall began.
        position: The epoch position where it began.
        best: Position of the best validation accuracy.
        gap_then: Training − validation accuracy where the stall began.
        gap_now: The same gap at the end (medians over the end window).
        samples: The validation set's size as the accuracy's steps show it.
        margin: The smallest gain that counts as a new best.
    """

    index: int
    position: int
    best: int
    gap_then: float
    gap_now: float
    samples: int
    margin: float

    @property
    def noise_text(self) -> str:
        """How the stall within the sampling noise was measured, for a summary."""
        return f"none beyond the sampling noise of about {self.samples} samples"


def accuracy_stalled(run: RunView, train_key: str | None, val_key: str | None) -> AccuracyStall | None:
    """A validation accuracy (between 0 and 1) that made no new best beyond its set's sampling noise
    — `overfit_metric_noise` standard errors of a difference of two accuracies on as many samples
    as its steps show, or 1% of its error when that is more — over at least the last
    `tail_fraction` of the run (3 epochs or more), while the training loss fell
    `overfit_stall_train_drop` and the training accuracy pulled away: their gap at the end
    (end-window medians) at least `overfit_metric_gap`, beyond `overfit_metric_noise` standard
    errors of the validation accuracy there, and at least `GAP_OPENED_SHARE` of it opened since
    the stall began. A new best within the noise of a small set is a few samples changing their
    answer, not the model improving (the smoothed 1% test counts them), and a gap that was already
    there when validation stopped improving and barely grew is a converged model's generalization
    gap, not one still opening. None when the set's size cannot be told (nor from an accuracy
    printed to two decimals, whose steps of 0.01 are the printing's), or when the best validation
    accuracy is the last epoch's (a tie counts as the last)."""
    th = run.thresholds
    if train_key is None or val_key is None or not is_accuracy(val_key):
        return None
    if not run.curves.has(train_key) or not run.curves.has(val_key):
        return None
    positions, val = run.curves.series(val_key)
    train = run.curves.values[train_key][positions]
    keep = np.isfinite(train) & np.isfinite(val)
    positions, val, train = positions[keep], val[keep], train[keep]
    if len(val) < 4 or not stats.is_fraction(val) or not stats.is_fraction(train):
        return None
    samples = estimated_samples(val)
    if samples is None or stats.printed_to_two_decimals(val):
        return None  # rounded to 0.01, the steps are the printing's, not the set's
    best = len(val) - 1 - int(np.argmax(val[::-1]))  # the last epoch of the best, on a tie
    if best == len(val) - 1:
        return None  # a run that ends on its best has nothing to go back to
    top = float(val[best])
    margin = max(0.01 * (1.0 - top), th.overfit_metric_noise * difference_error(top, top, samples))
    since = int(np.flatnonzero(val >= top - margin - 1e-12)[0])
    if len(val) - 1 - since < max(3, round(th.tail_fraction * len(val))):
        return None
    train_then = float(run.smooth_loss[int(positions[since])])
    if train_then <= 0 or 1.0 - run.end_loss / train_then < th.overfit_stall_train_drop:
        return None
    window = stats.tail_window(len(val), th.tail_fraction)
    val_end = stats.end_level(val, window)
    then, now = float(train[since] - val[since]), stats.end_level(train, window) - val_end
    level = min(max(val_end, 1.0 / samples), 1.0 - 1.0 / samples)
    noise = th.overfit_metric_noise * float(np.sqrt(level * (1.0 - level) / samples))
    if now < max(th.overfit_metric_gap, noise) or now - max(then, 0.0) < GAP_OPENED_SHARE * now:
        return None
    return AccuracyStall(since, int(positions[since]), int(positions[best]), then, now, samples, margin)


def val_loss_no_better_since(run: RunView, position: int) -> bool:
    """Whether the validation loss ended (`_end_level`) no lower than where it stood (smoothed) at
    an epoch position, beyond its epoch-to-epoch noise: it did not improve over that stretch
    either, whatever one lucky epoch showed. Not when its last epoch is its lowest."""
    index = int(np.searchsorted(run.val_positions, position, side="right")) - 1
    values = run.val_loss
    if index < 0 or int(np.argmin(values)) == len(values) - 1:
        return False  # (nor when it ends on its lowest: nothing to go back to)
    end = end_level(values, stats.tail_window(len(values), run.thresholds.tail_fraction))
    return end >= float(run.smooth_val_loss[index]) - stats.noise_scale(values)
