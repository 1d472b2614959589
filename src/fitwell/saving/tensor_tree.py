"""Nested Python state as JSON plus a flat dict of tensors: pickle's job, without pickle.

Optimizer, metric, callback and random-generator states are nested dicts,
lists and tuples of numbers, strings, tensors and numpy arrays. `flatten`
moves every tensor and array into a flat `{key: tensor}` dict (stored with
safetensors) and leaves a JSON-able tree whose leaves point at those keys;
`unflatten` inverts it exactly: tuples stay tuples, integer dict keys stay
integers, numpy scalars and arrays come back as numpy, tensors come back on
the device they left. Anything else is refused with the path to the
offending value, so nothing is ever saved that could not be read back.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as safetensors_load
from safetensors.torch import save as safetensors_save

from fitwell.saving.safetensors_file import cpu_copy

__all__ = ["flatten", "from_bytes", "to_bytes", "unflatten"]

# Keys that tag non-JSON nodes; a dict using one of them as a key is stored
# in the item-list form, so a tag can never be confused with user data.
_TENSOR, _ARRAY, _TUPLE, _ITEMS, _SCALAR = (
    "__tensor__",
    "__ndarray__",
    "__tuple__",
    "__items__",
    "__npscalar__",
)
_TAGS = {_TENSOR, _ARRAY, _TUPLE, _ITEMS, _SCALAR}
#: Key of the JSON tree in the safetensors metadata written by `to_bytes`.
TREE_KEY = "fitwell.tree"


def flatten(tree: Any, *, prefix: str = "") -> tuple[Any, dict[str, torch.Tensor]]:
    """Split `tree` into a JSON-able structure and a flat dict of CPU tensors.

    Args:
        tree: Nested dicts, lists and tuples of None, bools, numbers, strings,
            tensors, numpy arrays and numpy scalars.
        prefix: Prepended to every tensor key (to share one file).

    Returns:
        `(json_tree, tensors)`.

    Raises:
        TypeError: For any other value, naming where it sits in `tree`.

    Example:
        >>> tree, tensors = flatten({"step": 3, "betas": (0.9, 0.999), 0: torch.ones(2)})
        >>> sorted(tensors), unflatten(tree, tensors)[0]
        (['t0'], tensor([1., 1.]))
    """
    tensors: dict[str, torch.Tensor] = {}

    def store(tensor: torch.Tensor) -> str:
        key = f"{prefix}t{len(tensors)}"
        tensors[key] = cpu_copy(tensor)
        return key

    def encode(value: Any, where: str) -> Any:
        if value is None or isinstance(value, bool | int | float | str) and not isinstance(value, np.generic):
            return value
        if isinstance(value, torch.Tensor):
            return {_TENSOR: store(value), "device": str(value.device)}
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biufc":
                raise TypeError(_unsupported(where, f"a numpy array of dtype {value.dtype}"))
            return {_ARRAY: store(torch.from_numpy(np.ascontiguousarray(value)))}
        if isinstance(value, np.generic) and value.dtype.kind in "biuf":
            return {_SCALAR: value.dtype.str, "value": value.item()}
        if isinstance(value, tuple):
            return {_TUPLE: [encode(item, f"{where}[{i}]") for i, item in enumerate(value)]}
        if isinstance(value, list):
            return [encode(item, f"{where}[{i}]") for i, item in enumerate(value)]
        if isinstance(value, dict):
            if all(isinstance(key, str) and key not in _TAGS for key in value):
                return {key: encode(item, f"{where}[{key!r}]") for key, item in value.items()}
            return {
                _ITEMS: [
                    [encode(key, f"{where} key {key!r}"), encode(item, f"{where}[{key!r}]")]
                    for key, item in value.items()
                ]
            }
        raise TypeError(_unsupported(where, f"a {type(value).__name__}"))

    return encode(tree, "state"), tensors


def _unsupported(where: str, what: str) -> str:
    return (
        f"Cannot store {what} at {where} without pickle. Expected: None, bools, numbers, "
        "strings, tensors, numpy arrays, and lists, tuples or dicts of them. Convert the "
        "value in the object's state_dict() (e.g. a dataclass to a dict)."
    )


def unflatten(tree: Any, tensors: dict[str, torch.Tensor]) -> Any:
    """Rebuild what `flatten` split; tensors return to their original device when it exists.

    Raises:
        ValueError: When the tree names a tensor that `tensors` lacks.
    """

    def tensor(key: str) -> torch.Tensor:
        if key not in tensors:
            raise ValueError(
                f"The saved state refers to tensor {key!r}, which the file does not contain. "
                "Received: a damaged or hand-edited file. Save it again."
            )
        return tensors[key]

    def decode(node: Any) -> Any:
        if isinstance(node, list):
            return [decode(item) for item in node]
        if not isinstance(node, dict):
            return node
        if _TENSOR in node:
            return tensor(node[_TENSOR]).to(_available(node.get("device", "cpu")))
        if _ARRAY in node:
            return tensor(node[_ARRAY]).numpy()
        if _SCALAR in node:
            return np.dtype(node[_SCALAR]).type(node["value"])
        if _TUPLE in node:
            return tuple(decode(item) for item in node[_TUPLE])
        if _ITEMS in node:
            return {decode(key): decode(item) for key, item in node[_ITEMS]}
        return {key: decode(item) for key, item in node.items()}

    return decode(tree)


def _available(device: str) -> torch.device:
    """`device` when this machine has it, else the CPU (a GPU run resumed on a CPU)."""
    parsed = torch.device(device)
    if parsed.type == "cuda" and (
        not torch.cuda.is_available() or (parsed.index or 0) >= torch.cuda.device_count()
    ):
        return torch.device("cpu")
    if parsed.type not in ("cpu", "cuda"):
        return torch.device("cpu")
    return parsed


def to_bytes(
    tree: Any, *, extra: dict[str, torch.Tensor] | None = None, metadata: dict[str, str] | None = None
) -> bytes:
    """Serialize `tree` (plus `extra` named tensors) as one safetensors blob.

    The JSON tree travels in the safetensors metadata under `TREE_KEY`, so
    the blob is readable by any safetensors tool and holds no pickle.

    Example:
        >>> state, tensors = from_bytes(to_bytes({"lr": 0.1, "m": torch.zeros(2)}))
        >>> state["lr"], state["m"], tensors
        (0.1, tensor([0., 0.]), {})
    """
    json_tree, tensors = flatten(tree, prefix="state/")
    named = {key: cpu_copy(value) for key, value in (extra or {}).items()}
    clash = set(named) & set(tensors)
    if clash:
        raise ValueError(f"Tensor names {sorted(clash)} are reserved. Received them in `extra`.")
    header = {**(metadata or {}), TREE_KEY: json.dumps(json_tree, allow_nan=True)}
    return safetensors_save({**tensors, **named}, metadata=header)


def from_bytes(data: bytes) -> tuple[Any, dict[str, torch.Tensor]]:
    """Read a blob written by `to_bytes`: returns `(tree, extra_tensors)`."""
    tensors = safetensors_load(data)
    metadata = _metadata(data)
    return _split(metadata, tensors)


def _split(metadata: dict[str, str], tensors: dict[str, torch.Tensor]) -> tuple[Any, dict[str, torch.Tensor]]:
    if TREE_KEY not in metadata:
        raise ValueError(
            f"This safetensors data holds no saved state (no {TREE_KEY!r} metadata). "
            "Received: plain tensors. Was it written by fitwell?"
        )
    tree = unflatten(json.loads(metadata[TREE_KEY]), tensors)
    extra = {key: value for key, value in tensors.items() if not key.startswith("state/")}
    return tree, extra


def _metadata(data: bytes) -> dict[str, str]:
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + length])
    return dict(header.get("__metadata__", {}))
