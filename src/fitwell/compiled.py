"""What `compile()` produced: losses and metrics per model output, built lazily.

Some names can only be resolved once a batch has been seen ("accuracy" picks
binary, sparse or categorical accuracy from the label and output shapes, as
in Keras), and a model's output structure is known only after a forward
pass. `CompiledState` validates every name at `compile()` and builds the
per-output `Head`s at the first batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from fitwell import losses as losses_module
from fitwell import metrics as metrics_module
from fitwell._naming import snake_case
from fitwell.losses import Loss
from fitwell.metrics import Metric
from fitwell.optimizers import Optimizer

__all__ = ["CompiledState", "Head", "RunningMean"]


class RunningMean:
    """Sample-weighted running mean of per-batch values (the `loss` log).

    The total stays on the device; the count is a host int, since batch
    sizes are known on the host. The epoch value is therefore the true mean
    over samples, `sum(n_b * L_b) / sum(n_b)`, as Keras computes it.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.total: torch.Tensor | None = None
        self.count = 0

    def add(self, value: torch.Tensor, n: int) -> None:
        """Add one batch's value, weighted by its `n` samples."""
        if n == 0:  # an empty shard of a distributed batch adds nothing
            return
        value = value.detach().float()
        if self.total is None:
            self.total = value * n
        else:
            self.total.add_(value, alpha=n)
        self.count += n

    def result(self) -> torch.Tensor:
        """The mean so far (0 before any update)."""
        if self.total is None or self.count == 0:
            return torch.tensor(0.0)
        return self.total / self.count

    def reset_state(self) -> None:
        """Forget everything added so far."""
        self.total = None
        self.count = 0


@dataclass
class Head:
    """The loss and metrics of one model output."""

    key: Any  # None for a single output, else the dict key or tuple index
    prefix: str
    loss: Loss | None
    weight: float
    metrics: list[Metric] = field(default_factory=list)
    weighted_metrics: list[Metric] = field(default_factory=list)
    tracker: RunningMean | None = None


def _select(structure: Any, key: Any) -> Any:
    return structure if key is None else structure[key]


def _per_output(spec: Any, key: Any, index: int, argument: str) -> Any:
    """Pick the entry of a per-output `spec` (dict by key, list by index) for one output."""
    if isinstance(spec, dict):
        return spec.get(key)
    if isinstance(spec, list | tuple) and spec and isinstance(spec[0], list | tuple | dict):
        if index >= len(spec):
            raise ValueError(
                f"`{argument}` has {len(spec)} entries but the model has more outputs. "
                f"Received: {argument}={spec!r}. Give one entry per output."
            )
        return spec[index]
    return spec


def _metric_name(spec: Any) -> str:
    if isinstance(spec, str):
        return spec
    if isinstance(spec, Metric):
        return spec.name
    return snake_case(getattr(spec, "__name__", "metric"))


