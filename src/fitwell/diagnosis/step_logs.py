"""Logs of training steps and evaluations (Hugging Face `Trainer`'s), read one row per evaluation.

Hugging Face's `Trainer` keeps such a log (`log_history` in `trainer_state.json`, often dumped
to CSV too): a record of the training loss, learning rate and gradient norm every
`logging_steps` (`{"epoch": 0.3, "step": 100, "loss": 4.73, ...}`), a record of the evaluation
every `eval_steps` or at each epoch's end (`{"epoch": 1.0, "step": 328, "eval_loss": 0.81,
...}`), and one summary record at the end (`train_runtime`, the run's mean `train_loss`).

Read as the rest of the diagnosis reads an epoch: each evaluation closes a period whose training
loss is the mean of the values logged since the evaluation before (the learning rate: the last
one); without evaluations, each epoch is one period, or, when the records lie within one epoch
or name none, each training record. The summary record is not a period.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from fitwell.diagnosis.column_names import keras_name

__all__ = [
    "EVERY_STEP_NOTE",
    "TRAINER_LOG",
    "frame_records",
    "is_step_log",
    "last_run_by_step",
    "logged_every_step",
    "per_evaluation",
    "saved_mid_run_note",
]

#: What writes the logs this module reads, as its note names it.
TRAINER_LOG = "Hugging Face Trainer's log_history"
#: Keys only the summary record of a Hugging Face `Trainer` log holds.
_SUMMARY_KEYS = frozenset(
    {"train_runtime", "total_flos", "train_samples_per_second", "train_steps_per_second"}
)


def is_step_log(columns: dict[str, list[Any]]) -> bool:
    """Whether the columns (under the log's own names) are a per-step log: a `step` column beside an
    `epoch` column that holds fractions (0.3, 0.61, ...), as Hugging Face's `Trainer` writes them;
    or, when it logs once per epoch (whole epochs), beside its `eval_loss` or its summary record's
    keys (Lightning's CSVLogger, with its rows per epoch and set, has neither). Without a `step`
    (the records as the Trainer prints them to the console), fractions of an epoch beside
    `eval_loss` or the summary's keys."""
    epochs = columns.get("epoch")
    if not isinstance(epochs, list):
        return False
    trainer = "eval_loss" in columns or bool(_SUMMARY_KEYS & set(columns))
    if "step" not in columns:  # the Trainer's records as its console prints them
        return trainer and _fractional(epochs)
    return trainer or _fractional(epochs)


def frame_records(columns: dict[Any, list[Any]]) -> dict[str, list[Any]] | None:
    """A pandas DataFrame's columns (`frame.to_dict(orient="list")`) as a `Trainer`'s records, with
    missing values as None, when they are a per-step log (`is_step_log`); else None. pandas reads
    an empty cell and `nan` alike, as NaN: NaN is a value not logged on that row, except the
    training loss of a training record (its learning rate or gradient norm logged beside it, as
    the Trainer logs them with the loss), which was NaN, as its JSON file writes it."""
    records = {
        str(name): [None if _is_nan(value) else value for value in values] for name, values in columns.items()
    }
    if not is_step_log(records):
        return None
    if "loss" in records:
        beside = [records[name] for name in ("learning_rate", "grad_norm") if name in records]
        records["loss"] = [
            math.nan if value is None and any(values[row] is not None for values in beside) else value
            for row, value in enumerate(records["loss"])
        ]
    return records


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _fractional(epochs: list[Any]) -> bool:
    return any(_number(value) is not None and not float(value).is_integer() for value in epochs)


def per_evaluation(
    columns: dict[str, list[Any]], notes: list[str], *, written_by: str = TRAINER_LOG
) -> tuple[dict[str, list[Any]], list[int] | None]:
    """`(columns, epochs)`: one row per evaluation (per epoch without evaluations; per training
    record without evaluations within one epoch, `_per_record`), under the log's own names, and
    the epoch numbers when every period ends on a whole epoch (else None: the rows are counted).
    Appends a note saying how the rows were read, and by what (`written_by`).

    Example:
        >>> log = [  # trainer_state.json's "log_history": two logged steps, then an evaluation
        ...     {"epoch": 0.5, "step": 10, "loss": 0.9}, {"epoch": 1.0, "step": 20, "loss": 0.7},
        ...     {"epoch": 1.0, "step": 20, "eval_loss": 0.75, "eval_runtime": 1.2},
        ...     {"epoch": 1.5, "step": 30, "loss": 0.5}, {"epoch": 2.0, "step": 40, "loss": 0.3},
        ...     {"epoch": 2.0, "step": 40, "eval_loss": 0.6, "eval_runtime": 1.1},
        ... ]
        >>> keys = ("epoch", "step", "loss", "eval_loss", "eval_runtime")
        >>> columns = {key: [record.get(key) for record in log] for key in keys}
        >>> rows, epochs = per_evaluation(columns, [])
        >>> rows["loss"], rows["val_loss"], epochs
        ([0.8, 0.4], [0.75, 0.6], [1, 2])
    """
    size = max(len(values) for values in columns.values())
    records = [
        {name: values[i] for name, values in columns.items() if i < len(values) and values[i] is not None}
        for i in range(size)
    ]
    summaries = [i for i, record in enumerate(records) if _SUMMARY_KEYS & set(record)]
    records = [record for i, record in enumerate(records) if i not in summaries]
    loss = next((name for name in columns if keras_name(name) == "loss" and _filled(records, name)), None)
    evaluated = [name for name in columns if keras_name(name).startswith("val_") and _filled(records, name)]
    if not evaluated and loss is not None and _within_one_epoch(records):
        return _per_record(columns, records, loss, notes, written_by), None
    periods = _periods(records, loss, evaluated)
    rows = [_merged(period, evaluated) for period in periods]
    sparse: list[str] = []
    if loss is not None:
        rows, periods = _sparse_training_loss(rows, periods, loss, sparse)
    names = [name for name in columns if any(name in row for row in rows) and not _bookkeeping(name)]
    merged = {_validation_name(name, names): [row.get(name) for row in rows] for name in names}
    ends = [_number(row.get("epoch")) for row in rows]
    whole = all(end is not None and float(end).is_integer() for end in ends)
    epochs = [int(end) for end in ends if end is not None] if whole else None
    fraction = _fractional(columns["epoch"])
    notes.append(_note(len(records), periods, ends, evaluated, whole, len(summaries), fraction, written_by))
    notes.extend(sparse)
    return merged, epochs


def _within_one_epoch(records: list[dict]) -> bool:
    """Whether the records all lie within one epoch (0.2, ..., 1.0), or name none (an iteration
    runner's): grouped by epoch they would make one row, which says nothing of the run's course.
    A first record at epoch 0.0 (a Trainer's `logging_first_step`, its epoch rounded) is in the first."""
    epochs = {
        max(1, math.ceil(value - 1e-9))
        for record in records
        if (value := _number(record.get("epoch"))) is not None
    }
    return len(epochs) <= 1


def _per_record(
    columns: dict[str, list[Any]], records: list[dict], loss: str, notes: list[str], written_by: str
) -> dict[str, list[Any]]:
    """The training records of a log without evaluations that lies within one epoch, one row each;
    of several runs written one after another, the last (`last_run_by_step`), with a note."""
    run = last_run_by_step(records, lambda record: record.get("step"), lambda record: loss in record, notes)
    rows = [record for record in run if loss in record]
    names = [name for name in columns if any(name in row for row in rows) and not _bookkeeping(name)]
    within = (
        "names no epoch"
        if all(record.get("epoch") is None for record in records)
        else "lies within one epoch"
    )
    notes.append(
        f"read a log written as training records ({written_by}) that logged no evaluation and {within}: "
        f"{_count(len(rows), 'row')}, one per record of the training loss (at steps "
        f"{_steps_text(rows)}); the messages count rows, not epochs."
    )
    return {name: [row.get(name) for row in rows] for name in names}


def last_run_by_step(
    records: list[Any],
    step_of: Callable[[Any], Any],
    trained: Callable[[Any], bool],
    notes: list[str],
    counter: str = "step",
) -> list[Any]:
    """The records of the last run in a log of runs written one after another by their step (or
    iteration: `counter` names it in the notes), with notes when there were several or the run was
    resumed. A record starts a new piece where its step goes back, or stands at the step of the
    record before with training values on both (`trained`: an evaluation of that step may follow
    its training record). A piece that starts later than the run before it started was resumed
    from that run's checkpoint and replaces its records from there on; one that starts as early
    or earlier is a new run. The last run that trained on more than one record is read: a lone
    record after a restart says nothing.

    Example:
        >>> steps = [10, 20, 30, 20, 30, 40, 10, 20]  # resumed from step 20, then started again
        >>> notes = []
        >>> last_run_by_step(steps, lambda step: step, lambda step: True, notes)
        [10, 20]
        >>> notes[0]
        'the file holds 2 runs written one after another (the step starts again): read the last, 2 records.'
    """

    def step(record: Any) -> float:
        value = _value(step_of(record))
        return math.nan if value is None else value

    if not records:
        return []
    runs: list[list[Any]] = []
    resumed: list[list[float]] = []
    for index, record in enumerate(records):
        before = records[index - 1] if index else None
        goes_back = before is not None and (
            step(record) < step(before)
            or (step(record) == step(before) and trained(record) and trained(before))
        )
        if runs and not goes_back:
            runs[-1].append(record)
        elif runs and step(record) > step(runs[-1][0]):  # resumed from a checkpoint of that run
            runs[-1] = [earlier for earlier in runs[-1] if step(earlier) < step(record)] + [record]
            resumed[-1].append(step(record))
        else:
            runs.append([record])
            resumed.append([])
    chosen = max(index for index, run in enumerate(runs) if index == 0 or sum(map(trained, run)) > 1)
    if resumed[chosen]:
        notes.append(
            f"the run was resumed from a checkpoint (its {counter} goes back to "
            f"{', '.join(f'{at:g}' for at in resumed[chosen])}): the records from there on replace "
            "those written before them."
        )
    if len(runs) > 1:
        which = "the last" if chosen == len(runs) - 1 else "the last with more than one training record"
        notes.append(
            f"the file holds {len(runs)} runs written one after another (the {counter} starts again): "
            f"read {which}, {len(runs[chosen])} records."
        )
    return runs[chosen]


def _steps_text(rows: list[dict]) -> str:
    shown = [_number(row.get("step")) for row in rows[:3]]
    if any(step is None for step in shown):
        return "not logged"
    return ", ".join(f"{step:g}" for step in shown) + (", …" if len(rows) > 3 else "")


def _count(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _periods(records: list[dict], loss: str | None, evaluated: list[str]) -> list[list[dict]]:
    """The records, grouped: each evaluation closes a period (one with no training since the one
    before is left out: the untrained model's score, an evaluation repeated after training is
    not an epoch); without evaluations, by epoch (the records of epoch 2 are those after 1.0 up
    to 2.0)."""
    periods: list[list[dict]] = []
    current: list[dict] = []
    if evaluated:
        last_step = 0.0  # where the last period ended
        for record in records:
            current.append(record)
            if any(name in record for name in evaluated):
                step = _number(record.get("step"))
                trained = step is not None and step > last_step  # training ran, logged or not
                if loss is None or any(loss in earlier for earlier in current) or trained:
                    periods.append(current)
                    last_step = step if step is not None else last_step
                current = []
    else:
        last_epoch = None
        for record in records:
            epoch = _number(record.get("epoch"))
            number = None if epoch is None else math.ceil(epoch - 1e-9)
            if current and number is not None and last_epoch is not None and number != last_epoch:
                periods.append(current)
                current = []
            current.append(record)
            last_epoch = number if number is not None else last_epoch
    if current and loss is not None and any(loss in record for record in current):
        periods.append(current)  # training logged after the last evaluation
    return periods


def _sparse_training_loss(
    rows: list[dict], periods: list[list[dict]], loss: str, notes: list[str]
) -> tuple[list[dict], list[list[dict]]]:
    """Rows whose period logged no training loss (`logging_steps` longer than the evaluations'
    interval: the Trainer's default 500 steps against an evaluation each epoch of 195) get it
    interpolated by step between the rows around them, with a note. The rows before the first
    logged value get that value: the Trainer logs the mean since its last log, so the first one
    is the mean over every step from the start, theirs included (`fy_011`: the four evaluations
    before step 500 held the lowest validation loss of a run that then rose). The rows after the
    last logged value are left out: no logged value covers their steps."""
    logged = [index for index, row in enumerate(rows) if loss in row]
    if not logged or len(logged) == len(rows):
        return rows, periods
    first, last = logged[0], logged[-1]
    steps = [_number(row.get("step")) for row in rows[first : last + 1]]
    if any(step is None for step in steps):  # no step to place them by
        return [rows[index] for index in logged], [periods[index] for index in logged]
    missing = [index for index in range(first, last + 1) if loss not in rows[index]]
    known_steps = [steps[index - first] for index in logged]
    for index in missing:
        rows[index][loss] = float(
            np.interp(steps[index - first], known_steps, [rows[i][loss] for i in logged])
        )
    for index in range(first):
        rows[index][loss] = rows[first][loss]
    text = (
        "the training loss was logged less often than the evaluations: at "
        f"{len(missing)} rows it is interpolated by step between the logged ones"
    )
    if first:
        rows_before = "the row" if first == 1 else f"the {first} rows"
        text += f"; {rows_before} before the first logged one take{'s' if first == 1 else ''} its value, "
        text += "the mean over every step since the start"
    after = len(rows) - 1 - last
    if after:
        which = "the evaluation" if after == 1 else f"the {after} evaluations"
        text += f"; {which} after the last logged one {'is' if after == 1 else 'are'} left out"
    notes.append(text + ".")
    return rows[: last + 1], periods[: last + 1]


def _merged(period: list[dict], evaluated: list[str]) -> dict:
    """One row for a period: the mean of each training value logged in it, the last learning rate,
    the evaluation's values, and the epoch and step where it ended."""
    row: dict[str, Any] = {}
    for name in dict.fromkeys(name for record in period for name in record):
        values = [_value(record[name]) for record in period if name in record]
        values = [value for value in values if value is not None]
        if not values:
            continue
        rate = "learning_rate" in name.lower() or name.lower() == "lr"
        keep_last = rate or name in evaluated or name in ("epoch", "step")
        row[name] = values[-1] if keep_last else sum(values) / len(values)
    return row


def _note(
    records: int,
    periods: list[list[dict]],
    ends: list[float | None],
    evaluated: list[str],
    whole: bool,
    summaries: int,
    fraction: bool,
    written_by: str,
) -> str:
    shown = ", ".join(_epoch_text(end) for end in ends[:3]) + (", …" if len(ends) > 3 else "")
    what = f"one row per evaluation (at epochs {shown})" if evaluated else f"one row per epoch ({shown})"
    counted = "" if whole else "; the evaluations fall inside epochs, so the messages count rows, not epochs"
    if evaluated and all(end is None for end in ends):  # iterations only (OpenMMLab's iteration runner)
        what, counted = "one row per evaluation (no epoch logged)", "; the messages count rows, not epochs"
    summary = "" if not summaries else "; the summary record at the end (train_runtime, …) is not a period"
    written = "as training and evaluation records"
    if fraction:
        written = "every few steps, with the epoch as a fraction"
    return (
        f"read a log written {written} ({written_by}), as {what}: {_count(len(periods), 'row')} "
        f"from {records} records, each training value the mean of those logged since the row "
        f"before (the learning rate: the last){summary}{counted}."
    )


def _epoch_text(epoch: float | None) -> str:
    if epoch is None:
        return "?"
    return str(int(epoch)) if float(epoch).is_integer() else f"{epoch:.2f}"


def _bookkeeping(name: str) -> bool:
    """The Trainer's timings (`eval_runtime`, `eval_samples_per_second`, ...): not curves."""
    return name.endswith(("_runtime", "_per_second")) or name == "total_flos"


def _validation_name(name: str, names: list[str]) -> str:
    """The Trainer's `eval_loss`, `eval_accuracy` as Keras's `val_loss`, `val_accuracy` (unless
    the log has that name already); an evaluation set named `val` (`eval_dataset={"val": ...}`
    logs `eval_val_loss`) is the same one validation set."""
    rest = name[len("eval_") :]
    if rest.startswith("val_") and len(rest) > len("val_"):
        rest = rest[len("val_") :]
    if not name.startswith("eval_") or "val_" + rest in names:
        return name
    return "val_" + rest


def _filled(records: list[dict], name: str) -> bool:
    return any(_number(record.get(name)) is not None for record in records)


def _value(value: Any) -> float | None:
    """A logged number as a float (NaN and infinities too: a diverged loss); None for anything else."""
    return None if isinstance(value, bool) or not isinstance(value, int | float) else float(value)


def _number(value: Any) -> float | None:
    """A finite logged number, else None."""
    number = _value(value)
    return number if number is not None and math.isfinite(number) else None


def saved_mid_run_note(data: Any) -> str | None:
    """The note on a Hugging Face `Trainer` state saved before its run ended (`global_step` short
    of `max_steps`: a checkpoint's `trainer_state.json`): the findings judge the steps it logged,
    not the run; else None."""
    if not isinstance(data, Mapping) or not isinstance(data.get("log_history"), list):
        return None
    step, last = data.get("global_step"), data.get("max_steps")
    if not isinstance(step, int) or not isinstance(last, int) or not 0 < step < last:
        return None
    return (
        f"the Trainer's state was saved at step {step} of {last} (a checkpoint's): the run went on "
        "after it, so what follows judges the steps it logged, not how the run ended; a later "
        "checkpoint's trainer_state.json holds more."
    )


#: What the reader says of a log whose training records each hold one step's loss (`logged_every_step`).
EVERY_STEP_NOTE = (
    "each training record is one step's loss (logged at every step): one batch's, so its jumps are judged "
    "as a batch's."
)


def logged_every_step(columns: dict[str, list]) -> int | None:
    """The count of the training loss's records when they were logged at every step (`logging_steps=1`:
    most steps 1 after the one before), each one batch's loss; else None."""
    steps, losses = columns.get("step"), columns.get("loss")
    if not isinstance(steps, list) or not isinstance(losses, list) or len(steps) != len(losses):
        return None
    logged = [
        step
        for step, loss in zip(steps, losses, strict=True)
        if loss is not None and isinstance(step, int | float) and not isinstance(step, bool)
    ]
    gaps = sorted(later - earlier for earlier, later in zip(logged, logged[1:], strict=False))
    return len(logged) if len(gaps) >= 3 and gaps[len(gaps) // 2] == 1 else None
