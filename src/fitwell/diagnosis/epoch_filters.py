"""Which epochs of a read run count: those without a training loss left out (or, logged every few
steps, interpolated between its records; empty to the end beside a score, read as NaN), a lone
overflowed epoch left out, and epochs in which no batch ran; each with a note."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from fitwell.diagnosis.metric_names import metric_direction

if TYPE_CHECKING:
    from fitwell.diagnosis.curves import Curves

__all__ = ["only_epochs_with_a_training_loss", "without_empty_epochs", "without_overflowed_epochs"]


#: How far above the epoch before it the epoch after a lone NaN/Inf may carry on for the weights to
#: count as unharmed.
_CARRIED_ON = 1.5


def without_overflowed_epochs(curves: Curves) -> Curves:
    """Epochs whose training loss is NaN or Inf alone, between two finite epochs, the one after
    carrying on from the one before (at most `_CARRIED_ON` × it), left out with a note: one batch's
    loss overflowed (a log of 0, float16) or was skipped, and the weights were not harmed, since
    weights a NaN or Inf reached give NaN from then on (`dl_009`: `inf` at epoch 22 of 28 between
    0.0715 and 0.0683). Not a first or last epoch, whose other side is not known."""
    if "loss" not in curves.values or len(curves) < 3:
        return curves
    loss, recorded = curves.values["loss"], curves.recorded["loss"]
    finite = recorded & np.isfinite(loss)
    bad = np.flatnonzero(recorded & ~np.isfinite(loss))
    lone = [
        int(at)
        for at in bad
        if 0 < at < len(loss) - 1
        and finite[at - 1]
        and finite[at + 1]
        and abs(float(loss[at + 1])) <= _CARRIED_ON * abs(float(loss[at - 1]))
    ]
    if not lone or len(lone) < len(bad):
        return curves  # a loss that stayed NaN (or went NaN again at the end) is judged as it is
    if any(bool(mask.any()) and not bool(np.delete(mask, lone).any()) for mask in curves.recorded.values()):
        return curves  # a column recorded only there would be lost with the epoch
    keep = np.ones(len(loss), dtype=bool)
    keep[lone] = False
    epochs = ", ".join(str(int(curves.epochs[at]) + 1) for at in lone)
    values = ", ".join(str(float(loss[at])).lower() for at in lone)
    return _epochs_kept(
        curves,
        keep,
        f"left out epoch{'s' if len(lone) > 1 else ''} {epochs}: the training loss is {values} there "
        "alone, and the next epoch carries on from the one before: one batch's loss overflowed (a log "
        "of 0, float16) while the weights were not harmed (weights a NaN or Inf reached give NaN from "
        "then on).",
    )


def _epochs_kept(curves: Curves, keep: np.ndarray, note: str) -> Curves:
    """The curves at the epochs `keep` marks, with a note saying why the others were left out; a
    History's per-epoch batch statistics go with them."""
    stats = curves.batch_stats
    return replace(
        curves,
        epochs=curves.epochs[keep],
        values={key: column[keep] for key, column in curves.values.items()},
        recorded={key: mask[keep] for key, mask in curves.recorded.items()},
        batch_stats=None if stats is None else {name: values[keep] for name, values in stats.items()},
        notes=(*curves.notes, note),
    )


def only_epochs_with_a_training_loss(curves: Curves) -> Curves:
    """The epochs without a recorded training loss left out, with a note: a logger that writes the
    training loss every so many steps had written none yet (Hugging Face `Trainer`'s first rows),
    or one that logs it every few epochs beside a validation loss of every epoch. An empty cell
    there is no NaN of a diverged run: a NaN is written as `nan`, or read from a list as one."""
    recorded = curves.recorded["loss"]
    if bool(recorded.all()):
        return curves
    curves = _sparse_loss_interpolated(_empty_after_the_loss_went_nan(curves))
    recorded = curves.recorded["loss"]
    if bool(recorded.all()):
        return curves
    missing = [int(epoch) + 1 for epoch in curves.epochs[~recorded]]
    if len(missing) == 1:
        where = f"epoch {missing[0]}"
    elif missing == list(range(missing[0], missing[-1] + 1)):
        where = f"epochs {missing[0]}–{missing[-1]}"
    else:
        where = f"{len(missing)} epochs, from epoch {missing[0]}"
    return _epochs_kept(curves, recorded, f"left out {where}: no training loss was recorded there.")


#: At most this share of the epochs from its first record to its last hold a training loss for it to be
#: read as logged every few steps (`_sparse_loss_interpolated`).
_SPARSE_SHARE = 1 / 3


