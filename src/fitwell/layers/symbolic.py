"""Symbolic tensors: what `Input()` returns and what layers return when called on one.

Keras's functional API builds a model by calling layers on placeholders
(`x = Dense(64)(inputs)`). A `SymbolicTensor` is such a placeholder: a
shape (with `None` where the size is only known at run time, always the
batch axis), a dtype, and the `Node` that produced it. Calling a layer (or
any operation) on symbolic tensors records a `Node` and returns new
symbolic tensors; a functional `Model` later replays the nodes on real
tensors.

The output shape of a call is found by running the operation on two small
tensors of zeros whose unknown sizes differ (in inference mode, without
gradients): sizes that follow the unknown ones become `None`. That also
builds the layer, as Keras's first call does.
"""

from __future__ import annotations

import contextlib
import itertools
import operator
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch

from fitwell.devices import current_device

__all__ = [
    "Node",
    "SymbolicTensor",
    "call_symbolically",
    "flatten",
    "flatten_tensors",
    "is_probing",
    "preserved_state",
    "reset_names",
    "is_symbolic",
    "map_structure",
]

#: The sizes given to unknown axes in the two probing calls (batch axis, other axes).
_PROBES = ((2, 5), (3, 7))
#: Larger sizes, tried when the small ones are too short for the operation (a long kernel or stride).
_LONG_PROBES = ((2, 61), (3, 89))
_probing = threading.local()


def is_probing() -> bool:
    """Whether a call runs only to learn output shapes (layers keep state such as a stateful RNN's as is)."""
    return getattr(_probing, "depth", 0) > 0


_names = itertools.count()


def reset_names() -> None:
    """Number the names of symbolic tensors from zero again (`fitwell.backend.clear_session`)."""
    global _names
    _names = itertools.count()


@dataclass(eq=False)
class Node:
    """One recorded call: `operation(*args, **kwargs)` on symbolic tensors, and what it returned.

    Attributes:
        operation: The layer (any `nn.Module`) or function that was called,
            or None for an `Input`.
        args: The positional arguments, symbolic tensors in place.
        kwargs: The keyword arguments, symbolic tensors in place.
        outputs: The symbolic tensors it returned (a structure).
    """

    operation: Callable[..., Any] | None
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    outputs: Any = None

    @property
    def parents(self) -> list[SymbolicTensor]:
        """The symbolic tensors this call read."""
        return flatten((self.args, self.kwargs))

    def run(self, values: dict[int, torch.Tensor]) -> Any:
        """Call the operation on the real tensors that `values` holds for its symbolic inputs."""

        def real(leaf: Any) -> Any:
            return values[id(leaf)] if isinstance(leaf, SymbolicTensor) else leaf

        return self.operation(*map_structure(self.args, real), **map_structure(self.kwargs, real))  # type: ignore[misc]


class SymbolicTensor:
    """A placeholder for a tensor in a model being defined (Keras's `KerasTensor`).

    Args:
        shape: The shape, batch axis first; `None` for sizes known only at run time.
        dtype: The torch dtype; `dtype` reads it by Keras's name
            (`"float32"`), `torch_dtype` as the torch dtype.
        node: The call that produced it (None only while it is being made).
        name: A name (inputs are matched to dict data by it).

    Example:
        >>> x = SymbolicTensor((None, 3), torch.float32, name="features")
        >>> x.shape, x.ndim, x.dtype
        ((None, 3), 2, 'float32')
    """

    def __init__(
        self,
        shape: tuple[int | None, ...],
        dtype: torch.dtype,
        *,
        node: Node | None = None,
        name: str | None = None,
    ) -> None:
        self.shape = tuple(shape)
        self.torch_dtype = dtype
        self.node = node
        self.name = name or f"symbolic_{next(_names)}"

    @property
    def dtype(self) -> str:
        """The dtype by Keras's name, e.g. `"float32"` or `"int64"`."""
        return str(self.torch_dtype).removeprefix("torch.")

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __bool__(self) -> bool:
        raise TypeError(
            "A symbolic tensor has no value yet, so it cannot be used as a condition. Received: "
            f"{self!r} in an `if` or `and`. Branch inside a layer's call(), on real tensors."
        )

    # Operators record nodes, as Keras's KerasTensor does (`x + y`, `2 * x`, `x[:, 0]`).
    def _op(self, function: Callable[..., Any], *others: Any) -> Any:
        return call_symbolically(function, (self, *others), {})

    def _rop(self, function: Callable[..., Any], other: Any) -> Any:
        return call_symbolically(lambda a, b: function(b, a), (self, other), {})

    def __add__(self, other: Any) -> Any:
        return self._op(operator.add, other)

    def __radd__(self, other: Any) -> Any:
        return self._rop(operator.add, other)

    def __sub__(self, other: Any) -> Any:
        return self._op(operator.sub, other)

    def __rsub__(self, other: Any) -> Any:
        return self._rop(operator.sub, other)

    def __mul__(self, other: Any) -> Any:
        return self._op(operator.mul, other)

    def __rmul__(self, other: Any) -> Any:
        return self._rop(operator.mul, other)

    def __truediv__(self, other: Any) -> Any:
        return self._op(operator.truediv, other)

    def __rtruediv__(self, other: Any) -> Any:
        return self._rop(operator.truediv, other)

    def __pow__(self, other: Any) -> Any:
        return self._op(operator.pow, other)

    def __matmul__(self, other: Any) -> Any:
        return self._op(operator.matmul, other)

    def __neg__(self) -> Any:
        return self._op(operator.neg)

    def __abs__(self) -> Any:
        return self._op(operator.abs)

    def __getitem__(self, key: Any) -> Any:
        return self._op(operator.getitem, key)


