"""The `Optimizer` base: Keras's arguments and semantics over torch's kernels.

A fitwell optimizer owns a `torch.optim` optimizer built for the model's
parameters at `compile()`. Keras's formulas are met by steering torch's
fused/foreach kernels (per-step hyperparameters set on the host), so no step
pays for a Python loop over parameters and none reads a value back from the
device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import torch

from fitwell._naming import snake_case
from fitwell.optimizers.schedules import LearningRateSchedule

__all__ = ["Optimizer", "fused_kernel_available"]

LearningRate = float | LearningRateSchedule | Callable[[], float]


def fused_kernel_available(parameters: list[torch.Tensor]) -> bool:
    """Whether torch's fused optimizer kernels can update `parameters`."""
    return bool(parameters) and all(
        p.is_floating_point() and p.device.type in ("cpu", "cuda") and not p.is_sparse
        for p in parameters
    )


def _check_learning_rate(learning_rate: object) -> LearningRate:
    if isinstance(learning_rate, LearningRateSchedule) or (
        callable(learning_rate) and not isinstance(learning_rate, int | float)
    ):
        return learning_rate  # type: ignore[return-value]
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float):
        raise TypeError(
            "`learning_rate` must be a float, a LearningRateSchedule or a function of no "
            f"arguments. Received: learning_rate={learning_rate!r}"
        )
    if not learning_rate >= 0:
        raise ValueError(f"`learning_rate` must be >= 0. Received: learning_rate={learning_rate}")
    return float(learning_rate)


class Optimizer:
    """Base class of fitwell optimizers.

    Subclasses implement `_create_torch_optimizer(parameters, learning_rate)`
    and, when Keras's update needs per-step hyperparameters, `_before_step`.
    The base applies gradient clipping, Keras's decoupled weight decay,
    schedules and the step counter.

    Args:
        learning_rate: A float, a `LearningRateSchedule`, or a function of no
            arguments returning the rate.
        weight_decay: Decoupled decay: before each update every parameter is
            multiplied by `1 - weight_decay * learning_rate` (Keras's rule).
        clipnorm: Clip each gradient tensor to this L2 norm.
        clipvalue: Clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: Clip all gradients together to this L2 norm.
        name: The optimizer's name.

    Example:
        >>> class PlainSGD(Optimizer):
        ...     def _create_torch_optimizer(self, parameters, learning_rate):
        ...         return torch.optim.SGD(parameters, lr=learning_rate)
        >>> weight = torch.nn.Parameter(torch.ones(1))
        >>> optimizer = PlainSGD(learning_rate=0.5)
        >>> optimizer.build([weight])
        >>> weight.grad = torch.ones(1)
        >>> optimizer.step()
        >>> weight.data, optimizer.iterations
        (tensor([0.5000]), 1)
    """

    def __init__(
        self,
        learning_rate: LearningRate,
        *,
        weight_decay: float | None = None,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
    ) -> None:
        self._learning_rate = _check_learning_rate(learning_rate)
        clip_arguments = {
            "clipnorm": clipnorm,
            "clipvalue": clipvalue,
            "global_clipnorm": global_clipnorm,
        }
        given = [key for key, value in clip_arguments.items() if value is not None]
        if len(given) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: {', '.join(f'{key}={clip_arguments[key]}' for key in given)}"
            )
        for key in given:
            if clip_arguments[key] <= 0:  # type: ignore[operator]
                raise ValueError(f"`{key}` must be > 0. Received: {key}={clip_arguments[key]}")
        if weight_decay is not None and weight_decay < 0:
            raise ValueError(f"`weight_decay` must be >= 0. Received: weight_decay={weight_decay}")
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.name = name or snake_case(type(self).__name__)
        self._iterations = 0
        self._parameters: list[torch.Tensor] = []
        self._torch_optimizer: torch.optim.Optimizer | None = None

    # -- what subclasses provide -------------------------------------------
    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        raise NotImplementedError(f"{type(self).__name__} must implement `_create_torch_optimizer`.")

    def _before_step(self, learning_rate: float, step: int) -> None:
        """Set per-step hyperparameters on the torch optimizer (host-side only)."""
        del learning_rate, step  # most optimizers need nothing per step

    # -- the public surface --------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The rate the next update will use; assigning a float changes it in place."""
        return self._resolve_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        value = _check_learning_rate(value)
        if isinstance(value, float) and not isinstance(self._learning_rate, float):
            raise TypeError(
                "This optimizer was created with a learning-rate schedule, so a fixed "
                f"rate cannot be assigned. Received: learning_rate={value}. Assign a new "
                "schedule, or recompile with a float learning_rate."
            )
        self._learning_rate = value

    @property
    def iterations(self) -> int:
        """Number of updates applied since `build`."""
        return self._iterations

    @property
    def is_built(self) -> bool:
        """Whether `build` has run."""
        return self._torch_optimizer is not None

    @property
    def torch_optimizer(self) -> torch.optim.Optimizer:
        """The underlying `torch.optim` optimizer (after `build`)."""
        if self._torch_optimizer is None:
            raise RuntimeError(f"{self.name} is not built yet; compile the model first.")
        return self._torch_optimizer

    def build(self, parameters: Iterable[torch.Tensor]) -> None:
        """Create fresh state for `parameters` (trainable ones only); resets the step count."""
        self._parameters = [p for p in parameters if p.requires_grad]
        self._iterations = 0
        self._torch_optimizer = self._create_torch_optimizer(
            self._parameters, self._resolve_learning_rate()
        )

    def zero_grad(self) -> None:
        """Drop the gradients of every parameter this optimizer updates."""
        for parameter in self._parameters:
            parameter.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Apply one update from the parameters' `.grad`, as Keras's `apply` does."""
        optimizer = self.torch_optimizer
        learning_rate = self._resolve_learning_rate()
        grads = [p.grad for p in self._parameters if p.grad is not None]
        if grads:
            self._clip(grads)
        if self.weight_decay:
            decaying = [p for p in self._parameters if p.grad is not None]
            torch._foreach_mul_(decaying, 1.0 - self.weight_decay * learning_rate)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate
        self._before_step(learning_rate, self._iterations)
        optimizer.step()
        self._iterations += 1

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state (torch state plus step count) for checkpoints."""
        return {"iterations": self._iterations, "torch": self.torch_optimizer.state_dict()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore state saved by `state_dict`."""
        self.torch_optimizer.load_state_dict(state["torch"])
        self._iterations = int(state["iterations"])

    def get_config(self) -> dict:
        """Return the constructor arguments, as Keras's `get_config`."""
        learning_rate = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": learning_rate if isinstance(learning_rate, float) else None,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    # -- helpers -----------------------------------------------------------
    def _resolve_learning_rate(self) -> float:
        if isinstance(self._learning_rate, float):
            return self._learning_rate
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self._iterations))
        return float(self._learning_rate())

    def _clip(self, grads: list[torch.Tensor]) -> None:
        if self.clipvalue is not None:
            torch._foreach_clamp_min_(grads, -self.clipvalue)
            torch._foreach_clamp_max_(grads, self.clipvalue)
        elif self.clipnorm is not None:
            norms = torch._foreach_norm(grads)
            # g * clipnorm / max(|g|, clipnorm), per tensor (Keras's clip_by_norm).
            scales = [self.clipnorm / torch.clamp_min(norm, self.clipnorm) for norm in norms]
            torch._foreach_mul_(grads, scales)
        elif self.global_clipnorm is not None:
            total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
            scale = self.global_clipnorm / torch.clamp_min(total, self.global_clipnorm)
            torch._foreach_mul_(grads, scale)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self._learning_rate!r})"
