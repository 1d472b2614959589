"""Attention layers with Keras's arguments, weights and masks: `MultiHeadAttention`, `Attention`,
`AdditiveAttention`.

`MultiHeadAttention` keeps Keras's four projections as sublayers named
`query`, `key`, `value` and `attention_output`, with kernels of Keras's
shapes (`(dim, num_heads, key_dim)`, …, `(num_heads, value_dim, dim)`), so
`get_weights`/`set_weights` exchange weights with Keras unchanged. Without
dropout and attention scores to return it calls
`torch.nn.functional.scaled_dot_product_attention` (flash or memory-efficient
kernels on a GPU), as Keras's torch backend does.

Masks combine as in Keras: the query's and value's (and key's) padding
masks from `Embedding(mask_zero=True)` arrive automatically, an
`attention_mask` `(batch, T, S)` and `use_causal_mask` narrow them further.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from fitwell import initializers, random, regularizers
from fitwell.layers.layer import Layer
from fitwell.layers.tensor_masks import get_mask

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]


def _positive_int(value: Any, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive int. Received: {argument}={value!r}")
    return int(value)


def _rate(value: Any, argument: str = "dropout") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value < 1.0:
        raise ValueError(f"`{argument}` must be a float in [0, 1). Received: {argument}={value!r}")
    return float(value)


def _causal_mask(queries: int, keys: int, device: torch.device) -> torch.Tensor:
    """`(1, T, S)`: query step t sees key steps up to t."""
    return torch.ones(queries, keys, dtype=torch.bool, device=device).tril().unsqueeze(0)


def _fused_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None,
    causal_only: bool,
    scale: float,
) -> torch.Tensor:
    """The attended values from torch's fused kernel (no dropout, no scores to return)."""
    additive = None
    if mask is not None:  # Keras's torch backend: a large negative bias where the mask is False
        large = torch.tensor(3.38953e38 * -0.7 if q.dtype != torch.float16 else 65500.0 * -0.7)
        additive = torch.where(mask.unsqueeze(1), 0.0, large.to(q.dtype)).to(q.dtype)
        causal_only = False
    return F.scaled_dot_product_attention(q, k, v, attn_mask=additive, is_causal=causal_only, scale=scale)