class CompiledState:
    """Everything `compile()` set up, plus the per-output heads built at the first batch.

    Args:
        loss: A loss spec, or a list/dict of them for several outputs.
        metrics: Metrics updated without sample weights.
        weighted_metrics: Metrics updated with sample (and class) weights.
        loss_weights: A float, or a list/dict of floats per output.
        optimizer: The fitwell optimizer.
    """

    def __init__(
        self,
        *,
        loss: Any,
        metrics: Any,
        weighted_metrics: Any,
        loss_weights: Any,
        optimizer: Optimizer,
    ) -> None:
        self.loss_spec = loss
        self.metrics_spec = list(metrics) if isinstance(metrics, tuple) else metrics
        self.weighted_metrics_spec = weighted_metrics
        self.loss_weights = loss_weights
        self.optimizer = optimizer
        self.heads: list[Head] = []
        self.metric_keys: list[tuple[str, Metric]] = []  # (log key, metric), set at build
        self.loss_tracker = RunningMean("loss")
        self.guards_enabled = True
        self.forward_loss: Any = None  # set by Model._build (eager or torch.compile'd)
        self.train_module: Any = None  # DistributedDataParallel around the model, when distributed
        self.world_size = 1
        self.precision: str | None = None  # None, "bf16" or "fp16" (mixed precision)
        self.grad_scaler: Any = None  # torch.amp.GradScaler for fp16
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
                if not metrics_module.needs_shapes(spec):
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

    # -- building at the first batch ---------------------------------------------
    def build(self, y: Any, y_pred: Any) -> None:
        """Resolve every spec against the first batch's labels and outputs."""
        if isinstance(y_pred, dict):
            keys: list[Any] = list(y_pred)
        elif isinstance(y_pred, tuple | list):
            keys = list(range(len(y_pred)))
        else:
            keys = [None]
        single = keys == [None]
        heads = []
        for index, key in enumerate(keys):
            prefix = "" if single else f"{key if isinstance(key, str) else f'output_{key}'}_"
            y_out = None if y is None else _select(y, key)
            pred_out = _select(y_pred, key)
            loss_spec = self.loss_spec if single else _per_output(self.loss_spec, key, index, "loss")
            loss = None
            if loss_spec is not None and y_out is not None:
                loss = losses_module.get(loss_spec, y_true=y_out, y_pred=pred_out)
            weight = 1.0 if single else _per_output(self.loss_weights, key, index, "loss_weights")
            if single and isinstance(self.loss_weights, int | float):
                weight = float(self.loss_weights)
            head = Head(key=key, prefix=prefix, loss=loss, weight=1.0 if weight is None else float(weight))
            for specs, target in (
                (self.metrics_spec, head.metrics),
                (self.weighted_metrics_spec, head.weighted_metrics),
            ):
                chosen = specs if single else _per_output(specs, key, index, "metrics")
                for spec in _as_list(chosen):
                    target.append(metrics_module.get(spec, y_true=y_out, y_pred=pred_out, loss=loss))
            heads.append(head)
        if len([h for h in heads if h.loss is not None]) > 1:
            for head in heads:
                head.tracker = RunningMean(f"{head.prefix}loss")
        self.heads = heads
        self._unique_names()

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
        """Move every metric's state to `device`."""
        for _, metric in self.metric_keys:
            metric.to(device)

    # -- per step -------------------------------------------------------------
    def loss_values(
        self, y: Any, y_pred: Any, sample_weight: torch.Tensor | None
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Total (weighted) loss of one batch and each output's unweighted loss; no side effects."""
        total: torch.Tensor | None = None
        per_head = []
        for head in self.heads:
            if head.loss is None:
                continue
            value = head.loss(_select(y, head.key), _select(y_pred, head.key), sample_weight)
            per_head.append(value)
            weighted = value if head.weight == 1.0 else value * head.weight
            total = weighted if total is None else total + weighted
        if total is None:
            raise ValueError(
                "No loss to compute: compile() received no loss for any output. "
                "Pass one, e.g. model.compile(optimizer='adam', loss='mse')."
            )
        return total, per_head

    def track_loss(self, total: torch.Tensor, per_head: list[torch.Tensor], n: int) -> None:
        """Add one batch's losses (from `loss_values`) to the running means."""
        self.loss_tracker.add(total, n)
        if len(per_head) > 1:  # per-output trackers exist only with several losses
            trackers = [h.tracker for h in self.heads if h.loss is not None]
            for tracker, value in zip(trackers, per_head, strict=True):
                if tracker is not None:
                    tracker.add(value, n)

    def compute_loss(self, y: Any, y_pred: Any, sample_weight: torch.Tensor | None, n: int) -> torch.Tensor:
        """Total (weighted) loss of one batch; updates the loss trackers."""
        total, per_head = self.loss_values(y, y_pred, sample_weight)
        self.track_loss(total, per_head, n)
        return total

    def update_metrics(self, y: Any, y_pred: Any, sample_weight: torch.Tensor | None) -> None:
        """Update every metric with one batch (detached: never part of the gradient)."""
        for head in self.heads:
            if not (head.metrics or head.weighted_metrics):
                continue
            y_out, pred_out = _select(y, head.key), _select(y_pred, head.key).detach()
            for metric in head.metrics:
                metric.update_state(y_out, pred_out)
            for metric in head.weighted_metrics:
                metric.update_state(y_out, pred_out, sample_weight)

    # -- logs -----------------------------------------------------------------
    def reset(self) -> None:
        """Reset the loss trackers and every metric."""
        self.loss_tracker.reset_state()
        for head in self.heads:
            if head.tracker is not None:
                head.tracker.reset_state()
        for _, metric in self.metric_keys:
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

    def final_results(self) -> dict[str, float]:
        """Values at the end of an epoch or evaluation, merged across processes when distributed."""
        if self.world_size > 1:
            from fitwell.distributed import merge_states

            merge_states(self)
        return self.results()

    def results(self) -> dict[str, float]:
        """Current values as Python floats: one device sync for all of them."""
        tensors = self.result_tensors()
        device = next((t.device for t in tensors.values() if t.device.type != "cpu"), None)
        device = device or torch.device("cpu")
        stacked = torch.stack([t.detach().reshape(()).to(device, torch.float64) for t in tensors.values()])
        return dict(zip(tensors, stacked.tolist(), strict=True))

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
