"""What `compile()` asked to compute: the losses and metrics of each model output.

Keras splits this into `CompileLoss` and `CompileMetrics`; here one object,
`Objectives`, holds both, and nothing about devices or how a step runs
(that is the `Trainer`'s job). Some names can only be resolved once a batch
has been seen ("accuracy" picks binary, sparse or categorical accuracy from
the label and output shapes, as in Keras), and a model's output structure is
known only after a forward pass: `Objectives` validates every name at
`compile()` and builds the per-output `Head`s at the first batch.

Everything it holds that accumulates is a `Metric`: the `LossTracker`s
(`"loss"` and, with several losses, one per output) and the compiled
metrics. `model.metrics` lists them as Keras does: the loss tracker first,
then one `CompileMetrics` that updates and reports all compiled metrics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from fitwell import losses as losses_module
from fitwell import metrics as metrics_module
from fitwell._naming import snake_case
from fitwell.layers.tensor_masks import get_mask
from fitwell.losses import Loss
from fitwell.metrics import Metric
from fitwell.metrics.base import as_tensor
from fitwell.metrics.reduction import MeanMetricWrapper
from fitwell.structures import leaves

__all__ = ["CompileMetrics", "Head", "LossTracker", "Objectives", "target_of"]


class LossTracker(Metric):
    """The running mean of a loss over the batches of an epoch (the `loss` log).

    The total stays on the device and the count on the host (batch sizes
    are known there), so adding a batch never syncs: the epoch value is the
    true mean over samples, `sum(n_b * L_b) / sum(n_b)`, as Keras computes it.
    It is also a Keras `Mean`: `update_state(loss)` counts the value once,
    `update_state(loss, sample_weight=n)` counts it `n` times, which is how
    a custom `train_step` updates it.

    Args:
        name: Key used in logs. Defaults to `"loss"`.

    Example:
        >>> tracker = LossTracker()
        >>> tracker.add(torch.tensor(1.0), 3); tracker.add(torch.tensor(2.0), 1)
        >>> tracker.result(), tracker.count
        (tensor(1.2500), 4.0)
    """

    higher_is_better = False

    def __init__(self, name: str = "loss") -> None:
        super().__init__(name=name)
        self.add_state("total", torch.tensor(0.0))
        self.count = 0.0

    def add(self, value: torch.Tensor, n: int) -> None:
        """Add one batch's (already averaged) loss, weighted by its `n` samples."""
        if n == 0:  # an empty shard of a distributed batch adds nothing
            return
        self.total.add_(value.detach().to(self.total.dtype), alpha=n)
        self.count += n

    def update_state(self, values: Any, sample_weight: Any = None) -> None:  # type: ignore[override]
        """Keras's `Mean.update_state`: add the mean of `values`, weighted by `sample_weight`.

        A tensor `sample_weight` is read back to the host (one sync); the
        training step passes the batch size as an int instead.
        """
        values = as_tensor(values, self.device).to(self.total.dtype)
        if sample_weight is None:
            self.total.add_(values.sum())
            self.count += values.numel() if values.dim() else 1
            return
        weight = as_tensor(sample_weight, self.device).to(self.total.dtype)
        if values.dim() == 0:
            weight = weight.sum()
        self.total.add_((values * weight).sum())
        self.count += float(weight.expand_as(values).sum()) if values.dim() else float(weight)

    def result(self) -> torch.Tensor:
        """The mean so far (0 before any update)."""
        if not self.count:
            return torch.zeros((), device=self.device)
        return self.total / self.count

    def reset_state(self) -> None:
        """Forget everything added so far."""
        super().reset_state()
        self.count = 0.0

    def merge_state(self, others: list[Metric]) -> None:
        """Add the totals and counts of other trackers."""
        super().merge_state(others)
        self.count += sum(float(getattr(other, "count", 0.0)) for other in others)

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        """The total (a CPU copy) and the count."""
        return {**super().state_dict(), "count": torch.tensor(float(self.count), dtype=torch.float64)}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # type: ignore[override]
        """Restore what `state_dict` returned."""
        state = dict(state)
        self.count = float(state.pop("count"))
        super().load_state_dict(state)


@dataclass
class Head:
    """The loss and metrics of one model output."""

    key: Any  # None for a single output, else the dict key or tuple index
    index: int  # the output's position
    name: str  # the output's name ("" for a single output)
    prefix: str
    loss: Loss | None
    weight: float
    metrics: list[Metric] = field(default_factory=list)
    weighted_metrics: list[Metric] = field(default_factory=list)
    tracker: LossTracker | None = None


