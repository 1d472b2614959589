"""`suspicious_validation` from a validation set that measures nothing: a loss of exactly 0 or NaN at
every epoch, a loss copied from the training loss, a loss frozen while the model changed, an AUC
of exactly 0 (a set of one class), an accuracy of exactly 0 beside a model that learned.

Each of these says the validation cannot tell how the model does, whatever its curves look like
(and EarlyStopping or a checkpoint monitoring them is blind); `leakage.py` asks them first, before
validation results that are too good to be true.
"""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.metric_names import is_auc, metric_direction
from fitwell.diagnosis.run import RunView, format_epoch, format_number

__all__ = [
    "FAR_FROM_EXACT",
    "copied_from_training",
    "frozen_finding",
    "frozen_while_training_moved",
    "nan_throughout",
    "never_right",
    "one_class",
    "still_learning",
    "zero_throughout",
]

#: The training accuracy beside which a validation accuracy of exactly 0 at every epoch is no
#: model's honest score (`never_right`).
_NEVER_RIGHT_TRAINING = 0.25


#: A training loss that never got under this is far from exact on its own data (a cross-entropy of
#: 0.1 is about 90% confidence in the right class, on average).
FAR_FROM_EXACT = 0.1


def zero_throughout(run: RunView) -> Finding | None:
    """A validation loss of exactly 0 at every epoch, at least 3, while the training loss fell by
    more than half, or never got under `FAR_FROM_EXACT` (a model that far from exact on its own
    data is not exact on every validation sample: `di_002`, a placeholder 0.0 beside a training
    loss of 0.33 → 0.26), or was exactly 0 at every epoch too: no prediction of a model still
    learning is exact on every sample from its first epoch on; the validation measures nothing (an
    empty set, targets the loader does not give, constant targets, a loss never computed), and
    whatever monitors it (EarlyStopping, checkpoints) is blind."""
    if len(run.val_loss) < 3 or not bool(np.all(run.val_loss == 0.0)):
        return None
    if bool(np.all(run.loss == 0.0)):
        return Finding(
            "suspicious_validation",
            "warning",
            [run.epoch_of(0)],
            {"val_loss": 0.0, "loss": 0.0, "epochs": len(run.val_loss)},
            "Check that the targets are not all one value and that the loss is computed on the model's "
            "outputs; until then neither curve, nor anything monitoring them, says how the model does.",
            f"loss and val_loss are exactly 0 at all {len(run.val_loss)} epochs: no model is exact on "
            "every sample before it trained; the losses measure nothing (constant targets, or a loss "
            "never computed).",
        )
    if not still_learning(run) and float(np.min(run.loss)) < FAR_FROM_EXACT:
        return None
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(0)],
        {"val_loss": 0.0, "epochs": len(run.val_loss)},
        "Check that the validation data holds samples with targets and that its loss is computed on "
        "them; EarlyStopping and ModelCheckpoint monitoring val_loss see nothing until then.",
        f"val_loss is exactly 0 at all {len(run.val_loss)} epochs while loss fell from "
        f"{format_number(float(run.loss[0]))} to {format_number(float(run.loss[-1]))}: the validation "
        "measures nothing.",
    )


def never_right(run: RunView) -> Finding | None:
    """A validation accuracy of exactly 0 at every epoch, at least 3, beside a training accuracy
    that reached `_NEVER_RIGHT_TRAINING`: a model right on a quarter of its training samples is
    not wrong on every validation sample epoch after epoch; the validation labels are not the
    classes the model predicts (`gk_026`: 0 for 15 epochs against 0.82–0.90 in training;
    `gk_062`: against 0.15 → 0.29, while both losses fell). Not when the training accuracy took
    fewer than three values (`dj_005`: 0.2, then 1.0, on five samples) or counts fewer than
    `leak_min_samples` samples (`dq_026`: 4): the validation set of so few is one or two samples,
    which a model gets all wrong often enough."""
    val_key = run.val_accuracy_key
    if val_key is None:
        return None
    positions, scores = run.curves.series(val_key)
    if len(scores) < 3 or not bool(np.all(scores == 0.0)):
        return None
    training = run.curves.series(val_key.removeprefix("val_"))[1]
    training = training[np.isfinite(training)]
    if not len(training) or float(np.max(training)) < _NEVER_RIGHT_TRAINING:
        return None
    samples = stats.exact_sample_count(training)
    if len(np.unique(training)) < 3 or (samples is not None and samples < run.thresholds.leak_min_samples):
        return None
    best = float(np.max(training))
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(positions[0]))],
        {"metric": val_key, "epochs": len(scores), "best_training": best},
        "Check that the validation labels are encoded as the training labels are (the same classes, "
        "the same order, one-hot or not as the loss expects) and that the metric compares them with "
        "the model's predictions; until then the validation accuracy says nothing.",
        f"{val_key} is exactly 0 at all {len(scores)} epochs while {val_key.removeprefix('val_')} "
        f"reached {format_number(best)}: a model right that often on its training data is not wrong "
        "on every validation sample; the validation labels do not match what the model predicts.",
    )


