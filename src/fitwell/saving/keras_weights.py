"""Load a `.weights.h5` written by Keras 3 (`keras_model.save_weights(path)`) into a fitwell model.

Keras's layout, from `keras/src/saving/saving_lib.py` (`_save_state`,
`_save_container_state`, `H5IOStore`) and checked against files Keras
writes in `tests/saving/test_keras_weights.py`:

- Every object with a name gets a group `<path>/vars`: the name in its
  `name` attribute, its own variables as datasets `0`, `1`, … (trainable
  ones first, each kind in creation order). The model's own is the root
  `vars`, so every Keras file has one.
- A Sequential or functional model files its layers under
  `<path>/layers/<key>`. The key is the layer's class in snake_case,
  counted per class in `model.layers` order (`dense`, `dense_1`,
  `batch_normalization`, …), never its name. A nested model nests the same
  way (`layers/sequential/layers/dense`).
- Layers inside a layer (or a subclassed model) sit under their attribute
  names, visited in sorted order with `_private` names last; a list of
  layers is keyed like `layers`; a subclassed model also walks its
  `layers` at the place "layers" sorts to. A layer reachable twice is
  saved once, at its first place.
- A compiled model also writes `optimizer/vars`, which is not read here:
  fitwell's optimizers keep their own state (as Keras skips it when the
  model it loads into has no optimizer).

Each fitwell `Layer` is loaded with its own `set_weights()`, which takes
Keras's order and layout, so transposes stay the layers' business. A torch
module with weights (`torch.nn.Linear`) has no place in that layout and is
refused. Every layer is checked before any weight changes, and nothing in
the file is executed: it is read as HDF5 only, without following links.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import h5py
import numpy as np
import torch
from torch import nn

from fitwell import distributed
from fitwell.layers.layer import Layer
from fitwell.model import Model
from fitwell.saving import hdf5, weights
from fitwell.sequential import Sequential

__all__ = ["is_keras_file", "keras_key", "load"]

#: Root groups of a Keras file that hold training state rather than layer weights.
TRAINING_STATE_GROUPS = ("optimizer",)
ROOT = ""


def keras_key(module: nn.Module) -> str:
    """The name Keras files `module` under before counting: its class name in Keras's snake_case.

    A functional `fitwell.Model` is keyed as Keras's class for it, `Functional`.

    Example:
        >>> import fitwell
        >>> keras_key(fitwell.layers.Conv2D(2, 3)), keras_key(fitwell.layers.BatchNormalization())
        ('conv2d', 'batch_normalization')
    """
    name = "Functional" if type(module) is Model and _is_functional(module) else type(module).__name__
    # keras.src.utils.naming.to_snake_case, rule for rule ("Conv2D" -> "conv2d").
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def is_keras_file(filepath: str | os.PathLike) -> bool:
    """Whether an HDF5 weights file is in Keras's layout (a root `vars` or `layers` group).

    fitwell's own files hold datasets at the root, never groups, so the two
    layouts cannot be confused. The file is checked to be HDF5 (and not a
    pickle) before it is opened.
    """
    with hdf5.opened(filepath) as file:
        source = repr(os.fspath(filepath))
        return any(
            _kind(file, name, source=source) != "dataset" for name in ("vars", "layers") if name in file
        )


def load(model: nn.Module, filepath: str | os.PathLike, *, strict: bool, source: str) -> weights.Mismatch:
    """Load the Keras file into `model`'s layers; return what was left out (only when not `strict`).

    Raises:
        ValueError: For an unbuilt or sharded model, for any mismatch when
            `strict` (nothing is changed then), or for a file that is not
            plain numeric HDF5.
    """
    weights.require_built(model, "load_weights()")
    if distributed.is_sharded(model):
        raise ValueError(
            f"load_weights() cannot read a Keras file into a sharded model. Received: {source} for a "
            "model whose parameters are sharded (strategy='fsdp'). Load the file before training "
            "starts, when the model is still whole."
        )
    plan = _Walker(model).plan
    with hdf5.opened(filepath) as file:
        tree = _FileTree(file, source)
        mismatch, found = _compare(plan, tree)
        if mismatch and strict:
            raise ValueError(_mismatch_message(model, plan, tree, mismatch, source))
        arrays = {path: [_array(dataset, source) for dataset in datasets] for path, datasets in found.items()}
    updates = [(unit, _assembled(unit, plan, arrays)) for unit in plan.units]
    for unit, values in updates:
        if values is not None:
            unit.set_weights(values)
    return mismatch


# -- the model's side: where Keras would file each module ------------------------------------------------


@dataclass
class _Slot:
    """The weights one module owns directly, and where Keras keeps them."""

    owner: nn.Module
    path: str | None
    shapes: list[tuple[int, ...]] = field(default_factory=list)


@dataclass
class _Plan:
    """Every place the model expects in the file, and the layers to load."""

    paths: dict[int, str] = field(default_factory=dict)  # id(module) -> its group
    labels: dict[str, str] = field(default_factory=dict)  # group -> how messages name its module
    units: list[Layer] = field(default_factory=list)  # each loaded by one set_weights()
    containers: dict[str, int] = field(default_factory=dict)  # `layers` group -> the model's count
    unloadable: list[str] = field(default_factory=list)


class _Walker:
    """Walks the model the way Keras's saver walks the same model, assigning each module its group."""

    def __init__(self, model: nn.Module) -> None:
        self.plan = _Plan()
        self.visit(model, ROOT, in_unit=False)

    def visit(self, module: nn.Module, path: str, *, in_unit: bool) -> None:
        if id(module) in self.plan.paths:
            return  # Keras saves a shared layer once, at its first place
        self.plan.paths[id(module)] = path
        self.plan.labels[path] = _label(module)
        if not in_unit and isinstance(module, Model) and _owns_weights(module, recurse=False):
            self.plan.unloadable.append(
                f"{_label(module)} at {_shown(path)}: weights held by the model itself rather than by "
                "its layers"
            )
        if isinstance(module, Sequential) or _is_functional(module):
            self.container(module.layers, _join(path, "layers"), in_unit=in_unit)
        elif isinstance(module, Model) and "module" in dict(module.named_children()):
            self.plan.unloadable.append(
                f"{_label(module)} at {_shown(path)}: a wrapped torch module (fitwell.Model(module)) "
                "has no counterpart in Keras's layout"
            )
        elif isinstance(module, Layer):
            if not in_unit and not isinstance(module, Model):
                self.plan.units.append(module)
            self.attributes(module, path, in_unit=in_unit or not isinstance(module, Model))
        elif _owns_weights(module, recurse=True):
            del self.plan.labels[path]  # reported once, as unloadable, not also as missing
            self.plan.unloadable.append(
                f"{_label(module)} at {_shown(path)}: a torch module with weights, which Keras's layout has "
                f"no place for{_replacement(module)}"
            )

    def attributes(self, layer: Layer, path: str, *, in_unit: bool) -> None:
        children = dict(layer.named_children())
        names = [*children, "layers"] if isinstance(layer, Model) else list(children)
        for name in sorted(names, key=_name_key):
            if isinstance(layer, Model) and name == "layers":
                self.container(_flattened(layer.layers), _join(path, "layers"), in_unit=in_unit)
            elif isinstance(children[name], nn.ModuleList | nn.ModuleDict):
                self.container(_values(children[name]), _join(path, name), in_unit=in_unit)
            elif isinstance(children[name], Layer):
                self.visit(children[name], _join(path, name), in_unit=in_unit)
            # Other torch modules inside a layer are its machinery: their weights are checked per unit.

    def container(self, items: Iterable[object], path: str, *, in_unit: bool) -> None:
        used: dict[str, int] = {}
        count = 0
        for item in items:
            if isinstance(item, nn.ModuleList | nn.ModuleDict):
                self.container(_values(item), _join(path, _unique("container", used)), in_unit=in_unit)
            elif isinstance(item, nn.Module):
                self.visit(item, _join(path, _unique(keras_key(item), used)), in_unit=in_unit)
            else:
                continue  # a function in a functional graph: Keras's model.layers lists layers only
            count += 1
        self.plan.containers[path] = count


