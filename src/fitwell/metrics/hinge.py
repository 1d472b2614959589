"""Hinge metrics for maximum-margin classifiers (labels -1/+1, or 0/1 converted)."""

from __future__ import annotations

import torch

from fitwell.losses import functional as loss_functions
from fitwell.metrics.reduction import MeanMetricWrapper

__all__ = ["CategoricalHinge", "Hinge", "SquaredHinge"]

Dtype = torch.dtype | str | None


class Hinge(MeanMetricWrapper):
    """Running mean of `max(1 - y_true · y_pred, 0)`.

    Labels are -1/+1; when every label of a batch is 0 or 1 they are mapped
    to -1/+1 first, as Keras does.

    Args:
        name: Key used in logs. Defaults to `"hinge"`.
        dtype: State dtype.

    Example:
        >>> Hinge()(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.5], [0.5]]))
        tensor(1.)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "hinge", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running mean of `max(1 - y_true · y_pred, 0)²` (0/1 labels mapped to -1/+1).

    Args:
        name: Key used in logs. Defaults to `"squared_hinge"`.
        dtype: State dtype.

    Example:
        >>> SquaredHinge()(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.5], [0.5]]))
        tensor(1.2500)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "squared_hinge", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of `max(best wrong-class output - true-class output + 1, 0)` for one-hot labels.

    Args:
        name: Key used in logs. Defaults to `"categorical_hinge"`.
        dtype: State dtype.

    Example:
        >>> CategoricalHinge()(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.7]]))
        tensor(0.6000)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "categorical_hinge", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.categorical_hinge, name=name, dtype=dtype)
