"""Keras-named layers, thin over torch, with input sizes inferred."""

from __future__ import annotations

from fitwell.layers.activations import get_activation
from fitwell.layers.convolution import BatchNormalization, Conv2D, GlobalAveragePooling2D, MaxPooling2D
from fitwell.layers.core import Activation, Dense, Dropout, Embedding, Flatten, Input

__all__ = [
    "Activation",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling2D",
    "Input",
    "MaxPooling2D",
    "get_activation",
]
