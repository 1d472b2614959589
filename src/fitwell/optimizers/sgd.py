"""Stochastic gradient descent with Keras's momentum formulation."""

from __future__ import annotations

import torch

from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum, as Keras defines it.

    Keras folds each step's learning rate into the velocity
    (`m = momentum * m - lr * g`); torch keeps the velocity in gradient units
    and multiplies by the current rate. The two agree while the rate is
    constant; when it changes (a schedule, `ReduceLROnPlateau`) the torch
    velocity is rescaled by `old_lr / new_lr`, which keeps Keras's update
    exactly while still using torch's fused kernel.

    Args:
        learning_rate: A float (default 0.01) or a schedule.
        momentum: Velocity decay in [0, 1]. 0 disables momentum.
        nesterov: Use Nesterov momentum.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> model.compile(optimizer=SGD(0.1, momentum=0.9), loss="mse")  # doctest: +SKIP
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(learning_rate, **kwargs)  # type: ignore[arg-type]
        if isinstance(momentum, bool) or not 0.0 <= momentum <= 1.0:
            raise ValueError(f"`momentum` must be a float in [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = nesterov
        self._previous_learning_rate: float | None = None

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        self._previous_learning_rate = None
        fused = fused_kernel_available(parameters)
        return torch.optim.SGD(
            parameters,
            lr=learning_rate,
            momentum=self.momentum,
            nesterov=self.nesterov,
            fused=fused or None,
            foreach=None if fused else True,
        )

    def _before_step(self, learning_rate: float, step: int) -> None:
        del step
        previous = self._previous_learning_rate
        self._previous_learning_rate = learning_rate
        if not self.momentum or previous is None or previous == learning_rate:
            return
        buffers = [
            state["momentum_buffer"]
            for state in self.torch_optimizer.state.values()
            if state.get("momentum_buffer") is not None
        ]
        if buffers and learning_rate > 0:
            torch._foreach_mul_(buffers, previous / learning_rate)

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
