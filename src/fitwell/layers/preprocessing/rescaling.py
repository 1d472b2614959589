"""`Rescaling`: multiply by `scale` and add `offset`, in training and inference alike."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from fitwell.layers.layer import Layer

__all__ = ["Rescaling"]


class Rescaling(Layer):
    """Rescale every value: `inputs * scale + offset` (often `[0, 255]` images to `[0, 1]`).

    Args:
        scale: A float, or one float per channel (the last axis).
        offset: A float, or one float per channel.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Rescaling(1 / 127.5, offset=-1)(torch.tensor([0.0, 127.5, 255.0]))
        tensor([-1.,  0.,  1.])
    """

    def __init__(
        self, scale: float | Sequence[float], offset: float | Sequence[float] = 0.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.scale = _number_or_list(scale, "scale")
        self.offset = _number_or_list(offset, "offset")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        scale = torch.as_tensor(self.scale, dtype=inputs.dtype, device=inputs.device)
        offset = torch.as_tensor(self.offset, dtype=inputs.dtype, device=inputs.device)
        return inputs * scale + offset

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


def _number_or_list(value: Any, argument: str) -> float | list[float]:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    array = np.asarray(value) if isinstance(value, Sequence | np.ndarray | torch.Tensor) else None
    if array is None or array.ndim != 1 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(
            f"`{argument}` must be a number or a sequence of numbers (one per channel). "
            f"Received: {argument}={value!r}"
        )
    return [float(v) for v in array]
