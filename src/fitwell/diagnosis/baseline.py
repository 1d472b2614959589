"""The baseline of a run: the loss of the best constant prediction, from the training labels.

A model that ignores its inputs can still predict the best constant: the class
frequencies (its cross-entropy is the entropy of the label prior, `ln C` only
when the classes are balanced), the targets' mean (its mean squared error is
their variance) or their median (its mean absolute error is their mean absolute
deviation from the median). A loss at this level means nothing was learned from
the inputs; the diagnosis judges "stuck", "high" and "not learning" against it.

Sample (and class) weights count as the loss counts them: the loss of a batch
is the mean of weight × per-sample loss, so the best constant is the weighted
one and the baseline is scaled by the mean weight.
"""

from __future__ import annotations

import math
from typing import Any

import torch

__all__ = ["as_baseline", "baseline_tensor", "constant_baseline", "fit_baseline", "loss_family"]

_MSE = ("mse", "mean_squared_error")
_MAE = ("mae", "mean_absolute_error")


def loss_family(name: str | None, y_shape: tuple[int, ...] | None = None) -> str | None:
    """`"categorical"`, `"sparse"`, `"binary"`, `"mse"`, `"mae"` or None, from a snake-case loss name."""
    if name is None:
        return None
    if name in _MSE:
        return "mse"
    if name in _MAE:
        return "mae"
    if name.startswith("sparse_categorical_crossentropy"):
        return "sparse"
    if name.startswith(("binary_crossentropy", "binary_focal_crossentropy", "bce")):
        return "binary"
    if name.startswith("categorical_crossentropy"):
        return "categorical"
    if name in ("crossentropy", "ce", "cross_entropy", "nll"):
        if y_shape is None:
            return None
        wide = len(y_shape) >= 2 and y_shape[-1] > 1
        return "categorical" if wide else "sparse"
    return None


def constant_baseline(
    loss: Any, y: Any, sample_weight: Any = None, *, num_classes: int | None = None
) -> float | None:
    """The loss of the best constant prediction for targets `y`, or None when it is not known.

    Args:
        loss: The loss (a name such as `"sparse_categorical_crossentropy"`, or a loss object).
        y: The training targets (array or tensor): class indices, one-hot rows,
            0/1 labels (or probabilities) or regression targets.
        sample_weight: Per-sample weights (class weights already turned into
            per-sample weights), or None.
        num_classes: The number of classes, for sparse labels (defaults to the largest label + 1).

    Returns:
        The baseline loss, or None for a loss without a known constant optimum
        (e.g. Huber, a custom loss) or targets of another structure.

    Example:
        >>> round(constant_baseline("sparse_categorical_crossentropy", [0, 0, 0, 1]), 4)
        0.5623
        >>> constant_baseline("mse", [[1.0], [3.0]])
        1.0
        >>> constant_baseline("mae", [1.0, 2.0, 10.0])
        3.0
    """
    tensor = baseline_tensor(loss, y, sample_weight, num_classes=num_classes)
    return as_baseline(tensor)


def as_baseline(value: Any) -> float | None:
    """A baseline tensor (or number) as a float; None when missing, not finite or not positive."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) and number > 0 else None


def baseline_tensor(
    loss: Any, y: Any, sample_weight: Any = None, *, num_classes: int | None = None
) -> torch.Tensor | None:
    """`constant_baseline` as a 0-d tensor on the targets' device, computed without reading it back
    (with `num_classes` given for sparse labels); None when there is no known baseline."""
    from fitwell.diagnosis.context import loss_name

    try:
        target = torch.as_tensor(y).detach().to(torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None
    if target.ndim == 0 or len(target) == 0:
        return None
    family = loss_family(loss_name(loss), tuple(target.shape))
    if family is None:
        return None
    weights = _weights(sample_weight, len(target), target.device)
    if weights is None:
        return None
    columns = target.reshape(len(target), -1)
    if family == "sparse":
        value = _prior_entropy(_class_mass(target, weights, num_classes), weights)
    elif family == "categorical":
        value = _prior_entropy((columns * weights[:, None]).sum(0), weights)
    elif family == "binary":
        value = _binary_entropy(columns, weights)
    elif family == "mse":
        value = _weighted_variance(columns, weights)
    else:
        value = _weighted_mad(columns, weights)
    return weights.mean() * value


def _weights(sample_weight: Any, n: int, device: torch.device) -> torch.Tensor | None:
    if sample_weight is None:
        return torch.ones(n, dtype=torch.float64, device=device)
    try:
        weights = torch.as_tensor(sample_weight).detach().to(device=device, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return None
    weights = weights.reshape(len(weights), -1).mean(dim=1) if weights.ndim > 1 else weights
    return weights if weights.shape == (n,) else None


def _class_mass(target: torch.Tensor, weights: torch.Tensor, num_classes: int | None) -> torch.Tensor:
    """The summed weight of each class (read from the device only when `num_classes` is unknown)."""
    labels = target.reshape(-1).round().long().clamp(min=0)
    classes = num_classes if num_classes else int(labels.max()) + 1
    labels = labels.clamp(max=classes - 1)
    return torch.zeros(classes, dtype=torch.float64, device=target.device).index_add_(0, labels, weights)


def _prior_entropy(mass: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    prior = mass / weights.sum()
    return -torch.special.xlogy(prior, prior).sum()


def _binary_entropy(columns: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    p = ((columns * weights[:, None]).sum(0) / weights.sum()).clamp(1e-12, 1 - 1e-12)
    # The best constant p gives the cross-entropy of the mean label: exact for 0/1 and soft labels.
    return (-(p * p.log() + (1 - p) * (1 - p).log())).mean()


def _weighted_variance(columns: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    mean = (columns * weights[:, None]).sum(0) / weights.sum()
    return (((columns - mean) ** 2) * weights[:, None]).sum(0).div(weights.sum()).mean()


def _weighted_mad(columns: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    order = torch.argsort(columns, dim=0)
    sorted_values = torch.gather(columns, 0, order)
    cumulative = weights[order].cumsum(0)
    half = cumulative[-1:] / 2
    index = torch.searchsorted(cumulative.T.contiguous(), half.T.contiguous()).T.clamp(max=len(columns) - 1)
    median = torch.gather(sorted_values, 0, index)
    deviation = ((columns - median).abs() * weights[:, None]).sum(0) / weights.sum()
    return deviation.mean()


def fit_baseline(model: Any, data: Any) -> torch.Tensor | None:
    """The baseline of a `fit` as a device tensor (read only when someone looks): from the in-memory
    training targets and weights, for a model compiled with one loss; None for data fit only sees
    batch by batch (generators, loaders)."""
    from fitwell.diagnosis.context import context_from_model

    y = getattr(data, "y", None)
    loss = getattr(model, "loss", None)
    if not isinstance(y, torch.Tensor) or loss is None or isinstance(loss, list | tuple | dict):
        return None
    try:
        with torch.no_grad():
            return constant_baseline(
                loss,
                y,
                getattr(data, "sample_weight", None),
                num_classes=context_from_model(model).num_classes,
            )
    except (TypeError, ValueError, RuntimeError, IndexError):
        return None