def is_symbolic(structure: Any) -> bool:
    """Whether a value, or any leaf of a list/tuple/dict, is a `SymbolicTensor`."""
    return any(True for _ in _leaves(structure))


def _leaves(structure: Any) -> Iterator[SymbolicTensor]:
    if isinstance(structure, SymbolicTensor):
        yield structure
    elif isinstance(structure, dict):
        for value in structure.values():
            yield from _leaves(value)
    elif isinstance(structure, list | tuple):
        for value in structure:
            yield from _leaves(value)


def flatten(structure: Any) -> list[SymbolicTensor]:
    """The symbolic tensors of a structure, in order."""
    return list(_leaves(structure))


def flatten_tensors(structure: Any) -> list[torch.Tensor]:
    """The real tensors of a list/tuple/dict structure, in order."""
    if isinstance(structure, torch.Tensor):
        return [structure]
    if isinstance(structure, dict):
        return [t for value in structure.values() for t in flatten_tensors(value)]
    if isinstance(structure, list | tuple):
        return [t for value in structure for t in flatten_tensors(value)]
    return []


def map_structure(structure: Any, function: Callable[[Any], Any]) -> Any:
    """Apply `function` to every leaf of a list/tuple/dict structure, keeping its shape."""
    if isinstance(structure, dict):
        return {key: map_structure(value, function) for key, value in structure.items()}
    if isinstance(structure, list):
        return [map_structure(value, function) for value in structure]
    if isinstance(structure, tuple):
        return tuple(map_structure(value, function) for value in structure)
    return function(structure)


def _probe_value(tensor: SymbolicTensor, probe: tuple[int, int], device: torch.device) -> torch.Tensor:
    batch, other = probe
    sizes = [
        batch if axis == 0 and size is None else (other if size is None else size)
        for axis, size in enumerate(tensor.shape)
    ]
    return torch.zeros(sizes, dtype=tensor.torch_dtype, device=device)


def _run_probe(operation: Callable[..., Any], args: tuple, kwargs: dict, probe: tuple[int, int]) -> Any:
    modules = [operation] if isinstance(operation, torch.nn.Module) else []
    # Probe where the operation's weights are (a model already on a GPU), else where the run is.
    weight = next((t for m in modules for t in [*m.parameters(), *m.buffers()]), None)
    device = weight.device if weight is not None else current_device()

    def real(leaf: Any) -> Any:
        return _probe_value(leaf, probe, device) if isinstance(leaf, SymbolicTensor) else leaf

    _probing.depth = getattr(_probing, "depth", 0) + 1
    try:
        with torch.no_grad(), preserved_state(operation), _inference(operation):
            return operation(*map_structure(args, real), **map_structure(kwargs, real))
    finally:
        _probing.depth -= 1


def _inference(operation: Any) -> Any:
    """Inference mode for a module (each inner module's mode comes back after); nothing for a function."""
    from fitwell.run_mode import run_mode

    return run_mode(operation, False) if isinstance(operation, torch.nn.Module) else contextlib.nullcontext()