def frozen_while_training_moved(run: RunView) -> int | None:
    """The validation index from which the validation loss held within `not_learning_frozen_val` of
    one level (its last epochs, at least `not_learning_frozen_epochs` and three quarters of them,
    logged finely enough to show such a change) while the training loss fell by
    `not_learning_frozen_drop` or more over the same epochs (to its end level); else None."""
    val_loss, th = run.val_loss, run.thresholds
    count = len(val_loss)
    shortest = max(th.not_learning_frozen_epochs, int(np.ceil(0.75 * count)))
    if count < shortest:
        return None
    start = next(
        (
            k
            for k in range(count - shortest + 1)
            if stats.held_level(val_loss[k:])[1] < th.not_learning_frozen_val
        ),
        None,
    )
    if start is None:
        return None
    finest = min(stats.logged_step(float(value)) for value in val_loss[start:] if value != 0.0)
    if finest > th.not_learning_frozen_val:
        return None  # printed too coarsely to show a change that small (0.42 in hundredths)
    since = float(run.smooth_loss[run.val_positions[start]])
    if not since > 0 or run.end_loss > (1.0 - th.not_learning_frozen_drop) * since:
        return None
    return start


def frozen_finding(run: RunView) -> Finding | None:
    """A validation loss that stopped moving while the training loss fell by half
    (`frozen_while_training_moved`): the model kept changing and its validation loss did not, so
    the validation does not measure this model (a copy taken before training, predictions computed
    once, or labels it never predicts: `fu_008`, 3.979–3.983 for 21 epochs at a validation
    accuracy of 0 while the training loss fell 0.63 → 0.05). A model whose outputs froze
    (`not_learning`) freezes both losses."""
    start = frozen_while_training_moved(run)
    if start is None:
        return None
    held, th = run.val_loss[start:], run.thresholds
    low, high = float(np.min(held)), float(np.max(held))
    level = format_number(low) if low == high else f"{format_number(low)}–{format_number(high)}"
    position, end = int(run.val_positions[start]), run.end_loss
    since = float(run.smooth_loss[position])
    window = f", the median of its last {run.tail} epochs" if run.tail > 1 else ""
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(int(run.val_positions[start]))],
        {"val_loss": float(np.median(held)), "epochs": len(held), "loss_since": since, "loss_end": end},
        "Check that the validation runs the model being trained (not a copy made before fit), that its "
        "predictions are computed anew each epoch, and that its labels are classes the model predicts.",
        f"val_loss held at {level} (within {100 * th.not_learning_frozen_val:g}%) over the last "
        f"{len(held)} epochs it was logged while loss fell (smoothed {format_number(since)} at "
        f"{format_epoch(run.epoch_of(position))} → {format_number(end)}{window}): "
        "the model changed, its validation loss did not; the validation does not measure this model.",
    )


def copied_from_training(run: RunView) -> Finding | None:
    """A validation loss equal to the training loss, value for value, at every epoch (at least 3)
    while the training loss changed: no two sets give the same mean loss to every digit; the
    training loss was copied into the validation column (or the training data evaluated with the
    same batches), and the validation measures nothing. So too a validation loss equal to a
    validation score (`val_acc`, `go_005`): the score was written into the loss's column. Not for
    values printed to two decimals, which two curves can share by rounding."""
    if len(run.val_loss) < 3:
        return None
    copied = _copied_column(run)
    if copied is None:
        return None
    if copied == "loss":
        advice = (
            "Check that the validation loss is computed on held-out data, not copied from the training "
            "loss; EarlyStopping and ModelCheckpoint monitoring val_loss follow the training loss until then."
        )
        seen = "the validation column repeats the training loss and measures nothing."
    else:
        advice = (
            f"Check the code that logs val_loss: it writes {copied} there. EarlyStopping and "
            f"ModelCheckpoint monitoring val_loss follow {copied} (in the wrong direction) until then."
        )
        seen = f"the validation loss's column repeats {copied}, a score, and says nothing of the loss."
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(0)],
        {"epochs": len(run.val_loss), "copied_from": copied},
        advice,
        f"val_loss equals {copied} at all {len(run.val_loss)} epochs it was logged at, value for value: "
        + seen,
    )


