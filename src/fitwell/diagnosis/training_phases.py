"""Training phases logged side by side, and a table's columns under Keras's names.

A log may hold two phases of one run in one table: `p1_loss`, `p1_val_loss`, then `p2_loss`,
`p2_val_loss` (or `loss`, `val_loss`, then `fine_tune_loss`, `fine_tune_val_loss`). The last phase
is read, as the last of several appended runs is, and the note says so. What looks like phases may
be one run's sets (`train_`, `val_`), a GAN's two networks, or a VAE's two terms: none of those is.
The names themselves are read by `column_names.py`.
"""

from __future__ import annotations

from fitwell.diagnosis.adversarial import is_adversarial
from fitwell.diagnosis.column_names import (
    HELD_OUT_WORDS,
    SET_NAMES,
    SET_WORDS,
    TRAIN_PREFIXES,
    is_loss_measure,
    keras_name,
    name_words,
)
from fitwell.diagnosis.column_renames import keras_names, names_note, sets_spelled_out
from fitwell.diagnosis.vae_terms import elbo_terms

__all__ = ["has_phases_side_by_side", "keras_named"]


def keras_named(columns: dict) -> tuple[dict[str, object], str | None]:
    """A mapping of columns under Keras's names, and the note saying which were renamed (or None).
    Training phases logged side by side (`p1_loss`, …, `p2_loss`, …): the last phase is read, as
    the last of several appended runs is, and the note says so.

    Example:
        >>> keras_named({"train_loss": [1.0], "valid_loss": [1.1]})[0]
        {'loss': [1.0], 'val_loss': [1.1]}
        >>> named, note = keras_named({"p1_loss": [2.0, 1.0], "p2_loss": [0.9], "p2_val_loss": [1.0]})
        >>> named
        {'loss': [0.9], 'val_loss': [1.0]}
        >>> print(note)
        read the last of 2 training phases (or models) logged side by side ('p1_', 'p2_'): the columns ...
    """
    names = [str(key) for key in columns]
    # `loss`, `val_loss`, … then `fine_tune_loss`, `fine_tune_val_loss`, … (a list of class names
    # beside them is no column of either).
    later = _later_phase(names)
    phases = [] if later is not None or sets_spelled_out(names) else _phases(names)  # `tr_`, `va_`: sets
    suffixes = [] if later is not None or phases else _models_by_suffix(names)
    if suffixes:
        last = suffixes[-1]
        columns = {
            (key if keras_name(str(key)) == "epoch" else name_words(str(key))[: -len(last)]): value
            for key, value in columns.items()
            if keras_name(str(key)) == "epoch" or name_words(str(key)).endswith(last)
        }
        renames = keras_names(str(key) for key in columns)
        listed = ", ".join(repr(suffix) for suffix in suffixes)
        apart = [
            name for name in names if keras_name(name) != "epoch" and name_words(name)[-2:] not in suffixes
        ]
        left_out = f"; left out: {', '.join(repr(name) for name in apart)}" if apart else ""
        return {renames.get(str(key), str(key)): value for key, value in columns.items()}, (
            f"read the last of {len(suffixes)} models (or phases) logged side by side ({listed}): the "
            f"columns ending in {last!r}, without the suffix{left_out}."
        )
    if later is not None:
        columns = {
            str(key)[len(later) :]: value for key, value in columns.items() if str(key).startswith(later)
        }
    elif phases:
        last = phases[-1]
        columns = {
            (name_words(str(key))[len(last) :] if name_words(str(key)).startswith(last) else key): value
            for key, value in columns.items()
            if _in_phase(str(key), last)
        }
    renames = keras_names(str(key) for key in columns)
    named = {renames.get(str(key), str(key)): value for key, value in columns.items()}
    if later in SET_NAMES:  # `eval_loss`, `eval_val_loss`: the run that was validated, whenever it ran
        return named, (
            f"read the run logged under {later!r}, with its own validation ({later + 'val_loss'!r}), "
            "not the one under the same names without the prefix (no validation): its columns, without "
            "the prefix."
        )
    if later is not None:
        return named, (
            f"read the last of 2 training phases logged side by side: the columns named with {later!r} "
            "(after the same names without it), without the prefix."
        )
    if not phases:
        return named, names_note(renames)
    listed = ", ".join(repr(phase) for phase in phases)
    return named, (
        f"read the last of {len(phases)} training phases (or models) logged side by side ({listed}): "
        f"the columns of {phases[-1]!r}, without the prefix."
    )


