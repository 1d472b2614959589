"""What the curves alone cannot say: the loss, the number of classes, and from them chance level.

A classifier that guesses uniformly scores a cross-entropy of `ln(C)` for `C`
classes (`ln 2` for binary cross-entropy) and an accuracy of `1/C`. Knowing
this baseline lets the diagnosis tell "stuck at chance" from "slowly
learning", and judge whether a final loss is good.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fitwell._naming import snake_case

__all__ = ["RunContext", "context_from_model", "loss_name", "make_context"]

_CATEGORICAL = ("sparse_categorical_crossentropy", "categorical_crossentropy", "cross_entropy", "nll")
_BINARY = ("binary_crossentropy", "binary_focal_crossentropy", "bce")
_AUTOMATIC = ("crossentropy", "ce")  # fitwell picks binary or categorical from the shapes


@dataclass(frozen=True)
class RunContext:
    """The loss family and chance levels of a run.

    Attributes:
        loss_name: The loss as snake_case text (e.g. `"sparse_categorical_crossentropy"`), or None.
        num_classes: Number of classes, when known.
        chance_loss: The loss of a uniform guess (`ln C`), when known.
        chance_accuracy: The accuracy of a uniform guess (`1/C`), when known.
        baseline: The loss of the best constant prediction from the training labels
            (`History.baseline`, or given), when known: the label prior's entropy for
            cross-entropy (below `ln C` for imbalanced classes), the targets' variance
            for MSE, their mean deviation from the median for MAE.
    """

    loss_name: str | None = None
    num_classes: int | None = None
    chance_loss: float | None = None
    chance_accuracy: float | None = None
    baseline: float | None = None

    @property
    def reference_loss(self) -> float | None:
        """The level that means "nothing learned": the baseline when known, else chance."""
        return self.baseline if self.baseline is not None else self.chance_loss

    def describe_reference(self) -> str:
        """`"the baseline 0.3251 (best constant prediction)"` or `"chance ln(10) = 2.303"`."""
        from fitwell.diagnosis.run import format_number

        if self.baseline is not None:
            return f"the baseline {format_number(self.baseline)} (the loss of the best constant prediction)"
        if self.chance_loss is not None:
            return f"the chance level ln({self.num_classes}) = {format_number(self.chance_loss)}"
        return "no known baseline"


def loss_name(loss: Any) -> str | None:
    """Snake-case name of a loss given as a string, a class, or an object (fitwell, Keras or torch)."""
    if loss is None:
        return None
    if isinstance(loss, str):
        text = loss
    elif isinstance(loss, type):
        text = loss.__name__
    else:
        inner = getattr(loss, "module", None)  # fitwell's TorchLoss wraps a torch loss module
        text = type(inner if inner is not None and hasattr(inner, "forward") else loss).__name__
    return snake_case(text).removesuffix("_loss")


def _family(name: str | None, num_classes: int | None) -> str | None:
    if name is None:
        return None
    if name.startswith(_BINARY) or (name in _AUTOMATIC and num_classes == 2):
        return "binary"
    if name.startswith(_CATEGORICAL) or "categorical_crossentropy" in name or name in _AUTOMATIC:
        return "categorical"
    return None


def make_context(
    loss: Any = None, num_classes: int | None = None, baseline: float | None = None
) -> RunContext:
    """Chance levels from a loss (name, fitwell/Keras/torch loss object or class) and a class count.

    Args:
        loss: The training loss, e.g. `"sparse_categorical_crossentropy"` or
            `torch.nn.CrossEntropyLoss()`.
        num_classes: The number of classes (the output width of a classifier).
        baseline: The loss of the best constant prediction, when known (see
            `fitwell.diagnosis.baseline.constant_baseline`).

    Returns:
        The context; unknown parts are None.

    Raises:
        ValueError: For a `num_classes` below 2 (1 is read as 2 with a binary loss: one sigmoid
            output), or a `baseline` that is not a finite number >= 0.

    Example:
        >>> context = make_context("sparse_categorical_crossentropy", 10)
        >>> round(context.chance_loss, 4), context.chance_accuracy
        (2.3026, 0.1)
    """
    name = loss_name(loss)
    if num_classes == 1 and not isinstance(num_classes, bool) and name and name.startswith(_BINARY):
        num_classes = 2  # one sigmoid output, as Keras users count a binary classifier's units
    if num_classes is not None and (isinstance(num_classes, bool) or int(num_classes) < 2):
        raise ValueError(
            f"`num_classes` must be an int >= 2. Received: num_classes={num_classes!r}. A binary "
            "classifier with one sigmoid output has 2 classes (with loss='binary_crossentropy', 1 "
            "is read as 2)."
        )
    if baseline is not None:
        try:
            baseline = float(baseline)
        except (TypeError, ValueError):
            baseline = math.nan
        if not (math.isfinite(baseline) and baseline >= 0):
            raise ValueError(
                "`baseline` must be a finite number >= 0: the loss of the best constant prediction "
                f"(e.g. the targets' variance for mse). Received: baseline={baseline!r}"
            )
        if baseline == 0:
            baseline = None  # every label the same: nothing to judge against
    classes = None if num_classes is None else int(num_classes)
    family = _family(name, classes)
    if family == "binary":
        return RunContext(name, 2, math.log(2.0), 0.5, baseline)
    if family == "categorical" and classes is not None:
        return RunContext(name, classes, math.log(classes), 1.0 / classes, baseline)
    chance_accuracy = None if classes is None else 1.0 / classes
    return RunContext(name, classes, None, chance_accuracy, baseline)


def context_from_model(model: Any) -> RunContext:
    """The loss and output width of a compiled fitwell model, when they can be read.

    The width is the `units`/`out_features` of the last layer that has one,
    which is the class count of the usual classifier head.
    """
    loss = getattr(model, "loss", None)
    if not isinstance(loss, str) and isinstance(loss, list | tuple | dict):
        return RunContext()  # several outputs: no single baseline
    width = None
    modules = list(model.modules()) if hasattr(model, "modules") else []
    for module in reversed(modules):
        size = getattr(module, "units", None) or getattr(module, "out_features", None)
        if isinstance(size, int):
            width = size
            break
    if _family(loss_name(loss), width) == "categorical" and width and width >= 2:
        return make_context(loss, width)
    return make_context(loss)