def _select(structure: Any, key: Any) -> Any:
    return structure if key is None else structure[key]


def target_of(y: Any, head: Head) -> Any:
    """One output's targets: by output name from a dict, by position from a list, as Keras matches them."""
    if head.key is None:
        return y
    if isinstance(y, dict):
        return y[head.name]
    return y[head.index]


def _per_output(spec: Any, key: Any, index: int, count: int, argument: str) -> Any:
    """The entry of a compile argument for one of `count` outputs, as Keras reads it.

    A dict goes by output name (a missing name means none); a list or
    tuple with one entry per output goes by position; anything else
    applies to every output. A list of lists of another length is an error.
    """
    if isinstance(spec, dict):
        return spec.get(key)
    if isinstance(spec, list | tuple) and len(spec) == count:
        return spec[index]
    if isinstance(spec, list | tuple) and any(isinstance(entry, list | tuple | dict) for entry in spec):
        raise ValueError(
            f"`{argument}` has {len(spec)} entries, but the model has {count} outputs. Received: "
            f"{argument}={spec!r}. Give one entry per output (None for an output without one), or a "
            "dict keyed by output name."
        )
    return spec


def _metric_name(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, Metric):
        return spec.name
    return snake_case(getattr(spec, "__name__", "metric"))


class CompileMetrics(Metric):
    """All compiled metrics as one, as Keras's `model.metrics` shows them.

    `update_state(y, y_pred, sample_weight)` updates every compiled metric
    of every output (the weighted ones with `sample_weight`), and `result()`
    returns a dict keyed by log name, which `fit` flattens into the logs.
    Passing `model.metrics` back to `compile(metrics=...)` reuses the
    metrics it was made from.

    Args:
        objectives: The objectives whose metrics it reports.
    """

    def __init__(self, objectives: Objectives) -> None:
        super().__init__(name="compile_metrics")
        self.objectives = objectives

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Update every compiled metric with one batch."""
        if not self.objectives.is_built:
            self.objectives.build(y_true, y_pred)
        self.objectives.update_metrics(y_true, y_pred, sample_weight)

    def result(self) -> dict[str, torch.Tensor]:  # type: ignore[override]
        """`{log name: value}` of every compiled metric."""
        return {key: metric.result() for key, metric in self.objectives.metric_keys}

    def reset_state(self) -> None:
        """Reset every compiled metric."""
        for _, metric in self.objectives.metric_keys:
            metric.reset_state()

    def merge_state(self, others: list[Metric]) -> None:
        """Merge each compiled metric with its counterpart in the others."""
        for index, (_, metric) in enumerate(self.objectives.metric_keys):
            metric.merge_state([other.objectives.metric_keys[index][1] for other in others])  # type: ignore[attr-defined]

    def state_dict(self) -> dict[str, Any]:  # type: ignore[override]
        """Every compiled metric's state, by log name."""
        return {key: metric.state_dict() for key, metric in self.objectives.metric_keys}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # type: ignore[override]
        """Restore what `state_dict` returned."""
        for key, metric in self.objectives.metric_keys:
            metric.load_state_dict(state[key])


