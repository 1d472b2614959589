"""A log's columns renamed as Keras's, read together: which is the loss, which the validation's.

`column_names.py` reads each name alone; here the names of one log decide together. A log that
already has a `loss` column is taken as Keras wrote it and only its epoch column is recognised
(also pandas' unnamed index column, written first by `DataFrame.to_csv`); a prefix that every
column shares (`phase1_loss`, `phase1_val_loss`) is dropped; a total of logged loss parts
(`train_loss_total` beside `train_loss_ce`) is the loss (and the validation set's,
`val_total_loss`, the validation loss), so is the one training column named after a loss
(`dice_loss`); without a column named a loss, one named for what a loss measures (`error`, `Mean
Squared Error`, `val_mean_ce`, `train_l1`) is it (of several, `bce` before `rmse`, `mse` before
`mae`: the measure losses are usually made of); the sets abbreviated (`tr_loss`, `va_loss`) are
spelled out; and a test set evaluated every epoch (`test_loss`, `test_acc`) is the validation when
there is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fitwell.diagnosis.adversarial import is_adversarial, is_network_loss
from fitwell.diagnosis.column_names import (
    HELD_OUT_WORDS,
    LOSS_MEASURES,
    TRAIN_PREFIXES,
    VAL_PREFIXES,
    bare_set_losses,
    is_loss_measure,
    keras_name,
    measure_named,
    name_words,
    unaveraged,
)
from fitwell.diagnosis.metric_names import is_accuracy
from fitwell.diagnosis.vae_terms import elbo_terms

__all__ = ["keras_names", "names_note", "sets_spelled_out"]

_PANDAS_INDEX = ("", "unnamed:_0", "index")
#: An epoch's statistics of its batch losses (`loss_mean` beside `loss_min`, `loss_max`): the mean
#: is the loss Keras reports.
_LOSS_MEANS = ("loss_mean", "loss_avg", "loss_average")
_LOSS_SPREAD = ("loss_min", "loss_max", "loss_median", "loss_std", "loss_first", "loss_last")
#: A total of logged loss parts (`L_total`, as a paper writes it beside `L_recon`, `L_kd`); `_avg`/`_mean`
#: name it as the epoch's mean (`loss_total_avg`).
_TOTAL_BASES = ("loss_total", "total_loss", "l_total")
_TOTAL_MEANS = ("", "_avg", "_mean")
#: In order of preference: a plain total before an epoch's mean of it.
_TOTAL_LOSS = tuple(f"{base}{mean}" for mean in _TOTAL_MEANS for base in _TOTAL_BASES)
#: The held-out sets whose curves are the validation's where no validation set is logged.
_HELD_OUT_NAMED = ("test", *sorted(HELD_OUT_WORDS))


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
        >>> keras_names(["phase1_loss", "phase1_val_loss"])  # a prefix every column shares
        {'phase1_loss': 'loss', 'phase1_val_loss': 'val_loss'}
        >>> keras_names(["epoch", "train_loss_total", "train_loss_ce", "val_loss"])
        {'train_loss_total': 'loss', 'train_loss_ce': 'loss_ce'}
        >>> keras_names(["epoch", "train_total_loss", "val_total_loss", "val_rpn_loss"])
        {'train_total_loss': 'loss', 'val_total_loss': 'val_loss'}
        >>> keras_names(["train_nll", "test_nll", "test_r2"])  # a test set evaluated every epoch
        {'train_nll': 'loss', 'test_nll': 'val_loss', 'test_r2': 'val_r2'}
        >>> keras_names(["epoch", "dice_loss", "iou_score", "val_dice_loss"])  # one loss, named
        {'dice_loss': 'loss', 'val_dice_loss': 'val_loss'}
        >>> keras_names(["epoch", "accuracy", "error"])  # named for what it measures
        {'error': 'loss'}
        >>> keras_names(["epoch", "train", "val", "psnr"])  # a loop's dict of two loss lists
        {'train': 'loss', 'val': 'val_loss'}
        >>> keras_names(["bce", "rmse", "val_bce", "val_rmse"])  # two measures: the usual loss first
        {'bce': 'loss', 'val_bce': 'val_loss'}
        >>> keras_names(["epoch", "train_loss", "val_top1", "val_mean_ce"])  # named for its measure
        {'train_loss': 'loss', 'val_mean_ce': 'val_loss'}
        >>> keras_names(["epoch", "train_loss", "val_log_loss"])
        {'train_loss': 'loss', 'val_log_loss': 'val_loss'}
        >>> keras_names(["Epoch", "TrainLoss", "ValLoss"])
        {'Epoch': 'epoch', 'TrainLoss': 'loss', 'ValLoss': 'val_loss'}
        >>> keras_names(["epoch", "train_loss", "dev_loss", "eval_accuracy"])  # other names for it
        {'train_loss': 'loss', 'dev_loss': 'val_loss', 'eval_accuracy': 'val_accuracy'}
        >>> keras_names(["epoch", "train_loss", "test_loss", "test_acc"])  # no validation set
        {'train_loss': 'loss', 'test_loss': 'val_loss', 'test_acc': 'val_acc'}
        >>> keras_names(["train_losses", "val_losses", "learning_rates"])  # a loop's lists
        {'train_losses': 'loss', 'val_losses': 'val_loss', 'learning_rates': 'learning_rate'}
        >>> keras_names(["epoch", "loss", "train_acc", "val_acc"])  # a metric's training twin
        {'train_acc': 'acc'}
        >>> keras_names(["epoch", "train_loss", "loss", "miou"])  # an evaluation's `loss` beside it
        {'loss': 'val_loss', 'train_loss': 'loss'}
        >>> keras_names(["epoch", "train_loss", "top1_acc", "cross_entropy"])  # or its measure
        {'cross_entropy': 'val_loss', 'train_loss': 'loss'}
        >>> keras_names(["total", "keypoint", "val_total", "val_keypoint"])  # a multi-task total
        {'total': 'loss', 'val_total': 'val_loss'}
        >>> keras_names(["Epoch", "total", "pde", "ic", "bc"])  # the total of a loss's parts
        {'Epoch': 'epoch', 'total': 'loss'}
        >>> keras_names(["epoch", "correct", "total", "accuracy"])  # a count of samples: no loss
        {}
        >>> keras_names(["loss_history", "val_loss_history"])  # a loop's lists of them
        {'loss_history': 'loss', 'val_loss_history': 'val_loss'}
        >>> keras_names(["loss_train", "loss_val", "acc_train", "acc_val"])  # the set named after
        {'loss_train': 'loss', 'loss_val': 'val_loss', 'acc_train': 'acc', 'acc_val': 'val_acc'}
        >>> keras_names(["epoch", "loss", "validation_mae", "validation_macro_f1"])  # Keras's loss
        {'validation_mae': 'val_mae', 'validation_macro_f1': 'val_macro_f1'}
        >>> keras_names(["epoch", "tr_loss", "tr_acc", "va_loss", "va_acc"])  # the sets abbreviated
        {'tr_loss': 'loss', 'tr_acc': 'acc', 'va_loss': 'val_loss', 'va_acc': 'val_acc'}
    """
    names = list(names)
    spelled = sets_spelled_out(names)
    if spelled:
        inner = keras_names([spelled.get(name, name) for name in names])
        targets = {name: inner.get(spelled.get(name, name), spelled.get(name, name)) for name in names}
        return {name: target for name, target in targets.items() if target != name}
    evaluated = _loss_beside_training_loss(names)
    keras_style = "loss" in names and not evaluated
    taken = set(names)
    renames: dict[str, str] = {}
    if evaluated:  # an evaluation's dict (`loss`, metrics) merged with the loop's `train_loss`
        renames[evaluated] = "val_loss"
        taken = (taken - {evaluated}) | {"val_loss"}
    has_epoch = any(keras_name(name) == "epoch" for name in names)
    if names and not has_epoch and name_words(names[0]) in _PANDAS_INDEX:
        renames[names[0]] = "epoch"  # pandas' to_csv writes the row index first, unnamed
        taken.add("epoch")
        names = names[1:]
    if not keras_style:
        names = _without_shared_prefix(names, renames, taken)
    for name in names:
        target = keras_name(name)
        if keras_style and target != "epoch" and not _training_twin(name, target, taken):
            if not _validation_spelled_out(name, target):
                continue
        if target != name and target not in taken:
            renames[name] = target
            taken.add(target)
    if not keras_style:
        _losses_named_otherwise(names, renames, taken)
    if not any(renames.get(name, name).startswith("val_") for name in names):
        for name in names:  # evaluated on the test set each epoch, and no validation set
            target = keras_name(name)
            held_out = next((f"{word}_" for word in _HELD_OUT_NAMED if target.startswith(f"{word}_")), None)
            if held_out is not None and len(target) > len(held_out):
                # `test_losses`, `testing_loss`, `holdout_acc`
                renames[name] = "val_" + unaveraged(target[len(held_out) :])
                taken.add(renames[name])
        if not keras_style:
            _validation_measure(names, renames, taken)  # `train_nll` beside `test_nll`
    return renames


