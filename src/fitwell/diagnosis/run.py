"""`RunView`: the curves, context and thresholds, with the derived quantities every rule reads."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.context import RunContext
from fitwell.diagnosis.curves import Curves
from fitwell.diagnosis.metric_names import (
    is_accuracy,
    is_auc,
    is_mean_average_precision,
    is_roc_auc,
    is_token_accuracy,
    is_top_k,
    metric_direction,
)
from fitwell.diagnosis.thresholds import Thresholds

__all__ = ["RunView", "WatchedCurve", "format_epoch", "format_factor", "format_number", "learning_rate_range"]


@dataclass(frozen=True)
class WatchedCurve:
    """The curve that says whether the model still gets better on data it does not train on:
    the validation loss; without it, a validation metric (a log of a hand-written loop often
    records `val_acc` alone); without one, the training loss.

    Attributes:
        name: Its key (`"val_loss"`, `"val_acc"`, `"loss"`).
        positions: The epoch positions where it was recorded.
        values: Its values, lower is better (`1 - value` for a metric where higher is better).
        higher_is_better: Whether the logged metric grows as the model improves.
    """

    name: str
    positions: np.ndarray
    values: np.ndarray
    higher_is_better: bool = False

    @property
    def mode(self) -> str:
        """`"max"` or `"min"`: the mode callbacks monitoring it take."""
        return "max" if self.higher_is_better else "min"

    @property
    def is_metric(self) -> bool:
        """Whether it is a validation metric standing in for the validation loss."""
        return self.name not in ("loss", "val_loss")

    def logged(self, index: int) -> float:
        """The value as the log holds it, at an index of `values`."""
        value = float(self.values[index])
        return 1.0 - value if self.higher_is_better else value


#: A loss far above a mean's chance level from its first epoch that falls in this share of its
#: steps at least, over `_UNBROKEN_FALL_EPOCHS` at least, is on another scale (`_on_another_scale`).
_UNBROKEN_FALL_SHARE = 0.85
_UNBROKEN_FALL_EPOCHS = 10


@dataclass
class RunView:
    """What the rules look at: one run, read once.

    Attributes:
        curves: The aligned per-epoch values.
        context: Loss family and chance levels.
        thresholds: The rules' thresholds.
        watch: The curve `watched` returns instead of its own choice (`progress` sets it).
    """

    curves: Curves
    context: RunContext
    thresholds: Thresholds
    watch: WatchedCurve | None = None

    # -- training loss -------------------------------------------------------------
    @cached_property
    def loss(self) -> np.ndarray:
        """Training loss per epoch."""
        return self.curves.values["loss"]

    @property
    def n(self) -> int:
        """Number of epochs."""
        return len(self.loss)

    @cached_property
    def tail(self) -> int:
        """Size of the end window."""
        return stats.tail_window(self.n, self.thresholds.tail_fraction)

    @cached_property
    def smooth_loss(self) -> np.ndarray:
        """Training loss after a running median of 3."""
        return stats.median_smooth(self.loss)

    @cached_property
    def end_loss(self) -> float:
        """Median training loss of the end window."""
        return stats.end_level(self.loss, self.tail)

    def training_end(self, position: int) -> float:
        """The training loss where it ended, as a fall since `position` is measured: `end_loss`, or
        the last epoch's when the end window reaches back to `position` and the loss fell at every
        epoch since (at least 3): the window's median then lags a loss still falling (`fd_008`: 0.386
        at the validation loss's best, 0.373, 0.361, 0.350, 0.340, 0.331 after it, the median of the
        last 10 epochs 0.393, above it). A noisy loss is measured by the window, not by one epoch."""
        since = self.loss[position:]
        if position < self.n - self.tail or len(since) < 4 or not bool(np.all(np.diff(since) < 0)):
            return self.end_loss
        return min(self.end_loss, float(since[-1]))

    def training_fall_text(self, position: int) -> str:
        """`"smoothed 0.05 at epoch 38 → 0.03, the median of its last 14 epochs"`: the training loss
        from `position` to the end as the rules measure a fall (`smooth_loss` there, `end_loss`; the
        last epoch of an unbroken fall, `training_end`, when only it shows the fall), not two raw
        epochs, which a last-epoch spike can turn into a rise."""
        start, end_level = float(self.smooth_loss[position]), self.training_end(position)
        window_shows_it = self.end_loss < (1.0 - self.thresholds.overfit_train_drop) * start
        if window_shows_it or end_level == self.end_loss:
            end = f"{format_number(self.end_loss)}, the median of its last {self.tail} epochs"
        else:  # only the last epoch of an unbroken fall shows the fall the rules measured
            end = f"{format_number(end_level)}, at {format_epoch(self.epoch_of(self.n - 1))}"
        return f"smoothed {format_number(start)} at {format_epoch(self.epoch_of(position))} → {end}"

    # -- validation loss -----------------------------------------------------------
    @cached_property
    def has_val(self) -> bool:
        """Whether validation loss was recorded (finite) at least 3 times, the last one finite (a
        validation loss that ends NaN or infinite is not a curve to read; NaN epochs before a
        finite end are left out, see `val_nan_epochs`)."""
        if not self.curves.has("val_loss"):
            return False
        _, values = self.curves.series("val_loss")
        return int(np.isfinite(values).sum()) >= 3 and bool(np.isfinite(values[-1]))

    @cached_property
    def val_nan_epochs(self) -> list[int]:
        """The epochs whose recorded validation loss is NaN or infinite, left out of the curve."""
        if not self.has_val:
            return []
        positions, values = self.curves.series("val_loss")
        return [self.epoch_of(int(p)) for p in positions[~np.isfinite(values)]]

    @cached_property
    def val_positions(self) -> np.ndarray:
        """Epoch positions where a finite validation loss was recorded."""
        if not self.curves.has("val_loss"):
            return np.zeros(0, int)
        positions, values = self.curves.series("val_loss")
        return positions[np.isfinite(values)]

    @cached_property
    def val_loss(self) -> np.ndarray:
        """Recorded finite validation losses."""
        if not self.curves.has("val_loss"):
            return np.zeros(0)
        _, values = self.curves.series("val_loss")
        return values[np.isfinite(values)]

    @cached_property
    def smooth_val_loss(self) -> np.ndarray:
        """Validation loss after a running median of 3."""
        return stats.median_smooth(self.val_loss)

    @cached_property
    def watched(self) -> WatchedCurve:
        """The validation loss; without it, a validation metric (one that falls as the model
        improves, e.g. `val_mae`, else the error `1 - value` of an AUC, accuracy, F1, IoU or Dice
        between 0 and 1, recorded at least 3 times); else the training loss."""
        if self.watch is not None:
            return self.watch
        if self.has_val:
            return WatchedCurve("val_loss", self.val_positions, self.val_loss)
        candidates = []
        for key in self.curves.values:
            direction = metric_direction(key) if key.startswith("val_") else None
            if direction is None or not self.curves.has(key):
                continue
            positions, values = self.curves.series(key)
            if len(values) < 3 or not np.isfinite(values).all():
                continue
            if direction == "max" and not stats.is_fraction(values):
                continue
            candidates.append((direction == "max", _stand_in_rank(key), key, positions, values))
        if not candidates:
            return WatchedCurve("loss", np.arange(self.n), self.loss)
        higher, _, key, positions, values = min(candidates, key=lambda item: item[:2])
        return WatchedCurve(key, positions, 1.0 - values if higher else values, higher)

    @cached_property
    def progress(self) -> RunView:
        """The view whether the run still improves is judged on (`still_improving` and its close
        call): this one, except that a score logged without a set's name (`unnamed_score`) is
        watched instead of the training loss."""
        score = self.unnamed_score
        return self if score is None else replace(self, watch=score)

    @cached_property
    def unnamed_score(self) -> WatchedCurve | None:
        """Without a validation loss or any `val_` curve: a score logged without a set's name that
        the stand-in order ranks (an AUC, F1, IoU, Dice or a detector's mAP: `f1`, `pixel_auroc`,
        `mIoU`; not an accuracy, nor a name Keras gives a metric, `auc`, `f1_score`, `mean_io_u`,
        which Keras logs for the training set, nor a training-named or a loss-named one), a
        fraction recorded at least 3 times, as its error `1 - value`; else None. A loop that logs
        its training loss beside such a score mostly computes the score in its evaluation pass
        (spaCy's `loss`, `precision`, `recall`, `f1`; a detector's `mAP_50`); a score measured on
        the training batches instead moves with the training loss, so a run still improving shows
        on it too."""
        if self.has_val or any(key.startswith("val_") for key in self.curves.values):
            return None
        candidates = []
        for key in self.curves.values:
            name = key.lower()
            if (
                name.startswith(("train", "trn_"))
                or "loss" in name
                or is_accuracy(key)
                or _KERAS_METRIC.match(name)
            ):
                continue
            rank = _stand_in_rank(key)
            if metric_direction(key) != "max" or rank >= len(_STAND_IN_KINDS) or not self.curves.has(key):
                continue
            positions, values = self.curves.series(key)
            if len(values) < 3 or not np.isfinite(values).all() or not stats.is_fraction(values):
                continue
            candidates.append((rank, key, positions, values))
        if not candidates:
            return None
        _, key, positions, values = min(candidates, key=lambda item: item[0])
        return WatchedCurve(key, positions, 1.0 - values, higher_is_better=True)

    # -- metric --------------------------------------------------------------------
    @cached_property
    def accuracy_key(self) -> str | None:
        """The training accuracy key (the first metric named an accuracy, `is_accuracy`), if any."""
        key = self.curves.metric_key
        return key if key is not None and is_accuracy(key) else None

    def end_of(self, key: str) -> float | None:
        """Median of the recorded values of `key` over the end window, if recorded."""
        if not self.curves.has(key):
            return None
        _, values = self.curves.series(key)
        window = stats.tail_window(len(values), self.thresholds.tail_fraction)
        return stats.end_level(values, window)

    @cached_property
    def training_samples(self) -> int | None:
        """The training set's size when the training accuracy's steps count it (at most 500:
        `stats.exact_sample_count`), else None."""
        if self.accuracy_key is None:
            return None
        _, accuracy = self.curves.series(self.accuracy_key)
        return stats.exact_sample_count(accuracy)

    @cached_property
    def val_accuracy_key(self) -> str | None:
        """`val_` + the accuracy key, when validation accuracy was recorded."""
        key = self.accuracy_key
        return f"val_{key}" if key is not None and self.curves.has(f"val_{key}") else None

    @property
    def any_val_accuracy_key(self) -> str | None:
        """The validation accuracy's key, also when no training accuracy was recorded beside it (a
        plain one before a top-k one: `val_top5_accuracy` reaches 1 long before the model does)."""
        if self.val_accuracy_key is not None:
            return self.val_accuracy_key
        keys = [key for key in self.curves.values if key.startswith("val_") and is_accuracy(key)]
        return min(keys, key=is_top_k, default=None)

    @property
    def monitor(self) -> str:
        """The key advice should monitor: `"val_loss"` with validation, else `"loss"`."""
        return "val_loss" if self.has_val else "loss"

    @cached_property
    def reference(self) -> float | None:
        """The loss that means "nothing learned": the baseline, else chance; None when unknown, and
        for a loss on another scale than a mean (`_on_another_scale`)."""
        reference = self.context.reference_loss
        if reference and self._on_another_scale(reference):
            return None
        return reference

    def _on_another_scale(self, reference: float) -> bool:
        """Whether the training loss is on another scale than a mean's `reference`: its first
        epoch `diverge_spike` × it or more, then a steady fall (down in `crawl_min_decreasing` of
        the steps up to its smoothed low, of `n // 20` epochs on long runs, as `_falling_steadily`
        counts them) to `other_scale_fall` × that first epoch or less, over at least 5 epochs. A
        mean cross-entropy starts near `ln C`; one that starts a hundred times above it and falls
        smoothly by 95% is a sum over the samples (124.6 ≈ 113 × ln 3 → 5.7, `cy_002`), whose
        level chance does not measure. A model thrown off at once drops in one epoch, or stays
        up, and is still judged against it (a first epoch of 15 against ln 4, then 3.0). A smaller
        fall counts when it is nearly unbroken, down in `_UNBROKEN_FALL_SHARE` of the steps over
        `_UNBROKEN_FALL_EPOCHS` epochs or more (a binary cross-entropy summed over pixels, 310 → 276
        against ln 2 in 17 epochs, `fa_021`; one multiplied by 10,000, 7064 → 6324 in 10 epochs,
        down at 8 of 9 steps, `fs_008`): a model thrown off does not creep back so evenly."""
        th, loss = self.thresholds, self.loss
        first = float(loss[0])
        if not np.isfinite(first) or first < th.diverge_spike * reference or self.n < 5:
            return False
        smooth = self.smooth_loss
        low = int(np.argmin(smooth))
        fell = float(smooth[low]) <= th.other_scale_fall * first
        steady = stats.decreasing_fraction(loss[: low + 1], max(1, self.n // 20))
        if fell:
            return steady >= th.crawl_min_decreasing
        return low + 1 >= _UNBROKEN_FALL_EPOCHS and steady >= _UNBROKEN_FALL_SHARE

    def floor_of(self, values: np.ndarray, fraction: float) -> float:
        """`fraction` × the baseline (or chance): "nearly zero" for this curve. Without either,
        `fraction` / 20 × its first value (a first value is often far above the baseline)."""
        if self.reference:
            return fraction * self.reference
        return fraction / 20 * float(abs(values[0])) if len(values) else 0.0

    # -- judgements shared by several rules ----------------------------------------
    @cached_property
    def level_is_poor(self) -> bool | None:
        """Whether the final training loss is far from a good value; None when unknowable.

        Poor when the loss is above `good_chance_fraction` of the baseline (or
        chance; the validation loss when it ends lower: regularization raises the training loss),
        or the training accuracy below `good_accuracy` (the validation
        accuracy when only it was logged; an F1 score, the validation one first, when no
        accuracy was; not a language model's token accuracy, which has no good value:
        `is_token_accuracy`); with a ROC AUC logged, poor when it is below `good_auc` instead of
        by the loss.
        """
        verdicts = self._level_verdicts
        return any(poor for poor, _ in verdicts) if verdicts else None

    @cached_property
    def poor_level_text(self) -> str:
        """What makes the level poor, for the messages: `"loss above 0.3× chance"` or
        `"acc at the end: smoothed 0.849, under 0.85"` (the median of its end window; empty
        when the level is not poor)."""
        return "; ".join(text for poor, text in self._level_verdicts if poor)

    @cached_property
    def _level_verdicts(self) -> list[tuple[bool, str]]:
        th, verdicts = self.thresholds, []
        auc_key = self._roc_auc_key
        auc = self.end_of(auc_key) if auc_key else None
        if auc is not None:
            verdicts.append(
                (
                    auc < th.good_auc,
                    f"{auc_key} at the end: smoothed {format_number(auc)}, under {th.good_auc:g}",
                )
            )
        elif self.reference:
            against = "the baseline" if self.context.baseline is not None else "chance"
            what, level = self._level_loss
            verdicts.append(
                (
                    level > th.good_chance_fraction * self.reference,
                    f"{what} above {th.good_chance_fraction:g}× {against}",
                )
            )
        # Only the validation accuracy logged: training scores at least as well. Without an
        # accuracy, an F1 score stands for it (a log of precision, recall and F1 alone).
        key = self.accuracy_key or self.any_val_accuracy_key or self._training_f1_key
        accuracy = self.end_of(key) if key and not is_token_accuracy(key) else None
        if accuracy is not None:  # (a language model's token accuracy has no good value to fall short of)
            verdicts.append(
                (
                    accuracy < th.good_accuracy,
                    f"{key} at the end: smoothed {format_number(accuracy)}, under {th.good_accuracy:g}",
                )
            )
        return verdicts

    @cached_property
    def _level_loss(self) -> tuple[str, float]:
        """`(what, level)` of the loss a level is judged by: the training loss's end level, or the
        validation loss's when it ends lower. Dropout, augmentation, mixup and label smoothing
        raise the training loss while they train; the model is as good as its validation shows."""
        val_end = self.end_of("val_loss") if self.has_val else None
        if val_end is not None and val_end < self.end_loss:
            return "loss and val_loss", val_end  # poor when the lower of the two is
        return "loss", self.end_loss

    @cached_property
    def f1_key(self) -> str | None:
        """An F1 score's key, the validation one first (a score between 0 and 1 only)."""
        return self._score_key(lambda key: "f1" in key.lower() and "loss" not in key.lower())

    @property
    def _training_f1_key(self) -> str | None:
        """The F1 score a level is judged by: the training one when both sets logged it, as the
        training accuracy is (a model that fits its training set perfectly lacks no capacity,
        however poor its validation score); else `f1_key`."""
        key = self.f1_key
        twin = None if key is None else key.removeprefix("val_")
        if twin != key and twin in self.curves.values and stats.is_fraction(self.curves.values[twin]):
            return twin
        return key

    @cached_property
    def _roc_auc_key(self) -> str | None:
        """A ROC AUC's key, the validation one first (a score between 0 and 1 only)."""
        return self._score_key(is_roc_auc)

    def _score_key(self, named: Callable[[str], bool]) -> str | None:
        """The first key `named` accepts whose recorded values lie between 0 and 1, the
        validation ones first."""
        keys = sorted(filter(named, self.curves.values), key=lambda key: not key.startswith("val_"))
        return next((key for key in keys if stats.is_fraction(self.curves.values[key])), None)

    def learning_rate(self, position: int = -1) -> float | None:
        """The logged learning rate at an epoch position (default: the last)."""
        return self.curves.learning_rate_at(position % self.n)

    def scalable_rate(self, position: int = -1) -> float | None:
        """The logged learning rate at a position when advice can scale it (above 0); else None: a
        schedule that ended at 0 gives no rate to lower or raise."""
        learning_rate = self.learning_rate(position)
        return learning_rate if learning_rate is not None and learning_rate > 0 else None

    def epoch_of(self, position: int) -> int:
        """The 0-based epoch number at a position."""
        return int(self.curves.epochs[position])


