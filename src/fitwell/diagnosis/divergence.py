"""`diverged`: the training loss became NaN/Inf, exploded (even for one epoch or one batch),
ended worse than the best constant prediction (unless it is still falling steadily toward it),
or the training accuracy lost most of what it had gained and stayed down."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.metric_names import is_top_k
from fitwell.diagnosis.run import RunView, format_epoch, format_factor, format_number, learning_rate_range

__all__ = ["check_divergence"]


def _advice(run: RunView, position: int) -> str:
    learning_rate = run.scalable_rate(position)
    if learning_rate is None:
        lower = "lower the learning rate 3–10×"
    else:
        lower = f"lower it 3–10×, to {learning_rate_range(learning_rate, 1 / 10, 1 / 3)}"
    return (
        f"{lower}. If it still happens, clip gradients (e.g. Adam(clipnorm=1.0)) and check the "
        "inputs and targets for NaN/Inf or unscaled values."
    )


def _rate_text(run: RunView, position: int) -> str:
    learning_rate = run.learning_rate(position)
    return "" if learning_rate is None else f" with learning_rate={format_number(learning_rate)}"


def check_divergence(run: RunView, *, nan_batch: int | None = None) -> Finding | None:
    """`diverged` when the loss is non-finite, grew far above its best, or ended far above chance.

    Args:
        run: The run.
        nan_batch: The batch (within the first non-finite epoch) where the loss first
            became non-finite, when known (the live callback knows it).

    Returns:
        The finding, or None.
    """
    bad = np.flatnonzero(~np.isfinite(run.loss))
    if len(bad):
        return _non_finite(run, int(bad[0]), nan_batch)
    return (
        _unbounded_below(run)
        or _exploded(run)
        or _spike(run)
        or _batch_spike(run)
        or _above_chance(run)
        or _val_above(run)
        or _accuracy_collapsed(run)
    )


def _unbounded_below(run: RunView) -> Finding | None:
    """A loss that went below zero and kept going: `diverge_spike` × further from zero than where it
    started, and still falling over the last third of the run by `diverge_unbounded_tail` of its
    level, or thrown orders of magnitude down in one epoch (`_collapsed`). Losses the rules know
    are never negative; one that can be (a custom loss, a log-likelihood of a density) and falls
    without bound is being driven to a degenerate model, while one that crossed zero gently and
    settled has a floor there."""
    first, end = float(run.loss[0]), float(run.loss[-1])
    if not (end < 0 and abs(end) > run.thresholds.diverge_spike * max(abs(first), 1e-12)):
        return None
    tail_start = float(run.loss[-1 - max(2, run.n // 3)]) if run.n > 2 else first
    settled = tail_start - end < run.thresholds.diverge_unbounded_tail * abs(end)
    if settled and not _collapsed(run.loss, run.thresholds.diverge_spike):
        return None
    crossed = int(np.argmax(run.loss < 0))
    epoch = run.epoch_of(crossed)
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"first_loss": first, "end_loss": end},
        "A loss that can go below zero is being driven toward minus infinity: check the loss function "
        "(its sign, a missing bound or epsilon, a variance or scale that can shrink to zero) before "
        f"anything else; then {_advice(run, crossed)}",
        f"loss fell without bound: {format_number(first)} at {format_epoch(run.epoch_of(0))} to "
        f"{format_number(end)} at {format_epoch(run.epoch_of(run.n - 1))} (below zero from "
        f"{format_epoch(epoch)}).",
    )


def _collapsed(loss: np.ndarray, spike: float) -> bool:
    """Whether one epoch's fall exceeded `spike` times every value before it (0.2 to -15 after a
    start at 1.4): a loss thrown orders of magnitude down in one step, however still it lies after
    (a variance collapsed onto a clamp). Not the first step from a first value already below zero:
    one value there sets no scale (a VAE's negative ELBO at -0.40 in its first epoch, its KL
    weight ramping up, then -21.9, `dg_020`); a positive loss thrown through zero at once is."""
    scale = np.maximum.accumulate(np.abs(loss))[:-1]
    falls = loss[:-1] - loss[1:]
    collapses = falls > spike * np.maximum(scale, 1e-12)
    if len(collapses) and float(loss[0]) < 0:
        collapses[0] = False
    return bool(np.any(collapses))


def _non_finite(run: RunView, position: int, nan_batch: int | None) -> Finding:
    epoch = run.epoch_of(position)
    value = "NaN" if np.isnan(run.loss[position]) else "Inf"
    where = format_epoch(epoch) + (f", batch {nan_batch}" if nan_batch is not None else "")
    evidence: dict = {"epoch": epoch, "value": value.lower()}
    if nan_batch is not None:
        evidence["batch"] = int(nan_batch)
    if run.learning_rate(position) is not None:
        evidence["learning_rate"] = run.learning_rate(position)
    if position > 0:
        evidence["last_finite_loss"] = float(run.loss[position - 1])
    return Finding(
        "diverged",
        "error",
        [epoch],
        evidence,
        f"The loss became {value} at {where}{_rate_text(run, position)}; {_advice(run, position)}",
        f"loss became {value} at {where}.",
    )


def _exploded(run: RunView) -> Finding | None:
    th = run.thresholds
    growth = th.diverge_growth
    best_position = int(np.argmin(run.loss))
    best, end, first = float(run.loss[best_position]), run.end_loss, _start(run.loss)
    # Grown far above its best, and either above its start or, climbing steadily since the best
    # (erratic swings are instability), by a real share of the progress made (a loss near zero
    # that wiggles from 1e-4 to 5e-4 has lost nothing), from where the run started (`_start`).
    steps_since = np.diff(run.loss[best_position:])
    climbing = len(steps_since) > 0 and float(np.mean(steps_since > 0)) >= th.diverge_steady_share
    lost = climbing and end - best > th.diverge_lost_share * (first - best)
    # Nor when the loss rose as far above its lowest before its best: the end's rise is one more
    # of the run's swings (`fs_007`: 0.83, 2.92, 0.19, 1.35, 0.07, then up to 0.56).
    before = run.loss[: best_position + 1]
    swing = float(np.max(before - np.minimum.accumulate(before)))
    lost = lost and swing < end - best
    if not (best > 0 and end > growth * best and (end > first or lost)):
        return _back_above_start(run)
    if _accuracy_held(run, best_position):
        return None  # the loss of a near-perfect model swinging by thousandths: nothing was lost
    grown = best_position + int(np.argmax(run.loss[best_position:] > growth * best))
    held = _val_loss_held(run) if run.curves.sampled_loss else None
    if held is not None and bool(np.all(held[grown:])):
        return None  # one batch's loss an epoch, up while the validation loss held: outlier batches
    epoch = run.epoch_of(grown)
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"best_loss": best, "best_epoch": run.epoch_of(best_position), "end_loss": end, "growth": end / best},
        # The advice quotes the last epoch, as the summary does (`end` is the end window's median).
        f"The loss grew {float(run.loss[-1]) / best:.1f}× above its best{_rate_text(run, grown)}; "
        f"{_advice(run, grown)}",
        f"loss exploded from {format_number(best)} ({format_epoch(run.epoch_of(best_position))}) to "
        f"{format_number(float(run.loss[grown]))} at {format_epoch(epoch)} and ended at "
        f"{format_number(float(run.loss[-1]))}.",
    )


def _start(loss: np.ndarray) -> float:
    """Where the loss started: its first epoch, or its second where the first stands
    `_OUTLYING_FIRST` times above every later epoch (a first epoch's mean from random weights on
    an unscaled target: `gi_037`, 1.03e13, then 2.2e9 and nothing above 1.2e10 since), against
    which any later climb would be a sliver of the progress made. A fast first fall of one or two
    orders of magnitude is the run's own (`gi_013`: 0.124, then 0.0049 to 0.0002).

    Example:
        >>> _start(np.array([1.03e13, 2.2e9, 1.6e8, 1.2e10])), _start(np.array([0.124, 0.0049, 0.0002]))
        (2200000000.0, 0.124)
    """
    first = float(loss[0])
    if len(loss) > 2 and abs(first) >= _OUTLYING_FIRST * float(np.max(np.abs(loss[1:]))) > 0:
        return float(loss[1])
    return first


#: How many times every later epoch's loss a first one stands apart from the run (`_start`).
_OUTLYING_FIRST = 100.0


def _answers_lost(run: RunView) -> np.ndarray:
    """At each epoch position, whether the training accuracy recorded there fell by
    `diverge_spike_answers_lost` of its best before or more: a loss's jump that cost answers (a
    third of them, 0.99 to 0.62, not 1.0 to 0.88, `ap_010`: one more swing)."""
    lost = np.zeros(run.n, dtype=bool)
    if run.accuracy_key is None:
        return lost
    positions, values = run.curves.series(run.accuracy_key)
    best_before = np.maximum.accumulate(values)
    fell = np.zeros(len(values), dtype=bool)
    # (An accuracy never above 0 had no answers to lose: a regression's `accuracy` at 0 throughout.)
    share = 1.0 - run.thresholds.diverge_spike_answers_lost
    fell[1:] = (best_before[:-1] > 0.0) & (values[1:] <= share * best_before[:-1])
    lost[positions[fell]] = True
    return lost


def _accuracy_held(run: RunView, since: int = 0) -> bool:
    """Whether the training accuracy, recorded at every epoch, stayed at `diverge_accuracy_held` or
    above from epoch position `since` (the loss's best) on: a model that stayed that accurate has
    not diverged, whatever a loss near zero did (0.002 to 0.015 and back at 99-100% accuracy; a
    first epoch's 0.976 before the best, `fq_004`, is no fall)."""
    key = run.accuracy_key
    if key is None:
        return False
    _, values = run.curves.series(key)
    return len(values) == run.n and float(np.min(values[since:])) >= run.thresholds.diverge_accuracy_held


def _back_above_start(run: RunView) -> Finding | None:
    """The last epoch's loss above the first epoch's, after the run had at least halved it (the
    curve before that last epoch, smoothed by a running median of 3, so that one noisy dip is no
    level: a diffusion loss in a band of 0.012–0.037 around 0.028 from its first epoch, 0.0306,
    to its last, 0.0336, never learned anything to lose, `cy_009`): all the progress lost, and
    more. After a smaller fall (at least `diverge_back_above_start_fall`), only
    when the end level (over the end window) is above the start too: a loss that jumped and stayed
    there (a summed loss 141536 → 90423, then 234150 in one epoch and flat there), not a noisy
    last epoch."""
    loss = run.loss
    first, last = float(loss[0]), float(loss[-1])
    low_position = int(np.argmin(loss))
    low = float(loss[low_position])
    fallen = (1.0 - run.thresholds.diverge_back_above_start_fall) * first
    # Halved as a level, not in one noisy dip: the curve before the judged last epoch, smoothed.
    if run.n < 3:
        return None
    halved = float(np.min(stats.median_smooth(loss[:-1]))) <= 0.5 * first
    stayed = halved or run.end_loss > first
    if not (0 < low <= fallen and last > first and stayed):
        return None
    epoch = run.epoch_of(run.n - 1)
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"first_loss": first, "best_loss": low, "end_loss": last},
        f"The run lost all it had learned{_rate_text(run, run.n - 1)}; {_advice(run, run.n - 1)}",
        f"loss fell from {format_number(first)} to {format_number(low)} "
        f"({format_epoch(run.epoch_of(low_position))}), then went back above its start: "
        f"{format_number(last)} at {format_epoch(epoch)}.",
    )