_ABBREVIATED_SETS = {"tr_": "train_", "va_": "val_", "vl_": "val_", "t_": "train_", "v_": "val_"}
#: The training set's abbreviation and the validation set's that go with it.
_ABBREVIATED_PAIRS = (("tr_", ("va_", "vl_")), ("t_", ("v_",)))


def sets_spelled_out(names: list[str]) -> dict[str, str]:
    """`tr_loss` and `va_loss` (or `vl_loss`; or `t_loss` and `v_loss`, `ff_009`) spelled out as
    `train_loss` and `val_loss` (`dk_005`, `ds_015`), with every other name that begins with that
    training or validation prefix: read so only where both losses stand and no `loss` or
    `val_loss` beside them (alone, `va_loss` may be a valence-arousal head's loss; beside a `loss`,
    the two are its parts); the one-letter pair also only where no other column is named a loss
    (`t_loss`, `v_loss` and `a_loss`: a text, a vision and an audio head's). Without a validation
    loss, the two-letter pair is read so where the training loss stands beside another curve under
    both prefixes (`tr_loss`, `tr_acc`, `va_acc`: `fz_066`): the pair names the two sets."""
    words = {name: name_words(name) for name in names}
    for training, validations in _ABBREVIATED_PAIRS:
        validation = next((prefix for prefix in validations if f"{prefix}loss" in words.values()), None)
        if validation is None and len(training) > 2:
            validation = next(
                (prefix for prefix in validations if _paired(set(words.values()), training, prefix)), None
            )
        if f"{training}loss" not in words.values() or validation is None:
            continue
        if any(keras_name(name) in ("loss", "val_loss") for name in names):
            return {}  # beside a loss of its own (`loss` = `tr_loss` + `va_loss`), they are its parts
        others = [word for word in words.values() if not word.startswith((training, validation))]
        if len(training) == 2 and any(keras_name(word).endswith("loss") for word in others):
            return {}  # `t_loss`, `v_loss` beside `a_loss` or a `total_loss`: a text and a vision head's
        return {
            name: _ABBREVIATED_SETS[prefix] + word[len(prefix) :]
            for name, word in words.items()
            for prefix in (training, validation)
            if word.startswith(prefix)
        }
    return {}