def _slots(unit: Layer, plan: _Plan) -> list[_Slot]:
    """`unit.get_weights()` split into runs by the module that owns each weight, in that order."""
    owners: dict[int, nn.Module] = {}
    for module in unit.modules():
        for tensor in [*module.parameters(recurse=False), *module.buffers(recurse=False)]:
            owners.setdefault(id(tensor), module)
    slots: list[_Slot] = []
    for tensor, array in zip(unit.weights, unit.get_weights(), strict=True):
        owner = owners[id(tensor)]
        if not slots or slots[-1].owner is not owner:
            slots.append(_Slot(owner, plan.paths.get(id(owner))))
        slots[-1].shapes.append(tuple(array.shape))
    return slots


# -- the file's side ---------------------------------------------------------------------------------------


class _FileTree:
    """The groups of a Keras file: each `vars` group's datasets, and each group's subgroups."""

    def __init__(self, file: h5py.File, source: str) -> None:
        self.source = source
        self.variables: dict[str, dict[str, h5py.Dataset]] = {}
        self.names: dict[str, str] = {}  # group -> the Keras object's name (the `name` attribute)
        self.subgroups: dict[str, list[str]] = {}
        self.stray: list[str] = []  # datasets outside any `vars` group: not Keras's
        self._walk(file, ROOT)

    def _walk(self, group: h5py.Group, path: str) -> None:
        subgroups = []
        for name in group:
            if path == ROOT and name in TRAINING_STATE_GROUPS:
                continue
            kind, inner = _kind(group, name, source=self.source, path=path), _join(path, name)
            if kind == "group" and name == "vars":
                self._read_vars(group[name], path)
            elif kind == "group":
                subgroups.append(name)
                self._walk(group[name], inner)
            else:
                self.stray.append(inner)
        self.subgroups[path] = subgroups

    def _read_vars(self, group: h5py.Group, path: str) -> None:
        datasets = {}
        for name in group:
            if _kind(group, name, source=self.source, path=_join(path, "vars")) != "dataset":
                self.stray.append(_join(path, f"vars/{name}"))
                continue
            dataset = group[name]
            if dataset.external:
                raise ValueError(
                    f"{self.source}: dataset {_join(path, f'vars/{name}')!r} keeps its data in another file "
                    f"({dataset.external[0][0]!r}). Received: an HDF5 file with external storage. Expected "
                    "a self-contained weights file; save the weights again with Keras."
                )
            datasets[name] = dataset
        self.variables[path] = datasets
        name = group.attrs.get("name")
        self.names[path] = name.decode() if isinstance(name, bytes) else str(name)

    def shapes(self, path: str) -> list[tuple[int, ...]] | None:
        """The shapes of `<path>/vars/0`, `1`, … (None when the datasets are not numbered 0..n-1)."""
        datasets = self.variables[path]
        if set(datasets) != {str(i) for i in range(len(datasets))}:
            return None
        return [tuple(datasets[str(i)].shape) for i in range(len(datasets))]

    def describe(self, path: str) -> str:
        datasets = self.variables[path]
        shapes = ", ".join(f"{name}: {tuple(datasets[name].shape)}" for name in sorted(datasets, key=_index))
        return f"{path} (Keras's {self.names.get(path)!r}{'; ' + shapes if shapes else ''})"


