"""Your own `torch.optim` optimizer, usable in `compile`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from fitwell._naming import snake_case
from fitwell.optimizers.base import LearningRate, Optimizer, check_learning_rate

__all__ = ["TorchOptimizer"]


def _first_rate(optimizer: torch.optim.Optimizer) -> float:
    rate = optimizer.param_groups[0]["lr"]
    return float(rate)  # read once, at wrapping time


class TorchOptimizer(Optimizer):
    """A `torch.optim` optimizer used by `compile`/`fit`, with its own update rule.

    `compile(optimizer=torch.optim.AdamW(model.parameters(), lr=1e-3))`
    wraps it in this class. Its update is torch's formula with torch's
    defaults, not Keras's (e.g. `torch.optim.Adam` uses `eps=1e-8` after the
    bias correction). fitwell adds the step counter and, if given, gradient
    clipping; weight decay stays the torch optimizer's own.

    The torch optimizer's state belongs to it: compiling again does not
    clear its moments (create a new torch optimizer to start fresh).
    `learning_rate` reads the first parameter group's rate; assigning a float
    sets the first group to it and scales the other groups by the same
    factor, so their ratios survive `ReduceLROnPlateau` and the like.

    Args:
        optimizer: A `torch.optim.Optimizer` built from the model's parameters.
        clipnorm: Clip each gradient tensor to this L2 norm.
        clipvalue: Clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: Clip all gradients together to this L2 norm.
        name: Defaults to `torch_` plus the torch class name in snake case.

    Example:
        >>> module = torch.nn.Linear(2, 1)
        >>> optimizer = TorchOptimizer(torch.optim.SGD(module.parameters(), lr=0.1))
        >>> optimizer.learning_rate = 0.05
        >>> optimizer.torch_optimizer.param_groups[0]["lr"], optimizer.name
        (0.05, 'torch_sgd')
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        *,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
        name: str | None = None,
    ) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                "TorchOptimizer wraps a torch.optim.Optimizer instance. Received: "
                f"{optimizer!r}. For example: TorchOptimizer(torch.optim.Adam(model.parameters()))."
            )
        if isinstance(optimizer, torch.optim.LBFGS):
            raise TypeError(
                "torch.optim.LBFGS re-evaluates the loss through a closure at every step, which "
                "fit() does not provide. Received: an LBFGS optimizer. Use a first-order optimizer "
                "(e.g. 'adam'), or write the LBFGS loop by hand."
            )
        super().__init__(
            _first_rate(optimizer),
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            name=name or f"torch_{snake_case(type(optimizer).__name__)}",
        )
        self._torch_optimizer = optimizer

    @property
    def learning_rate(self) -> float:
        """The first parameter group's rate; assigning scales every group alike."""
        return self._resolve_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise TypeError(
                "A wrapped torch optimizer takes a float learning rate only. Received: "
                f"learning_rate={value!r}. Step a torch.optim.lr_scheduler from a callback, or "
                "use a fitwell optimizer, which accepts schedules."
            )
        value = float(check_learning_rate(value))  # type: ignore[arg-type]
        groups = self.torch_optimizer.param_groups
        first = float(groups[0]["lr"])
        for index, group in enumerate(groups):
            rate = value if index == 0 or first == 0 else float(group["lr"]) * (value / first)
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(rate)
            else:
                group["lr"] = rate

    def build(self, parameters: Iterable[torch.Tensor]) -> None:
        """Check that the torch optimizer updates this model's parameters; reset the step count."""
        known = {id(p) for p in parameters}
        own = [p for group in self.torch_optimizer.param_groups for p in group["params"]]
        foreign = sum(id(p) not in known for p in own)
        if foreign:
            raise ValueError(
                f"The torch optimizer updates {foreign} tensor(s) that are not parameters of this "
                f"model. Received: {type(self.torch_optimizer).__name__} over {len(own)} tensors. "
                "Create it from this model's parameters, e.g. "
                "torch.optim.Adam(model.parameters()), after building the model."
            )
        self._parameters = [p for p in own if p.requires_grad]
        self._iterations = 0
        self._built = True
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self.load_state_dict(state)

    def reset(self) -> None:
        """Reset the step count; the torch optimizer's own state is left as it is."""
        self._built = False
        self._iterations = 0
        self._pending_state = None

    @torch.no_grad()
    def step(self) -> None:
        """Clip (if asked) and run the torch optimizer's own step."""
        self._clip(self._parameters)
        self.torch_optimizer.step()
        self._iterations += 1

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "torch_optimizer": type(self.torch_optimizer).__name__,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        raise TypeError(
            "A wrapped torch optimizer cannot be rebuilt from its config. Received: "
            f"config={config!r}. Create the torch optimizer again and pass it to compile()."
        )

    def _resolve_learning_rate(self) -> float:
        return float(self.torch_optimizer.param_groups[0]["lr"])
