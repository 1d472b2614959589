"""Keras's dataset cache: the same folder and file names, a download only when a file is missing.

Files live in `$KERAS_HOME/datasets` (default `~/.keras/datasets`, or
`/tmp/.keras/datasets` when that folder is not writable), exactly where
`keras.utils.get_file` puts them, so fitwell and Keras share one copy.

A download goes to a temporary file in the same folder, is checked
against the published SHA-256 hash, and only then renamed into place:
an interrupted or corrupted download never leaves a file behind, so a
file found in the cache is used as it is.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
from pathlib import Path

from fitwell.errors import FitwellError, UnsafeFileError

__all__ = ["DownloadError", "cache_folder", "cached_file", "extracted_archive", "keras_home"]

_CHUNK = 1 << 20


class DownloadError(FitwellError, OSError):
    """Raised when a dataset file is not in the cache and cannot be downloaded."""


def keras_home() -> Path:
    """`$KERAS_HOME`, else `~/.keras` (`/tmp/.keras` when the home folder is not writable)."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]).expanduser()
    home = Path("~").expanduser()
    return (home if os.access(home, os.W_OK) else Path("/tmp")) / ".keras"


def cache_folder(cache_subdir: str = "datasets") -> Path:
    """The folder Keras's `get_file(..., cache_subdir=cache_subdir)` uses."""
    base = keras_home()
    # Keras creates its home folder when it is imported, then falls back to
    # /tmp/.keras when that folder is not writable.
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = Path(tempfile.gettempdir()) / ".keras"
    return base / cache_subdir


def _hasher(file_hash: str):  # noqa: ANN202 - a hashlib object
    return hashlib.sha256() if len(file_hash) == 64 else hashlib.md5()


def _manual_steps(origin: str, target: Path) -> str:
    return (
        f"To use the dataset without network access, download {origin} on another machine and "
        f"copy it to {target} (the cache Keras uses too; set KERAS_HOME to use another folder)."
    )


def _download(origin: str, target: Path, file_hash: str | None) -> None:
    # Imported here: `import fitwell` should not pay for the HTTP stack.
    import urllib.error
    import urllib.request

    from tqdm import tqdm

    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"Downloading data from {origin}")
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    hasher = _hasher(file_hash) if file_hash else None
    try:
        with os.fdopen(handle, "wb") as output:
            try:
                with urllib.request.urlopen(origin, timeout=60) as response:
                    total = response.headers.get("Content-Length")
                    with tqdm(total=int(total) if total else None, unit="B", unit_scale=True) as progress:
                        while chunk := response.read(_CHUNK):
                            output.write(chunk)
                            progress.update(len(chunk))
                            if hasher is not None:
                                hasher.update(chunk)
            except (urllib.error.URLError, OSError) as error:
                reason = getattr(error, "reason", error)
                raise DownloadError(
                    f"Could not download {origin}: {reason}. The file is not in the cache at {target}. "
                    + _manual_steps(origin, target)
                ) from error
        if hasher is not None and hasher.hexdigest() != file_hash:
            raise DownloadError(
                f"The file downloaded from {origin} is incomplete or corrupted: its hash is "
                f"{hasher.hexdigest()}, expected {file_hash}. Nothing was saved; try again. "
                + _manual_steps(origin, target)
            )
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def cached_file(fname: str, *, origin: str, file_hash: str | None, cache_subdir: str = "datasets") -> Path:
    """The path of `fname` in Keras's cache, downloaded from `origin` first when missing.

    Args:
        fname: File name inside the cache folder (no directories).
        origin: URL to download from.
        file_hash: SHA-256 (64 hex digits) or MD5 of the file, checked after
            a download; None skips the check.
        cache_subdir: Folder under the Keras home.

    Raises:
        ValueError: When `fname` contains a directory.
        DownloadError: When the file is missing and cannot be downloaded, or
            the download does not match `file_hash`.
    """
    if not fname or os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(
            "`path` must be a file name inside the cache folder, without directories. "
            f"Received: path={fname!r}"
        )
    target = cache_folder(cache_subdir) / fname
    if not target.exists():
        _download(origin, target, file_hash)
    return target


def _safe_members(archive: tarfile.TarFile, destination: Path) -> list[tarfile.TarInfo]:
    root = destination.resolve()
    members = []
    for member in archive.getmembers():
        inside = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not inside.is_relative_to(root):
            raise UnsafeFileError(
                f"Refusing to extract {member.name!r} from {archive.name}: archives may only hold "
                "plain files and folders inside the extraction folder. "
                "Delete the archive and download it again."
            )
        members.append(member)
    return members


def extracted_archive(folder: str, *, origin: str, file_hash: str, expected: list[str]) -> Path:
    """The folder a `.tar.gz` from `origin` is extracted into, in Keras's layout.

    Keras stores the archive as `<folder>_archive` and extracts it into
    `<folder>`. When the `expected` files (relative to `<folder>`) are
    already there, nothing is read or downloaded.
    """
    destination = cache_folder() / folder
    if all((destination / name).is_file() for name in expected):
        return destination
    archive_path = cached_file(f"{folder}_archive", origin=origin, file_hash=file_hash)
    # Extract next to the destination, then rename: no half-extracted folder survives a failure.
    staging = Path(tempfile.mkdtemp(dir=destination.parent, prefix=f".{folder}."))
    try:
        with tarfile.open(archive_path) as archive:
            members = _safe_members(archive, staging)
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4 checks the members again
                archive.extractall(staging, members=members, filter="data")
            else:
                archive.extractall(staging, members=members)
        missing = [name for name in expected if not (staging / name).is_file()]
        if missing:
            raise ValueError(
                f"The archive {archive_path} lacks {missing}. Delete it to download it again from {origin}."
            )
        if destination.exists():
            shutil.rmtree(destination)
        os.replace(staging, destination)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return destination
