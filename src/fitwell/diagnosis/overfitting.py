"""`overfitting`: validation loss reached its minimum, then rose while the training loss kept falling.

The tests of how the watched curve got worse (or never got better) are `overfit_rises.py`'s; the
measures they read, `overfit_evidence.py`'s. Here: which of them make the finding, and its message
and advice."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.overfit_evidence import (
    AccuracyStall,
    OverfitEvidence,
    accuracy_stalled,
    end_level,
    val_loss_no_better_since,
)
from fitwell.diagnosis.overfit_rises import (
    held_training,
    metric_gap,
    never_improved,
    noisy_large_rise,
    score_never_carried_over,
    turned_up_from_low,
    worse_after_best,
)
from fitwell.diagnosis.run import RunView, format_epoch, format_number, format_percent
from fitwell.diagnosis.stats import difference_error, estimated_samples

__all__ = ["check_overfitting", "stalled_only"]

_REGULARIZE = "Dropout, weight decay, data augmentation, a smaller model, or more data"
#: How much a train/validation gap must have grown over a stall to count as growing.
_GAP_GROWTH = 0.02


def _gap_at(run: RunView, position: int) -> float | None:
    """The metric's train − validation gap at an epoch position, when recorded there."""
    key, val_key = run.accuracy_key, run.val_accuracy_key
    if key is None or val_key is None or not run.curves.recorded[val_key][position]:
        return None
    return float(run.curves.values[key][position] - run.curves.values[val_key][position])


def _stalled_since(run: RunView) -> int | None:
    """The validation position from which the smoothed validation loss made no new low of 1%."""
    smooth = run.smooth_val_loss
    return stats.reached_low_at(smooth, 0.01 * abs(float(np.min(smooth)))) if len(smooth) else None


def _accuracies_parted(run: RunView) -> bool:
    """Whether the validation accuracy fell `overfit_accuracy_fall` from a best in the first half of
    the run (smoothed, to its end level) while the training accuracy rose since and ended ahead
    of it, over at least `overfit_steady_epochs` × 3 epochs: the two parted, as a gap opening does."""
    key, val_key = run.accuracy_key, run.val_accuracy_key
    if key is None or val_key is None:
        return False
    val, train = run.curves.series(val_key)[1], run.curves.series(key)[1]
    if min(len(val), len(train)) < 3 * run.thresholds.overfit_steady_epochs or len(val) != len(train):
        return False
    smooth_val, smooth_train = stats.median_smooth(val), stats.median_smooth(train)
    best = int(np.argmax(smooth_val))
    end_val, end_train = run.end_of(val_key), run.end_of(key)
    if end_val is None or end_train is None or best >= len(val) // 2:
        return False
    fell = float(smooth_val[best]) - end_val >= run.thresholds.overfit_accuracy_fall
    return fell and end_train > float(smooth_train[best]) and end_train > end_val


def check_overfitting(run: RunView) -> Finding | None:
    """`overfitting` when the validation loss rose clearly and lastingly after its minimum, or rose a
    little / stopped improving while the metric's train/validation gap is large and growing, or
    whatever it did when that gap is huge at the end (`overfit_gap_alone`)."""
    if not run.has_val:
        return _metric_overfitting(run) if run.watched.is_metric else None
    th = run.thresholds
    gap = metric_gap(run)
    large_gap = (gap is not None and gap[1] - gap[2] >= th.overfit_metric_gap) or _accuracies_parted(run)
    found = worse_after_best(run, th.overfit_min_rise_with_gap if large_gap else th.overfit_min_rise)
    if found is None:
        score = score_never_carried_over(run)
        return None if score is None else _score_never_finding(run, score)
    evidence, best_index, train_at_best, worse = found
    best_position = int(run.val_positions[best_index])
    if worse:
        return _finding(run, evidence, best_position, train_at_best, gap)
    if large_gap and _stalled_with_growing_gap(run):
        return _finding(run, evidence, best_position, train_at_best, gap, stalled=True)
    if gap is not None and gap[1] - gap[2] >= th.overfit_gap_alone:
        return _finding(run, evidence, best_position, train_at_best, gap, gap_alone=True)
    key, val_key = run.accuracy_key, run.val_accuracy_key
    stall = accuracy_stalled(run, key, val_key)
    if key and val_key and stall is not None and val_loss_no_better_since(run, stall.position):
        return _accuracy_stall_finding(run, (key, val_key), stall, evidence, best_position)
    if noisy_large_rise(run, evidence) and run.end_loss < (1.0 - th.overfit_train_drop) * train_at_best:
        found = _finding(run, evidence, best_position, train_at_best, gap)
        found.evidence["noisy_rise"] = True
        return found
    if never_improved(run):
        return _never_finding(run)
    score = score_never_carried_over(run)
    return None if score is None else _score_never_finding(run, score)


