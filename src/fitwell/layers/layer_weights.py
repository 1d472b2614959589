"""A layer's weights, Keras's way: creating one for `add_weight`, and setting all from Keras's arrays.

`Layer.add_weight` and `Layer.set_weights` delegate here; the `Layer` keeps
its own bookkeeping (which weights were made frozen, which are
regularized). The order and layout the arrays follow are in `weight_order`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from fitwell import initializers
from fitwell.layers.variable import Variable
from fitwell.layers.weight_order import keras_array, named_weights, torch_array

if TYPE_CHECKING:
    from fitwell.layers.layer import Layer

__all__ = ["assign_weights", "create_weight", "store_transposed", "weight_dtype"]

#: Keras variable options that mean nothing on torch (accepted and ignored by `add_weight`).
_IGNORED_OPTIONS = ("autocast", "aggregation", "synchronization", "use_resource", "overwrite_with_gradient")


def create_weight(
    layer: Layer,
    shape: Sequence[int] | None,
    initializer: Any,
    *,
    dtype: Any,
    trainable: bool,
    constraint: Any,
    unknown: dict[str, Any],
) -> Variable:
    """A new weight for `layer.add_weight` (not yet registered), initialised in Keras's layout.

    Raises:
        TypeError: For keyword arguments `add_weight` does not know.
        NotImplementedError: For a `constraint`.
    """
    for key in _IGNORED_OPTIONS:
        unknown.pop(key, None)
    if unknown:
        raise TypeError(f"add_weight() got unexpected keyword arguments: {sorted(unknown)}.")
    if constraint is not None:
        raise NotImplementedError(
            f"Weight constraints are not supported yet. Received: constraint={constraint!r} for a "
            f"weight of {layer.name}. Leave it out, or clamp the weight in a callback's on_batch_end."
        )
    dtype = layer.dtype if dtype is None else weight_dtype(dtype)
    shape = tuple(int(d) for d in (shape or ()))
    if initializer is None:
        initializer = "glorot_uniform" if dtype.is_floating_point else "zeros"
    values = initializers.get(initializer)(shape, dtype=dtype)
    parameter = Variable(
        torch.as_tensor(values, dtype=dtype), requires_grad=bool(trainable) and dtype.is_floating_point
    )
    parameter.requires_grad_(parameter.requires_grad and layer.trainable)
    return parameter


def assign_weights(layer: Layer, weights: Sequence[Any]) -> None:
    """Copy arrays in Keras's order and layout into `layer`'s weights, after checking them all.

    Raises:
        ValueError: For a different number of arrays or a shape that does
            not fit, naming the layer and the weight.
    """
    targets = named_weights(layer)
    if len(weights) != len(targets):
        raise ValueError(
            f"{layer.name}.set_weights() needs {len(targets)} arrays (its weights in Keras's order: "
            f"{', '.join(name for _, name, _ in targets)}). Received: {len(weights)} arrays."
        )
    converted = []
    for (module, name, tensor), value in zip(targets, weights, strict=True):
        value = np.asarray(value)
        expected = tuple(keras_array(module, name, tensor).shape)
        if tuple(value.shape) != expected:
            raise ValueError(
                f"{layer.name}.set_weights(): weight {name!r} of "
                f"{getattr(module, 'name', type(module).__name__)} has shape {expected} in Keras's "
                f"layout. Received: an array of shape {tuple(value.shape)}."
            )
        converted.append((tensor, torch_array(module, name, value)))
    with torch.no_grad():
        for tensor, value in converted:
            tensor.copy_(torch.as_tensor(value, dtype=tensor.dtype))


def store_transposed(parameter: nn.Parameter, permutation: Sequence[int]) -> None:
    """Re-lay a weight created in Keras's layout into torch's (`permutation` of its axes), in place.

    Layers create kernels with `add_weight` in Keras's shape, so the
    initializers see Keras's fans, then store them the way torch's kernels
    read them.
    """
    with torch.no_grad():
        parameter.data = parameter.data.permute(*permutation).contiguous()


def weight_dtype(dtype: Any) -> torch.dtype:
    """The torch dtype of a layer's `dtype` argument: None (torch's default), a torch dtype or a name.

    Raises:
        ValueError: For anything else.
    """
    if dtype is None:
        return torch.get_default_dtype()
    if isinstance(dtype, torch.dtype):
        return dtype
    resolved = getattr(torch, str(dtype).removeprefix("mixed_"), None) if isinstance(dtype, str) else None
    if not isinstance(resolved, torch.dtype):
        raise ValueError(f"`dtype` must be a dtype name such as 'float32'. Received: dtype={dtype!r}")
    return resolved
