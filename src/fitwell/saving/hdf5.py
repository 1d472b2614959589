"""`.weights.h5` files: one HDF5 dataset per tensor, named by its `state_dict` key.

Any HDF5 tool (`h5dump`, `h5py`, HDFView) reads them. Datasets sit at the
root under their exact names (`layers.0.weight`), each with a `dtype`
attribute holding the torch dtype. Dtypes numpy lacks (bfloat16, float8)
are stored as integers of the same width and viewed back on load.
Only numeric datasets are read; nothing in an HDF5 file is executed.
A file Keras wrote (groups `layers/<key>/vars/<i>`) is read by
`keras_weights`, through `opened`.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator

import h5py
import numpy as np
import torch

from fitwell.saving.atomic import write_bytes
from fitwell.saving.safety import check_file_format

__all__ = ["opened", "read", "read_metadata", "read_shapes", "write"]

EXTENSION = ".weights.h5"
_BITS = {1: torch.uint8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


def _to_numpy(tensor: torch.Tensor) -> np.ndarray:
    tensor = tensor.detach().cpu().contiguous()
    try:
        return tensor.numpy()
    except TypeError:  # a dtype numpy does not have: store its bits
        return tensor.view(_BITS[tensor.element_size()]).numpy()


def write(
    filepath: str | os.PathLike,
    tensors: dict[str, torch.Tensor],
    *,
    metadata: dict[str, str] | None = None,
    overwrite: bool = True,
) -> None:
    """Write `tensors` to `filepath` atomically, one dataset each.

    The HDF5 image is built in memory and written by `atomic.write_bytes`:
    HDF5 itself never touches the disk, so a full disk is a clean `OSError`
    naming `filepath`, and the previous file stays whole.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "m.weights.h5"
        >>> write(path, {"layers.0.bias": torch.zeros(2, dtype=torch.bfloat16)})
        >>> read(path)
        {'layers.0.bias': tensor([0., 0.], dtype=torch.bfloat16)}
    """
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as file:
        for key, value in (metadata or {}).items():
            file.attrs[key] = value
        for name, tensor in tensors.items():
            dataset = file.create_dataset(name, data=_to_numpy(tensor))
            dataset.attrs["dtype"] = str(tensor.dtype).removeprefix("torch.")
    write_bytes(filepath, buffer.getbuffer(), overwrite=overwrite)


def _datasets(file: h5py.File) -> dict[str, h5py.Dataset]:
    found: dict[str, h5py.Dataset] = {}

    def collect(name: str, item: object) -> None:  # returning a value would stop the walk
        if isinstance(item, h5py.Dataset):
            found[name] = item

    file.visititems(collect)
    return found


@contextlib.contextmanager
def opened(filepath: str | os.PathLike) -> Iterator[h5py.File]:
    """The file, open for reading, once it is checked to be HDF5 (and not a pickle).

    Raises:
        ValueError: For a damaged file or one in another format.
        UnsafeFileError: For a pickle.
    """
    check_file_format(filepath, "hdf5", what="weights file")
    try:
        file = h5py.File(filepath, "r")
    except OSError as error:  # h5py's word for a file it cannot parse
        raise ValueError(
            f"{os.fspath(filepath)!r} could not be read as HDF5 ({error}). Received: a damaged or "
            "truncated file. Save it again."
        ) from error
    with file:
        yield file


def read_shapes(filepath: str | os.PathLike) -> dict[str, tuple[int, ...]]:
    """Name → shape of every dataset (nested ones as `group/name`), without reading data."""
    with opened(filepath) as file:
        return {name: tuple(dataset.shape) for name, dataset in _datasets(file).items()}


def read_metadata(filepath: str | os.PathLike) -> dict[str, str]:
    """The string attributes of the root group."""
    with opened(filepath) as file:
        return {key: value for key, value in file.attrs.items() if isinstance(value, str)}


def read(filepath: str | os.PathLike, names: list[str] | None = None) -> dict[str, torch.Tensor]:
    """The named datasets (all when `names` is None) as CPU tensors.

    Raises:
        ValueError: For a dataset that is not a plain numeric array.
    """
    with opened(filepath) as file:
        datasets = _datasets(file)
        return {name: _to_tensor(name, datasets[name]) for name in (datasets if names is None else names)}


def _to_tensor(name: str, dataset: h5py.Dataset) -> torch.Tensor:
    if dataset.dtype.kind not in "biufc":
        raise ValueError(
            f"Dataset {name!r} holds {dataset.dtype} values. Expected a numeric array (one per "
            "parameter or buffer). Received a file that was not written by save_weights()."
        )
    tensor = torch.from_numpy(np.ascontiguousarray(dataset[()]))
    stored = dataset.attrs.get("dtype")
    target = getattr(torch, stored, None) if isinstance(stored, str) else None
    if isinstance(target, torch.dtype) and target != tensor.dtype:
        if target.itemsize == tensor.element_size() and not target.is_complex:
            return tensor.view(target)
        return tensor.to(target)
    return tensor
