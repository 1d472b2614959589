"""Weighted confusion counts at many thresholds, kept as one histogram.

Keras's confusion-matrix metrics (`keras/src/metrics/metrics_utils.py`)
count, for each threshold `t`, the weighted samples with `y_pred > t`,
split by label. Comparing every prediction with every threshold costs
`thresholds × samples` work per batch. Here each prediction is instead
mapped to the number of thresholds it exceeds (its bucket, `0..n`), and a
metric keeps one histogram of buckets for negative and positive labels.
The four counts at threshold `j` are partial sums of that histogram:

    tp[j] = positives in buckets > j        fn[j] = positives in buckets <= j
    fp[j] = negatives in buckets > j        tn[j] = negatives in buckets <= j

An update is a few element-wise kernels and one `index_add_`, however many
thresholds there are; the partial sums run only in `result()`.

Buckets follow Keras exactly. For evenly spaced thresholds `0, 1/(n-1),
…, 1` Keras uses `ceil(clip(p, 0, 1) · (n-1))` (its "optimized" path),
with a floor of 1 when the grid is padded by `-1e-7` and `1 + 1e-7` as in
`AUC`. Any other grid compares in the state dtype (float32 by default), as
Keras does, through a binary search over the sorted thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import torch

from fitwell.losses.base import align_ranks
from fitwell.metrics.base import as_tensor
from fitwell.metrics.functional import as_float32

__all__ = [
    "NEG_INF",
    "ConfusionCounts",
    "ThresholdBuckets",
    "check_thresholds",
    "confusion_inputs",
    "evenly_spaced",
]

#: Score given to outputs outside the top k (Keras's `metrics_utils.NEG_INF`).
NEG_INF = -1e10


class ConfusionCounts(NamedTuple):
    """Weighted counts at each threshold, shape `(n,)` or `(n, labels)`."""

    true_positives: torch.Tensor
    false_positives: torch.Tensor
    true_negatives: torch.Tensor
    false_negatives: torch.Tensor


def check_thresholds(thresholds: Sequence[float]) -> None:
    """Raise when a threshold lies outside `[0, 1]` (as Keras does)."""
    invalid = [t for t in thresholds if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(
            f"Threshold values must be in [0, 1]. Received: thresholds={list(thresholds)}, out of "
            f"range: {invalid}. Thresholds apply to probabilities; for logit outputs, add a sigmoid to the "
            "model (or use `AUC(from_logits=True)`)."
        )


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether `thresholds` are `0, 1/(n-1), …, 1` (n >= 3), Keras's test for its fast path.

    Example:
        >>> evenly_spaced([0.0, 0.5, 1.0]), evenly_spaced([0.5])
        (True, False)
    """
    n = len(thresholds)
    if n < 3:
        return False
    # numpy.allclose(thresholds, arange(n, dtype=float32) / (n - 1), atol=1e-7), default rtol=1e-5.
    even = [as_float32(i / (n - 1)) for i in range(n)]
    return all(abs(float(t) - e) <= 1e-7 + 1e-5 * abs(e) for t, e in zip(thresholds, even, strict=True))


