"""The checks on what a user passes as data, before it becomes a source.

Refuse what cannot be data (a single number, text, a set), read Python
lists of rows as one array as Keras does, and check that the arrays `x`,
`y` and `sample_weight` agree with each other. `data.as_data` runs them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch

from fitwell.structures import Structure, check_finite, count_samples, is_structure_of_arrays, leaves

__all__ = ["check_arrays", "check_supported", "rows_as_array"]


def check_arrays(x: Structure, y: Structure | None, sample_weight: torch.Tensor | None, argument: str) -> int:
    """The number of samples, after checking that `x`, `y` and `sample_weight` agree.

    Each has a sample axis, `x` is not empty, all have the same number of
    samples, no value is NaN or Inf, and `sample_weight` has one weight per
    sample (or per step of the targets).

    Raises:
        ValueError: Naming the first argument that fails, and how to fix it.
    """
    for name, structure in ((argument, x), ("y", y), ("sample_weight", sample_weight)):
        if structure is not None and any(t.dim() == 0 for t in leaves(structure)):
            raise ValueError(
                f"`{name}` must have a first (sample) axis. Received: a single number. Pass an "
                f"array with one entry per sample, e.g. numpy.array([{name}_0, {name}_1, ...])."
            )
    n = count_samples(x)
    if n == 0:
        raise ValueError(f"`{argument}` is empty: it has 0 samples. Pass at least one sample.")
    for name, structure in ((argument, x), ("y", y), ("sample_weight", sample_weight)):
        if structure is None:
            continue
        sizes = {len(t) for t in leaves(structure)}
        if sizes != {n}:
            raise ValueError(
                f"`{argument}` and `{name}` must have the same number of samples. "
                f"Received: {argument} has {n}, {name} has {sorted(sizes)}. Check that "
                "features and labels come from the same rows."
            )
    for name, structure in ((argument, x), ("y", y), ("sample_weight", sample_weight)):
        if structure is not None:
            check_finite(structure, argument=name)
    if sample_weight is not None:
        _check_sample_weight_shape(sample_weight, y)
    return n


def check_supported(x: Any, argument: str) -> None:
    """Refuse a single number, text or a set before anything else is said about the other arguments."""
    if isinstance(x, int | float | complex | np.number) and not is_structure_of_arrays(x):
        raise ValueError(
            f"`{argument}` must have a first (sample) axis. Received: a single number, {argument}={x!r}. "
            f"Pass an array with one row per sample, e.g. numpy.array([[...], [...]])."
        )
    if isinstance(x, str | bytes | set | frozenset) or not (
        is_structure_of_arrays(x) or isinstance(x, Iterable) or hasattr(x, "__getitem__")
    ):
        raise TypeError(
            f"Unsupported type for `{argument}`: {type(x).__name__}. Pass numpy arrays, torch "
            "tensors, pandas objects, a dict/list of arrays, a torch Dataset or DataLoader, "
            "or an iterable of (x, y) batches."
        )


def _is_nested_numbers(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return bool(value) and all(_is_nested_numbers(item) for item in value)
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


def _is_nested_strings(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(_is_nested_strings(item) for item in value)
    return isinstance(value, str)


def rows_as_array(x: Any, argument: str) -> Any:
    """A Python list of rows (lists of numbers) or of strings as one array, as Keras reads it.

    Anything else is returned as is.
    """
    if isinstance(x, list) and _is_nested_strings(x):
        return np.asarray(x, dtype=str)
    if not isinstance(x, list | tuple) or not _is_nested_numbers(x):
        return x
    try:
        return np.asarray(x)
    except ValueError as error:
        raise ValueError(
            f"`{argument}` is a list of rows of different lengths ({error}). Received: {len(x)} rows. "
            "Every row needs the same number of features; pad or trim them, or pass a numpy array."
        ) from None


def _check_sample_weight_shape(sample_weight: torch.Tensor, y: Any) -> None:
    """One weight per sample `(N,)`/`(N, 1)`, or per time step: a leading part of `y`'s shape."""
    shape = tuple(sample_weight.shape)
    if len(shape) == 1 or shape[1:] == (1,):
        return
    targets = leaves(y) if y is not None else []
    if targets and all(tuple(t.shape)[: len(shape)] == shape for t in targets):
        return
    y_shapes = [tuple(t.shape) for t in targets]
    raise ValueError(
        f"`sample_weight` must hold one weight per sample, shape (N,), or one per step of the targets "
        f"(a leading part of y's shape). Received: sample_weight with shape {shape}, y with shape "
        f"{y_shapes[0] if len(y_shapes) == 1 else y_shapes}. Pass a 1-D array of N weights."
    )
