"""fitwell: Keras's compile → fit → evaluate/predict workflow for PyTorch.

Example:
    >>> import fitwell
    >>> model = fitwell.Sequential([fitwell.Input(shape=(4,)), fitwell.layers.Dense(1)])
    >>> model.compile(optimizer="adam", loss="mse")
"""

from __future__ import annotations

from fitwell import (
    activations,
    backend,
    callbacks,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    utils,
)
from fitwell.diagnosis import Diagnosis, diagnose
from fitwell.errors import FitwellError, NotCompiledError
from fitwell.history import History
from fitwell.layers import Input
from fitwell.model import Model
from fitwell.saving import load_model
from fitwell.sequential import Sequential

__all__ = [
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

__version__ = "0.1.0"
