"""Accuracy metrics: the share of samples a classifier gets right."""

from __future__ import annotations

import torch

from fitwell.metrics import functional
from fitwell.metrics.reduction import MeanMetricWrapper

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
]

Dtype = torch.dtype | str | None


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

    def __init__(self, *, name: str | None = "accuracy", dtype: Dtype = None) -> None:
        super().__init__(functional.accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """Share of outputs on the right side of `threshold` for 0/1 labels.

    The comparison is strict (`y_pred > threshold`) and, as in Keras, the
    threshold is a float32: with `threshold=0.3` an output of 0.3 counts as 0.

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
        self, threshold: float = 0.5, *, name: str | None = "binary_accuracy", dtype: Dtype = None
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

    def __init__(self, *, name: str | None = "categorical_accuracy", dtype: Dtype = None) -> None:
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

    def __init__(self, *, name: str | None = "sparse_categorical_accuracy", dtype: Dtype = None) -> None:
        super().__init__(functional.sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose one-hot label's class is among the `k` highest outputs.

    An output tied with the k-th highest counts as in the top k. A `k` of
    at least the number of classes makes every sample a hit.

    Args:
        k: How many of the highest outputs count. Defaults to 5.
        name: Key used in logs. Defaults to `"top_k_categorical_accuracy"`.
        dtype: State dtype.

    Example:
        >>> metric = TopKCategoricalAccuracy(k=2)
        >>> metric(torch.tensor([[0, 0, 1], [0, 1, 0]]), torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self, k: int = 5, *, name: str | None = "top_k_categorical_accuracy", dtype: Dtype = None
    ) -> None:
        super().__init__(functional.top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose integer label is among the `k` highest outputs.

    Args:
        k: How many of the highest outputs count. Defaults to 5.
        name: Key used in logs. Defaults to `"sparse_top_k_categorical_accuracy"`.
        dtype: State dtype.
        from_sorted_ids: `y_pred` holds class ids sorted by score, best first,
            instead of scores.

    Example:
        >>> metric = SparseTopKCategoricalAccuracy(k=2)
        >>> metric(torch.tensor([2, 1]), torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        k: int = 5,
        *,
        name: str | None = "sparse_top_k_categorical_accuracy",
        dtype: Dtype = None,
        from_sorted_ids: bool = False,
    ) -> None:
        super().__init__(
            functional.sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
