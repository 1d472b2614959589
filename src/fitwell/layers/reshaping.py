"""Reshaping layers: Reshape, Permute, RepeatVector, and cropping, zero padding and upsampling of
the spatial axes (one base per family, 1-D/2-D/3-D variants).

Spatial layers take Keras's channels-last inputs, `(batch, *spatial,
channels)`, unless `data_format="channels_first"`. `Flatten` is in
`layers/core.py`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell.layers.layer import Layer
from fitwell.layers.spatial import FORMATS, check_choice, ntuple

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Permute",
    "RepeatVector",
    "Reshape",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]

Pairs = tuple[tuple[int, int], ...]


def _is_int(value: Any) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _pair(value: Any) -> tuple[int, int] | None:
    """An int n as (n, n), a sequence of two ints as a tuple; None when it is neither or negative."""
    if _is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, Sequence) and len(value) == 2 and all(_is_int(v) for v in value):
        pair = (int(value[0]), int(value[1]))
    else:
        return None
    return pair if min(pair) >= 0 else None


def _spatial_pairs(value: Any, rank: int, argument: str) -> Pairs:
    """Keras's forms of `cropping`/`padding` as one (before, after) pair per spatial axis.

    Rank 1 takes an int or a pair; rank 2 and 3 take an int, `rank` ints
    (the same on both sides of each axis) or `rank` pairs.
    """
    if rank == 1:
        pair = _pair(value)
        pairs = None if pair is None else (pair,)
    elif _is_int(value):
        pair = _pair(value)
        pairs = None if pair is None else (pair,) * rank
    elif isinstance(value, Sequence) and len(value) == rank:
        found = tuple(_pair(v) for v in value)
        pairs = None if None in found else found
    else:
        pairs = None
    if pairs is None:
        forms = (
            "an int >= 0 or a pair (before, after)"
            if rank == 1
            else (
                f"an int >= 0, a tuple of {rank} ints (one per spatial axis) or a tuple of {rank} pairs "
                "((before, after) per spatial axis)"
            )
        )
        raise ValueError(f"`{argument}` must be {forms}. Received: {argument}={value!r}")
    return pairs


def _spatial_axes(rank: int, data_format: str) -> range:
    return range(1, rank + 1) if data_format == "channels_last" else range(2, rank + 2)


def _check_rank(layer: Layer, inputs: torch.Tensor, rank: int) -> None:
    if inputs.dim() != rank + 2:
        raise ValueError(
            f"{type(layer).__name__} takes inputs with {rank + 2} axes (batch, {rank} spatial, channels). "
            f"Received: inputs of shape {tuple(inputs.shape)}"
        )


class Reshape(Layer):
    """Reshapes each sample to `target_shape` (the batch axis is kept).

    Args:
        target_shape: The shape of one sample; one entry may be -1, to be
            inferred from the sample's size.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Reshape((-1, 2))(torch.zeros(4, 3, 4)).shape
        torch.Size([4, 6, 2])
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        valid = isinstance(target_shape, Sequence) and all(
            _is_int(d) and (d > 0 or d == -1) for d in target_shape
        )
        if not valid or list(target_shape).count(-1) > 1:
            raise ValueError(
                "`target_shape` must be a tuple of positive ints, with at most one -1 for a size to infer. "
                f"Received: target_shape={target_shape!r}"
            )
        self.target_shape = tuple(int(d) for d in target_shape)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        sample_size = math.prod(inputs.shape[1:])
        known = math.prod(d for d in self.target_shape if d != -1)
        fits = sample_size % known == 0 if -1 in self.target_shape else sample_size == known
        if not fits:
            raise ValueError(
                f"{self.name} cannot reshape samples of shape {tuple(inputs.shape[1:])} ({sample_size} "
                f"values) to target_shape={self.target_shape}. Received: inputs of shape "
                f"{tuple(inputs.shape)}. The target must hold the same number of values."
            )
        return inputs.reshape(inputs.shape[0], *self.target_shape)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the axes of each sample; `dims` counts from 1 (the batch axis stays first).

    Args:
        dims: A permutation of `1, …, n` for samples with `n` axes: `(2, 1)`
            swaps the two axes of a sequence's samples.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Permute((2, 1))(torch.zeros(8, 10, 64)).shape
        torch.Size([8, 64, 10])
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        valid = isinstance(dims, Sequence) and all(_is_int(d) for d in dims)
        if not valid or sorted(int(d) for d in dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "`dims` must be a permutation of 1, …, n (axis 0, the batch axis, is not permuted). "
                f"Received: dims={dims!r}"
            )
        self.dims = tuple(int(d) for d in dims)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != len(self.dims) + 1:
            raise ValueError(
                f"{self.name} permutes samples with {len(self.dims)} axes (dims={self.dims}). Received: "
                f"inputs of shape {tuple(inputs.shape)}"
            )
        return inputs.permute(0, *self.dims)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(Layer):
    """Repeats each input vector `n` times: `(batch, features)` becomes `(batch, n, features)`.

    Args:
        n: The number of repetitions.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> RepeatVector(3)(torch.tensor([[1.0, 2.0]]))
        tensor([[[1., 2.],
                 [1., 2.],
                 [1., 2.]]])
    """

    def __init__(self, n: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not _is_int(n) or n <= 0:
            raise ValueError(f"`n` must be a positive int. Received: n={n!r}")
        self.n = int(n)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.dim() != 2:
            raise ValueError(
                f"{self.name} repeats vectors: inputs of shape (batch, features). Received: inputs of "
                f"shape {tuple(inputs.shape)}"
            )
        return inputs.unsqueeze(1).repeat(1, self.n, 1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}


class _Cropping(Layer):
    """Crops each spatial axis; subclasses set `rank` and whether they take a `data_format`."""

    rank = 1
    takes_data_format = True

    def __init__(self, cropping: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cropping_pairs = _spatial_pairs(cropping, self.rank, "cropping")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")

    @property
    def cropping(self) -> tuple[int, int] | Pairs:
        """As Keras holds it: a pair for 1-D, a pair per axis otherwise."""
        return self.cropping_pairs[0] if self.rank == 1 else self.cropping_pairs

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        _check_rank(self, inputs, self.rank)
        index: list[slice] = [slice(None)] * inputs.dim()
        for axis, (before, after) in zip(
            _spatial_axes(self.rank, self.data_format), self.cropping_pairs, strict=True
        ):
            size = inputs.shape[axis]
            if before + after >= size:
                raise ValueError(
                    f"{self.name} would crop all of axis {axis} (size {size}). Received: "
                    f"cropping={self.cropping} for inputs of shape {tuple(inputs.shape)}. Crop less than "
                    "the axis holds."
                )
            index[axis] = slice(before, size - after)
        return inputs[tuple(index)]

    def get_config(self) -> dict[str, Any]:
        config = {**super().get_config(), "cropping": self.cropping}
        if self.takes_data_format:
            config["data_format"] = self.data_format
        return config


class Cropping1D(_Cropping):
    """Crops steps off both ends of sequences `(batch, steps, features)`.

    Args:
        cropping: An int (the same at both ends) or a pair `(start, end)`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Cropping1D((1, 2))(torch.arange(6.0).reshape(1, 6, 1)).flatten()
        tensor([1., 2., 3.])
    """

    rank = 1
    takes_data_format = False

    def __init__(self, cropping: int | tuple[int, int] = (1, 1), **kwargs: Any) -> None:
        super().__init__(cropping, **kwargs)


class Cropping2D(_Cropping):
    """Crops rows and columns off the edges of images.

    Args:
        cropping: An int (every edge), two ints `(rows, cols)` (both edges
            of each axis), or two pairs `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Cropping2D(((2, 2), (4, 4)))(torch.zeros(2, 28, 28, 3)).shape
        torch.Size([2, 24, 20, 3])
    """

    rank = 2

    def __init__(
        self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Crops the edges of volumes `(batch, dim1, dim2, dim3, channels)`.

    Args:
        cropping: An int, three ints (both edges of each axis), or three
            pairs `(before, after)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Cropping3D()(torch.zeros(1, 4, 4, 4, 2)).shape
        torch.Size([1, 2, 2, 2, 2])
    """

    rank = 3

    def __init__(
        self, cropping: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(cropping, data_format, **kwargs)


class _ZeroPadding(Layer):
    """Pads each spatial axis with zeros; subclasses set `rank`."""

    rank = 1

    def __init__(self, padding: Any, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.padding_pairs = _spatial_pairs(padding, self.rank, "padding")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")

    @property
    def padding(self) -> tuple[int, int] | Pairs:
        """As Keras holds it: a pair for 1-D, a pair per axis otherwise."""
        return self.padding_pairs[0] if self.rank == 1 else self.padding_pairs

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        _check_rank(self, inputs, self.rank)
        per_axis = [(0, 0)] * inputs.dim()
        for axis, pair in zip(_spatial_axes(self.rank, self.data_format), self.padding_pairs, strict=True):
            per_axis[axis] = pair
        # F.pad lists the last axis first.
        return F.pad(inputs, [size for pair in reversed(per_axis[1:]) for size in pair])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Pads sequences with zero steps at both ends.

    Args:
        padding: An int (the same at both ends) or a pair `(start, end)`.
        data_format: `"channels_last"` (default, `(batch, steps,
            features)`) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> ZeroPadding1D((1, 2))(torch.ones(1, 2, 1)).flatten()
        tensor([0., 1., 1., 0., 0.])
    """

    rank = 1

    def __init__(self, padding: int | tuple[int, int] = 1, data_format: str | None = None, **kwargs: Any):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Pads images with rows and columns of zeros.

    Args:
        padding: An int (every edge), two ints `(rows, cols)` (both edges
            of each axis), or two pairs `((top, bottom), (left, right))`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> ZeroPadding2D((1, 2))(torch.zeros(2, 4, 4, 3)).shape
        torch.Size([2, 6, 8, 3])
    """

    rank = 2

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Pads volumes `(batch, dim1, dim2, dim3, channels)` with zeros.

    Args:
        padding: An int, three ints (both edges of each axis), or three
            pairs `(before, after)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> ZeroPadding3D()(torch.zeros(1, 2, 2, 2, 3)).shape
        torch.Size([1, 4, 4, 4, 3])
    """

    rank = 3

    def __init__(
        self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(padding, data_format, **kwargs)


#: Interpolations of UpSampling2D: Keras's names, and torch's modes for the smooth ones.
_INTERPOLATIONS = ("nearest", "bilinear", "bicubic")


class _UpSampling(Layer):
    """Repeats each spatial position `size` times per axis; subclasses set `rank` and the arguments."""

    rank = 1

    def __init__(
        self, size: Any, data_format: str | None = None, interpolation: str = "nearest", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.size = ntuple(size, self.rank, "size")
        self.data_format = check_choice(data_format or "channels_last", FORMATS, "data_format")
        if not isinstance(interpolation, str):
            raise ValueError(
                f"`interpolation` must be one of {_INTERPOLATIONS}. Received: interpolation={interpolation!r}"
            )
        self.interpolation = check_choice(interpolation.lower(), _INTERPOLATIONS, "interpolation")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        _check_rank(self, inputs, self.rank)
        axes = _spatial_axes(self.rank, self.data_format)
        if self.interpolation != "nearest":
            # Keras's torch backend resizes with F.interpolate and align_corners=False (half-pixel
            # centres, the corners not pinned), without antialiasing.
            x = inputs if self.data_format == "channels_first" else inputs.movedim(-1, 1)
            size = [x.shape[2 + i] * factor for i, factor in enumerate(self.size)]
            y = F.interpolate(x, size=size, mode=self.interpolation, align_corners=False, antialias=False)
            return y if self.data_format == "channels_first" else y.movedim(1, -1)
        outputs = inputs
        for axis, factor in zip(axes, self.size, strict=True):
            if factor != 1:
                outputs = outputs.repeat_interleave(factor, dim=axis)
        return outputs


class UpSampling1D(_UpSampling):
    """Repeats each step of sequences `(batch, steps, features)` `size` times.

    Args:
        size: The number of repetitions.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> UpSampling1D(2)(torch.tensor([[[1.0], [2.0]]])).flatten()
        tensor([1., 1., 2., 2.])
    """

    rank = 1

    def __init__(self, size: int = 2, **kwargs: Any) -> None:
        if not _is_int(size):
            raise ValueError(f"`size` must be a positive int. Received: size={size!r}")
        super().__init__(size, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Upsamples images by `size` (rows, cols): repeated pixels, or a bilinear or bicubic resize.

    The smooth interpolations match Keras 3's torch backend (torch's
    `interpolate` with `align_corners=False`).

    Args:
        size: An int or two ints, the factors for rows and columns.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        interpolation: `"nearest"` (default), `"bilinear"` or `"bicubic"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> UpSampling2D((2, 3))(torch.zeros(1, 2, 2, 3)).shape
        torch.Size([1, 4, 6, 3])
    """

    rank = 2

    def __init__(
        self,
        size: int | tuple[int, int] = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs: Any,
    ) -> None:
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }


class UpSampling3D(_UpSampling):
    """Repeats each position of volumes `(batch, dim1, dim2, dim3, channels)` `size` times per axis.

    Args:
        size: An int or three ints, the factors per spatial axis.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> UpSampling3D((1, 2, 2))(torch.zeros(1, 2, 2, 2, 3)).shape
        torch.Size([1, 2, 4, 4, 3])
    """

    rank = 3

    def __init__(
        self, size: int | tuple[int, int, int] = (2, 2, 2), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(size, data_format, **kwargs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