def _score_never_finding(run: RunView, val_key: str) -> Finding:
    """`overfitting` from a validation score that never improved while its training twin rose."""
    key = val_key[len("val_") :]
    positions, values = run.curves.series(val_key)
    best_index = int(np.argmax(values))
    best_epoch = run.epoch_of(int(positions[best_index]))
    train_positions, train = run.curves.series(key)
    patience = max(2, round(0.1 * len(values)))
    return Finding(
        "overfitting",
        "warning",
        [best_epoch],
        {
            "best_epoch": best_epoch,
            "metric": val_key,
            "first_metric": float(values[0]),
            "best_metric": float(values[best_index]),
            "end_metric": float(values[-1]),
            "never_improved": True,
        },
        f"Keep the weights of {format_epoch(best_epoch)} (best {val_key}): "
        f"EarlyStopping(monitor='{val_key}', mode='max', patience={patience}, restore_best_weights=True). "
        f"Then regularize: {_REGULARIZE}; "
        "and check that the validation data are prepared as the training data are.",
        f"{val_key} never got clearly better than at {format_epoch(run.epoch_of(int(positions[0])))} "
        f"({format_number(float(values[0]))}; best {format_number(float(values[best_index]))} at "
        f"{format_epoch(best_epoch)}, {format_number(float(values[-1]))} at the end) while {key} rose "
        f"{format_number(float(train[0]))} → {format_number(float(train[-1]))} and loss kept falling "
        f"({run.training_fall_text(int(train_positions[0]))}): what the model learns does not carry over "
        "to the validation data.",
    )


def _never_finding(run: RunView) -> Finding:
    """`overfitting` from a validation curve that never improved on its first epoch."""
    watched = run.watched
    best_index = int(np.argmin(watched.values))
    best_epoch = run.epoch_of(int(watched.positions[best_index]))
    first_position = int(watched.positions[0])
    advice = (
        _keep_best_metric(run, best_epoch)
        if watched.is_metric
        else f"{_keep_advice(run, best_epoch)} Then regularize: {_REGULARIZE}."
    )
    return Finding(
        "overfitting",
        "warning",
        [best_epoch],
        {
            "best_epoch": best_epoch,
            "metric": watched.name,
            "first_metric": watched.logged(0),
            "best_metric": watched.logged(best_index),
            "end_metric": watched.logged(len(watched.values) - 1),
            "never_improved": True,
        },
        advice,
        f"{watched.name} never got clearly better than at {format_epoch(run.epoch_of(first_position))} "
        f"({format_number(watched.logged(0))}; best {format_number(watched.logged(best_index))} at "
        f"{format_epoch(best_epoch)}, {format_number(watched.logged(len(watched.values) - 1))} at the end) "
        f"while loss kept falling ({run.training_fall_text(first_position)}): what the model learns does "
        "not carry over to the validation data.",
    )


def stalled_only(run: RunView) -> int | None:
    """The validation position from which the validation loss made no new low of 1% (smoothed),
    when `check_overfitting` finds overfitting on that stall alone (no rise after its minimum, but
    the training loss fell and the metric's gap grew); else None."""
    found = check_overfitting(run)
    return _stalled_since(run) if found is not None and found.evidence.get("stalled") else None