def _spike(run: RunView) -> Finding | None:
    """One epoch whose loss is `diverge_spike` × the lowest before it, and above the first (a sudden jump,
    within `_SUDDEN_EPOCHS`, `diverge_spike_above_first` × the first, unless it cost answers: the training
    accuracy there `diverge_spike_answers_lost` of its best before or more below it; `fs_009`); or whose
    validation loss is `diverge_val_spike` × its lowest before it, and above its first (a model thrown so
    far that new data is scored a thousand times worse, even if it recovers; smaller jumps of a validation
    loss, on a small set above all, are instability). Not the training loss's jump while the training
    accuracy held (`_accuracy_held`: 4.5e-05 to 0.074 at 99-100%), nor the validation loss's jump at an
    epoch whose validation accuracy held (`_val_accuracy_held`). Nor a training loss's jump from one
    epoch's dip back to where it stood before it (`_ERRATIC_BAND`), unless it cost answers."""
    found = None
    th = run.thresholds
    if not _accuracy_held(run):
        found = _spike_in(
            run,
            np.arange(run.n),
            run.loss,
            "loss",
            th.diverge_spike,
            above_first=th.diverge_spike_above_first,
            costly=_answers_lost(run),
            band=_ERRATIC_BAND,
            lone=run.curves.sampled_loss,
            held=_val_loss_held(run) if run.curves.sampled_loss else None,
            # One batch's loss an epoch: measured from its running median, not from its luckiest
            # batch, which is no level the loss reached (`gy_026`).
            smoothed=run.curves.sampled_loss,
        )
    if found is None and run.has_val:
        factor = run.thresholds.diverge_val_spike
        held = _val_accuracy_held(run, run.val_positions)
        found = _spike_in(run, run.val_positions, run.val_loss, "val_loss", factor, smoothed=True, held=held)
    return found


