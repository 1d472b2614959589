"""Keras's `keras.utils`: seeding, devices, label and array helpers, datasets of batches."""

from __future__ import annotations

from fitwell.utils.seeding import default_device, set_random_seed

__all__ = ["default_device", "set_random_seed"]
