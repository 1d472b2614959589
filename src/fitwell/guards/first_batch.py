"""The first-batch guard: labels, outputs and inputs checked before any weight changes."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from fitwell.guards.expectation import Expectation, GuardWarning, expectation_for, host
from fitwell.objectives import target_of

if TYPE_CHECKING:
    from fitwell.data import Batch
    from fitwell.objectives import Objectives

__all__ = ["PROBABILITY_TOLERANCE", "UNSCALED_INPUT_LIMIT", "check_first_batch"]

#: Inputs whose largest magnitude exceeds this look unscaled (0-255 pixels, raw prices).
UNSCALED_INPUT_LIMIT = 100.0
#: How far a row of probabilities may sum from 1 (softmax in float16 is ~1e-3 off).
PROBABILITY_TOLERANCE = 1e-2

# warnings.warn → check_first_batch → Trainer.build → fit/evaluate → the user's line.
_FIRST_BATCH_STACKLEVEL = 4

_PROBABILITY_ACTIVATIONS = {
    "sparse": ("softmax",),
    "categorical": ("softmax",),
    "binary": ("sigmoid", "hard_sigmoid", "softmax"),
}
_TORCH_ACTIVATIONS = {
    nn.Softmax: "softmax",
    nn.Sigmoid: "sigmoid",
    nn.Hardsigmoid: "hard_sigmoid",
    nn.LogSoftmax: "log_softmax",
    nn.ReLU: "relu",
    nn.Tanh: "tanh",
    nn.Linear: "linear",
}
_PASS_THROUGH = (nn.Dropout, nn.Identity, nn.Flatten)
#: fitwell's layers that bring raw inputs to order 1 (by class name: no import cycle).
_SCALING_LAYERS = (
    "Rescaling",
    "Normalization",
    "BatchNormalization",
    "LayerNormalization",
    "GroupNormalization",
    "UnitNormalization",
    "Embedding",
)
_NORMALIZING = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.LayerNorm, nn.GroupNorm, nn.Embedding)


def check_first_batch(
    model: nn.Module, state: Objectives, batch: Batch, y_pred: Any, *, warn: bool = True
) -> None:
    """Check the first batch of `fit`/`evaluate` for the classic mistakes.

    Args:
        model: The model being trained or evaluated.
        state: Its compiled state (heads built, `guards_enabled` set).
        batch: The first batch, on the device.
        y_pred: The model's outputs for it.
        warn: Also warn about what training survives (False for a second
            look, at the validation data, which only needs the errors).

    Raises:
        ValueError: For labels the loss cannot take (one-hot labels for a
            sparse loss and the reverse, class indices out of range, binary
            targets outside [0, 1]), label/output shapes that do not line
            up, and outputs that are not probabilities for a loss created
            with `from_logits=False`.

    Example:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, one_hot_labels)  # ValueError: ... use CategoricalCrossentropy ...
    """
    if not state.guards_enabled:
        return
    findings = _input_findings(model, batch.x)
    for head in state.heads:
        y, output = _target(batch.y, head), _pick(y_pred, head.key)
        if head.loss is None or not isinstance(y, torch.Tensor) or not isinstance(output, torch.Tensor):
            continue
        expectation = expectation_for(head.loss, y)
        if expectation is None:
            continue
        y, output = y.detach(), output.detach()
        activation = _last_activation(model) if head.key is None else None
        if expectation.kind in ("sparse", "categorical") and output.dim() > 1:
            axis = expectation.axis % output.dim()
            if axis != output.dim() - 1:  # bring the class axis last for the checks below
                output, activation = output.movedim(axis, -1), None
                y = y.movedim(axis, -1) if expectation.kind == "categorical" and y.dim() > axis else y
        where = f"Output {head.prefix[:-1]!r}: " if head.prefix else ""
        try:
            findings += _check_head(expectation, y, output, activation)
        except ValueError as error:
            raise ValueError(where + str(error)) from None
    for message in findings if warn else ():
        warnings.warn(message, GuardWarning, stacklevel=_FIRST_BATCH_STACKLEVEL)


def _target(y: Any, head: Any) -> Any:
    try:
        return None if y is None else target_of(y, head)
    except (KeyError, IndexError, TypeError):
        return None


def _pick(structure: Any, key: Any) -> Any:
    if structure is None or key is None:
        return structure
    try:
        return structure[key]
    except (KeyError, IndexError, TypeError):
        return None


def _check_head(
    expectation: Expectation, y: torch.Tensor, output: torch.Tensor, activation: str | None
) -> list[str]:
    if y.shape[:1] != output.shape[:1]:
        raise ValueError(
            f"{expectation.name} received {y.shape[0] if y.dim() else 0} labels for "
            f"{output.shape[0] if output.dim() else 0} outputs in the same batch. Expected one label "
            "per sample. Fix: pass labels with the same number of samples as `x`."
        )
    if expectation.kind == "sparse":
        _check_sparse_labels(expectation, y, output)
    elif expectation.kind == "categorical":
        _check_categorical_labels(expectation, y, output)
    elif expectation.kind == "binary":
        _check_binary_labels(expectation, y, output)
    else:
        _check_same_shape(expectation, y, output)
    if expectation.from_logits is None:
        return []
    output = output.float()
    if expectation.from_logits:
        return _logits_findings(expectation, output, activation)
    _check_probabilities(expectation, output, activation)
    return []


def _check_sparse_labels(expectation: Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
    name, classes = expectation.name, output.shape[-1]
    if y.shape == output.shape and classes > 1:
        raise ValueError(
            f"{name} expects integer class labels, but received labels of shape {tuple(y.shape)}, "
            f"the same shape as the outputs: they look one-hot encoded. Expected labels of shape "
            f"{tuple(output.shape[:-1])} holding class indices. Fix: use CategoricalCrossentropy "
            "(loss='categorical_crossentropy') for one-hot labels, or pass `y.argmax(-1)`."
        )
    if tuple(y.shape) not in (tuple(output.shape[:-1]), (*output.shape[:-1], 1)):
        raise ValueError(
            f"{name} received labels of shape {tuple(y.shape)} for outputs of shape "
            f"{tuple(output.shape)}. Expected labels of shape {tuple(output.shape[:-1])} (or with a "
            "trailing axis of 1), one class index per sample. Fix: reshape the labels, or check "
            "that the model's last layer has one unit per class."
        )
    labels = y if expectation.ignore_class is None else y[y != expectation.ignore_class]
    if labels.numel() == 0:
        return
    fractional = (labels != labels.round()).any() if labels.is_floating_point() else torch.tensor(False)
    low, high, fractional = host(labels.min(), labels.max(), fractional)
    if fractional:
        raise ValueError(
            f"{name} expects whole-number class indices, but the labels hold fractional values "
            f"(from {low:g} to {high:g}). Fix: pass integer class indices, e.g. `y.astype(int)`, "
            "or use a regression loss such as 'mse' if the targets are continuous."
        )
    if low < 0 or high >= classes:
        hint = (
            " A single output unit cannot hold several classes: for two classes use "
            "BinaryCrossentropy with Dense(1, activation='sigmoid')."
            if classes == 1
            else " Check the last layer's size (one unit per class) or re-encode the labels to 0..C-1."
        )
        raise ValueError(
            f"Labels must be class indices in [0, {classes - 1}] for a model with {classes} "
            f"outputs. Received: labels from {int(low)} to {int(high)}.{hint}"
        )


def _check_categorical_labels(expectation: Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
    name, classes = expectation.name, output.shape[-1]
    if classes == 1:
        raise ValueError(
            f"{name} received outputs with a single unit (shape {tuple(output.shape)}): with one "
            "class the cross-entropy is always 0 and nothing is learned. Expected one unit per class. "
            "Fix: for two classes use BinaryCrossentropy with Dense(1, activation='sigmoid'), or "
            "give the last layer one unit per class."
        )
    if y.dim() == output.dim() - 1 or (y.dim() == output.dim() and y.shape[-1] == 1):
        raise ValueError(
            f"{name} expects one-hot labels of shape {tuple(output.shape)}, but received labels of "
            f"shape {tuple(y.shape)}: they look like integer class indices. Fix: use "
            "SparseCategoricalCrossentropy (loss='sparse_categorical_crossentropy') for integer "
            "labels, or one-hot encode them first."
        )
    if y.shape != output.shape:
        raise ValueError(
            f"{name} received labels of shape {tuple(y.shape)} for outputs of shape "
            f"{tuple(output.shape)}. Expected the same shape: one column per class. Fix: one-hot "
            "encode the labels with as many classes as the last layer has units."
        )
    low, high = host(y.min(), y.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"{name} expects one-hot (or soft) labels in [0, 1], but the labels range from {low:g} "
            f"to {high:g}. Fix: one-hot encode class indices, or rescale the targets to [0, 1]."
        )


def _check_binary_labels(expectation: Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
    from fitwell.losses import align_ranks

    name = expectation.name
    aligned_y, aligned_output = align_ranks(y, output)
    if aligned_y.shape != aligned_output.shape:
        hint = (
            f" The model has {output.shape[-1]} output units: for integer labels of "
            f"{output.shape[-1]} classes use SparseCategoricalCrossentropy; for a yes/no target "
            "give the last layer one unit (Dense(1, activation='sigmoid'))."
            if output.dim() == 2 and output.shape[-1] > 1 and y.numel() == y.shape[0]
            else " Fix: reshape the labels to the output shape."
        )
        raise ValueError(
            f"{name} received labels of shape {tuple(y.shape)} for outputs of shape "
            f"{tuple(output.shape)}. Expected one 0/1 target per output.{hint}"
        )
    low, high = host(y.min(), y.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"{name} expects targets in [0, 1], but the labels range from {low:g} to {high:g}. "
            "Fix: map -1/+1 labels with `(y + 1) / 2`; for class indices of more than two classes "
            "use SparseCategoricalCrossentropy with one output unit per class."
        )


def _check_same_shape(expectation: Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
    from fitwell.losses import align_ranks

    aligned_y, aligned_output = align_ranks(y, output)
    if aligned_y.shape == aligned_output.shape:
        return
    hint = " Fix: reshape the labels to the output shape, or change the last layer's size."
    if output.dim() == 2 and output.shape[-1] > 1 and y.numel() == y.shape[0]:
        hint = (
            f" The labels have one value per sample and the model {output.shape[-1]} outputs: if they "
            "are class indices, use loss='sparse_categorical_crossentropy'; otherwise give the last "
            "layer one unit."
        )
    raise ValueError(
        f"{expectation.name} received labels of shape {tuple(y.shape)} for outputs of shape "
        f"{tuple(output.shape)}; they would be broadcast against each other and the loss would "
        f"compare the wrong pairs. Expected matching shapes.{hint}"
    )


def _logits_findings(expectation: Expectation, output: torch.Tensor, activation: str | None) -> list[str]:
    probability_activations = _PROBABILITY_ACTIVATIONS[expectation.kind]
    if activation is not None:
        if activation not in probability_activations:
            return []
        found = f"the model's last layer applies {activation!r}"
    else:
        if not _looks_like_probabilities(expectation.kind, output):
            return []
        found = "the first batch's outputs all lie in [0, 1]" + (
            " and each row sums to 1" if expectation.kind != "binary" else ""
        )
    squash = "sigmoid" if expectation.kind == "binary" else "softmax"
    return [
        f"{expectation.name} received from_logits=True, but {found}: the outputs are already "
        f"probabilities, not logits, so the loss applies {squash} a second time and learning "
        f"stalls. Expected raw scores (logits) from the last layer. Fix: remove the final "
        f"{squash} (e.g. Dense(units) without an activation) and keep from_logits=True, which is "
        "more stable; or set from_logits=False."
    ]


def _looks_like_probabilities(kind: str, output: torch.Tensor) -> bool:
    if output.numel() < (8 if kind == "binary" else 2):
        return False  # too few values to tell logits from probabilities
    sums = output.sum(dim=-1)
    low, high, sum_low, sum_high = host(output.min(), output.max(), sums.min(), sums.max())
    if low < 0 or high > 1:
        return False
    if kind == "binary":
        return True
    return output.shape[-1] > 1 and max(abs(sum_low - 1), abs(sum_high - 1)) <= PROBABILITY_TOLERANCE


def _check_probabilities(expectation: Expectation, output: torch.Tensor, activation: str | None) -> None:
    kind, name = expectation.kind, expectation.name
    squash = "sigmoid" if kind == "binary" else "softmax"
    fix = (
        f"Fix: keep the last layer linear and pass from_logits=True to {name} (more stable), or "
        f"add a final {squash} activation."
    )
    expected = "probabilities in [0, 1]" + (", each row summing to 1" if kind != "binary" else "")
    if activation is not None and activation not in _PROBABILITY_ACTIVATIONS[kind]:
        raise ValueError(
            f"{name} expects probabilities (from_logits=False), but the model's last layer applies "
            f"{activation!r}, whose outputs are not probabilities. Expected {expected}. {fix}"
        )
    sums = output.sum(dim=-1)
    low, high, sum_low, sum_high = host(output.min(), output.max(), sums.min(), sums.max())
    if low < 0 or high > 1:
        found = f"the first batch's outputs range from {low:.4g} to {high:.4g}"
    elif kind != "binary" and max(abs(sum_low - 1), abs(sum_high - 1)) > PROBABILITY_TOLERANCE:
        found = f"the rows of the first batch's outputs sum to between {sum_low:.4g} and {sum_high:.4g}"
    else:
        return
    raise ValueError(
        f"{name} expects probabilities (from_logits=False), but {found}. Expected {expected}. {fix}"
    )


def _last_activation(module: nn.Module) -> str | None:
    """The Keras name of the model's final activation, or None when it cannot be told."""
    from fitwell.model import Model
    from fitwell.sequential import Sequential

    for torch_type, name in _TORCH_ACTIVATIONS.items():
        if isinstance(module, torch_type):
            return name
    if hasattr(module, "activation_name"):  # fitwell Dense, Conv2D, Activation
        return module.activation_name
    if isinstance(module, Sequential) and type(module).forward is Sequential.forward:
        children = list(module.layers)
    elif isinstance(module, nn.Sequential):
        children = list(module)
    elif (
        isinstance(module, Model)
        and type(module).forward is Model.forward
        and "module" in dict(module.named_children())
    ):
        children = [module.module]
    else:
        return None  # a custom forward: the order of its layers is unknown
    for child in reversed(children):
        if not isinstance(child, _PASS_THROUGH):
            return _last_activation(child)
    return None


