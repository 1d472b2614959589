"""Checks of `fit`/`evaluate`/`predict` arguments: every problem reported at once."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["VERBOSE_CHOICES", "check_arguments", "resolve_verbose"]

VERBOSE_CHOICES = (0, 1, 2, "auto")

# Arguments that must be ints of at least this value (None allowed unless listed as required).
_MINIMUM = {
    "batch_size": 1,
    "steps_per_epoch": 1,
    "validation_steps": 1,
    "validation_batch_size": 1,
    "steps": 1,
    "epochs": 0,
    "initial_epoch": 0,
}
_REQUIRED = ("epochs", "initial_epoch")


def _problem(argument: str, value: Any) -> str | None:
    if argument in _MINIMUM:
        if value is None and argument not in _REQUIRED:
            return None
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < _MINIMUM[argument]:
            return f"`{argument}` must be an int >= {_MINIMUM[argument]}. Received: {argument}={value!r}"
        return None
    if argument == "verbose":
        if isinstance(value, bool) or value not in VERBOSE_CHOICES:
            return f"`verbose` must be one of {VERBOSE_CHOICES}. Received: verbose={value!r}"
        return None
    if argument == "validation_split":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value < 1.0:
            return f"`validation_split` must be a float in [0, 1). Received: validation_split={value!r}"
        return None
    if argument == "validation_freq":
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return None
        if isinstance(value, list | tuple) and all(isinstance(v, int) and v >= 1 for v in value):
            return None
        return (
            "`validation_freq` must be an int >= 1 (validate every n epochs) or a list of 1-based "
            f"epoch numbers. Received: validation_freq={value!r}"
        )
    raise KeyError(argument)


def check_arguments(**arguments: Any) -> None:
    """Raise one `ValueError` naming every invalid argument (nothing has run yet).

    Example:
        >>> check_arguments(epochs=3, batch_size=32, verbose=0)
        >>> check_arguments(epochs=-1, verbose=5)
        Traceback (most recent call last):
        ...
        ValueError: `epochs` must be an int >= 0. Received: epochs=-1 `verbose` must be one of ...
    """
    weights = {key: arguments.pop(key, None) for key in ("class_weight", "sample_weight")}
    problems = [p for p in (_problem(name, value) for name, value in arguments.items()) if p]
    if weights["class_weight"] is not None and weights["sample_weight"] is not None:
        problems.append(
            "`class_weight` and `sample_weight` cannot be used together. Received both. "
            "Fold the class weights into `sample_weight` instead."
        )
    if problems:
        raise ValueError(" ".join(problems))


def resolve_verbose(verbose: int | str) -> int:
    """Keras's `"auto"` is a progress bar (1)."""
    return 1 if verbose == "auto" else int(verbose)
