"""Confusion-matrix metrics: counts, precision, recall and their trade-offs.

All of them keep one bucket histogram (see `fitwell.metrics.counting`), so an
update costs the same for one threshold or two hundred, never syncs the
device, and merges across processes by addition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from fitwell.metrics import counting
from fitwell.metrics.base import Metric
from fitwell.metrics.counting import ConfusionCounts, ThresholdBuckets
from fitwell.metrics.functional import divide_no_nan

__all__ = [
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "PrecisionAtRecall",
    "Recall",
    "RecallAtPrecision",
    "SensitivityAtSpecificity",
    "SpecificityAtSensitivity",
    "TrueNegatives",
    "TruePositives",
]

Thresholds = float | Sequence[float] | None


def _threshold_grid(thresholds: Thresholds, default: float) -> tuple[list[float], bool]:
    """The threshold list (validated) and whether Keras would take its evenly-spaced path."""
    if thresholds is None:
        return [default], False
    try:
        values = list(thresholds)  # a list, tuple or array
    except TypeError:
        values = [thresholds]  # a single number
    counting.check_thresholds(values)
    values = [float(value) for value in values]
    return values, counting.evenly_spaced(values)


def _top_k_grid(thresholds: Thresholds, top_k: int | None) -> tuple[list[float], bool]:
    """`Precision`/`Recall`'s grid: with `top_k` and no thresholds, every output in the top k is positive."""
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"`top_k` must be a positive integer or None. Received: top_k={top_k!r}")
    return _threshold_grid(thresholds, 0.5 if top_k is None else counting.NEG_INF)


def _floor_grid(argument: str, floor: float, num_thresholds: int) -> tuple[list[float], bool]:
    """Check a rate floor; then `0, 1/(n-1), …, 1`, or 0.5 alone (Keras's `SensitivitySpecificityBase`)."""
    if not 0 <= floor <= 1:
        raise ValueError(f"`{argument}` must be in the range [0, 1]. Received: {argument}={floor}")
    if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 0:
        raise ValueError(
            f"`num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds!r}"
        )
    if num_thresholds == 1:
        return [0.5], False
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0, *inner, 1.0], True


