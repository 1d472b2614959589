"""Cross-entropy losses for classifiers."""

from __future__ import annotations

import torch

from fitwell.losses import functional
from fitwell.losses.base import Loss, reduce_weighted

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


class BinaryCrossentropy(Loss):
    """Cross-entropy for 0/1 targets and one probability (or logit) per target.

    Args:
        from_logits: Whether `y_pred` holds logits (no final sigmoid) rather
            than probabilities.
        label_smoothing: Moves targets towards 0.5 by this fraction.
        axis: The axis averaged over. Defaults to the last.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"binary_crossentropy"`.

    Example:
        >>> BinaryCrossentropy()(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.9], [0.2]]))
        tensor(0.1643)
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.binary_crossentropy(
            y_true,
            y_pred,
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
        )


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot targets and one score per class.

    Args:
        from_logits: Whether `y_pred` holds logits (no final softmax).
        label_smoothing: Mixes targets with the uniform distribution.
        axis: The class axis. Defaults to the last.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"categorical_crossentropy"`.

    Example:
        >>> CategoricalCrossentropy()(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.8]]))
        tensor(0.2231)
    """

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.categorical_crossentropy(
            y_true,
            y_pred,
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
        )


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer class labels and one score per class.

    Args:
        from_logits: Whether `y_pred` holds logits (no final softmax).
        ignore_class: A label value whose samples are left out of the loss
            (the mean is taken over the remaining samples, as Keras does).
        axis: The class axis. Defaults to the last.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"sparse_categorical_crossentropy"`.

    Example:
        >>> SparseCategoricalCrossentropy(from_logits=True)(
        ...     torch.tensor([0]), torch.tensor([[0.0, 0.0]]))
        tensor(0.6931)
    """

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "sparse_categorical_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.sparse_categorical_crossentropy(
            y_true,
            y_pred,
            from_logits=self.from_logits,
            ignore_class=self.ignore_class,
            axis=self.axis,
        )

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        if self.ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        # Keras masks ignored labels; with a mean-type reduction the mask
        # rescales weights so the mean runs over the kept samples only.
        values = self.call(y_true, y_pred.float() if not y_pred.is_floating_point() else y_pred)
        labels = y_true.squeeze(-1) if y_true.dim() == y_pred.dim() else y_true
        keep = (labels != self.ignore_class).to(values.dtype)
        if self.reduction in ("sum_over_batch_size", "mean"):
            keep = keep * (keep.numel() / keep.sum().clamp_min(1.0))
        weight = keep if sample_weight is None else keep * sample_weight.reshape(keep.shape)
        return reduce_weighted(values, weight, self.reduction)
