"""Weight initializers with Keras's names, defaults and distributions, drawn with torch.

Shapes are in Keras's layout: a `Dense` kernel is `(in, out)` and a 2D
convolution kernel `(kernel_height, kernel_width, in, out)`, so the fans
that `VarianceScaling` divides by are the ones Keras computes.

An initializer with an integer `seed` returns the same values on every
call, and the same values Keras 3 draws with that seed on the CPU
(both seed a `torch.Generator` with it). With `seed=None` the values come
from torch's global generator, so `fitwell.utils.set_random_seed` makes
them reproducible. (Keras instead picks one hidden seed per unseeded
instance, so each of its instances repeats itself.)

Example:
    >>> kernel = get("glorot_uniform")((64, 32))
    >>> kernel.shape, kernel.dtype
    (torch.Size([64, 32]), torch.float32)
    >>> bool(kernel.abs().max() <= (6 / (64 + 32)) ** 0.5)
    True
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from fitwell.errors import unknown_name_message
from fitwell.initializers.base import DTypeLike, Initializer, Shape, as_dtype
from fitwell.initializers.constant import Constant, Identity, Ones, Zeros
from fitwell.initializers.distributions import Orthogonal, RandomNormal, RandomUniform, TruncatedNormal
from fitwell.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
    compute_fans,
)

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]

# Keras also exports every class under its snake_case name.
constant, zeros, ones, identity = Constant, Zeros, Ones, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal


# -- lookup ----------------------------------------------------------------------------------------
_CLASSES: tuple[type[Initializer], ...] = (
    Constant,
    Zeros,
    Ones,
    Identity,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    GlorotUniform,
    GlorotNormal,
    HeUniform,
    HeNormal,
    LecunUniform,
    LecunNormal,
    Orthogonal,
)


def _snake_case(name: str) -> str:
    return "".join(
        f"_{char}" if char.isupper() and index else char for index, char in enumerate(name)
    ).lower()


# Keras's table: each class name, its snake_case form, and a few historical aliases.
NAMES: dict[str, type[Initializer]] = {
    **{cls.__name__: cls for cls in _CLASSES},
    **{_snake_case(cls.__name__): cls for cls in _CLASSES},
    "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal,
    "normal": RandomNormal,
    "uniform": RandomUniform,
    "one": Ones,
    "zero": Zeros,
}


def _from_tensor(values: torch.Tensor | np.ndarray) -> Callable[..., torch.Tensor]:
    values = torch.as_tensor(values)

    def initialize(shape: Shape, dtype: DTypeLike = None) -> torch.Tensor:
        if tuple(shape) != tuple(values.shape):
            raise ValueError(
                f"This initializer holds fixed values of shape {tuple(values.shape)}, so `shape` must "
                f"match it. Received: shape={tuple(shape)}"
            )
        return values.to(as_dtype(dtype), copy=True)

    return initialize


def get(identifier: Any) -> Initializer | Callable[..., torch.Tensor] | None:
    """Resolve `kernel_initializer=`-style arguments, as `keras.initializers.get` does.

    Args:
        identifier: None (returned as is); a Keras name, exactly as Keras
            spells it (`"glorot_uniform"`, `"GlorotUniform"`, `"he_normal"`,
            `"zeros"`, `"normal"` …), built with its defaults; an
            `Initializer` instance (returned as is) or class (instantiated);
            a `serialize()` dict; a tensor or array, returned by the
            initializer for a shape equal to its own; or any callable
            `(shape, dtype=None) -> tensor`, used as is.

    Returns:
        An initializer, or None.

    Raises:
        ValueError: For an unknown name, with the closest known one.
        TypeError: For anything else.

    Example:
        >>> get("he_normal")
        HeNormal(seed=None, input_axes=None, output_axes=None)
        >>> type(get("GlorotUniform")).__name__
        'GlorotUniform'
        >>> get({"class_name": "Constant", "config": {"value": 3.0}})((2,))
        tensor([3., 3.])
    """
    if identifier is None or isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        if identifier not in NAMES:
            raise ValueError(unknown_name_message("initializer", "initializer", identifier, NAMES))
        return NAMES[identifier]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, torch.Tensor | np.ndarray | np.generic):
        return _from_tensor(identifier)
    if inspect.isclass(identifier) and issubclass(identifier, Initializer):
        return identifier()
    if callable(identifier) and not inspect.isclass(identifier):
        return identifier
    raise TypeError(
        "An initializer must be a name such as 'glorot_uniform', an Initializer such as "
        "fitwell.initializers.HeNormal(seed=0), a config dict or a function (shape, dtype=None). "
        f"Received: initializer={identifier!r} of type {type(identifier).__name__}"
    )


def serialize(initializer: Initializer | None) -> dict[str, Any] | None:
    """Return `{"class_name": ..., "config": ...}`, which `deserialize` and `get` accept.

    None stays None, so a layer can serialize an optional initializer as is.

    Example:
        >>> serialize(RandomUniform(-1.0, 1.0, seed=3))
        {'class_name': 'RandomUniform', 'config': {'seed': 3, 'minval': -1.0, 'maxval': 1.0}}
    """
    if initializer is None:
        return None
    if not isinstance(initializer, Initializer):
        raise TypeError(
            "Only Initializer instances can be serialized; a plain function has no config. "
            f"Received: initializer={initializer!r}. Subclass fitwell.initializers.Initializer "
            "and implement get_config()."
        )
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


def deserialize(
    config: dict[str, Any] | str, custom_objects: dict[str, type[Initializer]] | None = None
) -> Initializer:
    """Rebuild an initializer from `serialize()`'s output (Keras's own dicts work too).

    Args:
        config: `{"class_name": name, "config": {...}}`; extra keys Keras
            writes (`"module"`, `"registered_name"`) are ignored. A bare
            name is also accepted.
        custom_objects: Extra `{class_name: class}` for your own initializers.

    Returns:
        A new initializer.

    Raises:
        ValueError: When `class_name` names no initializer.

    Example:
        >>> deserialize({"class_name": "HeUniform", "config": {"seed": 7}}).seed
        7
    """
    known = {**NAMES, **(custom_objects or {})}
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or not isinstance(config.get("config", {}), dict):
        raise TypeError(
            "An initializer config must be {'class_name': <name>, 'config': {...}}. "
            f"Received: config={config!r}"
        )
    name = str(config.get("class_name"))
    if name not in known:
        raise ValueError(unknown_name_message("initializer", "class_name", name, known))
    return known[name].from_config(dict(config.get("config", {})))