def _training_went(run: RunView, best_position: int) -> str:
    """What the training loss did since the validation minimum, as the quoted numbers show it
    (`RunView.training_end`): `kept falling`, `held`, or held there but fell at its last epochs."""
    at_best = float(run.smooth_loss[best_position])
    margin = run.thresholds.overfit_train_drop / 2
    if at_best <= 0 or run.training_end(best_position) < (1.0 - margin) * at_best:
        return "kept falling"
    return "held" if held_training(run, at_best) else "held, falling only over its last epochs"


def _metric_overfitting(run: RunView) -> Finding | None:
    """Without a validation loss, a validation metric that got clearly and lastingly worse after
    its best epoch, or worse epoch after epoch (by the rules of the validation loss, on its error
    `1 - value` when higher is better), while the training loss kept falling."""
    watched = run.watched
    found = worse_after_best(run, run.thresholds.overfit_min_rise)
    if found is None:
        return None
    if not found[3] or _within_sampling_noise(run, found[1]):
        stalled = _metric_stalled_with_growing_gap(run)
        if stalled is not None:
            return _metric_stall_finding(run, *stalled)
        train_key = watched.name.removeprefix("val_")
        stall = None if train_key == watched.name else accuracy_stalled(run, train_key, watched.name)
        if stall is None:
            return _never_finding(run) if never_improved(run) else None
        return _metric_stall_finding(run, stall.index, stall.gap_then, stall.gap_now, stall)
    evidence, best_index, _, _ = found
    best_position = int(watched.positions[best_index])
    key = watched.name
    best_epoch, last_epoch = run.epoch_of(best_position), run.epoch_of(int(watched.positions[-1]))
    best, last = watched.logged(best_index), watched.logged(len(watched.values) - 1)
    change = (
        f"then fell (its errors up {evidence.rise:.0%}, smoothed)"
        if watched.higher_is_better
        else f"then rose {evidence.rise:.0%} (smoothed)"
    )
    return Finding(
        "overfitting",
        "warning",
        [best_epoch],
        {
            "metric": key,
            "best_epoch": best_epoch,
            "best_metric": best,
            "end_metric": last,
            "rise": evidence.rise,
        },
        _keep_best_metric(run, best_epoch) + " Logging val_loss too (validation_data) shows it best.",
        f"{key} was best at {format_epoch(best_epoch)} ({format_number(best)}), {change} to "
        f"{format_number(last)} at {format_epoch(last_epoch)} while loss kept falling "
        f"({run.training_fall_text(best_position)}).",
    )


def _keep_best_metric(run: RunView, best_epoch: int) -> str:
    """The advice to keep the epoch best by the validation metric that stands in for the loss."""
    key, mode = run.watched.name, run.watched.mode
    patience = max(2, round(0.1 * len(run.watched.values)))
    return (
        f"Keep the weights of {format_epoch(best_epoch)} (best {key}): EarlyStopping(monitor='{key}', "
        f"mode='{mode}', patience={patience}, restore_best_weights=True) or ModelCheckpoint(..., "
        f"monitor='{key}', mode='{mode}', save_best_only=True). Then regularize: {_REGULARIZE}."
    )


def _metric_stalled_with_growing_gap(run: RunView) -> tuple[int, float, float] | None:
    """`(stall index, gap then, gap now)` when a validation score between 0 and 1 (higher is better)
    that stands in for the validation loss made no new best of 1% of its error over the last
    `tail_fraction` of the run while the training loss (or the training score's error) fell
    `overfit_stall_train_drop` and the same score on the training set pulled away: its lead at
    least `overfit_metric_gap` at the end and grown by more than 0.02 since (the rule for a
    stalled validation loss, on the metric), or, grown or not, at least `overfit_gap_alone`
    (a training F1 of 1.0 against 0.27: the model fits what it saw and not what it did not)."""
    th, watched = run.thresholds, run.watched
    train_key = watched.name.removeprefix("val_")
    if not watched.higher_is_better or train_key == watched.name or not run.curves.has(train_key):
        return None
    positions, train = run.curves.series(train_key)
    if not stats.is_fraction(train):
        return None
    by_position = dict(zip(positions.tolist(), train.tolist(), strict=True))
    since = _stall_that_lasted(
        run, stats.median_smooth(watched.values), watched.positions, train_scores=(positions, train)
    )
    if since is None:
        return None

    def lead(index: int) -> float | None:
        value = by_position.get(int(watched.positions[index]))
        return None if value is None or not np.isfinite(value) else float(value - watched.logged(index))

    then, now = lead(since), lead(len(watched.values) - 1)
    if (
        then is None
        or now is None
        or now < th.overfit_metric_gap
        or (now <= then + _gap_growth(watched.values) and now < th.overfit_gap_alone)
    ):
        return None
    return since, then, now


