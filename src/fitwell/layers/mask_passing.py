"""How a layer call takes its inputs' padding masks and passes a mask on to its outputs.

`Layer.__call__` runs these around `call` once any tensor has carried a
mask (see `tensor_masks`): a `call` that takes `mask` (or `<argument>_mask`)
receives the mask of its input, and a layer that supports masking sets its
`compute_mask` result on its outputs. A mask that reaches a layer without
masking support stops there, with a warning.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import torch

from fitwell.layers import symbolic, tensor_masks

if TYPE_CHECKING:
    from fitwell.layers.layer import Layer

__all__ = ["PASSES_MASK_ON", "check_takes_mask", "pass_masks_on", "receive_masks"]

#: Keras's layers that keep the steps and pass a mask on unchanged (they set `supports_masking`).
PASSES_MASK_ON = frozenset(
    {
        "Activation",
        "ActivityRegularization",
        "AlphaDropout",
        "BatchNormalization",
        "Dense",
        "Dropout",
        "ELU",
        "GaussianDropout",
        "GaussianNoise",
        "GroupNormalization",
        "Identity",
        "Lambda",
        "LayerNormalization",
        "LeakyReLU",
        "Normalization",
        "PReLU",
        "ReLU",
        "Rescaling",
        "Softmax",
        "UnitNormalization",
    }
)


def receive_masks(layer: Layer, args: tuple, kwargs: dict) -> tuple[dict, Any]:
    """The keyword arguments with the inputs' masks added where `call` takes them, and the
    mask this call continues (an explicit `mask=`, else the first input's)."""
    rules = tensor_masks.mask_rules(type(layer))
    first = args[0] if args else next(iter(kwargs.values()), None)
    previous = tensor_masks.structure_masks(first)
    if not tensor_masks.has_any(previous):
        previous = None
    if rules.takes_mask:
        position = rules.positions["mask"]
        given = args[position] if position < len(args) else kwargs.get("mask")
        if given is not None:
            previous = given
        elif previous is not None and position >= len(args):
            kwargs = {**kwargs, "mask": previous}
    for argument, mask_argument in rules.named:
        position = rules.positions[mask_argument]
        if (args[position] if position < len(args) else kwargs.get(mask_argument)) is not None:
            continue
        position = rules.positions[argument]
        value = args[position] if position < len(args) else kwargs.get(argument)
        mask = tensor_masks.get_mask(value)
        if mask is not None:
            kwargs = {**kwargs, mask_argument: mask}
    return kwargs, previous


def pass_masks_on(layer: Layer, first: Any, outputs: Any, previous_mask: Any) -> None:
    """Set `layer.compute_mask(first, previous_mask)` on the outputs that carry no mask yet.

    Called by `Layer.__call__` only (the warning's `stacklevel` points at the
    code that called the layer).
    """
    if not layer.supports_masking:
        if previous_mask is not None and not _holds_layers(layer):
            warnings.warn(
                f"Layer {layer.name!r} ({type(layer).__name__}) received an input with a mask, but it does "
                "not support masking: the mask stops here and later layers will not see it. Received: "
                "a masked input (from Embedding(mask_zero=True) or Masking). Set "
                "`self.supports_masking = True` in a layer of yours that keeps the steps.",
                stacklevel=3,
            )
        return
    flat_outputs = symbolic.flatten_tensors(outputs)
    if not flat_outputs or all(tensor_masks.get_mask(t) is not None for t in flat_outputs):
        return
    computed = layer.compute_mask(first, previous_mask)
    if computed is None:
        return
    masks = list(computed) if isinstance(computed, list | tuple) else [computed]
    for tensor, mask in zip(flat_outputs, masks, strict=False):
        if isinstance(mask, torch.Tensor) and tensor_masks.get_mask(tensor) is None:
            tensor_masks.set_mask(tensor, mask)


def check_takes_mask(layer: Layer) -> None:
    """Refuse an explicit `mask=` for a layer whose `call` cannot take it.

    Raises:
        TypeError: Naming the layer, with the layers that read masks.
    """
    rules = tensor_masks.mask_rules(type(layer))
    if not (rules.takes_mask or rules.takes_any_keyword):
        raise TypeError(
            f"Layer {layer.name!r} ({type(layer).__name__}) cannot take a mask: its call() has no `mask` "
            "argument. Received: mask=... . Leave the mask out, or put a layer that reads masks here "
            "(LSTM, GlobalAveragePooling1D, attention)."
        )


def _holds_layers(layer: Layer) -> bool:
    """Whether other layers sit inside `layer` (a dropped mask is then not reported for it)."""
    from fitwell.layers.layer import Layer  # layer.py imports this module

    return any(module is not layer and isinstance(module, Layer) for module in layer.modules())
