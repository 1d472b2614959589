"""Where new tensors go while a model runs: the device `fit`, `evaluate` and `predict` train on.

Keras creates the tensors of `ops.zeros(...)` or `random.normal(...)` on
the device the model runs on. fitwell's `ops` and `random` ask
`current_device()`: the device of the run in progress (set for the
duration of `fit`/`evaluate`/`predict` by `device_scope`), else torch's
default device. Setting it is one assignment per run, so nothing is
intercepted per operation.
"""

from __future__ import annotations

import threading

import torch

__all__ = ["current_device", "device_scope"]

_state = threading.local()


def current_device() -> torch.device:
    """The device of the run in progress, else torch's default device.

    Example:
        >>> with device_scope(torch.device("meta")):
        ...     current_device()
        device(type='meta')
    """
    device = getattr(_state, "device", None)
    return device if device is not None else torch.get_default_device()


class device_scope:  # noqa: N801 - used as a context manager, like torch.no_grad
    """Make `device` the one new tensors of `fitwell.ops`/`fitwell.random` go to, inside the block.

    Args:
        device: The device a run uses.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = torch.device(device)

    def __enter__(self) -> device_scope:
        self._previous = getattr(_state, "device", None)
        _state.device = self.device
        return self

    def __exit__(self, *exc: object) -> None:
        _state.device = self._previous
