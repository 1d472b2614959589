"""The training, evaluation and prediction loops, and the steps they run.

A step never reads a value back from the device: losses and metrics
accumulate on the device (`CompiledState`) and are read once per epoch, or
when a callback actually reads the batch logs (`LazyLogs`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from fitwell.callbacks.base import CallbackList
from fitwell.compiled import CompiledState
from fitwell.data import ArrayData, Batch, IterableData

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = [
    "LazyLogs",
    "call_module",
    "evaluate_loop",
    "fit_loop",
    "predict_loop",
    "should_validate",
    "to_numpy",
]

Data = ArrayData | IterableData


def call_module(module: torch.nn.Module, x: Any) -> Any:
    """Run `module` on `x`: a tensor, a tuple (positional inputs) or a dict (keyword inputs)."""
    if isinstance(x, dict):
        return module(**x)
    if isinstance(x, tuple):
        return module(*x)
    return module(x)


class LazyLogs(Mapping[str, float]):
    """Batch logs that read the device only if someone looks at them.

    Keras hands every batch hook the running averages of loss and metrics.
    Computing them costs a device sync, so they are computed on first
    access and cached for that batch.
    """

    def __init__(self, state: CompiledState) -> None:
        self._state = state
        self._values: dict[str, float] | None = None

    def _computed(self) -> dict[str, float]:
        if self._values is None:
            self._values = self._state.results()
        return self._values

    def __getitem__(self, key: str) -> float:
        return self._computed()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())

    def __repr__(self) -> str:
        return repr(self._computed())


def train_step(
    model: Model, state: CompiledState, batch: Batch, after_backward: Callable[[], None] | None
) -> None:
    """One optimizer update on one batch; updates the loss and metric states."""
    loss, per_output, y_pred = state.forward_loss(batch.x, batch.y, batch.sample_weight)
    state.track_loss(loss, per_output, batch.size)
    if state.world_size > 1:
        loss = _share_of_global_loss(loss, batch, state.world_size)
    state.optimizer.zero_grad()
    if state.grad_scaler is None:
        loss.backward()
        if after_backward is not None:
            after_backward()
        state.optimizer.step()
    else:
        _scaled_update(state, loss, after_backward)
    state.update_metrics(batch.y, y_pred, batch.sample_weight)


def _share_of_global_loss(loss: torch.Tensor, batch: Batch, world_size: int) -> torch.Tensor:
    # DDP averages gradients over processes. Scaling each process's mean loss
    # by its share of the global batch makes that average equal the gradient
    # of the global batch's mean loss, also when shards differ in size.
    if batch.size == 0:
        return torch.nan_to_num(loss) * 0.0
    return loss * (batch.size * world_size / (batch.global_size or batch.size))


def _scaled_update(
    state: CompiledState, loss: torch.Tensor, after_backward: Callable[[], None] | None
) -> None:
    # fp16: scale the loss so small gradients survive, unscale before any
    # clipping or callback sees them, and skip the update when they overflowed
    # (this check reads one flag from the device per step).
    scaler = state.grad_scaler
    scaler.scale(loss).backward()
    scaler.unscale_(state.optimizer.torch_optimizer)
    if after_backward is not None:
        after_backward()
    found_inf = sum(v.item() for v in scaler._found_inf_per_device(state.optimizer.torch_optimizer).values())
    if not found_inf:
        state.optimizer.step()
    scaler.update()


@torch.no_grad()
def test_step(model: Model, state: CompiledState, batch: Batch) -> None:
    """Loss and metrics of one batch, without touching the weights."""
    if batch.y is None:
        return
    loss, per_output, y_pred = state.forward_loss(batch.x, batch.y, batch.sample_weight)
    state.track_loss(loss, per_output, batch.size)
    state.update_metrics(batch.y, y_pred, batch.sample_weight)


def run_train_epoch(model: Model, state: CompiledState, data: Data, callbacks: CallbackList) -> None:
    """One pass of training steps, calling only the batch hooks someone uses."""
    begin = callbacks.uses("on_train_batch_begin")
    end = callbacks.uses("on_train_batch_end")
    backward = callbacks.uses("on_backward_end")
    step_index = 0
    after_backward = (lambda: callbacks.call("on_backward_end", step_index)) if backward else None
    # A resumed run (BackupAndRestore) skips the batches the killed run had
    # already trained on; they are still drawn so the data order is the same.
    skip, model._resume_batch = model._resume_batch, 0
    for step_index, batch in enumerate(data.epoch()):
        if step_index < skip:
            continue
        if begin:
            callbacks.call("on_train_batch_begin", step_index, {})
        train_step(model, state, batch, after_backward)
        if end:
            callbacks.call("on_train_batch_end", step_index, LazyLogs(state))
        if model.stop_training:
            break


def should_validate(epoch: int, validation_freq: int | list[int] | tuple[int, ...]) -> bool:
    """Keras's rule: an int validates every n-th epoch, a list names 1-based epochs."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def evaluate_loop(
    model: Model, state: CompiledState, data: Data, callbacks: CallbackList
) -> dict[str, float]:
    """Loss and metrics over `data`, with the `on_test_*` hooks."""
    state.reset()
    was_training = model.training
    model.eval()
    begin = callbacks.uses("on_test_batch_begin")
    end = callbacks.uses("on_test_batch_end")
    callbacks.call("on_test_begin", {})
    for step_index, batch in enumerate(data.epoch()):
        if begin:
            callbacks.call("on_test_batch_begin", step_index, {})
        test_step(model, state, batch)
        if end:
            callbacks.call("on_test_batch_end", step_index, LazyLogs(state))
    logs = state.final_results()
    callbacks.call("on_test_end", logs)
    model.train(was_training)
    return logs


