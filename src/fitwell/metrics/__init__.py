"""Streaming metrics with Keras's names; `get` resolves `compile(metrics=...)` entries."""

from __future__ import annotations

import re
from collections.abc import Callable

import torch

from fitwell.errors import did_you_mean, unknown_name_message
from fitwell.losses.base import Loss
from fitwell.metrics.accuracy import (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
)
from fitwell.metrics.auc import AUC
from fitwell.metrics.base import Metric
from fitwell.metrics.confusion import (
    FalseNegatives,
    FalsePositives,
    Precision,
    PrecisionAtRecall,
    Recall,
    RecallAtPrecision,
    SensitivityAtSpecificity,
    SpecificityAtSensitivity,
    TrueNegatives,
    TruePositives,
)
from fitwell.metrics.f_score import F1Score, FBetaScore
from fitwell.metrics.hinge import CategoricalHinge, Hinge, SquaredHinge
from fitwell.metrics.probabilistic import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
)
from fitwell.metrics.reduction import Mean, MeanMetricWrapper, Sum
from fitwell.metrics.regression import (
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    R2Score,
    RootMeanSquaredError,
)

__all__ = [
    "AUC",
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "F1Score",
    "FBetaScore",
    "FalseNegatives",
    "FalsePositives",
    "Hinge",
    "KLDivergence",
    "LogCoshError",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "Poisson",
    "Precision",
    "PrecisionAtRecall",
    "R2Score",
    "Recall",
    "RecallAtPrecision",
    "RootMeanSquaredError",
    "SensitivityAtSpecificity",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "SpecificityAtSensitivity",
    "SquaredHinge",
    "Sum",
    "TopKCategoricalAccuracy",
    "TrueNegatives",
    "TruePositives",
    "get",
    "known_names",
    "needs_shapes",
]

# Metrics a string can name: built with default arguments, as Keras's `metrics.get`.
_NAMEABLE: tuple[type[Metric], ...] = (
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    AUC,
    Precision,
    Recall,
    TruePositives,
    FalsePositives,
    TrueNegatives,
    FalseNegatives,
    F1Score,
    FBetaScore,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    LogCoshError,
    CosineSimilarity,
    R2Score,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    KLDivergence,
    Poisson,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
)
# Metrics that cannot be built without an argument, and which one.
_NEEDS_ARGUMENT: dict[type[Metric], str] = {
    PrecisionAtRecall: "recall",
    RecallAtPrecision: "precision",
    SensitivityAtSpecificity: "specificity",
    SpecificityAtSensitivity: "sensitivity",
}
# Keras's aliases, then three names Keras 3 rejects but tf.keras accepted
# ("kld", "logcosh": LogCoshError's own default name) or uses as a default
# name ("fbeta_score").
_ALIASES: dict[str, type[Metric]] = {
    "bce": BinaryCrossentropy,
    "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError,
    "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError,
    "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError,
    "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError,
    "MSLE": MeanSquaredLogarithmicError,
    "kld": KLDivergence,
    "KLD": KLDivergence,
    "logcosh": LogCoshError,
    "fbeta_score": FBetaScore,
}
_SHAPE_DEPENDENT = ("accuracy", "acc")
#: Names from other libraries that Keras spells differently (suggested in the unknown-name error).
_COMMON_NAMES = {
    "f1": "f1_score",
    "f1score": "f1_score",
    "fbeta": "fbeta_score",
    "rmse": "root_mean_squared_error",
    "r2": "r2_score",
    "top_k": "top_k_categorical_accuracy",
    "top5": "top_k_categorical_accuracy",
    "kl": "kl_divergence",
    "roc_auc": "auc",
    "tp": "true_positives",
    "fp": "false_positives",
    "tn": "true_negatives",
    "fn": "false_negatives",
}


def _keras_snake_case(name: str) -> str:
    # Keras's `to_snake_case`: "AUC" -> "auc", "FBetaScore" -> "f_beta_score".
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def _registry() -> dict[str, type[Metric]]:
    names: dict[str, type[Metric]] = {}
    for cls in (*_NAMEABLE, *_NEEDS_ARGUMENT):
        names[cls.__name__] = cls
        names[_keras_snake_case(cls.__name__)] = cls
    names.update(_ALIASES)
    return names


_BY_NAME = _registry()
_BY_LOWER_NAME = {name.lower(): cls for name, cls in _BY_NAME.items()}


