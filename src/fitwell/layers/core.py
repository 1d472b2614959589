"""Core layers with Keras's names, sizes inferred from the first input."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from fitwell.layers.activations import activation_name, get_activation

__all__ = ["Activation", "Dense", "Dropout", "Embedding", "Flatten", "Input"]

ActivationArg = str | Callable[[torch.Tensor], torch.Tensor] | None


class Input:
    """Declares the shape of one sample (without the batch axis) for `Sequential`.

    Args:
        shape: Shape of one sample, e.g. `(784,)` or `(28, 28, 1)`.
        dtype: Dtype of the inputs. Defaults to float32.

    Example:
        >>> Input(shape=(784,)).shape
        (784,)
    """

    def __init__(self, shape: tuple[int, ...], dtype: torch.dtype = torch.float32) -> None:
        if isinstance(shape, int):
            shape = (shape,)
        if not all(isinstance(d, int) and d > 0 for d in shape):
            raise ValueError(
                f"`shape` must be a tuple of positive ints, without the batch axis. Received: shape={shape!r}"
            )
        self.shape = tuple(shape)
        self.dtype = dtype

    def __repr__(self) -> str:
        return f"Input(shape={self.shape})"


def glorot_uniform_(weight: torch.Tensor, fan_in: int, fan_out: int) -> None:
    """Keras's default kernel initializer: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        weight.uniform_(-limit, limit)


class Dense(nn.Module):
    """Fully connected layer: `activation(x @ kernel + bias)` on the last axis.

    The input size is taken from the first input, so only `units` is needed.
    Weights start as in Keras: Glorot-uniform kernel, zero bias.

    Args:
        units: Output size.
        activation: A Keras name ("relu", "softmax", …), a function, or None.
        use_bias: Whether to add a bias.

    Example:
        >>> layer = Dense(3, activation="relu")
        >>> layer(torch.ones(2, 5)).shape
        torch.Size([2, 3])
    """

    def __init__(self, units: int, activation: ActivationArg = None, use_bias: bool = True) -> None:
        super().__init__()
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"`units` must be a positive int. Received: units={units!r}")
        self.units = units
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.weight = nn.UninitializedParameter()
        self.bias = nn.UninitializedParameter() if use_bias else None

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    def build(self, in_features: int) -> None:
        """Create the weights for inputs of size `in_features`."""
        self.weight.materialize((self.units, in_features))
        glorot_uniform_(self.weight, in_features, self.units)
        if self.bias is not None:
            self.bias.materialize((self.units,))
            with torch.no_grad():
                self.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.weight, nn.UninitializedParameter):
            self.build(x.shape[-1])
        return self.activation(F.linear(x, self.weight, self.bias))

    def extra_repr(self) -> str:
        return f"units={self.units}, activation={self.activation_name or self.activation}"


class Activation(nn.Module):
    """Applies an activation function by name.

    Args:
        activation: A Keras name ("relu", "softmax", …) or a function.

    Example:
        >>> Activation("sigmoid")(torch.zeros(1))
        tensor([0.5000])
    """

    def __init__(self, activation: ActivationArg) -> None:
        super().__init__()
        self.activation = get_activation(activation)

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation(x)


class Dropout(nn.Dropout):
    """Zeroes a fraction `rate` of inputs during training (scaling the rest).

    Args:
        rate: Fraction of inputs to drop, in [0, 1).

    Example:
        >>> Dropout(0.5).eval()(torch.ones(3))
        tensor([1., 1., 1.])
    """

    def __init__(self, rate: float) -> None:
        if not 0.0 <= rate < 1.0:
            raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate!r}")
        super().__init__(p=rate)
        self.rate = rate


class Flatten(nn.Module):
    """Flattens every axis but the batch axis (in channels-last order, as Keras).

    Example:
        >>> Flatten()(torch.zeros(2, 3, 4)).shape
        torch.Size([2, 12])
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], -1)


class Embedding(nn.Embedding):
    """Maps integer ids to dense vectors (initialised U(-0.05, 0.05) as in Keras).

    Args:
        input_dim: Vocabulary size (largest id + 1).
        output_dim: Size of each vector.

    Example:
        >>> Embedding(10, 4)(torch.tensor([[1, 2]])).shape
        torch.Size([1, 2, 4])
    """

    def __init__(self, input_dim: int, output_dim: int) -> None:
        super().__init__(input_dim, output_dim)
        with torch.no_grad():
            self.weight.uniform_(-0.05, 0.05)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.long())
