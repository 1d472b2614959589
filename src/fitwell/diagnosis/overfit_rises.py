"""How a validation curve got worse after its best, or never got better: the tests `overfitting`
asks of the watched curve.

Each test reads the watched validation curve (`RunView.watched`: the validation loss, else a
validation metric on its error) against the training loss; `worse_after_best` combines them.
"""

from __future__ import annotations

import re

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.learning_scores import improved
from fitwell.diagnosis.metric_names import is_top_k, metric_direction
from fitwell.diagnosis.overfit_evidence import OverfitEvidence, measure_overfitting
from fitwell.diagnosis.run import RunView

__all__ = [
    "held_training",
    "metric_gap",
    "never_improved",
    "noisy_large_rise",
    "score_never_carried_over",
    "turned_up_from_low",
    "worse_after_best",
]


def metric_gap(run: RunView) -> tuple[str, float, float] | None:
    """`(metric, train_end, val_end)` for the accuracy-like metric, when both are recorded."""
    key, val_key = run.accuracy_key, run.val_accuracy_key
    if key is None or val_key is None:
        return None
    train_end, val_end = run.end_of(key), run.end_of(val_key)
    if train_end is None or val_end is None:
        return None
    return key, train_end, val_end


def noisy_large_rise(run: RunView, evidence: OverfitEvidence) -> bool:
    """A rise of at least 1.5 × `overfit_min_rise` (15%) that clears the validation loss's noise
    once (not twice, as a rise of 10% must), lastingly (`overfit_min_epochs_after` epochs or
    `recent_fraction` of the run after the minimum), from a minimum where the validation loss
    already sat above the training loss: a noisy curve that climbed by a sixth or more while the
    training loss kept falling (`a_031`: 0.136 → 0.220, 0.190 over the last 3 of 9 epochs). A
    validation loss below the training loss at its minimum (dropout, augmentation) is left to the
    other tests. Swings found too are named `unstable` (the rise is within twice their noise). The
    last epoch itself must be `overfit_min_rise` above the low: an end level that is the mean of a
    spike and its recovery is no rise."""
    th = run.thresholds
    watched = run.watched
    needed_after = max(th.overfit_min_epochs_after, round(th.recent_fraction * len(watched.values)))
    if watched.is_metric or evidence.epochs_after < needed_after:
        return False
    gap_then = evidence.best_value - float(run.smooth_loss[int(watched.positions[evidence.best])])
    climb = evidence.end_value - evidence.best_value
    last_up = float(watched.values[-1]) >= (1.0 + th.overfit_min_rise) * float(np.min(watched.values))
    return evidence.rise >= 1.5 * th.overfit_min_rise and climb > evidence.noise and gap_then > 0 and last_up


