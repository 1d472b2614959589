"""Shape and layout: `reshape`, `transpose`, `concatenate`, `split`, `take`, `sort`, `pad`, ...

Arguments and semantics are numpy's, as in Keras (`transpose(x, axes)`,
`split(x, indices_or_sections, axis)`, `pad(x, pad_width, mode)`). Where
Keras's torch backend departs from its own documented numpy semantics,
fitwell follows the documentation:

- `pad` with one `(before, after)` pair pads every axis (Keras's torch
  backend pads only the last), and `mode="symmetric"` mirrors the edge
  value (Keras's torch backend repeats it, as `"edge"` does);
- `take` with `axis=None` wraps negative indices over the flattened size;
- `squeeze` of an axis whose size is not 1 raises (Keras's torch backend
  returns the tensor unchanged; its other backends raise).

Example:
    >>> x = torch.arange(6).reshape(2, 3)
    >>> transpose(x).shape, concatenate([x, x], axis=-1).shape, [t.shape for t in split(x, 3, axis=1)]
    (torch.Size([3, 2]), torch.Size([2, 6]), [torch.Size([2, 1]), torch.Size([2, 1]), torch.Size([2, 1])])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.ops._base import check_axis, is_symbolic, record, to_tensor, to_tensors

__all__ = [
    "broadcast_to",
    "concatenate",
    "diag",
    "diagonal",
    "expand_dims",
    "flip",
    "hstack",
    "moveaxis",
    "pad",
    "ravel",
    "repeat",
    "reshape",
    "roll",
    "sort",
    "argsort",
    "split",
    "squeeze",
    "stack",
    "swapaxes",
    "take",
    "take_along_axis",
    "tile",
    "transpose",
    "tril",
    "triu",
    "vstack",
]

Tensor = torch.Tensor
Axis = int | Sequence[int] | None

PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "circular")


def _axes(axis: int | Sequence[int]) -> list[int]:
    return [axis] if isinstance(axis, int) else list(axis)


def transpose(x: Any, axes: Sequence[int] | None = None) -> Tensor:
    """Permute the axes: `axes[i]` is the input axis that becomes axis `i`; None reverses them.

    Example:
        >>> transpose(torch.zeros(2, 3, 4), axes=(0, 2, 1)).shape
        torch.Size([2, 4, 3])
    """
    if is_symbolic(x):
        return record(transpose, x, axes)
    x = to_tensor(x)
    if axes is None:
        return x.permute(*reversed(range(x.ndim)))
    axes = _axes(axes)
    if len(axes) != x.ndim or sorted(a % x.ndim for a in axes) != list(range(x.ndim)):
        raise ValueError(
            f"`axes` must be a permutation of the {x.ndim} axes of `x`. Received: axes={axes!r} "
            f"for x.shape={tuple(x.shape)}."
        )
    return x.permute(*axes)


def reshape(x: Any, newshape: int | Sequence[int]) -> Tensor:
    """Give `x` a new shape with the same number of elements; one size may be -1 (inferred).

    Example:
        >>> reshape(torch.arange(6), (-1, 2)).shape
        torch.Size([3, 2])
    """
    if is_symbolic(x):
        return record(reshape, x, newshape)
    x = to_tensor(x)
    shape = [int(size) for size in (newshape.tolist() if isinstance(newshape, Tensor) else _axes(newshape))]
    known = math.prod(size for size in shape if size != -1)
    unknowns = shape.count(-1)
    if (
        unknowns > 1
        or any(size < -1 for size in shape)
        or (known != x.numel() if unknowns == 0 else (known == 0 or x.numel() % known))
    ):
        raise ValueError(
            f"Cannot reshape a tensor of shape {tuple(x.shape)} ({x.numel()} elements) to "
            f"newshape={tuple(shape)}. The sizes must multiply to {x.numel()}, with at most one -1."
        )
    return torch.reshape(x, shape)


def expand_dims(x: Any, axis: int | Sequence[int]) -> Tensor:
    """Insert size-1 axes at `axis` (positions in the result).

    Example:
        >>> expand_dims(torch.zeros(2, 3), axis=(0, -1)).shape
        torch.Size([1, 2, 3, 1])
    """
    if is_symbolic(x):
        return record(expand_dims, x, axis)
    x = to_tensor(x)
    axes = _axes(axis)
    ndim = x.ndim + len(axes)
    check_axis(axes, ndim)
    for a in sorted(a % ndim for a in axes):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x: Any, axis: int | Sequence[int] | None = None) -> Tensor:
    """Remove size-1 axes: all of them, or those named by `axis` (which must have size 1).

    Example:
        >>> squeeze(torch.zeros(1, 3, 1)).shape, squeeze(torch.zeros(1, 3, 1), axis=-1).shape
        (torch.Size([3]), torch.Size([1, 3]))
    """
    if is_symbolic(x):
        return record(squeeze, x, axis)
    x = to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    axes = _axes(axis)
    check_axis(axes, x.ndim)
    wrong = [a for a in axes if x.ndim and x.shape[a] != 1]
    if wrong:
        raise ValueError(
            f"Cannot squeeze axis {wrong[0]}, which has size {x.shape[wrong[0]]}. Received: axis={axis!r} "
            f"for x.shape={tuple(x.shape)}. Only axes of size 1 can be squeezed."
        )
    return torch.squeeze(x, dim=tuple(axes))


def concatenate(xs: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    Example:
        >>> concatenate([torch.zeros(2, 1), torch.ones(2, 2)], axis=1)
        tensor([[0., 1., 1.],
                [0., 1., 1.]])
    """
    if is_symbolic(xs):
        return record(concatenate, xs, axis)
    xs = to_tensors(*xs)
    check_axis(axis, xs[0].ndim if xs else 1)
    return torch.cat(xs, dim=axis)


