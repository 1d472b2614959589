"""What a logged score says of whether a model learned: a metric that improved (`improved`), a
chance-corrected score at 0, an AUC at 0.5, a positive never found, every output wrong, and the
scores a constant prediction cannot raise (`score_shows_learning`). `not_learning.py` weighs them
against the loss."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.metric_names import is_auc, is_roc_auc, metric_direction
from fitwell.diagnosis.run import RunView, format_epoch, format_number

__all__ = [
    "chance_corrected_at_zero",
    "every_one_positive",
    "every_output_wrong",
    "improved",
    "never_a_positive",
    "ranks_against_the_labels",
    "ranks_like_a_coin",
    "score_shows_learning",
]


def improved(run: RunView, key: str | None) -> bool:
    """Whether the metric `key` (smoothed, over at least 3 epochs) got better than its first value
    by `metric_improved` (an accuracy-like score), or by that fraction of it (an error)."""
    if key is None or not run.curves.has(key):
        return False
    _, values = run.curves.series(key)
    if len(values) < 3:
        return False
    smooth = stats.median_smooth(values)
    needed = run.thresholds.metric_improved
    if metric_direction(key) == "max":
        return float(np.max(smooth) - smooth[0]) >= needed
    return float(smooth[0] - np.min(smooth)) >= needed * abs(float(smooth[0]))


#: Scores corrected for chance: 0 for a constant or a random prediction, 1 for a perfect one.
_CHANCE_CORRECTED = re.compile(r"^(val_)?(\w+_)?(mcc|matthews\w*|kappa|cohen_?kappa)$")
#: The coefficient of determination: 0 for predicting the targets' mean, 1 for a perfect fit, and
#: unbounded below (worse than the mean); not a loss named after it (`val_loss_r2`).
_R_SQUARED = re.compile(r"^(val_)?(?!\w*(?:loss|mse|mae|err))(\w+_)?(r2|r_2|r_squared?|r2_?score)$")


def chance_corrected_at_zero(run: RunView, needed: int = 4) -> tuple[dict, str] | None:
    """`(evidence, summary)` when a validation Matthews correlation or Cohen's kappa (the training
    one without validation), over at least `needed` epochs, never got, smoothed,
    `not_learning_accuracy_margin` above 0: the predictions are no better than a constant or a
    guess, whatever the loss did (all predicted positive: recall 1, precision the positives'
    share, MCC 0). Not when an AUC shows the ranking learned (the threshold, not the model, then
    puts every prediction on one side)."""
    th = run.thresholds
    if score_shows_learning(run):
        return None
    for name in sorted(run.curves.values, key=lambda name: not name.startswith("val_")):
        if (run.has_val and not name.startswith("val_")) or not _CHANCE_CORRECTED.match(name.lower()):
            continue
        _, values = run.curves.series(name)
        values = values[np.isfinite(values)]
        if len(values) < needed or float(np.max(np.abs(values))) > 100.0:
            continue  # too few epochs, or not a score between -1 and 1 (nor -100 and 100)
        # A score logged in percent; not a perfect one that float32 rounding put at 1.0000001.
        scale = 100.0 if float(np.max(np.abs(values))) > 1.0 + 1e-4 else 1.0
        best = float(np.max(stats.median_smooth(values))) / scale
        if best >= th.not_learning_accuracy_margin:
            continue
        in_percent = " (logged in percent)" if scale > 1 else ""
        summary = (
            f"{name}{in_percent} never got clearly above 0, what a constant or random prediction scores: "
            f"at best {format_number(float(np.max(values)))} (smoothed {format_number(best * scale)}, under "
            f"{format_number(th.not_learning_accuracy_margin * scale)})."
        )
        if best <= -th.not_learning_accuracy_margin:
            summary += (
                " It stayed below 0: the predictions disagree with the labels more often than chance, "
                "which points at labels or classes swapped between training and scoring."
            )
        return {"metric": name, "best": best}, summary
    return _r_squared_at_zero(run, needed) or _balanced_at_one_class(run, needed)


#: The macro-averaged recall, which a balanced accuracy (`_BALANCED_ACCURACY`) is: `1/C` for a
#: model that predicts one class, whichever.
_MEAN_RECALL = re.compile(r"(?:^|_)(?:recall_macro|macro_recall|mean_class_acc(?:uracy)?)$")
#: How close to `1/C` at every epoch a balanced accuracy sits when one class is predicted.
_ONE_CLASS_MARGIN = 0.01
#: The most classes such a value is read against: 1/50 and 1/51 lie 2% apart, beyond that margin.
_MOST_CLASSES_TOLD = 50


def _balanced_at_one_class(run: RunView, needed: int) -> tuple[dict, str] | None:
    """`(evidence, summary)` when a validation balanced accuracy (the training one without
    validation), over at least `needed` epochs, sat within `_ONE_CLASS_MARGIN` (relative) of
    `1/C` at every epoch, C from 2 to 50, while the validation loss never fell
    `not_learning_margin` below its first value or the plain validation accuracy held within 0.001
    (a loss that fell by learning the class frequencies alone): what a model that predicts one class scores,
    whichever the class and however imbalanced the set, while the plain accuracy sits at that
    class's share (`fl_030`: 0.1429–0.1432 = 1/7 over 5 epochs, the validation accuracy at 0.793,
    the validation loss 3.50 → 3.58). A balanced accuracy flat at 0.5 on ten classes beside a
    falling validation loss is a model learning slowly, not one class."""
    for name in sorted(run.curves.values, key=lambda name: not name.startswith("val_")):
        if (run.has_val and not name.startswith("val_")) or not (
            _BALANCED_ACCURACY.search(name.lower()) or _MEAN_RECALL.search(name.lower())
        ):
            continue
        _, values = run.curves.series(name)
        values = values[np.isfinite(values)]
        if len(values) < needed or not stats.is_fraction(values) or float(np.median(values)) <= 0:
            continue
        classes = int(round(1.0 / float(np.median(values))))
        if not 2 <= classes <= _MOST_CLASSES_TOLD:
            continue  # past 50 classes, 1% tells no 1/C from the next
        if not (_validation_loss_never_fell(run) or _plain_accuracy_frozen(run)):
            continue  # a falling loss beside answers that changed: learning, slowly
        if float(np.max(np.abs(values * classes - 1.0))) <= _ONE_CLASS_MARGIN:
            return {"metric": name, "one_class_of": classes}, (
                f"{name} stayed at 1/{classes} ({format_number(1.0 / classes)}) at every epoch, what a "
                f"model that predicts one class scores on {classes} classes: the predictions never "
                "told the classes apart."
            )
    return None


def _plain_accuracy_frozen(run: RunView) -> bool:
    """Whether the validation accuracy moved by at most 0.001 over the run: the answers held, so a
    validation loss that fell learned the class frequencies, not the classes."""
    key = run.val_accuracy_key
    if key is None or not run.curves.has(key):
        return False
    _, values = run.curves.series(key)
    values = values[np.isfinite(values)]
    return len(values) >= 3 and float(np.ptp(values)) <= 0.001


def _r_squared_at_zero(run: RunView, needed: int) -> tuple[dict, str] | None:
    """`(evidence, summary)` when every validation R² (the training ones without validation; one
    per output of a model with several), over at least `needed` epochs, never got, smoothed,
    `not_learning_accuracy_margin` above 0, and was no longer rising over the last third of the
    run (by half that margin over its best before): the predictions were never better than the
    targets' mean (`dg_007`: -0.23 to -0.01 over 10 epochs while both losses sat at the targets'
    variance). An R² climbing from -3 to 0.08 at the end is a model still learning."""
    margin = run.thresholds.not_learning_accuracy_margin
    names = [
        name
        for name in sorted(run.curves.values, key=lambda name: not name.startswith("val_"))
        if _R_SQUARED.match(name.lower()) and (name.startswith("val_") or not run.has_val)
    ]
    found = None
    for name in names:
        _, values = run.curves.series(name)
        values = values[np.isfinite(values)]
        if len(values) < needed or float(np.max(values)) > 1.0 + 1e-4:
            continue  # too few epochs, or not a coefficient of determination (at most 1)
        smooth = stats.median_smooth(values)
        best, late = float(np.max(smooth)), len(values) - max(1, len(values) // 3)
        if best >= margin or float(np.max(smooth[late:])) > float(np.max(smooth[:late])) + margin / 2:
            return None  # one output learned, or the score is still rising
        found = found or (name, values, best)
    if found is not None:
        name, values, best = found
        return {"metric": name, "best": best}, (
            f"{name} never got clearly above 0, what predicting the targets' mean scores: at best "
            f"{format_number(float(np.max(values)))} (smoothed {format_number(best)}, under "
            f"{format_number(margin)})."
        )
    return None


def _aucs(
    run: RunView, needed: int, named: Callable[[str], bool]
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """`(name, positions, values)` of each AUC `named` so (validation ones first) that is a score
    between 0 and 1 over at least `needed` epochs, and not exactly 0 throughout (a set of one
    class, not a ranking: `blind_validation.one_class`)."""
    for name in sorted(run.curves.values, key=lambda name: not name.startswith("val_")):
        if not named(name):
            continue
        positions, values = run.curves.series(name)
        if len(values) >= needed and stats.is_fraction(values) and not bool(np.all(values == 0.0)):
            yield name, positions, values


def _best_epoch_text(run: RunView, positions: np.ndarray, values: np.ndarray) -> str:
    """`"0.1925 (epoch 4)"`: a score's best value as logged, and its epoch."""
    top = int(np.argmax(values))
    return f"{format_number(float(values[top]))} ({format_epoch(run.epoch_of(int(positions[top])))})"


