"""tf.data's dataset methods (`take`, `map`, `batch`, ...) on fitwell's datasets of batches.

Keras's dataset utilities return `tf.data.Dataset`s, and Keras code chains
their methods: `train_ds.map(f).prefetch(AUTOTUNE)`, `ds.take(1)`,
`ds.cardinality()`. `DatasetMethods` gives the same methods, with tf.data's
meaning, to any re-iterable dataset of batches (the time-series, image and
text datasets of `fitwell.utils`). Every method is lazy: it returns a new
dataset that reads its source again on every pass, so `fit`, `evaluate` and
`predict` take the result and read it once per epoch.

Where tf.data returns a tensor or a dataset of tensors, these return torch
tensors (texts stay `StringArray`s, single texts `str`).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import torch

from fitwell.strings import StringArray

__all__ = ["AUTOTUNE", "DatasetMethods", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]

#: tf.data's `INFINITE_CARDINALITY`: what `cardinality()` returns for an endless dataset.
INFINITE_CARDINALITY = -1
#: tf.data's `UNKNOWN_CARDINALITY`: what `cardinality()` returns when the count is unknown until read.
UNKNOWN_CARDINALITY = -2
#: tf.data's `AUTOTUNE`, accepted wherever tf.data takes it (`prefetch`, `num_parallel_calls`).
AUTOTUNE = -1


class DatasetMethods:
    """tf.data's methods for a re-iterable dataset of batches.

    Subclasses implement `__iter__` (one pass over the elements, starting
    afresh at every call) and, when the number of elements is known,
    `__len__`. An element is whatever one step of `__iter__` yields: a
    batch `(x, y)` of fitwell's dataset utilities, or one sample after
    `unbatch()`.

    Example:
        >>> class Numbers(DatasetMethods):
        ...     def __iter__(self):
        ...         return iter(range(5))
        ...     def __len__(self):
        ...         return 5
        >>> list(Numbers().skip(1).take(3))
        [1, 2, 3]
        >>> Numbers().repeat(2).cardinality()
        tensor(10)
    """

    # No `__iter__` here: a class mixing this in before a torch `DataLoader` keeps the loader's own.

    def _cardinality(self) -> int:
        """The number of elements, or `UNKNOWN_CARDINALITY`/`INFINITE_CARDINALITY`."""
        try:
            return len(self)  # type: ignore[arg-type]
        except TypeError:
            return UNKNOWN_CARDINALITY

    def cardinality(self) -> torch.Tensor:
        """The number of elements (batches) as a 0-d int64 tensor, as tf.data.

        `-1` (`INFINITE_CARDINALITY`) for an endless dataset (`repeat()`),
        `-2` (`UNKNOWN_CARDINALITY`) when only reading it can tell
        (after `unbatch()`). `int(...)` or `.numpy()` gives the number.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=3)
            >>> dataset.cardinality(), int(dataset.repeat().cardinality())
            (tensor(3), -1)
        """
        return torch.tensor(self._cardinality(), dtype=torch.int64)

    def take(self, count: int, name: str | None = None) -> DatasetMethods:
        """The first `count` elements (all of them for `count=-1`).

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=3)
            >>> for batch in dataset.take(1):
            ...     print(batch.shape)
            torch.Size([3, 3])
        """
        del name  # tf.data's op name; nothing here is named
        return _Take(self, _check_count(count, "take"))

    def skip(self, count: int, name: str | None = None) -> DatasetMethods:
        """The elements after the first `count` (none for `count=-1`).

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=3)
            >>> len(dataset.skip(1))
            2
        """
        del name  # tf.data's op name; nothing here is named
        return _Skip(self, _check_count(count, "skip"))

    def map(
        self,
        map_func: Callable[..., Any],
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> DatasetMethods:
        """Every element passed through `map_func`, computed as it is read.

        As tf.data, a tuple element is passed as separate arguments
        (`lambda images, labels: ...`), anything else as one argument.
        `map_func` runs in the reading process without gradients (tf.data
        does not differentiate its pipeline either), again on every pass,
        so random augmentations differ between epochs.

        Args:
            map_func: The function applied to each element.
            num_parallel_calls: Accepted for tf.data's signature; calls run
                one at a time (image and text loaders already read in
                worker processes).
            deterministic: Accepted for tf.data's signature; the order is
                always kept.
            name: Accepted for tf.data's signature.

        Raises:
            TypeError: When `map_func` is not callable.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(6), np.arange(6), 2, batch_size=4)
            >>> [labels.tolist() for labels in dataset.map(lambda windows, labels: labels * 10)]
            [[0, 10, 20, 30], [40]]
        """
        del num_parallel_calls, deterministic, name  # one call at a time, in order
        if not callable(map_func):
            raise TypeError(
                f"`map_func` must be a function of an element, e.g. `lambda x, y: (f(x), y)`. "
                f"Received: map_func={map_func!r}"
            )
        return _Map(self, map_func)

    def prefetch(self, buffer_size: int, name: str | None = None) -> DatasetMethods:
        """This dataset itself: accepted so tf.data pipelines run unchanged.

        fitwell's image and text loaders already read ahead in worker
        processes, and `fit` moves each batch to the device as it comes.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(10), None, 3)
            >>> dataset.prefetch(AUTOTUNE) is dataset
            True
        """
        del buffer_size, name  # reading ahead is the loaders' own business
        return self

    def cache(self, filename: str = "", name: str | None = None) -> DatasetMethods:
        """The elements of the first complete pass, kept in memory and replayed on later passes.

        As tf.data, what comes before `cache()` runs only once: a shuffle or
        a random `map` before it is frozen, one after it is not. A pass
        stopped early (`take`, `steps`) is not kept. A `filename` is
        accepted, but the elements are kept in memory, not written to it.

        Example:
            >>> calls = []
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(10), None, 3, batch_size=4)
            >>> cached = dataset.map(lambda windows: calls.append(1) or windows).cache()
            >>> _ = list(cached), list(cached)
            >>> len(calls)
            2
        """
        del filename, name  # kept in memory
        return _Cache(self)

    def shuffle(
        self,
        buffer_size: int,
        seed: int | None = None,
        reshuffle_each_iteration: bool = True,
        name: str | None = None,
    ) -> DatasetMethods:
        """The elements in a random order, drawn as tf.data does from a buffer of `buffer_size`.

        The buffer is filled with the first elements; each output is a
        random element of the buffer, whose place the next input takes. A
        buffer at least as large as the dataset gives a uniform shuffle. The
        elements here are batches (or samples after `unbatch()`). The
        random draws are numpy's, so a seed gives a different (but
        repeatable) order from TensorFlow's.

        Args:
            buffer_size: Elements held in the buffer (1 keeps the order).
            seed: Seed of the draws; None draws one from numpy's global
                generator (see `fitwell.utils.set_random_seed`).
            reshuffle_each_iteration: Draw a new order on every pass
                (otherwise every pass has the first pass's order).
            name: Accepted for tf.data's signature.

        Raises:
            ValueError: When `buffer_size` is not a positive int.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(12), None, 1, batch_size=2)
            >>> shuffled = dataset.shuffle(6, seed=0)
            >>> sorted(batch[0, 0].item() for batch in shuffled)
            [0, 2, 4, 6, 8, 10]
        """
        del name  # tf.data's op name; nothing here is named
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, int | np.integer) or buffer_size < 1:
            raise ValueError(
                f"`buffer_size` must be a positive int (elements held for shuffling). "
                f"Received: buffer_size={buffer_size!r}"
            )
        if seed is None:
            seed = int(np.random.randint(2**31 - 1))
        return _Shuffle(self, int(buffer_size), seed=seed, reshuffle=reshuffle_each_iteration)

    def repeat(self, count: int | None = None, name: str | None = None) -> DatasetMethods:
        """The elements `count` times over (endlessly for None or -1).

        An endless dataset has no length: `fit` then needs `steps_per_epoch`.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(4), None, 3, batch_size=4)
            >>> len(dataset.repeat(3))
            3
        """
        del name  # tf.data's op name; nothing here is named
        return _Repeat(self, -1 if count is None else _check_count(count, "repeat"))

    def unbatch(self, name: str | None = None) -> DatasetMethods:
        """The batches split into single samples along their first axis.

        A batch `(images, labels)` gives `(image, label)` pairs; a batch of
        texts gives `str`s. The number of samples is unknown until read
        (`cardinality()` is `UNKNOWN_CARDINALITY`), as with tf.data.

        Raises:
            ValueError: While reading, for a batch whose parts have
                different numbers of samples.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(5), np.arange(5), 2, batch_size=3)
            >>> [(window.tolist(), label.item()) for window, label in dataset.unbatch()][:2]
            [([0, 1], 0), ([1, 2], 1)]
        """
        del name  # tf.data's op name; nothing here is named
        return _Unbatch(self)

    def batch(
        self,
        batch_size: int,
        drop_remainder: bool = False,
        num_parallel_calls: int | None = None,
        deterministic: bool | None = None,
        name: str | None = None,
    ) -> DatasetMethods:
        """Consecutive elements stacked in groups of `batch_size` (the last group may be smaller).

        Tensors are stacked along a new first axis (so batching batches
        gives `(batch_size, batch, ...)`, as tf.data), `str`s become a
        `StringArray`, numbers a tensor. Usually after `unbatch()`, to
        batch samples again at another size.

        Args:
            batch_size: Elements per batch.
            drop_remainder: Drop a last, smaller batch.
            num_parallel_calls: Accepted for tf.data's signature.
            deterministic: Accepted for tf.data's signature.
            name: Accepted for tf.data's signature.

        Raises:
            ValueError: When `batch_size` is not a positive int; while
                reading, for elements of different structures or shapes.

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(6), None, 2, batch_size=2)
            >>> [windows.shape[0] for windows in dataset.unbatch().batch(4)]
            [4, 1]
        """
        del num_parallel_calls, deterministic, name  # stacking is one call per batch
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"`batch_size` must be a positive int. Received: batch_size={batch_size!r}")
        return _Batch(self, int(batch_size), drop_remainder=bool(drop_remainder))

    def as_numpy_iterator(self) -> Iterator[Any]:
        """An iterator over the elements with every tensor turned into a NumPy array.

        Texts come as NumPy object arrays of `str` (tf.data gives bytes).

        Example:
            >>> from fitwell.utils import timeseries_dataset_from_array
            >>> dataset = timeseries_dataset_from_array(np.arange(4), None, 3, batch_size=4)
            >>> list(dataset.as_numpy_iterator())
            [array([[0, 1, 2],
                   [1, 2, 3]])]
        """
        return (_to_numpy(element) for element in self)


class _Derived(DatasetMethods):
    """A dataset made from another by one method; keeps the source's `class_names`.

    Subclasses implement `__iter__` and `_cardinality`.
    """

    def __init__(self, source: Iterable[Any]) -> None:
        self.source = source
        # tf.data datasets lose `class_names` after any method; it stays true here, so it is kept.
        if hasattr(source, "class_names"):
            self.class_names = source.class_names

    def _source_cardinality(self) -> int:
        if isinstance(self.source, DatasetMethods):
            return self.source._cardinality()
        try:
            return len(self.source)  # type: ignore[arg-type]
        except TypeError:
            return UNKNOWN_CARDINALITY

    def __len__(self) -> int:
        count = self._cardinality()
        if count == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite (`repeat()`): it has no length.")
        if count < 0:
            raise TypeError("The dataset's length is unknown until it is read (`unbatch()`).")
        return count

    def __repr__(self) -> str:
        return f"{type(self).__name__[1:]}Dataset(source={self.source!r})"


class _Take(_Derived):
    def __init__(self, source: Iterable[Any], count: int) -> None:
        super().__init__(source)
        self.count = count

    def __iter__(self) -> Iterator[Any]:
        if self.count < 0:
            return iter(self.source)
        return itertools.islice(self.source, self.count)

    def _cardinality(self) -> int:
        known = self._source_cardinality()
        if known == UNKNOWN_CARDINALITY:
            return known
        if known == INFINITE_CARDINALITY:
            return self.count
        return known if self.count < 0 else min(known, self.count)


class _Skip(_Derived):
    def __init__(self, source: Iterable[Any], count: int) -> None:
        super().__init__(source)
        self.count = count

    def __iter__(self) -> Iterator[Any]:
        if self.count < 0:
            for _ in self.source:  # tf.data reads the skipped elements too
                pass
            return iter(())
        return itertools.islice(self.source, self.count, None)

    def _cardinality(self) -> int:
        known = self._source_cardinality()
        if known < 0:
            return known
        return 0 if self.count < 0 else max(known - self.count, 0)


class _Map(_Derived):
    def __init__(self, source: Iterable[Any], function: Callable[..., Any]) -> None:
        super().__init__(source)
        self.function = function

    def __iter__(self) -> Iterator[Any]:
        for element in self.source:
            # The pipeline is not differentiated (as tf.data); the context must not span the `yield`.
            with torch.no_grad():
                result = self.function(*element) if isinstance(element, tuple) else self.function(element)
            yield result

    def _cardinality(self) -> int:
        return self._source_cardinality()


class _Cache(_Derived):
    def __init__(self, source: Iterable[Any]) -> None:
        super().__init__(source)
        self.elements: list[Any] | None = None

    def __iter__(self) -> Iterator[Any]:
        if self.elements is not None:
            yield from self.elements
            return
        recorded = []
        for element in self.source:
            recorded.append(element)
            yield element
        self.elements = recorded  # only a complete pass is kept

    def _cardinality(self) -> int:
        return self._source_cardinality() if self.elements is None else len(self.elements)


class _Shuffle(_Derived):
    def __init__(self, source: Iterable[Any], buffer_size: int, *, seed: int, reshuffle: bool) -> None:
        super().__init__(source)
        self.buffer_size = buffer_size
        self.seed = seed
        self.reshuffle = reshuffle
        self.passes = 0

    def __iter__(self) -> Iterator[Any]:
        # Every pass gets its own stream from (seed, pass), so a pass cut short does not shift the next.
        generator = np.random.default_rng([self.seed, self.passes] if self.reshuffle else self.seed)
        self.passes += 1
        buffer: list[Any] = []
        for element in self.source:
            if len(buffer) < self.buffer_size:
                buffer.append(element)
                continue
            index = int(generator.integers(len(buffer)))
            yield buffer[index]
            buffer[index] = element
        while buffer:
            index = int(generator.integers(len(buffer)))
            buffer[index], buffer[-1] = buffer[-1], buffer[index]
            yield buffer.pop()

    def _cardinality(self) -> int:
        return self._source_cardinality()


class _Repeat(_Derived):
    def __init__(self, source: Iterable[Any], count: int) -> None:
        super().__init__(source)
        self.count = count

    def __iter__(self) -> Iterator[Any]:
        passes = itertools.count() if self.count < 0 else range(self.count)
        for _ in passes:
            empty = True
            for element in self.source:
                empty = False
                yield element
            if empty:  # an empty source repeated endlessly is still empty
                return

    def _cardinality(self) -> int:
        known = self._source_cardinality()
        if self.count < 0:
            return 0 if known == 0 else INFINITE_CARDINALITY
        if self.count == 0:
            return 0
        return known if known < 0 else self.count * known


class _Unbatch(_Derived):
    def __iter__(self) -> Iterator[Any]:
        for element in self.source:
            size = _batch_size_of(element)
            for row in range(size):
                yield _pick(element, row)

    def _cardinality(self) -> int:
        known = self._source_cardinality()
        return known if known == INFINITE_CARDINALITY else UNKNOWN_CARDINALITY


class _Batch(_Derived):
    def __init__(self, source: Iterable[Any], batch_size: int, *, drop_remainder: bool) -> None:
        super().__init__(source)
        self.batch_size = batch_size
        self.drop_remainder = drop_remainder

    def __iter__(self) -> Iterator[Any]:
        iterator = iter(self.source)
        while group := list(itertools.islice(iterator, self.batch_size)):
            if len(group) < self.batch_size and self.drop_remainder:
                return
            yield _stack(group)

    def _cardinality(self) -> int:
        known = self._source_cardinality()
        if known < 0:
            return known
        full, rest = divmod(known, self.batch_size)
        return full + (1 if rest and not self.drop_remainder else 0)


def _check_count(count: Any, method: str) -> int:
    try:
        if isinstance(count, bool):
            raise TypeError
        value = operator.index(count.item() if isinstance(count, torch.Tensor | np.ndarray) else count)
    except (TypeError, ValueError, RuntimeError):
        value = None
    if value is None or value < -1:
        raise ValueError(
            f"`count` of `{method}` must be an int >= 0, or -1 for all. Received: count={count!r}"
        )
    return value


def _leaves(element: Any) -> list[Any]:
    if isinstance(element, dict):
        return [leaf for value in element.values() for leaf in _leaves(value)]
    if isinstance(element, tuple | list):
        return [leaf for value in element for leaf in _leaves(value)]
    return [element]


def _batch_size_of(element: Any) -> int:
    sizes = {len(leaf) for leaf in _leaves(element)}
    if len(sizes) != 1:
        raise ValueError(
            "`unbatch()` needs every part of a batch to hold the same number of samples. Received a "
            f"batch whose parts hold {sorted(sizes)} samples."
        )
    return sizes.pop()


def _pick(element: Any, row: int) -> Any:
    if isinstance(element, dict):
        return {key: _pick(value, row) for key, value in element.items()}
    if isinstance(element, tuple | list):
        return (list if isinstance(element, list) else tuple)(_pick(value, row) for value in element)
    return element[row]


def _stack(group: list[Any]) -> Any:
    first = group[0]
    if isinstance(first, dict):
        if any(not isinstance(item, dict) or item.keys() != first.keys() for item in group):
            raise ValueError(f"`batch()` needs elements of one structure. Received: {_kinds(group)}")
        return {key: _stack([item[key] for item in group]) for key in first}
    if isinstance(first, tuple | list):
        if any(type(item) is not type(first) or len(item) != len(first) for item in group):
            raise ValueError(f"`batch()` needs elements of one structure. Received: {_kinds(group)}")
        parts = (_stack(list(column)) for column in zip(*group, strict=True))
        return list(parts) if isinstance(first, list) else tuple(parts)
    try:
        if isinstance(first, torch.Tensor):
            return torch.stack(group)
        if isinstance(first, str | bytes | StringArray):
            return StringArray(np.stack([np.asarray(item, dtype=object) for item in group]))
        if isinstance(first, np.ndarray | np.generic):
            return np.stack(group)
        return torch.tensor(group)
    except (RuntimeError, ValueError, TypeError) as error:
        raise ValueError(
            f"`batch()` needs elements of one shape to stack. Received: {_kinds(group)} ({error})"
        ) from None


def _kinds(group: list[Any]) -> str:
    shapes = [tuple(item.shape) if hasattr(item, "shape") else type(item).__name__ for item in group]
    return ", ".join(str(shape) for shape in shapes[:4]) + (", ..." if len(shapes) > 4 else "")


def _to_numpy(element: Any) -> Any:
    if isinstance(element, dict):
        return {key: _to_numpy(value) for key, value in element.items()}
    if isinstance(element, tuple | list):
        return (list if isinstance(element, list) else tuple)(_to_numpy(value) for value in element)
    if isinstance(element, torch.Tensor):
        return element.detach().cpu().numpy()
    if isinstance(element, StringArray):
        return element.values
    return element
