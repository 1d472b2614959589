"""Whole sequences through torch's fused recurrent kernels (cuDNN on a GPU, oneDNN/ATen on a CPU).

`run` takes the weights a cell's `fused_parameters` gave and the states in
Keras's form (a list of `(batch, units)` tensors) and returns every step's
output and the final states, for sequences without a mask. `run_padded`
does the same for right-padded sequences of known lengths, with Keras's
results for the padded steps: the output of the last real step is carried
(or zeros, with `zero_output_for_mask`), and the states stop at each
sequence's own end. `go_backwards` is handled in both, with outputs in the
order the steps were processed, as Keras returns them.
"""

from __future__ import annotations

import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

__all__ = ["run", "run_padded"]

_KERNELS = {"lstm": torch.lstm, "gru": torch.gru, "rnn_tanh": torch.rnn_tanh, "rnn_relu": torch.rnn_relu}


def _hidden(kind: str, states: list[torch.Tensor]) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    if kind == "lstm":
        return (states[0].unsqueeze(0), states[1].unsqueeze(0))
    return states[0].unsqueeze(0)


def _final(kind: str, result: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    if kind == "lstm":
        return [result[1].squeeze(0), result[2].squeeze(0)]
    return [result[1].squeeze(0)]


def _same_dtype(
    sequences: torch.Tensor, states: list[torch.Tensor], weights: list[torch.Tensor]
) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
    """Everything in one dtype: the autocast dtype under mixed precision, else the weights'."""
    device = sequences.device.type
    dtype = torch.get_autocast_dtype(device) if torch.is_autocast_enabled(device) else weights[0].dtype
    return sequences.to(dtype), [s.to(dtype) for s in states], [w.to(dtype) for w in weights]


def _call(kind: str, inputs: torch.Tensor, hidden: object, weights: list[torch.Tensor], *packed: object):
    kernel = _KERNELS[kind]
    has_biases = len(weights) == 4
    train = torch.is_grad_enabled()
    if packed:
        return kernel(inputs, packed[0], hidden, weights, has_biases, 1, 0.0, train, False)
    return kernel(inputs, hidden, weights, has_biases, 1, 0.0, train, False, True)


def run(
    kind: str,
    weights: list[torch.Tensor],
    sequences: torch.Tensor,
    states: list[torch.Tensor],
    go_backwards: bool,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """`(outputs (batch, steps, units), final states)` of unmasked sequences."""
    if go_backwards:
        sequences = sequences.flip(1)
    sequences, states, weights = _same_dtype(sequences, states, weights)
    result = _call(kind, sequences, _hidden(kind, states), weights)
    return result[0], _final(kind, result)


def run_padded(
    kind: str,
    weights: list[torch.Tensor],
    sequences: torch.Tensor,
    states: list[torch.Tensor],
    lengths: torch.Tensor,
    go_backwards: bool,
    zero_output_for_mask: bool,
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """`(outputs, final states)` of right-padded sequences with `lengths` real steps (a CPU tensor)."""
    batch, steps = sequences.shape[:2]
    device = sequences.device
    length = lengths.to(device)
    positions = torch.arange(steps, device=device).unsqueeze(0)
    if go_backwards:
        # The real steps, last first, moved to the front; Keras processes the padding first.
        source = length.unsqueeze(1) - 1 - positions
        source = torch.where(source >= 0, source, positions)
        sequences = sequences.gather(1, source.unsqueeze(-1).expand(-1, -1, sequences.shape[-1]))
    sequences, cast_states, weights = _same_dtype(sequences, states, weights)
    packed = pack_padded_sequence(sequences, lengths.clamp_min(1), batch_first=True, enforce_sorted=False)
    hidden = _hidden(kind, cast_states)
    order = packed.sorted_indices
    if isinstance(hidden, tuple):
        hidden = tuple(h.index_select(1, order) for h in hidden)
    else:
        hidden = hidden.index_select(1, order)
    result = _call(kind, packed.data, hidden, weights, packed.batch_sizes)
    restore = packed.unsorted_indices
    finals = [state.index_select(0, restore) for state in _final(kind, result)]
    outputs, _ = pad_packed_sequence(
        PackedSequence(result[0], packed.batch_sizes, order, restore), batch_first=True, total_length=steps
    )
    empty = (length == 0).unsqueeze(1)
    finals = [torch.where(empty, initial, final) for initial, final in zip(cast_states, finals, strict=True)]
    real = positions < length.unsqueeze(1)  # (batch, steps), in processing order when forwards
    zeros = outputs.new_zeros(())
    if go_backwards:
        shift = steps - length.unsqueeze(1)
        source = (positions - shift).clamp_min(0)
        moved = outputs.gather(1, source.unsqueeze(-1).expand(-1, -1, outputs.shape[-1]))
        return torch.where((positions >= shift).unsqueeze(-1), moved, zeros), finals
    if zero_output_for_mask:
        return torch.where(real.unsqueeze(-1), outputs, zeros), finals
    carried = torch.where(empty, zeros, finals[0]).unsqueeze(1)
    return torch.where(real.unsqueeze(-1), outputs, carried), finals