def ranks_like_a_coin(run: RunView, needed: int) -> tuple[dict, str] | None:
    """`(evidence, summary)` when an AUC (over at least `needed` epochs) stayed within
    `not_learning_auc_margin` of 0.5 at every epoch, or a validation ROC AUC never got, smoothed,
    `not_learning_accuracy_margin` above 0.5 (the margin by which `_score_shows_learning` counts
    an AUC as learning): the model ranks its samples no better, or hardly better, than a coin,
    whatever the loss did. A precision-recall AUC's chance level is the positives' share, so only
    a ROC AUC counts for the second."""
    th = run.thresholds
    for name, positions, values in _aucs(run, needed, is_auc):
        if float(np.max(np.abs(values - 0.5))) <= th.not_learning_auc_margin:
            return (
                {"metric": name, "constant_value": 0.5},
                f"{name} stayed at 0.5 (between {format_number(float(np.min(values)))} and "
                f"{format_number(float(np.max(values)))}): the model ranks no better than a coin.",
            )
        best, needed_best = float(np.max(stats.median_smooth(values))), 0.5 + th.not_learning_accuracy_margin
        if name.startswith("val_") and is_roc_auc(name) and best < needed_best:
            return (
                {"metric": name, "best": best},
                f"{name} never got clearly above chance: at best {_best_epoch_text(run, positions, values)}, "
                f"smoothed {format_number(best)}, under {format_number(needed_best)}: the model ranks the "
                "validation samples hardly better than a coin.",
            )
    return None