def _val_loss_held(run: RunView) -> np.ndarray | None:
    """At each epoch position, whether the validation loss there stayed within
    `_HELD_VAL_RISE` of its lowest before it, or the validation accuracy there held
    (`_val_accuracy_held`): a training loss of one batch an epoch (`Curves.sampled_loss`) that
    jumps while the model still scores new data as before is one outlier batch, not a model thrown
    off (`gx_026`: one batch's loss 0.0004 → 0.22 at 99.3% on MNIST's test set, its loss 16% above
    its lowest; a top-5 accuracy, near 1 long before the model is, does not count). None without a
    validation loss."""
    if not run.has_val:
        return None
    held = np.zeros(run.n, dtype=bool)
    values = run.val_loss
    for index in range(1, len(values)):
        held[int(run.val_positions[index])] = values[index] <= _HELD_VAL_RISE * float(np.min(values[:index]))
    key = run.any_val_accuracy_key
    scored = _val_accuracy_held(run, np.arange(run.n)) if key and not is_top_k(key) else False
    return held | scored


#: How far above its lowest before a validation loss may stand at a one-batch jump and hold.
_HELD_VAL_RISE = 1.1


def _val_accuracy_held(run: RunView, positions: np.ndarray) -> np.ndarray:
    """At each position, whether the validation accuracy was recorded there at
    `diverge_accuracy_held` or more: a model that still scored 98% of new data has not been wrecked,
    however far a validation loss near zero jumped (9e-10 to 2.3 at 98%: two samples scored wrong
    with confidence)."""
    key = run.any_val_accuracy_key
    if key is None:
        return np.zeros(len(positions), dtype=bool)
    recorded = run.curves.recorded[key][positions]
    values = run.curves.values[key][positions]
    return recorded & (np.nan_to_num(values, nan=0.0) >= run.thresholds.diverge_accuracy_held)


