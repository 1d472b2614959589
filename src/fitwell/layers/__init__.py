"""Keras-named layers, thin over torch, with input sizes inferred; `Layer` for your own."""

from __future__ import annotations

from fitwell.layers.activations import get_activation
from fitwell.layers.convolution import Conv2D
from fitwell.layers.core import Activation, Dense, Dropout, Embedding, Flatten
from fitwell.layers.input_layer import Input, InputLayer
from fitwell.layers.layer import Layer
from fitwell.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from fitwell.layers.normalization import BatchNormalization
from fitwell.layers.pooling import GlobalAveragePooling2D, MaxPooling2D

__all__ = [
    "Activation",
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
    "BatchNormalization",
    "Conv2D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling2D",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPooling2D",
    "get_activation",
]
