"""`suspicious_validation`: validation results too good to be true (leakage, duplicated samples),
after a validation that measures nothing (`blind_validation.py`).

Validation better than training is normal with dropout, augmentation or
regularization (the training loss is averaged over the epoch with them on), and
easy tasks score 100% honestly, above all on tiny validation sets. So the rule
asks for more: a perfect validation accuracy on a set that is not tiny while the
validation loss is below the training loss; a validation accuracy perfect from the
first epoch on, while the model was still learning, with a validation loss that
beats the training loss or reaches exactly 0, or an accuracy of exactly 1 at every
epoch; both accuracies perfect after the first epoch on a set that is not tiny, the
loss near 0 already; or a validation loss far below the training loss (more than
those explain) while validation makes far fewer mistakes
than training (a few times fewer is what augmentation and dropout give).
A validation loss hundreds of times below the training loss with an accuracy no
better is two losses on different scales (a sum against a mean), not a leak: the
diagnosis says so in a note.
"""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.blind_validation import (
    FAR_FROM_EXACT,
    copied_from_training,
    frozen_finding,
    nan_throughout,
    never_right,
    one_class,
    still_learning,
    zero_throughout,
)
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.metric_names import is_top_k, metric_direction
from fitwell.diagnosis.overfit_rises import metric_gap
from fitwell.diagnosis.run import RunView, format_number
from fitwell.diagnosis.stats import estimated_samples

__all__ = ["check_leakage", "scale_mismatch_note"]

_ADVICE = (
    "Check that no sample (or near-duplicate) is both in the training and the validation data, that "
    "validation_data is not a slice of x, and that no feature is computed from the target."
)


def check_leakage(run: RunView) -> Finding | None:
    """A validation set that measures nothing (`blind_validation.py`: an AUC or an accuracy of
    exactly 0, a loss of exactly 0, NaN, frozen or copied from the training loss) or is too easy: a
    perfect accuracy (from the first epoch, or on many samples), or a validation loss far below
    training with far fewer mistakes."""
    th = run.thresholds
    if not run.has_val:
        return (
            one_class(run)
            or _perfect_score_throughout(run)
            or _perfect_without_a_loss(run)
            or nan_throughout(run)
            or never_right(run)
        )
    found = one_class(run)
    if found is not None or run.n < 2:
        return found
    found = zero_throughout(run) or never_right(run) or copied_from_training(run) or frozen_finding(run)
    if found is not None:
        return found
    # A validation accuracy logged beside a training one, else one logged alone.
    val_key = run.val_accuracy_key or run.any_val_accuracy_key
    samples = estimated_samples(run.curves.series(val_key)[1]) if val_key else None
    window = min(run.tail, len(run.val_loss))
    end_ratio = _loss_ratio(run.val_loss[-window:], run.loss[run.val_positions[-window:]])
    perfect_at_once = _perfect_from_the_start(run, end_ratio) or _a_head_perfect_from_the_start(run)
    if perfect_at_once is not None:
        return perfect_at_once
    tiny = samples is None or samples < th.leak_min_samples
    if tiny and run.val_accuracy_key is not None:
        return None  # a tiny validation set: honest ones of a few dozen often score 100%
    if val_key is not None and not tiny:
        perfect = _perfect_on_many(run, val_key, samples, window, end_ratio)
        if perfect is not None:
            return perfect
    return _far_easier_than_training(run, samples)


def _far_easier_than_training(run: RunView, samples: int | None) -> Finding | None:
    """A validation loss far below the training loss over the second half of the run, with far
    fewer mistakes: validation far easier than training."""
    half = len(run.val_loss) // 2
    positions = run.val_positions[half:]
    ratio = _loss_ratio(run.val_loss[half:], run.loss[positions])
    if not (np.isfinite(ratio) and ratio < run.thresholds.leak_loss_ratio and _errors_far_fewer(run)):
        return None
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(p)) for p in positions],
        {"val_to_train_loss": ratio, "val_samples_at_least": samples},
        _ADVICE + " (Dropout and augmentation also lower the validation loss, but rarely this much.)",
        f"val_loss stays at {_share(ratio)} of the training loss over the second half of the run: "
        "validation far easier than training.",
    )