#: A one-batch loss's jump back at once is one outlier batch below this many times `factor` (16×
#: in `gm_052`); beyond it, an explosion however briefly it lasted.
_LONE_BOUND = 3.0
#: The epochs within which a jump is sudden, an explosion rather than a climb (`_spike_in`).
_SUDDEN_EPOCHS = 3
#: A jump from a dip of one epoch back to at most this many times the epoch before the dip, in a
#: stretch not falling into it, is a return to where the loss stood, not an explosion from a fit
#: (`_back_into_band`; `gi_094`: ten epochs between 21.8 and 56, one of them at 4.5 between 41 and
#: 51, then a smooth fall to 0.003; a fall 0.5, 0.3, 0.07 and a jump to 1.21 is an explosion).
_ERRATIC_BAND = 1.5


def _spike_in(
    run: RunView,
    positions: np.ndarray,
    loss: np.ndarray,
    name: str,
    factor: float,
    *,
    smoothed: bool = False,
    held: np.ndarray | None = None,
    above_first: float = 1.0,
    costly: np.ndarray | None = None,
    band: float | None = None,
    lone: bool = False,
) -> Finding | None:
    """The largest jump of `loss` to `factor` × its lowest before, and above its first value (a
    sudden one, `factor` × the lowest of the `_SUDDEN_EPOCHS` before it, `above_first` × it, unless
    `costly` flags it), at a position that `held` (one flag per value) does not excuse. With
    `smoothed`, the lowest is that of its 3-epoch running median: a validation loss of 0.0001 on one
    near-perfect epoch of a small set is not the level a thousandfold jump is measured from. With
    `band`, not a jump from a dip of one epoch back to where the loss stood (`_back_into_band`),
    unless `costly` flags it. With `lone` (each value one batch's loss: `Curves.sampled_loss`),
    not a jump to under `_LONE_BOUND` × `factor` × the value before it whose next value is back
    under `factor` × the lowest before it: one outlier batch, not a model thrown off. The message
    quotes the raw values."""
    if len(loss) < 2:
        return None
    basis = stats.median_smooth(loss) if smoothed else loss
    lowest_before = np.minimum.accumulate(basis)[:-1]
    ratio = np.where(lowest_before > 0, loss[1:] / np.where(lowest_before > 0, lowest_before, 1.0), 0.0)
    excused = held[1:] if held is not None else np.zeros(len(loss) - 1, dtype=bool)
    # A sudden jump (`factor` × the lowest of the few epochs before it) must reach `above_first`
    # × the first value; a climb over more epochs, the first.
    recent_low = np.array([float(np.min(loss[max(0, i - _SUDDEN_EPOCHS) : i])) for i in range(1, len(loss))])
    sudden = loss[1:] > factor * recent_low
    if costly is not None:
        sudden &= ~costly[1:]  # a jump that cost answers is an explosion wherever it reached
    above = loss[1:] > np.where(sudden, above_first, 1.0) * loss[0]
    exploded = np.flatnonzero((ratio > factor) & above & ~excused)
    if band is not None:  # (a jump that cost answers is an explosion wherever it landed)
        exploded = np.asarray(
            [
                i
                for i in exploded
                if (costly is not None and costly[i + 1]) or not _back_into_band(loss, i + 1, band)
            ],
            dtype=int,
        )
    if lone:
        exploded = np.asarray(
            [
                i
                for i in exploded
                if i + 2 >= len(loss)
                or loss[i + 2] > factor * lowest_before[i]
                or loss[i + 1] >= _LONE_BOUND * factor * loss[i]
            ],
            dtype=int,
        )
    if not len(exploded):
        return None
    index = int(exploded[np.argmax(ratio[exploded])]) + 1
    low_index = int(np.argmin(loss[:index]))  # the message quotes the raw values
    low, peak, last = float(loss[low_index]), float(loss[index]), float(loss[-1])
    position = int(positions[index])
    epoch = run.epoch_of(position)
    # A jump within one epoch, or a climb over several (each step smaller than the whole rise).
    one_epoch = index - 1 == low_index or peak > factor * float(loss[index - 1])
    # A one-epoch jump is quoted from the epoch before it, not from a low epochs earlier.
    start = index - 1 if one_epoch else low_index
    jump = float(ratio[index - 1])  # over the lowest before it (smoothed with `smoothed`): above 0
    times = format_factor(peak / float(loss[start]) if loss[start] > 0 else jump)
    how = f"exploded {times}× in one epoch" if one_epoch else f"climbed {times}× over {index - start} epochs"
    after = (
        f"; it ended at {format_number(last)}" + (" (above its first value)" if last > float(loss[0]) else "")
        if index < len(loss) - 1
        else ""
    )
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"curve": name, "epoch": epoch, "before": low, "peak": peak, "times": jump, "last_loss": last},
        _spike_cause(run, position, one_epoch, recovered=last < low) + f"; {_advice(run, position)}",
        f"{name} {how}: from {format_number(float(loss[start]))} "
        f"({format_epoch(run.epoch_of(int(positions[start])))}) to {format_number(peak)} at "
        f"{format_epoch(epoch)}{after}.",
    )


