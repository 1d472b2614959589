"""Reproducibility and the default device."""

from __future__ import annotations

import random

import numpy as np
import torch

__all__ = ["default_device", "set_random_seed"]


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and torch's generators (every device) at once.

    Example:
        >>> set_random_seed(0); a = torch.rand(1)
        >>> set_random_seed(0); bool(torch.rand(1) == a)
        True
    """
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise TypeError(f"`seed` must be an int. Received: seed={seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def default_device() -> torch.device:
    """CUDA when a GPU is present, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
