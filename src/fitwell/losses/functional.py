"""Per-sample loss functions, shared by the `Loss` classes and the string names.

Each function takes `(y_true, y_pred)` and returns one value per sample,
reducing the last axis the way the matching Keras function does
(`keras/src/losses/losses.py`, torch backend `keras/src/backend/torch/nn.py`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from fitwell.losses.base import align_ranks

__all__ = [
    "EPSILON",
    "binary_crossentropy",
    "categorical_crossentropy",
    "mean_absolute_error",
    "mean_squared_error",
    "sparse_categorical_crossentropy",
]

#: Keras's fuzz factor (`keras.backend.epsilon()`), used to clip probabilities.
EPSILON = 1e-7


def _float_like(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    return y_true if y_true.dtype == y_pred.dtype else y_true.to(y_pred.dtype)


def mean_squared_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of squared errors over the last axis.

    Example:
        >>> mean_squared_error(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, 3.0]]))
        tensor([5.])
    """
    y_true, y_pred = align_ranks(_float_like(y_true, y_pred), y_pred)
    return (y_pred - y_true).square().mean(dim=-1)


def mean_absolute_error(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """Mean of absolute errors over the last axis.

    Example:
        >>> mean_absolute_error(torch.tensor([[0.0, 0.0]]), torch.tensor([[1.0, -3.0]]))
        tensor([2.])
    """
    y_true, y_pred = align_ranks(_float_like(y_true, y_pred), y_pred)
    return (y_pred - y_true).abs().mean(dim=-1)


def binary_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> torch.Tensor:
    """Binary cross-entropy, averaged over `axis`.

    Probabilities are clipped to `[1e-7, 1 - 1e-7]` as Keras does; logits go
    through the numerically stable `binary_cross_entropy_with_logits`.

    Example:
        >>> binary_crossentropy(torch.tensor([[1.0]]), torch.tensor([[0.0]]))
        tensor([16.1181])
    """
    y_true, y_pred = align_ranks(_float_like(y_true, y_pred), y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        values = F.binary_cross_entropy_with_logits(y_pred, y_true, reduction="none")
    else:
        y_pred = y_pred.clamp(EPSILON, 1.0 - EPSILON)
        values = F.binary_cross_entropy(y_pred, y_true, reduction="none")
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
    """Cross-entropy between one-hot (or soft) targets and class scores.

    Example:
        >>> categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.2]]))
        tensor([0.6931])
    """
    y_true = _float_like(y_true, y_pred)
    if label_smoothing:
        classes = y_pred.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    log_prob = _log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    return -(y_true * log_prob).sum(dim=axis)


def sparse_categorical_crossentropy(
    y_true: torch.Tensor,
    y_pred: torch.Tensor,
    *,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
) -> torch.Tensor:
    """Cross-entropy between integer class labels and class scores.

    Labels of shape `(N,)` or `(N, 1)` are accepted for `(N, C)` scores.
    With `ignore_class`, samples carrying that label get a loss of 0.

    Example:
        >>> sparse_categorical_crossentropy(torch.tensor([1]), torch.tensor([[0.2, 0.8]]))
        tensor([0.2231])
    """
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    labels = y_true.long()
    log_prob = _log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    if axis not in (-1, log_prob.dim() - 1):
        log_prob = log_prob.movedim(axis, -1)
    if ignore_class is not None:
        keep = labels != ignore_class
        labels = torch.where(keep, labels, torch.zeros_like(labels))
    # nll_loss wants the class axis second; (N, C) already has it there.
    if log_prob.dim() > 2:
        values = F.nll_loss(log_prob.movedim(-1, 1), labels, reduction="none")
    else:
        values = F.nll_loss(log_prob, labels, reduction="none")
    if ignore_class is not None:
        values = values * keep.to(values.dtype)
    return values
