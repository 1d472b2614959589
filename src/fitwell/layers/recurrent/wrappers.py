"""Layers that wrap another layer: `Bidirectional` (a recurrent layer both ways) and `TimeDistributed`."""

from __future__ import annotations

import copy
from typing import Any

import torch

from fitwell.layers.layer import Layer, call_takes_training
from fitwell.layers.recurrent.rnn import describe_inner
from fitwell.layers.tensor_masks import mask_rules

__all__ = ["Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _copy_of(layer: Layer, **changes: Any) -> Layer:
    """A new, unbuilt layer of the same class and configuration, with `changes`.

    Made from the layer's config, as Keras does; an unbuilt layer whose
    config cannot rebuild it (a custom cell without `get_config`) is copied.
    """
    try:
        return type(layer).from_config({**layer.get_config(), **changes})
    except (TypeError, ValueError) as error:
        if layer.built:
            raise ValueError(
                f"Bidirectional makes its two layers from {layer.name}'s get_config(), which cannot "
                f"rebuild it ({error}). Received: a built layer. Pass the layer before calling it, or give "
                "its cell a get_config() that returns its constructor arguments."
            ) from error
        twin = copy.deepcopy(layer)
        for name, value in changes.items():
            setattr(twin, name, value)
        return twin


def _without_prefix(name: str, prefix: str) -> str:
    return name[len(prefix) :] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Runs a recurrent layer forwards and a copy of it backwards, and merges the two outputs.

    The forward layer is a fresh copy of `layer` named `forward_<name>`; the
    backward one is `backward_layer` or a copy with `go_backwards=True`
    named `backward_<name>`. Its weights are the forward layer's, then the
    backward layer's, as in Keras. With `return_sequences`, the backward
    outputs are flipped back to the input's order before merging, and
    masked steps output zeros.

    Args:
        layer: A recurrent layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`).
        merge_mode: `"concat"` (default), `"sum"`, `"mul"`, `"ave"`, or None
            for the two outputs as a tuple.
        weights: Initial weights (forward then backward), set at the first build.
        backward_layer: The layer to run backwards (it must have
            `go_backwards=True` and the same `return_sequences`,
            `return_state` and `stateful`).
        **kwargs: `name` and the other `Layer` arguments.

    Call arguments:
        sequences: `(batch, steps, features)`.
        initial_state: The forward layer's states, then the backward layer's.
        mask: Boolean `(batch, steps)` (automatic after `Embedding(mask_zero=True)`).
        training: Whether dropout is applied.

    Example:
        >>> from fitwell.layers.recurrent.layers import LSTM
        >>> layer = Bidirectional(LSTM(4, return_sequences=True))
        >>> layer(torch.ones(2, 5, 3)).shape, layer.count_params()
        (torch.Size([2, 5, 8]), 256)
    """

    def __init__(
        self,
        layer: Layer,
        merge_mode: str | None = "concat",
        weights: Any = None,
        backward_layer: Layer | None = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(
                "`layer` must be a fitwell recurrent layer (LSTM, GRU, SimpleRNN, RNN). Received: "
                f"layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                f"`backward_layer` must be a fitwell layer. Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"`merge_mode` must be one of {_MERGE_MODES}. Received: merge_mode={merge_mode!r}"
            )
        super().__init__(**kwargs)
        self.forward_layer = _copy_of(layer, name=f"forward_{_without_prefix(layer.name, 'forward_')}")
        if backward_layer is None:
            backward_layer = _copy_of(
                layer, name=f"backward_{_without_prefix(layer.name, 'backward_')}", go_backwards=True
            )
        self.backward_layer = backward_layer
        for wrapped in (self.forward_layer, self.backward_layer):
            if hasattr(layer, "use_cudnn") and hasattr(wrapped, "use_cudnn"):
                wrapped.use_cudnn = layer.use_cudnn
        self._check_pair()
        for wrapped in (self.forward_layer, self.backward_layer):
            if hasattr(wrapped, "zero_output_for_mask"):
                wrapped.zero_output_for_mask = wrapped.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = None if weights is None else list(weights)
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state

    def _check_pair(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "The forward and backward layers must have different `go_backwards`. Received: "
                f"forward_layer.go_backwards={forward.go_backwards}, "
                f"backward_layer.go_backwards={backward.go_backwards}."
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(
                    f"The forward and backward layers must have the same `{attribute}`. Received: "
                    f"{getattr(forward, attribute)} for the forward layer and {getattr(backward, attribute)} "
                    "for the backward layer."
                )

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        del initial_state_shape
        for wrapped in (self.forward_layer, self.backward_layer):
            if not wrapped.built:
                wrapped.build(sequences_shape)
                wrapped.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        self.built = True

    def call(
        self,
        sequences: torch.Tensor,
        initial_state: Any = None,
        mask: torch.Tensor | None = None,
        training: bool = False,
    ) -> Any:
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, mask=mask, training=training)
        states: tuple[torch.Tensor, ...] = ()
        if self.return_state:
            states = (*y[1:], *y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev.flip(1)
        if self.merge_mode == "concat":
            output: Any = torch.cat([y, y_rev], dim=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = (y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        if isinstance(previous_mask, list | tuple):
            previous_mask = previous_mask[0]
        if self.return_sequences:
            output_mask: Any = (previous_mask, previous_mask) if self.merge_mode is None else previous_mask
        else:
            output_mask = (None, None) if self.merge_mode is None else None
        if self.return_state:
            count = 2 * len(getattr(self.forward_layer, "state_size", [0]))
            heads = list(output_mask) if isinstance(output_mask, tuple) else [output_mask]
            return [*heads, *([None] * count)]
        return output_mask

    def reset_states(self) -> None:
        """Forget the kept states of both stateful layers."""
        if not self.stateful:
            raise AttributeError(
                f"{self.name}: reset_states() needs a stateful layer. Received: stateful=False."
            )
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def reset_state(self) -> None:
        """Keras 3's name for `reset_states`."""
        self.reset_states()

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": describe_inner(self.forward_layer),
            "backward_layer": describe_inner(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Bidirectional:
        from fitwell.saving.architecture import build_layer

        config = dict(config)
        config["layer"] = build_layer(config["layer"])
        if config.get("backward_layer") is not None:
            config["backward_layer"] = build_layer(config["backward_layer"])
        return cls(**config)


class TimeDistributed(Layer):
    """Applies a layer to every step of a sequence: `(batch, steps, ...)` → `(batch, steps, ...)`.

    The steps are folded into the batch for one call of the inner layer
    (the same results as one call per step, faster). Its weights are the
    inner layer's.

    Args:
        layer: The layer to apply to each step.
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> from fitwell.layers.core import Dense
        >>> TimeDistributed(Dense(3))(torch.ones(2, 5, 4)).shape
        torch.Size([2, 5, 3])
    """

    supports_masking = True

    def __init__(self, layer: torch.nn.Module, **kwargs: Any) -> None:
        if not isinstance(layer, torch.nn.Module):
            raise ValueError(f"`layer` must be a layer. Received: layer={layer!r}")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any) -> None:
        if len(input_shape) < 3:
            raise ValueError(
                f"{self.name} needs inputs of shape (batch, steps, ...). Received: input_shape="
                f"{tuple(input_shape)}."
            )
        if isinstance(self.layer, Layer) and not self.layer.built:
            self.layer.build((input_shape[0], *input_shape[2:]))
            self.layer.built = True
        self.built = True

    def call(
        self, inputs: torch.Tensor, mask: torch.Tensor | None = None, training: bool = False
    ) -> torch.Tensor:
        if inputs.dim() < 3:
            raise ValueError(
                f"{self.name} needs inputs of shape (batch, steps, ...). Received: a tensor of shape "
                f"{tuple(inputs.shape)}."
            )
        batch, steps = inputs.shape[:2]
        if mask is not None and (mask.dim() < 2 or tuple(mask.shape[:2]) != (batch, steps)):
            raise ValueError(
                f"The `mask` passed to {self.name} must start with (batch, steps) = ({batch}, {steps}). "
                f"Received: mask.shape={tuple(mask.shape)}."
            )
        folded = inputs.reshape(batch * steps, *inputs.shape[2:])
        kwargs: dict[str, Any] = {}
        if isinstance(self.layer, Layer):
            if mask is not None and mask_rules(type(self.layer)).takes_mask:
                kwargs["mask"] = mask.reshape(batch * steps, *mask.shape[2:])
            if call_takes_training(type(self.layer)):
                kwargs["training"] = training
        outputs = self.layer(folded, **kwargs)
        return outputs.reshape(batch, steps, *outputs.shape[1:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": describe_inner(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TimeDistributed:
        from fitwell.saving.architecture import build_layer

        config = dict(config)
        config["layer"] = build_layer(config["layer"])
        return cls(**config)