class _Projection(Layer):
    """A dense projection with a kernel of Keras's multi-axis shape (Keras's `EinsumDense` here).

    `in_axes` of the input's last axes are contracted with the kernel's
    first axes; the kernel's other axes are the output's.
    """

    supports_masking = True  # the attention layer reads the masks; its projections keep the steps

    def __init__(
        self,
        kernel_shape: tuple[int, ...],
        in_axes: int,
        use_bias: bool,
        kernel_initializer: Any,
        bias_initializer: Any,
        kernel_regularizer: Any,
        bias_regularizer: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.in_axes = in_axes
        self.kernel = self.add_weight(
            shape=kernel_shape, initializer=kernel_initializer, regularizer=kernel_regularizer, name="kernel"
        )
        self.bias = None
        if use_bias:
            self.bias = self.add_weight(
                shape=kernel_shape[in_axes:],
                initializer=bias_initializer,
                regularizer=bias_regularizer,
                name="bias",
            )
        self.built = True

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        shape = self.kernel.shape
        contracted = math.prod(shape[: self.in_axes])
        flat = inputs.reshape(*inputs.shape[: inputs.dim() - self.in_axes], contracted)
        outputs = flat @ self.kernel.reshape(contracted, -1)
        if self.bias is not None:
            outputs = outputs + self.bias.reshape(-1)
        return outputs.reshape(*outputs.shape[:-1], *shape[self.in_axes :])


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017), Keras's layer: projections, masks and weights.

    Args:
        num_heads: Number of attention heads.
        key_dim: Size of each head for query and key.
        value_dim: Size of each head for value (`key_dim` by default).
        dropout: Dropout rate on the attention probabilities (while training).
        use_bias: Whether the projections have biases.
        output_shape: The output's last size (the query's by default).
        attention_axes: None (the steps axis) only, for now.
        sliding_window: Each query step sees key steps less than this far
            away only (None: all of them).
        flash_attention: Accepted for Keras compatibility: torch picks its
            fastest exact kernel by itself.
        kernel_initializer: Of the projections (`"glorot_uniform"`).
        bias_initializer: Of the biases (`"zeros"`).
        kernel_regularizer, bias_regularizer: Regularizers of the projections.
        seed: Seed of the dropout.
        **kwargs: `name` and the other `Layer` arguments.

    Call arguments:
        query: `(batch, T, dim)`.
        value: `(batch, S, dim)`.
        key: `(batch, S, dim)`; `value` by default.
        query_mask, value_mask, key_mask: Padding masks `(batch, T)` / `(batch, S)`;
            taken from the inputs' masks when left out.
        attention_mask: Boolean `(batch, T, S)`: which keys each query may see.
        return_attention_scores: Also return the attention probabilities
            `(batch, num_heads, T, S)`.
        training: Whether dropout is applied.
        use_causal_mask: Query step t sees key steps up to t only (a decoder).

    Example:
        >>> layer = MultiHeadAttention(num_heads=2, key_dim=3)
        >>> x = torch.ones(4, 5, 8)
        >>> output, scores = layer(x, x, return_attention_scores=True)
        >>> output.shape, scores.shape, [w.shape for w in layer.get_weights()][:2]
        (torch.Size([4, 5, 8]), torch.Size([4, 2, 5, 5]), [(8, 2, 3), (2, 3)])
    """

    def __init__(
        self,
        num_heads: int,
        key_dim: int,
        value_dim: int | None = None,
        dropout: float = 0.0,
        use_bias: bool = True,
        output_shape: int | Sequence[int] | None = None,
        attention_axes: Any = None,
        sliding_window: int | None = None,
        flash_attention: bool | None = None,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        use_gate: bool = False,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        del flash_attention  # torch's scaled_dot_product_attention chooses the kernel
        if use_gate:
            raise NotImplementedError(
                "`use_gate=True` (a gated attention output) is not supported yet. Received: use_gate=True."
            )
        self.sliding_window = (
            None if sliding_window is None else _positive_int(sliding_window, "sliding_window")
        )
        self.num_heads = _positive_int(num_heads, "num_heads")
        self.key_dim = _positive_int(key_dim, "key_dim")
        self.value_dim = self.key_dim if value_dim is None else _positive_int(value_dim, "value_dim")
        self.dropout = _rate(dropout)
        self.use_bias = bool(use_bias)
        if isinstance(output_shape, int | np.integer):
            output_shape = (int(output_shape),)
        if output_shape is not None and len(tuple(output_shape)) != 1:
            raise NotImplementedError(
                "`output_shape` with several axes is not supported yet. Received: "
                f"output_shape={output_shape!r}."
                " Give one size, or reshape the output."
            )
        self.output_shape_arg = None if output_shape is None else tuple(int(s) for s in output_shape)
        if attention_axes is not None:
            raise NotImplementedError(
                "`attention_axes` other than the default (attention over the steps axis) is not supported "
                f"yet. Received: attention_axes={attention_axes!r}. Reshape the inputs to (batch, steps, "
                "dim)."
            )
        if kernel_constraint is not None or bias_constraint is not None:
            raise NotImplementedError("Weight constraints are not supported yet: leave them out.")
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.seed = seed
        self.seed_generator = None if seed is None else random.SeedGenerator(int(seed))
        self.supports_masking = True

    def _projection(self, name: str, kernel_shape: tuple[int, ...], in_axes: int) -> _Projection:
        return _Projection(
            kernel_shape,
            in_axes,
            self.use_bias,
            self.kernel_initializer,
            self.bias_initializer,
            self.kernel_regularizer,
            self.bias_regularizer,
            name=name,
            dtype=self.dtype,
        )

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        for argument, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3 or shape[-1] is None:
                raise ValueError(
                    f"{self.name} needs `{argument}` of shape (batch, steps, dim) with a known dim. "
                    "Received: "
                    f"{argument}.shape={tuple(shape)}."
                )
        heads = self.num_heads
        self.query_dense = self._projection("query", (query_shape[-1], heads, self.key_dim), 1)
        self.key_dense = self._projection("key", (key_shape[-1], heads, self.key_dim), 1)
        self.value_dense = self._projection("value", (value_shape[-1], heads, self.value_dim), 1)
        out = self.output_shape_arg[0] if self.output_shape_arg else query_shape[-1]
        self.output_dense = self._projection("attention_output", (heads, self.value_dim, out), 2)
        self.built = True

    def call(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        key: torch.Tensor | None = None,
        query_mask: torch.Tensor | None = None,
        value_mask: torch.Tensor | None = None,
        key_mask: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        return_attention_scores: bool = False,
        training: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        if key is None:
            key = value
        if query_mask is None:
            query_mask = get_mask(query)
        if key is value:
            key_mask = None  # the value's mask covers it
        mask = self._attention_mask(
            query, value, query_mask, value_mask, key_mask, attention_mask, use_causal_mask
        )
        causal_only = use_causal_mask and mask is None
        q = self.query_dense(query).transpose(1, 2)  # (batch, heads, T, key_dim)
        k = self.key_dense(key).transpose(1, 2)
        v = self.value_dense(value).transpose(1, 2)
        scale = 1.0 / math.sqrt(float(self.key_dim))
        if not (self.dropout > 0.0 or return_attention_scores):
            attended, scores = _fused_attention(q, k, v, mask, causal_only, scale), None
        else:
            attended, scores = self._attention_with_scores(q, k, v, mask, causal_only, scale, training)
        output = self.output_dense(attended.transpose(1, 2))
        if return_attention_scores:
            return output, scores
        return output

    def _attention_with_scores(
        self,
        q: torch.Tensor,
        k: torch.Tensor,
        v: torch.Tensor,
        mask: torch.Tensor | None,
        causal_only: bool,
        scale: float,
        training: bool,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The attended values and the probabilities, computed step by step (for dropout or the scores)."""
        if causal_only:
            mask = _causal_mask(q.shape[2], k.shape[2], q.device)
        logits = (q * scale) @ k.transpose(-1, -2)
        if mask is not None:
            expanded = mask.unsqueeze(1)
            large = -3e4 if logits.dtype == torch.float16 else -1e9
            logits = torch.where(expanded, logits, torch.full((), large, dtype=logits.dtype))
        scores = logits.softmax(dim=-1)
        if mask is not None:
            scores = torch.where(expanded, scores, torch.zeros((), dtype=scores.dtype))
        weights = scores
        if training and self.dropout > 0.0:
            weights = random.dropout(scores, self.dropout, seed=self.seed_generator)
        return weights @ v, scores

    def _attention_mask(
        self,
        query: torch.Tensor,
        value: torch.Tensor,
        query_mask: torch.Tensor | None,
        value_mask: torch.Tensor | None,
        key_mask: torch.Tensor | None,
        attention_mask: torch.Tensor | None,
        use_causal_mask: bool,
    ) -> torch.Tensor | None:
        """Keras's `_compute_attention_mask`: every given mask, as `(batch, T, S)` booleans, ANDed."""
        combined = None

        def both(current: torch.Tensor | None, new: torch.Tensor) -> torch.Tensor:
            new = torch.as_tensor(new, device=query.device).bool()
            return new if current is None else current & new

        if query_mask is not None:
            combined = both(combined, torch.as_tensor(query_mask).unsqueeze(-1))
        for padding in (value_mask, key_mask):
            if padding is not None:
                combined = both(combined, torch.as_tensor(padding).unsqueeze(-2))
        if self.sliding_window is not None:
            steps = torch.arange(query.shape[1], device=query.device).unsqueeze(1)
            keys = torch.arange(value.shape[1], device=query.device).unsqueeze(0)
            combined = both(combined, ((steps - keys).abs() < self.sliding_window).unsqueeze(0))
        if attention_mask is not None:
            combined = both(combined, attention_mask)
        if use_causal_mask and combined is not None:  # alone, it runs as torch's causal kernel
            combined = both(combined, _causal_mask(query.shape[1], value.shape[1], query.device))
        return combined

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": self.output_shape_arg,
            "attention_axes": None,
            "sliding_window": self.sliding_window,
            "use_gate": False,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "seed": self.seed,
        }


