"""`.safetensors` files: a JSON header and raw tensor bytes, nothing executable.

Read and written through the `safetensors` package. A file is checked to
really be safetensors before the library opens it (see `safety`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import safetensors
import safetensors.torch
import torch

from fitwell.saving.atomic import write_bytes
from fitwell.saving.safety import check_file_format

__all__ = ["cpu_copy", "read", "read_metadata", "read_shapes", "write"]

EXTENSION = ".safetensors"


def cpu_copy(tensor: torch.Tensor) -> torch.Tensor:
    """A detached, contiguous CPU copy: safetensors refuses views and tensors that share memory."""
    return tensor.detach().to("cpu", copy=True).contiguous()


def write(
    filepath: str | os.PathLike,
    tensors: dict[str, torch.Tensor],
    *,
    metadata: dict[str, str] | None = None,
    overwrite: bool = True,
) -> None:
    """Write `tensors` (any device) to `filepath` atomically.

    Tensors are copied to the CPU first; copies also untie weights that
    share memory, which safetensors would refuse.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "w.safetensors"
        >>> write(path, {"bias": torch.zeros(2)})
        >>> read(path)
        {'bias': tensor([0., 0.])}
    """
    cpu = {name: cpu_copy(tensor) for name, tensor in tensors.items()}
    write_bytes(filepath, safetensors.torch.save(cpu, metadata=metadata), overwrite=overwrite)


@contextlib.contextmanager
def _opened(filepath: str | os.PathLike) -> Iterator[Any]:
    check_file_format(filepath, "safetensors", what="safetensors file")
    try:
        with safetensors.safe_open(filepath, framework="pt") as file:
            yield file
    except safetensors.SafetensorError as error:
        raise ValueError(
            f"{os.fspath(filepath)!r} could not be read as safetensors ({error}). Received: a damaged "
            "or truncated file. Save it again."
        ) from error


def read_shapes(filepath: str | os.PathLike) -> dict[str, tuple[int, ...]]:
    """Name → shape of every tensor, from the header alone."""
    with _opened(filepath) as file:
        return {name: tuple(file.get_slice(name).get_shape()) for name in file.keys()}  # noqa: SIM118


def read(filepath: str | os.PathLike, names: list[str] | None = None) -> dict[str, torch.Tensor]:
    """The named tensors (all when `names` is None), on the CPU."""
    with _opened(filepath) as file:
        return {name: file.get_tensor(name) for name in (file.keys() if names is None else names)}  # noqa: SIM118


def read_metadata(filepath: str | os.PathLike) -> dict[str, str]:
    """The string metadata of the header (`{}` when there is none)."""
    with _opened(filepath) as file:
        return dict(file.metadata() or {})
