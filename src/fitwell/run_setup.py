"""What a run does before its loop: check the arguments, make the sources, list the callbacks.

`Model.fit`, `evaluate`, `predict` and the single-batch methods start here,
so every argument is checked before any weight changes. Building the
trainer on the first batch (and fit's class-balance check) stays in those
methods: the guards' warnings point at the line that called them. The
callback list is the same for all runs: the user's callbacks, then
`History` and the progress bar, with `LiveDiagnosis` last (its findings
print after the epoch's progress line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fitwell import arguments, distributed, fit_data
from fitwell.callbacks.base import Callback, CallbackList, check_callbacks
from fitwell.callbacks.live_diagnosis import LiveDiagnosis
from fitwell.callbacks.progbar_logger import ProgbarLogger
from fitwell.class_weights import class_weight_table, weights_from_classes
from fitwell.data import ArrayData, Batch, IterableData, as_data, one_batch
from fitwell.history import History

if TYPE_CHECKING:
    from fitwell.model import Model
    from fitwell.trainer import Trainer

__all__ = [
    "FitRun",
    "PassRun",
    "callback_list",
    "check_fit_batches",
    "fit_callbacks",
    "pass_callbacks",
    "prepare_batch",
    "prepare_evaluate",
    "prepare_fit",
    "prepare_predict",
]


@dataclass
class FitRun:
    """One `fit` call: its sources, `verbose` as a number, the checked callbacks and the `History`."""

    train_data: ArrayData | IterableData
    val_data: ArrayData | IterableData | None
    verbose: int
    callbacks: list[Callback]
    history: History


@dataclass
class PassRun:
    """One pass of `evaluate` or `predict`: its source, `verbose` as a number, the checked callbacks."""

    data: ArrayData | IterableData
    verbose: int
    callbacks: list[Callback]


def prepare_fit(
    trainer: Trainer,
    x: Any,
    y: Any,
    sample_weight: Any,
    *,
    batch_size: int | None,
    epochs: int,
    verbose: int | str,
    callbacks: Sequence[Callback] | None,
    validation_split: float,
    validation_data: Any,
    shuffle: bool,
    class_weight: dict | None,
    initial_epoch: int,
    steps_per_epoch: int | None,
    validation_steps: int | None,
    validation_batch_size: int | None,
    validation_freq: int | list[int],
) -> FitRun:
    """Check `fit`'s arguments (all at once) and callbacks, and make its sources.

    Raises:
        ValueError: For invalid arguments or data, before training starts.
    """
    arguments.check_arguments(
        verbose=verbose,
        batch_size=batch_size,
        epochs=epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=steps_per_epoch,
        validation_steps=validation_steps,
        validation_batch_size=validation_batch_size,
        validation_freq=validation_freq,
        validation_split=validation_split,
        class_weight=class_weight,
        sample_weight=sample_weight,
    )
    verbose = arguments.resolve_verbose(verbose)
    given = check_callbacks(callbacks)
    train_data, val_data = fit_data.fit_sources(
        trainer.objectives,
        x,
        y,
        sample_weight,
        device=trainer.device,
        shard=trainer.shard,
        batch_size=batch_size,
        shuffle=shuffle,
        epochs=epochs,
        initial_epoch=initial_epoch,
        steps_per_epoch=steps_per_epoch,
        class_weight=class_weight,
        validation_split=validation_split,
        validation_data=validation_data,
        validation_batch_size=validation_batch_size,
        validation_steps=validation_steps,
    )
    return FitRun(train_data, val_data, verbose, given, History())


def check_fit_batches(trainer: Trainer, run: FitRun, class_weight: dict | None) -> None:
    """Once `trainer` is built: `class_weight`'s keys against the outputs, and the validation batch.

    Raises:
        ValueError: For a class the model has no output for, or a
            validation batch the model cannot take.
    """
    fit_data.check_class_weight(class_weight, trainer.output_shapes)
    if run.val_data is not None:
        trainer.check_validation_batch(run.val_data.first_batch())


def fit_callbacks(model: Model, run: FitRun, *, epochs: int, diagnose: bool) -> CallbackList:
    """`fit`'s `CallbackList`, with a `LiveDiagnosis` when `diagnose` and a progress bar show."""
    if diagnose and run.verbose and not any(isinstance(c, LiveDiagnosis) for c in run.callbacks):
        run.callbacks.append(LiveDiagnosis())
    params = {
        "epochs": epochs,
        "steps": run.train_data.steps,
        "verbose": run.verbose,
        "mode": "fit",
        "validation": run.val_data is not None,
    }
    return callback_list(model, run.callbacks, run.history, run.verbose, params)


