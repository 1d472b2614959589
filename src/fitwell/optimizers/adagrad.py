"""Adagrad with Keras's defaults and epsilon inside the square root."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011) exactly as Keras computes it.

    Keras accumulates `a += g**2` from `initial_accumulator_value` and
    updates `w -= lr * g / sqrt(a + epsilon)`; torch divides by
    `sqrt(a) + eps`. Starting torch's accumulator at
    `initial_accumulator_value + epsilon` and giving it `eps=0` makes torch's
    accumulator equal `a + epsilon` at every step, so its fused kernel
    computes Keras's update.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        initial_accumulator_value: Starting value of the squared-gradient sum.
        epsilon: Added inside the square root, default 1e-7.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0]))
        >>> optimizer = Adagrad(0.1, initial_accumulator_value=0.0, epsilon=0.0)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.tensor([2.0])
        >>> optimizer.step()  # 1 - 0.1 * 2 / sqrt(4)
        >>> weight.data
        tensor([0.9000])
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters(
            "Adagrad",
            in_range("initial_accumulator_value", initial_accumulator_value, default=0.1)
            + in_range("epsilon", epsilon, default=1e-7),
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        fused = fused_kernel_available(parameters)
        return torch.optim.Adagrad(
            parameters,
            lr=learning_rate,
            initial_accumulator_value=self.initial_accumulator_value + self.epsilon,
            eps=0.0,
            fused=fused or None,
            foreach=None if fused else True,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
