"""What the ports of Keras's guides and keras.io examples share: tables that both libraries answer.

Each port runs the same code twice, once with `keras` and once with `fitwell` as `lib`, and
compares what these helpers read from the two models.
"""

from __future__ import annotations

import re

import numpy as np
import torch


def summary_text(model) -> str:
    """The model's printed summary as one string (fitwell or Keras)."""
    lines: list[str] = []
    model.summary(print_fn=lambda *args, **kwargs: lines.append(" ".join(str(a) for a in args)))
    return "\n".join(lines)


def summary_totals(model) -> tuple[int, int, int]:
    """(total, trainable, non-trainable) as the printed summary states them (fitwell or Keras)."""
    text = summary_text(model)

    def grab(pattern: str) -> int:
        found = re.search(pattern + r": ([\d,]+)", text)
        assert found, f"no {pattern!r} in the summary:\n{text}"
        return int(found.group(1).replace(",", ""))

    return grab("Total params"), grab("(?<!Non-)Trainable params"), grab("Non-trainable params")


def output_shape(output) -> object:
    """The shape of a symbolic output, or a list of them."""
    if isinstance(output, list | tuple):
        return [tuple(o.shape) for o in output]
    return tuple(output.shape)


def layer_table(model) -> list[tuple[str, object, int]]:
    """(class name, output shape, params) of each layer in `model.layers`."""
    return [
        (type(layer).__name__, output_shape(layer.output), int(layer.count_params()))
        for layer in model.layers
    ]


def as_numpy(value):
    """Tensors (also in lists, tuples and dicts) as NumPy arrays."""
    if isinstance(value, dict):
        return {k: as_numpy(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_numpy(v) for v in value]
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def history_without_learning_rate(history) -> dict[str, list[float]]:
    """The History's lists without `learning_rate`, which fitwell always records (docs/keras.md)."""
    return {k: v for k, v in history.history.items() if k != "learning_rate"}
