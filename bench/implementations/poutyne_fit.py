"""Poutyne's `Model.fit` on numpy arrays, with its own accuracy and torchmetrics' AUC."""

from __future__ import annotations

from collections.abc import Callable

import torch

from bench.implementations.common import Outcome, loss_function, outcome
from bench.measure import RunSettings, Stopwatch
from bench.workloads import EPSILON, LEARNING_RATE, Data, Workload, make_module

__all__ = ["prepare"]

Train = Callable[[Stopwatch], Outcome]


def prepare(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`poutyne.Model(...).fit(x, y, validation_data=..., verbose=False)`, fused Adam."""
    import poutyne

    network = make_module(workload)
    epoch_metrics: list = []
    if workload.task == "binary":
        batch_metrics: list = ["binary_accuracy"]
        if settings.with_auc:
            import torchmetrics

            epoch_metrics.append(("auc", torchmetrics.classification.BinaryAUROC(thresholds=200)))
    else:
        batch_metrics = ["accuracy"]
    model = poutyne.Model(
        network,
        torch.optim.Adam(network.parameters(), lr=LEARNING_RATE, eps=EPSILON, fused=True),
        loss_function(workload),
        batch_metrics=batch_metrics,
        epoch_metrics=epoch_metrics,
        device=torch.device(settings.device),
    )

    class EpochTimer(poutyne.Callback):
        def __init__(self, watch: Stopwatch) -> None:
            super().__init__()
            self.watch = watch

        def on_epoch_end(self, epoch_number: int, logs: dict) -> None:
            self.watch.epoch_end()

    def train(watch: Stopwatch) -> Outcome:
        history = model.fit(
            data.x_train,
            data.y_train,
            validation_data=(data.x_val, data.y_val),
            epochs=workload.epochs,
            batch_size=workload.batch_size,
            verbose=False,
            callbacks=[EpochTimer(watch)],
        )
        last = history[-1]
        accuracy_key = "val_bin_acc" if workload.task == "binary" else "val_acc"
        auc = float(last["val_auc"]) if "val_auc" in last else None
        return outcome(last["loss"], last[accuracy_key] / 100.0, auc)

    return train
