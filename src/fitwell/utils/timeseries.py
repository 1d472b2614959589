"""Sliding windows over a timeseries, batched: Keras's `timeseries_dataset_from_array`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from fitwell.utils.dataset_methods import DatasetMethods

__all__ = ["TimeseriesDataset", "timeseries_dataset_from_array"]


def timeseries_dataset_from_array(
    data: Any,
    targets: Any,
    sequence_length: int,
    sequence_stride: int = 1,
    sampling_rate: int = 1,
    batch_size: int | None = 128,
    shuffle: bool = False,
    seed: int | None = None,
    start_index: int | None = None,
    end_index: int | None = None,
) -> TimeseriesDataset:
    """Batches of windows cut from `data` (axis 0 is time), with the target of each window.

    Window number `k` starts at time `i = start_index + k * sequence_stride`
    and holds `data[i], data[i + sampling_rate], ...` (`sequence_length`
    steps); its target is `targets[i]`. Windows must end before
    `end_index`, so trailing steps that cannot fill a window are dropped,
    and there are never more windows than `targets` has rows. These are
    Keras's windows; here they come as torch tensors (the data's dtype is
    kept), and `fit`, `evaluate` and `predict` take the result as `x`.

    Args:
        data: Array (numpy, torch, pandas) of consecutive steps, time first.
        targets: `targets[i]` is the target of the window starting at step
            `i`; `None` gives windows without targets.
        sequence_length: Steps in each window.
        sequence_stride: Steps between the starts of two windows.
        sampling_rate: Steps between two entries of one window.
        batch_size: Windows per batch (the last batch may be smaller);
            `None` yields single windows.
        shuffle: Visit the windows in random order: every complete pass
            draws a new order from `seed` (the first one is the order Keras
            draws for the same seed).
        seed: Seed for the shuffling; `None` draws one from numpy's global
            generator (see `fitwell.utils.set_random_seed`).
        start_index: First step windows may use (default: 0).
        end_index: Steps from `end_index` on are not used (default: all).

    Returns:
        A `TimeseriesDataset`: iterate it for `(windows, targets)` batches
        (`windows` alone without targets); `len()` is its number of batches,
        and it has tf.data's `take`, `map`, `cardinality`, ... methods.

    Raises:
        ValueError: For windows that do not fit the data, bad strides or
            indices, or too few targets.

    Example:
        >>> steps = np.arange(10)
        >>> dataset = timeseries_dataset_from_array(steps[:-3], steps[3:], sequence_length=3, batch_size=4)
        >>> len(dataset)
        2
        >>> windows, next_steps = next(iter(dataset))
        >>> windows
        tensor([[0, 1, 2],
                [1, 2, 3],
                [2, 3, 4],
                [3, 4, 5]])
        >>> next_steps
        tensor([3, 4, 5, 6])
    """
    series = _as_tensor(data, "data")
    if series.dim() == 0 or len(series) == 0:
        raise ValueError(
            f"`data` must hold at least one step along axis 0. Received: data of shape {tuple(series.shape)}"
        )
    n = len(series)
    _check_steps(sequence_length, sequence_stride, sampling_rate, batch_size, n)
    first, stop = _check_bounds(start_index, end_index, n)
    span = (sequence_length - 1) * sampling_rate + 1
    num_starts = stop - first - span + 1
    if num_starts <= 0:
        raise ValueError(
            f"One window spans {span} steps (sequence_length={sequence_length}, "
            f"sampling_rate={sampling_rate}), more than the {stop - first} steps from "
            f"start_index={first} to end_index={stop}. Use a shorter window or more data."
        )
    labels = None if targets is None else _as_tensor(targets, "targets").to(series.device)
    if labels is not None:
        num_starts = _windows_with_targets(labels, first, num_starts)
    starts = torch.arange(first, first + num_starts, sequence_stride, device=series.device)
    if shuffle and seed is None:
        seed = int(np.random.randint(1e6))
    return TimeseriesDataset(
        series,
        labels,
        starts,
        offsets=torch.arange(sequence_length, device=series.device) * sampling_rate,
        batch_size=batch_size,
        seed=seed if shuffle else None,
    )


class TimeseriesDataset(DatasetMethods):
    """Batches of windows over a timeseries, made by `timeseries_dataset_from_array`.

    Each batch is cut by one indexing operation: the window starts of the
    batch plus the offsets inside a window give a `(batch, sequence_length)`
    table of steps, and `data[table]` gathers them. tf.data's methods
    (`take`, `map`, `cardinality`, ...) come from `DatasetMethods`.

    Args:
        data: The series as a tensor, time first.
        targets: The targets (row `i` for the window starting at `i`), or None.
        starts: The start step of every window, in the unshuffled order.
        offsets: The steps of a window relative to its start.
        batch_size: Windows per batch, or None for single windows.
        seed: Shuffle with this seed, or None to keep the order of `starts`.
    """

    def __init__(
        self,
        data: torch.Tensor,
        targets: torch.Tensor | None,
        starts: torch.Tensor,
        *,
        offsets: torch.Tensor,
        batch_size: int | None,
        seed: int | None,
    ) -> None:
        self.data = data
        self.targets = targets
        self.starts = starts
        self.offsets = offsets
        self.batch_size = batch_size
        self.seed = seed
        self._complete_passes = 0

    def __len__(self) -> int:
        """Batches per pass (windows, when `batch_size` is None)."""
        return math.ceil(len(self.starts) / (self.batch_size or 1))

    def __repr__(self) -> str:
        return (
            f"TimeseriesDataset(windows={len(self.starts)}, sequence_length={len(self.offsets)}, "
            f"batch_size={self.batch_size}, targets={self.targets is not None})"
        )

    def _order(self) -> torch.Tensor:
        if self.seed is None:
            return self.starts
        # Pass 0 uses Keras's draw (`RandomState(seed).shuffle`); later passes get their own streams.
        generator = np.random.RandomState(
            self.seed if self._complete_passes == 0 else [self.seed, self._complete_passes]
        )
        permutation = torch.from_numpy(generator.permutation(len(self.starts))).to(self.starts.device)
        return self.starts[permutation]

    def __iter__(self) -> Iterator[Any]:
        """`(windows, targets)` batches (`windows` alone without targets), one pass."""
        order = self._order()
        size = self.batch_size or 1
        for begin in range(0, len(order), size):
            chunk = order[begin : begin + size]
            windows = self.data[chunk[:, None] + self.offsets]
            labels = None if self.targets is None else self.targets[chunk]
            if self.batch_size is None:
                windows = windows[0]
                labels = None if labels is None else labels[0]
            yield windows if labels is None else (windows, labels)
        self._complete_passes += 1


def _windows_with_targets(labels: torch.Tensor, first: int, num_starts: int) -> int:
    """Keras's count of windows with targets: no more than `targets` has rows.

    So shorter targets drop the last windows. Targets are indexed from
    `start_index` on, and must reach the last window's start.
    """
    rows = len(labels) if labels.dim() else 0
    if rows == 0:
        raise ValueError(
            f"`targets` must have one row per step of `data`. Received: targets of shape "
            f"{tuple(labels.shape)}. Pass targets=None for windows without targets."
        )
    num_starts = min(num_starts, rows)
    if first + num_starts > rows:
        raise ValueError(
            f"`targets` has {rows} rows, but targets[i] is the target of the window starting at "
            f"step i, and windows start at steps {first} to {first + num_starts - 1}. Pass "
            "targets aligned with `data` (one row per step)."
        )
    return num_starts


def _as_tensor(value: Any, name: str) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value
    if hasattr(value, "to_numpy") and type(value).__module__.startswith("pandas"):
        value = value.to_numpy()
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"`{name}` must hold numbers. Received: {name} with dtype {array.dtype}")
    # A read-only array (pandas 3 hands those out) is copied: torch must not share memory it may not write.
    return torch.from_numpy(np.require(array, requirements=["C", "W"]))


def _check_positive_int(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"`{name}` must be an integer higher than 0. Received: {name}={value!r}")


def _check_steps(
    sequence_length: Any, sequence_stride: Any, sampling_rate: Any, batch_size: Any, n: int
) -> None:
    """Keras's checks on the window sizes and strides, for data of `n` steps."""
    for name, value in (
        ("sequence_length", sequence_length),
        ("sequence_stride", sequence_stride),
        ("sampling_rate", sampling_rate),
        ("batch_size", 1 if batch_size is None else batch_size),
    ):
        _check_positive_int(name, value)
    for name, value in (("sampling_rate", sampling_rate), ("sequence_stride", sequence_stride)):
        if value >= n:
            raise ValueError(
                f"`{name}` must be lower than the length of the data. Received: {name}={value}, "
                f"for data of length {n}"
            )


def _check_bounds(start_index: int | None, end_index: int | None, n: int) -> tuple[int, int]:
    """Keras's checks on `start_index`/`end_index`; returns the steps `[first, stop)` in use."""
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError(
                "`start_index` must be lower than the length of the data. Received: "
                f"start_index={start_index}, for data of length {n}"
            )
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(
                "`end_index` must be higher than `start_index`. Received: "
                f"start_index={start_index}, and end_index={end_index}"
            )
        if end_index >= n:
            raise ValueError(
                "`end_index` must be lower than the length of the data (leave it out to use all of "
                f"it). Received: end_index={end_index}, for data of length {n}"
            )
        if end_index < 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    return start_index or 0, n if end_index is None else end_index
