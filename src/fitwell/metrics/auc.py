"""Area under the ROC or precision-recall curve, approximated on a threshold grid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from fitwell.metrics import counting
from fitwell.metrics.base import Metric, as_tensor
from fitwell.metrics.counting import ConfusionCounts, ThresholdBuckets
from fitwell.metrics.functional import EPSILON, divide_no_nan

__all__ = ["AUC"]

CURVES = ("ROC", "PR", "PRGAIN")
SUMMATION_METHODS = ("interpolation", "minoring", "majoring")


def _interpolated_pr_auc(counts: ConfusionCounts) -> torch.Tensor:
    """Davis & Goadrich (2006): precision interpolated between grid points, per label."""
    tp, fp, _, fn = counts
    dtp = tp[:-1] - tp[1:]
    predicted = tp + fp
    slope = divide_no_nan(dtp, (predicted[:-1] - predicted[1:]).clamp(min=0))
    intercept = tp[1:] - slope * predicted[1:]
    both_positive = (predicted[:-1] > 0) & (predicted[1:] > 0)
    ratio = torch.where(
        both_positive,
        divide_no_nan(predicted[:-1], predicted[1:].clamp(min=0)),
        torch.ones_like(predicted[1:]),
    )
    increments = divide_no_nan(slope * (dtp + intercept * ratio.log()), (tp[1:] + fn[1:]).clamp(min=0))
    return increments.sum(dim=0)


def _curve_points(counts: ConfusionCounts, curve: str) -> tuple[torch.Tensor, torch.Tensor]:
    tp, fp, tn, fn = counts
    recall = divide_no_nan(tp, tp + fn)
    if curve == "ROC":
        return divide_no_nan(fp, fp + tn), recall
    if curve == "PR":
        return recall, divide_no_nan(tp, tp + fp)
    # Precision-recall-gain curve (Flach & Kull, 2015).
    scale = divide_no_nan(tp + fn, tn + fp)
    recall_gain = 1.0 - scale * divide_no_nan(fn, tp)
    precision_gain = 1.0 - scale * divide_no_nan(fp, tp)
    no_tp = tp == 0
    recall_gain = torch.where(no_tp, torch.zeros_like(recall_gain), recall_gain).clamp(min=0.0)
    precision_gain = torch.where(no_tp, torch.ones_like(precision_gain), precision_gain)
    return recall_gain, precision_gain


def _riemann_auc(counts: ConfusionCounts, curve: str, summation_method: str) -> torch.Tensor:
    x, y = _curve_points(counts, curve)
    if summation_method == "interpolation":
        heights = (y[:-1] + y[1:]) / 2.0
    elif summation_method == "minoring":
        heights = torch.minimum(y[:-1], y[1:])
    else:
        heights = torch.maximum(y[:-1], y[1:])
    return ((x[:-1] - x[1:]) * heights).sum(dim=0)


def _choice(argument: str, value: Any, choices: tuple[str, ...]) -> str:
    matches = [choice for choice in choices if isinstance(value, str) and value.lower() == choice.lower()]
    if not matches:
        raise ValueError(f"`{argument}` must be one of {choices}. Received: {argument}={value!r}")
    return matches[0]


class AUC(Metric):
    """Area under the ROC (or precision-recall) curve, as Keras computes it.

    The curve is evaluated at `num_thresholds` thresholds spread evenly over
    `[0, 1]` (plus `-1e-7` and `1 + 1e-7` at the ends) and integrated with a
    Riemann sum; for `curve="PR"` with interpolation, precision is
    interpolated between points as Davis & Goadrich (2006). Labels count as
    positive when nonzero. An update buckets the batch once (no loop over
    thresholds) and never syncs the device.

    Args:
        num_thresholds: Number of thresholds, > 1. Defaults to 200.
        curve: `"ROC"`, `"PR"` or `"PRGAIN"` (any case).
        summation_method: `"interpolation"`, `"minoring"` or `"majoring"`.
        name: Key used in logs. Defaults to `"auc"`.
        dtype: State dtype. Defaults to float32.
        thresholds: Explicit thresholds in `[0, 1]` instead of an even grid;
            `num_thresholds` becomes `len(thresholds) + 2`.
        multi_label: Treat each column of `(N, L)` outputs as its own
            problem and average the L areas (weighted by `label_weights`).
            When False, all elements are pooled into one curve.
        num_labels: Number of columns when `multi_label=True`; otherwise
            taken from the first batch.
        label_weights: One weight per column: weights the pooled elements
            when `multi_label=False`, the per-label areas otherwise.
        from_logits: Apply a sigmoid to the outputs first.

    Example:
        >>> metric = AUC(num_thresholds=3)
        >>> metric(torch.tensor([0, 0, 1, 1]), torch.tensor([0.0, 0.5, 0.3, 0.9]))
        tensor(0.7500)
    """

    higher_is_better = True

    def __init__(
        self,
        num_thresholds: int = 200,
        *,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
        thresholds: Sequence[float] | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Sequence[float] | torch.Tensor | None = None,
        from_logits: bool = False,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        self.curve = _choice("curve", curve, CURVES)
        self.summation_method = _choice("summation_method", summation_method, SUMMATION_METHODS)
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            counting.check_thresholds(inner)
            evenly = counting.evenly_spaced([0.0, *inner, 1.0])
            num_thresholds = len(inner) + 2
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    f"`num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds!r}"
                )
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            evenly = True
        if num_labels is not None and not multi_label:
            raise ValueError(
                f"`num_labels` is only used with `multi_label=True`. Received: num_labels={num_labels}, "
                "multi_label=False. Drop `num_labels`, or pass multi_label=True."
            )
        self.num_thresholds = num_thresholds
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.from_logits = from_logits
        self._explicit_thresholds = thresholds
        self._buckets = ThresholdBuckets(
            [0.0 - EPSILON, *inner, 1.0 + EPSILON], evenly=evenly, padded=True, dtype=self.dtype
        )
        self.label_weights = (
            None
            if label_weights is None
            else torch.as_tensor(label_weights, dtype=self.dtype).detach().clone()
        )
        if not multi_label:
            self.add_state("histogram", torch.zeros(num_thresholds + 1, 2, dtype=self.dtype))
        elif num_labels is not None:
            self._build_multi_label(num_labels)

    def _build_multi_label(self, labels: int) -> None:
        self.add_state("histogram", torch.zeros(self.num_thresholds + 1, labels, 2, dtype=self.dtype))

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, including the padded ends."""
        return list(self._buckets.thresholds)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = as_tensor(y_pred, self._device)
        if self.from_logits:
            y_pred = torch.sigmoid(y_pred if y_pred.is_floating_point() else y_pred.float())
        if self.multi_label:
            self._check_multi_label(y_pred)
        labels, scores, weights = counting.confusion_inputs(
            y_true,
            y_pred,
            sample_weight,
            dtype=self.dtype,
            device=self._device,
            label_weights=None if self.multi_label else self.label_weights,
            name=self.name,
        )
        self._buckets.add(self.histogram, scores, labels, weights)

    def _check_multi_label(self, y_pred: torch.Tensor) -> None:
        if y_pred.dim() != 2:
            raise ValueError(
                "`y_pred` must have rank 2 (batch_size, num_labels) when `multi_label=True`. "
                f"Received: y_pred.shape={tuple(y_pred.shape)}. Reshape the outputs, or pass "
                "multi_label=False to pool every element into one curve."
            )
        if "histogram" not in self.state_names:
            self._build_multi_label(y_pred.shape[1])
        elif y_pred.shape[1] != self.histogram.shape[1]:
            raise ValueError(
                f"`{self.name}` was built for {self.histogram.shape[1]} labels. Received: "
                f"y_pred.shape={tuple(y_pred.shape)}. Use one AUC per output width."
            )

    def counts(self) -> ConfusionCounts:
        """True/false positives/negatives at each threshold (by label when `multi_label`)."""
        if "histogram" not in self.state_names:
            empty = torch.zeros(self.num_thresholds, 0, dtype=self.dtype, device=self._device)
            return ConfusionCounts(empty, empty, empty, empty)
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

    def result(self) -> torch.Tensor:
        if "histogram" not in self.state_names:
            return torch.zeros((), dtype=self.dtype, device=self._device)
        counts = self.counts()
        if self.curve == "PR" and self.summation_method == "interpolation":
            by_label = _interpolated_pr_auc(counts)
        else:
            by_label = _riemann_auc(counts, self.curve, self.summation_method)
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return by_label.mean()
        return divide_no_nan((by_label * self.label_weights).sum(), self.label_weights.sum())

    def to(self, device: torch.device | str) -> AUC:
        super().to(device)
        self._buckets.to(self._device)
        if self.label_weights is not None:
            self.label_weights = self.label_weights.to(self._device)
        return self

    def get_config(self) -> dict:
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self.from_logits,
        }
        if self._explicit_thresholds is not None:
            config["thresholds"] = list(self._explicit_thresholds)
        return {**super().get_config(), **config}
