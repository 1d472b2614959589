"""Layers that read text: `StringInputLayer`, and the symbolic string of `Input(dtype="string")`.

Text layers run on the host (Python strings, NumPy), as Keras runs them on
TensorFlow's CPU ops, and return torch tensors on the device of the run.
They accept a string, a (nested) list of strings, a NumPy array of `str`
or bytes, or a `fitwell.strings.StringArray` (what `fit`/`predict` pass).

A functional model learns its shapes by running each layer on small
tensors of zeros. torch has no string tensors, so while a text layer is
called on a symbolic string it reads those zeros as empty strings of the
same shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from fitwell.devices import current_device
from fitwell.layers.layer import Layer
from fitwell.layers.symbolic import Node, SymbolicTensor
from fitwell.strings import StringArray, is_text

__all__ = ["StringInputLayer", "StringSymbolicTensor", "output_device"]


class StringSymbolicTensor(SymbolicTensor):
    """The symbolic batch of strings that `Input(shape, dtype="string")` returns.

    Example:
        >>> StringSymbolicTensor((None, 1)).dtype
        'string'
    """

    def __init__(self, shape: tuple[int | None, ...], *, node: Node | None = None, name: str | None = None):
        # Shape probes are made with this placeholder dtype; text layers read them as empty strings.
        super().__init__(shape, torch.uint8, node=node, name=name)

    @property
    def dtype(self) -> str:
        """`"string"`, as Keras names it."""
        return "string"


def output_device(inputs: Any) -> torch.device:
    """Where a text layer puts its output: with a tensor input, on its device; else the run's."""
    return inputs.device if isinstance(inputs, torch.Tensor) else current_device()


class StringInputLayer(Layer):
    """Base of layers that take text (and, for some, integers): text becomes a `StringArray`.

    Subclasses implement `call(inputs)`, which receives a `StringArray` for
    text and a tensor for numbers. `is_probing_shapes` is True while a call
    on an `Input` runs the layer on placeholder strings to learn its output
    shape (sizes that depend on the text should then differ between calls).

    Example:
        >>> class Lengths(StringInputLayer):
        ...     def call(self, inputs):
        ...         lengths = [len(text) for text in inputs.numpy().ravel()]
        ...         return torch.tensor(lengths).reshape(inputs.shape)
        >>> Lengths()(["a", "bcd"])
        tensor([1, 3])
    """

    casts_integer_inputs = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.is_probing_shapes = False

    def __call__(self, *args: Any, training: bool | None = None, **kwargs: Any) -> Any:
        """Call the layer on text, numbers, or a symbolic `Input` (strings or numbers)."""
        if not args:
            return super().__call__(training=training, **kwargs)
        inputs, rest = args[0], args[1:]
        if isinstance(inputs, StringSymbolicTensor):
            self.is_probing_shapes = True
            try:
                return super().__call__(inputs, *rest, training=training, **kwargs)
            finally:
                self.is_probing_shapes = False
        if self.is_probing_shapes and isinstance(inputs, torch.Tensor):
            inputs = StringArray(np.full(tuple(inputs.shape), "", dtype=object))
        elif is_text(inputs) and not isinstance(inputs, StringArray):
            inputs = StringArray(inputs)
        elif isinstance(inputs, list | tuple | int | float | np.integer | np.floating):
            inputs = torch.as_tensor(inputs)
        elif isinstance(inputs, np.ndarray) and inputs.dtype.kind not in "biuf":
            raise TypeError(
                f"{type(self).__name__} takes text or integers. Received: an array of dtype {inputs.dtype}. "
                "Pass a NumPy array of str, a list of str, or an integer array."
            )
        return super().__call__(inputs, *rest, training=training, **kwargs)
