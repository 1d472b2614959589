"""Losses with Keras's names, arguments and reductions.

`get(identifier)` turns what a user passes to `compile(loss=...)` into a
`Loss`: a Keras string name, a `Loss` instance, a `torch.nn` loss module
(called in torch's `(input, target)` order) or any `fn(y_true, y_pred)`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from fitwell.errors import unknown_name_message
from fitwell.losses import functional
from fitwell.losses.base import Loss, LossFunctionWrapper
from fitwell.losses.classification import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from fitwell.losses.regression import MeanAbsoluteError, MeanSquaredError

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "TorchLoss",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "mean_absolute_error",
    "mean_squared_error",
    "needs_shapes",
    "sparse_categorical_crossentropy",
]

binary_crossentropy = functional.binary_crossentropy
categorical_crossentropy = functional.categorical_crossentropy
sparse_categorical_crossentropy = functional.sparse_categorical_crossentropy
mean_squared_error = functional.mean_squared_error
mean_absolute_error = functional.mean_absolute_error


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
        self.from_logits = isinstance(
            module, torch.nn.CrossEntropyLoss | torch.nn.BCEWithLogitsLoss
        )

    def __call__(
        self,
        y_true: torch.Tensor,
        y_pred: torch.Tensor,
        sample_weight: torch.Tensor | None = None,
    ) -> torch.Tensor:
        values = self.module(y_pred, y_true)
        if sample_weight is None:
            return values if values.dim() == 0 else values.mean()
        if values.dim() == 0:
            raise ValueError(
                f"Sample or class weights need per-sample loss values, but "
                f"{type(self.module).__name__} reduced them already. Create it "
                f"with reduction='none'. Received: reduction={self.module.reduction!r}"
            )
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true: torch.Tensor, y_pred: torch.Tensor) -> torch.Tensor:
        values = self.module(y_pred, y_true)
        return values.reshape(len(values), -1).mean(dim=1) if values.dim() > 1 else values


_CLASSES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (
        BinaryCrossentropy,
        CategoricalCrossentropy,
        SparseCategoricalCrossentropy,
        MeanSquaredError,
        MeanAbsoluteError,
    )
}
# Function names and Keras aliases map to the class with default arguments;
# the log key stays the string the user wrote (see `get`).
_ALIASES: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossentropy,
    "bce": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
}
_SHAPE_DEPENDENT = ("crossentropy", "ce")


def known_names() -> list[str]:
    """Every string `get` accepts."""
    return [*_CLASSES, *_ALIASES, *_SHAPE_DEPENDENT]


def needs_shapes(identifier: object) -> bool:
    """Whether `identifier` can only be resolved once labels and outputs are seen."""
    return isinstance(identifier, str) and identifier.lower() in _SHAPE_DEPENDENT


def _crossentropy_for(y_true: torch.Tensor, y_pred: torch.Tensor) -> type[Loss]:
    # Keras's rule (compile_utils.get_loss): one output unit is binary;
    # labels with a lower rank, or a single label column against several
    # outputs, are sparse; anything else is one-hot.
    if y_pred.shape[-1] == 1:
        return BinaryCrossentropy
    if y_true.dim() < y_pred.dim() or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1):
        return SparseCategoricalCrossentropy
    return CategoricalCrossentropy


def get(
    identifier: str | Loss | torch.nn.Module | Callable[..., torch.Tensor],
    *,
    y_true: torch.Tensor | None = None,
    y_pred: torch.Tensor | None = None,
) -> Loss:
    """Resolve what `compile(loss=...)` received into a `Loss`.

    Args:
        identifier: A Keras name (`"mse"`, `"sparse_categorical_crossentropy"`,
            `"BinaryCrossentropy"`, `"crossentropy"` …), a `Loss`, a
            `torch.nn` loss module or a function `fn(y_true, y_pred)`.
        y_true: A batch of labels; needed only for `"crossentropy"`/`"ce"`.
        y_pred: A batch of outputs; likewise.

    Returns:
        A `Loss` whose `name` is the log key.

    Raises:
        ValueError: For an unknown name (with the closest known name).
        TypeError: For anything that is not a loss.

    Example:
        >>> get("mse").name, type(get("mse")).__name__
        ('mse', 'MeanSquaredError')
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, torch.nn.Module):
        return TorchLoss(identifier)
    if isinstance(identifier, str):
        if needs_shapes(identifier):
            if y_true is None or y_pred is None:
                raise ValueError(
                    f"loss={identifier!r} is chosen from the label and output shapes; "
                    "pass `y_true` and `y_pred` to resolve it."
                )
            return _crossentropy_for(y_true, y_pred)(name=identifier)
        cls = _CLASSES.get(identifier) or _ALIASES.get(identifier) or _ALIASES.get(identifier.lower())
        if cls is None:
            raise ValueError(unknown_name_message("loss", "loss", identifier, known_names()))
        return cls(name=identifier) if identifier not in _CLASSES else cls()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        "`loss` must be a loss name, a fitwell Loss, a torch.nn loss module or a "
        f"function (y_true, y_pred). Received: loss={identifier!r} of type {type(identifier).__name__}"
    )
