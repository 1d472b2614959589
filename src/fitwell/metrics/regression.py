"""Regression metrics: running means of per-sample errors, RMSE and R²."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.losses import functional as loss_functions
from fitwell.losses.base import align_ranks
from fitwell.metrics import functional
from fitwell.metrics.base import Metric, as_tensor
from fitwell.metrics.reduction import MeanMetricWrapper, accumulate_mean

__all__ = [
    "CosineSimilarity",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "R2Score",
    "RootMeanSquaredError",
]

Dtype = torch.dtype | str | None


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of squared errors.

    Args:
        name: Key used in logs. Defaults to `"mean_squared_error"`.
        dtype: State dtype.

    Example:
        >>> MeanSquaredError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(5.)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_squared_error", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of absolute errors.

    Args:
        name: Key used in logs. Defaults to `"mean_absolute_error"`.
        dtype: State dtype.

    Example:
        >>> MeanAbsoluteError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(2.)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_absolute_error", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of `100 · |y_true - y_pred| / max(|y_true|, 1e-7)`.

    Args:
        name: Key used in logs. Defaults to `"mean_absolute_percentage_error"`.
        dtype: State dtype.

    Example:
        >>> MeanAbsolutePercentageError()(torch.tensor([[2.0], [4.0]]), torch.tensor([[1.0], [5.0]]))
        tensor(37.5000)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_absolute_percentage_error", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of `(log(1 + y_pred) - log(1 + y_true))²`.

    Args:
        name: Key used in logs. Defaults to `"mean_squared_logarithmic_error"`.
        dtype: State dtype.

    Example:
        >>> MeanSquaredLogarithmicError()(torch.tensor([[0.0]]), torch.tensor([[1.0]]))
        tensor(0.4805)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "mean_squared_logarithmic_error", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.mean_squared_logarithmic_error, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """Running mean of `log(cosh(y_pred - y_true))`.

    Args:
        name: Key used in logs. Defaults to `"logcosh"`, as Keras.
        dtype: State dtype.

    Example:
        >>> LogCoshError()(torch.tensor([[0.0]]), torch.tensor([[1.0]]))
        tensor(0.4338)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "logcosh", dtype: Dtype = None) -> None:
        super().__init__(loss_functions.log_cosh, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between label and output vectors.

    Args:
        name: Key used in logs. Defaults to `"cosine_similarity"`.
        dtype: State dtype.
        axis: Axis along which vectors lie. Defaults to -1.

    Example:
        >>> CosineSimilarity()(torch.tensor([[0.0, 1.0], [1.0, 1.0]]), torch.tensor([[1.0, 0.0], [1.0, 1.0]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self, *, name: str | None = "cosine_similarity", dtype: Dtype = None, axis: int = -1
    ) -> None:
        super().__init__(functional.cosine_similarity, name=name, dtype=dtype, axis=axis)


class RootMeanSquaredError(Metric):
    """Square root of the running (weighted) mean of squared errors.

    Args:
        name: Key used in logs. Defaults to `"root_mean_squared_error"`.
        dtype: State dtype.

    Example:
        >>> RootMeanSquaredError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[3.0], [4.0]]))
        tensor(3.5355)
    """

    higher_is_better = False

    def __init__(self, *, name: str | None = "root_mean_squared_error", dtype: Dtype = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.add_state("total", torch.tensor(0.0, dtype=self.dtype))
        self.add_state("count", torch.tensor(0.0, dtype=self.dtype))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = as_tensor(y_true, self._device).to(self.dtype)
        y_pred = as_tensor(y_pred, self._device).to(self.dtype)
        y_true, y_pred = align_ranks(y_true, y_pred)
        accumulate_mean(self, (y_pred - y_true).square(), sample_weight)

    def result(self) -> torch.Tensor:
        return functional.divide_no_nan(self.total, self.count).sqrt()


class R2Score(Metric):
    """Coefficient of determination, `1 - SS_res / SS_tot`, per output column then aggregated.

    Streams the sums it needs, so the result over batches is the R² of all
    the data seen. Inputs are `(batch_size, num_outputs)`.

    Args:
        class_aggregation: `"uniform_average"` (mean over columns),
            `"variance_weighted_average"` (weighted by each column's total
            sum of squares) or `None` (one score per column).
        num_regressors: Number of independent variables, for the adjusted
            R² `1 - (1 - R²)(n - 1)/(n - p - 1)`; 0 gives plain R². When
            `p >= n - 1` the plain R² is returned.
        name: Key used in logs. Defaults to `"r2_score"`.
        dtype: State dtype.

    Example:
        >>> R2Score()(torch.tensor([[1.0], [2.0], [3.0]]), torch.tensor([[1.0], [2.0], [4.0]]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        *,
        name: str | None = "r2_score",
        dtype: Dtype = None,
    ) -> None:
        super().__init__(name=name, dtype=dtype)
        choices = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in choices:
            raise ValueError(
                f"`class_aggregation` must be one of {choices}. "
                f"Received: class_aggregation={class_aggregation!r}"
            )
        if num_regressors < 0:
            raise ValueError(f"`num_regressors` must be >= 0. Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.add_state("num_samples", torch.tensor(0.0, dtype=self.dtype))

    def _build(self, num_outputs: int) -> None:
        for state in ("squared_sum", "sum", "residual", "count"):
            self.add_state(state, torch.zeros(num_outputs, dtype=self.dtype))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = as_tensor(y_true, self._device).to(self.dtype)
        y_pred = as_tensor(y_pred, self._device).to(self.dtype)
        y_true, y_pred = align_ranks(y_true, y_pred)
        if y_true.dim() != 2 or y_pred.dim() != 2:
            raise ValueError(
                f"`{self.name}` expects 2-D inputs of shape (batch_size, num_outputs). Received: "
                f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}. Reshape "
                "single-output targets with `y.reshape(-1, 1)`."
            )
        if "sum" not in self.state_names:
            self._build(y_pred.shape[-1])
        if sample_weight is None:
            weight = torch.ones_like(y_true)
        else:
            weight = as_tensor(sample_weight, self._device).to(self.dtype)
            weight = (weight.unsqueeze(1) if weight.dim() == 1 else weight).expand(y_true.shape)
        weighted_true = y_true * weight
        self.sum += weighted_true.sum(dim=0)
        self.squared_sum += (y_true * weighted_true).sum(dim=0)
        self.residual += ((y_true - y_pred).square() * weight).sum(dim=0)
        self.count += weight.sum(dim=0)
        self.num_samples += y_true.numel()

    def result(self) -> torch.Tensor:
        if "sum" not in self.state_names:
            return torch.zeros((), dtype=self.dtype, device=self._device)
        mean = self.sum / self.count
        total = self.squared_sum - self.sum * mean
        scores = 1 - self.residual / total
        # A column with no spread gives ±inf; Keras reports 0 for it.
        scores = torch.where(scores.isinf(), torch.zeros_like(scores), scores)
        if self.class_aggregation == "uniform_average":
            score = scores.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = (total * scores).sum() / total.sum()
        else:
            score = scores
        if self.num_regressors == 0:
            return score
        n, p = self.num_samples, float(self.num_regressors)
        adjusted = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        # Keras falls back to the plain score when p >= n - 1 (it also warns; a
        # warning would need the count on the host, so fitwell does not).
        return torch.where(n - 1.0 > p, adjusted, score)

    def get_config(self) -> dict:
        config = {"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}
        return {**super().get_config(), **config}