def format_number(value: float) -> str:
    """Four significant digits, as the progress bar shows them.

    Example:
        >>> format_number(0.000123456), format_number(2.302585), format_number(float("nan"))
        ('0.0001235', '2.303', 'nan')
    """
    return f"{value:.4g}"


def format_percent(fraction: float) -> str:
    """A change as a whole percent, with one decimal below 1% (a rise of 0.3% is not "0%").

    Example:
        >>> format_percent(0.354), format_percent(0.0033)
        ('35%', '0.3%')
    """
    return f"{fraction:.0%}" if abs(fraction) >= 0.01 else f"{fraction:.1%}"


def format_factor(times: float) -> str:
    """A ratio for `"N×"`: a whole number below 10,000, above it two significant digits with an
    exponent (an 8-digit integer is hard to read at a glance).

    Example:
        >>> format_factor(13.4), format_factor(1055.0), format_factor(69073144.0)
        ('13', '1055', '6.9e+07')
    """
    return f"{times:.0f}" if times < 10_000 else f"{times:.2g}"


def format_epoch(epoch: int) -> str:
    """`"epoch 3"` for 0-based epoch 2: messages count from 1, as the progress bar does."""
    return f"epoch {epoch + 1}"


def learning_rate_range(learning_rate: float, low: float, high: float) -> str:
    """`"0.01–0.03"`: the rate times `low` and `high`, each to one significant digit.

    Example:
        >>> learning_rate_range(0.1, 1 / 10, 1 / 3)
        '0.01–0.03'
    """
    return f"{learning_rate * low:.1g}–{learning_rate * high:.1g}"


