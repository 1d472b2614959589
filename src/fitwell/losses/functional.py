"""Per-sample loss functions, shared by the `Loss` classes and the string names.

Each function takes `(y_true, y_pred)` and returns one value per sample,
reducing the last axis (or `axis`) the way the matching Keras function does
(`keras/src/losses/losses.py`; torch backend `keras/src/backend/torch/nn.py`).
Labels of shape `(N,)` against predictions of shape `(N, 1)` are aligned
first (see `align_ranks`). Labels are cast to the dtype of `y_pred`.

Probabilities are clipped to `[EPSILON, 1 - EPSILON]` exactly where Keras
clips them. Where a loss takes `from_logits=True`, the logits path uses
log-sigmoid / log-softmax, which stays finite for any logit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from fitwell.losses.base import align_ranks

__all__ = [
    "EPSILON",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "hinge",
    "huber",
    "kl_divergence",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "poisson",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]

#: Keras's fuzz factor (`keras.backend.epsilon()`), used to clip probabilities.
EPSILON = 1e-7


def _aligned(y_true: torch.Tensor, y_pred: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return align_ranks(y_true.to(y_pred.dtype), y_pred)


def _smoothed(y_true: torch.Tensor, label_smoothing: float, classes: int) -> torch.Tensor:
    # Keras: mix the targets with the uniform distribution over `classes`
    # (two for the binary losses, which moves them towards 0.5).
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / classes


# -- regression ----------------------------------------------------------------------------------


def mean_squared_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of squared errors over the last axis.

    Example:
        >>> mean_squared_error(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 3.0]]))
        tensor([5.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return (y_true - y_pred).square().mean(dim=-1)


def mean_absolute_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of absolute errors over the last axis.

    Example:
        >>> mean_absolute_error(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, -3.0]]))
        tensor([2.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return (y_true - y_pred).abs().mean(dim=-1)


def mean_absolute_percentage_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """`100 * mean(|y_true - y_pred| / max(|y_true|, EPSILON))` over the last axis.

    Example:
        >>> mean_absolute_percentage_error(torch.tensor([[100.0, 200.0]]), torch.tensor([[90.0, 210.0]]))
        tensor([7.5000])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    ratio = ((y_true - y_pred) / y_true.abs().clamp_min(EPSILON)).abs()
    return 100.0 * ratio.mean(dim=-1)


def mean_squared_logarithmic_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of `(log(1 + y_pred) - log(1 + y_true))²`, both clipped below at EPSILON.

    Example:
        >>> mean_squared_logarithmic_error(torch.tensor([[0.0]]), torch.tensor([[3.0]]))
        tensor([1.9218])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    # log(x + 1) rather than log1p: Keras's form, so float32 values agree bit for bit.
    difference = torch.log(y_pred.clamp_min(EPSILON) + 1.0) - torch.log(y_true.clamp_min(EPSILON) + 1.0)
    return difference.square().mean(dim=-1)


