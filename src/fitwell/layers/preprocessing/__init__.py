"""Keras's image preprocessing layers: rescaling, resizing, cropping and random augmentations."""

from __future__ import annotations

from fitwell.layers.preprocessing.base import ImagePreprocessingLayer
from fitwell.layers.preprocessing.color import RandomBrightness, RandomContrast
from fitwell.layers.preprocessing.geometric import RandomFlip, RandomRotation, RandomTranslation, RandomZoom
from fitwell.layers.preprocessing.rescaling import Rescaling
from fitwell.layers.preprocessing.sizing import CenterCrop, RandomCrop, Resizing

__all__ = [
    "CenterCrop",
    "ImagePreprocessingLayer",
    "RandomBrightness",
    "RandomContrast",
    "RandomCrop",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
]
