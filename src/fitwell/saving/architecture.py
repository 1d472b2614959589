"""Layers as JSON: an allow-list of classes and the constructor arguments of each.

A model file describes each layer by a registered name and the arguments
its constructor needs; loading looks the name up in the same allow-list,
so a file can only ever create these classes with plain JSON values. A
layer outside the list (a custom module, a subclass, a function that is not
a named activation) cannot be described: saving it fails with a message
that points to weights files, which are loaded into a model rebuilt from
its own code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

from fitwell import layers
from fitwell.layers.layer import Layer

__all__ = ["ALLOWED", "build_layer", "describe_layer"]

Describe = Callable[[Any], dict[str, Any]]


def _activation(layer: Any) -> str:
    name = layer.activation_name
    if name is None:
        raise TypeError(
            f"{type(layer).__name__} uses the activation function {layer.activation!r}, which a "
            "model file cannot describe. Received: a function instead of an activation name. Use "
            "a name such as activation='relu', or save the weights with model.save_weights(path) "
            "and rebuild the model from its code before load_weights(path)."
        )
    return name


def _conv2d(layer: layers.Conv2D) -> dict[str, Any]:
    return {
        "filters": layer.filters,
        "kernel_size": list(layer.kernel_size),
        "strides": list(layer.strides),
        "padding": layer.padding,
        "activation": _activation(layer),
        "use_bias": layer.use_bias,
        "dilation_rate": list(layer.dilation_rate),
        "data_format": layer.data_format,
    }


def _batch_normalization(layer: layers.BatchNormalization) -> dict[str, Any]:
    return {
        "axis": layer.axis,
        "momentum": layer.momentum,
        "epsilon": layer.epsilon,
        "center": layer.center,
        "scale": layer.scale,
    }


#: Registered name → (class, how to read its constructor arguments).
ALLOWED: dict[str, tuple[type[nn.Module], Describe]] = {
    "fitwell.layers.Dense": (
        layers.Dense,
        lambda m: {"units": m.units, "activation": _activation(m), "use_bias": m.use_bias},
    ),
    "fitwell.layers.Activation": (layers.Activation, lambda m: {"activation": _activation(m)}),
    "fitwell.layers.Dropout": (layers.Dropout, lambda m: {"rate": m.rate}),
    "fitwell.layers.Flatten": (layers.Flatten, lambda m: {}),
    "fitwell.layers.Embedding": (
        layers.Embedding,
        lambda m: {"input_dim": m.input_dim, "output_dim": m.output_dim},
    ),
    "fitwell.layers.Conv2D": (layers.Conv2D, _conv2d),
    "fitwell.layers.MaxPooling2D": (
        layers.MaxPooling2D,
        lambda m: {
            "pool_size": list(m.pool_size),
            "strides": list(m.strides),
            "padding": m.padding,
            "data_format": m.data_format,
        },
    ),
    "fitwell.layers.GlobalAveragePooling2D": (
        layers.GlobalAveragePooling2D,
        lambda m: {"data_format": m.data_format},
    ),
    "fitwell.layers.BatchNormalization": (layers.BatchNormalization, _batch_normalization),
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


def _weight_names(module: nn.Module) -> list[str]:
    return [name for name, _ in module.named_parameters()] + [name for name, _ in module.named_buffers()]


def describe_layer(layer: nn.Module, index: int) -> dict[str, Any]:
    """`{"class_name": registered name, "config": constructor arguments}` for one layer.

    The description is checked by building the layer again (for the same
    input shape): it must have the same weights.

    Raises:
        TypeError: For a class outside the allow-list, or a layer whose
            weights its arguments do not explain.

    Example:
        >>> describe_layer(layers.Dense(4, activation="relu", name="hidden"), 0)["config"]
        {'name': 'hidden', 'units': 4, 'activation': 'relu', 'use_bias': True}
    """
    name = _NAMES.get(type(layer))
    if name is None:
        raise TypeError(
            f"model.save() can describe only known layers, and layer {index} is a "
            f"{type(layer).__module__}.{type(layer).__qualname__}. Received: a module outside the "
            f"allow-list ({', '.join(sorted(ALLOWED))}). Save the weights instead with "
            "model.save_weights('model.weights.h5'), and load them into a model built by your "
            "own code: model.load_weights('model.weights.h5')."
        )
    config = ALLOWED[name][1](layer)
    if isinstance(layer, Layer):
        config = {"name": layer.name, **config}  # Keras keeps the layers' names in the file
    rebuilt = build_layer({"class_name": name, "config": config})
    if isinstance(rebuilt, Layer) and rebuilt.awaits_build and isinstance(layer, Layer) and layer.built:
        with torch.random.fork_rng(devices=[]):
            rebuilt.build(layer.input.shape)
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
    if name not in ALLOWED:
        raise ValueError(
            f"The model file names a layer class fitwell does not create. Received: "
            f"class_name={name!r:.100}. Known classes: {', '.join(sorted(ALLOWED))}."
        )
    cls = ALLOWED[name][0]
    config = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in description["config"].items()
    }
    # Constructors that initialise weights draw random numbers; loading a
    # model must not move the caller's random streams.
    with torch.random.fork_rng(devices=[]), torch.device(device or "cpu"):
        try:
            return cls(**config)
        except TypeError as error:
            raise ValueError(
                f"The model file's arguments for {name} do not fit its constructor ({error}). "
                f"Received: config={description['config']!r:.200}. The file is damaged."
            ) from error
