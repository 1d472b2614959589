"""`BackupAndRestore`: a killed `fit()`, started again, continues exactly where it stopped."""

from __future__ import annotations

import contextlib
import os
import warnings
from pathlib import Path
from typing import Any

from fitwell import distributed
from fitwell.callbacks.base import Callback, Logs
from fitwell.errors import UnsafeFileError
from fitwell.saving import random_state, tensor_tree, weights
from fitwell.saving.atomic import TEMP_SUFFIX, check_writable, write_bytes
from fitwell.saving.safety import check_file_format
from fitwell.trainer import require_trainer

__all__ = ["BackupAndRestore"]

FORMAT = "fitwell.backup"
#: Version 2: the trainer's state in one entry (version 1 kept optimizer and trackers apart).
VERSION = 2
LATEST = "latest.safetensors"
PREVIOUS = "latest.bkp.safetensors"


class BackupAndRestore(Callback):
    """Back up the whole training state so a killed run can continue exactly.

    Add it to `fit()`; when the process dies (killed, out of memory, a
    preempted machine), run the same script again: `fit()` finds the backup
    and continues from it. On CPU with a fixed seed the continued run ends
    with the same weights, History and callback states, bit for bit, as a
    run that was never interrupted.

    A backup holds the weights, the optimizer (state, step count, learning
    rate), the running loss and metric values of the current epoch, the
    fp16 loss scale, every other callback's `state_dict()` (and
    `tensor_state_dict()` where a callback has one), the History, the global
    random generators (torch CPU and CUDA, NumPy, Python) and the position
    in the epoch. It is one
    `latest.safetensors` file (tensors, plus the rest as JSON in its
    header), replaced atomically at each save, so a kill during a save
    leaves the previous backup intact. Nothing is pickled.

    Resuming replays the epoch's data order: the batches already trained
    on are drawn again and skipped. That is exact for in-memory arrays and
    for loaders whose order comes from the global generators (a shuffling
    DataLoader); generators that keep their own position (an iterator
    continued across epochs with `steps_per_epoch`) cannot be replayed.

    Args:
        backup_dir: Folder for the backup. Use one folder per run.
        save_freq: `"epoch"` to back up at every epoch boundary, or an int
            `n` to back up every `n` training batches (counted across
            epochs), also in the middle of an epoch.
        double_checkpoint: Keep the previous backup as well
            (`latest.bkp.safetensors`) and fall back to it when the latest
            cannot be read.
        delete_checkpoint: Delete the backup when `fit()` ends normally. A
            run that fails keeps it: that is the point.

    Example:
        >>> backup = BackupAndRestore("backups/run-1", save_freq=100)
        >>> model.fit(x, y, epochs=50, callbacks=[backup])  # doctest: +SKIP
    """

    def __init__(
        self,
        backup_dir: str | os.PathLike,
        save_freq: str | int = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ) -> None:
        super().__init__()
        if not backup_dir:
            raise ValueError(
                f"Empty `backup_dir` argument passed. Received: backup_dir={backup_dir!r}. "
                "Pass a folder for the backup, e.g. BackupAndRestore('backups/run-1')."
            )
        if save_freq != "epoch" and (
            isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1
        ):
            raise ValueError(
                "`save_freq` must be 'epoch' or a positive number of batches. "
                f"Received: save_freq={save_freq!r}. For example: save_freq='epoch' or save_freq=500."
            )
        self.backup_dir = Path(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)

    # -- hooks ---------------------------------------------------------------
    # Saving and restoring happen at the trainer's save points
    # (`epoch_ready`, `batch_ready`), which lie between two hooks: every
    # callback is in the same phase there, whatever its place in the list.
    # A resumed run restores everything at the point the backup was taken,
    # after every callback's on_train_begin and on_epoch_begin have run.
    def on_train_begin(self, logs: Logs | None = None) -> None:
        callbacks = self.params.get("callbacks")
        if callbacks is None or not any(c is self for c in callbacks):
            raise RuntimeError(
                "BackupAndRestore needs the run's callback list in params['callbacks']. Received "
                "params without it; use it through Model.fit(callbacks=[...])."
            )
        check_writable(self.backup_dir / LATEST)  # before the first step, not at the first backup
        self._callbacks: list[Callback] = list(callbacks)
        self._position = next(i for i, c in enumerate(self._callbacks) if c is self)
        self._batches_seen = 0
        self._first_epoch: int | None = None
        self._epoch_random: dict[str, Any] | None = None
        trainer = require_trainer(self.model, "fit() with BackupAndRestore")  # type: ignore[arg-type]
        trainer.add_checkpointer(self)
        self._resume = self._read()
        if self._resume is not None:
            self._check_same_run(self._resume)
            self._batches_seen = int(self._resume["batches_seen"])
            trainer.resume_at(int(self._resume["epoch"]), int(self._resume["batch"]))

    def epoch_ready(self, epoch: int) -> None:
        """Capture the random state the epoch's data order comes from (or restore the backup's)."""
        if self._first_epoch is None:
            self._first_epoch = epoch
        resume = self._resume
        if resume is not None and epoch == resume["epoch"]:
            # The random state the stopped run had here, so the same permutation is drawn.
            self._epoch_random = resume["random_epoch"]
            random_state.restore(resume["random_epoch"])
        else:
            self._epoch_random = random_state.capture()

    def batch_ready(self, epoch: int, batch: int) -> None:
        """Restore the backup where it was taken, or save one when due."""
        if self._resume is not None:
            resume, self._resume = self._resume, None
            self._restore(resume)
        elif self._saves_at(epoch, batch):
            self._save(epoch, batch)
        self._batches_seen += 1

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self._resume is not None:
            raise ValueError(
                f"The backup in {str(self.backup_dir)!r} was taken at batch {self._resume['batch']} of "
                f"epoch {epoch}, but this epoch ended before that batch. Received: training data with "
                "fewer batches per epoch than the run that wrote the backup. Resume with the same "
                "data and batch_size, or delete the backup folder to start over."
            )

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.delete_checkpoint:
            self._delete()

    # -- saving --------------------------------------------------------------
    def _saves_at(self, epoch: int, batch: int) -> bool:
        if self.save_freq == "epoch":
            return batch == 0 and epoch != self._first_epoch
        return self._batches_seen > 0 and self._batches_seen % self.save_freq == 0  # type: ignore[operator]

    def _states(self) -> dict[str, Any]:
        """`{position: state}` of every other callback."""
        states = {}
        for index, callback in enumerate(self._callbacks):
            if index == self._position:
                continue
            tensor_state = getattr(callback, "tensor_state_dict", None)
            states[str(index)] = {
                "state": callback.state_dict(),
                "tensors": tensor_state() if callable(tensor_state) else None,
            }
        return states

    def _save(self, epoch: int, batch: int) -> None:
        model = self.model
        trainer_state = require_trainer(model, "a backup").state_dict()  # type: ignore[arg-type]
        if not distributed.is_main_process():
            return  # under torchrun rank 0 writes the backup; every rank restores from it
        tree = {
            "format": FORMAT,
            "version": VERSION,
            "epoch": epoch,
            "batch": batch,
            "batches_seen": self._batches_seen,
            "callbacks": [type(c).__qualname__ for c in self._callbacks],
            "random_epoch": self._epoch_random,
            "random_batch": random_state.capture(),
            "trainer": trainer_state,
            "callback_states": self._states(),
        }
        weights_by_name = {f"model/{name}": t for name, t in model.state_dict().items()}  # type: ignore[union-attr]
        data = tensor_tree.to_bytes(tree, extra=weights_by_name, metadata={"format": FORMAT})
        latest = self.backup_dir / LATEST
        if self.double_checkpoint and latest.exists():
            os.replace(latest, self.backup_dir / PREVIOUS)
        write_bytes(latest, data)

    # -- restoring -----------------------------------------------------------
    def _read(self) -> dict[str, Any] | None:
        paths = [self.backup_dir / LATEST] + ([self.backup_dir / PREVIOUS] if self.double_checkpoint else [])
        for path in paths:
            if not path.exists():
                continue
            try:
                check_file_format(path, "safetensors", what="backup file")
                tree, tensors = tensor_tree.from_bytes(path.read_bytes())
                if not isinstance(tree, dict) or tree.get("format") != FORMAT:
                    raise ValueError("it holds no fitwell backup")
                if tree.get("version") != VERSION:
                    raise ValueError(
                        f"it was written by another fitwell version (backup format "
                        f"{tree.get('version')}, this one reads {VERSION})"
                    )
            except UnsafeFileError:
                raise  # a pickle in the backup folder: never fall back silently
            except (ValueError, OSError) as error:
                if path != paths[-1]:
                    warnings.warn(
                        f"Cannot read the backup {str(path)!r} ({error}); trying the previous one.",
                        stacklevel=3,
                    )
                    continue
                raise ValueError(
                    f"Cannot read the backup {str(path)!r}: {error}. Received: a damaged or foreign "
                    "file in the backup folder. Delete the folder to start training over."
                ) from error
            tree["weights"] = {name.removeprefix("model/"): t for name, t in tensors.items()}
            return tree
        return None

    def _check_same_run(self, resume: dict[str, Any]) -> None:
        names = [type(c).__qualname__ for c in self._callbacks]
        epochs = self.params.get("epochs")
        if resume["callbacks"] != names:
            raise ValueError(
                f"The backup in {str(self.backup_dir)!r} was written by a run with the callbacks "
                f"{resume['callbacks']}. Received: callbacks {names}. Resume with the same call "
                "(same callbacks in the same order), or delete the backup folder to start over."
            )
        if isinstance(epochs, int) and resume["epoch"] >= epochs:
            raise ValueError(
                f"The backup in {str(self.backup_dir)!r} continues at epoch {resume['epoch']}, but this "
                f"run ends before it. Received: epochs={epochs}. Resume with the same call, or delete "
                "the backup folder to start over."
            )

    def _load_states(self, states: dict[str, Any]) -> None:
        for key, saved in states.items():
            callback = self._callbacks[int(key)]
            callback.load_state_dict(saved["state"])
            if saved.get("tensors") is not None and hasattr(callback, "load_tensor_state_dict"):
                callback.load_tensor_state_dict(saved["tensors"])

    def _restore(self, resume: dict[str, Any]) -> None:
        # Order matters: a callback's load_state_dict may set the learning
        # rate, and the optimizer's saved state must win.
        self._load_states(resume["callback_states"])
        model = self.model
        source = repr(str(self.backup_dir / LATEST))
        weights.check(model, weights.shapes(resume["weights"]), strict=True, source=source)  # type: ignore[arg-type]
        weights.assign(model, resume["weights"])  # type: ignore[arg-type]
        require_trainer(model, "a restore").load_state_dict(resume["trainer"])  # type: ignore[arg-type]
        random_state.restore(resume["random_batch"])

    def _delete(self) -> None:
        for path in (self.backup_dir / LATEST, self.backup_dir / PREVIOUS):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        # Temporary files left by saves that a kill interrupted.
        for stale in self.backup_dir.glob(f".latest*{TEMP_SUFFIX}"):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        with contextlib.suppress(OSError):
            self.backup_dir.rmdir()  # only when empty: the folder may hold other files
