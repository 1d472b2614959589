"""Training or inference mode for the length of a run, then every module's own mode back.

`fit` runs a model in training mode and `evaluate`/`predict` in inference
mode, as Keras does; afterwards each layer is in the mode it was in before,
so a run never changes what a direct call does: fitwell's layers start in
inference mode (Keras's default for a direct call), Keras's augmentation
layers in training mode (they augment when called directly, as in Keras),
and a mode a user set (`model.train()`, torch style) stays set.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from torch import nn

__all__ = ["run_mode"]


@contextmanager
def run_mode(model: nn.Module, training: bool) -> Iterator[None]:
    """Put `model` (and everything in it) in one mode; restore each module's mode on exit.

    Example:
        >>> block = nn.Sequential(nn.Linear(2, 2), nn.Dropout()).eval()
        >>> block[1].train()
        Dropout(p=0.5, inplace=False)
        >>> with run_mode(block, False):
        ...     block[1].training
        False
        >>> [module.training for module in block]
        [False, True]
    """
    saved = [(module, module.training) for module in model.modules()]
    model.train(training)
    try:
        yield
    finally:
        for module, mode in saved:
            module.training = mode
