"""Faults survived: a full disk or a read-only folder is a clean `OSError` naming the user's file.

Each case runs two ways where it can: on a real 64 kB tmpfs (or a read-only
bind mount) when the tests run as root and `mount` works, and with `os.write`
made to fail with ENOSPC part-way through for files in the test folder, so
something real always runs. Either way the previous files stay whole, no
temporary file is left behind, and a bad folder is refused before training.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import fitwell
from bad_inputs.catalogue import CommandError, files_in, make_world, run_cli, small_classifier, weights_of
from fitwell.callbacks import BackupAndRestore, CSVLogger, ModelCheckpoint, TensorBoard


def _mount(*arguments: str) -> None:
    done = subprocess.run(["mount", *arguments], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"`mount {' '.join(arguments)}` failed: {done.stderr.strip()}")


@contextlib.contextmanager
def _mounted(folder: Path, *arguments: str):
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root and `mount` to make a small or read-only file system")
    _mount(*arguments)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def full_disk(tmp_path):
    """A 64 kB tmpfs, ready to fill."""
    folder = tmp_path / "disk"
    folder.mkdir()
    with _mounted(folder, "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)):
        yield folder


@pytest.fixture
def read_only(tmp_path):
    """A folder holding `kept.txt`, bind-mounted read-only onto itself."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept\n")
    with _mounted(folder, "--bind", str(folder), str(folder)):
        _mount("-o", "remount,ro,bind", str(folder))
        yield folder