def huber(y_true: torch.Tensor, y_pred: torch.Tensor, *, delta: float = 1.0) -> torch.Tensor:
    """Huber loss: `0.5·e²` for errors up to `delta`, `delta·|e| - 0.5·delta²` beyond.

    Example:
        >>> huber(torch.tensor([[0.0, 0.0]]), torch.tensor([[0.5, 3.0]]))
        tensor([1.3125])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    error = y_pred - y_true
    absolute = error.abs()
    quadratic = 0.5 * error.square()
    linear = delta * absolute - 0.5 * delta**2
    return torch.where(absolute <= delta, quadratic, linear).mean(dim=-1)


def log_cosh(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of `log(cosh(y_pred - y_true))`, computed without overflow.

    Example:
        >>> log_cosh(torch.tensor([[0.0, 0.0]]), torch.tensor([[0.0, 100.0]]))
        tensor([49.6534])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    error = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2), finite for any x.
    return (error + F.softplus(-2.0 * error) - math.log(2.0)).mean(dim=-1)


def cosine_similarity(y_true: torch.Tensor, y_pred: torch.Tensor, *, axis: int = -1) -> torch.Tensor:
    """Negative cosine similarity along `axis` (-1 for identical directions, 0 for a zero vector).

    Example:
        >>> cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[2.0, 0.0]]))
        tensor([-1.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return -(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis)).sum(dim=axis)


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    # Keras `ops.normalize`: x * min(1/‖x‖, 1/EPSILON), so a zero vector stays zero.
    inverse_norm = torch.rsqrt(x.square().sum(dim=axis, keepdim=True))
    return x * inverse_norm.clamp_max(1.0 / EPSILON)


# -- hinge ---------------------------------------------------------------------------------------


def _signed_labels(y_true: torch.Tensor) -> torch.Tensor:
    # Keras converts 0/1 labels to -1/+1, but only when *every* label is 0 or
    # 1. The test stays on the device: a 0-d condition selects the branch.
    is_binary = ((y_true == 0) | (y_true == 1)).all()
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of `max(1 - y_true·y_pred, 0)`; 0/1 labels become -1/+1.

    Example:
        >>> hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[-2.0, 0.5]]))
        tensor([0.2500])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return (1.0 - _signed_labels(y_true) * y_pred).clamp_min(0.0).mean(dim=-1)


def squared_hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of `max(1 - y_true·y_pred, 0)²`; 0/1 labels become -1/+1.

    Example:
        >>> squared_hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[-2.0, 0.5]]))
        tensor([0.1250])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return (1.0 - _signed_labels(y_true) * y_pred).clamp_min(0.0).square().mean(dim=-1)


def categorical_hinge(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """`max(max((1 - y_true)·y_pred) - sum(y_true·y_pred) + 1, 0)` over the last axis.

    Example:
        >>> categorical_hinge(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.3, 0.7]]))
        tensor([0.6000])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    positive = (y_true * y_pred).sum(dim=-1)
    negative = ((1.0 - y_true) * y_pred).amax(dim=-1)
    return (negative - positive + 1.0).clamp_min(0.0)


# -- probabilistic -------------------------------------------------------------------------------


def kl_divergence(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """`sum(y_true · log(y_true / y_pred))` over the last axis, both clipped to [EPSILON, 1].

    Example:
        >>> kl_divergence(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.5, 0.5]]))
        tensor([0.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = y_true.clamp(EPSILON, 1.0)
    y_pred = y_pred.clamp(EPSILON, 1.0)
    return (y_true * torch.log(y_true / y_pred)).sum(dim=-1)


def poisson(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of `y_pred - y_true · log(y_pred + EPSILON)` over the last axis.

    Example:
        >>> poisson(torch.tensor([[0.0]]), torch.tensor([[2.0]]))
        tensor([2.])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    return (y_pred - y_true * torch.log(y_pred + EPSILON)).mean(dim=-1)


def binary_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary cross-entropy, averaged over `axis`.

    `label_smoothing` moves targets towards 0.5: `y·(1 - s) + 0.5·s`.
    Probabilities are clipped to `[1e-7, 1 - 1e-7]` as Keras does; logits go
    through the numerically stable `binary_cross_entropy_with_logits`.

    Example:
        >>> binary_crossentropy(torch.tensor([[1.0]]), torch.tensor([[0.0]]))
        tensor([16.1181])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = _smoothed(y_true, label_smoothing, 2)
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        values = F.binary_cross_entropy(y_pred.clamp(EPSILON, 1.0 - EPSILON), y_true, reduction="none")
    return values.mean(dim=axis)


def binary_focal_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    apply_class_balancing: bool = False,
    alpha: float = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary cross-entropy scaled by the focal factor `(1 - p_t)^gamma` (Lin et al., 2017).

    `p_t = y·p + (1 - y)·(1 - p)` is the probability given to the true
    label. With `apply_class_balancing`, positives are also weighted by
    `alpha` and negatives by `1 - alpha`.

    Example:
        >>> binary_focal_crossentropy(torch.tensor([[1.0]]), torch.tensor([[0.5]]), gamma=0.0)
        tensor([0.6931])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = _smoothed(y_true, label_smoothing, 2)
    if from_logits:
        cross_entropy = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
        y_pred = torch.sigmoid(y_pred)
    else:
        cross_entropy = F.binary_cross_entropy(y_pred.clamp(EPSILON, 1.0 - EPSILON), y_true, reduction="none")
    # As in Keras, the focal factor uses the unclipped probability.
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    values = (1.0 - p_t).pow(gamma) * cross_entropy
    if apply_class_balancing:
        values = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * values
    return values.mean(dim=axis)


def _log_probabilities(y_pred: torch.Tensor, *, from_logits: bool, axis: int) -> torch.Tensor:
    if from_logits:
        return F.log_softmax(y_pred, dim=axis)
    # Keras renormalises rows before clipping, so a row that does not sum
    # to one is treated as unnormalised probabilities.
    y_pred = y_pred / y_pred.sum(dim=axis, keepdim=True)
    return y_pred.clamp(EPSILON, 1.0 - EPSILON).log()


def categorical_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Cross-entropy between one-hot (or soft) targets and class scores along `axis`.

    `label_smoothing` mixes the targets with the uniform distribution:
    `y·(1 - s) + s / classes`. Probability rows are renormalised to sum to
    one, then clipped, as Keras does.

    Example:
        >>> categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.2]]))
        tensor([0.6931])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = _smoothed(y_true, label_smoothing, y_pred.shape[axis])
    log_probabilities = _log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    return -(y_true * log_probabilities).sum(dim=axis)


