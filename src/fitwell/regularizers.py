"""Weight penalties with Keras's names, defaults and formulas.

A regularizer maps a weight (in Keras's layout, e.g. a `Dense` kernel as
`(in, out)`) to a scalar that joins the training loss. The values are
Keras 3's exactly: `L2` is `l2 * sum(w ** 2)`, with no factor 1/2.

Example:
    >>> L2(0.1)(torch.ones(2, 2))
    tensor(0.4000)
    >>> get("l1")
    L1(l1=0.01)
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable
from typing import Any

import torch

from fitwell.errors import unknown_name_message

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]

_EPSILON = 1e-7  # Keras's backend.epsilon(), the floor under a row's norm


def _factor_problem(value: object, name: str) -> str | None:
    """Why `value` cannot be a penalty factor, or None when it can."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        return f"`{name}` must be a non-negative finite number. Received: {name}={value!r}"
    return None


def _raise_if_any(owner: str, problems: list[str | None]) -> None:
    found = [problem for problem in problems if problem]
    if found:
        raise ValueError(f"Invalid {owner} arguments: " + "; ".join(found) + ".")


def _as_weight_dtype(factor: float, weight: torch.Tensor) -> torch.Tensor:
    # Keras casts the factor to the weight's dtype before multiplying.
    return torch.tensor(factor, dtype=weight.dtype, device=weight.device)


class Regularizer:
    """Base class of regularizers: a callable `weight -> scalar tensor` added to the loss.

    Subclasses implement `__call__` and `get_config` (the constructor
    arguments; the default `from_config` passes them back). Any plain
    function `weight -> scalar` works as a regularizer too.

    Example:
        >>> class SumOfSquares(Regularizer):
        ...     def __init__(self, factor=0.01):
        ...         self.factor = factor
        ...
        ...     def __call__(self, weight):
        ...         return self.factor * weight.square().sum()
        ...
        ...     def get_config(self):
        ...         return {"factor": self.factor}
        >>> SumOfSquares(0.5)(torch.tensor([1.0, 2.0]))
        tensor(2.5000)
        >>> SumOfSquares.from_config({"factor": 2.0}).factor
        2.0
    """

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Return the penalty for `weight` as a scalar tensor."""
        raise NotImplementedError(f"{type(self).__name__} must implement `__call__(self, weight)`.")

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-friendly dict."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `get_config()` returning its constructor arguments."
        )

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        """Rebuild a regularizer from `get_config()`'s output."""
        return cls(**config)

    def __repr__(self) -> str:
        try:
            config = self.get_config()
        except NotImplementedError:  # a subclass without get_config still prints
            config = {}
        arguments = ", ".join(f"{key}={value!r}" for key, value in config.items())
        return f"{type(self).__name__}({arguments})"