def _copied_column(run: RunView) -> str | None:
    """The curve the validation loss repeats value for value at every epoch it was logged at (the
    training loss, else a validation score where higher is better: not a measure a loss may be
    logged under too, `val_mse`), when that curve changed and is not
    printed to two decimals; else None."""
    candidates = ["loss"] + [
        key for key in run.curves.values if key.startswith("val_") and metric_direction(key) == "max"
    ]
    for key in candidates:
        values = run.curves.values[key][run.val_positions]
        if not bool(np.all(run.val_loss == values)) or float(np.max(values)) == float(np.min(values)):
            continue
        if not bool(np.all(np.round(values, 2) == values)):
            return key
    return None


def one_class(run: RunView) -> Finding | None:
    """A validation AUC of exactly 0 at every epoch (at least 3): no model ranks every sample
    exactly backwards epoch after epoch; an AUC is 0 when the set holds no positives (or no
    negatives), so the validation set holds one class, and its loss and accuracy say only how
    that class is scored."""
    for key in run.curves.values:
        if not (key.startswith("val_") and is_auc(key)):
            continue
        _, values = run.curves.series(key)
        if len(values) >= 3 and bool(np.all(values == 0.0)):
            return Finding(
                "suspicious_validation",
                "warning",
                [run.epoch_of(0)],
                {"metric": key, "value": 0.0},
                "Check that the validation data holds samples of every class (a split taken from the "
                "end of sorted data holds one); until then its loss and accuracy say how that one "
                "class is scored, not how the model separates them.",
                f"{key} is exactly 0 at all {len(values)} epochs: an AUC is 0 when the set holds one "
                "class only (or when it was never computed), so the validation measures nothing of the "
                "ranking.",
            )
    return None


def still_learning(run: RunView) -> bool:
    """Whether the training loss fell by more than half after the first epoch (at least 3): the
    model was still learning, so a validation score that never moved measured nothing."""
    return run.n >= 3 and float(np.min(run.loss[1:])) < 0.5 * float(run.loss[0])


def nan_throughout(run: RunView) -> Finding | None:
    """Validation scores logged at every epoch, at least 3, all NaN, and no other validation curve
    (or the validation loss so, whatever else validation gave):
    a set scored at every epoch and never once given a number is empty (or holds one class, or
    lacks the targets its metric needs); the run has no validation at all, while its logs and
    anything monitoring them suggest it has (`dj_006`: `val_dice` and `val_sens` NaN at all 10
    epochs while the training loss fell from 0.66 to 0.29)."""
    values, recorded = run.curves.values, run.curves.recorded
    never = [  # recorded at every epoch, never a number (not: logged every k epochs, or not at all)
        key
        for key in values
        if key.startswith("val_") and bool(recorded[key].all()) and not bool(np.isfinite(values[key]).any())
    ]
    unmeasured = (*never, *run.curves.unmeasured)  # a validation loss NaN throughout is kept, as a loss
    others = [key for key in values if key.startswith("val_") and key not in never]
    scored = [key for key in others if metric_direction(key) is not None]  # not its timings
    if not unmeasured or run.n < 3 or (others and not ("val_loss" in never and scored)):
        return None
    verb = "is" if len(unmeasured) == 1 else "are"
    logged = np.concatenate([values[key] for key in never]) if never else np.array([np.nan])
    what = " or ".join(sorted({"NaN" if np.isnan(value) else "infinite" for value in logged}))
    if scored:  # the set gave numbers to its metrics, never to its loss (`gk_034`)
        advice = (
            "Check the validation loss's inputs: a target outside the model's classes or range, or a "
            "log of 0, makes it NaN; until then anything monitoring val_loss (EarlyStopping, "
            "ReduceLROnPlateau, ModelCheckpoint) sees nothing."
        )
        seen = (
            f"while {', '.join(scored)} gave numbers: on the predictions those scored, the validation "
            "loss never gave one, so it measures nothing."
        )
    else:
        advice = (
            "Check that the validation data holds samples, of every class, with the targets its metrics "
            f"need; until then the run has no validation, and anything monitoring {unmeasured[0]} sees "
            "nothing."
        )
        seen = (
            ": the validation set was scored at every epoch and never gave a number, so it measures "
            "nothing (an empty set, or one of one class)."
        )
    summary = f"{', '.join(unmeasured)} {verb} {what} at all {run.n} epochs"
    return Finding(
        "suspicious_validation",
        "warning",
        [run.epoch_of(0)],
        {"metrics": list(unmeasured), "epochs": run.n},
        advice,
        summary + (" " if scored else "") + seen,
    )
