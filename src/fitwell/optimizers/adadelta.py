"""Adadelta with Keras's defaults."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012) as Keras computes it.

    `E[g²] = rho E[g²] + (1 - rho) g²`, `d = sqrt(E[d²] + eps) / sqrt(E[g²] + eps) * g`,
    `E[d²] = rho E[d²] + (1 - rho) d²`, `w -= lr * d`. torch's Adadelta has
    the same formula, so its foreach kernel runs it; only the defaults
    differ (Keras: `learning_rate=0.001, rho=0.95, epsilon=1e-7`; torch:
    `lr=1.0, rho=0.9, eps=1e-6`). The paper's rule has no learning rate, i.e. 1.0.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        rho: Decay rate of both running averages.
        epsilon: Added inside both square roots, default 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> Adadelta(1.0, rho=0.9).rho
        0.9
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        rho: float = 0.95,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters(
            "Adadelta",
            in_range("rho", rho, high=1.0, include_high=True, default=0.95)
            + in_range("epsilon", epsilon, default=1e-7),
        )
        self.rho = rho
        self.epsilon = epsilon

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        return torch.optim.Adadelta(
            parameters,
            lr=learning_rate,
            rho=self.rho,
            eps=self.epsilon,
            foreach=fused_kernel_available(parameters) or None,
        )

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
