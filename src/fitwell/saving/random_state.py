"""The global random generators' states: captured, and set back exactly.

Covers torch's CPU generator, every CUDA device's generator (when CUDA is
in use), NumPy's global generator and Python's `random`. These are the
streams fitwell's loop draws from (shuffling, dropout) and the ones
`fitwell.utils.set_random_seed` seeds. Generators a user creates and holds
(a `torch.Generator` passed to a DataLoader, say) are not global and are
not covered.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import torch

__all__ = ["capture", "restore"]


def capture() -> dict[str, Any]:
    """Every global generator's state, as tensors, arrays and tuples (see `tensor_tree`).

    Example:
        >>> state = capture(); first = torch.rand(1)
        >>> restore(state); bool(torch.rand(1) == first)
        True
    """
    state: dict[str, Any] = {
        "torch": torch.get_rng_state(),
        "numpy": np.random.get_state(legacy=True),
        "python": random.getstate(),
    }
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore(state: dict[str, Any]) -> None:
    """Set every generator back to a state from `capture`.

    CUDA states are restored when this process has the same number of
    devices; otherwise they are skipped (a GPU run resumed on a CPU).
    """
    torch.set_rng_state(state["torch"].cpu())
    np.random.set_state(tuple(state["numpy"]))
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    cuda = state.get("cuda")
    if cuda and torch.cuda.is_available() and torch.cuda.device_count() == len(cuda):
        torch.cuda.set_rng_state_all([s.cpu() for s in cuda])
