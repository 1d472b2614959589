"""Stochastic gradient descent with Keras's momentum formulation."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.base import LearningRate, Optimizer, fused_kernel_available

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum, as Keras defines it.

    Keras folds each step's learning rate into the velocity
    (`v = momentum * v - lr * g`, then `w += v`, or `w += momentum * v - lr * g`
    with Nesterov); torch keeps the velocity in gradient units and multiplies
    by the current rate. The two agree while the rate is constant; when it
    changes (a schedule, `ReduceLROnPlateau`) the torch velocity is rescaled
    by `old_lr / new_lr`, which keeps Keras's update exactly on torch's fused
    kernel. At a rate of exactly 0 (the end of a `CosineDecay`), Keras's
    velocity keeps moving the weights while it fades; that step is applied
    directly.

    Args:
        learning_rate: A float (default 0.01), a schedule or a function.
        momentum: Velocity decay in [0, 1]. 0 disables momentum.
        nesterov: Use Nesterov momentum.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0]))
        >>> optimizer = SGD(0.1, momentum=0.9)
        >>> optimizer.build([weight])
        >>> for _ in range(2):
        ...     weight.grad = torch.tensor([1.0])
        ...     optimizer.step()
        >>> weight.data  # 1 - 0.1 - (0.9 * 0.1 + 0.1)
        tensor([0.7100])
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        *,
        momentum: float = 0.0,
        nesterov: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters("SGD", in_range("momentum", momentum, high=1.0, include_high=True, default=0.0))
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        # The learning rate torch's momentum buffers are expressed in: Keras's
        # velocity is `-velocity_rate * buffer`. None while no buffer exists.
        self._velocity_rate: float | None = None

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        self._velocity_rate = None
        fused = fused_kernel_available(parameters)
        optimizer = torch.optim.SGD(
            parameters,
            lr=learning_rate,
            momentum=self.momentum,
            nesterov=self.nesterov and self.momentum > 0,
            fused=fused or None,
            foreach=None if fused else True,
        )
        if self.momentum:
            # Zero buffers from the start (Keras's velocity starts at 0, and
            # torch's `0 * momentum + g` equals its first-step copy of g): the
            # fused kernel fails when a parameter first gets a gradient after
            # the others already have buffers.
            for parameter in parameters:
                optimizer.state[parameter]["momentum_buffer"] = torch.zeros_like(parameter)
        return optimizer

    def _update(self, learning_rate: float, step: int) -> None:
        del step
        if not self.momentum:
            self.torch_optimizer.step()
            return
        if learning_rate == 0:
            self._coast()
            return
        buffers = self._buffers(self.torch_optimizer.state)
        if buffers and self._velocity_rate is not None and self._velocity_rate != learning_rate:
            torch._foreach_mul_(buffers, self._velocity_rate / learning_rate)
        self._velocity_rate = learning_rate
        self.torch_optimizer.step()

    def _coast(self) -> None:
        """Keras's step at a zero rate: `v = momentum * v`, and the weights still move by it."""
        if self._velocity_rate is None:
            return  # no velocity yet: Keras's update is exactly zero
        state = self.torch_optimizer.state
        pairs = [
            (p, state[p]["momentum_buffer"])
            for p in self._parameters
            if p.grad is not None and state.get(p, {}).get("momentum_buffer") is not None
        ]
        if not pairs:
            return
        moving, buffers = (list(items) for items in zip(*pairs, strict=True))
        torch._foreach_mul_(buffers, self.momentum)
        scale = self._velocity_rate * (self.momentum if self.nesterov else 1.0)
        torch._foreach_add_(moving, buffers, alpha=-scale)

    @staticmethod
    def _buffers(state: Any) -> list[torch.Tensor]:
        return [s["momentum_buffer"] for s in state.values() if s.get("momentum_buffer") is not None]

    def _host_state(self) -> dict[str, Any]:
        return {"velocity_rate": self._velocity_rate}

    def _load_host_state(self, state: dict[str, Any]) -> None:
        self._velocity_rate = state.get("velocity_rate")

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
