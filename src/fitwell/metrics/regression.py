"""Regression metrics: running means of per-sample errors."""

from __future__ import annotations

import torch

from fitwell.losses import functional as loss_functions
from fitwell.metrics.reduction import MeanMetricWrapper

__all__ = ["MeanAbsoluteError", "MeanSquaredError"]


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of squared errors.

    Args:
        name: Key used in logs. Defaults to `"mean_squared_error"`.
        dtype: State dtype.

    Example:
        >>> MeanSquaredError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(5.)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_squared_error", dtype: torch.dtype | None = None) -> None:
        super().__init__(loss_functions.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of absolute errors.

    Args:
        name: Key used in logs. Defaults to `"mean_absolute_error"`.
        dtype: State dtype.

    Example:
        >>> MeanAbsoluteError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(2.)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_absolute_error", dtype: torch.dtype | None = None) -> None:
        super().__init__(loss_functions.mean_absolute_error, name=name, dtype=dtype)
