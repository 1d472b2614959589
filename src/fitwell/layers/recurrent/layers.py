"""`SimpleRNN`, `LSTM` and `GRU`: an `RNN` around the matching built-in cell, with Keras's arguments.

The weights belong to the cell (`layer.cell.kernel`, …), in Keras's layout
and order, so `layer.set_weights(keras_layer.get_weights())` copies a Keras
layer's weights exactly.
"""

from __future__ import annotations

from typing import Any

from fitwell.layers.layer import Layer
from fitwell.layers.recurrent.base_cell import RecurrentCell
from fitwell.layers.recurrent.cells import GRUCell, LSTMCell, SimpleRNNCell
from fitwell.layers.recurrent.rnn import RNN

__all__ = ["GRU", "LSTM", "SimpleRNN"]

_LAYER_ONLY = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "use_cudnn",
    "zero_output_for_mask",
)
_SHARED = (
    "name",
    "trainable",
    "dtype",
    "input_shape",
    "input_dim",
    "batch_input_shape",
    "activity_regularizer",
)


class _CellLayer(RNN):
    """An `RNN` that makes its own cell from the cell's arguments."""

    cell_class: type[RecurrentCell] = RecurrentCell
    cell_name = "cell"

    def __init__(self, units: int, **arguments: Any) -> None:
        layer = {key: arguments.pop(key) for key in (*_LAYER_ONLY, *_SHARED) if key in arguments}
        dtype, trainable = layer.get("dtype"), layer.get("trainable", True)
        cell = self.cell_class(units, name=self.cell_name, dtype=dtype, trainable=trainable, **arguments)
        super().__init__(cell, **layer)

    def __getattr__(self, name: str) -> Any:
        # Keras's layers show their cell's arguments: layer.units, layer.dropout, layer.kernel_initializer...
        try:
            return super().__getattr__(name)
        except AttributeError:
            if name.startswith("_"):
                raise
            cell = self.__dict__.get("_modules", {}).get("cell")
            if cell is not None and name in cell.__dict__:
                return cell.__dict__[name]
            raise

    @property
    def units(self) -> int:
        return self.cell.units

    def get_config(self) -> dict[str, Any]:
        config = Layer.get_config(self)
        config.update(
            {
                key: getattr(self, key)
                for key in ("return_sequences", "return_state", "go_backwards", "stateful")
            }
        )
        config.update(unroll=self.unroll, zero_output_for_mask=self.zero_output_for_mask)
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        return cls(**config)


def _layer_arguments(locals_: dict[str, Any]) -> dict[str, Any]:
    arguments = {k: v for k, v in locals_.items() if k not in ("self", "kwargs", "__class__", "units")}
    return {**arguments, **locals_["kwargs"]}


class SimpleRNN(_CellLayer):
    """Fully connected recurrent layer: the output feeds back as the next step's state.

    Args:
        units: Output size.
        activation: `"tanh"` (runs on torch's fused kernel; `"relu"` too).
        use_bias: Whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's
            `"glorot_uniform"`, `"orthogonal"`, `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Weight regularizers.
        dropout: Fraction of the inputs dropped (the same units at every step).
        recurrent_dropout: Fraction of the previous output dropped.
        seed: Seed of the dropout masks.
        return_sequences, return_state, go_backwards, stateful, unroll: See `RNN`.
        use_cudnn: `"auto"` runs torch's fused kernel when it computes the
            configuration, `False` always steps.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> layer = SimpleRNN(4, return_sequences=True)
        >>> layer(torch.ones(2, 5, 3)).shape, layer.count_params()
        (torch.Size([2, 5, 4]), 32)
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(units, **_layer_arguments(locals()))


class LSTM(_CellLayer):
    """Long short-term memory layer (Hochreiter & Schmidhuber, 1997), with Keras's weights and gates.

    Runs on torch's fused LSTM kernel (cuDNN on a GPU) with Keras's
    defaults, also with input `dropout` and right-padded masks; other
    configurations run step by step with the same results.

    Args:
        units: Output size (and the size of each state).
        activation: Of the candidate and output (`"tanh"`).
        recurrent_activation: Of the gates (`"sigmoid"`).
        use_bias: Whether to add a bias.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's
            `"glorot_uniform"`, `"orthogonal"`, `"zeros"`.
        unit_forget_bias: Start the forget gate's bias at 1.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Weight regularizers.
        dropout: Fraction of the inputs dropped (the same units at every step).
        recurrent_dropout: Fraction of the previous output dropped (runs step by step while training).
        seed: Seed of the dropout masks.
        return_sequences, return_state, go_backwards, stateful, unroll: See `RNN`.
        use_cudnn: `"auto"` runs torch's fused kernel when it computes the
            configuration, `False` always steps.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> layer = LSTM(4, return_state=True)
        >>> output, h, c = layer(torch.ones(2, 5, 3))
        >>> output.shape, c.shape, [w.shape for w in layer.get_weights()]
        (torch.Size([2, 4]), torch.Size([2, 4]), [(3, 16), (4, 16), (16,)])
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        unit_forget_bias: bool = True,
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(units, **_layer_arguments(locals()))


class GRU(_CellLayer):
    """Gated recurrent unit (Cho et al., 2014), with Keras's weights, gates and `reset_after`.

    Runs on torch's fused GRU kernel with Keras's defaults (`reset_after=True`
    is cuDNN's form), also with input `dropout` and right-padded masks;
    other configurations run step by step with the same results.

    Args:
        units: Output size.
        activation: Of the candidate (`"tanh"`).
        recurrent_activation: Of the gates (`"sigmoid"`).
        use_bias: Whether to add biases.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's
            `"glorot_uniform"`, `"orthogonal"`, `"zeros"`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Weight regularizers.
        dropout: Fraction of the inputs dropped (the same units at every step).
        recurrent_dropout: Fraction of the previous output dropped (runs step by step while training).
        seed: Seed of the dropout masks.
        return_sequences, return_state, go_backwards, stateful, unroll: See `RNN`.
        reset_after: Apply the reset gate after the recurrent projection
            (bias `(2, 3 * units)`), as Keras's default and cuDNN do.
        use_cudnn: `"auto"` runs torch's fused kernel when it computes the
            configuration, `False` always steps.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> import torch
        >>> layer = GRU(4)
        >>> layer(torch.ones(2, 5, 3)).shape, [w.shape for w in layer.get_weights()]
        (torch.Size([2, 4]), [(3, 12), (4, 12), (2, 12)])
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(
        self,
        units: int,
        activation: Any = "tanh",
        recurrent_activation: Any = "sigmoid",
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        recurrent_initializer: Any = "orthogonal",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        recurrent_regularizer: Any = None,
        bias_regularizer: Any = None,
        kernel_constraint: Any = None,
        recurrent_constraint: Any = None,
        bias_constraint: Any = None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        seed: int | None = None,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        reset_after: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(units, **_layer_arguments(locals()))