def _perfect_on_many(
    run: RunView, val_key: str, samples: int, window: int, end_ratio: float
) -> Finding | None:
    """A validation accuracy perfect over the end window on enough samples to be convincing.

    An honest model with 0.5% error scores 100% on N samples with probability 0.995**N: often for
    N of a few hundred, under 5% from N = 600 on. Below that, validation must also beat training
    at it (a loss clearly below the training loss) to count. Perfect means that at least one epoch
    of the window missed no sample (within half a sample of 1, for a float's last digit): a score
    that sits at 0.9997 on 4,000 samples at every epoch keeps missing one, which an honest model
    on an easy task does; the argument above is about a set scored without a single miss."""
    th = run.thresholds
    val_accuracy = run.end_of(val_key)
    perfect = val_accuracy is not None and val_accuracy >= th.leak_accuracy
    if perfect:
        _, logged = run.curves.series(val_key)
        perfect = float(np.max(logged[-window:])) >= 1.0 - 0.5 / samples
    convincing = samples >= th.leak_perfect_samples or end_ratio < th.leak_beats_training_ratio
    if not (perfect and convincing):
        return None
    train_accuracy = run.end_of(run.accuracy_key) if run.accuracy_key else None
    ratio_text = f" (val_loss at {_share(end_ratio)} of the training loss)" if np.isfinite(end_ratio) else ""
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(p)) for p in run.val_positions[-window:]],
        {"val_accuracy": val_accuracy, "accuracy": train_accuracy, "val_samples_at_least": samples},
        _ADVICE,
        f"{val_key} is {_raw_range(run, val_key, window, val_accuracy)} over the last {window} epochs "
        f"on at least {samples} samples{ratio_text}: a perfect score on that many samples usually means "
        "leaked or duplicated samples.",
    )


def _perfect_without_a_loss(run: RunView) -> Finding | None:
    """Without a validation loss: a validation accuracy that missed no sample (within half a
    sample of 1) at three quarters of its epochs or more, the last included, on at least
    `leak_min_samples` samples (its steps tell), and above the training accuracy at three
    quarters of the epochs both were logged (a task the model also fits without a miss is easy,
    not leaked): an honest model with 0.5% error misses none of 474 samples at one epoch in
    eleven, not at most of them. A model of 0.1% error on an easy task, its training accuracy held
    down by dropout or augmentation, does it more often (0.999^474 = 0.62): the rule can misfire
    there, though none of the stored runs shows it."""
    th, val_key = run.thresholds, run.any_val_accuracy_key
    if val_key is None:
        return None
    positions, values = run.curves.series(val_key)
    samples = estimated_samples(values)
    if samples is None or samples < th.leak_min_samples or len(values) < 4:
        return None
    perfect = values >= 1.0 - 0.5 / samples
    if not perfect[-1] or perfect.sum() < 0.75 * len(values):
        return None
    above = ""
    key = run.accuracy_key
    if key is not None:
        train_positions, train = run.curves.series(key)
        both = np.isin(positions, train_positions)
        at = np.searchsorted(train_positions, positions[both])
        if np.sum(values[both] > train[at]) < 0.75 * np.sum(both):
            return None
        above = ", above the training accuracy" if np.any(both) else ""
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(p)) for p in positions[perfect]],
        {"val_accuracy": 1.0, "perfect_epochs": int(perfect.sum()), "val_samples_at_least": samples},
        _ADVICE,
        f"{val_key} missed no sample at {int(perfect.sum())} of {len(values)} epochs, the last included, "
        f"on at least {samples} samples{above}: a perfect score that often "
        "on that many samples usually means leaked or duplicated samples.",
    )


def _raw_range(run: RunView, key: str, window: int, level: float) -> str:
    """The logged values of `key` over its last `window` epochs, as the log shows them, with the
    level judged: `"1"`, or `"0.9997–1 (smoothed 0.9999)"` (the lowest to the highest)."""
    _, values = run.curves.series(key)
    low, high = (
        format_number(float(value)) for value in (np.min(values[-window:]), np.max(values[-window:]))
    )
    return low if low == high else f"{low}–{high} (smoothed {format_number(level)})"


