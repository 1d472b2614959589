"""The `Loss` protocol: subclasses compute per-sample values, the base reduces.

Reduction and sample weighting live here and nowhere else, so every loss
weights and reduces exactly the way Keras does (`keras/src/losses/loss.py`).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from fitwell._naming import snake_case

__all__ = ["REDUCTIONS", "Loss", "LossFunctionWrapper", "align_ranks", "reduce_weighted"]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


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


def reduce_weighted(
    values: torch.Tensor,
    sample_weight: torch.Tensor | None,
    reduction: str | None,
) -> torch.Tensor:
    """Weight per-sample loss values and reduce them (Keras `reduce_weighted_values`).

    `"sum_over_batch_size"` (and `"mean"`) divide by the number of values,
    not by the sum of the weights: a zero weight still counts in the
    denominator. `"mean_with_sample_weight"` divides by the sum of weights.
    """
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        values, sample_weight = align_ranks(values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or values.dim() == 0 or values.numel() == 0:
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = sample_weight.expand_as(values).sum()
        return torch.where(divisor == 0, torch.zeros_like(total), total / divisor)
    return total / values.numel()


class Loss:
    """Base class of losses: per-sample values from `call`, reduction here.

    Subclasses implement `call(y_true, y_pred)`, returning one value per
    sample (shape `(batch_size,)`, or `(batch_size, steps)` for sequences).
    `__call__` casts the inputs, applies `sample_weight` and reduces.

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
            raise ValueError(
                f"`reduction` must be one of {REDUCTIONS}. Received: reduction={reduction!r}"
            )
        self.reduction = reduction
        self.name = name or snake_case(type(self).__name__)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        """Return the per-sample loss values. Subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Compute the weighted, reduced loss."""
        if y_pred.dtype not in (torch.float32, torch.float64):
            y_pred = y_pred.float()
        values = self.call(y_true, y_pred)
        if sample_weight is None and self.reduction == "sum_over_batch_size":
            return values.mean()  # fast path: the common case costs one kernel
        return reduce_weighted(values, sample_weight, self.reduction)

    def get_config(self) -> dict:
        """Return the constructor arguments, as Keras's `get_config`."""
        return {"name": self.name, "reduction": self.reduction}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class LossFunctionWrapper(Loss):
    """A `Loss` around a plain function `fn(y_true, y_pred) -> per-sample values`.

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