def worse_after_best(run: RunView, min_rise: float) -> tuple[OverfitEvidence, int, float, bool] | None:
    """`(evidence, best index, training loss at the best epoch, worse)` for the watched curve
    (`RunView.watched`: the validation loss, else a validation metric): `worse` when, while the
    training loss fell, it rose at least `min_rise` after its minimum, clearly (above its noise) and
    lastingly (epochs after it), or at least `overfit_clean_rise` on a curve so smooth that no noise
    explains it, or rose less above its noise but for long (`_rose_lastingly`), or climbed epoch
    after epoch (`_rising_steadily`), or turned up at every epoch since its raw lowest
    (`turned_up_from_low`). The tests measured to the end level (a median over the end window: the
    rise above its noise, the lasting rise, the rise that opened the gap) do not count when the last
    epoch has fallen back more than `overfit_receded_share` of the way from that end level to the
    low, and to within `min_rise` of the low: the window's median then holds a bump the curve has
    come down from, and nothing at the end says the loss is still up (`ah_017`: 0.0245, 0.0258,
    0.0254, then 0.0233 against a smoothed low of 0.0227; `ak_001`: a band of 0.040–0.053 for 50
    epochs whose last epoch, 0.0433, sits near its low of 0.0413; a last epoch still 17% above the
    low after a rise of 20 epochs is no recovery). The tests that read the raw curve (a steady
    climb, a turn up at every epoch) judge the last epoch themselves."""
    th, watched = run.thresholds, run.watched
    evidence = measure_overfitting(watched.values, tail_fraction=th.tail_fraction)
    if evidence is None:
        return None
    needed_after = max(th.overfit_min_epochs_after, round(th.recent_fraction * len(watched.values)))
    # The epoch to keep is the raw best (what ModelCheckpoint keeps); the rise is measured from
    # the smoothed minimum, which one lucky epoch cannot pull down.
    best_index = int(np.argmin(watched.values))
    train_at_best = float(run.smooth_loss[int(watched.positions[best_index])])
    train_end = run.training_end(int(watched.positions[best_index]))
    train_fell = train_end < (1.0 - th.overfit_train_drop) * train_at_best
    climb = evidence.end_value - evidence.best_value
    last = float(watched.values[-1])
    # The last epoch fell back most of the way to the low, to no rise worth the name itself.
    receded = (
        last < evidence.best_value + th.overfit_receded_share * climb
        and last <= (1.0 + min_rise) * evidence.best_value
    )
    rose = (
        not receded
        and evidence.epochs_after >= needed_after
        and (
            (climb > th.overfit_noise_multiple * evidence.noise and evidence.rise >= min_rise)
            or (
                climb > th.overfit_clean_noise_multiple * evidence.noise
                and evidence.rise >= th.overfit_clean_rise
            )
        )
    )
    # A validation loss half as high again as its minimum, while the training loss, which had
    # fallen before it, ended no higher than it was there (within half the drop asked above): the
    # gap opened by validation alone (`cp_010`: 0.00284 → 0.0058, the training loss at 0.004
    # since; one flat from the start never learned anything to overfit with).
    learned = 0 < train_at_best < (1.0 - th.overfit_train_drop) * float(run.smooth_loss[0])
    held = learned and held_training(run, train_at_best, or_fell=True)
    far_worse = not watched.is_metric and held and rose and evidence.rise >= th.overfit_held_train_rise
    worse = (
        far_worse
        or train_fell
        and (
            rose
            or (not receded and _rose_lastingly(run, evidence, min_rise, train_at_best))
            or _rising_steadily(run, watched.values, evidence.noise)
            or (not receded and _opened_the_gap(run, evidence, needed_after))
            or turned_up_from_low(run, watched.values)
        )
    )
    return (
        evidence,
        best_index,
        train_at_best,
        worse or _climbing_unbroken(run, watched.values, train_at_best),
    )


def held_training(run: RunView, train_at_best: float, *, or_fell: bool = False) -> bool:
    """Whether the training loss (positive) ended within half of `overfit_train_drop` of its value
    at the validation minimum (`or_fell`: or lower), both where the rules measure its end (the end
    window's median) and at its last epoch (smoothed): a plateau's median jitters on either side
    of its level."""
    margin = run.thresholds.overfit_train_drop / 2
    changes = [end / train_at_best - 1.0 for end in (run.end_loss, float(run.smooth_loss[-1]))]
    return train_at_best > 0 and all(
        change <= margin and (or_fell or change >= -margin) for change in changes
    )


def turned_up_from_low(run: RunView, values: np.ndarray) -> bool:
    """A short run's turn that the smoothing hides: since its lowest value the validation loss went
    up at every epoch, for at least `overfit_min_epochs_after` epochs (or `recent_fraction` of the
    run), to at least `overfit_clean_rise` above that low (the training loss fell
    `overfit_train_drop` since: asked by the caller). A running median of 3 lifts the low of a V
    to its higher neighbour (0.283 between 0.45 and 0.312 reads 0.312), and over a few epochs
    the noise estimate holds the early fall's curvature, so a fall, a low and two epochs up
    (0.283 → 0.312 → 0.336) read as flat; a reader sees the turn. Not when the training accuracy
    ends at or below the validation accuracy: a model that fits its training set no better than
    unseen data has no gap to open, and such a climb is the validation set's noise. Nor when the
    climb is no larger than a rise the curve made on its way down and less than `overfit_min_rise`
    (0.55 → 0.58 before a low of 0.50 and a climb to 0.53, 6%: the curve's own wobble, which a
    lucky low exaggerates; a noisy curve's climb of 16% still counts), nor on a run of at most
    `short_run_epochs` epochs, too short to judge."""
    th = run.thresholds
    needed = max(th.overfit_min_epochs_after, round(th.recent_fraction * len(values)))
    best = int(np.argmin(values))
    steps = np.diff(values[best:])
    if len(values) <= th.short_run_epochs or len(steps) < needed or not bool(np.all(steps > 0)):
        return False
    low = float(values[best])
    wobble = float(np.max(np.diff(values[: best + 1]), initial=0.0))
    climb = float(values[-1]) - low
    if climb <= wobble + 1e-12 * abs(low) and climb < th.overfit_min_rise * low:
        return False  # within the curve's own wobble, and less than the rise that counts alone
    gap = metric_gap(run)
    if gap is not None and gap[1] - gap[2] <= 0:
        return False
    return low > 0 and float(values[-1]) >= (1.0 + th.overfit_clean_rise) * low


