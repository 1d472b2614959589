"""Pieces shared by the hand-written loops: losses, on-device metric sums and AUC."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F  # noqa: N812

from bench.workloads import Workload

__all__ = ["AUC_BINS", "AucHistogram", "correct_count", "loss_function", "outcome", "rank_auc"]

#: Keras's AUC uses 200 thresholds; the on-device histogram uses as many bins.
AUC_BINS = 200

Outcome = dict[str, float | None]


def loss_function(workload: Workload) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """Cross-entropy from logits: sparse for multiclass, binary for the logistic regression."""
    if workload.task == "binary":
        return F.binary_cross_entropy_with_logits
    return F.cross_entropy


def correct_count(workload: Workload, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Number of correct predictions in a batch, as a device tensor."""
    if workload.task == "binary":
        return ((logits > 0).to(y.dtype) == y).sum()
    return (logits.argmax(dim=1) == y).sum()


class AucHistogram:
    """Streaming AUC from histograms of the predicted probability, kept on the device.

    Like Keras's `AUC(num_thresholds=200)`: predictions fall into equal bins
    of probability; the ROC curve is read off the cumulative counts and
    integrated with the trapezoidal rule.
    """

    def __init__(self, device: torch.device) -> None:
        self.positives = torch.zeros(AUC_BINS, device=device)
        self.negatives = torch.zeros(AUC_BINS, device=device)

    def update(self, logits: torch.Tensor, y: torch.Tensor) -> None:
        """Add one batch (no device sync)."""
        bins = (torch.sigmoid(logits.detach().flatten()) * (AUC_BINS - 1)).long()
        labels = y.flatten().to(self.positives.dtype)
        self.positives += torch.bincount(bins, weights=labels, minlength=AUC_BINS)
        self.negatives += torch.bincount(bins, weights=1.0 - labels, minlength=AUC_BINS)

    def result(self) -> torch.Tensor:
        """The AUC as a 0-d device tensor."""
        # Counts at or above each threshold, highest threshold first.
        tp = F.pad(self.positives.flip(0).cumsum(0), (1, 0))
        fp = F.pad(self.negatives.flip(0).cumsum(0), (1, 0))
        tpr = tp / tp[-1].clamp_min(1.0)
        fpr = fp / fp[-1].clamp_min(1.0)
        return torch.trapezoid(tpr, fpr)


def rank_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Exact ROC AUC (Mann-Whitney statistic), as a plain loop would compute it with sklearn."""
    scores, labels = scores.ravel(), labels.ravel() > 0.5
    ranks = np.empty(len(scores))
    ranks[scores.argsort(kind="stable")] = np.arange(1, len(scores) + 1)
    positives = int(labels.sum())
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def outcome(
    train_loss: float, val_accuracy: float, val_auc: float | None = None, **extra: float | None
) -> Outcome:
    """The quality numbers every runner returns."""
    return {"train_loss": float(train_loss), "val_accuracy": float(val_accuracy), "val_auc": val_auc, **extra}
