"""Guards: the classic training mistakes, caught before they are trained through.

`check_first_batch` runs once per `fit`/`evaluate`, on the first batch and
before any weight changes. It raises a `ValueError` where the loss would be
meaningless (labels the loss cannot take, outputs that are not
probabilities for a probability loss, shapes that do not line up) and warns
(`GuardWarning`) where training can go on but probably should not as it is
(`from_logits=True` on softmax/sigmoid outputs, unscaled inputs).
`check_validation_split` and `check_class_balance` look at the whole label
array once per `fit`. Every message says what was found, what was expected
and how to fix it. `model.compile(..., guards=False)` turns them all off.

The checks read a few numbers back from the device once per call; nothing
here runs per step.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

if TYPE_CHECKING:
    from fitwell.compiled import CompiledState
    from fitwell.data import Batch

__all__ = [
    "IMBALANCE_RATIO",
    "PROBABILITY_TOLERANCE",
    "UNSCALED_INPUT_LIMIT",
    "GuardWarning",
    "check_class_balance",
    "check_first_batch",
    "check_validation_split",
]

#: Inputs whose largest magnitude exceeds this look unscaled (0-255 pixels, raw prices).
UNSCALED_INPUT_LIMIT = 100.0
#: Largest-to-smallest class count ratio from which the labels count as heavily imbalanced.
IMBALANCE_RATIO = 10.0
#: How far a row of probabilities may sum from 1 (softmax in float16 is ~1e-3 off).
PROBABILITY_TOLERANCE = 1e-2

# warnings.warn → check_first_batch → Model._build → fit/evaluate → the user's line.
_FIRST_BATCH_STACKLEVEL = 4
# warnings.warn → check_* → Model.fit → the user's line.
_FIT_STACKLEVEL = 3

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
_NORMALIZING = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.LayerNorm, nn.GroupNorm, nn.Embedding)


class GuardWarning(UserWarning):
    """A likely mistake found by a guard; training goes on.

    Silence every guard with `model.compile(..., guards=False)`.
    """


@dataclass(frozen=True)
class _Expectation:
    """What a loss needs from labels and outputs."""

    kind: str  # "sparse", "categorical", "binary" or "elementwise"
    name: str
    from_logits: bool | None  # None: the outputs are not checked against it
    ignore_class: int | None = None
    axis: int = -1  # the class axis of the outputs


def _expectation(loss: Any, y: torch.Tensor) -> _Expectation | None:
    from fitwell import losses

    name = type(loss).__name__
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return _Expectation("sparse", name, loss.from_logits, loss.ignore_class, loss.axis)
    if isinstance(loss, losses.CategoricalCrossentropy | losses.CategoricalFocalCrossentropy):
        return _Expectation("categorical", name, loss.from_logits, axis=loss.axis)
    if isinstance(loss, losses.BinaryCrossentropy | losses.BinaryFocalCrossentropy):
        return _Expectation("binary", name, loss.from_logits)
    elementwise = (
        losses.MeanSquaredError,
        losses.MeanAbsoluteError,
        losses.MeanAbsolutePercentageError,
        losses.MeanSquaredLogarithmicError,
        losses.Huber,
        losses.LogCosh,
        losses.CosineSimilarity,
        losses.Hinge,
        losses.SquaredHinge,
        losses.CategoricalHinge,
        losses.KLDivergence,
        losses.Poisson,
    )
    if isinstance(loss, elementwise):
        return _Expectation("elementwise", name, None)
    if isinstance(loss, losses.TorchLoss):
        module, label = loss.module, f"torch.nn.{type(loss.module).__name__}"
        if isinstance(module, nn.CrossEntropyLoss) and not y.is_floating_point():
            return _Expectation("sparse", label, True, module.ignore_index, axis=1)  # torch: classes second
        if isinstance(module, nn.BCEWithLogitsLoss):
            return _Expectation("binary", label, True)
        if isinstance(module, nn.BCELoss):
            return _Expectation("binary", label, False)
    return None


# -- the first batch -----------------------------------------------------------------------------
def check_first_batch(model: nn.Module, state: CompiledState, batch: Batch, y_pred: Any) -> None:
    """Check the first batch of `fit`/`evaluate` for the classic mistakes.

    Args:
        model: The model being trained or evaluated.
        state: Its compiled state (heads built, `guards_enabled` set).
        batch: The first batch, on the device.
        y_pred: The model's outputs for it.

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
        y, output = _pick(batch.y, head.key), _pick(y_pred, head.key)
        if head.loss is None or not isinstance(y, torch.Tensor) or not isinstance(output, torch.Tensor):
            continue
        expectation = _expectation(head.loss, y)
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
    for message in findings:
        warnings.warn(message, GuardWarning, stacklevel=_FIRST_BATCH_STACKLEVEL)


def _pick(structure: Any, key: Any) -> Any:
    if structure is None or key is None:
        return structure
    try:
        return structure[key]
    except (KeyError, IndexError, TypeError):
        return None


