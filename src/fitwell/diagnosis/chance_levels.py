"""Whether a run sits at a guess's level: the cross-entropy of a uniform guess over C classes
(`ln C`) with no loss declared, or a uniform guess's accuracy (`1/C`) on balanced classes, and
whether the names say regression, where neither level means anything. `not_learning` asks these."""

from __future__ import annotations

import re

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.learning_scores import score_shows_learning
from fitwell.diagnosis.run import RunView, format_number

__all__ = [
    "accuracy_at_chance",
    "accuracy_rose_above_chance",
    "at_a_coins_loss",
    "guessing_on_both_sides",
    "named_a_regression",
    "swing_around_chance",
    "training_at_chance",
    "validation_at_a_uniform_guess",
]


#: The class counts whose uniform guess (`ln C`) marks a loss of no declared kind as a cross-entropy
#: at chance: above 4 classes, the values within `not_learning_margin` of some `ln C` cover nearly
#: every value from 1.0 to 2.4, which says nothing.
_GUESSED_CLASS_COUNTS = (2, 3, 4)


def at_a_coins_loss(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when no loss was declared, and the training loss and the validation
    loss stayed within `not_learning_margin` of `ln C` (C of 2 to 4; 0.693 for two classes) at
    every epoch, at least 5: the cross-entropy of a uniform guess, which a run that learned leaves
    (a binary classifier at 0.67–0.71 for 41 epochs, `cj_019`). Not when the names say regression
    (a loss read from `train_mse`, a `val_mae` beside it), another class count was given, a score
    shows learning, or an accuracy rose beyond the guessed chance (`_accuracy_beyond_chance`)."""
    context = run.context
    if context.loss_name is not None or run.reference or score_shows_learning(run) or run.n < 5:
        return None
    if named_a_regression(run):
        return None
    # Smoothed (a running median of 3): a batch's luck moves one epoch's mean of a small set off a
    # guess's level and back (`fy_029`: 0.64–0.76 about ln 2 while the validation loss sat at it).
    curves = [run.smooth_loss, run.smooth_val_loss] if run.has_val else [run.smooth_loss]
    values = np.concatenate([curve[np.isfinite(curve)] for curve in curves])
    margin = run.thresholds.not_learning_margin
    for classes in _GUESSED_CLASS_COUNTS:
        chance = float(np.log(classes))
        if context.num_classes not in (None, classes) or _accuracy_beyond_chance(run, 1.0 / classes):
            continue
        throughout = len(values) and bool(np.all(np.abs(values / chance - 1.0) < margin))
        if throughout or _settled_at(run, chance):
            names = " and ".join(["loss", "val_loss"][: len(curves)])
            where = (
                f"stayed within {100 * margin:g}% of {chance:.4f} at every epoch"
                if throughout
                else f"settled within {100 * _SETTLED_MARGIN:g}% of {chance:.4f} over the last "
                f"{max(_SETTLED_EPOCHS, run.n // 4)} epochs"
            )
            return (
                {"curve": "loss", "chance_loss": chance, "guessed_classes": classes},
                f"{names} {where}: ln {classes}, the "
                f"cross-entropy of a uniform guess over {classes} classes (no loss was declared; pass loss= "
                "and num_classes= to judge against the labels' own baseline).",
            )
    return None


def _settled_at(run: RunView, chance: float) -> bool:
    """Whether the training loss (and the validation loss, when logged) ended within
    `_SETTLED_MARGIN` of `chance` at each of its last `_SETTLED_EPOCHS` epochs, at least, and a
    quarter of the run: fallen from a higher start onto a uniform guess's cross-entropy and held
    there (`fi_019`: 3.35 → 0.745 in four epochs, then 0.6935–0.6940 against ln 2 = 0.6931)."""
    window = max(_SETTLED_EPOCHS, run.n // 4)
    curves = [run.loss, run.val_loss] if run.has_val else [run.loss]
    if run.n < 2 * _SETTLED_EPOCHS:
        return False
    return all(
        len(curve) >= window and bool(np.all(np.abs(curve[-window:] / chance - 1.0) < _SETTLED_MARGIN))
        for curve in curves
    )


#: A loss that settled on a uniform guess's: within 0.5% of `ln C` over its last 4 epochs or more.
_SETTLED_MARGIN = 0.005
_SETTLED_EPOCHS = 4


def validation_at_a_uniform_guess(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when neither a loss nor a class count was declared, and the validation
    side shows a uniform guess over C classes twice over, C read from the loss (the whole number
    nearest `exp` of the median validation loss): the validation loss within `not_learning_margin`
    of `ln C` at every epoch it was recorded (at least 5), and the validation accuracy near `1/C`
    (its median between 0.8 and 1.25 × `1/C`, or at least 0.8 × it when the training side sits
    at the same guess, `_training_at_the_guess`: a guess leaning to the larger classes, agreed on
    by both sets, `fs_012`; its smoothed best under `1/C` + `not_learning_accuracy_margin` and
    under twice it). Two measures that agree on the same C are
    not a coincidence: the model's outputs on unseen data are a guess, whatever the training side
    memorized (20 classes: `val_loss` 3.01–3.07 for 70 epochs, ln 20 = 3.00, `val_accuracy`
    0.025–0.065, while the training accuracy crept to 0.16, `cx_012`). Not when the names say
    regression (a regression's metric logged, or its error read as the loss), a score shows
    learning, or the loss is too high for a guess over at most `_MOST_GUESSED_CLASSES` classes."""
    key = run.any_val_accuracy_key  # also without a training accuracy beside it (`fy_022`)
    if not _judged_against_a_guess(run, declared=_OVER_CLASSES) or key is None:
        return None
    val_loss = run.val_loss[np.isfinite(run.val_loss)]
    accuracy = _accuracy(run, key)
    if len(val_loss) < 5 or accuracy is None:
        return None
    median = float(np.median(val_loss))
    if not 0.0 < median <= np.log(_MOST_GUESSED_CLASSES):
        return None
    classes = int(round(float(np.exp(median))))
    if classes < 2:
        return None
    chance_loss, chance = float(np.log(classes)), 1.0 / classes
    th = run.thresholds
    if not bool(np.all(np.abs(val_loss / chance_loss - 1.0) < th.not_learning_margin)):
        return None
    if not _near_a_guess(
        run, accuracy, chance, noisy=True, above=_training_at_the_guess(run, chance_loss, chance)
    ):
        return None
    return (
        {"curve": "val_loss", "chance_loss": chance_loss, "guessed_classes": classes},
        f"val_loss stayed within {100 * th.not_learning_margin:g}% of {format_number(chance_loss)} "
        f"(ln {classes}) at every epoch it was logged and {key} near "
        f"{format_number(chance)} (1/{classes}): both a uniform guess over about {classes} classes "
        f"({_undeclared(run)} to judge against the labels' own baseline).",
    )


def guessing_on_both_sides(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when neither a loss nor a class count was declared, and every logged
    accuracy (training and validation, each a fraction over at least 5 epochs) sat at a uniform
    guess over C classes (C of 2 to 4, read from their median: between 0.8 and 1.25 × `1/C`, the
    smoothed best under `1/C` + `not_learning_accuracy_margin`), while the lower of the two losses'
    smoothed minima stayed between `1 - not_learning_margin` and `1 + 2 × not_learning_margin` ×
    `ln C`: a binary classifier at 0.44–0.61 accuracy in both sets whose losses never went under
    ln 2 (`ea_011`). Below that band the model learned something; far above it, the loss is of a
    task with more classes than C (accuracies near 1/2 on many classes are no coin). Not when the
    names say regression, or a score shows learning."""
    if not _judged_against_a_guess(run) or run.accuracy_key is None or run.val_accuracy_key is None:
        return None
    accuracies = [_accuracy(run, key) for key in (run.accuracy_key, run.val_accuracy_key)]
    if any(values is None for values in accuracies):
        return None
    median = float(np.median(np.concatenate(accuracies)))
    if median <= 0:
        return None
    classes = int(round(1.0 / median))
    if classes not in _GUESSED_CLASS_COUNTS:
        return None
    chance, chance_loss = 1.0 / classes, float(np.log(classes))
    if not all(_near_a_guess(run, values, chance) for values in accuracies):
        return None
    th = run.thresholds
    lowest = min(float(np.min(run.smooth_loss)), float(np.min(run.smooth_val_loss)))
    if (
        not (1.0 - th.not_learning_margin) * chance_loss
        <= lowest
        <= (1.0 + 2 * th.not_learning_margin) * chance_loss
    ):
        return None  # learned something; or a loss far above `ln C`, of more classes than C
    return (
        {"curve": "val_loss", "chance_loss": chance_loss, "guessed_classes": classes},
        f"{run.accuracy_key} and {run.val_accuracy_key} stayed near {format_number(chance)} (1/{classes}) "
        f"and neither loss got below {format_number(chance_loss)} (ln {classes}): a uniform guess over "
        f"{classes} classes on both sets ({_undeclared(run)} to judge against the labels' own baseline).",
    )


def _judged_against_a_guess(run: RunView, *, declared: tuple[str, ...] = ()) -> bool:
    """Whether a run may be judged against a uniform guess guessed from its own numbers: no class
    count or baseline declared, and no loss or one of the `declared` (a cross-entropy over classes,
    whose uniform guess is `ln C`: only C is unknown, `fy_022`), a validation set, at least 5
    epochs, no regression named and no score that shows learning."""
    context = run.context
    if context.loss_name not in (None, *declared) or context.num_classes is not None or run.reference:
        return False
    if not run.has_val or run.n < 5:
        return False
    return not named_a_regression(run) and not score_shows_learning(run)


#: The declared losses whose uniform guess over C classes is `ln C`, C not declared with them.
_OVER_CLASSES = ("categorical_crossentropy", "sparse_categorical_crossentropy")


def _undeclared(run: RunView) -> str:
    """What the user did not declare, and may pass, in a guess's message."""
    if run.context.loss_name is None:
        return "no loss or class count was declared; pass loss= and num_classes="
    return "no class count was declared; pass num_classes="


def _accuracy(run: RunView, key: str) -> np.ndarray | None:
    """An accuracy's recorded values, when they are at least 5 fractions."""
    _, values = run.curves.series(key)
    values = values[np.isfinite(values)]
    return values if len(values) >= 5 and stats.is_fraction(values) else None


#: How far an accuracy's median may sit from a uniform guess's `1/C` and still be that guess's.
_NEAR_CHANCE = (0.8, 1.25)


def _training_at_the_guess(run: RunView, chance_loss: float, chance: float) -> bool:
    """Whether the training side sits at the same guess: its loss never `not_learning_margin` below
    `chance_loss` (smoothed) and ending within it (an untrained model starts above it and falls
    onto it), and its accuracy (when logged) never above `1/C` + `not_learning_accuracy_margin`,
    smoothed."""
    margin = run.thresholds.not_learning_margin
    if float(np.min(run.smooth_loss)) < (1.0 - margin) * chance_loss:
        return False
    if abs(run.end_loss / chance_loss - 1.0) >= margin:
        return False
    accuracy = None if run.accuracy_key is None else _accuracy(run, run.accuracy_key)
    rise = run.thresholds.not_learning_accuracy_margin
    return accuracy is None or float(np.max(stats.median_smooth(accuracy))) < chance + rise


def _near_a_guess(
    run: RunView, accuracy: np.ndarray, chance: float, *, noisy: bool = False, above: bool = False
) -> bool:
    """Whether an accuracy sits at a uniform guess's `chance`: its median within `_NEAR_CHANCE` of it
    (with `above`, anywhere above its lower end), its smoothed best under `chance` +
    `not_learning_accuracy_margin` (and under twice it); when `noisy` (a validation set, often a few dozen
    samples), + two standard errors of a guess's accuracy on the set's size when more, the size counted by
    `stats.exact_sample_count` (not an accuracy printed to two decimals: its steps count no samples)
    (`fk_028`: 0.41–0.68 on 22 images, a binary guess's spread, beside losses at ln 2; measured on every
    stored run: +2, none lost)."""
    low, high = _NEAR_CHANCE
    margin = run.thresholds.not_learning_accuracy_margin
    samples = stats.exact_sample_count(accuracy) if noisy else None
    if samples is not None and not stats.printed_to_two_decimals(accuracy):
        # A guess's accuracy on a few samples strays by its sampling noise.
        margin = max(margin, 2.0 * float(np.sqrt(chance * (1.0 - chance) / samples)))
    needed = min(chance + margin, 2 * chance)
    median = float(np.median(accuracy))
    return (
        low * chance <= median
        and (above or median <= high * chance)
        and float(np.max(stats.median_smooth(accuracy))) < needed
    )


#: The most classes a validation loss is read as a uniform guess over (`ln 1000` = 6.9): above it,
#: a loss is more likely a regression's error on its own scale.
_MOST_GUESSED_CLASSES = 1000


def named_a_regression(run: RunView) -> bool:
    """Whether the names say the run is a regression: a regression's metric logged (`val_mae`), or
    its error read as the loss (`train_mse`, with the reader's note): a loss near `ln C` is then an
    error on its own scale, not a cross-entropy at chance."""
    if any("named for what a loss measures" in note for note in run.curves.notes):
        return True
    return any(_REGRESSION_METRIC.fullmatch(key.removeprefix("val_")) for key in run.curves.values)


#: Metrics of a regression: beside them, a loss near 0.69 is an error, not a cross-entropy.
_REGRESSION_METRIC = re.compile(r"mse|mae|rmse|mape|r2|l1|mean_(?:squared|absolute)_error")


def _accuracy_beyond_chance(run: RunView, chance: float) -> bool:
    """Whether a logged accuracy (training or validation) rose, smoothed, `not_learning_accuracy_margin`
    above `chance` by more than its set's sampling noise (`not_learning_accuracy_noise` standard
    errors where its steps count its samples): the model told the classes apart."""
    th = run.thresholds
    for key in filter(None, {run.accuracy_key, run.any_val_accuracy_key}):
        _, values = run.curves.series(key)
        values = values[np.isfinite(values)]
        if not len(values) or not stats.is_fraction(values):
            continue
        best = float(np.max(stats.median_smooth(values)))
        samples = stats.exact_sample_count(values)
        if samples is not None and not stats.printed_to_two_decimals(values):
            noise = th.not_learning_accuracy_noise * float(np.sqrt(chance * (1.0 - chance) / samples))
        else:
            noise = 0.0
        if best >= chance + max(th.not_learning_accuracy_margin, noise):
            return True
    return False


def _balanced_chance(run: RunView) -> bool:
    """Whether a uniform guess (`1/C`) is what comes for free: a chance level is known and the
    classes are balanced (no baseline, or one at least `balanced_baseline` × `ln C`); on
    imbalanced classes the majority's share is. A class count without a cross-entropy (no loss
    given) has no `ln C` to weigh a baseline against: balanced only without one."""
    context = run.context
    if context.chance_accuracy is None:
        return False
    if context.chance_loss is None:
        return context.baseline is None
    balanced = run.thresholds.balanced_baseline * context.chance_loss
    return context.baseline is None or context.baseline >= balanced


def accuracy_rose_above_chance(run: RunView) -> bool:
    """Whether the validation accuracy (training accuracy without validation), smoothed, rose
    `not_learning_accuracy_margin` above a uniform guess at its best, on classes that are
    balanced (no baseline, or one near `ln C`): on imbalanced classes the majority share, not
    `1/C`, is what a model learns for free. An accuracy with one value at every epoch (at least 4)
    never rose: it is the share of the one class predicted throughout, whatever the training
    accuracy did."""
    context = run.context
    key = run.val_accuracy_key if run.has_val else run.accuracy_key
    if key is None or not _balanced_chance(run):
        return False
    _, accuracy = run.curves.series(key)
    if len(accuracy) >= 4 and float(np.ptp(accuracy)) <= 1e-6:
        return False  # one value at every epoch: the predictions never changed class
    best = float(np.max(stats.median_smooth(accuracy)))
    return best >= context.chance_accuracy + run.thresholds.not_learning_accuracy_margin


def swing_around_chance(run: RunView) -> str:
    """What a validation accuracy that rose above chance beside a training side at chance
    (`training_at_chance`) shows, said after a loss stuck at the reference."""
    best = float(np.max(stats.median_smooth(run.curves.series(run.val_accuracy_key)[1])))
    training = float(np.max(stats.median_smooth(run.curves.series(run.accuracy_key)[1])))
    return (
        f" {run.val_accuracy_key} reached smoothed {format_number(best)}, but {run.accuracy_key} never got "
        f"clearly above chance (at best smoothed {format_number(training)}) and the training loss stayed "
        "at it: a small set's swings around chance, not learning."
    )


def training_at_chance(run: RunView) -> bool:
    """Whether the training side learned nothing: a training accuracy (a fraction, over at least 4
    epochs) whose smoothed best never rose `not_learning_accuracy_margin` above a uniform guess (nor
    to twice it), beside a training loss whose smoothed best never got `not_learning_margin` below
    the reference. A model whose outputs stay that close to a uniform guess on the data it trains on
    makes no confident mistakes elsewhere: a validation accuracy that peaked above `1/C` is then
    the swing of a small set around chance (4 classes: training 0.24–0.30 at 0.99 × ln 4,
    validation 0.18–0.38). Not when the validation accuracy ends clearly above chance (the median
    of its last quarter, at least 3 epochs, `not_learning_accuracy_margin` above `1/C`): that is a
    level, not a peak, and a model held at chance in training by mixup or dropout learns so."""
    context, th, reference = run.context, run.thresholds, run.reference
    if run.accuracy_key is None or context.chance_accuracy is None or not reference:
        return False
    _, accuracy = run.curves.series(run.accuracy_key)
    accuracy = accuracy[np.isfinite(accuracy)]
    if len(accuracy) < 4 or not stats.is_fraction(accuracy):
        return False
    needed = min(context.chance_accuracy + th.not_learning_accuracy_margin, 2 * context.chance_accuracy)
    if float(np.max(stats.median_smooth(accuracy))) >= needed:
        return False
    if run.val_accuracy_key:
        _, val = run.curves.series(run.val_accuracy_key)
        val = val[np.isfinite(val)]
        if (
            len(val)
            and float(np.median(val[-max(3, len(val) // 4) :]))
            >= context.chance_accuracy + th.not_learning_accuracy_margin
        ):
            return False  # validation ends clearly above chance: a level, not a peak
    return float(np.min(run.smooth_loss)) >= (1.0 - th.not_learning_margin) * reference


def accuracy_at_chance(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when, with a chance level known on balanced classes (no baseline, or
    one near `ln C`; a class count alone, without a loss, is enough), neither the training nor the
    validation accuracy (each logged one over at least 4 epochs) rose, smoothed,
    `not_learning_accuracy_margin` above a uniform guess (`1/C`), at a level not known to be good:
    a loss can edge below `ln C` by learning the class frequencies alone (7 classes: loss 1.99 →
    1.83, ln 7 = 1.95, accuracy 0.15 → 0.20). An accuracy whose
    steps count its samples (`stats.exact_sample_count`) must also rise more than
    `not_learning_accuracy_noise` standard errors of an accuracy at chance on that many: on 30
    images of two classes, 18 right (0.6) is 1.1 standard errors above a coin. Not when an AUC or
    an overlap score shows learning (`_score_shows_learning`). The converse of
    `accuracy_rose_above_chance`."""
    context, th = run.context, run.thresholds
    if not _balanced_chance(run) or run.level_is_poor is False:
        return None
    keys = sorted({key for key in (run.accuracy_key, run.any_val_accuracy_key) if key is not None})
    if not keys or score_shows_learning(run):
        return None  # an AUC clearly above 0.5 shows a ranking learned, whatever the accuracy
    chance = context.chance_accuracy
    # 0.1 above a guess, and no more than twice it (1/100: 0.09 is nine times chance, learning).
    needed = min(chance + th.not_learning_accuracy_margin, 2 * chance)
    bests, noisy = [], []
    for key in keys:
        _, values = run.curves.series(key)
        values = values[np.isfinite(values)]
        if len(values) < 4 or not stats.is_fraction(values):
            return None
        best = float(np.max(stats.median_smooth(values)))
        if best >= needed:
            # On a set so small that its steps count its samples, a rise within its sampling noise
            # (`not_learning_accuracy_noise` standard errors of an accuracy at chance) is no rise:
            # 18 of 30 on two classes is 1.1 standard errors above a coin.
            samples = stats.exact_sample_count(values)
            watched = run.smooth_val_loss if run.has_val else run.smooth_loss
            if run.reference and float(np.min(watched)) < (1 - 2 * th.not_learning_margin) * run.reference:
                return None  # a loss 10% below chance learned, whatever a small set's accuracy says
            if samples is None or bool(np.all(np.abs(np.round(values, 2) - values) < 1e-9)):
                # No count of samples; or values logged to two decimals, whole hundredths whatever
                # the set's size.
                return None
            error = float(np.sqrt(chance * (1.0 - chance) / samples))
            if best >= chance + th.not_learning_accuracy_noise * error:
                return None
            noisy.append(f"{key}'s {samples} samples")
        bests.append(best)
    if noisy:
        under = (
            f"less than {th.not_learning_accuracy_noise:g} standard errors above it on "
            f"{' and '.join(noisy)} (as its steps count them)"
        )
    else:
        under = f"under {format_number(needed)}"
    return (
        {"metrics": keys, "best": max(bests), "chance_accuracy": chance},
        f"{' and '.join(keys)} never got clearly above chance (1/{context.num_classes} = "
        f"{format_number(chance)}): at best smoothed {format_number(max(bests))}, {under}.",
    )
