"""`RNN`: runs a recurrent cell over the steps of a sequence, as Keras's `keras.layers.RNN`.

The cell is one of fitwell's (`SimpleRNNCell`, `LSTMCell`, `GRUCell`) or
your own in Keras 3's cell API: a layer with `call(inputs, states,
training=False)` returning `(output, new_states)`, a `state_size` (an int
or a list of ints, one per state) and optionally `output_size` and
`get_initial_state(batch_size)`.

A built-in cell runs through torch's fused kernel when its configuration
is the one the kernel computes (Keras's cuDNN conditions: `tanh` and
`sigmoid`, no recurrent dropout while training, GRU `reset_after=True`) and
the sequences have no mask or a right-padded one; otherwise it runs step
by step, with every step's input projection computed at once. Both give
Keras's results: masked steps keep the states and repeat the last output
(zeros with `zero_output_for_mask`), outputs of `go_backwards` are in the
order the steps were processed.
"""

from __future__ import annotations

from typing import Any

import torch

from fitwell.layers import symbolic
from fitwell.layers.layer import Layer
from fitwell.layers.recurrent import fused
from fitwell.layers.recurrent.base_cell import RecurrentCell

__all__ = ["RNN", "describe_inner"]

_USE_FUSED = ("auto", True, False)


class RNN(Layer):
    """Runs a recurrent cell over sequences `(batch, steps, features)`.

    Args:
        cell: A recurrent cell (see the module's description).
        return_sequences: Return every step's output `(batch, steps, units)`
            instead of the last one `(batch, units)`.
        return_state: Also return the final states: `[output, *states]`.
        go_backwards: Process the steps last to first (the outputs are in
            that order).
        stateful: Keep the final states of each batch as the initial states
            of the next (sample `i` continues sample `i`); `reset_states()`
            zeros them. The batch size must stay the same.
        unroll: Accepted for Keras compatibility; it changes nothing here.
        zero_output_for_mask: Output zeros at masked steps instead of
            repeating the previous output.
        **kwargs: `name` and the other `Layer` arguments.

    Call arguments:
        sequences: `(batch, steps, features)`.
        initial_state: A list of tensors, one per state (or one tensor for a
            single state); zeros when left out.
        mask: Boolean `(batch, steps)`: False steps are skipped. Passed on
            automatically from `Embedding(mask_zero=True)` or `Masking`.
        training: Whether dropout is applied.

    Example:
        >>> class MinimalCell(Layer):
        ...     def __init__(self, units, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.units = units
        ...         self.state_size = units
        ...     def build(self, input_shape):
        ...         self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        ...     def call(self, inputs, states):
        ...         output = inputs @ self.kernel + states[0]
        ...         return output, [output]
        >>> RNN(MinimalCell(3), return_sequences=True)(torch.ones(2, 5, 4)).shape
        torch.Size([2, 5, 3])
    """

    def __init__(
        self,
        cell: Any,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        zero_output_for_mask: bool = False,
        **kwargs: Any,
    ) -> None:
        use_fused = kwargs.pop("use_cudnn", "auto")
        super().__init__(**kwargs)
        if isinstance(cell, list | tuple):
            raise NotImplementedError(
                f"A list of cells (stacked cells) is not supported yet. Received: cell={cell!r}. Stack "
                "recurrent layers instead: LSTM(..., return_sequences=True) followed by another LSTM."
            )
        if not hasattr(cell, "call"):
            raise ValueError(f"`cell` must have a `call` method. Received: cell={cell!r}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None:
            raise ValueError(
                "The RNN cell must have a `state_size` attribute (an int, or a list of ints, one per state). "
                f"Received: cell={cell!r} without one."
            )
        if not isinstance(state_size, int | list | tuple):
            raise ValueError(
                "`state_size` must be an int or a list of ints (one per state). Received: "
                f"state_size={state_size!r}"
            )
        if use_fused not in _USE_FUSED:
            raise ValueError(f"`use_cudnn` must be one of {_USE_FUSED}. Received: use_cudnn={use_fused!r}")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        #: Whether torch's fused kernel may run ("auto", True) or never (False), as Keras's `use_cudnn`.
        self.use_cudnn = use_fused
        self.states: list[torch.Tensor] | None = None  # the kept states of a stateful layer

    # -- states ------------------------------------------------------------------------
    @property
    def state_size(self) -> list[int]:
        """The size of each state."""
        size = self.cell.state_size
        return [size] if isinstance(size, int) else list(size)

    @property
    def single_state(self) -> bool:
        """Whether the cell has one state given as an int (Keras passes it bare to such cells)."""
        return isinstance(self.cell.state_size, int)

    def get_initial_state(self, batch_size: int) -> list[torch.Tensor]:
        """The states a sequence starts from when none are given: the cell's, or zeros."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, list | tuple) else [states]
        weight = next(self.parameters(), None)
        device = weight.device if weight is not None else None
        return [torch.zeros(batch_size, size, dtype=self.dtype, device=device) for size in self.state_size]

    def reset_states(self) -> None:
        """Forget the kept states of a stateful layer (the next batch starts from zeros)."""
        if self.states is not None:
            self.states = [torch.zeros_like(state) for state in self.states]

    def reset_state(self) -> None:
        """Keras 3's name for `reset_states`."""
        self.reset_states()

    # -- building and calling -----------------------------------------------------------
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        del initial_state_shape
        if (
            isinstance(sequences_shape, list)
            and sequences_shape
            and isinstance(sequences_shape[0], list | tuple)
        ):
            sequences_shape = sequences_shape[0]
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{self.name} needs sequences of shape (batch, steps, features). Received: input_shape="
                f"{tuple(sequences_shape)}. Add a steps axis, e.g. x.reshape(batch, steps, 1), or use "
                "Input(shape=(steps, features))."
            )
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((sequences_shape[0], *sequences_shape[2:]))
            self.cell.built = True
        self.built = True

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: torch.Tensor | None = None,
        training: bool = False,
    ) -> Any:
        if sequences.dim() < 3:
            raise ValueError(
                f"{self.name} needs sequences of shape (batch, steps, features). Received: a tensor of shape "
                f"{tuple(sequences.shape)}."
            )
        batch = sequences.shape[0]
        states = self._initial_states(initial_state, batch, sequences)
        if isinstance(mask, list | tuple):
            mask = mask[0]
        if mask is not None:
            mask = torch.as_tensor(mask, device=sequences.device)
            mask = mask if mask.dtype == torch.bool else mask > 0.5
            if tuple(mask.shape) != tuple(sequences.shape[:2]):
                raise ValueError(
                    f"{self.name}: `mask` must have shape (batch, steps) = {tuple(sequences.shape[:2])}. "
                    f"Received: mask.shape={tuple(mask.shape)}."
                )
        last, outputs, states = self.run_sequence(sequences, states, mask, bool(training))
        if self.stateful and not symbolic.is_probing():
            self.states = [state.detach() for state in states]
        output = outputs if self.return_sequences else last
        if self.return_state:
            return (output, *states)
        return output

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        if isinstance(previous_mask, list | tuple):
            previous_mask = previous_mask[0]
        output_mask = previous_mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def _initial_states(self, initial_state: Any, batch: int, sequences: torch.Tensor) -> list[torch.Tensor]:
        if initial_state is None:
            if self.stateful and self.states is not None and not symbolic.is_probing():
                if self.states[0].shape[0] != batch:
                    raise ValueError(
                        f"{self.name} is stateful: every batch must have the batch size of the first "
                        f"({self.states[0].shape[0]}). Received: a batch of {batch}. Use a fixed batch_size "
                        "(and drop_remainder / a dataset size divisible by it), or call reset_states() and "
                        "rebuild for another size."
                    )
                return list(self.states)
            states = self.get_initial_state(batch)
        else:
            states = list(initial_state) if isinstance(initial_state, list | tuple) else [initial_state]
        if len(states) != len(self.state_size):
            raise ValueError(
                f"{self.name} has {len(self.state_size)} state(s) of sizes {self.state_size}. Received: "
                f"initial_state with {len(states)} tensor(s). Pass one tensor per state"
                + (" ([h, c] for an LSTM)." if len(self.state_size) == 2 else ".")
            )
        dtype = sequences.dtype if sequences.is_floating_point() else self.dtype
        return [torch.as_tensor(state, device=sequences.device).to(dtype) for state in states]

    # -- the sequence -------------------------------------------------------------------------
    def run_sequence(
        self, sequences: torch.Tensor, states: list[torch.Tensor], mask: torch.Tensor | None, training: bool
    ) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        """`(last output, outputs, final states)`: fused when possible, else step by step."""
        cell = self.cell
        if isinstance(cell, RecurrentCell) and self.use_cudnn is not False and sequences.dim() == 3:
            if not (training and cell.recurrent_dropout):
                found = self._run_fused(cell, sequences, states, mask, training)
                if found is not None:
                    return found
        if self.use_cudnn is True and isinstance(cell, RecurrentCell):
            raise ValueError(
                f"{self.name}: use_cudnn=True, but torch's fused kernel cannot compute this layer's "
                "configuration (it needs activation='tanh', recurrent_activation='sigmoid', no "
                "recurrent_dropout while training, reset_after=True for a GRU, and a mask that only pads "
                "the end). Pass use_cudnn='auto' to run step by step instead."
            )
        return self._run_steps(sequences, states, mask, training)

    def _run_fused(
        self,
        cell: RecurrentCell,
        sequences: torch.Tensor,
        states: list[torch.Tensor],
        mask: torch.Tensor | None,
        training: bool,
    ) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]] | None:
        found = cell.fused_parameters()
        if found is None:
            return None
        kind, weights = found
        lengths = None
        if mask is not None:
            lengths = mask.sum(dim=1)
            padded_at_end = torch.arange(mask.shape[1], device=mask.device).unsqueeze(0) < lengths.unsqueeze(
                1
            )
            summary = torch.stack([(padded_at_end == mask).all().long(), lengths.min().long()])
            right_padded, shortest = summary.tolist()  # one read back (pack_padded_sequence needs lengths)
            if not right_padded:
                return None
            lengths = None if shortest == mask.shape[1] else lengths.cpu()
        masks = cell.dropout_masks(sequences[:, 0], training)
        if masks is not None:
            sequences = sequences * masks[0].unsqueeze(1)  # one input mask for every step, as Keras
        if lengths is None:
            outputs, finals = fused.run(kind, weights, sequences, states, self.go_backwards)
        else:
            outputs, finals = fused.run_padded(
                kind, weights, sequences, states, lengths, self.go_backwards, self.zero_output_for_mask
            )
        return outputs[:, -1], outputs, finals

    def _run_steps(
        self, sequences: torch.Tensor, states: list[torch.Tensor], mask: torch.Tensor | None, training: bool
    ) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
        cell = self.cell
        steps = sequences.shape[1]
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        if isinstance(cell, RecurrentCell):
            run = cell.begin(sequences, states, training)

            def step(t: int, current: list[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
                return cell.step(run.projected[:, t], current, run.recurrent_masks)

        else:
            takes_training = "training" in _call_arguments(cell)
            extra = {"training": training} if takes_training else {}

            def step(t: int, current: list[torch.Tensor]) -> tuple[torch.Tensor, list[torch.Tensor]]:
                output, new = cell(sequences[:, t], list(current), **extra)
                return output, list(new) if isinstance(new, list | tuple) else [new]

        outputs: list[torch.Tensor] = []
        previous: torch.Tensor | None = None
        for t in order:
            output, new_states = step(t, states)
            if mask is not None:
                keep = mask[:, t]
                fallback = (
                    torch.zeros_like(output) if previous is None or self.zero_output_for_mask else previous
                )
                output = torch.where(_expand(keep, output), output, fallback)
                new_states = [
                    torch.where(_expand(keep, n), n, s) for n, s in zip(new_states, states, strict=True)
                ]
            states, previous = new_states, output
            if self.return_sequences:
                outputs.append(output)
        assert previous is not None, "sequences with no steps"  # noqa: S101 - steps >= 1 by shape
        stacked = torch.stack(outputs, dim=1) if outputs else previous.unsqueeze(1)
        return previous, stacked, states

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "cell": describe_inner(self.cell),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        from fitwell.saving.architecture import build_layer

        config = dict(config)
        config["cell"] = build_layer(config["cell"])
        return cls(**config)


def describe_inner(layer: Any) -> dict[str, Any]:
    """A model file's description of a layer held by another (its configuration, not its weights)."""
    from fitwell.saving.architecture import describe_layer

    if isinstance(layer, Layer) and layer.built:
        with torch.random.fork_rng(devices=[]):
            layer = type(layer).from_config(layer.get_config())  # an unbuilt twin: no input shape needed
    return describe_layer(layer, 0)


def _expand(mask: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return mask.reshape(mask.shape + (1,) * (like.dim() - mask.dim()))


_ARGUMENTS: dict[type, tuple[str, ...]] = {}


def _call_arguments(cell: Any) -> tuple[str, ...]:
    import inspect

    found = _ARGUMENTS.get(type(cell))
    if found is None:
        try:
            found = tuple(inspect.signature(cell.call).parameters)
        except (TypeError, ValueError):
            found = ()
        _ARGUMENTS[type(cell)] = found
    return found
