"""`Trainer`: how the steps run — device, processes, precision, optimizer, compiled forward.

`compile()` creates one `Trainer` per call. It owns everything about
execution: the device and the process group, the optimizer's life cycle
(fresh state at every compile, wrapped in a `LossScaleOptimizer` for
float16), the DDP/FSDP wrapper, the forward-and-loss function (eager or
`torch.compile`d), the default training, test and prediction steps, the
position a resumed run continues from, and its own `state_dict()`. What
to compute (losses, metrics, names) belongs to the `Objectives` it runs;
the loops over epochs and batches are in `fitwell.loops`.

The default steps never read a value back from the device: losses and
metrics accumulate there and are read once per epoch, or when a callback
actually reads the batch logs.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import torch

from fitwell import distributed, guards, jit
from fitwell import mixed_precision as precision_module
from fitwell.data import Batch
from fitwell.devices import device_scope
from fitwell.epoch_evidence import EpochEvidence
from fitwell.errors import NotCompiledError
from fitwell.layers.symbolic import preserved_state
from fitwell.metrics import Metric
from fitwell.objectives import CompileMetrics, Objectives, to_floats
from fitwell.optimizers import LossScaleOptimizer, Optimizer, TorchOptimizer
from fitwell.run_mode import run_mode
from fitwell.structures import call_module, leaves, map_structure
from fitwell.utils import default_device

if TYPE_CHECKING:
    from fitwell.model import Model

__all__ = [
    "Checkpointer",
    "ResumePoint",
    "StepLogs",
    "Trainer",
    "cannot_run_message",
    "clearer_input_error",
    "holds_text",
    "python_logs",
    "require_trainer",
]


class Checkpointer(Protocol):
    """What `fit` calls at the two points where a run can be saved and resumed exactly.

    Both points lie between hooks, never inside one, so every callback is
    in the same phase there. `BackupAndRestore` is the one implementation.
    """

    def epoch_ready(self, epoch: int) -> None:
        """After every callback's `on_epoch_begin`, before the epoch's data is drawn."""

    def batch_ready(self, epoch: int, batch: int) -> None:
        """After the previous batch's hooks, before `on_train_batch_begin(batch)`."""


@dataclass(frozen=True)
class ResumePoint:
    """Where a resumed `fit` continues: the epoch, and the batch within it."""

    epoch: int
    batch: int


class StepLogs(Mapping[str, float]):
    """The logs of a step, read from the device only if someone looks at them.

    Keras hands every batch hook the running averages of loss and metrics.
    Reading them costs a device sync, so they are computed on first access
    and cached for that batch. Nested dicts (a `CompileMetrics` result in a
    custom `train_step`'s return) are flattened, as Keras does.

    Args:
        source: A function returning the values (tensors, floats or dicts).
    """

    def __init__(self, source: Callable[[], Mapping[str, Any]]) -> None:
        self._source = source
        self._values: dict[str, float] | None = None

    def _computed(self) -> dict[str, float]:
        if self._values is None:
            self._values = python_logs(self._source())
        return self._values

    def __getitem__(self, key: str) -> float:
        return self._computed()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._computed())

    def __len__(self) -> int:
        return len(self._computed())

    def __repr__(self) -> str:
        return repr(self._computed())


def python_logs(logs: Mapping[str, Any]) -> dict[str, float]:
    """Flatten nested dicts and turn scalar tensors into floats (one device read for all)."""
    flat: dict[str, Any] = {}
    for key, value in logs.items():
        if isinstance(value, Mapping):
            flat.update(python_logs(value))
        else:
            flat[key] = value
    tensors = {
        key: value for key, value in flat.items() if isinstance(value, torch.Tensor) and value.numel() == 1
    }
    flat.update(to_floats(tensors))
    return {key: (float(value) if isinstance(value, int | float) else value) for key, value in flat.items()}


