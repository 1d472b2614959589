"""Read a training run from any of its usual forms into one `Curves` object.

Accepted: a fitwell `History` (or anything with `.history` and `.epoch`, such
as Keras's `History`), a dict of per-epoch lists (Keras's `history.history`),
a pandas `DataFrame`, or the path of a CSV file written by fitwell's or
Keras's `CSVLogger` or a JSON dump of `history.history` (see
`fitwell.diagnosis.logfile` for appended runs, title lines and damaged files).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.adversarial import is_adversarial
from fitwell.diagnosis.column_names import LEARNING_RATE_KEYS, keras_name
from fitwell.diagnosis.column_values import with_values, without_per_sample_or_step
from fitwell.diagnosis.epoch_filters import (
    only_epochs_with_a_training_loss,
    without_empty_epochs,
    without_overflowed_epochs,
)
from fitwell.diagnosis.eventlog import is_event_log, is_scalar_export, read_event_log, read_scalar_export
from fitwell.diagnosis.logfile import counted_from_zero, read_log_file, read_step_log
from fitwell.diagnosis.loss_parts import with_summed_parts
from fitwell.diagnosis.metric_names import is_accuracy, is_share_score, metric_direction
from fitwell.diagnosis.step_logs import frame_records
from fitwell.diagnosis.table_layouts import columns_one_row_per_epoch
from fitwell.diagnosis.training_phases import has_phases_side_by_side, keras_named
from fitwell.diagnosis.unnamed_curve import read_unnamed_curve

__all__ = ["Curves", "read_curves"]

#: Keys that are bookkeeping, not curves to judge (besides any name of the epoch: `_bookkeeping`).
_NOT_CURVES = ("epoch_zero_based", "step", "steps", "time", "wall_time", "phase", "stage")


def _bookkeeping(key: str) -> bool:
    """Whether a column is bookkeeping (`_NOT_CURVES`, or named for the epoch under any of the
    names `keras_name` reads so: a second epoch column, `epoch_one_based` beside `epoch`)."""
    return key.strip().lower() in _NOT_CURVES or keras_name(key) == "epoch"


@dataclass(frozen=True)
class Curves:
    """A run's per-epoch values, aligned on one epoch axis.

    Attributes:
        epochs: The 0-based epoch numbers, shape `(n,)`.
        values: Float arrays of shape `(n,)` by log key; NaN where a value was
            not recorded (see `recorded`) or was NaN.
        recorded: Boolean arrays by key: which epochs have a value.
        notes: What reading the run involved that the user should know (e.g. a
            file holding several appended runs, of which the last was read).
        batch_stats: Per-epoch statistics from inside the epochs (batch-loss spread,
            gradient norms) when a fitwell `History` recorded them, by name.
        unmeasured: The validation metrics left out for holding NaN at every epoch (an empty
            set, or one of one class, scores NaN), by name, when only validation columns were
            and the training loss is finite (a DataFrame's NaN reads as not recorded: none there).
        sampled_loss: Whether each epoch's training loss is one or two logged batches' losses (a
            log file's training loss logged every few steps), not the epoch's mean, or the mean of
            a few logged or printed batches' losses noisy by 5% or more: it jumps as a batch's loss
            does.
        part_of_epoch: Which part of one epoch a log stopped inside its first epoch holds, its
            rows the batches (`batches 1–90 of 858 of epoch 1`): too short to judge; "" otherwise.
    """

    epochs: np.ndarray
    values: dict[str, np.ndarray]
    recorded: dict[str, np.ndarray]
    notes: tuple[str, ...] = ()
    batch_stats: dict[str, np.ndarray] | None = None
    unmeasured: tuple[str, ...] = ()
    sampled_loss: bool = False
    part_of_epoch: str = ""

    def __len__(self) -> int:
        return len(self.epochs)

    def has(self, key: str) -> bool:
        """Whether `key` has at least one recorded value."""
        return key in self.recorded and bool(self.recorded[key].any())

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """`(epoch_positions, values)` of the recorded values of `key` (positions index `epochs`)."""
        mask = self.recorded[key]
        return np.flatnonzero(mask), self.values[key][mask]

    @property
    def learning_rate_key(self) -> str | None:
        """`"learning_rate"` (or Keras 2's `"lr"`) when logged."""
        return next((key for key in LEARNING_RATE_KEYS if self.has(key)), None)

    def learning_rate_at(self, position: int) -> float | None:
        """The logged learning rate at an epoch position, if any."""
        key = self.learning_rate_key
        if key is None or not self.recorded[key][position]:
            return None
        return float(self.values[key][position])

    @property
    def metric_key(self) -> str | None:
        """The training metric to judge: the first accuracy-like one, else the first with a direction
        (a test set's, `test_accuracy` beside a validation set, is neither)."""
        candidates = [
            key
            for key in self.values
            if not key.startswith(("val_", "test_"))
            and key != "loss"
            and key not in LEARNING_RATE_KEYS
            and not key.endswith("_loss")
            and metric_direction(key) is not None
        ]
        accuracy_like = [key for key in candidates if is_accuracy(key)]
        return (accuracy_like or candidates or [None])[0]


def read_curves(run: Any, columns: Sequence[str] | None = None) -> Curves:
    """Normalise a `History`, dict, DataFrame or CSV path into `Curves`.

    Args:
        run: The run, in any accepted form.
        columns: The column names of a CSV file without a header row, in order.

    Returns:
        The aligned curves.

    Raises:
        TypeError: For an object of another kind.
        ValueError: When there is no `loss` curve, or the lists cannot be aligned; for `columns`
            with a run that is not a CSV file without a header.
    """
    read = _without_best_so_far(
        without_empty_epochs(
            only_epochs_with_a_training_loss(without_overflowed_epochs(_read_any(run, columns)))
        )
    )
    return _without_error_rates(
        _fractions_not_percents(_without_placeholder_zeros(_without_unrun_validation(read)))
    )


def _read_any(run: Any, columns: Sequence[str] | None = None) -> Curves:
    is_path = isinstance(run, str | os.PathLike)
    if columns is not None and (not is_path or os.path.isdir(run)):
        what = f"the folder {os.fspath(run)!r}" if is_path else f"a {type(run).__name__}"
        raise ValueError(
            f"columns names the columns of a CSV file without a header row; the run is {what}, whose "
            "curves are named already. Leave `columns` out."
        )
    if is_path:
        return _read_path(os.fspath(run), columns)
    if hasattr(run, "history") and isinstance(run.history, Mapping):
        epochs = list(getattr(run, "epoch", []) or [])
        curves = _from_lists(run.history, epochs or None, source="History")
        return replace(curves, batch_stats=_batch_stats(getattr(run, "batch_stats", None), len(curves)))
    if hasattr(run, "to_dict") and hasattr(run, "columns"):  # a pandas DataFrame, without importing pandas
        return _from_frame(run)
    if isinstance(run, Mapping):
        lists, notes = _keras_named(dict(run))
        epochs, notes = _counted_from_zero(lists.pop("epoch", None), notes)
        curves = _from_lists(lists, epochs, source="dict")
        return replace(curves, notes=(*notes, *curves.notes))
    raise TypeError(
        "diagnose() reads a History, a dict of per-epoch lists, a pandas DataFrame or the path of a "
        f"CSVLogger file. Received: an object of type {type(run).__name__}. For Keras, pass "
        "`history.history`; for a CSV, pass its path."
    )


def _from_frame(frame: Any) -> Curves:
    """A pandas DataFrame's curves, read as the CSV file it was read from would be: a Hugging Face
    `Trainer`'s records every few steps as one row per evaluation (`step_logs.frame_records`), an
    epoch over several rows (Lightning's `CSVLogger`) or a row per epoch and set as one row per
    epoch (`table_layouts.columns_one_row_per_epoch`)."""
    columns = frame.to_dict(orient="list")
    records = frame_records(columns)
    if records is not None:
        log = read_step_log(records, [])
        curves = _from_lists(log.columns, log.epochs, source="DataFrame")
        return replace(curves, notes=(*log.notes, *curves.notes), sampled_loss=log.sampled_loss)
    merged: list[str] = []
    lists, notes = _keras_named(columns_one_row_per_epoch(columns, merged))
    epochs, notes = _counted_from_zero(lists.pop("epoch", None), notes)
    curves = _from_lists(lists, epochs, source="DataFrame", nan_means_missing=True)
    return replace(curves, notes=(*merged, *notes, *curves.notes))


def _read_path(path: str, columns: Sequence[str] | None) -> Curves:
    """The curves of a log file (CSV, JSON, printed log), a TensorBoard folder, an exported scalar,
    or a file of one curve without its name that the file's name names (`unnamed_curve.py`)."""
    if columns is not None:
        log = read_log_file(path, columns)
    elif is_event_log(path):
        log = read_event_log(path)
    elif is_scalar_export(path):
        log = read_scalar_export(path)
    else:
        log = read_unnamed_curve(path) or read_log_file(path)
    if not log.is_json and has_phases_side_by_side([str(name) for name in log.columns]):
        log.columns, note = keras_named(log.columns)  # the last phase (or model), as a dict's
        if note:
            log.notes.append(note)
    log.columns, note = with_summed_parts(log.columns)
    if note:
        log.notes.append(note)
    if log.is_json:
        curves = _from_lists(log.columns, log.epochs, source=path)
    else:
        curves = _from_columns(log.columns, log.epochs, source=path)
    return replace(
        curves,
        notes=(*log.notes, *curves.notes),
        sampled_loss=log.sampled_loss,
        part_of_epoch=log.part_of_epoch,
    )


def _without_best_so_far(curves: Curves) -> Curves:
    """Bookkeeping columns left out, with a note: the best value so far and its epoch (`best`,
    `best_val_loss`, `best_epoch`, `val_best_dice`), and whether the epoch was the best (`is_best`,
    `val_loss_best`). They are not curves of the run: a best so far never gets worse, and a flag
    is 0 or 1."""
    kept = [key for key in curves.values if not _is_best_so_far(key)]
    if len(kept) == len(curves.values):
        return curves
    left = ", ".join(repr(key) for key in curves.values if key not in kept)
    return replace(
        curves,
        values={key: curves.values[key] for key in kept},
        recorded={key: curves.recorded[key] for key in kept},
        notes=(*curves.notes, f"left out {left}: bookkeeping of the best epoch, not a curve."),
    )


def _is_best_so_far(key: str) -> bool:
    """`best_…`, `…_best`, `is_best`, also after a set's prefix (`val_best_dice`)."""
    words = key.lower().replace("-", "_").split("_")
    if words[0] in ("val", "test") and len(words) > 1:
        words = words[1:]
    return words[0] == "best" or words[-1] == "best" or words[:2] == ["is", "best"]


def _without_unrun_validation(curves: Curves) -> Curves:
    """A validation loss of exactly 0 where validation did not run, read as not recorded there,
    with a note: at its first epochs, above 0 at every one after (Ultralytics writes 0 for every
    validation column until its validation runs), or around values above 0 at a fixed interval,
    at least two, that the log prints finely enough (to 1% or finer) that a true loss near 0
    would show, none of them under 1% of their median (`gk_090`: 0 at nine epochs of every ten,
    a loop that validates every tenth epoch, beside 994.8, 831.9, ...; a hinge loss that reaches 0
    now and then keeps no fixed interval). No model's validation loss is exactly 0 before it is far
    above 0 again."""
    if not curves.has("val_loss"):
        return curves
    positions = np.flatnonzero(curves.recorded["val_loss"])
    values = curves.values["val_loss"][positions]
    measured = values != 0.0
    if measured.all() or not measured.any() or not bool(np.all(values[measured] > 0.0)):
        return curves
    first = int(np.argmax(measured))
    if measured[first:].all():
        unrun = positions[:first]
        shown = [int(epoch) + 1 for epoch in curves.epochs[unrun]]
        where = f"epoch {shown[0]}" if len(shown) == 1 else f"epochs {shown[0]}–{shown[-1]}"
        note = f"at {where}, where the log holds 0 before its first value above 0 (validation did not run)."
    else:
        kept = values[measured]
        coarsest = max(stats.logged_step(float(value)) for value in kept)
        near_zero = float(np.min(kept)) < _PRINTED_FINELY * float(np.median(kept))
        steps = np.unique(np.diff(np.flatnonzero(measured)))
        # (one step of 2 or more between two values or more: a 0 between each two, resumed after)
        if len(steps) != 1 or steps[0] < 2 or coarsest > _PRINTED_FINELY or near_zero:
            return curves  # (`bh_012`: 0 beside 9.3e-10, a loss that does reach 0 in float32)
        unrun = positions[~measured]
        note = (
            f"at the {len(unrun)} epochs where the log holds 0 (validation ran every {int(steps[0])} "
            f"epochs, {int(measured.sum())} times)."
        )
    recorded = curves.recorded["val_loss"].copy()
    recorded[unrun] = False
    column = curves.values["val_loss"].copy()
    column[unrun] = np.nan
    return replace(
        curves,
        values={**curves.values, "val_loss": column},
        recorded={**curves.recorded, "val_loss": recorded},
        notes=(*curves.notes, f"read 'val_loss' as not recorded {note}"),
    )


#: The coarsest step (relative to the value) in which a validation loss printed beside placeholder
#: zeros may be printed: one printed that finely would not round a true loss to 0.
_PRINTED_FINELY = 0.01


def _without_placeholder_zeros(curves: Curves) -> Curves:
    """Scores a loop wrote as 0 without computing them, read as not recorded, with a note: a
    validation score of exactly 0 at every epoch whose validation loss was not recorded, and only
    there (a loop that validates every other epoch), and a training score of exactly 0 at every
    epoch beside a validation score above 0 (a training accuracy never computed). A score of 0
    beside a recorded loss, or on both sets, is a measurement."""
    recorded, notes = dict(curves.recorded), []
    skipped = ~curves.recorded["val_loss"] if curves.has("val_loss") else np.zeros(len(curves), dtype=bool)
    unrun = [
        key
        for key, column in curves.values.items()
        if key.startswith("val_")
        and key != "val_loss"
        and skipped.any()
        and bool(np.all(curves.recorded[key][skipped]))
        and bool(np.all(column[skipped] == 0.0))
    ]
    for key in unrun:
        recorded[key] = curves.recorded[key] & ~skipped
    if unrun:
        notes.append(
            f"read {', '.join(repr(key) for key in unrun)} as not recorded at the {int(skipped.sum())} "
            "epochs without val_loss, where the log holds 0 (validation did not run)."
        )
    never = [
        key
        for key, column in curves.values.items()
        if metric_direction(key) == "max"
        and curves.has(key)
        and curves.has("val_" + key)
        and bool(np.all(column[curves.recorded[key]] == 0.0))
        and float(np.nanmax(curves.values["val_" + key])) > 0.0
    ]
    notes += [f"left out {key!r}: 0 at every epoch while val_{key} is not (never computed)." for key in never]
    if not notes:
        return curves
    kept = [key for key in curves.values if key not in never]
    values = {key: np.where(recorded[key], curves.values[key], np.nan) for key in kept}
    return replace(
        curves, values=values, recorded={key: recorded[key] for key in kept}, notes=(*curves.notes, *notes)
    )


def _fractions_not_percents(curves: Curves) -> Curves:
    """Accuracy logged in percent (a hand-written loop's `100 * correct / total`) read as a fraction,
    with a note: the rules compare accuracy with fractions (0.85 is a good value, 0.9995 perfect).
    So is a score that grows as the model improves logged for both sets (`f1` beside `val_f1`):
    such a pair is two sets' measures of one score, not a count; a lone one keeps its values."""
    values, notes = dict(curves.values), list(curves.notes)
    for key, column in curves.values.items():
        if metric_direction(key) != "max" or not (is_accuracy(key) or _paired_score(curves, key)):
            continue
        finite = column[np.isfinite(column)]
        # Beyond 1 by more than float rounding (a perfect 1.0000001 is a fraction).
        if len(finite) and 1.0 + 1e-4 < float(finite.max()) <= 100.0 and float(finite.min()) >= 0.0:
            values[key] = column / 100.0
            top = float(finite.max())
            notes.append(f"read {key!r} as a percentage (it reaches {top:g}): divided by 100.")
    if len(notes) == len(curves.notes):
        return curves
    return replace(curves, values=values, notes=tuple(notes))


def _paired_score(curves: Curves, key: str) -> bool:
    """Whether a score of 0 to 100% (`is_share_score`) is logged for both sets, `f1` beside `val_f1`."""
    plain = key.removeprefix("val_")
    paired = plain != key and plain in curves.values or f"val_{key}" in curves.values
    return paired and is_share_score(key)


def _without_error_rates(curves: Curves) -> Curves:
    """A training accuracy that falls as the training loss falls, in step with it (rank correlation
    at least `_IN_STEP` over 5 epochs or more), from its first epoch, its highest, to at most 3/4 of
    that value, left out with its `val_` and `test_` twins, with a note: a column named an accuracy
    that measures the errors
    (`gg_052`: `train acc` 82 → 23 beside a loss 3.11 → 0.65) would read as a collapse or a poor
    level. A learning model's accuracy rises as its loss falls; one that rose first and then fell
    is judged as an accuracy (a collapse, `diverged`)."""
    key = curves.metric_key
    if key is None or not is_accuracy(key):
        return curves
    both = curves.recorded[key] & curves.recorded["loss"]
    accuracy, loss = curves.values[key][both], curves.values["loss"][both]
    if len(accuracy) < 5 or not np.all(np.isfinite(accuracy)) or not np.all(np.isfinite(loss)):
        return curves
    if (
        float(np.max(accuracy)) > accuracy[0]
        or not accuracy[-1] <= 0.75 * accuracy[0]
        or _rank_correlation(accuracy, loss) < _IN_STEP
    ):
        return curves
    twins = [name for name in (key, f"val_{key}", f"test_{key}") if name in curves.values]
    return replace(
        curves,
        values={name: column for name, column in curves.values.items() if name not in twins},
        recorded={name: column for name, column in curves.recorded.items() if name not in twins},
        notes=(
            *curves.notes,
            f"left out {', '.join(repr(name) for name in twins)}: {key!r} falls as the loss falls "
            f"({float(accuracy[0]):.4g} → {float(accuracy[-1]):.4g}), in step with it, "
            "as an error rate does, not an accuracy.",
        ),
    )


#: The rank correlation of a training accuracy with the training loss from which it is read as an
#: error rate (`_without_error_rates`).
_IN_STEP = 0.9


def _rank_correlation(first: np.ndarray, second: np.ndarray) -> float:
    """Spearman's rank correlation of two series of one length (ties ranked by order: exact
    enough for curves of floats)."""
    ranks = [np.argsort(np.argsort(values, kind="stable")).astype(float) for values in (first, second)]
    if np.ptp(ranks[0]) == 0 or np.ptp(ranks[1]) == 0:
        return 0.0
    return float(np.corrcoef(ranks[0], ranks[1])[0, 1])


def _counted_from_zero(epochs: Any, notes: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
    """A dict's or DataFrame's `epoch` column, 0-based (see `logfile.counted_from_zero`)."""
    epochs, note = counted_from_zero(list(epochs) if epochs is not None else None)
    return epochs, (*notes, note) if note else notes


def _keras_named(lists: dict[Any, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The columns under Keras's names (`train_loss` → `loss`), with the note saying so."""
    lists, per_sample = without_per_sample_or_step(dict(lists))
    columns, note = keras_named(with_values(lists))
    columns, summed = with_summed_parts(columns)
    return columns, tuple(filter(None, (per_sample, note, summed)))


def _batch_stats(stats: Any, n: int) -> dict[str, np.ndarray] | None:
    """A History's per-epoch batch statistics, when recorded for every epoch."""
    if not isinstance(stats, Mapping):
        return None
    arrays = {str(key): np.asarray(values, dtype=np.float64) for key, values in stats.items()}
    arrays = {key: values for key, values in arrays.items() if len(values) == n and np.isfinite(values).all()}
    return arrays or None


def _from_lists(
    lists: Mapping[str, Any], epochs: Any, *, source: str, nan_means_missing: bool = False
) -> Curves:
    columns: dict[str, list[float | None]] = {}
    skipped = []
    for key, values in lists.items():
        try:
            column = [None if value is None else float(value) for value in list(values)]
        except (TypeError, ValueError):
            skipped.append(str(key))  # a non-numeric log (e.g. a per-class array): not a curve
            continue
        columns[str(key)] = column
    if nan_means_missing:
        columns = _nan_to_missing(columns)
    epoch_list = None if epochs is None else [int(e) for e in epochs]
    return _from_columns(columns, epoch_list, source=source, skipped=skipped)


def _nan_to_missing(columns: dict[str, list[float | None]]) -> dict[str, list[float | None]]:
    """In a DataFrame, "NA" and "nan" both read as NaN: treat NaN as missing in `val_` columns
    at epochs where the training loss is finite (a finite training loss means validation ran
    or was skipped, not that it diverged), and in the training loss before its first finite value
    (not logged yet: a loss that was NaN does not come back) or beside a finite validation value."""
    loss = columns.get("loss")
    result = dict(columns)
    if loss is not None:
        # NaN before the first finite training loss (not logged yet), or beside a finite validation
        # value (validation ran on weights that were not NaN): no divergence, a value not logged.
        lead = next(
            (position for position, value in enumerate(loss) if value is not None and math.isfinite(value)), 0
        )
        validated = [
            any(
                position < len(column) and column[position] is not None and math.isfinite(column[position])
                for key, column in columns.items()
                if key.startswith("val_")
            )
            for position in range(len(loss))
        ]
        result["loss"] = [
            None
            if position < lead or (value is not None and math.isnan(value) and validated[position])
            else value
            for position, value in enumerate(loss)
        ]
    for key, column in columns.items():
        if not key.startswith("val_"):
            continue
        fixed: list[float | None] = []
        for position, value in enumerate(column):
            train = loss[position] if loss is not None and position < len(loss) else None
            missing = value is not None and math.isnan(value) and train is not None and math.isfinite(train)
            fixed.append(None if missing else value)
        result[key] = fixed
    return result


_PASS_FIT_LOGS = "Pass the per-epoch logs of fit() (History, history.history, or a CSVLogger file)."
_UNNAMED = (
    "Columns named by numbers are pandas' names for values saved without a name "
    "(`pandas.Series(history.history['loss']).to_csv(path)`): nothing says which curve each is. "
    "Expected columns named for their curves: `pandas.DataFrame(history.history).to_csv(path)`, or "
    "pass the history itself."
)
_VALIDATION_ONLY = (
    "It holds a validation loss but no training loss, and the rules judge a run by its training "
    "loss (its fall, divergence, instability) and by the two side by side (overfitting, a leak). Log "
    "the training loss each epoch too (PyTorch Lightning: self.log('train_loss', loss, on_epoch=True)). "
    "Pass the validation loss's values as the curve to judge to see it anyway: "
    "diagnose({'loss': val_losses})."
)
_ADVERSARIAL = (
    "These look like a GAN's generator and discriminator losses, which pull against each other by "
    "design: neither falling means the model learned, so the rules do not judge them. Pass the one "
    "to look at anyway as 'loss': diagnose({'loss': history['generator_loss']})."
)


def _from_columns(
    columns: dict[str, list[float | None]],
    epochs: list[int] | None,
    *,
    source: str,
    skipped: Sequence[str] = (),
) -> Curves:
    """The curves of `columns` (Keras's names); `skipped`: the keys left out for holding no number
    per epoch (lists of pairs or of words), which the error for a missing loss names too."""
    if "loss" not in columns:
        others = (
            f"; {sorted(skipped)} hold no number per epoch (lists, words or one value)" if skipped else ""
        )
        raise ValueError(
            f"The run has no 'loss' curve. Received keys from the {source}: {sorted(columns)}{others}. "
            + (
                _ADVERSARIAL
                if is_adversarial(key for key in columns if "loss" in str(key).lower())
                else _UNNAMED
                if columns and all(str(key).isdigit() for key in columns)
                else _VALIDATION_ONLY
                if "val_loss" in columns
                and all(str(key).startswith(("val_", "test_")) or _bookkeeping(str(key)) for key in columns)
                else _PASS_FIT_LOGS
            )
        )
    n = len(columns["loss"])
    if n == 0:
        raise ValueError(
            f"The run has no epochs: 'loss' is empty in the {source}. Train for at least one epoch."
        )
    values: dict[str, np.ndarray] = {}
    recorded: dict[str, np.ndarray] = {}
    all_nan = []  # metrics that hold NaN at every epoch
    for key, column in columns.items():
        if _bookkeeping(key):
            continue  # bookkeeping (a table's `step` or `time` column), not a curve
        if not column:
            continue  # an empty list (`val_loss: []` of a run that never validated): nothing recorded
        aligned = _align(column, n, key)
        mask = np.array([value is not None for value in aligned], dtype=bool)
        if key not in ("loss", "val_loss"):  # a NaN metric (a logger's placeholder) is not a value
            mask &= np.array([value is None or not math.isnan(value) for value in aligned], dtype=bool)
        if not mask.any():
            if all(value is not None for value in aligned):
                all_nan.append(key)
            continue  # e.g. Keras's CSVLogger reserves val_ columns filled with NA
        values[key] = np.array([np.nan if value is None else value for value in aligned], dtype=np.float64)
        recorded[key] = mask
    if "loss" not in values:
        raise ValueError(
            f"'loss' holds no value at any of its {n} epochs in the {source}: every entry is empty or "
            "null. Pass the training loss of each epoch (history.history['loss'])."
        )
    epoch_axis = np.arange(n) if epochs is None or len(epochs) != n else np.asarray(epochs, dtype=np.int64)
    notes = ()
    unmeasured: tuple[str, ...] = ()
    if all_nan:
        why = ""
        if all(key.startswith("val_") for key in all_nan) and bool(np.all(np.isfinite(values["loss"]))):
            why = (
                " (a validation set that is empty, or holds one class, gives NaN: then the score "
                "measured nothing)"
            )
            unmeasured = tuple(all_nan)
        notes = (f"left out {', '.join(repr(key) for key in all_nan)}: NaN at every epoch{why}.",)
    return Curves(epochs=epoch_axis, values=values, recorded=recorded, notes=notes, unmeasured=unmeasured)


def _align(column: list[float | None], n: int, key: str) -> list[float | None]:
    """Place a shorter list (validation every k epochs) on the epoch axis, as Keras's
    `validation_freq=k` records it: after epochs k, 2k, … (1-based)."""
    if len(column) == n:
        return column
    if len(column) > n:
        raise ValueError(
            f"'{key}' has {len(column)} values but 'loss' has {n}. Expected at most one value per "
            "epoch. Pass the logs of a single fit() run."
        )
    every = n // len(column)
    aligned: list[float | None] = [None] * n
    for index, value in enumerate(column):
        aligned[(index + 1) * every - 1] = value
    return aligned