def _sparse_loss_interpolated(curves: Curves) -> Curves:
    """A training loss recorded at 3 epochs or more but at most `_SPARSE_SHARE` of those from its
    first record to its last, beside a validation loss recorded at each of them, interpolated
    between its records (by epoch), with a note: a logger that writes it every so many steps,
    more than an epoch holds (Lightning's `log_every_n_steps=50` on epochs of 3 steps, `gd_003`:
    6 of 100 epochs, whose validation swings were left out with the other 94). The epochs before
    its first record and after its last are left out as before."""
    recorded = curves.recorded["loss"]
    at = np.flatnonzero(recorded)
    if len(at) < 3 or "val_loss" not in curves.recorded:
        return curves
    span = np.arange(at[0], at[-1] + 1)
    if len(at) > _SPARSE_SHARE * len(span) or not curves.recorded["val_loss"][span].all():
        return curves
    values, masks = dict(curves.values), dict(curves.recorded)
    values["loss"] = curves.values["loss"].copy()
    values["loss"][span] = np.interp(span, at, curves.values["loss"][at])
    masks["loss"] = recorded.copy()
    masks["loss"][span] = True
    note = (
        f"the training loss was recorded at {len(at)} of the {len(span)} epochs from its first record "
        f"to its last (logged every few steps, more than an epoch holds): interpolated between them."
    )
    return replace(curves, values=values, recorded=masks, notes=(*curves.notes, note))


def _empty_after_the_loss_went_nan(curves: Curves) -> Curves:
    """A training loss recorded up to an epoch and empty at every epoch after it (2 at least),
    while a score (accuracy, …) is still recorded at each of them, read as NaN from there, with a
    note: a loop does not stop logging its loss while it logs its accuracy, and pandas writes NaN
    as an empty cell (`DataFrame.to_csv`; `gb_027`: the loss empty from epoch 15 to 50, the
    accuracy frozen at one value). The validation loss, empty on the same epochs, goes with it.
    Not when the score is a validation one only (rows of an evaluation after training), nor beside
    a validation loss still recorded there: weights gone NaN score nothing."""
    recorded = curves.recorded["loss"]
    last = int(np.flatnonzero(recorded)[-1]) if recorded.any() else -1
    tail = np.arange(last + 1, len(curves))
    if last < 1 or len(tail) < 2 or not recorded[: last + 1].all():
        return curves
    if "val_loss" in curves.recorded and curves.recorded["val_loss"][tail].any():
        return curves
    scores = [
        key
        for key in curves.values
        if not key.startswith(("val_", "test_"))
        and metric_direction(key) is not None
        and "loss" not in key
        and curves.recorded[key][tail].all()
    ]
    if not scores:
        return curves
    values, masks = dict(curves.values), dict(curves.recorded)
    went = ["loss"] + [
        key
        for key in ("val_loss",)
        if key in masks and masks[key][: last + 1].any() and not masks[key][tail].any()
    ]
    for key in went:
        values[key] = values[key].copy()
        values[key][tail] = np.nan
        masks[key] = masks[key].copy()
        masks[key][tail] = True
    names = " and ".join(repr(key) for key in went)
    note = (
        f"{names} {'are' if len(went) > 1 else 'is'} empty from epoch {int(curves.epochs[tail[0]]) + 1} to "
        f"the end while {scores[0]!r} is still recorded: read as NaN there (pandas writes NaN as an empty "
        "cell)."
    )
    return replace(curves, values=values, recorded=masks, notes=(*curves.notes, note))


def without_empty_epochs(curves: Curves) -> Curves:
    """Epochs in which no training batch ran, left out with a note: a training loss of exactly 0
    between epochs whose loss is not, while every validation value repeats the epoch before's
    exactly (Keras when a generator runs dry before `steps_per_epoch`: it logs 0 and the last
    validation). A mean loss of exactly 0 over real batches does not happen beside nonzero ones."""
    if not curves.has("loss") or len(curves) < 3 or curves.batch_stats is not None:
        return curves
    loss = curves.values["loss"]
    val_keys = [key for key in curves.values if key.startswith("val_") and curves.has(key)]
    if not val_keys or not bool(np.any(loss != 0.0)):
        return curves
    repeated = np.zeros(len(curves), dtype=bool)
    repeated[1:] = np.all([curves.values[key][1:] == curves.values[key][:-1] for key in val_keys], axis=0)
    # Between epochs that trained: a loss that reached 0 and stayed there is a model fitting
    # (or leaking) its data, judged by the rules.
    trained_around = np.zeros(len(curves), dtype=bool)
    trained_around[1:] = loss[:-1] != 0.0
    trained_around[:-1] &= loss[1:] != 0.0
    empty = (loss == 0.0) & repeated & trained_around
    if not empty.any():
        return curves
    keep = ~empty
    listed = ", ".join(str(int(epoch) + 1) for epoch in curves.epochs[empty])
    note = (
        f"left out epochs {listed}: loss 0 there and every validation value the same as the epoch "
        "before (no training batch ran)."
    )
    return _epochs_kept(curves, keep, note)
