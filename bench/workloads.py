"""The benchmark workloads: models, synthetic data and training settings.

Every workload draws its data from a fixed seed and labels it with a random
"teacher" of a known form, so the task is learnable and every implementation
sees exactly the same numbers. The last 10% of the samples are held out for
validation (Keras's `validation_split` rule), and every implementation
receives the same split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = ["Data", "Workload", "WORKLOADS", "make_data", "make_module", "select"]

VALIDATION_FRACTION = 0.1
LEARNING_RATE = 1e-3
#: Keras's Adam epsilon; every implementation uses it so the updates agree.
EPSILON = 1e-7


@dataclass(frozen=True)
class Workload:
    """One training job.

    Attributes:
        name: Short key used on the command line (`W1` ...).
        title: What the table calls it.
        model: `"mlp"`, `"wide_mlp"`, `"logreg"` or `"cnn"`.
        task: `"multiclass"` (integer labels, logits over 10 classes) or
            `"binary"` (0/1 float labels of shape `(N, 1)`, one logit).
        samples: Samples before the validation split.
        batch_size: Training and validation batch size.
        epochs: Epochs per run.
        gpu_only: Skipped unless the benchmark runs on CUDA.
    """

    name: str
    title: str
    model: str
    task: str
    samples: int
    batch_size: int
    epochs: int
    gpu_only: bool = False

    @property
    def train_samples(self) -> int:
        """Samples used for training (the first 90%)."""
        return int(np.floor(self.samples * (1.0 - VALIDATION_FRACTION)))

    @property
    def steps(self) -> tuple[int, int]:
        """Training and validation batches per epoch."""
        train = self.train_samples
        return -(-train // self.batch_size), -(-(self.samples - train) // self.batch_size)

    def quick(self) -> Workload:
        """A tiny version of this workload (used by the test and `--quick`)."""
        return Workload(
            self.name,
            self.title,
            self.model,
            self.task,
            samples=min(self.samples, 4 * self.batch_size + self.batch_size // 2),
            batch_size=self.batch_size,
            epochs=2,
            gpu_only=self.gpu_only,
        )


WORKLOADS: dict[str, Workload] = {
    w.name: w
    for w in (
        Workload("W1", "MLP 784-256-128-10, bs 32, 2 ep", "mlp", "multiclass", 60_000, 32, 2),
        Workload("W2", "MLP 784-256-128-10, bs 256, 3 ep", "mlp", "multiclass", 60_000, 256, 3),
        Workload("W3", "logistic regression 784-1, bs 64, 2 ep", "logreg", "binary", 60_000, 64, 2),
        Workload(
            "W4", "CNN 32x32x3 (2 conv, pool, dense), bs 128, 2 ep", "cnn", "multiclass", 10_000, 128, 2
        ),
        Workload("W5a", "GPU: MLP 784-256-128-10, bs 512, 3 ep", "mlp", "multiclass", 60_000, 512, 3, True),
        Workload("W5b", "GPU: CNN 32x32x3, bs 512, 3 ep", "cnn", "multiclass", 10_000, 512, 3, True),
        Workload(
            "W5c", "GPU: MLP 784-2048-2048-10, bs 512, 3 ep", "wide_mlp", "multiclass", 60_000, 512, 3, True
        ),
    )
}


def select(names: str | None) -> list[Workload]:
    """Workloads from a comma-separated list (`"W1,W3"`); all of them for None."""
    if not names:
        return list(WORKLOADS.values())
    chosen = []
    for name in (part.strip() for part in names.split(",") if part.strip()):
        if name.upper() == "W5":
            chosen.extend(w for w in WORKLOADS.values() if w.name.startswith("W5"))
            continue
        key = next((k for k in WORKLOADS if k.lower() == name.lower()), None)
        if key is None:
            raise ValueError(f"Unknown workload {name!r}. Expected some of: {', '.join(WORKLOADS)} (or W5).")
        chosen.append(WORKLOADS[key])
    return chosen


@dataclass
class Data:
    """Training and validation arrays (numpy, float32 inputs).

    `x` arrays are `(N, 784)` for the MLPs and logistic regression and
    `(N, 3, 32, 32)` (channels first, torch's layout) for the CNN. Labels are
    int64 `(N,)` for multiclass and float32 `(N, 1)` for binary.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


def make_module(workload: Workload, *, seed: int = 0) -> nn.Module:
    """The workload's model as a torch module, with weights fixed by `seed`.

    Every implementation starts from these weights (Keras gets a converted
    copy), so runs differ only in the shuffling order.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if workload.model == "mlp":
            return nn.Sequential(
                nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
            )
        if workload.model == "wide_mlp":
            return nn.Sequential(
                nn.Linear(784, 2048), nn.ReLU(), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 10)
            )
        if workload.model == "logreg":
            return nn.Sequential(nn.Linear(784, 1))
        if workload.model == "cnn":
            return nn.Sequential(
                nn.Conv2d(3, 16, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Conv2d(16, 32, 3, padding=1),
                nn.ReLU(),
                nn.MaxPool2d(2),
                nn.Flatten(),
                nn.Linear(32 * 8 * 8, 10),
            )
    raise ValueError(f"Unknown model kind {workload.model!r} in workload {workload.name}.")


def _balanced_argmax(logits: np.ndarray) -> np.ndarray:
    # Centre each class's logit so that no class dominates the labels.
    return (logits - logits.mean(axis=0)).argmax(axis=1).astype(np.int64)


def make_data(workload: Workload, *, seed: int = 2024) -> Data:
    """Synthetic inputs and teacher labels for `workload`, identical on every call."""
    rng = np.random.default_rng(seed)
    n = workload.samples
    if workload.model == "cnn":
        # Smooth images (an 8x8 grid of 4x4 blocks, plus pixel noise) labelled by a linear
        # teacher on the grid: a small CNN with two 2x2 poolings can learn it in a few epochs.
        grid = rng.standard_normal((n, 3, 8, 8), dtype=np.float32)
        noise = rng.standard_normal((n, 3, 32, 32), dtype=np.float32)
        x = np.repeat(np.repeat(grid, 4, axis=2), 4, axis=3) + np.float32(0.5) * noise
        patches = grid.reshape(n, -1)
        teacher_weights = rng.standard_normal((patches.shape[1], 10))
        y: np.ndarray = _balanced_argmax(patches @ teacher_weights)
    else:
        x = rng.standard_normal((n, 784), dtype=np.float32)
        if workload.task == "binary":
            weights = rng.standard_normal(784) / np.sqrt(784)
            noise = 0.3 * rng.standard_normal(n)
            y = ((x @ weights + noise) > 0).astype(np.float32).reshape(-1, 1)
        else:
            teacher_weights = rng.standard_normal((784, 10))
            y = _balanced_argmax(x @ teacher_weights)
    split = workload.train_samples
    return Data(x[:split], y[:split], x[split:], y[split:])
