"""What a run returns, as Keras returns it: losses and metrics in `metrics_names` order, outputs as numpy.

`evaluate`, `train_on_batch` and `test_on_batch` return their logs as a
float, a list or a dict; `predict` returns numpy outputs with every row,
even when each process ran only its own share of the data.
"""

from __future__ import annotations

from typing import Any

from fitwell import distributed, structures
from fitwell.data import ArrayData, IterableData
from fitwell.objectives import Objectives

__all__ = ["in_compile_order", "predictions"]


def in_compile_order(
    logs: dict[str, float], objectives: Objectives, return_dict: bool
) -> float | list[float] | dict[str, float]:
    """`logs` as Keras returns them: the dict with `return_dict`, else the values in order (a float alone)."""
    # Keras: the dict as is, or the values in metrics_names order, then any
    # other keys (a custom step's own logs) sorted; a float alone.
    if return_dict:
        return logs
    names = [name for name in objectives.names if name in logs]
    values = [logs[name] for name in names] + [logs[key] for key in sorted(set(logs) - set(names))]
    return values[0] if len(values) == 1 else values


def predictions(outputs: Any, data: ArrayData | IterableData) -> Any:
    """`predict`'s outputs as numpy, with the rows of every process when array data was sharded."""
    if isinstance(data, ArrayData) and data.shard is not None:
        # Every process returns all rows, in input order.
        positions = data.local_positions()
        outputs = structures.map_structure(
            outputs, lambda t: distributed.gather_rows(t, positions, data.num_samples)
        )
    return structures.to_numpy(outputs)