def _opened_the_gap(run: RunView, evidence: OverfitEvidence, needed_after: int) -> bool:
    """A smaller rise told from a converged curve's drift by the gap it opened: the validation loss
    ended at least `overfit_gap_rise` above its minimum, by more than `overfit_noise_multiple` × its
    noise and at least `needed_after` epochs after it, and the amount by which it exceeds the
    training loss — positive already at the minimum — grew by `overfit_gap_growth` of the
    validation loss since: training kept fitting as validation got worse. A validation loss under
    the training loss (dropout, augmentation) opens no such gap, nor does a run whose training
    accuracy ends at or below its validation accuracy."""
    th = run.thresholds
    if run.watched.is_metric or evidence.best_value == 0 or evidence.epochs_after < needed_after:
        return False
    climb = evidence.end_value - evidence.best_value
    if evidence.rise < th.overfit_gap_rise or climb <= th.overfit_noise_multiple * evidence.noise:
        return False
    gap = metric_gap(run)
    if gap is not None and gap[1] - gap[2] <= 0:
        return False
    gap_then = evidence.best_value - float(run.smooth_loss[int(run.val_positions[evidence.best])])
    gap_now = evidence.end_value - run.end_loss
    return gap_then > 0 and gap_now - gap_then >= th.overfit_gap_growth * abs(evidence.best_value)


def _rose_lastingly(run: RunView, evidence: OverfitEvidence, min_rise: float, train_at_best: float) -> bool:
    """A rise of `min_rise` that is less than two noise deviations, told from noise by lasting:
    `overfit_lasting_epochs` epochs after the minimum, with the training loss down
    `overfit_lasting_train_drop` since. The end level it is measured to is a median over the
    end window, steadier than one epoch. The epochs are counted from the later of the smoothed
    minimum and the lowest epoch itself (the one to keep): a running median can put the low an
    epoch before the curve's lowest value, and a rise does not last longer than the time since
    that value (`an_012`: lowest at epoch 4 of 8, four epochs of 0.069–0.071 since)."""
    th = run.thresholds
    values = run.watched.values
    since_lowest = len(values) - 1 - int(np.argmin(np.where(np.isfinite(values), values, np.inf)))
    return (
        min(evidence.epochs_after, since_lowest) >= th.overfit_lasting_epochs
        and evidence.rise >= min_rise
        and evidence.end_value - evidence.best_value > th.overfit_lasting_noise_multiple * evidence.noise
        and run.end_loss < (1.0 - th.overfit_lasting_train_drop) * train_at_best
    )


def _rising_steadily(run: RunView, values: np.ndarray, noise: float) -> bool:
    """A smaller rise that is consistent: since its lowest value, the validation loss went up in at
    least `overfit_steady_share` of at least `overfit_steady_epochs` steps, to at least
    `overfit_steady_rise` above that low and by more than `overfit_steady_noise_multiple` times
    its noise. Noise goes up and down; a curve that climbs epoch after epoch is the model getting
    worse. (A few steps up from the lowest point of a noisy flat band happen by chance: hence
    three noise deviations, not two.)"""
    th = run.thresholds
    best = int(np.argmin(values))
    steps = np.diff(values[best:])
    if len(steps) < th.overfit_steady_epochs or float(np.mean(steps > 0)) < th.overfit_steady_share:
        return False
    low, end = float(values[best]), float(values[-1])
    above_noise = end - low > th.overfit_steady_noise_multiple * noise
    return end >= (1.0 + th.overfit_steady_rise) * low and above_noise


