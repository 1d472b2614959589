"""Activations for layers' `activation=` arguments: `fitwell.activations`, by Keras name."""

from __future__ import annotations

from collections.abc import Callable

import torch

from fitwell import activations

__all__ = ["activation_name", "get_activation"]


def get_activation(
    identifier: str | Callable[[torch.Tensor], torch.Tensor] | None,
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Resolve `activation=` (a Keras name, a callable, or None for linear).

    Example:
        >>> get_activation("relu")(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return activations.get(identifier)


def activation_name(fn: Callable[[torch.Tensor], torch.Tensor]) -> str | None:
    """The Keras name of an activation function when it is one of `fitwell.activations`'s, else None.

    Example:
        >>> activation_name(get_activation("softmax")), activation_name(lambda x: x)
        ('softmax', None)
    """
    try:
        return activations.serialize(fn)
    except (ValueError, TypeError):
        return None
