"""The built-in recurrent cells: one step of `SimpleRNN`, `LSTM` and `GRU`, with Keras's weights.

Each cell holds Keras's weights in Keras's layout (`kernel` `(features,
gates * units)`, `recurrent_kernel` `(units, gates * units)`, `bias`) and
Keras's gate order (LSTM i, f, c, o; GRU z, r, h), so `get_weights` and
`set_weights` exchange weights with Keras unchanged. A cell is usable on
its own, in Keras's cell API (`cell(inputs, states, training)` returns
`(output, new_states)`), and inside `RNN`, which runs a whole sequence
either through torch's fused kernels (`fused_parameters`) or step by step
(`project` once for all steps, then `step`).

Dropout follows Keras: one mask per sequence, drawn at the start of the
sequence and used at every step (`dropout` on the inputs,
`recurrent_dropout` on the previous output); with `recurrent_dropout`,
each gate draws its own masks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from fitwell import activations, initializers, random, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.layer import Layer

__all__ = ["GRUCell", "LSTMCell", "RecurrentCell", "SimpleRNNCell", "SequenceRun"]


def check_units(units: Any) -> int:
    """`units` as a positive int, or a ValueError naming it."""
    if isinstance(units, bool) or not isinstance(units, int | np.integer) or units <= 0:
        raise ValueError(f"`units` must be a positive int. Received: units={units!r}")
    return int(units)


def check_rate(value: Any, argument: str) -> float:
    """A dropout rate in [0, 1), or a ValueError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{argument}` must be a float in [0, 1). Received: {argument}={value!r}")
    return float(value)


def _is(function: Callable[..., Any], *candidates: Callable[..., Any]) -> bool:
    return any(function is candidate for candidate in candidates)


@dataclass
class SequenceRun:
    """What one cell precomputes for a whole sequence: every step's input projection and the
    recurrent dropout masks (one per gate, or None)."""

    projected: torch.Tensor  # (batch, steps, gates * units)
    recurrent_masks: list[torch.Tensor] | None


class RecurrentCell(Layer):
    """Base of the built-in cells: weights, dropout masks and the step protocol.

    Subclasses set `gates` (how many blocks of `units` the kernels hold)
    and implement `step`.
    """

    gates = 1

    def __init__(
        self,
        units: int,
        *,
        activation: Any,
        use_bias: bool,
        kernel_initializer: Any,
        recurrent_initializer: Any,
        bias_initializer: Any,
        kernel_regularizer: Any,
        recurrent_regularizer: Any,
        bias_regularizer: Any,
        kernel_constraint: Any,
        recurrent_constraint: Any,
        bias_constraint: Any,
        dropout: float,
        recurrent_dropout: float,
        seed: int | None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("implementation", None)  # Keras's choice of kernel split; the result is the same
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.activation = get_activation(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.constraints = (kernel_constraint, recurrent_constraint, bias_constraint)
        self.dropout = check_rate(dropout, "dropout")
        self.recurrent_dropout = check_rate(recurrent_dropout, "recurrent_dropout")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
            raise ValueError(f"`seed` must be an int or None. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)
        self.seed_generator = None if seed is None else random.SeedGenerator(self.seed)

    # -- Keras's cell attributes ------------------------------------------------------
    @property
    def state_size(self) -> int | list[int]:
        """The size of each state (an int for a single state)."""
        return self.units

    @property
    def output_size(self) -> int:
        """The size of each step's output."""
        return self.units

    def get_initial_state(self, batch_size: int | None = None) -> list[torch.Tensor]:
        """Zeros for each state."""
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        device = self.kernel.device if self.built else None
        return [torch.zeros(batch_size or 1, size, dtype=self.dtype, device=device) for size in sizes]

    # -- weights ----------------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        features = input_shape[-1]
        if features is None:
            raise ValueError(
                f"{self.name} needs the size of its inputs' last axis. Received: input_shape={input_shape}. "
                "Give the Input a known last size, e.g. Input(shape=(None, 16))."
            )
        kernel_constraint, recurrent_constraint, bias_constraint = self.constraints
        self.kernel = self.add_weight(
            shape=(features, self.gates * self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=kernel_constraint,
            name="kernel",
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, self.gates * self.units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=recurrent_constraint,
            name="recurrent_kernel",
        )
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self.bias_shape(),
                initializer=self.bias_initial_values(),
                regularizer=self.bias_regularizer,
                constraint=bias_constraint,
                name="bias",
            )
        else:
            self.bias = None
        self.built = True

    def bias_shape(self) -> tuple[int, ...]:
        return (self.gates * self.units,)

    def bias_initial_values(self) -> Any:
        return self.bias_initializer

    def input_bias(self) -> torch.Tensor | None:
        """The bias added to the input projection (all of it, unless a GRU splits it)."""
        return self.bias

    # -- dropout masks ------------------------------------------------------------------
    def _masks(self, like: torch.Tensor, rate: float, count: int) -> list[torch.Tensor]:
        ones = torch.ones_like(like)
        return [random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def dropout_masks(self, step_inputs: torch.Tensor, training: bool) -> list[torch.Tensor] | None:
        """The input masks of one sequence (one per gate with `recurrent_dropout`, else one)."""
        if not (training and self.dropout):
            return None
        return self._masks(step_inputs, self.dropout, self.gates if self.recurrent_dropout else 1)

    def recurrent_dropout_masks(self, state: torch.Tensor, training: bool) -> list[torch.Tensor] | None:
        """The masks of the previous output, one per gate (Keras's per-gate recurrent dropout)."""
        if not (training and self.recurrent_dropout):
            return None
        return self._masks(state, self.recurrent_dropout, self.gates)

    # -- the sequence protocol ----------------------------------------------------------
    def project(self, sequences: torch.Tensor, masks: list[torch.Tensor] | None) -> torch.Tensor:
        """Every step's input projection at once: `(batch, steps, gates * units)`, bias included."""
        bias = self.input_bias()
        if masks is None or len(masks) == 1:
            if masks is not None:
                sequences = sequences * masks[0].unsqueeze(1)
            projected = sequences @ self.kernel
        else:
            blocks = self.kernel.split(self.units, dim=1)
            projected = torch.cat(
                [(sequences * m.unsqueeze(1)) @ k for m, k in zip(masks, blocks, strict=True)], dim=-1
            )
        return projected if bias is None else projected + bias

    def begin(self, sequences: torch.Tensor, states: Sequence[torch.Tensor], training: bool) -> SequenceRun:
        """Draw the sequence's dropout masks and project its inputs."""
        masks = self.dropout_masks(sequences[:, 0], training)
        recurrent_masks = self.recurrent_dropout_masks(states[0], training)
        return SequenceRun(self.project(sequences, masks), recurrent_masks)

    def recurrent_part(
        self, state: torch.Tensor, masks: list[torch.Tensor] | None, kernel: torch.Tensor | None = None
    ) -> torch.Tensor:
        """`state @ recurrent_kernel`, with each gate's block reading its own masked state."""
        kernel = self.recurrent_kernel if kernel is None else kernel
        if masks is None:
            return state @ kernel
        blocks = kernel.split(self.units, dim=1)
        return torch.cat([(state * m) @ k for m, k in zip(masks, blocks, strict=True)], dim=-1)

    def step(
        self, projected: torch.Tensor, states: list[torch.Tensor], recurrent_masks: list[torch.Tensor] | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """One step from its input projection: `(output, new_states)`."""
        raise NotImplementedError

    def fused_parameters(self) -> tuple[str, list[torch.Tensor]] | None:
        """`(torch kernel name, its weights)` when torch's fused kernel computes this cell, else None."""
        return None

    def call(self, inputs: torch.Tensor, states: Any, training: bool = False) -> tuple[torch.Tensor, Any]:
        """One step (Keras's cell API): `(output, new_states)`, states as given (a list or a tensor)."""
        nested = isinstance(states, list | tuple)
        state_list = list(states) if nested else [states]
        run = self.begin(inputs.unsqueeze(1), state_list, training)
        output, new_states = self.step(run.projected[:, 0], state_list, run.recurrent_masks)
        return output, (new_states if nested or len(new_states) > 1 else new_states[0])

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activation_name(self.activation) or self.activation,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


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