def _paired(words: set[str], training: str, validation: str) -> bool:
    """Whether a curve other than the loss stands under both sets' prefixes (`tr_acc`, `va_acc`)."""
    return any(
        word.startswith(training)
        and word != f"{training}loss"
        and validation + word[len(training) :] in words
        for word in words
    )


def _validation_spelled_out(name: str, target: str) -> bool:
    """Whether `name` is a validation metric under a longer prefix than Keras's (`validation_mae`,
    `valid_f1`) beside Keras's own `loss`: a loop's log that named its training loss as Keras does."""
    return target.startswith("val_") and not name.startswith("val_") and name.lower().startswith(VAL_PREFIXES)


def _loss_beside_training_loss(names: list[str]) -> str | None:
    """The bare `loss` that stands beside a training loss under a training prefix (`train_loss`)
    and no validation loss, or else the one bare measure a loss is made of there (`cross_entropy`,
    `nll`): the bare one is the other set's, an evaluation's result merged into the loop's record
    (`{"epoch": 3, "train_loss": 0.86, "loss": 0.76, "miou": 0.79}`; `gk_014`: `train_loss`,
    `cross_entropy`, `top1_acc`), the measure only where no name is the validation set's (beside
    `val_mae`, a bare `mae` is the training set's); else None."""
    training = any(name.lower().startswith(TRAIN_PREFIXES) and keras_name(name) == "loss" for name in names)
    if not training or any(keras_name(name) == "val_loss" for name in names):
        return None
    if "loss" in names:
        return "loss"
    if any(keras_name(name).startswith(("val_", "test_")) for name in names):
        return None  # the validation set has names of its own: a bare measure is the training's
    measures = [name for name in names if name in _CROSS_ENTROPIES]
    return measures[0] if len(measures) == 1 else None


