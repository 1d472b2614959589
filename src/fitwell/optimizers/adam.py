"""Adam with Keras's defaults and Keras's epsilon placement."""

from __future__ import annotations

import math

import torch

from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2014) exactly as Keras computes it.

    Keras adds epsilon to `sqrt(v)` before the bias correction ("epsilon
    hat"); torch adds it after. Each step therefore hands torch's fused kernel
    `epsilon * sqrt(1 - beta_2**t)`, which makes the two updates identical.

    Args:
        learning_rate: A float (default 0.001) or a schedule.
        beta_1: Decay rate of the first-moment estimate.
        beta_2: Decay rate of the second-moment estimate.
        epsilon: Keras's epsilon, default 1e-7 (torch's default is 1e-8).
        amsgrad: Use the running maximum of the second moment.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> model.compile(optimizer=Adam(learning_rate=3e-4), loss="mse")  # doctest: +SKIP
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        amsgrad: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(learning_rate, **kwargs)  # type: ignore[arg-type]
        for key, value in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"`{key}` must be in [0, 1). Received: {key}={value}")
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        fused = fused_kernel_available(parameters)
        return torch.optim.Adam(
            parameters,
            lr=learning_rate,
            betas=(self.beta_1, self.beta_2),
            eps=self.epsilon,
            amsgrad=self.amsgrad,
            fused=fused or None,
            foreach=None if fused else True,
        )

    def _before_step(self, learning_rate: float, step: int) -> None:
        del learning_rate  # already set on the param groups by the base
        epsilon = self.epsilon * math.sqrt(1.0 - self.beta_2 ** (step + 1))
        for group in self.torch_optimizer.param_groups:
            group["eps"] = epsilon

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