def _gap_growth(scores: np.ndarray) -> float:
    """How much a gap must grow to count: `_GAP_GROWTH`, or on a set so small that its score's
    steps count its samples, one standard error of the score at its end level (on 60 images at
    0.83, 0.048: a gap grown by two images is the set's sampling noise)."""
    samples = stats.exact_sample_count(scores)
    if samples is None or stats.printed_to_two_decimals(scores):
        return _GAP_GROWTH  # (hundredths count no set: a score printed to two decimals)
    level = float(np.clip(scores[-1], 0.0, 1.0))
    return max(_GAP_GROWTH, float(np.sqrt(level * (1.0 - level) / samples)))


def _metric_stall_finding(
    run: RunView, since: int, then: float, now: float, stall: AccuracyStall | None = None
) -> Finding:
    """`overfitting` from a validation score that stalled while the training score pulled away
    (with `stall`, an accuracy that stalled within its sampling noise, `_accuracy_stalled`)."""
    watched = run.watched
    key = watched.name
    train_key = key.removeprefix("val_")
    last = len(watched.values) - 1
    best_index = int(np.argmin(watched.values))
    best_epoch = run.epoch_of(int(watched.positions[best_index]))
    stall_position = int(watched.positions[since])

    def pair(index: int) -> str:
        position = int(watched.positions[index])
        return (
            f"{train_key} {format_number(float(run.curves.values[train_key][position]))} against {key} "
            f"{format_number(watched.logged(index))} at {format_epoch(run.epoch_of(position))}"
        )

    how = "(smoothed; best" if stall is None else f"({stall.noise_text}; best"
    return Finding(
        "overfitting",
        "warning",
        [best_epoch],
        {
            "metric": key,
            "best_epoch": best_epoch,
            "best_metric": watched.logged(best_index),
            "end_metric": watched.logged(last),
            "gap_then": then,
            "gap_now": now,
        },
        _keep_best_metric(run, best_epoch),
        f"{key} made no new best of note after {format_epoch(run.epoch_of(stall_position))} {how} "
        f"{format_number(watched.logged(best_index))} at {format_epoch(best_epoch)}) while "
        f"{_training_went_on(run, stall_position, train_key)} and the training score "
        f"{'pulled away' if now > then + _gap_growth(watched.values) else 'stood far above it throughout'}: "
        f"{pair(since)}, {pair(last)}.",
    )


def _training_went_on(run: RunView, position: int, train_key: str) -> str:
    """How the training set went on from `position`: its loss kept falling, or (a loss that barely
    moved: `_stall_that_lasted` took the training score's error instead) its score kept rising."""
    share = run.thresholds.overfit_stall_train_drop
    if _fell_since(run.smooth_loss, run.end_loss, position, share):
        return f"loss kept falling ({run.training_fall_text(position)})"
    at, scores = run.curves.series(train_key)
    smooth = stats.median_smooth(scores)
    start = int(np.searchsorted(at, position))
    return (
        f"{train_key} kept rising (smoothed {format_number(float(smooth[start]))} at "
        f"{format_epoch(run.epoch_of(int(at[start])))} → {format_number(float(smooth[-1]))} at the end)"
    )