#: The names of a whole classification loss (not a part of one, as `bce` beside `dice` is).
_CROSS_ENTROPIES = ("cross_entropy", "crossentropy", "nll", "log_loss", "logloss")


def _val_totals(total: str) -> tuple[str, ...]:
    """The validation set's names of the total `total` names, either word first, of the same kind
    (a sum, or an epoch's mean of it).

    Example:
        >>> _val_totals("loss_total_avg")
        ('val_loss_total_avg', 'val_total_loss_avg', 'val_l_total_avg')
    """
    mean = next(total.removeprefix(base) for base in _TOTAL_BASES if total.startswith(base))
    return tuple(f"val_{base}{mean}" for base in _TOTAL_BASES)


def _losses_named_otherwise(names: list[str], renames: dict[str, str], taken: set[str]) -> None:
    """In a log without a `loss` column, find the loss (and the validation loss) under the other
    names loggers give them, adding to `renames` and `taken`."""
    if "loss" not in taken:
        # Only parts of the loss logged, and their total (`train_loss_total`): the plain total
        # before an epoch's mean of it (`loss_total_avg`), and the validation set's total of the
        # same kind beside it (`val_loss_total`), never a sum beside a mean.
        total = next(
            ((name, kind) for kind in _TOTAL_LOSS for name in names if renames.get(name, name) == kind),
            None,
        )
        if total is not None:
            renames[total[0]] = "loss"
            taken.add("loss")
            for name in names:
                if "val_loss" not in taken and renames.get(name, name) in _val_totals(total[1]):
                    renames[name] = "val_loss"
                    taken.add("val_loss")
    if "loss" not in taken:
        _mean_of_batch_losses(names, renames, taken)
    if "loss" not in taken:
        _one_named_loss(names, renames, taken)
    kept = {renames.get(n, n) for n in names}
    if "loss" not in taken and "total" in kept and ("val_total" in kept or not _counts_answers(kept)):
        # The parts of a loss and their `total`, for the training set (`total,pde,ic,bc`: a
        # physics-informed network's) and the validation set's `val_total` beside it; not a count
        # of samples beside the right answers (`correct,total,accuracy`).
        for name in names:
            if renames.get(name, name) in ("total", "val_total"):
                renames[name] = renames.get(name, name).replace("total", "loss")
                taken.add(renames[name])
    _validation_measure(names, renames, taken)


