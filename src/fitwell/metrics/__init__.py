"""Streaming metrics with Keras's names; `get` resolves `compile(metrics=...)` entries."""

from __future__ import annotations

from collections.abc import Callable

import torch

from fitwell.errors import unknown_name_message
from fitwell.losses.base import Loss
from fitwell.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
)
from fitwell.metrics.base import Metric
from fitwell.metrics.reduction import Mean, MeanMetricWrapper, Sum
from fitwell.metrics.regression import MeanAbsoluteError, MeanSquaredError

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "SparseCategoricalAccuracy",
    "Sum",
    "get",
    "needs_shapes",
]

_CLASSES: dict[str, type[Metric]] = {
    cls.__name__: cls
    for cls in (
        Accuracy,
        BinaryAccuracy,
        CategoricalAccuracy,
        SparseCategoricalAccuracy,
        MeanSquaredError,
        MeanAbsoluteError,
    )
}
_ALIASES: dict[str, type[Metric]] = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
}
_SHAPE_DEPENDENT = ("accuracy", "acc")


def known_names() -> list[str]:
    """Every string `get` accepts."""
    return [*_CLASSES, *_ALIASES, *_SHAPE_DEPENDENT]


def needs_shapes(identifier: object) -> bool:
    """Whether `identifier` can only be resolved once labels and outputs are seen."""
    return isinstance(identifier, str) and identifier.lower() in _SHAPE_DEPENDENT


def _accuracy_for(y_true: torch.Tensor, y_pred: torch.Tensor, loss: Loss | None, name: str) -> Metric:
    # Keras's rule (compile_utils.get_metric), with one deliberate addition:
    # when the loss says the outputs are logits, the binary threshold is 0,
    # the logit of probability 0.5, so "accuracy" means what the user meant.
    if y_pred.shape[-1] == 1:
        from_logits = bool(getattr(loss, "from_logits", False))
        return BinaryAccuracy(threshold=0.0 if from_logits else 0.5, name=name)
    if y_true.dim() < y_pred.dim() or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(
    identifier: str | Metric | Callable[..., torch.Tensor],
    *,
    y_true: torch.Tensor | None = None,
    y_pred: torch.Tensor | None = None,
    loss: Loss | None = None,
) -> Metric:
    """Resolve one entry of `compile(metrics=[...])` into a `Metric`.

    A string gives a fresh metric whose name (the log key) is the string
    itself, as in Keras: `"acc"` logs as `acc`, `"mae"` as `mae`.

    Args:
        identifier: A Keras metric name, a `Metric`, or a function
            `fn(y_true, y_pred)` returning per-sample values.
        y_true: A batch of labels; needed only for `"accuracy"`/`"acc"`.
        y_pred: A batch of outputs; likewise.
        loss: The compiled loss; lets `"accuracy"` pick the logits threshold.

    Example:
        >>> get("mae").name, type(get("mae")).__name__
        ('mae', 'MeanAbsoluteError')
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if needs_shapes(identifier):
            if y_true is None or y_pred is None:
                raise ValueError(
                    f"metric {identifier!r} is chosen from the label and output shapes; "
                    "pass `y_true` and `y_pred` to resolve it."
                )
            return _accuracy_for(y_true, y_pred, loss, identifier)
        cls = _CLASSES.get(identifier) or _ALIASES.get(identifier) or _ALIASES.get(identifier.lower())
        if cls is None:
            raise ValueError(unknown_name_message("metric", "metrics", identifier, known_names()))
        return cls(name=identifier)
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        "Each entry of `metrics` must be a metric name, a fitwell Metric or a function "
        f"(y_true, y_pred). Received: {identifier!r} of type {type(identifier).__name__}"
    )
