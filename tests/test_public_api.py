"""The public surface: every exported name imports, and the top level is pinned."""

from __future__ import annotations

import importlib

import pytest

import fitwell

PACKAGES = [
    "activations",
    "backend",
    "callbacks",
    "datasets",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "optimizers",
    "models",
    "ops",
    "optimizers.schedules",
    "random",
    "regularizers",
    "saving",
]


def test_top_level_names_are_pinned():
    assert sorted(fitwell.__all__) == sorted(
        [
            "Diagnosis",
            "FitwellError",
            "History",
            "Input",
            "Model",
            "NotCompiledError",
            "Sequential",
            "__version__",
            "activations",
            "backend",
            "callbacks",
            "datasets",
            "diagnose",
            "initializers",
            "layers",
            "load_model",
            "losses",
            "metrics",
            "mixed_precision",
            "models",
            "ops",
            "optimizers",
            "preprocessing",
            "random",
            "regularizers",
            "saving",
            "utils",
        ]
    )


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_exists(name):
    module = importlib.import_module(f"fitwell.{name}")
    missing = [item for item in module.__all__ if not hasattr(module, item)]
    assert missing == []


def test_keras_course_names_resolve():
    assert fitwell.layers.Dense and fitwell.losses.SparseCategoricalCrossentropy
    assert fitwell.metrics.SparseCategoricalAccuracy and fitwell.optimizers.Adam
    assert fitwell.callbacks.EarlyStopping and fitwell.utils.set_random_seed
