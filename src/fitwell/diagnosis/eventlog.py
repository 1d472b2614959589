"""Read TensorBoard event files: the per-epoch scalars a training run wrote for TensorBoard.

What is read, and how:

- Keras's and fitwell's `TensorBoard` callback: `train/` and `validation/` folders under the
  log folder, with tags `epoch_loss`, `epoch_accuracy`, … at step = epoch. `validation/` gives
  the `val_` curves; `batch_*` tags (per batch) and `evaluation_*_vs_iterations` are not epochs
  and are left out.
- A loop's own `SummaryWriter` in one folder: tags such as `loss`/`val_loss`, `train/loss`,
  or PyTorch's tutorial style `Loss/train` and `Loss/test`, read under Keras's names
  (`column_names.py`); the step is the epoch.
- PyTorch Lightning's `epoch` tag, logged at the global step, puts each value on its epoch
  (the epoch's last value); `*_step` tags (per step) are left out.
- A folder holding several runs (one per subfolder, as `logs/fit/<time>/` does): the run written
  last is read, and a note names it and says how many there were.
- A scalar that TensorBoard's page exported as CSV (`Wall time,Step,Value`): the file name says
  which (`run-validation-tag-epoch_loss.csv`, `train_loss.csv`); one file is one curve.

The files are read by TensorBoard's own `EventAccumulator` (the `tensorboard` package, which
the `TensorBoard` callback also needs): scalars written by `SummaryWriter.add_scalar`, and
TensorFlow 2's scalar summaries (stored as tensors).
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable

from fitwell.diagnosis.logfile import LogFile, counted_from_zero
from fitwell.diagnosis.training_phases import keras_named

__all__ = ["is_event_log", "is_scalar_export", "read_event_log", "read_scalar_export"]

_EVENT_FILE = "events.out.tfevents."
_EXPORT_HEADER = ["wall time", "step", "value"]
#: Names of the data a curve was measured on, and the prefix its curves get: as folders of Keras's
#: layout (`train/`, `validation/`) and as words of a tag (`Loss/train`, `val/acc`).
_PHASES = {
    "train": "",
    "training": "",
    "validation": "val_",
    "val": "val_",
    "valid": "val_",
    "eval": "val_",
    "test": "test_",
}


def is_event_log(path: str) -> bool:
    """Whether `path` is a TensorBoard event file, or a folder with event files (at any depth)."""
    if os.path.isfile(path):
        return os.path.basename(path).startswith(_EVENT_FILE)
    return os.path.isdir(path) and any(_event_folders(path))


def read_event_log(path: str) -> LogFile:
    """The per-epoch curves of the last run written under `path` (a folder or an event file).

    Raises:
        ImportError: Without the `tensorboard` package.
        ValueError: When no epoch scalars are found (the message lists the tags that were).
    """
    root = os.path.abspath(path)
    if os.path.isfile(root):
        root = os.path.dirname(root)
        if os.path.basename(root) in _PHASES:
            root = os.path.dirname(root)  # a file of `train/`: its run is the folder above
    runs: dict[str, dict[str, str]] = {}
    for folder in sorted(_event_folders(root)):
        if os.path.basename(folder) in _PHASES and folder != root:
            runs.setdefault(os.path.dirname(folder), {})[folder] = _PHASES[os.path.basename(folder)]
        else:
            runs.setdefault(folder, {})[folder] = ""
    loaded = {run: {folder: _scalars(folder) for folder in phases} for run, phases in runs.items()}
    last = max(loaded, key=lambda run: _last_write(loaded[run].values()))
    columns, epochs, seen = _columns(loaded[last], runs[last])
    named, renamed = keras_named(columns)
    if "loss" not in named:
        raise ValueError(
            f"No training loss among the TensorBoard scalars under {path!r}. Received tags: {sorted(seen)}. "
            "Expected per-epoch scalars as Keras's TensorBoard callback writes them (train/epoch_loss, "
            "validation/epoch_loss), or a SummaryWriter's 'loss' and 'val_loss' (or 'Loss/train' and "
            "'Loss/val')."
        )
    where = os.path.relpath(last, root)
    note = f"read the TensorBoard scalars under {path!r}" + ("" if where == "." else f": the run {where!r}")
    if len(loaded) > 1:
        note += f", written last of {len(loaded)} runs"
    return _logged(named, epochs or [], [note + ".", renamed])


def is_scalar_export(path: str) -> bool:
    """Whether `path` is a CSV file of one scalar exported from TensorBoard (`Wall time,Step,Value`)."""
    if not os.path.isfile(path):
        return False
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    return [cell.strip().strip('"').lower() for cell in first.split(",")] == _EXPORT_HEADER


def read_scalar_export(path: str) -> LogFile:
    """The one curve of a TensorBoard CSV export, named by its file (`run-train-tag-epoch_loss.csv`).

    Raises:
        ValueError: When the file's name does not name the training loss, or a row is damaged.
    """
    stem = os.path.splitext(os.path.basename(path))[0]
    run, _, tag = stem.rpartition("-tag-")
    run_words = set(run.lower().replace("-", "_").split("_"))
    prefix = next((_PHASES[word] for word in run_words if word in _PHASES), "")
    name = _curve_name(tag.replace("_", "/"), prefix)  # the page writes a tag's `/` as `_`
    named, renamed = keras_named({name: []}) if name else ({}, None)
    if list(named) != ["loss"]:
        raise ValueError(
            f"{path!r} is a TensorBoard export of one scalar, and its file name names {name or stem!r}, not "
            "the training loss. Expected the training loss's export (e.g. 'run-train-tag-epoch_loss.csv' or "
            "'train_loss.csv'); or pass the run's TensorBoard log folder, which holds every curve."
        )
    steps, values = [], []
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            cells = [cell.strip().strip('"') for cell in line.split(",")]
            if number == 1 or cells == [""]:
                continue
            try:
                steps.append(int(float(cells[1])))
                values.append(float(cells[2]))
            except (IndexError, ValueError):
                raise ValueError(
                    f"Line {number} of {path!r} is not a 'Wall time,Step,Value' row of numbers: "
                    f"{line.strip()!r}. Re-export the scalar from TensorBoard, or remove the line."
                ) from None
    return _logged({"loss": values}, steps, [f"read as a TensorBoard export of {name!r}.", renamed])


def _logged(columns: dict[str, list[float | None]], epochs: list[int], notes: list[str | None]) -> LogFile:
    """A LogFile of curves on their steps: steps that are not one per epoch are counted, with a note."""
    if epochs and any(after - before != 1 for before, after in zip(epochs, epochs[1:], strict=False)):
        notes.append(
            f"the scalars were written at steps {epochs[0]}, {epochs[1]}, … (not one per epoch): each step "
            "is read as an epoch, and the messages count them from 1."
        )
        return LogFile(columns, None, list(filter(None, notes)))
    epochs_from_zero, counted = counted_from_zero(epochs)
    return LogFile(columns, epochs_from_zero, list(filter(None, [*notes, counted])))


def _event_folders(path: str) -> Iterable[str]:
    for folder, _, files in os.walk(path):
        if any(name.startswith(_EVENT_FILE) for name in files):
            yield folder


def _scalars(folder: str) -> dict[str, list[tuple[float, int, float]]]:
    """`{tag: [(wall_time, step, value), ...]}` of the scalars in one folder's event files."""
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        from tensorboard.util.tensor_util import make_ndarray
    except ImportError as error:
        raise ImportError(
            "Reading TensorBoard event files needs the `tensorboard` package. Received: an environment "
            "without it. Install it with `pip install tensorboard` (TensorFlow is not needed)."
        ) from error
    accumulator = EventAccumulator(folder, size_guidance={"scalars": 0, "tensors": 0})
    accumulator.Reload()
    tags = accumulator.Tags()
    found = {
        tag: [(e.wall_time, e.step, float(e.value)) for e in accumulator.Scalars(tag)]
        for tag in tags["scalars"]
    }
    for tag in tags.get("tensors", []):
        events = []
        for event in accumulator.Tensors(tag):
            value = make_ndarray(event.tensor_proto)
            if value.size == 1 and value.dtype.kind in "fiu":
                events.append((event.wall_time, event.step, float(value.reshape(()))))
        if events:
            found.setdefault(tag, events)
    return found


