"""Adamax with Keras's defaults and Keras's epsilon placement."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, moment_problems
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available, start_state

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adamax, the infinity-norm variant of Adam (Kingma & Ba, 2014), as Keras computes it.

    Keras keeps `u = max(beta_2 * u, |g|)` and divides by `u + epsilon`;
    torch keeps `u' = max(beta_2 * u', |g| + eps)` and divides by `u'`.
    Adding `epsilon * (1 - beta_2) / beta_2` to torch's `u'` before each
    step keeps `u' = u + epsilon` exactly, so torch's foreach kernel computes
    Keras's update. Step counts are global, as in Keras.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        beta_1: Decay rate of the first-moment estimate.
        beta_2: Decay rate of the infinity norm.
        epsilon: Added to the norm, default 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0]))
        >>> optimizer = Adamax(0.1)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.tensor([2.0])
        >>> optimizer.step()
        >>> weight.data
        tensor([0.9000])
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters("Adamax", moment_problems(beta_1, beta_2, epsilon))
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        optimizer = torch.optim.Adamax(
            parameters,
            lr=learning_rate,
            betas=(self.beta_1, self.beta_2),
            eps=self.epsilon,
            foreach=fused_kernel_available(parameters) or None,
        )
        start_state(optimizer, parameters, scalars={"step": 0.0}, zeros=("exp_avg", "exp_inf"))
        return optimizer

    def _update(self, learning_rate: float, step: int) -> None:
        del learning_rate, step
        state = self.torch_optimizer.state
        norms = [state[p]["exp_inf"] for p in self._parameters if p.grad is not None]
        if norms and self.beta_2 > 0 and self.epsilon:
            # From zero (no update yet) this gives max(eps (1 - beta_2), |g| + eps) = |g| + eps: right too.
            torch._foreach_add_(norms, self.epsilon * (1.0 - self.beta_2) / self.beta_2)
        self.torch_optimizer.step()
        self._advance_skipped_step_counts()

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