def _compare(plan: _Plan, tree: _FileTree) -> tuple[weights.Mismatch, dict[str, list[h5py.Dataset]]]:
    """What does not fit, and the datasets of every group that does (by group path)."""
    mismatch = weights.Mismatch(unloadable=list(plan.unloadable))
    expected: dict[str, list[tuple[int, ...]]] = dict.fromkeys(plan.labels, [])  # weightless unless a slot
    for unit in plan.units:
        for slot in _slots(unit, plan):
            if slot.path is None:
                mismatch.unloadable.append(
                    f"{_label(unit)} at {plan.paths[id(unit)]}: its weights sit in a torch module "
                    f"({type(slot.owner).__name__}) inside it, which Keras's layout has no place for"
                )
            else:
                expected[slot.path] = slot.shapes
    found: dict[str, list[h5py.Dataset]] = {}
    for path, shapes in expected.items():
        if path not in tree.variables:
            if path != ROOT:  # Keras always writes the root `vars`; only a foreign file lacks it
                mismatch.missing.append(f"{plan.labels[path]} at {path}")
            continue
        received = tree.shapes(path)
        if received == shapes:
            found[path] = [tree.variables[path][str(i)] for i in range(len(shapes))]
        else:
            shown = received if received is not None else sorted(tree.variables[path])
            mismatch.wrong_shape.append((f"{plan.labels[path]} at {_shown(path)}", shapes, shown))
    containers = set(plan.containers)
    mismatch.unexpected = [
        tree.describe(path)
        for path in tree.variables
        if path not in expected and (tree.variables[path] or path.rpartition("/")[0] in containers)
    ] + [f"{path} (a dataset outside any vars group)" for path in tree.stray]
    return mismatch, found


def _assembled(unit: Layer, plan: _Plan, arrays: dict[str, list[np.ndarray]]) -> list[np.ndarray] | None:
    """The unit's `set_weights()` arguments: the file's arrays where they fit, its own values elsewhere."""
    slots = _slots(unit, plan)
    if not any(slot.path in arrays for slot in slots):
        return None
    current = iter(unit.get_weights())
    values: list[np.ndarray] = []
    for slot in slots:
        kept = [next(current) for _ in slot.shapes]
        values.extend(arrays[slot.path] if slot.path in arrays else kept)
    return values