def _wraps_a_module(model: nn.Module) -> bool:
    """Whether a `Model` was made as `Model(module)`."""
    return "module" in dict(model.named_children())


def _layers_in_order(module: nn.Module) -> Iterator[nn.Module]:
    """The model's layers in the order inputs meet them, nested models opened."""
    from fitwell.model import Model

    if isinstance(module, Model) and _wraps_a_module(module):
        yield from _layers_in_order(module.module)
    elif isinstance(module, Model):
        for layer in module.layers:
            yield from _layers_in_order(layer)
    elif isinstance(module, nn.Sequential):
        for layer in module:
            yield from _layers_in_order(layer)
    else:
        yield module


def _scales_its_inputs(model: nn.Module) -> bool:
    """Whether a scaling layer comes before the first layer with weights.

    Layers without weights (the input, augmentations, reshapes) pass raw
    values on, so `RandomFlip → Rescaling(1/255) → Conv2D` scales its inputs.
    """
    for layer in _layers_in_order(model):
        if isinstance(layer, _NORMALIZING) or type(layer).__name__ in _SCALING_LAYERS:
            return True
        if next(layer.parameters(), None) is not None:
            return False
    return False


def _input_findings(model: nn.Module, x: Any) -> list[str]:
    if _scales_its_inputs(model):
        return []
    tensors = list(x.values()) if isinstance(x, dict) else list(x) if isinstance(x, tuple | list) else [x]
    tensors = [
        t
        for t in tensors
        if isinstance(t, torch.Tensor) and (t.is_floating_point() or t.dtype == torch.uint8)
    ]
    if not tensors or not any(t.numel() for t in tensors):
        return []
    largest = max(host(*(t.abs().max() for t in tensors if t.numel())))
    if largest <= UNSCALED_INPUT_LIMIT:
        return []
    return [
        f"The inputs look unscaled: the first batch holds values up to {largest:g} in magnitude (raw "
        f"0-255 pixels, prices, counts...). Networks train best on inputs of order 1; expected "
        f"magnitudes up to about {UNSCALED_INPUT_LIMIT:g}. Fix: scale them, e.g. `x / 255.0` for "
        "images, or standardise each feature with the training set's mean and standard deviation "
        "(`(x - mean) / std`)."
    ]