def ranks_against_the_labels(run: RunView, needed: int = 4) -> tuple[dict, str] | None:
    """`(evidence, summary)` when a validation ROC AUC (the one logged without validation), over at
    least `needed` epochs, stayed, smoothed, `not_learning_accuracy_margin` below 0.5 at its best
    and did not rise (the median of its last third no higher than of its first third), while no
    other ROC AUC of that set got as far above 0.5: the model ranks the negatives above the
    positives more often than a coin would, whatever the loss did (`eo_003`: 0.0 to 0.19 for 20
    epochs while the training loss fell 96%). A model that learned nothing ranks near 0.5; one that
    learned the task backwards points at labels or scores swapped between training and scoring
    (the other class's column, `1 - p`). Not beside an accuracy at a good value (`good_accuracy`):
    next to 0.999 right, an AUC of 0.0001 is the metric given the other class's column
    (`do_011`); nor for a second AUC beside one that shows learning, nor for one rising from 0.09
    to 0.33: Keras names an `AUC(curve="PR")` `auc` or `auc_1` as it names a ROC AUC, and a
    precision-recall AUC sits near the positives' share."""
    th = run.thresholds
    accuracies = (run.end_of(key) for key in (run.val_accuracy_key, run.accuracy_key) if key)
    if any(level is not None and level >= th.good_accuracy for level in accuracies):
        return None
    margin = th.not_learning_accuracy_margin
    aucs = [
        (name, positions, values)
        for name, positions, values in _aucs(run, needed, is_roc_auc)
        if name.startswith("val_") or not run.has_val
    ]
    if any(float(np.max(stats.median_smooth(values))) > 0.5 + margin for _, _, values in aucs):
        return None  # another ROC AUC of the set shows learning: the low one is no ROC AUC
    for name, positions, values in aucs:
        best, third = float(np.max(stats.median_smooth(values))), max(1, len(values) // 3)
        rose = float(np.median(values[-third:])) > float(np.median(values[:third])) + margin
        if best < 0.5 - margin and not rose:
            return (
                {"metric": name, "best": best, "against_the_labels": True},
                f"{name} stayed below what a coin scores at every epoch: at best "
                f"{_best_epoch_text(run, positions, values)}, smoothed {format_number(best)}, under "
                f"{format_number(0.5 - margin)}. The model ranks the samples against their labels: labels "
                "or scores are swapped between training and scoring (the other class's probability, "
                "`1 - p`).",
            )
    return None


# Scores of the positive class's hits: 0 at every epoch means not one positive was found.
_POSITIVE_HIT_SCORE = re.compile(
    r"^(val_)?(mean_?)?(iou|miou|jaccard|dice|dice_coef|f1|f1_score|recall)(_.*)?$"
)


#: A score this small is 0 under the epsilon a hand-written metric adds to its division
#: (`tp / (tp + fn + K.epsilon())` is 7.8e-12, not 0, when no positive was found: `dq_028`).
_SMOOTHED_ZERO = 1e-6


def never_a_positive(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when a validation recall, F1, IoU or Dice score (the training one
    without validation) was exactly 0 at every epoch, at least 4: the model did not find one
    positive (one class, or the background, predicted throughout), whatever the loss did: a loss
    can keep falling by growing surer of the majority class. A score under `_SMOOTHED_ZERO` is 0
    (a hand-written metric's epsilon). The score is read by its name (`val_recall`, `val_iou`,
    `val_dice_coef`, `val_f1_score`, ...), not by a name that only contains it
    (`pct_fg_iou_lt_0_05`). Not while the validation accuracy improved: Keras's `Recall()` on a
    softmax counts only outputs above 0.5, which a learning model of many classes may not reach."""
    if improved(run, run.any_val_accuracy_key if run.has_val else run.accuracy_key):
        return None
    for name in sorted(run.curves.values, key=lambda name: not name.startswith("val_")):
        if (run.has_val and not name.startswith("val_")) or not _POSITIVE_HIT_SCORE.match(name.lower()):
            continue
        _, values = run.curves.series(name)
        if len(values) >= 4 and np.all(np.abs(values) < _SMOOTHED_ZERO):
            return (
                {"metric": name, "constant_value": 0.0},
                f"{name} was 0{_within_epsilon(values)} at each of its {len(values)} epochs: the model "
                "never found a positive (one class, or the background, predicted throughout), or the "
                "metric was never computed.",
            )
    return None


def every_one_positive(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when a validation recall was exactly 1 at every epoch from one on to
    the last, at least 4 and three quarters of the run, beside a validation precision at one value
    below 1 at each of them (the positives' share of the set), while the validation accuracy did
    not improve: the model called every validation sample positive, epoch after epoch (`gk_111`:
    recall 1.0, precision and accuracy 0.5 at all five epochs on a balanced set, while the
    training accuracy sat at its majority class's share; `gm_050`: so from its second epoch of
    12, the balanced accuracy at 0.5)."""
    if not run.has_val or improved(run, run.any_val_accuracy_key):
        return None
    series = {name.lower(): name for name in run.curves.values if name.startswith("val_")}
    recall, precision = series.get("val_recall"), series.get("val_precision")
    if recall is None or precision is None:
        return None
    recalls, precisions = run.curves.series(recall)[1], run.curves.series(precision)[1]
    if len(precisions) != len(recalls) or not len(recalls) or not precisions[-1] < 1.0:
        return None
    start = len(recalls)
    while start and recalls[start - 1] == 1.0 and precisions[start - 1] == precisions[-1]:
        start -= 1
    epochs = len(recalls) - start
    if epochs < 4 or 4 * epochs < 3 * len(recalls):
        return None
    if start and _fell_over(run, start):
        return None  # the validation loss still fell over the held stretch: the model learned
    share = float(precisions[-1])
    at, since = ("each of its", "throughout") if start == 0 else ("each of its last", "since")
    return (
        {"metric": recall, "constant_value": 1.0, "positives_share": share},
        f"{recall} was 1 and {precision} {format_number(share)} at {at} {epochs} epochs: the "
        f"model called every validation sample positive ({format_number(share)} is the positives' share "
        f"of the set), one class predicted {since}.",
    )


def _fell_over(run: RunView, start: int) -> bool:
    """Whether the validation loss, from the `start`-th validation epoch to the last, ended
    `not_learning_margin` (5%) or more below where it stood."""
    values = run.val_loss
    if start >= len(values) or float(values[start]) <= 0:
        return False
    return stats.relative_drop(float(values[start]), float(values[-1])) >= run.thresholds.not_learning_margin


def _within_epsilon(values: np.ndarray) -> str:
    """`""` for scores of exactly 0, else `" (to within a metric's epsilon)"`."""
    return " (to within a metric's epsilon)" if np.any(values) else ""


#: Error rates of a sequence's units (characters, words, phonemes, tokens): 1 when no unit is right.
_UNIT_ERROR_RATE = re.compile(r"^(val_)?(cer|wer|per|ter|char_error_rate|word_error_rate)$")


def every_output_wrong(run: RunView, needed: int = 4) -> tuple[dict, str] | None:
    """`(evidence, summary)` when every character or word error rate of a set (the validation
    set's when one is logged, else the training set's) was at least 100% at every epoch, at least
    `needed` (over 100% with insertions: `dc_016`'s character error rate 2.64 → 1.0 beside a word
    error rate at 1.0 throughout): no unit of any output was ever right (a recognizer that emits
    only blanks, or as much noise as there is text), whatever
    the loss did: a CTC loss falls a long way while the model learns to predict the blank
    everywhere. A word error rate at 100% beside a character error rate that fell is a model that
    emits no spaces yet, learning. Beats a crawl, as a Matthews correlation at 0 does."""
    rates = [name for name in run.curves.values if _UNIT_ERROR_RATE.match(name.lower())]
    if run.has_val or any(name.startswith("val_") for name in rates):
        rates = [name for name in rates if name.startswith("val_")]
    series = [run.curves.series(name)[1] for name in rates]
    if not rates or any(len(values) < needed for values in series):
        return None
    if not all(_never_under_all_wrong(values) for values in series):
        return None
    name, values = rates[0], series[0]
    best = float(np.min(values))
    if np.all(values == values[0]):
        evidence, seen = {"constant_value": best}, f"was {_as_rate(best)} (every unit wrong) at each of its"
    else:
        evidence = {"best_value": best}
        moved = f"{_as_rate(float(values[0]))} → {_as_rate(float(values[-1]))}"
        seen = f"never went under 100% (every unit wrong; {moved}) in its"
    return (
        {"metric": name, **evidence},
        f"{name} {seen} {len(values)} epochs: no output was ever right, however far the loss fell.",
    )


def _never_under_all_wrong(values: np.ndarray) -> bool:
    """Whether an error rate was at best exactly 100%: 1.0 as a fraction, or 100 in percent (a rate
    above 10 at some epoch is in percent); a rate over 100% counts insertions on top of every
    unit wrong. A rate whose best is anything else (3.9 in percent, 1.0 in percent after 60, a
    count of errors) says nothing of the kind."""
    return float(np.min(values)) == (100.0 if float(np.max(values)) > 10 else 1.0)


def _as_rate(value: float) -> str:
    return f"{value:g}%" if value > 10 else f"{value:.0%}"


_BALANCED_ACCURACY = re.compile(r"(?:^|_)bal(?:anced)?_?acc")


def _learning_bar(run: RunView, key: str) -> float | None:
    """The smoothed best at which `key` shows learning (`score_shows_learning`), or None when it is
    no such score: chance plus `not_learning_accuracy_margin` for an AUC or a balanced accuracy
    (`1/C` for the latter when the class count is given, else 0.5), 0.5 for an overlap score."""
    name, margin = key.lower(), run.thresholds.not_learning_accuracy_margin
    classes = run.context.num_classes
    if _BALANCED_ACCURACY.search(name) and classes is not None and classes > 2:
        return 1.0 / classes + margin
    if is_auc(key) or _BALANCED_ACCURACY.search(name):
        return 0.5 + margin
    if any(word in name for word in ("map", "iou", "dice")):
        return 0.5
    return None


def _validation_loss_never_fell(run: RunView) -> bool:
    if not run.has_val:
        return True
    lowest = float(np.nanmin(run.val_loss))
    return stats.relative_drop(float(run.val_loss[0]), lowest) < run.thresholds.not_learning_margin


def score_shows_learning(run: RunView, *, validation_only: bool = False) -> bool:
    """Whether a score that a constant prediction cannot raise shows the model learned from its
    inputs: an AUC (ranking) or a balanced accuracy (a constant prediction scores `1/C`, at most
    0.5, however imbalanced the classes) whose smoothed best is `not_learning_accuracy_margin` above
    0.5, or an overlap score (mAP, IoU, Dice) whose smoothed best is at least 0.5, whatever level
    the loss sits at (a weighted multi-label cross-entropy above `ln 2` at a validation AUC of 0.71;
    a detector resumed for fine-tuning, flat from its first epoch at a mAP of 0.86; a binary
    classifier flat from its second epoch at a balanced accuracy of 0.80). Where such a score is
    logged for validation (or `validation_only`, asked of a frozen validation accuracy), only the
    validation ones count: a training AUC that rose says nothing of a validation accuracy frozen at
    the majority class; asked so, where the validation loss never fell `not_learning_margin` below
    its first value, the score must also end there (the median of its end window): a ranking a
    little better than a coin's in the first epochs, back at chance while the accuracy never
    moved, learned nothing that lasted (`fd_004`: a validation AUC from 0.61 to 0.52 beside an
    accuracy at 0.749 in all 100 epochs and a validation loss that only rose); one that rose with a
    falling validation loss, then fell back as it overfit, did learn."""
    keys = list(run.curves.values)
    if validation_only or any(key.startswith("val_") and _learning_bar(run, key) is not None for key in keys):
        keys = [key for key in keys if key.startswith("val_")]  # the validation scores say it
    for key in keys:
        needed = _learning_bar(run, key)
        if needed is None:
            continue
        _, values = run.curves.series(key)
        if len(values) and float(np.min(values)) >= 0.0:  # a score in [0, 1], not a loss named so
            if needed <= float(np.max(stats.median_smooth(values))) <= 1.0:
                if not (validation_only and _validation_loss_never_fell(run)) or run.end_of(key) >= needed:
                    return True
    return False
