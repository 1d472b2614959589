"""Arrays and nested structures of them: conversion to tensors, mapping, checks.

A "structure" is a tensor, or a tuple/list/dict of tensors (several model
inputs or outputs). Everything here runs once per batch or once per `fit`,
never inside the device computation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from fitwell.strings import StringArray, is_text

__all__ = [
    "call_module",
    "check_finite",
    "count_samples",
    "is_array_like",
    "is_structure_of_arrays",
    "leaves",
    "map_structure",
    "move_to",
    "to_numpy",
    "to_structure",
    "to_tensor",
    "unpack_batch",
]

Structure = Any  # a tensor, or a tuple/list/dict of tensors


def is_array_like(value: object) -> bool:
    """Whether `value` is one in-memory array (not a structure of them)."""
    if isinstance(value, torch.Tensor | np.ndarray):
        return True
    module = type(value).__module__
    if module.startswith("pandas"):
        return hasattr(value, "to_numpy")
    return hasattr(value, "__array__") and not isinstance(value, str | bytes)


def is_structure_of_arrays(value: object) -> bool:
    """Whether `value` is an array, or a non-empty dict/list/tuple of arrays."""
    if isinstance(value, dict):
        return bool(value) and all(is_array_like(v) for v in value.values())
    if isinstance(value, list | tuple):
        return bool(value) and all(is_array_like(v) for v in value)
    return is_array_like(value)


def to_tensor(value: Any, *, argument: str) -> torch.Tensor:
    """Convert one array to a tensor; float64 becomes float32, bool becomes float32.

    Text given as an input (`argument` "x...") becomes a `StringArray`.

    Raises:
        TypeError: For text or object arrays, naming `argument`.
    """
    if isinstance(value, torch.Tensor):
        tensor = value.detach()
    else:
        if hasattr(value, "to_numpy") and type(value).__module__.startswith("pandas"):
            value = value.to_numpy()
        array = np.asarray(value)
        if argument.startswith("x") and array.dtype.kind in "OUS" and is_text(array):
            # Model inputs may be text, for layers such as TextVectorization; targets must be numbers.
            return StringArray(array)
        if array.dtype.kind in "OUSV":
            raise TypeError(
                f"`{argument}` must hold numbers. Received: {argument} with dtype "
                f"{array.dtype}. Encode text labels as integers first, e.g. "
                "`labels, y = numpy.unique(y, return_inverse=True)`."
            )
        array = np.ascontiguousarray(array)
        if not array.flags.writeable:  # torch refuses read-only memory (pandas often gives it)
            array = array.copy()
        tensor = torch.from_numpy(array)
    if tensor.dtype == torch.float64 or tensor.dtype == torch.bool:
        tensor = tensor.float()
    return tensor


def to_structure(value: Any, *, argument: str) -> Structure:
    """Convert an array, or a dict/list/tuple of arrays, to tensors."""
    if isinstance(value, dict):
        return {key: to_tensor(v, argument=f"{argument}[{key!r}]") for key, v in value.items()}
    if isinstance(value, list | tuple) and value and all(is_array_like(v) for v in value):
        if all(isinstance(v, int | float | np.number) for v in value):
            return to_tensor(value, argument=argument)
        return tuple(to_tensor(v, argument=f"{argument}[{i}]") for i, v in enumerate(value))
    return to_tensor(value, argument=argument)


def leaves(structure: Structure) -> list[torch.Tensor]:
    """The tensors of a structure, in order."""
    if isinstance(structure, dict):
        return list(structure.values())
    if isinstance(structure, tuple | list):
        return list(structure)
    return [structure]


def map_structure(structure: Structure, fn: Callable[[Any], Any]) -> Structure:
    """Apply `fn` to every tensor of a structure, keeping its shape (tuples for lists)."""
    if isinstance(structure, dict):
        return {key: fn(v) for key, v in structure.items()}
    if isinstance(structure, tuple | list):
        return tuple(fn(v) for v in structure)
    return fn(structure)


def count_samples(structure: Structure) -> int:
    """Number of samples (first dimension) in a tensor or structure of tensors."""
    return int(leaves(structure)[0].shape[0])


def move_to(structure: Structure, device: torch.device) -> Structure:
    """Move a tensor or structure of tensors to `device`."""
    return map_structure(structure, lambda t: t.to(device, non_blocking=True))


def unpack_batch(batch: Any) -> tuple[Any, Any, Any]:
    """Split a ready batch into `(x, y, sample_weight)` as Keras does.

    A tuple (or list) of length 1, 2 or 3 is `(x,)`, `(x, y)` or
    `(x, y, sample_weight)`; anything else, dicts included, is `x` alone.
    """
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if len(batch) == 1:
        return batch[0], None, None
    if len(batch) == 2:
        return batch[0], batch[1], None
    if len(batch) == 3:
        return batch
    raise ValueError(
        "A data batch must be `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`. "
        f"Received: a tuple of {len(batch)} elements. Pack several inputs into one "
        "tuple or dict: `((x1, x2), y)`."
    )


def check_finite(structure: Structure, *, argument: str) -> None:
    """Raise if any floating input holds NaN or Inf (one host read per call)."""
    for index, tensor in enumerate(leaves(structure)):
        # A sum is NaN or Inf whenever an element is, and costs one pass with
        # no large temporary; only a non-finite sum (or an overflow) pays for
        # the element-wise check.
        if not tensor.is_floating_point() or bool(torch.isfinite(tensor.sum())):
            continue
        if not bool(torch.isfinite(tensor).all()):
            bad = (~torch.isfinite(tensor)).nonzero()
            where = tuple(bad[0].tolist())
            name = argument if len(leaves(structure)) == 1 else f"{argument}[{index}]"
            raise ValueError(
                f"`{name}` contains NaN or Inf values (first at index {where}; "
                f"{len(bad)} in all). Training on them would turn the weights into NaN. "
                "Clean or impute the data first, e.g. `numpy.nan_to_num(x)`."
            )


def call_module(module: torch.nn.Module, x: Any) -> Any:
    """Run `module` on `x`: a tensor, a tuple (positional inputs) or a dict (keyword inputs)."""
    if isinstance(x, dict):
        return module(**x)
    if isinstance(x, tuple):
        return module(*x)
    return module(x)


def to_numpy(structure: Any) -> Any:
    """Tensors (or a tuple/dict of them) to numpy arrays on the host."""
    if isinstance(structure, dict):
        return {key: to_numpy(value) for key, value in structure.items()}
    if isinstance(structure, tuple | list):
        return tuple(to_numpy(value) for value in structure)
    if isinstance(structure, torch.Tensor):
        return structure.detach().cpu().numpy()
    return np.asarray(structure)
