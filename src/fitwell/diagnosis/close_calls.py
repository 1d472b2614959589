"""Close calls: what a run judged healthy shows of a finding it stopped short of.

The rules draw lines: a validation loss must rise 10% to be overfitting, jumps must be frequent to
be instability, progress must be steady to be "still improving". A run near a line is healthy by
the rules and, to a careful reader, perhaps not: two readers of the same plot often disagree there.
So a healthy verdict names what it was close to, with the numbers, and what to watch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.counted_jumps import jumps
from fitwell.diagnosis.instability import settled
from fitwell.diagnosis.run import RunView, format_epoch, format_number
from fitwell.diagnosis.still_improving import train_longer_advice

__all__ = ["CloseCall", "close_calls"]


@dataclass(frozen=True)
class CloseCall:
    """A finding the run came close to.

    Attributes:
        kind: The finding's kind (`"still_improving"`, `"overfitting"` or `"unstable"`).
        seen: What was seen, with the run's numbers.
        watch: What to do about it, should it matter (a sentence).
    """

    kind: str
    seen: str
    watch: str


def close_calls(run: RunView) -> list[CloseCall]:
    """The findings a healthy run came close to, most important first."""
    found = [_growing_gap(run), _some_jumps(run), _recent_lows(run)]
    return [call for call in found if call is not None]


def _recent_lows(run: RunView) -> CloseCall | None:
    """The watched curve (validation loss, else a validation metric, else the training loss) set
    its best in the end window, below its best before the window by at least
    `close_call_new_low`, and the smoothed curve fell by more than twice its noise (not one lucky
    epoch): it was still edging down when the run stopped. Judged on the curve
    `check_still_improving` judges (`RunView.progress`)."""
    run = run.progress
    watched, th = run.watched, run.thresholds
    values = watched.values
    window = max(2, run.tail)
    if len(values) < window + 3:
        return None
    earlier, recent = (
        int(np.argmin(values[:-window])),
        len(values) - window + int(np.argmin(values[-window:])),
    )
    before, latest = float(values[earlier]), float(values[recent])
    drop = stats.relative_drop(before, latest)
    smooth = stats.median_smooth(values)
    smooth_drop = float(np.min(smooth[:-window])) - float(np.min(smooth[-window:]))
    if drop < th.close_call_new_low or smooth_drop <= 2 * stats.noise_scale(values):
        return None  # a lucky epoch of a noisy curve, not progress
    fewer = "fewer errors" if watched.higher_is_better else "lower"
    last_epoch = run.epoch_of(int(watched.positions[-1]))
    direction = "up" if watched.higher_is_better else "down"
    recent_epoch = format_epoch(run.epoch_of(int(watched.positions[recent])))
    return CloseCall(
        "still_improving",
        f"{watched.name} set a new best in the last {window} epochs: "
        f"{format_number(watched.logged(recent))} at {recent_epoch} against "
        f"{format_number(watched.logged(earlier))} before ({drop:.1%} {fewer}).",
        f"{watched.name} was still edging {direction}; more epochs may gain a little. "
        + train_longer_advice(run, last_epoch),
    )


def _growing_gap(run: RunView) -> CloseCall | None:
    """The validation loss made its last new low at least `close_call_stall` of the run before the
    end, and the training loss fell by at least `close_call_train_drop` since (or, by
    `overfit_train_drop`, while the validation loss's last three epochs sit `close_call_rise`
    above that low): the gap between them grows while validation gains nothing, where
    overfitting begins."""
    if not run.has_val or len(run.val_loss) < 5:
        return None
    th = run.thresholds
    best = int(np.argmin(run.val_loss))
    after = len(run.val_loss) - 1 - best
    if after < max(2, th.close_call_stall * len(run.val_loss)):
        return None
    position = int(run.val_positions[best])
    fall = stats.relative_drop(float(run.smooth_loss[position]), run.end_loss)
    lowest = float(run.val_loss[best])
    rise = (float(np.median(run.val_loss[-3:])) - lowest) / abs(lowest) if lowest else 0.0
    growing = fall >= th.close_call_train_drop
    rising = rise >= th.close_call_rise and fall >= th.overfit_train_drop
    if not (growing or rising):
        return None
    best_epoch = format_epoch(run.epoch_of(position))
    return CloseCall(
        "overfitting",
        f"val_loss has not improved since {best_epoch} ({format_number(float(run.val_loss[best]))}; "
        f"{format_number(float(run.val_loss[-1]))} at the end) while loss fell {fall:.0%} since "
        f"({run.training_fall_text(position)}).",
        f"The gap grows: keep the weights of {best_epoch} (ModelCheckpoint(..., monitor='val_loss', "
        "save_best_only=True)) and regularize if val_loss starts to rise.",
    )


def _some_jumps(run: RunView) -> CloseCall | None:
    """At least `close_call_jumps` jumps of the training or validation loss, counted as `unstable`
    counts them (`counted_jumps.jumps`): too few to call the run unstable, or all before a calm end
    (`instability.settled`)."""
    train, val = jumps(run)
    shown = [(name, positions) for name, positions in (("loss", train), ("val_loss", val)) if len(positions)]
    count = len(train) + len(val)
    if count < run.thresholds.close_call_jumps:
        return None
    what = " and ".join(f"{name} jumped up in {len(positions)}" for name, positions in shown)
    calm = settled(run)
    if calm is not None:
        last, quiet = calm
        return CloseCall(
            "unstable",
            f"{what} of {run.n - 1} epochs, the last at {format_epoch(run.epoch_of(last))}; "
            f"the last {quiet} epochs were calm.",
            "The jumps settled; should they come back, lower the learning rate.",
        )
    return CloseCall(
        "unstable",
        f"{what} of {run.n - 1} epochs, too few to call the run unstable.",
        "Should the jumps grow or come more often, lower the learning rate.",
    )
