"""The built-in recurrent cells: one step of `SimpleRNN`, `LSTM` and `GRU`, with Keras's weights.

Each cell holds Keras's weights in Keras's layout (`kernel` `(features,
gates * units)`, `recurrent_kernel` `(units, gates * units)`, `bias`) and
Keras's gate order (LSTM i, f, c, o; GRU z, r, h), so `get_weights` and
`set_weights` exchange weights with Keras unchanged. A cell is usable on
its own, in Keras's cell API (`cell(inputs, states, training)` returns
`(output, new_states)`), and inside `RNN`, which runs a whole sequence
either through torch's fused kernels (`fused_parameters`) or step by step
(`project` once for all steps, then `step`). Their shared base, with the
weights and dropout masks, is `base_cell.RecurrentCell`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from fitwell import activations
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.recurrent.base_cell import RecurrentCell, SequenceRun
from fitwell.layers.recurrent.base_cell import check_rate as check_rate
from fitwell.layers.recurrent.base_cell import check_units as check_units

__all__ = ["GRUCell", "LSTMCell", "RecurrentCell", "SimpleRNNCell", "SequenceRun"]


def _is(function: Callable[..., Any], *candidates: Callable[..., Any]) -> bool:
    return any(function is candidate for candidate in candidates)


class SimpleRNNCell(RecurrentCell):
    """One step of a fully connected recurrent layer: `activation(x @ kernel + h @ recurrent_kernel + bias)`.

    Args:
        units: Size of the output and the state.
        activation: Keras name or function (`"tanh"`); None for linear.
        use_bias: Whether to add a bias.
        kernel_initializer: Of the input kernel (`"glorot_uniform"`).
        recurrent_initializer: Of the recurrent kernel (`"orthogonal"`).
        bias_initializer: Of the bias (`"zeros"`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers of the weights.
        dropout: Fraction of the inputs dropped (one mask per sequence).
        recurrent_dropout: Fraction of the previous output dropped.
        seed: Seed of the dropout masks.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> cell = SimpleRNNCell(4)
        >>> output, states = cell(torch.ones(2, 3), [torch.zeros(2, 4)])
        >>> output.shape, len(states)
        (torch.Size([2, 4]), 1)
    """

    gates = 1

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
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )

    def recurrent_dropout_masks(self, state: torch.Tensor, training: bool) -> list[torch.Tensor] | None:
        if not (training and self.recurrent_dropout):
            return None
        return self._masks(state, self.recurrent_dropout, 1)

    def dropout_masks(self, step_inputs: torch.Tensor, training: bool) -> list[torch.Tensor] | None:
        if not (training and self.dropout):
            return None
        return self._masks(step_inputs, self.dropout, 1)

    def step(
        self, projected: torch.Tensor, states: list[torch.Tensor], recurrent_masks: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        previous = states[0] if recurrent_masks is None else states[0] * recurrent_masks[0]
        output = self.activation(projected + previous @ self.recurrent_kernel)
        return output, [output]

    def fused_parameters(self) -> tuple[str, list[torch.Tensor]] | None:
        if _is(self.activation, activations.tanh, torch.tanh):
            kind = "rnn_tanh"
        elif _is(self.activation, activations.relu, torch.relu):
            kind = "rnn_relu"
        else:
            return None
        weights = [self.kernel.t().contiguous(), self.recurrent_kernel.t().contiguous()]
        if self.bias is not None:
            weights += [self.bias, torch.zeros_like(self.bias)]
        return kind, weights


class LSTMCell(RecurrentCell):
    """One step of a long short-term memory layer (Keras's gates i, f, c, o).

    Args:
        units: Size of the output and of each state (`h` and `c`).
        activation: Of the candidate and the output (`"tanh"`).
        recurrent_activation: Of the gates (`"sigmoid"`).
        use_bias: Whether to add a bias.
        kernel_initializer: Of the input kernel (`"glorot_uniform"`).
        recurrent_initializer: Of the recurrent kernel (`"orthogonal"`).
        bias_initializer: Of the bias (`"zeros"`).
        unit_forget_bias: Start the forget gate's bias at 1 (and the rest
            from `bias_initializer`), as Keras does by default.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers of the weights.
        dropout: Fraction of the inputs dropped (one mask per sequence).
        recurrent_dropout: Fraction of the previous output dropped.
        seed: Seed of the dropout masks.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> cell = LSTMCell(4)
        >>> output, (h, c) = cell(torch.ones(2, 3), [torch.zeros(2, 4), torch.zeros(2, 4)])
        >>> output.shape, [w.shape for w in cell.get_weights()]
        (torch.Size([2, 4]), [(3, 16), (4, 16), (16,)])
    """

    gates = 4

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
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = get_activation(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self) -> list[int]:
        return [self.units, self.units]

    def bias_initial_values(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def forget_gate_at_one(shape: tuple[int, ...], dtype: Any = None) -> torch.Tensor:
            del shape
            parts = [base((units,), dtype=dtype), np.ones(units), base((2 * units,), dtype=dtype)]
            return torch.cat([torch.as_tensor(np.asarray(p), dtype=dtype) for p in parts])

        return forget_gate_at_one

    def step(
        self, projected: torch.Tensor, states: list[torch.Tensor], recurrent_masks: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        h, c = states[0], states[1]
        z = projected + self.recurrent_part(h, recurrent_masks)
        z_i, z_f, z_c, z_o = z.chunk(4, dim=-1)
        gate = self.recurrent_activation
        c = gate(z_f) * c + gate(z_i) * self.activation(z_c)
        h = gate(z_o) * self.activation(c)
        return h, [h, c]

    def fused_parameters(self) -> tuple[str, list[torch.Tensor]] | None:
        if not (
            _is(self.activation, activations.tanh, torch.tanh)
            and _is(self.recurrent_activation, activations.sigmoid, torch.sigmoid)
        ):
            return None
        # torch's LSTM has Keras's gate order (i, f, g, o); its kernels are (gates * units, features).
        weights = [self.kernel.t().contiguous(), self.recurrent_kernel.t().contiguous()]
        if self.bias is not None:
            weights += [self.bias, torch.zeros_like(self.bias)]
        return "lstm", weights

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "recurrent_activation": activation_name(self.recurrent_activation) or self.recurrent_activation,
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRUCell(RecurrentCell):
    """One step of a gated recurrent unit (Keras's gates z, r, h).

    With `reset_after=True` (Keras's default, and cuDNN's form) the reset
    gate multiplies the recurrent projection, and the bias has shape `(2,
    3 * units)`: the input bias, then the recurrent bias. With False the
    reset gate multiplies the previous output before its projection, and
    the bias is `(3 * units,)`.

    Args:
        units: Size of the output and the state.
        activation: Of the candidate (`"tanh"`).
        recurrent_activation: Of the gates (`"sigmoid"`).
        use_bias: Whether to add biases.
        kernel_initializer: Of the input kernel (`"glorot_uniform"`).
        recurrent_initializer: Of the recurrent kernel (`"orthogonal"`).
        bias_initializer: Of the bias (`"zeros"`).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Regularizers of the weights.
        dropout: Fraction of the inputs dropped (one mask per sequence).
        recurrent_dropout: Fraction of the previous output dropped.
        reset_after: Apply the reset gate after the recurrent projection.
        seed: Seed of the dropout masks.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> cell = GRUCell(4)
        >>> output, state = cell(torch.ones(2, 3), torch.zeros(2, 4))
        >>> output.shape, [w.shape for w in cell.get_weights()]
        (torch.Size([2, 4]), [(3, 12), (4, 12), (2, 12)])
    """

    gates = 3

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
        reset_after: bool = True,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            **kwargs,
        )
        self.recurrent_activation = get_activation(recurrent_activation)
        self.reset_after = bool(reset_after)

    def bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def input_bias(self) -> torch.Tensor | None:
        if self.bias is None or not self.reset_after:
            return self.bias
        return self.bias[0]

    def step(
        self, projected: torch.Tensor, states: list[torch.Tensor], recurrent_masks: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        h = states[0]
        units = self.units
        x_z, x_r, x_h = projected.split(units, dim=-1)
        gate = self.recurrent_activation
        if self.reset_after:
            inner = self.recurrent_part(h, recurrent_masks)
            if self.bias is not None:
                inner = inner + self.bias[1]
            r_z, r_r, r_h = inner.split(units, dim=-1)
            z = gate(x_z + r_z)
            r = gate(x_r + r_r)
            candidate = self.activation(x_h + r * r_h)
        else:
            zr_masks = None if recurrent_masks is None else recurrent_masks[:2]
            inner = self.recurrent_part(h, zr_masks, self.recurrent_kernel[:, : 2 * units])
            r_z, r_r = inner.split(units, dim=-1)
            z = gate(x_z + r_z)
            r = gate(x_r + r_r)
            h_h = h if recurrent_masks is None else h * recurrent_masks[2]
            candidate = self.activation(x_h + (r * h_h) @ self.recurrent_kernel[:, 2 * units :])
        h = z * h + (1 - z) * candidate
        return h, [h]

    def fused_parameters(self) -> tuple[str, list[torch.Tensor]] | None:
        if not (
            self.reset_after
            and _is(self.activation, activations.tanh, torch.tanh)
            and _is(self.recurrent_activation, activations.sigmoid, torch.sigmoid)
        ):
            return None

        def torch_order(weight: torch.Tensor) -> torch.Tensor:  # Keras z, r, h -> torch r, z, n
            z, r, h = weight.split(self.units, dim=-1)
            return torch.cat([r, z, h], dim=-1)

        weights = [
            torch_order(self.kernel).t().contiguous(),
            torch_order(self.recurrent_kernel).t().contiguous(),
        ]
        if self.bias is not None:
            weights += [torch_order(self.bias[0]), torch_order(self.bias[1])]
        return "gru", weights

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "recurrent_activation": activation_name(self.recurrent_activation) or self.recurrent_activation,
            "reset_after": self.reset_after,
        }