def _accuracy_stall_finding(
    run: RunView, keys: tuple[str, str], stall: AccuracyStall, evidence: OverfitEvidence, best_position: int
) -> Finding:
    """`overfitting` from a validation accuracy that stalled within its sampling noise, the
    validation loss no better since, while the training accuracy pulled away."""
    key, val_key = keys
    best_epoch = run.epoch_of(best_position)
    stall_epoch = run.epoch_of(stall.position)
    last = run.n - 1
    index = int(np.searchsorted(run.val_positions, stall.position, side="right")) - 1
    loss_then = float(run.smooth_val_loss[index])
    loss_end = end_level(run.val_loss, stats.tail_window(len(run.val_loss), run.thresholds.tail_fraction))
    facts = {
        "best_epoch": best_epoch,
        "best_val_loss": float(np.min(run.val_loss)),
        "onset_epoch": stall_epoch,
        "end_val_loss": loss_end,
        "rise": evidence.rise,
        "end_loss": run.end_loss,
        "gap": loss_end - run.end_loss,
        "stalled": False,
        "gap_alone": False,
        "accuracy_stalled": True,
        "metric": key,
        "gap_then": stall.gap_then,
        "gap_now": stall.gap_now,
        "val_samples": stall.samples,
        "new_best_margin": stall.margin,
    }

    def pair(position: int) -> str:
        train, val = (format_number(float(run.curves.values[name][position])) for name in keys)
        return f"{key} {train} against {val_key} {val} at {format_epoch(run.epoch_of(position))}"

    return Finding(
        "overfitting",
        "warning",
        [best_epoch, stall_epoch],
        facts,
        f"{_keep_advice(run, best_epoch)} Then regularize: {_REGULARIZE}.",
        f"{val_key} made no new best of note after {format_epoch(stall_epoch)} ({stall.noise_text}; best "
        f"{format_number(float(run.curves.values[val_key][stall.best]))} at "
        f"{format_epoch(run.epoch_of(stall.best))}) and val_loss ended no better than it stood then "
        f"(smoothed {format_number(loss_then)} → {format_number(loss_end)}; lowest "
        f"{format_number(float(np.min(run.val_loss)))} at {format_epoch(best_epoch)}) while loss kept "
        f"falling ({run.training_fall_text(stall.position)}) and the training accuracy pulled away: "
        f"{pair(stall.position)}, {pair(last)}.",
    )


def _within_sampling_noise(run: RunView, best_index: int) -> bool:
    """Whether a validation accuracy-like score (between 0 and 1) fell from its best to its end
    by no more than `overfit_metric_noise` standard errors of a difference of two scores on a set
    of its size (estimated from the score's steps): a few samples changing their answer on a
    small set, not a model getting worse. False when the size cannot be told."""
    watched = run.watched
    if not watched.higher_is_better:
        return False
    scores = 1.0 - watched.values  # the watched curve holds the error
    samples = estimated_samples(scores)
    if samples is None:
        return False
    best, end = float(scores[best_index]), float(scores[-1])
    return best - end <= run.thresholds.overfit_metric_noise * difference_error(best, end, samples)


def _stalled_with_growing_gap(run: RunView) -> bool:
    since = _stall_that_lasted(run, run.smooth_val_loss, run.val_positions)
    if since is None:
        return False
    gap_then = _gap_at(run, int(run.val_positions[since]))
    gap_now = _gap_at(run, int(run.val_positions[-1]))
    return gap_then is not None and gap_now is not None and gap_now > gap_then + _GAP_GROWTH


