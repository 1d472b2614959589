"""Losses for regression targets."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.losses import functional
from fitwell.losses.base import Loss, check_axis

__all__ = [
    "CosineSimilarity",
    "Huber",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
]


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


class MeanAbsolutePercentageError(Loss):
    """Mean absolute error relative to the target, in percent.

    Targets of magnitude below 1e-7 are treated as 1e-7.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"mean_absolute_percentage_error"`.

    Example:
        >>> MeanAbsolutePercentageError()(torch.tensor([[100.0], [200.0]]), torch.tensor([[90.0], [210.0]]))
        tensor(7.5000)
    """

    def __init__(
        self,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_absolute_percentage_error",
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.mean_absolute_percentage_error(y_true, y_pred)


class MeanSquaredLogarithmicError(Loss):
    """Mean squared error between `log(1 + y_true)` and `log(1 + y_pred)`.

    Useful for positive targets spanning orders of magnitude; values below
    1e-7 are treated as 1e-7.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"mean_squared_logarithmic_error"`.

    Example:
        >>> MeanSquaredLogarithmicError()(torch.tensor([[0.0]]), torch.tensor([[0.0]]))
        tensor(0.)
    """

    def __init__(
        self,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "mean_squared_logarithmic_error",
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.mean_squared_logarithmic_error(y_true, y_pred)


class Huber(Loss):
    """Huber loss: squared error near the target, absolute error far away.

    Less sensitive to outliers than `MeanSquaredError`.

    Args:
        delta: Error size at which the loss turns from quadratic to linear.
            Must be positive.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"huber_loss"` (Keras's name;
            the string `"huber"` logs as `huber`).

    Example:
        >>> Huber(delta=1.0)(torch.tensor([0.0, 0.0]), torch.tensor([0.5, 3.0]))
        tensor(1.3125)
    """

    def __init__(
        self,
        delta: float = 1.0,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "huber_loss",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        if isinstance(delta, bool) or not delta > 0:
            raise ValueError(f"`delta` must be a positive number. Received: delta={delta!r}")
        self.delta = float(delta)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.huber(y_true, y_pred, delta=self.delta)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "delta": self.delta}


class LogCosh(Loss):
    """Mean of `log(cosh(error))`: about `error²/2` for small errors, `|error| - log 2` for large.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"log_cosh"`.

    Example:
        >>> LogCosh()(torch.tensor([[0.0]]), torch.tensor([[0.0]]))
        tensor(0.)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "log_cosh"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.log_cosh(y_true, y_pred)


class CosineSimilarity(Loss):
    """Negative cosine similarity: -1 when prediction and target point the same way.

    A zero vector on either side gives 0.

    Args:
        axis: The axis along which the similarity is computed.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"cosine_similarity"`.

    Example:
        >>> CosineSimilarity()(torch.tensor([[0.0, 1.0], [1.0, 1.0]]), torch.tensor([[1.0, 0.0], [1.0, 1.0]]))
        tensor(-0.5000)
    """

    def __init__(
        self,
        axis: int = -1,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "cosine_similarity",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.cosine_similarity(y_true, y_pred, axis=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