def _loss_ratios(val_loss: np.ndarray, loss: np.ndarray) -> np.ndarray | None:
    """Validation over training loss, epoch by epoch; None when the training loss is not positive
    somewhere or the validation loss is negative (a loss that can go negative, such as a
    log-likelihood, has no scale to compare: a validation loss of -2 is not "0% of" a training
    loss of -4). A validation loss of exactly 0 is 0% of the training loss, unless it is 0 at every
    epoch: a loss never computed (`zero_throughout`) says nothing of how easy the set is."""
    if not (np.all(val_loss >= 0) and np.any(val_loss > 0) and np.all(loss > 0)):
        return None
    return val_loss / loss


def _loss_ratio(val_loss: np.ndarray, loss: np.ndarray) -> float:
    """The median of `_loss_ratios`; NaN when they cannot be compared."""
    ratios = _loss_ratios(val_loss, loss)
    return float("nan") if ratios is None else float(np.median(ratios))


def _perfect_from_the_start(run: RunView, end_ratio: float) -> Finding | None:
    """Validation accuracy perfect at every epoch, the first included, while the training
    accuracy of the first epoch was not (the model was still learning), and the validation loss
    beats the training loss or reaches exactly 0, or the accuracy is exactly 1 at every epoch (a
    score that never once missed says by itself what a loss below the training loss would): the
    validation set is trivially easy (leaked samples, the target among the inputs, or constant
    targets), whatever its size; unless the training accuracy's steps show a training set under
    `leak_min_samples` (0.4, 0.6, 0.8 on 5 images): a validation set split from it holds a
    handful, which an honest model often gets all right.

    Without a training accuracy, the training loss tells that the model was still learning: it
    fell by more than half after the first epoch. Then only a validation loss of exactly 0 counts
    (every prediction exact): beating the training loss is what dropout does too, and without the
    training accuracy's steps nothing tells a set of a handful, which an honest model often gets
    all right at once."""
    th = run.thresholds
    key, val_key = run.accuracy_key, run.any_val_accuracy_key
    if val_key is None:
        return None
    positions, val_accuracy = run.curves.series(val_key)
    if len(val_accuracy) >= 3 and positions[0] == 0 and key is not None:
        given_away = _given_away(run, val_accuracy, run.curves.series(key)[1])
        if given_away is not None:
            return given_away
    if len(val_accuracy) < 3 or positions[0] != 0 or not np.all(val_accuracy >= th.leak_accuracy):
        return None  # (validated first after some epochs: the model had learned by then)
    exact_zero = bool(np.any(run.val_loss == 0.0))
    if key is None:
        if not (still_learning(run) and exact_zero):
            return None
        return _trivially_easy(run, float(val_accuracy[0]), None, exact_zero)
    _, accuracy = run.curves.series(key)
    if accuracy[0] >= th.leak_accuracy:
        return None  # perfect everywhere from the start: nothing was learned here to compare
    trained_on = run.training_samples
    if trained_on is not None and trained_on < th.leak_min_samples:
        return None  # a training set of a few samples: the validation set is fewer still
    # Not one miss, with a validation loss below the training loss or a training set its
    # accuracy's steps show is not small: a set of 30 an honest model may score perfectly at once.
    exact_one = bool(np.all(val_accuracy == 1.0)) and (end_ratio < 1.0 or trained_on is not None)
    if not (exact_zero or exact_one or end_ratio < th.leak_beats_training_ratio):
        return None
    return _trivially_easy(run, float(val_accuracy[0]), float(accuracy[0]), exact_zero, end_ratio)


