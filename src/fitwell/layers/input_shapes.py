"""The input shapes of a layer: declared in its arguments, read from its inputs, given to its `build`.

Keras builds a layer at its first call with its input's shape (batch axis
first), or, when `build` takes several `<argument>_shape`s (Keras's
`build(query_shape, value_shape)`), with each argument's shape by name.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import torch

from fitwell.layers import symbolic, tensor_masks

__all__ = ["build_shapes", "declared_shape", "shape_of"]

_BUILD_SHAPES: dict[type, tuple[str, ...]] = {}


def shape_of(inputs: Any) -> Any:
    """The shape (a tuple) of a tensor or symbolic tensor, or the structure of shapes of a list/dict."""
    if isinstance(inputs, torch.Tensor | symbolic.SymbolicTensor):
        return tuple(inputs.shape)
    if isinstance(inputs, dict):
        return {key: shape_of(value) for key, value in inputs.items()}
    if isinstance(inputs, list | tuple):
        return [shape_of(value) for value in inputs]
    return None


def declared_shape(
    input_shape: Sequence[int | None] | None,
    input_dim: int | None,
    batch_input_shape: Sequence[int | None] | None,
) -> tuple[int | None, ...] | None:
    """The shape of one sample that Keras's `input_shape`, `input_dim` or `batch_input_shape` declares."""
    if input_dim is not None:
        return (int(input_dim),)
    if batch_input_shape is not None:
        return tuple(batch_input_shape)[1:]
    if input_shape is not None:
        return (int(input_shape),) if isinstance(input_shape, int) else tuple(input_shape)
    return None


def build_shapes(cls: type, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    """`{"<argument>_shape": shape}` for a `build` that takes two or more of them, else None.

    An argument left out of the call (or None) is left out of the shapes.
    """
    names = _build_shape_names(cls)
    if not names:
        return None
    positions = tensor_masks.mask_rules(cls).positions
    shapes = {}
    for name in names:
        position = positions[name]
        value = args[position] if position < len(args) else kwargs.get(name)
        if value is not None:
            shapes[f"{name}_shape"] = shape_of(value)
    return shapes


def _build_shape_names(cls: type) -> tuple[str, ...]:
    """The call arguments whose shapes `build` takes by name, when it takes two or more of them."""
    names = _BUILD_SHAPES.get(cls)
    if names is None:
        try:
            built = [p for p in inspect.signature(cls.build).parameters if p.endswith("_shape")]
        except (TypeError, ValueError):
            built = []
        called = tensor_masks.mask_rules(cls).positions
        names = tuple(p.removesuffix("_shape") for p in built if p.removesuffix("_shape") in called)
        names = _BUILD_SHAPES[cls] = names if len(names) > 1 else ()
    return names
