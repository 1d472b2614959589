"""`LiveDiagnosis`: say what goes wrong while `fit` runs, and sum the run up at the end."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import IO, Any

import torch

from fitwell.callbacks.base import Callback, Logs
from fitwell.diagnosis import KINDS, Diagnosis, Finding, Thresholds, diagnose
from fitwell.diagnosis.context import RunContext, context_from_model, make_context

__all__ = ["LiveDiagnosis"]

#: Kinds worth announcing as soon as they are established (the others can still change).
LIVE_KINDS = ("diverged", "suspicious_validation", "unstable", "overfitting")
#: Seconds between two reads of the device-side NaN flag (each read syncs the device).
CHECK_SECONDS = 0.5


class LiveDiagnosis(Callback):
    """Diagnoses the run as it trains: findings once they are certain, a summary at the end.

    With `verbose > 0` in `fit`, a finding is printed once, when it becomes
    certain: a NaN/Inf loss at once, with its epoch and batch; overfitting
    once the rise of the validation loss is established; instability or
    suspicious validation results when the rules see them. After the last
    epoch a short diagnosis is printed. Training is never stopped unless a
    kind is listed in `stop_on`.

    A NaN is caught without reading the loss back every step: each step copies
    the epoch's running loss total into a device-side buffer (one small copy,
    no sync, no allocation), and the buffer is read at most every
    `CHECK_SECONDS` and at each epoch end; the first non-finite entry names
    the batch.

    Args:
        stop_on: Kinds that stop training when found (e.g. `("diverged",)`); none by default.
        file: Where to print. Defaults to standard output.
        loss: The loss, for the chance level; read from the model by default.
        num_classes: The number of classes; read from the model's last layer by default.
        thresholds: Thresholds of the rules (see `fitwell.diagnosis.Thresholds`).
        gradient_norm: Also record the global gradient norm of every step (its median and
            maximum per epoch land in `history.batch_stats`). Off by default: it costs a norm
            over every gradient at every step.

    Attributes:
        diagnosis: The final `Diagnosis` (after training), or None.
        reported: The kinds announced during training.

    Example:
        >>> import io
        >>> live = LiveDiagnosis(file=io.StringIO())
        >>> history = model.fit(x, y, epochs=2, verbose=2, callbacks=[live])  # doctest: +SKIP
        >>> live.diagnosis.primary.kind  # doctest: +SKIP
        'still_improving'
    """

    def __init__(
        self,
        *,
        stop_on: Iterable[str] = (),
        file: IO[str] | None = None,
        loss: Any = None,
        num_classes: int | None = None,
        thresholds: Thresholds | None = None,
        gradient_norm: bool = False,
    ) -> None:
        super().__init__()
        self.gradient_norm = bool(gradient_norm)
        stop_on = tuple(stop_on)
        unknown = [kind for kind in stop_on if kind not in KINDS]
        if unknown:
            raise ValueError(
                f"`stop_on` must name finding kinds from {KINDS}. Received: stop_on={stop_on!r}. "
                f"Unknown: {unknown}."
            )
        self.stop_on = stop_on
        self.file = file
        self.loss = loss
        self.num_classes = num_classes
        self.thresholds = thresholds
        self.diagnosis: Diagnosis | None = None
        self.reported: list[str] = []
        self._reset()

    @property
    def main_process_only(self) -> bool:  # type: ignore[override]
        """Under torchrun it only prints on rank 0, unless it may stop training everywhere."""
        return not self.stop_on

    def _reset(self) -> None:
        self._logs: dict[str, list[float | None]] = {}
        self._epochs: list[int] = []
        self._context = RunContext()
        # Since the last check: the batch indices, and their running totals in the
        # first len(_batches) entries of _totals (grown by doubling, reused after each check).
        self._batches: list[int] = []
        self._totals: torch.Tensor | None = None
        self._nan_batch: int | None = None
        self._epoch = 0
        self._last_check = 0.0

    # -- output -------------------------------------------------------------------
    def _verbose(self) -> int:
        return int(self.params.get("verbose", 1) or 0)

    def _print(self, text: str) -> None:
        if not self._verbose():
            return
        if self.file is None:
            from fitwell.callbacks.progbar_logger import print_message

            print_message(self, text)  # on lines of its own, below the progress display
        else:
            print(text, file=self.file, flush=True)

    def _announce(self, finding: Finding) -> None:
        if finding.kind in self.reported:
            return
        self.reported.append(finding.kind)
        self._print(f"[diagnosis] {finding.kind}: {finding.summary}\n    → {finding.advice}")
        if finding.kind in self.stop_on and self.model is not None:
            self.model.stop_training = True

    # -- hooks --------------------------------------------------------------------
    def on_train_begin(self, logs: Logs | None = None) -> None:
        # Reset here so one instance can serve several fit() calls.
        self._reset()
        self.diagnosis, self.reported = None, []
        if self.loss is not None or self.num_classes is not None:
            self._context = make_context(self.loss, self.num_classes)
        elif self.model is not None:
            self._context = context_from_model(self.model)
        trainer = getattr(self.model, "trainer", None)
        if trainer is not None and self.gradient_norm:
            trainer.epoch_evidence.gradient_norm = True

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch
        self._batches = []
        self._last_check = time.monotonic()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        del logs  # reading the logs would sync the device every step
        if self._nan_batch is not None:
            return
        total = self._running_loss_total()
        if total is None:
            return
        # The running total is updated in place, so keep a copy; NaN/Inf stays in it for the epoch.
        self._keep_total(batch, total)
        now = time.monotonic()
        if now - self._last_check >= CHECK_SECONDS:
            self._last_check = now
            self._check_nan()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._check_nan()
        self._epochs.append(epoch)
        # None marks "not recorded this epoch" (validation every k epochs), as NA does in a CSV.
        for key, value in (logs or {}).items():
            self._logs.setdefault(key, [None] * (len(self._epochs) - 1)).append(float(value))
        for values in self._logs.values():
            if len(values) < len(self._epochs):
                values.append(None)
        found = self._diagnose()
        for finding in found:
            if finding.kind in LIVE_KINDS:
                self._announce(finding)

    def on_train_end(self, logs: Logs | None = None) -> None:
        trainer = getattr(self.model, "trainer", None)
        if trainer is not None and self.gradient_norm:
            trainer.epoch_evidence.gradient_norm = False
        if not self._epochs:
            return
        self.diagnosis = self._diagnose()
        self._print(_summary(self.diagnosis))

    # -- helpers --------------------------------------------------------------------
    def _running_loss_total(self) -> torch.Tensor | None:
        trainer = getattr(self.model, "trainer", None)
        running = None if trainer is None else trainer.running_loss()
        return None if running is None else running[0]

    def _keep_total(self, batch: int, total: torch.Tensor) -> None:
        kept = len(self._batches)
        if self._totals is None or kept == len(self._totals):
            grown = torch.empty(max(2 * kept, 64), dtype=total.dtype, device=total.device)
            if self._totals is not None:
                grown[:kept].copy_(self._totals)
            self._totals = grown
        self._totals[kept].copy_(total.detach())
        self._batches.append(batch)

    def _check_nan(self) -> None:
        if not self._batches or self._nan_batch is not None or self._totals is None:
            return
        totals = self._totals[: len(self._batches)]
        bad = torch.nonzero(~torch.isfinite(totals)).flatten().tolist()  # the one device read
        batches, self._batches = self._batches, []
        if not bad:
            return
        batch = batches[bad[0]]
        self._nan_batch = batch
        learning_rate = _learning_rate(self.model)
        rate = "" if learning_rate is None else f" with learning_rate={learning_rate:.4g}"
        finding = Finding(
            "diverged",
            "error",
            [self._epoch],
            {
                "epoch": self._epoch,
                "batch": batch,
                **({"learning_rate": learning_rate} if learning_rate else {}),
            },
            "Lower the learning rate 3–10×"
            + ("" if learning_rate is None else f", to {learning_rate / 10:.1g}–{learning_rate / 3:.1g}")
            + "; if it persists, clip gradients (clipnorm=1.0) and check the data for NaN/Inf.",
            f"loss became non-finite at epoch {self._epoch + 1}, batch {batch}{rate}.",
        )
        self._announce(finding)

    def _diagnose(self) -> Diagnosis:
        run = {"epoch": list(self._epochs), **{key: list(values) for key, values in self._logs.items()}}
        if "loss" not in run:
            run["loss"] = [float("nan")] * len(self._epochs)
        return diagnose(
            run,
            loss=self._context.loss_name,
            num_classes=self._context.num_classes,
            thresholds=self.thresholds,
            nan_batch=self._nan_batch,
            baseline=getattr(getattr(self.model, "trainer", None), "baseline", None),
        )


def _learning_rate(model: Any) -> float | None:
    optimizer = getattr(model, "optimizer", None)
    try:
        return None if optimizer is None else float(optimizer.learning_rate)
    except (TypeError, ValueError, RuntimeError):
        return None


def _summary(diagnosis: Diagnosis) -> str:
    """The primary finding with its advice (a healthy one's only when it names a close call),
    then the other kinds on one line."""
    primary = diagnosis.primary
    lines = [f"Diagnosis: {primary.kind} — {primary.summary}"]
    if primary.kind != "healthy" or primary.evidence.get("close_to"):
        lines.append(f"    → {primary.advice}")
    others = [finding.kind for finding in diagnosis.findings[1:]]
    if others:
        lines.append(f"    also: {', '.join(others)} (history.diagnose() for details)")
    return "\n".join(lines)
