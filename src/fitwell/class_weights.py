"""Keras's `class_weight`: a lookup table of per-class weights, and the per-sample weights it gives.

The table is built once per `fit` (or `train_on_batch`) on the device; each
batch then looks its samples' weights up by class index, without leaving
the device.
"""

from __future__ import annotations

import math

import torch

__all__ = ["class_weight_table", "weights_from_classes"]


def class_weight_table(class_weight: dict, *, device: torch.device) -> torch.Tensor:
    """A lookup tensor `weight[class_index]`; classes not in the dict weigh 1.0."""
    if not isinstance(class_weight, dict):
        raise TypeError(
            "`class_weight` must be a dict mapping class indices to weights, e.g. {0: 1.0, 1: 5.0}. "
            f"Received: class_weight={class_weight!r} of type {type(class_weight).__name__}."
        )
    try:
        weights = {int(key): float(value) for key, value in class_weight.items()}
    except (TypeError, ValueError) as error:
        raise ValueError(
            "`class_weight` must map integer class indices to weights, e.g. {0: 1.0, 1: 5.0}. "
            f"Received: class_weight={class_weight!r}"
        ) from error
    if any(key < 0 for key in weights):
        raise ValueError(f"`class_weight` keys must be >= 0. Received: class_weight={class_weight!r}")
    if not all(math.isfinite(value) and value >= 0 for value in weights.values()):
        raise ValueError(
            "`class_weight` values must be finite numbers >= 0 (NaN or Inf weights would turn the loss "
            f"into NaN). Received: class_weight={class_weight!r}"
        )
    table = torch.ones(max(weights, default=0) + 1)
    for key, value in weights.items():
        table[key] = value
    return table.to(device)


def _class_indices(y: torch.Tensor) -> torch.Tensor:
    # Keras's rule: one-hot labels use argmax; a trailing axis of 1 is squeezed.
    if y.dim() > 1 and y.shape[-1] != 1:
        return y.argmax(dim=-1)
    if y.dim() > 1:
        y = y.squeeze(-1)
    return y.round().long() if y.is_floating_point() else y.long()


def weights_from_classes(y: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """Per-sample weights looked up from `class_weight_table` (classes past its end weigh 1)."""
    indices = _class_indices(y)
    padded = torch.cat([table, table.new_ones(1)])
    return padded[indices.clamp(0, len(table))]
