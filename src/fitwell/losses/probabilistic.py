"""Losses between distributions and for count data."""

from __future__ import annotations

import torch

from fitwell.losses import functional
from fitwell.losses.base import Loss

__all__ = ["KLDivergence", "Poisson"]


class KLDivergence(Loss):
    """Kullback-Leibler divergence `sum(y_true · log(y_true / y_pred))` over the last axis.

    Both sides are clipped to `[1e-7, 1]` first, as Keras does.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"kl_divergence"`.

    Example:
        >>> KLDivergence()(torch.tensor([[1.0, 0.0]]), torch.tensor([[0.5, 0.5]]))
        tensor(0.6931)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "kl_divergence"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.kl_divergence(y_true, y_pred)


class Poisson(Loss):
    """Poisson negative log-likelihood (up to a constant) for count targets and positive rates.

    Per sample: `mean(y_pred - y_true · log(y_pred + 1e-7))`.

    Args:
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"poisson"`.

    Example:
        >>> Poisson()(torch.tensor([[0.0]]), torch.tensor([[2.0]]))
        tensor(2.)
    """

    def __init__(
        self, *, reduction: str | None = "sum_over_batch_size", name: str | None = "poisson"
    ) -> None:
        super().__init__(reduction=reduction, name=name)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.poisson(y_true, y_pred)
