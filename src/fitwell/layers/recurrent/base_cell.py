"""`RecurrentCell`: the base of the built-in cells, their weights, dropout masks and step protocol.

A cell holds Keras's weights in Keras's layout (`kernel` `(features,
gates * units)`, `recurrent_kernel` `(units, gates * units)`, `bias`). `RNN`
runs a whole sequence either through torch's fused kernels
(`fused_parameters`) or step by step: `begin` draws the sequence's dropout
masks and projects every step's input at once (`project`), then `step`
runs once per step. The cells themselves are in `cells`.

Dropout follows Keras: one mask per sequence, drawn at the start of the
sequence and used at every step (`dropout` on the inputs,
`recurrent_dropout` on the previous output); with `recurrent_dropout`,
each gate draws its own masks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from fitwell import initializers, random, regularizers
from fitwell.layers.activations import activation_name, get_activation
from fitwell.layers.layer import Layer

__all__ = ["RecurrentCell", "SequenceRun", "check_rate", "check_units"]


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
