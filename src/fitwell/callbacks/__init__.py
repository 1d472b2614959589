"""Callbacks: Keras's hooks into `fit`, `evaluate` and `predict`."""

from __future__ import annotations

from fitwell.callbacks.base import Callback, CallbackList
from fitwell.callbacks.progbar_logger import ProgbarLogger
from fitwell.history import History

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
