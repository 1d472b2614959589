"""Initializers with fixed values: constants, zeros, ones and the identity matrix."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.initializers.base import DTypeLike, Initializer, Shape, as_dtype, as_shape

__all__ = ["Constant", "Identity", "Ones", "Zeros"]


class Constant(Initializer):
    """Every element set to `value`.

    Args:
        value: A Python scalar, converted to the requested dtype.

    `get("constant")` builds `Constant(0.0)` (Keras 3.15 raises a KeyError there).

    Example:
        >>> Constant(2.5)((2, 2))
        tensor([[2.5000, 2.5000],
                [2.5000, 2.5000]])
    """

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return a tensor of `shape` filled with `value`."""
        resolved = as_dtype(dtype)
        # Keras's formula: the value cast to the dtype, times ones.
        value = torch.as_tensor(self.value, dtype=resolved)
        return value * torch.ones(as_shape(shape, self), dtype=resolved)

    def get_config(self) -> dict[str, Any]:
        """`{"value": value}`."""
        value = self.value.tolist() if hasattr(self.value, "tolist") else self.value
        return {"value": value}


class Zeros(Initializer):
    """Every element 0.

    Example:
        >>> Zeros()((2, 3), dtype="int64")
        tensor([[0, 0, 0],
                [0, 0, 0]])
    """

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return a tensor of zeros."""
        return torch.zeros(as_shape(shape, self), dtype=as_dtype(dtype))


class Ones(Initializer):
    """Every element 1.

    Example:
        >>> Ones()((3,))
        tensor([1., 1., 1.])
    """

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return a tensor of ones."""
        return torch.ones(as_shape(shape, self), dtype=as_dtype(dtype))


class Identity(Initializer):
    """`gain` times the identity matrix (ones on the main diagonal of a 2D shape).

    Its config holds `gain`; Keras 3.15's is empty, so a Keras round trip
    resets the gain to 1.

    Args:
        gain: Multiplies the matrix.

    Example:
        >>> Identity(gain=2.0)((2, 3))
        tensor([[2., 0., 0.],
                [0., 2., 0.]])
    """

    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def __call__(self, shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        """Return `gain * eye(rows, cols)`."""
        shape = as_shape(shape, self)
        if len(shape) != 2:
            raise ValueError(
                "Identity can only initialize a 2D matrix such as a Dense kernel. "
                f"Received: shape={shape} of rank {len(shape)}. Use Orthogonal for other ranks."
            )
        return self.gain * torch.eye(*shape, dtype=as_dtype(dtype))

    def get_config(self) -> dict[str, Any]:
        """`{"gain": gain}`."""
        return {"gain": self.gain}
