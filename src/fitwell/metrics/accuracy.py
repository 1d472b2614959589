"""Accuracy metrics: the share of samples a classifier gets right."""

from __future__ import annotations

import torch

from fitwell.metrics import functional
from fitwell.metrics.reduction import MeanMetricWrapper

__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy"]


class Accuracy(MeanMetricWrapper):
    """Share of predictions exactly equal to the labels.

    Args:
        name: Key used in logs. Defaults to `"accuracy"`.
        dtype: State dtype.

    Example:
        >>> Accuracy()(torch.tensor([1, 2]), torch.tensor([1, 0]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(self, *, name: str | None = "accuracy", dtype: torch.dtype | None = None) -> None:
        super().__init__(functional.accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """Share of outputs on the right side of `threshold` for 0/1 labels.

    Args:
        threshold: Outputs strictly above it count as class 1. Use 0.5 for
            probabilities and 0.0 for logits.
        name: Key used in logs. Defaults to `"binary_accuracy"`.
        dtype: State dtype.

    Example:
        >>> BinaryAccuracy()(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.9], [0.6]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        threshold: float = 0.5,
        *,
        name: str | None = "binary_accuracy",
        dtype: torch.dtype | None = None,
    ) -> None:
        super().__init__(functional.binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose arg-max output matches the one-hot label.

    Args:
        name: Key used in logs. Defaults to `"categorical_accuracy"`.
        dtype: State dtype.

    Example:
        >>> CategoricalAccuracy()(torch.tensor([[0, 1]]), torch.tensor([[0.2, 0.8]]))
        tensor(1.)
    """

    higher_is_better = True

    def __init__(
        self, *, name: str | None = "categorical_accuracy", dtype: torch.dtype | None = None
    ) -> None:
        super().__init__(functional.categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose arg-max output equals the integer label.

    Args:
        name: Key used in logs. Defaults to `"sparse_categorical_accuracy"`.
        dtype: State dtype.

    Example:
        >>> SparseCategoricalAccuracy()(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self, *, name: str | None = "sparse_categorical_accuracy", dtype: torch.dtype | None = None
    ) -> None:
        super().__init__(functional.sparse_categorical_accuracy, name=name, dtype=dtype)
