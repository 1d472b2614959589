"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

import torch

from fitwell.callbacks.base import Callback, Logs
from fitwell.callbacks.progbar_logger import print_message

__all__ = ["TerminateOnNaN"]


class TerminateOnNaN(Callback):
    """Stop training when the running training loss becomes NaN or infinite.

    Checked after every training batch, as in Keras: it prints
    `"Batch {batch}: Invalid loss, terminating training"` and sets
    `model.stop_training`, or raises with `raise_error=True` (then
    `on_train_end` is not called, so backups are kept).

    On a CUDA device, reading the loss after every batch would stall the
    GPU, so the check of batch `b` is copied to the host without waiting
    and read at the end of batch `b + 1`: training stops one batch later
    than on the CPU, with the same message about batch `b`.

    Args:
        raise_error: Raise a `RuntimeError` instead of stopping quietly.

    Example:
        >>> model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN()])  # doctest: +SKIP
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        if not isinstance(raise_error, bool):
            raise TypeError(f"`raise_error` must be True or False. Received: raise_error={raise_error!r}.")
        self.raise_error = raise_error
        # The batch whose running loss total is in flight to the host (CUDA), and its sample count.
        self._pending: tuple[int, float] | None = None
        self._host_loss: torch.Tensor | None = None
        self._copied: torch.cuda.Event | None = None

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._pending = None

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        # The running total is non-finite exactly when the running mean is: read
        # the total and divide on the host, so no mean is computed on the device.
        running = self._running_loss()
        if running is None:  # not a compiled fitwell model, or a step of its own: read the logs
            self._check(batch, None if logs is None else logs.get("loss"))
            return
        total, count = running
        if total.device.type != "cuda":
            self._check(batch, float(total) / count)
        else:
            self._check_pending()
            if self.model.stop_training:
                return
            if self._host_loss is None or self._copied is None:
                self._host_loss = torch.empty((), dtype=torch.float32, pin_memory=True)
                self._copied = torch.cuda.Event()
            # One pinned buffer is enough: the previous copy was read just above.
            self._host_loss.copy_(total.detach(), non_blocking=True)
            self._copied.record()
            self._pending = (batch, count)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        # The last batch's lagged check (the epoch logs have synced already).
        self._check_pending()

    def _check_pending(self) -> None:
        if self._pending is not None and self._host_loss is not None and self._copied is not None:
            (batch, count), self._pending = self._pending, None
            self._copied.synchronize()  # waits for that batch only, not for the ones queued after it
            self._check(batch, float(self._host_loss) / count)

    def _running_loss(self) -> tuple[torch.Tensor, float] | None:
        """The compiled model's running loss total and count, once it holds a batch (else None)."""
        trainer = getattr(self.model, "trainer", None)
        return None if trainer is None else trainer.running_loss()

    def _check(self, batch: int, value: float | None) -> None:
        if value is not None and not math.isfinite(value):
            self._terminate(batch, float(value))

    def _terminate(self, batch: int, value: float) -> None:
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {value}. "
                "Terminating training immediately."
            )
        print_message(self, f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