@contextlib.contextmanager
def _emulated_full_disk(folder: Path, free: int):
    """`os.write` to files under `folder` writes at most `free` bytes in all, then fails with ENOSPC."""
    real_write = os.write
    left = [free]

    def write(fd: int, data) -> int:
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            where = ""
        if not where.startswith(str(folder)):
            return real_write(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        written = real_write(fd, memoryview(data)[: left[0]])
        left[0] -= written
        return written

    os.write = write
    try:
        yield
    finally:
        os.write = real_write


@pytest.fixture(params=["tmpfs", "emulated"])
def small_disk(request, tmp_path):
    """A folder with about 64 kB free: a real tmpfs, or `os.write` failing past that (always runs)."""
    if request.param == "tmpfs":
        yield request.getfixturevalue("full_disk")
        return
    folder = tmp_path / "disk"
    folder.mkdir()
    with _emulated_full_disk(folder, 64 << 10):
        yield folder


def _big_model() -> fitwell.Sequential:
    # About 400 kB of weights: more than the small disk holds.
    return fitwell.Sequential([fitwell.Input(shape=(300,)), fitwell.layers.Dense(300)])


def _assert_clean_full_disk_error(error: OSError, target: Path) -> None:
    message = str(error)
    assert error.errno == errno.ENOSPC
    assert repr(str(target)) in message and "bytes free" in message and "unchanged" in message
    assert ".tmp" not in message and error.__cause__ is None


@pytest.mark.parametrize(
    ("name", "save"),
    [
        ("m.weights.h5", lambda model, path: model.save_weights(path)),
        ("m.safetensors", lambda model, path: model.save_weights(path)),
        ("m.keras", lambda model, path: model.save(path)),
    ],
)
def test_a_full_disk_keeps_the_old_file_and_names_the_target(small_disk, name, save):
    target = small_disk / name
    save(small_classifier(), target)
    old = target.read_bytes()
    with pytest.raises(OSError) as caught:
        save(_big_model(), target)
    _assert_clean_full_disk_error(caught.value, target)
    assert target.read_bytes() == old
    assert sorted(p.name for p in small_disk.iterdir()) == [name]  # no temporary file left
    model = small_classifier()
    model.load_weights(target)  # the old file still loads


def test_a_checkpoint_on_a_full_disk_is_a_clean_error_and_keeps_the_last_checkpoint(small_disk):
    target = small_disk / "best.weights.h5"
    model = _big_model()
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    data = np.zeros((8, 300), "float32")
    small_classifier().save_weights(target)
    old = target.read_bytes()
    with pytest.raises(OSError) as caught:
        checkpoint = ModelCheckpoint(str(target), monitor="loss", save_weights_only=True)
        model.fit(data, data, epochs=1, verbose=0, callbacks=[checkpoint])
    _assert_clean_full_disk_error(caught.value, target)
    assert target.read_bytes() == old and sorted(p.name for p in small_disk.iterdir()) == [target.name]


@pytest.mark.parametrize("disk", ["tmpfs", "emulated"])
def test_a_csv_log_on_a_full_disk_ends_with_its_last_complete_row(request, tmp_path, disk):
    room = 4096  # bytes left for the log (one tmpfs page): its header and some 60 rows
    if disk == "tmpfs":
        folder = request.getfixturevalue("full_disk")
        fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
        os.close(fd)
        os.truncate(folder / "filler.bin", os.path.getsize(folder / "filler.bin") - room)
        emulation = contextlib.nullcontext()
    else:
        folder = tmp_path / "disk"
        folder.mkdir()
        emulation = _emulated_full_disk(folder, room)
    path = folder / "log.csv"
    model = small_classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu")
    x, y = np.zeros((8, 4), "float32"), np.zeros(8, int)
    with emulation, pytest.raises(OSError) as caught:
        model.fit(x, y, epochs=500, verbose=0, callbacks=[CSVLogger(path)])
    assert caught.value.errno == errno.ENOSPC and repr(str(path)) in str(caught.value)
    text = path.read_bytes().decode()
    rows = text.split("\r\n")
    assert text.endswith("\r\n") and rows[0].startswith("epoch,") and len(rows) > 2
    assert all(len(row.split(",")) == len(rows[0].split(",")) for row in rows[1:-1])
    assert [int(row.split(",")[0]) for row in rows[1:-1]] == list(range(len(rows) - 2))


def test_append_whole_cuts_a_torn_row_back(tmp_path):
    from fitwell.saving.atomic import append_whole

    path = tmp_path / "log.csv"
    path.write_bytes(b"epoch,loss\r\n0,1.0\r\n")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        with _emulated_full_disk(tmp_path, 3), pytest.raises(OSError) as caught:
            append_whole(fd, b"1,0.9876\r\n", target=path)
    finally:
        os.close(fd)
    assert path.read_bytes() == b"epoch,loss\r\n0,1.0\r\n"
    assert caught.value.errno == errno.ENOSPC and str(path) in str(caught.value)


def test_a_backup_on_a_full_disk_is_a_clean_error(small_disk):
    model = _big_model()
    model.compile(optimizer="adam", loss="mse", device="cpu")
    data = np.zeros((8, 300), "float32")
    with pytest.raises(OSError) as caught:
        model.fit(data, data, epochs=3, verbose=0, callbacks=[BackupAndRestore(small_disk / "backup")])
    assert caught.value.errno == errno.ENOSPC and "latest" in str(caught.value)
    assert not [p for p in (small_disk / "backup").iterdir() if p.name.endswith(".tmp")]


# -- read-only folders: refused before the first step -----------------------------------------------------
READ_ONLY_CASES = {
    "checkpoint": lambda folder: [
        ModelCheckpoint(str(folder / "ck.weights.h5"), monitor="loss", save_weights_only=True)
    ],  # fmt: skip
    "checkpoint-in-a-new-subfolder": lambda folder: [
        ModelCheckpoint(str(folder / "runs" / "{epoch}" / "ck.weights.h5"), save_weights_only=True)
    ],
    "csv-logger": lambda folder: [CSVLogger(folder / "log.csv")],
    "csv-logger-append": lambda folder: [CSVLogger(folder / "kept.txt", append=True)],
    "tensorboard": lambda folder: [TensorBoard(str(folder / "tb"))],
    "backup": lambda folder: [BackupAndRestore(folder / "backup")],
}


@pytest.mark.parametrize("name", list(READ_ONLY_CASES))
def test_a_read_only_folder_is_refused_before_any_weight_changes(read_only, tmp_path, name):
    (tmp_path / "world").mkdir()
    world = make_world(tmp_path / "world")
    before, files = weights_of([world.model]), files_in(tmp_path)
    with pytest.raises(OSError) as caught:
        world.fit(callbacks=READ_ONLY_CASES[name](read_only))
    assert caught.value.errno == errno.EROFS and "read-only" in str(caught.value)
    assert str(read_only) in str(caught.value)
    after = weights_of([world.model])
    assert all(np.array_equal(before[0][k], after[0][k]) for k in before[0])
    assert files_in(tmp_path) == files


def test_saving_into_a_read_only_folder_names_the_file(read_only):
    with pytest.raises(OSError) as caught:
        small_classifier().save_weights(read_only / "m.weights.h5")
    assert caught.value.errno == errno.EROFS
    assert repr(str(read_only / "m.weights.h5")) in str(caught.value) and ".tmp" not in str(caught.value)


def test_the_command_prints_one_line_for_a_read_only_output_folder(read_only, tmp_path):
    (tmp_path / "run.csv").write_text("epoch,loss,val_loss\n0,1.0,1.1\n1,0.9,1.0\n2,0.8,0.95\n")
    with pytest.raises(CommandError, match="read-only"):
        run_cli("plot", str(tmp_path / "run.csv"), "-o", str(read_only / "curves.png"))
    assert sorted(p.name for p in read_only.iterdir()) == ["kept.txt"]
