"""F-scores: the weighted harmonic mean of precision and recall, per class or averaged."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.metrics.base import Metric, as_tensor
from fitwell.metrics.functional import EPSILON

__all__ = ["F1Score", "FBetaScore"]

AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F-beta score of multi-class or multi-label outputs, as Keras computes it.

    Per class, `precision = tp / (tp + fp + ε)`, `recall = tp / (tp + fn + ε)`
    and `F = (1 + β²) · P · R / (β² · P + R + ε)` with `ε = 1e-7`. Inputs are
    `(batch_size, num_classes)`: one-hot (or multi-hot) labels and scores.

    Args:
        average: `None` for one score per class, `"micro"` to pool the counts
            of every class first, `"macro"` for the plain mean of the class
            scores, `"weighted"` for their mean weighted by each class's
            (weighted) number of positive labels.
        beta: Weight of recall relative to precision, > 0.
        threshold: Outputs strictly above it count as positive. `None` marks
            each row's largest output (when it is nonzero) as the prediction.
        name: Key used in logs. Defaults to `"fbeta_score"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = FBetaScore(beta=2.0, threshold=0.5)
        >>> metric(torch.tensor([[1, 0], [1, 1]]), torch.tensor([[0.9, 0.8], [0.7, 0.2]]))
        tensor([1., 0.])
    """

    higher_is_better = True

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        *,
        threshold: float | None = None,
        name: str | None = "fbeta_score",
        dtype: torch.dtype | str | None = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        problems = []
        if average not in AVERAGES:
            problems.append(f"`average` must be one of {AVERAGES}. Received: average={average!r}")
        if isinstance(beta, bool) or not isinstance(beta, int | float) or beta <= 0:
            problems.append(f"`beta` must be a number > 0. Received: beta={beta!r}")
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1
        ):
            problems.append(
                f"`threshold` must be None or a float in (0, 1]. Received: threshold={threshold!r}"
            )
        if problems:
            raise ValueError(" ".join(problems))
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)

    @property
    def _built(self) -> bool:
        return "true_positives" in self.state_names

    def _build(self, num_classes: int) -> None:
        shape = () if self.average == "micro" else (num_classes,)
        for state in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            self.add_state(state, torch.zeros(shape, dtype=self.dtype))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = as_tensor(y_true, self._device).to(self.dtype)
        y_pred = as_tensor(y_pred, self._device).to(self.dtype)
        if y_true.dim() != 2 or y_pred.dim() != 2:
            raise ValueError(
                f"`{self.name}` expects 2-D inputs of shape (batch_size, num_classes). Received: "
                f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. One-hot encode "
                "integer labels, and give binary problems an output of shape (batch_size, 1)."
            )
        if not self._built:
            self._build(y_pred.shape[-1])
        if self.threshold is None:
            row_max = y_pred.amax(dim=-1, keepdim=True)
            predicted = (y_pred >= row_max) & (y_pred.abs() > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.to(self.dtype)
        weight = None
        if sample_weight is not None:
            weight = as_tensor(sample_weight, self._device).to(self.dtype)
            # Keras takes (N,) weights; (N, 1) or (N, C) weights broadcast as they are.
            weight = weight.unsqueeze(1) if weight.dim() == 1 else weight
        dims = None if self.average == "micro" else 0

        def weighted_sum(values: torch.Tensor) -> torch.Tensor:
            values = values if weight is None else values * weight
            return values.sum() if dims is None else values.sum(dim=dims)

        self.true_positives += weighted_sum(predicted * y_true)
        self.false_positives += weighted_sum(predicted * (1 - y_true))
        self.false_negatives += weighted_sum((1 - predicted) * y_true)
        self.intermediate_weights += weighted_sum(y_true)

    def result(self) -> torch.Tensor:
        if not self._built:
            return torch.zeros((), dtype=self.dtype, device=self._device)
        tp = self.true_positives
        precision = tp / (tp + self.false_positives + EPSILON)
        recall = tp / (tp + self.false_negatives + EPSILON)
        beta_squared = self.beta**2
        score = (precision * recall) / (beta_squared * precision + recall + EPSILON) * (1 + beta_squared)
        if self.average == "weighted":
            support = self.intermediate_weights
            return (score * (support / (support.sum() + EPSILON))).sum()
        if self.average is not None:
            return score.mean()
        return score

    def get_config(self) -> dict:
        config = {"average": self.average, "beta": self.beta, "threshold": self.threshold}
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """F1 score: the harmonic mean of precision and recall (`FBetaScore` with `beta=1`).

    Args:
        average: `None` (one score per class), `"micro"`, `"macro"` or
            `"weighted"`; see `FBetaScore`.
        threshold: Outputs strictly above it count as positive. `None` marks
            each row's largest output as the prediction.
        name: Key used in logs. Defaults to `"f1_score"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = F1Score(average="macro")
        >>> metric(torch.tensor([[1, 0], [0, 1], [0, 1]]), torch.tensor([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]]))
        tensor(0.6667)
    """

    def __init__(
        self,
        average: str | None = None,
        *,
        threshold: float | None = None,
        name: str | None = "f1_score",
        dtype: torch.dtype | str | None = None,
    ) -> None:
        super().__init__(average, 1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config