class preserved_state:  # noqa: N801 - used as a context manager
    """Put a module's mutable state back after a look at it: buffers and layers' `state_variables`.

    Running a model to learn shapes (or to check the first batch) must
    change nothing a training run would see: batch-norm statistics, a
    layer's own counters.

    Args:
        module: The module (with everything inside it), or None.
    """

    def __init__(self, module: Any) -> None:
        self.tensors: list[torch.Tensor] = []
        if isinstance(module, torch.nn.Module):
            for inner in module.modules():
                self.tensors += list(inner.buffers(recurse=False))
                self.tensors += list(getattr(inner, "state_variables", []))

    def __enter__(self) -> preserved_state:
        self.saved = [tensor.detach().clone() for tensor in self.tensors]
        return self

    def __exit__(self, *exc: object) -> None:
        with torch.no_grad():
            for tensor, saved in zip(self.tensors, self.saved, strict=True):
                if tensor.shape == saved.shape:
                    tensor.copy_(saved)


def call_symbolically(operation: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    """Record `operation(*args, **kwargs)` on symbolic tensors; return its symbolic outputs.

    Raises:
        ValueError: When the operation cannot run on inputs of those shapes,
            naming the operation and the shapes.
    """
    try:
        first, second = _probe_twice(operation, args, kwargs)
    except (RuntimeError, ValueError, TypeError, IndexError) as error:
        shapes = [t.shape for t in flatten((args, kwargs))]
        name = getattr(operation, "name", None) or getattr(operation, "__name__", type(operation).__name__)
        raise ValueError(
            f"{name} cannot run on inputs of shape {', '.join(map(str, shapes))}: {error}. Received: "
            "symbolic inputs of those shapes (None is a size known only at run time). Check the "
            "layer's arguments against the shape of what it is called on."
        ) from error
    node = Node(operation, args, dict(kwargs))

    def symbolic(pair: tuple[Any, Any]) -> Any:
        a, b = pair
        if not isinstance(a, torch.Tensor):
            return a
        shape = tuple(
            None if axis == 0 or x != y else x
            for axis, (x, y) in enumerate(zip(a.shape, b.shape, strict=True))
        )
        if a.dim() and a.shape[0] == b.shape[0]:
            shape = (a.shape[0], *shape[1:])  # a fixed first axis (the op did not keep the batch)
        return SymbolicTensor(shape, a.dtype, node=node)

    node.outputs = _zip_map(first, second, symbolic)
    _trust_declared_shape(operation, args, kwargs, node.outputs)
    return node.outputs


def _probe_twice(operation: Callable[..., Any], args: tuple, kwargs: dict) -> tuple[Any, Any]:
    """Run the operation on the two small probes; when they are too short for it, on two long ones."""
    try:
        return tuple(_run_probe(operation, args, kwargs, probe) for probe in _PROBES)  # type: ignore[return-value]
    except (RuntimeError, ValueError, TypeError, IndexError):
        if not any(None in t.shape[1:] for t in flatten((args, kwargs))):
            raise  # no unknown length to lengthen: the shapes themselves are wrong
        return tuple(_run_probe(operation, args, kwargs, probe) for probe in _LONG_PROBES)  # type: ignore[return-value]


def _trust_declared_shape(operation: Any, args: tuple, kwargs: dict, outputs: Any) -> None:
    """Take the output shape a layer computes itself (`compute_output_shape`) over the probed one.

    Probing can mistake an unknown length for a known one (a window of 4
    pools 5 and 7 steps to the same 1); a layer that declares its shape
    rule, as Keras's layers do, is exact.
    """
    declared = getattr(type(operation), "compute_output_shape", None)
    inputs = flatten((args, kwargs))
    if declared is None or len(inputs) != 1 or not isinstance(outputs, SymbolicTensor):
        return
    shape = tuple(operation.compute_output_shape(tuple(inputs[0].shape)))
    if len(shape) == len(outputs.shape) and all(
        d is None or p is None or d == p for d, p in zip(shape, outputs.shape, strict=True)
    ):
        outputs.shape = shape


def _zip_map(first: Any, second: Any, function: Callable[[tuple[Any, Any]], Any]) -> Any:
    if isinstance(first, dict):
        return {key: _zip_map(first[key], second[key], function) for key in first}
    if isinstance(first, list | tuple):
        mapped = [_zip_map(a, b, function) for a, b in zip(first, second, strict=True)]
        return mapped if isinstance(first, list) else tuple(mapped)
    return function((first, second))
