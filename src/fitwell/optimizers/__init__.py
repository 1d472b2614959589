"""Optimizers with Keras's names, defaults and update rules, on torch kernels."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.errors import unknown_name_message
from fitwell.optimizers import schedules
from fitwell.optimizers.adadelta import Adadelta
from fitwell.optimizers.adagrad import Adagrad
from fitwell.optimizers.adam import Adam
from fitwell.optimizers.adamax import Adamax
from fitwell.optimizers.adamw import AdamW
from fitwell.optimizers.base import Optimizer
from fitwell.optimizers.lion import Lion
from fitwell.optimizers.loss_scale import LossScaleOptimizer
from fitwell.optimizers.nadam import Nadam
from fitwell.optimizers.rmsprop import RMSprop
from fitwell.optimizers.sgd import SGD
from fitwell.optimizers.wrapped import TorchOptimizer

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "TorchOptimizer",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_CLASSES: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls for cls in (Adadelta, Adagrad, Adam, AdamW, Adamax, Lion, Nadam, RMSprop, SGD)
}


def get(identifier: Any) -> Optimizer:
    """Resolve `compile(optimizer=...)`.

    Args:
        identifier: A Keras name in any case (`"adam"`, `"RMSprop"`, ...),
            which builds the optimizer with Keras's defaults; a fitwell
            `Optimizer`, returned as is; a `torch.optim.Optimizer` instance,
            wrapped in `TorchOptimizer` (its own formula applies); or a
            `serialize()` dict.

    Returns:
        A fitwell optimizer.

    Raises:
        ValueError: For an unknown name, with the closest known one.
        TypeError: For anything else, e.g. a class instead of an instance.

    Example:
        >>> get("adam").learning_rate, type(get("RMSprop")).__name__
        (0.001, 'RMSprop')
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, torch.optim.Optimizer):
        return TorchOptimizer(identifier)
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower())
        if cls is None:
            raise ValueError(unknown_name_message("optimizer", "optimizer", identifier, list(_CLASSES)))
        return cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer | torch.optim.Optimizer):
        example = (
            f"{identifier.__name__}()"
            if issubclass(identifier, Optimizer)
            else f"torch.optim.{identifier.__name__}(model.parameters())"
        )
        raise TypeError(
            f"`optimizer` must be an optimizer instance, not a class. Received: optimizer={identifier!r}. "
            f"Create one: optimizer={example}."
        )
    raise TypeError(
        "`optimizer` must be an optimizer name such as 'adam', a fitwell optimizer such as "
        "fitwell.optimizers.Adam(1e-3), or a torch.optim optimizer built from the model's "
        f"parameters. Received: optimizer={identifier!r} of type {type(identifier).__name__}."
    )


def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """Return `{"class_name": ..., "config": ...}` for `deserialize`.

    Example:
        >>> serialize(SGD(0.1, momentum=0.9))["config"]["momentum"]
        0.9
    """
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict[str, Any]) -> Optimizer:
    """Rebuild an optimizer (without its state) from `serialize()`'s output.

    Example:
        >>> deserialize(serialize(Adam(3e-4))).learning_rate
        0.0003
    """
    name = str(config.get("class_name", ""))
    cls = _CLASSES.get(name.lower())
    if cls is None:
        raise ValueError(
            unknown_name_message("optimizer", "class_name", name, [c.__name__ for c in _CLASSES.values()])
        )
    return cls.from_config(config.get("config", {}))
