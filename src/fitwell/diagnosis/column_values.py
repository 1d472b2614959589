"""Which columns of a log hold values: a list of nothing, a list of words (class names), and the
lists of per-sample labels and outputs or of per-step values saved beside the curves are no
curves."""

from __future__ import annotations

from collections.abc import Sized

from fitwell.diagnosis.column_names import name_words
from fitwell.diagnosis.table_cells import is_number
from fitwell.diagnosis.wording import joined

__all__ = ["is_number_list", "is_text_list", "with_values", "without_per_sample_or_step"]

#: The last word of a list that holds one entry per sample (the validation set's labels and the
#: model's outputs for them, saved beside the curves), not one per epoch.
_PER_SAMPLE_WORDS = (
    "label",
    "labels",
    "pred",
    "preds",
    "prediction",
    "predictions",
    "target",
    "targets",
    "true",
    "prob",
    "probs",
    "probabilities",
    "logits",
    "outputs",
)
#: The last word of a list that holds one entry per training step (`train_loss_steps`), saved
#: beside the per-epoch curves.
_PER_STEP_WORDS = ("step", "steps", "batch", "batches", "iter", "iters", "iteration", "iterations")


def with_values(columns: dict) -> dict:
    """The columns that hold values: an empty metric list (`"train_accuracy": []` of a loop that
    never filled it) and a list of words (`"classes": ["cat", "dog"]`) are left out, so that a note
    on the names speaks only of columns that are read. An empty loss is kept, for the error that
    says the run has no epochs.

    Example:
        >>> with_values({"train_loss": [0.5], "train_accuracy": [], "val_loss": []})
        {'train_loss': [0.5], 'val_loss': []}
    """
    return {
        key: value
        for key, value in columns.items()
        if not (_empty(value) or is_text_list(value)) or "loss" in str(key).lower()
    }


def without_per_sample_or_step(columns: dict) -> tuple[dict, str | None]:
    """The columns without lists of per-sample labels or outputs (`val_labels`, `val_preds`,
    `y_pred`) or of per-step values, where one of them sits beside the per-epoch curve of its
    name (`train_loss_steps` and `train_acc_steps` beside `train_loss`), saved beside the curves,
    and the note naming them (or None). Such a list is left out only when it is longer than every
    list not named so: one of their length is a per-epoch curve that happens to be named so, and a
    per-step list alone is the only training curve there is.

    Example:
        >>> saved = {"loss": [0.9, 0.5], "val_labels": [0, 1, 1], "val_preds": [0, 1, 0]}
        >>> columns, note = without_per_sample_or_step(saved)
        >>> columns
        {'loss': [0.9, 0.5]}
        >>> print(note)  # doctest: +NORMALIZE_WHITESPACE
        left out 'val_labels' and 'val_preds' (3 values each): per-sample labels or outputs,
        not per-epoch curves.
        >>> saved = {"train_loss": [0.9, 0.5], "train_loss_steps": [1.1, 0.8, 0.6, 0.4]}
        >>> print(without_per_sample_or_step(saved)[1])  # doctest: +NORMALIZE_WHITESPACE
        left out 'train_loss_steps' (4 values): per-step values, not per-epoch curves.
    """
    sized = {key: len(value) for key, value in columns.items() if _is_column(value)}
    named = {name_words(str(key)) for key in sized}
    stems = {key: name_words(str(key)).rpartition("_") for key in sized}
    stepped = [key for key, (_, _, last) in stems.items() if last in _PER_STEP_WORDS]
    # Per-step lists where one of them sits beside the per-epoch curve of its name.
    beside = any(stems[key][0].removesuffix("_per") in named for key in stepped)
    kinds = {}
    for key, (_, _, last) in stems.items():  # in the columns' order, for the note
        if last in _PER_SAMPLE_WORDS:
            kinds[key] = "per-sample labels or outputs"
        elif key in stepped and beside:
            kinds[key] = "per-step values"
    longest_curve = max((length for key, length in sized.items() if key not in kinds), default=0)
    dropped = [key for key in kinds if sized[key] > longest_curve > 0]
    if not dropped:
        return columns, None
    notes = []
    for kind in dict.fromkeys(kinds[key] for key in dropped):
        of_kind = [key for key in dropped if kinds[key] == kind]
        lengths = sorted({sized[key] for key in of_kind})
        each = " each" if len(of_kind) > 1 else ""
        count = f"{lengths[0]} values{each}" if len(lengths) == 1 else "more values"
        names = joined(repr(str(key)) for key in of_kind)
        notes.append(f"{names} ({count}): {kind}")
    note = "left out " + "; ".join(notes) + ", not per-epoch curves."
    return {key: value for key, value in columns.items() if key not in dropped}, note


def _is_column(values: object) -> bool:
    """Whether `values` is a column of values (a list, tuple or array), not a scalar or text."""
    return isinstance(values, Sized) and not isinstance(values, str | bytes | dict)


def is_text_list(values: object) -> bool:
    """Whether `values` is a list of words (`"classes": ["cat", "dog"]`), not a curve: numbers saved
    as strings (`json.dump(history, default=str)`: `["0.92", "0.61"]`) are a curve."""
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(value, str) and not _numeric_text(value) for value in values)
    )


def is_number_list(values: object) -> bool:
    """Whether `values` is a list of numbers (None for a missing one; not booleans).

    Example:
        >>> is_number_list([0.5, None, 1]), is_number_list([0.5, "0.4"]), is_number_list([True])
        (True, False, False)
    """
    return isinstance(values, list) and all(
        value is None or (isinstance(value, int | float) and not isinstance(value, bool)) for value in values
    )


def _numeric_text(text: str) -> bool:
    return is_number(text.strip())


def _empty(values: object) -> bool:
    """Whether `values` is a list (or another sized column) of nothing; a scalar beside the lists
    (`"best_epoch": 3`) is not."""
    return isinstance(values, Sized) and not isinstance(values, str) and len(values) == 0