def _mean_of_batch_losses(names: list[str], renames: dict[str, str], taken: set[str]) -> None:
    """An epoch's mean batch loss (`loss_mean`) beside other statistics of its batch losses
    (`loss_min`, `loss_max`, `loss_median`) is the loss: the one Keras reports; its `val_` twin
    the validation loss. Not beside another loss (`dice_loss`)."""
    words = {name_words(name): name for name in names}
    mean = next((word for word in _LOSS_MEANS if word in words), None)
    family = {*_LOSS_MEANS, *_LOSS_SPREAD}
    others = [word for word in words if "loss" in word and word.removeprefix("val_") not in family]
    if mean is None or others or not any(word in words for word in _LOSS_SPREAD):
        return  # (beside a `dice_loss`, the statistics may be another loss's)
    renames[words[mean]] = "loss"
    taken.add("loss")
    if f"val_{mean}" in words and "val_loss" not in taken:
        renames[words[f"val_{mean}"]] = "val_loss"
        taken.add("val_loss")


def _counts_answers(names: set[str]) -> bool:
    """Whether the columns count right answers (`correct`, an accuracy): a `total` beside them is the
    number of samples, not a loss."""
    return any(name.removeprefix("val_") in ("correct", "right") or is_accuracy(name) for name in names)


def _validation_measure(names: list[str], renames: dict[str, str], taken: set[str]) -> None:
    """The validation loss logged under what it measures (`val_mean_ce`, `val_nll`), when the loss
    is known and it is the only validation column named so. Not a root mean squared error: no
    loss is trained on a root (its square is), and beside a loss named otherwise it is in other
    units (`pinn_val_rmse` at 17.7 beside a training loss of 74, a mean squared error and a physics
    term), where an absolute error may be the loss itself (an L1 loss)."""
    if "loss" in taken and "val_loss" not in taken:
        measured = [name for name in names if is_loss_measure(renames.get(name, name))]
        validation = [name for name in measured if renames.get(name, name).startswith("val_")]
        if len(validation) == 1 and renames.get(validation[0], validation[0]) != "val_rmse":
            renames[validation[0]] = "val_loss"
            taken.add("val_loss")


def _training_twin(name: str, target: str, names: set[str]) -> bool:
    """Whether `name` is a training metric under a training prefix beside its validation twin
    (`train_acc` beside `val_acc` in a log whose loss is `loss`): they pair as `acc`/`val_acc`."""
    return name.lower().startswith(TRAIN_PREFIXES) and f"val_{target}" in names


def _one_named_loss(names: list[str], renames: dict[str, str], taken: set[str]) -> None:
    """The only training column named after a loss (`dice_loss`, `bce_loss`; else `loss_x`) is the
    loss, and its `val_` twin the validation loss; without one, the only column named for what a loss
    measures (`error`, `mse`, `Mean Squared Error`), or the one such measure of a named target under
    a training prefix beside its validation twin (`train_rul_mse`, `val_rul_mse`), or a pair of
    lists named `train` and `val` (a loop's `losses = {"train": [], "val": []}`)."""
    if elbo_terms(renames.get(name, name) for name in names):
        return  # a VAE's two terms: its loss is their sum (`loss_parts.py`), not `recon_loss` alone
    if is_adversarial(name for name in names if "loss" in name.lower()):
        return  # a GAN's (`loss_gen`, `loss_dis` and InfoGAN's `loss_q`): refused by name
    named = [name for name in names if renames.get(name, name).endswith("_loss")]
    training = [name for name in named if not renames.get(name, name).startswith(("val_", "test_"))]
    if not training:  # the loss's word first: a tracker named `loss_x`
        named = [
            name
            for name in names
            if _LOSS_FIRST.fullmatch(renames.get(name, name).removeprefix("val_"))
            and not is_network_loss(name)
        ]
        training = [name for name in named if not renames.get(name, name).startswith(("val_", "test_"))]
    if not training:
        named = [name for name in names if is_loss_measure(renames.get(name, name))]
        training = [name for name in named if not renames.get(name, name).startswith("val_")]
        # Of several (`bce` and `rmse`), the one losses are usually made of: the rest are metrics.
        order = [LOSS_MEASURES.index(measure_named(renames.get(name, name))) for name in training]
        training = [name for _, name in sorted(zip(order, training, strict=True))][:1]
    if not training and not is_adversarial(names):  # a target's measure, training and validation
        named = [name for name in names if _measure_of_a_target(renames.get(name, name))]
        kept = {renames.get(name, name) for name in names}
        training = [
            name
            for name in named
            if name.lower().startswith(TRAIN_PREFIXES) and f"val_{renames.get(name, name)}" in kept
        ]
    if not training:
        losses = bare_set_losses(names)
        if losses and "val_loss" not in taken:
            renames.update(losses)
            taken.update(("loss", "val_loss"))
        return
    if len(training) != 1:
        return
    kind = renames.get(training[0], training[0])
    renames[training[0]] = "loss"
    taken.add("loss")
    twin = [name for name in named if renames.get(name, name) == f"val_{kind}"]
    if twin and "val_loss" not in taken:
        renames[twin[0]] = "val_loss"
        taken.add("val_loss")


