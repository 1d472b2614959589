"""Read a training log file: a CSVLogger file (fitwell's or Keras's) or a JSON dump of `history.history`.

What real files hold, and how it is read:

- a CSV with the header first, or after a title line or two (the lines before
  the first row naming `epoch` or `loss` are skipped, and a note says so);
- several runs appended to one file (`CSVLogger(append=True)` over several
  `fit` calls): the epoch column restarts, or the header repeats (after a
  title line of its own, too); the runs are split and the last one is read,
  with a note; a line of empty cells only is a separator, not an epoch, and a line
  repeating the one before is skipped, with a note;
- a table written one row per metric (`DataFrame(history.history).T.to_csv`), turned
  back, with a note; an epoch over several rows (PyTorch Lightning's `CSVLogger`) or one row
  per epoch and set, turned to one row per epoch (`table_layouts.py`), with a note;
- a JSON object of per-epoch lists (`json.dump(history.history, f)`), also
  wrapped as `{"history": {...}}`, or saved as one JSON string (`json.dump(str(history.history), f)`);
- a log written every few steps with the epoch as a fraction (Hugging Face `Trainer`'s
  `log_history`, in `trainer_state.json` or dumped to CSV, or printed to the console one dict a
  line among warnings and progress bars), read one row per evaluation (`step_logs.py`), with a
  note;
- trainers' and trackers' own logs: detectron2's `metrics.json`, OpenMMLab's JSON logs,
  OpenNMT-py's reports, Chainer's `LogReport` (records that repeat an epoch without its
  validation values are reports within the next, left out with a note), Sacred's
  `metrics.json` (`sacred_logs.py`), a tracker's metrics exported one row per metric and step
  (`Name,Value,Timestamp,Step`, `table_layouts.py`);
- a table of numbers without a header, once the caller names its columns (`columns=`);
- a log printed as text (Keras's progress output saved from the console, a script's
  `Epoch 3, Train Loss: 0.52` lines), read from its `name: value` pairs (`textlog.py`), with a note;
  also lines of a name and a value in turns between commas (`Epoch, 1/20, train loss, 1.114`);
- what Ultralytics YOLO prints while it trains, its table printed again before every epoch
  (`yolo_console.py`), with a note;
- other loggers' column names (`Epoch`, `train_loss`, `Valid Loss`, `train_acc`) read as
  Keras's (`epoch`, `loss`, `val_loss`, `acc`), with a note (`column_names.py`, `column_renames.py`);
- `NA` or an empty cell: a value that was not recorded; `nan`/`inf`: a value
  that was; a column with no number at all (text, lists): not a curve.

A damaged file is refused, never guessed at: a row with more or fewer cells than
the header, or a cell that is not a number in a column of numbers, raises a
`ValueError` that names the line (1-based, as an editor shows it) and the column.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fitwell.diagnosis.aligned_table import aligned_table
from fitwell.diagnosis.appended_runs import (
    last_run,
    later_header,
    refuse_a_merge_conflict,
    without_reports,
)
from fitwell.diagnosis.batch_lines import averaged_note, named_batch_note
from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.column_values import with_values, without_per_sample_or_step
from fitwell.diagnosis.detectron2_logs import WRITTEN_BY as DETECTRON2
from fitwell.diagnosis.detectron2_logs import detectron2_columns
from fitwell.diagnosis.json_shapes import as_columns, is_list_of_numbers, numbers_by_epoch
from fitwell.diagnosis.jsonlog import (
    JSON_LINES_NOTE,
    LITERAL_NOTE,
    NotJsonError,
    labelled_history,
    listed_history,
    parsed_json,
    printed_records,
    quoted_history,
)
from fitwell.diagnosis.log_text import log_text
from fitwell.diagnosis.ludwig_logs import ludwig_columns
from fitwell.diagnosis.metric_names import is_accuracy
from fitwell.diagnosis.openmmlab_logs import WRITTEN_BY as OPENMMLAB
from fitwell.diagnosis.openmmlab_logs import openmmlab_columns
from fitwell.diagnosis.opennmt_logs import WRITTEN_BY as OPENNMT
from fitwell.diagnosis.opennmt_logs import opennmt_columns
from fitwell.diagnosis.partial_epoch import read_first_epoch_batches
from fitwell.diagnosis.printed_layouts import name_value_cells, printed_loss_tensors
from fitwell.diagnosis.sacred_logs import sacred_columns
from fitwell.diagnosis.step_logs import (
    EVERY_STEP_NOTE,
    TRAINER_LOG,
    is_step_log,
    logged_every_step,
    per_evaluation,
    saved_mid_run_note,
)
from fitwell.diagnosis.table_cells import MISSING_CELLS as _MISSING
from fitwell.diagnosis.table_cells import is_number
from fitwell.diagnosis.table_header import (
    DELIMITERS,
    HEADER_SEARCH_LINES,
    find_header,
    long_by_step,
    numbered_header,
    one_number_per_line,
    transposed,
)
from fitwell.diagnosis.table_layouts import (
    columns_one_row_per_epoch,
    names_each_rows_set,
    one_row_per_epoch,
    sampled_loss,
    without_event_rows,
)
from fitwell.diagnosis.table_rows import refuse_one_line_of_numbers, split_cells, table_rows
from fitwell.diagnosis.table_values import labelled_epochs, raw_columns, table_values
from fitwell.diagnosis.textlog import read_text_records
from fitwell.diagnosis.training_phases import keras_named
from fitwell.diagnosis.yolo_console import read_yolo_console, read_yolo_results

__all__ = ["LogFile", "counted_from_zero", "read_log_file", "read_step_log"]

#: A table printed by a script often follows a long preamble (the data set, the model, the settings).
_TABLE_SEARCH_LINES = 200
_EPOCHS_FROM_ONE = "the log counts epochs from 1: the messages name epochs by its numbers."
_EPOCHS_FROM = "the log's epochs start at {start}: the messages name epochs by its numbers."


@dataclass
class LogFile:
    """The last run in a log file.

    Attributes:
        columns: Per-epoch values by key (`None` where not recorded); JSON values may be anything.
        epochs: The epoch column, when there is one.
        notes: What the reader did that the user should know (skipped lines, split runs).
        is_json: Whether the file was JSON (its values still need converting).
        sampled_loss: Whether each epoch's training loss is one or two logged batches' losses, not
            the epoch's mean, or the mean of a few logged ones noisy by 5% or more
            (`table_layouts.sampled_loss`), or of a few printed batches' losses as noisy
            (`batch_lines.averaged_note`).
        part_of_epoch: Which part of one epoch a log stopped inside its first epoch holds, its
            rows the batches (`partial_epoch.py`: `batches 1–90 of 858 of epoch 1`); "" otherwise.
    """

    columns: dict[str, list[Any]]
    epochs: list[int] | None = None
    notes: list[str] = field(default_factory=list)
    is_json: bool = False
    sampled_loss: bool = False
    part_of_epoch: str = ""


def read_log_file(path: str, columns: Sequence[str] | None = None) -> LogFile:
    """Read the last run of a CSV or JSON training log.

    Args:
        path: The file.
        columns: The names of the columns of a table of numbers without a header row
            (`numpy.savetxt` of stacked curves), in order, e.g. `["epoch", "loss", "val_loss"]`.

    Returns:
        The columns of the last run, with notes.

    Raises:
        FileNotFoundError: When there is no such file.
        ValueError: For an empty, binary or damaged file (naming the line and column); for `columns`
            given for a file with a header, or naming another number of columns than its rows have.
    """
    text = log_text(path)
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ValueError(f"The log file {path!r} is empty. Expected a header row and one row per epoch.")
    refuse_a_merge_conflict(text, path)
    if columns is not None:
        return _read_named(text, path, columns)
    quoted = quoted_history(stripped)
    if quoted is not None:  # `json.dump(str(history.history), f)`: the history as one JSON string
        log = _read_json(quoted, path)
        log.notes = [
            "the file holds the history as one JSON string (json.dump(str(history.history))): read the "
            "dict inside it.",
            *(note for note in log.notes if note != LITERAL_NOTE),
        ]
        return log
    labelled = labelled_history(stripped)
    if labelled is not None:  # `print("train history:", history.history)` saved from the console
        label, history, rest = labelled
        log = _read_json(history, path)
        skipped = {0: "", 1: "; the line after it is skipped"}.get(
            rest, f"; the {rest} lines after it are skipped"
        )
        log.notes = [f"read the history printed after {label!r} on line 1{skipped}.", *log.notes]
        return log
    listed = listed_history(stripped)
    if listed is not None:  # `print(f"{key}: {values}")` for each of the history's lists
        log = _read_json(listed, path)
        log.notes = ["read the file's lines as the history's lists, each after its name.", *log.notes]
        return log
    if stripped[0] in "{[":
        try:
            return _read_json(stripped, path)
        except NotJsonError as error:
            printed = _printed_dicts(stripped, path)  # the Trainer's console: its dicts alone
            if printed is not None:
                return printed
            try:  # a printed log whose lines start with `[2024-10-31 22:45:12]`
                return _read_csv(text, path)
            except ValueError as text_error:
                # Not JSON from its first characters on: what the reading as text found says more.
                raise ValueError(str(text_error if error.looks_like_text else error)) from None
    return _printed_dicts(stripped, path) or _read_csv(text, path)


def _printed_dicts(text: str, path: str) -> LogFile | None:
    """Hugging Face `Trainer`'s console (or a loop's): one dict a line, among other text or not."""
    printed = printed_records(text)
    if printed is None:
        return None
    records, other = printed
    said = f"read the {len(records)} lines that print a dict of metrics as records ({other} other lines "
    said += "skipped)."
    return _json_log(records, said, path, one_per_line=True)


# -- JSON --------------------------------------------------------------------------------------
def _read_json(text: str, path: str) -> LogFile:
    data, literal = parsed_json(text, path)
    lines = literal is not None and literal.startswith(JSON_LINES_NOTE)
    return _json_log(data, literal, path, one_per_line=lines)


def _json_log(data: Any, literal: str | None, path: str, *, one_per_line: bool = False) -> LogFile:
    """The log of parsed JSON (`literal`: the note on how it was parsed, if any). Records read one
    per line (`one_per_line`) are said by that note alone, not again as a list of records."""
    openmmlab = openmmlab_columns(data)
    if openmmlab is not None:
        return read_step_log(openmmlab, [], written_by=OPENMMLAB)
    appended: list[str] = []
    detectron2 = detectron2_columns(data, appended)
    if detectron2 is not None:
        return read_step_log(detectron2, appended, written_by=DETECTRON2)
    saved_mid_run = saved_mid_run_note(data)
    shaped = sacred_columns(data, path) or ludwig_columns(data)
    data, turned = shaped if shaped is not None else as_columns(data)
    notes = [note for note in (literal, turned, saved_mid_run) if note]
    if one_per_line and literal is not None:
        notes = [literal]  # its records are read one column per key, as a list of them is
    if isinstance(data, Mapping) and names_each_rows_set(data) and not is_step_log(data):
        # `{"epoch": 1, "phase": "val", …}`: two records an epoch
        data = columns_one_row_per_epoch(dict(data), notes)
    if isinstance(data, Mapping) and {"current_steps", "total_steps"} <= set(data) and "step" not in data:
        # LLaMA-Factory's `trainer_log.jsonl`: the Trainer's records, its step named `current_steps`
        # beside the run's length and share done (no curves)
        data = {
            "step" if key == "current_steps" else key: values
            for key, values in data.items()
            if key not in ("total_steps", "percentage")
        }
    if isinstance(data, Mapping) and is_step_log(data):
        return read_step_log(dict(data), [note for note in notes if note != turned])
    numbered = numbers_by_epoch(data)
    if numbered is not None:  # `{"001": 0.349, "002": 0.310, ...}`
        data = {"epoch": numbered[0], "loss": numbered[1]}
        notes.append("the file holds one number per epoch number: read as the training loss.")
    keras_epochs = isinstance(data, Mapping) and isinstance(data.get("history"), Mapping)
    if keras_epochs:  # a Keras History's `epoch` (counted from 0) beside its `history`
        epochs = data.get("epoch")
        data = data["history"]
    else:
        epochs = data.get("epoch") if isinstance(data, Mapping) else None
    if is_list_of_numbers(data):  # `json.dump(losses, f)`: the training loss, one number per epoch
        data = {"loss": data}
        notes.append("the file holds one list of numbers: read as the training loss, one per epoch.")
    if not isinstance(data, Mapping):
        raise ValueError(
            f"{path!r} holds a JSON {type(data).__name__}, not an object of per-epoch lists (or a list of "
            'per-epoch objects). Expected e.g. {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7]}, as '
            "json.dump(history.history, f) writes it."
        )
    lists, per_sample = without_per_sample_or_step(
        {key: value for key, value in data.items() if isinstance(value, list)}
    )
    columns, note = keras_named(with_values(lists))
    if epochs is None:
        epochs = columns.get("epoch")
    columns.pop("epoch", None)
    epoch_list = _epoch_numbers(epochs)
    if epoch_list is not None and all(len(column) == len(epoch_list) for column in columns.values()):
        numbers = list(range(1, len(epoch_list) + 1))
        columns, epoch_list, numbers = without_reports(columns, epoch_list, numbers, notes)
        columns, epoch_list = last_run(numbers, [0], columns, epoch_list, notes, unit="record")
    counted = None
    if not keras_epochs:  # an epoch count a loop wrote means its own numbers
        epoch_list, counted = counted_from_zero(epoch_list, own_numbers="loss" not in data)
    return LogFile(columns, epoch_list, [*notes, *filter(None, [per_sample, note, counted])], is_json=True)


def _epoch_numbers(epochs: Any) -> list[int] | None:
    """A JSON log's epoch numbers, when it holds one number for every record; else None (the
    records are counted instead: a record without its `epoch`, or with text there)."""
    if not isinstance(epochs, list):
        return None
    if not all(isinstance(e, (int, float)) and not isinstance(e, bool) and math.isfinite(e) for e in epochs):
        return None
    return [int(e) for e in epochs]


def read_step_log(columns: dict[str, list], notes: list[str], *, written_by: str = TRAINER_LOG) -> LogFile:
    """A log written every few steps with the epoch as a fraction (`step_logs.py`; or by
    OpenMMLab's runners, `openmmlab_logs.py`, said by `written_by`), as one row per evaluation
    under Keras's names."""
    single = logged_every_step(columns)
    columns, epochs = per_evaluation(columns, notes, written_by=written_by)
    columns.pop("epoch", None)
    columns, renamed = keras_named(columns)
    epochs, counted = counted_from_zero(epochs, own_numbers=True)
    batch = single is not None and len(columns.get("loss", ())) == single  # a row a record
    notes = [*notes, EVERY_STEP_NOTE] if batch else notes
    # Per-key lists, read as a JSON history's are (the `step` column is not a curve).
    return LogFile(
        columns, epochs, [*notes, *filter(None, [renamed, counted])], is_json=True, sampled_loss=batch
    )


# -- CSV ---------------------------------------------------------------------------------------
def _read_named(text: str, path: str, columns: Sequence[str]) -> LogFile:
    """A table of numbers without a header row, its columns named by the caller; cells separated
    by commas, semicolons, tabs, colons or spaces."""
    if isinstance(columns, str) or not all(isinstance(name, str) and name.strip() for name in columns):
        raise TypeError(
            f"columns must be a list of column names, e.g. ['epoch', 'loss', 'val_loss']. Received: "
            f"columns={columns!r}."
        )
    names = [name.strip() for name in columns]
    lines = text.splitlines()
    header_index, _, header = find_header(lines)
    if header_index >= 0:
        raise ValueError(
            f"{path!r} has a header row (line {header_index + 1}: {','.join(header)[:60]!r}), so its columns "
            f"are named already. Received: columns={names}. Leave `columns` out, or remove the header line."
        )
    number, first = next((i, line) for i, line in enumerate(lines, start=1) if line.strip())

    def fits(cells: list[str]) -> bool:
        return len(cells) == len(names) and all(is_number(cell.strip()) or cell in _MISSING for cell in cells)

    for delimiter in DELIMITERS:
        if fits(split_cells(first, delimiter)):
            return _read_csv(text, path, named=(delimiter, names))
    # `numpy.savetxt`'s default: numbers separated by spaces; or printed `epoch: loss` lines.
    if fits(_spaced(first)):
        spaced = "\n".join(",".join(_spaced(line)) for line in lines)
        return _read_csv(spaced, path, named=(",", names))
    count = f"{len(names)} number{'s' if len(names) > 1 else ''}"
    raise ValueError(
        f"columns gives {len(names)} name{'s' if len(names) > 1 else ''} ({', '.join(names)}), but line "
        f"{number} of {path!r} does not split into {count} by commas, semicolons, tabs, colons or spaces "
        f"({first.strip()[:60]!r}). Name one column per cell, in order."
    )


def _spaced(line: str) -> list[str]:
    """The cells of a line set apart by spaces or colons (`3: 0.2986`, `3 0.2986 0.3117`)."""
    return line.replace(":", " ").split()


def _read_csv(text: str, path: str, named: tuple[str, list[str]] | None = None) -> LogFile:
    """The last run of a table; `named` gives the delimiter and the column names of a file
    without a header row (its rows start at line 1)."""
    lines = text.splitlines()
    if named is not None:
        header_index, (delimiter, header) = -1, named
        log = _read_table(lines, path, header_index, delimiter, header)
        log.notes.insert(
            0, f"the file has no header: its columns were read as {', '.join(header)}, as given."
        )
        return log
    turned = transposed(lines)
    if turned is not None:
        log = _read_csv("\n".join(turned), path)
        log.notes.insert(
            0, "the file holds one row per metric (a transposed table): read as one column per metric."
        )
        return log
    reported: list[str] = []
    opennmt = opennmt_columns(lines, reported)
    if opennmt is not None:
        return read_step_log(opennmt, reported, written_by=OPENNMT)
    yolo = read_yolo_console(lines) or read_yolo_results(lines)
    if yolo is not None:
        columns, printed_epochs, note = yolo
        epochs, counted = counted_from_zero(printed_epochs, own_numbers=True)  # YOLOv8 counts from 1
        return LogFile(columns, epochs, [note, *filter(None, [counted])])
    paired = name_value_cells(lines)
    printed = None if paired is None else read_text_records(paired)
    if printed is not None:
        log = _printed_log(*printed)
        log.notes.insert(
            0,
            "each line names its values, a name and a value in turns between commas: read as "
            "'name: value' pairs.",
        )
        return log
    header_index, delimiter, header = find_header(lines)
    aligned = aligned_table(lines, _TABLE_SEARCH_LINES) if header_index < 0 else None
    if aligned is not None:
        table, header_index, note = aligned
        log = _read_table(table, path, header_index, ",", table[header_index].split(","))
        log.notes.insert(0, note)
        return log
    if header_index < 0:
        partial = read_first_epoch_batches(lines)
        if partial is not None:
            columns, note, part = partial
            return LogFile(columns, None, [note], sampled_loss=True, part_of_epoch=part)
        printed = read_text_records(text)
        if printed is not None:
            return _printed_log(*printed)
        tensors = printed_loss_tensors(lines)
        if tensors is not None:  # `print(epoch, loss)` of the loss tensor, one line an epoch
            losses, printed_epochs, note = tensors
            epochs, counted = counted_from_zero(printed_epochs, own_numbers=True)
            return LogFile({"loss": losses}, epochs, [note, *filter(None, [counted])])
        if one_number_per_line(lines):  # `numpy.savetxt("loss.txt", losses)`
            if numbered_header(lines):
                line = next(index for index, text in enumerate(lines, start=1) if text.strip())
                raise ValueError(
                    f"Line {line} of {path!r} is '0' above numbers written with decimals: pandas' name for a "
                    "Series saved without one (`pandas.Series(losses).to_csv(path, index=False)`), not "
                    "a loss of 0. Expected a header naming the curve: save it with "
                    "`pandas.DataFrame(history.history).to_csv(path)`, or pass the history itself."
                )
            log = _read_csv("loss\n" + text, path)
            log.notes.insert(0, "the file has no header: read its one number per line as the training loss.")
            return log
        written = [line for line in lines if line.strip()]
        if len(written) == 1:
            refuse_one_line_of_numbers(split_cells(written[0], ","), path)
        first = lines[0] if lines else ""
        raise ValueError(
            f"No header row in {path!r}: none of its first {HEADER_SEARCH_LINES} lines names an 'epoch' or "
            f"'loss' column (line 1 is {first[:60]!r}), and it is not a printed log with 'loss: value' on "
            "its epoch lines either. Expected a CSVLogger file: a header such as 'epoch,loss,val_loss', "
            "then one row per epoch; or Keras's progress output. For a table of numbers without a header, "
            "name its columns: diagnose(path, columns=['epoch', 'loss', 'val_loss']), or `fitwell diagnose "
            "RUN.csv --columns epoch,loss,val_loss`."
        )
    return _read_table(lines, path, header_index, delimiter, header)


def _read_table(lines: list[str], path: str, header_index: int, delimiter: str, header: list[str]) -> LogFile:
    """The rows after the header line `header_index` (-1: no header line, rows from line 1); after
    the last header line with other columns, when a run in another layout was appended."""
    later = later_header(lines, header_index, delimiter, header)
    if later is not None:
        index, cells = later
        log = _read_table(lines, path, index, delimiter, cells)
        log.notes[0] = (  # in place of "skipped lines 1–N before the header": the runs before it
            f"the file holds runs appended one after another, the last under a header of its own with "
            f"other columns (line {index + 1}: {lines[index].strip()[:60]!r}); this is the last one "
            f"(lines {index + 1}–{len(lines)})."
        )
        return log
    notes = []
    if header_index > 0:
        skipped = "line 1" if header_index == 1 else f"lines 1–{header_index}"
        notes.append(f"skipped {skipped} before the header ({lines[0].strip()[:50]!r}).")
    rows, starts = table_rows(_quoted_cells_joined(lines), path, header_index, delimiter, header, notes)
    raw = raw_columns(rows, path, header) if starts == [0] else None
    if raw is not None and is_step_log(raw):
        return read_step_log(raw, notes)
    sampled = sampled_loss(rows, header) if starts == [0] else None
    if starts == [0]:  # an epoch over several rows (Lightning's CSVLogger), or one row per set
        rows, header = one_row_per_epoch(rows, header, notes)
        if long_by_step({keras_name(cell) for cell in header}):
            raise ValueError(
                f"{path!r} is a table of one row per metric and step ({', '.join(header)}) whose steps do "
                "not tell its rows apart: a metric stands twice at one step (a tracker's step left at 0, or "
                "several runs). "
                "Log each metric with the epoch as its step, or export one row per epoch."
            )
        rows = without_event_rows(rows, header, notes)
    if sampled:
        notes.append(sampled)
    values = table_values(rows, path, header, notes)
    epochs = values.pop("epoch", None)
    if epochs is None:
        epochs = labelled_epochs(rows, header, notes)  # `P2-7`: epoch 7 of phase 2
    first_epoch = epochs[0] if epochs else None  # of the file, not of its last run
    values, epochs = last_run([number for number, _ in rows], starts, values, epochs, notes)
    epoch_list = None if epochs is None else [int(e) if e is not None else -1 for e in epochs]
    own_numbers = "loss" not in (cell.strip() for cell in header)  # Keras's CSVLogger counts from 0
    epoch_list, counted = counted_from_zero(epoch_list, first_epoch, own_numbers=own_numbers)
    return LogFile(values, epoch_list, [*notes, *filter(None, [counted])], sampled_loss=sampled is not None)


def _quoted_cells_joined(lines: list[str]) -> list[str]:
    """The lines with a quoted cell that spans several (a confusion matrix printed into a CSV cell,
    which Python's csv module writes inside quotes) joined into its row, a blank line left for each
    line joined so that line numbers stay the file's; a quote never closed leaves the lines as
    they were."""
    joined: list[str] = []
    row: list[str] = []  # the lines of a row whose quoted cell is still open
    for line in lines:
        if row:
            row.append(line)
            if line.count('"') % 2:
                joined += [" ".join(row), *[""] * (len(row) - 1)]
                row = []
        elif line.count('"') % 2:
            row = [line]
        else:
            joined.append(line)
    return joined + row


def _printed_log(
    columns: dict[str, list[float | None]],
    epochs: list[int] | None,
    runs: int,
    first: int | None,
    tensors: bool,
    alone: int | None,
    fits: int,
    repeats: int,
    percent: frozenset[str] = frozenset(),
    averaged: int = 0,
    batch_noise: float = 0.0,
    named_batch: str = "",
) -> LogFile:
    last = f", of the last of {runs} runs (the epoch count or the fold starts again)" if runs > 1 else ""
    if fits:
        last = (
            f", of {fits} fit() calls on one model, one after another (the epoch count starts again at "
            "each, the loss carrying on where the last ended)"
        )
    count = len(next(iter(columns.values())))
    note = (
        f"read as a printed log: {count} epoch{'s' if count != 1 else ''}{last} from its 'name: value' "
        "lines (Keras's progress output, or a script's prints)."
    )
    if alone is not None:
        note += (
            f" The numbers printed after them under a line that names epoch {alone} are not read: a "
            "checkpoint reloaded and evaluated."
        )
    if repeats:
        note += (
            f" Left out {repeats} record{'s' if repeats != 1 else ''} that "
            f"print{'' if repeats != 1 else 's'} an earlier epoch again, its number and values alike (a "
            "console redrawn, or lines pasted twice)."
        )
    averaged_text, sampled = averaged_note(averaged, batch_noise)
    note += averaged_text
    if named_batch:
        note += named_batch_note(named_batch)
        sampled = True
    epochs, counted = counted_from_zero(epochs, first, own_numbers=True)  # `Epoch 3/10` counts from 1
    columns, fractions = _printed_percentages(columns, percent)
    named, renamed = keras_named(columns)  # e.g. a test set evaluated every epoch, without validation
    read_tensors = (
        "read the printed tensors ('tensor(0.52, device=...)') as their numbers." if tensors else None
    )
    return LogFile(
        named,
        epochs,
        [note, *filter(None, [renamed, counted, read_tensors, fractions])],
        sampled_loss=sampled,
    )


def _printed_percentages(
    columns: dict[str, list[float | None]], percent: frozenset[str]
) -> tuple[dict[str, list[float | None]], str | None]:
    """The columns with an accuracy printed with `%` that never reaches 1 read as a fraction, and the
    note saying so (`Acc 0.14%` at 1,000 classes is 0.0014, not 0.14). One that reaches above 1 is
    read as a percentage by its size later, as an accuracy printed without `%` is."""
    small = [
        name
        for name in sorted(percent)
        if name in columns
        and is_accuracy(name)
        and max((value for value in columns[name] if value is not None), default=2.0) <= 1.0
    ]
    if not small:
        return columns, None
    fixed = {
        name: [None if value is None else value / 100.0 for value in column] if name in small else column
        for name, column in columns.items()
    }
    shown = ", ".join(repr(name) for name in small)
    return fixed, f"read the percentages in {shown} (printed with '%', all under 1%) as fractions."


def counted_from_zero(
    epochs: list | None, first: float | None = None, *, own_numbers: bool = False
) -> tuple[list | None, str | None]:
    """`(epochs, note)`: an epoch count that starts at 1 moved to 0-based, with the note saying the
    messages use the log's own numbers; unchanged and None otherwise. Keras counts epochs from 0
    (its progress bar from 1); a hand-written loop that counts from 1 means its own numbers. With
    `own_numbers` (a log a loop wrote, not Keras's CSVLogger), a count that starts later (a resumed
    run, `epoch 9` first) is moved too, so that the messages name the epochs as the log does.

    Args:
        epochs: The epochs (of the run read; a missing one is negative or None).
        first: The log's first epoch, when `epochs` are those of its last run.
        own_numbers: Whether the numbers are the log's own count (a loop's, a printed log's).
    """
    start = first if first is not None else (epochs[0] if epochs else None)
    if not epochs or start is None or not (start == 1 or (own_numbers and start > 1)):
        return epochs, None
    note = _EPOCHS_FROM_ONE if start == 1 else _EPOCHS_FROM.format(start=int(start))
    return [epoch - 1 if epoch is not None and epoch >= 0 else epoch for epoch in epochs], note