def prepare_evaluate(
    trainer: Trainer,
    x: Any,
    y: Any,
    sample_weight: Any,
    *,
    batch_size: int | None,
    verbose: int | str,
    steps: int | None,
    callbacks: Sequence[Callback] | None,
) -> PassRun:
    """Check `evaluate`'s arguments and callbacks, and make its source (on `trainer`'s device)."""
    arguments.check_arguments(verbose=verbose, batch_size=batch_size, steps=steps)
    verbose = arguments.resolve_verbose(verbose)
    given = check_callbacks(callbacks)
    data = as_data(
        x,
        y,
        sample_weight,
        batch_size=batch_size,
        shuffle=False,
        device=trainer.device,
        take=steps,
        shard=trainer.shard,
    )
    return PassRun(data, verbose, given)


def prepare_predict(
    model: Model,
    x: Any,
    *,
    batch_size: int | None,
    verbose: int | str,
    steps: int | None,
    callbacks: Sequence[Callback] | None,
) -> PassRun:
    """Check `predict`'s arguments and callbacks, and make its source (no compiled model needed).

    A compiled model running on several processes shards array inputs
    (`data.shard`), unless `steps` limits the batches.
    """
    arguments.check_arguments(verbose=verbose, batch_size=batch_size, steps=steps)
    verbose = arguments.resolve_verbose(verbose)
    given = check_callbacks(callbacks)
    trainer = model.trainer
    shard = None if trainer is None or steps is not None else trainer.shard
    data = as_data(x, batch_size=batch_size, shuffle=False, device=model.device, take=steps, shard=shard)
    return PassRun(data, verbose, given)


def pass_callbacks(model: Model, run: PassRun, mode: str) -> CallbackList:
    """The `CallbackList` of one pass; `mode` is `"evaluate"` or `"predict"`."""
    params = {"epochs": 1, "steps": run.data.steps, "verbose": run.verbose, "mode": mode}
    return callback_list(model, run.callbacks, None, run.verbose, params)


def prepare_batch(
    trainer: Trainer, x: Any, y: Any, sample_weight: Any, class_weight: dict | None = None
) -> Batch:
    """`x`, `y` and `sample_weight` as one batch on `trainer`'s device, weighted by `class_weight`.

    Raises:
        ValueError: When both `class_weight` and `sample_weight` are given.
    """
    if class_weight is not None and sample_weight is not None:
        raise ValueError("`class_weight` and `sample_weight` cannot be used together. Received both.")
    batch = one_batch(x, y, sample_weight, trainer.device)
    if class_weight is not None:
        table = class_weight_table(class_weight, device=trainer.device)
        batch.sample_weight = weights_from_classes(batch.y, table)
    return batch


def callback_list(
    model: Model,
    callbacks: Sequence[Callback] | None,
    history: History | None,
    verbose: int,
    params: dict[str, Any],
) -> CallbackList:
    """The run's `CallbackList`: `callbacks`, then `history` and a progress bar (with `verbose`)."""
    given = check_callbacks(callbacks)
    extra: list[Callback] = [history] if history is not None else []
    if verbose and not any(isinstance(c, ProgbarLogger) for c in given):
        extra.append(ProgbarLogger(verbose))
    # Live findings print after the epoch's progress line, so they go last.
    live = [c for c in given if isinstance(c, LiveDiagnosis)]
    every = [*(c for c in given if not isinstance(c, LiveDiagnosis)), *extra, *live]
    active = every
    if not distributed.is_main_process():
        # Only rank 0 prints and writes files; callbacks that decide run everywhere.
        active = [c for c in every if not c.main_process_only]
    # params["callbacks"] (all of them, on every rank): BackupAndRestore saves
    # and restores the others' state, matched by position.
    return CallbackList(active, model=model, params={**params, "callbacks": every})
