"""The part of Keras's `keras.backend` that model code calls: a fresh session and the defaults.

Example:
    >>> import fitwell
    >>> fitwell.backend.clear_session()
    >>> fitwell.layers.Dense(2).name
    'dense'
    >>> fitwell.backend.backend(), fitwell.backend.floatx(), fitwell.backend.image_data_format()
    ('torch', 'float32', 'channels_last')
"""

from __future__ import annotations

import gc

import torch

__all__ = ["backend", "clear_session", "epsilon", "floatx", "image_data_format"]

#: The fuzz factor Keras's losses and metrics add to avoid dividing by zero (Keras's default).
_EPSILON = 1e-7


def backend() -> str:
    """The array library fitwell computes with: always `"torch"`."""
    return "torch"


def clear_session(free_memory: bool = True) -> None:
    """Start afresh as Keras does: automatic layer names count from zero again (`"dense"`, …).

    With `free_memory`, Python's garbage is collected and, on a GPU, torch's
    cached blocks are handed back. Models that still exist keep working.
    """
    from fitwell.layers import layer, symbolic

    layer.reset_names()
    symbolic.reset_names()
    if free_memory:
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def epsilon() -> float:
    """The fuzz factor of the losses and metrics, 1e-7 as in Keras."""
    return _EPSILON


def floatx() -> str:
    """The default float type of new weights, as a Keras name (torch's default dtype)."""
    return str(torch.get_default_dtype()).removeprefix("torch.")


def image_data_format() -> str:
    """The image layout layers assume when `data_format=None`: `"channels_last"`, as Keras's default."""
    return "channels_last"
