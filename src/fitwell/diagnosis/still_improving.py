"""`still_improving`: the run was stopped while its watched curve still improved, or it is too short
to judge; and the advice to train longer that other findings share."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.metric_names import is_accuracy
from fitwell.diagnosis.run import RunView, format_epoch, format_number

__all__ = ["check_still_improving", "inside_one_epoch", "sets_new_lows", "train_longer_advice"]


def check_still_improving(run: RunView) -> Finding | None:
    """`still_improving`: the validation loss (a validation metric without it; the training loss
    without either, see `RunView.watched`; a score logged without a set's name before the
    training loss, see `RunView.progress`) is still reaching new bests at the end of the run, or
    the run is too short to judge."""
    run = run.progress
    th, watched = run.thresholds, run.watched
    if run.n <= th.short_run_epochs:
        raw, name = (run.val_loss, "val_loss") if run.has_val else (run.loss, "loss")
        if not run.has_val and run.curves.has("val_loss"):
            # Fewer than 3 validation losses are no curve to judge a problem by, but a run this
            # short is judged by the set it is meant for, as a longer one is.
            _, values = run.curves.series("val_loss")
            finite = values[np.isfinite(values)]
            if len(finite) >= 2 and bool(np.isfinite(values[-1])):
                raw, name = finite, "val_loss"
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
            f"{name} was at its best in the last epoch: {last} at "
            f"{format_epoch(run.epoch_of(int(watched.positions[-1])))} "
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
    before the window's second half, by more than half the curve's noise: a drop at a step of the
    rate early in the window, flat (or rising, or jittering about one level) since, is no curve
    still falling (`gs_040`: 0.032 → 0.019 at epoch 28, then 0.018–0.023 for seven epochs)."""
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
    late_margin = th.still_improving_late_noise * stats.noise_scale(logs)
    if window >= 8 and end >= float(np.min(smooth[: -(window // 2)])) - late_margin:
        return None  # it fell early in the window and not since (not beyond its noise)
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


def sets_new_lows(run: RunView) -> bool:
    """Whether the watched curve still sets a new best epoch after epoch at the end (`_new_lows`):
    a curve going down so is no converged one, whatever its level."""
    return _new_lows(run) is not None


def _new_lows(run: RunView) -> tuple[int, int, float] | None:
    """`(new lows, window, relative drop)` when the watched curve (`RunView.watched`: the
    validation loss, else a validation metric, else the training loss) set a new best in at
    least `steady_new_lows` of the end window's epochs (at least 4), the last epoch among them,
    falling at least `still_improving_drop` per 10 epochs over the window and by more than twice
    its noise, and not bending flat (`_bending_flat`): a curve still going down epoch after epoch
    has not converged. A converged curve sets new lows rarely, or by a hair."""
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
    if _bending_flat(run, window, before):
        return None  # new lows by ever smaller steps, a hair of the run's whole fall
    return lows, window, drop


def _bending_flat(run: RunView, window: int, before: float) -> bool:
    """Whether the watched curve's new lows over the end window (from `before`, its best before
    the window, to its last epoch) bend flat: on a log scale they bring less than
    `steady_min_share` of the share of its whole fall (its smoothed highest before the window to
    its smoothed lowest) that a power-law decline brings there (`ln(n / (n - window)) / ln(n)`, as
    `_falling_like_a_power_law` asks), and the window's second half fell, per step, less than
    `steady_bend` of what its first half fell (the steps shrank). New lows by ever smaller steps at the end of
    a long fall (0.0471, 0.0443, 0.0425, 0.0418, 0.0417 after 1.12, as a cosine schedule ends)
    are a curve levelling off, as a reader sees it on the plot of the whole run; a slow creep at
    an even pace after a fast early fall is not: its steps do not shrink."""
    th, raw = run.thresholds, run.watched.values
    n = len(raw)
    if float(np.min(raw)) <= 0 or n <= window:
        return False
    smooth = stats.median_smooth(np.log(raw))
    whole = float(np.max(smooth[:-window]) - np.min(smooth))
    fall = float(np.log(before) - np.log(float(raw[-1])))
    power_law_share = float(np.log(n / (n - window)) / np.log(n))
    if whole <= 0 or fall >= th.steady_min_share * power_law_share * whole:
        return False
    late = window // 2  # the steps of the window's second half; the first has the rest
    middle = float(np.min(raw[: n - late]))
    first, second = np.log(before) - np.log(middle), np.log(middle) - np.log(float(raw[-1]))
    # Per step: a window of 5 splits 3 and 2, and an even pace must not read as a bend.
    return bool(second / late < th.steady_bend * first / (window - late))


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


def train_longer_advice(run: RunView, last_epoch: int, judged: str | None = None) -> str:
    """Advice to train longer: how many epochs, and the EarlyStopping that stops at the best epoch
    of the watched curve (of the loss `judged`, when a run too short to judge names it)."""
    watched = run.watched
    if judged is not None:
        monitor = f"monitor='{judged}'"
    elif watched.is_metric:
        monitor = f"monitor='{watched.name}', mode='{watched.mode}'"
    else:
        monitor = f"monitor='{run.monitor}'"
    return (
        f"Train longer (e.g. epochs={2 * (last_epoch + 1)}) with EarlyStopping({monitor}, "
        "restore_best_weights=True) to stop at the right time."
    )


def _near_zero(raw: np.ndarray, floor: float) -> bool:
    """Whether a curve ended under `floor` without going clearly below zero: a loss converged to 0
    may log -1e-8, while one that went below zero by more than the floor (a negated correlation)
    has no zero to be near."""
    return abs(float(raw[-1])) < floor and float(np.min(raw)) >= -floor


#: The batches at each end of a log of one epoch's batches whose median the message quotes (one
#: batch's loss is as noisy as a batch).
_END_BATCHES = 5


def inside_one_epoch(run: RunView) -> Finding:
    """A log that stopped inside its first epoch (`Curves.part_of_epoch`): its batches say how the
    loss began, not how the run goes, whichever way they moved: too short to judge."""
    loss = run.loss
    ends = min(_END_BATCHES, max(1, len(loss) // 3))
    first, last = float(np.median(loss[:ends])), float(np.median(loss[-ends:]))
    which = "its first and last batch's" if ends == 1 else f"the medians of the first and last {ends}"
    return Finding(
        "still_improving",
        "info",
        [run.n - 1],
        {"curve": "loss", "part_of_epoch": run.curves.part_of_epoch, "batches": run.n},
        "Let the run go on through its epochs, and judge it by each epoch's mean loss and a validation "
        "loss: fit(..., validation_split=0.2) with CSVLogger('log.csv') writes both (one row an epoch).",
        f"the log holds only {run.curves.part_of_epoch} ({run.n} logged batches; loss "
        f"{format_number(first)} → {format_number(last)}, {which}): too short to judge.",
    )


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
        train_longer_advice(run, last_epoch, name if name == "val_loss" and not run.has_val else None),
        seen,
    )
