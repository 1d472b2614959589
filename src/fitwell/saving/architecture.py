"""Layers as JSON: an allow-list of classes and the constructor arguments of each.

A model file describes each layer by a registered name and the arguments
its constructor needs; loading looks the name up in the same allow-list,
so a file can only ever create these classes with plain JSON values. The
list holds fitwell's layers (described by their `get_config()`), a set of
torch modules, and the classes the running program registered with
`register_keras_serializable` (its own code, never code from the file). A
layer outside it (an unregistered custom layer, a function that is not a
named activation) cannot be described: saving it fails with a message
that points to weights files, which are loaded into a model rebuilt from
its own code.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from fitwell import layers
from fitwell.layers.layer import Layer, shape_of

__all__ = [
    "ALLOWED",
    "build_layer",
    "custom_object_scope",
    "describe_layer",
    "register_keras_serializable",
    "registered_name",
]

Describe = Callable[[Any], dict[str, Any]]


#: Torch modules: registered name → (class, how to read its constructor arguments).
ALLOWED: dict[str, tuple[type[nn.Module], Describe]] = {
    "torch.nn.Linear": (
        nn.Linear,
        lambda m: {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None},
    ),
    "torch.nn.ReLU": (nn.ReLU, lambda m: {"inplace": m.inplace}),
    "torch.nn.LeakyReLU": (
        nn.LeakyReLU,
        lambda m: {"negative_slope": m.negative_slope, "inplace": m.inplace},
    ),
    "torch.nn.GELU": (nn.GELU, lambda m: {"approximate": m.approximate}),
    "torch.nn.SiLU": (nn.SiLU, lambda m: {"inplace": m.inplace}),
    "torch.nn.Tanh": (nn.Tanh, lambda m: {}),
    "torch.nn.Sigmoid": (nn.Sigmoid, lambda m: {}),
    "torch.nn.Softmax": (nn.Softmax, lambda m: {"dim": m.dim}),
    "torch.nn.LogSoftmax": (nn.LogSoftmax, lambda m: {"dim": m.dim}),
    "torch.nn.Identity": (nn.Identity, lambda m: {}),
    "torch.nn.Dropout": (nn.Dropout, lambda m: {"p": m.p, "inplace": m.inplace}),
    "torch.nn.Flatten": (nn.Flatten, lambda m: {"start_dim": m.start_dim, "end_dim": m.end_dim}),
    "torch.nn.LayerNorm": (
        nn.LayerNorm,
        lambda m: {
            "normalized_shape": list(m.normalized_shape),
            "eps": m.eps,
            "elementwise_affine": m.elementwise_affine,
            "bias": m.bias is not None,
        },
    ),
    "torch.nn.BatchNorm1d": (
        nn.BatchNorm1d,
        lambda m: {
            "num_features": m.num_features,
            "eps": m.eps,
            "momentum": m.momentum,
            "affine": m.affine,
            "track_running_stats": m.track_running_stats,
        },
    ),
}
_NAMES = {cls: name for name, (cls, _) in ALLOWED.items()}

#: Classes the program registered (`register_keras_serializable`), by "package>Name".
_REGISTERED: dict[str, type[nn.Module]] = {}


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Any:
    """Register a custom layer class so `model.save()` can describe it and `load_model` rebuild it.

    Keras's decorator of the same name. Loading creates only classes the
    running program registered (the file names them, never holds their
    code), from the JSON `get_config()` returned; the class is returned
    unchanged.

    Args:
        package: A namespace for the name (`"Custom"`, as Keras).
        name: The registered name; defaults to the class name.

    Example:
        >>> @register_keras_serializable(package="Doctest")
        ... class Scale(layers.Layer):
        ...     def __init__(self, factor=2.0, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.factor = factor
        ...     def call(self, x):
        ...         return x * self.factor
        ...     def get_config(self):
        ...         return {**super().get_config(), "factor": self.factor}
        >>> registered_name(Scale)
        'Doctest>Scale'
    """

    def register(cls: type[nn.Module]) -> type[nn.Module]:
        if not (isinstance(cls, type) and issubclass(cls, Layer)):
            raise TypeError(
                f"register_keras_serializable registers fitwell Layer classes. Received: {cls!r}. "
                "Subclass fitwell.layers.Layer and give it a get_config()."
            )
        key = f"{package}>{name or cls.__name__}"
        _REGISTERED[key] = cls
        return cls

    return register


def registered_name(cls: type) -> str | None:
    """The name a class is stored under: fitwell's own, or the one it was registered with."""
    if cls in _NAMES:
        return _NAMES[cls]
    builtin = _fitwell_layers()
    for name, known in builtin.items():
        if known is cls:
            return name
    return next((key for key, known in _REGISTERED.items() if known is cls), None)


def _fitwell_layers() -> dict[str, type[nn.Module]]:
    """fitwell's Layer classes, as `fitwell.layers.<Name>`."""
    return {
        f"fitwell.layers.{name}": value
        for name in layers.__all__
        if isinstance(value := getattr(layers, name), type) and issubclass(value, Layer)
    }


def _class_for(name: str) -> type[nn.Module] | None:
    if name in ALLOWED:
        return ALLOWED[name][0]
    found = _fitwell_layers().get(name) or _REGISTERED.get(name)
    for scope in reversed(_SCOPES):
        found = found or scope.get(name) or scope.get(name.rpartition(">")[2])
    return found


#: The `custom_objects` of the loads in progress (innermost last).
_SCOPES: list[dict[str, type]] = []


class custom_object_scope:  # noqa: N801 - Keras's name, used as a context manager
    """Make custom layer classes known by name while a model is rebuilt (Keras's `custom_object_scope`).

    `load_model(path, custom_objects={...})` and
    `Model.from_config(config, custom_objects={...})` use it. The classes
    come from the program, never from the file.

    Args:
        custom_objects: `{class name: class}`.

    Example:
        >>> with custom_object_scope({"Identity": layers.Activation}):
        ...     _class_for("Identity") is layers.Activation
        True
    """

    def __init__(self, custom_objects: dict[str, type] | None) -> None:
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> custom_object_scope:
        _SCOPES.append(self.custom_objects)
        return self

    def __exit__(self, *exc: object) -> None:
        _SCOPES.pop()


def _json_config(layer: Layer, index: int) -> dict[str, Any]:
    config = layer.get_config()
    try:
        json.dumps(config, allow_nan=True)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"Layer {index} ({layer.name}, {type(layer).__name__}) has a configuration a model file "
            f"cannot hold ({error}). Received: get_config() values that are not JSON (a function as "
            "activation, say). Use names (activation='relu'), or save the weights with "
            "model.save_weights(path) and rebuild the model from its code."
        ) from error
    return config


