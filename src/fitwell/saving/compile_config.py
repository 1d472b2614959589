"""`compile()` settings as JSON: names, and built-in classes with their arguments.

A loss or metric given as a string is stored as that string. An instance
of one of fitwell's own classes (`fitwell.losses.BinaryCrossentropy(from_logits=True)`)
is stored as its class name and `get_config()`, and only after checking
that the class rebuilds an equal object from it, so a file never holds a
setting it would silently lose. Functions, torch modules and user classes
cannot be described: `describe` raises `NotDescribableError` saying which one,
and the model is saved without its compile settings.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import torch

from fitwell import losses, metrics, optimizers

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["NotDescribableError", "compile_arguments", "describe"]

_OUTPUTS = "__outputs__"
_SIMPLE = (bool, int, float, str, type(None), tuple, list, dict, torch.dtype)


class NotDescribableError(ValueError):
    """A compile setting that a model file cannot hold."""


def _exported(module: Any, base: type) -> dict[str, type]:
    """The concrete classes a package exports that derive from `base`."""
    found = {}
    for name in module.__all__:
        value = getattr(module, name, None)
        if isinstance(value, type) and issubclass(value, base) and value is not base:
            found[value.__name__] = value
    return found


def _loss_classes() -> dict[str, type]:
    excluded = {"LossFunctionWrapper", "TorchLoss"}  # they wrap user code
    return {k: v for k, v in _exported(losses, losses.Loss).items() if k not in excluded}


def _metric_classes() -> dict[str, type]:
    return {k: v for k, v in _exported(metrics, metrics.Metric).items() if k != "MeanMetricWrapper"}


def _optimizer_classes() -> dict[str, type]:
    return {k: v for k, v in _exported(optimizers, optimizers.Optimizer).items() if k != "TorchOptimizer"}


def _public(obj: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_") and isinstance(v, _SIMPLE)}


def _json_round_trip(value: Any, what: str) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError) as error:
        raise NotDescribableError(f"the {what} settings are not plain JSON values ({error})") from error


def _describe_instance(obj: Any, classes: dict[str, type], kind: str) -> dict[str, Any]:
    cls = type(obj)
    if classes.get(cls.__name__) is not cls:
        raise NotDescribableError(
            f"the {kind} {obj!r} is a {cls.__qualname__}, not a name or a built-in {kind} class"
        )
    config = _json_round_trip(obj.get_config(), f"{kind} {cls.__name__}")
    try:
        rebuilt = _build(cls, config)
    except (TypeError, ValueError) as error:
        raise NotDescribableError(
            f"the {kind} {cls.__name__} cannot be rebuilt from get_config() ({error})"
        ) from error
    if _public(rebuilt) != _public(obj) or _json_round_trip(rebuilt.get_config(), kind) != config:
        raise NotDescribableError(
            f"the {kind} {cls.__name__} has settings that its get_config() does not return"
        )
    return {"class_name": cls.__name__, "config": config}


def _build(cls: type, config: dict[str, Any]) -> Any:
    from_config = getattr(cls, "from_config", None)
    return from_config(config) if from_config is not None else cls(**config)


def _describe_spec(spec: Any, classes: dict[str, type], kind: str) -> Any:
    if spec is None or isinstance(spec, str):
        return spec
    if isinstance(spec, list | tuple):
        return [_describe_spec(item, classes, kind) for item in spec]
    if isinstance(spec, dict):
        if not all(isinstance(key, str) for key in spec):
            raise NotDescribableError(f"the {kind} dict has keys that are not output names")
        return {_OUTPUTS: {key: _describe_spec(value, classes, kind) for key, value in spec.items()}}
    return _describe_instance(spec, classes, kind)


def _decode_spec(node: Any, classes: dict[str, type], kind: str) -> Any:
    if node is None or isinstance(node, str):
        return node
    if isinstance(node, list):
        return [_decode_spec(item, classes, kind) for item in node]
    if isinstance(node, dict) and _OUTPUTS in node:
        return {key: _decode_spec(value, classes, kind) for key, value in node[_OUTPUTS].items()}
    if isinstance(node, dict) and node.get("class_name") in classes and isinstance(node.get("config"), dict):
        return _build(classes[node["class_name"]], node["config"])
    raise ValueError(
        f"The model file's compile settings name an unknown {kind}. Received: {node!r:.200}. "
        f"Known classes: {', '.join(sorted(classes))}. Load with compile=False and call compile()."
    )


def describe(model: Model) -> dict[str, Any]:
    """The arguments of the model's last `compile()`, as JSON.

    Raises:
        NotDescribableError: When a setting is a function, a module or a user class.
    """
    trainer = model.trainer
    if trainer is None:
        raise NotDescribableError("the model is not compiled")
    objectives = trainer.objectives
    optimizer = getattr(trainer.optimizer, "inner_optimizer", trainer.optimizer)  # fp16 wraps it
    if optimizer.get_config().get("learning_rate") is None:
        raise NotDescribableError("the optimizer's learning rate is a function, which cannot be described")
    optimizer_config = _describe_instance(optimizer, _optimizer_classes(), "optimizer")
    return {
        "optimizer": optimizer_config,
        "loss": _describe_spec(model.loss, _loss_classes(), "loss"),
        "metrics": _describe_spec(objectives.metrics_spec, _metric_classes(), "metric"),
        "weighted_metrics": _describe_spec(objectives.weighted_metrics_spec, _metric_classes(), "metric"),
        "loss_weights": _json_round_trip(objectives.loss_weights, "loss_weights"),
        "jit_compile": trainer.jit_compile,
        "guards": objectives.guards_enabled,
    }


def compile_arguments(config: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for `model.compile()` from what `describe` returned."""
    optimizer = _decode_spec(config["optimizer"], _optimizer_classes(), "optimizer")
    return {
        "optimizer": optimizer,
        "loss": _decode_spec(config.get("loss"), _loss_classes(), "loss"),
        "metrics": _decode_spec(config.get("metrics"), _metric_classes(), "metric"),
        "weighted_metrics": _decode_spec(config.get("weighted_metrics"), _metric_classes(), "metric"),
        "loss_weights": config.get("loss_weights"),
        "jit_compile": bool(config.get("jit_compile", False)),
        "guards": bool(config.get("guards", True)),
    }