def _check_head(
    expectation: _Expectation, y: torch.Tensor, output: torch.Tensor, activation: str | None
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


def _host(*values: torch.Tensor) -> list[float]:
    """Read several scalars back in one transfer."""
    return torch.stack([v.reshape(()).to(torch.float64) for v in values]).tolist()


def _check_sparse_labels(expectation: _Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
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
    low, high, fractional = _host(labels.min(), labels.max(), fractional)
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


def _check_categorical_labels(expectation: _Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
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
    low, high = _host(y.min(), y.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"{name} expects one-hot (or soft) labels in [0, 1], but the labels range from {low:g} "
            f"to {high:g}. Fix: one-hot encode class indices, or rescale the targets to [0, 1]."
        )


def _check_binary_labels(expectation: _Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
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
    low, high = _host(y.min(), y.max())
    if low < 0 or high > 1:
        raise ValueError(
            f"{name} expects targets in [0, 1], but the labels range from {low:g} to {high:g}. "
            "Fix: map -1/+1 labels with `(y + 1) / 2`; for class indices of more than two classes "
            "use SparseCategoricalCrossentropy with one output unit per class."
        )


def _check_same_shape(expectation: _Expectation, y: torch.Tensor, output: torch.Tensor) -> None:
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


def _logits_findings(expectation: _Expectation, output: torch.Tensor, activation: str | None) -> list[str]:
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
    low, high, sum_low, sum_high = _host(output.min(), output.max(), sums.min(), sums.max())
    if low < 0 or high > 1:
        return False
    if kind == "binary":
        return True
    return output.shape[-1] > 1 and max(abs(sum_low - 1), abs(sum_high - 1)) <= PROBABILITY_TOLERANCE


def _check_probabilities(expectation: _Expectation, output: torch.Tensor, activation: str | None) -> None:
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
    low, high, sum_low, sum_high = _host(output.min(), output.max(), sums.min(), sums.max())
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
    elif isinstance(module, Model) and type(module).forward is Model.forward and "module" in module._modules:
        children = [module.module]
    else:
        return None  # a custom forward: the order of its layers is unknown
    for child in reversed(children):
        if not isinstance(child, _PASS_THROUGH):
            return _last_activation(child)
    return None


def _first_layer(module: nn.Module) -> nn.Module | None:
    from fitwell.model import Model
    from fitwell.sequential import Sequential

    if isinstance(module, Sequential):
        return _first_layer(module.layers[0]) if len(module.layers) else None
    if isinstance(module, nn.Sequential):
        return _first_layer(module[0]) if len(module) else None
    if isinstance(module, Model) and "module" in module._modules:
        return _first_layer(module.module)
    return module


def _input_findings(model: nn.Module, x: Any) -> list[str]:
    first = _first_layer(model)
    if isinstance(first, _NORMALIZING) or type(first).__name__ in ("Rescaling", "Normalization"):
        return []  # the model scales its own inputs
    tensors = list(x.values()) if isinstance(x, dict) else list(x) if isinstance(x, tuple | list) else [x]
    tensors = [
        t
        for t in tensors
        if isinstance(t, torch.Tensor) and (t.is_floating_point() or t.dtype == torch.uint8)
    ]
    if not tensors or not any(t.numel() for t in tensors):
        return []
    largest = max(_host(*(t.abs().max() for t in tensors if t.numel())))
    if largest <= UNSCALED_INPUT_LIMIT:
        return []
    return [
        f"The inputs look unscaled: the first batch holds values up to {largest:g} in magnitude (raw "
        f"0-255 pixels, prices, counts...). Networks train best on inputs of order 1; expected "
        f"magnitudes up to about {UNSCALED_INPUT_LIMIT:g}. Fix: scale them, e.g. `x / 255.0` for "
        "images, or standardise each feature with the training set's mean and standard deviation "
        "(`(x - mean) / std`)."
    ]


# -- whole label arrays (called from fit) ---------------------------------------------------------
def check_class_balance(state: CompiledState, y: Any, *, sample_weight: Any = None) -> None:
    """Warn when the training labels are heavily imbalanced and nothing weights them.

    Runs once per `fit`, on all training labels, for a single-output model
    whose loss is a cross-entropy (or a torch `CrossEntropyLoss`/`BCE*`).
    Multi-label targets are not checked.

    Args:
        state: The compiled state (heads built, `guards_enabled` set).
        y: All training labels (a tensor or array); structures are skipped.
        sample_weight: The training sample weights (from `sample_weight` or
            `class_weight`); when given, the user already weights samples
            and nothing is checked.

    Example:
        guards.check_class_balance(state, train_labels)  # GuardWarning at 10:1 or more
    """
    if not state.guards_enabled or sample_weight is not None or len(state.heads) != 1:
        return
    head = state.heads[0]
    if head.loss is None or y is None or isinstance(y, dict | tuple | list):
        return
    y = torch.as_tensor(np.asarray(y) if not isinstance(y, torch.Tensor) else y)
    expectation = _expectation(head.loss, y)
    if expectation is None or expectation.kind == "elementwise" or y.numel() == 0:
        return
    classes = _class_indices(expectation, y)
    if classes is None or classes.numel() == 0 or classes.min() < 0:
        return
    counts = torch.bincount(classes).tolist()
    present = {label: count for label, count in enumerate(counts) if count}
    if len(present) < 2 or max(present.values()) < IMBALANCE_RATIO * min(present.values()):
        return
    warnings.warn(_imbalance_message(present), GuardWarning, stacklevel=_FIT_STACKLEVEL)


def _class_indices(expectation: _Expectation, y: torch.Tensor) -> torch.Tensor | None:
    if expectation.kind == "sparse":
        labels = y.reshape(-1)
        if expectation.ignore_class is not None:
            labels = labels[labels != expectation.ignore_class]
        return labels.long()
    if expectation.kind == "categorical":
        if y.dim() < 2:
            return None
        y = y.movedim(expectation.axis, -1)
        return y.reshape(-1, y.shape[-1]).argmax(dim=-1)
    if y.numel() != y.shape[0]:
        return None  # several binary targets per sample: per-label balance is not checked
    return (y.reshape(-1) > 0.5).long()


def _imbalance_message(present: dict[int, int]) -> str:
    total, kinds = sum(present.values()), len(present)
    largest = max(present, key=present.__getitem__)
    smallest = min(present, key=present.__getitem__)
    ratio = present[largest] / present[smallest]
    weights = {label: round(total / (kinds * count), 3) for label, count in sorted(present.items())}
    shown = weights if kinds <= 10 else "{class: n_samples / (n_classes * count), ...}"
    return (
        f"The training labels are heavily imbalanced: class {largest} has {present[largest]} samples and "
        f"class {smallest} only {present[smallest]} ({ratio:.0f}:1). Always predicting class {largest} "
        f"already scores {present[largest] / total:.0%} accuracy. Expected classes within "
        f"{IMBALANCE_RATIO:g}:1 of each other, or weights that balance them. Fix: pass "
        f"class_weight={shown} to fit() (n_samples / (n_classes * count)), or resample the data; "
        "and judge the model with Precision, Recall or AUC rather than accuracy."
    )


def check_validation_split(y_train: Any, y_val: Any, *, enabled: bool = True) -> None:
    """Warn when `validation_split` took a validation tail that training never sees the classes of.

    `validation_split` holds out the *last* samples before any shuffling,
    so data sorted by label leaves whole classes out of training. Warns
    when the validation part holds class labels the training part lacks,
    or when the labels come grouped by class (each class one contiguous
    block) so the two parts hold different classes.

    Args:
        y_train: The labels kept for training (an array or tensor; integer
            class indices, or one-hot rows). Other structures are skipped.
        y_val: The labels held out for validation.
        enabled: `False` (from `compile(guards=False)`) skips the check.

    Example:
        >>> import warnings
        >>> y = np.repeat([0, 1, 2], 10)  # sorted by label
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     check_validation_split(y[:24], y[24:])
        >>> "shuffle" in str(caught[0].message)
        True
    """
    if not enabled or y_train is None or y_val is None:
        return
    train, val = _discrete_labels(y_train), _discrete_labels(y_val)
    if train is None or val is None or not len(train) or not len(val):
        return
    every = np.concatenate([train, val])
    classes = np.unique(every)
    if len(classes) < 2 or len(classes) > len(every) // 2:
        return  # one class, or values too varied to be class labels
    train_classes, val_classes = set(np.unique(train).tolist()), set(np.unique(val).tolist())
    unseen = sorted(val_classes - train_classes)
    blocks = int(np.count_nonzero(every[1:] != every[:-1])) + 1
    grouped = blocks == len(classes) and val_classes != train_classes
    if not unseen and not grouped:
        return
    found = (
        f"the validation part (the last {len(val)} samples) holds classes {unseen} that the training "
        f"part never sees"
        if unseen
        else f"the labels come grouped by class, so training sees classes {sorted(train_classes)} and "
        f"validation classes {sorted(val_classes)}"
    )
    warnings.warn(
        f"validation_split takes the last samples before shuffling, and {found}: the data looks "
        "sorted by label. Expected both parts to hold the same classes. Fix: shuffle the data once "
        "before fit() (e.g. `order = np.random.permutation(len(x)); x, y = x[order], y[order]`), or "
        "pass validation_data= explicitly.",
        GuardWarning,
        stacklevel=_FIT_STACKLEVEL,
    )


def _discrete_labels(y: Any) -> np.ndarray | None:
    if isinstance(y, dict | tuple | list):
        return None
    if isinstance(y, torch.Tensor):
        y = y.detach().cpu().numpy()
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        return None
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2 and y.shape[1] > 1 and np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
        y = y.argmax(axis=1)  # one-hot rows
    if y.ndim != 1:
        return None
    if y.dtype.kind == "f" and not np.all(y == np.round(y)):
        return None  # continuous targets
    return y.astype(np.int64)
