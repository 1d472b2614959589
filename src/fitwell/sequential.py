"""`Sequential`: a stack of layers (fitwell's or any torch module)."""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn

from fitwell.layers.core import Input
from fitwell.model import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """Layers applied one after the other, as Keras's `Sequential`.

    An optional leading `Input(shape=...)` creates every weight at once
    (so `summary()` and the optimizer see them before `fit`); without it
    the sizes are inferred from the first batch.

    Args:
        layers: Modules to stack, optionally starting with an `Input`.

    Example:
        >>> import fitwell
        >>> model = fitwell.Sequential([
        ...     fitwell.Input(shape=(4,)),
        ...     fitwell.layers.Dense(8, activation="relu"),
        ...     fitwell.layers.Dense(1),
        ... ])
        >>> model(torch.zeros(2, 4)).shape
        torch.Size([2, 1])
    """

    def __init__(self, layers: Iterable[nn.Module | Input] | None = None) -> None:
        super().__init__()
        self.layers = nn.ModuleList()
        self.input_spec: Input | None = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: nn.Module | Input) -> None:
        """Append a layer (or set the `Input` when the stack is still empty)."""
        if isinstance(layer, Input):
            if len(self.layers):
                raise ValueError(
                    "`Input` must come first in a Sequential model. Received it after "
                    f"{len(self.layers)} layers."
                )
            self.input_spec = layer
            self.input_sample_shape = layer.shape
            return
        if not isinstance(layer, nn.Module):
            raise TypeError(
                "Sequential layers must be torch.nn.Module instances (fitwell.layers.* or "
                f"torch.nn.*). Received: {layer!r} of type {type(layer).__name__}"
            )
        self.layers.append(layer)
        if self.input_spec is not None:
            self._build_from_input()

    def _build_from_input(self) -> None:
        # One small forward pass in eval mode materialises every inferred size
        # without touching batch-norm statistics.
        assert self.input_spec is not None  # noqa: S101 - guarded by the caller
        was_training = self.training
        self.eval()
        with torch.no_grad():
            self(torch.zeros((2, *self.input_spec.shape), dtype=self.input_spec.dtype, device=self.device))
        self.train(was_training)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x
