"""`not_learning`: the loss never left the baseline (or chance level; without either, never moved
after the first epoch), or the predictions never changed."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.blind_validation import frozen_while_training_moved
from fitwell.diagnosis.chance_levels import (
    accuracy_at_chance,
    accuracy_rose_above_chance,
    at_a_coins_loss,
    guessing_on_both_sides,
    named_a_regression,
    swing_around_chance,
    training_at_chance,
    validation_at_a_uniform_guess,
)
from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.learning_scores import (
    chance_corrected_at_zero,
    every_one_positive,
    every_output_wrong,
    improved,
    never_a_positive,
    ranks_against_the_labels,
    ranks_like_a_coin,
    score_shows_learning,
)
from fitwell.diagnosis.metric_names import metric_direction
from fitwell.diagnosis.progress import is_crawl
from fitwell.diagnosis.run import RunView, format_epoch, format_number

__all__ = ["check_not_learning"]


def check_not_learning(run: RunView) -> Finding | None:
    """`not_learning`: the loss never left the baseline (or chance level; without either, it never
    moved, or not after its first epoch), or the predictions never changed."""
    th, reference = run.thresholds, run.reference
    if run.n <= th.short_run_epochs:
        return None  # a few epochs are too short to judge
    if _both_zero(run):
        return None  # neither loss measures anything: `suspicious_validation` says so
    stuck, evidence, seen = _never_left_the_start(run)
    chance_corrected = (
        chance_corrected_at_zero(run) or every_output_wrong(run) or ranks_against_the_labels(run)
    )
    if is_crawl(run) and not (stuck and reference and _fell_under(run, th.crawl_min_total_drop)):
        # Slow but steady progress is lr_too_low; not a line at the chance level that fell less than
        # 1% in the whole run (0.6938 → 0.6888 in 50 epochs, ln 2 = 0.693), nor a loss that falls
        # while a Matthews correlation or kappa stays at 0 (the predictions are no better for it),
        # nor one that left both accuracies where they were at every epoch.
        unchanged = chance_corrected or (_frozen_predictions(run) if _every_accuracy_frozen(run) else None)
        if unchanged is None:
            return None
        stuck = False  # the checks below say what stayed unchanged
    if not stuck:
        found = (
            _zero_from_the_start(run)
            or never_a_positive(run)
            or every_one_positive(run)
            or _frozen_predictions(run)
            or chance_corrected
            or _frozen_validation(run)
            or _frozen_loss(run)
            or accuracy_at_chance(run)
            or (
                None
                if score_shows_learning(run) or accuracy_rose_above_chance(run)
                else _flat_after_first_epoch(run)
            )
            or at_a_coins_loss(run)
            or validation_at_a_uniform_guess(run)
            or guessing_on_both_sides(run)
        )
        if found is None:
            return None
        evidence, seen = found
    elif _nothing_moved(run):
        evidence, seen = (
            {**evidence, "nothing_moved": True},
            (
                f"every loss took one value at every epoch ({format_number(float(run.loss[0]))} in training"
                + (f", {format_number(float(run.val_loss[0]))} in validation" if run.has_val else "")
                + f", all {run.n} epochs): the outputs never changed, whatever level they started at "
                "(a learning rate of 0, frozen parameters, or no optimizer step)."
            ),
        )
    elif score_shows_learning(run):
        return None
    elif accuracy_rose_above_chance(run):
        if not (run.has_val and training_at_chance(run)):
            return None
        seen += swing_around_chance(run)
    epochs = [run.epoch_of(0), run.epoch_of(run.n - 1)]
    return Finding("not_learning", "error", epochs, evidence, _advice(run, evidence), seen)


def _advice(run: RunView, evidence: dict) -> str:
    """What to check, with the logged learning rate when there is one."""
    if evidence.get("zero_from_the_start"):
        return (
            "A loss of 0 from the start has nothing to learn from. Check the targets (print a batch of y: "
            "one class or one value throughout?) and that the loss is computed from the model's outputs "
            "on them."
        )
    if evidence.get("against_the_labels"):
        return (
            "The model learned, but backwards: check that the score is the positive class's probability "
            "(not `1 - p`, nor the other column of a softmax) and that training and scoring encode the "
            "labels the same way (0/1 not swapped)."
        )
    learning_rate = run.learning_rate()
    if learning_rate is None:
        rate_text = ""
    elif learning_rate > 0:
        rate_text = f" (learning_rate={format_number(learning_rate)})"
    else:  # a schedule run down to 0 changes nothing more; it did not cause what came before
        rate_text = " (the logged learning_rate ends at 0: no step changes the weights by then)"
    return (
        "The model learned nothing beyond the label frequencies (or the targets' mean). Check that the "
        "labels match the inputs (shuffle x and y together), that the last layer and the loss agree "
        "(softmax with sparse_categorical_crossentropy, or logits with from_logits=True), that the "
        f"inputs are scaled, and that gradients flow (dead ReLUs, a frozen model){rate_text}."
    )


def _never_left_the_start(run: RunView) -> tuple[bool, dict, str]:
    """`(stuck, evidence, summary)`: whether the loss (the validation loss when there is one) never
    got `not_learning_margin` below the baseline or chance level; without either, whether no loss
    ever fell `flat_total_drop` below its first value."""
    th, reference = run.thresholds, run.reference
    watched, name = (run.smooth_val_loss, "val_loss") if run.has_val else (run.smooth_loss, "loss")
    raw = run.val_loss if run.has_val else run.loss
    best = float(np.min(watched))
    if reference:
        evidence = {"best": best, "curve": name, "reference_loss": reference}
        if run.context.baseline is not None:
            evidence["baseline"] = run.context.baseline
        if run.context.chance_loss is not None:
            evidence["chance_loss"] = run.context.chance_loss
        seen = (
            f"{name} never got clearly below {run.context.describe_reference()}: its lowest value was "
            f"{format_number(float(np.min(raw)))} (smoothed {format_number(best)})."
        )
        return best >= (1.0 - th.not_learning_margin) * reference, evidence, seen
    drops = [stats.relative_drop(float(run.loss[0]), float(np.min(run.loss)))]
    if run.has_val:
        drops.append(stats.relative_drop(float(run.val_loss[0]), float(np.min(run.val_loss))))
    evidence = {"best": best, "curve": name, "largest_drop": max(drops)}
    seen = f"the loss did not move: it never fell {_at_most(max(drops))} below its first value."
    return run.n >= 3 and max(drops) < th.flat_total_drop, evidence, seen


def _fell_under(run: RunView, fraction: float) -> bool:
    """Whether the training loss (smoothed) ended less than `fraction` below where it began."""
    return stats.relative_drop(float(run.smooth_loss[0]), float(run.smooth_loss[-1])) < fraction


def _flat_after_first_epoch(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when the fall of the training loss after the first epoch (smoothed:
    below its second epoch, or over an unbroken fall of `_STEADY_EPOCHS`) stays under
    `flat_after_first_drop` over at least 5 epochs and no accuracy-like metric rose
    `metric_improved` over the run, at a level not known to be good: a model that
    learned the label frequencies in its first epoch and nothing after. The validation loss is
    not asked: what the model did not learn on its training data it cannot have learned for
    validation, and a validation loss that swings while the training loss sits still is noise
    (or batch-norm statistics settling), not learning. Asked with a chance level known too: a
    multi-label binary cross-entropy of rare labels sits far below `ln 2` at the labels' prior
    (0.36, flat from its first epoch), where "never got below chance" cannot see it. Not for a log
    whose first row comes later than the second epoch (a resumed run from epoch 39, a row every
    20 epochs): its first epochs, where the learning shows, are not in it."""
    th = run.thresholds
    if run.n < 5 or run.level_is_poor is False:
        return None  # at a good value, a loss flat after one epoch is a fast learner, converged
    if run.epoch_of(0) > 1:
        return None  # the log begins later (a resumed run, a row every 20 epochs): it learned before
    after = run.smooth_loss[1:]
    # Or a steady fall after a climb: a loss that rose first (a KL weight warming up, `gk_131`:
    # 13.3 → 17.5, then down to 16.1 epoch after epoch) moved, though never below its second epoch;
    # a bump that drops back to where it sat in an epoch or two did not.
    flat = max(stats.relative_drop(float(after[0]), float(np.min(after))), _steady_fall(after))
    if flat >= th.flat_after_first_drop:
        return None
    metric = run.curves.metric_key
    if any(
        improved(run, key)
        for key in {run.val_accuracy_key, run.accuracy_key, metric, metric and f"val_{metric}"}
    ):
        return None
    return (
        {"curve": "loss", "largest_drop_after_first_epoch": flat},
        f"after its first epoch the loss hardly moved: it never fell {_at_most(flat)} below its second "
        "epoch, nor as far in a steady fall, and the metrics did not improve.",
    )


