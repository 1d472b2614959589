"""The `Optimizer` base: Keras's arguments and semantics over torch's kernels.

A fitwell optimizer owns a `torch.optim` optimizer, built for the model's
parameters at the first batch after `compile()`. Keras's formulas are met by
steering torch's fused/foreach kernels with per-step hyperparameters computed
on the host (or, where no steering can reach Keras's formula, by a small
foreach kernel of our own), so no step pays for a Python loop per parameter
per operation and none reads a value back from the device.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch

from fitwell._naming import snake_case
from fitwell.optimizers import schedules
from fitwell.optimizers._checks import check_hyperparameters, in_range
from fitwell.optimizers.schedules import LearningRateSchedule

__all__ = [
    "LearningRate",
    "Optimizer",
    "check_learning_rate",
    "fused_kernel_available",
    "scalar_state",
    "start_state",
]

LearningRate = float | LearningRateSchedule | Callable[[], float]

# Keras constructor arguments fitwell does not implement, with what to do instead.
_UNSUPPORTED_ARGUMENTS = {
    "lr": "Use `learning_rate=` (the `lr` alias was removed in Keras 3).",
    "decay": "Use a schedule, e.g. learning_rate=fitwell.optimizers.schedules.InverseTimeDecay(...).",
    "use_ema": "Weight averaging is not built in; average the weights in a callback.",
    "ema_momentum": "Weight averaging is not built in; average the weights in a callback.",
    "ema_overwrite_frequency": "Weight averaging is not built in; average the weights in a callback.",
    "loss_scale_factor": 'Use compile(mixed_precision="fp16"), which scales the loss for you.',
    "gradient_accumulation_steps": "Use a larger `batch_size` in fit() instead.",
}


def fused_kernel_available(parameters: list[torch.Tensor]) -> bool:
    """Whether torch's fused optimizer kernels (CPU or CUDA) can update `parameters`.

    Example:
        >>> fused_kernel_available([torch.zeros(2)]), fused_kernel_available([])
        (True, False)
    """
    return bool(parameters) and all(
        p.is_floating_point() and p.device.type in ("cpu", "cuda") and not p.is_sparse for p in parameters
    )


def scalar_state(value: float, *, device: torch.device | None = None, fused: bool = False) -> torch.Tensor:
    """A step counter or running product laid out as `torch.optim` lays out its own.

    torch keeps these 0-d tensors on the CPU (in float64 only when that is the
    default dtype), or on the parameter's device in float32 for fused kernels.

    Example:
        >>> scalar_state(1.0)
        tensor(1.)
    """
    if fused:
        return torch.full((), value, dtype=torch.float32, device=device)
    dtype = torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32
    return torch.tensor(value, dtype=dtype)


def start_state(
    optimizer: torch.optim.Optimizer,
    parameters: list[torch.Tensor],
    *,
    scalars: dict[str, float],
    zeros: tuple[str, ...],
    fused: bool = False,
) -> None:
    """Create every parameter's state at build, as torch would at its first gradient.

    With the state there from the start, `Optimizer._advance_skipped_step_counts`
    keeps the step counts global, as Keras's are.

    Example:
        >>> weight = torch.nn.Parameter(torch.ones(2))
        >>> optimizer = torch.optim.Adam([weight])
        >>> start_state(optimizer, [weight], scalars={"step": 0.0}, zeros=("exp_avg", "exp_avg_sq"))
        >>> sorted(optimizer.state[weight])
        ['exp_avg', 'exp_avg_sq', 'step']
    """
    for parameter in parameters:
        state = optimizer.state[parameter]
        for key, value in scalars.items():
            state[key] = scalar_state(value, device=parameter.device, fused=fused)
        for key in zeros:
            state[key] = torch.zeros_like(parameter, memory_format=torch.preserve_format)


def check_learning_rate(learning_rate: object) -> LearningRate:
    if isinstance(learning_rate, LearningRateSchedule) or (
        callable(learning_rate) and not isinstance(learning_rate, int | float)
    ):
        return learning_rate  # type: ignore[return-value]
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, int | float):
        raise TypeError(
            "`learning_rate` must be a float, a LearningRateSchedule or a function of no "
            f"arguments. Received: learning_rate={learning_rate!r}. For example: "
            "learning_rate=1e-3 or learning_rate=fitwell.optimizers.schedules.CosineDecay(1e-3, 1000)."
        )
    if not learning_rate >= 0:
        raise ValueError(
            f"`learning_rate` must be >= 0. Received: learning_rate={learning_rate}. "
            "Typical values lie between 1e-4 and 1e-1."
        )
    return float(learning_rate)


class Optimizer:
    """Base class of fitwell optimizers.

    Each `step()` does what Keras's `apply` does, in Keras's order: clip the
    gradients, apply the decoupled weight decay, then the optimizer's update
    with the learning rate of this step (a schedule sees the number of
    updates done so far, so the first update uses `schedule(0)`).

    Subclasses implement `_create_torch_optimizer(parameters, learning_rate)`
    and, when Keras's update needs per-step hyperparameters, `_update`.
    Anything else a subclass keeps between steps goes through
    `_host_state`/`_load_host_state`, so `state_dict()` restores a run exactly.

    Args:
        learning_rate: A float, a `LearningRateSchedule`, or a function of no
            arguments returning the rate.
        weight_decay: Decoupled decay: before each update every parameter that
            has a gradient is multiplied by `1 - weight_decay * learning_rate`
            (Keras's rule, not torch's L2 term added to the gradient).
        clipnorm: Clip each gradient tensor to this L2 norm.
        clipvalue: Clip each gradient element to `[-clipvalue, clipvalue]`.
        global_clipnorm: Clip all gradients together to this L2 norm.
        name: The optimizer's name. Defaults to the class name in snake case.

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
        **unknown: Any,
    ) -> None:
        if unknown:
            raise TypeError(self._unknown_arguments_message(unknown))
        self._learning_rate = check_learning_rate(learning_rate)
        clip_arguments = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        given = [key for key, value in clip_arguments.items() if value is not None]
        if len(given) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: {', '.join(f'{key}={clip_arguments[key]}' for key in given)}. Keep one of them."
            )
        problems = [
            problem for key in given for problem in in_range(key, clip_arguments[key], include_low=False)
        ]
        if weight_decay is not None:
            problems += in_range("weight_decay", weight_decay)
        check_hyperparameters(type(self).__name__, problems)
        self.weight_decay = None if weight_decay is None else float(weight_decay)
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.name = name or snake_case(type(self).__name__)
        self._iterations = 0
        self._parameters: list[torch.Tensor] = []
        self._torch_optimizer: torch.optim.Optimizer | None = None
        self._built = False
        self._pending_state: dict[str, Any] | None = None

    # -- what subclasses provide -------------------------------------------
    def _create_torch_optimizer(
        self, parameters: list[torch.Tensor], learning_rate: float
    ) -> torch.optim.Optimizer:
        raise NotImplementedError(f"{type(self).__name__} must implement `_create_torch_optimizer`.")

    def _update(self, learning_rate: float, step: int) -> None:
        """Apply the update; the groups' `lr` is already `learning_rate`.

        Overridden to set per-step hyperparameters (host-side only) first.
        """
        del learning_rate, step  # most optimizers need nothing per step
        self.torch_optimizer.step()

    def _advance_skipped_step_counts(self) -> list[torch.Tensor]:
        """Count this step for the parameters that had no gradient; return those parameters.

        Keras bias-corrects with the global step count, torch with a count per
        parameter that only moves when the parameter has a gradient. Optimizers
        that start every parameter's state at `build` and call this after each
        torch step keep every count equal to `iterations`, so the two agree
        even for a parameter that some batches leave without a gradient.
        """
        state = self.torch_optimizer.state
        skipped = [p for p in self._parameters if p.grad is None and "step" in state.get(p, {})]
        if skipped:
            torch._foreach_add_([state[p]["step"] for p in skipped], 1.0)
        return skipped

    def _host_state(self) -> dict[str, Any]:
        """Bookkeeping kept outside the torch optimizer, for `state_dict`."""
        return {}

    def _load_host_state(self, state: dict[str, Any]) -> None:
        """Restore what `_host_state` returned."""
        del state  # nothing kept by default

    # -- the public surface --------------------------------------------------
    @property
    def learning_rate(self) -> float:
        """The rate the next update will use; assigning a float changes it in place.

        Assigning takes effect at the next step and leaves every other piece
        of state (moments, step count) as it is.
        """
        return self._resolve_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        value = check_learning_rate(value)
        if isinstance(value, float) and isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a learning-rate schedule, so a fixed "
                f"rate cannot be assigned. Received: learning_rate={value}. Assign a new "
                "schedule, or create the optimizer with a float learning_rate."
            )
        self._learning_rate = value

    @property
    def learning_rate_schedule(self) -> LearningRate:
        """The learning rate as configured: a float, a schedule or a function of no arguments.

        Unlike `learning_rate`, assigning here may replace a schedule with a
        float and back (the learning-rate finder uses this to sweep and then
        put the user's setting back).
        """
        return self._learning_rate

    @learning_rate_schedule.setter
    def learning_rate_schedule(self, value: LearningRate) -> None:
        self._learning_rate = check_learning_rate(value)

    @property
    def iterations(self) -> int:
        """Number of updates applied since `build`."""
        return self._iterations

    @property
    def is_built(self) -> bool:
        """Whether `build` has run since the optimizer was created or `reset`."""
        return self._built

    @property
    def torch_optimizer(self) -> torch.optim.Optimizer:
        """The underlying `torch.optim` optimizer (after `build`)."""
        if self._torch_optimizer is None:
            raise RuntimeError(
                f"{self.name} has no torch optimizer: it is built at the first batch of fit(), for "
                f"the model's trainable parameters. Received: is_built={self._built}, "
                f"{len(self._parameters)} trainable parameters. Call fit(), or "
                "optimizer.build(model.parameters()) with at least one trainable parameter."
            )
        return self._torch_optimizer

    def build(self, parameters: Iterable[torch.Tensor]) -> None:
        """Create fresh state for `parameters` (trainable ones only); resets the step count.

        State given to `load_state_dict` before the build is applied now.
        """
        self._parameters = [p for p in parameters if p.requires_grad]
        self._iterations = 0
        self._built = True
        # torch refuses an empty parameter list; a fully frozen model still
        # evaluates and predicts, and has nothing to step.
        self._torch_optimizer = (
            self._create_torch_optimizer(self._parameters, self._resolve_learning_rate())
            if self._parameters
            else None
        )
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self.load_state_dict(state)

    def reset(self) -> None:
        """Drop all state; the next `build` starts from scratch (as after `compile`)."""
        self._torch_optimizer = None
        self._built = False
        self._parameters = []
        self._iterations = 0
        self._pending_state = None

    @property
    def parameters(self) -> list[torch.Tensor]:
        """The parameters this optimizer updates (those that trained when it was built)."""
        return list(self._parameters)

    @property
    def param_groups(self) -> list[dict[str, Any]]:
        """The torch optimizer's parameter groups (`[]` before `build`), as `torch.optim` has them."""
        return [] if self._torch_optimizer is None else self._torch_optimizer.param_groups

    def scale_loss(self, loss: torch.Tensor) -> torch.Tensor:
        """The loss to call `backward()` on: unchanged here; scaled by `LossScaleOptimizer`."""
        return loss

    def unscale_gradients(self) -> None:
        """Undo `scale_loss` on the gradients before anyone reads them: nothing to do here."""

    def apply(
        self, grads: Sequence[torch.Tensor | None], trainable_variables: Sequence[Any] | None = None
    ) -> None:
        """Keras's `optimizer.apply(grads, trainable_variables)`: one update of those variables.

        The gradients are set as the variables' `.grad` and `step()` runs;
        other variables this optimizer updates are left as they are. An
        optimizer never built is built for `trainable_variables` first (as
        Keras builds at the first `apply`), so a second optimizer created for
        part of a model (a GAN's discriminator) needs no `compile`.

        Raises:
            ValueError: For variables this optimizer was not built with, or
                a different number of gradients and variables.
        """
        variables = list(self._parameters if trainable_variables is None else trainable_variables)
        grads = list(grads)
        if len(grads) != len(variables):
            raise ValueError(
                f"`apply` needs one gradient per variable. Received: {len(grads)} gradients for "
                f"{len(variables)} variables."
            )
        if not self._built:
            self.build(variables)
        known = {id(p) for p in self._parameters}
        unknown = [tuple(v.shape) for v in variables if id(v) not in known and v.requires_grad]
        if unknown:
            raise ValueError(
                f"{self.name} can only update the variables it was built with. Received "
                f"{len(unknown)} others (shapes {unknown[:3]}). Use one optimizer per set of "
                "variables, or compile() again after changing which weights train."
            )
        chosen = {id(v) for v in variables}
        held = {p: p.grad for p in self._parameters if id(p) not in chosen and p.grad is not None}
        for variable, grad in zip(variables, grads, strict=True):
            if grad is not variable.grad:
                variable.grad = grad
        for parameter in held:
            parameter.grad = None  # only the given variables move, as in Keras
        try:
            self.step()
        finally:
            for parameter, grad in held.items():
                parameter.grad = grad

    def apply_gradients(self, grads_and_vars: Iterable[tuple[torch.Tensor | None, Any]]) -> None:
        """Keras's `apply_gradients(zip(grads, variables))`."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def zero_grad(self) -> None:
        """Drop the gradients of every parameter this optimizer updates."""
        for parameter in self._parameters:
            parameter.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """Apply one update from the parameters' `.grad`, as Keras's `apply` does."""
        if self._built and not self._parameters:
            self._iterations += 1  # every parameter is frozen: nothing to update
            return
        optimizer = self.torch_optimizer
        learning_rate = self._resolve_learning_rate()
        self._clip(self._parameters)
        if self.weight_decay:
            with_gradients = [p for p in self._parameters if p.grad is not None]
            if with_gradients:
                torch._foreach_mul_(with_gradients, 1.0 - self.weight_decay * learning_rate)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate
        self._update(learning_rate, self._iterations)
        self._iterations += 1

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue exactly: torch state, step count, learning rate.

        As with `torch.optim`, the tensors are the live state, not copies:
        save them, or `copy.deepcopy` the result to keep a snapshot in memory.
        """
        return {
            "class_name": type(self).__name__,
            "iterations": self._iterations,
            "learning_rate": self._learning_rate if isinstance(self._learning_rate, float) else None,
            "torch": None if self._torch_optimizer is None else self._torch_optimizer.state_dict(),
            "host": self._host_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore state saved by `state_dict`; before `build`, it is applied at the build."""
        if state.get("class_name") != type(self).__name__:
            raise ValueError(
                f"Cannot load the state of a {state.get('class_name')} optimizer into "
                f"{type(self).__name__}. Received: a state dict with class_name="
                f"{state.get('class_name')!r}. Load it into the optimizer that saved it."
            )
        if not self._built:
            self._pending_state = state
            return
        if self._torch_optimizer is not None and state["torch"] is not None:
            self._torch_optimizer.load_state_dict(state["torch"])
        self._iterations = int(state["iterations"])
        if state.get("learning_rate") is not None and isinstance(self._learning_rate, float):
            self._learning_rate = float(state["learning_rate"])
        self._load_host_state(state.get("host", {}))

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments, as Keras's `get_config`.

        A schedule is stored as `{"class_name": ..., "config": ...}`; a
        function learning rate cannot be stored and appears as `None`.
        """
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            stored: object = schedules.serialize(learning_rate)
        else:
            stored = learning_rate if isinstance(learning_rate, float) else None
        return {
            "name": self.name,
            "learning_rate": stored,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        """Create an optimizer from `get_config()`'s output.

        Example:
            >>> from fitwell.optimizers import Adam
            >>> Adam.from_config(Adam(3e-4, beta_2=0.99).get_config()).beta_2
            0.99
        """
        config = dict(config)
        learning_rate = config.pop("learning_rate", None)
        if isinstance(learning_rate, dict):
            config["learning_rate"] = schedules.deserialize(learning_rate)
        elif learning_rate is not None:
            config["learning_rate"] = learning_rate
        return cls(**config)

    # -- helpers -----------------------------------------------------------
    def _resolve_learning_rate(self) -> float:
        if isinstance(self._learning_rate, float):
            return self._learning_rate
        if isinstance(self._learning_rate, LearningRateSchedule):
            return float(self._learning_rate(self._iterations))
        return float(self._learning_rate())

    def _clip(self, parameters: list[torch.Tensor]) -> None:
        """Clip the gradients of `parameters` in place, with Keras's formulas; nothing reads a value back."""
        if self.clipnorm is None and self.global_clipnorm is None and self.clipvalue is None:
            return  # the usual case: no per-step list of gradients to build
        grads = [p.grad for p in parameters if p.grad is not None]
        if not grads:
            return
        if self.clipnorm is not None:
            # g * clipnorm / max(|g|, clipnorm), per tensor (Keras's clip_by_norm).
            scales = torch._foreach_norm(grads)
            torch._foreach_clamp_min_(scales, self.clipnorm)
            torch._foreach_reciprocal_(scales)
            torch._foreach_mul_(scales, self.clipnorm)
            torch._foreach_mul_(grads, scales)
        elif self.global_clipnorm is not None:
            total = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads)))
            # As Keras: an infinite or nan norm turns every gradient into nan
            # (rather than silently to zero), so the failure stays visible.
            scale = self.global_clipnorm / torch.clamp_min(total, self.global_clipnorm) + (total - total)
            torch._foreach_mul_(grads, scale)
        elif self.clipvalue is not None:
            torch._foreach_clamp_min_(grads, -self.clipvalue)
            torch._foreach_clamp_max_(grads, self.clipvalue)

    def _unknown_arguments_message(self, unknown: dict[str, Any]) -> str:
        import inspect

        from fitwell.errors import did_you_mean

        known = [
            name
            for cls in (type(self), Optimizer)
            for name, parameter in inspect.signature(cls.__init__).parameters.items()
            if parameter.kind is parameter.KEYWORD_ONLY or name == "learning_rate"
        ]
        known = list(dict.fromkeys(known))
        hints = [
            _UNSUPPORTED_ARGUMENTS.get(key, did_you_mean(key, known).strip() or f"Known arguments: {known}.")
            for key in unknown
        ]
        received = ", ".join(f"{key}={value!r}" for key, value in unknown.items())
        return (
            f"{type(self).__name__} does not take the argument(s) {sorted(unknown)}. "
            f"Received: {received}. {' '.join(dict.fromkeys(hints))}"
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self._learning_rate!r})"
