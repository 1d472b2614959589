"""`EpochEvidence`: what happens inside a training epoch, kept on the device and read once per epoch.

The epoch's mean loss hides a batch that exploded and came back, or a spread of
batch losses that says the rate is too high. During `fit` the default training
step hands every batch's loss (a scalar tensor it computed anyway) to this
object, which only keeps a reference: no copy, no device read. At the end of
the epoch the losses are stacked and summarised on the device (min, max, median
and a robust deviation); the summary stays there until someone reads
`history.batch_stats`, which reads every epoch's summary in one transfer.

The global gradient norm (the norm of all gradients together, before the update)
is opt-in (`gradient_norm=True`, e.g. through `LiveDiagnosis(gradient_norm=True)`):
it costs a norm over every gradient at every step, which on a small model on the
CPU is a few percent of the step.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch

__all__ = ["EpochEvidence"]

#: The names of the per-epoch statistics, in the order they are read.
LOSS_KEYS = ("loss_min", "loss_max", "loss_median", "loss_deviation")
GRAD_KEYS = ("grad_norm_median", "grad_norm_max")


class EpochEvidence:
    """Batch losses (and, opt-in, gradient norms) of the current epoch, summarised at its end.

    Args:
        gradient_norm: Also record the global gradient norm of every step.

    Attributes:
        active: Whether steps are being recorded (during `fit`'s epochs only).
        gradient_norm: Whether gradient norms are recorded.

    Example:
        >>> evidence = EpochEvidence()
        >>> evidence.start_epoch()
        >>> for value in (1.0, 3.0, 2.0):
        ...     evidence.record_loss(torch.tensor(value))
        >>> summary = EpochEvidence.as_floats(evidence.end_epoch())
        >>> summary["loss_min"], summary["loss_max"], summary["loss_median"]
        (1.0, 3.0, 2.0)
    """

    def __init__(self, *, gradient_norm: bool = False) -> None:
        self.gradient_norm = bool(gradient_norm)
        self.active = False
        #: The statistics of the last finished epoch, `(names, values on the device)`; None
        #: before the first epoch or after one without batches.
        self.last: tuple[tuple[str, ...], torch.Tensor] | None = None
        self._losses: list[torch.Tensor] = []
        self._norms: list[torch.Tensor] = []

    def start_epoch(self) -> None:
        """Forget the previous epoch and start recording."""
        self._losses, self._norms = [], []
        self.active = True

    def record_loss(self, loss: torch.Tensor) -> None:
        """Keep a reference to one batch's (detached, scalar) loss."""
        if self.active:
            self._losses.append(loss)

    def record_gradients(self, parameters: Iterable[torch.nn.Parameter]) -> None:
        """Keep the global norm of the parameters' gradients (computed on the device, not read)."""
        if not (self.active and self.gradient_norm):
            return
        grads = [p.grad for p in parameters if p.grad is not None]
        if grads:
            norms = torch._foreach_norm(grads)
            self._norms.append(torch.linalg.vector_norm(torch.stack(norms)))

    def end_epoch(self) -> tuple[tuple[str, ...], torch.Tensor] | None:
        """Stop recording; the epoch's statistics as `(names, values)`, the values a 1-d tensor
        still on the device (nothing is read back), or None without batches."""
        self.active = False
        self.last = None
        if not self._losses:
            return None
        losses = torch.stack(self._losses).reshape(-1).float()
        median = losses.median()
        parts = [losses.min(), losses.max(), median, 1.4826 * (losses - median).abs().median()]
        keys = LOSS_KEYS
        if self._norms:
            norms = torch.stack(self._norms).float()
            parts += [norms.median(), norms.max()]
            keys = LOSS_KEYS + GRAD_KEYS
        self._losses, self._norms = [], []
        self.last = (keys, torch.stack(parts).detach())
        return self.last

    @staticmethod
    def as_floats(summary: tuple[tuple[str, ...], torch.Tensor] | None) -> dict[str, float] | None:
        """An `end_epoch` result as `{name: float}` (one device read)."""
        if summary is None:
            return None
        keys, values = summary
        return dict(zip(keys, values.tolist(), strict=True))