def _climbing_unbroken(run: RunView, values: np.ndarray, train_at_best: float) -> bool:
    """A rise too small for the other tests that no noise makes: up at every one of at least
    `overfit_unbroken_epochs` steps since the lowest value, by more than
    `overfit_steady_noise_multiple` times the noise around that low, while the training loss fell
    `overfit_train_drop`. The noise is measured from three epochs before the low on (over the whole
    run it holds the early fall's curvature), and the training loss where it ended (smoothed): the
    median of an end window lags a curve still falling."""
    th = run.thresholds
    best = int(np.argmin(values))
    steps = np.diff(values[best:])
    if len(steps) < th.overfit_unbroken_epochs or not bool(np.all(steps > 0)):
        return False
    noise = stats.noise_scale(values[max(0, best - 3) :])
    climbed = float(values[-1] - values[best]) > th.overfit_steady_noise_multiple * noise
    return climbed and float(run.smooth_loss[-1]) < (1.0 - th.overfit_train_drop) * train_at_best


def never_improved(run: RunView) -> bool:
    """The watched validation curve (the loss, else the metric standing in for it, on its error)
    never got `not_learning_margin` (5%) below its first epoch's value (nor below its median level
    before its best; 10%, `never_improved_memorised_margin`, where the training loss halved), over
    at least 5 epochs, its best before the end window, while the training loss fell
    `overfit_lasting_train_drop` (30%) from its first epoch: the training set was
    learned, and none of it carried over (`cu_002`: a macro-F1 at 0.37–0.40 from the first epoch
    while the loss fell 1.38 → 0.86; `am_012`: a validation RMSE never 2% below its first 0.452 in
    50 epochs while the training RMSE fell 0.54 → 0.31). Not when a validation accuracy beside a
    validation loss improved (`_accuracy_improved`), nor when the validation loss's best is at or
    below where the training loss ended: a loss held up by a few confident mistakes while more
    answers come out right carried something over, and dropout leaves no gap."""
    th = run.thresholds
    values = run.watched.values
    best_index = int(np.argmin(values))
    if len(values) < 5 or best_index >= len(values) - stats.tail_window(len(values), th.tail_fraction):
        return False  # a best in the end window: a curve still edging down, not one that never moved
    if not run.watched.is_metric and (_accuracy_improved(run) or float(values[best_index]) <= run.end_loss):
        return False  # more answers right, or a validation loss below the training loss: no gap
    if run.watched.is_metric and _another_score_improved(run):
        return False  # a hamming accuracy flat on a multi-label task while its macro-F1 rose: it learned
    # Against its first epoch and its typical level before its best (the median): a warm-up's odd
    # first epoch (0.50, then 0.70 falling to 0.485) sets no level.
    level = max(float(values[0]), float(np.median(values[: best_index + 1])))
    start = float(run.smooth_loss[0])
    margin = th.not_learning_margin
    if start > 0 and run.end_loss < (1.0 - th.never_improved_memorised_drop) * start:
        # The training data memorised (the loss halved): a best 10% under the first is no learning
        # that carried over (`an_013`: a validation MSE 1.000 → 0.934 → 1.039 on a standardised
        # target while the training MSE fell 0.187 → 0.019).
        margin = th.never_improved_memorised_margin
    if level <= 0 or float(values[best_index]) < (1.0 - margin) * level:
        return False
    return start > 0 and run.end_loss < (1.0 - th.overfit_lasting_train_drop) * start


