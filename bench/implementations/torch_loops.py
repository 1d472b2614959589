"""Hand-written PyTorch loops: the expert's loop (two optimizers) and the common DataLoader loop."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from bench.implementations.common import (
    AucHistogram,
    Outcome,
    correct_count,
    loss_function,
    outcome,
    rank_auc,
)
from bench.measure import RunSettings, Stopwatch
from bench.workloads import EPSILON, LEARNING_RATE, Data, Workload, make_module

__all__ = ["prepare_dataloader", "prepare_default_adam", "prepare_fused"]

Train = Callable[[Stopwatch], Outcome]


def prepare_fused(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """The best loop an expert writes, with `Adam(fused=True)`: the reference of every ratio."""
    return _expert_loop(workload, data, settings, fused=True)


def prepare_default_adam(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """The same loop with torch's default Adam (a per-parameter loop on CPU)."""
    return _expert_loop(workload, data, settings, fused=False)


def _expert_loop(workload: Workload, data: Data, settings: RunSettings, *, fused: bool) -> Train:
    # Data on the device once, one index permutation per epoch, no DataLoader,
    # metric sums on the device and one read-back per epoch.
    device = torch.device(settings.device)
    model = make_module(workload).to(device)
    optimizer = torch.optim.Adam(
        model.parameters(), lr=LEARNING_RATE, eps=EPSILON, fused=True if fused else None
    )
    loss_fn = loss_function(workload)
    batch_size = workload.batch_size
    with_auc = settings.with_auc and workload.task == "binary"

    def train(watch: Stopwatch) -> Outcome:
        x, y = torch.from_numpy(data.x_train).to(device), torch.from_numpy(data.y_train).to(device)
        x_val, y_val = torch.from_numpy(data.x_val).to(device), torch.from_numpy(data.y_val).to(device)
        n = len(x)
        values: list[float] = []
        for _ in range(workload.epochs):
            model.train()
            order = torch.randperm(n, device=device)
            loss_sum = torch.zeros((), device=device)
            correct = torch.zeros((), device=device)
            train_auc = AucHistogram(device) if with_auc else None
            for start in range(0, n, batch_size):
                index = order[start : start + batch_size]
                x_batch, y_batch = x.index_select(0, index), y.index_select(0, index)
                logits = model(x_batch)
                loss = loss_fn(logits, y_batch)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                with torch.no_grad():
                    loss_sum += loss.detach() * len(index)
                    correct += correct_count(workload, logits, y_batch)
                    if train_auc is not None:
                        train_auc.update(logits, y_batch)
            model.eval()
            val_loss = torch.zeros((), device=device)
            val_correct = torch.zeros((), device=device)
            val_auc = AucHistogram(device) if with_auc else None
            with torch.no_grad():
                for start in range(0, len(x_val), batch_size):
                    x_batch, y_batch = x_val[start : start + batch_size], y_val[start : start + batch_size]
                    logits = model(x_batch)
                    val_loss += loss_fn(logits, y_batch) * len(x_batch)
                    val_correct += correct_count(workload, logits, y_batch)
                    if val_auc is not None:
                        val_auc.update(logits, y_batch)
                parts = [loss_sum / n, correct / n, val_correct / len(x_val), val_loss / len(x_val)]
                if train_auc is not None and val_auc is not None:
                    parts += [train_auc.result(), val_auc.result()]
                values = torch.stack(parts).tolist()  # the epoch's one sync
            watch.epoch_end()
        return outcome(values[0], values[2], values[5] if with_auc else None)

    return train


def prepare_dataloader(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """The loop most people write: TensorDataset + DataLoader, default Adam, `.item()` every step."""
    device = torch.device(settings.device)
    model = make_module(workload).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=EPSILON)
    loss_fn = loss_function(workload)
    with_auc = settings.with_auc and workload.task == "binary"

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
        train_loss = val_accuracy = float("nan")
        auc: float | None = None
        for _ in range(workload.epochs):
            model.train()
            total, seen, correct = 0.0, 0, 0
            for x_batch, y_batch in train_loader:
                x_batch, y_batch = x_batch.to(device), y_batch.to(device)
                optimizer.zero_grad()
                logits = model(x_batch)
                loss = loss_fn(logits, y_batch)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(x_batch)
                correct += correct_count(workload, logits, y_batch).item()
                seen += len(x_batch)
            train_loss = total / seen
            model.eval()
            val_total, val_correct, val_seen, scores = 0.0, 0, 0, []
            with torch.no_grad():
                for x_batch, y_batch in val_loader:
                    x_batch, y_batch = x_batch.to(device), y_batch.to(device)
                    logits = model(x_batch)
                    val_total += loss_fn(logits, y_batch).item() * len(x_batch)
                    val_correct += correct_count(workload, logits, y_batch).item()
                    val_seen += len(x_batch)
                    if with_auc:
                        scores.append(logits.cpu().numpy())
            val_accuracy = val_correct / val_seen
            if with_auc:
                auc = rank_auc(np.concatenate(scores), data.y_val)
            watch.epoch_end()
        return outcome(train_loss, val_accuracy, auc)

    return train
