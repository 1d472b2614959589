"""How far and how fast the run got: `lr_too_low`, `underfitting`, `plateau`, `still_improving`
(`not_learning`, the run that got nowhere, is `fitwell.diagnosis.not_learning`)."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.curves import is_accuracy
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range

__all__ = [
    "check_crawl",
    "check_plateau_or_underfitting",
    "check_still_improving",
    "is_crawl",
    "straightness",
    "train_longer_advice",
]


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
    setting_new_lows = _new_lows(run) is not None
    if _flat(run, tail_drop, run.tail) and not setting_new_lows:
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
    generalizes), nor when the two losses are on different scales."""
    th, gap = run.thresholds, evidence.get("gap")
    if gap is None or gap > 0 or evidence["tail_rate_per_epoch"] > th.underfit_max_rate:
        return None
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
    """Whether the validation accuracy ends at a good value (`good_accuracy`), or the validation
    loss sits under `leak_loss_ratio` × the training loss (two losses on different scales): the
    training loss above the validation loss is then no sign of high bias. (A validation accuracy a
    little above the training accuracy is what such a model shows: dropout is off on validation.)"""
    th = run.thresholds
    val_accuracy = run.end_of(run.val_accuracy_key) if run.val_accuracy_key else None
    if val_accuracy is not None and val_accuracy >= th.good_accuracy:
        return True
    return float(np.median(run.smooth_val_loss[-run.tail :])) < th.leak_loss_ratio * run.end_loss


def _flat_far_from_good(run: RunView, evidence: dict, level: str) -> Finding | None:
    """A flat training loss far from a good value: `plateau` when it jitters and the rate was never
    lowered, `underfitting` when smooth (or after the rate was lowered) with no real gap; None with
    a large gap (that is for the overfitting rules)."""
    th, tail_drop, jitter = run.thresholds, evidence["tail_drop"], evidence["jitter"]
    epochs = [run.epoch_of(run.n - 1 - run.tail if run.n > run.tail else 0), run.epoch_of(run.n - 1)]
    if jitter >= th.plateau_noise and not _rate_was_lowered(run):
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


def check_still_improving(run: RunView) -> Finding | None:
    """`still_improving`: the validation loss (a validation metric without it; the training loss
    without either, see `RunView.watched`) is still reaching new bests at the end of the run, or
    the run is too short to judge."""
    th, watched = run.thresholds, run.watched
    if run.n <= th.short_run_epochs:
        raw, name = (run.val_loss, "val_loss") if run.has_val else (run.loss, "loss")
        return _too_short(run, raw, name)
    raw, name = watched.values, watched.name
    ended_best = _ended_on_best(run)
    if _nothing_left_to_gain(run, ended_best):
        return None
    best, fewer = ("high", "fewer errors") if watched.higher_is_better else ("low", "lower")
    last = format_number(watched.logged(len(raw) - 1))
    steady = _new_lows(run)
    if steady is not None:
        lows, window, drop = steady
        return _still_improving(
            run,
            {"recent_drop": drop, "recent_epochs": window, "new_lows": lows},
            f"{name} set a new {best} in {lows} of the last {window} epochs ({drop:.1%} {fewer} over them, "
            f"to {last}): it has not converged.",
        )
    if ended_best is not None:
        earlier, margin = ended_best
        return _still_improving(
            run,
            {"recent_drop": margin, "recent_epochs": 1, "previous_best_epoch": earlier},
            f"{name} was at its best in the last epoch: {last} at {format_epoch(run.epoch_of(run.n - 1))} "
            f"against {format_number(watched.logged(earlier))} at best before "
            f"({format_epoch(run.epoch_of(int(watched.positions[earlier])))}; {margin:.1%} {fewer}): "
            "it was stopped while still improving.",
        )
    return _making_new_bests(run, best, fewer) or _falling_like_a_power_law(run, fewer)


