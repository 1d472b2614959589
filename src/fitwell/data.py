"""Turn whatever the user passes as data into batches on the model's device.

Two kinds of source serve `fit`, `evaluate` and `predict`:

- `ArrayData`: in-memory arrays (numpy, torch, pandas, dicts/lists of them).
  They move to the device once; each epoch draws one index permutation on
  the device and slices batches from it. No DataLoader, no collation.
- `IterableData`: a torch `Dataset` or `DataLoader`, or any iterable of ready
  batches `(x, y)` / `(x, y, sample_weight)` (a `tf.data.Dataset` works:
  each batch is converted with `numpy.asarray`). Batches move to the
  device as they arrive.
- `PyDatasetData` (py_dataset_data.py): a `fitwell.utils.PyDataset`, read batch by batch by
  index (shuffled batch order, workers reading ahead, epoch hooks).

What the user's arrays must satisfy is checked in `data_checks`; per-class
sample weights come from `class_weights`.
"""

from __future__ import annotations

import itertools
import math
import types
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

from fitwell.class_weights import class_weight_table, weights_from_classes
from fitwell.data_checks import check_arrays, check_supported, rows_as_array
from fitwell.structures import (
    Structure,
    check_finite,
    count_samples,
    is_structure_of_arrays,
    map_structure,
    move_to,
    to_structure,
    to_tensor,
    unpack_batch,
)

__all__ = [
    "ArrayData",
    "Batch",
    "IterableData",
    "as_data",
    "class_weight_table",
    "one_batch",
    "split_validation",
    "step_batch",
    "weights_from_classes",
]

DEFAULT_BATCH_SIZE = 32


@dataclass
class Batch:
    """One batch: inputs, targets (or None) and sample weights (or None)."""

    x: Structure
    y: Structure | None
    sample_weight: torch.Tensor | None
    size: int
    #: Samples in the whole (global) batch across processes; equals `size` on one process.
    global_size: int | None = None