def known_names() -> list[str]:
    """Every string `get` accepts (besides other spellings of the same names in another case).

    Example:
        >>> {"auc", "AUC", "f1_score", "mse", "acc"} <= set(known_names())
        True
    """
    return [*_BY_NAME, *_SHAPE_DEPENDENT]


def needs_shapes(identifier: object) -> bool:
    """Whether `identifier` can only be resolved once labels and outputs are seen.

    Example:
        >>> needs_shapes("Accuracy"), needs_shapes("binary_accuracy")
        (True, False)
    """
    return isinstance(identifier, str) and identifier.lower() in _SHAPE_DEPENDENT


def _accuracy_for(y_true: torch.Tensor, y_pred: torch.Tensor, loss: Loss | None, name: str) -> Metric:
    # Keras's rule (compile_utils.get_metric), with one deliberate addition:
    # when the loss says the outputs are logits, the binary threshold is 0,
    # the logit of probability 0.5, so "accuracy" means what the user meant.
    if y_pred.shape[-1] == 1:
        from_logits = bool(getattr(loss, "from_logits", False))
        return BinaryAccuracy(threshold=0.0 if from_logits else 0.5, name=name)
    if y_true.dim() < y_pred.dim() or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def _from_name(identifier: str) -> Metric:
    cls = _BY_NAME.get(identifier) or _BY_LOWER_NAME.get(identifier.lower())
    if cls is None:
        message = unknown_name_message("metric", "metrics", identifier, known_names())
        hint = _COMMON_NAMES.get(identifier.lower())
        if hint is not None:  # a known name from elsewhere beats the closest spelling
            message = message.replace(did_you_mean(identifier, known_names()), "", 1)
            received = f"Received: metrics={identifier!r}."
            message = message.replace(received, f"{received} Did you mean {hint!r}?", 1)
        raise ValueError(message)
    if cls in _NEEDS_ARGUMENT:
        argument = _NEEDS_ARGUMENT[cls]
        raise ValueError(
            f"Metric {identifier!r} needs a `{argument}` value, so it cannot be named by a string. "
            f"Received: metrics=[{identifier!r}]. Pass an instance instead, e.g. "
            f"metrics=[fitwell.metrics.{cls.__name__}({argument}=0.8)]."
        )
    return cls(name=identifier)


def get(
    identifier: str | Metric | type[Metric] | Callable[..., torch.Tensor],
    *,
    y_true: torch.Tensor | None = None,
    y_pred: torch.Tensor | None = None,
    loss: Loss | None = None,
) -> Metric:
    """Resolve one entry of `compile(metrics=[...])` into a `Metric`.

    A string gives a fresh metric with default arguments whose name (the log
    key) is the string itself, as in Keras: `"acc"` logs as `acc`, `"mae"` as
    `mae`, `"AUC"` as `AUC`. Class names, their snake_case forms and Keras's
    aliases (`"mse"`, `"mae"`, `"mape"`, `"msle"`, `"bce"`) are accepted.

    Args:
        identifier: A metric name, a `Metric` (used as is), a `Metric`
            subclass (built with defaults), or a function
            `fn(y_true, y_pred)` returning per-sample values.
        y_true: A batch of labels; needed only for `"accuracy"`/`"acc"`.
        y_pred: A batch of outputs; likewise.
        loss: The compiled loss; lets `"accuracy"` pick the logits threshold.

    Raises:
        ValueError: For an unknown name, a name whose metric needs an
            argument, or `"accuracy"` without `y_true`/`y_pred`.
        TypeError: For anything else.

    Example:
        >>> get("mae").name, type(get("mae")).__name__
        ('mae', 'MeanAbsoluteError')
        >>> type(get("acc", y_true=torch.zeros(4, 1), y_pred=torch.zeros(4, 1))).__name__
        'BinaryAccuracy'
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if needs_shapes(identifier):
            if y_true is None or y_pred is None:
                raise ValueError(
                    f"metric {identifier!r} is chosen from the label and output shapes; "
                    "pass `y_true` and `y_pred` to resolve it."
                )
            return _accuracy_for(y_true, y_pred, loss, identifier)
        return _from_name(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(
        "Each entry of `metrics` must be a metric name, a fitwell Metric or a function "
        f"(y_true, y_pred). Received: {identifier!r} of type {type(identifier).__name__}"
    )
