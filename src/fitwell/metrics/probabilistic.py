"""Loss-named metrics for probabilistic outputs: cross-entropies, KL divergence, Poisson.

Each is the running weighted mean of the per-sample loss of the same name,
so its value over an epoch is the mean loss per sample (without the
regularization terms the training loss may include).
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell.losses import functional as loss_functions
from fitwell.losses.base import align_ranks
from fitwell.metrics.base import as_tensor
from fitwell.metrics.reduction import MeanMetricWrapper, accumulate_mean

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "SparseCategoricalCrossentropy",
]

Dtype = torch.dtype | str | None


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary cross-entropy.

    Args:
        name: Key used in logs. Defaults to `"binary_crossentropy"`.
        dtype: State dtype.
        from_logits: Whether outputs are logits rather than probabilities.
        label_smoothing: Squeeze labels towards 0.5 by this amount.

    Example:
        >>> BinaryCrossentropy()(torch.tensor([[1.0], [0.0]]), torch.tensor([[0.8], [0.2]]))
        tensor(0.2231)
    """

    higher_is_better = False

    def __init__(
        self,
        *,
        name: str | None = "binary_crossentropy",
        dtype: Dtype = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            loss_functions.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical cross-entropy between one-hot labels and class scores.

    Args:
        name: Key used in logs. Defaults to `"categorical_crossentropy"`.
        dtype: State dtype.
        from_logits: Whether outputs are logits rather than probabilities.
        label_smoothing: Spread this much of each label's mass over all classes.
        axis: The class axis. Defaults to -1.

    Example:
        >>> CategoricalCrossentropy()(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.8]]))
        tensor(0.2231)
    """

    higher_is_better = False

    def __init__(
        self,
        *,
        name: str | None = "categorical_crossentropy",
        dtype: Dtype = None,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
    ) -> None:
        super().__init__(
            loss_functions.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the cross-entropy between integer labels and class scores.

    With `ignore_class`, samples carrying that label contribute a loss of 0.
    As in Keras, they still count in the mean when no sample weights are
    given, and are left out (weight 0) when sample weights are given.

    Args:
        name: Key used in logs. Defaults to `"sparse_categorical_crossentropy"`.
        dtype: State dtype.
        from_logits: Whether outputs are logits rather than probabilities.
        ignore_class: A label value to ignore (e.g. padding), or None.
        axis: The class axis. Defaults to -1.

    Example:
        >>> SparseCategoricalCrossentropy()(torch.tensor([1]), torch.tensor([[0.2, 0.8]]))
        tensor(0.2231)
    """

    higher_is_better = False

    def __init__(
        self,
        *,
        name: str | None = "sparse_categorical_crossentropy",
        dtype: Dtype = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ) -> None:
        super().__init__(
            loss_functions.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = as_tensor(y_true, self._device), as_tensor(y_pred, self._device)
        values = self.fn(y_true, y_pred, **self.fn_kwargs)
        if self.ignore_class is not None and sample_weight is not None:
            # Keras masks the ignored entries, and a mask only reaches the
            # weights when there are weights.
            labels = y_true.squeeze(-1) if y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1 else y_true
            keep = (labels != self.ignore_class).to(values.dtype)
            keep, weight = align_ranks(keep, as_tensor(sample_weight, self._device).to(values.dtype))
            sample_weight = weight * keep
        accumulate_mean(self, values, sample_weight)


class KLDivergence(MeanMetricWrapper):
    """Running mean of the Kullback-Leibler divergence from labels to outputs.

    Args:
        name: Key used in logs. Defaults to `"kl_divergence"`.
        dtype: State dtype.

    Example:
        >>> KLDivergence()(torch.tensor([[0.5, 0.5]]), torch.tensor([[0.25, 0.75]]))
        tensor(0.1438)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "kl_divergence", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running mean of the Poisson loss `y_pred - y_true · log(y_pred)`.

    Args:
        name: Key used in logs. Defaults to `"poisson"`.
        dtype: State dtype.

    Example:
        >>> Poisson()(torch.tensor([[1.0]]), torch.tensor([[1.0]]))
        tensor(1.0000)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "poisson", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.poisson, name=name, dtype=dtype)
