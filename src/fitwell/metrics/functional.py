"""Per-sample metric functions shared by the metric classes and string names."""

from __future__ import annotations

import torch

from fitwell.losses.base import align_ranks

__all__ = ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy"]


def accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the prediction equals the label exactly, else 0.0.

    Example:
        >>> accuracy(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 0]))
        tensor([1., 1., 0.])
    """
    y_true, y_pred = align_ranks(y_true, y_pred)
    return (y_true == y_pred.to(y_true.dtype)).float()


def binary_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Per-sample share of outputs on the right side of `threshold` (strict `>`).

    Example:
        >>> binary_accuracy(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.9], [0.6]]))
        tensor([1., 0.])
    """
    y_true, y_pred = align_ranks(y_true, y_pred)
    predicted = (y_pred > threshold).to(y_pred.dtype)
    return (predicted == y_true.to(y_pred.dtype)).float().mean(dim=-1)


def categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the arg-max of the one-hot label matches the arg-max output.

    Example:
        >>> categorical_accuracy(torch.tensor([[0, 1], [1, 0]]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    return (y_true.argmax(dim=-1) == y_pred.argmax(dim=-1)).float()


def sparse_categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the integer label equals the arg-max output.

    Example:
        >>> sparse_categorical_accuracy(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    return (y_pred.argmax(dim=-1) == y_true.to(torch.long)).float()