def has_phases_side_by_side(names: list[str]) -> bool:
    """Whether every column but the epoch belongs to one of several training phases (or models)
    logged side by side, each with its loss and more (`p1_loss`, `p1_val_loss`, …, `p2_loss`, …;
    `cnn_train_mse`, …, `pinn_total_loss`, …): a table's columns, named by its reader, are then
    read as a dict's are. Prefixes of one column each are the parts of one loss (`data_loss`,
    `physics_loss`, `bc_loss`), which a table sums (`loss_parts.py`)."""
    if sets_spelled_out(names):
        return False
    if _models_by_suffix(names):
        return True
    phases = _phases(names)
    columns = [sum(name_words(name).startswith(phase) for name in names) for phase in phases]
    return bool(phases) and any(count > 1 for count in columns)


def _models_by_suffix(names: list[str]) -> list[str]:
    """The suffixes of models (or phases) logged side by side with a one-letter or one-digit last
    word (`train_loss_a`, `val_accuracy_a`, …, `train_loss_b`, …; `fe_023`), in the order they
    appear: at least two, each on more than one column, with a training loss and a measure that is
    no loss (an accuracy, a score), and no column outside them named a loss (a run's time, step or
    an ensemble's score may stand beside them). Parts of one loss (`loss_1`, `val_loss_1`, `loss_2`,
    …: losses alone) are none, nor are a GAN's networks, sets (`_t`, `_v`) or coordinates (`_x`)."""
    groups: dict[str, list[str]] = {}
    others = []
    for name in names:
        words = name_words(name)
        stem, _, last = words.rpartition("_")
        if stem and len(last) == 1 and last.isalnum() and keras_name(name) != "epoch":
            groups.setdefault(f"_{last}", []).append(stem)
        else:
            others.append(name)
    if len(groups) < 2 or any(len(stems) < 2 for stems in groups.values()) or is_adversarial(groups):
        return []  # `loss_g`, `loss_d`: a GAN's two networks
    if set(groups) & _NOT_MODELS or any(keras_name(name).endswith("loss") for name in others):
        return []
    for stems in groups.values():
        renames = keras_names(stems)
        named = {renames.get(stem, stem) for stem in stems}
        if "loss" not in named or all(name.endswith("loss") for name in named):
            return []  # each model logs its loss and a score; losses alone are parts of one loss
    return list(groups)


#: Last letters that name sets (`loss_t`, `loss_v`) or coordinates (`loss_x`, `loss_y`), not models.
_NOT_MODELS = frozenset({"_t", "_v", "_x", "_y", "_z"})


def _phases(names: list[str]) -> list[str]:
    """The prefixes of training phases logged side by side (`p1_`, `p2_`; of two words, `phase_a_`,
    `phase_b_`), in the order they appear, when every column but the epoch belongs to one of at
    least two, each with its loss."""
    return _phases_at(names, 1) or _phases_at(names, 2)


#: The words of a held-out set, which as a prefix name that set's curves (`test_total_loss`), never a phase.
_HELD_OUT_SETS = (SET_WORDS | HELD_OUT_WORDS) - {prefix.removesuffix("_") for prefix in TRAIN_PREFIXES}