def _a_head_perfect_from_the_start(run: RunView) -> Finding | None:
    """An output logged under its own name (`out_a_accuracy`, `out_a_loss` and their `val_` twins,
    as Keras logs each output of a model of several) whose validation accuracy is exactly 1 at
    every epoch, at least 3, the first included, while its training accuracy at the first epoch was
    not perfect, and whose validation loss ends below its training loss (`dq_017`: two of three
    heads at 1.0 on about 2,000 samples from the first epoch, their validation losses 0.0001
    against 0.0004): that output's validation is trivially easy, as `_perfect_from_the_start` says
    of a model's one output."""
    th = run.thresholds
    for name in run.curves.values:
        head = name.removesuffix("accuracy").removesuffix("acc")
        if name.startswith("val_") or head in ("", name):
            continue
        twin, loss, val_loss = f"val_{name}", f"{head}loss", f"val_{head}loss"
        if not all(key in run.curves.values for key in (twin, loss, val_loss)):
            continue
        positions, val_accuracy = run.curves.series(twin)
        _, accuracy = run.curves.series(name)
        if len(val_accuracy) < 3 or positions[0] != 0 or not np.all(val_accuracy == 1.0):
            continue
        if not len(accuracy) or accuracy[0] >= th.leak_accuracy:
            continue
        window = min(run.tail, len(val_accuracy))
        ratio = _loss_ratio(run.curves.series(val_loss)[1][-window:], run.curves.series(loss)[1][-window:])
        if not ratio < 1.0:
            continue
        return Finding(
            "suspicious_validation",
            "warning",
            [run.epoch_of(0)],
            {"metric": twin, "val_accuracy": 1.0, "accuracy": float(accuracy[0]), "loss_ratio": ratio},
            _ADVICE,
            f"{twin} is 1 from the first epoch on, when {name} was {format_number(float(accuracy[0]))}, "
            f"and {val_loss} ends at {_share(ratio)} of {loss}: that output's validation is trivially easy.",
        )
    return None


def _given_away(run: RunView, val_accuracy: np.ndarray, accuracy: np.ndarray) -> Finding | None:
    """Both accuracies perfect at the first epoch, on a validation set that is not tiny (its
    accuracy's steps over the run show `leak_min_samples` or more; `do_008`: 1/3333 steps) and a
    training loss already under `FAR_FROM_EXACT` at the first epoch: one pass over the data got
    every one of at least a hundred held-out samples right (`do_008`: thousands), with a loss near
    0, which no honest task allows; the inputs give the target away (or the target is constant)."""
    th = run.thresholds
    positions, _ = run.curves.series(run.accuracy_key)
    if not len(accuracy) or positions[0] != 0:
        return None
    if not (float(val_accuracy[0]) >= th.leak_accuracy and float(accuracy[0]) >= th.leak_accuracy):
        return None  # (NaN fails both)
    samples = estimated_samples(val_accuracy)
    if samples is None or samples < th.leak_min_samples or not float(run.loss[0]) < FAR_FROM_EXACT:
        return None
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(0)],
        {"val_accuracy": float(val_accuracy[0]), "accuracy": float(accuracy[0]), "samples": samples},
        _ADVICE,
        f"{run.any_val_accuracy_key} was {format_number(float(val_accuracy[0]))} and {run.accuracy_key} "
        f"{format_number(float(accuracy[0]))} at the first epoch, on a validation set of at least "
        f"{samples} samples, with loss {format_number(float(run.loss[0]))} after one epoch: every sample "
        "right after one pass over the data, as when the inputs give the target away.",
    )


def _perfect_score_throughout(run: RunView) -> Finding | None:
    """Without a validation loss or accuracy: a validation score (AP, F1, IoU, AUC: any metric not
    known to be better lower) that is exactly 1 at every epoch, the first included, while the
    training loss still fell by more than half: the validation measures nothing (a set too
    easy, leaked samples, or a metric that is broken)."""
    if not still_learning(run):
        return None
    for key in run.curves.values:
        if not key.startswith("val_") or metric_direction(key) == "min" or is_top_k(key):
            continue  # (a top-5 accuracy of five classes or fewer is 1 whatever the model does)
        positions, values = run.curves.series(key)
        if len(values) >= 3 and positions[0] == 0 and bool(np.all(values == 1.0)):
            return Finding(
                "suspicious_validation",
                "warning",
                [run.epoch_of(0)],
                {"metric": key, "value": 1.0},
                _ADVICE + f" Check too that {key} is computed on the predictions (a metric that always "
                "returns 1 measures nothing).",
                f"{key} is exactly 1 at every epoch from the first on, while loss still fell from "
                f"{format_number(float(run.loss[0]))} to {format_number(float(run.loss[-1]))}: the "
                "validation measures nothing.",
            )
    return None