def _weight_names(module: nn.Module) -> list[str]:
    return [name for name, _ in module.named_parameters()] + [name for name, _ in module.named_buffers()]


def describe_layer(layer: nn.Module, index: int) -> dict[str, Any]:
    """`{"class_name": registered name, "config": constructor arguments}` for one layer.

    A fitwell layer is described by its `get_config()`, a model used as a
    layer by its own description (`graph_config`), a torch module by the
    arguments its constructor needs. The description is checked by
    building the layer again (for the same input shape): it must have the
    same weights.

    Raises:
        TypeError: For a class outside the allow-list, or a layer whose
            weights its arguments do not explain.

    Example:
        >>> describe_layer(layers.Dense(4, activation="relu", name="hidden"), 0)["config"]["units"]
        4
    """
    from fitwell.model import Model
    from fitwell.saving import graph_config

    if isinstance(layer, Model):
        return graph_config.describe_model(layer)
    name = registered_name(type(layer))
    if name is None and isinstance(layer, Layer):
        name = type(layer).__name__  # rebuilt only when the loading program names it (custom_objects)
    if name is None:
        raise TypeError(
            f"model.save() can describe only known layers, and layer {index} is a "
            f"{type(layer).__module__}.{type(layer).__qualname__}. Received: a module outside the "
            f"allow-list (fitwell's layers, {', '.join(sorted(ALLOWED))}, and classes registered with "
            "fitwell.saving.register_keras_serializable). Register it (with a get_config()), or save "
            "the weights instead with model.save_weights('model.weights.h5') and load them into a "
            "model built by your own code: model.load_weights('model.weights.h5')."
        )
    config = _json_config(layer, index) if isinstance(layer, Layer) else ALLOWED[name][1](layer)
    rebuilt = _instantiate(type(layer), config, name)
    if isinstance(rebuilt, Layer) and rebuilt.awaits_build and isinstance(layer, Layer) and layer.built:
        with torch.random.fork_rng(devices=[]):
            rebuilt.build(shape_of(layer.input))
    if _weight_names(rebuilt) != _weight_names(layer):
        raise TypeError(
            f"Layer {index} ({type(layer).__name__}) holds weights its arguments do not create: "
            f"{_weight_names(layer)} instead of {_weight_names(rebuilt)}. Received: a layer changed "
            "after construction. Save it with model.save_weights(path) and rebuild it from code."
        )
    return {"class_name": name, "config": config}


def build_layer(description: Any, *, device: str | torch.device | None = None) -> nn.Module:
    """Create the layer a `describe_layer` description names.

    Raises:
        ValueError: For a name outside the allow-list or a malformed entry.
    """
    if not (
        isinstance(description, dict)
        and isinstance(description.get("class_name"), str)
        and isinstance(description.get("config"), dict)
    ):
        raise ValueError(
            "A layer entry must be {'class_name': ..., 'config': {...}}. "
            f"Received: {description!r:.200}. The model file is damaged."
        )
    name = description["class_name"]
    if name in ("fitwell.Sequential", "fitwell.Functional"):
        from fitwell.saving import graph_config

        return graph_config.build_model(description)
    cls = _class_for(name)
    if cls is None:
        raise ValueError(
            f"The model file names a layer class fitwell does not create. Received: "
            f"class_name={name!r:.100}. Known classes: fitwell's layers, {', '.join(sorted(ALLOWED))}, "
            f"and the registered {sorted(_REGISTERED)}. Pass the custom layer's class, e.g. "
            f"load_model(path, custom_objects={{{name.rpartition('>')[2]!r}: {name.rpartition('>')[2]}}}), "
            "or register it with fitwell.saving.register_keras_serializable before loading."
        )
    return _instantiate(cls, description["config"], name, device=device)


def _instantiate(
    cls: type[nn.Module], config: dict[str, Any], name: str, *, device: str | torch.device | None = None
) -> nn.Module:
    arguments = {key: tuple(value) if isinstance(value, list) else value for key, value in config.items()}
    # Constructors that initialise weights draw random numbers; loading a
    # model must not move the caller's random streams.
    with torch.random.fork_rng(devices=[]), torch.device(device or "cpu"):
        try:
            return cls.from_config(arguments) if issubclass(cls, Layer) else cls(**arguments)
        except TypeError as error:
            raise ValueError(
                f"The model file's arguments for {name} do not fit its constructor ({error}). "
                f"Received: config={config!r:.200}. The file is damaged."
            ) from error
