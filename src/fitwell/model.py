"""`Model`: a `torch.nn.Module` with Keras's `compile` → `fit` → `evaluate`/`predict`.

`Model` is the Keras API and delegates: data normalisation to `data`, what
to compute to `Objectives`, how steps run to the `Trainer` that `compile`
creates, the loops to `loops`, progress and history to callbacks. What a
run checks and prepares before its loop is in `run_setup`, what it returns
in `run_results`; the constructor's call forms are read by
`model_arguments`, and the layers and graph are looked up by
`model_structure`. Keras's extension points are here too: override
`train_step`, `test_step` or `predict_step` in a subclass, or define
`call` instead of `forward`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from fitwell import data as data_module
from fitwell import guards, loops, model_arguments, model_structure, run_results, run_setup, structures
from fitwell import optimizers as optimizers_module
from fitwell.callbacks.base import Callback
from fitwell.data import ArrayData
from fitwell.functional import Graph
from fitwell.history import History
from fitwell.layers.layer import Layer, call_takes_training, unique_name
from fitwell.layers.symbolic import SymbolicTensor
from fitwell.metrics import Metric
from fitwell.objectives import Objectives
from fitwell.run_mode import run_mode
from fitwell.trainer import Trainer, clearer_input_error, require_trainer

__all__ = ["Model"]


class Model(Layer):
    """A torch module that trains the Keras way.

    Four ways in: wrap any module (`Model(module)`), connect layers with
    the functional API (`Model(inputs, outputs)`), subclass with Keras's
    `call` (or torch's `forward`), or stack layers with `Sequential`. Then
    `compile`, `fit`, `evaluate` and `predict` behave as in Keras (see
    docs/keras.md for the few deliberate differences). A subclass may
    override `train_step`, `test_step` or `predict_step` to change what a
    step does while keeping everything else `fit` does. A model is also a
    `Layer`: it can be called on symbolic tensors inside another model.

    Args:
        module: A module to wrap. Leave out when subclassing.
        inputs: The `Input()`s of a functional model (a tensor, list or dict).
        outputs: What the layers return for them (a tensor, list or dict).
        name: The model's name.
        trainable: Whether its weights train.

    Example:
        >>> import numpy as np, fitwell
        >>> model = fitwell.Model(torch.nn.Linear(3, 1))
        >>> model.compile(optimizer="sgd", loss="mse", device="cpu")
        >>> x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
        >>> history = model.fit(x, y, epochs=2, verbose=0)
        >>> len(history.history["loss"])
        2
        >>> inputs = fitwell.Input(shape=(3,))
        >>> functional = fitwell.Model(inputs, fitwell.layers.Dense(2)(inputs))
        >>> functional(torch.ones(4, 3)).shape
        torch.Size([4, 2])
    """

    # Integer inputs go to the layers as they are (an Embedding needs its ids).
    casts_integer_inputs = False
    records_call_losses = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        module, inputs, outputs = model_arguments.split_arguments(args, kwargs)
        if inputs is not None and "name" not in kwargs:
            kwargs["name"] = unique_name("functional")
        super().__init__(**kwargs)
        if module is not None:
            self.module = module
        self.stop_training = False
        self.history: History | None = None
        self._trainer: Trainer | None = None
        self._user_loss: Any = None
        #: The shape of one input sample (no batch axis), from `Input(shape=...)` or the first batch.
        self.input_sample_shape: tuple[int, ...] | None = None
        self._graph: Graph | None = None
        if inputs is not None:
            self._graph = Graph(inputs, outputs)
            modules = self._graph.modules()
            model_arguments.check_unique_names(modules)
            # By position in model.layers: the state_dict keys do not depend on the names the
            # process-wide counter gave, so the same architecture built twice loads the same file.
            self.graph_layers = nn.ModuleList(modules)
            self.built = True
            self.input_sample_shape = model_structure.sample_shape(self._graph)
        if not self._trainable:
            self.trainable = False  # Model(..., trainable=False) freezes what it holds

    # -- calling ------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Run the functional graph, Keras's `call` (subclasses), or the wrapped module."""
        if self._graph is not None:
            kwargs.pop("training", None)  # the mode of the layers is the model's
            return self._graph.run(args, kwargs)
        if type(self).call is not Model.call:
            if call_takes_training(type(self)) and "training" not in kwargs:
                kwargs["training"] = self.training
            return self.call(*args, **kwargs)
        if "module" not in self._modules:
            raise NotImplementedError(
                f"{type(self).__name__} has no forward(). Subclass fitwell.Model and define "
                "call() or forward(), or wrap a module: fitwell.Model(my_module)."
            )
        return self.module(*args, **kwargs)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """Keras's name for the forward pass: define it in a subclass (with an optional `training`)."""
        raise NotImplementedError(f"{type(self).__name__} does not define call().")

    def _build_for(self, inputs: Any) -> None:
        # Calling the model builds its layers as they run; nothing to do first.
        del inputs
        self.built = True

    @property
    def awaits_build(self) -> bool:
        """False: a model's weights are its layers' (they say whether they await their build)."""
        return False

    def build(self, input_shape: Any = None) -> None:
        """Create the weights by running the model once on zeros of `input_shape` (Keras's `build`).

        `None` sizes (the batch axis) become 1. A functional model, or one
        already built, has nothing to do.
        """
        if self._graph is not None or input_shape is None:
            self.built = True
            return
        shape = tuple(1 if size is None else int(size) for size in input_shape)
        with torch.no_grad(), run_mode(self, False):
            self(torch.zeros(shape, device=self.device))
        self.input_sample_shape = shape[1:]
        self.built = True

    # -- the model surface -------------------------------------------------------
    @property
    def layers(self) -> list[nn.Module]:
        """The model's layers: a functional model's in running order (its `InputLayer`s first),
        else the modules it holds directly."""
        return model_structure.layers(self, self._graph)

    def get_layer(self, name: str | None = None, index: int | None = None) -> nn.Module:
        """A layer by name or by index in `layers`.

        Raises:
            ValueError: For a name no layer has (listing the names), or
                neither or both of `name` and `index`.
        """
        return model_structure.get_layer(self, name, index)

    @property
    def graph(self) -> Graph | None:
        """The recorded calls from `inputs` to `outputs` (functional models, Sequential with an Input)."""
        return self._graph

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """The symbolic inputs (functional models and Sequential models with an `Input`)."""
        return model_structure.require_graph(self, self._graph, "inputs").flat_inputs

    @property
    def outputs(self) -> list[SymbolicTensor]:
        """The symbolic outputs (functional models and Sequential models with an `Input`)."""
        return model_structure.require_graph(self, self._graph, "outputs").flat_outputs

    @property
    def output_names(self) -> list[str] | None:
        """The outputs' names (a functional model's output layers, or its dict keys); None otherwise.

        Log keys of several outputs are prefixed with them (`"priority_loss"`), as in Keras.
        """
        return model_structure.output_names(self._graph)

    @property
    def input_shape(self) -> Any:
        """The inputs' shape(s), batch axis first (`None` for sizes known at run time)."""
        return model_structure.shapes(self.inputs)

    @property
    def output_shape(self) -> Any:
        """The outputs' shape(s), batch axis first."""
        return model_structure.shapes(self.outputs)

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
                output for several outputs), or `model.metrics` of an earlier
                compile. Never part of the gradient.
            loss_weights: Weights of the per-output losses.
            weighted_metrics: Metrics that also receive sample weights.
            jit_compile: Compile the forward pass and loss with `torch.compile`
                (training falls back to eager, with a warning, if that fails).
            device: Where to train.
            guards: Check the first batch for the classic mistakes (wrong
                cross-entropy for the labels, `from_logits` that does not
                match the last activation, …). `False` silences every guard.
            mixed_precision: `"bf16"` or `"fp16"` to run forward and loss
                under autocast (float32 master weights; fp16 wraps the
                optimizer in a `LossScaleOptimizer`). Defaults to the global
                policy (float32).
            strategy: `"auto"` trains data-parallel when launched by torchrun
                (several processes), `"ddp"` requires it, `"fsdp"` shards
                parameters, `"none"` never distributes.

        Raises:
            ValueError: For unknown names, with the closest known one.
        """
        objectives = Objectives(
            loss=loss,
            metrics=metrics,
            weighted_metrics=weighted_metrics,
            loss_weights=loss_weights,
            guards=guards,
        )
        self._trainer = Trainer(
            self,
            objectives,
            optimizers_module.get(optimizer),
            device=device,
            strategy=strategy,
            mixed_precision=mixed_precision,
            jit_compile=jit_compile,
        )
        self._user_loss = loss
        self.stop_training = False

    @property
    def trainer(self) -> Trainer | None:
        """What runs the steps (device, optimizer, precision, processes); None before `compile`."""
        return self._trainer

    @property
    def optimizer(self) -> Any:
        """The compiled optimizer; `model.optimizer.learning_rate = x` changes the rate in place."""
        return None if self._trainer is None else self._trainer.optimizer

    @property
    def loss(self) -> Any:
        """The loss exactly as passed to `compile` (so it can be passed again)."""
        return self._user_loss

    @property
    def metrics(self) -> list[Metric]:
        """Every metric the model tracks, in Keras's order.

        The loss tracker (`"loss"`), one `CompileMetrics` holding the
        compiled metrics, per-output loss trackers, then `Metric`s set as
        attributes of the model. Each has `name`, `update_state`, `result`
        and `reset_state`; `fit` resets them all at each epoch. Passing this
        list to `compile(metrics=...)` compiles the same metrics again.
        """
        listed = [] if self._trainer is None else self._trainer.objectives.model_metrics()
        tracked = [value for value in vars(self).values() if isinstance(value, Metric)]
        return listed + [metric for metric in tracked if all(metric is not m for m in listed)]

    @property
    def metrics_names(self) -> list[str]:
        """Log names in the order `evaluate` returns them: `["loss", *metrics]`."""
        return [] if self._trainer is None else self._trainer.objectives.names

    @property
    def device(self) -> torch.device:
        """The device training runs on."""
        if self._trainer is not None:
            return self._trainer.device
        parameter = next(self.parameters(), None)
        return parameter.device if parameter is not None else torch.device("cpu")

    def overrides_step(self, kind: str) -> bool:
        """Whether this model's class overrides `train_step`, `test_step` or `predict_step` (`kind`)."""
        return _overrides(type(self), f"{kind}_step")

    # -- Keras's extension points -----------------------------------------------
    def compute_loss(
        self,
        x: Any = None,
        y: Any = None,
        y_pred: Any = None,
        sample_weight: Any = None,
        training: bool = True,
    ) -> torch.Tensor:
        """The total loss of one batch, from the losses given to `compile` (Keras's `compute_loss`).

        Per-output loss trackers are updated; the `"loss"` tracker is not
        (a custom `train_step` updates it, as in Keras).
        """
        del x, training  # the compiled losses need neither
        objectives = require_trainer(self, "compute_loss()").objectives
        if not objectives.is_built:
            objectives.build(y, y_pred)
        # With the add_loss terms of the last call and weight regularization, as Keras.
        total, per_output = objectives.loss_values(y, y_pred, sample_weight, self.losses)
        objectives.track_output_losses(per_output, structures.count_samples(y_pred))
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict[str, Any]:
        """Update the compiled metrics with one batch; returns `get_metrics_result()`."""
        del x  # the compiled metrics read targets and outputs only
        require_trainer(self, "compute_metrics()").objectives.compile_metrics.update_state(
            y, y_pred, sample_weight
        )
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict[str, Any]:
        """Every metric's current value (device tensors), flattened: `{"loss": ..., "accuracy": ...}`."""
        results: dict[str, Any] = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, Mapping):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def reset_metrics(self) -> None:
        """Reset every metric in `model.metrics`."""
        for metric in self.metrics:
            metric.reset_state()

    def train_step(self, data: Any) -> Mapping[str, Any]:
        """One training step on `data` (`(x, y)`, `(x, y, sample_weight)` or `(x,)`); returns the logs.

        Override it to change what training does, as in Keras's guide
        "Customizing what happens in fit()": compute the loss with
        `self.compute_loss(...)`, call `backward()`, update with
        `self.optimizer.apply(grads, self.trainable_weights)` (or
        `self.optimizer.step()`), update `self.metrics`, and return
        `{m.name: m.result() for m in self.metrics}`.
        """
        trainer = require_trainer(self, "train_step()")
        trainer.train_step(data_module.step_batch(data))
        return self.get_metrics_result()

    def test_step(self, data: Any) -> Mapping[str, Any]:
        """One evaluation step on `data`; returns the logs. Override to change evaluation."""
        trainer = require_trainer(self, "test_step()")
        trainer.test_step(data_module.step_batch(data))
        return self.get_metrics_result()

    def predict_step(self, data: Any) -> Any:
        """The outputs for `data` (`(x,)` or `x`). Override to change prediction."""
        x, _, _ = structures.unpack_batch(data)
        return structures.call_module(self, x)

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
        trainer = require_trainer(self, "fit()")
        run = run_setup.prepare_fit(
            trainer,
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=callbacks,
            validation_split=validation_split,
            validation_data=validation_data,
            shuffle=shuffle,
            class_weight=class_weight,
            initial_epoch=initial_epoch,
            steps_per_epoch=steps_per_epoch,
            validation_steps=validation_steps,
            validation_batch_size=validation_batch_size,
            validation_freq=validation_freq,
        )
        # Called from here, the first-batch and class-balance guards warn at the line that called fit().
        trainer.build(run.train_data.first_batch(), step="train")
        run_setup.check_fit_batches(trainer, run, class_weight)
        if isinstance(run.train_data, ArrayData):
            guards.check_class_balance(
                trainer.objectives, run.train_data.y, sample_weight=run.train_data.sample_weight
            )
        callback_list = run_setup.fit_callbacks(self, run, epochs=epochs, diagnose=diagnose)
        self.stop_training = False
        loops.fit_loop(
            trainer,
            run.train_data,
            run.val_data,
            epochs=epochs,
            initial_epoch=initial_epoch,
            callbacks=callback_list,
            validation_freq=validation_freq,
        )
        self.history = run.history
        return run.history

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
        trainer = require_trainer(self, "evaluate()")
        run = run_setup.prepare_evaluate(
            trainer,
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            verbose=verbose,
            steps=steps,
            callbacks=callbacks,
        )
        trainer.build(run.data.first_batch(), step="test")  # here, so its guards warn at the caller's line
        logs = loops.evaluate_loop(trainer, run.data, run_setup.pass_callbacks(self, run, "evaluate"))
        return run_results.in_compile_order(logs, trainer.objectives, return_dict)

    def predict(
        self,
        x: Any,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        steps: int | None = None,
        callbacks: Sequence[Callback] | None = None,
    ) -> Any:
        """Outputs for every sample, batched, as numpy (a tuple/dict for several outputs)."""
        run = run_setup.prepare_predict(
            self, x, batch_size=batch_size, verbose=verbose, steps=steps, callbacks=callbacks
        )
        callback_list = run_setup.pass_callbacks(self, run, "predict")
        try:
            outputs = loops.predict_loop(self, run.data, callback_list)
        except (RuntimeError, TypeError) as error:
            arrays = isinstance(run.data, ArrayData)
            clearer = clearer_input_error(error, run.data.x, self) if arrays else None
            if clearer is None:
                raise
            raise clearer from error
        return run_results.predictions(outputs, run.data)

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
        trainer = require_trainer(self, "train_on_batch()")
        batch = run_setup.prepare_batch(trainer, x, y, sample_weight, class_weight)
        if not trainer.is_built:
            trainer.build(batch, step="train")
        logs = loops.run_one_batch(trainer, batch, "train")
        return run_results.in_compile_order(logs, trainer.objectives, return_dict)

    def test_on_batch(
        self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False
    ) -> float | list[float] | dict[str, float]:
        """Loss and metrics of one batch, without updating the weights."""
        trainer = require_trainer(self, "test_on_batch()")
        batch = run_setup.prepare_batch(trainer, x, y, sample_weight)
        if not trainer.is_built:
            trainer.build(batch, step="test")
        logs = loops.run_one_batch(trainer, batch, "test")
        return run_results.in_compile_order(logs, trainer.objectives, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for one batch, as numpy."""
        batch = data_module.one_batch(x, None, None, self.device)
        try:
            with torch.no_grad(), run_mode(self, False):
                output = self.predict_step((batch.x,)) if self.overrides_step("predict") else self(batch.x)
        except (RuntimeError, TypeError) as error:
            clearer = clearer_input_error(error, batch.x, self)
            if clearer is None:
                raise
            raise clearer from error
        return structures.to_numpy(output)

    # -- files ------------------------------------------------------------------
    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        """Save weights to `.weights.h5` (HDF5) or `.safetensors`, atomically."""
        from fitwell import saving

        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str, *, strict: bool = True) -> None:
        """Load weights from `save_weights` (or Keras 3's `.weights.h5`); never runs code from the file."""
        from fitwell import saving

        saving.load_weights(self, filepath, strict=strict)

    def save(self, filepath: str, overwrite: bool = True) -> None:
        """Save a whole Sequential model (architecture, weights, optimizer) to one file."""
        from fitwell import saving

        saving.save_model(self, filepath, overwrite=overwrite)

    def get_config(self) -> dict[str, Any]:
        """A Sequential's or functional model's architecture as JSON (its layers, and the calls between
        them); other models, their `Layer` config.

        Raises:
            TypeError: For a layer or operation a config cannot describe.
        """
        from fitwell.saving import graph_config
        from fitwell.sequential import Sequential

        if type(self) is Sequential or (type(self) is Model and self._graph is not None):
            return graph_config.describe_model(self)["config"]
        return super().get_config()

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: dict[str, type] | None = None) -> Model:
        """Rebuild a model from `get_config()`'s output (fresh weights, as Keras).

        Args:
            config: What `get_config()` returned.
            custom_objects: `{class name: class}` for unregistered custom layers.
        """
        from fitwell.saving import graph_config
        from fitwell.saving.architecture import custom_object_scope

        if isinstance(config.get("layers"), list):
            kind = graph_config.FUNCTIONAL if "calls" in config else graph_config.SEQUENTIAL
            with custom_object_scope(custom_objects):
                return graph_config.build_model({"class_name": kind, "config": config})  # type: ignore[return-value]
        return cls(**config)

    def get_compile_config(self) -> dict[str, Any] | None:
        """The arguments of the last `compile()` as JSON (None before compiling).

        Raises:
            ValueError: When a setting is a function, a module or a user
                class, which cannot be described.
        """
        from fitwell.saving import compile_config

        return None if self._trainer is None else compile_config.describe(self)

    def find_learning_rate(self, x: Any, y: Any = None, **kwargs: Any) -> Any:
        """Sweep the learning rate exponentially and suggest one (weights are restored after)."""
        from fitwell import lr_finder

        return lr_finder.find_learning_rate(self, x, y, **kwargs)

    def summary(
        self,
        line_length: int | None = None,
        positions: Any = None,
        print_fn: Any = print,
        expand_nested: bool = False,
        show_trainable: bool = False,
        layer_range: Any = None,
    ) -> None:
        """Print each layer with its output shape and parameter count, as Keras's summary.

        Args:
            line_length: Accepted for Keras scripts; columns fit their content.
            positions: Accepted for Keras scripts; columns fit their content.
            print_fn: Called once with the whole table.
            expand_nested: Accepted for Keras scripts; nested models show as one row.
            show_trainable: Add a "Trainable" column (Y/N per layer).
            layer_range: Accepted for Keras scripts; every layer is shown.
        """
        from fitwell import summary

        del line_length, positions, expand_nested, layer_range  # layout options of Keras's printer
        print_fn(summary.summarize(self, show_trainable=show_trainable))


def _overrides(cls: type, name: str) -> bool:
    return getattr(cls, name) is not getattr(Model, name)
