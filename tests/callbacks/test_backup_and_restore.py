"""BackupAndRestore: a run killed anywhere and started again ends exactly like an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks import Callback, CSVLogger, EarlyStopping, ReduceLROnPlateau
from fitwell.callbacks.backup_and_restore import LATEST, PREVIOUS, BackupAndRestore

EPOCHS, BATCH_SIZE = 6, 16  # 96 samples: 6 training batches per epoch; 2 validation batches


class CrashError(Exception):
    """Raised in-process to stand in for a crash (fit() ends without on_train_end)."""


class Crasher(Callback):
    """SIGKILLs the process or raises `CrashError` at one point: 'batch:E:B', 'epoch_begin:E', 'val:E:B'."""

    def __init__(self, point: str | None, *, kill: bool) -> None:
        super().__init__()
        self.point, self.kill = point, kill
        self.epoch = 0
        self.first_step: tuple[int, int] | None = None  # first batch trained in this process (not restored)

    def _at(self, where: str) -> None:
        if where == self.point:
            if self.kill:
                os.kill(os.getpid(), signal.SIGKILL)
            raise CrashError(where)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.epoch = epoch
        self._at(f"epoch_begin:{epoch}")

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        if self.first_step is None:
            self.first_step = (self.epoch, batch)
        self._at(f"batch:{self.epoch}:{batch}")

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._at(f"val:{self.epoch}:{batch}")


class DecayAtEpochBegin(Callback):
    """Stateful, and sets the rate from the current rate at epoch begin (not idempotent)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        self.calls += 1
        self.model.optimizer.learning_rate = self.model.optimizer.learning_rate * 0.9

    def state_dict(self) -> dict[str, Any]:
        return {"calls": self.calls}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.calls = state["calls"]


class BatchCounter(Callback):
    """Counts training batches and keeps the epoch losses; reset at train begin."""

    def on_train_begin(self, logs: Any = None) -> None:
        self.batches, self.losses = 0, []

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        self.batches += 1

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self.losses.append(logs["loss"])

    def state_dict(self) -> dict[str, Any]:
        return {"batches": self.batches, "losses": list(self.losses)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.batches, self.losses = state["batches"], list(state["losses"])


def train(
    backup_dir: str, *, save_freq: str | int, position: int = 2, crash: str | None = None, kill: bool = False
):
    """One fit(): dropout, shuffling, Adam, validation, stateful callbacks on both sides of the backup."""
    torch.set_num_threads(1)
    fitwell.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(128, 6)).astype("float32")
    y = (x[:, :3].sum(1) > 0).astype("int64") + (x[:, 3] > 1)
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(6,)),
            fitwell.layers.Dense(16, activation="relu"),
            fitwell.layers.Dropout(0.3),
            fitwell.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=fitwell.optimizers.Adam(0.02),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        device="cpu",
    )
    crasher = Crasher(crash, kill=kill)
    callbacks: list[Callback] = [
        DecayAtEpochBegin(),
        EarlyStopping(monitor="val_loss", patience=4, restore_best_weights=True),
        ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.03),
        BatchCounter(),
        CSVLogger(f"{backup_dir}.csv"),
    ]
    callbacks.insert(position, BackupAndRestore(backup_dir, save_freq=save_freq))
    callbacks.append(crasher)
    history = model.fit(
        x[:96],
        y[:96],
        batch_size=BATCH_SIZE,
        epochs=EPOCHS,
        validation_data=(x[96:], y[96:]),
        callbacks=callbacks,
        verbose=0,
    )
    return {
        "weights": {k: v.clone() for k, v in model.state_dict().items()},
        "history": history.history,
        "epochs": history.epoch,
        # By class: the training does not depend on where BackupAndRestore sits or how often it saves.
        "states": {
            type(c).__name__: c.state_dict() for c in callbacks[:-1] if not isinstance(c, BackupAndRestore)
        },
        "best_weights": next(c for c in callbacks if isinstance(c, EarlyStopping)).tensor_state_dict(),
        "optimizer": [model.optimizer.iterations, model.optimizer.learning_rate],
        "first_step": crasher.first_step,
        "csv": Path(f"{backup_dir}.csv").read_text(),
    }


