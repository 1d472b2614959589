"""Lion, as Keras computes it."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.base import LearningRate, Optimizer

__all__ = ["Lion"]


class Lion(Optimizer):
    """Lion (Chen et al., 2023): a sign-based update with two momentum rates.

    `w -= lr * sign(beta_1 * m + (1 - beta_1) * g)`, then
    `m = beta_2 * m + (1 - beta_2) * g`. torch has no Lion, so this is a
    short foreach kernel of our own. Lion's steps are all of size `lr`, so it
    wants a learning rate 3-10 times smaller than Adam's.

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        beta_1: Weight of the momentum in the update direction, in (0, 1].
        beta_2: Decay rate of the momentum.
        **kwargs: `weight_decay`, `clipnorm`, `clipvalue`, `global_clipnorm`,
            `name`, as for `Optimizer`.

    Example:
        >>> weight = torch.nn.Parameter(torch.tensor([1.0, 1.0]))
        >>> optimizer = Lion(0.1)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.tensor([5.0, -0.01])
        >>> optimizer.step()
        >>> weight.data
        tensor([0.9000, 1.1000])
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        *,
        beta_1: float = 0.9,
        beta_2: float = 0.99,
        **kwargs: Any,
    ) -> None:
        super().__init__(learning_rate, **kwargs)
        check_hyperparameters(
            "Lion",
            in_range("beta_1", beta_1, high=1.0, include_low=False, include_high=True, default=0.9)
            + in_range("beta_2", beta_2, high=1.0, include_high=True, default=0.99),
        )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        return _LionKernel(parameters, lr=learning_rate, beta_1=self.beta_1, beta_2=self.beta_2)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


class _LionKernel(torch.optim.Optimizer):
    """A `torch.optim` optimizer running Keras's Lion update with foreach ops.

    State per parameter: `momentum`.
    """

    def __init__(self, params: Any, *, lr: float, beta_1: float, beta_2: float) -> None:
        super().__init__(params, {"lr": lr, "beta_1": beta_1, "beta_2": beta_2})

    @torch.no_grad()
    def step(self, closure: Any = None) -> None:  # type: ignore[override]
        """Apply one update to every parameter that has a gradient."""
        del closure  # Lion needs no re-evaluation of the loss
        for group in self.param_groups:
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            grads = [p.grad for p in params]
            momentums = []
            for param in params:
                state = self.state[param]
                if not state:
                    state["momentum"] = torch.zeros_like(param, memory_format=torch.preserve_format)
                momentums.append(state["momentum"])
            beta_1, beta_2 = group["beta_1"], group["beta_2"]
            directions = torch._foreach_mul(momentums, beta_1)
            torch._foreach_add_(directions, grads, alpha=1.0 - beta_1)
            torch._foreach_sign_(directions)
            torch._foreach_add_(params, directions, alpha=-group["lr"])
            torch._foreach_mul_(momentums, beta_2)
            torch._foreach_add_(momentums, grads, alpha=1.0 - beta_2)
