"""Which jumps of the loss curves count for `unstable`: spikes of the training loss that validation
confirms (or too large for noise), peaks and excursions of the validation loss beyond its set's
sampling noise, less the ripples at the bottom of a curve that nothing else shows."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.metric_names import is_top_k
from fitwell.diagnosis.run import RunView
from fitwell.diagnosis.stats import difference_error, estimated_samples, exact_sample_count, is_fraction

__all__ = [
    "beyond_sampling_noise",
    "confirmed_by_validation",
    "counted_jumps",
    "excursions",
    "jumps",
    "peaks",
    "spike_relative",
    "spike_scale",
    "spikes",
]


def spikes(values: np.ndarray, *, relative: float, floor: float) -> np.ndarray:
    """Indices `t` where `values[t]` jumped above `values[t-1]` by more than `relative` × it
    and by more than `floor` (so that wiggles of a loss already near zero do not count).

    Example:
        >>> spikes(np.array([1.0, 0.5, 0.9, 0.4, 0.41, 0.8]), relative=0.25, floor=0.02).tolist()
        [2, 5]
        >>> spikes(np.array([1.0, 0.01, 0.002, 0.004]), relative=0.25, floor=0.02).tolist()
        []
    """
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    rise = np.diff(values)
    is_spike = (rise > relative * np.abs(values[:-1])) & (rise > floor)
    return np.flatnonzero(is_spike) + 1


def peaks(values: np.ndarray, *, relative: float, floor: float) -> np.ndarray:
    """Indices `t` where `values[t]` stands more than `relative` above both neighbours (the last
    value: above the previous one), at a level above `floor`: a jump up and back down.

    A curve that rises steadily (validation loss while overfitting) has no peaks;
    an erratic one has many, however far it has fallen since its start.

    Example:
        >>> peaks(np.array([1.0, 0.5, 0.9, 0.4, 0.41, 0.42, 0.8]), relative=0.3, floor=0.02).tolist()
        [2, 6]
        >>> peaks(np.array([0.4, 0.55, 0.75, 1.0, 1.3]), relative=0.3, floor=0.02).tolist()
        []
    """
    if len(values) < 2:
        return np.zeros(0, dtype=int)
    after = np.append(values[2:], -np.inf)
    neighbours = np.maximum(values[:-1], after)
    is_peak = (values[1:] > (1.0 + relative) * neighbours) & (values[1:] > floor)
    return np.flatnonzero(is_peak) + 1


def excursions(values: np.ndarray, *, relative: float, floor: float, within: int = 2) -> np.ndarray:
    """Indices `t` of local tops that stand more than `relative` above the lowest of the `within`
    values before them, and that the curve falls back from by as much (below
    `values[t] / (1 + relative)`) within `within` epochs: an excursion up and back, whether it
    climbs in one epoch or two.

    A steady rise (validation loss while overfitting) has no excursions; an erratic curve has
    many, at any level.

    Example:
        >>> v = np.array([0.08, 0.11, 0.14, 0.09, 0.066, 0.099, 0.063, 0.083, 0.091, 0.19, 0.05])
        >>> excursions(v, relative=0.3, floor=0.01).tolist()
        [2, 5, 9]
        >>> excursions(np.array([0.4, 0.55, 0.75, 1.0, 1.3]), relative=0.3, floor=0.01).tolist()
        []
    """
    values = np.asarray(values, dtype=np.float64)
    found = []
    for t in range(1, len(values) - 1):
        top = values[t]
        if top < values[t - 1] or top < values[t + 1] or top <= floor:
            continue
        before = float(np.min(values[max(0, t - within) : t]))
        after = float(np.min(values[t + 1 : t + 1 + within]))
        if top > (1.0 + relative) * before and after < top / (1.0 + relative):
            found.append(t)
    return np.asarray(found, dtype=int)


def beyond_sampling_noise(run: RunView, tops: np.ndarray) -> np.ndarray:
    """The validation-loss jumps that the validation accuracy confirms: at the top, it fell below
    the better of its neighbours by more than `val_accuracy_noise` standard errors of a difference
    of two accuracies on a set of that size (its size estimated from the accuracy's steps).

    On a small validation set scored nearly perfectly, the loss rests on a handful of mistakes
    (fewer than `val_few_mistakes`), and one more confident mistake doubles it: such a jump, with
    the accuracy moving by a sample or two, is the noise of the set, not a model thrown off course.
    With many mistakes, with an accuracy at the top below `val_nearly_perfect` (a set not scored
    nearly perfectly there, however small: 10 of 16 images right), or without a validation
    accuracy (or when the set's size cannot be told), every jump counts. Without one named so, a
    validation score that is a share of its samples (every value a whole multiple of `1/N`, as
    Flair's `score` on a single-label task) stands in.

    Whatever the set's size, a jump to at most `val_jump_held_most` × the value before it, at
    whose top the validation accuracy (one named so, not a top-k one) is still at least
    `val_jump_accuracy_held`, does not count: a model that answers 98 in 100 right at its worst
    epoch was not thrown off course; its loss moves with the confidence of its few mistakes
    (`d_019`: digits at 98.4–99.4% while the validation loss went 0.030 → 0.047 and back).
    """
    key = _counted_val_score(run)
    if key is None or not len(tops):
        return tops
    positions, accuracy = run.curves.series(key)
    if not np.isin(run.val_positions, positions).all():
        return tops  # the accuracy was not scored at the validation loss's epochs: no sample to count
    samples = estimated_samples(accuracy)
    accuracy = accuracy[np.searchsorted(positions, run.val_positions)]  # at the validation loss's epochs
    th = run.thresholds
    named = key == run.any_val_accuracy_key and not is_top_k(key)
    kept = []
    for top in tops:
        held = named and float(accuracy[top]) >= th.val_jump_accuracy_held
        if held and top > 0 and run.val_loss[top] <= th.val_jump_held_most * run.val_loss[top - 1]:
            continue  # still nearly perfect at the top of a jump of its few mistakes' confidence
        if samples is None:
            kept.append(top)  # the set's size cannot be told: no sample to count
            continue
        neighbours = accuracy[max(0, top - 2) : top + 3]
        best = float(np.max(neighbours))
        if samples * (1.0 - float(accuracy[top])) >= run.thresholds.val_few_mistakes:
            kept.append(top)  # many mistakes: a jump of their mean loss is not one sample's doing
            continue
        if float(accuracy[top]) < run.thresholds.val_nearly_perfect:
            kept.append(top)  # not scored nearly perfectly: the loss rests on more than a mistake or two
            continue
        error = difference_error(best, float(accuracy[top]), samples)
        if best - float(accuracy[top]) > run.thresholds.val_accuracy_noise * error:
            kept.append(top)
    return np.asarray(kept, dtype=int)


def _counted_val_score(run: RunView) -> str | None:
    """The validation accuracy's key; without one, the first validation score between 0 and 1
    whose values are whole multiples of `1/N` (`stats.exact_sample_count`): a share of samples."""
    if run.any_val_accuracy_key is not None:
        return run.any_val_accuracy_key
    for key in run.curves.values:
        if not key.startswith("val_") or key == "val_loss":
            continue
        _, values = run.curves.series(key)
        if is_fraction(values) and exact_sample_count(values) is not None:
            return key
    return None


def confirmed_by_validation(
    run: RunView, positions: np.ndarray, *, strict: bool = False, rise: float | None = None
) -> np.ndarray:
    """The training-loss spikes that the validation loss shows too (it rose at that epoch or the
    next, by more than `rise`, `val_confirms_spike` unless given), and those too large for noise
    (`spike_unconfirmed`; not with `strict`, nor on a training
    set so small that its accuracy's steps count its samples, at most 500: one confident mistake
    among a few hundred samples multiplies such a mean). A smaller spike of the training mean
    alone, with validation calm, is the noise of the estimate (dropout, a few batches per epoch),
    not weights thrown off course."""
    if not run.has_val or not len(positions):
        return positions
    val = np.full(run.n, np.nan)
    val[run.val_positions] = run.val_loss
    rose = np.zeros(run.n, dtype=bool)
    rise = run.thresholds.val_confirms_spike if rise is None else rise
    rose[1:] = val[1:] > (1.0 + rise) * val[:-1]
    seen = rose.copy()
    seen[:-1] |= rose[1:]
    recorded = ~np.isnan(val)
    if recorded.sum() < 0.5 * run.n:  # validation too sparse (validation_freq) to judge
        return positions
    if strict or run.training_samples is not None:  # a training set its accuracy's steps count
        return positions[seen[positions]]
    large = run.loss[positions] > (1.0 + run.thresholds.spike_unconfirmed) * run.loss[positions - 1]
    return positions[seen[positions] | large]


def spike_scale(run: RunView) -> float:
    """The scale a training-loss spike must clear a share of (`spike_of_start`): the baseline (or
    chance), else the first epoch's loss; its second's when the first was `_OUTLYING_FIRST` times
    that or more (a first epoch's mean from random weights, `fn_027`: 50,598 and then 505, which
    left every later spike of 30 to 490 under 2% of it), a spike then asked to double
    (`spike_relative`)."""
    if run.reference:
        return run.reference
    first = float(abs(run.loss[0]))
    if len(run.loss) > 2 and first >= _OUTLYING_FIRST * float(abs(run.loss[1])) > 0:
        return float(abs(run.loss[1]))
    return first


def spike_relative(run: RunView) -> float:
    """How far above the epoch before it a training-loss spike must rise: `spike_relative`, or, on
    the second epoch's scale (`spike_scale`), a doubling: measured against a level a hundred times
    below the first epoch's, only swings that plain count (`fn_027`: 31 → 493, 3.0 → 59.3), not a
    fine-tuned loss wiggling by a quarter near its floor."""
    outlying = not run.reference and spike_scale(run) < float(abs(run.loss[0]))
    return max(run.thresholds.spike_relative, 1.0) if outlying else run.thresholds.spike_relative


#: How many times the second epoch's loss a first one stands apart from the run's scale.
_OUTLYING_FIRST = 10.0


def jumps(run: RunView) -> tuple[np.ndarray, np.ndarray]:
    """`(training, validation)`: the positions of the training loss's spikes (that validation
    confirms, or too large for noise) and the validation positions of the validation loss's
    jumps up and back (peaks and excursions beyond the validation set's sampling noise)."""
    train, val, _ = counted_jumps(run)
    return train, val


def counted_jumps(run: RunView) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`jumps`, and the validation peaks among them (one-epoch jumps up and back)."""
    th = run.thresholds
    train_scale = spike_scale(run)
    train = confirmed_by_validation(
        run, spikes(run.loss, relative=spike_relative(run), floor=th.spike_of_start * train_scale)
    )
    if run.curves.sampled_loss:
        train = _beyond_a_batchs_noise(run, train)
    val = sharp = np.zeros(0, dtype=int)
    if run.has_val:
        floor = run.floor_of(run.val_loss, th.val_spike_of_start)
        sharp = beyond_sampling_noise(run, peaks(run.val_loss, relative=th.val_spike_relative, floor=floor))
        val = np.union1d(
            sharp,
            beyond_sampling_noise(run, excursions(run.val_loss, relative=th.val_spike_relative, floor=floor)),
        ).astype(int)
    if run.has_val and not len(val):
        train = train[~_ripples_near_the_floor(run, train)]
    elif not run.has_val and run.any_val_accuracy_key is not None:
        train = train[~(_ripples_near_the_floor(run, train) & _held_out_accuracy_held(run, train))]
    return train, val, sharp


def _beyond_a_batchs_noise(run: RunView, spikes: np.ndarray) -> np.ndarray:
    """The spikes of a training loss that is one or two batches' losses each epoch
    (`Curves.sampled_loss`) that are more than a batch's noise: those the validation loss shows too
    by a jump of its own (`confirmed_by_validation`, strict, a rise of `val_spike_relative`), or
    without a validation loss those above `spike_unconfirmed` (75%). A batch's loss jumps by half,
    or doubles, between two batches of a run going well (`ge_018`: 60%, beside a flat validation
    AUC), and a validation loss wiggles by a fifth beside it (`gx_026`: one batch's loss from 0.0004
    to 0.22 and back while MNIST's test loss went 0.0194 → 0.0229 at 99.3%)."""
    if run.has_val:
        return confirmed_by_validation(run, spikes, strict=True, rise=run.thresholds.val_spike_relative)
    return spikes[run.loss[spikes] > (1.0 + run.thresholds.spike_unconfirmed) * run.loss[spikes - 1]]


def _held_out_accuracy_held(run: RunView, spikes: np.ndarray) -> np.ndarray:
    """Which training-loss spikes the validation accuracy (logged without a validation loss) did
    not follow down: at the spike's epoch it is within `not_learning_accuracy_margin` of the better
    of its neighbours (or was not scored there). An accuracy that fell with the training loss's
    jump (0.93 to 0.61) confirms it, however near the floor the loss was."""
    positions, accuracy = run.curves.series(run.any_val_accuracy_key)
    held = np.ones(len(spikes), dtype=bool)
    for index, spike in enumerate(spikes):
        at = np.flatnonzero(positions == spike)
        if not len(at):
            continue
        at = int(at[0])
        neighbours = accuracy[[i for i in (at - 1, at + 1) if 0 <= i < len(accuracy)]]
        if len(neighbours) and float(np.max(neighbours)) - float(accuracy[at]) > (
            run.thresholds.not_learning_accuracy_margin
        ):
            held[index] = False
    return held


def _ripples_near_the_floor(run: RunView, spikes: np.ndarray) -> np.ndarray:
    """Which training-loss spikes are ripples at the bottom of the curve (`spike_near_floor`): a
    top below that share of the first epoch's loss and less than `near_floor_rise` × the lowest
    loss before it, on a loss that stays above 0 (a loss that crosses zero has no floor to measure
    against). A jump of ten times a loss that had reached 0.05 is no ripple, however far below its
    start. Asked beside a validation loss without a jump, and beside a validation accuracy without
    a validation loss that did not fall at the spike (`_held_out_accuracy_held`: a held-out set
    was scored, and the reader judges the run by it: `ci_008`,
    a training loss 1.02 → 0.011 on about 50 images in batches of 8, rippling at 0.02–0.2 while
    its 4 validation images were right at 27 of 30 epochs); not of a training loss alone, whose
    jumps are all a reader sees."""
    th, loss = run.thresholds, run.loss
    if not len(spikes) or float(np.min(loss)) <= 0.0:
        return np.zeros(len(spikes), dtype=bool)
    lowest_before = np.minimum.accumulate(loss)[spikes - 1]  # (a spike is a rise: never at epoch 0)
    tops = loss[spikes]
    return (tops < th.spike_near_floor * float(loss[0])) & (tops < th.near_floor_rise * lowest_before)
