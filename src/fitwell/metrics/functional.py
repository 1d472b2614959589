"""Per-sample metric functions shared by the metric classes and string names.

Each function takes `(y_true, y_pred)` and returns one value per sample, or
per element where Keras does (the `Mean` behind every wrapper then averages
the extra axes per sample). Formulas follow `keras/src/metrics/*.py`;
loss-named metrics use the per-sample functions of `fitwell.losses.functional`.
"""

from __future__ import annotations

import struct

import torch

from fitwell.losses import functional as loss_functions
from fitwell.losses.base import align_ranks

__all__ = [
    "EPSILON",
    "accuracy",
    "as_float32",
    "binary_accuracy",
    "categorical_accuracy",
    "cosine_similarity",
    "divide_no_nan",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]

#: Keras's fuzz factor (`keras.backend.epsilon()`).
EPSILON = 1e-7


def divide_no_nan(numerator: torch.Tensor, denominator: torch.Tensor) -> torch.Tensor:
    """`numerator / denominator`, with 0 wherever the denominator is 0.

    Example:
        >>> divide_no_nan(torch.tensor([1.0, 1.0]), torch.tensor([2.0, 0.0]))
        tensor([0.5000, 0.0000])
    """
    return torch.where(denominator == 0, torch.zeros_like(numerator), numerator / denominator)


def as_float32(value: float) -> float:
    """`value` rounded to the nearest float32, as a Python float.

    Keras turns thresholds into float32 tensors before comparing, so a
    float64 prediction of exactly 0.3 is not above `threshold=0.3`.

    Example:
        >>> as_float32(0.3)
        0.30000001192092896
    """
    return struct.unpack("f", struct.pack("f", value))[0]


def _floating(y_true: torch.Tensor, y_pred: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    # Keras converts y_true to y_pred's dtype (and integer outputs to floatx).
    if not y_pred.is_floating_point():
        y_pred = y_pred.float()
    return y_true.to(y_pred.dtype), y_pred


# -- accuracies ------------------------------------------------------------------------------------
def accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the prediction equals the label exactly, else 0.0 (per element).

    Example:
        >>> accuracy(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 0]))
        tensor([1., 1., 0.])
    """
    y_true = y_true.to(y_pred.dtype)
    y_true, y_pred = align_ranks(y_true, y_pred)
    return (y_true == y_pred).float()


def binary_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor, *, threshold: float = 0.5) -> torch.Tensor:
    """1.0 per element where `y_pred > threshold` (in float32) matches the 0/1 label.

    Example:
        >>> binary_accuracy(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.9], [0.6]]))
        tensor([[1.],
                [0.]])
    """
    y_true, y_pred = align_ranks(y_true, y_pred)
    # Comparing the boolean with the labels promotes it to the labels' dtype, as Keras's cast does.
    return ((y_pred > as_float32(threshold)) == y_true).float()


def categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the arg-max of the one-hot label matches the arg-max output.

    Example:
        >>> categorical_accuracy(torch.tensor([[0, 1], [1, 0]]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    return (y_true.argmax(dim=-1) == y_pred.argmax(dim=-1)).float()


def sparse_categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
    """1.0 where the integer label equals the arg-max output.

    Labels of shape `(N,)` or `(N, 1)` both work for outputs of shape `(N, C)`.

    Example:
        >>> sparse_categorical_accuracy(torch.tensor([1, 0]), torch.tensor([[0.2, 0.8], [0.3, 0.7]]))
        tensor([1., 0.])
    """
    y_true, y_pred = _floating(y_true, y_pred)
    if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1:
        y_true = y_true.squeeze(-1)
    matches = (y_pred.argmax(dim=-1).to(y_true.dtype) == y_true).float()
    if matches.dim() > 1 and matches.shape[-1] == 1:
        matches = matches.squeeze(-1)
    return matches


def _in_top_k(targets: torch.Tensor, scores: torch.Tensor, k: int) -> torch.Tensor:
    # A target is in the top k when its score reaches the k-th largest score,
    # so ties at the boundary count as hits (as Keras's torch `in_top_k`).
    k = min(k, scores.shape[-1])
    kth_largest = scores.topk(k, dim=-1).values[:, -1]
    target_scores = scores.gather(-1, targets.long().unsqueeze(-1)).squeeze(-1)
    return target_scores >= kth_largest


def top_k_categorical_accuracy(y_true: torch.Tensor, y_pred: torch.Tensor, *, k: int = 5) -> torch.Tensor:
    """1.0 where the one-hot label's class is among the `k` highest outputs.

    Example:
        >>> top_k_categorical_accuracy(
        ...     torch.tensor([[0, 0, 1], [0, 1, 0]]), torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]]), k=2
        ... )
        tensor([0., 1.])
    """
    targets = y_true.argmax(dim=-1)
    return _top_k_matches(targets, y_pred, k)


def sparse_top_k_categorical_accuracy(
    y_true: torch.Tensor, y_pred: torch.Tensor, *, k: int = 5, from_sorted_ids: bool = False
) -> torch.Tensor:
    """1.0 where the integer label is among the `k` highest outputs.

    With `from_sorted_ids=True`, `y_pred` holds class ids already sorted by
    score (best first), and a hit is a label among its first `k` columns.

    Example:
        >>> scores = torch.tensor([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]])
        >>> sparse_top_k_categorical_accuracy(torch.tensor([2, 1]), scores, k=2)
        tensor([0., 1.])
    """
    if from_sorted_ids:
        targets = y_true.to(y_pred.dtype)
        shape = targets.shape
        ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        return (targets.reshape(-1, 1) == ids).any(dim=-1).float().reshape(shape)
    # Keras reads integer labels as int32, truncating fractional values.
    return _top_k_matches(y_true.to(torch.int32), y_pred, k)


def _top_k_matches(targets: torch.Tensor, y_pred: torch.Tensor, k: int) -> torch.Tensor:
    shape = targets.shape
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    return _in_top_k(targets.reshape(-1), scores, k).float().reshape(shape)


# -- regression ----------------------------------------------------------------------------------------
def cosine_similarity(y_true: torch.Tensor, y_pred: torch.Tensor, *, axis: int = -1) -> torch.Tensor:
    """Cosine of the angle between label and output vectors along `axis` (1 = same direction).

    Unlike the loss of the same name, the metric is the similarity itself,
    not its negative.

    Example:
        >>> cosine_similarity(torch.tensor([[1.0, 0.0]]), torch.tensor([[1.0, 1.0]]))
        tensor([0.7071])
    """
    return -loss_functions.cosine_similarity(y_true, y_pred, axis=axis)
