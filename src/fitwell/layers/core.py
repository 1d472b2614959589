"""Core layers with Keras's names, arguments and defaults; input sizes come from the first input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.layer import Layer, store_transposed

__all__ = ["Activation", "Dense", "Dropout", "Embedding", "Flatten"]

ActivationArg = str | Callable[[torch.Tensor], torch.Tensor] | None


def check_positive_int(value: Any, argument: str) -> int:
    """`value` as an int, or a ValueError naming `argument`."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive int. Received: {argument}={value!r}")
    return int(value)


def serialize_activation(layer: Any) -> Any:
    """The activation as Keras's config holds it: its name, or the function itself."""
    return activation_name(layer.activation) or layer.activation


class Dense(Layer):
    """Fully connected layer: `activation(inputs @ kernel + bias)` on the last axis.

    The input size is taken from the first input, so only `units` is needed.
    The kernel is stored in torch's layout, `weight` of shape `(units,
    in_features)`; `kernel` and `get_weights()` show Keras's `(in_features,
    units)`.

    Args:
        units: Output size.
        activation: A Keras name ("relu", "softmax", …), a function, or None.
        use_bias: Whether to add a bias.
        kernel_initializer: Initializer of the kernel (Keras's `"glorot_uniform"`).
        bias_initializer: Initializer of the bias (`"zeros"`).
        kernel_regularizer: A regularizer of the kernel, added to the loss.
        bias_regularizer: A regularizer of the bias.
        **kwargs: `name`, `trainable`, `dtype`, `input_shape`/`input_dim`,
            `activity_regularizer` (see `Layer`).

    Example:
        >>> layer = Dense(3, activation="relu")
        >>> layer(torch.ones(2, 5)).shape, layer.kernel.shape
        (torch.Size([2, 3]), torch.Size([5, 3]))
    """

    def __init__(
        self,
        units: int,
        activation: ActivationArg = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units = check_positive_int(units, "units")
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint
        self.register_parameter("weight", None)
        self.register_parameter("bias", None)

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    @property
    def kernel(self) -> torch.Tensor:
        """The kernel in Keras's layout, `(in_features, units)` (a view of `weight`)."""
        return self.weight.T

    def build(self, input_shape: Any) -> None:
        """Create the kernel and bias for inputs whose last axis is `input_shape[-1]`."""
        in_features = input_shape[-1]
        if in_features is None:
            raise ValueError(
                f"{self.name} needs the size of its inputs' last axis. Received: input_shape={input_shape}. "
                "Give the Input a known last size, e.g. Input(shape=(None, 16))."
            )
        self.add_weight(
            shape=(in_features, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            name="weight",
        )
        store_transposed(self.weight, (1, 0))  # torch's linear reads (units, in_features)
        if self.use_bias:
            self.add_weight(
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(F.linear(inputs, self.weight, self.bias))

    def keras_view(self, name: str, tensor: torch.Tensor) -> torch.Tensor:
        return tensor.T if name == "weight" else tensor

    def torch_layout(self, name: str, array: np.ndarray) -> np.ndarray:
        return array.T if name == "weight" else array

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": serialize_activation(self),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
        }

    def extra_repr(self) -> str:
        return f"units={self.units}, activation={self.activation_name or self.activation}"


class Activation(Layer):
    """Applies an activation function by name.

    Args:
        activation: A Keras name ("relu", "softmax", …) or a function.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Activation("sigmoid")(torch.zeros(1))
        tensor([0.5000])
    """

    def __init__(self, activation: ActivationArg, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = get_activation(activation)

    @property
    def activation_name(self) -> str | None:
        """The Keras name of the activation, when it is a known one."""
        return activation_name(self.activation)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.activation(inputs)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": serialize_activation(self)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of inputs during training (scaling the rest by `1 / (1 - rate)`).

    Args:
        rate: Fraction of inputs to drop, in [0, 1).
        noise_shape: The shape of the dropout mask, broadcast over the
            inputs (`(batch, 1, features)` drops the same features at every
            step); None for one draw per element.
        seed: Draw the masks from a generator of this seed (the same masks on
            every run); None uses torch's global generator.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Dropout(0.5).eval()(torch.ones(3))
        tensor([1., 1., 1.])
    """

    def __init__(
        self,
        rate: float,
        noise_shape: tuple[int | None, ...] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate < 1.0:
            raise ValueError(f"`rate` must be in [0, 1). Received: rate={rate!r}")
        self.rate = float(rate)
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed
        self._generators: dict[torch.device, torch.Generator] = {}

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate == 0.0:
            return inputs
        if self.noise_shape is None and self.seed is None:
            return F.dropout(inputs, self.rate, training=True)
        shape = inputs.shape if self.noise_shape is None else _noise_shape(self.noise_shape, inputs.shape)
        keep = torch.rand(shape, device=inputs.device, generator=self._generator(inputs.device)) >= self.rate
        return inputs * keep.to(inputs.dtype) / (1.0 - self.rate)

    def _generator(self, device: torch.device) -> torch.Generator | None:
        if self.seed is None:
            return None
        if device not in self._generators:
            self._generators[device] = torch.Generator(device).manual_seed(int(self.seed))
        return self._generators[device]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


def _noise_shape(noise_shape: tuple[int | None, ...], shape: torch.Size) -> tuple[int, ...]:
    return tuple(size if wanted is None else wanted for wanted, size in zip(noise_shape, shape, strict=True))


class Flatten(Layer):
    """Flattens every axis but the batch axis (in channels-last order, as Keras).

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`: a
            channels-first input is flattened in channels-last order, as Keras does.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> Flatten()(torch.zeros(2, 3, 4)).shape
        torch.Size([2, 12])
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = data_format or "channels_last"

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.data_format == "channels_first" and inputs.dim() > 2:
            inputs = inputs.movedim(1, -1)
        return inputs.reshape(inputs.shape[0], -1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}


class Embedding(Layer):
    """Maps integer ids to dense vectors (initialised U(-0.05, 0.05), as Keras).

    Args:
        input_dim: Vocabulary size (largest id + 1).
        output_dim: Size of each vector.
        embeddings_initializer: Initializer of the table (Keras's `"uniform"`).
        embeddings_regularizer: A regularizer of the table.
        mask_zero: Treat id 0 as padding: the output carries a mask (False
            at those steps) that recurrent layers, pooling, attention and the
            loss honour, as in Keras. Id 0 must then not be a real token.
        **kwargs: `name` and the other `Layer` arguments (`input_length`
            is accepted and ignored, as Keras 3 does).

    Example:
        >>> Embedding(10, 4)(torch.tensor([[1, 2]])).shape
        torch.Size([1, 2, 4])
    """

    casts_integer_inputs = False

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        embeddings_regularizer: Any = None,
        embeddings_constraint: Any = None,
        mask_zero: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        self.input_dim = check_positive_int(input_dim, "input_dim")
        self.output_dim = check_positive_int(output_dim, "output_dim")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.mask_zero = bool(mask_zero)
        self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=embeddings_constraint,
            name="weight",
        )
        self.built = True

    @property
    def embeddings(self) -> torch.Tensor:
        """The table, `(input_dim, output_dim)` (Keras's name)."""
        return self.weight

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        return F.embedding(inputs.long(), self.weight)

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> torch.Tensor | None:
        """With `mask_zero`: True where the id is not 0 (Keras's padding mask), else None."""
        del previous_mask
        return torch.as_tensor(inputs) != 0 if self.mask_zero else None

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "mask_zero": self.mask_zero,
        }