def _trivially_easy(
    run: RunView,
    val_accuracy: float,
    accuracy: float | None,
    exact_zero: bool,
    end_ratio: float = float("nan"),
) -> Finding:
    key, val_key = run.accuracy_key, run.any_val_accuracy_key
    if exact_zero:
        loss_text = "val_loss reaches exactly 0"
    elif np.isfinite(end_ratio) and end_ratio < run.thresholds.leak_beats_training_ratio:
        loss_text = f"val_loss ends at {_share(end_ratio)} of the training loss"
    else:
        loss_text = f"not one validation sample was missed in {run.curves.series(val_key)[1].size} epochs"
    still_learning = (
        f"when {key} was {format_number(accuracy)}"
        if accuracy is not None
        else f"while loss still fell from {format_number(float(run.loss[0]))}"
    )
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(run.val_positions[0]))],
        {"val_accuracy": val_accuracy, "accuracy": accuracy, "val_loss_zero": exact_zero},
        _ADVICE
        + (
            " A loss of exactly 0 means every prediction is exact: check for constant or empty targets."
            if exact_zero
            else ""
        ),
        f"{val_key} is {format_number(val_accuracy)} from the first epoch on, {still_learning}, and "
        f"{loss_text}: validation is trivially easy.",
    )


def _errors_far_fewer(run: RunView) -> bool:
    """Whether validation makes far fewer mistakes than training: at most `leak_error_ratio` of
    the training error rate at the end (True when no accuracy is recorded). Augmentation and
    dropout raise the training error by a factor; leaked samples make validation nearly perfect.
    Not when a metric where lower is better, logged for both sets (`mae`, `val_mae`), ends no
    lower on validation: the losses differ by what the training loss adds (a weight penalty),
    not by how easy the sets are; nor when a validation accuracy (a fraction) logged without a
    training one paired with it ends under `leak_val_accuracy_least`."""
    errors = _error_metric(run)
    if errors is not None and errors[1] >= errors[0]:
        return False  # the same measure on both sets (`mae`), no better on validation: not easier
    gap = metric_gap(run)
    if gap is None and run.any_val_accuracy_key is not None:
        key = run.any_val_accuracy_key
        end = run.end_of(key)
        if end is not None and stats.is_fraction(run.curves.series(key)[1]):
            # No training accuracy paired with it: a set far easier than training is not answered
            # wrongly half of the time.
            return end >= run.thresholds.leak_val_accuracy_least
    if gap is None or _several_outputs(run):
        return True  # no accuracy, or one output's: the loss speaks for all outputs
    _, train_end, val_end = gap
    return 1.0 - val_end <= run.thresholds.leak_error_ratio * (1.0 - train_end)


def _error_metric(run: RunView) -> tuple[float, float] | None:
    """`(training, validation)` end values of a metric where lower is better, logged for both sets
    (`mae` and `val_mae`), not named a loss; None without one."""
    for key in run.curves.values:
        if key.endswith("loss") or metric_direction(key) != "min" or not run.curves.has(f"val_{key}"):
            continue
        train_end, val_end = run.end_of(key), run.end_of(f"val_{key}")
        if train_end is not None and val_end is not None and train_end > 0:
            return train_end, val_end
    return None


def _several_outputs(run: RunView) -> bool:
    """Whether the model has several outputs (Keras logs `<output>_loss` beside `loss`)."""
    return any(key.endswith("_loss") and not key.startswith("val_") for key in run.curves.values)


def _accuracy_no_better(run: RunView) -> bool:
    """Whether the validation accuracy ends no better than the training accuracy (when both are
    recorded): then a far lower validation loss is not validation being easier."""
    gap = metric_gap(run)
    return gap is not None and gap[2] <= gap[1]


def scale_mismatch_note(run: RunView) -> str | None:
    """A note when the validation loss is far below the training loss from the first epoch on
    while the validation accuracy is no better: the two losses are on different scales."""
    th = run.thresholds
    if not run.has_val or run.n < 2 or not _accuracy_no_better(run):
        return None
    ratios = _loss_ratios(run.val_loss, run.loss[run.val_positions])
    if ratios is None or float(np.max(ratios)) >= th.leak_loss_ratio:
        return None
    return (
        f"val_loss is {_share(float(np.median(ratios)))} of loss at every epoch while "
        f"{run.val_accuracy_key} is no better than {run.accuracy_key}: the two losses seem to be on "
        "different scales (a sum over batches against a mean?), which is not read as a leak."
    )


def _share(ratio: float) -> str:
    """`"35%"`, or `"1/70"` when a percentage would round to 0%."""
    return f"{ratio:.0%}" if ratio >= 0.01 else f"1/{1 / ratio:.0f}" if ratio > 0 else "0%"