def split_validation(
    x: Any, y: Any, sample_weight: Any, fraction: float
) -> tuple[tuple[Any, Any, Any], tuple[Any, Any, Any]]:
    """Keep the first part for training and the last `fraction` for validation.

    The split happens before any shuffling, exactly as Keras does it:
    `split_at = floor(N * (1 - fraction))`.
    """
    n = count_samples(x)
    split_at = int(math.floor(n * (1.0 - fraction)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"`validation_split={fraction}` leaves no samples for "
            f"{'training' if split_at == 0 else 'validation'}: the data has {n} samples. "
            "Use a split between 1/N and 1 - 1/N, or pass `validation_data`."
        )

    def head(s: Any) -> Any:
        return None if s is None else map_structure(s, lambda t: t[:split_at])

    def tail(s: Any) -> Any:
        return None if s is None else map_structure(s, lambda t: t[split_at:])

    return (head(x), head(y), head(sample_weight)), (tail(x), tail(y), tail(sample_weight))


class ArrayData:
    """In-memory data on the device, batched by slicing an index permutation.

    Args:
        x: Inputs (tensor or structure of tensors), already converted.
        y: Targets, or None.
        sample_weight: Per-sample weights, or None.
        batch_size: Samples per batch; the last batch may be smaller.
        shuffle: Draw a new permutation every epoch.
        device: Where the data lives.
        steps_per_epoch: Batches per epoch when the user set it (Keras then
            continues one pass over the data across epochs).
    """

    def __init__(
        self,
        x: Structure,
        y: Structure | None,
        sample_weight: torch.Tensor | None,
        *,
        batch_size: int,
        shuffle: bool,
        device: torch.device,
        steps_per_epoch: int | None = None,
    ) -> None:
        self.x = move_to(x, device)
        self.y = None if y is None else move_to(y, device)
        self.sample_weight = None if sample_weight is None else sample_weight.to(device)
        self.num_samples = count_samples(x)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.device = device
        self.steps_per_epoch = steps_per_epoch
        self.num_batches = math.ceil(self.num_samples / batch_size)
        self.take: int | None = None
        #: (rank, world_size) when each process takes a shard of every global batch.
        self.shard: tuple[int, int] | None = None
        self._pending: Iterator[Batch] | None = None

    @property
    def steps(self) -> int:
        """Batches per epoch."""
        if self.steps_per_epoch:
            return self.steps_per_epoch
        return min(self.take or self.num_batches, self.num_batches)

    def set_class_weights(self, table: torch.Tensor) -> None:
        """Weight every sample by its class (`class_weight` of `fit`)."""
        if self.y is None or isinstance(self.y, dict | tuple):
            raise ValueError(
                "`class_weight` needs a single array of labels `y`. Received: "
                f"y of type {type(self.y).__name__}. Use `sample_weight` for several outputs."
            )
        self.sample_weight = weights_from_classes(self.y, table)

    def _bounds(self, start: int, stop: int) -> tuple[int, int]:
        if self.shard is None:
            return start, stop
        from fitwell.distributed import local_bounds

        return local_bounds(start, stop, *self.shard)

    def local_positions(self) -> torch.Tensor:
        """Row indices this process handles in an unshuffled pass (for gathering predictions)."""
        ranges = [
            torch.arange(*self._bounds(start, min(start + self.batch_size, self.num_samples)))
            for start in range(0, self.num_samples, self.batch_size)
        ]
        return torch.cat(ranges).to(self.device)

    def _one_pass(self) -> Iterator[Batch]:
        n, size = self.num_samples, self.batch_size
        order = torch.randperm(n, device=self.device) if self.shuffle else None
        if order is not None and self.shard is not None:
            from fitwell.distributed import broadcast_permutation

            order = broadcast_permutation(order)
        for global_start in range(0, n, size):
            global_stop = min(global_start + size, n)
            start, stop = self._bounds(global_start, global_stop)
            if order is None:

                def pick(t: torch.Tensor, a: int = start, b: int = stop) -> torch.Tensor:
                    return t[a:b]
            else:
                index = order[start:stop]

                def pick(t: torch.Tensor, i: torch.Tensor = index) -> torch.Tensor:
                    return t.index_select(0, i)

            yield Batch(
                map_structure(self.x, pick),
                None if self.y is None else map_structure(self.y, pick),
                None if self.sample_weight is None else pick(self.sample_weight),
                stop - start,
                global_stop - global_start,
            )

    def epoch(self) -> Iterator[Batch]:
        """The batches of one epoch."""
        yield from _epoch(self)

    def first_batch(self) -> Batch:
        """The first batch, unshuffled (for building and checks)."""
        pick = slice(*self._bounds(0, min(self.batch_size, self.num_samples)))
        return Batch(
            map_structure(self.x, lambda t: t[pick]),
            None if self.y is None else map_structure(self.y, lambda t: t[pick]),
            None if self.sample_weight is None else self.sample_weight[pick],
            pick.stop - pick.start,
        )


def _epoch(source: ArrayData | IterableData) -> Iterator[Batch]:
    if source.steps_per_epoch is not None:
        yield from _continue_for(source, source.steps_per_epoch)
    elif source.take is not None:
        # evaluate(steps=n) and validation_steps restart from the first batch.
        yield from itertools.islice(source._one_pass(), source.take)
    else:
        yield from source._one_pass()


def _continue_for(source: ArrayData | IterableData, steps: int) -> Iterator[Batch]:
    # Keras keeps one iterator across epochs when steps_per_epoch is set, and
    # ends an epoch early (with a warning) when that iterator runs dry.
    for _ in range(steps):
        if source._pending is None:
            source._pending = source._one_pass()
        try:
            yield next(source._pending)
        except StopIteration:
            source._pending = None
            warnings.warn(
                "Your input ran out of data; the epoch ended early. Make sure the data "
                "can produce at least `steps_per_epoch * epochs` batches.",
                stacklevel=4,
            )
            return


class IterableData:
    """Batches from a DataLoader, Dataset or any iterable of ready batches.

    Args:
        source: A re-iterable of batches, or a one-shot iterator/generator
            (which then needs `steps_per_epoch`).
        device: Where batches are moved.
        steps_per_epoch: Batches per epoch, or None for "until exhausted".
        check_finite: Check each batch's inputs for NaN/Inf on the first
            pass (on the host, before the batch moves, so no device sync).
    """

    def __init__(
        self,
        source: Iterable,
        *,
        device: torch.device,
        steps_per_epoch: int | None = None,
        check_finite: bool = True,
    ) -> None:
        self.source = source
        self.device = device
        self.steps_per_epoch = steps_per_epoch
        self.one_shot = isinstance(source, types.GeneratorType | Iterator)
        self.check_finite = check_finite
        self.take: int | None = None
        self.class_weights: torch.Tensor | None = None
        self._first: Any = None
        self._pending: Iterator[Batch] | None = None
        self._passes = 0
        try:
            self.num_batches: int | None = len(source)  # type: ignore[arg-type]
        except TypeError:
            self.num_batches = None

    @property
    def steps(self) -> int | None:
        """Batches per epoch, or None when unknown until the data runs out."""
        if self.steps_per_epoch:
            return self.steps_per_epoch
        if self.take is not None:
            return self.take if self.num_batches is None else min(self.take, self.num_batches)
        return self.num_batches

    def set_class_weights(self, table: torch.Tensor) -> None:
        """Weight every sample by its class (`class_weight` of `fit`)."""
        self.class_weights = table

    def _convert(self, raw: Any, *, checking: bool) -> Batch:
        x, y, sample_weight = unpack_batch(raw)
        x = to_structure(x, argument="x")
        y = None if y is None else to_structure(y, argument="y")
        if sample_weight is not None:
            sample_weight = to_tensor(sample_weight, argument="sample_weight")
        if checking:  # on the host, before the batch moves: no device sync
            for name, part in (("x", x), ("y", y), ("sample_weight", sample_weight)):
                if part is not None:
                    check_finite(part, argument=name)
        y = None if y is None else move_to(y, self.device)
        if sample_weight is not None:
            sample_weight = sample_weight.to(self.device)
        elif self.class_weights is not None and y is not None:
            sample_weight = weights_from_classes(y, self.class_weights)
        return Batch(move_to(x, self.device), y, sample_weight, count_samples(x))

    def _raw(self) -> Iterator[Any]:
        first, self._first = self._first, None
        if first is not None and self.one_shot:
            # A generator cannot be read again: the batch peeked by
            # first_batch() is replayed, never lost.
            yield first
        # A re-iterable source starts a fresh pass, so a shuffled DataLoader
        # still yields exactly one permutation per epoch.
        yield from self.source

    def _one_pass(self) -> Iterator[Batch]:
        checking = self.check_finite and self._passes == 0
        self._passes += 1
        sampler = getattr(self.source, "batch_sampler", None)
        for index, raw in enumerate(self._raw()):
            batch = self._convert(raw, checking=checking)
            global_sizes = getattr(sampler, "epoch_global_sizes", None)
            if global_sizes:
                batch.global_size = global_sizes[index]
            yield batch

    def epoch(self) -> Iterator[Batch]:
        """The batches of one epoch."""
        yield from _epoch(self)

    def check_has_end(self) -> None:
        """Raise when an epoch could never end (sources that know they are endless say so)."""

    def first_batch(self) -> Batch:
        """The first batch (peeked, then replayed by the next epoch)."""
        if self._first is None:
            iterator = iter(self.source)
            try:
                self._first = next(iterator)
            except StopIteration:
                raise ValueError(
                    f"The data produced no batches. Received an empty {type(self.source).__name__}."
                ) from None
        return self._convert(self._first, checking=self.check_finite)


def as_data(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    *,
    batch_size: int | None,
    shuffle: bool,
    device: torch.device,
    steps_per_epoch: int | None = None,
    take: int | None = None,
    shard: tuple[int, int] | None = None,
    argument: str = "x",
) -> ArrayData | IterableData:
    """Normalise any supported data into an `ArrayData` or `IterableData`.

    Raises:
        ValueError: For mismatched lengths, empty data, `y` given with a
            dataset that already yields targets, and the like.
    """
    if x is None:
        raise ValueError(f"`{argument}` is required. Received: {argument}=None")
    data = _make_data(x, y, sample_weight, batch_size, shuffle, device, steps_per_epoch, argument, shard)
    data.take = take
    if isinstance(data, ArrayData):
        data.shard = shard
    if isinstance(data, IterableData):
        data.check_has_end()
    return data


def one_batch(x: Any, y: Any, sample_weight: Any, device: torch.device) -> Batch:
    """All of `x` (with `y` and `sample_weight`) as one batch on `device`; a dataset's first batch."""
    data = as_data(x, y, sample_weight, batch_size=None, shuffle=False, device=device)
    if isinstance(data, IterableData):
        return data.first_batch()
    return Batch(data.x, data.y, data.sample_weight, data.num_samples)


def step_batch(data: Any) -> Batch:
    """The `Batch` of what a step receives: `(x, y, sample_weight)`, `(x, y)`, `(x,)` or `x`."""
    x, y, sample_weight = unpack_batch(data)
    return Batch(x, y, sample_weight, count_samples(x))


def _make_data(
    x: Any,
    y: Any,
    sample_weight: Any,
    batch_size: int | None,
    shuffle: bool,
    device: torch.device,
    steps_per_epoch: int | None,
    argument: str,
    shard: tuple[int, int] | None = None,
) -> ArrayData | IterableData:
    x = rows_as_array(x, argument)
    check_supported(x, argument)
    if is_structure_of_arrays(x):
        return _array_data(x, y, sample_weight, batch_size, shuffle, device, steps_per_epoch, argument)
    _check_no_separate_targets(x, y, sample_weight, argument)
    from torch.utils.data import DataLoader, Dataset, IterableDataset

    from fitwell.utils.py_dataset import PyDataset

    if isinstance(x, PyDataset):
        return _py_dataset_data(x, batch_size, shuffle, device, steps_per_epoch, argument, shard)
    if isinstance(x, DataLoader):
        _warn_about_loader(x, batch_size, argument, shard)
        return IterableData(x, device=device, steps_per_epoch=steps_per_epoch)
    if isinstance(x, Dataset) and not isinstance(x, IterableDataset) and hasattr(x, "__len__"):
        loader = _dataset_loader(x, batch_size, shuffle, shard)
        return IterableData(loader, device=device, steps_per_epoch=steps_per_epoch)
    if isinstance(x, Iterable) and not isinstance(x, str | bytes | dict):
        if batch_size is not None:
            warnings.warn(
                f"`batch_size={batch_size}` is ignored: {type(x).__name__} yields ready batches.",
                stacklevel=3,
            )
        return IterableData(x, device=device, steps_per_epoch=steps_per_epoch)
    raise TypeError(
        f"Unsupported type for `{argument}`: {type(x).__name__}. Pass numpy arrays, torch "
        "tensors, pandas objects, a dict/list of arrays, a torch Dataset or DataLoader, "
        "or an iterable of (x, y) batches."
    )


def _check_no_separate_targets(x: Any, y: Any, sample_weight: Any, argument: str) -> None:
    """Refuse `y`/`sample_weight` next to a dataset or loader that yields them itself."""
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(
                f"When `{argument}` is a {type(x).__name__}, `{name}` must not be passed: "
                f"the {type(x).__name__} yields it as part of each batch. Received: {name}="
                f"{type(value).__name__}"
            )


# The next two functions run inside `_make_data`, so their warnings use `stacklevel=4` to
# point, as `_make_data`'s own `stacklevel=3` does, at the line that called `as_data`.
def _py_dataset_data(
    x: Any,
    batch_size: int | None,
    shuffle: bool,
    device: torch.device,
    steps_per_epoch: int | None,
    argument: str,
    shard: tuple[int, int] | None,
) -> IterableData:
    """A `PyDataset` as data, warning about the arguments it cannot honour."""
    from fitwell.py_dataset_data import PyDatasetData

    if batch_size is not None:
        warnings.warn(
            f"`batch_size={batch_size}` is ignored: the {type(x).__name__} (a PyDataset) "
            "makes its own batches. Do not pass `batch_size` with it.",
            stacklevel=4,
        )
    if shard is not None:
        warnings.warn(
            f"Running on {shard[1]} processes, and every process reads all batches of the "
            f"{type(x).__name__} for `{argument}`. To split the data, make the dataset serve "
            "this process's part (e.g. from `torch.distributed.get_rank()`).",
            stacklevel=4,
        )
    return PyDatasetData(
        x, shuffle=shuffle, device=device, steps_per_epoch=steps_per_epoch, argument=argument
    )


def _warn_about_loader(x: Any, batch_size: int | None, argument: str, shard: tuple[int, int] | None) -> None:
    """Warn when a DataLoader is not sharded across processes, or `batch_size` is passed with it."""
    if shard is not None and not isinstance(x.sampler, torch.utils.data.DistributedSampler):
        warnings.warn(
            f"Running on {shard[1]} processes, but the DataLoader for `{argument}` has no "
            "DistributedSampler, so every process reads all of it. Pass the Dataset itself "
            "(fitwell then shards it) or give the DataLoader a DistributedSampler.",
            stacklevel=4,
        )
    if batch_size is not None:
        warnings.warn(
            f"`batch_size={batch_size}` is ignored: the DataLoader already makes batches of {x.batch_size}.",
            stacklevel=4,
        )


def _dataset_loader(x: Any, batch_size: int | None, shuffle: bool, shard: tuple[int, int] | None) -> Any:
    """A DataLoader over a map-style Dataset, with this process's shard when `shard` is set."""
    from torch.utils.data import DataLoader

    if shard is None:
        return DataLoader(x, batch_size=batch_size or DEFAULT_BATCH_SIZE, shuffle=shuffle)
    from fitwell.distributed import ShardedBatchSampler

    sampler = ShardedBatchSampler(
        len(x), batch_size or DEFAULT_BATCH_SIZE, shuffle=shuffle, rank=shard[0], world_size=shard[1]
    )
    return DataLoader(x, batch_sampler=sampler)


def _array_data(
    x: Any,
    y: Any,
    sample_weight: Any,
    batch_size: int | None,
    shuffle: bool,
    device: torch.device,
    steps_per_epoch: int | None,
    argument: str,
) -> ArrayData:
    x = to_structure(x, argument=argument)
    y = None if y is None else to_structure(y, argument="y")
    sample_weight = None if sample_weight is None else to_tensor(sample_weight, argument="sample_weight")
    n = check_arrays(x, y, sample_weight, argument)
    if batch_size is None:
        batch_size = math.ceil(n / steps_per_epoch) if steps_per_epoch else DEFAULT_BATCH_SIZE
    return ArrayData(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        shuffle=shuffle,
        device=device,
        steps_per_epoch=steps_per_epoch,
    )