class Trainer:
    """Runs the steps `compile()` set up, on the chosen device and processes.

    Created by `Model.compile`; reach it as `model.trainer`. Callbacks,
    saving and the learning-rate finder use its public methods.

    Args:
        model: The model it trains.
        objectives: The losses and metrics to compute.
        optimizer: The optimizer; its state is reset (every compile starts fresh).
        device: `"auto"` (CUDA when present), or a device.
        strategy: `"auto"`, `"ddp"`, `"fsdp"` or `"none"` (see `Model.compile`).
        mixed_precision: `"bf16"`, `"fp16"` or None for the global policy.
        jit_compile: Compile the forward pass and loss with `torch.compile`.

    Attributes:
        model: The model.
        objectives: The `Objectives`.
        optimizer: The optimizer (a `LossScaleOptimizer` around it for fp16).
        device: Where this process trains.
        process_group: This process's place among several (None on one process).
        precision: None, `"bf16"` or `"fp16"`.
        jit_compile: Whether the forward pass is compiled.
        train_module: The `DistributedDataParallel` wrapper the training
            step calls (None on one process and with FSDP).
    """

    def __init__(
        self,
        model: Model,
        objectives: Objectives,
        optimizer: Optimizer,
        *,
        device: str | torch.device = "auto",
        strategy: str = "auto",
        mixed_precision: str | None = None,
        jit_compile: bool = False,
    ) -> None:
        self.model = model
        self.objectives = objectives
        self.precision = precision_module.resolve(mixed_precision)
        group = distributed.setup(strategy, None if device == "auto" else torch.device(device))
        self.process_group = group
        if group is not None:
            self.device = group.device
        else:
            self.device = default_device() if device == "auto" else torch.device(device)
        _claim(optimizer, model)
        optimizer.reset()  # every compile starts fresh optimizer state, even for the same instance
        self.optimizer: Optimizer | LossScaleOptimizer = (
            LossScaleOptimizer(optimizer, self.device.type) if self.precision == "fp16" else optimizer
        )
        self.jit_compile = bool(jit_compile)
        self.train_module: torch.nn.Module | None = None
        self.forward_loss: jit.ForwardLoss | None = None
        self._resume: ResumePoint | None = None
        self.checkpointers: list[Checkpointer] = []
        #: The batch-loss spread (and, opt-in, gradient norms) of `fit`'s current epoch.
        self.epoch_evidence = EpochEvidence()
        #: The loss of the best constant prediction from the training labels (set by `fit`; a
        #: 0-d tensor on the device, read only when `History.baseline` is asked for).
        self.baseline: torch.Tensor | None = None
        #: The shapes of the model's outputs on the first batch (a structure like the outputs).
        self.output_shapes: Any = None
        model.to(self.device)
        objectives.to(self.device)

    def __getstate__(self) -> dict[str, Any]:
        # Copies (copy.deepcopy(model), pickling) drop what refers to this model's functions:
        # the forward-and-loss function and the DDP wrapper are rebuilt at the next fit.
        state = dict(self.__dict__)
        state["forward_loss"] = None
        state["train_module"] = None
        return state

    # -- where it runs ---------------------------------------------------------
    @property
    def world_size(self) -> int:
        """The number of processes training together (1 without torchrun)."""
        return 1 if self.process_group is None else self.process_group.world_size

    @property
    def shard(self) -> tuple[int, int] | None:
        """`(rank, world_size)` when distributed, else None: how data is split."""
        group = self.process_group
        return None if group is None else (group.rank, group.world_size)

    @property
    def is_built(self) -> bool:
        """Whether `build` has run (the forward-and-loss function exists)."""
        return self.forward_loss is not None

    # -- building at the first batch ---------------------------------------------
    def build(self, batch: Batch, *, step: str = "train") -> None:
        """Resolve names, build lazy layers and the optimizer, and check the first batch.

        The model runs once on the batch (in inference mode, without
        gradients) to size lazy layers, build the objectives and run the
        first-batch checks; a model with its own `train_step`/`test_step`
        (`step` says which one is about to run) whose weights all exist is
        not run: it may have no forward pass of its own.

        Raises:
            ValueError: When the model cannot run on the data, or a custom
                `train_step` meets DistributedDataParallel.
        """
        custom = self.model.overrides_step(step)
        group = self.process_group
        if custom and step == "train" and group is not None and group.strategy == "ddp":
            raise ValueError(
                "A custom train_step() cannot run under DistributedDataParallel: it calls the "
                "model directly, so gradients would not be averaged across processes. Received: "
                f"strategy={group.strategy!r} under torchrun with {type(self.model).__name__}.train_step "
                "overridden. Use compile(strategy='fsdp') (its sharded model averages gradients "
                "itself) or the default train_step."
            )
        if not custom and batch.y is None and self.objectives.has_loss:
            raise ValueError(
                f"`y` is required: the loss compares the model's outputs with targets, and {step}ing "
                f"got none. Received: y=None with loss={_loss_names(self.objectives)}. Pass the targets "
                "(model.fit(x, y)), or a dataset that yields (x, y) batches."
            )
        run_model = not custom or _has_lazy_weights(self.model)
        y_pred = self._probe(batch) if run_model else None
        if y_pred is not None:
            self.output_shapes = map_structure(y_pred, lambda t: tuple(getattr(t, "shape", ())))
        if y_pred is not None and not self.objectives.is_built and not custom:
            self.objectives.build(batch.y, y_pred, output_names=self.model.output_names)
            self.objectives.to(self.device)
        if group is not None and self.train_module is None and not self.optimizer.is_built:
            # Wrap (DDP) or shard (FSDP) before the optimizer sees the parameters.
            self.train_module = distributed.wrap(self.model, group)
        if not self.optimizer.is_built:
            self.optimizer.build(self.model.parameters())
        else:
            self._check_no_weight_unfrozen_since_compile()
        if self.forward_loss is None:
            self.forward_loss = jit.make_forward_loss(self, jit_compile=self.jit_compile)
        if y_pred is not None and not custom:
            guards.check_first_batch(self.model, self.objectives, batch, y_pred)

    def _check_no_weight_unfrozen_since_compile(self) -> None:
        if isinstance(getattr(self.optimizer, "inner_optimizer", self.optimizer), TorchOptimizer):
            return  # a torch optimizer updates the parameters its creator chose
        known = {id(p) for p in self.optimizer.parameters}
        unfrozen = [
            name for name, p in self.model.named_parameters() if p.requires_grad and id(p) not in known
        ]
        if unfrozen and not self.model.overrides_step("train"):
            raise ValueError(
                f"Some weights became trainable after compile(): {unfrozen[:5]}"
                f"{' and more' if len(unfrozen) > 5 else ''}. Received: a model unfrozen (trainable=True) "
                "since it was compiled; the optimizer only knows the weights that trained then, so these "
                "would silently not train. Call model.compile(...) again after changing `trainable`, as "
                "Keras's fine-tuning recipe does."
            )

    def check_validation_batch(self, batch: Batch) -> None:
        """Run the model and the loss once on the first validation batch, before training.

        A validation set that does not fit the model (another feature count,
        targets shaped unlike the training ones) then fails now, not after
        the first training epoch. Nothing changes: no gradients, inference
        mode, random streams and layer state preserved.

        Raises:
            ValueError: Naming `validation_data` and what does not fit.
        """
        if self.model.overrides_step("test"):
            return
        y_pred = self._probe(batch, argument="validation_data")
        if batch.y is None or not self.objectives.is_built or not self.objectives.has_loss:
            return
        try:
            # The label checks read the labels first: an out-of-range class index must not reach a
            # CUDA kernel, whose failed assertion would end the process's use of the device.
            guards.check_first_batch(self.model, self.objectives, batch, y_pred, warn=False)
        except ValueError as error:
            raise ValueError(f"In `validation_data`: {error}") from None
        try:
            with torch.no_grad(), device_scope(self.device):
                self.objectives.loss_values(batch.y, y_pred, batch.sample_weight)
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError) as error:
            shapes = map_structure(batch.y, lambda t: tuple(t.shape))
            raise ValueError(
                f"The loss cannot be computed on `validation_data`: {error} Received: validation "
                f"targets of shape {shapes}; the model's outputs on them have shape "
                f"{map_structure(y_pred, lambda t: tuple(t.shape))}. Build the validation targets like "
                "the training ones (same encoding, same shape)."
            ) from None

    def _probe(self, batch: Batch, argument: str = "x") -> Any:
        model = self.model
        x_shape = tuple(getattr(batch.x, "shape", ()))[1:] or None
        try:
            # The look at the first batch must not move the random streams a run draws from
            # (Keras's build runs on placeholders and draws nothing).
            devices = [self.device] if self.device.type == "cuda" else []
            with (
                torch.no_grad(),
                device_scope(self.device),
                torch.random.fork_rng(devices=devices),
                preserved_state(model),
                run_mode(model, False),
            ):
                y_pred = call_module(model, batch.x)
        except RuntimeError as error:
            raise ValueError(cannot_run_message(error, batch.x, argument, model)) from error
        except TypeError as error:
            clearer = clearer_input_error(error, batch.x, model, argument)
            if clearer is None:
                raise
            raise clearer from error
        if x_shape is not None and argument == "x":
            model.input_sample_shape = x_shape
        return y_pred

    # -- the default steps -----------------------------------------------------------
    def train_step(self, batch: Batch, after_backward: Callable[[], None] | None = None) -> torch.Tensor:
        """One optimizer update on one batch; updates the loss and metric states.

        Args:
            batch: The batch.
            after_backward: Called once the gradients are complete (and
                unscaled), before the update: the `on_backward_end` hook.

        Returns:
            This batch's loss (this process's shard of it when distributed;
            on the device, detached).
        """
        loss, per_output, y_pred = self.forward_loss(batch.x, batch.y, batch.sample_weight)  # type: ignore[misc]
        self.objectives.track_loss(loss, per_output, batch.size)
        evidence = self.epoch_evidence
        if evidence.active:
            evidence.record_loss(loss.detach())
        share = loss if self.process_group is None else _share_of_global_loss(loss, batch, self.world_size)
        if not share.requires_grad:
            # Every weight is frozen (or there is none): Keras warns and trains nothing.
            warnings.warn(
                "The model does not have any trainable weights: fit() computes the loss and metrics but "
                "updates nothing. Unfreeze a layer (layer.trainable = True) and compile() again to train.",
                stacklevel=2,
            )
            self.objectives.update_metrics(batch.y, y_pred, batch.sample_weight)
            return loss.detach()
        optimizer = self.optimizer
        optimizer.zero_grad()
        optimizer.scale_loss(share).backward()
        optimizer.unscale_gradients()
        if evidence.gradient_norm:
            evidence.record_gradients(self.model.parameters())
        if after_backward is not None:
            after_backward()
        optimizer.step()
        self.objectives.update_metrics(batch.y, y_pred, batch.sample_weight)
        return loss.detach()

    @torch.no_grad()
    def test_step(self, batch: Batch) -> None:
        """Loss and metrics of one batch, without touching the weights."""
        if batch.y is None:
            return
        loss, per_output, y_pred = self.forward_loss(batch.x, batch.y, batch.sample_weight)  # type: ignore[misc]
        self.objectives.track_loss(loss, per_output, batch.size)
        self.objectives.update_metrics(batch.y, y_pred, batch.sample_weight)

    def running_loss(self) -> tuple[torch.Tensor, float] | None:
        """The epoch's running loss total (on the device, updated in place) and its count.

        None before the first batch of an epoch, and when a custom
        `train_step` does not update the `"loss"` tracker.
        """
        tracker = self.objectives.loss_tracker
        return (tracker.total, tracker.count) if tracker.count else None

    # -- logs ---------------------------------------------------------------
    def reset_metrics(self) -> None:
        """Reset every tracker and metric of `model.metrics` (at each epoch and evaluation)."""
        for metric in self._metrics():
            metric.reset_state()

    def epoch_results(self, last_logs: Mapping[str, Any] | None = None) -> dict[str, float]:
        """The values at the end of an epoch or evaluation, merged across processes.

        Args:
            last_logs: What a custom step returned last. As in Keras, its
                keys decide: when they are the metrics' own names, the
                (merged) metric results are returned, else these logs.
        """
        metrics = self._metrics()
        if self.world_size > 1:
            distributed.merge_metrics(metrics)
        if last_logs is None:
            return self.objectives.results()
        logs = python_logs(last_logs)
        results = python_logs({metric.name: metric.result() for metric in self.model.metrics})
        return results if set(results) == set(logs) else logs

    def _metrics(self) -> list[Metric]:
        """`model.metrics`, with `CompileMetrics` opened into the metrics it holds."""
        flat: list[Metric] = []
        for metric in self.model.metrics:
            if isinstance(metric, CompileMetrics):
                flat.extend(m for _, m in metric.objectives.metric_keys)
            else:
                flat.append(metric)
        return flat

    # -- resuming --------------------------------------------------------------
    def resume_at(self, epoch: int, batch: int) -> None:
        """Make the next loop continue at `batch` of `epoch` (read once by `fit`)."""
        self._resume = ResumePoint(int(epoch), int(batch))

    def take_resume_point(self) -> ResumePoint | None:
        """The position set by `resume_at`, cleared as it is read."""
        point, self._resume = self._resume, None
        return point

    def add_checkpointer(self, checkpointer: Checkpointer) -> None:
        """Have `fit` call `checkpointer` at its save points (until `fit` ends)."""
        self.checkpointers.append(checkpointer)

    def state_dict(self) -> dict[str, Any]:
        """The optimizer and the running loss and metric states, summed over processes.

        Under torchrun this is a collective call: every process must make it.
        """
        metrics = self._metrics()
        if self.world_size > 1:
            metrics = distributed.merged_copies(metrics)
        return {
            "optimizer": self.optimizer.state_dict(),
            "metrics": [metric.state_dict() for metric in metrics],
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore what `state_dict` returned (on every process)."""
        self.optimizer.load_state_dict(state["optimizer"])
        metrics = self._metrics()
        if len(metrics) != len(state["metrics"]):
            raise ValueError(
                f"The saved training state holds {len(state['metrics'])} loss and metric states, "
                f"this run has {len(metrics)}. Received: a state from a differently compiled model. "
                "Resume with the same compile() arguments."
            )
        for metric, saved in zip(metrics, state["metrics"], strict=True):
            metric.load_state_dict(saved)
        if not distributed.is_main_process():
            # The state holds sums over every process: rank 0 carries them,
            # the others continue the epoch from zero.
            for metric in metrics:
                metric.reset_state()


#: Which model each optimizer instance was last compiled into (it holds state for that model's weights).
_OPTIMIZER_OWNERS: weakref.WeakKeyDictionary[Optimizer, weakref.ref] = weakref.WeakKeyDictionary()


def _base_optimizer(optimizer: Any) -> Any:
    return getattr(optimizer, "inner_optimizer", optimizer)


def _claim(optimizer: Optimizer, model: Model) -> None:
    """Refuse an optimizer instance that another model is compiled with (Keras refuses it at the first step).

    An optimizer keeps state per weight (moments, step count) and is built
    for one model's weights; shared, one of the two models would train
    wrongly or not at all. An instance whose model was compiled again with
    another optimizer (or no longer exists) is free again.
    """
    holder = _OPTIMIZER_OWNERS.get(optimizer)
    other = None if holder is None else holder()
    if other is not None and other is not model:
        trainer = other.trainer
        if trainer is not None and _base_optimizer(trainer.optimizer) is optimizer:
            kind = type(optimizer).__name__
            raise ValueError(
                f"This {kind} instance is already compiled into another model ({other.name!r}). An "
                "optimizer holds state for the weights of one model, so the second model would not train "
                f"correctly. Received: the same optimizer object for model {model.name!r}. Give each model "
                f"its own optimizer: model.compile(optimizer={kind}(...)), or a copy made with "
                f"{kind}.from_config(optimizer.get_config())."
            )
    _OPTIMIZER_OWNERS[optimizer] = weakref.ref(model)


def _loss_names(objectives: Objectives) -> str:
    spec = objectives.loss_spec
    if isinstance(spec, str) or spec is None:
        return repr(spec)
    return f"{type(spec).__name__}" if not isinstance(spec, list | tuple | dict) else repr(spec)


def clearer_input_error(error: Exception, x: Any, model: Any, argument: str = "x") -> Exception | None:
    """A clearer exception for `error`, raised while `model` ran on `x`; None to keep `error` as is.

    Text given to layers that take numbers (a `TypeError`), and torch's
    shape or dtype complaints (a `RuntimeError`) become errors that name
    `argument`, its sample shape and what to do. Anything else (out of
    memory, a bug in the model's code) is left alone.
    """
    if isinstance(error, TypeError):
        return TypeError(cannot_run_message(error, x, argument, model)) if holds_text(x) else None
    text = str(error).lower()
    words = ("shape", "size", "mat1", "dtype", "dimension", "expected")
    if isinstance(error, RuntimeError) and "out of memory" not in text and any(w in text for w in words):
        return ValueError(cannot_run_message(error, x, argument, model))
    return None


def holds_text(x: Any) -> bool:
    """Whether some input of `x` is text (what text layers take) rather than a tensor."""
    return any(not isinstance(t, torch.Tensor) for t in leaves(x))


def cannot_run_message(error: Exception, x: Any, argument: str, model: Any) -> str:
    """Why the model could not run on `x`: text, integer features, or a feature count that does not match."""
    if holds_text(x):
        return (
            f"The model could not run on `{argument}`: {str(error).strip().rstrip('.')}. Received: "
            f"{argument} holding text, for a model whose layers take numbers. Encode the text first: start "
            "the model with a TextVectorization or StringLookup layer, or turn it into ids, e.g. "
            f"`vocabulary, ids = numpy.unique({argument}, return_inverse=True)`."
        )
    tensors = [t for t in leaves(x) if isinstance(t, torch.Tensor)]
    shapes = map_structure(x, lambda t: tuple(t.shape)[1:]) if tensors else None
    expected = getattr(model, "input_sample_shape", None)
    expected_text = f" The model expects samples of shape {expected}." if expected else ""
    text = str(error).strip().rstrip(".")
    if tensors and any(not (t.is_floating_point() or t.is_complex()) for t in tensors):
        dtypes = sorted({str(t.dtype).removeprefix("torch.") for t in tensors})
        if any(word in text.lower() for word in ("dtype", "long", "int", "type", "expected")):
            return (
                f"The model could not run on `{argument}`: {text}. Received: {argument} with integer dtype "
                f"{', '.join(dtypes)} and sample shape {shapes}. Integer inputs reach the layers unchanged "
                "(an Embedding needs its ids); for features, cast them to floats first, e.g. "
                f"{argument}.astype('float32')."
            )
    return (
        f"The model could not run on `{argument}`: {text}. Received: {argument} with sample shape "
        f"{shapes}.{expected_text} Check that the number of features matches the model's input "
        "(e.g. the first layer's in_features, or Input(shape=...))."
    )


def require_trainer(model: Model, action: str) -> Trainer:
    """`model.trainer`, or a `NotCompiledError` saying to call `compile()` before `action`."""
    trainer = model.trainer
    if trainer is None:
        raise NotCompiledError(
            f"You must call compile() before {action}. Received a model that was never "
            "compiled. For example: model.compile(optimizer='adam', loss='mse')."
        )
    return trainer


def _has_lazy_weights(model: torch.nn.Module) -> bool:
    from fitwell.saving.weights import unbuilt_names

    return bool(unbuilt_names(model))


def _share_of_global_loss(loss: torch.Tensor, batch: Batch, world_size: int) -> torch.Tensor:
    # DDP averages gradients over processes. Scaling each process's mean loss
    # by its share of the global batch makes that average equal the gradient
    # of the global batch's mean loss, also when shards differ in size.
    if batch.size == 0:
        return torch.nan_to_num(loss) * 0.0
    return loss * (batch.size * world_size / (batch.global_size or batch.size))
