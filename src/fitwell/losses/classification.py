"""Cross-entropy losses for classifiers, plain and focal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.losses import functional
from fitwell.losses.base import Loss, check_axis, reduce_weighted

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "SparseCategoricalCrossentropy",
]


def check_label_smoothing(label_smoothing: float) -> float:
    """Return `label_smoothing` as a float, or raise when it is outside [0, 1]."""
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(
            "`label_smoothing` must be a float in [0, 1] (0 turns smoothing off). "
            f"Received: label_smoothing={label_smoothing!r}"
        )
    return float(label_smoothing)


def check_gamma(gamma: float) -> float:
    """Return the focal `gamma`, or raise when it is negative."""
    if gamma < 0:
        raise ValueError(f"`gamma` must be >= 0 (0 turns the focal factor off). Received: gamma={gamma!r}")
    return gamma


class BinaryCrossentropy(Loss):
    """Cross-entropy for 0/1 targets and one probability (or logit) per target.

    Args:
        from_logits: Whether `y_pred` holds logits (no final sigmoid) rather
            than probabilities. Logits are the more stable choice.
        label_smoothing: Moves targets towards 0.5 by this fraction, in [0, 1].
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
        *,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.binary_crossentropy(
            y_true, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )

    def _fused_mean(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor | None:
        # Every sample has the same number of elements, so the mean of the
        # per-sample means is the mean over all elements: one torch kernel.
        if not self.from_logits or self.label_smoothing or y_true.shape != y_pred.shape:
            return None
        return F.binary_cross_entropy_with_logits(y_pred, y_true.to(y_pred.dtype))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class BinaryFocalCrossentropy(Loss):
    """Binary cross-entropy that down-weights easy examples by `(1 - p_t)^gamma`.

    Args:
        apply_class_balancing: Also weight positives by `alpha` and
            negatives by `1 - alpha`.
        alpha: The positive-class weight used with `apply_class_balancing`.
        gamma: The focusing parameter; 0 gives plain binary cross-entropy.
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        label_smoothing: Moves targets towards 0.5 by this fraction, in [0, 1].
        axis: The axis averaged over. Defaults to the last.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"binary_focal_crossentropy"`.

    Example:
        >>> BinaryFocalCrossentropy(gamma=2.0)(torch.tensor([[1.0]]), torch.tensor([[0.5]]))
        tensor(0.1733)
    """

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float = 0.25,
        *,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "binary_focal_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.apply_class_balancing = bool(apply_class_balancing)
        self.alpha = alpha
        self.gamma = check_gamma(gamma)
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.binary_focal_crossentropy(
            y_true,
            y_pred,
            apply_class_balancing=self.apply_class_balancing,
            alpha=self.alpha,
            gamma=self.gamma,
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "apply_class_balancing": self.apply_class_balancing,
            "alpha": self.alpha,
            "gamma": self.gamma,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot targets and one score per class.

    For integer labels use `SparseCategoricalCrossentropy`.

    Args:
        from_logits: Whether `y_pred` holds logits (no final softmax).
        label_smoothing: Mixes targets with the uniform distribution by this
            fraction, in [0, 1].
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
        *,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits, label_smoothing=self.label_smoothing, axis=self.axis
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class CategoricalFocalCrossentropy(Loss):
    """Categorical cross-entropy that down-weights easy examples by `alpha · (1 - p)^gamma`.

    Args:
        alpha: One weight for every class, or a sequence with one per class.
        gamma: The focusing parameter; 0 (with `alpha=1`) gives plain
            categorical cross-entropy.
        from_logits: Whether `y_pred` holds logits (no final softmax).
        label_smoothing: Mixes targets with the uniform distribution, in [0, 1].
        axis: The class axis. Defaults to the last.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to `"categorical_focal_crossentropy"`.

    Example:
        >>> CategoricalFocalCrossentropy()(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.5, 0.5]]))
        tensor(0.0433)
    """

    def __init__(
        self,
        alpha: float | Sequence[float] = 0.25,
        gamma: float = 2.0,
        *,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "categorical_focal_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        self.gamma = check_gamma(gamma)
        self.alpha = alpha if isinstance(alpha, int | float) else [float(a) for a in alpha]
        self._alpha_tensor: torch.Tensor | None = None  # per-class alpha, made once per device/dtype
        self.from_logits = bool(from_logits)
        self.label_smoothing = check_label_smoothing(label_smoothing)
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        alpha = self.alpha
        if not isinstance(alpha, int | float):
            cached = self._alpha_tensor
            if cached is None or cached.device != y_pred.device or cached.dtype != y_pred.dtype:
                self._alpha_tensor = torch.tensor(alpha, dtype=y_pred.dtype, device=y_pred.device)
            alpha = self._alpha_tensor
        return functional.categorical_focal_crossentropy(
            y_true,
            y_pred,
            alpha=alpha,
            gamma=self.gamma,
            from_logits=self.from_logits,
            label_smoothing=self.label_smoothing,
            axis=self.axis,
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "alpha": self.alpha,
            "gamma": self.gamma,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer class labels and one score per class.

    For one-hot labels use `CategoricalCrossentropy`.

    Args:
        from_logits: Whether `y_pred` holds logits (no final softmax).
        ignore_class: A label value whose samples are left out of the loss:
            they contribute 0, and the mean-type reductions average over the
            remaining samples only, as Keras does (e.g. padding labels).
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
        *,
        axis: int = -1,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = "sparse_categorical_crossentropy",
    ) -> None:
        super().__init__(reduction=reduction, name=name)
        if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, int)):
            raise ValueError(
                f"`ignore_class` must be an int label value or None. Received: ignore_class={ignore_class!r}"
            )
        self.from_logits = bool(from_logits)
        self.ignore_class = ignore_class
        self.axis = check_axis(axis)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return functional.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=self.from_logits, ignore_class=self.ignore_class, axis=self.axis
        )

    def _fused_mean(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor | None:
        # (N, C) logits with (N,) labels: torch's cross_entropy computes the
        # same log-softmax and mean in one fused kernel.
        if not self.from_logits or y_pred.dim() != 2 or y_true.dim() != 1 or self.axis not in (-1, 1):
            return None
        if y_true.is_floating_point():
            return None  # float labels go through call(), which checks and casts them
        return F.cross_entropy(y_pred, y_true.long())

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Compute the weighted, reduced loss, leaving out `ignore_class` labels."""
        if self.ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        y_true, y_pred = self._prepare(y_true, y_pred)
        values = self.call(y_true, y_pred)
        # Keras masks the ignored entries; the mask becomes part of the weights.
        keep = y_true.reshape(values.shape) != self.ignore_class
        if sample_weight is not None:
            sample_weight = torch.as_tensor(sample_weight, device=values.device)
        return reduce_weighted(values, sample_weight, self.reduction, mask=keep)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }
