"""`Variable`: a torch `Parameter` that also speaks Keras's variable API.

Keras code updates state with `v.assign(...)`/`v.assign_add(...)`, reads
`v.numpy()`, and (on the torch backend) gradients as `v.value.grad`. A
`Variable` is an `nn.Parameter` (so torch's optimizers, `state_dict`, DDP
and `torch.compile` treat it as one; operations on it return plain
tensors) with those methods added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = ["Variable"]


class Variable(nn.Parameter):
    """A weight or state tensor with Keras's `assign`, `assign_add`, `assign_sub`, `numpy` and `value`.

    Made by `Layer.add_weight` and `Metric.add_variable`; create one with
    `Variable(tensor, requires_grad=...)` like a `Parameter`.

    Example:
        >>> v = Variable(torch.zeros(2), requires_grad=False)
        >>> v.assign_add([1.0, 2.0]).numpy()
        array([1., 2.], dtype=float32)
        >>> v.value is v, v.trainable
        (True, False)
    """

    def assign(self, value: Any) -> Variable:
        """Set the value in place (no gradient is recorded)."""
        with torch.no_grad():
            self.copy_(self._as_tensor(value))
        return self

    def assign_add(self, value: Any) -> Variable:
        """Add to the value in place."""
        with torch.no_grad():
            self.add_(self._as_tensor(value))
        return self

    def assign_sub(self, value: Any) -> Variable:
        """Subtract from the value in place."""
        with torch.no_grad():
            self.sub_(self._as_tensor(value))
        return self

    def numpy(self, *, force: bool = False) -> np.ndarray:  # type: ignore[override]
        """The value as a numpy array (a copy, on the host)."""
        del force  # always a copy: the array never aliases a device tensor
        return self.detach().cpu().numpy().copy()

    @property
    def value(self) -> Variable:
        """The tensor itself (on Keras's torch backend, `v.value.grad` is the gradient)."""
        return self

    @property
    def trainable(self) -> bool:
        """Whether the optimizer updates it (`requires_grad`)."""
        return self.requires_grad

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self.requires_grad_(bool(value))

    def __repr__(self) -> str:
        dtype = str(self.dtype).removeprefix("torch.")
        return f"<Variable shape={tuple(self.shape)}, dtype={dtype}, value={self.numpy()!r}>"

    def _as_tensor(self, value: Any) -> torch.Tensor:
        if isinstance(value, torch.Tensor):
            return value.detach().to(self.device, self.dtype)
        return torch.as_tensor(np.asarray(value), dtype=self.dtype, device=self.device)
