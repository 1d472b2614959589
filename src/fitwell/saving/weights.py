"""A model's weights as named tensors, and loading them back all-or-nothing.

Names are the model's `state_dict` keys (parameters and persistent
buffers). Loading compares every name and shape first and reports all
mismatches in one error; only when everything fits (or `strict=False`
narrows the set to what fits) is any tensor changed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.parameter import UninitializedTensorMixin

__all__ = [
    "Mismatch",
    "assign",
    "check",
    "compare",
    "materialize",
    "require_built",
    "shapes",
    "unbuilt_names",
    "warn_skipped",
]

#: How many names a message lists before it summarises the rest.
LISTED_NAMES = 8


def unbuilt_names(model: nn.Module) -> list[str]:
    """Names of weights that are not created yet: layers before their first input, torch's lazy modules."""
    from fitwell.layers.layer import Layer

    tensors = [*model.named_parameters(remove_duplicate=False), *model.named_buffers(remove_duplicate=False)]
    lazy = [name for name, tensor in tensors if isinstance(tensor, UninitializedTensorMixin)]
    unbuilt = [
        f"{name} ({module.name})"
        for name, module in model.named_modules()
        if isinstance(module, Layer) and module.awaits_build
    ]
    return lazy + unbuilt


def require_built(model: nn.Module, action: str) -> None:
    """Raise a clear error when some of `model`'s weights do not exist yet.

    Raises:
        ValueError: Listing the weights that are still lazy, and how to build them.
    """
    names = unbuilt_names(model)
    if names:
        raise ValueError(
            f"{action} needs every weight to exist, but {type(model).__name__} has weights that are "
            f"created at the first batch: {_listed(names)}. Received: a model that has not seen "
            "any data yet. Build it first: start a Sequential with fitwell.Input(shape=...), "
            "call the model on one batch (model(x)), or train it."
        )


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED_NAMES])
    return shown if len(names) <= LISTED_NAMES else f"{shown} and {len(names) - LISTED_NAMES} more"


def shapes(tensors: dict[str, torch.Tensor]) -> dict[str, tuple[int, ...]]:
    """Name → shape of each tensor, in the form `check` compares."""
    return {name: tuple(tensor.shape) for name, tensor in tensors.items()}


@dataclass
class Mismatch:
    """How a file's tensors differ from a model's weights."""

    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    #: (name, the model's shape, the file's): one shape per name, or a list of them per Keras layer.
    wrong_shape: list[tuple[str, Any, Any]] = field(default_factory=list)
    #: Parts of the model that no file entry can fill (a torch module in a Keras file), with the reason.
    unloadable: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.unexpected or self.wrong_shape or self.unloadable)

    def describe(self) -> str:
        """One line per kind of mismatch."""
        lines = []
        if self.missing:
            lines.append(f"  missing from the file ({len(self.missing)}): {_listed(self.missing)}")
        if self.unexpected:
            lines.append(f"  not in the model ({len(self.unexpected)}): {_listed(self.unexpected)}")
        if self.wrong_shape:
            shapes = [f"{name} (model {model}, file {file})" for name, model, file in self.wrong_shape]
            lines.append(f"  wrong shape ({len(shapes)}): {_listed(shapes)}")
        if self.unloadable:
            lines.append(f"  cannot be loaded ({len(self.unloadable)}): {_listed(self.unloadable)}")
        return "\n".join(lines)


def compare(model_shapes: dict[str, tuple[int, ...]], file_shapes: dict[str, tuple[int, ...]]) -> Mismatch:
    """Every difference between the model's names/shapes and the file's.

    Example:
        >>> compare({"w": (2, 3), "b": (2,)}, {"w": (2, 4), "x": (1,)})
        Mismatch(missing=['b'], unexpected=['x'], wrong_shape=[('w', (2, 3), (2, 4))], unloadable=[])
    """
    return Mismatch(
        missing=[name for name in model_shapes if name not in file_shapes],
        unexpected=[name for name in file_shapes if name not in model_shapes],
        wrong_shape=[
            (name, tuple(shape), tuple(file_shapes[name]))
            for name, shape in model_shapes.items()
            if name in file_shapes and tuple(shape) != tuple(file_shapes[name])
        ],
    )


def check(
    model: nn.Module, file_shapes: dict[str, tuple[int, ...]], *, strict: bool, source: str
) -> tuple[list[str], Mismatch]:
    """Names to load from the file, and what does not fit; raises for any mismatch when `strict`.

    Raises:
        ValueError: With every mismatch, when `strict` and the file does not fit.
    """
    require_built(model, "load_weights()")
    model_shapes = shapes(model.state_dict())
    mismatch = compare(model_shapes, file_shapes)
    if mismatch and strict:
        received = (
            "a file saved from a different architecture (or a different model). Rebuild the "
            "model with the code that saved the file, or pass strict=False to load only the "
            "entries whose names and shapes match."
        )
        raise ValueError(
            f"The weights in {source} do not fit {type(model).__name__}; nothing was loaded.\n"
            f"{mismatch.describe()}\nReceived: {received}"
        )
    wrong = {name for name, _, _ in mismatch.wrong_shape}
    return [name for name in model_shapes if name in file_shapes and name not in wrong], mismatch


def warn_skipped(mismatch: Mismatch, source: str) -> None:
    """Tell what `load_weights(strict=False)` left out (after it loaded the rest)."""
    if mismatch:
        warnings.warn(
            f"load_weights(strict=False) skipped what does not fit from {source}:\n{mismatch.describe()}",
            stacklevel=4,
        )


@torch.no_grad()
def assign(model: nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Copy `tensors` into the model's weights in place (the optimizer keeps its references).

    Every name must be a `state_dict` key of `model` with the same shape
    (checked by the caller); values are cast to each weight's dtype and
    device.
    """
    targets = model.state_dict(keep_vars=True)
    for name, value in tensors.items():
        targets[name].copy_(value)


def materialize(model: nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Create lazy weights with the shapes and dtypes of the saved `tensors`."""
    entries = [*model.named_parameters(remove_duplicate=False), *model.named_buffers(remove_duplicate=False)]
    for name, tensor in entries:
        if isinstance(tensor, UninitializedTensorMixin) and name in tensors:
            tensor.materialize(tuple(tensors[name].shape), dtype=tensors[name].dtype)