def _stand_in_rank(key: str) -> int:
    """Which validation metric stands in for a missing `val_loss`, in order of preference: an AUC
    first (it is logged for imbalanced classes, where accuracy rewards predicting the majority),
    then an accuracy, F1, IoU, Dice, a detector's mean average precision (over IoU thresholds, as
    Ultralytics ranks its weights, before at one), a ranking metric (`NDCG@10`, `Recall@20`,
    `MRR`: a recommender's evaluation); any other last (`len(_STAND_IN_KINDS)`)."""
    return next((rank for rank, kind in enumerate(_STAND_IN_KINDS) if kind(key)), len(_STAND_IN_KINDS))


#: The names Keras gives its metrics (`AUC()` is `auc`, then `auc_1`; `F1Score()`, the IoU
#: metrics): logged without a prefix for the training set, as its accuracy is.
_KERAS_METRIC = re.compile(r"(auc|prc|f1_score|iou|(?:mean_|binary_|one_hot_|one_hot_mean_)?io_u)(_\d+)?$")


#: A recommender's or retriever's ranking metric (`NDCG@10`, `Recall@20`, `MRR`), a whole word at
#: the end of the name: not `ndcg@10_std`, a spread, nor a word that holds the letters.
_RANKING = re.compile(r"(?:^|[^a-z])(?:ndcg|mrr|(?:recall|precision|hit|hr)@\d+)(?:@\d+)?$")

#: The kinds of metric that stand in for a missing `val_loss`, in `_stand_in_rank`'s order.
_STAND_IN_KINDS = (
    is_auc,
    is_accuracy,
    lambda key: "f1" in key.lower(),
    lambda key: "iou" in key.lower(),
    lambda key: "dice" in key.lower(),
    lambda key: is_mean_average_precision(key) and "95" in key.lower(),
    is_mean_average_precision,
    lambda key: _RANKING.search(key.lower()) is not None,
)
