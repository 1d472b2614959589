"""The shapes a parsed JSON history comes in, found and turned to one list per key.

Beside Keras's `{"loss": [...], "val_loss": [...]}`: a list of per-epoch records (a loop appending
its metrics dict each epoch), alone or under `history` (Hugging Face `Trainer`'s per-step records
under `log_history`, which `step_logs.py` reads); pandas' `to_json()` (`{"loss": {"0": 0.9,
...}}`); histories nested one level down, by set or by training phase (the last phase is read,
as the last of several appended runs is); runs or models nested deeper, or listed one per fold
(the last is read). The text is parsed by `jsonlog.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fitwell.diagnosis.adversarial import is_adversarial
from fitwell.diagnosis.column_names import HELD_OUT_WORDS, SET_WORDS
from fitwell.diagnosis.column_renames import keras_names
from fitwell.diagnosis.column_values import is_text_list

__all__ = ["as_columns", "is_list_of_numbers", "numbers_by_epoch"]


def as_columns(data: Any, *, deeper: bool = True) -> tuple[Any, str | None]:
    """Per-epoch lists from a list of per-epoch objects (a loop appending its metrics dict each
    epoch, alone or under `history`; Hugging Face `Trainer`'s records under `log_history`) or
    from pandas' `to_json()` (`{"loss": {"0": 0.9, ...}}`). Runs nested deeper than phases are
    looked for only when `deeper` (not again within a run: each level would repeat the search of
    the levels below it)."""
    # A Plotly figure's traces: `[{"x": [0, 1, ...], "y": [...], "name": "train_loss"}, ...]`.
    traces = _plot_traces(data)
    if traces is not None:
        placed = "their 'x' as the epochs" if "epoch" in traces else "epoch by epoch, no 'x' to place them"
        return traces, f"read a plot's traces as one column per trace's 'name' ({placed})."
    if _run_in_a_list(data):  # `[{"run_id": ..., "training": {"loss_history": [...]}, ...}]`
        columns, note = as_columns(data[0], deeper=deeper)
        return columns, " ".join(part for part in ("read the one run saved in a list of one.", note) if part)
    if isinstance(data, Mapping):  # `{"head": [{"loss": [...]}], ...}`: a history saved in a list of one
        data = {key: value[0] if _history_in_a_list(value) else value for key, value in data.items()}
    listed = _histories_listed(data)
    if listed is not None:  # `{"fold_histories": [{"train_loss": [...]}, ...]}`: folds, seeds or models
        runs, where = listed
        columns, note = as_columns(runs[-1], deeper=False)
        first = f"read the last of {len(runs)} histories (folds, seeds or models) listed{where}."
        return columns, " ".join(part for part in (first, note) if part)
    by_epoch = _records_by_epoch(data)
    if by_epoch is not None:  # `{"1": {"train_loss": ..., "val_loss": ...}, "2": ...}`
        epochs, records = by_epoch
        columns = {"epoch": epochs, **records_as_columns(records)}
        return (
            columns,
            f"read a JSON object of {len(records)} per-epoch records keyed by their epochs' numbers "
            "(pandas' to_json(orient='index')) as one column per key.",
        )
    records, where = _records_of(data) if isinstance(data, Mapping) else (data, "")
    if isinstance(records, list) and records and all(isinstance(record, Mapping) for record in records):
        records = [_flattened(record) for record in records]  # `{"epoch": 1, "train": {"loss": ...}}`
        one_epoch = _one_epoch_histories(records)
        if one_epoch:  # `fit(epochs=1).history` appended each epoch: `{"loss": [0.34], ...}`
            records = [
                {key: value[0] if isinstance(value, list) else value for key, value in record.items()}
                for record in records
            ]
        columns = records_as_columns(records)
        what = " (each the history of a one-epoch fit, its values lists of one)" if one_epoch else ""
        return (
            columns,
            f"read a JSON list of {len(records)} per-epoch records{where}{what} as one column per key.",
        )
    if (
        isinstance(data, Mapping)
        and any(_indexed(value) for value in data.values())
        and all(_indexed(value) or value == {} for value in data.values())
    ):
        rows = sorted({int(index) for value in data.values() for index in value})
        columns = {key: [value.get(str(row)) for row in rows] for key, value in data.items() if value}
        return (
            columns,
            "read pandas' to_json() table (one object per column, keyed by row) as one column per key.",
        )
    if isinstance(data, Mapping) and "history" not in data:
        wrapped = _one_history_inside(data)
        if wrapped is not None:
            where = " → ".join(repr(key) for key in wrapped)
            inner = dict(_at(data, wrapped))
            records, under = _records_of(inner)
            if not _has_training_loss(inner) and isinstance(records, list):
                # `{"args": {...}, "training_history": {"autoregressive": [{"epoch": 1, "loss": ...}]}}`
                columns, note = as_columns(inner, deeper=False)
                inside = under.replace(" under ", " → ")
                return (
                    columns,
                    f"read the per-epoch records under {where}{inside} (the rest holds no curves).",
                )
            return inner, f"read the per-epoch lists under {where} (the rest holds no curves)."
        phases = _nested_phases(data)
        if phases:  # `{"head": {"loss": [...]}, "fine_tuning": {"loss": [...]}}`: the last is read
            listed = ", ".join(repr(phase) for phase in phases)
            return _flattened(data[phases[-1]]), (
                f"read the last of {len(phases)} training phases nested in the file ({listed}): "
                f"the lists under {phases[-1]!r}."
            )
        nested = _runs_nested_deeper(data) if deeper else None
        if nested is not None:  # `{"results": {"model_a": {"training_history": {...}}, "model_b": ...}}`
            parent, runs, groups = nested
            columns, note = as_columns(_at(data, (*parent, runs[-1])), deeper=False)
            where = " → ".join(repr(key) for key in (*parent, runs[-1]))
            listed = ", ".join(repr(run) for run in runs)
            grouped = (
                f" (the last of {len(groups)} groups of runs: {', '.join(repr(group) for group in groups)})"
                if len(groups) > 1
                else ""
            )
            return columns, " ".join(
                part
                for part in (
                    f"read the last of {len(runs)} runs (or models) nested in the file ({listed}){grouped}: "
                    f"the history under {where}.",
                    note,
                )
                if part
            )
        # Histories nested one level down by set (`{"train": {"loss": ...}, "val": {"loss": ...}}`,
        # or per-epoch records under each set: `{"train": [{"loss": ...}, ...], "val": [...]}`, read
        # as `train_loss`, `val_loss`), or by network (a GAN's, refused by name later).
        return _flattened(data), None
    return data, None


def records_as_columns(records: list[Mapping]) -> dict[str, list]:
    """One column per key of the records, in the order the keys first appear; None where a record
    lacks the key."""
    keys = dict.fromkeys(key for record in records for key in record)
    return {key: [record.get(key) for record in records] for key in keys}


def _nested_phases(data: Mapping) -> list[str]:
    """The keys of the training phases a history nests one level down, in the file's order (`{"head":
    {"loss": [...], "val_loss": [...]}, "fine_tuning": {"loss": [...], ...}, "best_epoch": 3}`): at
    least two mappings, each with a training loss of several epochs (its own, or under its sets:
    `{"jepa": {"train": [...], "val": [...]}, "baseline": {...}}`), not two of them named for sets
    (`train` and `val`, `train_metrics` and `val_metrics`; `training` beside `fine_tuning` is a
    phase) nor for a GAN's networks; else []."""
    phases = [
        str(key)
        for key, value in data.items()
        if isinstance(value, Mapping) and not _indexed(value) and _has_training_loss(value)
    ]
    if len(phases) < 2 or _named_for_sets(phases) > 1 or is_adversarial(phases):
        return []  # `train_metrics` and `val_metrics`, `train_history` and `val_history`: sets
    return phases


def _runs_nested_deeper(data: Mapping) -> tuple[tuple[str, ...], list[str], list[str]] | None:
    """`(parent, runs, groups)`: the keys down to a mapping (`data` itself, or one mapping in it) whose
    mappings are two or more runs or models, each holding its own history deeper than `_nested_phases`
    looks (`{"symptoms": {"epochs_ran": 9, "history": [{"epoch": 1, "train_loss": ...}, ...]},
    "medicine": {...}}`; `{"config": {...}, "results": {"model_a": {"final_accuracy": 98.4,
    "training_history": {"train_loss": [...]}}, "model_b": {...}}}`), in the file's order, with the
    same exclusions (sets, named by any word of their keys; a GAN's networks); and the keys of the
    groups that hold runs so. Of several groups side by side (`{"dataset_a": {"cnn": {...}, "mlp":
    {...}}, "dataset_b": {...}}`: the runs of a grid), the last; else None, also when the file
    itself and a mapping in it both hold such runs."""
    found = []
    for parent in [(), *((key,) for key, value in data.items() if isinstance(value, Mapping))]:
        within = _at(data, parent)
        runs = [str(key) for key, value in within.items() if _holds_a_history(value)]
        if len(runs) >= 2 and _named_for_sets(runs) <= 1 and not is_adversarial(runs):
            if not _alike_if_records([within[run] for run in runs], runs):
                continue
            found.append((parent, runs))
    grouped = [(parent, runs) for parent, runs in found if parent]
    groups = [str(parent[0]) for parent, _ in grouped]
    # The groups' flattened runs read as runs of the file itself too: the same grid, once. Groups
    # named for sets (`{"train": {"cnn": ...}, "val": {"cnn": ...}}`) are one grid's sets: refused.
    if len(grouped) > 1 and (len(grouped) == len(found) or found[0][1] == groups):
        return (*grouped[-1], groups) if _named_for_sets(groups) == 0 else None
    return (*found[0], [str(key) for key in found[0][0]]) if len(found) == 1 else None


def _alike_if_records(values: list[Any], names: list[str]) -> bool:
    """Whether runs saved as lists of per-epoch records are runs alike: none named for a set (a
    `test_metrics` list beside the epochs' `metrics` is the held-out set's), and every one's
    records with the same keys (per-sample records beside the epochs' are no run). Runs saved as
    mappings pass."""
    records = [value for value in values if isinstance(value, list)]
    if not records:
        return True
    keys = {frozenset(key for record in value for key in record) for value in records}
    return len(keys) == 1 and _named_for_sets(names) == 0


def _named_for_sets(keys: list[str]) -> int:
    """How many of `keys` hold a set's word (`train_metrics`, `val_history`, `model_val`): two such
    mappings are one run's sets, not its phases or runs."""
    return sum(
        bool(set(key.lower().replace("-", "_").split("_")) & (SET_WORDS | HELD_OUT_WORDS)) for key in keys
    )


def _holds_a_history(value: Any) -> bool:
    """Whether `value` is a mapping whose per-epoch curves, as `as_columns` reads them, hold a
    training loss of several epochs; or a list of per-epoch records with one (`{"model_a": [{"epoch":
    1, "train_loss": ...}, ...], "model_b": [...]}`)."""
    if isinstance(value, list) and len(value) > 1 and all(isinstance(item, Mapping) for item in value):
        columns, _ = as_columns(value, deeper=False)
        return isinstance(columns, Mapping) and _has_training_loss(columns)
    if not isinstance(value, Mapping) or _indexed(value):
        return False
    columns, _ = as_columns(value, deeper=False)
    if isinstance(columns, Mapping) and isinstance(columns.get("history"), Mapping):
        columns = columns["history"]  # Keras's History saved whole
    return isinstance(columns, Mapping) and _has_training_loss(columns)


def _histories_listed(data: Any) -> tuple[list, str] | None:
    """`(histories, where)` when `data` is a list of several histories of several epochs each, each a
    mapping of per-epoch lists with a training loss (one per cross-validation fold, seed or model:
    `fh_004`, three folds of 11 to 15 epochs), or holds one such list beside its summaries (`where`:
    under which key); else None. A list of per-epoch records is no such list: its values are numbers."""
    if isinstance(data, list):
        return (data, " in the file") if _several_histories(data) else None
    if not isinstance(data, Mapping):
        return None
    keys = [key for key, value in data.items() if _several_histories(value)]
    return (data[keys[0]], f" under {keys[0]!r}") if len(keys) == 1 else None


def _several_histories(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 1
        and all(_holds_lists(item) and _has_training_loss(item) for item in value)
    )


def _history_in_a_list(value: Any) -> bool:
    """Whether `value` is a list of one mapping that holds per-epoch lists (`[{"loss": [...]}]`)."""
    return (
        isinstance(value, list)
        and len(value) == 1
        and isinstance(value[0], Mapping)
        and any(isinstance(item, list) and len(item) > 1 for item in value[0].values())
    )


def _plot_traces(data: Any) -> dict[str, list] | None:
    """The columns of a plot saved as its traces (Plotly's figure JSON, `{"data": [...], "layout":
    {...}}`, or its list of traces): each trace a mapping with a `name` and a `y` list of several
    numbers, named apart. Their `x` (the epochs), when every trace has one as long as its `y`,
    is the `epoch` column, each trace's values placed at its own epochs (a validation trace at
    every fifth one); without it, the traces are read epoch by epoch. None for anything else."""
    if isinstance(data, Mapping) and isinstance(data.get("data"), list) and "layout" in data:
        data = data["data"]
    if not isinstance(data, list) or len(data) < 2:
        return None
    if not all(
        isinstance(trace, Mapping) and isinstance(trace.get("name"), str) and _several(trace.get("y"))
        for trace in data
    ):
        return None
    names = [trace["name"] for trace in data]
    if len(set(names)) != len(names):
        return None
    steps = [trace.get("x") for trace in data]
    placed = all(
        isinstance(x, list) and len(x) == len(trace["y"]) for x, trace in zip(steps, data, strict=True)
    )
    if not placed:  # no `x` (Plotly allows `y` alone), or one of another length: by position
        return {trace["name"]: trace["y"] for trace in data}
    epochs = sorted({step for x in steps for step in x if isinstance(step, (int, float))})
    if len(epochs) != len({step for x in steps for step in x}):
        return {trace["name"]: trace["y"] for trace in data}  # `x` that is no number: read by position
    columns: dict[str, list] = {"epoch": epochs}
    for x, trace in zip(steps, data, strict=True):
        at = dict(zip(x, trace["y"], strict=True))
        columns[trace["name"]] = [at.get(epoch) for epoch in epochs]
    return columns


def _run_in_a_list(data: Any) -> bool:
    """Whether `data` is a list of one mapping that holds per-epoch lists, at its top or up to two
    levels down (a run's record, `[{"configuration": {...}, "training": {"loss_history": [...]}}]`),
    not one per-epoch record of numbers."""
    return (
        isinstance(data, list)
        and len(data) == 1
        and isinstance(data[0], Mapping)
        and _holds_a_history(data[0])
    )


def _has_training_loss(history: Mapping) -> bool:
    renames = keras_names(str(key) for key in history)
    return any(
        renames.get(str(key), str(key)) == "loss" and isinstance(value, list) and len(value) > 1
        for key, value in history.items()
    )


def _one_epoch_histories(records: list[Mapping]) -> bool:
    """Whether every list in every record holds one value, and every record holds one: the
    `history.history` of a `fit(epochs=1)` call, appended once per epoch (with its epoch number
    beside it, `{"epoch": 3, **history.history}`, or not)."""
    lists = [[value for value in record.values() if isinstance(value, list)] for record in records]
    return all(lists) and all(len(value) == 1 for found in lists for value in found)


def _one_history_inside(data: Mapping) -> tuple[str, ...] | None:
    """The keys down to the one nested mapping of per-epoch lists, when nothing else in `data` is a
    list of several values (`{"final_eval": {"val_acc": 0.83}, "training_history": {"epoch":
    [...], "train_loss": [...]}}`); else None (two such mappings are phases, or sets). When the
    mappings one level down that hold lists have no training loss, the one found deeper, up to
    three levels, with a training loss (`{"config": {"betas": [0.9, 0.999]}, "training":
    {"epochs_ran": 8, "history": {"train_loss": [...]}}}`), when every other list is shorter than
    its loss (settings, per-class results): a validation history beside it is not left out; and
    so one level down beside a mapping of such settings."""
    if any(_several(value) and not _settings_records(data, value) for value in data.values()):
        return None
    found = [(key,) for key, value in data.items() if _holds_lists(value)]
    if len(found) == 1 and _has_training_loss(data[found[0][0]]):
        return found[0]
    nested = _nested_lists(data, 3)
    histories = [keys for keys in nested if _has_training_loss(_at(data, keys))]
    # One level down too, beside a mapping of settings whose lists are shorter (`{"config":
    # {"conv_filters": [32, 64, 128]}, "training_history": {"train_loss": [...], ...}}`, `fj_034`).
    if len(histories) == 1 and (len(histories[0]) > 1 or len(found) > 1):
        epochs = _longest_list(_at(data, histories[0]))
        if all(_longest_list(_at(data, keys)) < epochs for keys in nested if keys != histories[0]):
            return histories[0]
    # Not the one mapping of lists when two histories lie deeper, or when its lists are runs of
    # per-epoch records (`{"config": {...}, "curves": {"dense": [{"step": 250, "train": ...}, ...],
    # "sparse": [...]}}`): runs or models, `_runs_nested_deeper`.
    if len(found) != 1 or len(histories) >= 2:
        return None
    runs = [
        value for value in _at(data, found[0]).values() if isinstance(value, list) and _holds_a_history(value)
    ]
    return found[0] if len(runs) < 2 else None


def _longest_list(mapping: Mapping) -> int:
    return max((len(value) for value in mapping.values() if isinstance(value, list)), default=0)


def _holds_lists(value: Any) -> bool:
    """Whether `value` is a mapping (not pandas' table) with a list of several values in it."""
    return (
        isinstance(value, Mapping) and not _indexed(value) and any(_several(item) for item in value.values())
    )


def _nested_lists(data: Mapping, depth: int) -> list[tuple[str, ...]]:
    """The keys down to every mapping within `depth` levels of `data` that holds lists."""
    found = []
    for key, value in data.items():
        if _holds_lists(value):
            found.append((key,))
        elif isinstance(value, Mapping) and depth > 1:
            found += [(key, *keys) for keys in _nested_lists(value, depth - 1)]
    return found


def _at(data: Mapping, keys: tuple[str, ...]) -> Any:
    for key in keys:
        data = data[key]
    return data


def _several(value: Any) -> bool:
    """Whether `value` is a list of several values that may be a curve (not names: `tickers`,
    `feature_names`; nor a matrix, a list of rows: a `confusion_matrix` beside the history)."""
    return (
        isinstance(value, list)
        and len(value) > 1
        and not is_text_list(value)
        and not all(isinstance(item, list) for item in value)
    )


def _records_of(data: Mapping) -> tuple[Any, str]:
    """`(records, where)`: the per-epoch records of a mapping under `history` or `log_history`, else
    its one list of records beside settings (`{"model": "...", "class_weights": [0.8, 1.4],
    "epochs": [{"epoch": 1, "train": {...}, "validation": {...}}, ...]}`; beside a list of each
    batch's records, `batch_metrics`, the per-epoch one). `(None, "")` when it
    holds two lists of records (one per set, read by `_flattened`) or a list of numbers as long as
    them (per-epoch curves beside them)."""
    if "history" in data or "log_history" in data:
        return data.get("history", data.get("log_history")), ""
    lists = {
        key: value
        for key, value in data.items()
        if isinstance(value, list) and value and not _settings_records(data, value)
    }
    found = [key for key, value in lists.items() if all(isinstance(record, Mapping) for record in value)]
    per_epoch = [key for key in found if not _per_batch(lists[key])]
    if per_epoch and len(per_epoch) < len(found):  # epoch summaries beside each batch's records
        lists = {key: value for key, value in lists.items() if key in per_epoch or key not in found}
        found = per_epoch
    if len(found) != 1 or any(
        len(value) == len(lists[found[0]]) for key, value in lists.items() if key != found[0]
    ):
        return None, ""
    return lists[found[0]], f" under {found[0]!r}"


def _settings_records(data: Mapping, value: Any) -> bool:
    """Whether `value` is a list of records none of which names a loss, beside a history with a
    training loss, nested (`{"source_files": [{"file": ..., "rows": ...}], "history_tail": {"loss":
    [...]}}`) or at the top (Keras's `history.history` saved with the model's `architecture`, a
    list of its layers: `ez_004`): a description of the data or the model, not the epochs."""
    if not (isinstance(value, list) and value and all(isinstance(record, Mapping) for record in value)):
        return False
    names = {str(key) for record in value for key in _flattened(record)}  # `{"epoch": 1, "metrics": {...}}`
    renames = keras_names(names)
    if any(renames.get(name, name) in ("loss", "val_loss", "epoch") for name in names):
        return False  # a loss, or records numbered by epoch: curves (a validation set's, kept apart)
    renames = keras_names(str(key) for key in data)
    curves = [other for key, other in data.items() if is_list_of_numbers(other)]
    if any(
        renames.get(str(key), str(key)) == "loss" and is_list_of_numbers(other) for key, other in data.items()
    ):
        return all(len(value) != len(other) for other in curves)  # as many as the epochs: curves
    return any(isinstance(other, Mapping) and _has_training_loss(other) for other in data.values())


def is_list_of_numbers(data: Any) -> bool:
    """Whether parsed JSON is a list of numbers (at least 3, not all whole: `[1, 2, 3]` counts
    something else), as `json.dump(losses, f)` writes a list of losses, or a history a curve."""
    return (
        isinstance(data, list)
        and len(data) >= 3
        and all(isinstance(value, int | float) and not isinstance(value, bool) for value in data)
        and not all(float(value).is_integer() for value in data)
    )


#: Keys that number a record within its epoch: a list of such records is the batches', not the epochs'.
_BATCH_KEYS = frozenset({"batch", "step", "iteration", "iter", "global_step", "batch_idx"})


def _per_batch(records: list) -> bool:
    """Whether every record of a list numbers a batch or step (`{"epoch": 1, "batch": 0, "loss":
    ...}`): one record per batch, not per epoch."""
    return all(_BATCH_KEYS & {str(key).lower() for key in record} for record in records)


#: Keys a record nests its numbers under without saying anything about them
#: (`{"epoch": 3, "metrics": {"train_loss": ...}}`): lifted under their own names.
_CONTAINERS = frozenset({"metrics", "logs", "log", "stats", "scalars", "results", "values"})


#: A set's container (`{"train_loss": ..., "val_metrics": {"loss": ..., "accuracy": ...}}`): its
#: items are that set's, `val_loss` and `val_accuracy`.
_SET_CONTAINER = re.compile(
    rf"({'|'.join(sorted(SET_WORDS))})_(?:{'|'.join(sorted(_CONTAINERS))})", re.IGNORECASE
)


def _flattened(data: Mapping) -> dict:
    """The mapping with its nested mappings' items (or its lists of records, as columns) lifted one
    level, under `outer_inner` names (under their own names from a container such as `metrics`,
    when the mapping has none of them already; under the set's from a set's container,
    `val_metrics`, unless the mapping names one of them already); a list of records that describes
    the data or the model (`_settings_records`) is left out."""
    flat = {}
    for outer, value in data.items():
        if _settings_records(data, value):
            continue
        if isinstance(value, list) and value and all(isinstance(record, Mapping) for record in value):
            keys = dict.fromkeys(key for record in value for key in record)
            value = {key: [record.get(key) for record in value] for key in keys}
        if isinstance(value, Mapping) and not _indexed(value):
            bare = str(outer).lower() in _CONTAINERS and not set(value) & set(data)
            of_set = _SET_CONTAINER.fullmatch(str(outer))
            for key, item in value.items():
                if bare:
                    flat[key] = item
                elif of_set and f"{of_set.group(1)}_{key}" not in data:
                    flat[f"{of_set.group(1)}_{key}"] = item
                else:
                    flat[f"{outer}_{key}"] = item
        else:
            flat[outer] = value
    return flat


def _records_by_epoch(data: Any) -> tuple[list[int], list[dict]] | None:
    """`(epochs, records)` from an object whose keys are all whole numbers (the epochs) and whose
    values are all records of numbers (`{"1": {"train_loss": 292.8, "val_loss": 269.0}, ...}`: a
    loop's `history[epoch] = {...}`, or pandas' `to_json(orient="index")`), in the epochs' order;
    None for any other shape (numbers under numbered keys are `numbers_by_epoch`'s)."""
    if not _indexed(data) or not all(isinstance(value, Mapping) and value for value in data.values()):
        return None
    epochs, records = _in_epoch_order({key: _flattened(value) for key, value in data.items()})
    numbers = (int, float, type(None))
    if "epoch" in {key for record in records for key in record} or not all(
        isinstance(item, numbers) and not isinstance(item, bool)
        for record in records
        for item in record.values()
    ):
        return None
    return epochs, records


def numbers_by_epoch(data: Any) -> tuple[list[int], list[Any]] | None:
    """`(epochs, values)` from an object whose keys are all whole numbers and whose values are
    numbers, as a list of numbers would be (`{"001": 0.349, "002": 0.310, ...}`: a loop's
    `losses[f"{epoch:03d}"] = loss`), in the epochs' order; None for any other shape."""
    if not _indexed(data) or not is_list_of_numbers(list(data.values())):
        return None
    return _in_epoch_order(data)


def _in_epoch_order(data: Mapping) -> tuple[list[int], list[Any]]:
    """The whole-number keys of `data` as epochs, in order, and their values in that order."""
    by_epoch = {int(key): value for key, value in data.items()}
    epochs = sorted(by_epoch)
    return epochs, [by_epoch[epoch] for epoch in epochs]


def _indexed(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and all(str(key).isdigit() for key in value)
