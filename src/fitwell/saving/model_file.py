"""Whole-model `.keras` files: one zip archive of JSON and safetensors, nothing executable.

Members of the archive:

- `metadata.json`: `{"format": "fitwell.model", "format_version": 1, "fitwell_version", "date_saved"}`;
- `config.json`: `{"class_name": "fitwell.Sequential" | "fitwell.Functional", "config": {...},
  "compile_config": {...} | null}` (`graph_config`: a Sequential's input and layers, or a
  functional model's layers and the calls between them);
- `model.weights.safetensors`: the weights, by `state_dict` name;
- `optimizer.safetensors`: the optimizer state (when compiled and trained).

The name and the member layout follow Keras's `.keras` files, but the
contents are fitwell's own: Keras and fitwell cannot read each other's.
Layers come from an allow-list (`architecture`); loading only ever creates
those classes, with JSON arguments.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings
import zipfile
from typing import TYPE_CHECKING, Any

import torch
from safetensors.torch import load as safetensors_load
from safetensors.torch import save as safetensors_save

from fitwell.errors import UnsafeFileError
from fitwell.saving import compile_config, graph_config, tensor_tree, weights
from fitwell.saving.atomic import check_overwrite, write_bytes
from fitwell.saving.safetensors_file import cpu_copy
from fitwell.saving.safety import check_file_format, check_safetensors_bytes

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["check_savable", "load_model", "read_weights", "save_model"]

FORMAT = "fitwell.model"
FORMAT_VERSION = 2  # 1: a Sequential's input and layers at the top of config.json
METADATA, CONFIG, WEIGHTS, OPTIMIZER = (
    "metadata.json",
    "config.json",
    "model.weights.safetensors",
    "optimizer.safetensors",
)
#: JSON members larger than this are refused (a real config is a few kB).
JSON_LIMIT = 64 << 20
#: The most elements one shape or size in a file's description may ask for (8 GiB of float32).
#: Checked before anything is built, so a damaged or hostile file cannot make the loader allocate
#: absurd amounts of memory.
SIZE_LIMIT = 1 << 31
#: Deflate compresses at most about 1032:1; a member claiming more is damaged (or a zip bomb).
MAX_COMPRESSION_RATIO = 1100


def _check_extension(filepath: str | os.PathLike, action: str) -> None:
    if not os.fspath(filepath).endswith(".keras"):
        raise ValueError(
            f"{action} needs a file name ending in '.keras'. Received: filepath={os.fspath(filepath)!r}. "
            "For weights alone use model.save_weights('model.weights.h5') or '.safetensors'."
        )


def check_savable(model: Model) -> dict[str, Any]:
    """The model's description (refusing what a file cannot hold), once every weight exists.

    Raises:
        ValueError: For a model with weights not created yet.
        TypeError: For a model or layer that cannot be described as data.
    """
    weights.require_built(model, "model.save()")
    return graph_config.describe_model(model)


def save_model(model: Model, filepath: str | os.PathLike, *, overwrite: bool = True) -> None:
    """Write `model` (a built `Sequential` or functional model) to a `.keras` file, atomically.

    Compile settings that a file cannot hold (a custom loss function, say)
    are left out with a warning; architecture and weights are still saved.

    Raises:
        ValueError: For another file name or an unbuilt model.
        TypeError: For a model or layer that cannot be described as data.
    """
    _check_extension(filepath, "model.save()")
    check_overwrite(filepath, overwrite)
    config: dict[str, Any] = {**check_savable(model), "compile_config": None}
    state = {name: cpu_copy(tensor) for name, tensor in model.state_dict().items()}
    members = {WEIGHTS: safetensors_save(state, metadata={"format": "pt"})}
    if model.trainer is not None:
        try:
            config["compile_config"] = compile_config.describe(model)
        except compile_config.NotDescribableError as reason:
            warnings.warn(
                f"model.save() stored the architecture and weights but not the compile settings: "
                f"{reason}. After fitwell.load_model(), call compile() again.",
                stacklevel=4,  # the caller of model.save()
            )
        else:
            optimizer = model.trainer.optimizer
            if optimizer.is_built:
                members[OPTIMIZER] = tensor_tree.to_bytes(optimizer.state_dict())
    import fitwell  # late: fitwell imports the saving package while it initialises

    metadata = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "fitwell_version": fitwell.__version__,
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    }
    buffer = io.BytesIO()  # the whole archive in memory, then one atomic write
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(METADATA, json.dumps(metadata, indent=2))
        archive.writestr(CONFIG, json.dumps(config, indent=2))
        for name, data in members.items():
            archive.writestr(name, data)
    write_bytes(filepath, buffer.getbuffer(), overwrite=overwrite)


def _open(filepath: str | os.PathLike) -> zipfile.ZipFile:
    """Open and vet a model file: a fitwell zip, no pickle inside."""
    _check_extension(filepath, "load_model()")
    check_file_format(filepath, "zip", what="model file")
    archive = zipfile.ZipFile(filepath)
    names = archive.namelist()
    source = repr(os.fspath(filepath))
    if any(name.endswith(".pkl") for name in names):
        archive.close()
        raise UnsafeFileError(
            f"Refusing to load {source}: it is a torch.save archive (a zip file holding a pickle), "
            "not a fitwell model file. Loading a pickle can run arbitrary code, so fitwell never "
            "does. Received: a zip with .pkl members. If you made it yourself, rebuild the model "
            "in code and load its weights from a .weights.h5 or .safetensors file."
        )
    metadata = _json_member(archive, METADATA, source) if METADATA in names else {}
    if metadata.get("format") != FORMAT:
        archive.close()
        origin = (
            f"it was written by Keras {metadata['keras_version']}, whose model files fitwell does not read"
            if "keras_version" in metadata
            else "it lacks fitwell's metadata.json"
        )
        raise ValueError(
            f"{source} is not a fitwell model file: {origin}. Received: a zip archive with members "
            f"{sorted(names)[:8]}. Rebuild the model in code and load weights saved by fitwell."
        )
    return archive


def _json_member(archive: zipfile.ZipFile, name: str, source: str) -> Any:
    if name not in archive.namelist():
        raise ValueError(f"{source} lacks {name!r}. Received: a damaged model file; save the model again.")
    if archive.getinfo(name).file_size > JSON_LIMIT:
        raise ValueError(f"{source}: {name!r} is larger than {JSON_LIMIT} bytes. Received: a damaged file.")
    try:
        return json.loads(archive.read(name))
    except ValueError as error:
        raise ValueError(
            f"{source}: {name!r} is not valid JSON ({error}). Received: a damaged file."
        ) from error


def _tensors_member(archive: zipfile.ZipFile, name: str, source: str) -> bytes:
    if name not in archive.namelist():
        raise ValueError(f"{source} lacks {name!r}. Received: a damaged model file; save the model again.")
    info = archive.getinfo(name)
    if info.file_size > max(MAX_COMPRESSION_RATIO * info.compress_size, 1 << 20):
        raise ValueError(
            f"{source}: {name!r} claims {info.file_size} bytes from {info.compress_size} compressed ones, "
            "more than any real compression gives. Received: a damaged file; save the model again."
        )
    data = archive.read(name)
    check_safetensors_bytes(data, source=f"{source} member {name!r}")
    return data


def read_weights(filepath: str | os.PathLike) -> dict[str, torch.Tensor]:
    """The weights stored in a `.keras` file, by `state_dict` name (for `load_weights`)."""
    source = repr(os.fspath(filepath))
    with _open(filepath) as archive:
        return safetensors_load(_tensors_member(archive, WEIGHTS, source))


def load_model(filepath: str | os.PathLike, *, compile: bool = True) -> Model:  # noqa: A002 - Keras's name
    """Rebuild the model a `.keras` file describes; see `fitwell.saving.load_model`."""
    source = repr(os.fspath(filepath))
    with _open(filepath) as archive:
        config = _json_member(archive, CONFIG, source)
        tensors = safetensors_load(_tensors_member(archive, WEIGHTS, source))
        optimizer_blob = (
            _tensors_member(archive, OPTIMIZER, source) if OPTIMIZER in archive.namelist() else None
        )
    description = _description(config, source)
    _check_sizes(description, source)
    try:
        model = graph_config.build_model(description)
    except RuntimeError as error:
        if "allocate" not in str(error):
            raise
        raise ValueError(
            f"{source} describes a model too large for this machine's memory ({error}). Received: a "
            "damaged file, or a model saved on a larger machine. Load it where enough memory is free."
        ) from None
    weights.materialize(model, tensors)
    names, _ = weights.check(model, weights.shapes(tensors), strict=True, source=source)
    weights.assign(model, {name: tensors[name] for name in names})
    if compile and config.get("compile_config"):
        model.compile(**compile_config.compile_arguments(config["compile_config"]))
        if optimizer_blob is not None:
            state, _ = tensor_tree.from_bytes(optimizer_blob)
            optimizer = model.trainer.optimizer  # type: ignore[union-attr]
            optimizer.build(model.parameters())
            optimizer.load_state_dict(state)
    return model


def _description(config: Any, source: str) -> dict[str, Any]:
    """The model description in a config.json (version 1 files held a Sequential's parts at the top)."""
    if isinstance(config, dict) and config.get("class_name") == "Sequential":  # format version 1
        config = {
            "class_name": graph_config.SEQUENTIAL,
            "config": {"name": None, "input": config.get("input"), "layers": config.get("layers")},
        }
    if (
        not isinstance(config, dict)
        or config.get("class_name") not in (graph_config.SEQUENTIAL, graph_config.FUNCTIONAL)
        or not isinstance(config.get("config"), dict)
        or not isinstance(config["config"].get("layers"), list)
    ):
        raise ValueError(
            f"{source}: config.json does not describe a Sequential or functional model. Received: a "
            "damaged file."
        )
    return config


def _check_sizes(description: Any, source: str, path: str = "config") -> None:
    """Refuse any shape or integer size in the description beyond `SIZE_LIMIT`, before building.

    Seeds are integers too, but not sizes; they are skipped.
    """
    if isinstance(description, dict):
        for key, value in description.items():
            if "seed" in str(key):
                continue
            if key in ("shape", "batch_shape", "input_shape", "target_shape") and _is_int_list(value):
                count = 1
                for size in value:
                    count *= 1 if size is None else max(int(size), 1)
                if count > SIZE_LIMIT:
                    raise ValueError(
                        f"{source}: {path}.{key}={value} asks for {count} elements per sample, more than the "
                        f"limit of {SIZE_LIMIT}. Received: a damaged or hostile model file; nothing was "
                        "allocated. Save the model again from its code."
                    )
                continue
            _check_sizes(value, source, f"{path}.{key}")
    elif isinstance(description, list):
        for index, value in enumerate(description):
            _check_sizes(value, source, f"{path}[{index}]")
    elif isinstance(description, int) and not isinstance(description, bool) and abs(description) > SIZE_LIMIT:
        raise ValueError(
            f"{source}: {path}={description} is beyond the limit of {SIZE_LIMIT} for any size in a model "
            "file. Received: a damaged or hostile model file; nothing was allocated. Save the model again "
            "from its code."
        )


def _is_int_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(
        size is None or (isinstance(size, int) and not isinstance(size, bool)) for size in value
    )