def score_never_carried_over(run: RunView) -> str | None:
    """The validation score (higher is better, a fraction, not a top-k one nor a precision or a
    recall alone) that never rose `metric_improved` (0.05) above its first epoch's value over at
    least 5 epochs, while its training twin rose 3 × that from its first and ended that far above
    it, and the training loss fell `overfit_lasting_train_drop` (30%): the training set was learned
    and none of it carried over, whatever the validation loss did (`gb_047`: a lung-nodule U-Net's
    training Dice 0.005 → 0.19 over 222 epochs, the validation Dice 0.004–0.008 throughout, while
    the validation loss eased 1.22 → 1.00 on the background pixels). A Dice score counts here
    (higher is better), though not elsewhere (`metric_names`). Not while the validation loss still
    made its best in the end window: a run still improving there (`fz_031`: 5 epochs, a new low
    at each). None when there is no such score."""
    th = run.thresholds
    needed = th.metric_improved
    start = float(run.smooth_loss[0])
    if start <= 0 or run.end_loss >= (1.0 - th.overfit_lasting_train_drop) * start:
        return None
    val_loss = run.val_loss
    if int(np.argmin(val_loss)) >= len(val_loss) - stats.tail_window(len(val_loss), th.tail_fraction):
        return None
    for val_key in run.curves.values:
        key = val_key[len("val_") :]
        score = metric_direction(key) == "max" or ("dice" in key.lower() and "loss" not in key.lower())
        if not val_key.startswith("val_") or key not in run.curves.values or not score:
            continue
        if is_top_k(key) or _THRESHOLD_SCORE.search(key.lower()):
            continue
        val, train = run.curves.series(val_key)[1], run.curves.series(key)[1]
        val, train = val[np.isfinite(val)], train[np.isfinite(train)]
        if min(len(val), len(train)) < 5 or not (stats.is_fraction(val) and stats.is_fraction(train)):
            continue
        train_end = float(np.median(train[-3:]))
        never = float(np.max(val)) < float(val[0]) + needed
        learned = train_end >= float(train[0]) + 3 * needed and train_end >= float(np.max(val)) + 3 * needed
        if never and learned:
            return val_key
    return None


#: A precision or a recall at one threshold (`val_precision`, `val_recall_1`): one rises as the other
#: falls when the threshold moves. Not an average precision (over thresholds), nor a macro recall.
_THRESHOLD_SCORE = re.compile(r"(?:^|(?<!average)(?<!macro)_)(?:precision|recall)(?:_\d+)?$")


def _another_score_improved(run: RunView) -> bool:
    """Whether a validation score other than the watched one, higher-is-better and between 0 and 1,
    ended (the median of its last 3 epochs) above its first epoch's value by twice
    `metric_improved`, 0.1, and held near its best (within `metric_improved`) (`fl_022`: a
    multi-label task's hamming accuracy best at its first epoch, 0.962, while its macro-F1 rose
    0.44 -> 0.61 at the second epoch and held there). Not a top-k accuracy (it rises while the
    answers get worse), nor a precision or a recall alone (one rises as the other falls when the
    threshold moves). Measured on every stored run: at once `metric_improved` it also lost
    `as_020`, whose macro-F1 rose 0.52 -> 0.58 and fell back from its best while its other scores
    got worse."""
    needed = run.thresholds.metric_improved
    for key in run.curves.values:
        name = key.lower()
        if not key.startswith("val_") or key == run.watched.name or metric_direction(key) != "max":
            continue
        if is_top_k(key) or _THRESHOLD_SCORE.search(name):
            continue
        _, values = run.curves.series(key)
        values = values[np.isfinite(values)]
        if len(values) >= 5 and float(np.max(values)) > 1.0 and float(np.min(values)) >= 0.0:
            values = values / 100.0 if float(np.max(values)) <= 100.0 else values  # in percent
        if len(values) < 5 or not stats.is_fraction(values):
            continue
        end = float(np.median(values[-3:]))
        if end - float(values[0]) >= 2 * needed and end >= float(np.max(values)) - needed:
            return True
    return False


def _accuracy_improved(run: RunView) -> bool:
    """Whether the validation accuracy improved: by `metric_improved` in absolute terms, or by a
    quarter of its errors (0.90 → 0.94 is 40% fewer; near the top, a small gain is many answers)."""
    key = run.any_val_accuracy_key
    if improved(run, key):
        return True
    if key is None:
        return False
    _, accuracy = run.curves.series(key)
    accuracy = accuracy[np.isfinite(accuracy)]
    if len(accuracy) < 3 or not stats.is_fraction(accuracy):
        return False
    smooth = stats.median_smooth(accuracy)
    return 1.0 - float(np.max(smooth)) <= 0.75 * (1.0 - float(smooth[0]))
