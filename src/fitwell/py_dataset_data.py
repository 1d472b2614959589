"""`PyDatasetData`: the batches of a `fitwell.utils.PyDataset`, a source for fit, evaluate and predict."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import torch

from fitwell.data import Batch, IterableData
from fitwell.structures import map_structure, to_structure, to_tensor, unpack_batch

__all__ = ["PyDatasetData"]


class PyDatasetData(IterableData):
    """The batches of a `fitwell.utils.PyDataset`, read by index.

    With `shuffle`, every epoch visits the batch indices in a new random
    order (Keras shuffles the batches of a PyDataset, not their samples).
    The dataset's `workers` read batches ahead in threads or processes
    (`fitwell.utils.batch_reader`); on CUDA each batch is pinned as it is
    prepared, so its copy to the device does not block. The dataset's
    `on_epoch_begin`/`on_epoch_end` wrap every epoch.

    Args:
        dataset: The PyDataset.
        shuffle: Visit the batches in a new random order every epoch.
        device: Where batches are moved.
        steps_per_epoch: Batches per epoch, or None for all of them.
        argument: The name of the argument it came in (for messages).
    """

    def __init__(
        self,
        dataset: Any,
        *,
        shuffle: bool,
        device: torch.device,
        steps_per_epoch: int | None = None,
        argument: str = "x",
    ) -> None:
        super().__init__(dataset, device=device, steps_per_epoch=steps_per_epoch)
        self.num_batches = _batch_count(dataset, argument)
        self.dataset = dataset
        self.argument = argument
        self.shuffle = shuffle
        self.pin = device.type == "cuda"

    def check_has_end(self) -> None:
        """Raise when an endless dataset has no `steps` to stop at."""
        if self.num_batches is None and not self.steps_per_epoch and self.take is None:
            name = type(self.dataset).__name__
            raise ValueError(
                f"`{self.argument}` is an endless {name} (its `num_batches` is None), so an epoch "
                "would never end. Pass `steps_per_epoch=` to fit (`validation_steps=` for "
                "validation data, `steps=` to evaluate/predict)."
            )

    def _order(self) -> Iterable[int]:
        if self.num_batches is None:
            return itertools.count()
        if self.shuffle:
            return torch.randperm(self.num_batches).tolist()
        return range(self.num_batches)

    def _raw(self) -> Iterator[Any]:
        from fitwell.utils.batch_reader import read_batches

        yield from read_batches(self.dataset, self._order(), self._prepare)

    def _prepare(self, raw: Any) -> tuple[Any, Any, Any]:
        # Runs in the reading thread when the dataset has thread workers.
        if isinstance(raw, list):
            raw = tuple(raw)
        if not isinstance(raw, tuple):
            raw = (raw,)
        if not 1 <= len(raw) <= 3:
            raise ValueError(
                f"{type(self.dataset).__name__}.__getitem__ must return `x`, `(x,)`, `(x, y)` or "
                f"`(x, y, sample_weight)`. Received: a tuple of {len(raw)} elements. Pack several "
                "inputs into one tuple or dict: `((x1, x2), y)`."
            )
        x, y, sample_weight = unpack_batch(raw)
        if sample_weight is not None and self.class_weights is not None:
            raise ValueError(
                f"{type(self.dataset).__name__}.__getitem__ returns sample weights, and fit() got "
                "`class_weight`: use one or the other."
            )
        batch = (
            to_structure(x, argument="x"),
            None if y is None else to_structure(y, argument="y"),
            None if sample_weight is None else to_tensor(sample_weight, argument="sample_weight"),
        )
        if self.pin:
            batch = tuple(None if part is None else map_structure(part, _pinned) for part in batch)
        return batch

    def epoch(self) -> Iterator[Batch]:
        """The batches of one epoch, between the dataset's `on_epoch_begin` and `on_epoch_end`."""
        self.dataset.on_epoch_begin()
        try:
            yield from super().epoch()
        except GeneratorExit:
            # The loop stopped early (stop_training, `steps`): the epoch still ended.
            self.dataset.on_epoch_end()
            raise
        self.dataset.on_epoch_end()

    def first_batch(self) -> Batch:
        """Batch 0, read directly (for building and checks)."""
        return self._convert(self._prepare(self.dataset[0]), checking=self.check_finite)


def _pinned(tensor: torch.Tensor) -> torch.Tensor:
    return tensor if tensor.is_cuda else tensor.pin_memory()


def _batch_count(dataset: Any, argument: str) -> int | None:
    name = type(dataset).__name__
    try:
        count = dataset.num_batches
    except NotImplementedError:
        raise TypeError(
            f"`{argument}` is a {name} without a length. Implement `__len__(self)` returning the "
            "number of batches, or override the `num_batches` property (None for an endless dataset)."
        ) from None
    if count is None:
        return None
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise TypeError(f"{name}.num_batches must be an integer >= 0 or None. Received: {count!r}")
    if count == 0:
        raise ValueError(
            f"`{argument}` is a {name} with no batches: its `__len__` (num_batches) returned 0. "
            "Check the dataset's size and batch size."
        )
    return count
