"""Atomic file writes: a reader finds the old file or the new one, never a torn one.

Every file fitwell writes goes through `atomic_path`. The data first goes
to a temporary file in the same folder (a rename across file systems is not
atomic), is flushed to the disk, and only then replaces the target with
`os.replace`, which POSIX and Windows both perform atomically. The folder
entry is synced last, so the rename itself survives a power cut. A process
killed at any moment therefore leaves the previous file whole; at worst a
hidden `.<name>.<pid>.<random>.tmp` file stays behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "atomic_path", "check_overwrite", "write_bytes"]

#: Suffix of the temporary files (they also start with a dot).
TEMP_SUFFIX = ".tmp"


def check_overwrite(filepath: str | os.PathLike, overwrite: bool) -> Path:
    """Return `filepath` as a `Path`; raise if it exists and `overwrite` is False.

    Raises:
        FileExistsError: The file exists and `overwrite=False`.
    """
    target = Path(filepath)
    if not overwrite and target.exists():
        raise FileExistsError(
            f"Not overwriting an existing file. Received: filepath={str(target)!r} with overwrite=False. "
            "Pass overwrite=True to replace it, or choose another path."
        )
    return target


def _create_temp(folder: Path, name: str) -> Path:
    # os.open with O_EXCL instead of tempfile.mkstemp: mkstemp creates the
    # file with mode 0o600, while 0o666 lets the user's umask decide, as for
    # any ordinary file.
    while True:
        candidate = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}"
        try:
            fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return candidate


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    # Syncing a folder makes the rename durable on POSIX. Windows cannot open
    # folders this way and some network file systems refuse; the rename is
    # still atomic there, only its durability after a power cut is weaker.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_path(filepath: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Give a temporary path to write to; on success it replaces `filepath`.

    The caller writes the complete file to the yielded path. When the block
    ends without an error, the file is synced to the disk and renamed over
    `filepath`. When the block raises, the temporary file is removed and
    `filepath` is left as it was. Missing parent folders are created.

    Args:
        filepath: The file to (re)place.
        overwrite: Whether an existing `filepath` may be replaced.

    Raises:
        FileExistsError: `filepath` exists and `overwrite=False`.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> with atomic_path(target) as temp:
        ...     _ = temp.write_text("complete")
        >>> target.read_text()
        'complete'
    """
    target = check_overwrite(filepath, overwrite)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    temp = _create_temp(folder, target.name)
    try:
        yield temp
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_folder(folder)


def write_bytes(filepath: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> None:
    """Write `data` to `filepath` atomically.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "blob.bin"
        >>> write_bytes(target, b"abc")
        >>> target.read_bytes()
        b'abc'
    """
    with atomic_path(filepath, overwrite=overwrite) as temp, open(temp, "wb") as file:
        file.write(data)
