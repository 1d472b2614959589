"""`model.summary()`: layers, output shapes and parameter counts, as Keras prints them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from fitwell.layers.layer import Layer
from fitwell.layers.symbolic import SymbolicTensor, flatten
from fitwell.run_mode import run_mode

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["summarize"]


def _shape(output: Any) -> str:
    if isinstance(output, torch.Tensor):
        return str((None, *output.shape[1:]))
    if isinstance(output, SymbolicTensor):
        return str(output.shape)
    if isinstance(output, tuple | list):
        return ", ".join(_shape(o) for o in output)
    if isinstance(output, dict):
        return ", ".join(f"{k}: {_shape(v)}" for k, v in output.items())
    return "?"


def _count(module: nn.Module, *, trainable_only: bool = False) -> int:
    """Parameters and floating buffers (Keras counts moving statistics as non-trainable params)."""
    if isinstance(module, Layer):
        weights = module.trainable_weights if trainable_only else module.weights
    else:
        weights = [p for p in module.parameters() if p.requires_grad or not trainable_only]
        if not trainable_only:
            weights += [b for b in module.buffers() if b.is_floating_point()]
    return sum(w.numel() for w in weights if not isinstance(w, nn.parameter.UninitializedTensorMixin))


def _layers(model: Model) -> list[nn.Module]:
    try:
        return list(model.layers)
    except AttributeError:  # pragma: no cover - every Model has layers
        return [model]


def _name(module: nn.Module, index: int) -> str:
    return getattr(module, "name", None) or f"{type(module).__name__.lower()}_{index}"


def _connections(module: nn.Module) -> str:
    nodes = getattr(module, "_nodes", None) if isinstance(module, Layer) else None
    if not nodes or nodes[0].operation is not module:
        return ""
    parents = [tensor.node.operation for tensor in nodes[0].parents if tensor.node is not None]
    return ", ".join(getattr(parent, "name", "?") for parent in parents)


def _symbolic_shapes(model: Model, layers: list[nn.Module]) -> dict[int, str]:
    shapes = {}
    for index, layer in enumerate(layers):
        nodes = getattr(layer, "_nodes", None) if isinstance(layer, Layer) else None
        if nodes and flatten(nodes[0].outputs):
            shapes[index] = _shape(nodes[0].outputs)
    return shapes


def _traced_shapes(model: Model, layers: list[nn.Module]) -> dict[int, str]:
    shapes: dict[int, str] = {}
    if model.input_sample_shape is None:
        return shapes
    hooks = [
        module.register_forward_hook(lambda m, i, o, index=index: shapes.__setitem__(index, _shape(o)))
        for index, module in enumerate(layers)
    ]
    try:
        with torch.no_grad(), run_mode(model, False):
            model(torch.zeros((2, *model.input_sample_shape), device=model.device))
    except (RuntimeError, TypeError, ValueError):
        pass  # a model with several inputs: shapes stay unknown
    finally:
        for hook in hooks:
            hook.remove()
    return shapes


def _trainable_flag(module: nn.Module) -> str:
    """Keras's column: Y or N for a layer with weights, "-" for one without."""
    if not _count(module):
        return "-"
    return "Y" if getattr(module, "trainable", True) else "N"


def _optimizer_params(model: Model) -> int | None:
    """Keras counts the optimizer's variables once it is built: its iterations, its learning rate and
    its moments (torch's per-parameter step counters are not variables in Keras and are left out)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not optimizer.is_built:
        return None
    try:
        state = optimizer.torch_optimizer.state
    except RuntimeError:  # nothing trains: no torch optimizer
        return 2
    moments = sum(
        value.numel()
        for per_parameter in state.values()
        for key, value in per_parameter.items()
        if isinstance(value, torch.Tensor) and key != "step"
    )
    return 2 + moments


def summarize(model: Model, *, show_trainable: bool = False) -> str:
    """The summary table as text.

    Output shapes come from the layers' symbolic outputs (functional models,
    and Sequential models with an `Input` or that have seen data); otherwise
    from one forward pass on zeros of the known input shape, and "?" without
    one. A functional model has a "Connected to" column; `show_trainable`
    adds Keras's "Trainable" column (Y or N). Once the optimizer is built, its
    variables are counted as Keras counts them.
    """
    layers = _layers(model)
    shapes = _symbolic_shapes(model, layers)
    if len(shapes) < len(layers):
        shapes = {**_traced_shapes(model, layers), **shapes}
    functional = getattr(model, "graph", None) is not None and type(model).__name__ != "Sequential"
    header = (
        "Layer (type)",
        "Output Shape",
        "Param #",
        *(("Connected to",) if functional else ()),
        *(("Trainable",) if show_trainable else ()),
    )
    body = [
        (
            f"{_name(module, index)} ({type(module).__name__})",
            shapes.get(index, "?"),
            f"{_count(module):,}",
            *((_connections(module),) if functional else ()),
            *((_trainable_flag(module),) if show_trainable else ()),
        )
        for index, module in enumerate(layers)
    ]
    widths = [max(len(r[i]) for r in [header, *body]) + 2 for i in range(len(header))]
    line = "─" * sum(widths)
    lines = [f'Model: "{getattr(model, "name", type(model).__name__.lower())}"', line]
    lines.append("".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append(line)
    lines += ["".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    weights, trainable = _count(model), _count(model, trainable_only=True)
    optimizer = _optimizer_params(model)
    lines += [
        line,
        f" Total params: {weights + (optimizer or 0):,}",
        f" Trainable params: {trainable:,}",
        f" Non-trainable params: {weights - trainable:,}",
        *((f" Optimizer params: {optimizer:,}",) if optimizer is not None else ()),
    ]
    return "\n".join(lines)
