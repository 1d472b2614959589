"""Activation functions by their Keras names."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

from fitwell.errors import unknown_name_message

__all__ = ["ACTIVATIONS", "get_activation"]


def _linear(x: torch.Tensor) -> torch.Tensor:
    return x


ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "linear": _linear,
    "relu": F.relu,
    "relu6": F.relu6,
    "sigmoid": torch.sigmoid,
    "softmax": lambda x: torch.softmax(x, dim=-1),
    "log_softmax": lambda x: torch.log_softmax(x, dim=-1),
    "tanh": torch.tanh,
    "gelu": F.gelu,
    "elu": F.elu,
    "selu": F.selu,
    "softplus": F.softplus,
    "softsign": F.softsign,
    "swish": F.silu,
    "silu": F.silu,
    "mish": F.mish,
    "leaky_relu": lambda x: F.leaky_relu(x, negative_slope=0.2),
    "exponential": torch.exp,
    "hard_sigmoid": lambda x: F.relu6(x + 3.0) / 6.0,
}


def get_activation(
    identifier: str | Callable[[torch.Tensor], torch.Tensor] | None,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Resolve `activation=` (a Keras name, a callable or None for linear).

    Keras's `leaky_relu` slope is 0.2 and its `gelu` is the exact (erf)
    form; both are kept.

    Example:
        >>> get_activation("relu")(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    if identifier is None:
        return _linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in ACTIVATIONS:
        return ACTIVATIONS[identifier.lower()]
    raise ValueError(unknown_name_message("activation", "activation", str(identifier), ACTIVATIONS))


def activation_name(fn: Callable[[torch.Tensor], torch.Tensor]) -> str | None:
    """The Keras name of an activation function, if it is one of ours."""
    for name, known in ACTIVATIONS.items():
        if known is fn:
            return name
    return None