def assert_same_run(resumed: dict[str, Any], reference: dict[str, Any]) -> None:
    assert resumed["weights"].keys() == reference["weights"].keys()
    for name, tensor in reference["weights"].items():
        assert torch.equal(resumed["weights"][name], tensor), name
    for name, tensor in reference["best_weights"].items():
        assert torch.equal(resumed["best_weights"][name], tensor), name
    assert resumed["history"] == reference["history"]
    assert resumed["epochs"] == reference["epochs"]
    assert resumed["states"] == reference["states"]
    assert resumed["optimizer"] == reference["optimizer"]
    assert resumed["csv"] == reference["csv"]  # CSVLogger rows written by the killed run are not doubled


_REFERENCE: dict[str, Any] = {}


def reference(tmp_path: Path) -> dict[str, Any]:
    """The uninterrupted run (computed once; its save_freq and position do not change the training)."""
    if not _REFERENCE:
        _REFERENCE.update(train(str(tmp_path / "reference"), save_freq="epoch"))
    return _REFERENCE


def test_the_recipe_changes_the_learning_rate_and_keeps_best_weights(tmp_path):
    run = reference(tmp_path)
    rates = run["history"]["learning_rate"]
    assert len(set(rates)) == len(rates)  # every epoch its own rate: the resume must get each one right
    assert run["best_weights"]
    assert run["first_step"] == (0, 0)


# -- crash and resume in-process (an exception stands in for the crash) --------------------------
@pytest.mark.parametrize(
    ("save_freq", "position", "crash", "resumes_at"),
    [
        (3, 2, "batch:2:4", (2, 3)),  # mid-epoch
        (4, 2, "val:3:1", (3, 2)),  # during validation
        ("epoch", 2, "batch:3:0", (3, 0)),  # just after the epoch-boundary backup
        ("epoch", 2, "epoch_begin:3", (2, 0)),  # at the boundary, before that backup
        (5, 0, "batch:4:2", (4, 1)),  # BackupAndRestore first in the list
        (5, 5, "batch:4:2", (4, 1)),  # ... and last but the crasher
    ],
)
def test_resumes_exactly_after_a_crash(tmp_path, save_freq, position, crash, resumes_at):
    backup = str(tmp_path / "backup")
    with pytest.raises(CrashError):
        train(backup, save_freq=save_freq, position=position, crash=crash)
    assert (tmp_path / "backup" / LATEST).is_file()  # a failed run keeps its backup
    resumed = train(backup, save_freq=save_freq, position=position)
    assert resumed["first_step"] == resumes_at
    assert_same_run(resumed, reference(tmp_path))
    assert not (tmp_path / "backup").exists()  # deleted after the successful run


def test_resumes_twice_in_a_row(tmp_path):
    backup = str(tmp_path / "backup")
    with pytest.raises(CrashError):
        train(backup, save_freq=2, crash="batch:1:3")
    with pytest.raises(CrashError):
        train(backup, save_freq=2, crash="val:4:0")
    resumed = train(backup, save_freq=2)
    assert resumed["first_step"] == (4, 4)
    assert_same_run(resumed, reference(tmp_path))


# -- the real thing: SIGKILL in a child process --------------------------------------------------
SIGKILL_CASES = {
    "mid_epoch": (3, "batch:2:4", (2, 3)),
    "epoch_boundary": ("epoch", "batch:3:0", (3, 0)),
    "validation": (4, "val:3:1", (3, 2)),
}

