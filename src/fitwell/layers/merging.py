"""Layers that merge a list of inputs into one: `Add`, `Concatenate`, … and their function forms.

One base, `Merge`, checks the list and calls `merge(tensors)`; each layer
is the one line that differs. As in Keras, elementwise merges broadcast
inputs of different ranks, and the function forms (`add([a, b])`) create
the layer and call it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.layers.layer import Layer

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Merge",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]


class Merge(Layer):
    """Base of the merging layers: `call(inputs)` takes a list of tensors.

    Subclasses implement `merge(tensors)`; `min_inputs`/`max_inputs` bound
    the list's length.
    """

    min_inputs = 2
    max_inputs: int | None = None
    #: Elementwise merges broadcast inputs of lower rank, as Keras does (new axes after the batch axis).
    elementwise = True

    def call(self, inputs: Sequence[torch.Tensor]) -> torch.Tensor:
        if not isinstance(inputs, list | tuple) or not (
            self.min_inputs <= len(inputs) <= (self.max_inputs or len(inputs))
        ):
            count = len(inputs) if isinstance(inputs, list | tuple) else "not a list"
            expected = (
                f"exactly {self.max_inputs}"
                if self.max_inputs == self.min_inputs
                else f"at least {self.min_inputs}"
            )
            raise ValueError(
                f"{type(self).__name__} merges a list of {expected} tensors. Received: {count}. "
                f"Call it on a list: {type(self).__name__}()([x1, x2])."
            )
        tensors = list(inputs)
        if self.elementwise:
            rank = max(t.dim() for t in tensors)
            tensors = [t.reshape(t.shape[:1] + (1,) * (rank - t.dim()) + t.shape[1:]) for t in tensors]
        return self.merge(tensors)

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        """Combine the tensors. Subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement merge().")


class Add(Merge):
    """The sum of the inputs (broadcast)."""

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        total = tensors[0]
        for tensor in tensors[1:]:
            total = total + tensor
        return total


class Subtract(Merge):
    """The first input minus the second."""

    max_inputs = 2

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        return tensors[0] - tensors[1]


class Multiply(Merge):
    """The elementwise product of the inputs."""

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        product = tensors[0]
        for tensor in tensors[1:]:
            product = product * tensor
        return product


class Average(Merge):
    """The elementwise mean of the inputs."""

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        return Add.merge(self, tensors) / len(tensors)  # type: ignore[arg-type]


class Maximum(Merge):
    """The elementwise maximum of the inputs."""

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        result = tensors[0]
        for tensor in tensors[1:]:
            result = torch.maximum(result, tensor)
        return result


class Minimum(Merge):
    """The elementwise minimum of the inputs."""

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        result = tensors[0]
        for tensor in tensors[1:]:
            result = torch.minimum(result, tensor)
        return result


class Concatenate(Merge):
    """The inputs joined along `axis` (the last by default).

    Args:
        axis: The axis to join along.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Concatenate()([torch.ones(2, 3), torch.zeros(2, 1)]).shape
        torch.Size([2, 4])
    """

    min_inputs = 1
    elementwise = False

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        return torch.cat(tensors, dim=self.axis)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """The dot product of two inputs along `axes` (per sample), optionally of L2-normalised inputs.

    Args:
        axes: The axis of each input to contract (an int for both, or a pair).
        normalize: L2-normalise both inputs along those axes first (cosine similarity).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Dot(axes=1)([torch.ones(2, 3), torch.ones(2, 3)]).tolist()
        [[3.0], [3.0]]
    """

    max_inputs = 2
    elementwise = False

    def __init__(self, axes: int | tuple[int, int], normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axes = (axes, axes) if isinstance(axes, int) else tuple(axes)
        self.normalize = bool(normalize)

    def merge(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        first, second = tensors
        axis_a, axis_b = (a % t.dim() for a, t in zip(self.axes, tensors, strict=True))
        if self.normalize:
            first, second = F.normalize(first, dim=axis_a), F.normalize(second, dim=axis_b)
        # Keras's batch_dot: contract the chosen axes, keep the batch axis.
        first = first.movedim(axis_a, -1)
        second = second.movedim(axis_b, 1) if second.dim() > 2 else second
        if first.dim() == 2 and second.dim() == 2:
            return (first * second).sum(dim=-1, keepdim=True)
        result = torch.matmul(
            first.reshape(first.shape[0], -1, first.shape[-1]),
            second.reshape(second.shape[0], second.shape[1], -1),
        )
        return result.reshape(*first.shape[:-1], *second.shape[2:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Sequence[Any], **kwargs: Any) -> Any:
    """`Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Sequence[Any], axis: int = -1, **kwargs: Any) -> Any:
    """`Concatenate(axis, **kwargs)(inputs)`.

    Example:
        >>> concatenate([torch.ones(2, 3), torch.zeros(2, 1)]).shape
        torch.Size([2, 4])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(
    inputs: Sequence[Any], axes: int | tuple[int, int] = -1, normalize: bool = False, **kwargs: Any
) -> Any:
    """`Dot(axes, normalize, **kwargs)(inputs)`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
