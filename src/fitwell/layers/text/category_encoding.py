"""`CategoryEncoding`, and `encode_categories`: integer ids as one-hot, multi-hot or count vectors."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.layers.core import check_positive_int
from fitwell.layers.layer import Layer
from fitwell.layers.spatial import check_choice

__all__ = ["CategoryEncoding", "encode_categories"]

OUTPUT_MODES = ("one_hot", "multi_hot", "count")


def encode_categories(
    ids: torch.Tensor,
    output_mode: str,
    depth: int,
    *,
    count_weights: torch.Tensor | None = None,
    dtype: torch.dtype = torch.float32,
) -> torch.Tensor:
    """One-hot, multi-hot or count vectors of `depth` entries for integer `ids` (Keras's encoding).

    `"one_hot"` encodes each id (a last axis of size 1 is replaced by the
    encoding); `"multi_hot"` and `"count"` encode each sample, the last
    axis: `(batch, n)` gives `(batch, depth)`, `(n,)` gives `(depth,)`.
    Ids outside `[0, depth)` add nothing (negative ones as in Keras; larger
    ones are how lookup layers drop their mask token).

    Example:
        >>> encode_categories(torch.tensor([[0, 2, 2], [1, 1, 3]]), "count", 4)
        tensor([[1., 0., 2., 0.],
                [0., 2., 0., 1.]])
    """
    ids = ids.long()
    if ids.dim() == 0:
        ids = ids.unsqueeze(0)
    inside = (ids >= 0) & (ids < depth)
    if output_mode == "one_hot":
        if ids.dim() > 1 and ids.shape[-1] == 1:
            ids, inside = ids.squeeze(-1), inside.squeeze(-1)
        encoded = torch.nn.functional.one_hot(torch.where(inside, ids, 0), depth).to(dtype)
        return encoded * inside.unsqueeze(-1).to(dtype)
    if ids.dim() > 2:
        raise ValueError(
            f"`output_mode={output_mode!r}` encodes inputs of rank 1 or 2 (samples on the last axis). "
            f"Received: inputs of shape {tuple(ids.shape)}. Reshape them to (batch, n) first."
        )
    rows = ids if ids.dim() == 2 else ids.unsqueeze(0)
    # Ids outside the range go to one extra column, cut off below.
    positions = torch.where(inside.reshape(rows.shape), rows, depth)
    if output_mode == "count" and count_weights is not None:
        values = count_weights.reshape(rows.shape).to(count_weights.dtype)
        dtype = count_weights.dtype
    else:
        values = torch.ones(rows.shape, dtype=dtype, device=ids.device)
    encoded = torch.zeros((rows.shape[0], depth + 1), dtype=dtype, device=ids.device)
    encoded.scatter_add_(1, positions, values.to(dtype))
    encoded = encoded[:, :depth]
    if output_mode == "multi_hot":
        encoded = (encoded > 0).to(dtype)
    return encoded if ids.dim() == 2 else encoded[0]


class CategoryEncoding(Layer):
    """Encode integer features as one-hot, multi-hot or count vectors (Keras's `CategoryEncoding`).

    Args:
        num_tokens: The number of categories: inputs are ints in `[0, num_tokens)`.
        output_mode: `"multi_hot"` (default: a 1 for each id present in a
            sample, the last axis), `"one_hot"` (each id its own vector) or
            `"count"` (how often each id occurs; weighted by `count_weights`).
        sparse: Only False: outputs are dense tensors.
        **kwargs: `name`, `dtype` (of the output, float32 by default) and the
            other `Layer` arguments.

    Call arguments:
        inputs: Integer ids of shape `(batch,)` or `(batch, n)`.
        count_weights: With `output_mode="count"`, a weight per id, summed
            instead of counting 1.

    Example:
        >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")(torch.tensor([3, 2, 0, 1]))
        tensor([[0., 0., 0., 1.],
                [0., 0., 1., 0.],
                [1., 0., 0., 0.],
                [0., 1., 0., 0.]])
    """

    casts_integer_inputs = False

    def __init__(
        self,
        num_tokens: int | None = None,
        output_mode: str = "multi_hot",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras's older name
            output_mode = "multi_hot"
        self.output_mode = check_choice(output_mode, OUTPUT_MODES, "output_mode")
        if num_tokens is None:
            raise ValueError(
                "`num_tokens` must be set: the number of categories. Received: num_tokens=None. "
                "When it is not known beforehand, use IntegerLookup instead."
            )
        self.num_tokens = check_positive_int(num_tokens, "num_tokens")
        if sparse:
            raise ValueError(
                "`sparse=True` is not supported: outputs are dense tensors. Received: sparse=True"
            )
        self.sparse = False

    def call(self, inputs: torch.Tensor, count_weights: Any = None) -> torch.Tensor:
        inputs = torch.as_tensor(inputs)
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is only used with `output_mode='count'`. "
                    f"Received: count_weights with output_mode={self.output_mode!r}."
                )
            count_weights = torch.as_tensor(count_weights, dtype=self.dtype, device=inputs.device)
        # As Keras on torch: a negative id encodes as zeros, one past the range is an error.
        if inputs.numel() and bool(inputs.max() >= self.num_tokens):
            raise ValueError(
                f"CategoryEncoding takes ids below num_tokens={self.num_tokens}. Received: values up to "
                f"{int(inputs.max())}. Raise `num_tokens`, or map the values to ids with IntegerLookup first."
            )
        return encode_categories(
            inputs, self.output_mode, self.num_tokens, count_weights=count_weights, dtype=self.dtype
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_tokens": self.num_tokens,
            "output_mode": self.output_mode,
            "sparse": False,
        }
