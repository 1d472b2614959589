"""The `Metric` protocol: streaming state on the model's device.

A metric registers its state tensors with `add_state`, accumulates them in
`update_state` without ever reading them back to the host, and turns them
into a value in `result()`. `reset_state`, `merge_state` (for several
processes), `to(device)` and `state_dict` work for every metric through that
registry, including state a metric only creates at its first update (when
its shape depends on the data, as for `F1Score`).
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell._naming import snake_case
from fitwell.layers.variable import Variable

__all__ = ["MERGE_RULES", "Metric", "as_tensor", "resolve_dtype"]

MERGE_RULES = ("sum", "max", "min")


def resolve_dtype(dtype: torch.dtype | str | None) -> torch.dtype:
    """Turn `None`, a torch dtype or a Keras dtype string into a floating torch dtype.

    Example:
        >>> resolve_dtype("float64"), resolve_dtype(None)
        (torch.float64, torch.float32)
    """
    if dtype is None:
        return torch.float32
    resolved = getattr(torch, dtype, None) if isinstance(dtype, str) else dtype
    if not isinstance(resolved, torch.dtype) or not resolved.is_floating_point:
        raise ValueError(
            "A metric's `dtype` must be a floating dtype such as torch.float32 or 'float64'. "
            f"Received: dtype={dtype!r}"
        )
    return resolved


def as_tensor(value: Any, device: torch.device) -> torch.Tensor:
    """Accept a tensor, array or list; return a detached tensor on `device`.

    Detaching keeps a metric updated outside `torch.no_grad()` from holding
    on to the autograd graph of every batch it has seen.
    """
    if isinstance(value, torch.Tensor):
        return value.detach().to(device)
    return torch.as_tensor(value, device=device)


class Metric:
    """Base class of streaming metrics.

    Subclasses call `add_state` (usually in `__init__`) for each accumulator
    and implement `update_state(y_true, y_pred, sample_weight=None)` and
    `result()`. Set `higher_is_better` so callbacks in `mode="auto"` know
    which way is up.

    Args:
        name: Key used in logs. Defaults to the snake_case class name.
        dtype: Floating dtype of the state (a torch dtype or a string such as
            `"float64"`). Defaults to float32, as Keras.

    Example:
        >>> class Total(Metric):
        ...     def __init__(self, name=None):
        ...         super().__init__(name=name)
        ...         self.add_state("total", torch.tensor(0.0))
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         self.total += y_pred.sum()
        ...     def result(self):
        ...         return self.total
        >>> metric = Total()
        >>> metric.update_state(None, torch.tensor([1.0, 2.0]))
        >>> metric.result()
        tensor(3.)
    """

    #: True when larger values are better; None when it has no direction.
    higher_is_better: bool | None = None

    def __init__(self, *, name: str | None = None, dtype: torch.dtype | str | None = None) -> None:
        self.name = name or snake_case(type(self).__name__)
        self.dtype = resolve_dtype(dtype)
        self._defaults: dict[str, tuple[torch.Tensor, str]] = {}
        self._variables: set[str] = set()  # states made by add_variable: kept as the same object
        self._device = torch.device("cpu")

    @property
    def device(self) -> torch.device:
        """The device the state lives on."""
        return self._device

    def add_state(self, name: str, default: torch.Tensor, *, merge: str = "sum") -> None:
        """Register a state tensor; `reset_state` restores it to `default`.

        Args:
            name: Attribute name of the state.
            default: Its initial value (copied on every reset).
            merge: How states of several instances combine: `"sum"`,
                `"max"` or `"min"`.
        """
        if merge not in MERGE_RULES:
            raise ValueError(f"`merge` must be one of {MERGE_RULES}. Received: merge={merge!r}")
        default = default.detach().clone()
        self._defaults[name] = (default, merge)
        setattr(self, name, default.clone().to(self._device))

    @property
    def state_names(self) -> list[str]:
        """Names of the registered state tensors, in registration order."""
        return list(self._defaults)

    def update_state(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> None:
        """Accumulate one batch. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state`.")

    def result(self) -> torch.Tensor:
        """Return the value so far as a tensor. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result`.")

    def reset_state(self) -> None:
        """Restore every state tensor to its default, on the current device."""
        for name, (default, _) in self._defaults.items():
            current = getattr(self, name)
            if current.shape == default.shape and current.device == self._device:
                current.copy_(default)
            else:
                setattr(self, name, default.clone().to(self._device))

    def merge_state(self, others: list[Metric]) -> None:
        """Fold the states of other instances of this metric into this one.

        Counts and sums add up; states registered with `merge="max"` or
        `"min"` keep the extreme. Afterwards `result()` is what a single
        instance fed every batch would report.

        Example:
            >>> from fitwell.metrics import Mean
            >>> a, b = Mean(), Mean()
            >>> a.update_state(torch.tensor([1.0])); b.update_state(torch.tensor([3.0]))
            >>> a.merge_state([b]); a.result()
            tensor(2.)
        """
        for other in others:
            if type(other) is not type(self):
                raise TypeError(
                    f"{type(self).__name__}.merge_state needs metrics of the same class. "
                    f"Received: {type(other).__name__}. Merge each metric with its own counterpart."
                )
            for name, (default, rule) in other._defaults.items():
                if name not in self._defaults:
                    # State created at the first update: this instance saw no data yet.
                    self.add_state(name, default, merge=rule)
                mine, theirs = getattr(self, name), getattr(other, name).to(self._device)
                if mine.shape != theirs.shape:
                    raise ValueError(
                        f"Cannot merge {type(self).__name__} states of different shapes. Received: "
                        f"{name}.shape={tuple(mine.shape)} and {tuple(theirs.shape)}. Merge only "
                        "metrics built with the same arguments and fed outputs of the same width."
                    )
                rule = self._defaults[name][1]
                if rule == "sum":
                    mine += theirs
                elif rule == "max":
                    torch.maximum(mine, theirs, out=mine)
                else:
                    torch.minimum(mine, theirs, out=mine)

    def add_variable(
        self,
        shape: tuple[int, ...] = (),
        initializer: Any = "zeros",
        dtype: torch.dtype | str | None = None,
        aggregation: str = "sum",
        name: str | None = None,
    ) -> Variable:
        """Keras's way to make state: a `Variable` that `update_state` changes with `assign_add`/`assign`.

        It is registered like `add_state` (so `reset_state`, `merge_state`
        and `state_dict` handle it) and stays the same object, so a metric
        may keep it as an attribute (`self.count = self.add_variable(...)`).

        Args:
            shape: The state's shape.
            initializer: Its initial value (a Keras initializer name or object).
            dtype: Defaults to the metric's dtype.
            aggregation: How states of several processes combine: `"sum"`
                (Keras's default for metrics), `"max"` or `"min"`.
            name: The registry name (`variable`, `variable_1`, … by default).

        Example:
            >>> class Count(Metric):
            ...     def __init__(self, name="count"):
            ...         super().__init__(name=name)
            ...         self.seen = self.add_variable(name="seen")
            ...     def update_state(self, y_true, y_pred, sample_weight=None):
            ...         self.seen.assign_add(float(len(y_pred)))
            ...     def result(self):
            ...         return self.seen
            >>> metric = Count()
            >>> metric.update_state(None, torch.ones(3)); float(metric.result())
            3.0
        """
        from fitwell import initializers

        if aggregation not in MERGE_RULES:
            raise ValueError(
                f"`aggregation` must be one of {MERGE_RULES}. Received: aggregation={aggregation!r}. "
                "Keras's 'mean' is not supported: keep a sum and a count, and divide in result()."
            )
        name = name or "variable"
        candidate, suffix = name, 1
        while candidate in self._defaults or hasattr(self, candidate):
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        default = initializers.get(initializer)(
            tuple(shape), dtype=resolve_dtype(dtype) if dtype else self.dtype
        )
        self.add_state(candidate, torch.as_tensor(default), merge=aggregation)
        variable = Variable(getattr(self, candidate), requires_grad=False)
        setattr(self, candidate, variable)
        self._variables.add(candidate)
        return variable

    def add_weight(self, *args: Any, **kwargs: Any) -> Variable:
        """Keras's older name for `add_variable`."""
        return self.add_variable(*args, **kwargs)

    def to(self, device: torch.device | str) -> Metric:
        """Move the state to `device` and return the metric."""
        self._device = torch.device(device)
        for name in self._defaults:
            old = getattr(self, name)
            new = old.to(self._device)
            if new is not old and name in self._variables:
                new = Variable(new, requires_grad=False)
                # The metric may hold the variable under its own attribute names too.
                for attribute, value in list(vars(self).items()):
                    if value is old:
                        setattr(self, attribute, new)
            setattr(self, name, new)
        return self

    def state_dict(self) -> dict[str, torch.Tensor]:
        """The state tensors by name (copies on the CPU)."""
        return {name: getattr(self, name).detach().cpu().clone() for name in self._defaults}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        """Restore state saved by `state_dict` (including state created at a first update)."""
        for name, value in state.items():
            if name not in self._defaults:
                self.add_state(name, torch.zeros_like(value))
            current = getattr(self, name)
            if name in self._variables and current.shape == value.shape:
                current.assign(value)  # the same object: the metric may hold it under other names
            else:
                setattr(self, name, value.to(self._device).clone())

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Update with one batch and return the result so far."""
        self.update_state(y_true, y_pred, sample_weight)
        return self.result()

    def get_config(self) -> dict:
        """Return the constructor arguments, as Keras's `get_config`."""
        return {"name": self.name, "dtype": str(self.dtype).removeprefix("torch.")}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