class Objectives:
    """The losses and metrics `compile()` asked for, per model output, built at the first batch.

    Args:
        loss: A loss spec, or a list/dict of them for several outputs.
        metrics: Metrics updated without sample weights. `model.metrics`
            of an earlier compile is accepted too: its loss trackers are
            dropped and its `CompileMetrics` stands for the metrics it holds.
        weighted_metrics: Metrics updated with sample (and class) weights.
        loss_weights: A float, or a list/dict of floats per output.
        guards: Whether the first-batch and whole-dataset checks run.
    """

    def __init__(
        self,
        *,
        loss: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        loss_weights: Any = None,
        guards: bool = True,
    ) -> None:
        self.loss_spec = loss
        metrics, reused_weighted = _unpack_reused(metrics)
        self.metrics_spec = list(metrics) if isinstance(metrics, tuple) else metrics
        self.weighted_metrics_spec = weighted_metrics if weighted_metrics is not None else reused_weighted
        self.loss_weights = loss_weights
        self.guards_enabled = bool(guards)
        self.heads: list[Head] = []
        self.metric_keys: list[tuple[str, Metric]] = []  # (log key, metric), set at build
        self.loss_tracker = LossTracker("loss")
        self.compile_metrics = CompileMetrics(self)
        self._validate()

    # -- compile-time checks ---------------------------------------------------
    def _validate(self) -> None:
        for spec in _flatten(self.loss_spec):
            if spec is not None and not losses_module.needs_shapes(spec):
                losses_module.get(spec)
        for argument, specs in (
            ("metrics", self.metrics_spec),
            ("weighted_metrics", self.weighted_metrics_spec),
        ):
            if specs is None:
                continue
            if isinstance(specs, str) or not isinstance(specs, list | tuple | dict):
                raise TypeError(
                    f"`{argument}` must be a list (or a dict by output). Received: "
                    f"{argument}={specs!r}. Wrap it in a list: {argument}=[{specs!r}]."
                )
            for spec in _flatten(specs):
                if spec is not None and not metrics_module.needs_shapes(spec):
                    metrics_module.get(spec)
        if self.loss_weights is not None and not isinstance(
            self.loss_weights, int | float | list | tuple | dict
        ):
            raise TypeError(
                "`loss_weights` must be a float, a list or a dict by output. Received: "
                f"loss_weights={self.loss_weights!r}"
            )

    @property
    def is_built(self) -> bool:
        """Whether the heads exist (after the first batch)."""
        return bool(self.heads)

    @property
    def has_loss(self) -> bool:
        """Whether `compile()` received a loss (for at least one output)."""
        return any(spec is not None for spec in _flatten(self.loss_spec))

    # -- building at the first batch ---------------------------------------------
    def build(self, y: Any, y_pred: Any, output_names: list[str] | None = None) -> None:
        """Resolve every spec against the first batch's labels and outputs.

        Args:
            y: The first batch's targets.
            y_pred: The model's outputs for it.
            output_names: Names of a list of outputs (a functional model's
                output layers), used in log keys and to match dict specs
                and targets, as Keras names them; dict outputs use their keys.
        """
        if isinstance(y_pred, dict):
            keys: list[Any] = list(y_pred)
            names = [str(key) for key in keys]
        elif isinstance(y_pred, tuple | list):
            keys = list(range(len(y_pred)))
            names = list(output_names) if output_names and len(output_names) == len(keys) else None
            names = names or [f"output_{key}" for key in keys]
        else:
            keys, names = [None], [""]
        single = keys == [None]
        count = len(keys)
        heads = []
        for index, (key, name) in enumerate(zip(keys, names, strict=True)):
            head = Head(
                key=key, index=index, name=name, prefix="" if single else f"{name}_", loss=None, weight=1.0
            )
            y_out = None if y is None else target_of(y, head)
            pred_out = _select(y_pred, key)
            loss_spec = self.loss_spec if single else _per_output(self.loss_spec, name, index, count, "loss")
            if loss_spec is not None and y_out is not None:
                head.loss = losses_module.get(loss_spec, y_true=y_out, y_pred=pred_out)
            weight = self._loss_weight(name, index, names)
            head.weight = 1.0 if weight is None else float(weight)
            for specs, target in (
                (self.metrics_spec, head.metrics),
                (self.weighted_metrics_spec, head.weighted_metrics),
            ):
                chosen = specs if single else _per_output(specs, name, index, count, "metrics")
                for spec in _as_list(chosen):
                    target.append(metrics_module.get(spec, y_true=y_out, y_pred=pred_out, loss=head.loss))
            heads.append(head)
        if len([h for h in heads if h.loss is not None]) > 1:
            for head in heads:
                head.tracker = LossTracker(f"{head.prefix}loss")
        self.heads = heads
        self._unique_names()
        self.to(_device_of(y_pred))

    def _loss_weight(self, name: str, index: int, names: list[str]) -> Any:
        """An output's loss weight: by name, by position among the outputs, or among those with a loss."""
        weights = self.loss_weights
        if weights is None or isinstance(weights, int | float):
            return weights
        if isinstance(weights, list | tuple) and len(weights) != len(names):
            with_loss = [
                i
                for i, n in enumerate(names)
                if _per_output(self.loss_spec, n, i, len(names), "loss") is not None
            ]
            if len(weights) != len(with_loss):
                raise ValueError(
                    f"`loss_weights` must match the number of outputs ({len(names)}) or of losses "
                    f"({len(with_loss)}). Received: loss_weights={weights!r}."
                )
            return weights[with_loss.index(index)] if index in with_loss else None
        return _per_output(weights, name, index, len(names), "loss_weights")

    def _unique_names(self) -> None:
        # Keras's collision rule: repeated names get _1, _2, …; a weighted
        # metric whose name is taken becomes weighted_<name>.
        self.metric_keys = []
        taken = {"loss"} | {h.tracker.name for h in self.heads if h.tracker}
        for head in self.heads:
            for weighted, group in ((False, head.metrics), (True, head.weighted_metrics)):
                for metric in group:
                    key = head.prefix + metric.name
                    if key in taken and weighted:
                        key = head.prefix + "weighted_" + metric.name
                    base, suffix = key, 1
                    while key in taken:
                        key, suffix = f"{base}_{suffix}", suffix + 1
                    taken.add(key)
                    self.metric_keys.append((key, metric))

    def to(self, device: torch.device) -> None:
        """Move every tracker's and metric's state to `device`."""
        for metric in self.all_metrics():
            metric.to(device)

    # -- per step -------------------------------------------------------------
    def loss_values(
        self, y: Any, y_pred: Any, sample_weight: torch.Tensor | None, extra: list[torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Total (weighted) loss of one batch and each output's unweighted loss; no side effects.

        `extra` terms (layers' `add_loss` and weight regularization) are
        added to the total, as Keras adds `model.losses`; they alone make a
        loss when `compile()` received none.
        """
        total: torch.Tensor | None = None
        per_head = []
        for head in self.heads:
            if head.loss is None:
                continue
            pred_out = _select(y_pred, head.key)
            weight = _masked_loss_weight(head.loss, get_mask(pred_out), sample_weight)
            value = head.loss(target_of(y, head), pred_out, weight)
            per_head.append(value)
            weighted = value if head.weight == 1.0 else value * head.weight
            total = weighted if total is None else total + weighted
        if extra:
            added = torch.stack([term.float().sum() for term in extra]).sum()
            total = added if total is None else total + added.to(total.dtype)
        if total is None:
            raise ValueError(
                "No loss to compute: compile() received no loss for any output, and no layer added "
                "one with add_loss(). Pass one, e.g. model.compile(optimizer='adam', loss='mse'), or "
                "override train_step() to compute the loss yourself."
            )
        return total, per_head

    def track_output_losses(self, per_head: list[torch.Tensor], n: int) -> None:
        """Add each output's loss to its tracker (they exist only with several losses)."""
        if len(per_head) > 1:
            trackers = [h.tracker for h in self.heads if h.loss is not None]
            for tracker, value in zip(trackers, per_head, strict=True):
                if tracker is not None:
                    tracker.add(value, n)

    def track_loss(self, total: torch.Tensor, per_head: list[torch.Tensor], n: int) -> None:
        """Add one batch's losses (from `loss_values`) to the running means."""
        self.loss_tracker.add(total, n)
        self.track_output_losses(per_head, n)

    def update_metrics(self, y: Any, y_pred: Any, sample_weight: torch.Tensor | None) -> None:
        """Update every metric with one batch (detached: never part of the gradient)."""
        for head in self.heads:
            if not (head.metrics or head.weighted_metrics):
                continue
            pred_out = _select(y_pred, head.key)
            mask = get_mask(pred_out)
            y_out, pred_out = target_of(y, head), pred_out.detach()
            for metric in head.metrics:
                metric.update_state(y_out, pred_out, *_masked_metric_weight(metric, mask, None))
            for metric in head.weighted_metrics:
                metric.update_state(y_out, pred_out, *_masked_metric_weight(metric, mask, sample_weight))

    # -- logs -----------------------------------------------------------------
    def all_metrics(self) -> list[Metric]:
        """Every tracker and metric: what resets each epoch and merges across processes."""
        trackers = [h.tracker for h in self.heads if h.tracker is not None]
        return [self.loss_tracker, *trackers, *(metric for _, metric in self.metric_keys)]

    def model_metrics(self) -> list[Metric]:
        """What `model.metrics` lists, in Keras's order: loss, compiled metrics, output losses."""
        listed: list[Metric] = [self.loss_tracker]
        if self.metrics_spec is not None or self.weighted_metrics_spec is not None:
            listed.append(self.compile_metrics)
        listed += [h.tracker for h in self.heads if h.tracker is not None]
        return listed

    def reset(self) -> None:
        """Reset the loss trackers and every metric."""
        for metric in self.all_metrics():
            metric.reset_state()

    def result_tensors(self) -> dict[str, torch.Tensor]:
        """Current values as device tensors, keyed by log name (no sync)."""
        values = {"loss": self.loss_tracker.result()}
        for head in self.heads:
            if head.tracker is not None:
                values[head.tracker.name] = head.tracker.result()
        for key, metric in self.metric_keys:
            values[key] = metric.result()
        return values

    def results(self) -> dict[str, float]:
        """Current values as Python floats: one device sync for all of them."""
        return to_floats(self.result_tensors())

    @property
    def names(self) -> list[str]:
        """Log names in compile order: `loss`, per-output losses, then metrics."""
        if self.is_built:
            trackers = [h.tracker.name for h in self.heads if h.tracker is not None]
            return ["loss", *trackers, *(key for key, _ in self.metric_keys)]
        names = ["loss"]
        for specs in (self.metrics_spec, self.weighted_metrics_spec):
            if isinstance(specs, list | tuple):
                names.extend(_metric_name(s) for s in _flatten(specs))
        return names


def _combine(mask_weight: torch.Tensor, sample_weight: torch.Tensor | None) -> torch.Tensor:
    if sample_weight is None:
        return mask_weight
    sample_weight = torch.as_tensor(sample_weight, device=mask_weight.device).to(mask_weight.dtype)
    while sample_weight.dim() < mask_weight.dim():  # (batch,) weights of (batch, steps) outputs
        sample_weight = sample_weight.unsqueeze(-1)
    return mask_weight * sample_weight


def _masked_loss_weight(loss: Any, mask: torch.Tensor | None, sample_weight: Any) -> Any:
    """The sample weights with the output's mask folded in, as Keras's `apply_mask`.

    For mean-type reductions a kept step weighs `steps / kept`, so the loss is
    the mean over the kept steps only; other reductions weigh them 1.
    """
    if mask is None or not isinstance(loss, Loss) or isinstance(loss, losses_module.TorchLoss):
        return sample_weight
    weight = mask.to(torch.float32)
    if loss.reduction in ("sum_over_batch_size", "mean"):
        weight = weight * (weight.numel() / weight.sum().clamp_min(1.0))
    return _combine(weight, sample_weight)


def _masked_metric_weight(metric: Metric, mask: torch.Tensor | None, sample_weight: Any) -> tuple[Any, ...]:
    """The `sample_weight` argument of a metric update: Keras's mean metrics count unmasked steps only."""
    if mask is not None and isinstance(metric, MeanMetricWrapper):
        return (_combine(mask.to(torch.float32), sample_weight),)
    return () if sample_weight is None else (sample_weight,)


def to_floats(tensors: dict[str, torch.Tensor]) -> dict[str, float]:
    """Scalar tensors to Python floats with one device read for all of them."""
    if not tensors:
        return {}
    device = next((t.device for t in tensors.values() if t.device.type != "cpu"), torch.device("cpu"))
    stacked = torch.stack([t.detach().reshape(()).to(device, torch.float64) for t in tensors.values()])
    return dict(zip(tensors, stacked.tolist(), strict=True))


def _unpack_reused(metrics: Any) -> tuple[Any, Any]:
    """`compile(metrics=model.metrics)`: the specs behind the objects `model.metrics` lists."""
    if not isinstance(metrics, list | tuple) or not any(
        isinstance(m, LossTracker | CompileMetrics) for m in metrics
    ):
        return metrics, None
    specs: list[Any] = []
    weighted = None
    for metric in metrics:
        if isinstance(metric, LossTracker):
            continue  # trackers are created by every compile
        if isinstance(metric, CompileMetrics):
            reused = metric.objectives
            specs.extend(_as_list(reused.metrics_spec))
            weighted = reused.weighted_metrics_spec
            if isinstance(reused.metrics_spec, dict):
                return reused.metrics_spec, weighted  # per-output specs stay a dict
            continue
        specs.append(metric)
    return specs, weighted


def _device_of(structure: Any) -> torch.device:
    tensors = [leaf for leaf in leaves(structure) if isinstance(leaf, torch.Tensor)]
    return tensors[0].device if tensors else torch.device("cpu")


def _as_list(spec: Any) -> list[Any]:
    if spec is None:
        return []
    if isinstance(spec, list | tuple):
        return list(spec)
    return [spec]


def _flatten(spec: Any) -> list[Any]:
    if isinstance(spec, dict):
        return [item for value in spec.values() for item in _flatten(value)]
    if isinstance(spec, list | tuple):
        return [item for value in spec for item in _flatten(value)]
    return [spec]
