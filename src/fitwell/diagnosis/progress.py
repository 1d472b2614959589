"""How far and how fast the run got: `lr_too_low`, `underfitting`, `plateau` (`still_improving`, a
run stopped while it still improved, is `fitwell.diagnosis.still_improving`; `not_learning`, the
run that got nowhere, is `fitwell.diagnosis.not_learning`)."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.metric_names import is_top_k
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range
from fitwell.diagnosis.still_improving import sets_new_lows, train_longer_advice

__all__ = ["check_crawl", "check_plateau_or_underfitting", "is_crawl", "straightness"]


def straightness(smooth: np.ndarray) -> float:
    """How much the second half of a falling curve fell, relative to the first half.

    About 0 for a curve that flattens early (healthy), about 1 for a straight
    line (a crawl), above 1 when the descent speeds up. 0 when the first
    half did not fall.

    Example:
        >>> straightness(np.array([4.0, 3.0, 2.0, 1.0, 0.0]))
        1.0
        >>> round(straightness(np.array([4.0, 1.0, 0.5, 0.4, 0.35])), 3)
        0.043
    """
    half = len(smooth) // 2
    first, second = smooth[0] - smooth[half], smooth[half] - smooth[-1]
    return float(second / first) if first > 0 else 0.0


def _mean_rate(smooth: np.ndarray) -> float:
    """Mean relative fall per epoch (geometric), e.g. 0.01 for 1% per epoch."""
    if len(smooth) < 2 or smooth[0] <= 0 or smooth[-1] <= 0:
        return 0.0
    return float(1.0 - (smooth[-1] / smooth[0]) ** (1.0 / (len(smooth) - 1)))


def is_crawl(run: RunView) -> bool:
    """Whether the training loss falls in a steady, nearly straight, slow line (see `check_crawl`)."""
    th, smooth = run.thresholds, run.smooth_loss
    if run.n < 4:
        return False
    decreasing = stats.decreasing_fraction(run.loss, max(1, run.n // 20))
    # A tiny total fall is flat, unless the line is nearly perfectly straight and monotone from the
    # start: a converged curve bends (most of its fall comes first), a crawl does not.
    total_needed = (
        th.crawl_min_total_drop
        if decreasing < th.crawl_monotone or straightness(smooth) < th.crawl_straight_line
        else th.crawl_min_total_drop / 5
    )
    # Learning slowly means validation improves too: not when it made no new low of note (1%, or a
    # tenth of its fall when that is less) over the end window (memorising noise is not a crawl).
    if run.has_val:
        val = run.smooth_val_loss
        if stats.relative_drop(float(val[0]), float(val[-1])) < total_needed:
            return False
        low = float(np.min(val))
        since = stats.reached_low_at(val, min(0.01 * abs(low), 0.1 * (float(val[0]) - low)))
        if len(val) - 1 - since >= max(3, round(th.tail_fraction * len(val))):
            return False  # validation stopped improving long ago: the gap grows, no faster rate helps
        if _mean_rate(val) >= th.crawl_max_rate:
            return False  # validation falls at no crawl's pace: the rate is not what holds the model back
        if val[0] > val[len(val) // 2] and straightness(val) < th.crawl_val_bent:
            return False  # validation bent towards its level: it converges, no faster rate is needed
    # Whether the line bent is judged from the first epoch as logged: the smoothing's end rule
    # extends the slope of the next epochs back to it, which hides a first step far larger than
    # the rest (16029 → 14930, then 14853, 14755, 14695: a curve that bent at once).
    from_first = np.concatenate([run.loss[:1], smooth[1:]])
    return (
        straightness(from_first) >= th.crawl_min_straightness
        and 0.0 < _mean_rate(smooth) < th.crawl_max_rate
        and decreasing >= th.crawl_min_decreasing
        and stats.relative_drop(float(smooth[0]), float(smooth[-1])) >= total_needed
    )


def check_crawl(run: RunView) -> Finding | None:
    """`lr_too_low`: a steady, nearly straight, slow descent far from a good value."""
    if not is_crawl(run) or run.level_is_poor is False:
        return None
    smooth = run.smooth_loss
    rate = _mean_rate(smooth)
    learning_rate, raise_text = _rate_to_raise(run)
    return Finding(
        "lr_too_low",
        "warning",
        [run.epoch_of(0), run.epoch_of(run.n - 1)],
        {
            "rate_per_epoch": rate,
            "straightness": straightness(smooth),
            "first_loss": float(run.loss[0]),
            "end_loss": float(smooth[-1]),
            **({"learning_rate": learning_rate} if learning_rate is not None else {}),
        },
        f"{raise_text}, or use find_learning_rate() to pick one.",
        f"loss fell only {rate:.1%} per epoch, in a nearly straight line ({format_number(run.loss[0])} → "
        f"{format_number(float(run.loss[-1]))} in {run.n} epochs).",
    )


def _rate_to_raise(run: RunView) -> tuple[float | None, str]:
    """`(rate, advice)`: the logged learning rate a crawl asks to raise, and how. A schedule that
    lowered the rate to half its peak or less is raised at its peak: the run crawled at that rate
    too, and the last (lowered) rate is not what held it back."""
    key = run.curves.learning_rate_key
    positions, rates = run.curves.series(key) if key is not None else (None, np.array([]))
    if not len(rates) or float(np.max(rates)) <= 0:
        return None, "Raise the learning rate 2–3×"
    top = int(np.argmax(rates))
    peak, last = float(rates[top]), float(rates[-1])
    if last <= 0.5 * peak:
        return peak, (
            f"Raise the peak learning rate 2–3×, to {learning_rate_range(peak, 2, 3)} (from "
            f"{format_number(peak)} at {format_epoch(run.epoch_of(int(positions[top])))}; the schedule "
            f"lowered it to {format_number(last)} by the end)"
        )
    return (
        last,
        f"Raise the learning rate 2–3×, to {learning_rate_range(last, 2, 3)} (from {format_number(last)})",
    )


def _level_text(run: RunView, accuracy: float | None) -> str:
    """`"loss 0.87 (0.38× chance), accuracy 0.87"`: the final level, as far as it is known."""
    last = float(run.loss[-1])
    level = f"loss {format_number(last)}"
    if run.context.baseline is not None:
        level += f" ({last / run.context.baseline:.2f}× the baseline)"
    elif run.context.chance_loss:
        level += f" ({last / run.context.chance_loss:.2f}× chance)"
    if accuracy is not None and run.accuracy_key is not None:
        _, values = run.curves.series(run.accuracy_key)
        level += f", {run.accuracy_key} {format_number(float(values[-1]))}"
    return level


def _validation_gap(run: RunView) -> float | None:
    """How far the end validation loss is above the end training loss, relatively."""
    if not run.has_val or run.end_loss <= 0:
        return None
    val_end = float(np.median(run.val_loss[-min(run.tail, len(run.val_loss)) :]))
    return (val_end - run.end_loss) / run.end_loss


def _jitter(run: RunView) -> float:
    """The training loss's epoch-to-epoch noise over the end window (at least 8 epochs when the
    run has them), relative to its level: the robust deviation of the epoch-to-epoch changes / √2."""
    window = run.loss[-max(run.tail, min(8, run.n - 2), 3) :]
    level = float(np.median(window))
    steps = np.diff(window)
    if level <= 0 or len(steps) < 2:
        return 0.0
    deviation = 1.4826 * float(np.median(np.abs(steps - np.median(steps)))) / np.sqrt(2.0)
    return deviation / level


def _rate_was_lowered(run: RunView) -> bool:
    """Whether the logged learning rate ended at most half of where it started."""
    first, last = run.learning_rate(0), run.learning_rate(-1)
    return first is not None and last is not None and first > 0 and last <= 0.5 * first


def check_plateau_or_underfitting(run: RunView) -> Finding | None:
    """`plateau` (flat and jittering far from a good value: the rate keeps it from settling) or
    `underfitting` (flat and smooth, or creeping down slowly, far from a good value, no real gap)."""
    if run.level_is_poor is not True or run.n <= max(2, run.thresholds.short_run_epochs):
        return None
    th, smooth = run.thresholds, run.smooth_loss
    start = float(smooth[-1 - run.tail] if run.n > run.tail else smooth[0])
    tail_drop = stats.relative_drop(start, float(smooth[-1]))
    accuracy = run.end_of(run.accuracy_key) if run.accuracy_key else None
    level = _level_text(run, accuracy)
    evidence = {
        "end_loss": run.end_loss,
        "tail_drop": tail_drop,
        "tail_epochs": run.tail,
        "jitter": _jitter(run),
    }
    if accuracy is not None:
        evidence["end_accuracy"] = accuracy
    gap = _validation_gap(run)
    if gap is not None:
        evidence["gap"] = gap
    setting_new_lows = sets_new_lows(run)
    # The smoothing, a median of three, holds the end at the epoch before: a last epoch that fell
    # clearly below every other is no flat curve (`es_004`: 0.0041, 0.0048, 0.0045, then 0.0031).
    fell_last = stats.new_low_at_the_end(run.loss, th.plateau_max_tail_drop)
    if _flat(run, tail_drop, run.tail) and not setting_new_lows and not fell_last:
        return _flat_far_from_good(run, evidence, level)
    # (A loss that crossed zero has no rate per epoch: 0.)
    evidence["tail_rate_per_epoch"] = (
        1.0 - (float(smooth[-1]) / start) ** (1.0 / run.tail) if start > 0 and smooth[-1] > 0 else 0.0
    )
    # Without validation, a training loss still falling is a run still improving. With it, the
    # validation loss says so (check_still_improving): a training loss that falls while the
    # validation loss does not is the gap growing, not progress.
    if evidence["tail_rate_per_epoch"] > th.underfit_max_rate and not setting_new_lows and not run.has_val:
        last_epoch = run.epoch_of(run.n - 1)
        return Finding(
            "still_improving",
            "info",
            [last_epoch],
            {**evidence, "curve": "loss", "recent_drop": tail_drop, "recent_epochs": run.tail},
            train_longer_advice(run, last_epoch) + " If it then flattens this high, the model lacks capacity "
            "(see underfitting).",
            f"loss is still falling ({tail_drop:.0%} over the last {run.tail} epochs, "
            f"{evidence['tail_rate_per_epoch']:.1%} per epoch) at {level}: too early to call it converged.",
        )
    if setting_new_lows:
        return None  # the run is still improving (check_still_improving says so)
    # Otherwise still creeping down: not converged, so not high bias, unless validation stopped
    # while the training loss is no lower than it (`_creeping_without_a_gap`).
    return _creeping_without_a_gap(run, evidence, level)


def _flat(run: RunView, drop: float, epochs: int) -> bool:
    """Whether a curve that fell by `drop` over its last `epochs` is flat: under
    `plateau_max_tail_drop`, or under `flat_per_10_epochs` per 10 epochs over a long window."""
    th = run.thresholds
    return drop < th.plateau_max_tail_drop or drop * 10 / epochs < th.flat_per_10_epochs


def _creeping_without_a_gap(run: RunView, evidence: dict, level: str) -> Finding | None:
    """`underfitting` for a training loss still creeping down (at most `underfit_max_rate` per
    epoch) far from a good value while the validation loss is flat (as `_flat` judges the training
    loss) and no higher than it: the model fits the data it trains on no better than data it never
    saw, so its creep is no progress a longer run would show on validation (high bias; often
    regularization holding the training loss up, which the advice names). Not when the validation
    accuracy is good (augmentation or dropout holding the training loss up on a model that
    generalizes), nor when the two losses are on different scales, nor when the validation loss's
    last epoch is its best by `last_epoch_best` (its smoothed end hides a new low: `gn_051`, 0.666
    at epoch 7, then 0.759, 0.673 and 0.565 at the last)."""
    th, gap = run.thresholds, evidence.get("gap")
    if gap is None or gap > 0 or evidence["tail_rate_per_epoch"] > th.underfit_max_rate:
        return None
    raw = run.val_loss
    if len(raw) >= 2 and float(raw[-1]) < (1.0 - th.last_epoch_best) * float(np.min(raw[:-1])):
        return None  # a new low at the last epoch: the validation loss has not stopped
    val = run.smooth_val_loss
    tail = stats.tail_window(len(val), th.tail_fraction)
    start = float(val[-1 - tail] if len(val) > tail else val[0])
    if not _flat(run, stats.relative_drop(start, float(val[-1])), tail) or _generalizes(run):
        return None
    epochs = [run.epoch_of(run.n - 1 - run.tail if run.n > run.tail else 0), run.epoch_of(run.n - 1)]
    return Finding(
        "underfitting",
        "warning",
        epochs,
        evidence,
        f"{_MORE_CAPACITY} More epochs will not help while the validation loss stands still.",
        f"val_loss stopped improving (smoothed {format_number(float(val[-1]))} at the end) while the "
        f"training loss, at {level}, short of a good value ({run.poor_level_text}), only creeps down "
        f"({_change_text(evidence['tail_drop'])} over the last {run.tail} epochs) and is still no lower: "
        "the model fits its own training data no better than data it never saw (high bias).",
    )


def _generalizes(run: RunView) -> bool:
    """Whether the validation accuracy (with or without a training accuracy beside it; without one,
    an F1 score, the validation one first: a model that scores 0.99 fits its data; not a top-k
    accuracy) ends at a good value (`good_accuracy`), or the validation loss sits under
    `leak_loss_ratio` × the training loss (two losses on different scales): the
    training loss above the validation loss is then no sign of high bias. (A validation accuracy a
    little above the training accuracy is what such a model shows: dropout is off on validation.)"""
    th = run.thresholds
    key = run.any_val_accuracy_key or run.f1_key
    val_score = run.end_of(key) if key and not is_top_k(key) else None
    if val_score is not None and val_score >= th.good_accuracy:
        return True
    if not run.has_val:
        return False
    return float(np.median(run.smooth_val_loss[-run.tail :])) < th.leak_loss_ratio * run.end_loss


def _flat_far_from_good(run: RunView, evidence: dict, level: str) -> Finding | None:
    """A flat training loss far from a good value: `plateau` when it jitters and the rate was never
    lowered (a sampled loss's jitter is its sample's: `Curves.sampled_loss`), `underfitting` when
    smooth (or after the rate was lowered, or sampled) with no real gap; None with
    a large gap (that is for the overfitting rules), or where no training accuracy was logged and
    the model generalizes (`_generalizes`: a good validation accuracy or F1 score, `ge_058`'s 93%
    beside a loss floored at half of chance by a softmax before the cross-entropy; or a validation
    loss on another scale)."""
    th, tail_drop, jitter = run.thresholds, evidence["tail_drop"], evidence["jitter"]
    epochs = [run.epoch_of(run.n - 1 - run.tail if run.n > run.tail else 0), run.epoch_of(run.n - 1)]
    if jitter >= th.plateau_noise and not _rate_was_lowered(run) and not run.curves.sampled_loss:
        return Finding(
            "plateau",
            "warning",
            epochs,
            evidence,
            "Lower the learning rate: "
            f"ReduceLROnPlateau(monitor='{run.monitor}', factor=0.5, patience=3), "
            "or a decaying schedule. If the curve then settles just as high, the model lacks capacity "
            "(see underfitting).",
            f"loss stopped falling ({_change_text(tail_drop)} over the last {run.tail} epochs) at "
            f"{level}, short of a good value ({run.poor_level_text}), and jitters {jitter:.1%} from epoch "
            "to epoch: the rate keeps it from settling.",
        )
    if evidence.get("gap") is not None and evidence["gap"] > th.underfit_max_gap:
        return None
    if run.accuracy_key is None and _generalizes(run):
        # Without a training accuracy, a good validation score is the evidence that the model fits
        # its data; a training accuracy as poor as the loss says otherwise (a logistic regression on
        # two moons at 83%, its validation split scored 91%; heavy weight decay at 87% on digits).
        return None
    lowered = " although the learning rate was lowered" if _rate_was_lowered(run) else ""
    flat = f"loss {_change_text(tail_drop)} over the last {run.tail} epochs"
    # Without validation there is one curve, and no gap to speak of.
    curves = (
        f"both curves are flat ({flat}) with no real gap"
        if run.has_val
        else f"the training loss is flat ({flat})"
    )
    return Finding(
        "underfitting",
        "warning",
        epochs,
        evidence,
        _UNDERFIT_ADVICE,
        f"training converged{lowered} at {level}, short of a good value ({run.poor_level_text}): "
        f"{curves}: the model "
        "cannot fit the training data better (high bias).",
    )


def _change_text(drop: float) -> str:
    """`"fell 1.2%"` or `"rose 38%"`: a relative change of a smoothed curve, in words."""
    if abs(drop) < 0.0005:
        return "moved less than 0.1%"
    return f"fell {drop:.1%}" if drop >= 0 else f"rose {-drop:.1%}"


_MORE_CAPACITY = (
    "Give the model more capacity (more units or layers, a nonlinear model instead of a linear one), "
    "better features, or less regularization (dropout, weight decay)."
)
_UNDERFIT_ADVICE = f"{_MORE_CAPACITY} A lower learning rate will not help a smooth, flat curve."
