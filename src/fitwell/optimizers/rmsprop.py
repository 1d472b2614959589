"""RMSprop exactly as Keras computes it (epsilon inside the square root)."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.base import LearningRate, Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012) with Keras's formula and defaults.

    `v = rho v + (1 - rho) g²`; centered: `a = rho a + (1 - rho) g` and
    `d = v - a² + epsilon`, else `d = v + epsilon`; the increment is
    `lr * g / sqrt(d)`. With momentum, `m = momentum * m + increment` and
    `w -= m`, else `w -= increment`.

    torch's `RMSprop` adds its epsilon outside the square root and keeps its
    momentum buffer without the learning rate, and no per-step setting
    reconciles the two, so this runs Keras's formula as a short foreach
    kernel of our own (one pass of `torch._foreach_*` ops over all
    parameters).

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        rho: Decay rate of the running averages, default 0.9 (torch: 0.99).
        momentum: Momentum in [0, 1]; 0 disables it.
        epsilon: Added inside the square root, default 1e-7.
        centered: Divide by the estimated variance instead of the raw second
            moment.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0]))
        >>> optimizer = RMSprop(0.1, epsilon=0.0)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.tensor([2.0])
        >>> optimizer.step()  # 1 - 0.1 * 2 / sqrt(0.1 * 4)
        >>> weight.data
        tensor([0.6838])
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters(
            "RMSprop",
            in_range("rho", rho, high=1.0, default=0.9)
            + in_range("momentum", momentum, high=1.0, include_high=True, default=0.0)
            + in_range("epsilon", epsilon, default=1e-7),
        )
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        return _RMSpropKernel(
            parameters,
            lr=learning_rate,
            rho=self.rho,
            momentum=self.momentum,
            epsilon=self.epsilon,
            centered=self.centered,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


class _RMSpropKernel(torch.optim.Optimizer):
    """A `torch.optim` optimizer running Keras's RMSprop update with foreach ops.

    State per parameter: `velocity` (the running `g²`), plus
    `average_gradient` when centered and `momentum` when momentum > 0.
    """

    def __init__(
        self,
        params: Any,
        *,
        lr: float,
        rho: float,
        momentum: float,
        epsilon: float,
        centered: bool,
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "momentum": momentum, "epsilon": epsilon, "centered": centered}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:  # type: ignore[override]
        """Apply one update to every parameter that has a gradient."""
        del closure  # Keras's update needs no re-evaluation of the loss
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if params:
                self._update_group(group, params)

    def _update_group(self, group: dict[str, Any], params: list[torch.Tensor]) -> None:
        grads = [p.grad for p in params]
        states = [self._state_of(p, group) for p in params]
        rho, epsilon, lr = group["rho"], group["epsilon"], group["lr"]
        velocities = [s["velocity"] for s in states]
        torch._foreach_mul_(velocities, rho)
        torch._foreach_addcmul_(velocities, grads, grads, value=1.0 - rho)
        denominators = torch._foreach_add(velocities, epsilon)
        if group["centered"]:
            averages = [s["average_gradient"] for s in states]
            torch._foreach_mul_(averages, rho)
            torch._foreach_add_(averages, grads, alpha=1.0 - rho)
            torch._foreach_addcmul_(denominators, averages, averages, value=-1.0)
        torch._foreach_sqrt_(denominators)
        if group["momentum"] > 0:
            momentums = [s["momentum"] for s in states]
            torch._foreach_mul_(momentums, group["momentum"])
            torch._foreach_addcdiv_(momentums, torch._foreach_mul(grads, lr), denominators)
            torch._foreach_sub_(params, momentums)
        else:
            torch._foreach_addcdiv_(params, torch._foreach_mul(grads, lr), denominators, value=-1.0)

    def _state_of(self, param: torch.Tensor, group: dict[str, Any]) -> dict[str, torch.Tensor]:
        state = self.state[param]
        if not state:
            state["velocity"] = torch.zeros_like(param, memory_format=torch.preserve_format)
            if group["centered"]:
                state["average_gradient"] = torch.zeros_like(param, memory_format=torch.preserve_format)
            if group["momentum"] > 0:
                state["momentum"] = torch.zeros_like(param, memory_format=torch.preserve_format)
        return state
