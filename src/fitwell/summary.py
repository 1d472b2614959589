"""`model.summary()`: layers, output shapes and parameter counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
from torch import nn

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["summarize"]


def _shape(output: Any) -> str:
    if isinstance(output, torch.Tensor):
        return str((None, *output.shape[1:]))
    if isinstance(output, tuple | list):
        return ", ".join(_shape(o) for o in output)
    if isinstance(output, dict):
        return ", ".join(f"{k}: {_shape(v)}" for k, v in output.items())
    return "?"


def _count(module: nn.Module) -> int:
    return sum(
        p.numel() for p in module.parameters() if not isinstance(p, nn.parameter.UninitializedParameter)
    )


def _children(model: Model) -> list[tuple[str, nn.Module]]:
    layers = getattr(model, "layers", None)
    if isinstance(layers, nn.ModuleList):
        return [(f"{type(m).__name__.lower()}_{i}", m) for i, m in enumerate(layers)]
    root = dict(model.named_children()).get("module", model)
    children = list(root.named_children())
    return children or [(type(root).__name__.lower(), root)]


def summarize(model: Model) -> str:
    """The summary table as text.

    Output shapes come from one forward pass on zeros of the known input
    shape (from `Input` or the last batch seen); without one they show "?".
    """
    rows = [(name, type(module).__name__, "?", _count(module)) for name, module in _children(model)]
    if model.input_sample_shape is not None:
        shapes: dict[int, str] = {}
        hooks = [
            module.register_forward_hook(lambda m, i, o, index=index: shapes.__setitem__(index, _shape(o)))
            for index, (_, module) in enumerate(_children(model))
        ]
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                model(torch.zeros((2, *model.input_sample_shape), device=model.device))
        except (RuntimeError, TypeError):
            pass  # a model with several inputs: shapes stay unknown
        finally:
            for hook in hooks:
                hook.remove()
            model.train(was_training)
        rows = [(n, t, shapes.get(i, "?"), c) for i, (n, t, _, c) in enumerate(rows)]
    total = sum(
        p.numel() for p in model.parameters() if not isinstance(p, nn.parameter.UninitializedParameter)
    )
    trainable = sum(
        p.numel()
        for p in model.parameters()
        if p.requires_grad and not isinstance(p, nn.parameter.UninitializedParameter)
    )
    header = ("Layer (type)", "Output Shape", "Param #")
    body = [(f"{name} ({kind})", shape, f"{count:,}") for name, kind, shape, count in rows]
    widths = [max(len(r[i]) for r in [header, *body]) + 2 for i in range(3)]
    line = "─" * sum(widths)
    lines = [f'Model: "{type(model).__name__.lower()}"', line]
    lines.append("".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append(line)
    lines += ["".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    lines += [
        line,
        f" Total params: {total:,}",
        f" Trainable params: {trainable:,}",
        f" Non-trainable params: {total - trainable:,}",
    ]
    return "\n".join(lines)