def _phases_at(names: list[str], depth: int) -> list[str]:
    """`_phases` with prefixes of `depth` words."""
    has_loss: dict[str, bool] = {}  # by prefix, in order of appearance
    for name in names:
        if keras_name(name) == "epoch":
            continue
        words = name_words(name).split("_")
        if len(words) <= depth:
            return []
        prefix, rest = "_".join(words[:depth]) + "_", keras_name("_".join(words[depth:]))
        # A phase's training loss, a named one (`pinn_total_loss`) or one named for what it
        # measures (`cnn_train_mse`); not a validation measure alone (`x_val_rmse`).
        loss = not rest.startswith(("val_", "test_")) and (
            rest in ("loss", "total_loss", "loss_total") or is_loss_measure(rest)
        )
        has_loss[prefix] = has_loss.get(prefix, False) or loss
    if any(prefix.removesuffix("_") in _HELD_OUT_SETS for prefix in has_loss):
        return []  # `test_total_loss` beside `total_loss`: a held-out set's curves, not a phase
    if len(has_loss) < 2 or _one_run_by_set(list(has_loss)) or is_adversarial(has_loss):
        return []
    if elbo_terms(keras_name(name) for name in names):
        return []  # `recon_loss` and `kl_loss`: a VAE's two terms, not two phases (`loss_parts.py`)
    return list(has_loss) if all(has_loss.values()) else []


def _one_run_by_set(prefixes: list[str]) -> bool:
    """Whether prefixes name one run's sets, not its phases: two of them the same but for a last
    word that names a set (`train_` and `val_`; `coil_train_` and `coil_test_`). A phase may end
    in such a word on its own (`initial_training_` before `fine_tuning_`)."""
    sets = set(SET_NAMES)
    split = [prefix.removesuffix("_").rpartition("_") for prefix in prefixes]
    stems = [stem for stem, _, last in split if last + "_" in sets]
    if len(stems) != len(set(stems)):
        return True
    # Or a set's word first (`train_history_`, `val_history_`; `training_set_`, `validation_set_`).
    firsts = [prefix.split("_")[0] for prefix in prefixes]
    training = {prefix.removesuffix("_") for prefix in TRAIN_PREFIXES}
    return any(first in training for first in firsts) and any(
        first in (SET_WORDS | HELD_OUT_WORDS) - training - {"test"} for first in firsts
    )


def _later_phase(names: list[str]) -> str | None:
    """The prefix of a second training phase logged after the first under the same names
    (`loss`, `val_loss`, `accuracy`, then `fine_tune_loss`, `fine_tune_val_loss`,
    `fine_tune_accuracy`): every other column is the prefix and one of the first phase's names.
    Keras's multi-output names (`loss`, `out_a_loss`, `out_b_loss`, `val_out_a_loss`) are not."""
    if "loss" not in names:
        return None
    first = [name for name in names if "_" not in name or name_words(name).split("_")[0] in ("val", "epoch")]
    rest = [name for name in names if name not in first]
    stems = {name[: -len("loss")] for name in rest if name.endswith("_loss")}
    prefixes = [
        stem for stem in stems if not any(stem != other and stem.startswith(other) for other in stems)
    ]
    if len(prefixes) != 1:
        return None
    prefix = prefixes[0]
    if prefix in SET_NAMES and prefix + "val_loss" not in names:
        return None  # `loss` beside `test_loss`: a set scored each epoch, not a later phase
    later = {name[len(prefix) :] for name in rest if name.startswith(prefix)}
    earlier = {name for name in first if keras_name(name) != "epoch"}
    # The later phase may add validation twins of the first's names (`eval_val_loss`).
    if len(later) != len(rest) or not earlier <= later <= earlier | {f"val_{name}" for name in earlier}:
        return None
    return prefix if names.index("loss") < names.index(prefix + "loss") else None


def _in_phase(name: str, prefix: str) -> bool:
    return keras_name(name) == "epoch" or name_words(name).startswith(prefix)