def categorical_focal_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    alpha: float | Sequence[float] | torch.Tensor = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Categorical cross-entropy with each class term scaled by `alpha · (1 - p)^gamma`.

    `alpha` may be one weight, or one per class.

    Example:
        >>> categorical_focal_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]),
        ...                                alpha=1.0, gamma=0.0)
        tensor([0.6931])
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = _smoothed(y_true, label_smoothing, y_pred.shape[axis])
    log_probabilities = _log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    if from_logits:
        probabilities = log_probabilities.exp()
    else:
        probabilities = (y_pred / y_pred.sum(dim=axis, keepdim=True)).clamp(EPSILON, 1.0 - EPSILON)
    if not isinstance(alpha, int | float):
        alpha = torch.as_tensor(alpha, dtype=y_pred.dtype, device=y_pred.device)
    weight = (1.0 - probabilities).pow(gamma) * alpha
    return (weight * -(y_true * log_probabilities)).sum(dim=axis)


def sparse_categorical_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> torch.Tensor:
    """Cross-entropy between integer class labels and class scores along `axis`.

    Labels of shape `(N,)` or `(N, 1)` are accepted for `(N, C)` scores.
    With `ignore_class`, samples carrying that label get a loss of 0 (the
    `SparseCategoricalCrossentropy` class also leaves them out of the mean).

    Example:
        >>> sparse_categorical_crossentropy(torch.tensor([1]), torch.tensor([[0.2, 0.8]]))
        tensor([0.2231])
    """
    if y_true.dim() == y_pred.dim() and y_true.shape[axis] == 1:
        y_true = y_true.squeeze(axis)
    labels = y_true.long()
    if ignore_class is not None:
        keep = labels != ignore_class
        labels = torch.where(keep, labels, torch.zeros_like(labels))
    log_probabilities = _log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    # nll_loss wants the class axis second.
    class_axis = axis % y_pred.dim()
    if y_pred.dim() == 1:
        values = F.nll_loss(log_probabilities.unsqueeze(0), labels.unsqueeze(0), reduction="none").squeeze(0)
    else:
        values = F.nll_loss(log_probabilities.movedim(class_axis, 1), labels, reduction="none")
    if ignore_class is not None:
        values = torch.where(keep, values, torch.zeros_like(values))
    return values
