"""The training, evaluation and prediction loops: epochs, batches, hooks and the stop flag.

Each loop runs the model's step for every batch: the `Trainer`'s default
step, or the model's own `train_step`/`test_step`/`predict_step` when a
subclass overrides it (Keras's extension point). Batch hooks that no
callback overrides are never called, and the default steps never read a
value back from the device.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import torch

from fitwell.callbacks.base import CallbackList
from fitwell.data import ArrayData, Batch, IterableData
from fitwell.devices import device_scope
from fitwell.diagnosis.baseline import fit_baseline
from fitwell.run_mode import run_mode
from fitwell.structures import call_module
from fitwell.trainer import StepLogs, Trainer

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = ["evaluate_loop", "fit_loop", "keras_data", "predict_loop", "run_one_batch", "should_validate"]

Data = ArrayData | IterableData


def keras_data(batch: Batch) -> tuple[Any, ...]:
    """A batch as Keras hands it to a custom step: `(x,)`, `(x, y)` or `(x, y, sample_weight)`."""
    if batch.sample_weight is not None:
        return (batch.x, batch.y, batch.sample_weight)
    if batch.y is not None:
        return (batch.x, batch.y)
    return (batch.x,)


class _Steps:
    """The step functions one loop calls, chosen once: the model's own or the trainer's."""

    def __init__(self, trainer: Trainer, kind: str) -> None:
        model = trainer.model
        self.custom = model.overrides_step(kind)
        self.last_logs: Mapping[str, Any] | None = None
        self._trainer = trainer

    def train(self, batch: Batch, after_backward: Callable[[], None] | None) -> None:
        if self.custom:
            self.last_logs = self._trainer.model.train_step(keras_data(batch))
        else:
            self._trainer.train_step(batch, after_backward)

    def test(self, batch: Batch) -> None:
        if self.custom:
            with torch.no_grad():
                self.last_logs = self._trainer.model.test_step(keras_data(batch))
        else:
            self._trainer.test_step(batch)

    def batch_logs(self) -> StepLogs:
        """The logs the batch hooks receive (read lazily)."""
        if self.custom:
            logs = self.last_logs or {}
            return StepLogs(lambda: logs)
        return StepLogs(self._trainer.objectives.result_tensors)

    def results(self) -> dict[str, float]:
        return self._trainer.epoch_results(self.last_logs if self.custom else None)


def run_one_batch(trainer: Trainer, batch: Batch, kind: str) -> dict[str, float]:
    """`train_on_batch`/`test_on_batch`: the step `fit` or `evaluate` runs, on one batch; its logs."""
    with device_scope(trainer.device):
        return _run_one_batch(trainer, batch, kind)


def _run_one_batch(trainer: Trainer, batch: Batch, kind: str) -> dict[str, float]:
    steps = _Steps(trainer, kind)
    trainer.reset_metrics()
    with run_mode(trainer.model, kind == "train"):
        if kind == "train":
            steps.train(batch, None)
        else:
            steps.test(batch)
    return steps.results()


def run_train_epoch(
    trainer: Trainer, steps: _Steps, data: Data, callbacks: CallbackList, epoch: int, skip: int
) -> None:
    """One pass of training steps, calling only the batch hooks someone uses.

    A resumed run skips the first `skip` batches: they are still drawn, so
    the data order is the same as in the run that was stopped.
    """
    model = trainer.model
    begin = callbacks.uses("on_train_batch_begin")
    end = callbacks.uses("on_train_batch_end")
    backward = callbacks.uses("on_backward_end")
    checkpointers = trainer.checkpointers
    step_index = 0
    after_backward = (lambda: callbacks.call("on_backward_end", step_index)) if backward else None
    for step_index, batch in enumerate(data.epoch()):
        if step_index < skip:
            continue
        for checkpointer in checkpointers:
            checkpointer.batch_ready(epoch, step_index)
        if begin:
            callbacks.call("on_train_batch_begin", step_index, {})
        steps.train(batch, after_backward)
        if end:
            callbacks.call("on_train_batch_end", step_index, steps.batch_logs())
        if model.stop_training:
            break


def should_validate(epoch: int, validation_freq: int | list[int] | tuple[int, ...]) -> bool:
    """Keras's rule: an int validates every n-th epoch, a list names 1-based epochs."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def evaluate_loop(trainer: Trainer, data: Data, callbacks: CallbackList) -> dict[str, float]:
    """Loss and metrics over `data`, with the `on_test_*` hooks."""
    with device_scope(trainer.device):
        return _evaluate(trainer, data, callbacks)


