"""Every file fitwell writes goes through here: whole, or not at all, with the user's name on errors.

Whole files (weights, model files, backups, logs rewritten in place) are
built in memory first and handed to `write_bytes`. It writes them with
ordinary `os.write` calls to a temporary file in the same folder (a rename
across file systems is not atomic), syncs it to the disk, and only then
replaces the target with `os.replace`, which POSIX and Windows both perform
atomically. The folder entry is synced last, so the rename itself survives
a power cut. A process killed at any moment therefore leaves the previous
file whole; at worst a hidden `.<name>.<pid>.<random>.tmp` file stays
behind. No library writes to the disk directly: HDF5, for one, does not
survive a full disk (it can crash the process), while a failed `os.write`
is an ordinary `OSError`.

Files that grow by records (a CSV log) use `append_whole`: a record is
written whole, or the file is cut back to where it was.

Every `OSError` on the way (a full disk, a read-only folder, a path through
a file) is raised again naming the user's file, never the temporary one,
with the free space when the disk is full.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "TEMP_SUFFIX",
    "append_whole",
    "atomic_path",
    "check_overwrite",
    "check_writable",
    "write_bytes",
    "write_error",
]

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


def _free_bytes(path: Path) -> int | None:
    for folder in (path, *path.parents):
        with contextlib.suppress(OSError):
            if folder.is_dir():
                return shutil.disk_usage(folder).free
    return None


def write_error(error: OSError, target: str | os.PathLike, *, needed: int | None = None) -> OSError:
    """`error` said again about `target` (the user's file), with what to do; same errno and class.

    Example:
        >>> str(write_error(OSError(errno.EROFS, "Read-only file system"), "out/a.csv"))[:60]
        "[Errno 30] Cannot write 'out/a.csv': the file system is read"
    """
    name = os.fspath(target)
    code = error.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        free = _free_bytes(Path(name).parent)
        sizes = "" if needed is None else f"{needed} bytes to write, "
        sizes += "free space unknown" if free is None else f"{free} bytes free on its disk"
        text = (
            f"Not enough disk space to write {name!r} ({sizes}). The previous file, if any, is "
            "unchanged. Free some space or choose a folder on another disk"
        )
    elif code == errno.EROFS:
        text = f"Cannot write {name!r}: the file system is read-only. Choose a writable folder"
    elif code in (errno.EACCES, errno.EPERM):
        text = f"Cannot write {name!r}: permission denied. Choose a folder you can write to"
    elif code == errno.ENOTDIR:
        text = (
            f"Cannot write {name!r}: a part of its folder path is a file, not a folder. Choose "
            "another path, or move that file away"
        )
    elif code == errno.EISDIR:
        text = f"Cannot write {name!r}: it is a folder. Add a file name to the path"
    else:
        text = f"Cannot write {name!r}: {error.strerror or error}"
    return OSError(code, f"{text}.")


def check_writable(filepath: str | os.PathLike) -> None:
    """Make sure `filepath` could be written, before any work is done (nothing is created).

    The nearest existing folder on its path must be a folder one can
    create files in (tried for real, with a temporary file), and
    `filepath` itself must not be a folder.

    Raises:
        IsADirectoryError, NotADirectoryError, PermissionError, OSError:
            Naming `filepath` and saying what to do.
    """
    target = Path(filepath)
    if target.is_dir():
        raise write_error(OSError(errno.EISDIR, "Is a directory"), target)
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise write_error(OSError(errno.ENOTDIR, "Not a directory"), target)
    try:
        probe = _create_temp(folder, target.name)
    except OSError as error:
        raise write_error(error, target) from None
    with contextlib.suppress(OSError):
        probe.unlink()


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


def _write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of `data` to `fd` (os.write may take less than asked)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


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


def _make_folder(target: Path) -> None:
    existing = target.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():  # mkdir would say "File exists" about the file in the way
        raise write_error(OSError(errno.ENOTDIR, "Not a directory"), target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise write_error(error, target) from None


@contextlib.contextmanager
def atomic_path(filepath: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Give a temporary path to write to; on success it replaces `filepath`.

    For writers that can only write to a path. Prefer building the bytes
    in memory and calling `write_bytes`, which never lets a library touch
    the disk. When the block raises, the temporary file is removed and
    `filepath` is left as it was; an `OSError` is raised again naming
    `filepath`. Missing parent folders are created.

    Raises:
        FileExistsError: `filepath` exists and `overwrite=False`.
        OSError: When the disk refuses, naming `filepath`.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "notes.txt"
        >>> with atomic_path(target) as temp:
        ...     _ = temp.write_text("complete")
        >>> target.read_text()
        'complete'
    """
    target = check_overwrite(filepath, overwrite)
    if target.is_dir():
        raise write_error(OSError(errno.EISDIR, "Is a directory"), target)
    _make_folder(target)
    try:
        temp = _create_temp(target.parent, target.name)
    except OSError as error:
        raise write_error(error, target) from None
    try:
        yield temp
        _fsync_file(temp)
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError) and not isinstance(error, FileExistsError):
            raise write_error(error, target) from None
        raise
    _fsync_folder(target.parent)


def write_bytes(filepath: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> None:
    """Write `data` to `filepath` atomically, with plain `os.write` calls.

    Raises:
        FileExistsError: `filepath` exists and `overwrite=False`.
        OSError: When the disk refuses (full, read-only, ...): naming
            `filepath` and, for a full disk, the bytes needed and free.
            `filepath` keeps its previous contents.

    Example:
        >>> import tempfile
        >>> target = Path(tempfile.mkdtemp()) / "blob.bin"
        >>> write_bytes(target, b"abc")
        >>> target.read_bytes()
        b'abc'
    """
    target = check_overwrite(filepath, overwrite)
    if target.is_dir():
        raise write_error(OSError(errno.EISDIR, "Is a directory"), target)
    _make_folder(target)
    try:
        temp = _create_temp(target.parent, target.name)
    except OSError as error:
        raise write_error(error, target, needed=len(data)) from None
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_TRUNC)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, target)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise write_error(error, target, needed=len(data)) from None
        raise
    _fsync_folder(target.parent)


def append_whole(fd: int, data: bytes, *, target: str | os.PathLike) -> None:
    """Append `data` to the open file `fd` whole, or cut the file back to where it was.

    A full disk part-way through a record leaves no torn record: the file
    is truncated to its length before the call, and the error names `target`.

    Raises:
        OSError: When the disk refuses, naming `target`.
    """
    start = os.lseek(fd, 0, os.SEEK_END)
    try:
        _write_all(fd, data)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, start)
        raise write_error(error, target, needed=len(data)) from None
