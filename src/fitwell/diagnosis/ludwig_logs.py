"""Ludwig's `training_statistics.json`: the curves its `train` command writes.

`{"training": {"combined": {"loss": [...]}, "<output feature>": {"loss": [...], "accuracy": [...]}},
"validation": {...}, "test": {...}}` (older versions name the first set `train`): one value per
epoch under each set, for the combined loss and for each output feature's metrics. Read as one
column per curve: the combined loss of the training set as `loss`, of the validation and test sets
as `val_loss` and `test_loss`; the metrics of a model's one output feature under their own names
(`accuracy`, `val_accuracy`; its own `loss` is the combined loss again, and its `error`, the mean
signed difference of prediction and target, is no measure where lower is better: both left out); of
a model with several outputs, under the feature's name (`genre_accuracy`, `val_genre_accuracy`). A
set left empty (`"test": {}`, no test set) is left out. Newer versions add how often the sets were
evaluated (`evaluation_frequency`): once an epoch is read so; every so many steps (`"period":
"step"`) is no epoch's curve, and the file is read as any other JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fitwell.diagnosis.wording import joined

__all__ = ["ludwig_columns"]

#: The sets Ludwig writes, by the prefix their columns take.
_SETS = {"training": "", "train": "", "validation": "val_", "test": "test_"}
#: Newer versions say how often the sets were evaluated: `{"frequency": 1, "period": "epoch"}`.
_FREQUENCY = "evaluation_frequency"
#: An output feature's metrics that are no curve of their own.
_LEFT_OUT = frozenset({"loss", "error"})


def ludwig_columns(data: Any) -> tuple[dict[str, list], str] | None:
    """`(columns, note)` of Ludwig's training statistics; None for any other shape: an object
    whose keys are Ludwig's sets (a training set among them), each set an object of output
    features whose metrics are lists, a `combined` one holding the loss."""
    if not isinstance(data, Mapping) or not data or not set(data) <= {*_SETS, _FREQUENCY}:
        return None
    frequency = data.get(_FREQUENCY)
    data = {name: value for name, value in data.items() if name != _FREQUENCY and value != {}}
    training = data.get("training", data.get("train"))
    if not _a_set(training) or not all(_a_set(value) for value in data.values()):
        return None
    if isinstance(frequency, Mapping) and frequency.get("period") not in (None, "epoch"):
        return None  # evaluated every so many steps: no epoch's curves
    features = [name for name in training if name != "combined"]
    columns: dict[str, list] = {}
    for set_name, by_feature in data.items():
        prefix = _SETS[set_name]
        columns[f"{prefix}loss"] = list(by_feature["combined"]["loss"])
        for feature, metrics in by_feature.items():
            if feature == "combined" and features:
                continue  # the combined accuracy of older versions, when the features give theirs
            for metric, values in metrics.items():
                if metric in _LEFT_OUT or not isinstance(values, list):
                    continue
                named = metric if len(features) <= 1 or feature == "combined" else f"{feature}_{metric}"
                columns[f"{prefix}{named}"] = list(values)
    listed = joined(repr(name) for name in features) if features else "none named"
    return columns, (
        f"read Ludwig's training statistics: the combined loss of each set, and the metrics of its "
        f"output {'feature' if len(features) == 1 else 'features'} ({listed})."
    )


def _a_set(value: Any) -> bool:
    """Whether `value` is one set's statistics: output features' metric lists, the `combined`
    loss among them."""
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("combined"), Mapping)
        and isinstance(value["combined"].get("loss"), list)
        and all(isinstance(metrics, Mapping) for metrics in value.values())
    )
