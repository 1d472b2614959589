"""AdamW: Adam with Keras's decoupled weight decay switched on."""

from __future__ import annotations

from typing import Any

from fitwell.optimizers.adam import Adam
from fitwell.optimizers.base import LearningRate

__all__ = ["AdamW"]


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as Keras defines it.

    Before each Adam update every parameter is multiplied by
    `1 - weight_decay * learning_rate`. This is the same form as
    `torch.optim.AdamW`, but Keras's default decay is 0.004 (torch's is 0.01).

    Args:
        learning_rate: A float (default 0.001), a schedule or a function.
        weight_decay: The decay rate, default 0.004. Required (not `None`).
        **kwargs: `beta_1`, `beta_2`, `epsilon`, `amsgrad` as for `Adam`;
            `clipnorm`, `clipvalue`, `global_clipnorm`, `name` as for `Optimizer`.

    Example:
        >>> AdamW(1e-3, weight_decay=0.01).weight_decay
        0.01
    """

    def __init__(
        self, learning_rate: LearningRate = 0.001, *, weight_decay: float = 0.004, **kwargs: Any
    ) -> None:
        if weight_decay is None:
            raise ValueError(
                "AdamW needs a weight decay. Received: weight_decay=None. Pass a float such as "
                "the default 0.004, or use Adam for no decay."
            )
        super().__init__(learning_rate, weight_decay=weight_decay, **kwargs)
