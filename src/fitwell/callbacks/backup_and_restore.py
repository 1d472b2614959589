"""`BackupAndRestore`: a killed `fit()`, started again, continues exactly where it stopped."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import os
import warnings
from pathlib import Path
from typing import Any

from fitwell import distributed
from fitwell.callbacks.base import Callback, Logs
from fitwell.errors import UnsafeFileError
from fitwell.saving import random_state, tensor_tree, weights
from fitwell.saving.atomic import TEMP_SUFFIX, write_bytes
from fitwell.saving.safety import check_file_format

__all__ = ["BackupAndRestore"]

FORMAT = "fitwell.backup"
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
    # Each callback's state is saved between two of its own hooks and
    # restored at the same point, whatever its place in the list: a callback
    # listed before this one has already run the current hook when this one
    # runs, a callback listed after it has not. So states of earlier
    # callbacks are taken (and put back) one hook earlier than those of
    # later ones; see `_states`.
    def on_train_begin(self, logs: Logs | None = None) -> None:
        callbacks = self.params.get("callbacks")
        if callbacks is None or not any(c is self for c in callbacks):
            raise RuntimeError(
                "BackupAndRestore needs the run's callback list in params['callbacks']. Received "
                "params without it; use it through Model.fit(callbacks=[...])."
            )
        self._callbacks: list[Callback] = list(callbacks)
        self._position = next(i for i, c in enumerate(self._callbacks) if c is self)
        self._batches_seen = 0
        self._epoch = 0
        self._first_epoch: int | None = None
        self._epoch_random: dict[str, Any] | None = None
        self._earlier_states: dict[str, Any] = {}
        self._resume = self._read()
        if self._resume is not None:
            self._check_same_run(self._resume)
            self._batches_seen = int(self._resume["batches_seen"])
            self.model._resume_epoch = int(self._resume["epoch"])  # type: ignore[union-attr]
            self.model._resume_batch = int(self._resume["batch"])  # type: ignore[union-attr]

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch
        if self._first_epoch is None:
            self._first_epoch = epoch
        resume = self._resume
        if resume is not None and epoch == resume["epoch"]:
            # The same random state as the killed run had here, so the same
            # permutation is drawn; earlier callbacks have run this hook.
            random_state.restore(resume["random_epoch"])
            self._epoch_random = resume["random_epoch"]
            self._load_states(resume["callback_states"], earlier=True)
        else:
            self._epoch_random = random_state.capture()
        if self._saves_at(epoch, 0):
            self._earlier_states = copy.deepcopy(self._states(earlier=True))

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        if self._resume is not None:
            resume, self._resume = self._resume, None
            self._restore(resume)
        elif self._saves_at(self._epoch, batch):
            self._save(self._epoch, batch)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._batches_seen += 1
        if isinstance(self.save_freq, int) and self._batches_seen % self.save_freq == 0:
            # A copy: the callbacks may change what their state_dict() shares before the save.
            self._earlier_states = copy.deepcopy(self._states(earlier=True))

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

    def _states(self, *, earlier: bool) -> dict[str, Any]:
        """`{position: state}` of the callbacks listed before (or after) this one."""
        states = {}
        for index, callback in enumerate(self._callbacks):
            if index == self._position or (index < self._position) != earlier:
                continue
            tensor_state = getattr(callback, "tensor_state_dict", None)
            states[str(index)] = {
                "state": callback.state_dict(),
                "tensors": tensor_state() if callable(tensor_state) else None,
            }
        return states

    def _save(self, epoch: int, batch: int) -> None:
        model = self.model
        compiled = model._compiled  # type: ignore[union-attr]
        trackers = _tracker_states(compiled if compiled.world_size == 1 else _merged_copy(compiled))
        if not distributed.is_main_process():
            return  # under torchrun rank 0 writes the backup; every rank restores from it
        tree = {
            "format": FORMAT,
            "version": 1,
            "epoch": epoch,
            "batch": batch,
            "batches_seen": self._batches_seen,
            "callbacks": [type(c).__qualname__ for c in self._callbacks],
            "random_epoch": self._epoch_random,
            "random_batch": random_state.capture(),
            "optimizer": model.optimizer.state_dict(),  # type: ignore[union-attr]
            "trackers": trackers,
            "callback_states": {**self._earlier_states, **self._states(earlier=False)},
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

    def _load_states(self, states: dict[str, Any], *, earlier: bool) -> None:
        for key, saved in states.items():
            index = int(key)
            if (index < self._position) != earlier:
                continue
            callback = self._callbacks[index]
            callback.load_state_dict(saved["state"])
            if saved.get("tensors") is not None and hasattr(callback, "load_tensor_state_dict"):
                callback.load_tensor_state_dict(saved["tensors"])

    def _restore(self, resume: dict[str, Any]) -> None:
        # Order matters: a callback's load_state_dict may set the learning
        # rate, and the optimizer's saved state must win.
        self._load_states(resume["callback_states"], earlier=False)
        model = self.model
        source = repr(str(self.backup_dir / LATEST))
        weights.check(model, weights.shapes(resume["weights"]), strict=True, source=source)  # type: ignore[arg-type]
        weights.assign(model, resume["weights"])  # type: ignore[arg-type]
        model.optimizer.load_state_dict(resume["optimizer"])  # type: ignore[union-attr]
        _load_tracker_states(model._compiled, resume["trackers"])  # type: ignore[union-attr]
        self._epoch_random = resume["random_epoch"]
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


def _tracker_states(compiled: Any) -> dict[str, Any]:
    """The running loss and metric values of the current epoch, and the fp16 loss scale."""
    scaler = getattr(compiled, "grad_scaler", None)
    return {
        "loss": _running_mean_state(compiled.loss_tracker),
        "heads": [None if h.tracker is None else _running_mean_state(h.tracker) for h in compiled.heads],
        "metrics": {key: metric.state_dict() for key, metric in getattr(compiled, "metric_keys", [])},
        "grad_scaler": None if scaler is None else scaler.state_dict(),
    }


def _merged_copy(compiled: Any) -> Any:
    """A copy of the loss and metric states summed over every process (a collective call)."""
    snapshot = copy.copy(compiled)
    snapshot.loss_tracker = copy.deepcopy(compiled.loss_tracker)
    snapshot.heads = [dataclasses.replace(h, tracker=copy.deepcopy(h.tracker)) for h in compiled.heads]
    snapshot.metric_keys = [(key, copy.deepcopy(metric)) for key, metric in compiled.metric_keys]
    distributed.merge_states(snapshot)
    return snapshot


def _running_mean_state(tracker: Any) -> dict[str, Any]:
    return {"total": tracker.total, "count": tracker.count}


def _load_tracker_states(compiled: Any, state: dict[str, Any]) -> None:
    trackers = [compiled.loss_tracker, *(h.tracker for h in compiled.heads)]
    for tracker, saved in zip(trackers, [state["loss"], *state["heads"]], strict=True):
        if tracker is not None and saved is not None:
            tracker.total = None if saved["total"] is None else saved["total"].clone()
            tracker.count = int(saved["count"])
    for key, metric in getattr(compiled, "metric_keys", []):
        metric.load_state_dict(state["metrics"][key])
    if not distributed.is_main_process():
        # The backup holds the states summed over all processes: rank 0 carries
        # them, the others start the epoch's remainder from zero.
        compiled.reset()
    scaler = getattr(compiled, "grad_scaler", None)
    if scaler is not None and state.get("grad_scaler"):  # {} until the scaler's first step
        scaler.load_state_dict(state["grad_scaler"])