def fit_loop(
    model: Model,
    state: CompiledState,
    train_data: Data,
    val_data: Data | None,
    *,
    epochs: int,
    initial_epoch: int,
    callbacks: CallbackList,
    validation_freq: int | list[int],
) -> None:
    """Epochs of training and validation, with every callback hook."""
    logs: dict[str, float] = {}
    callbacks.call("on_train_begin", {})
    # BackupAndRestore may set the epoch to resume from in on_train_begin.
    if model._resume_epoch is not None:
        initial_epoch, model._resume_epoch = model._resume_epoch, None
    for epoch in range(initial_epoch, epochs):
        state.reset()
        callbacks.call("on_epoch_begin", epoch, {})
        model.train()
        run_train_epoch(model, state, train_data, callbacks)
        logs = state.final_results()
        if val_data is not None and should_validate(epoch, validation_freq):
            val_logs = evaluate_loop(model, state, val_data, callbacks)
            logs.update({f"val_{key}": value for key, value in val_logs.items()})
        logs["learning_rate"] = state.optimizer.learning_rate
        callbacks.call("on_epoch_end", epoch, logs)
        if model.stop_training:
            break
    model.eval()
    callbacks.call("on_train_end", logs)


@torch.no_grad()
def predict_loop(model: Model, data: Data, callbacks: CallbackList) -> Any:
    """Outputs for every batch, concatenated (tensors on the device)."""
    was_training = model.training
    model.eval()
    outputs: list[Any] = []
    begin = callbacks.uses("on_predict_batch_begin")
    end = callbacks.uses("on_predict_batch_end")
    callbacks.call("on_predict_begin", {})
    for step_index, batch in enumerate(data.epoch()):
        if begin:
            callbacks.call("on_predict_batch_begin", step_index, {})
        output = call_module(model, batch.x)
        outputs.append(output)
        if end:
            callbacks.call("on_predict_batch_end", step_index, {"outputs": output})
    callbacks.call("on_predict_end", {})
    model.train(was_training)
    return _concatenate(outputs)


def _concatenate(outputs: list[Any]) -> Any:
    first = outputs[0]
    if isinstance(first, dict):
        return {key: torch.cat([o[key] for o in outputs]) for key in first}
    if isinstance(first, tuple | list):
        return tuple(torch.cat([o[i] for o in outputs]) for i in range(len(first)))
    return torch.cat(outputs)


def to_numpy(structure: Any) -> Any:
    """Tensors (or a tuple/dict of them) to numpy arrays on the host."""
    if isinstance(structure, dict):
        return {key: to_numpy(value) for key, value in structure.items()}
    if isinstance(structure, tuple | list):
        return tuple(to_numpy(value) for value in structure)
    if isinstance(structure, torch.Tensor):
        return structure.detach().cpu().numpy()
    return np.asarray(structure)
