"""Guards on the whole training labels, run once per `fit`: class balance and a sorted `validation_split`."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from fitwell.guards.expectation import Expectation, GuardWarning, expectation_for

if TYPE_CHECKING:
    from fitwell.objectives import Objectives

__all__ = ["IMBALANCE_RATIO", "check_class_balance", "check_validation_split"]

#: Largest-to-smallest class count ratio from which the labels count as heavily imbalanced.
IMBALANCE_RATIO = 10.0

# warnings.warn → check_* → Model.fit → the user's line.
_FIT_STACKLEVEL = 3


def check_class_balance(state: Objectives, y: Any, *, sample_weight: Any = None) -> None:
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
    expectation = expectation_for(head.loss, y)
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


def _class_indices(expectation: Expectation, y: torch.Tensor) -> torch.Tensor | None:
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
