"""Metrics that average or add up values: `Mean`, `Sum`, `MeanMetricWrapper`."""

from __future__ import annotations

from collections.abc import Callable

import torch

from fitwell._naming import snake_case
from fitwell.losses.base import align_ranks
from fitwell.metrics.base import Metric

__all__ = ["Mean", "MeanMetricWrapper", "Sum", "weighted_sum_and_count"]


def weighted_sum_and_count(
    values: torch.Tensor, sample_weight: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor | int]:
    """Per-sample values weighted and summed, with the matching count.

    Values with extra axes are first averaged per sample (as Keras's
    `reduce_to_samplewise_values`), unless the weight covers those axes.
    """
    if sample_weight is None:
        if values.dim() > 1:
            values = values.reshape(len(values), -1).mean(dim=1)
        return values.sum(), values.numel()
    sample_weight = sample_weight.to(values.dtype)
    values, sample_weight = align_ranks(values, sample_weight)
    while values.dim() > sample_weight.dim():
        values = values.mean(dim=-1)
    sample_weight = sample_weight.expand_as(values)
    return (values * sample_weight).sum(), sample_weight.sum()


class Mean(Metric):
    """Weighted mean of the values it is given: `sum(w * v) / sum(w)`.

    Args:
        name: Key used in logs. Defaults to `"mean"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = Mean()
        >>> metric.update_state(torch.tensor([1.0, 3.0]), sample_weight=torch.tensor([1.0, 0.0]))
        >>> metric.result()
        tensor(1.)
    """

    def __init__(self, *, name: str | None = "mean", dtype: torch.dtype | None = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))
        self.add_state("count", torch.tensor(0.0, dtype=self.dtype))

    def update_state(  # type: ignore[override]
        self, values: torch.Tensor, sample_weight: torch.Tensor | None = None
    ) -> None:
        """Add a batch of values (any shape; extra axes are averaged per sample)."""
        values = torch.as_tensor(values, dtype=self.dtype, device=self._device)
        if values.dim() == 0:
            values = values.reshape(1)
        total, count = weighted_sum_and_count(values, sample_weight)
        self.total += total
        self.count += count

    def result(self) -> torch.Tensor:
        return torch.where(self.count == 0, torch.zeros_like(self.total), self.total / self.count)


class Sum(Metric):
    """Running (weighted) sum of the values it is given.

    Args:
        name: Key used in logs. Defaults to `"sum"`.
        dtype: State dtype. Defaults to float32.

    Example:
        >>> metric = Sum()
        >>> metric.update_state(torch.tensor([1.0, 3.0]))
        >>> metric.result()
        tensor(4.)
    """

    def __init__(self, *, name: str | None = "sum", dtype: torch.dtype | None = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))

    def update_state(  # type: ignore[override]
        self, values: torch.Tensor, sample_weight: torch.Tensor | None = None
    ) -> None:
        """Add a batch of values, weighted by `sample_weight` when given."""
        values = torch.as_tensor(values, dtype=self.dtype, device=self._device)
        if sample_weight is not None:
            values, sample_weight = align_ranks(values, sample_weight.to(values.dtype))
            values = values * sample_weight
        self.total += values.sum()

    def result(self) -> torch.Tensor:
        return self.total.clone()


class MeanMetricWrapper(Metric):
    """The weighted mean over samples of `fn(y_true, y_pred)`.

    Subclasses (and string names) use it for any metric that is a mean of a
    per-sample value: accuracies, regression errors, loss-named metrics.

    Args:
        fn: Function returning one value per sample.
        name: Key used in logs. Defaults to the function's snake_case name.
        dtype: State dtype. Defaults to float32.
        **kwargs: Extra keyword arguments for `fn`.

    Example:
        >>> def hit(y_true, y_pred):
        ...     return (y_true == y_pred).float()
        >>> metric = MeanMetricWrapper(hit)
        >>> metric.update_state(torch.tensor([1, 2]), torch.tensor([1, 0]))
        >>> metric.result()
        tensor(0.5000)
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        *,
        name: str | None = None,
        dtype: torch.dtype | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(name=name or snake_case(getattr(fn, "__name__", "mean")), dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))
        self.add_state("count", torch.tensor(0.0, dtype=self.dtype))

    def update_state(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> None:
        values = self.fn(y_true, y_pred, **self.fn_kwargs)
        total, count = weighted_sum_and_count(values.to(self.dtype), sample_weight)
        self.total += total
        self.count += count

    def result(self) -> torch.Tensor:
        return torch.where(self.count == 0, torch.zeros_like(self.total), self.total / self.count)
