"""Checks a file's leading bytes before any parser sees it.

fitwell's readers never unpickle, so a pickle cannot run code through them.
These checks make the refusal explicit: a file that is not in the format
its extension promises is rejected before it is parsed, and a file that is
a pickle (what `torch.save` writes) is named as such, with
`UnsafeFileError`. Detection only reads bytes; `pickletools.genops` walks
the opcodes without executing any of them.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from pickletools import genops  # parses opcodes only; never executes them

from fitwell.errors import UnsafeFileError

__all__ = [
    "FORMATS",
    "check_file_format",
    "check_safetensors_bytes",
    "describe_pickle",
    "describe_pickle_bytes",
]

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
#: Files up to this size are parsed in full by the pickle detector.
PICKLE_SCAN_LIMIT = 1 << 20
#: The largest safetensors header the safetensors library accepts.
SAFETENSORS_HEADER_LIMIT = 100_000_000

#: Format key → words used in messages.
FORMATS = {"hdf5": "an HDF5 file", "safetensors": "a safetensors file", "zip": "a zip archive"}


def _is_hdf5(path: Path, size: int) -> bool:
    # The HDF5 superblock sits at byte 0, or after a user block of 512,
    # 1024, 2048, … bytes.
    with open(path, "rb") as file:
        offset = 0
        while offset + len(HDF5_SIGNATURE) <= size:
            file.seek(offset)
            if file.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
                return True
            offset = 512 if offset == 0 else offset * 2
    return False


def _is_safetensors_head(head: bytes, size: int) -> bool:
    # Layout: an 8-byte little-endian header length, then a JSON object.
    if size < 10:
        return False
    length = int.from_bytes(head[:8], "little")
    return 2 <= length <= min(size - 8, SAFETENSORS_HEADER_LIMIT) and head[8:9] == b"{"


def _is_safetensors(path: Path, size: int) -> bool:
    with open(path, "rb") as file:
        return _is_safetensors_head(file.read(9), size)


def _is_zip(path: Path, size: int) -> bool:
    with open(path, "rb") as file:
        return size >= 4 and file.read(4) == ZIP_SIGNATURE and zipfile.is_zipfile(path)


_CHECKS = {"hdf5": _is_hdf5, "safetensors": _is_safetensors, "zip": _is_zip}


def describe_pickle(path: str | os.PathLike) -> str | None:
    """Say what kind of pickle `path` is, or return None when it is not one.

    Recognises `torch.save` archives (zip files holding a `.pkl` member),
    pickles of protocol 2 and later by their header, and small pickles of
    any protocol by walking their opcodes (nothing is executed).

    Example:
        >>> import pickle, tempfile
        >>> path = Path(tempfile.mkdtemp()) / "x.bin"
        >>> _ = path.write_bytes(pickle.dumps({"a": 1}, protocol=5))
        >>> describe_pickle(path)
        'a Python pickle (protocol 5)'
    """
    path = Path(path)
    with open(path, "rb") as file:
        head = file.read(PICKLE_SCAN_LIMIT + 1)
    if head[:4] == ZIP_SIGNATURE and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return _describe_zip(archive)
    return _describe_head(head)


def describe_pickle_bytes(data: bytes) -> str | None:
    """`describe_pickle` for data in memory (a member of an archive)."""
    if data[:4] == ZIP_SIGNATURE and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _describe_zip(archive)
    return _describe_head(data[: PICKLE_SCAN_LIMIT + 1])


def _describe_zip(archive: zipfile.ZipFile) -> str | None:
    if any(name.endswith(".pkl") for name in archive.namelist()):
        return "a torch.save archive (a zip file holding a pickle)"
    return None


def _describe_head(head: bytes) -> str | None:
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return f"a Python pickle (protocol {head[1]})"
    if len(head) <= PICKLE_SCAN_LIMIT and _parses_as_pickle(head):
        return "a Python pickle"
    return None


def _parses_as_pickle(data: bytes) -> bool:
    last = None
    try:
        for opcode, _, _ in genops(data):
            last = opcode.name
    except Exception:  # noqa: BLE001 - any parse failure means "not a pickle"
        return False
    return last == "STOP"


def check_file_format(path: str | os.PathLike, expected: str, *, what: str) -> None:
    """Make sure `path` is in format `expected` before it is parsed.

    Args:
        path: The file.
        expected: `"hdf5"`, `"safetensors"` or `"zip"`.
        what: How messages name the file, e.g. `"weights file"`.

    Raises:
        FileNotFoundError: There is no such file.
        UnsafeFileError: The file is a pickle, which could run code if loaded.
        ValueError: The file is in another format, or damaged.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No {what} at {str(path)!r}. Check the path.")
    if _CHECKS[expected](path, path.stat().st_size):
        return
    kind = describe_pickle(path)
    if kind is not None:
        raise UnsafeFileError(_unsafe_message(repr(str(path)), kind, expected, what))
    raise ValueError(
        f"{str(path)!r} is not {FORMATS[expected]}: its first bytes do not match that format. "
        f"Received: a file of {path.stat().st_size} bytes named like a {what}. The file may be "
        "damaged or truncated, or be in another format; save it again with fitwell."
    )


def _unsafe_message(source: str, kind: str, expected: str, what: str) -> str:
    return (
        f"Refusing to load {source}: it is {kind}, not {FORMATS[expected]}. Loading a pickle can "
        "run arbitrary code, so fitwell never does. Received: a file named like a "
        f"{what} whose bytes are a pickle. If you made it yourself with torch.save, load it with "
        "torch.load(path, weights_only=True) and save it again with model.save_weights()."
    )


def check_safetensors_bytes(data: bytes, *, source: str) -> None:
    """Make sure `data` (an archive member) is safetensors before it is parsed.

    Raises:
        UnsafeFileError: The data is a pickle.
        ValueError: The data is something else.
    """
    if _is_safetensors_head(data, len(data)):
        return
    kind = describe_pickle_bytes(data)
    if kind is not None:
        raise UnsafeFileError(_unsafe_message(source, kind, "safetensors", "model file member"))
    raise ValueError(
        f"{source} is not safetensors data. Received: {len(data)} bytes in another format. "
        "The file is damaged, or was not written by fitwell; save the model again."
    )
