"""The forward-and-loss function of the default training step: eager, or compiled by `torch.compile`.

The function is pure (inputs in, loss and outputs out); the loss trackers,
metrics and the optimizer update run around it, so a compiled run computes
exactly what an eager run computes. When compilation fails, fitwell warns
once and carries on eagerly; `ForwardLoss.is_compiled` tells which runs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch

from fitwell.layers.layer import Layer, collecting_losses
from fitwell.structures import call_module

if TYPE_CHECKING:
    from fitwell.trainer import Trainer

__all__ = ["ForwardLoss", "make_forward_loss"]

Outputs = tuple[torch.Tensor, list[torch.Tensor], Any]

#: The `torch.compile` backend. Tests set `"aot_eager"` to check that the
#: graph is captured (no fallback) without waiting for code generation.
BACKEND = "inductor"


def _may_add_losses(model: torch.nn.Module) -> bool:
    """Whether a layer may call `add_loss` in its forward pass: activity regularizers, user layers."""
    return any(
        isinstance(m, Layer)
        and (m.activity_regularizer is not None or not type(m).__module__.startswith("fitwell."))
        for m in model.modules()
    )


def _eager_forward_loss(trainer: Trainer) -> Callable[[Any, Any, Any], Outputs]:
    model, objectives = trainer.model, trainer.objectives
    regularized = [m for m in model.modules() if isinstance(m, Layer) and m.has_regularizers]
    collects = _may_add_losses(model)

    def forward_loss(x: Any, y: Any, sample_weight: Any) -> Outputs:
        # Training goes through DistributedDataParallel when distributed;
        # evaluation (no gradients) calls the model itself, on each shard.
        wrapper = trainer.train_module
        module = wrapper if wrapper is not None and torch.is_grad_enabled() else model
        if collects:
            with collecting_losses() as added:
                y_pred = call_module(module, x)
        else:
            y_pred, added = call_module(module, x), []
        # As Keras: the `loss` includes weight regularization and add_loss terms (models
        # without either build no list here).
        extra = (
            [*added, *(t for layer in regularized for t in layer.regularization_terms())]
            if added or regularized
            else None
        )
        total, per_head = objectives.loss_values(y, y_pred, sample_weight, extra)
        return total, per_head, y_pred

    if trainer.precision is None:
        return forward_loss
    device_type = trainer.device.type
    dtype = torch.bfloat16 if trainer.precision == "bf16" else torch.float16

    def autocast_forward_loss(x: Any, y: Any, sample_weight: Any) -> Outputs:
        # Layers run in the low precision; losses are computed in float32
        # (Loss.__call__ casts half-precision outputs up), and the float32
        # master weights are what the optimizer updates.
        with torch.autocast(device_type=device_type, dtype=dtype):
            return forward_loss(x, y, sample_weight)

    return autocast_forward_loss


class ForwardLoss:
    """`(x, y, sample_weight) -> (loss, per-output losses, y_pred)`, compiled when asked.

    Args:
        trainer: The trainer whose model, objectives and precision it uses.
        jit_compile: Compile with `torch.compile`; on a compilation error,
            warn once and run eagerly from then on.
    """

    def __init__(self, trainer: Trainer, *, jit_compile: bool) -> None:
        self._eager = _eager_forward_loss(trainer)
        self._compiled = torch.compile(self._eager, dynamic=None, backend=BACKEND) if jit_compile else None

    @property
    def is_compiled(self) -> bool:
        """Whether calls run the compiled function (False when eager, or after a fallback)."""
        return self._compiled is not None

    def __call__(self, x: Any, y: Any, sample_weight: Any) -> Outputs:
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
                    stacklevel=2,
                )
        return self._eager(x, y, sample_weight)


def make_forward_loss(trainer: Trainer, *, jit_compile: bool) -> ForwardLoss:
    """The forward-and-loss function the default steps call: compiled or eager."""
    return ForwardLoss(trainer, jit_compile=jit_compile)
