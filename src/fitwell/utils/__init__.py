"""Keras's `keras.utils`: seeding, devices, label and array helpers, datasets of batches."""

from __future__ import annotations

from fitwell.utils.image_dataset import image_dataset_from_directory
from fitwell.utils.image_utils import array_to_img, img_to_array, load_img, save_img
from fitwell.utils.numerical import normalize, to_categorical
from fitwell.utils.py_dataset import PyDataset
from fitwell.utils.seeding import default_device, set_random_seed
from fitwell.utils.sequence import pad_sequences
from fitwell.utils.text_dataset import text_dataset_from_directory
from fitwell.utils.timeseries import timeseries_dataset_from_array

#: Keras's older name for `PyDataset`.
Sequence = PyDataset

__all__ = [
    "array_to_img",
    "img_to_array",
    "load_img",
    "save_img",
    "pad_sequences",
    "text_dataset_from_directory",
    "PyDataset",
    "Sequence",
    "default_device",
    "image_dataset_from_directory",
    "normalize",
    "set_random_seed",
    "timeseries_dataset_from_array",
    "to_categorical",
]
