"""`Model`: a `torch.nn.Module` with Keras's `compile` → `fit` → `evaluate`/`predict`.

`Model` validates arguments and delegates: data normalisation to `data`,
loss/metric bookkeeping to `compiled`, the loops to `engine`, progress and
history to callbacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from fitwell import arguments, distributed, engine, fit_data, guards, jit, structures
from fitwell import data as data_module
from fitwell import mixed_precision as precision_module
from fitwell import optimizers as optimizers_module
from fitwell.callbacks.base import Callback, CallbackList
from fitwell.callbacks.live_diagnosis import LiveDiagnosis
from fitwell.callbacks.progbar_logger import ProgbarLogger
from fitwell.compiled import CompiledState
from fitwell.errors import NotCompiledError
from fitwell.history import History
from fitwell.utils import default_device

__all__ = ["Model"]


class Model(nn.Module):
    """A torch module that trains the Keras way.

    Three ways in: wrap any module (`Model(module)`), subclass with a
    `forward`, or stack layers with `Sequential`. Then `compile`, `fit`,
    `evaluate` and `predict` behave as in Keras (see docs/keras.md for the
    few deliberate differences).

    Args:
        module: A module to wrap. Leave out when subclassing.

    Example:
        >>> import numpy as np, fitwell
        >>> model = fitwell.Model(torch.nn.Linear(3, 1))
        >>> model.compile(optimizer="sgd", loss="mse", device="cpu")
        >>> x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
        >>> history = model.fit(x, y, epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2
    """

    def __init__(self, module: nn.Module | None = None) -> None:
        super().__init__()
        if module is not None:
            if not isinstance(module, nn.Module):
                raise TypeError(f"`module` must be a torch.nn.Module. Received: {type(module).__name__}")
            self.module = module
        self.stop_training = False
        self.history: History | None = None
        self._compiled: CompiledState | None = None
        self._user_loss: Any = None
        self._user_metrics: Any = None
        self._device: torch.device | None = None
        self._input_shape: tuple[int, ...] | None = None
        # Set by BackupAndRestore to continue a killed run (read once by the loop).
        self._resume_epoch: int | None = None
        self._resume_batch = 0
        self.jit_compile = False
        self._process_group: distributed.ProcessGroup | None = None

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the wrapped module; subclasses define their own `forward`."""
        if "module" not in self._modules:
            raise NotImplementedError(
                f"{type(self).__name__} has no forward(). Subclass fitwell.Model and define "
                "forward(), or wrap a module: fitwell.Model(my_module)."
            )
        return self.module(*args, **kwargs)

    # -- compile ----------------------------------------------------------------
    def compile(  # type: ignore[override]
        self,
        optimizer: Any = "rmsprop",
        loss: Any = None,
        metrics: Any = None,
        *,
        loss_weights: Any = None,
        weighted_metrics: Any = None,
        jit_compile: bool = False,
        device: str | torch.device = "auto",
        guards: bool = True,
        mixed_precision: str | None = None,
        strategy: str = "auto",
    ) -> None:
        """Set the loss, optimizer and metrics for training.

        Every call starts a fresh optimizer state (a new `Adam(...)` or the
        same instance alike: see docs/keras.md). `device="auto"` picks CUDA
        when present; pass `"cpu"`, `"cuda:1"`… to choose.

        Args:
            optimizer: A name (`"adam"`) or a fitwell optimizer.
            loss: A name, a `fitwell.losses.Loss`, a torch loss module or a
                function `(y_true, y_pred)`; a list/dict for several outputs.
            metrics: A list of names, `Metric`s or functions (a dict by
                output for several outputs). Never part of the gradient.
            loss_weights: Weights of the per-output losses.
            weighted_metrics: Metrics that also receive sample weights.
            jit_compile: Compile the forward pass and loss with `torch.compile`
                (training falls back to eager, with a warning, if that fails).
            device: Where to train.
            guards: Check the first batch for the classic mistakes (wrong
                cross-entropy for the labels, `from_logits` that does not
                match the last activation, …). `False` silences every guard.
            mixed_precision: `"bf16"` or `"fp16"` to run forward and loss
                under autocast (float32 master weights; fp16 adds a gradient
                scaler). Defaults to the global policy (float32).
            strategy: `"auto"` trains data-parallel when launched by torchrun
                (several processes), `"ddp"` requires it, `"fsdp"` shards
                parameters, `"none"` never distributes.

        Raises:
            ValueError: For unknown names, with the closest known one.
        """
        optimizer = optimizers_module.get(optimizer)
        state = CompiledState(
            loss=loss,
            metrics=metrics,
            weighted_metrics=weighted_metrics,
            loss_weights=loss_weights,
            optimizer=optimizer,
        )
        group = distributed.setup(strategy, None if device == "auto" else torch.device(device))
        if group is not None:
            self._device = group.device
            state.world_size = group.world_size
        else:
            self._device = default_device() if device == "auto" else torch.device(device)
        self._process_group = group
        state.precision = precision_module.resolve(mixed_precision)
        if state.precision == "fp16":
            state.grad_scaler = torch.amp.GradScaler(self._device.type)
        self.to(self._device)
        state.guards_enabled = bool(guards)
        optimizer.reset()  # every compile starts fresh optimizer state, even for the same instance
        self._compiled = state
        self._user_loss, self._user_metrics = loss, metrics
        self.jit_compile = bool(jit_compile)
        self.stop_training = False

    @property
    def optimizer(self) -> optimizers_module.Optimizer | None:
        """The compiled optimizer; `model.optimizer.learning_rate = x` changes the rate in place."""
        return None if self._compiled is None else self._compiled.optimizer

    @property
    def loss(self) -> Any:
        """The loss exactly as passed to `compile` (so it can be passed again)."""
        return self._user_loss

    @property
    def metrics(self) -> Any:
        """The metrics exactly as passed to `compile` (so they can be passed again)."""
        return self._user_metrics

    @property
    def metrics_names(self) -> list[str]:
        """Log names in the order `evaluate` returns them: `["loss", *metrics]`."""
        return [] if self._compiled is None else self._compiled.names

    @property
    def device(self) -> torch.device:
        """The device training runs on."""
        if self._device is not None:
            return self._device
        parameter = next(self.parameters(), None)
        return parameter.device if parameter is not None else torch.device("cpu")

    def _require_compiled(self, action: str) -> CompiledState:
        if self._compiled is None:
            raise NotCompiledError(
                f"You must call compile() before {action}. Received a model that was never "
                "compiled. For example: model.compile(optimizer='adam', loss='mse')."
            )
        return self._compiled

    # -- fit --------------------------------------------------------------------
    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Sequence[Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: Any = None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        validation_freq: int | list[int] = 1,
        diagnose: bool = True,
    ) -> History:
        """Train for `epochs` epochs; returns the `History` (also `model.history`).

        Arguments have Keras's meaning: `epochs` is the index of the last
        epoch (so `initial_epoch=2, epochs=5` runs epochs 2, 3, 4);
        `validation_split` holds out the *last* fraction of array data
        before shuffling; `batch_size` is ignored for data that is already
        batched. Everything is checked before any weight changes.

        With `verbose > 0`, fitwell also watches the curves while training:
        a finding that becomes certain (loss turned NaN, overfitting
        established) is printed once, when it happens, and a short diagnosis
        follows the last epoch. It never stops training; `diagnose=False`
        silences it (pass `fitwell.callbacks.LiveDiagnosis(stop_on=...)`
        yourself to stop on a finding).

        Returns:
            The `History`: `history.history["val_loss"]` etc., one float per epoch.

        Raises:
            ValueError: For invalid arguments or data, before training starts.
        """
        state = self._require_compiled("fit()")
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
        train_data, val_data = fit_data.fit_sources(
            state,
            x,
            y,
            sample_weight,
            device=self.device,
            shard=self._shard(),
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
        self._build(state, train_data.first_batch())
        if isinstance(train_data, data_module.ArrayData):
            guards.check_class_balance(state, train_data.y, sample_weight=train_data.sample_weight)
        history = History()
        callbacks = list(callbacks or [])
        if diagnose and verbose and not any(isinstance(c, LiveDiagnosis) for c in callbacks):
            callbacks.append(LiveDiagnosis())
        callback_list = self._callback_list(
            callbacks,
            history,
            verbose,
            {"epochs": epochs, "steps": train_data.steps, "verbose": verbose, "mode": "fit"},
        )
        self.stop_training = False
        engine.fit_loop(
            self,
            state,
            train_data,
            val_data,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=callback_list,
            validation_freq=validation_freq,
        )
        self.history = history
        return history

    def _shard(self) -> tuple[int, int] | None:
        group = self._process_group
        return None if group is None else (group.rank, group.world_size)

    def _callback_list(
        self,
        callbacks: Sequence[Callback] | None,
        history: History | None,
        verbose: int,
        params: dict[str, Any],
    ) -> CallbackList:
        given = list(callbacks or [])
        for callback in given:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "Each entry of `callbacks` must be a fitwell.callbacks.Callback. "
                    f"Received: {callback!r} of type {type(callback).__name__}"
                )
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
        return CallbackList(active, model=self, params={**params, "callbacks": every})

    def _build(self, state: CompiledState, batch: data_module.Batch) -> None:
        """Resolve names, build lazy layers, the optimizer and run the first-batch checks."""
        x_shape = tuple(getattr(batch.x, "shape", ()))[1:] or None
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                y_pred = engine.call_module(self, batch.x)
        except RuntimeError as error:
            raise ValueError(
                f"The model could not run on the data: {error}. Received: x with sample shape "
                f"{x_shape}. Check that the number of features matches the model's input "
                "(e.g. the first layer's in_features, or Input(shape=...))."
            ) from error
        finally:
            self.train(was_training)
        if x_shape is not None:
            self._input_shape = x_shape
        if not state.is_built:
            state.build(batch.y, y_pred)
            state.to(self.device)
        if self._process_group is not None and state.train_module is None and not state.optimizer.is_built:
            # Wrap (DDP) or shard (FSDP) before the optimizer sees the parameters.
            state.train_module = distributed.wrap(self, self._process_group)
        if not state.optimizer.is_built:
            state.optimizer.build(self.parameters())
        if state.forward_loss is None:
            state.forward_loss = jit.make_forward_loss(self, state, jit_compile=self.jit_compile)
        guards.check_first_batch(self, state, batch, y_pred)

    # -- evaluate / predict -----------------------------------------------------
    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics on the given data, in `metrics_names` order.

        Returns:
            A list `[loss, *metrics]` (a float when there are no metrics), or
            a dict with `return_dict=True`.
        """
        state = self._require_compiled("evaluate()")
        arguments.check_arguments(verbose=verbose, batch_size=batch_size, steps=steps)
        verbose = arguments.resolve_verbose(verbose)
        data = data_module.as_data(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            shuffle=False,
            device=self.device,
            take=steps,
            shard=self._shard(),
        )
        self._build(state, data.first_batch())
        callback_list = self._callback_list(
            callbacks,
            None,
            verbose,
            {"epochs": 1, "steps": data.steps, "verbose": verbose, "mode": "evaluate"},
        )
        logs = engine.evaluate_loop(self, state, data, callback_list)
        return _in_compile_order(logs, state, return_dict)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
    ) -> Any:
        """Outputs for every sample, batched, as numpy (a tuple/dict for several outputs)."""
        arguments.check_arguments(verbose=verbose, batch_size=batch_size, steps=steps)
        verbose = arguments.resolve_verbose(verbose)
        if self._device is None:
            self._device = self.device
        shard = self._shard() if steps is None else None
        data = data_module.as_data(
            x,
            batch_size=batch_size,
            shuffle=False,
            device=self.device,
            take=steps,
            shard=shard,
        )
        callback_list = self._callback_list(
            callbacks,
            None,
            verbose,
            {"epochs": 1, "steps": data.steps, "verbose": verbose, "mode": "predict"},
        )
        outputs = engine.predict_loop(self, data, callback_list)
        if shard is not None and isinstance(data, data_module.ArrayData):
            # Every process returns all rows, in input order.
            positions = data.local_positions()
            outputs = structures.map_structure(
                outputs, lambda t: distributed.gather_rows(t, positions, data.num_samples)
            )
        return engine.to_numpy(outputs)

    # -- single batches -----------------------------------------------------------
    def train_on_batch(
        self,
        x: Any,
        y: Any = None,
        sample_weight: Any = None,
        class_weight: dict | None = None,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """One update on one batch; returns that batch's loss and metrics."""
        state = self._require_compiled("train_on_batch()")
        if class_weight is not None and sample_weight is not None:
            raise ValueError("`class_weight` and `sample_weight` cannot be used together. Received both.")
        data = data_module.as_data(x, y, sample_weight, batch_size=None, shuffle=False, device=self.device)
        batch = data.first_batch() if isinstance(data, data_module.IterableData) else _whole(data)
        if class_weight is not None:
            table = data_module.class_weight_table(class_weight, device=self.device)
            batch.sample_weight = data_module.weights_from_classes(batch.y, table)
        if state.forward_loss is None:
            self._build(state, batch)
        state.reset()
        self.train()
        engine.train_step(self, state, batch, None)
        return _in_compile_order(state.results(), state, return_dict)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics of one batch, without updating the weights."""
        state = self._require_compiled("test_on_batch()")
        data = data_module.as_data(x, y, sample_weight, batch_size=None, shuffle=False, device=self.device)
        batch = data.first_batch() if isinstance(data, data_module.IterableData) else _whole(data)
        if state.forward_loss is None:
            self._build(state, batch)
        state.reset()
        self.eval()
        engine.test_step(self, state, batch)
        return _in_compile_order(state.results(), state, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for one batch, as numpy."""
        data = data_module.as_data(x, batch_size=None, shuffle=False, device=self.device)
        batch = _whole(data) if isinstance(data, data_module.ArrayData) else data.first_batch()
        self.eval()
        with torch.no_grad():
            return engine.to_numpy(engine.call_module(self, batch.x))

    # -- weights ------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Every parameter and buffer as numpy arrays, in `state_dict` order."""
        return [t.detach().cpu().numpy().copy() for t in self.state_dict().values()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Load arrays from `get_weights` (same order and shapes)."""
        state = self.state_dict()
        if len(weights) != len(state):
            raise ValueError(
                f"`set_weights` expected {len(state)} arrays (one per parameter and buffer). "
                f"Received: {len(weights)} arrays."
            )
        for (name, tensor), value in zip(state.items(), weights, strict=True):
            value = torch.as_tensor(np.asarray(value))
            if tuple(value.shape) != tuple(tensor.shape):
                raise ValueError(
                    f"`set_weights`: {name!r} has shape {tuple(tensor.shape)}. Received an "
                    f"array of shape {tuple(value.shape)}."
                )
        with torch.no_grad():
            for tensor, value in zip(state.values(), weights, strict=True):
                tensor.copy_(torch.as_tensor(np.asarray(value)))

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        """Save weights to `.weights.h5` (HDF5) or `.safetensors`, atomically."""
        from fitwell import saving

        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str, *, strict: bool = True) -> None:
        """Load weights saved by `save_weights`; never runs code from the file."""
        from fitwell import saving

        saving.load_weights(self, filepath, strict=strict)

    def save(self, filepath: str, overwrite: bool = True) -> None:
        """Save a whole Sequential model (architecture, weights, optimizer) to one file."""
        from fitwell import saving

        saving.save_model(self, filepath, overwrite=overwrite)

    def find_learning_rate(self, x: Any, y: Any = None, **kwargs: Any) -> Any:
        """Sweep the learning rate exponentially and suggest one (weights are restored after)."""
        from fitwell import lr_finder

        return lr_finder.find_learning_rate(self, x, y, **kwargs)

    def summary(self, print_fn: Any = print) -> None:
        """Print each layer with its output shape and parameter count."""
        from fitwell import summary

        print_fn(summary.summarize(self))


def _whole(data: data_module.ArrayData) -> data_module.Batch:
    return data_module.Batch(data.x, data.y, data.sample_weight, data.num_samples)


def _in_compile_order(
    logs: dict[str, float], state: CompiledState, return_dict: bool
) -> float | list[float] | dict[str, float]:
    # Keras: the dict as is, or the values in metrics_names order (a float alone).
    if return_dict:
        return logs
    values = [logs[name] for name in state.names if name in logs]
    return values[0] if len(values) == 1 else values
