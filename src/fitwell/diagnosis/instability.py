"""`unstable`: repeated upward jumps of the training loss (that validation shows too), erratic
validation loss, or batches far outside their epoch's spread."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.counted_jumps import (
    beyond_sampling_noise,
    confirmed_by_validation,
    counted_jumps,
    excursions,
    peaks,
    spike_scale,
)
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.overfit_rises import metric_gap
from fitwell.diagnosis.overfitting import check_overfitting, stalled_only
from fitwell.diagnosis.run import RunView, format_epoch, format_factor, format_number, learning_rate_range
from fitwell.diagnosis.stats import (
    noise_scale,
)

__all__ = ["check_instability", "settled"]


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


def settled(run: RunView) -> tuple[int, int] | None:
    """`(position of the last jump, calm epochs after it)` when the jumps were frequent enough for
    `unstable` but all came before a calm end: at least `unstable_settled_epochs` epochs and
    `unstable_settled_share` of the run without one, or as many epochs in which the validation
    loss went on to a new low and stayed near it (`_new_low_after`). Readers judge a run by how it
    ends: jumps early on that a lowered rate (or the training itself) settled leave nothing to fix."""
    train, val, sharp = counted_jumps(run)
    chosen = _frequent_jumps(run, train, val, sharp)
    return None if chosen is None else _calm_end(run, chosen[3])


def _calm_end(run: RunView, epoch_positions: np.ndarray) -> tuple[int, int] | None:
    """`(last jump, calm epochs after it)` when the run settled: a calm last third (at least
    `unstable_settled_epochs`), or as many calm epochs in which the validation loss came down to
    a low clearly below every value before the last jump and ended near it (`_new_low_after`), or
    fewer on a short run (`unstable_settled_deep_epochs`, and `unstable_settled_deep_share` of the
    run, which is fewer than `unstable_settled_epochs` on runs under 36 epochs) in which
    it came down to half of every value before the last jump and stayed there: a step down (a rate
    lowered) to a level the jumps never came near (`bb_016`: swings of +68% and +82% at 0.06–0.13
    at epochs 4 and 7 of 10, then 0.021, 0.019, 0.019 after a StepLR drop)."""
    th = run.thresholds
    last = int(np.max(epoch_positions))
    calm = run.n - 1 - last
    if calm >= max(th.unstable_settled_epochs, th.unstable_settled_share * run.n):
        return last, calm
    if calm >= th.unstable_settled_epochs and _new_low_after(run, last):
        return last, calm
    deep = max(th.unstable_settled_deep_epochs, th.unstable_settled_deep_share * run.n)
    if calm >= deep and _new_low_after(run, last, th.unstable_settled_deep_low):
        return last, calm  # a step down to a level the jumps never came near (`bb_016`)
    return None


def _new_low_after(run: RunView, last: int, new_low: float | None = None) -> bool:
    """Whether the validation loss, after its last jump (epoch position `last`), reached a low at
    most `unstable_settled_new_low` (or `new_low`) × the lowest value before it, and ended within
    `unstable_settled_end` × that low: the jumps stopped and the curve went on down to a level it
    had never reached, where it stayed (the median of the calm epochs' second half and the last
    value near the low, none of that half above 1.2 × the low: a zigzag that ends on a trough, or
    one lucky epoch, is no level; `ay_018`: swings up to epoch 35 of 50 at a high rate, then
    0.109 → 0.083 as a cosine schedule decayed, its lowest at the last epoch). Not for a loss that
    reaches 0 or below (no level to measure against)."""
    th = run.thresholds
    if not run.has_val:
        return False
    values = np.asarray(run.val_loss, dtype=np.float64)
    before, after = values[run.val_positions <= last], values[run.val_positions > last]
    if not len(before) or not len(after) or float(np.min(values)) <= 0:
        return False
    low = float(np.min(after))
    end = after[len(after) // 2 :]  # the calm epochs' second half: a level, not one lucky low
    return (
        low <= (th.unstable_settled_new_low if new_low is None else new_low) * float(np.min(before))
        and max(float(values[-1]), float(np.median(end))) <= th.unstable_settled_end * low
        and float(np.max(end)) <= (2 * th.unstable_settled_end - 1) * low  # nor a zigzag (±20%)
    )


def check_instability(run: RunView) -> Finding | None:
    """`unstable` when spikes are frequent in the training or validation loss (and went on into
    the end of the run: see `settled`), or inside epochs, or when the validation loss swings to the
    end (`_swinging_stall`, `_swings`); after jumps that settled, when the validation loss went on
    swinging past them (`_swings`, `df_003`)."""
    th = run.thresholds
    broken = _validation_breaking_down(run)
    if broken is not None:
        return broken
    train, val, sharp = counted_jumps(run)
    chosen = _frequent_jumps(run, train, val, sharp)
    if chosen is None:
        return (
            _inside_epochs(run, len(train), len(val))
            or _swinging_stall(run, len(train), len(val))
            or _swings(run, len(train))
        )
    calm = _calm_end(run, chosen[3])
    if calm is not None:
        # The jumps settled (a close call of a healthy run, close_calls.py), but the validation
        # loss may have gone on swinging after them, to the end (`df_003`).
        return _swings(run, len(train), settled_at=calm[0])
    shown, count, steps, epoch_positions = chosen
    if count <= run.thresholds.unstable_min_spikes and all(
        name == "val_loss" and _falling_through(run, values, positions) for name, values, positions in shown
    ):
        return _swings(run, len(train), settled_at=int(np.max(epoch_positions)))
    name, before_index, position = _largest_jump(shown)
    values = run.loss if name == "loss" else run.val_loss
    worst_position = _epoch_position(run, name, position)
    evidence = {
        "curve": " and ".join(curve for curve, _, _ in shown),
        "spikes": count,
        "steps": steps,
        "largest_rise": float(values[position] - values[before_index]),
        "train_spikes": len(train),
        "val_spikes": len(val),
    }
    evidence.update(_batch_evidence(run))
    if len(shown) == 2:
        what = (
            f"loss (by more than {th.spike_relative:.0%}) and val_loss (by more than "
            f"{th.val_spike_relative:.0%}, up and back down) jumped up in {count} of {steps} epochs"
        )
    elif name == "val_loss":
        what = (
            f"val_loss jumped up by more than {th.val_spike_relative:.0%} and back down in {count} of "
            f"{steps} epochs"
        )
    else:
        what = f"loss jumped up by more than {th.spike_relative:.0%} in {count} of {steps} epochs"
    return Finding(
        "unstable",
        "warning",
        [run.epoch_of(int(p)) for p in epoch_positions],
        evidence,
        _advice(run, worst_position),
        f"{what} (largest: {_jump_text(run, name, before_index, position)}).",
    )


#: The fewest epochs with a NaN validation loss, between finite ones, that make a pattern.
_NAN_VALIDATIONS = 2


def _validation_breaking_down(run: RunView) -> Finding | None:
    """`unstable` when the validation loss was NaN or infinite at `_NAN_VALIDATIONS` epochs or
    more after the first, finite again after them, while the training loss stayed finite
    throughout: the model (or its evaluation, under float16) breaks down on held-out data again
    and again and recovers (`gy_010`: a detector's validation losses NaN at six of 150 epochs,
    its scores 0 there, beside a smooth training loss). A first epoch's NaN alone is an untrained
    model's, and a NaN to the end is divergence's."""
    if not run.has_val or not bool(np.all(np.isfinite(run.loss))):
        return None
    nan = [epoch for epoch in run.val_nan_epochs if epoch > run.epoch_of(0)]
    if len(nan) < _NAN_VALIDATIONS or run.epoch_of(int(run.val_positions[-1])) < nan[-1]:
        return None
    where = ", ".join(format_epoch(epoch) for epoch in nan[:6]) + (" …" if len(nan) > 6 else "")
    return Finding(
        "unstable",
        "warning",
        nan,
        {"curve": "val_loss", "nan_validations": len(nan), "train_spikes": 0, "val_spikes": len(nan)},
        "Find what breaks the evaluation: run it on the validation data alone and look for NaN or Inf "
        "in its inputs and outputs (float16 overflow: evaluate in float32). "
        + _advice(run, int(run.val_positions[-1])),
        f"val_loss was NaN or infinite at {len(nan)} epochs ({where}) and finite again after them, "
        "while the training loss stayed finite: the model breaks down on held-out data and recovers.",
    )


def _falling_through(run: RunView, values: np.ndarray, tops: np.ndarray) -> bool:
    """Whether a curve fell through its jumps (asked of at most `unstable_min_spikes` of them; more
    are a zigzag), none of which doubled it: it ends on its lowest value, at most
    `unstable_fell_through` × every value before the first jump. Noise on a curve still falling
    fast, not a rate too high for the run (`dk_035`: a validation loss 0.545 → 0.157, up to 0.206,
    down to 0.128, up to 0.189, then 0.144, 0.115, 0.097 at the last of 10 epochs; `dm_025`: 0.227,
    up to 0.328, 0.215, up to 0.291, then down to 0.153 at the last of 15); a curve that swings
    about a floor ends near its lows (`al_003`: 0.103, 0.188, 0.103, 0.146, 0.102)."""
    ordered = sorted(map(int, tops))
    if float(values[-1]) > float(np.min(values)) or float(np.min(values)) <= 0 or ordered[0] == 0:
        return False  # (a curve at or below 0 has no level to take a share of)
    if any(float(values[top]) >= 2 * float(np.min(values[:top])) for top in ordered):
        return False  # one thrown to double is severe (`_severe_count`)
    return float(values[-1]) <= run.thresholds.unstable_fell_through * float(np.min(values[: ordered[0]]))


def _epoch_position(run: RunView, name: str, index: int) -> int:
    """The epoch position of `index` in the curve `name` (validation may skip epochs)."""
    return int(index if name == "loss" else run.val_positions[index])


def _jump_text(run: RunView, name: str, before_index: int, top_index: int) -> str:
    """`"val_loss 0.37 → 0.46 at epoch 26, +25%"`: the rise from the value it is measured from to
    the top. When that value is not the curve's previous point (the lowest of the two before a
    validation excursion), its epoch is named too, so that the arrow does not read as one epoch's
    change."""
    values = run.loss if name == "loss" else run.val_loss
    before, top = float(values[before_index]), float(values[top_index])
    top_epoch = format_epoch(run.epoch_of(_epoch_position(run, name, top_index)))
    since = (
        ""
        if before_index == top_index - 1
        else f" at {format_epoch(run.epoch_of(_epoch_position(run, name, before_index)))}"
    )
    return f"{name} {format_number(before)}{since} → {format_number(top)} at {top_epoch}{_rise(before, top)}"


def _rise(before: float, top: float) -> str:
    """`", +25%"`; from a positive value to ten times it or more, `", 4346×"` (a percentage of six
    digits is hard to read); nothing from 0 (no share of 0).

    Example:
        >>> _rise(0.37, 0.46), _rise(0.01408, 0.6271), _rise(0.0, 0.3)
        (', +24%', ', 45×', '')
    """
    if before == 0:
        return ""
    if before > 0 and top >= 10 * before:
        return f", {format_factor(top / before)}×"
    return f", +{(top - before) / abs(before):.0%}"


def _frequent_jumps(
    run: RunView, train: np.ndarray, val: np.ndarray, sharp: np.ndarray
) -> tuple[list[tuple[str, np.ndarray, np.ndarray]], int, int, np.ndarray] | None:
    """`(curves shown, jumps, steps, epoch positions)` when the jumps are frequent enough: of the
    training loss alone, of the validation loss alone (its sharp one-epoch peaks, of which a few
    are enough on a long run, or all its jumps), of both together, or severe ones; else None."""
    th = run.thresholds
    val_epochs = run.val_positions[val] if run.has_val else val
    both = np.union1d(train, val_epochs)
    if _enough(len(train), run.n - 1, run):
        return [("loss", run.loss, train)], len(train), run.n - 1, train
    if run.has_val and (
        _enough(len(sharp), len(run.val_loss) - 1, run, capped=True)
        or _enough(len(val), len(run.val_loss) - 1, run)
    ):
        return [("val_loss", run.val_loss, val)], len(val), len(run.val_loss) - 1, val_epochs
    severe = _severe_count(run, spike_scale(run))
    if len(both) and (
        (run.has_val and _enough(len(both), run.n - 1, run)) or severe >= th.unstable_severe_spikes
    ):
        candidates = (("loss", run.loss, train), ("val_loss", run.val_loss, val))
        return [item for item in candidates if len(item[2])], len(both), run.n - 1, both
    return None


def _severe_count(run: RunView, train_scale: float) -> int:
    """Excursions that at least double the loss and halve it again (training spikes confirmed by
    validation, and validation excursions): a few of them are enough in a run of any length."""
    th = run.thresholds
    train = confirmed_by_validation(
        run, excursions(run.loss, relative=1.0, floor=th.spike_of_start * train_scale), strict=True
    )
    count = len(train)
    if run.has_val:
        floor = run.floor_of(run.val_loss, th.val_spike_of_start)
        count += len(beyond_sampling_noise(run, excursions(run.val_loss, relative=1.0, floor=floor)))
    return count


def _largest_jump(shown: list[tuple[str, np.ndarray, np.ndarray]]) -> tuple[str, int, int]:
    """The largest relative jump among the spikes: its curve, the index of the value it rose from
    (the lowest of the two points before a validation excursion), and the index of the top."""
    best: tuple[float, str, int, int] | None = None
    for name, values, positions in shown:
        for position in positions:
            lookback = 1 if name == "loss" else 2
            start = max(0, position - lookback)
            before_index = start + int(np.argmin(values[start:position]))
            before, top = float(values[before_index]), float(values[position])
            rise = (top - before) / abs(before) if before else np.inf
            if best is None or rise > best[0]:
                best = (rise, name, before_index, int(position))
    assert best is not None
    return best[1], best[2], best[3]


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
        _advice(run, worst),
        f"the epoch means look calm, but inside {len(outliers)} of {run.n} epochs a batch loss lay far "
        f"above the rest (at {format_epoch(run.epoch_of(worst))}: up to "
        f"{format_number(float(stats['loss_max'][worst]))}"
        f" against a median of {format_number(float(stats['loss_median'][worst]))}).",
    )


def _swinging_stall(run: RunView, train_spikes: int, val_spikes: int) -> Finding | None:
    """`unstable` from a validation loss that stopped improving (no new low of 1%) while the
    training loss fell and the metric's gap grew — `overfitting`'s only ground, without a rise
    after the minimum (`overfitting.stalled_only`) — and that swings with a robust epoch-to-epoch
    noise of at least `unstable_stall_noise` of its median level: a stall cannot be told within
    swings of about 20% between neighbouring epochs, and those swings are what a reader of the
    curves names, even when too few of them reach a jump of `val_spike_relative`. The noise is
    that of the whole validation curve (measured over the stall alone, one run read unstable and
    one of the held-out split read overfitting were lost); not for a validation loss that reaches
    0 or below (no level to measure against), nor for one that since its stall sits above its low
    by more than its swings (`unstable_stall_rise` × its noise): that is a rise, judged by
    `overfitting`; nor when the training metric ended `unstable_stall_gap` or more ahead of the
    validation one: a gap that wide is what a reader sees first, and it names the stall."""
    if not run.has_val or len(run.val_loss) < 4 or float(np.min(run.val_loss)) <= 0:
        return None  # (a loss that reaches 0 or below has no level to measure swings against)
    level, noise = float(np.median(run.val_loss)), noise_scale(run.val_loss)
    if noise < run.thresholds.unstable_stall_noise * level:
        return None
    since = stalled_only(run)
    if since is None:
        return None
    rises = np.diff(run.val_loss[since:])
    if not len(rises):
        return None
    rise = float(np.median(run.val_loss[since + 1 :])) - float(np.min(run.val_loss[: since + 1]))
    if rise >= run.thresholds.unstable_stall_rise * noise:
        return None  # the curve since sits above its low by more than its swings: a rise (overfitting)
    gap = metric_gap(run)
    if gap is not None and gap[1] - gap[2] >= run.thresholds.unstable_stall_gap:
        return None  # the training metric far ahead of the validation one: the gap names the stall
    top = since + int(np.argmax(rises)) + 1  # the largest epoch-to-epoch rise within the stall
    worst = int(run.val_positions[top])
    stall_epoch = run.epoch_of(int(run.val_positions[since]))
    return Finding(
        "unstable",
        "warning",
        [stall_epoch],
        {
            "curve": "val_loss",
            "val_noise": noise / level,
            "stalled_epoch": stall_epoch,
            "largest_rise": float(np.max(rises)),
            "train_spikes": train_spikes,
            "val_spikes": val_spikes,
            **_batch_evidence(run),
        },
        _advice(run, worst),
        f"val_loss has made no new low of 1% since {format_epoch(stall_epoch)} while loss kept falling; "
        f"its robust epoch-to-epoch noise is {noise / level:.0%} of its median level (largest rise since: "
        f"{_jump_text(run, 'val_loss', top - 1, top)}): a stall cannot be told within such swings.",
    )


def _relative_noise(values: np.ndarray) -> float | None:
    """A curve's epoch-to-epoch noise (`noise_scale`) over its median level; None for a curve
    that reaches 0 or below (no level to measure against)."""
    if float(np.min(values)) <= 0:
        return None
    return noise_scale(values) / float(np.median(values))


def _rougher_than_training(run: RunView, values: np.ndarray) -> tuple[float, float, str] | None:
    """`(validation noise, training noise, over what: "" for the whole run)`, each
    `_relative_noise`, when the validation loss's is at least `val_swing_min_noise` and
    `val_swing_train_noise` times the training loss's, over the whole run or over its second half
    (each curve's own, of at least 8 values); else None. A
    validation loss that sat calm at chance for half the run and swings since has the noise of
    its swings, which the whole run's median hides."""
    th, train = run.thresholds, np.asarray(run.loss, dtype=np.float64)
    spans = [(values, train, "")]
    if min(len(values), len(train)) >= 16:
        spans.append((values[len(values) // 2 :], train[len(train) // 2 :], " over the run's second half"))
    for val_part, train_part, over in spans:
        val_noise, train_noise = _relative_noise(val_part), _relative_noise(train_part)
        if val_noise is None or train_noise is None:
            return None
        if val_noise >= max(th.val_swing_min_noise, th.val_swing_train_noise * train_noise):
            return val_noise, train_noise, over
    return None


def _swings(run: RunView, train_spikes: int, settled_at: int | None = None) -> Finding | None:
    """`unstable` from validation swings too small for a jump (`val_swing_relative` up and back
    within two epochs, not `val_spike_relative`) that are large against the curve's own course:
    each rise at least `val_swing_of_progress` of the validation loss's fall from its first value
    to its lowest (on a plot, as plain as the learning itself), while the training loss is smooth
    (the validation loss's relative epoch-to-epoch noise at least `val_swing_train_noise` times
    the training loss's). As many as jumps need (`_enough`), beyond the validation set's sampling
    noise, not settled before a calm end; and not when `overfitting` is found: a rise that jitters
    is the gap growing, and it is named first. With `settled_at` (the epoch position of the last
    of the frequent jumps that settled), some swings must come after it, the largest of those is
    quoted, and the message says the training loss calmed there."""
    if not run.has_val or len(run.val_loss) < 4:
        return None
    th, values = run.thresholds, np.asarray(run.val_loss, dtype=np.float64)
    noises = _rougher_than_training(run, values)
    progress = float(values[0] - np.min(values))
    if noises is None or progress <= 0:
        return None  # a validation loss smoother than swings are, or no rougher than training's
    val_noise, train_noise, over = noises
    floor = run.floor_of(values, th.val_spike_of_start)
    relative = th.val_swing_relative
    tops = np.union1d(
        peaks(values, relative=relative, floor=floor), excursions(values, relative=relative, floor=floor)
    )
    rises = {
        int(top): float(values[top] - np.min(values[max(0, top - 2) : top]))
        for top in beyond_sampling_noise(run, tops.astype(int))
    }
    needed = th.val_swing_of_progress * progress
    # Up and back down: the last epoch's rise has nothing after it to come back.
    tops = np.asarray(
        [top for top, rise in rises.items() if rise >= needed and top < len(values) - 1], dtype=int
    )
    if not _enough(len(tops), len(values) - 1, run):
        return None
    epoch_positions = run.val_positions[tops]
    later = tops if settled_at is None else tops[epoch_positions > settled_at]
    overfitting = check_overfitting(run)
    if (
        not len(later)
        or _calm_end(run, epoch_positions) is not None
        or (overfitting is not None and not overfitting.evidence.get("noisy_rise"))
    ):
        return None  # (a rise found only beyond one noise deviation is within the swings: `unstable`)
    top = int(later[np.argmax([rises[int(top)] for top in later])])
    before = max(0, top - 2) + int(np.argmin(values[max(0, top - 2) : top]))
    noise = f"epoch-to-epoch noise {val_noise:.0%} of its level against {train_noise:.0%}"
    training = (
        f"training loss stayed smooth ({noise}{over}"
        if settled_at is None
        else f"training loss's jumps stopped after {format_epoch(run.epoch_of(settled_at))} ({noise}"
        f"{over or ' over the run'}"
    )
    return Finding(
        "unstable",
        "warning",
        [run.epoch_of(int(position)) for position in epoch_positions],
        {
            "curve": "val_loss",
            "spikes": len(tops),
            "steps": len(values) - 1,
            "largest_rise": rises[top],
            "val_noise": val_noise,
            "train_noise": train_noise,
            "train_spikes": train_spikes,
            "val_spikes": len(tops),
            **_batch_evidence(run),
        },
        _advice(run, int(run.val_positions[top])),
        f"val_loss swung up by more than {relative:.0%} and back down in {len(tops)} of {len(values) - 1} "
        f"epochs, each rise at least {th.val_swing_of_progress:.0%} of its fall from "
        f"{format_number(float(values[0]))} to {format_number(float(np.min(values)))}, while the "
        f"{training}; largest{' since' if settled_at is not None else ''}: "
        f"{_jump_text(run, 'val_loss', before, top)}).",
    )


def _batch_evidence(run: RunView) -> dict:
    """The inside-the-epoch numbers of the last epoch, when recorded."""
    stats = run.curves.batch_stats
    if not stats:
        return {}
    return {f"last_epoch_batch_{key}": float(values[-1]) for key, values in stats.items() if len(values)}


def _advice(run: RunView, worst: int) -> str:
    return (
        f"{_lower_rate_text(run, worst)}, or use a larger batch; ReduceLROnPlateau and gradient clipping "
        "(clipnorm=1.0) also calm it."
    )


def _lower_rate_text(run: RunView, worst: int) -> str:
    """The advice to lower the rate, from the rate logged at the largest jump (`worst`, a position):
    a schedule may have lowered it since, down to 0 at the end, which gives nothing to scale."""
    learning_rate = run.scalable_rate(worst)
    if learning_rate is None:
        return "Lower the learning rate 3–10×"
    last = run.learning_rate()
    where = (
        ""
        if last is not None and abs(last - learning_rate) <= 0.1 * learning_rate
        else (f" at {format_epoch(run.epoch_of(worst))}, the largest jump")
    )
    return (
        f"Lower the learning rate 3–10× (learning_rate={format_number(learning_rate)}{where} → "
        f"{learning_rate_range(learning_rate, 1 / 10, 1 / 3)})"
    )
