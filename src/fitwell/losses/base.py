"""The `Loss` protocol: subclasses compute per-sample values, the base reduces.

Reduction and sample weighting live here and nowhere else, so every loss
weights and reduces exactly the way Keras does (`keras/src/losses/loss.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from fitwell._naming import snake_case

__all__ = ["REDUCTIONS", "Loss", "LossFunctionWrapper", "TorchLoss", "align_ranks", "reduce_weighted"]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def check_axis(axis: int) -> int:
    """Return a loss's `axis` argument, or raise for anything that is not an int (a bool included)."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be an int, such as -1 for the last axis. Received: axis={axis!r}")
    return axis


def align_ranks(
    a: torch.Tensor, b: torch.Tensor, *, expand_rank_1: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Make two tensors whose ranks differ by one line up, as Keras does.

    A trailing axis of size 1 on the larger tensor is squeezed, or, when the
    smaller tensor is rank 1, the smaller one gains a trailing axis instead.
    So labels of shape `(N,)` and predictions of shape `(N, 1)` compare
    element by element instead of broadcasting to `(N, N)`.

    Example:
        >>> a, b = align_ranks(torch.zeros(4), torch.zeros(4, 1))
        >>> tuple(a.shape), tuple(b.shape)
        ((4, 1), (4, 1))
    """
    if a.dim() == b.dim() + 1 and a.shape[-1] == 1:
        if b.dim() == 1 and expand_rank_1:
            return a, b.unsqueeze(-1)
        return a.squeeze(-1), b
    if b.dim() == a.dim() + 1 and b.shape[-1] == 1:
        if a.dim() == 1 and expand_rank_1:
            return a.unsqueeze(-1), b
        return a, b.squeeze(-1)
    return a, b


def _mask_weights(mask: torch.Tensor, reduction: str | None, dtype: torch.dtype) -> torch.Tensor:
    # Keras `apply_mask`: for the mean-type reductions a kept entry weighs
    # total/kept, so dividing by the element count averages the kept entries only.
    mask = mask.to(dtype)
    if reduction not in ("sum_over_batch_size", "mean"):
        return mask
    kept = mask.sum()
    return mask * (mask.numel() / kept.clamp_min(1.0))


def reduce_weighted(
    values: torch.Tensor,
    sample_weight: torch.Tensor | None,
    reduction: str | None,
    *,
    mask: torch.Tensor | None = None,
) -> torch.Tensor:
    """Weight per-sample loss values and reduce them (Keras `reduce_weighted_values`).

    `"sum_over_batch_size"` (and `"mean"`) divide by the number of values,
    not by the sum of the weights: a zero weight still counts in the
    denominator. `"mean_with_sample_weight"` divides by the sum of the
    weights (0 when they sum to 0). A boolean `mask` (entries to keep) is
    folded into the weights as Keras folds its masks: with a mean-type
    reduction the result is the mean over the kept entries.

    Example:
        >>> values = torch.tensor([1.0, 9.0])
        >>> reduce_weighted(values, torch.tensor([1.0, 0.0]), "sum_over_batch_size")
        tensor(0.5000)
        >>> reduce_weighted(values, torch.tensor([1.0, 0.0]), "mean_with_sample_weight")
        tensor(1.)
    """
    if mask is not None:
        mask = _mask_weights(mask, reduction, values.dtype)
        if sample_weight is None:
            sample_weight = mask
        else:
            mask, sample_weight = align_ranks(mask, sample_weight.to(values.dtype))
            sample_weight = sample_weight * mask
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        values, sample_weight = align_ranks(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or values.dim() == 0 or tuple(values.shape) == (0,):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        # Divide by a safe divisor, then select: a zero weight sum gives 0
        # (Keras `divide_no_nan`) with a zero gradient instead of a NaN one.
        divisor = sample_weight.sum()
        is_zero = divisor == 0
        return torch.where(is_zero, torch.zeros_like(total), total / torch.where(is_zero, 1.0, divisor))
    return total / values.numel()


def _as_tensor(value: Any, like: torch.Tensor | None = None) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    tensor = torch.as_tensor(value)
    if like is not None:
        tensor = tensor.to(like.device)
    return tensor.float() if tensor.dtype == torch.float64 and like is None else tensor


class Loss:
    """Base class of losses: per-sample values from `call`, reduction here.

    Subclasses implement `call(y_true, y_pred)`, returning one value per
    sample (shape `(batch_size,)`, or `(batch_size, steps)` for sequences).
    `__call__` casts the inputs, applies `sample_weight` and reduces. Values
    are computed in the dtype of `y_pred` (float32 for integer or
    half-precision predictions).

    Args:
        reduction: `"sum_over_batch_size"` (default, as Keras), `"sum"`,
            `"mean"`, `"mean_with_sample_weight"` or `"none"`.
        name: Key used in logs. Defaults to the snake_case class name.

    Example:
        >>> class AbsoluteError(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return (y_pred - y_true).abs().mean(dim=-1)
        >>> AbsoluteError()(torch.tensor([[0.0], [0.0]]), torch.tensor([[1.0], [3.0]]))
        tensor(2.)
    """

    #: Whether the loss expects logits; subclasses that take `from_logits` set it.
    from_logits: bool = False

    def __init__(self, *, reduction: str | None = "sum_over_batch_size", name: str | None = None) -> None:
        if reduction not in REDUCTIONS:
            raise ValueError(f"`reduction` must be one of {REDUCTIONS}. Received: reduction={reduction!r}")
        self.reduction = reduction
        self.name = name or snake_case(type(self).__name__)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Return the per-sample loss values. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def _prepare(self, y_true: Any, y_pred: Any) -> tuple[torch.Tensor, torch.Tensor]:
        # Arrays and lists are accepted for standalone use, as in Keras.
        y_pred = _as_tensor(y_pred)
        if y_pred.dtype not in (torch.float32, torch.float64):
            y_pred = y_pred.float()
        return _as_tensor(y_true, y_pred), y_pred

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Compute the weighted, reduced loss."""
        y_true, y_pred = self._prepare(y_true, y_pred)
        if sample_weight is None and self.reduction == "sum_over_batch_size":
            fused = self._fused_mean(y_true, y_pred)
            if fused is not None:
                return fused
            return self.call(y_true, y_pred).mean()  # the common case: one more kernel
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = _as_tensor(sample_weight, values)
        return reduce_weighted(values, sample_weight, self.reduction)

    def _fused_mean(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor | None:
        """The unweighted batch mean from one fused torch kernel, or None where there is none.

        Subclasses may override it for their most common configuration; it
        must equal `call(y_true, y_pred).mean()` exactly in value.
        """
        del y_true, y_pred  # most losses have no fused form
        return None

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments, as Keras's `get_config`."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Loss:
        """Create a loss from the output of `get_config`."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class LossFunctionWrapper(Loss):
    """A `Loss` around a plain function `fn(y_true, y_pred) -> per-sample values`.

    Labels and predictions whose ranks differ by a trailing axis of size 1
    are aligned first (see `align_ranks`), as Keras does.

    Args:
        fn: The per-sample function.
        reduction: As for `Loss`.
        name: Key used in logs. Defaults to the function's snake_case name.
        **kwargs: Extra keyword arguments passed to `fn` on each call.

    Example:
        >>> def squared(y_true, y_pred):
        ...     return ((y_pred - y_true) ** 2).mean(dim=-1)
        >>> LossFunctionWrapper(squared)(torch.zeros(2, 1), torch.ones(2, 1))
        tensor(1.)
    """

    def __init__(
        self,
        fn: Callable[..., torch.Tensor],
        *,
        reduction: str | None = "sum_over_batch_size",
        name: str | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(reduction=reduction, name=name or snake_case(getattr(fn, "__name__", "loss")))
        self.fn = fn
        self.fn_kwargs = kwargs

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        y_true, y_pred = align_ranks(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments (the function itself included)."""
        return {**super().get_config(), "fn": self.fn, **self.fn_kwargs}


class TorchLoss(Loss):
    """A `torch.nn` loss module used as a fitwell loss.

    torch losses take `(input, target)`; fitwell's order is
    `(y_true, y_pred)`, so the call is swapped here, once. The module's own
    reduction applies; `sample_weight` needs `reduction="none"` on the module.

    Args:
        module: The torch loss, e.g. `torch.nn.CrossEntropyLoss()`.

    Example:
        >>> loss = TorchLoss(torch.nn.MSELoss())
        >>> loss(torch.zeros(2, 1), torch.ones(2, 1))
        tensor(1.)
    """

    def __init__(self, module: torch.nn.Module) -> None:
        super().__init__(name=getattr(module, "name", None) or "loss")
        self.module = module
        self.from_logits = isinstance(module, torch.nn.CrossEntropyLoss | torch.nn.BCEWithLogitsLoss)

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Call the module in torch's order; weight per-sample values when asked."""
        values = self.module(y_pred, y_true)
        if sample_weight is None:
            return values if values.dim() == 0 else values.mean()
        if values.dim() == 0:
            raise ValueError(
                f"Sample or class weights need per-sample loss values, but "
                f"{type(self.module).__name__} reduced them already. Create it "
                f"with reduction='none'. Received: reduction={self.module.reduction!r}"
            )
        return reduce_weighted(_per_sample(values), _as_tensor(sample_weight, values), self.reduction)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        return _per_sample(self.module(y_pred, y_true))


def _per_sample(values: torch.Tensor) -> torch.Tensor:
    return values.reshape(len(values), -1).mean(dim=1) if values.dim() > 1 else values
