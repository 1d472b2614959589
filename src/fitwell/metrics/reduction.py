"""Metrics that average or add up values: `Mean`, `Sum`, `MeanMetricWrapper`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from fitwell._naming import snake_case
from fitwell.losses.base import Loss, align_ranks
from fitwell.metrics.base import Metric, as_tensor
from fitwell.metrics.functional import divide_no_nan

__all__ = ["Mean", "MeanMetricWrapper", "Sum", "accumulate_mean", "samplewise"]


def _reduce_trailing(values: torch.Tensor, start: int, reduce: Callable[..., torch.Tensor]) -> torch.Tensor:
    if values.dim() <= start:
        return values
    if values.shape[start:].numel() == 1:
        return values.reshape(values.shape[:start])  # a view: reducing size-1 axes changes nothing
    return reduce(values, dim=tuple(range(start, values.dim())))


def samplewise(
    values: torch.Tensor,
    sample_weight: torch.Tensor | None,
    reduce: Callable[..., torch.Tensor] = torch.mean,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Weighted values and weights, one per sample (Keras's `reduce_to_samplewise_values`).

    Values with more axes than the weight are first reduced (with `reduce`,
    the mean for `Mean` and the sum for `Sum`) down to the weight's rank, then
    multiplied by it; whatever axes are left beyond the batch axis are reduced
    last. A weight of shape `(N,)` therefore weighs each sample's mean value.

    Returns:
        `(values, sample_weight)`, each of shape `(N,)` (or scalars).

    Example:
        >>> values, weight = samplewise(torch.tensor([[1.0, 3.0], [5.0, 7.0]]), torch.tensor([1.0, 0.0]))
        >>> values, weight
        (tensor([2., 0.]), tensor([1., 0.]))
    """
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        values, sample_weight = align_ranks(values, sample_weight)
        values = _reduce_trailing(values, sample_weight.dim(), reduce)
        sample_weight = sample_weight.expand(values.shape)
        values = values * sample_weight
        sample_weight = _reduce_trailing(sample_weight, 1, reduce)
    return _reduce_trailing(values, 1, reduce), sample_weight


def accumulate_mean(metric: Metric, values: torch.Tensor, sample_weight: Any) -> None:
    """Add a batch to a metric's `total` and `count` states, as Keras's `Mean` does."""
    weight = None if sample_weight is None else as_tensor(sample_weight, metric.device)
    values, weight = samplewise(values.to(metric.dtype), weight)
    metric.total += values.sum()
    if weight is not None:
        metric.count += weight.sum()
    else:
        metric.count += values.shape[0] if values.dim() else 1


class Mean(Metric):
    """Weighted mean of the values it is given: `sum(w * v) / sum(w)`.

    Values with extra axes count as one value per sample (their mean). With
    no update yet the result is 0, as in Keras.

    Args:
        name: Key used in logs. Defaults to `"mean"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = Mean()
        >>> metric.update_state(torch.tensor([1.0, 3.0]), sample_weight=torch.tensor([1.0, 0.0]))
        >>> metric.result()
        tensor(1.)
    """

    def __init__(self, *, name: str | None = "mean", dtype: torch.dtype | str | None = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))
        self.add_state("count", torch.tensor(0.0, dtype=self.dtype))

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add a batch of values (any shape; extra axes are averaged per sample)."""
        accumulate_mean(self, as_tensor(values, self._device), sample_weight)

    def result(self) -> torch.Tensor:
        return divide_no_nan(self.total, self.count)


class Sum(Metric):
    """Running (weighted) sum of the values it is given.

    Args:
        name: Key used in logs. Defaults to `"sum"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = Sum()
        >>> metric.update_state(torch.tensor([1.0, 3.0, 5.0]), sample_weight=torch.tensor([1.0, 1.0, 0.0]))
        >>> metric.result()
        tensor(4.)
    """

    def __init__(self, *, name: str | None = "sum", dtype: torch.dtype | str | None = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Add a batch of values, weighted by `sample_weight` when given."""
        values = as_tensor(values, self._device).to(self.dtype)
        weight = None if sample_weight is None else as_tensor(sample_weight, self._device)
        values, _ = samplewise(values, weight, torch.sum)
        self.total += values.sum()

    def result(self) -> torch.Tensor:
        return self.total.clone()


def _object_name(fn: Any) -> str:
    # Keras's `get_object_name`: a `name` attribute, else the snake_case
    # function name, else the snake_case class name.
    if isinstance(getattr(fn, "name", None), str):
        return fn.name
    if hasattr(fn, "__name__"):
        return snake_case(fn.__name__)
    return snake_case(type(fn).__name__)


def _is_loss(fn: Any) -> bool:
    module = getattr(fn, "__module__", None) or ""
    return isinstance(fn, Loss) or module.startswith("fitwell.losses")


class MeanMetricWrapper(Metric):
    """The weighted mean over samples of `fn(y_true, y_pred)`.

    Subclasses (and string names) use it for any metric that is a mean of a
    per-sample value: accuracies, regression errors, loss-named metrics. A
    fitwell loss wrapped this way is marked `higher_is_better = False`.

    Args:
        fn: Function returning one value per sample (or per element: extra
            axes are averaged per sample).
        name: Key used in logs. Defaults to the function's snake_case name.
        dtype: State dtype. Defaults to float32.
        **kwargs: Extra keyword arguments for `fn`.

    Example:
        >>> def hit(y_true, y_pred):
        ...     return (y_true == y_pred).float()
        >>> metric = MeanMetricWrapper(hit)
        >>> metric.update_state(torch.tensor([1, 2]), torch.tensor([1, 0]))
        >>> metric.name, metric.result()
        ('hit', tensor(0.5000))
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        *,
        name: str | None = None,
        dtype: torch.dtype | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name or _object_name(fn), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs
        if type(self).higher_is_better is None and _is_loss(fn):
            self.higher_is_better = False
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))
        self.add_state("count", torch.tensor(0.0, dtype=self.dtype))

    def update_state(
        self,
        y_true: Any,
        y_pred: Any,
        sample_weight: Any = None,
    ) -> None:
        y_true, y_pred = as_tensor(y_true, self._device), as_tensor(y_pred, self._device)
        accumulate_mean(self, self.fn(y_true, y_pred, **self.fn_kwargs), sample_weight)

    def result(self) -> torch.Tensor:
        return divide_no_nan(self.total, self.count)

    def get_config(self) -> dict:
        return {**super().get_config(), **self.fn_kwargs}
