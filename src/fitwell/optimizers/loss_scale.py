"""`LossScaleOptimizer`: float16 training without underflowing gradients, as Keras wraps it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import torch

from fitwell.optimizers.base import LearningRate, Optimizer

__all__ = ["LossScaleOptimizer"]


class LossScaleOptimizer:
    """Wraps an optimizer for float16: scales the loss up, skips updates whose gradients overflowed.

    `compile(mixed_precision="fp16")` wraps the compiled optimizer in it, as
    Keras does under the `"mixed_float16"` policy; `model.optimizer` is then
    this wrapper and reads and sets the learning rate of the inner one. The
    scale itself is torch's `GradScaler`: it halves after a step whose
    gradients held Inf/NaN (that update is skipped) and doubles after
    `dynamic_growth_steps` good steps.

    A step reads one flag back from the device (whether the gradients were
    finite); that is the price of float16.

    Args:
        inner_optimizer: The fitwell optimizer that applies the updates.
        device_type: `"cuda"`, `"cpu"`, …: where the gradients live.
        initial_scale: The first loss scale (Keras's default, 2**15).
        dynamic_growth_steps: Good steps before the scale doubles.

    Example:
        >>> from fitwell.optimizers import SGD
        >>> optimizer = LossScaleOptimizer(SGD(0.1), "cpu")
        >>> optimizer.learning_rate = 0.05
        >>> optimizer.inner_optimizer.learning_rate
        0.05
    """

    def __init__(
        self,
        inner_optimizer: Optimizer,
        device_type: str,
        *,
        initial_scale: float = 2.0**15,
        dynamic_growth_steps: int = 2000,
    ) -> None:
        self.inner_optimizer = inner_optimizer
        self.loss_scaler = torch.amp.GradScaler(
            device_type, init_scale=initial_scale, growth_interval=dynamic_growth_steps
        )
        self._unscaled = False

    # -- what makes it a loss-scale optimizer ----------------------------------
    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """The loss times the current scale: call `backward()` on this."""
        self._unscaled = False
        return self.loss_scaler.scale(loss)

    def unscale_gradients(self) -> None:
        """Divide the gradients by the scale (once per step), so clipping and callbacks see true values."""
        groups = self.inner_optimizer.param_groups
        if not self._unscaled and groups:
            # Gradients scaled by hand (`apply` with `scale_loss` never called):
            # scaling a zero makes the scaler create its scale on their device.
            self.loss_scaler.scale(torch.zeros((), device=groups[0]["params"][0].device))
            self.loss_scaler.unscale_(self.inner_optimizer)  # type: ignore[arg-type]
        self._unscaled = True

    def step(self) -> None:
        """Update unless the gradients overflowed; then adjust the scale."""
        if not self.inner_optimizer.param_groups:
            self.inner_optimizer.step()  # nothing trains: only the step count moves
            return
        self.unscale_gradients()
        self.loss_scaler.step(self.inner_optimizer)  # type: ignore[arg-type]
        self.loss_scaler.update()
        self._unscaled = False

    def apply(
        self, grads: Sequence[torch.Tensor | None], trainable_variables: Sequence[Any] | None = None
    ) -> None:
        """Keras's `apply`: set the (scaled) gradients as `.grad`, then `step()`."""
        variables = list(trainable_variables if trainable_variables is not None else self.parameters)
        if not self.inner_optimizer.is_built:
            self.inner_optimizer.build(variables)
        for variable, grad in zip(variables, grads, strict=True):
            if grad is not variable.grad:
                variable.grad = grad
        self.step()

    def apply_gradients(self, grads_and_vars: Iterable[tuple[torch.Tensor | None, Any]]) -> None:
        """Keras's `apply_gradients(zip(grads, variables))`."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    # -- the inner optimizer's surface ------------------------------------------
    @property
    def name(self) -> str:
        """The inner optimizer's name."""
        return self.inner_optimizer.name

    @property
    def learning_rate(self) -> float:
        """The inner optimizer's learning rate; assigning sets it."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        self.inner_optimizer.learning_rate = value

    @property
    def learning_rate_schedule(self) -> LearningRate:
        """The inner optimizer's configured rate (float, schedule or function)."""
        return self.inner_optimizer.learning_rate_schedule

    @learning_rate_schedule.setter
    def learning_rate_schedule(self, value: LearningRate) -> None:
        self.inner_optimizer.learning_rate_schedule = value

    @property
    def iterations(self) -> int:
        """Updates applied (skipped overflow steps do not count)."""
        return self.inner_optimizer.iterations

    @property
    def is_built(self) -> bool:
        """Whether the inner optimizer is built."""
        return self.inner_optimizer.is_built

    @property
    def parameters(self) -> list[torch.Tensor]:
        """The parameters the inner optimizer updates."""
        return self.inner_optimizer.parameters

    @property
    def torch_optimizer(self) -> torch.optim.Optimizer:
        """The inner optimizer's torch optimizer."""
        return self.inner_optimizer.torch_optimizer

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        """The inner optimizer's parameter groups."""
        return self.inner_optimizer.param_groups

    def build(self, parameters: Iterable[torch.Tensor]) -> None:
        """Build the inner optimizer."""
        self.inner_optimizer.build(parameters)

    def reset(self) -> None:
        """Drop the inner optimizer's state (the scale starts over too)."""
        self.inner_optimizer.reset()

    def zero_grad(self) -> None:
        """Drop the gradients of every parameter."""
        self.inner_optimizer.zero_grad()

    def state_dict(self) -> dict[str, Any]:
        """The inner optimizer's state and the loss scaler's."""
        return {**self.inner_optimizer.state_dict(), "loss_scale": self.loss_scaler.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        state = dict(state)
        scale = state.pop("loss_scale", None)
        self.inner_optimizer.load_state_dict(state)
        if scale:  # {} until the scaler's first step
            self.loss_scaler.load_state_dict(scale)

    def get_config(self) -> dict[str, Any]:
        """The inner optimizer's constructor arguments."""
        return self.inner_optimizer.get_config()

    def __repr__(self) -> str:
        return f"LossScaleOptimizer({self.inner_optimizer!r})"