def _measure_of_a_target(name: str) -> bool:
    """Whether a name is a target's name and the measure of a loss on it (`rul_mse`, `val_rul_mse`:
    a remaining-useful-life regression's mean squared error); not a root mean squared error, which
    no loss is trained on."""
    *target, measure = name.removeprefix("val_").split("_")
    # Not a term of a named loss (`loss_g_l1`: a GAN generator's L1 term).
    return bool(target) and "loss" not in target and measure != "rmse" and is_loss_measure(measure)


#: A loss named with its word first (`loss_x`, `loss_recon`; spaCy's `losses.ner`, which a nested
#: dict's keys join as `losses_ner`), not a name and a number (`loss 0.69`), nor a statistic of the
#: loss's spread (`loss_std`, `loss_max`).
_LOSS_FIRST = re.compile(r"loss(?:es)?_(?!(?:std|var|min|max)$)[a-z]+(?:_[a-z]+)*")


def _without_shared_prefix(names: list[str], renames: dict[str, str], taken: set[str]) -> list[str]:
    """Drop a prefix that every column shares (`phase1_loss`, `phase1_val_loss`: a log of one
    training phase) when the rest names a loss; the renamed columns are left out of `names`."""
    words = [name_words(name) for name in names if keras_name(name) != "epoch"]
    if len(words) < 2 or "_" not in words[0]:
        return names
    prefix = words[0].split("_", 1)[0] + "_"
    stripped = [word[len(prefix) :] for word in words if word.startswith(prefix)]
    if len(stripped) != len(words) or not any(keras_name(rest) == "loss" for rest in stripped):
        return names
    kept = []
    for name in names:
        if keras_name(name) == "epoch":
            kept.append(name)
            continue
        target = keras_name(name_words(name)[len(prefix) :])
        if target not in taken:
            renames[name] = target
            taken.add(target)
    return kept


def names_note(renames: dict[str, str]) -> str | None:
    """The note that tells the user which columns were read under Keras's names."""
    shown = {old: new for old, new in renames.items() if new in ("loss", "val_loss") or "acc" in new}
    if not shown:
        return None
    pairs = ", ".join(f"{old!r} as {new!r}" for old, new in shown.items())
    measure = next(
        (old for old, new in shown.items() if new == "loss" and is_loss_measure(keras_name(old))), None
    )
    bare = next(
        (old for old, new in renames.items() if new == "val_loss" and old in ("loss", *_CROSS_ENTROPIES)),
        None,
    )
    if bare is not None:
        return (
            f"read the columns {pairs} (Keras's names): a bare {bare!r} beside a training loss is the "
            "other set's."
        )
    if measure is None:
        return f"read the columns {pairs} (Keras's names)."
    return (
        f"read the columns {pairs} (Keras's names): no column is named a loss, so {measure!r}, named for "
        "what a loss measures, is read as it (of several, cross-entropy before squared error before "
        "absolute error)."
    )
