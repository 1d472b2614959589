"""Activations as layers, with Keras's names and arguments: ReLU, LeakyReLU, PReLU, ELU, Softmax.

The math is `fitwell.activations`'s; these classes hold the arguments, and
`PReLU` its learned slopes.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from fitwell import activations, initializers, regularizers
from fitwell.layers.layer import Layer

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)


def _non_negative(value: Any, argument: str, *, allow_none: bool = False) -> float | None:
    """`value` as a float >= 0 (or None when allowed), or a ValueError naming `argument`."""
    if value is None and allow_none:
        return None
    if not _is_number(value) or value < 0:
        allowed = "a float >= 0 or None" if allow_none else "a float >= 0"
        raise ValueError(f"`{argument}` must be {allowed}. Received: {argument}={value!r}")
    return float(value)


class ReLU(Layer):
    """Rectified linear unit, with Keras's ceiling, slope and threshold.

    `max_value` if `x >= max_value`; `x` if `threshold <= x < max_value`;
    `negative_slope * (x - threshold)` otherwise.

    Args:
        max_value: The largest output (>= 0); None for no ceiling.
        negative_slope: Slope below the threshold (>= 0).
        threshold: Inputs below it are damped or zeroed (>= 0).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> ReLU(max_value=5.0, negative_slope=0.5)(torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0]))
        tensor([-5.0000, -2.5000,  0.0000,  5.0000,  5.0000])
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = _non_negative(max_value, "max_value", allow_none=True)
        self.negative_slope = _non_negative(negative_slope, "negative_slope")
        self.threshold = _non_negative(threshold, "threshold")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.relu(
            inputs, negative_slope=self.negative_slope, max_value=self.max_value, threshold=self.threshold
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(Layer):
    """`x` for `x >= 0`, `negative_slope * x` otherwise (Keras 3's default slope is 0.3).

    Args:
        negative_slope: Slope for negative inputs (>= 0).
        **kwargs: `name` and the other `Layer` arguments; Keras 2's `alpha`
            is accepted for `negative_slope`, with a deprecation warning.

    Example:
        >>> LeakyReLU()(torch.tensor([-1.0, 2.0]))
        tensor([-0.3000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU's `alpha` is deprecated: pass `negative_slope` instead.",
                DeprecationWarning,
                stacklevel=2,
            )
        super().__init__(**kwargs)
        self.negative_slope = _non_negative(negative_slope, "negative_slope")

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Leaky ReLU whose negative slopes `alpha` are learned: `relu(x) - alpha * relu(-x)`.

    `alpha` has the shape of one sample, `input_shape[1:]`, with size 1 on
    the `shared_axes` (one slope per channel of an image: `shared_axes=[1, 2]`).

    Args:
        alpha_initializer: Initializer of `alpha` (Keras's `"Zeros"`).
        alpha_regularizer: A regularizer of `alpha`.
        alpha_constraint: Not supported yet (a clear error when given).
        shared_axes: An axis or axes (1-based, the batch axis is 0) along
            which the slopes are shared.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> layer = PReLU(shared_axes=[1, 2])
        >>> layer(torch.zeros(2, 4, 4, 3)).shape, layer.alpha.shape
        (torch.Size([2, 4, 4, 3]), torch.Size([1, 1, 3]))
    """

    def __init__(
        self,
        alpha_initializer: Any = "Zeros",
        alpha_regularizer: Any = None,
        alpha_constraint: Any = None,
        shared_axes: int | Sequence[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = alpha_constraint
        axes = None if shared_axes is None else [shared_axes] if _is_number(shared_axes) else shared_axes
        if axes is not None and not all(isinstance(a, int | np.integer) and a >= 1 for a in axes):
            raise ValueError(
                "`shared_axes` must be an int >= 1 or a list of them (axis 0 is the batch axis). "
                f"Received: shared_axes={shared_axes!r}"
            )
        self.shared_axes = None if axes is None else [int(a) for a in axes]
        self.register_parameter("alpha", None)

    def build(self, input_shape: Any) -> None:
        """Create `alpha` for samples of shape `input_shape[1:]`."""
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis > len(shape):
                raise ValueError(
                    f"`shared_axes` names axis {axis}, but {self.name}'s inputs have {len(shape) + 1} axes. "
                    f"Received: shared_axes={self.shared_axes}, input_shape={tuple(input_shape)}"
                )
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(
                f"{self.name} needs a known size on every axis that is not shared. Received: "
                f"input_shape={tuple(input_shape)}, shared_axes={self.shared_axes}. Share the axes of "
                "unknown size (shared_axes=[1] for sequences of any length)."
            )
        self.add_weight(
            shape=shape,
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
            name="alpha",
        )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.relu(inputs) - self.alpha * activations.relu(-inputs)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "shared_axes": self.shared_axes,
        }


class ELU(Layer):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: Scale of the negative part.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> ELU(alpha=2.0)(torch.tensor([-1.0, 2.0]))
        tensor([-1.2642,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not _is_number(alpha):
            raise ValueError(f"`alpha` must be a float. Received: alpha={alpha!r}")
        self.alpha = float(alpha)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}


def _large_negative(dtype: torch.dtype) -> float:
    # Keras's stand-in for -inf at masked positions: -1e9, or -3e4 where float16 cannot hold it.
    return -3e4 if dtype == torch.float16 else -1e9


class Softmax(Layer):
    """Softmax along `axis`; with a `mask`, masked positions get 0 probability.

    Call it as `layer(inputs, mask=mask)`: positions where the mask is
    False (or <= 0.5) get a large negative logit before the softmax and 0
    after it, so a fully masked row is all zeros, as in Keras.

    Args:
        axis: The axis, or a list of axes taken together.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Softmax()(torch.tensor([[1.0, 2.0, 1.0]]), mask=torch.tensor([[True, True, False]]))
        tensor([[0.2689, 0.7311, 0.0000]])
    """

    def __init__(self, axis: int | Sequence[int] = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        is_int = isinstance(axis, int | np.integer) and not isinstance(axis, bool)
        if not is_int and not (
            isinstance(axis, list | tuple)
            and axis
            and all(isinstance(a, int | np.integer) and not isinstance(a, bool) for a in axis)
        ):
            raise ValueError(f"`axis` must be an int or a list of ints. Received: axis={axis!r}")
        self.axis = int(axis) if is_int else [int(a) for a in axis]

    def call(self, inputs: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is not None:
            mask = self._broadcastable_mask(mask, inputs)
            inputs = torch.where(
                mask, inputs, torch.full((), _large_negative(inputs.dtype), dtype=inputs.dtype)
            )
        axis = self.axis[0] if isinstance(self.axis, list) and len(self.axis) == 1 else self.axis
        outputs = activations.softmax(inputs, axis=tuple(axis) if isinstance(axis, list) else axis)
        if mask is not None:
            # A fully masked row would otherwise be uniform.
            outputs = torch.where(mask, outputs, torch.zeros((), dtype=outputs.dtype))
        return outputs

    @staticmethod
    def _broadcastable_mask(mask: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        mask = torch.as_tensor(mask, device=inputs.device)
        fits = mask.dim() <= inputs.dim() and all(
            m in (1, i) for m, i in zip(reversed(mask.shape), reversed(inputs.shape), strict=False)
        )
        if not fits:
            raise ValueError(
                "`mask` must broadcast to the inputs (each of its sizes 1 or the input's, and no more "
                f"axes). Received: mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}"
            )
        return mask if mask.dtype == torch.bool else mask > 0.5

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
