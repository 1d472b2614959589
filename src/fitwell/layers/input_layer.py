"""`Input()`: the symbolic tensor a functional model starts from, and its `InputLayer`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from fitwell.layers.layer import Layer, unique_name
from fitwell.layers.symbolic import Node, SymbolicTensor

__all__ = ["Input", "InputLayer", "as_torch_dtype"]

_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "int8": torch.int8,
    "uint8": torch.uint8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
}


def as_torch_dtype(dtype: Any, *, argument: str = "dtype") -> torch.dtype:
    """A torch dtype from a torch dtype or a Keras/numpy name (`"float32"`, `"int32"`, …).

    Example:
        >>> as_torch_dtype("int32"), as_torch_dtype(None)
        (torch.int32, torch.float32)
    """
    if dtype is None:
        return torch.get_default_dtype()
    if isinstance(dtype, torch.dtype):
        return dtype
    name = getattr(dtype, "name", dtype) if not isinstance(dtype, str) else dtype  # numpy dtypes
    if isinstance(name, str) and name in _DTYPES:
        return _DTYPES[name]
    raise ValueError(
        f"`{argument}` must be a dtype such as 'float32' or 'int64'. Received: {argument}={dtype!r}. "
        f"Known names: {', '.join(_DTYPES)}."
    )


class InputLayer(Layer):
    """The layer behind an `Input`: it passes its input through (`model.layers` lists it first).

    Args:
        shape: The shape of one sample (no batch axis); None for sizes known
            only at run time.
        batch_size: A fixed batch size, or None.
        dtype: The inputs' dtype (`"float32"` by default; `"int64"` for ids).
        name: The input's name; dict data is matched to inputs by it.
    """

    def __init__(
        self,
        shape: Sequence[int | None] | None = None,
        batch_size: int | None = None,
        dtype: Any = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name or unique_name("input_layer"))
        shape = () if shape is None else (shape,) if isinstance(shape, int) else tuple(shape)
        for size in shape:
            if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
                raise ValueError(
                    "`shape` must hold positive ints or None (a size known at run time), without the batch "
                    f"axis. Received: shape={shape!r}"
                )
        self.sample_shape = shape
        self.batch_size = batch_size
        self.built = True
        # Raw text, for TextVectorization, StringLookup and Hashing.
        if dtype is str or (isinstance(dtype, str) and dtype in ("string", "str")):
            from fitwell.layers.text.string_input import StringSymbolicTensor

            self.input_dtype: torch.dtype | str = "string"
            tensor = StringSymbolicTensor((batch_size, *shape), name=self.name)
        else:
            self.input_dtype = as_torch_dtype(dtype)
            tensor = SymbolicTensor((batch_size, *shape), self.input_dtype, name=self.name)
        tensor.node = Node(self, outputs=tensor)
        self._nodes.append(tensor.node)

    def call(self, inputs: Any) -> Any:
        return inputs

    @property
    def output(self) -> SymbolicTensor:
        """The symbolic tensor `Input()` returned."""
        return self._nodes[0].outputs

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "batch_shape": (self.batch_size, *self.sample_shape),
            "dtype": str(self.input_dtype).removeprefix("torch."),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputLayer:
        """Rebuild the layer from `get_config()`'s output."""
        batch_shape = tuple(config["batch_shape"])
        return cls(
            batch_shape[1:], batch_size=batch_shape[0], dtype=config.get("dtype"), name=config.get("name")
        )


def Input(  # noqa: N802 - Keras's name
    shape: Sequence[int | None] | None = None,
    batch_size: int | None = None,
    dtype: Any = None,
    name: str | None = None,
    batch_shape: Sequence[int | None] | None = None,
    **unknown: Any,
) -> SymbolicTensor:
    """The start of a functional model (or of a `Sequential`): a symbolic tensor of that shape.

    Args:
        shape: The shape of one sample, without the batch axis, e.g.
            `(784,)`, `(28, 28, 1)`, `(None,)` for sequences of any length.
        batch_size: A fixed batch size, or None.
        dtype: `"float32"` by default; `"int64"`/`"int32"` for integer ids;
            `"string"` for raw text (a batch is a NumPy array of `str`).
        name: The input's name (dict data is matched to inputs by it).
        batch_shape: The shape with the batch axis, instead of `shape`.

    Returns:
        A `SymbolicTensor` of shape `(batch_size, *shape)`.

    Example:
        >>> inputs = Input(shape=(784,), name="pixels")
        >>> inputs.shape, inputs.name
        ((None, 784), 'pixels')
    """
    unknown.pop("sparse", None)  # Keras's sparse inputs are dense tensors here
    if unknown:
        raise TypeError(f"Input() got unexpected keyword arguments: {sorted(unknown)}.")
    if batch_shape is not None:
        batch_size, shape = batch_shape[0], tuple(batch_shape[1:])
    if shape is None:
        raise ValueError(
            "Input() needs the shape of one sample. Received: shape=None. For example: Input(shape=(784,))."
        )
    return InputLayer(shape, batch_size=batch_size, dtype=dtype, name=name).output