def _stall_that_lasted(
    run: RunView,
    smooth: np.ndarray,
    positions: np.ndarray,
    train_scores: tuple[np.ndarray, np.ndarray] | None = None,
) -> int | None:
    """The index from which a smoothed validation curve (lower is better) made no new low of 1%,
    when that stall covers at least the last `tail_fraction` of it (3 points or more) and the
    training loss fell `overfit_stall_train_drop` since, or, given `train_scores` (the positions
    and values of a training score between 0 and 1), that score's error fell as much: a model
    still fitting its training set while its loss barely moves (a regularized or smoothed loss);
    else None."""
    th = run.thresholds
    if not len(smooth):
        return None
    since = stats.reached_low_at(smooth, 0.01 * abs(float(np.min(smooth))))
    if len(smooth) - 1 - since < max(3, round(th.tail_fraction * len(smooth))):
        return None
    if _fell_since(run.smooth_loss, run.end_loss, int(positions[since]), th.overfit_stall_train_drop):
        return since
    if train_scores is not None:
        at, scores = train_scores
        errors = 1.0 - stats.median_smooth(scores)
        after = np.flatnonzero(at >= positions[since])
        if len(after) and _fell_since(errors, float(errors[-1]), int(after[0]), th.overfit_stall_train_drop):
            return since
    return None


def _fell_since(curve: np.ndarray, end: float, index: int, share: float) -> bool:
    """Whether a positive curve ended at least `share` below its value at `index`."""
    then = float(curve[index])
    return then > 0 and stats.relative_drop(then, end) >= share


def _best_metric_epoch(run: RunView) -> tuple[str, int, float] | None:
    """The validation accuracy-like metric's best epoch and value, when recorded."""
    val_key = run.val_accuracy_key
    if val_key is None:
        return None
    positions, values = run.curves.series(val_key)
    best = int(np.argmax(values))
    return val_key, run.epoch_of(int(positions[best])), float(values[best])


def _keep_advice(run: RunView, best_epoch: int) -> str:
    """Which epoch to keep, by which metric: the validation loss, unless the validation accuracy
    was clearly better at another epoch (then both are named, and monitoring it is advised)."""
    patience = max(2, round(0.1 * len(run.val_loss)))
    loss_advice = (
        f"Keep the weights of {format_epoch(best_epoch)} (lowest val_loss): "
        "EarlyStopping(monitor='val_loss', "
        f"patience={patience}, restore_best_weights=True) or ModelCheckpoint(..., monitor='val_loss', "
        "save_best_only=True)."
    )
    metric = _best_metric_epoch(run)
    if metric is None:
        return loss_advice
    val_key, metric_epoch, metric_best = metric
    position = int(np.flatnonzero(run.curves.epochs == best_epoch)[0])
    at_loss_best = run.curves.values[val_key][position]
    if metric_epoch == best_epoch or not np.isfinite(at_loss_best) or metric_best - at_loss_best < 0.01:
        return loss_advice
    return (
        f"Keep the weights of the epoch that is best for the metric you care about: val_loss was lowest at "
        f"{format_epoch(best_epoch)} ({val_key} {format_number(float(at_loss_best))} there), {val_key} was "
        f"highest at {format_epoch(metric_epoch)} ({format_number(metric_best)}). To keep the latter: "
        f"EarlyStopping(monitor='{val_key}', mode='max', patience={patience}, restore_best_weights=True) or "
        f"ModelCheckpoint(..., monitor='{val_key}', mode='max', save_best_only=True)."
    )


def _finding(
    run: RunView,
    evidence: OverfitEvidence,
    best_position: int,
    train_at_best: float,
    gap: tuple[str, float, float] | None,
    *,
    stalled: bool = False,
    gap_alone: bool = False,
) -> Finding:
    best_epoch = run.epoch_of(best_position)
    best_value = float(np.min(run.val_loss))
    onset_epoch = run.epoch_of(int(run.val_positions[evidence.onset]))
    facts = {
        "best_epoch": best_epoch,
        "best_val_loss": best_value,
        "onset_epoch": onset_epoch,
        "end_val_loss": evidence.end_value,
        "rise": evidence.rise,
        "end_loss": run.end_loss,
        "gap": evidence.end_value - run.end_loss,
        "stalled": stalled,
        "gap_alone": gap_alone,
    }
    gap_text = ""
    if gap is not None:
        key, train_end, val_end = gap
        facts.update(metric=key, metric_end=train_end, val_metric_end=val_end)
        gap_text = (
            f"; {key} {format_number(float(run.curves.values[key][-1]))} against val_{key} "
            f"{format_number(float(run.curves.values['val_' + key][run.val_positions[-1]]))} at the end"
        )
    if gap_alone:
        return _gap_finding(run, facts, best_epoch, gap_text)
    return Finding(
        "overfitting",
        "warning",
        [best_epoch, onset_epoch],
        facts,
        f"{_keep_advice(run, best_epoch)} Then regularize: {_REGULARIZE}.",
        _seen(run, evidence, best_position, stalled=stalled) + f"{gap_text}.",
    )