class Attention(Layer):
    """Dot-product (Luong-style) attention: `softmax(query @ key^T) @ value`, Keras's layer.

    Args:
        use_scale: Learn a scalar that multiplies the scores.
        score_mode: `"dot"` (default) or `"concat"` (`sum(tanh(query + key))`).
        dropout: Dropout rate on the attention probabilities (while training).
        seed: Seed of the dropout.
        **kwargs: `name` and the other `Layer` arguments.

    Call arguments:
        inputs: `[query, value]` or `[query, value, key]`, each `(batch, steps, dim)`.
        mask: `[query_mask, value_mask]` (automatic from the inputs' masks):
            masked values get no attention, masked queries output zeros.
        return_attention_scores: Also return the probabilities `(batch, Tq, Tv)`.
        use_causal_mask: Query step t sees value steps up to t only.

    Example:
        >>> query, value = torch.ones(2, 3, 4), torch.ones(2, 5, 4)
        >>> Attention()([query, value]).shape
        torch.Size([2, 3, 4])
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"`score_mode` must be 'dot' or 'concat'. Received: score_mode={score_mode!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = _rate(dropout)
        self.seed = seed
        self.seed_generator = None if seed is None else random.SeedGenerator(int(seed))

    def _check_inputs(self, inputs: Any) -> None:
        if not isinstance(inputs, list | tuple) or not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{type(self).__name__} must be called on a list [query, value] or [query, value, key]. "
                f"Received: inputs={inputs!r:.200}."
            )

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        self.scale = self.add_weight(shape=(), initializer="ones", name="scale") if self.use_scale else None
        self.concat_score_weight = (
            self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
            if self.score_mode == "concat"
            else None
        )
        self.built = True

    def scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """Unnormalised attention scores `(batch, Tq, Tv)`."""
        if self.score_mode == "dot":
            scores = query @ key.transpose(-1, -2)
            return scores if self.scale is None else scores * self.scale
        summed = query.unsqueeze(-2) + key.unsqueeze(-3)
        if self.scale is not None:
            summed = self.scale * summed
        return self.concat_score_weight * torch.tanh(summed).sum(dim=-1)

    def call(
        self,
        inputs: list[torch.Tensor],
        mask: Any = None,
        training: bool = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Any:
        self._check_inputs(inputs)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask = mask[0] if mask else None
        value_mask = mask[1] if mask else None
        scores = self.scores(query, key)
        keep = (
            None
            if value_mask is None
            else torch.as_tensor(value_mask, device=scores.device).bool().unsqueeze(-2)
        )
        if use_causal_mask:
            causal = _causal_mask(scores.shape[-2], scores.shape[-1], scores.device)
            keep = causal if keep is None else keep & causal
        if keep is not None:
            large = 65504.0 if scores.dtype == torch.float16 else 1.0e9
            scores = torch.where(keep, scores, scores - large)
        weights = scores.softmax(dim=-1)
        distribution = weights
        if training and self.dropout > 0:
            weights = random.dropout(weights, self.dropout, seed=self.seed_generator)
        output = weights @ value
        if query_mask is not None:
            output = torch.where(
                torch.as_tensor(query_mask, device=output.device).bool().unsqueeze(-1), output, 0.0
            )
        if return_attention_scores:
            return output, distribution
        return output

    def compute_mask(self, inputs: Any, previous_mask: Any) -> Any:
        if not previous_mask or previous_mask[0] is None:
            return None
        return previous_mask[0]

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }


class AdditiveAttention(Attention):
    """Additive (Bahdanau-style) attention: scores `sum(scale * tanh(query + key))`, Keras's layer.

    Args:
        use_scale: Learn a scale vector of the inputs' size (glorot-uniform initialised).
        dropout: Dropout rate on the attention probabilities (while training).
        **kwargs: `seed`, `name` and the other `Layer` arguments.

    Example:
        >>> query, value = torch.ones(2, 3, 4), torch.ones(2, 5, 4)
        >>> layer = AdditiveAttention()
        >>> layer([query, value]).shape, [w.shape for w in layer.get_weights()]
        (torch.Size([2, 3, 4]), [(4,)])
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape: Any) -> None:
        self._check_inputs(input_shape)
        dim = input_shape[0][-1]
        self.scale = (
            self.add_weight(shape=(dim,), initializer="glorot_uniform", name="scale")
            if self.use_scale
            else None
        )
        self.concat_score_weight = None
        self.built = True

    def scores(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        summed = torch.tanh(query.unsqueeze(-2) + key.unsqueeze(-3))
        return (summed if self.scale is None else self.scale * summed).sum(dim=-1)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        del config["score_mode"]
        return config