def _steady_fall(curve: np.ndarray) -> float:
    """The largest relative fall of `curve` over a stretch of at least `_STEADY_EPOCHS` epochs in
    which it never rose (0 without one)."""
    largest, start = 0.0, 0
    for index in range(1, len(curve) + 1):
        if index == len(curve) or curve[index] > curve[index - 1]:
            if index - 1 - start >= _STEADY_EPOCHS:
                largest = max(largest, stats.relative_drop(float(curve[start]), float(curve[index - 1])))
            start = index
    return largest


#: The epochs of an unbroken fall that count as the loss moving (`_steady_fall`).
_STEADY_EPOCHS = 5


def _at_most(drop: float) -> str:
    """`"more than 1.2%"`, or `"even 0.1%"` for a fall under 0.1% (which `.1%` prints as "0.0%").

    Example:
        >>> _at_most(0.0123), _at_most(0.0000003)
        ('more than 1.2%', 'even 0.1%')
    """
    return f"more than {drop:.1%}" if drop >= 0.001 else "even 0.1%"


def _frozen_predictions(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when the predictions never changed, whatever the loss did: the
    validation accuracy (the training accuracy without validation) took one and the same value
    at every epoch (at least 4, below perfect; or, at a level not known to be good, at every epoch
    after its first few, at least `not_learning_frozen_epochs` and three quarters of the run, a
    value it took within its first 3 epochs or held while the training loss fell less than
    `not_learning_margin` (`_fell_over`): `ep_009`, 0.6667 at epoch 2 and from epoch 4 to 50 on
    a tiny set; `eo_008`, the majority's 0.1504 from epoch 2 to 100 while the loss crept 9% down;
    an accuracy that rose for epochs, then held while the loss went on falling, is a model still
    learning on a set too small to show it) while the training accuracy never got
    `not_learning_accuracy_margin` above that value (one class predicted throughout; a model that
    fits its training data and not the validation data is overfitting instead; nor while an AUC
    shows the model ranks the classes apart: 189 of 190 right at every epoch at an AUC of 1 is a
    model that learned in its first epoch), or an AUC stayed
    at 0.5 (a ranking no better than a coin). When the training loss fell `not_learning_frozen_drop`
    below its first value, over at least `not_learning_frozen_epochs` epochs, and only once the
    loss (validation loss, else training loss) flattened over as many: a loss can fall that far by
    learning the class frequencies alone (most pixels are background) and then stop; one still
    falling is still learning, whatever the accuracy shows; so is one that set a new low at its last
    epoch, `not_learning_margin` below its best before (a validation accuracy of 15/16 at every
    epoch of a small set while the validation loss fell to its lowest)."""
    th = run.thresholds
    if stats.new_low_at_the_end(run.val_loss if run.has_val else run.loss, th.not_learning_margin):
        return None
    needed = 4
    if _fell_far(run):
        needed = th.not_learning_frozen_epochs
        watched = run.smooth_val_loss if run.has_val else run.smooth_loss
        if len(watched) < needed or stats.relative_drop(float(watched[-needed]), float(watched[-1])) >= (
            th.not_learning_margin
        ):
            return None
    # A validation accuracy beside no training one stands alone (`fd_004`); beside one, its twin.
    key = (
        run.accuracy_key
        if not run.has_val
        else run.val_accuracy_key or (run.any_val_accuracy_key if run.accuracy_key is None else None)
    )
    if key is not None and not run.curves.has(key):
        key = None  # named, never recorded
    if key is not None and (run.accuracy_key is not None or not _fell_far(run)):
        positions, values = run.curves.series(key)
        # Without a training accuracy, its loss stands in for it (`_fell_far`): one that fell less
        # than `not_learning_frozen_drop` did not fit the training set much either (`fd_004`).
        _, training = run.curves.series(run.accuracy_key) if run.accuracy_key else (None, values[:1])
        since = _held_since(values)
        if (
            since
            and run.level_is_poor
            and len(values) - since >= max(th.not_learning_frozen_epochs, 3 * len(values) // 4)
            and (
                bool(np.any(np.abs(values[:3] - values[-1]) <= 1e-6))
                or not _fell_over(run.loss[int(positions[since]) :], th.not_learning_margin)
            )
        ):
            values = values[since:]  # at one value after its first epochs, over most of the run
        else:
            since = 0
        # An accuracy of exactly 0 throughout is a metric that does not fit the task (accuracy on
        # regression targets), not a frozen prediction; unless the training accuracy, beside it,
        # counts right answers and the validation loss never fell `not_learning_margin` below its
        # first value: then not one validation sample was right at any epoch (`ds_025`; a
        # regression's exact hits in training, its validation loss falling, are no such thing).
        fits_the_task = float(values[0]) > 0 or (
            run.accuracy_key is not None
            and key != run.accuracy_key
            and float(np.max(training)) > 0
            and not named_a_regression(run)
            and stats.relative_drop(float(run.val_loss[0]), float(np.min(run.val_loss)))
            < th.not_learning_margin
        )
        constant = (
            len(values) >= needed
            and float(np.ptp(values)) <= 1e-6
            and fits_the_task
            and float(values[0]) < th.leak_accuracy
        )
        caught_up = float(np.max(training)) - float(values[0]) < th.not_learning_accuracy_margin
        if constant and caught_up and not score_shows_learning(run, validation_only=run.has_val):
            value = format_number(float(values[0]))
            held = (
                f"from {format_epoch(run.epoch_of(int(positions[since])))} on" if since else "at every epoch"
            )
            if float(values[0]) == 0.0:
                seen = (
                    f"{key} was 0 {held} while {run.accuracy_key} reached "
                    f"{format_number(float(np.max(training)))}: not one validation sample was right (what "
                    "the model learned does not carry over, or the validation labels do not match)."
                )
            else:
                changed = "stopped changing" if since else "never changed class"
                seen = (
                    f"{key} was {value} {held}: the predictions {changed} (one class, or the same "
                    f"answers, predicted {'from then on' if since else 'throughout'})."
                )
            return {"metric": key, "constant_value": float(values[0])}, seen
    return ranks_like_a_coin(run, needed)


def _fell_far(run: RunView) -> bool:
    """Whether the training loss's lowest value is `not_learning_frozen_drop` below its first."""
    drop = stats.relative_drop(float(run.loss[0]), float(np.min(run.loss)))
    return drop >= run.thresholds.not_learning_frozen_drop


def _fell_over(loss: np.ndarray, fraction: float) -> bool:
    """Whether a stretch of the loss ended `fraction` or more below where it began, each end the
    median of its first or last few epochs (3, or a tenth of the stretch): a loss still falling."""
    window = max(3, len(loss) // 10)
    start, end = float(np.median(loss[:window])), float(np.median(loss[-window:]))
    return stats.relative_drop(start, end) >= fraction


def _held_since(values: np.ndarray) -> int:
    """The position from which every value equals the last (0: one value throughout)."""
    changed = np.flatnonzero(np.abs(values - values[-1]) > 1e-6)
    return int(changed[-1]) + 1 if len(changed) else 0


def _every_accuracy_frozen(run: RunView) -> bool:
    """Whether a loss that crept down changed no prediction: the training accuracy and the
    validation accuracy each held one value (below 1, logged finer than in hundredths, which would
    hide a slow rise) at every epoch, at least `_FROZEN_CRAWL_EPOCHS`, no other score the run logs
    (a precision-recall AUC, an F1, a recall) moved, the names do not say regression, and the
    validation loss never got below the cross-entropy of a constant guess at that accuracy (the
    binary entropy of its share: a loss under it beats every constant prediction, so the model
    learned from its inputs; a near-perfect model's accuracies stop moving too). `dv_016`:
    0.93125 and 0.925 throughout, the majority class, while the loss crawled from ln 2 to 0.62,
    above the 0.27 of a constant guess at 92.5%."""
    keys = [key for key in (run.accuracy_key, run.val_accuracy_key) if key is not None]
    if len(keys) < 2 or not run.has_val or named_a_regression(run):
        return False
    for key in keys:
        _, values = run.curves.series(key)
        if len(values) < _FROZEN_CRAWL_EPOCHS or float(np.ptp(values)) > 1e-6:
            return False
        if not 0.0 < float(values[0]) < 1.0 or stats.logged_step(float(values[0])) * float(values[0]) >= 0.01:
            return False
    for key in run.curves.values:
        if key not in keys and metric_direction(key) == "max" and run.curves.has(key):
            _, values = run.curves.series(key)
            if len(values) and float(np.ptp(values)) > 1e-6:
                return False  # a score that moved: some prediction changed
    _, validation = run.curves.series(run.val_accuracy_key)
    share = float(validation[0])
    constant_guess = -(share * np.log(share) + (1.0 - share) * np.log(1.0 - share))
    return float(np.nanmin(run.val_loss)) >= constant_guess


#: The epochs a crawl must leave both accuracies unchanged for to count as learning nothing.
_FROZEN_CRAWL_EPOCHS = 6


def _frozen_validation(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when the validation loss stayed within `not_learning_frozen_val` of its
    level at every epoch (at least 4): the predictions on the validation set never changed, from
    the first epoch on (a regressor collapsed to one value; a learning model's validation loss moves
    by more than that from epoch to epoch, if only by noise); not beside a training loss that fell
    by half meanwhile, which `suspicious_validation` reads
    (`blind_validation.frozen_while_training_moved`)."""
    if not run.has_val or len(run.val_loss) < 4 or frozen_while_training_moved(run) is not None:
        return None  # (beside a training loss that fell by half: the validation's fault)
    # (A loss of exactly 0, no spread to measure, is the leak checks'.)
    level, spread = stats.held_level(run.val_loss)
    if spread >= run.thresholds.not_learning_frozen_val:
        return None
    epochs = len(run.val_loss)
    moved = (
        f"was {format_number(level)} at all {epochs} epochs"
        if spread == 0.0
        else (
            f"moved by {100 * spread:.2g}% at most over all {epochs} epochs (between "
            f"{format_number(float(np.min(run.val_loss)))} and {format_number(float(np.max(run.val_loss)))})"
        )
    )
    return (
        {"curve": "val_loss", "level": level, "relative_range": spread, "epochs": epochs},
        f"val_loss {moved}: the predictions on the validation data never changed.",
    )


def _zero_from_the_start(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when the training loss was exactly 0 at every epoch, the first
    included: no model starts perfect, so the loss measured nothing (targets that are all one class
    or one value, or a loss that never sees the predictions)."""
    if not bool(np.all(run.loss == 0.0)):
        return None
    return (
        {"curve": "loss", "level": 0.0, "epochs": run.n, "zero_from_the_start": True},
        f"loss was exactly 0 at all {run.n} epochs, the first included: it measured nothing (targets "
        "all of one class or value, or a loss that does not see the predictions).",
    )


def _both_zero(run: RunView) -> bool:
    """Whether the training and validation losses are both exactly 0 at every epoch (at least 3)."""
    return len(run.val_loss) >= 3 and bool(np.all(run.loss == 0.0)) and bool(np.all(run.val_loss == 0.0))


def _frozen_loss(run: RunView) -> tuple[dict, str] | None:
    """`(evidence, summary)` when the training loss stayed within `not_learning_frozen_val` of one
    value over its last epochs (at least 5, and a tenth of the run), above what it had reached
    before: the outputs stopped changing after the model got worse (dead ReLUs, a collapsed
    output). With updates the epoch's mean loss moves by more than that; without, it moves only
    in its last digits (the order of the batches, dropout). At its best, when it held exactly one
    value to the last digit logged, at a level not known to be good (a citation regressor's RMSE
    at 189.04 for 44 epochs: a constant output)."""
    frozen = max(5, round(0.1 * run.n))
    if run.n < frozen + 2:
        return None
    value, spread = stats.held_level(run.loss[-frozen:])
    before = float(np.min(run.loss[:-frozen]))
    if spread >= run.thresholds.not_learning_frozen_val or value <= 0.0:
        return None
    if value < 1.05 * before:
        # At its best, only a loss held at exactly one value, logged finely enough to show a change
        # of `not_learning_frozen_val` (189.04 moves in steps of 0.01, 0.005% of it; 0.002 in steps
        # of half of it), at a level not known to be good: a converged model's epoch mean still
        # moves in its last digits (the order of the batches), a stopped one does not.
        if (
            spread > 0.0
            or run.level_is_poor is False
            or stats.logged_step(value) > run.thresholds.not_learning_frozen_val
            or stats.relative_drop(float(run.loss[0]), value) >= run.thresholds.not_learning_frozen_drop
        ):
            return None
        held_for = int(np.argmax(run.loss[::-1] != value)) or run.n  # the epochs since it last moved
        return (
            {"curve": "loss", "frozen_value": value, "frozen_epochs": held_for, "best_before": before},
            f"loss was exactly {value!r} at each of the last {held_for} epochs, to the last "
            "digit logged: the outputs stopped changing (a dead or collapsed model; a model still learning "
            "moves its epoch's mean loss in its last digits).",
        )
    if spread == 0.0:
        held = f"exactly {format_number(value)}"
    elif spread < 5e-5:  # closer than the four digits a message shows
        held = f"{format_number(value)} to four digits"
    else:
        held = f"within {100 * spread:.2g}% of {format_number(value)}"
    return (
        {"curve": "loss", "frozen_value": value, "frozen_epochs": frozen, "best_before": before},
        f"loss was {held} at each of the last {frozen} epochs, above the {format_number(before)} it had "
        "reached: the outputs stopped changing (a dead or collapsed model).",
    )


def _nothing_moved(run: RunView) -> bool:
    """Whether the training loss and the validation loss (when logged) each took exactly one value
    at every epoch, over at least 5, logged finely enough to show a change of
    `not_learning_frozen_val`: the outputs never changed, so a good score there was there from the
    start (a pretrained model never updated: `fp_006`, its losses and its AUPRC identical to the
    digit over 43 epochs, 29.836 and 123.2918). A loss printed too coarsely to move (0.002 in steps
    of 0.001) says nothing of the kind."""
    if run.n < 5:
        return False
    curves = [run.loss, *([run.val_loss] if run.has_val else [])]
    for values in curves:
        values = values[np.isfinite(values)]
        if len(values) < 5 or float(np.ptp(values)) != 0.0 or float(values[0]) == 0.0:
            return False
        if stats.logged_step(float(values[0])) > run.thresholds.not_learning_frozen_val:
            return False
    return True
