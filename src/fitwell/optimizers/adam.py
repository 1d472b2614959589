"""Adam with Keras's defaults and Keras's epsilon placement."""

from __future__ import annotations

import math
from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, moment_problems
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available, start_state

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014) exactly as Keras computes it.

    With `t` the step number (from 1), Keras updates
    `w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)`:
    epsilon is added to `sqrt(v)` before the bias correction ("epsilon hat").
    torch adds it after, which is the same update with an epsilon of
    `epsilon / sqrt(1 - beta_2**t)`; each step hands that value to torch's
    fused kernel. Step counts are global, as in Keras: a parameter that
    some batches leave without a gradient is still bias-corrected with the
    number of updates done.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        beta_1: Decay rate of the first-moment estimate.
        beta_2: Decay rate of the second-moment estimate.
        epsilon: Keras's epsilon, default 1e-7 (torch's default is 1e-8).
        amsgrad: Use the running maximum of the second moment.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0]))
        >>> optimizer = Adam(0.1)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.tensor([2.0])
        >>> optimizer.step()  # the first Adam step moves by about the learning rate
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
        amsgrad: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters(type(self).__name__, moment_problems(beta_1, beta_2, epsilon))
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        fused = fused_kernel_available(parameters)
        optimizer = torch.optim.Adam(
            parameters,
            lr=learning_rate,
            betas=(self.beta_1, self.beta_2),
            eps=self.epsilon,
            amsgrad=self.amsgrad,
            fused=fused or None,
            foreach=None if fused else True,
        )
        keys = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq") if self.amsgrad else ("exp_avg", "exp_avg_sq")
        start_state(optimizer, parameters, scalars={"step": 0.0}, zeros=keys, fused=fused)
        return optimizer

    def _update(self, learning_rate: float, step: int) -> None:
        del learning_rate  # already on the param groups
        epsilon = self.epsilon / math.sqrt(1.0 - self.beta_2 ** (step + 1))
        for group in self.torch_optimizer.param_groups:
            group["eps"] = epsilon
        self.torch_optimizer.step()
        self._advance_skipped_step_counts()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