def _back_into_band(loss: np.ndarray, index: int, band: float) -> bool:
    """Whether the jump to `loss[index]` climbs from a dip of one epoch, its lowest before, back
    to at most `band` × the epoch before that dip, in a stretch that was not falling into it:
    the epoch before the dip stood more than `band` × above it and no lower than the one before
    it over `band`. A loss that fell to its low (0.5, 0.3, 0.07) reached a level; one that stood
    at 34, 41, then 4.5, then 51 did not (`gi_094`)."""
    low = int(np.argmin(loss[:index]))
    if low < 2:
        return False
    before, earlier, dip = float(loss[low - 1]), float(loss[low - 2]), float(loss[low])
    return before > band * dip and before >= earlier / band and float(loss[index]) <= band * before


def _spike_cause(run: RunView, position: int, one_epoch: bool, *, recovered: bool) -> str:
    """What the jump did to the weights; for a run that ended below where it was before the jump,
    that it recovered, and what the jump cost all the same."""
    rate = _rate_text(run, position)
    if recovered:
        what = "jump" if one_epoch else "climb"
        return (
            f"The run recovered (it ended below its level before the {what}), but a {what} like this{rate} "
            "costs the epochs spent coming back, and the next may not come back"
        )
    if one_epoch:
        return f"One epoch{rate} was enough to wreck the weights"
    return f"The training drove the weights away from their best fit{rate}"


