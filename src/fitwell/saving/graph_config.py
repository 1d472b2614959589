"""Models as JSON: a `Sequential`'s stack, or a functional model's layers and the calls between them.

A functional model is described by its layers (each by `architecture`),
then its calls in running order: which layer, on which tensors (the
model's inputs, or an output of an earlier call), with which plain
arguments. Loading creates the layers from the allow-list, calls them in
that order on `Input`s, and makes the model from what comes out; nothing
in the file is code. Operations that are not layers (`x * 2`, a function
of `fitwell.ops` on symbolic tensors) cannot be described yet.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from fitwell.layers.input_layer import Input, InputLayer
from fitwell.layers.symbolic import SymbolicTensor, flatten
from fitwell.saving import architecture

__all__ = ["build_model", "describe_model"]

SEQUENTIAL, FUNCTIONAL = "fitwell.Sequential", "fitwell.Functional"


def describe_model(model: nn.Module) -> dict[str, Any]:
    """`{"class_name": "fitwell.Sequential" | "fitwell.Functional", "config": {...}}` for a model.

    Raises:
        TypeError: For a subclassed model (its `call` is code), or a layer or
            operation that cannot be described.
    """
    from fitwell.model import Model
    from fitwell.sequential import Sequential

    if type(model) is Sequential:
        return {"class_name": SEQUENTIAL, "config": _describe_sequential(model)}
    if type(model) is Model and model.graph is not None:
        return {"class_name": FUNCTIONAL, "config": _describe_functional(model)}
    raise TypeError(
        "model.save() describes a model as data, which works for a fitwell.Sequential or a "
        f"functional fitwell.Model of known layers. Received: a {type(model).__qualname__}, whose "
        "call()/forward() is code that a file cannot hold. Save the weights instead with "
        "model.save_weights('model.weights.h5'), and load them into a model built by the same code: "
        "model.load_weights('model.weights.h5')."
    )


def _describe_sequential(model: Any) -> dict[str, Any]:
    try:
        (tensor,) = model.inputs
    except AttributeError:
        tensor = None
    shape = tensor.shape[1:] if tensor is not None else model.input_sample_shape
    return {
        "name": model.name,
        "input": None
        if shape is None
        else {"shape": list(shape), "dtype": None if tensor is None else _dtype_name(tensor.dtype)},
        "layers": [architecture.describe_layer(layer, i) for i, layer in enumerate(model.layers)],
    }


def _describe_functional(model: Any) -> dict[str, Any]:
    graph = model.graph
    layers = graph.layers()
    position = {id(layer): index for index, layer in enumerate(layers)}
    refs: dict[int, list[Any]] = {}
    for tensor in graph.flat_inputs:
        refs[id(tensor)] = ["input", position[id(tensor.node.operation)]]
    calls = []
    for number, node in enumerate(graph.nodes):
        if id(node.operation) not in position or not isinstance(node.operation, nn.Module):
            raise TypeError(
                "model.save() can describe a functional model whose every step is a layer. Received: "
                f"an operation {getattr(node.operation, '__name__', node.operation)!r} on symbolic tensors "
                "(arithmetic such as x * 2, or a fitwell.ops function). Wrap it in a layer, or save the "
                "weights with model.save_weights(path) and rebuild the model from its code."
            )
        calls.append(
            {
                "layer": position[id(node.operation)],
                "args": _encode(node.args, refs),
                "kwargs": _encode(node.kwargs, refs),
            }
        )
        for index, output in enumerate(flatten(node.outputs)):
            refs[id(output)] = ["call", number, index]
    return {
        "name": model.name,
        "layers": [architecture.describe_layer(layer, i) for i, layer in enumerate(layers)],
        "calls": calls,
        "inputs": _encode(graph.inputs, refs),
        "outputs": _encode(graph.outputs, refs),
    }


def _encode(structure: Any, refs: dict[int, list[Any]]) -> Any:
    """JSON for a structure of symbolic tensors and plain values (containers are tagged)."""
    if isinstance(structure, SymbolicTensor):
        return {"tensor": refs[id(structure)]}
    if isinstance(structure, dict):
        return {"dict": {str(key): _encode(value, refs) for key, value in structure.items()}}
    if isinstance(structure, list | tuple):
        return {
            type(structure).__name__ if isinstance(structure, tuple) else "list": [
                _encode(v, refs) for v in structure
            ]
        }
    if structure is None or isinstance(structure, bool | int | float | str):
        return structure
    raise TypeError(
        f"model.save() cannot describe the argument {structure!r:.80} of a layer call. Received: a "
        f"{type(structure).__name__}. Pass plain values (numbers, strings) to layers in a functional model, "
        "or save the weights with model.save_weights(path)."
    )


def _decode(node: Any, values: dict[tuple[Any, ...], Any]) -> Any:
    if isinstance(node, dict) and "tensor" in node:
        key = tuple(node["tensor"])
        if key not in values:
            raise ValueError(
                f"The model file refers to a tensor {list(key)} defined nowhere. The file is damaged."
            )
        return values[key]
    if isinstance(node, dict) and "dict" in node:
        return {key: _decode(value, values) for key, value in node["dict"].items()}
    if isinstance(node, dict) and "list" in node:
        return [_decode(value, values) for value in node["list"]]
    if isinstance(node, dict) and "tuple" in node:
        return tuple(_decode(value, values) for value in node["tuple"])
    if node is None or isinstance(node, bool | int | float | str):
        return node
    raise ValueError(
        f"The model file holds an argument fitwell cannot read: {node!r:.100}. The file is damaged."
    )


def build_model(description: dict[str, Any]) -> nn.Module:
    """Create the model `describe_model` described (weights as initialised; load them after).

    Raises:
        ValueError: For a malformed description.
    """
    from fitwell.model import Model
    from fitwell.sequential import Sequential

    config = description.get("config")
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(
            f"The model file's model entry is malformed: {description!r:.200}. The file is damaged."
        )
    if description["class_name"] == SEQUENTIAL:
        stack: list[Any] = [architecture.build_layer(entry) for entry in config["layers"]]
        spec = config.get("input")
        if isinstance(spec, dict):
            shape = tuple(None if d is None else int(d) for d in spec["shape"])
            stack.insert(0, Input(shape=shape, dtype=spec.get("dtype") or "float32"))
        return Sequential(stack, name=config.get("name"))
    layers = [architecture.build_layer(entry) for entry in config["layers"]]
    values: dict[tuple[Any, ...], Any] = {}
    for index, layer in enumerate(layers):
        if isinstance(layer, InputLayer):
            values[("input", index)] = layer.output
    for number, call in enumerate(config.get("calls", [])):
        layer = layers[int(call["layer"])]
        outputs = layer(*_decode(call["args"], values), **_decode(call["kwargs"], values))
        for index, output in enumerate(flatten(outputs)):
            values[("call", number, index)] = output
    return Model(
        _decode(config["inputs"], values), _decode(config["outputs"], values), name=config.get("name")
    )


def _dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")