class L1(Regularizer):
    """Penalty `l1 * sum(|w|)`.

    Args:
        l1: Non-negative factor; None means the default 0.01.

    Example:
        >>> L1(0.5)(torch.tensor([1.0, -2.0]))
        tensor(1.5000)
    """

    def __init__(self, l1: float | None = 0.01) -> None:
        l1 = 0.01 if l1 is None else l1
        _raise_if_any("L1", [_factor_problem(l1, "l1")])
        self.l1 = float(l1)

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Return `l1 * sum(|weight|)`."""
        weight = torch.as_tensor(weight)
        return _as_weight_dtype(self.l1, weight) * weight.abs().sum()

    def get_config(self) -> dict[str, Any]:
        """`{"l1": l1}`."""
        return {"l1": self.l1}


class L2(Regularizer):
    """Penalty `l2 * sum(w ** 2)` (no factor 1/2, unlike torch's `weight_decay`).

    Args:
        l2: Non-negative factor; None means the default 0.01.

    Example:
        >>> L2(0.5)(torch.tensor([1.0, -2.0]))
        tensor(2.5000)
    """

    def __init__(self, l2: float | None = 0.01) -> None:
        l2 = 0.01 if l2 is None else l2
        _raise_if_any("L2", [_factor_problem(l2, "l2")])
        self.l2 = float(l2)

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Return `l2 * sum(weight ** 2)`."""
        weight = torch.as_tensor(weight)
        return _as_weight_dtype(self.l2, weight) * weight.square().sum()

    def get_config(self) -> dict[str, Any]:
        """`{"l2": l2}`."""
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Penalty `l1 * sum(|w|) + l2 * sum(w ** 2)`.

    Both factors default to 0.0 (as in Keras 3, whose docstring's 0.01 is
    not what the code does), so pass the ones you want.

    Args:
        l1: Non-negative L1 factor; None means 0.0.
        l2: Non-negative L2 factor; None means 0.0.

    Example:
        >>> L1L2(l1=0.5, l2=0.5)(torch.tensor([1.0, -2.0]))
        tensor(4.)
    """

    def __init__(self, l1: float | None = 0.0, l2: float | None = 0.0) -> None:
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        _raise_if_any("L1L2", [_factor_problem(l1, "l1"), _factor_problem(l2, "l2")])
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Return `l1 * sum(|weight|) + l2 * sum(weight ** 2)`."""
        weight = torch.as_tensor(weight)
        penalty = torch.zeros((), dtype=weight.dtype, device=weight.device)
        if self.l1 != 0.0:
            penalty = penalty + _as_weight_dtype(self.l1, weight) * weight.abs().sum()
        if self.l2 != 0.0:
            penalty = penalty + _as_weight_dtype(self.l2, weight) * weight.square().sum()
        return penalty

    def get_config(self) -> dict[str, Any]:
        """`{"l1": l1, "l2": l2}`."""
        return {"l1": self.l1, "l2": self.l2}


_MODES = ("rows", "columns")


class OrthogonalRegularizer(Regularizer):
    """Penalty pushing the rows (or columns) of a 2D weight to be orthogonal.

    The rows (`mode="rows"`) or columns are scaled to unit length, and the
    penalty is `factor` times the mean absolute dot product over distinct
    pairs (the mean |cosine|), as Keras computes it. For a `Dense` kernel `(in, out)`,
    `"rows"` acts on the `in` vectors. A weight with a single row (or
    column) has no pairs and gets 0, where Keras returns nan.

    Args:
        factor: Non-negative factor.
        mode: `"rows"` or `"columns"`.

    Example:
        >>> OrthogonalRegularizer(factor=0.5)(torch.tensor([[1.0, 0.0], [1.0, 0.0]]))
        tensor(0.5000)
        >>> OrthogonalRegularizer(factor=1.0)(torch.eye(3))
        tensor(0.)
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows") -> None:
        mode_problem = None if mode in _MODES else f"`mode` must be one of {_MODES}. Received: mode={mode!r}"
        _raise_if_any("OrthogonalRegularizer", [_factor_problem(factor, "factor"), mode_problem])
        self.factor = float(factor)
        self.mode = mode

    def __call__(self, weight: torch.Tensor) -> torch.Tensor:
        """Return the orthogonality penalty of a 2D `weight`."""
        weight = torch.as_tensor(weight)
        if weight.dim() != 2:
            raise ValueError(
                "OrthogonalRegularizer needs a 2D weight such as a Dense kernel. "
                f"Received: a weight of shape {tuple(weight.shape)}. Reshape it to 2D before calling."
            )
        axis = 1 if self.mode == "rows" else 0
        # Keras normalizes with x * min(rsqrt(sum(x**2)), 1/eps), so an all-zero row stays zero.
        inverse_norm = torch.rsqrt(weight.square().sum(dim=axis, keepdim=True)).clamp(max=1.0 / _EPSILON)
        unit = weight * inverse_norm
        products = unit @ unit.T if self.mode == "rows" else unit.T @ unit
        size = products.shape[0]
        if size < 2:
            return torch.zeros((), dtype=weight.dtype, device=weight.device)
        off_diagonal = products * (1.0 - torch.eye(size, dtype=weight.dtype, device=weight.device))
        pairs = size * (size - 1.0) / 2.0
        return _as_weight_dtype(self.factor, weight) * 0.5 * off_diagonal.abs().sum() / pairs

    def get_config(self) -> dict[str, Any]:
        """`{"factor": factor, "mode": mode}`."""
        return {"factor": self.factor, "mode": self.mode}


# Keras exports each class under a snake_case name too; these are the
# classes themselves, with the classes' defaults (l1_l2() is L1L2(0.0, 0.0)).
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

# Keras's string table: class names and their snake_case forms ("l1l2", not "l1_l2").
NAMES: dict[str, type[Regularizer]] = {
    "L1": L1,
    "l1": L1,
    "L2": L2,
    "l2": L2,
    "L1L2": L1L2,
    "l1l2": L1L2,
    "OrthogonalRegularizer": OrthogonalRegularizer,
    "orthogonal_regularizer": OrthogonalRegularizer,
}


def _unknown_name(name: str, argument: str, known: dict[str, type[Regularizer]]) -> ValueError:
    message = unknown_name_message("regularizer", argument, name, known)
    if name.lower().replace("-", "_") == "l1_l2":
        message += (
            " Keras 3 does not resolve 'l1_l2' either; its 'l1l2' builds L1L2(l1=0.0, l2=0.0), which "
            "penalizes nothing. Pass the factors: fitwell.regularizers.L1L2(l1=0.01, l2=0.01)."
        )
    return ValueError(message)


def get(identifier: Any) -> Regularizer | Callable[[torch.Tensor], torch.Tensor] | None:
    """Resolve `kernel_regularizer=`-style arguments, as `keras.regularizers.get` does.

    Args:
        identifier: None (returned as is); a Keras name spelled as Keras does
            (`"l1"`, `"L2"`, `"l1l2"`, `"orthogonal_regularizer"` …), built
            with its defaults; a `Regularizer` instance (returned as is) or
            class (instantiated); a `serialize()` dict; or any function
            `weight -> scalar tensor`, used as is.

    Returns:
        A regularizer, or None.

    Raises:
        ValueError: For an unknown name, with the closest known one.
        TypeError: For anything else.

    Example:
        >>> get("L2"), get({"class_name": "L1", "config": {"l1": 0.1}})
        (L2(l2=0.01), L1(l1=0.1))
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        if identifier not in NAMES:
            raise _unknown_name(identifier, "regularizer", NAMES)
        return NAMES[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Regularizer):
        return identifier()
    if callable(identifier) and not inspect.isclass(identifier):
        return identifier
    raise TypeError(
        "A regularizer must be a name such as 'l2', a Regularizer such as fitwell.regularizers.L2(1e-4), "
        "a config dict or a function weight -> scalar tensor. "
        f"Received: regularizer={identifier!r} of type {type(identifier).__name__}"
    )


def serialize(regularizer: Regularizer | None) -> dict[str, Any] | None:
    """Return `{"class_name": ..., "config": ...}`, which `deserialize` and `get` accept.

    None stays None, so a layer can serialize an optional regularizer as is.

    Example:
        >>> serialize(L1L2(l1=0.1, l2=0.2))
        {'class_name': 'L1L2', 'config': {'l1': 0.1, 'l2': 0.2}}
    """
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        raise TypeError(
            "Only Regularizer instances can be serialized; a plain function has no config. "
            f"Received: regularizer={regularizer!r}. Subclass fitwell.regularizers.Regularizer "
            "and implement get_config()."
        )
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def deserialize(
    config: dict[str, Any] | str, custom_objects: dict[str, type[Regularizer]] | None = None
) -> Regularizer:
    """Rebuild a regularizer from `serialize()`'s output (Keras's own dicts work too).

    Args:
        config: `{"class_name": name, "config": {...}}`; extra keys Keras
            writes (`"module"`, `"registered_name"`) are ignored. A bare
            name is also accepted.
        custom_objects: Extra `{class_name: class}` for your own regularizers.

    Returns:
        A new regularizer.

    Raises:
        ValueError: When `class_name` names no regularizer.

    Example:
        >>> deserialize({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.1, "mode": "columns"}})
        OrthogonalRegularizer(factor=0.1, mode='columns')
    """
    known = {**NAMES, **(custom_objects or {})}
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or not isinstance(config.get("config", {}), dict):
        raise TypeError(
            "A regularizer config must be {'class_name': <name>, 'config': {...}}. "
            f"Received: config={config!r}"
        )
    name = str(config.get("class_name"))
    if name not in known:
        raise _unknown_name(name, "class_name", known)
    return known[name].from_config(dict(config.get("config", {})))
