"""Checks run once, on the first batch, for the classic training mistakes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from fitwell.data import Batch

if TYPE_CHECKING:
    from fitwell.compiled import CompiledState
    from fitwell.model import Model

__all__ = ["check_first_batch"]


def check_first_batch(model: Model, state: CompiledState, batch: Batch, y_pred: Any) -> None:
    """Raise a clear error for labels the loss cannot take, before any update."""
    del model
    if not state.guards_enabled:
        return
    from fitwell.losses import SparseCategoricalCrossentropy

    for head in state.heads:
        if head.loss is None or batch.y is None:
            continue
        y = batch.y if head.key is None else batch.y[head.key]
        output = y_pred if head.key is None else y_pred[head.key]
        if isinstance(head.loss, SparseCategoricalCrossentropy) and isinstance(y, torch.Tensor):
            classes = output.shape[-1]
            labels = y[y != head.loss.ignore_class] if head.loss.ignore_class is not None else y
            if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= classes):
                raise ValueError(
                    f"Labels must be class indices in [0, {classes - 1}] for a model with "
                    f"{classes} outputs. Received: labels from {int(labels.min())} to "
                    f"{int(labels.max())}. Check the last layer's size or re-encode the labels."
                )
