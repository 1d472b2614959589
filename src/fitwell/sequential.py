"""`Sequential`: a stack of layers (fitwell's or any torch module)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from fitwell.devices import device_scope
from fitwell.functional import Graph
from fitwell.layers.input_layer import Input, InputLayer
from fitwell.layers.layer import Layer
from fitwell.layers.symbolic import SymbolicTensor, call_symbolically
from fitwell.model import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """Layers applied one after the other, as Keras's `Sequential`.

    An optional leading `Input(shape=...)` (or `input_shape=` on the first
    layer) creates every weight at once, so `summary()`, `count_params()`
    and the optimizer see them before `fit`, and gives every layer its
    symbolic `input`/`output` (for feature extraction with the functional
    API). Without it the sizes are inferred from the first batch.

    Args:
        layers: Modules to stack, optionally starting with an `Input`.
        name: The model's name.
        trainable: Whether its weights train.

    Example:
        >>> import fitwell
        >>> model = fitwell.Sequential([
        ...     fitwell.Input(shape=(4,)),
        ...     fitwell.layers.Dense(8, activation="relu"),
        ...     fitwell.layers.Dense(1),
        ... ])
        >>> model(torch.zeros(2, 4)).shape, model.count_params()
        (torch.Size([2, 1]), 49)
    """

    def __init__(
        self,
        layers: Iterable[nn.Module | SymbolicTensor] | None = None,
        *,
        name: str | None = None,
        trainable: bool = True,
    ) -> None:
        super().__init__(name=name, trainable=trainable)
        self.layers = nn.ModuleList()  # type: ignore[misc] - registered as a submodule; read through the property
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self) -> list[nn.Module]:  # type: ignore[override]
        """The stacked layers (without the `Input`), as a list."""
        return list(self._modules["layers"] or [])

    @layers.setter
    def layers(self, value: nn.ModuleList) -> None:
        self._modules["layers"] = value

    def add(self, layer: nn.Module | SymbolicTensor) -> None:
        """Append a layer (or set the `Input` when the stack is still empty).

        Raises:
            ValueError: For an `Input` after layers.
            TypeError: For anything that is not a module.
        """
        stack = self._modules["layers"]
        if isinstance(layer, SymbolicTensor | InputLayer):
            if len(stack):
                raise ValueError(
                    f"`Input` must come first in a Sequential model. Received it after {len(stack)} layers."
                )
            self._start_graph(layer.output if isinstance(layer, InputLayer) else layer)
            return
        if not isinstance(layer, nn.Module):
            raise TypeError(
                "Sequential layers must be torch.nn.Module instances (fitwell.layers.* or "
                f"torch.nn.*). Received: {layer!r} of type {type(layer).__name__}"
            )
        if not len(stack) and self._graph is None:
            declared = _declared_input(layer)
            if declared is not None:
                self._start_graph(declared)
        stack.append(layer)
        self._adds_losses = None  # the new layer may add losses: look again at the next call
        if not self._trainable:
            _freeze(layer)
        if self._graph is not None:
            self._extend_graph(layer)

    def pop(self) -> nn.Module:
        """Remove the last layer and return it.

        Raises:
            IndexError: When there is no layer to remove.
        """
        stack = self._modules["layers"]
        if not len(stack):
            raise IndexError("pop() from an empty Sequential model: it has no layer to remove.")
        layer = stack[-1]
        del stack[-1]
        if self._graph is not None:
            inputs = self._graph.inputs
            self._graph = None
            self._start_graph(inputs)
            for kept in self.layers:
                self._extend_graph(kept)
        return layer

    def _start_graph(self, inputs: SymbolicTensor) -> None:
        self._graph = Graph(inputs, inputs)
        if all(size is not None for size in inputs.shape[1:]):
            self.input_sample_shape = tuple(inputs.shape[1:])  # type: ignore[arg-type]

    def _extend_graph(self, layer: nn.Module) -> None:
        # Calling the layer on the current symbolic output builds it and
        # records its node: layer.input/.output and model.outputs exist.
        assert self._graph is not None  # noqa: S101 - guarded by the callers
        previous = self._graph.outputs
        output = layer(previous) if isinstance(layer, Layer) else call_symbolically(layer, (previous,), {})
        self._graph = Graph(self._graph.inputs, output)

    def _build_for(self, inputs: Any) -> None:
        # Called with real data and no Input: record the graph from its shape, as Keras does.
        if self._graph is None and isinstance(inputs, torch.Tensor) and inputs.dim() >= 1:
            self._start_graph(Input(shape=tuple(inputs.shape[1:]), dtype=inputs.dtype))
            try:
                with device_scope(inputs.device):  # the layers are built where the data is
                    for layer in self.layers:
                        self._extend_graph(layer)
            except ValueError:
                self._graph = None  # a layer that cannot run on zeros: no symbolic view, still trainable
        self.built = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self._modules["layers"]:  # type: ignore[union-attr]
            x = layer(x)
        return x


def _freeze(layer: nn.Module) -> None:
    if isinstance(layer, Layer):
        layer.trainable = False
    else:
        layer.requires_grad_(False)


def _declared_input(layer: nn.Module) -> SymbolicTensor | None:
    """A new `Input` for what the first layer declares: `input_shape=`, or a model's own single input."""
    shape = getattr(layer, "declared_input_shape", None)
    if shape is not None:
        return Input(shape=shape)
    if isinstance(layer, Model):
        try:
            (first,) = layer.inputs
        except (AttributeError, ValueError):
            return None
        return Input(shape=first.shape[1:], dtype=first.dtype)
    return None
