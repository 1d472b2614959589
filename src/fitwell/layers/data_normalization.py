"""`Normalization`: standardizes features with a mean and variance given, or learned by `adapt(data)`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

from fitwell.devices import current_device
from fitwell.layers.layer import Layer

__all__ = ["Normalization"]

#: Keras's `backend.epsilon()`: the smallest standard deviation divided by.
_EPSILON = 1e-7


def _batch_inputs(batch: Any) -> Any:
    """The inputs of a batch: `x` of an `(x, y)` or `(x, y, sample_weight)` batch (a torch
    `DataLoader` yields them as lists), else the batch itself."""
    return batch[0] if isinstance(batch, tuple | list) and batch and hasattr(batch[0], "shape") else batch


class Normalization(Layer):
    """Shifts and scales features to mean 0 and variance 1: `(x - mean) / sqrt(variance)`.

    Give `mean` and `variance`, or learn them from data with `adapt(data)`
    before training. Learned statistics are non-trainable weights (`mean`,
    `variance`, and Keras's unused `count`), so they are saved and loaded
    with the model; given ones are constants, as in Keras.

    Args:
        axis: The axis or axes that keep a separate mean and variance per
            index (-1: one per feature of the last axis); None for a single
            mean and variance over everything.
        mean: The mean, broadcast over the kept axes (with `variance`).
        variance: The variance, broadcast over the kept axes (with `mean`).
        invert: Apply the inverse, `mean + x * sqrt(variance)`, turning
            normalized values back into data.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[0.0, 7.0], [2.0, 9.0]], dtype="float32"))
        >>> layer(torch.tensor([[0.0, 7.0]]))
        tensor([[-1., -1.]])
    """

    def __init__(
        self,
        axis: int | Sequence[int] | None = -1,
        mean: Any = None,
        variance: Any = None,
        invert: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        axes = () if axis is None else (axis,) if isinstance(axis, int | np.integer) else axis
        if not isinstance(axes, Sequence) or not all(
            isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axes
        ):
            raise ValueError(f"`axis` must be an int, a tuple of ints or None. Received: axis={axis!r}")
        self.axis = tuple(int(a) for a in axes)
        if (mean is None) != (variance is None):
            raise ValueError(
                "`mean` and `variance` must be given together (or both left out, to learn them with "
                f"adapt()). Received: mean={mean!r}, variance={variance!r}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "`mean` and `variance` must have the same shape. Received: mean of shape "
                    f"{np.shape(mean)}, variance of shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"`mean` can have at most one axis per kept axis ({len(self.axis)}, axis={self.axis}). "
                    f"Received: mean of shape {np.shape(mean)}"
                )
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)
        self._constants: dict[torch.device, tuple[torch.Tensor, torch.Tensor]] = {}

    # -- building -------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Find the kept and reduced axes; create the statistics (learned) or constants (given)."""
        ndim = len(input_shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(
                f"Every axis of `axis` must be in [-{ndim}, {ndim}) for inputs of shape "
                f"{tuple(input_shape)}. Received: axis={self.axis}"
            )
        self.kept_axes = tuple(sorted(a % ndim for a in self.axis))
        unknown = [a for a in self.kept_axes if input_shape[a] is None]
        if unknown:
            raise ValueError(
                f"{self.name} keeps a mean per index of axes {self.kept_axes}, so their sizes must be known. "
                f"Received: input_shape={tuple(input_shape)} (axis {unknown[0]} unknown), axis={self.axis}"
            )
        self.reduced_axes = tuple(a for a in range(ndim) if a not in self.kept_axes)
        self.built_input_shape = tuple(input_shape)
        self._broadcast_shape = [input_shape[a] if a in self.kept_axes else 1 for a in range(ndim)]
        statistics_shape = tuple(input_shape[a] for a in self.kept_axes)
        if self.input_mean is None:
            self.add_weight(shape=statistics_shape, initializer="zeros", trainable=False, name="mean")
            self.add_weight(shape=statistics_shape, initializer="ones", trainable=False, name="variance")
            # Kept for Keras's weight list and files; never updated, as in Keras.
            self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")
        else:
            # Constants, not weights (Keras lists none): plain tensors in the broadcast shape.
            self.mean = self._broadcast_given(self.input_mean)
            self.variance = self._broadcast_given(self.input_variance)
            self._constants = {}
        self.built = True

    def _given_statistics(self, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
        """The given mean and variance on `device` (copied there once)."""
        if device not in self._constants:
            self._constants[device] = (self.mean.to(device), self.variance.to(device))
        return self._constants[device]

    def _broadcast_given(self, value: Any) -> torch.Tensor:
        tensor = torch.as_tensor(np.asarray(value), dtype=self.dtype)
        if tensor.dim():
            # Keras lines the given axes up with the kept axes from the right.
            expanded = [1] * len(self._broadcast_shape)
            for i in range(1, tensor.dim() + 1):
                expanded[self.kept_axes[-i]] = tensor.shape[-i]
            tensor = tensor.reshape(expanded)
        try:
            return torch.broadcast_to(tensor, self._broadcast_shape).clone()
        except RuntimeError as error:
            raise ValueError(
                f"`mean` and `variance` of shape {np.shape(value)} do not broadcast to the kept axes "
                f"{self.kept_axes} of inputs of shape {self.built_input_shape} ({error}). Received: "
                f"axis={self.axis}"
            ) from error

    # -- learning the statistics -------------------------------------------------------
    def adapt(self, data: Any) -> None:
        """Set the mean and variance to those of `data`, per index of the kept axes.

        Args:
            data: A numpy array, a torch tensor, or an iterable of batches
                (a list of arrays, a generator, a torch `DataLoader`); a
                batch may be `(x, y)`, of which `x` is used. Batched data is
                combined batch by batch with Keras's formula, in float32.

        Raises:
            ValueError: For an empty iterable, given `mean`/`variance`, or
                data whose kept axes differ from the layer's inputs.
            TypeError: For data of another kind.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"{self.name} was given its mean and variance, so adapt() has nothing to learn. Received: "
                "mean and variance arguments. Leave them out to learn them from data."
            )
        if isinstance(data, np.ndarray | torch.Tensor):
            self._build_or_check(tuple(data.shape))
            mean, variance = self._statistics_of(data)
        elif isinstance(data, Iterable) and not isinstance(data, str | bytes | dict):
            batches = iter(data)
            first = next(batches, None)
            if first is None:
                raise ValueError(
                    "adapt() needs at least one batch. Received: an empty iterable. Pass an array, or an "
                    "iterable of arrays, e.g. layer.adapt([x]) or layer.adapt(loader)."
                )
            first = _batch_inputs(first)
            if not hasattr(first, "shape"):
                raise TypeError(
                    "adapt() takes an iterable of arrays or tensors (each with a shape). Received: a "
                    f"batch of type {type(first).__name__}."
                )
            self._build_or_check(tuple(first.shape))
            mean, variance = self._combined_statistics(itertools.chain([first], batches))
        else:
            raise TypeError(
                "adapt() takes a numpy array, a torch tensor or an iterable of batches. Received: data of "
                f"type {type(data).__name__}."
            )
        with torch.no_grad():
            self.mean.copy_(torch.as_tensor(mean).to(self.mean.device, self.mean.dtype))
            self.variance.copy_(torch.as_tensor(variance).to(self.variance.device, self.variance.dtype))

    def _build_or_check(self, shape: tuple[int, ...]) -> None:
        if not self.built:
            self._build_for_shape(shape)
            return
        ndim = len(self.built_input_shape)
        if len(shape) != ndim or any(shape[a] != self.built_input_shape[a] for a in self.kept_axes):
            raise ValueError(
                f"{self.name} was built for inputs of shape {self.built_input_shape}; adapt() got data of "
                f"shape {shape}. The sizes of the kept axes {self.kept_axes} must agree."
            )

    def _build_for_shape(self, shape: tuple[int, ...]) -> None:
        with torch.device(current_device()):
            self.build(shape)
        self.built = True

    def _statistics_of(self, data: np.ndarray | torch.Tensor) -> tuple[Any, Any]:
        if isinstance(data, np.ndarray):
            return np.mean(data, axis=self.reduced_axes), np.var(data, axis=self.reduced_axes)
        # Keras's torch ops: float32 at least for the sums, the input's float type for the result.
        result = data.dtype if data.is_floating_point() else torch.float32
        compute = torch.float64 if data.dtype == torch.float64 else torch.float32
        mean = torch.mean(data.to(compute), dim=self.reduced_axes).to(result)
        variance = torch.var(data.to(compute), dim=self.reduced_axes, correction=0).to(result)
        return mean, variance

    def _combined_statistics(self, batches: Iterable[Any]) -> tuple[torch.Tensor, torch.Tensor]:
        # Keras's running combination (keras/src/layers/preprocessing/normalization.py), in float32:
        # each batch's mean and variance are weighed by its share of the values seen so far, and
        # the variance gains the squared shift of the means (the lack-of-fit sum of squares).
        total_mean = total_variance = None
        total_count = 0
        for batch in batches:
            x = _batch_inputs(batch)
            x = torch.as_tensor(x if isinstance(x, torch.Tensor) else np.asarray(x)).to(torch.float32)
            self._check_batch(x)
            batch_mean = torch.mean(x, dim=self.reduced_axes)
            batch_variance = torch.var(x, dim=self.reduced_axes, correction=0)
            if total_mean is None:
                total_mean, total_variance = torch.zeros_like(batch_mean), torch.zeros_like(batch_variance)
            batch_count = math.prod(x.shape[a] for a in self.reduced_axes)
            total_count += batch_count
            batch_weight = float(batch_count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_variance = (total_variance + (total_mean - new_mean) ** 2) * existing_weight + (
                batch_variance + (batch_mean - new_mean) ** 2
            ) * batch_weight
            total_mean = new_mean
        return total_mean, total_variance

    def _check_batch(self, x: torch.Tensor) -> None:
        fits = x.dim() == len(self.built_input_shape) and all(
            x.shape[a] == self.built_input_shape[a] for a in self.kept_axes
        )
        if not fits:
            raise ValueError(
                f"adapt() got a batch of shape {tuple(x.shape)}; {self.name} expects the shape "
                f"{self.built_input_shape} on the kept axes {self.kept_axes}. Received: a batch that does "
                "not fit. Give every batch the same feature sizes."
            )

    # -- the computation ---------------------------------------------------------------------
    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.input_mean is None:
            mean = self.mean.reshape(self._broadcast_shape).to(inputs.dtype)
            variance = self.variance.reshape(self._broadcast_shape).to(inputs.dtype)
        else:
            mean, variance = (v.to(inputs.dtype) for v in self._given_statistics(inputs.device))
        std = torch.clamp_min(torch.sqrt(variance), _EPSILON)
        return mean + inputs * std if self.invert else (inputs - mean) / std

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }
