"""Saving and loading: weights files and whole-model files that cannot run code.

- `save_weights`/`load_weights`: `.weights.h5` (HDF5, one dataset per
  `state_dict` entry) or `.safetensors`, chosen by the file name.
  `load_weights` also reads a `.weights.h5` that Keras 3 wrote for the
  same architecture (see `keras_weights`).
- `save_model`/`load_model`: a whole `Sequential` model in one `.keras` zip
  file (architecture as JSON, weights, compile settings, optimizer state).

Nothing here unpickles, and every file is written atomically (see
`atomic`): a crash mid-save leaves the previous file intact.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fitwell import distributed
from fitwell.saving import architecture, hdf5, safetensors_file, weights
from fitwell.saving.architecture import custom_object_scope, register_keras_serializable
from fitwell.saving.weights import require_built

if TYPE_CHECKING:
    from torch import nn

    from fitwell.model import Model

__all__ = [
    "custom_object_scope",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
]

#: File-name ending → the module that reads and writes that format.
WEIGHTS_FORMATS: dict[str, ModuleType] = {hdf5.EXTENSION: hdf5, safetensors_file.EXTENSION: safetensors_file}
MODEL_EXTENSION = ".keras"


def _weights_format(filepath: str | os.PathLike) -> ModuleType:
    name = os.fspath(filepath)
    for extension, module in WEIGHTS_FORMATS.items():
        if name.endswith(extension):
            return module
    hint = ""
    if name.endswith((".h5", ".hdf5")):
        hint = " A plain '.h5' name means a whole Keras 2 model; weights files end in '.weights.h5'."
    elif name.endswith(MODEL_EXTENSION):
        hint = " A '.keras' file holds a whole model: use model.save(path) and fitwell.load_model(path)."
    elif name.endswith((".pt", ".pth", ".bin", ".ckpt")):
        hint = " Those are pickle-based torch formats, which can run code when loaded."
    raise ValueError(
        f"Unsupported weights file name. Received: filepath={name!r}. Expected a name ending in "
        f"'.weights.h5' (HDF5) or '.safetensors'.{hint} For example: model.save_weights('model.weights.h5')."
    )


def _is_keras_file(filepath: str | os.PathLike) -> bool:
    from fitwell.saving import keras_weights  # late: it imports the model classes, which import this package

    return keras_weights.is_keras_file(filepath)


def _version() -> str:
    import fitwell  # late: fitwell imports this package while it initialises

    return fitwell.__version__


def save_weights(model: nn.Module, filepath: str | os.PathLike, *, overwrite: bool = True) -> None:
    """Save every parameter and buffer of `model`, by `state_dict` name, atomically.

    Args:
        model: The model (it must be built: no lazy weights left).
        filepath: Ends in `.weights.h5` (HDF5) or `.safetensors`.
        overwrite: Whether an existing file may be replaced.

    Raises:
        ValueError: For another file name, or a model with lazy weights.
        FileExistsError: The file exists and `overwrite=False`.

    Example:
        >>> import tempfile, pathlib, fitwell
        >>> model = fitwell.Sequential([fitwell.Input(shape=(3,)), fitwell.layers.Dense(2)])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.weights.h5"
        >>> save_weights(model, path)
        >>> load_weights(model, path)
    """
    module = _weights_format(filepath)
    require_built(model, "save_weights()")
    metadata = {"format": "pt", "fitwell_version": _version()}
    # Under torchrun every process calls this: sharded (FSDP) weights are
    # gathered whole on all of them, and rank 0 alone writes the file.
    state = distributed.full_state_dict(model) if distributed.is_sharded(model) else model.state_dict()
    if distributed.is_main_process():
        module.write(filepath, state, metadata=metadata, overwrite=overwrite)


def load_weights(model: nn.Module, filepath: str | os.PathLike, *, strict: bool = True) -> None:
    """Load weights saved by `save_weights` (or from a `.keras` model file) into `model`.

    Every name and shape is checked before anything changes: with
    `strict=True` any difference raises one error listing all of them and
    the model keeps its weights; with `strict=False` the entries that match
    are loaded and the rest is reported in a warning. The file is never
    unpickled.

    A `.weights.h5` written by Keras 3's `model.save_weights()` is
    recognised by its layout (`layers/<key>/vars/<i>`) and loaded layer by
    layer: Keras's `dense_1` is the second `Dense` of `model.layers`, and
    each layer's `set_weights()` takes the arrays in Keras's layout. The
    optimizer state such a file may hold is not read.

    Args:
        model: A built model with the architecture that saved the file.
        filepath: A `.weights.h5`, `.safetensors` or `.keras` file.
        strict: Require an exact match of names and shapes (of layers and
            their weights, for a Keras file).

    Raises:
        ValueError: For mismatching names or shapes, or a damaged file.
        UnsafeFileError: For a pickle under one of these names.
        FileNotFoundError: When there is no file.
    """
    source = repr(os.fspath(filepath))
    if os.fspath(filepath).endswith(MODEL_EXTENSION):
        from fitwell.saving import model_file

        stored = model_file.read_weights(filepath)
        names, mismatch = weights.check(model, weights.shapes(stored), strict=strict, source=source)
        tensors = {name: stored[name] for name in names}
    elif _weights_format(filepath) is hdf5 and _is_keras_file(filepath):
        from fitwell.saving import keras_weights

        mismatch = keras_weights.load(model, filepath, strict=strict, source=source)
        weights.warn_skipped(mismatch, source)
        return
    else:
        module = _weights_format(filepath)
        names, mismatch = weights.check(model, module.read_shapes(filepath), strict=strict, source=source)
        tensors = module.read(filepath, names)
    if distributed.is_sharded(model):
        distributed.load_full_state_dict(model, tensors)  # each process keeps its shard
    else:
        weights.assign(model, tensors)
    weights.warn_skipped(mismatch, source)


def save_model(model: Model, filepath: str | os.PathLike, *, overwrite: bool = True) -> None:
    """Save a whole `Sequential` model to one `.keras` zip file; see `model_file`."""
    from fitwell.saving import model_file

    if distributed.is_sharded(model):
        raise ValueError(
            "model.save() cannot write a model whose parameters are sharded (strategy='fsdp'). "
            "Received a sharded model. Use model.save_weights('model.weights.h5'), which gathers "
            "the full weights, and rebuild the model from its code."
        )
    if distributed.is_main_process():
        model_file.save_model(model, filepath, overwrite=overwrite)


def load_model(
    filepath: str | os.PathLike,
    custom_objects: dict[str, type] | None = None,
    compile: bool = True,  # noqa: A002 - Keras's name
    safe_mode: bool = True,
) -> Any:
    """Rebuild a model saved by `model.save()`, compiled and with its optimizer state.

    Args:
        filepath: A `.keras` file written by fitwell.
        custom_objects: `{class name: class}` for custom layers that were
            not registered with `register_keras_serializable`.
        compile: Compile the model with the saved settings (when it was
            compiled) and restore the optimizer state.
        safe_mode: Accepted for Keras scripts; loading never runs code from
            the file, whatever its value.

    Returns:
        The `Sequential` or functional model.

    Raises:
        ValueError: For a file that fitwell did not write, or a damaged one.
        UnsafeFileError: For a pickle under this name.

    Example:
        >>> import tempfile, pathlib, fitwell
        >>> model = fitwell.Sequential([fitwell.Input(shape=(3,)), fitwell.layers.Dense(2)])
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.keras"
        >>> model.save(path)
        >>> fitwell.saving.load_model(path).layers[0].units
        2
    """
    from fitwell.saving import model_file

    del safe_mode  # fitwell is always safe: nothing in a file is code
    with architecture.custom_object_scope(custom_objects):
        return model_file.load_model(filepath, compile=compile)