def _last_write(phases: Iterable[dict[str, list[tuple[float, int, float]]]]) -> float:
    return max(
        (event[0] for scalars in phases for events in scalars.values() for event in events), default=0.0
    )


def _columns(
    phases: dict[str, dict[str, list[tuple[float, int, float]]]], prefixes: dict[str, str]
) -> tuple[dict[str, list[float | None]], list[int] | None, set[str]]:
    """One run's curves by name (aligned on the epochs), its epochs, and every tag seen."""
    series: dict[str, dict[int, float]] = {}
    seen: set[str] = set()
    for folder, scalars in phases.items():
        epoch_of = _epochs_by_step(scalars.get("epoch"))
        for tag, events in scalars.items():
            seen.add(tag)
            name = _curve_name(tag, prefixes[folder])
            if name is None:
                continue
            values = series.setdefault(name, {})
            for _, step, value in sorted(events, key=lambda event: (event[1], event[0])):
                values[epoch_of(step)] = value  # a step written twice (a resumed run): the later value
    if not series:
        return {}, None, seen
    epochs = sorted({epoch for values in series.values() for epoch in values})
    columns = {name: [values.get(epoch) for epoch in epochs] for name, values in series.items()}
    return columns, epochs, seen


def _epochs_by_step(events: list[tuple[float, int, float]] | None) -> Callable[[int], int]:
    """Step → epoch: through Lightning's `epoch` scalar (logged at the global step) when there is
    one, else the step is the epoch."""
    if not events:
        return lambda step: step
    marks = sorted((step, int(value)) for _, step, value in events)
    steps = [step for step, _ in marks]
    return lambda step: marks[max(0, bisect.bisect_right(steps, step) - 1)][1]


def _curve_name(tag: str, prefix: str) -> str | None:
    """A tag's curve name (before Keras's renaming), or None for what is not a per-epoch curve."""
    lowered = tag.strip().lower()
    if (
        lowered == "epoch"
        or lowered.startswith("batch_")
        or lowered.endswith("_step")
        or "vs_iterations" in lowered
    ):
        return None
    parts = [part for part in lowered.replace(" ", "_").split("/") if part]
    phase = next((part for part in parts if part in _PHASES), None)
    if phase is not None:
        parts.remove(phase)
        prefix = prefix or _PHASES[phase]
    name = "_".join(parts).removeprefix("epoch_").removesuffix("_epoch")
    if not name:
        return None
    return f"{prefix}{name}" if not name.startswith(prefix) else name