class _ThresholdMetric(Metric):
    """Shared machinery: a threshold grid, a histogram state and the four counts.

    Concrete metrics pass their grid and implement `result()` from
    `self.counts()`; `_config` holds their constructor arguments.
    """

    def __init__(
        self,
        thresholds: list[float],
        *,
        evenly: bool,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None,
        dtype: torch.dtype | str | None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.top_k = top_k
        self.class_id = class_id
        self._config: dict[str, Any] = {}
        self._buckets = ThresholdBuckets(thresholds, evenly=evenly, padded=False, dtype=self.dtype)
        self.add_state("histogram", torch.zeros(len(thresholds) + 1, 2, dtype=self.dtype))

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, in the order of vector results."""
        return list(self._buckets.thresholds)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        labels, scores, weights = counting.confusion_inputs(
            y_true,
            y_pred,
            sample_weight,
            dtype=self.dtype,
            device=self._device,
            top_k=self.top_k,
            class_id=self.class_id,
            name=self.name,
        )
        self._buckets.add(self.histogram, scores, labels, weights)

    def counts(self) -> ConfusionCounts:
        """True/false positives/negatives so far, one entry per threshold."""
        return self._buckets.counts(self.histogram)

    @property
    def true_positives(self) -> torch.Tensor:
        """Weighted true positives at each threshold."""
        return self.counts().true_positives

    @property
    def false_positives(self) -> torch.Tensor:
        """Weighted false positives at each threshold."""
        return self.counts().false_positives

    @property
    def true_negatives(self) -> torch.Tensor:
        """Weighted true negatives at each threshold."""
        return self.counts().true_negatives

    @property
    def false_negatives(self) -> torch.Tensor:
        """Weighted false negatives at each threshold."""
        return self.counts().false_negatives

    def _rates(self) -> dict[str, torch.Tensor]:
        tp, fp, tn, fn = self.counts()
        return {
            "recall": divide_no_nan(tp, tp + fn),
            "precision": divide_no_nan(tp, tp + fp),
            "specificity": divide_no_nan(tn, tn + fp),
        }

    def _best_rate(self, rate: str, *, where: str, floor: float) -> torch.Tensor:
        """Largest `rate` among thresholds whose `where` rate is at least `floor`; 0 if none is."""
        rates = self._rates()
        feasible = torch.where(rates[where] >= floor, rates[rate], torch.zeros_like(rates[rate]))
        return feasible.amax().clamp(min=0.0)

    def _per_threshold(self, values: torch.Tensor) -> torch.Tensor:
        # Keras returns a scalar for a single threshold and a vector otherwise.
        return values[0] if len(self._buckets) == 1 else values

    def to(self, device: torch.device | str) -> _ThresholdMetric:
        super().to(device)
        self._buckets.to(self._device)
        return self

    def get_config(self) -> dict:
        return {**super().get_config(), **self._config}


class TruePositives(_ThresholdMetric):
    """Weighted number of positive labels predicted positive (`y_pred > threshold`).

    Labels count as positive when nonzero. Every element counts, so `(N, C)`
    inputs make `N·C` decisions.

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; a list gives
            one count per threshold. Defaults to 0.5.
        name: Key used in logs. Defaults to `"true_positives"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> TruePositives()(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        tensor(2.)
    """

    higher_is_better = True

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _threshold_grid(thresholds, 0.5)
        super().__init__(values, evenly=evenly, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self.counts().true_positives)


class FalsePositives(_ThresholdMetric):
    """Weighted number of negative labels predicted positive (`y_pred > threshold`).

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; a list gives
            one count per threshold. Defaults to 0.5.
        name: Key used in logs. Defaults to `"false_positives"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> FalsePositives()(torch.tensor([0, 1, 0, 0]), torch.tensor([0.0, 0.0, 1.0, 1.0]))
        tensor(2.)
    """

    higher_is_better = False

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _threshold_grid(thresholds, 0.5)
        super().__init__(values, evenly=evenly, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self.counts().false_positives)


class TrueNegatives(_ThresholdMetric):
    """Weighted number of negative labels predicted negative (`y_pred <= threshold`).

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; a list gives
            one count per threshold. Defaults to 0.5.
        name: Key used in logs. Defaults to `"true_negatives"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> TrueNegatives()(torch.tensor([0, 1, 0, 0]), torch.tensor([0.0, 0.0, 1.0, 0.0]))
        tensor(2.)
    """

    higher_is_better = True

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _threshold_grid(thresholds, 0.5)
        super().__init__(values, evenly=evenly, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self.counts().true_negatives)


class FalseNegatives(_ThresholdMetric):
    """Weighted number of positive labels predicted negative (`y_pred <= threshold`).

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; a list gives
            one count per threshold. Defaults to 0.5.
        name: Key used in logs. Defaults to `"false_negatives"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> FalseNegatives()(torch.tensor([0, 1, 1, 1]), torch.tensor([0.0, 1.0, 0.0, 0.0]))
        tensor(2.)
    """

    higher_is_better = False

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _threshold_grid(thresholds, 0.5)
        super().__init__(values, evenly=evenly, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self.counts().false_negatives)


class Precision(_ThresholdMetric):
    """Share of predicted positives that are positive: `tp / (tp + fp)` (0 when undefined).

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; outputs strictly
            above count as positive. A list gives a vector result. Defaults
            to 0.5, or to "every output in the top k" when `top_k` is set.
        top_k: Only the `k` highest outputs of each row can be positive.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"precision"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> Precision()(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        tensor(0.6667)
    """

    higher_is_better = True

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _top_k_grid(thresholds, top_k)
        super().__init__(values, evenly=evenly, top_k=top_k, class_id=class_id, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds, "top_k": top_k, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self._rates()["precision"])


class Recall(_ThresholdMetric):
    """Share of positives predicted positive: `tp / (tp + fn)` (0 when undefined).

    Args:
        thresholds: A float or a list of floats in `[0, 1]`; outputs strictly
            above count as positive. A list gives a vector result. Defaults
            to 0.5, or to "every output in the top k" when `top_k` is set.
        top_k: Only the `k` highest outputs of each row can be positive.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"recall"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> Recall()(torch.tensor([0, 1, 1, 1]), torch.tensor([1.0, 0.0, 1.0, 1.0]))
        tensor(0.6667)
    """

    higher_is_better = True

    def __init__(
        self,
        thresholds: Thresholds = None,
        *,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _top_k_grid(thresholds, top_k)
        super().__init__(values, evenly=evenly, top_k=top_k, class_id=class_id, name=name, dtype=dtype)
        self._config = {"thresholds": thresholds, "top_k": top_k, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._per_threshold(self._rates()["recall"])


class PrecisionAtRecall(_ThresholdMetric):
    """Best precision among thresholds whose recall is at least `recall`.

    Args:
        recall: The recall floor, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds tried. Defaults to 200.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"precision_at_recall"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = PrecisionAtRecall(0.5)
        >>> metric(torch.tensor([0, 0, 0, 1, 1]), torch.tensor([0.0, 0.3, 0.8, 0.3, 0.8]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        recall: float,
        *,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _floor_grid("recall", recall, num_thresholds)
        super().__init__(values, evenly=evenly, class_id=class_id, name=name, dtype=dtype)
        self.recall = recall
        self.num_thresholds = num_thresholds
        self._config = {"recall": recall, "num_thresholds": num_thresholds, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._best_rate("precision", where="recall", floor=self.recall)


class RecallAtPrecision(_ThresholdMetric):
    """Best recall among thresholds whose precision is at least `precision`.

    Args:
        precision: The precision floor, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds tried. Defaults to 200.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"recall_at_precision"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = RecallAtPrecision(0.8)
        >>> metric(torch.tensor([0, 0, 1, 1]), torch.tensor([0.0, 0.5, 0.3, 0.9]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        precision: float,
        *,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _floor_grid("precision", precision, num_thresholds)
        super().__init__(values, evenly=evenly, class_id=class_id, name=name, dtype=dtype)
        self.precision = precision
        self.num_thresholds = num_thresholds
        self._config = {"precision": precision, "num_thresholds": num_thresholds, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._best_rate("recall", where="precision", floor=self.precision)


class SensitivityAtSpecificity(_ThresholdMetric):
    """Best sensitivity (recall) among thresholds whose specificity is at least `specificity`.

    Args:
        specificity: The specificity floor, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds tried. Defaults to 200.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"sensitivity_at_specificity"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = SensitivityAtSpecificity(0.5)
        >>> metric(torch.tensor([0, 0, 1, 1]), torch.tensor([0.0, 0.5, 0.3, 0.9]))
        tensor(1.)
    """

    higher_is_better = True

    def __init__(
        self,
        specificity: float,
        *,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _floor_grid("specificity", specificity, num_thresholds)
        super().__init__(values, evenly=evenly, class_id=class_id, name=name, dtype=dtype)
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        self._config = {"specificity": specificity, "num_thresholds": num_thresholds, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._best_rate("recall", where="specificity", floor=self.specificity)


class SpecificityAtSensitivity(_ThresholdMetric):
    """Best specificity among thresholds whose sensitivity (recall) is at least `sensitivity`.

    Args:
        sensitivity: The sensitivity floor, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds tried. Defaults to 200.
        class_id: Measure only this column of `(N, C)` outputs.
        name: Key used in logs. Defaults to `"specificity_at_sensitivity"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = SpecificityAtSensitivity(0.5)
        >>> metric(torch.tensor([0, 0, 1, 1]), torch.tensor([0.0, 0.5, 0.3, 0.9]))
        tensor(1.)
    """

    higher_is_better = True

    def __init__(
        self,
        sensitivity: float,
        *,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
    ) -> None:
        values, evenly = _floor_grid("sensitivity", sensitivity, num_thresholds)
        super().__init__(values, evenly=evenly, class_id=class_id, name=name, dtype=dtype)
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        self._config = {"sensitivity": sensitivity, "num_thresholds": num_thresholds, "class_id": class_id}

    def result(self) -> torch.Tensor:
        return self._best_rate("specificity", where="recall", floor=self.sensitivity)
