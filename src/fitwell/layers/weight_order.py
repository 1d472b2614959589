"""Keras's order and layout of a layer's weights, over torch's module tree.

Keras lists a layer's own weights (trainable ones first, each kind in
creation order), then each inner layer's, and shows them in its own layout.
Layers that store torch's layout translate through their `keras_view` and
`torch_layout`; other torch modules are shown as they are.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

__all__ = ["keras_array", "named_weights", "torch_array"]


def _own_then_children(module: nn.Module) -> Iterator[nn.Module]:
    yield module
    for child in module.children():
        yield from _own_then_children(child)


def _own_weights(module: nn.Module) -> list[torch.Tensor]:
    """A module's own parameters (those made non-trainable last, as Keras), then its float buffers."""
    frozen = {id(t) for t in getattr(module, "state_variables", [])}
    parameters = [p for p in module.parameters(recurse=False)]
    ordered = [p for p in parameters if id(p) not in frozen] + [p for p in parameters if id(p) in frozen]
    return ordered + [b for b in module.buffers(recurse=False) if b.is_floating_point()]


def named_weights(module: nn.Module) -> list[tuple[nn.Module, str, torch.Tensor]]:
    """`(owning module, attribute name, tensor)` of every weight, in Keras's order, each once."""
    found = []
    seen: set[int] = set()
    for owner in _own_then_children(module):
        names = {
            id(t): n for n, t in [*owner.named_parameters(recurse=False), *owner.named_buffers(recurse=False)]
        }
        for tensor in _own_weights(owner):
            if id(tensor) not in seen:
                seen.add(id(tensor))
                found.append((owner, names[id(tensor)], tensor))
    return found


def keras_array(owner: nn.Module, name: str, tensor: torch.Tensor) -> np.ndarray:
    """A weight as a numpy array in Keras's layout."""
    view = owner.keras_view(name, tensor) if hasattr(owner, "keras_view") else tensor
    return view.detach().cpu().numpy().copy()


def torch_array(owner: nn.Module, name: str, array: np.ndarray) -> np.ndarray:
    """An array in Keras's layout, in the owner's storage layout."""
    return owner.torch_layout(name, array) if hasattr(owner, "torch_layout") else array
