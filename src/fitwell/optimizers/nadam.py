"""Nadam as Keras defines it (not torch's NAdam defaults)."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, moment_problems
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available, start_state

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Adam with Nesterov momentum (Dozat, 2016), exactly as Keras computes it.

    Keras's momentum schedule is `mu_t = beta_1 * (1 - 0.5 * 0.96**t)`;
    torch's `NAdam` uses `0.96**(t * momentum_decay)` with
    `momentum_decay=0.004` by default, which drifts from Keras within a few
    steps. With `momentum_decay=1` torch's formula is Keras's (including
    epsilon added after the bias-corrected square root), so its foreach
    kernel runs with that setting. Step counts and the momentum product are
    global, as in Keras.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        beta_1: Decay rate of the first-moment estimate.
        beta_2: Decay rate of the second-moment estimate.
        epsilon: Added to the denominator, default 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> Nadam(2e-3).learning_rate
        0.002
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
        check_hyperparameters("Nadam", moment_problems(beta_1, beta_2, epsilon))
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        optimizer = torch.optim.NAdam(
            parameters,
            lr=learning_rate,
            betas=(self.beta_1, self.beta_2),
            eps=self.epsilon,
            momentum_decay=1.0,
            foreach=fused_kernel_available(parameters) or None,
        )
        # The momentum product too starts now, so that it stays global.
        start_state(
            optimizer, parameters, scalars={"step": 0.0, "mu_product": 1.0}, zeros=("exp_avg", "exp_avg_sq")
        )
        return optimizer

    def _update(self, learning_rate: float, step: int) -> None:
        del learning_rate
        self.torch_optimizer.step()
        skipped = self._advance_skipped_step_counts()
        if skipped:
            # Keras multiplies its one running product every step, whoever has a gradient.
            momentum = self.beta_1 * (1.0 - 0.5 * 0.96 ** (step + 1))
            state = self.torch_optimizer.state
            torch._foreach_mul_([state[p]["mu_product"] for p in skipped], momentum)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