def _evaluate(trainer: Trainer, data: Data, callbacks: CallbackList) -> dict[str, float]:
    model = trainer.model
    steps = _Steps(trainer, "test")
    trainer.reset_metrics()
    begin = callbacks.uses("on_test_batch_begin")
    end = callbacks.uses("on_test_batch_end")
    with run_mode(model, False):
        callbacks.call("on_test_begin", {})
        for step_index, batch in enumerate(data.epoch()):
            if begin:
                callbacks.call("on_test_batch_begin", step_index, {})
            steps.test(batch)
            if end:
                callbacks.call("on_test_batch_end", step_index, steps.batch_logs())
        logs = steps.results()
        callbacks.call("on_test_end", logs)
    return logs


def fit_loop(
    trainer: Trainer,
    train_data: Data,
    val_data: Data | None,
    *,
    epochs: int,
    initial_epoch: int,
    callbacks: CallbackList,
    validation_freq: int | list[int],
) -> None:
    """Epochs of training and validation, with every callback hook."""
    with device_scope(trainer.device):
        _fit(trainer, train_data, val_data, epochs, initial_epoch, callbacks, validation_freq)


def _fit(
    trainer: Trainer,
    train_data: Data,
    val_data: Data | None,
    epochs: int,
    initial_epoch: int,
    callbacks: CallbackList,
    validation_freq: int | list[int],
) -> None:
    model = trainer.model
    steps = _Steps(trainer, "train")
    logs: dict[str, float] = {}
    trainer.checkpointers.clear()
    trainer.baseline = fit_baseline(model, train_data)
    evidence = trainer.epoch_evidence
    callbacks.call("on_train_begin", {})
    # BackupAndRestore may ask to continue a stopped run (in on_train_begin).
    resume = trainer.take_resume_point()
    if resume is not None:
        initial_epoch = resume.epoch
    try:
        with run_mode(model, True):  # each layer gets its own mode back at the end
            for epoch in range(initial_epoch, epochs):
                trainer.reset_metrics()
                callbacks.call("on_epoch_begin", epoch, {})
                for checkpointer in trainer.checkpointers:
                    checkpointer.epoch_ready(epoch)
                model.train()
                skip = resume.batch if resume is not None and epoch == resume.epoch else 0
                evidence.start_epoch()
                try:
                    run_train_epoch(trainer, steps, train_data, callbacks, epoch, skip)
                finally:
                    evidence.active = False
                logs = steps.results()
                evidence.end_epoch()
                if val_data is not None and should_validate(epoch, validation_freq):
                    val_logs = evaluate_loop(trainer, val_data, callbacks)
                    logs.update({f"val_{key}": value for key, value in val_logs.items()})
                logs["learning_rate"] = trainer.optimizer.learning_rate
                callbacks.call("on_epoch_end", epoch, logs)
                if model.stop_training:
                    break
        callbacks.call("on_train_end", logs)
    finally:
        trainer.checkpointers.clear()


@torch.no_grad()
def predict_loop(model: Model, data: Data, callbacks: CallbackList) -> Any:
    """Outputs for every batch, concatenated (tensors on the device)."""
    with device_scope(model.device):
        return _predict(model, data, callbacks)


def _predict(model: Model, data: Data, callbacks: CallbackList) -> Any:
    custom = model.overrides_step("predict")
    outputs: list[Any] = []
    begin = callbacks.uses("on_predict_batch_begin")
    end = callbacks.uses("on_predict_batch_end")
    with run_mode(model, False):
        callbacks.call("on_predict_begin", {})
        for step_index, batch in enumerate(data.epoch()):
            if begin:
                callbacks.call("on_predict_batch_begin", step_index, {})
            output = model.predict_step((batch.x,)) if custom else call_module(model, batch.x)
            outputs.append(output)
            if end:
                callbacks.call("on_predict_batch_end", step_index, {"outputs": output})
        callbacks.call("on_predict_end", {})
    return _concatenate(outputs)


def _concatenate(outputs: list[Any]) -> Any:
    outputs = [o if isinstance(o, dict | tuple | list) else torch.as_tensor(o) for o in outputs]
    first = outputs[0]
    if isinstance(first, dict):
        return {key: torch.cat([o[key] for o in outputs]) for key in first}
    if isinstance(first, tuple | list):
        return tuple(torch.cat([o[i] for o in outputs]) for i in range(len(first)))
    return torch.cat(outputs)
