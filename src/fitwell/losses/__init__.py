"""Losses with Keras's names, arguments and reductions.

`get(identifier)` turns what a user passes to `compile(loss=...)` into a
`Loss`: a Keras string name, a `Loss` instance or class, a Keras-style
config dict, a `torch.nn` loss module (called in torch's `(input, target)`
order) or any `fn(y_true, y_pred)` returning per-sample values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import torch

from fitwell.errors import did_you_mean, unknown_name_message
from fitwell.losses import functional
from fitwell.losses.base import Loss, LossFunctionWrapper, TorchLoss, align_ranks, reduce_weighted
from fitwell.losses.classification import (
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    SparseCategoricalCrossentropy,
)
from fitwell.losses.functional import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
from fitwell.losses.margin import CategoricalHinge, Hinge, SquaredHinge
from fitwell.losses.probabilistic import KLDivergence, Poisson
from fitwell.losses.regression import (
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
)

__all__ = [
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "TorchLoss",
    "align_ranks",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "functional",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "known_names",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "needs_shapes",
    "poisson",
    "reduce_weighted",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]

_CLASSES: dict[str, type[Loss]] = {
    cls.__name__: cls
    for cls in (
        BinaryCrossentropy,
        BinaryFocalCrossentropy,
        CategoricalCrossentropy,
        CategoricalFocalCrossentropy,
        SparseCategoricalCrossentropy,
        MeanSquaredError,
        MeanAbsoluteError,
        MeanAbsolutePercentageError,
        MeanSquaredLogarithmicError,
        Huber,
        LogCosh,
        CosineSimilarity,
        Hinge,
        SquaredHinge,
        CategoricalHinge,
        KLDivergence,
        Poisson,
    )
}
# Function names and Keras's short aliases map to the class with default
# arguments; the log key stays the string the user wrote (see `get`).
_FUNCTION_NAMES: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossentropy,
    "binary_focal_crossentropy": BinaryFocalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "categorical_focal_crossentropy": CategoricalFocalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "huber": Huber,
    "log_cosh": LogCosh,
    "cosine_similarity": CosineSimilarity,
    "hinge": Hinge,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "kl_divergence": KLDivergence,
    "poisson": Poisson,
}
_SHORT_NAMES: dict[str, type[Loss]] = {
    "bce": BinaryCrossentropy,
    "mse": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "kld": KLDivergence,
}
_SHAPE_DEPENDENT = ("crossentropy", "ce")


def known_names() -> list[str]:
    """Every string `get` accepts (short names also in upper case, as in Keras).

    Example:
        >>> "mse" in known_names() and "MSE" in known_names() and "Huber" in known_names()
        True
    """
    short = [*_SHORT_NAMES, *(name.upper() for name in _SHORT_NAMES)]
    return [*_CLASSES, *_FUNCTION_NAMES, *short, *_SHAPE_DEPENDENT]


def needs_shapes(identifier: object) -> bool:
    """Whether `identifier` can only be resolved once labels and outputs are seen.

    Example:
        >>> needs_shapes("crossentropy"), needs_shapes("mse")
        (True, False)
    """
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


def _from_name(identifier: str, y_true: torch.Tensor | None, y_pred: torch.Tensor | None) -> Loss:
    if needs_shapes(identifier):
        if y_true is None or y_pred is None:
            raise ValueError(
                f"loss={identifier!r} is chosen from the label and output shapes; "
                "pass `y_true` and `y_pred` to resolve it."
            )
        return _crossentropy_for(y_true, y_pred)(name=identifier)
    if identifier in _CLASSES:
        return _CLASSES[identifier]()
    # Keras accepts the short names in lower and upper case ("mse", "MSE").
    short = identifier if identifier.islower() else identifier.lower() if identifier.isupper() else None
    cls = _FUNCTION_NAMES.get(identifier) or (_SHORT_NAMES.get(short) if short else None)
    if cls is None:
        message = unknown_name_message("loss", "loss", identifier, known_names())
        hint = _COMMON_NAMES.get(identifier.lower())
        if hint is not None:  # a known name from elsewhere beats the closest spelling
            message = message.replace(did_you_mean(identifier, known_names()), "", 1)
            received = f"Received: loss={identifier!r}."
            message = message.replace(received, f"{received} Did you mean {hint!r}?", 1)
        raise ValueError(message)
    return cls(name=identifier)


#: Names from other libraries that Keras spells differently (suggested in the unknown-name error).
_COMMON_NAMES = {
    "l1": "mean_absolute_error",
    "l2": "mean_squared_error",
    "nll": "sparse_categorical_crossentropy",
    "cross_entropy": "categorical_crossentropy",
    "bce_with_logits": "binary_crossentropy (with BinaryCrossentropy(from_logits=True))",
    "smooth_l1": "huber",
    "kl": "kl_divergence",
    "cosine": "cosine_similarity",
}


def _from_config(identifier: dict[str, Any]) -> Loss:
    class_name, config = identifier.get("class_name"), identifier.get("config", {})
    if class_name not in _CLASSES or not isinstance(config, dict):
        raise ValueError(
            "A loss config must be {'class_name': <a loss class name>, 'config': {...}}. "
            f"Received: loss={identifier!r}. Known class names: {', '.join(sorted(_CLASSES))}."
        )
    return _CLASSES[class_name].from_config(config)


def get(
    identifier: str | Loss | torch.nn.Module | dict[str, Any] | Callable[..., torch.Tensor],
    *,
    y_true: torch.Tensor | None = None,
    y_pred: torch.Tensor | None = None,
) -> Loss:
    """Resolve what `compile(loss=...)` received into a `Loss`.

    Class names (`"BinaryCrossentropy"`) give the class's default log name
    (`binary_crossentropy`); function names and short names (`"mse"`,
    `"MSE"`, `"bce"`, `"kld"` …) log under the string as written, as in
    Keras.

    Args:
        identifier: A Keras name (`"mse"`, `"sparse_categorical_crossentropy"`,
            `"BinaryCrossentropy"`, `"crossentropy"` …), a `Loss` instance or
            class, a config dict `{"class_name": ..., "config": {...}}`, a
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
        >>> get({"class_name": "Huber", "config": {"delta": 2.0}}).delta
        2.0
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, torch.nn.Module):
        return TorchLoss(identifier)
    if isinstance(identifier, str):
        return _from_name(identifier, y_true, y_pred)
    if isinstance(identifier, dict):
        return _from_config(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Loss | torch.nn.Module):
        return get(identifier())  # Keras instantiates a class with its defaults
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        "`loss` must be a loss name, a fitwell Loss, a torch.nn loss module or a "
        f"function (y_true, y_pred). Received: loss={identifier!r} of type {type(identifier).__name__}"
    )
