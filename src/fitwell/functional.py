"""The graph of a functional model: the recorded calls from its inputs to its outputs, replayed.

`Model(inputs, outputs)` walks back from `outputs` through the `Node`s
that layer calls on symbolic tensors recorded, down to `inputs`, and keeps
the calls in an order where every call comes after the calls it reads
from. Running the model replays them on real tensors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from torch import nn

from fitwell.layers.input_layer import InputLayer
from fitwell.layers.symbolic import Node, SymbolicTensor, flatten, map_structure

__all__ = ["Graph"]


class Graph:
    """The calls between a functional model's inputs and outputs, in running order.

    Args:
        inputs: A symbolic tensor, or a list/tuple/dict of them (`Input()`s).
        outputs: A symbolic tensor, or a list/tuple/dict of them.

    Raises:
        ValueError: When an output cannot be computed from the inputs alone
            (it needs an `Input` that is not among `inputs`), or for values
            that are not symbolic tensors.
    """

    def __init__(self, inputs: Any, outputs: Any) -> None:
        for argument, structure in (("inputs", inputs), ("outputs", outputs)):
            leaves = flatten(structure)
            if not leaves or len(leaves) != _count_leaves(structure):
                raise ValueError(
                    f"`{argument}` must be symbolic tensors (what Input() and layers called on it return), "
                    f"or a list/dict of them. Received: {argument}={structure!r}."
                )
        self.inputs = inputs
        self.outputs = outputs
        self.flat_inputs = flatten(inputs)
        self.flat_outputs = flatten(outputs)
        self.input_names = list(inputs) if isinstance(inputs, dict) else [t.name for t in self.flat_inputs]
        self._known = {id(t) for t in self.flat_inputs}
        self.nodes = self._running_order()

    def _running_order(self) -> list[Node]:
        known = {id(t) for t in self.flat_inputs}
        order: list[Node] = []
        placed: set[int] = set()
        visiting: set[int] = set()

        def visit(tensor: SymbolicTensor) -> None:
            if id(tensor) in known:
                return
            node = tensor.node
            if node is None or isinstance(node.operation, InputLayer):
                raise ValueError(
                    f"The outputs cannot be computed from the given inputs: they need {tensor.name!r} "
                    f"(shape {tensor.shape}), which is not among `inputs`. Received: inputs "
                    f"{[t.name for t in self.flat_inputs]}. Pass every Input the outputs depend on."
                )
            if id(node) in placed:
                return
            if id(node) in visiting:  # pragma: no cover - nodes are made from earlier tensors only
                raise ValueError("The graph has a cycle.")
            visiting.add(id(node))
            for parent in node.parents:
                visit(parent)
            visiting.discard(id(node))
            placed.add(id(node))
            order.append(node)

        for tensor in self.flat_outputs:
            visit(tensor)
        return order

    def layers(self) -> list[Any]:
        """Every layer (and other operation) of the graph, in Keras's `model.layers` order.

        Keras orders by depth, the inputs' first, then by when a walk from
        the outputs (depth first, each output in turn) first met them; the
        order of `get_weights()` follows it, so weights copy between the two.
        """
        post_order, first_seen = self._walk()
        node_depth: dict[int, int] = {}
        operation_depth: dict[int, int] = {}
        in_graph = {id(node) for node in post_order}
        for node in reversed(post_order):
            depth = max(node_depth.setdefault(id(node), 0), operation_depth.get(id(node.operation), 0))
            operation_depth[id(node.operation)] = depth
            node_depth[id(node)] = depth
            for parent in node.parents:
                if parent.node is not None and id(parent.node) in in_graph:
                    node_depth[id(parent.node)] = max(depth + 1, node_depth.get(id(parent.node), 0))
        operations = {id(node.operation): node.operation for node in post_order}
        for tensor in self.flat_inputs:  # a model input that is an Input nothing reads
            if (
                tensor.node is not None
                and isinstance(tensor.node.operation, InputLayer)
                and id(tensor.node.operation) not in operation_depth
            ):
                operations[id(tensor.node.operation)] = tensor.node.operation
                operation_depth[id(tensor.node.operation)] = 0
                first_seen[id(tensor.node.operation)] = -1
        return sorted(
            operations.values(), key=lambda op: (-operation_depth[id(op)], first_seen.get(id(op), -1))
        )

    def _walk(self) -> tuple[list[Node], dict[int, int]]:
        """The nodes reachable from the outputs in post-order, and each operation's first-visit index."""
        post_order: list[Node] = []
        finished: set[int] = set()
        first_seen: dict[int, int] = {}

        def visit(tensor: SymbolicTensor) -> None:
            node = tensor.node
            if node is None or id(node) in finished:
                return
            is_input = isinstance(node.operation, InputLayer)
            if not is_input and id(tensor) in self._known:
                finished.add(id(node))
                return
            first_seen.setdefault(id(node.operation), len(first_seen))
            if not is_input:
                for parent in node.parents:
                    visit(parent)
            finished.add(id(node))
            post_order.append(node)

        for tensor in flatten(_sorted_dicts(self.outputs)):  # Keras walks dict outputs in key order
            visit(tensor)
        return post_order, first_seen

    def modules(self) -> list[nn.Module]:
        """The graph's torch modules, each once (what a model registers as its submodules)."""
        return [layer for layer in self.layers() if isinstance(layer, nn.Module)]

    def run(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        """The outputs for real inputs: positional ones in `inputs` order, or keyword ones by input name.

        Raises:
            ValueError: For a different number of inputs, or names that are
                not the inputs'.
        """
        values = dict(zip((id(t) for t in self.flat_inputs), self._match(args, kwargs), strict=True))
        for node in self.nodes:
            _bind(node.outputs, node.run(values), values)
        return map_structure(self.outputs, lambda tensor: values[id(tensor)])

    def _match(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> list[Any]:
        count = len(self.flat_inputs)
        if kwargs and not args:
            missing = [name for name in self.input_names if name not in kwargs]
            extra = [name for name in kwargs if name not in self.input_names]
            if missing or extra:
                raise ValueError(
                    f"The model's inputs are named {self.input_names}. Received: data keyed "
                    f"{sorted(kwargs)} (missing {missing}, unknown {extra}). Key the dict by the Input names."
                )
            return [kwargs[name] for name in self.input_names]
        if len(args) == 1 and isinstance(args[0], list | tuple) and len(args[0]) == count:
            args = tuple(args[0])
        if len(args) == 1 and isinstance(args[0], Mapping):
            return self._match((), args[0])
        if len(args) != count:
            raise ValueError(
                f"The model takes {count} input(s) ({self.input_names}). Received: {len(args)}. Pass them as "
                "a tuple in that order, or a dict keyed by their names."
            )
        return list(args)


def _sorted_dicts(structure: Any) -> Any:
    if isinstance(structure, dict):
        return [_sorted_dicts(structure[key]) for key in sorted(structure)]
    if isinstance(structure, list | tuple):
        return [_sorted_dicts(value) for value in structure]
    return structure


def _count_leaves(structure: Any) -> int:
    if isinstance(structure, dict):
        return sum(_count_leaves(v) for v in structure.values())
    if isinstance(structure, list | tuple):
        return sum(_count_leaves(v) for v in structure)
    return 1


def _bind(symbolic: Any, real: Any, values: dict[int, Any]) -> None:
    """Record the real value of every symbolic tensor in a node's outputs."""
    if isinstance(symbolic, SymbolicTensor):
        values[id(symbolic)] = real
    elif isinstance(symbolic, dict):
        for key, value in symbolic.items():
            _bind(value, real[key], values)
    elif isinstance(symbolic, list | tuple):
        for value, item in zip(symbolic, real, strict=True):
            _bind(value, item, values)
