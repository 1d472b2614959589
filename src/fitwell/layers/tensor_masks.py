"""The Keras mask a tensor carries: which steps of a sequence are real and which are padding.

A layer that makes a mask (`Embedding(mask_zero=True)`, `Masking`) sets it
on its output tensor, as Keras does (the attribute `_keras_mask`, a boolean
tensor of shape `(batch, steps)`). Each later layer call reads it from its
first input: a layer whose `call` takes `mask` receives it, and a layer that
supports masking passes its `compute_mask` result on to its outputs. So a
mask flows through `Sequential`, functional models and your own `call`
alike, and the loss and metrics read it from the model's output.

Example:
    >>> x = torch.zeros(2, 3)
    >>> get_mask(x) is None
    True
    >>> set_mask(x, torch.tensor([[True, False, False], [True, True, False]]))
    >>> get_mask(x).sum().item()
    3
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["MaskRules", "get_mask", "mask_rules", "masks_in_use", "set_mask", "structure_masks"]

_ATTRIBUTE = "_keras_mask"
_in_use = False  # whether any mask was ever set: until then layer calls skip every mask step


def masks_in_use() -> bool:
    """Whether a mask has been set on any tensor in this process (layer calls skip masks until then)."""
    return _in_use


def get_mask(value: Any) -> torch.Tensor | None:
    """The mask `value` carries, or None (also for anything that is not a tensor)."""
    if not isinstance(value, torch.Tensor):
        return None
    return getattr(value, _ATTRIBUTE, None)


def set_mask(value: torch.Tensor, mask: torch.Tensor | None) -> None:
    """Attach `mask` to `value` (None removes it)."""
    global _in_use
    if mask is None:
        if getattr(value, _ATTRIBUTE, None) is not None:
            setattr(value, _ATTRIBUTE, None)
        return
    _in_use = True
    setattr(value, _ATTRIBUTE, mask)


def structure_masks(value: Any) -> Any:
    """The masks of a tensor, or of each tensor of a list/tuple (None where there is none)."""
    if isinstance(value, list | tuple):
        return [get_mask(item) for item in value]
    return get_mask(value)


def has_any(masks: Any) -> bool:
    """Whether a mask structure holds at least one mask."""
    if isinstance(masks, list | tuple):
        return any(has_any(m) for m in masks)
    return masks is not None


@dataclass(frozen=True)
class MaskRules:
    """How a layer class's `call` takes masks (read once per class).

    Attributes:
        takes_mask: `call` has a `mask` argument (it gets its first input's mask).
        named: `(argument, mask argument)` pairs such as `("query", "query_mask")`:
            each tensor argument's mask goes to its own mask argument.
        positions: The positional index of each argument of `call`.
        takes_any_keyword: `call` has `**kwargs`.
    """

    takes_mask: bool
    named: tuple[tuple[str, str], ...]
    positions: dict[str, int]
    takes_any_keyword: bool = False


_RULES: dict[type, MaskRules] = {}


def mask_rules(cls: type) -> MaskRules:
    """The `MaskRules` of a layer class."""
    rules = _RULES.get(cls)
    if rules is None:
        try:
            signature = list(inspect.signature(cls.call).parameters.values())[1:]  # without self
        except (TypeError, ValueError):
            signature = []
        parameters = [p.name for p in signature if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        names = set(parameters)
        named = tuple((p, f"{p}_mask") for p in parameters if f"{p}_mask" in names)
        rules = _RULES[cls] = MaskRules(
            takes_mask="mask" in names,
            named=named,
            positions={p: i for i, p in enumerate(parameters)},
            takes_any_keyword=any(p.kind is p.VAR_KEYWORD for p in signature),
        )
    return rules
