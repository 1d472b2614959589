"""Losses for regression targets."""

from __future__ import annotations

import torch

from fitwell.losses import functional
from fitwell.losses.base import Loss

__all__ = ["MeanAbsoluteError", "MeanSquaredError"]


class MeanSquaredError(Loss):
    """Mean of squared errors over the last axis, then over the batch.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"mean_squared_error"`.

    Example:
        >>> MeanSquaredError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(5.)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "mean_squared_error"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.mean_squared_error(y_true, y_pred)


class MeanAbsoluteError(Loss):
    """Mean of absolute errors over the last axis, then over the batch.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"mean_absolute_error"`.

    Example:
        >>> MeanAbsoluteError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(2.)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "mean_absolute_error"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.mean_absolute_error(y_true, y_pred)
