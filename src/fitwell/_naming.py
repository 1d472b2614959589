"""Turn class names into the snake_case names Keras uses for logs."""

from __future__ import annotations

import re

__all__ = ["snake_case"]


def snake_case(name: str) -> str:
    """Convert `"SparseCategoricalAccuracy"` to `"sparse_categorical_accuracy"`.

    Example:
        >>> snake_case("AUC"), snake_case("MeanSquaredError")
        ('auc', 'mean_squared_error')
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()