# A fresh interpreter runs the uninterrupted run, then forks a child per killed run and a new child
# for each restart (forking spares every child the seconds of importing torch again).
_DRIVER = """
import json, os, signal, sys, traceback
sys.path.insert(0, sys.argv[1])
from test_backup_and_restore import SIGKILL_CASES, train
from fitwell.saving import safetensors_file

folder = sys.argv[2]


def dump(run, name):
    tensors = {**run["weights"], **{"best/" + k: v for k, v in run["best_weights"].items()}}
    safetensors_file.write(os.path.join(folder, name + ".safetensors"), tensors)
    keys = ("history", "epochs", "states", "optimizer", "first_step", "csv")
    with open(os.path.join(folder, name + ".json"), "w") as file:
        json.dump({k: run[k] for k in keys}, file)


def in_child(work):
    pid = os.fork()
    if pid == 0:
        try:
            work()
            os._exit(0)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
    return os.waitpid(pid, 0)[1]


dump(train(os.path.join(folder, "reference-backup"), save_freq="epoch"), "reference")
report = {}
for name, (save_freq, crash, _) in SIGKILL_CASES.items():
    backup = os.path.join(folder, name)
    killed = in_child(lambda: train(backup, save_freq=save_freq, crash=crash, kill=True))
    left = os.path.isfile(os.path.join(backup, "latest.safetensors"))
    resumed = in_child(lambda: dump(train(backup, save_freq=save_freq), name))
    report[name] = {
        "killed": os.WIFSIGNALED(killed) and os.WTERMSIG(killed) == signal.SIGKILL,
        "backup_after_kill": left,
        "resumed_exit_code": os.waitstatus_to_exitcode(resumed),
        "backup_after_resume": os.path.exists(backup),
    }
print("REPORT" + json.dumps(report))
"""


def _result(folder: Path, name: str) -> dict[str, Any]:
    from fitwell.saving import safetensors_file

    run = json.loads((folder / f"{name}.json").read_text())
    tensors = safetensors_file.read(folder / f"{name}.safetensors")
    run["weights"] = {k: v for k, v in tensors.items() if not k.startswith("best/")}
    run["best_weights"] = {k.removeprefix("best/"): v for k, v in tensors.items() if k.startswith("best/")}
    run["first_step"] = tuple(run["first_step"])
    return run


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX fork and signals")
def test_resumes_exactly_after_sigkill(tmp_path):
    command = [sys.executable, "-c", _DRIVER, str(Path(__file__).parent), str(tmp_path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout.rsplit("REPORT", 1)[1])
    reference_run = _result(tmp_path, "reference")
    for name, (_, _, resumes_at) in SIGKILL_CASES.items():
        assert report[name] == {
            "killed": True,
            "backup_after_kill": True,
            "resumed_exit_code": 0,
            "backup_after_resume": False,
        }, done.stderr
        run = _result(tmp_path, name)
        assert run["first_step"] == resumes_at
        assert_same_run(run, reference_run)
    # The in-process reference of the other tests is the same run.
    assert_same_run(reference_run, {**reference(tmp_path), "first_step": (0, 0)})


# -- files and options -----------------------------------------------------------------------------
def test_backup_file_is_safetensors_with_the_state_as_json(tmp_path):
    from fitwell.saving import safetensors_file, tensor_tree

    with pytest.raises(CrashError):
        train(str(tmp_path / "b"), save_freq=3, crash="batch:1:4")
    path = tmp_path / "b" / LATEST
    metadata = safetensors_file.read_metadata(path)
    state = json.loads(metadata[tensor_tree.TREE_KEY])
    assert (state["epoch"], state["batch"], state["batches_seen"]) == (1, 3, 9)
    names = safetensors_file.read_shapes(path)
    assert {"model/layers.0.weight", "model/layers.2.bias"} <= set(names)


def test_delete_checkpoint_false_keeps_the_backup_and_a_rerun_ends_the_same(tmp_path):
    backup = tmp_path / "b"
    model, x, y = _small_model(), *_small_data()
    callback = BackupAndRestore(backup, save_freq=2, delete_checkpoint=False)
    model.fit(x, y, batch_size=8, epochs=3, callbacks=[callback], verbose=0)
    assert (backup / LATEST).is_file()
    final = [w.copy() for w in model.get_weights()]
    again = _small_model()
    again.fit(x, y, batch_size=8, epochs=3, callbacks=[BackupAndRestore(backup, save_freq=2)], verbose=0)
    assert all(np.array_equal(a, b) for a, b in zip(final, again.get_weights(), strict=True))


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup = tmp_path / "b"
    with pytest.raises(CrashError):
        _fit_small(backup, crash="batch:1:2", double_checkpoint=True)
    assert (backup / PREVIOUS).is_file()
    (backup / LATEST).write_bytes(b"damaged")
    with pytest.warns(UserWarning, match="trying the previous one"):
        crasher = _fit_small(backup, double_checkpoint=True)
    assert crasher.first_step == (1, 0)  # the previous backup: two batches before the latest


def test_damaged_backup_is_a_clear_error(tmp_path):
    backup = tmp_path / "b"
    backup.mkdir()
    (backup / LATEST).write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="Cannot read the backup .* Delete the folder"):
        _fit_small(backup)