def stack(x: Sequence[Any], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis.

    Example:
        >>> stack([torch.zeros(3), torch.ones(3)], axis=1).shape
        torch.Size([3, 2])
    """
    if is_symbolic(x):
        return record(stack, x, axis)
    tensors = to_tensors(*x)
    check_axis(axis, (tensors[0].ndim if tensors else 0) + 1)
    return torch.stack(tensors, dim=axis)


def hstack(xs: Sequence[Any]) -> Tensor:
    """Join along the second axis (the first for 1-D tensors).

    Example:
        >>> hstack([torch.tensor([1, 2]), torch.tensor([3])])
        tensor([1, 2, 3])
    """
    if is_symbolic(xs):
        return record(hstack, xs)
    return torch.hstack(to_tensors(*xs))


def vstack(xs: Sequence[Any]) -> Tensor:
    """Join along the first axis, treating 1-D tensors as rows.

    Example:
        >>> vstack([torch.tensor([1, 2]), torch.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    if is_symbolic(xs):
        return record(vstack, xs)
    return torch.vstack(to_tensors(*xs))


def split(x: Any, indices_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Split into equal sections (an int, which must divide the axis) or at the given indices.

    Example:
        >>> [t.tolist() for t in split(torch.arange(5), [1, 3])]
        [[0], [1, 2], [3, 4]]
    """
    if is_symbolic(x):
        return record(split, x, indices_or_sections, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
        if sections <= 0 or size % sections:
            raise ValueError(
                f"`indices_or_sections`={sections} (a number of sections) must divide x.shape[{axis}]="
                f"{size}. Received: indices_or_sections={sections}, axis={axis}, x.shape={tuple(x.shape)}. "
                "Pass a list of split indices for unequal parts."
            )
        if size == 0:
            return [x.clone() for _ in range(sections)]
        return list(torch.split(x, size // sections, dim=axis))
    # Split points behave as numpy's: slice bounds, so negative and unsorted ones slice as Python does.
    bounds = [None, *(int(i) for i in to_tensor(indices_or_sections).tolist()), None]
    before = (slice(None),) * (axis % x.ndim)
    return [x[(*before, slice(start, end))] for start, end in zip(bounds[:-1], bounds[1:], strict=True)]


def tile(x: Any, repeats: int | Sequence[int]) -> Tensor:
    """Repeat the whole tensor `repeats` times along each axis.

    Example:
        >>> tile(torch.tensor([1, 2]), 2)
        tensor([1, 2, 1, 2])
    """
    if is_symbolic(x):
        return record(tile, x, repeats)
    if isinstance(repeats, Tensor):
        repeats = [int(r) for r in repeats.tolist()]
    return torch.tile(to_tensor(x), tuple(_axes(repeats)))


def repeat(x: Any, repeats: int | Sequence[int], axis: int | None = None) -> Tensor:
    """Repeat each element `repeats` times (of the flattened tensor when `axis` is None).

    Example:
        >>> repeat(torch.tensor([1, 2]), 2)
        tensor([1, 1, 2, 2])
        >>> repeat(torch.tensor([[1, 2]]), [1, 3], axis=1)
        tensor([[1, 2, 2, 2]])
    """
    if is_symbolic(x):
        return record(repeat, x, repeats, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    if not isinstance(repeats, int):
        repeats = to_tensor(repeats, "int64", device=x.device)
    return torch.repeat_interleave(x, repeats, dim=axis)


def _wrapped(indices: Any, size: int, device: torch.device) -> Tensor:
    indices = to_tensor(indices, device=device).long()
    return torch.where(indices < 0, indices + size, indices)


def take(x: Any, indices: Any, axis: int | None = None) -> Tensor:
    """Elements at `indices` along `axis` (of the flattened tensor when None); negative indices wrap.

    The result has shape `x.shape[:axis] + indices.shape + x.shape[axis + 1:]`.

    Example:
        >>> take(torch.tensor([[1, 2], [3, 4]]), torch.tensor([1, 1, 0]), axis=0)
        tensor([[3, 4],
                [3, 4],
                [1, 2]])
    """
    if is_symbolic((x, indices)):
        return record(take, x, indices, axis)
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    check_axis(axis, x.ndim)
    axis %= x.ndim
    indices = _wrapped(indices, x.shape[axis], x.device)
    picked = torch.index_select(x, axis, indices.reshape(-1))
    return picked.reshape((*x.shape[:axis], *indices.shape, *x.shape[axis + 1 :]))


def take_along_axis(x: Any, indices: Any, axis: int | None = None) -> Tensor:
    """Pick one element per index along `axis`, with `indices` shaped like `x` (broadcastable).

    Example:
        >>> x = torch.tensor([[10, 30, 20]])
        >>> take_along_axis(x, torch.argsort(x, dim=1), axis=1)
        tensor([[10, 20, 30]])
    """
    if is_symbolic((x, indices)):
        return record(take_along_axis, x, indices, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    size = x.numel() if axis is None else x.shape[axis]
    return torch.take_along_dim(x, _wrapped(indices, size, x.device), dim=axis)


def sort(x: Any, axis: int | None = -1) -> Tensor:
    """Sorted values, ascending, along `axis` (of the flattened tensor when None).

    Example:
        >>> sort(torch.tensor([[3, 1, 2]]))
        tensor([[1, 2, 3]])
    """
    if is_symbolic(x):
        return record(sort, x, axis)
    x = to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    check_axis(axis, x.ndim)
    return torch.sort(x, dim=axis).values


def argsort(x: Any, axis: int | None = -1) -> Tensor:
    """Indices (int32) that sort `x` along `axis`, ties kept in order.

    Example:
        >>> argsort(torch.tensor([3, 1, 2]))
        tensor([1, 2, 0], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(argsort, x, axis)
    x = to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        x, axis = x.reshape(-1), -1
    check_axis(axis, x.ndim)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def flip(x: Any, axis: Axis = None) -> Tensor:
    """Reverse the order of elements along `axis` (every axis when None).

    Example:
        >>> flip(torch.tensor([[1, 2], [3, 4]]), axis=1)
        tensor([[2, 1],
                [4, 3]])
    """
    if is_symbolic(x):
        return record(flip, x, axis)
    x = to_tensor(x)
    axes = list(range(x.ndim)) if axis is None else _axes(axis)
    check_axis(axes, x.ndim)
    return torch.flip(x, dims=axes)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """Broadcast `x` to `shape` (numpy's rules).

    Example:
        >>> broadcast_to(torch.tensor([1, 2]), (2, 2))
        tensor([[1, 2],
                [1, 2]])
    """
    if is_symbolic(x):
        return record(broadcast_to, x, shape)
    return torch.broadcast_to(to_tensor(x), tuple(_axes(shape)))


def _pad_pairs(pad_width: Any, ndim: int) -> list[tuple[int, int]]:
    if isinstance(pad_width, int):
        pairs = [(pad_width, pad_width)]
    elif isinstance(pad_width, Sequence) and pad_width and isinstance(pad_width[0], int):
        pairs = [tuple(pad_width) * (2 if len(pad_width) == 1 else 1)]
    else:
        pairs = [tuple(pair) * (2 if len(pair) == 1 else 1) for pair in pad_width]
    if len(pairs) == 1:
        pairs = pairs * ndim
    if len(pairs) != ndim or any(len(pair) != 2 or min(pair) < 0 for pair in pairs):
        raise ValueError(
            f"`pad_width` must be an int, one (before, after) pair, or one pair per axis of `x` "
            f"({ndim}), all non-negative. Received: pad_width={pad_width!r}."
        )
    return [(int(before), int(after)) for before, after in pairs]


def _source_indices(size: int, before: int, after: int, mode: str, device: torch.device) -> Tensor:
    # For each output position along one axis, the input position it copies (numpy's definitions).
    position = torch.arange(-before, size + after, device=device)
    if mode == "edge":
        return position.clamp(0, size - 1)
    if mode in ("wrap", "circular"):
        return position % size
    if mode == "reflect":
        period = 2 * (size - 1)
        if period == 0:
            return torch.zeros_like(position)
        position = position % period
        return torch.where(position >= size, period - position, position)
    period = 2 * size  # symmetric: like reflect, but the edge value is repeated
    position = position % period
    return torch.where(position >= size, period - 1 - position, position)


def pad(x: Any, pad_width: Any, mode: str = "constant", constant_values: Any = None) -> Tensor:
    """Pad each axis with `(before, after)` values, numpy-style.

    Args:
        x: Tensor to pad.
        pad_width: An int (all sides), one `(before, after)` pair (every axis),
            or one pair per axis.
        mode: `"constant"`, `"edge"`, `"reflect"`, `"symmetric"` or `"wrap"`
            (`"circular"` is a synonym).
        constant_values: The fill value for `"constant"` (default 0).

    Example:
        >>> pad(torch.tensor([1, 2, 3]), (2, 1), mode="reflect")
        tensor([3, 2, 1, 2, 3, 2])
        >>> pad(torch.tensor([[1]]), 1, constant_values=9)
        tensor([[9, 9, 9],
                [9, 1, 9],
                [9, 9, 9]])
    """
    if mode not in PAD_MODES:
        raise ValueError(f"`mode` must be one of {PAD_MODES}. Received: mode={mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"`constant_values` only applies to mode='constant'. Received: mode={mode!r}, "
            f"constant_values={constant_values!r}."
        )
    if is_symbolic(x):
        return record(pad, x, pad_width, mode, constant_values)
    x = to_tensor(x)
    pairs = _pad_pairs(pad_width, x.ndim)
    if mode == "constant":
        flat = [side for pair in reversed(pairs) for side in pair]
        return F.pad(x, flat, mode="constant", value=0 if constant_values is None else constant_values)
    for axis, (before, after) in enumerate(pairs):
        if not (before or after):
            continue
        if x.shape[axis] == 0:
            raise ValueError(
                f"Cannot pad an empty axis with mode={mode!r}. Received: x.shape={tuple(x.shape)}. "
                "Use mode='constant' to pad empty axes."
            )
        x = torch.index_select(x, axis, _source_indices(x.shape[axis], before, after, mode, x.device))
    return x


def swapaxes(x: Any, axis1: int, axis2: int) -> Tensor:
    """Exchange two axes.

    Example:
        >>> swapaxes(torch.zeros(2, 3, 4), 0, 2).shape
        torch.Size([4, 3, 2])
    """
    if is_symbolic(x):
        return record(swapaxes, x, axis1, axis2)
    x = to_tensor(x)
    check_axis(axis1, x.ndim, argument="axis1")
    check_axis(axis2, x.ndim, argument="axis2")
    return torch.swapaxes(x, axis1, axis2)


def moveaxis(x: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Tensor:
    """Move axes to new positions, keeping the order of the others.

    Example:
        >>> moveaxis(torch.zeros(2, 3, 4), 0, -1).shape
        torch.Size([3, 4, 2])
    """
    if is_symbolic(x):
        return record(moveaxis, x, source, destination)
    x = to_tensor(x)
    check_axis(source, x.ndim, argument="source")
    check_axis(destination, x.ndim, argument="destination")
    return torch.moveaxis(x, source, destination)


def ravel(x: Any) -> Tensor:
    """Flatten to 1-D.

    Example:
        >>> ravel(torch.tensor([[1, 2], [3, 4]]))
        tensor([1, 2, 3, 4])
    """
    if is_symbolic(x):
        return record(ravel, x)
    return torch.ravel(to_tensor(x))


def roll(x: Any, shift: int | Sequence[int], axis: Axis = None) -> Tensor:
    """Shift elements cyclically along `axis` (of the flattened tensor when None).

    Example:
        >>> roll(torch.tensor([1, 2, 3]), 1)
        tensor([3, 1, 2])
    """
    if is_symbolic(x):
        return record(roll, x, shift, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    return torch.roll(x, shift, dims=axis)


def tril(x: Any, k: int = 0) -> Tensor:
    """Zero the elements above the `k`-th diagonal of the last two axes.

    Example:
        >>> tril(torch.ones(2, 2, dtype=torch.int32))
        tensor([[1, 0],
                [1, 1]], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(tril, x, k)
    return torch.tril(to_tensor(x), diagonal=k)


def triu(x: Any, k: int = 0) -> Tensor:
    """Zero the elements below the `k`-th diagonal of the last two axes.

    Example:
        >>> triu(torch.ones(2, 2, dtype=torch.int32))
        tensor([[1, 1],
                [0, 1]], dtype=torch.int32)
    """
    if is_symbolic(x):
        return record(triu, x, k)
    return torch.triu(to_tensor(x), diagonal=k)


def diag(x: Any, k: int = 0) -> Tensor:
    """The `k`-th diagonal of a matrix, or a matrix with a 1-D tensor on its `k`-th diagonal.

    Example:
        >>> diag(torch.tensor([1, 2]))
        tensor([[1, 0],
                [0, 2]])
    """
    if is_symbolic(x):
        return record(diag, x, k)
    x = to_tensor(x)
    if x.ndim not in (1, 2):
        raise ValueError(f"`x` must be 1-D or 2-D. Received: x.shape={tuple(x.shape)}.")
    return torch.diag(x, diagonal=k)


def diagonal(x: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonal of the `(axis1, axis2)` planes, as the last axis of the result.

    Example:
        >>> diagonal(torch.tensor([[1, 2], [3, 4]]))
        tensor([1, 4])
    """
    if is_symbolic(x):
        return record(diagonal, x, offset, axis1, axis2)
    x = to_tensor(x)
    check_axis(axis1, x.ndim, argument="axis1")
    check_axis(axis2, x.ndim, argument="axis2")
    return torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)
