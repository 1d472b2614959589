"""PyTorch Lightning's `Trainer.fit` with torchmetrics, as its documentation teaches."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable

import torch
from torch.utils.data import DataLoader, TensorDataset

from bench.implementations.common import Outcome, loss_function, outcome
from bench.measure import RunSettings, Stopwatch
from bench.workloads import EPSILON, LEARNING_RATE, Data, Workload, make_module

__all__ = ["prepare"]

Train = Callable[[Stopwatch], Outcome]


def _metrics(workload: Workload, with_auc: bool) -> dict:
    import torchmetrics

    if workload.task == "binary":
        chosen = {"accuracy": torchmetrics.classification.BinaryAccuracy(threshold=0.5)}
        if with_auc:
            chosen["auc"] = torchmetrics.classification.BinaryAUROC(thresholds=200)
        return chosen
    return {"accuracy": torchmetrics.classification.MulticlassAccuracy(num_classes=10, average="micro")}


def prepare(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`Trainer(...).fit(module, train_loader, val_loader)`, logging silenced, fused Adam."""
    import lightning as L  # noqa: N812

    logging.getLogger("lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    loss_fn = loss_function(workload)
    with_auc = settings.with_auc and workload.task == "binary"
    binary = workload.task == "binary"

    class Module(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = make_module(workload)
            self.train_metrics = torch.nn.ModuleDict(_metrics(workload, with_auc))
            self.val_metrics = torch.nn.ModuleDict(_metrics(workload, with_auc))

        def _shared(self, batch: tuple, metrics: torch.nn.ModuleDict, prefix: str) -> torch.Tensor:
            x, y = batch
            logits = self.net(x)
            loss = loss_fn(logits, y)
            self.log(f"{prefix}loss", loss, on_step=False, on_epoch=True, batch_size=len(x))
            for name, metric in metrics.items():
                if binary:
                    metric(logits.squeeze(-1), y.squeeze(-1).long())
                else:
                    metric(logits, y)
                self.log(f"{prefix}{name}", metric, on_step=False, on_epoch=True, batch_size=len(x))
            return loss

        def training_step(self, batch: tuple, batch_idx: int) -> torch.Tensor:
            return self._shared(batch, self.train_metrics, "")

        def validation_step(self, batch: tuple, batch_idx: int) -> None:
            self._shared(batch, self.val_metrics, "val_")

        def configure_optimizers(self) -> torch.optim.Optimizer:
            return torch.optim.Adam(self.parameters(), lr=LEARNING_RATE, eps=EPSILON, fused=True)

    class EpochTimer(L.Callback):
        def __init__(self, watch: Stopwatch) -> None:
            self.watch = watch

        def on_train_epoch_end(self, trainer: L.Trainer, pl_module: L.LightningModule) -> None:
            self.watch.epoch_end()

    module = Module()
    accelerator = "gpu" if settings.device.startswith("cuda") else "cpu"

    def train(watch: Stopwatch) -> Outcome:
        train_loader = DataLoader(
            TensorDataset(torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)),
            batch_size=workload.batch_size,
            shuffle=True,
        )
        val_loader = DataLoader(
            TensorDataset(torch.from_numpy(data.x_val), torch.from_numpy(data.y_val)),
            batch_size=workload.batch_size,
        )
        trainer = L.Trainer(
            accelerator=accelerator,
            devices=1,
            max_epochs=workload.epochs,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
            callbacks=[EpochTimer(watch)],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trainer.fit(module, train_loader, val_loader)
        logs = trainer.callback_metrics
        auc = float(logs["val_auc"]) if "val_auc" in logs else None
        return outcome(float(logs["loss"]), float(logs["val_accuracy"]), auc)

    return train
