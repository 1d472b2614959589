"""What a loss needs from labels and outputs, as the guards see it; and the guards' warning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = ["Expectation", "GuardWarning", "expectation_for", "host"]


class GuardWarning(UserWarning):
    """A likely mistake found by a guard; training goes on.

    Silence every guard with `model.compile(..., guards=False)`.
    """


@dataclass(frozen=True)
class Expectation:
    """What a loss needs from labels and outputs."""

    kind: str  # "sparse", "categorical", "binary" or "elementwise"
    name: str
    from_logits: bool | None  # None: the outputs are not checked against it
    ignore_class: int | None = None
    axis: int = -1  # the class axis of the outputs


def expectation_for(loss: Any, y: torch.Tensor) -> Expectation | None:
    """What `loss` needs from labels like `y`, or None for a loss the guards do not know."""
    from fitwell import losses

    name = type(loss).__name__
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return Expectation("sparse", name, loss.from_logits, loss.ignore_class, loss.axis)
    if isinstance(loss, losses.CategoricalCrossentropy | losses.CategoricalFocalCrossentropy):
        return Expectation("categorical", name, loss.from_logits, axis=loss.axis)
    if isinstance(loss, losses.BinaryCrossentropy | losses.BinaryFocalCrossentropy):
        return Expectation("binary", name, loss.from_logits)
    elementwise = (
        losses.MeanSquaredError,
        losses.MeanAbsoluteError,
        losses.MeanAbsolutePercentageError,
        losses.MeanSquaredLogarithmicError,
        losses.Huber,
        losses.LogCosh,
        losses.CosineSimilarity,
        losses.Hinge,
        losses.SquaredHinge,
        losses.CategoricalHinge,
        losses.KLDivergence,
        losses.Poisson,
    )
    if isinstance(loss, elementwise):
        return Expectation("elementwise", name, None)
    if isinstance(loss, losses.TorchLoss):
        module, label = loss.module, f"torch.nn.{type(loss.module).__name__}"
        if isinstance(module, nn.CrossEntropyLoss) and not y.is_floating_point():
            return Expectation("sparse", label, True, module.ignore_index, axis=1)  # torch: classes second
        if isinstance(module, nn.BCEWithLogitsLoss):
            return Expectation("binary", label, True)
        if isinstance(module, nn.BCELoss):
            return Expectation("binary", label, False)
    return None


def host(*values: torch.Tensor) -> list[float]:
    """Read several scalars back in one transfer."""
    return torch.stack([v.reshape(()).to(torch.float64) for v in values]).tolist()
