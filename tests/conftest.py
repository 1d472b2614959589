"""Shared fixtures: tiny seeded datasets and models, and Keras's backend choice."""

from __future__ import annotations

import os

# Keras (a test-only oracle) must use the torch backend; set before any import.
os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np
import pytest
import torch

import fitwell

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _seeded() -> None:
    fitwell.utils.set_random_seed(1234)


@pytest.fixture
def blobs() -> tuple[np.ndarray, np.ndarray]:
    """A learnable 3-class problem: 600 samples, 10 features, labels from a random teacher."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(600, 10)).astype("float32")
    teacher = rng.normal(size=(10, 3))
    return x, (x @ teacher).argmax(axis=1)


@pytest.fixture
def binary_data() -> tuple[np.ndarray, np.ndarray]:
    """A learnable binary problem: 400 samples, 5 features, labels of shape (N, 1)."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 1)) > 0).astype("float32")
    return x, y


def make_classifier(features: int = 10, classes: int = 3, *, softmax: bool = True) -> fitwell.Sequential:
    """A small MLP with a softmax (or logits) head."""
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(features,)),
            fitwell.layers.Dense(16, activation="relu"),
            fitwell.layers.Dense(classes, activation="softmax" if softmax else None),
        ]
    )


@pytest.fixture
def classifier() -> fitwell.Sequential:
    """A compiled-ready 10→16→3 softmax classifier."""
    return make_classifier()