def _batch_spike(run: RunView) -> Finding | None:
    """From inside the epochs: a batch loss `diverge_spike` × above the largest batch loss of the
    first epoch (and the baseline): one batch far worse than the untrained model, however calm the
    epoch means look."""
    stats = run.curves.batch_stats
    if not stats or "loss_max" not in stats or run.n < 2:
        return None
    batch_max = stats["loss_max"]
    start = max(float(batch_max[0]), run.reference or 0.0)
    if not start > 0:
        return None
    factor = run.thresholds.diverge_spike
    exploded = np.flatnonzero(batch_max[1:] > factor * start)
    if not len(exploded):
        return None
    position = int(exploded[np.argmax(batch_max[1:][exploded])]) + 1
    epoch, peak = run.epoch_of(position), float(batch_max[position])
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"epoch": epoch, "batch_loss_max": peak, "first_epoch_batch_loss_max": float(batch_max[0])},
        f"A batch exploded although the epoch means look calm{_rate_text(run, position)}; "
        f"{_advice(run, position)}",
        f"a batch loss reached {format_number(peak)} at {format_epoch(epoch)}, "
        f"{format_factor(peak / start)}× the largest "
        f"batch loss of the untrained model ({format_number(float(batch_max[0]))}).",
    )


def _falling_steadily(run: RunView) -> bool:
    """A loss that went down in nearly every step (of `n // 20` epochs on long runs) and ended below
    its start: an untrained output still far from the targets, approaching them slowly (a rate too
    low), not a model that learned to be wrong."""
    th = run.thresholds
    return (
        run.n >= 4
        and float(run.loss[-1]) < float(run.loss[0])
        and stats.decreasing_fraction(run.loss, max(1, run.n // 20)) >= th.crawl_min_decreasing
    )


def _above_chance(run: RunView) -> Finding | None:
    reference, end = run.reference, run.end_loss
    if not reference or end <= run.thresholds.diverge_above_chance * reference or _falling_steadily(run):
        return None
    if _above_it_from_the_start(run, reference):
        return None
    what = run.context.describe_reference()
    return Finding(
        "diverged",
        "error",
        [run.epoch_of(0)],
        {"end_loss": end, "reference_loss": reference, "times_reference": end / reference},
        f"The model is confidently wrong: {what} is what predicting without the inputs scores"
        f"{_rate_text(run, 0)}; {_advice(run, 0)}",
        f"loss ended at {format_number(float(run.loss[-1]))}, {end / reference:.1f}× {what} "
        "(worse than knowing nothing).",
    )


def _above_it_from_the_start(run: RunView, reference: float) -> bool:
    """Whether the training loss was never near the reference (smoothed, never within
    `diverge_above_chance` of it), began within `diverge_spike` of it, and ended lower than it
    began: a loss on another scale than the chance level of a mean (class weights, label
    smoothing, a sum of terms) or a model that never learned, not one that went astray. A first
    epoch `diverge_spike` × the reference or more is an explosion at once (a rate of 20 on digits:
    211 against ln 10)."""
    th, first = run.thresholds, float(run.loss[0])
    never_near = float(np.min(run.smooth_loss)) > th.diverge_above_chance * reference
    return never_near and first < th.diverge_spike * reference and run.end_loss < first


def _val_above(run: RunView) -> Finding | None:
    """The validation loss ended above `diverge_val_above` × the reference; without one, above as
    many times its own first epoch and the training loss's end level both, while the training loss
    stayed above half its first value: predictions on new data thrown far off while training stood
    still (a training loss that fell further makes it a growing gap: overfitting)."""
    if not run.has_val:
        return None
    reference = run.reference
    window = min(run.tail, len(run.val_loss))
    end = float(np.median(run.val_loss[-window:]))
    what = run.context.describe_reference()
    if not reference:
        first, train_end = float(run.val_loss[0]), float(np.median(run.loss[-window:]))
        if first <= 0 or train_end <= 0 or end <= run.thresholds.diverge_val_above * train_end:
            return None
        if train_end < 0.5 * float(run.loss[0]):
            return None  # the training loss fell by half: a gap that grew, which is overfitting
        reference, what = first, f"its first value ({format_number(first)}; no chance level is known)"
    if end <= run.thresholds.diverge_val_above * reference:
        return None
    return Finding(
        "diverged",
        "error",
        [run.epoch_of(int(run.val_positions[-1]))],
        {"end_val_loss": end, "reference_loss": reference, "times_reference": end / reference},
        f"Predictions on new data are confidently wrong{_rate_text(run, -1)}; {_advice(run, -1)}",
        f"val_loss ended at {format_number(float(run.val_loss[-1]))}, {end / reference:.0f}× {what}.",
    )


#: How far below its level at the accuracy's best the training loss must end for a fallen accuracy
#: to be no collapse: the model still fits its training data better.
_STILL_FITTING = 0.2


def _accuracy_collapsed(run: RunView) -> Finding | None:
    """The training accuracy fell from its best by at least `diverge_accuracy_lost` of what it had
    gained over chance (over 0 when chance is unknown) and stayed there over the end window and at
    the last epoch: the model can no longer fit the data it once fitted, whatever the loss's epoch
    means show; not while the training loss ends `_STILL_FITTING` below its level at the best."""
    th, key = run.thresholds, run.accuracy_key
    if key is None or run.n < 4:
        return None
    positions, accuracy = run.curves.series(key)
    floor = run.context.chance_accuracy or 0.0
    best_index = int(np.argmax(accuracy))
    best = float(accuracy[best_index])
    end = stats.end_level(accuracy, stats.tail_window(len(accuracy), th.tail_fraction))
    gained = best - floor
    # The last epoch too: one that climbed back to the best is no collapse, whatever the window.
    lost = best - max(end, float(accuracy[-1]))
    if gained < th.diverge_accuracy_gain or lost < th.diverge_accuracy_lost * gained:
        return None
    # Nor from one lucky epoch of a jittering accuracy (`fq_006`: 0.63-0.94 on a few batches, 1.0
    # once): measured from its smoothed best, the level it held, the loss must be as plain.
    held = float(np.max(stats.median_smooth(accuracy))) if len(accuracy) >= 3 else best
    if held - max(end, float(accuracy[-1])) < th.diverge_accuracy_lost * (held - floor):
        return None
    position = int(positions[best_index])
    at_best = float(run.smooth_loss[position])
    if run.end_loss < at_best - _STILL_FITTING * abs(at_best):
        # The training loss fell well below where it stood at the accuracy's best: the model did not
        # stop fitting its data; a metric named an accuracy that falls with the loss is an error
        # rate (`gg_052`: `train acc` 82 → 23 beside a loss 3.11 → 0.65, both in percent).
        return None
    epoch = run.epoch_of(position)
    return Finding(
        "diverged",
        "error",
        [epoch],
        {"metric": key, "best_metric": best, "end_metric": end, "best_epoch": epoch},
        f"The model stopped fitting its training data after {format_epoch(epoch)}"
        f"{_rate_text(run, position)}; {_advice(run, position)}",
        f"{key} collapsed: {format_number(best)} at {format_epoch(epoch)}, "
        f"{format_number(float(accuracy[-1]))} at {format_epoch(run.epoch_of(int(positions[-1])))} "
        f"({(best - end) / gained:.0%} of its gain{' over chance' if run.context.chance_accuracy else ''} "
        "lost over the last epochs).",
    )
