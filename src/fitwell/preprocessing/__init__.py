"""Keras 3's `keras.preprocessing`: the dataset utilities under their older names, `image` and `sequence`."""

from __future__ import annotations

from fitwell.preprocessing import image, sequence
from fitwell.utils.image_dataset import image_dataset_from_directory
from fitwell.utils.text_dataset import text_dataset_from_directory
from fitwell.utils.timeseries import timeseries_dataset_from_array

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]