def _gap_finding(run: RunView, facts: dict, best_epoch: int, gap_text: str) -> Finding:
    """Overfitting told by the metric's gap alone: regularizing comes first, since the validation
    loss has no better epoch to go back to (or hardly)."""
    best_value, last_val = float(np.min(run.val_loss)), float(run.val_loss[-1])
    keep = (
        _keep_advice(run, best_epoch)
        if last_val > best_value
        else "val_loss is at its lowest at the end, so no earlier epoch is better to keep; "
        "ModelCheckpoint(..., monitor='val_loss', save_best_only=True) keeps the best one as "
        "training goes on."
    )
    return Finding(
        "overfitting",
        "warning",
        [run.epoch_of(run.n - 1)],
        facts,
        f"Regularize: {_REGULARIZE}. {keep}",
        f"the model fits its training set far better than the validation set{gap_text} (val_loss "
        f"lowest {format_number(best_value)} at {format_epoch(best_epoch)}, {format_number(last_val)} "
        "at the end).",
    )


def _seen(run: RunView, evidence: OverfitEvidence, best_position: int, *, stalled: bool) -> str:
    """What the validation loss did after its best, and the training loss meanwhile. The rise and
    the fall are quoted as the rules measured them (smoothed), beside the raw best and last values."""
    best_epoch = run.epoch_of(best_position)
    best_value, last_val = float(np.min(run.val_loss)), float(run.val_loss[-1])
    onset_epoch = run.epoch_of(int(run.val_positions[evidence.onset]))
    # The validation loss's own last epoch: a last epoch cut off before its evaluation has none
    # (`fz_016`).
    last_epoch = format_epoch(run.epoch_of(int(run.val_positions[-1])))
    if stalled:
        # The stall rule measures the training loss's fall from where validation stopped improving,
        # which can come before its raw lowest epoch (later lows by less than 1%).
        stalled_position = int(run.val_positions[_stalled_since(run)])
        stalled_epoch = run.epoch_of(stalled_position)
        hair = "smoothed, less than 1% lower since; " if stalled_epoch < best_epoch else ""
        return (
            f"val_loss stopped improving after {format_epoch(stalled_epoch)} ({hair}lowest "
            f"{format_number(best_value)} at {format_epoch(best_epoch)}, {format_number(last_val)} at "
            f"{last_epoch}) while loss kept falling ({run.training_fall_text(stalled_position)})"
        )
    lowest = f"val_loss was lowest at {format_epoch(best_epoch)} ({format_number(best_value)})"
    falling = f"while loss {_training_went(run, best_position)} ({run.training_fall_text(best_position)})"
    hidden = evidence.rise < run.thresholds.overfit_clean_rise and turned_up_from_low(run, run.val_loss)
    if evidence.rise <= 0 or evidence.best_value <= 0 or hidden:
        # Found on the raw curve (a climb from a low that smoothing hides, as a first epoch's or a
        # short run's last), or a loss at or below 0, where a share of it means nothing: the raw
        # values say it.
        share = f" {format_percent((last_val - best_value) / best_value)}" if best_value > 0 else ""
        return f"{lowest}, then rose{share} to {format_number(last_val)} at {last_epoch} {falling}"
    # The rise is timed on the smoothed curve; a raw best after its onset is one low epoch.
    since = f", from {format_epoch(onset_epoch)} on" if onset_epoch > best_epoch else ""
    return (
        f"{lowest}, then rose {format_percent(evidence.rise)} (smoothed {format_number(evidence.best_value)} "
        f"→ {format_number(evidence.end_value)}{since}; last {format_number(last_val)} at {last_epoch}) "
        f"{falling}"
    )