def _falling_like_a_power_law(run: RunView, fewer: str) -> Finding | None:
    """`still_improving` when the watched curve, on a log scale, fell over the end window (the
    last `tail_fraction` of the run: its smoothed end below its smoothed best before the window)
    by more than twice its noise, by at least `still_improving_min_fall` (1%), and by at least the
    share of its whole fall that a power-law decline brings there (`ln(n / (n - window)) /
    ln(n)`: 10% of it over the last 5 of 20 epochs). A curve that falls at least as a power of
    the epoch falls does not level off; a converged curve brings a far smaller share of its fall
    at its end, however steadily it still creeps. Judged where a reader judges it, on the log plot
    of the whole run: a noisy curve still trending down gets there, while one lucky epoch does not
    (the end is smoothed). On a window of 8 epochs or more the end must also be below the best
    before the window's second half: a drop at a step of the rate early in the window, flat (or
    rising) since, is no curve still falling."""
    th, watched = run.thresholds, run.watched
    raw = watched.values
    n = len(raw)
    window = stats.tail_window(n, th.tail_fraction)
    if n <= window + 1 or float(np.min(raw)) <= 0:
        return None
    logs = np.log(raw)
    smooth = stats.median_smooth(logs)
    before, end = float(np.min(smooth[:-window])), float(smooth[-1])
    whole = float(np.max(smooth[:-window]) - np.min(smooth))
    fall = before - end
    power_law_share = float(np.log(n / (n - window)) / np.log(n))
    if whole <= 0 or fall < power_law_share * whole or fall < -np.log1p(-th.still_improving_min_fall):
        return None
    if fall <= th.still_improving_noise_multiple * stats.noise_scale(logs):
        return None  # within the curve's epoch-to-epoch noise
    if window >= 8 and end >= float(np.min(smooth[: -(window // 2)])):
        return None  # it fell early in the window and not since
    if _accuracy_gain_too_small(run, float(np.exp(before)), float(np.exp(end))):
        return None
    earlier = int(np.argmin(smooth[:-window]))

    def logged(log_value: float) -> str:
        value = float(np.exp(log_value))
        return format_number(1.0 - value if watched.higher_is_better else value)

    drop = 1.0 - float(np.exp(-fall))
    direction = "rising" if watched.higher_is_better else "falling"
    since = format_epoch(run.epoch_of(int(watched.positions[earlier])))
    return _still_improving(
        run,
        {"recent_drop": drop, "recent_epochs": window, "share_of_fall": fall / whole},
        f"{watched.name} is still {direction}: smoothed {logged(before)} at {since} → {logged(end)} at the "
        f"end ({drop:.1%} {fewer} over the last {window} epochs, {fall / whole:.0%} of its whole fall on a "
        "log scale: as much as a decline that never levels off brings there); it has not converged.",
    )


def _making_new_bests(run: RunView, best: str, fewer: str) -> Finding | None:
    """`still_improving` from the end window's new bests (`_recent_new_lows`), else None."""
    watched = run.watched
    recent = _recent_new_lows(run)
    if recent is None:
        return None
    window, earlier, latest, raw_drop = recent
    latest_epoch = format_epoch(run.epoch_of(int(watched.positions[latest])))
    earlier_epoch = format_epoch(run.epoch_of(int(watched.positions[earlier])))
    return _still_improving(
        run,
        {"recent_drop": raw_drop, "recent_epochs": window},
        f"{watched.name} is still making new {best}s: {format_number(watched.logged(latest))} at "
        f"{latest_epoch}, in the last {window} epochs, against {format_number(watched.logged(earlier))} at "
        f"best before them ({earlier_epoch}; {raw_drop:.0%} {fewer}).",
    )


def _nothing_left_to_gain(run: RunView, ended_best: tuple[int, float] | None) -> bool:
    """A watched curve nearly at zero (under `still_improving_floor` of the reference) that did
    not beat its best by `near_zero_new_best` in its last epoch; or a schedule annealed to its end
    without a clear new best at its last epoch. A curve that went below zero (a negative loss, such
    as a negated correlation) has no zero to be near: the floor does not apply to it."""
    th, watched = run.thresholds, run.watched
    raw = watched.values
    floor = (
        th.still_improving_floor / 20 * float(abs(raw[0]))
        if watched.is_metric
        else run.floor_of(raw, th.still_improving_floor)
    )
    if _near_zero(raw, floor) and (ended_best is None or ended_best[1] < th.near_zero_new_best):
        return True
    return _schedule_finished(run) and ended_best is None


def _still_improving(run: RunView, evidence: dict, summary: str) -> Finding:
    last_epoch = run.epoch_of(run.n - 1)
    return Finding(
        "still_improving",
        "info",
        [last_epoch],
        {"curve": run.watched.name, **evidence},
        train_longer_advice(run, last_epoch),
        summary,
    )


def _recent_new_lows(run: RunView) -> tuple[int, int, int, float] | None:
    """`(window, index of the best before it, index of the best in it, relative drop)` when the
    watched curve made new lows over the recent window at least `still_improving_drop` below the
    best before it, both smoothed and raw, by more than its noise allows. New lows, not a rebound
    from a bump: the smoothed end must be below the smoothed best before the window too."""
    th, raw = run.thresholds, run.watched.values
    smooth = stats.median_smooth(raw)
    recent = stats.tail_window(len(smooth), th.recent_fraction)
    if len(smooth) <= recent:
        return None
    before = float(np.min(smooth[:-recent]))
    drop = stats.relative_drop(before, float(smooth[-1]))
    earlier, latest = int(np.argmin(raw[:-recent])), len(raw) - recent + int(np.argmin(raw[-recent:]))
    raw_drop = stats.relative_drop(float(raw[earlier]), float(raw[latest]))
    if min(drop, raw_drop) < th.still_improving_drop:
        return None
    if before - float(smooth[-1]) <= th.still_improving_noise_multiple * stats.noise_scale(raw):
        return None  # a lucky epoch of a noisy curve, not progress
    if _accuracy_gain_too_small(run, float(raw[earlier]), float(raw[latest])):
        return None
    return recent, earlier, latest, raw_drop


def _new_lows(run: RunView) -> tuple[int, int, float] | None:
    """`(new lows, window, relative drop)` when the watched curve (`RunView.watched`: the
    validation loss, else a validation metric, else the training loss) set a new best in at
    least `steady_new_lows` of the end window's epochs (at least 4), the last epoch among them,
    falling at least `still_improving_drop` per 10 epochs over the window and by more than twice
    its noise: a curve still going down epoch after epoch has not converged. A converged curve
    sets new lows rarely, or by a hair."""
    th = run.thresholds
    raw = run.watched.values
    window = max(4, run.tail)
    if len(raw) < window + 2:
        return None
    running_low = np.minimum.accumulate(raw)
    lows = int(np.sum(raw[-window:] < running_low[-window - 1 : -1]))
    before = float(running_low[-window - 1])
    drop = stats.relative_drop(before, float(raw[-1]))
    if lows < th.steady_new_lows * window or float(raw[-1]) > float(running_low[-2]):
        return None  # too few new lows, or the last epoch is not one of them
    if drop * 10 / window < th.still_improving_drop:
        return None  # going down by a hair: converged for all it matters
    if before - float(raw[-1]) <= th.still_improving_noise_multiple * stats.noise_scale(raw):
        return None
    if _accuracy_gain_too_small(run, before, float(raw[-1])):
        return None  # new highs of an accuracy by hundredths of a point: converged
    return lows, window, drop


def _schedule_finished(run: RunView) -> bool:
    """Whether the logged learning rate ended at most `schedule_finished` of its peak and was still
    annealing (a cosine or one-cycle schedule run to its end): more epochs at that rate add next to
    nothing. A rate that stepped down and then held for the last epochs is not finished, nor one
    that stepped down at the second-to-last epoch and held at the last: still annealing means the
    rate fell at each of the last two epochs, as a cosine or one-cycle schedule does."""
    key = run.curves.learning_rate_key
    if key is None:
        return False
    _, rates = run.curves.series(key)
    peak = float(np.max(rates)) if len(rates) >= 3 else 0.0
    annealing = len(rates) >= 3 and float(rates[-1]) < float(rates[-2]) < float(rates[-3])
    return peak > 0 and float(rates[-1]) <= run.thresholds.schedule_finished * peak and annealing


def _ended_on_best(run: RunView) -> tuple[int, float] | None:
    """`(index of the best before, relative margin)` when the watched curve's last epoch is its
    best by at least `last_epoch_best` below every earlier epoch."""
    raw = run.watched.values
    if len(raw) < 2:
        return None
    earlier = int(np.argmin(raw[:-1]))
    margin = stats.relative_drop(float(raw[earlier]), float(raw[-1]))
    if _accuracy_gain_too_small(run, float(raw[earlier]), float(raw[-1])):
        return None
    return (earlier, margin) if margin >= run.thresholds.last_epoch_best else None


def _accuracy_gain_too_small(run: RunView, earlier: float, later: float) -> bool:
    """Whether the watched curve is a validation accuracy (its error, `1 - value`) whose new best
    `later` gained less than `still_improving_accuracy_gain` over `earlier`, in absolute terms.
    An accuracy is a share of samples, read in percentage points: 0.9792 to 0.9798 is six of
    10,000 images changing their answer, however large the relative fall of its error (2.9%). An
    AUC, F1 or IoU is no count of samples, and is left to the relative tests. (Scaling the half
    point to the epochs it was gained over, so that 0.12 points an epoch over 4 epochs counts,
    was measured: it loses two runs readers call healthy, gained over one or two epochs.)"""
    watched = run.watched
    if not (watched.is_metric and watched.higher_is_better and is_accuracy(watched.name)):
        return False
    return earlier - later < run.thresholds.still_improving_accuracy_gain


def train_longer_advice(run: RunView, last_epoch: int) -> str:
    """Advice to train longer: how many epochs, and the EarlyStopping that stops at the best epoch
    of the watched curve."""
    watched = run.watched
    monitor = (
        f"monitor='{watched.name}', mode='{watched.mode}'"
        if watched.is_metric
        else f"monitor='{run.monitor}'"
    )
    return (
        f"Train longer (e.g. epochs={2 * (last_epoch + 1)}) with EarlyStopping({monitor}, "
        "restore_best_weights=True) to stop at the right time."
    )


def _near_zero(raw: np.ndarray, floor: float) -> bool:
    """Whether a curve ended under `floor` without going clearly below zero: a loss converged to 0
    may log -1e-8, while one that went below zero by more than the floor (a negated correlation)
    has no zero to be near."""
    return abs(float(raw[-1])) < floor and float(np.min(raw)) >= -floor


def _too_short(run: RunView, raw: np.ndarray, name: str) -> Finding | None:
    """A run of a few epochs: too short to judge (even when its last epoch barely moved: one epoch
    says nothing of convergence), unless it is already near zero."""
    last_epoch = run.epoch_of(run.n - 1)
    if len(raw) >= 2:
        if _near_zero(raw, run.floor_of(raw, run.thresholds.still_improving_floor)):
            return None
        fall = stats.relative_drop(float(raw[-2]), float(raw[-1]))
        moved = (
            f"{name} still fell {fall:.0%} in the last one"
            if fall >= run.thresholds.still_improving_drop
            else f"{name} went {format_number(float(raw[0]))} → {format_number(float(raw[-1]))}"
        )
        last_step = (
            ""
            if len(raw) == 2 and fall < run.thresholds.still_improving_drop
            else f" ({format_number(float(raw[-2]))} → {format_number(float(raw[-1]))} in the last)"
        )
        seen = f"only {run.n} epochs, and {moved}{last_step}: too short to judge whether it converged."
    else:
        fall = 0.0
        seen = f"only one epoch ({name} {format_number(float(raw[-1]))}): too short to judge."
    return Finding(
        "still_improving",
        "info",
        [last_epoch],
        {"curve": name, "recent_drop": fall, "recent_epochs": 1, "epochs": run.n},
        train_longer_advice(run, last_epoch),
        seen,
    )
