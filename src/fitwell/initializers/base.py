"""The `Initializer` base class and the argument checks every initializer shares."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import torch

__all__ = [
    "DTypeLike",
    "Initializer",
    "Shape",
    "as_dtype",
    "as_shape",
    "check_seed",
    "floating_dtype",
    "on_default_device",
    "seeded_generator",
]

Shape = Sequence[int]
DTypeLike = torch.dtype | str | None


def as_shape(shape: Shape, initializer: object) -> tuple[int, ...]:
    """`shape` as a tuple of ints; `initializer` names the caller in the error.

    Example:
        >>> as_shape(torch.Size([3, 2]), None)
        (3, 2)
    """
    try:
        return tuple(int(size) for size in shape)
    except TypeError:
        raise TypeError(
            f"{type(initializer).__name__} expects `shape` to be a tuple of ints such as (64, 32). "
            f"Received: shape={shape!r}"
        ) from None


def as_dtype(dtype: DTypeLike) -> torch.dtype:
    """A torch dtype from a torch dtype, its name, or None (float32, Keras's floatx).

    Example:
        >>> as_dtype(None), as_dtype("float64"), as_dtype(torch.int32)
        (torch.float32, torch.float64, torch.int32)
    """
    if dtype is None:
        return torch.float32  # Keras's floatx
    if isinstance(dtype, torch.dtype):
        return dtype
    if isinstance(dtype, str) and isinstance(getattr(torch, dtype, None), torch.dtype):
        return getattr(torch, dtype)
    raise TypeError(
        "`dtype` must be a torch dtype or its name, such as torch.float64 or 'float64'. "
        f"Received: dtype={dtype!r}"
    )


def floating_dtype(dtype: DTypeLike, initializer: object) -> torch.dtype:
    """Like `as_dtype`, but refuses integer and boolean dtypes, which random draws cannot fill.

    Example:
        >>> floating_dtype("bfloat16", None)
        torch.bfloat16
    """
    resolved = as_dtype(dtype)
    if not resolved.is_floating_point:
        raise ValueError(
            f"{type(initializer).__name__} draws random floats, so `dtype` must be a floating dtype "
            f"such as 'float32'. Received: dtype={dtype!r}"
        )
    return resolved


def check_seed(seed: int | None) -> int | None:
    """`seed` as an int or None, or a `ValueError` naming what was received.

    Example:
        >>> check_seed(3), check_seed(None)
        (3, None)
    """
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(
            "`seed` must be an int (the same values on every call) or None (values from torch's "
            f"global generator). Received: seed={seed!r} of type {type(seed).__name__}"
        )
    return None if seed is None else int(seed)


def seeded_generator(seed: int | None) -> torch.Generator | None:
    """A fresh CPU generator for an int seed (Keras's recipe), or None for torch's global one.

    Example:
        >>> a = torch.rand(2, generator=seeded_generator(5))
        >>> torch.equal(a, torch.rand(2, generator=seeded_generator(5)))
        True
    """
    if seed is None:
        return None
    # Keras's torch backend seeds a fresh generator with the seed's low 32 bits.
    return torch.Generator(device="cpu").manual_seed(seed & 0xFFFFFFFF)


def on_default_device(values: torch.Tensor) -> torch.Tensor:
    """Move CPU draws to torch's default device (`torch.set_default_device` or a `with torch.device(...)`).

    Random values are always drawn on the CPU, so a seed gives the same
    weights on every device, and the same as Keras's on the CPU.

    Example:
        >>> with torch.device("meta"):
        ...     on_default_device(torch.zeros(2)).device
        device(type='meta')
    """
    device = torch.get_default_device()
    return values if values.device == device else values.to(device)


class Initializer:
    """Base class of initializers: a callable `(shape, dtype=None) -> torch.Tensor`.

    Subclasses implement `__call__` and, to be saved and rebuilt,
    `get_config` returning their constructor arguments (the default
    `from_config` passes them back to the constructor).

    Example:
        >>> class Halves(Initializer):
        ...     def __init__(self, scale=1.0):
        ...         self.scale = scale
        ...
        ...     def __call__(self, shape, dtype=None):
        ...         return torch.full(tuple(shape), 0.5 * self.scale, dtype=dtype or torch.float32)
        ...
        ...     def get_config(self):
        ...         return {"scale": self.scale}
        >>> Halves(2.0)((2,))
        tensor([1., 1.])
        >>> Halves.from_config(Halves(4.0).get_config()).scale
        4.0
    """

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return a new tensor of `shape` and `dtype` (float32 when None)."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `__call__(self, shape, dtype=None)` "
            "returning a tensor of that shape."
        )

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        """Rebuild an initializer from `get_config()`'s output."""
        return cls(**config)

    def clone(self) -> Initializer:
        """A new initializer with the same configuration."""
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        arguments = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({arguments})"
