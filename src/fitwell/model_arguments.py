"""Read what `Model(...)` was given: a module to wrap, or a functional model's `inputs` and `outputs`.

`Model` takes them positionally or by keyword (`Model(module)`,
`Model(inputs, outputs)`, `Model(inputs=..., outputs=...)`), or none of
them in a subclass; its other keyword arguments are `Layer`'s. A
functional model's layers must have distinct names.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from fitwell.layers.symbolic import is_symbolic

__all__ = ["check_unique_names", "split_arguments"]


def split_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Any]:
    """`(module, inputs, outputs)` from Model's three call forms (the rest of `kwargs` goes to Layer).

    `module`, `inputs` and `outputs` are taken out of `kwargs`.

    Raises:
        TypeError: For a positional argument that is neither a module nor
            a symbolic tensor, or a `module` that is not a torch module.
        ValueError: For `inputs` without `outputs`, or the reverse.
    """
    module, inputs, outputs = (
        kwargs.pop("module", None),
        kwargs.pop("inputs", None),
        kwargs.pop("outputs", None),
    )
    if args and is_symbolic(args[0]):
        inputs = args[0]
        outputs = args[1] if len(args) > 1 else outputs
        args = args[2:]
    elif args and isinstance(args[0], nn.Module):
        module, args = args[0], args[1:]
    if args:
        raise TypeError(
            "Model() takes a module to wrap, or `inputs` and `outputs` (symbolic tensors from Input() and "
            f"layers). Received: {type(args[0]).__name__} {args[0]!r:.80}. For example: "
            "fitwell.Model(torch_module) or fitwell.Model(inputs, outputs)."
        )
    if (inputs is None) != (outputs is None):
        raise ValueError(
            "A functional model needs both `inputs` and `outputs`. Received: "
            f"inputs={'given' if inputs is not None else None}, "
            f"outputs={'given' if outputs is not None else None}."
        )
    if module is not None and not isinstance(module, nn.Module):
        raise TypeError(f"`module` must be a torch.nn.Module. Received: {type(module).__name__}")
    return module, inputs, outputs


def check_unique_names(modules: list[nn.Module]) -> None:
    """Refuse layers that share a name in one functional model.

    Raises:
        ValueError: Naming the first repeated name and every repeated one.
    """
    names = [getattr(module, "name", None) for module in modules]
    repeated = sorted({name for name in names if name is not None and names.count(name) > 1})
    if repeated:
        raise ValueError(
            f"The name {repeated[0]!r} is used {names.count(repeated[0])} times in the model. All layer "
            f"names must be unique. Received: layers named {repeated}. Give the layers distinct `name=`s "
            "(a model loaded from a file keeps its names; new layers get automatic ones that may clash)."
        )
