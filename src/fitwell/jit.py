"""`compile(jit_compile=True)`: the forward pass and loss compiled with `torch.compile`.

The compiled function is pure (inputs in, loss and outputs out); the loss
trackers, metrics and the optimizer update run around it, so a compiled run
computes exactly what an eager run computes. When compilation fails, fitwell
warns once and carries on eagerly.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch

if TYPE_CHECKING:
    from fitwell.compiled import CompiledState
    from fitwell.model import Model

__all__ = ["ForwardLoss", "make_forward_loss"]

ForwardLoss = Callable[[Any, Any, Any], tuple[torch.Tensor, list[torch.Tensor], Any]]


def _eager_forward_loss(model: Model, state: CompiledState) -> ForwardLoss:
    from fitwell.engine import call_module

    def forward_loss(x: Any, y: Any, sample_weight: Any) -> tuple[torch.Tensor, list[torch.Tensor], Any]:
        # Training goes through DistributedDataParallel when distributed;
        # evaluation (no gradients) calls the model itself, on each shard.
        module = state.train_module if state.train_module is not None and torch.is_grad_enabled() else model
        y_pred = call_module(module, x)
        total, per_head = state.loss_values(y, y_pred, sample_weight)
        return total, per_head, y_pred

    if state.precision is None:
        return forward_loss
    device_type = model.device.type
    dtype = torch.bfloat16 if state.precision == "bf16" else torch.float16

    def autocast_forward_loss(
        x: Any, y: Any, sample_weight: Any
    ) -> tuple[torch.Tensor, list[torch.Tensor], Any]:
        # Layers run in the low precision; losses are computed in float32
        # (Loss.__call__ casts half-precision outputs up), and the float32
        # master weights are what the optimizer updates.
        with torch.autocast(device_type=device_type, dtype=dtype):
            return forward_loss(x, y, sample_weight)

    return autocast_forward_loss


class _CompiledForwardLoss:
    """Runs the compiled function; on a compilation error, warns once and falls back."""

    def __init__(self, model: Model, state: CompiledState) -> None:
        self._eager = _eager_forward_loss(model, state)
        self._compiled: ForwardLoss | None = torch.compile(self._eager, dynamic=None)

    def __call__(self, x: Any, y: Any, sample_weight: Any) -> tuple[torch.Tensor, list[torch.Tensor], Any]:
        if self._compiled is not None:
            try:
                return self._compiled(x, y, sample_weight)
            except Exception as error:  # noqa: BLE001 - any compiler failure means "run eagerly"
                self._compiled = None
                warnings.warn(
                    f"jit_compile=True: torch.compile could not compile this model "
                    f"({type(error).__name__}: {str(error).splitlines()[0][:200]}). Training "
                    "continues eagerly, with the same results. Pass jit_compile=False to "
                    "silence this warning.",
                    stacklevel=5,
                )
        return self._eager(x, y, sample_weight)


def make_forward_loss(model: Model, state: CompiledState, *, jit_compile: bool) -> ForwardLoss:
    """The forward-and-loss function the steps call: compiled or eager."""
    if jit_compile:
        return _CompiledForwardLoss(model, state)
    return _eager_forward_loss(model, state)
