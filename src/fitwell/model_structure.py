"""What a model is made of: its layers, found by name or index, and its graph's inputs and outputs.

The read-only side of `Model`'s surface (`layers`, `get_layer`, `inputs`,
`outputs`, `output_names`, `input_shape`, `output_shape`, and the sample
shape a functional model starts with) delegates here.
A functional model (or a Sequential with an `Input`) answers from its
`Graph`; another model lists the modules it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from torch import nn

from fitwell.errors import did_you_mean
from fitwell.functional import Graph

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["get_layer", "layers", "output_names", "require_graph", "sample_shape", "shapes"]


def layers(model: Model, graph: Graph | None) -> list[nn.Module]:
    """A functional model's layers in running order (its `InputLayer`s first), else the modules
    `model` holds directly (a wrapped module only when it holds nothing else)."""
    if graph is not None:
        return [layer for layer in graph.layers() if isinstance(layer, nn.Module)]
    return [child for name, child in model.named_children() if name != "module"] or [
        child for child in model.children()
    ]


def get_layer(model: Model, name: str | None, index: int | None) -> nn.Module:
    """The layer of `model.layers` named `name`, or at `index`.

    Raises:
        ValueError: For a name no layer has (listing the names), an index
            out of range, or neither or both of `name` and `index`.
    """
    if (name is None) == (index is None):
        raise ValueError(f"Give exactly one of `name` and `index`. Received: name={name!r}, index={index!r}.")
    found = model.layers
    if index is not None:
        if not -len(found) <= index < len(found):
            raise ValueError(f"`index` must be below {len(found)} (the number of layers). Received: {index}")
        return found[index]
    names = [getattr(layer, "name", None) for layer in found]
    if name in names:
        return found[names.index(name)]
    raise ValueError(
        f"No layer named {name!r}. Received: name={name!r}; the layers are {names}."
        + did_you_mean(name, [n for n in names if n])
    )


def require_graph(model: Model, graph: Graph | None, what: str) -> Graph:
    """`graph`, or an AttributeError saying that `model` has no symbolic `what`."""
    if graph is None:
        raise AttributeError(
            f"{type(model).__name__} {model.name!r} has no symbolic {what}: only a functional model, or a "
            "Sequential that starts with an Input (or has been called once), has them."
        )
    return graph


def output_names(graph: Graph | None) -> list[str] | None:
    """The outputs' names: the keys of a dict of outputs, else the layers that return them."""
    if graph is None:
        return None
    if isinstance(graph.outputs, dict):
        return list(graph.outputs)
    return [
        getattr(tensor.node.operation, "name", f"output_{i}") for i, tensor in enumerate(graph.flat_outputs)
    ]


def shapes(tensors: Sequence[Any]) -> Any:
    """The shape of the one tensor, or the list of the tensors' shapes."""
    found = [tensor.shape for tensor in tensors]
    return found[0] if len(found) == 1 else found


def sample_shape(graph: Graph) -> tuple[int, ...] | None:
    """The shape of one sample of the graph's only input, when all its sizes are known; else None."""
    first = graph.flat_inputs[0]
    if len(graph.flat_inputs) == 1 and all(size is not None for size in first.shape[1:]):
        return tuple(first.shape[1:])  # type: ignore[arg-type]
    return None
