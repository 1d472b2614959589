"""Keras 3's `keras.preprocessing.sequence`: `pad_sequences`."""

from __future__ import annotations

from fitwell.utils.sequence import pad_sequences

__all__ = ["pad_sequences"]
