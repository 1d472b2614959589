"""`TensorBoard`: write training curves and weight histograms for TensorBoard.

Event files are written by `torch.utils.tensorboard.SummaryWriter` (needs
the `tensorboard` package, not TensorFlow), in Keras's layout: `train/` and
`validation/` folders under `log_dir`, tags `epoch_<key>` per epoch and
`batch_<key>` per batch.
"""

from __future__ import annotations

import os
import time
import warnings
from typing import Any

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.monitor import check_arguments, int_problem
from fitwell.saving.atomic import check_writable

__all__ = ["TensorBoard"]


def _require_tensorboard() -> Any:
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError as error:  # the tensorboard package is missing
        raise ImportError(
            "The TensorBoard callback needs the `tensorboard` package. Received: an environment "
            "without it. Install it with `pip install tensorboard` (TensorFlow is not needed)."
        ) from error
    return SummaryWriter


def _summary_writer(log_dir: str) -> Any:
    return _require_tensorboard()(log_dir=log_dir)


class TensorBoard(Callback):
    """Log epoch (and optionally batch) values and weight histograms for TensorBoard.

    After every epoch, each training log key is written to
    `{log_dir}/train` as `epoch_<key>` (the learning rate included) and
    each `val_<key>` to `{log_dir}/validation` as `epoch_<key>`, at step
    `epoch`. Open with `tensorboard --logdir {log_dir}`.

    Args:
        log_dir: The folder for the event files.
        histogram_freq: Every this many epochs, write a histogram of each
            parameter (`<name>/histogram`); 0 never does.
        write_graph: Accepted for Keras scripts; fitwell writes no graph
            (a one-time warning says so when True).
        write_steps_per_second: Also write `epoch_steps_per_second`.
        update_freq: `"epoch"`, or `"batch"`/an int N to also write
            `batch_<key>` every N training batches (each write reads the
            running values from the device, a sync: keep N large on a GPU).
        profile_batch: Only 0 is supported: profile with `torch.profiler`.
        write_images: Accepted for Keras scripts; no images are written (a
            warning says so when True).
        embeddings_freq: Accepted for Keras scripts; no embeddings are
            written (a warning says so when above 0).
        embeddings_metadata: Accepted for Keras scripts, unused.

    Example:
        >>> board = TensorBoard("logs/run-1", histogram_freq=1)
        >>> model.fit(x, y, validation_split=0.2, epochs=5, callbacks=[board])  # doctest: +SKIP
    """

    main_process_only = True

    def __init__(
        self,
        log_dir: str | os.PathLike[str] = "logs",
        *,
        histogram_freq: int = 0,
        write_graph: bool = False,
        write_steps_per_second: bool = False,
        update_freq: str | int = "epoch",
        profile_batch: int = 0,
        write_images: bool = False,
        embeddings_freq: int = 0,
        embeddings_metadata: Any = None,
    ) -> None:
        super().__init__()
        _check_arguments(log_dir, histogram_freq, update_freq, profile_batch, embeddings_freq)
        _warn_about_unwritten(write_graph, write_images, embeddings_freq, embeddings_metadata)
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq: str | int = 1 if update_freq == "batch" else update_freq
        self._writers: dict[str, Any] = {}
        self._global_train_batch = 0
        self._epoch_start = 0.0
        self._epoch_start_iterations = 0

    def _writer(self, name: str) -> Any:
        if name not in self._writers:
            self._writers[name] = _summary_writer(os.path.join(self.log_dir, name))
        return self._writers[name]

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # A resumed run loads its batch count after this (BackupAndRestore).
        self._global_train_batch = 0
        # What the first write needs, checked before the first step changes a weight.
        _require_tensorboard()
        check_writable(os.path.join(self.log_dir, "train"))

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch_start = time.monotonic()
        self._epoch_start_iterations = self._iterations()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._global_train_batch += 1
        if self.update_freq == "epoch" or self._global_train_batch % self.update_freq or logs is None:
            return
        writer = self._writer("train")
        for key, value in logs.items():
            writer.add_scalar(f"batch_{key}", value, self._global_train_batch)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = dict(logs or {})
        train = {key: value for key, value in logs.items() if not key.startswith("val_")}
        validation = {key[4:]: value for key, value in logs.items() if key.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if "learning_rate" not in train and optimizer is not None:
            # fit() logs the rate the epoch trained with; read the optimizer only without it.
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            seconds = max(time.monotonic() - self._epoch_start, 1e-9)
            train["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) / seconds
        for name, values in (("train", train), ("validation", validation)):
            if values:
                writer = self._writer(name)
                for key, value in values.items():
                    writer.add_scalar(f"epoch_{key}", value, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs: Logs | None = None) -> None:
        # Keras also writes every evaluation against the optimizer's step count.
        if not logs or getattr(self.model, "optimizer", None) is None:
            return
        writer = self._writer("validation")
        for key, value in logs.items():
            writer.add_scalar(f"evaluation_{key}_vs_iterations", value, self._iterations())
        writer.flush()

    def on_train_end(self, logs: Logs | None = None) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def _write_histograms(self, epoch: int) -> None:
        writer = self._writer("train")
        for name, parameter in self.model.named_parameters():
            writer.add_histogram(f"{name}/histogram", parameter.detach().cpu(), epoch)

    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        return int(getattr(optimizer, "iterations", 0) or 0)

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The global batch count that numbers the batch steps (JSON-able)."""
        return {"global_train_batch": self._global_train_batch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        self._global_train_batch = int(state["global_train_batch"])


def _check_arguments(
    log_dir: Any, histogram_freq: Any, update_freq: Any, profile_batch: Any, embeddings_freq: Any
) -> None:
    """Raise one error listing every invalid `TensorBoard` argument."""
    problems = []
    if not isinstance(log_dir, str | os.PathLike) or not os.fspath(log_dir):
        problems.append(f"`log_dir` must be a folder path. Received: log_dir={log_dir!r}.")
    problems += int_problem(histogram_freq, "histogram_freq")
    if update_freq not in ("epoch", "batch") and (
        isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq < 1
    ):
        problems.append(
            f"`update_freq` must be 'epoch', 'batch' or an int >= 1. Received: update_freq={update_freq!r}."
        )
    if profile_batch != 0:
        problems.append(
            f"Profiling through TensorBoard is not supported. Received: profile_batch={profile_batch!r}. "
            "Pass profile_batch=0 and profile with `torch.profiler` instead."
        )
    problems += int_problem(embeddings_freq, "embeddings_freq")
    check_arguments("TensorBoard", problems)


def _warn_about_unwritten(
    write_graph: bool, write_images: bool, embeddings_freq: int, embeddings_metadata: Any
) -> None:
    """Warn about the Keras arguments whose output fitwell does not write."""
    unwritten = [
        f"{name}={value!r}"
        for name, value, default in (
            ("write_images", write_images, False),
            ("embeddings_freq", embeddings_freq, 0),
            ("embeddings_metadata", embeddings_metadata, None),
        )
        if value != default
    ]
    # stacklevel=3: this function, `TensorBoard.__init__`, then the line that built the callback.
    if unwritten:
        warnings.warn(
            f"TensorBoard({', '.join(unwritten)}): fitwell does not write weight images or embedding "
            "projections. Scalars and histograms are written as usual; leave these arguments out to "
            "silence this.",
            stacklevel=3,
        )
    if write_graph:
        warnings.warn(
            "TensorBoard(write_graph=True): fitwell writes no model graph. Received: "
            "write_graph=True. Pass write_graph=False to silence this; scalars and "
            "histograms are written as usual.",
            stacklevel=3,
        )
