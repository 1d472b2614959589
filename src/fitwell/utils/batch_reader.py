"""Read a `PyDataset`'s batches in a given order, several at a time when it has workers.

Why `concurrent.futures`: it is the standard library's pool for exactly this
(submit a call, collect its result in order), the same code serves threads
and processes, and `Future.result()` re-raises the worker's exception with
its own type and message (from a process, with the worker's traceback as
the cause). torch's `DataLoader` (with `batch_size=None` over the batch
indices) was the other candidate: it has no thread mode, and it re-raises
worker errors as a copy whose message is rewritten around the traceback.

A pool lives for one pass over the indices and is shut down when the pass
ends or is abandoned, so a dataset changed by `on_epoch_end` is seen by the
next pass's workers (processes get a fresh copy of it).
"""

from __future__ import annotations

import functools
import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import torch

__all__ = ["read_batches", "uses_workers"]

#: The dataset a worker process reads (set once per process by `_adopt`).
_PROCESS_DATASET: Any = None


def uses_workers(dataset: Any) -> bool:
    """Keras's rule: workers prepare batches when `workers > 1`, or `workers >= 1` with processes."""
    return dataset.workers > 1 or (dataset.workers > 0 and dataset.use_multiprocessing)


def read_batches(dataset: Any, order: Iterable[int], prepare: Callable[[Any], Any]) -> Iterator[Any]:
    """`prepare(dataset[index])` for each index of `order`, in that order.

    With workers, up to `dataset.max_queue_size` batches are requested ahead,
    so they are read while the caller trains on earlier ones. In threads,
    `prepare` runs in the worker too; with processes it runs here, after the
    batch arrives.

    Raises:
        Exception: Whatever `dataset[index]` or `prepare` raised, as raised.
    """
    if not uses_workers(dataset):
        for index in order:
            yield prepare(dataset[index])
        return
    executor: Executor
    if dataset.use_multiprocessing:
        executor = ProcessPoolExecutor(dataset.workers, initializer=_adopt, initargs=(dataset,))
        fetch: Callable[[int], Any] = _read_adopted
        finish = prepare
    else:
        executor = ThreadPoolExecutor(dataset.workers, thread_name_prefix=f"{type(dataset).__name__}_worker")
        fetch = functools.partial(_read_and_prepare, dataset, prepare)
        finish = _unchanged
    indices = iter(order)
    try:
        pending: deque[Future] = deque(
            executor.submit(fetch, index) for index in itertools.islice(indices, dataset.max_queue_size)
        )
        while pending:
            batch = pending.popleft().result()
            # Refill before handing the batch over, so reading goes on meanwhile.
            pending.extend(executor.submit(fetch, index) for index in itertools.islice(indices, 1))
            yield finish(batch)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _unchanged(batch: Any) -> Any:
    return batch


def _read_and_prepare(dataset: Any, prepare: Callable[[Any], Any], index: int) -> Any:
    return prepare(dataset[index])


def _adopt(dataset: Any) -> None:
    # Runs once in each worker process. One torch thread per process, as
    # torch's DataLoader workers do, so that N workers do not fight over cores.
    global _PROCESS_DATASET
    _PROCESS_DATASET = dataset
    torch.set_num_threads(1)


def _read_adopted(index: int) -> Any:
    return _PROCESS_DATASET[index]
