"""How far and how fast the run got: `not_learning`, `lr_too_low`, `underfitting`, `plateau`,
`still_improving`."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_epoch, format_number, learning_rate_range

__all__ = [
    "check_crawl",
    "check_not_learning",
    "check_plateau_or_underfitting",
    "check_still_improving",
    "straightness",
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


def _is_crawl(run: RunView) -> bool:
    th, smooth = run.thresholds, run.smooth_loss
    if run.n < 4:
        return False
    if run.has_val:  # learning slowly means validation improves too (memorising noise is not a crawl)
        val = run.smooth_val_loss
        if stats.relative_drop(float(val[0]), float(val[-1])) < th.crawl_min_total_drop:
            return False
    return (
        straightness(smooth) >= th.crawl_min_straightness
        and 0.0 < _mean_rate(smooth) < th.crawl_max_rate
        and stats.decreasing_fraction(run.loss, max(1, run.n // 20)) >= th.crawl_min_decreasing
        and stats.relative_drop(float(smooth[0]), float(smooth[-1])) >= th.crawl_min_total_drop
    )


def check_crawl(run: RunView) -> Finding | None:
    """`lr_too_low`: a steady, nearly straight, slow descent far from a good value."""
    if not _is_crawl(run) or run.level_is_poor is False:
        return None
    smooth = run.smooth_loss
    rate = _mean_rate(smooth)
    learning_rate = run.learning_rate()
    raise_text = (
        "Raise the learning rate 2–3×"
        if learning_rate is None
        else f"Raise the learning rate 2–3×, to {learning_rate_range(learning_rate, 2, 3)} "
        f"(from {format_number(learning_rate)})"
    )
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
        f"{format_number(smooth[-1])} in {run.n} epochs).",
    )


def check_not_learning(run: RunView) -> Finding | None:
    """`not_learning`: the loss never left chance level (or, without one, never moved)."""
    th, chance = run.thresholds, run.context.chance_loss
    if _is_crawl(run):
        return None  # slow but steady progress is lr_too_low
    watched, name = (run.smooth_val_loss, "val_loss") if run.has_val else (run.smooth_loss, "loss")
    best = float(np.min(watched))
    if chance:
        stuck = best >= (1.0 - th.not_learning_margin) * chance
        evidence = {"best": best, "curve": name, "chance_loss": chance}
        seen = (
            f"{name} never got below the chance level ln({run.context.num_classes}) = "
            f"{format_number(chance)} (best {format_number(best)})."
        )
    else:
        drops = [stats.relative_drop(float(run.loss[0]), float(np.min(run.loss)))]
        if run.has_val:
            drops.append(stats.relative_drop(float(run.val_loss[0]), float(np.min(run.val_loss))))
        stuck = run.n >= 3 and max(drops) < th.flat_total_drop
        evidence = {"best": best, "curve": name, "largest_drop": max(drops)}
        seen = f"the loss did not move: it never fell more than {max(drops):.1%} below its first value."
    if not stuck:
        return None
    learning_rate = run.learning_rate()
    rate_text = "" if learning_rate is None else f" (learning_rate={format_number(learning_rate)})"
    return Finding(
        "not_learning",
        "error",
        [run.epoch_of(0), run.epoch_of(run.n - 1)],
        evidence,
        "Check that the labels match the inputs (shuffle x and y together), that the last layer and "
        "the loss agree (softmax with sparse_categorical_crossentropy, or logits with from_logits=True), "
        f"that the inputs are scaled, and that gradients flow (dead ReLUs, a frozen model){rate_text}.",
        seen,
    )


def _level_text(run: RunView, accuracy: float | None) -> str:
    """`"loss 0.87 (0.38× chance), accuracy 0.87"`: the final level, as far as it is known."""
    level = f"loss {format_number(run.end_loss)}"
    if run.context.chance_loss:
        level += f" ({run.end_loss / run.context.chance_loss:.2f}× chance)"
    if accuracy is not None:
        level += f", {run.accuracy_key} {format_number(accuracy)}"
    return level


def _validation_gap(run: RunView) -> float | None:
    """How far the end validation loss is above the end training loss, relatively."""
    if not run.has_val or run.end_loss <= 0:
        return None
    val_end = float(np.median(run.val_loss[-min(run.tail, len(run.val_loss)) :]))
    return (val_end - run.end_loss) / run.end_loss


def check_plateau_or_underfitting(run: RunView) -> Finding | None:
    """`plateau` (flat far from a good value) or `underfitting` (high, creeping down, no gap)."""
    if run.level_is_poor is not True or run.n < 3:
        return None
    th, smooth = run.thresholds, run.smooth_loss
    start = float(smooth[-1 - run.tail] if run.n > run.tail else smooth[0])
    tail_drop = stats.relative_drop(start, float(smooth[-1]))
    accuracy = run.end_of(run.accuracy_key) if run.accuracy_key else None
    level = _level_text(run, accuracy)
    evidence = {"end_loss": run.end_loss, "tail_drop": tail_drop, "tail_epochs": run.tail}
    if accuracy is not None:
        evidence["end_accuracy"] = accuracy
    epochs = [run.epoch_of(run.n - 1 - run.tail if run.n > run.tail else 0), run.epoch_of(run.n - 1)]
    if tail_drop < th.plateau_max_tail_drop:
        return Finding(
            "plateau",
            "warning",
            epochs,
            evidence,
            "Lower the learning rate when progress stops: ReduceLROnPlateau(monitor='val_loss', factor=0.5, "
            "patience=3). If the curves stay flat, the model lacks capacity or is over-regularized: add "
            "units or layers, reduce dropout or weight decay.",
            f"both curves are flat (loss changed {tail_drop:.1%} over the last {run.tail} epochs) "
            f"at {level}, short of a good value.",
        )
    evidence["tail_rate_per_epoch"] = (
        1.0 - (float(smooth[-1]) / start) ** (1.0 / run.tail) if start > 0 else 0.0
    )
    if evidence["tail_rate_per_epoch"] > th.underfit_max_rate:
        return None  # still falling fast: not underfitting (yet), see still_improving
    gap = _validation_gap(run)
    if gap is not None and gap > th.underfit_max_gap:
        return None
    if gap is not None:
        evidence["gap"] = gap
    learning_rate = run.learning_rate()
    raise_text = "" if learning_rate is None else f" (e.g. to {format_number(1.5 * learning_rate)})"
    return Finding(
        "underfitting",
        "warning",
        epochs,
        evidence,
        "Train longer, add capacity (more units or layers), reduce regularization (dropout, weight "
        f"decay), or raise the learning rate slightly{raise_text}.",
        f"training is still at {level} and falling slowly ({tail_drop:.1%} over the last {run.tail} epochs), "
        "with no real gap to validation.",
    )


def check_still_improving(run: RunView) -> Finding | None:
    """`still_improving`: the validation loss (training loss without validation) is still
    reaching new lows at the end of the run."""
    th = run.thresholds
    smooth, name = (run.smooth_val_loss, "val_loss") if run.has_val else (run.smooth_loss, "loss")
    recent = stats.tail_window(len(smooth), th.recent_fraction)
    if len(smooth) <= recent:
        return None
    # New lows, not a rebound from a bump: the smoothed end must be below the smoothed best
    # before the recent window, and the recent raw best below the earlier raw best.
    raw = run.val_loss if run.has_val else run.loss
    before = float(np.min(smooth[:-recent]))
    drop = stats.relative_drop(before, float(smooth[-1]))
    raw_drop = stats.relative_drop(float(np.min(raw[:-recent])), float(np.min(raw[-recent:])))
    if min(drop, raw_drop) < th.still_improving_drop:
        return None
    if before - float(smooth[-1]) <= th.still_improving_noise_multiple * stats.noise_scale(raw):
        return None  # a lucky epoch of a noisy curve, not progress
    last_epoch = run.epoch_of(run.n - 1)
    return Finding(
        "still_improving",
        "info",
        [last_epoch],
        {"curve": name, "recent_drop": drop, "recent_epochs": recent},
        f"Train longer (e.g. epochs={2 * (last_epoch + 1)}) with EarlyStopping(monitor='val_loss', "
        "restore_best_weights=True) to stop at the right time.",
        f"{name} fell {drop:.0%} over the last {recent} epochs and is still falling at "
        f"{format_epoch(last_epoch)}.",
    )
