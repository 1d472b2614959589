"""Other loggers' column names, read as Keras's: `train_loss` → `loss`, `Valid Loss` → `val_loss`.

Logs written by hand-made PyTorch loops, fastai or pandas name the same curves differently
(`Epoch`, `train_loss`, `Training Loss`, `valid_acc`, `validation_loss`). A log that already has
a `loss` column is taken as Keras wrote it and only its epoch column is recognised (also pandas'
unnamed index column, written first by `DataFrame.to_csv`); otherwise the
training prefix (`train_`, `training_`, `trn_`) is dropped and a validation prefix (`valid_`,
`validation_`, `val_`) becomes Keras's `val_`, after lowering the case and joining words with `_`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["keras_name", "keras_named", "keras_names", "names_note"]

_EPOCH = ("epoch", "epochs", "epoch#", "epoch_no", "epoch_num")
_PANDAS_INDEX = ("", "unnamed:_0", "index")
_TRAIN_PREFIXES = ("training_", "train_", "trn_")
_VAL_PREFIXES = ("validation_", "valid_", "val_")


def _words(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def keras_name(name: str) -> str:
    """One column's Keras name, e.g. `"Train Loss"` → `"loss"`, `"Epoch"` → `"epoch"`."""
    words = _words(name)
    if words in _EPOCH:
        return "epoch"
    for prefix in _TRAIN_PREFIXES:
        if words.startswith(prefix) and len(words) > len(prefix):
            return words[len(prefix) :]
    for prefix in _VAL_PREFIXES:
        if words.startswith(prefix) and len(words) > len(prefix):
            return "val_" + words[len(prefix) :]
    return words


def keras_names(names: Iterable[str]) -> dict[str, str]:
    """The renames that give a log's columns Keras's names (only the names that change).

    Example:
        >>> keras_names(["Epoch", "Train Loss", "Val Loss", "Learning Rate"])
        {'Epoch': 'epoch', 'Train Loss': 'loss', 'Val Loss': 'val_loss', 'Learning Rate': 'learning_rate'}
        >>> keras_names(["epoch", "train_loss", "valid_loss", "train_acc", "valid_acc"])
        {'train_loss': 'loss', 'valid_loss': 'val_loss', 'train_acc': 'acc', 'valid_acc': 'val_acc'}
        >>> keras_names(["Epoch", "loss", "train_time"])  # Keras's own names: only the epoch
        {'Epoch': 'epoch'}
        >>> keras_names(["", "loss", "val_loss"])  # pandas' unnamed index column
        {'': 'epoch'}
    """
    names = list(names)
    keras_style = "loss" in names
    taken = set(names)
    renames: dict[str, str] = {}
    has_epoch = any(keras_name(name) == "epoch" for name in names)
    if names and not has_epoch and _words(names[0]) in _PANDAS_INDEX:
        renames[names[0]] = "epoch"  # pandas' to_csv writes the row index first, unnamed
        taken.add("epoch")
        names = names[1:]
    for name in names:
        target = keras_name(name)
        if keras_style and target != "epoch":
            continue
        if target != name and target not in taken:
            renames[name] = target
            taken.add(target)
    return renames


def names_note(renames: dict[str, str]) -> str | None:
    """The note that tells the user which columns were read under Keras's names."""
    shown = {old: new for old, new in renames.items() if new in ("loss", "val_loss") or "acc" in new}
    if not shown:
        return None
    pairs = ", ".join(f"{old!r} as {new!r}" for old, new in shown.items())
    return f"read the columns {pairs} (Keras's names)."


def keras_named(columns: dict) -> tuple[dict[str, object], str | None]:
    """A mapping of columns under Keras's names, and the note saying which were renamed (or None).

    Example:
        >>> keras_named({"train_loss": [1.0], "valid_loss": [1.1]})[0]
        {'loss': [1.0], 'val_loss': [1.1]}
    """
    renames = keras_names(str(key) for key in columns)
    return {renames.get(str(key), str(key)): value for key, value in columns.items()}, names_note(renames)
