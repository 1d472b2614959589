"""Hinge losses, for classifiers trained as maximum-margin scorers."""

from __future__ import annotations

import torch

from fitwell.losses import functional
from fitwell.losses.base import Loss

__all__ = ["CategoricalHinge", "Hinge", "SquaredHinge"]


class Hinge(Loss):
    """Mean of `max(1 - y_true · y_pred, 0)` for -1/+1 targets and raw scores.

    0/1 targets are turned into -1/+1 when every target in the batch is 0
    or 1, as Keras does.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"hinge"`.

    Example:
        >>> Hinge()(torch.tensor([[0.0, 1.0]]), torch.tensor([[-2.0, 0.5]]))
        tensor(0.2500)
    """

    def __init__(self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "hinge") -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.hinge(y_true, y_pred)


class SquaredHinge(Loss):
    """Mean of `max(1 - y_true · y_pred, 0)²`; targets as for `Hinge`.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"squared_hinge"`.

    Example:
        >>> SquaredHinge()(torch.tensor([[0.0, 1.0]]), torch.tensor([[-2.0, 0.5]]))
        tensor(0.1250)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "squared_hinge"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.squared_hinge(y_true, y_pred)


class CategoricalHinge(Loss):
    """Multi-class hinge: the best wrong score should trail the true score by 1.

    Per sample: `max(max((1 - y_true) · y_pred) - sum(y_true · y_pred) + 1, 0)`
    for one-hot `y_true`.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"categorical_hinge"`.

    Example:
        >>> CategoricalHinge()(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.7]]))
        tensor(0.6000)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "categorical_hinge"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.categorical_hinge(y_true, y_pred)
