"""Optimizers with Keras's names, defaults and update rules, on torch kernels."""

from __future__ import annotations

from fitwell.errors import unknown_name_message
from fitwell.optimizers import schedules
from fitwell.optimizers.adam import Adam
from fitwell.optimizers.base import Optimizer
from fitwell.optimizers.sgd import SGD

__all__ = ["SGD", "Adam", "Optimizer", "get", "schedules"]

_CLASSES: dict[str, type[Optimizer]] = {cls.__name__.lower(): cls for cls in (Adam, SGD)}


def get(identifier: str | Optimizer) -> Optimizer:
    """Resolve `compile(optimizer=...)`: a name (any case) builds defaults.

    Example:
        >>> get("adam").learning_rate
        0.001
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower())
        if cls is None:
            raise ValueError(
                unknown_name_message("optimizer", "optimizer", identifier, list(_CLASSES))
            )
        return cls()
    raise TypeError(
        "`optimizer` must be an optimizer name such as 'adam' or a fitwell optimizer, "
        f"e.g. fitwell.optimizers.Adam(1e-3). Received: optimizer={identifier!r}"
    )
