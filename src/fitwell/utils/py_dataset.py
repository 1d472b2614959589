"""`PyDataset`: a dataset of ready batches, written in plain Python (Keras's `keras.utils.PyDataset`)."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Iterator
from typing import Any

__all__ = ["PyDataset"]


class PyDataset:
    """Base class for a dataset that hands out whole batches by index.

    Subclasses implement `__getitem__(index)`, which returns batch number
    `index` as `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` (numpy arrays
    or torch tensors; `x` and `y` may be dicts, lists or tuples of them, as
    `fit` accepts them), and `__len__()`, the number of batches. An endless
    dataset overrides the `num_batches` property to return `None` instead
    (then `fit` needs `steps_per_epoch`). `on_epoch_begin()` and
    `on_epoch_end()` run at the start and end of every epoch of `fit` (and
    of every `evaluate`/`predict` pass), e.g. to reshuffle the samples.

    Pass it as `x` (or as `validation_data`) to `fit`, `evaluate` and
    `predict`, without `y`, `sample_weight` or `batch_size`: it makes the
    batches itself. With `shuffle=True` (the default of `fit`), `fit` visits
    the batches in a new random order every epoch; each batch's content is
    the dataset's business.

    Args:
        workers: How many batches are prepared at the same time while the
            model trains. `1` (the default) reads each batch when it is
            needed, on the main thread.
        use_multiprocessing: Prepare batches in worker processes instead of
            threads. Worth it when `__getitem__` is CPU-bound Python; the
            dataset must then survive being copied into each process (on
            platforms that start processes with "spawn", it must pickle).
        max_queue_size: How many batches may be requested ahead of the one
            being trained on.

    Example:
        >>> import math
        >>> import numpy as np
        >>> class Squares(PyDataset):
        ...     def __init__(self, n, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x = np.arange(n, dtype="float32").reshape(-1, 1)
        ...         self.batch_size = batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, index):
        ...         batch = self.x[index * self.batch_size : (index + 1) * self.batch_size]
        ...         return batch, batch**2
        >>> dataset = Squares(10, batch_size=4, workers=2)
        >>> len(dataset), dataset.num_batches
        (3, 3)
        >>> dataset[2][1].ravel()
        array([64., 81.], dtype=float32)
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10) -> None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise ValueError(
                "`workers` must be an integer >= 0 (1 reads batches on the main thread). "
                f"Received: workers={workers!r}"
            )
        if not isinstance(use_multiprocessing, bool):
            raise ValueError(
                "`use_multiprocessing` must be True or False. "
                f"Received: use_multiprocessing={use_multiprocessing!r}"
            )
        if isinstance(max_queue_size, bool) or not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(
                f"`max_queue_size` must be an integer >= 1. Received: max_queue_size={max_queue_size!r}"
            )
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _fill_defaults_if_init_skipped(self) -> None:
        # A subclass whose __init__ forgot super().__init__() still works with
        # the defaults, but its `workers=` never arrived: say so once.
        if all(hasattr(self, name) for name in ("_workers", "_use_multiprocessing", "_max_queue_size")):
            return
        self._workers = getattr(self, "_workers", 1)
        self._use_multiprocessing = getattr(self, "_use_multiprocessing", False)
        self._max_queue_size = getattr(self, "_max_queue_size", 10)
        warnings.warn(
            f"{type(self).__name__}.__init__ does not call `super().__init__(**kwargs)`, so "
            "`workers`, `use_multiprocessing` and `max_queue_size` keep their defaults (1, False, "
            "10). Call it, and pass these arguments to the dataset, not to `fit()`.",
            stacklevel=3,
        )

    @property
    def workers(self) -> int:
        """Batches prepared at the same time (1: on the main thread, when needed)."""
        self._fill_defaults_if_init_skipped()
        return self._workers

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        """Whether the workers are processes (True) or threads (False)."""
        self._fill_defaults_if_init_skipped()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        """Batches that may be requested ahead of the one in use."""
        self._fill_defaults_if_init_skipped()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int) -> Any:
        """Batch number `index`: `x`, `(x, y)` or `(x, y, sample_weight)`. Subclasses implement it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__getitem__(self, index)`, returning batch "
            "number `index` as `(x, y)`, `(x, y, sample_weight)` or `x`."
        )

    @property
    def num_batches(self) -> int | None:
        """Batches in one epoch: `len(self)`, or `None` for an endless dataset (override it)."""
        if hasattr(self, "__len__"):
            return len(self)  # type: ignore[arg-type]
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__len__(self)` (the number of batches), or "
            "override the `num_batches` property (returning None for an endless dataset)."
        )

    def __iter__(self) -> Iterator[Any]:
        """The batches in order, read one by one on this thread (workers are only used by `fit`)."""
        count = self.num_batches
        for index in itertools.count() if count is None else range(count):
            yield self[index]

    def on_epoch_begin(self) -> None:
        """Called before the first batch of every epoch."""

    def on_epoch_end(self) -> None:
        """Called after the last batch of every epoch."""
