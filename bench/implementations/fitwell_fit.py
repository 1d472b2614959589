"""fitwell's `fit`: silent, with the progress bar, and with `jit_compile=True`."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

from bench.implementations.common import Outcome, outcome
from bench.measure import RunSettings, Stopwatch
from bench.workloads import EPSILON, LEARNING_RATE, Data, Workload, make_module

__all__ = ["has_auc", "prepare", "prepare_jit", "prepare_progress_bar"]

Train = Callable[[Stopwatch], Outcome]


class _TerminalSink(io.TextIOBase):
    """Swallows output but says it is a terminal, so the bar redraws as often as it would on screen."""

    def isatty(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        return len(text)


def has_auc() -> bool:
    """Whether fitwell offers an `AUC` metric that takes logits."""
    import fitwell

    auc = getattr(fitwell.metrics, "AUC", None)
    if auc is None:
        return False
    try:
        auc(from_logits=True)
    except TypeError:
        return False
    return True


def prepare(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`fit(..., verbose=0)`."""
    return _prepare(workload, data, settings, verbose=0, jit=False)


def prepare_progress_bar(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`fit(..., verbose=1)`, the bar drawn to a (discarded) terminal."""
    return _prepare(workload, data, settings, verbose=1, jit=False)


def prepare_jit(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`compile(jit_compile=True)` then `fit(..., verbose=0)`."""
    return _prepare(workload, data, settings, verbose=0, jit=True)


def _prepare(workload: Workload, data: Data, settings: RunSettings, *, verbose: int, jit: bool) -> Train:
    import fitwell

    model = fitwell.Model(make_module(workload))
    if workload.task == "binary":
        loss = fitwell.losses.BinaryCrossentropy(from_logits=True)
    else:
        loss = fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
    metrics: list = ["accuracy"]
    if settings.with_auc and workload.task == "binary":
        metrics.append(fitwell.metrics.AUC(from_logits=True, name="auc"))
    model.compile(
        optimizer=fitwell.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
        loss=loss,
        metrics=metrics,
        device=settings.device,
        jit_compile=jit,
    )

    class EpochTimer(fitwell.callbacks.Callback):
        def __init__(self, watch: Stopwatch) -> None:
            super().__init__()
            self.watch = watch

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.watch.epoch_end()

    def train(watch: Stopwatch) -> Outcome:
        graphs_before = _compiled_graphs() if jit else None
        sink = contextlib.redirect_stdout(_TerminalSink()) if verbose else contextlib.nullcontext()
        with sink:
            history = model.fit(
                data.x_train,
                data.y_train,
                batch_size=workload.batch_size,
                epochs=workload.epochs,
                validation_data=(data.x_val, data.y_val),
                verbose=verbose,
                callbacks=[EpochTimer(watch)],
            )
        logs = history.history
        graphs = None if graphs_before is None else _compiled_graphs() - graphs_before
        auc = logs["val_auc"][-1] if "val_auc" in logs else None
        return outcome(logs["loss"][-1], logs["val_accuracy"][-1], auc, compiled_graphs=graphs)

    return train


def _compiled_graphs() -> int:
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])
