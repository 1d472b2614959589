"""One column's name read as Keras's: `train_loss` → `loss`, `Valid Loss` → `val_loss`.

Logs written by hand-made PyTorch loops, fastai or pandas name the same curves differently
(`Epoch`, `train_loss`, `Training Loss`, `valid_acc`, `validation_loss`). Here a name alone is
read: the case lowered and words joined with `_`; the training prefix (`train_`, `training_`,
`trn_`) dropped and a validation prefix (`valid_`, `validation_`, `val_`, a development set's
`dev_`, an evaluation's `eval_`) made Keras's `val_` (the set named after the curve, `loss_train`,
`acc_val`, `loss_test`, counts as the same prefix); words written together (`TrainLoss`,
`ValLoss`) read apart; a loop's plural list names (`train_losses`, `val_accs`) and an epoch's mean
(`avg_loss`) read as the curve. What a log's columns mean together (which one is the loss when
none is named so, a prefix they all share, a test set standing in for the validation) is decided
in `column_renames.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "HELD_OUT_WORDS",
    "LEARNING_RATE_KEYS",
    "LOSS_MEASURES",
    "SET_NAMES",
    "SET_PREFIXES",
    "SET_WORDS",
    "TRAIN_PREFIXES",
    "VAL_PREFIXES",
    "bare_set_losses",
    "is_loss_measure",
    "keras_name",
    "measure_named",
    "name_words",
    "unaveraged",
]

_EPOCH = (
    "epoch",
    "epochs",
    "epoch#",
    "epoch_no",
    "epoch_num",
    "epoch_number",
    "epoch_idx",
    "current_epoch",
    "epoch_one_based",
    "epoch_1_based",
)
#: The word `epoch` before a curve's name, which says that the curve is per epoch.
_EPOCH_WORD = re.compile(r"(?:^|(?<=_))epoch_(?=[a-z])(?!(?:zero|one)_based$)")
TRAIN_PREFIXES = ("training_", "train_", "trn_")
#: Keras's names for the learning rate (Keras 2 logged `lr`).
LEARNING_RATE_KEYS = ("learning_rate", "lr")
VAL_PREFIXES = ("validation_", "validate_", "valid_", "val_", "dev_", "eval_")
_MEAN_PREFIXES = ("avg_", "mean_", "average_")
SET_NAMES = (*TRAIN_PREFIXES, *VAL_PREFIXES, "test_")
#: The words that name a set, as a whole key or a key's first word (`val`, `val_metrics`,
#: `validate_history`): what nests a set's curves rather than a training phase's.
SET_WORDS = frozenset({*(prefix.removesuffix("_") for prefix in SET_NAMES), "validate"})
#: Held-out sets' names spelled out, which name a set's curves nested or prefixed beside the
#: training set's (`training` and `testing`), though no prefix of Keras's.
HELD_OUT_WORDS = frozenset({"testing", "holdout", "heldout", "evaluation"})
_SINGULAR = {
    "losses": "loss",
    "accs": "acc",
    "accuracies": "accuracy",
    "learning_rates": "learning_rate",
    "lrs": "lr",
}
#: What a loss column may be named after when no column is named a loss, in the order losses are
#: usually chosen: of several such columns (`bce` and `rmse`; `mse` and `mae`), the first is the
#: loss and the others are metrics.
LOSS_MEASURES = (
    "bce",
    "ce",
    "mean_ce",
    "nll",
    "cross_entropy",
    "crossentropy",
    "log_loss",  # scikit-learn's and Kaggle's name for the cross-entropy
    "logloss",
    "mse",
    "mean_squared_error",
    "mae",
    "mean_absolute_error",
    "l1",  # an L1 (absolute error) loss, as image restoration logs it
    "rmse",
    "error",
)
#: Words written without a separator (`TrainLoss`, `ValAcc`; the sets abbreviated, `TrAcc`, `VaAcc`).
_GLUED = {
    f"{prefix}{curve}": f"{target}{curve}"
    for prefix, target in (
        ("train", ""),
        ("val", "val_"),
        ("valid", "val_"),
        ("test", "test_"),
        ("tr", ""),
        ("va", "val_"),
    )
    for curve in ("loss", "acc", "accuracy")
}
#: Names that one logger gives its columns, read as Keras's: Ultralytics' `results.csv` (its
#: `metrics/` are measured on the validation set; `lr/pg0` is the first parameter group's rate).
_LOGGER_NAMES = {"metrics/accuracy_top1": "val_accuracy", "lr/pg0": "learning_rate"}
#: PyTorch Lightning's `LearningRateMonitor`: `lr-<optimizer>` (`lr-SGD`, `lr-AdamW`), or its
#: first parameter group's (`lr-Adam/pg1`, the groups counted from 1).
_LIGHTNING_RATE = re.compile(r"lr-[a-z]+(?:/pg1)?", re.IGNORECASE)


def name_words(name: str) -> str:
    """Lower-case words joined by `_`; `-`, `/`, spaces and a period between two words separate
    words (`train/box_loss`, Sacred's `Train.loss`); a word's abbreviating period is dropped
    (`Valid. Loss`), and so is a percent sign that names the unit (`Val Acc (%)`: the values say
    whether they are percentages); a set named in parentheses after the curve is a word of its own
    (`Loss (Training)` → `loss_training`)."""
    bare = _PERCENT_UNIT.sub("", name.strip().lower())
    bare = _SET_IN_PARENTHESES.sub(r" \1", bare)
    bare = _DOTTED.sub(" ", bare)
    spaced = re.sub(r"\.(?=\s|$)", " ", bare.replace("-", " ").replace("/", " "))
    return "_".join(spaced.split())


#: A set's name in parentheses after a curve's: `Loss (Validation)`, `accuracy(train)`.
_SET_IN_PARENTHESES = re.compile(r"\s*\((train|training|val|valid|validation|eval|test)\)$")
#: A period between two words, as Sacred's metric names join them (`Train.loss`, `validation.acc`).
_DOTTED = re.compile(r"(?<=[a-z])\.(?=[a-z])")
#: A unit after a name: `Val Acc (%)`, `accuracy [%]`, `acc%`.
_PERCENT_UNIT = re.compile(r"[\s_]*(?:\(%\)|\[%\]|%)$")
#: The names loggers give the sets, as the prefix of Keras's name for their curves: after the
#: curve (`loss_train`, `acc_val`) here, and in a column of their own (`table_layouts.py`).
SET_PREFIXES = {
    "train": "",
    "training": "",
    "val": "val_",
    "valid": "val_",
    "validation": "val_",
    "eval": "val_",
    "test": "test_",
}


def keras_name(name: str) -> str:
    """One column's Keras name, e.g. `"Train Loss"` → `"loss"`, `"Epoch"` → `"epoch"`,
    `"ValLoss"` → `"val_loss"`, `"avg_loss"` → `"loss"`, `"loss_val"` → `"val_loss"`,
    `"train/box_loss"` → `"box_loss"`, Chainer's `"validation/main/loss"` → `"val_loss"`."""
    if name.strip().lower() in _LOGGER_NAMES:
        return _LOGGER_NAMES[name.strip().lower()]
    if _LIGHTNING_RATE.fullmatch(name.strip()):
        return "learning_rate"
    name = _without_chainer_main(name)
    group, slash, rest = name.strip().lower().partition("/")
    if slash and group not in SET_PREFIXES and rest not in SET_PREFIXES:
        return name  # `metrics/mAP50(B)`, `lr/pg1`: named by a group other than a set
    # (A set after the curve, `Loss/train`, `Accuracy/test`, as PyTorch's tutorial tags them, is
    # the set named after the curve, as `loss_train` is.)
    return _keras_words(name)


def _without_chainer_main(name: str) -> str:
    """A name without Chainer's `main/`: its `LogReport` names a curve by the link that reported
    it, the model being trained `main` (`main/loss`, `main/accuracy`; a classifier wrapping a model
    of that name, `main/main/loss`), and its `Evaluator` puts the set before that
    (`validation/main/loss`). A link of another name (`TaskA/main/loss`) is left to name its own
    curve."""
    parts = name.strip().split("/")
    head = parts[:1] if len(parts) > 2 and parts[0].lower() in SET_PREFIXES else []
    rest = parts[len(head) :]
    while len(rest) > 1 and rest[0].lower() == "main":
        rest = rest[1:]
    if len(rest) != 1 or len(head) + len(rest) == len(parts):
        return name
    return "/".join(head + rest)


def _keras_words(name: str) -> str:
    words = _GLUED.get(name_words(name), name_words(name))
    if words in _EPOCH:
        return "epoch"
    words = words.removesuffix("_history")  # a loop's list named for what it holds: `loss_history`
    words = words.removesuffix("_per_epoch")  # or for its unit: `accuracy_per_epoch`
    words = _EPOCH_WORD.sub("", words)  # or with it: TensorBoard's `epoch_loss`, `train_epoch_loss`
    for prefix in _MEAN_PREFIXES:  # `Average training loss`, `avg_val_loss`: the set's own mean
        if words.startswith(prefix) and words[len(prefix) :].startswith(SET_NAMES):
            words = words[len(prefix) :]
    stem, _, set_name = words.rpartition("_")
    if stem and set_name in SET_PREFIXES and not words.startswith(("val_", "test_")):
        words = SET_PREFIXES[set_name] + stem
    for prefix in TRAIN_PREFIXES:
        if words.startswith(prefix) and len(words) > len(prefix):
            return unaveraged(words[len(prefix) :])
    for prefix in VAL_PREFIXES:
        if words.startswith(prefix) and len(words) > len(prefix):
            rest = words[len(prefix) :]
            # An evaluation of the set named `val` (Hugging Face's `eval_dataset={"val": ...}`
            # logs `eval_val_loss`): one validation set, not a set of a set.
            inner = next(
                (other for other in VAL_PREFIXES if rest.startswith(other) and len(rest) > len(other)), ""
            )
            return "val_" + unaveraged(rest[len(inner) :])
    return unaveraged(words)


def unaveraged(words: str) -> str:
    """`avg_loss`, `mean_loss`, `average_acc` → `loss`, `acc`: an epoch's value is its mean; and
    the plural names of a loop's lists (`losses`, `accs`, `accuracies`, `learning_rates`, `lrs`)
    → `loss`, `acc`, `accuracy`, `learning_rate`, `lr`."""
    words = _SINGULAR.get(words, words)
    for prefix in _MEAN_PREFIXES:
        rest = words[len(prefix) :]
        if words.startswith(prefix) and (rest == "loss" or rest.startswith("acc")):
            return rest
    return words


def bare_set_losses(names: Iterable[str]) -> dict[str, str]:
    """`{training: "loss", validation: "val_loss"}` for two curves named by their set alone (a loop's
    `losses = {"train": [], "val": []}`, `{"train": [...], "eval": [...]}`, a printed `train 0.52  val
    0.61`), else `{}`. Not beside a cost (a course's name for the loss, or an epoch's seconds): there
    the sets named alone are another measure's (`cost 2.31, train: 0.08, val 0.09`: the sets'
    accuracies, `fy_036`).

    Example:
        >>> bare_set_losses(["epoch", "Train", "valid", "lr"])
        {'Train': 'loss', 'valid': 'val_loss'}
        >>> bare_set_losses(["cost", "train", "val", "lr"])
        {}
    """
    bare = {name_words(name): name for name in names}
    if any(word.removeprefix("val_") == "cost" for word in bare):
        return {}
    training = next((bare[word] for word in ("train", "training") if word in bare), None)
    validation = next(
        (bare[word] for word in ("val", "valid", "validation", "eval", "evaluation") if word in bare), None
    )
    return {} if training is None or validation is None else {training: "loss", validation: "val_loss"}


def is_loss_measure(name: str) -> bool:
    """Whether a Keras-style name is named for what a loss measures (`mse`, `val_bce`, `error`)."""
    return measure_named(name.removeprefix("val_")) in LOSS_MEASURES


#: Words after an error that say how its values were scaled, not what they measure (`mae_norm`: an
#: absolute error on normalized targets, `fc_002`); after a norm's name (`l1_norm`, a weight norm)
#: they are what it is.
_SCALED = re.compile(r"^((?:val_)?(?:mae|mse|rmse|error))_(?:norm|normalized|normalised|scaled)$")


def measure_named(name: str) -> str:
    """The measure a name is named for, without a word saying how an error's values were scaled."""
    return _SCALED.sub(r"\1", name)