class ThresholdBuckets:
    """Maps predictions to the number of thresholds they exceed.

    Args:
        thresholds: Threshold values, in the order results are reported.
        evenly: Use Keras's bucket formula for evenly spaced thresholds.
        padded: The grid's ends are `-1e-7` and `1 + 1e-7` (AUC), so every
            clipped prediction exceeds the first threshold.
        dtype: Dtype in which predictions and thresholds are compared.

    Example:
        >>> buckets = ThresholdBuckets([0.5, 0.2], evenly=False, padded=False, dtype=torch.float32)
        >>> buckets.bucket(torch.tensor([0.1, 0.3, 0.9]))
        tensor([0, 1, 2])
        >>> histogram = torch.zeros(3, 2)
        >>> buckets.add(histogram, torch.tensor([0.1, 0.3, 0.9]), torch.tensor([False, True, True]), None)
        >>> buckets.counts(histogram).true_positives  # at 0.5, then at 0.2
        tensor([1., 2.])
    """

    def __init__(
        self, thresholds: Sequence[float], *, evenly: bool, padded: bool, dtype: torch.dtype
    ) -> None:
        self.thresholds = [float(t) for t in thresholds]
        self.evenly = evenly
        self.padded = padded
        order = sorted(range(len(self.thresholds)), key=lambda i: self.thresholds[i])
        self._sorted = torch.tensor([self.thresholds[i] for i in order], dtype=dtype)
        rank = [0] * len(order)
        for position, index in enumerate(order):
            rank[index] = position
        self._rank = None if rank == sorted(rank) else torch.tensor(rank)
        self._one = torch.ones((), dtype=dtype)

    def __len__(self) -> int:
        return len(self.thresholds)

    def to(self, device: torch.device) -> None:
        """Keep the threshold tensors next to the state."""
        self._sorted = self._sorted.to(device)
        self._one = self._one.to(device)
        if self._rank is not None:
            self._rank = self._rank.to(device)

    def bucket(self, y_pred: torch.Tensor) -> torch.Tensor:
        """Number of thresholds each prediction is strictly above (same shape).

        Whole numbers, as floats on the evenly spaced path and int64
        otherwise. A NaN prediction is above none, as in Keras.
        """
        if self.evenly:
            # Keras: ceil(clip(p, 0, 1) · (n-1)), floored at 1 on a padded grid.
            # Clamping after the ceil gives the same numbers with one op fewer.
            top = len(self) - 1
            scaled = y_pred.mul(top).ceil_().clamp_(1.0 if self.padded else 0.0, top)
            return scaled.nan_to_num_(nan=0.0)
        above = torch.searchsorted(self._sorted, y_pred.contiguous())
        return above.masked_fill_(y_pred.isnan(), 0)

    def add(
        self,
        histogram: torch.Tensor,
        y_pred: torch.Tensor,
        positive: torch.Tensor,
        weights: torch.Tensor | None,
    ) -> None:
        """Add one batch to `histogram` in place (layout: see `counts`).

        For a `(n + 1, 2)` histogram every element counts on its own (Keras's
        micro-average); for `(n + 1, L, 2)` the inputs are `(N, L)` and each
        of the L columns fills its own histogram.

        Args:
            histogram: The metric's state.
            y_pred: Scores, in the state dtype.
            positive: Boolean labels, same shape.
            weights: Weights of that shape, or None.
        """
        buckets = self.bucket(y_pred)
        if histogram.dim() == 3:
            labels = histogram.shape[1]
            buckets = buckets * labels + torch.arange(labels, device=histogram.device)
        # Flat position of (bucket, label) in the histogram: 2·bucket + label.
        flat = torch.add(positive, buckets, alpha=2).long().reshape(-1)
        # Expanding the 0-d one to a length is a view, about 1 µs cheaper per update (CPU,
        # batch of 64) than expanding it to a shape and reshaping.
        weights = self._one.expand(len(flat)) if weights is None else weights.reshape(-1)
        histogram.view(-1).index_add_(0, flat, weights)

    def counts(self, histogram: torch.Tensor) -> ConfusionCounts:
        """The four counts at every threshold, in the caller's threshold order.

        Args:
            histogram: Shape `(n + 1, 2)` or `(n + 1, labels, 2)`; the last
                axis holds negatives then positives.
        """
        negatives, positives = histogram[..., 0], histogram[..., 1]
        counts = ConfusionCounts(
            true_positives=_above(positives),
            false_positives=_above(negatives),
            true_negatives=negatives.cumsum(0)[:-1],
            false_negatives=positives.cumsum(0)[:-1],
        )
        if self._rank is None:
            return counts
        return ConfusionCounts(*(count[self._rank] for count in counts))


def _above(histogram: torch.Tensor) -> torch.Tensor:
    # Sum of buckets strictly greater than j, for every j.
    return histogram.flip(0).cumsum(0).flip(0)[1:]


def _filter_top_k(y_pred: torch.Tensor, k: int) -> torch.Tensor:
    top = y_pred.topk(k, dim=-1).indices
    keep = torch.zeros_like(y_pred, dtype=torch.bool).scatter_(-1, top, True)
    return torch.where(keep, y_pred, torch.full_like(y_pred, NEG_INF))


def confusion_inputs(
    y_true: Any,
    y_pred: Any,
    sample_weight: Any,
    *,
    dtype: torch.dtype,
    device: torch.device,
    top_k: int | None = None,
    class_id: int | None = None,
    label_weights: torch.Tensor | None = None,
    name: str = "metric",
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Labels, scores and weights, aligned the way Keras aligns them.

    Labels count as positive when nonzero. A `(N,)` label vector against
    `(N, 1)` outputs lines up element by element; a `(N,)` sample weight
    against `(N, C)` outputs weighs every column of a row.

    Returns:
        `(positive, scores, weights)`: boolean labels and scores of one
        shape (the state dtype), and weights of that shape or `None`.
    """
    y_true = as_tensor(y_true, device).to(dtype)
    y_pred = as_tensor(y_pred, device).to(dtype)
    y_pred, y_true = align_ranks(y_pred, y_true)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"`{name}` expects `y_true` and `y_pred` of the same shape. Received: "
            f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. Give one label per "
            "output (one-hot labels for several classes, or a single column for a binary output)."
        )
    weight = None
    if sample_weight is not None:
        weight = as_tensor(sample_weight, device).to(dtype).unsqueeze(-1)
        _, weight = align_ranks(y_true, weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.dim() < 2:
            raise ValueError(
                f"`class_id` needs outputs of shape (batch_size, num_classes). Received: "
                f"y_pred.shape={tuple(y_pred.shape)}, class_id={class_id}. Drop `class_id` for a "
                "single-output binary classifier."
            )
        y_true, y_pred = y_true[..., class_id : class_id + 1], y_pred[..., class_id : class_id + 1]
    if weight is not None:
        weight = weight.expand(y_pred.shape)
    if label_weights is not None:
        weight = label_weights.expand(y_pred.shape) if weight is None else weight * label_weights
    return y_true != 0, y_pred, weight