def test_resuming_with_other_callbacks_is_refused(tmp_path):
    backup = tmp_path / "b"
    with pytest.raises(CrashError):
        _fit_small(backup, crash="batch:1:1")
    model, x, y = _small_model(), *_small_data()
    with pytest.raises(ValueError, match="same callbacks in the same order"):
        model.fit(x, y, batch_size=8, epochs=3, callbacks=[BackupAndRestore(backup, save_freq=2)], verbose=0)


def test_resuming_with_fewer_batches_per_epoch_is_refused(tmp_path):
    backup = tmp_path / "b"
    with pytest.raises(CrashError):
        _fit_small(backup, crash="batch:1:3")
    model, x, y = _small_model(), *_small_data()
    crasher = Crasher(None, kill=False)
    with pytest.raises(ValueError, match="fewer batches per epoch"):
        model.fit(
            x[:16],
            y[:16],
            batch_size=8,
            epochs=3,
            callbacks=[BackupAndRestore(backup, save_freq=2), crasher],
            verbose=0,
        )


def test_rejects_bad_arguments_like_keras():
    keras = pytest.importorskip("keras")
    for kwargs in ({"backup_dir": ""}, {"backup_dir": "b", "save_freq": "batch"}):
        with pytest.raises(ValueError):
            keras.callbacks.BackupAndRestore(**kwargs)
        with pytest.raises(ValueError, match="backup_dir|save_freq"):
            BackupAndRestore(**kwargs)


@pytest.mark.parametrize("save_freq", [0, -3, False, 2.5])
def test_rejects_save_freq_that_is_not_a_positive_int(save_freq):
    # Keras accepts 0 (a backup every batch) and False (TF distribution only); both are refused here.
    with pytest.raises(ValueError, match="`save_freq` must be 'epoch' or a positive number of batches"):
        BackupAndRestore("b", save_freq=save_freq)


def _small_model() -> fitwell.Sequential:
    fitwell.utils.set_random_seed(3)
    model = fitwell.Sequential(
        [fitwell.Input(shape=(4,)), fitwell.layers.Dense(4, activation="relu"), fitwell.layers.Dense(1)]
    )
    model.compile(optimizer="adam", loss="mse", device="cpu")
    return model


def _small_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 4)).astype("float32")
    return x, x.sum(1, keepdims=True)


def _fit_small(backup: Path, *, crash: str | None = None, double_checkpoint: bool = False) -> Crasher:
    model, x, y = _small_model(), *_small_data()
    crasher = Crasher(crash, kill=False)
    callback = BackupAndRestore(backup, save_freq=2, double_checkpoint=double_checkpoint)
    model.fit(x, y, batch_size=8, epochs=3, callbacks=[callback, crasher], verbose=0)
    return crasher