def _array(dataset: h5py.Dataset, source: str) -> np.ndarray:
    if dataset.attrs.get("dtype") == "bfloat16" and dataset.dtype.itemsize == 2:
        # Keras stores bfloat16 as opaque 2-byte values tagged with this attribute.
        bits = np.ascontiguousarray(dataset[()]).view(np.int16)
        return torch.from_numpy(bits).view(torch.bfloat16).float().numpy()
    if dataset.dtype.kind not in "biuf":
        raise ValueError(
            f"{source}: dataset {dataset.name!r} holds {dataset.dtype} values. Expected a numeric array "
            "(one per Keras variable). Received a damaged file, or one Keras did not write."
        )
    return np.asarray(dataset[()])


def _mismatch_message(
    model: nn.Module, plan: _Plan, tree: _FileTree, mismatch: weights.Mismatch, source: str
) -> str:
    counts = [
        f"  {path}: the file has {len(tree.subgroups.get(path, []))} layers "
        f"({', '.join(tree.subgroups.get(path, [])) or 'none'}), the model has {count}\n"
        for path, count in plan.containers.items()
        if len(tree.subgroups.get(path, [])) != count
    ]
    hint = (
        " Replace torch modules that hold weights with fitwell.layers (torch.nn.Linear -> "
        "fitwell.layers.Dense), whose set_weights() reads Keras's layout."
        if mismatch.unloadable
        else ""
    )
    return (
        f"The Keras weights in {source} do not fit {type(model).__name__} {_name(model)!r}; nothing was "
        f"loaded.\n{mismatch.describe()}\n{''.join(counts)}Received: a file written by Keras's "
        "save_weights() for a different architecture. Keras files each layer under its class and its "
        "place among the layers of that class (the second Dense of model.layers is layers/dense_1), "
        f"not under its name: build the fitwell model with the same layers in the same order.{hint} Or "
        "pass strict=False to load the layers that fit and skip the rest with a warning."
    )


# -- small helpers -----------------------------------------------------------------------------------------


def _kind(group: h5py.Group, name: str, *, source: str = "", path: str = ROOT) -> str:
    """ "group", "dataset" or "other" for a member reached by a hard link; links are refused."""
    link = group.get(name, getlink=True)
    if not isinstance(link, h5py.HardLink):
        raise ValueError(
            f"{source or 'The weights file'}: {_join(path, name)!r} is a link ({type(link).__name__}). "
            "Expected plain groups and datasets: fitwell does not follow links, which can point into other "
            "files. Received: a file Keras's save_weights() does not write; save the weights again."
        )
    kind = group.get(name, getclass=True)
    return "group" if kind is h5py.Group else "dataset" if kind is h5py.Dataset else "other"


def _is_functional(module: nn.Module) -> bool:
    return isinstance(module, Model) and "graph_layers" in dict(module.named_children())


def _owns_weights(module: nn.Module, *, recurse: bool) -> bool:
    # Integer buffers (BatchNorm's step counter) are bookkeeping, not weights: Layer.weights skips them too.
    return any(True for _ in module.parameters(recurse=recurse)) or any(
        buffer.is_floating_point() for buffer in module.buffers(recurse=recurse)
    )


def _flattened(items: Iterable[nn.Module]) -> list[nn.Module]:
    # A subclassed Keras model's `layers` lists the layers inside its list attributes one by one.
    found: list[nn.Module] = []
    for item in items:
        found.extend(_flattened(_values(item)) if isinstance(item, nn.ModuleList | nn.ModuleDict) else [item])
    return found


def _values(container: nn.ModuleList | nn.ModuleDict) -> list[nn.Module]:
    return list(container.values()) if isinstance(container, nn.ModuleDict) else list(container)


def _unique(key: str, used: dict[str, int]) -> str:
    # saving_lib._get_unique_name: "dense", then "dense_1", "dense_2", … within one container.
    if key in used:
        used[key] += 1
        return f"{key}_{used[key]}"
    used[key] = 0
    return key


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name  # saving_lib._name_key: private names last


def _index(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (1 << 62, name)


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _shown(path: str) -> str:
    return path or "the root"


def _name(module: nn.Module) -> str:
    return module.name if isinstance(module, Layer) else type(module).__name__


def _label(module: nn.Module) -> str:
    if isinstance(module, Layer):
        return f"{module.name!r} ({type(module).__name__})"
    return f"a torch {type(module).__name__}"


def _replacement(module: nn.Module) -> str:
    equivalents = {
        "Linear": "Dense",
        "Conv2d": "Conv2D",
        "Embedding": "Embedding",
        "BatchNorm1d": "BatchNormalization",
        "BatchNorm2d": "BatchNormalization",
    }
    name = equivalents.get(type(module).__name__)
    return f" (use fitwell.layers.{name})" if name else ""
