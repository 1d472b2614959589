"""`Masking`: marks the steps whose features all equal `mask_value` as padding."""

from __future__ import annotations

from typing import Any

import torch

from fitwell.layers.layer import Layer

__all__ = ["Masking"]


class Masking(Layer):
    """Skip the steps whose every feature equals `mask_value` in the layers that follow.

    A step is masked when all its features equal `mask_value`; its outputs
    are set to 0, and the output carries the mask (`(batch, steps)`, False at
    masked steps) that recurrent layers, `GlobalAveragePooling1D`, attention
    and the loss honour, as in Keras.

    Args:
        mask_value: The padding value (`0.0`).
        **kwargs: `name` and the other `Layer` arguments.

    Example:
        >>> x = torch.tensor([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]])
        >>> layer = Masking(mask_value=0.0)
        >>> layer.compute_mask(x, None)
        tensor([[ True, False,  True]])
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, int | float):
            raise ValueError(f"`mask_value` must be a number. Received: mask_value={mask_value!r}")
        self.mask_value = float(mask_value)
        self.built = True

    def compute_mask(self, inputs: Any, previous_mask: Any = None) -> torch.Tensor:
        """True at the steps with at least one feature different from `mask_value`."""
        del previous_mask
        return (torch.as_tensor(inputs) != self.mask_value).any(dim=-1)

    def call(self, inputs: torch.Tensor) -> torch.Tensor:
        keep = (inputs != self.mask_value).any(dim=-1, keepdim=True)
        return torch.where(keep, inputs, torch.zeros((), dtype=inputs.dtype, device=inputs.device))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
