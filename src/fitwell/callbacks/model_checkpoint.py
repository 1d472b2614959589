"""`ModelCheckpoint`: save the model or its weights during training."""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from typing import Any

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.monitor import Monitor, check_arguments, float_problem, int_problem
from fitwell.callbacks.progbar_logger import print_message
from fitwell.callbacks.run_keys import RunKeys, expected_keys, unknown_key_message
from fitwell.errors import did_you_mean
from fitwell.saving.atomic import check_writable

__all__ = ["MODEL_SUFFIX", "WEIGHTS_SUFFIXES", "ModelCheckpoint"]

#: File names `save_weights` writes (HDF5 and safetensors).
WEIGHTS_SUFFIXES = (".weights.h5", ".safetensors")
#: The file name `model.save` writes (a zip, as Keras's).
MODEL_SUFFIX = ".keras"


def _template_fields(filepath: str) -> list[str]:
    """The top-level names a `str.format` template uses (`"{val_loss:.3f}"` → `val_loss`)."""
    fields = []
    for _, field, _, _ in string.Formatter().parse(filepath):
        if field is not None:
            fields.append(field.split(".")[0].split("[")[0])
    return fields


class ModelCheckpoint(Callback):
    """Save the model (or only its weights) after every epoch or every N batches.

    `filepath` may hold `str.format` fields: `{epoch}` (1-based, as in
    Keras), `{batch}` (1-based, with `save_freq=N`) and any log key, e.g.
    `"ckpt-{epoch:02d}-{val_loss:.3f}.weights.h5"`. Missing folders are
    created. Every write goes through `model.save_weights` / `model.save`,
    which write atomically.

    With `save_best_only=True` a file is written only when the monitored
    value improves on the best so far (kept across `fit()` calls on one
    instance, as in Keras); a NaN never counts as an improvement, and an
    epoch that ran no validation writes nothing for a `val_` monitor.

    Args:
        filepath: Where to save: a `.weights.h5` or `.safetensors` name
            with `save_weights_only=True`, else a `.keras` name.
        monitor: The log key `save_best_only` compares.
        verbose: 1 prints a line per decision, with Keras's wording.
        save_best_only: Save only when `monitor` improves.
        save_weights_only: Save `model.save_weights(...)` instead of `model.save(...)`.
        mode: `"min"`, `"max"`, or `"auto"` (losses decrease; a compiled
            metric's `higher_is_better` decides otherwise).
        save_freq: `"epoch"`, or an int N to save every N training batches
            (counted across epochs); then `monitor` must be a training key
            such as `"loss"`, since batch logs hold running training averages.
        initial_value_threshold: The value to beat for the first save with
            `save_best_only`.

    Example:
        >>> checkpoint = ModelCheckpoint("checkpoints/best.weights.h5", monitor="val_loss",
        ...                              save_best_only=True, save_weights_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=20,
        ...           callbacks=[checkpoint])  # doctest: +SKIP
        >>> model.load_weights("checkpoints/best.weights.h5")  # doctest: +SKIP
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        *,
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        filepath = os.fspath(filepath) if isinstance(filepath, str | os.PathLike) else filepath
        check_arguments(
            "ModelCheckpoint",
            [
                *_filepath_problems(filepath, save_weights_only),
                *Monitor.problems(monitor, mode),
                *int_problem(verbose, "verbose"),
                *_save_freq_problems(save_freq, monitor, save_best_only, filepath),
                *float_problem(initial_value_threshold, "initial_value_threshold", allow_none=True),
            ],
        )
        self.filepath = filepath
        self.monitor = monitor
        self.verbose = int(verbose)
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        self.mode = mode
        self.save_freq = save_freq
        self.best: float | None = None if initial_value_threshold is None else float(initial_value_threshold)
        self._monitor = Monitor(monitor, mode=mode, min_delta=0.0, owner="ModelCheckpoint")
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        # `best` is deliberately kept across fit() calls (Keras does the same).
        self._monitor.reset()
        if self.save_best_only:
            self._monitor.resolve(self.model)
        # Everything a save needs is checked now, before the first step changes a weight.
        self._check_keys()
        _check_not_folder(self.filepath)
        check_writable(_fixed_part(self.filepath))
        if not self.save_weights_only and self.params.get("mode") == "fit":
            _check_savable(self.model)

    def _check_keys(self) -> None:
        keys = expected_keys(self.model, self.params)
        if keys is None:
            return
        if self.save_freq != "epoch":  # batch logs: running training values only
            keys = RunKeys(train=keys.batch, batch=keys.batch, validation=False)
        fields = [f for f in _template_fields(self.filepath) if f not in ("epoch", "batch")]
        named = [("filepath", self.filepath, field) for field in fields]
        if self.save_best_only:
            named.append(("monitor", self.monitor, self.monitor))
        for argument, value, key in named:
            message = unknown_key_message("ModelCheckpoint", argument, value, key, keys)
            if message is not None:
                raise ValueError(f"{message} Use one of these keys in `{argument}`.")

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._current_epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        # Keras's count: a batch index that does not grow means a new epoch.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            self._batches_seen_since_last_saving += batch + 1
        else:
            self._batches_seen_since_last_saving += batch - self._last_batch_seen
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    # -- saving ----------------------------------------------------------------
    def _save(self, epoch: int, batch: int | None, logs: Logs | None) -> None:
        logs = {} if logs is None else logs
        if self.save_best_only and self._monitor.read(logs) is None:
            return  # an epoch without validation: its `val_` fields could not fill the name either
        filepath = self._format_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        _check_not_folder(filepath)
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print_message(self, f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _should_save(self, epoch: int, logs: Mapping[str, Any], filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print_message(self, f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        self._monitor.resolve(self.model)
        current = self._monitor.read(logs)
        if current is None:
            return False
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._monitor.is_improvement(current, self.best):
            if self.verbose > 0:
                print_message(
                    self,
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                    f"saving model to {filepath}",
                )
            self.best = current
            return True
        if self.verbose > 0:
            print_message(self, f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _format_path(self, epoch: int, batch: int | None, logs: Mapping[str, Any]) -> str:
        values: dict[str, Any] = {"epoch": epoch + 1}
        if batch is not None and "batch" not in logs:
            values["batch"] = batch + 1
        # Read only the keys the template names: batch logs compute (and sync) on access.
        missing = []
        for field in _template_fields(self.filepath):
            if field in values:
                continue
            if field in logs:
                values[field] = logs[field]
            else:
                missing.append(field)
        if missing:
            keys = sorted({*values, *logs})
            raise ValueError(
                f"ModelCheckpoint cannot fill {{{missing[0]}}} in its filepath: there is no such "
                f"key. Received: filepath={self.filepath!r}. Available keys: {', '.join(keys)}."
                f"{did_you_mean(missing[0], keys)} Use one of them in the file name."
            )
        return self.filepath.format(**values)

    # -- resuming ------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The best value and the batch counters (JSON-able)."""
        return {
            "best": self.best,
            "batches_seen_since_last_saving": self._batches_seen_since_last_saving,
            "last_batch_seen": self._last_batch_seen,
            "current_epoch": self._current_epoch,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what `state_dict` returned."""
        self.best = None if state["best"] is None else float(state["best"])
        self._batches_seen_since_last_saving = int(state["batches_seen_since_last_saving"])
        last = state["last_batch_seen"]
        self._last_batch_seen = None if last is None else int(last)
        self._current_epoch = int(state["current_epoch"])


def _check_not_folder(filepath: str) -> None:
    if os.path.isdir(filepath):
        raise IsADirectoryError(
            f"ModelCheckpoint needs a file path, not a folder. Received: filepath={filepath!r}, "
            "an existing directory. Add a file name, e.g. "
            f"{os.path.join(filepath, 'best.weights.h5')!r}."
        )


def _fixed_part(filepath: str) -> str:
    """The path up to the first `{field}`: what is known before any value is logged."""
    cut = filepath.find("{")
    if cut < 0:
        return filepath
    folder = os.path.dirname(filepath[:cut])
    return os.path.join(folder, "checkpoint")


def _check_savable(model: Any) -> None:
    from fitwell.saving import model_file

    try:
        model_file.check_savable(model)
    except (TypeError, ValueError) as error:
        raise type(error)(
            f"ModelCheckpoint saves the whole model (save_weights_only=False), and this model cannot be "
            f"saved whole. {error} Pass save_weights_only=True with "
            "a '.weights.h5' filepath to save its weights instead."
        ) from None


def _filepath_problems(filepath: Any, save_weights_only: bool) -> list[str]:
    if not isinstance(filepath, str) or not filepath:
        return [f"`filepath` must be a file path (str or os.PathLike). Received: filepath={filepath!r}."]
    try:
        _template_fields(filepath)
    except ValueError as error:
        return [
            f"`filepath` is not a valid format template ({error}). Received: filepath={filepath!r}. "
            "Write fields as {epoch:02d} or {val_loss:.3f}, and literal braces as {{ }}."
        ]
    is_weights_file = filepath.endswith(WEIGHTS_SUFFIXES)
    if save_weights_only and not is_weights_file:
        return [
            f"With save_weights_only=True, `filepath` must end in {' or '.join(WEIGHTS_SUFFIXES)}. "
            f"Received: filepath={filepath!r}. For example: 'checkpoints/best.weights.h5'."
        ]
    if not save_weights_only and not filepath.endswith(MODEL_SUFFIX):
        hint = " Pass save_weights_only=True to save only the weights there." if is_weights_file else ""
        return [
            f"With save_weights_only=False the whole model is saved, so `filepath` must end in "
            f"{MODEL_SUFFIX}. Received: filepath={filepath!r}.{hint} For example: 'checkpoints/best.keras'."
        ]
    return []


def _save_freq_problems(save_freq: Any, monitor: Any, save_best_only: bool, filepath: Any) -> list[str]:
    if save_freq == "epoch" and isinstance(save_freq, str):
        return []
    if isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1:
        return [f"`save_freq` must be 'epoch' or an int >= 1 (batches). Received: save_freq={save_freq!r}."]
    # Batch logs hold running training averages only: no validation keys.
    problems = []
    if save_best_only and isinstance(monitor, str) and monitor.startswith("val_"):
        problems.append(
            f"With save_freq={save_freq} the checkpoint is taken between batches, where no "
            f"validation keys exist. Received: monitor={monitor!r}, save_best_only=True. Monitor a "
            "training key such as 'loss', or use save_freq='epoch'."
        )
    if isinstance(filepath, str):
        try:
            validation_fields = [f for f in _template_fields(filepath) if f.startswith("val_")]
        except ValueError:
            validation_fields = []
        if validation_fields:
            problems.append(
                f"With save_freq={save_freq} the checkpoint is taken between batches, where no "
                f"validation keys exist. Received: filepath={filepath!r}, which uses "
                f"{{{validation_fields[0]}}}. Use training keys or {{epoch}}/{{batch}} in the name."
            )
    return problems
