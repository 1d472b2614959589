"""`fitwell.models`: Keras's `keras.models` names (`Sequential`, `Model`, `load_model`)."""

from __future__ import annotations

from fitwell.model import Model
from fitwell.saving import load_model
from fitwell.sequential import Sequential

__all__ = ["Model", "Sequential", "load_model"]
