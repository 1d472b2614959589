"""Train the labelled runs that measure `fitwell.diagnose`, and store their curves.

Every run is a real `fitwell` fit of a small model on the shipped digits or on
synthetic data, set up to show one behaviour: healthy training (often with a
small, noisy validation set), overfitting, underfitting, divergence,
instability, a crawl from a too-low learning rate, a plateau, no learning at
all, a run stopped while still improving, or leaked validation data. The
label is the behaviour the recipe was built to produce; a recipe whose
curves plainly did not show it was changed, never the rules' verdict taken
as the label (docs/diagnosis.md tells how the corpus was made).

Only the curves are kept: one small JSON file per run under
`tests/diagnosis/fixtures/corpus/` (and `holdout/`), holding the label, the
recipe, the loss name, the number of classes and the `History.history`
dict. The tests read these files, so they never train. Training is
deterministic on the CPU (one thread per process, fixed seeds).

Usage:
    python scripts/make_diagnosis_corpus.py             # every run (a few minutes on 2 cores)
    python scripts/make_diagnosis_corpus.py --holdout   # the held-out runs
    python scripts/make_diagnosis_corpus.py --only plateau --print
    python scripts/make_diagnosis_corpus.py --check     # train nothing, print the confusion tables
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

import fitwell
from fitwell import layers
from fitwell.optimizers import SGD, Adam

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "diagnosis" / "fixtures" / "corpus"
HOLDOUT = ROOT / "tests" / "diagnosis" / "fixtures" / "holdout"
#: Held-out runs: every third recipe again, with other seeds (other data order, initial
#: weights, splits). They were trained once, after the rules were settled, and never used to
#: tune them; docs/diagnosis.md reports them separately.
HOLDOUT_SEED_OFFSET = 100
SIGNIFICANT_DIGITS = 6


# -- data ---------------------------------------------------------------------------------
def digits(
    *, n_train: int | None = None, label_noise: float = 0.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The shipped digits' training part, flattened and scaled to [0, 1]."""
    (x, y), _ = fitwell.datasets.load_digits()
    x = x.reshape(len(x), -1).astype("float32") / 16.0
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    x, y = x[order], y[order].astype("int64")
    if n_train is not None:
        x, y = x[:n_train], y[:n_train]
    if label_noise:
        flip = rng.random(len(y)) < label_noise
        y = np.where(flip, rng.integers(0, 10, len(y)), y)
    return x, y


def teacher(n: int, *, features: int = 20, classes: int = 4, label_noise: float = 0.0, seed: int = 0):
    """Labels from a random two-layer teacher network: learnable, not linearly trivial."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    hidden = np.tanh(x @ rng.normal(size=(features, 32)) / math.sqrt(features))
    y = (hidden @ rng.normal(size=(32, classes))).argmax(axis=1)
    if label_noise:
        flip = rng.random(n) < label_noise
        y = np.where(flip, rng.integers(0, classes, n), y)
    return x, y.astype("int64")


def regression(n: int, *, features: int = 8, noise: float = 0.1, seed: int = 0):
    """A smooth nonlinear target plus Gaussian noise, shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    w = rng.normal(size=(features, 4)) / math.sqrt(features)
    y = np.sin(x @ w).sum(axis=1, keepdims=True) + noise * rng.normal(size=(n, 1))
    return x, y.astype("float32")


def binary(n: int, *, features: int = 10, label_noise: float = 0.0, seed: int = 0):
    """Two classes split by a curved boundary; labels of shape (n, 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    score = x[:, 0] + 0.8 * np.sin(2.0 * x[:, 1]) + 0.5 * x[:, 2] * x[:, 3]
    y = (score > 0).astype("float32")
    if label_noise:
        flip = rng.random(n) < label_noise
        y = np.where(flip, 1.0 - y, y)
    return x, y.reshape(-1, 1).astype("float32")


# -- small local callbacks (the recipes need only these two behaviours) -------------------
class StopWhenFlat(fitwell.callbacks.Callback):
    """Stop once `val_loss` has not improved by 1% for `patience` epochs (no weight restore).

    Healthy runs use it so that they end converged; `stopped` records whether it fired.
    """

    def __init__(self, patience: int, *, min_relative_delta: float = 0.01) -> None:
        super().__init__()
        self.patience = patience
        self.min_relative_delta = min_relative_delta
        self.stopped = False

    def on_train_begin(self, logs=None) -> None:
        self.best, self.wait, self.stopped = math.inf, 0, False

    def on_epoch_end(self, epoch, logs=None) -> None:
        if logs["val_loss"] < self.best * (1.0 - self.min_relative_delta):
            self.best, self.wait = logs["val_loss"], 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.model.stop_training = True
            self.stopped = True


class HalveWhenFlat(fitwell.callbacks.Callback):
    """Halve the learning rate when `val_loss` has not improved for `patience` epochs."""

    def __init__(self, patience: int) -> None:
        super().__init__()
        self.patience = patience

    def on_train_begin(self, logs=None) -> None:
        self.best, self.wait = math.inf, 0

    def on_epoch_end(self, epoch, logs=None) -> None:
        if logs["val_loss"] < self.best:
            self.best, self.wait = logs["val_loss"], 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.model.optimizer.learning_rate = self.model.optimizer.learning_rate * 0.5
            self.wait = 0


class DeadStart(torch.nn.Module):
    """A ReLU network whose hidden units start dead (large negative bias): nothing flows back."""

    def __init__(self, features: int, classes: int) -> None:
        super().__init__()
        self.hidden = torch.nn.Linear(features, 32)
        self.out = torch.nn.Linear(32, classes)
        with torch.no_grad():
            self.hidden.bias.fill_(-50.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=-1)


# -- recipes ------------------------------------------------------------------------------
@dataclass
class Recipe:
    """One labelled run: the data, the model, and how it is trained."""

    name: str
    label: str
    data: Callable[[int], tuple[np.ndarray, np.ndarray]]
    model: Callable[[], torch.nn.Module]
    optimizer: Callable[[], Any]
    loss: str = "sparse_categorical_crossentropy"
    metrics: list[str] = field(default_factory=lambda: ["accuracy"])
    num_classes: int | None = 10
    epochs: int = 20
    batch_size: int = 32
    validation_split: float = 0.2
    validation: str = "split"  # "split", "duplicate" (a copy of training samples) or "none"
    callbacks: Callable[[], list] = field(default_factory=lambda: lambda: [])
    seed: int = 0
    note: str = ""


def mlp(
    features: int,
    outputs: int,
    *hidden: int,
    activation: str = "relu",
    dropout: float = 0.0,
    head: str | None = "softmax",
) -> Callable[[], torch.nn.Module]:
    def build() -> torch.nn.Module:
        stack: list[Any] = [fitwell.Input(shape=(features,))]
        for units in hidden:
            stack.append(layers.Dense(units, activation=activation))
            if dropout:
                stack.append(layers.Dropout(dropout))
        stack.append(layers.Dense(outputs, activation=head))
        return fitwell.Sequential(stack)

    return build


#: The options every regression recipe shares (its models end in a linear unit: `head=None`).
REGRESSION: dict[str, Any] = {"loss": "mse", "metrics": ["mae"], "num_classes": None}


def each_seed(
    count: int,
    name: str,
    label: str,
    data: Callable[[int], tuple[np.ndarray, np.ndarray]],
    model: Callable[[], torch.nn.Module],
    optimizer: Callable[[], Any],
    **options: Any,
) -> list[Recipe]:
    """`count` recipes that differ only in their seed (0, 1, …), named `{name}_{seed}`."""
    return [
        Recipe(f"{name}_{seed}", label, data, model, optimizer, seed=seed, **options) for seed in range(count)
    ]


def recipes() -> list[Recipe]:
    """Every run of the corpus (in a fixed order: `holdout_recipes` takes every third)."""
    runs: list[Recipe] = []
    add = runs.append
    stop = lambda patience: lambda: [StopWhenFlat(patience)]  # noqa: E731

    # Healthy: sensible settings trained until validation stopped improving (the stop must
    # fire, see `train`), often with small and therefore noisy validation sets.
    for seed, split in [(0, 0.05), (1, 0.05), (2, 0.1), (3, 0.1), (4, 0.2), (5, 0.2), (6, 0.08), (7, 0.15)]:
        add(
            Recipe(
                f"digits_mlp_{seed}",
                "healthy",
                lambda s: digits(seed=s),
                mlp(64, 10, 64, dropout=0.2),
                lambda: Adam(1e-3),
                epochs=400,
                validation_split=split,
                callbacks=stop(10),
                seed=seed,
            )
        )
    for seed, split in [(0, 0.05), (1, 0.1), (2, 0.2)]:
        add(
            Recipe(
                f"digits_reduce_lr_{seed}",
                "healthy",
                lambda s: digits(seed=s),
                mlp(64, 10, 128, dropout=0.3),
                lambda: Adam(2e-3),
                epochs=300,
                validation_split=split,
                callbacks=lambda: [HalveWhenFlat(3), StopWhenFlat(12)],
                seed=seed,
                note="learning rate halved on plateaus",
            )
        )
    runs += each_seed(
        2,
        "digits_cnn",
        "healthy",
        lambda s: _images(digits(seed=s)),
        small_cnn,
        lambda: Adam(2e-3),
        epochs=300,
        validation_split=0.1,
        callbacks=stop(10),
    )
    runs += each_seed(
        4,
        "teacher",
        "healthy",
        lambda s: teacher(6000, seed=s),
        mlp(20, 4, 64),
        lambda: Adam(1e-3),
        num_classes=4,
        epochs=300,
        batch_size=64,
        validation_split=0.1,
        callbacks=stop(8),
    )
    runs += each_seed(
        3,
        "regression",
        "healthy",
        lambda s: regression(4000, seed=s),
        mlp(8, 1, 64, head=None),
        lambda: Adam(2e-3),
        **REGRESSION,
        epochs=300,
        batch_size=64,
        validation_split=0.1,
        callbacks=stop(10),
    )
    runs += each_seed(
        3,
        "binary",
        "healthy",
        lambda s: binary(3000, seed=s),
        mlp(10, 1, 64, head="sigmoid"),
        lambda: Adam(3e-3),
        loss="binary_crossentropy",
        num_classes=2,
        epochs=300,
        batch_size=32,
        validation_split=0.05,
        callbacks=stop(12),
    )
    runs += each_seed(
        2,
        "teacher_long",
        "healthy",
        lambda s: teacher(3000, seed=10 + s),
        mlp(20, 4, 32, dropout=0.1),
        lambda: Adam(5e-4),
        num_classes=4,
        epochs=500,
        batch_size=256,
        validation_split=0.2,
        callbacks=stop(15),
        note="long run, big batches",
    )
    runs += each_seed(
        2,
        "teacher_fast",
        "healthy",
        lambda s: teacher(40000, seed=20 + s),
        mlp(20, 4, 64),
        lambda: Adam(2e-3),
        num_classes=4,
        epochs=40,
        batch_size=32,
        validation_split=0.1,
        callbacks=stop(4),
        note="converges within the first epochs",
    )

    # Overfitting: big networks on few (and partly mislabelled) samples, trained long.
    for seed, n in [(0, 200), (1, 150), (2, 300), (3, 250)]:
        add(
            Recipe(
                f"digits_small_big_net_{seed}",
                "overfitting",
                lambda s, n=n: digits(n_train=n, label_noise=0.1, seed=s),
                mlp(64, 10, 256, 256),
                lambda: Adam(1e-3),
                epochs=80,
                batch_size=16,
                validation_split=0.3,
                seed=seed,
            )
        )
    runs += each_seed(
        3,
        "teacher_noisy",
        "overfitting",
        lambda s: teacher(400, label_noise=0.2, seed=s),
        mlp(20, 4, 256, 256),
        lambda: Adam(1e-3),
        num_classes=4,
        epochs=60,
        batch_size=16,
        validation_split=0.3,
    )
    runs += each_seed(
        3,
        "regression_small",
        "overfitting",
        lambda s: regression(150, noise=0.5, seed=s),
        mlp(8, 1, 256, 256, head=None),
        lambda: Adam(2e-3),
        **REGRESSION,
        epochs=150,
        batch_size=16,
        validation_split=0.3,
    )

    # Diverged: learning rates far too large (NaN, a saturated softmax, or an explosion).
    for seed, lr in [(0, 20.0), (1, 50.0)]:
        add(
            Recipe(
                f"digits_sgd_huge_lr_{seed}",
                "diverged",
                lambda s: digits(seed=s),
                mlp(64, 10, 64, head=None),
                lambda lr=lr: SGD(lr),
                loss="sparse_categorical_crossentropy_logits",
                epochs=10,
                seed=seed,
            )
        )
    for seed, lr in [(0, 0.3), (1, 1.0), (2, 0.5), (3, 2.0)]:
        add(
            Recipe(
                f"regression_sgd_huge_lr_{seed}",
                "diverged",
                lambda s: regression(2000, seed=s),
                mlp(8, 1, 64, head=None),
                lambda lr=lr: SGD(lr, momentum=0.9),
                **REGRESSION,
                epochs=10,
                seed=seed,
            )
        )
    for seed, lr in [(0, 1.0), (1, 3.0)]:
        add(
            Recipe(
                f"digits_adam_huge_lr_{seed}",
                "diverged",
                lambda s: digits(seed=s),
                mlp(64, 10, 64),
                lambda lr=lr: Adam(lr),
                epochs=10,
                seed=seed,
                note="softmax saturates: loss far above chance",
            )
        )

    # Unstable: large learning rates that oscillate without blowing up.
    for seed, lr in [(0, 0.03), (1, 0.05), (2, 0.04)]:
        add(
            Recipe(
                f"digits_adam_high_lr_{seed}",
                "unstable",
                lambda s: digits(seed=s),
                mlp(64, 10, 128),
                lambda lr=lr: Adam(lr),
                epochs=25,
                batch_size=16,
                seed=seed,
            )
        )
    runs += each_seed(
        2,
        "digits_sgd_momentum",
        "unstable",
        lambda s: digits(seed=s),
        mlp(64, 10, 128),
        lambda: SGD(0.1, momentum=0.95),
        epochs=25,
        batch_size=16,
    )
    runs += each_seed(
        2,
        "regression_sgd_edge",
        "unstable",
        lambda s: regression(2000, seed=s),
        mlp(8, 1, 64, head=None),
        lambda: SGD(0.03, momentum=0.9),
        **REGRESSION,
        epochs=25,
        batch_size=16,
    )
    runs += each_seed(
        1,
        "regression_adam_high_lr",
        "unstable",
        lambda s: regression(2000, seed=s),
        mlp(8, 1, 64, head=None),
        lambda: Adam(0.05),
        **REGRESSION,
        epochs=25,
        batch_size=16,
    )

    # Learning rate too low: a steady crawl.
    for seed, lr in [(0, 1e-3), (1, 3e-4), (2, 1e-3)]:
        add(
            Recipe(
                f"digits_sgd_tiny_lr_{seed}",
                "lr_too_low",
                lambda s: digits(seed=s),
                mlp(64, 10, 64),
                lambda lr=lr: SGD(lr),
                epochs=30,
                seed=seed,
            )
        )
    runs += each_seed(
        2,
        "digits_adam_tiny_lr",
        "lr_too_low",
        lambda s: digits(seed=s),
        mlp(64, 10, 64),
        lambda: Adam(1e-5),
        epochs=40,
        batch_size=64,
    )
    runs += each_seed(
        2,
        "regression_tiny_lr",
        "lr_too_low",
        lambda s: regression(2000, seed=s),
        mlp(8, 1, 64, head=None),
        lambda: SGD(1e-4),
        **REGRESSION,
        epochs=30,
    )

    # Not learning: labels unrelated to the inputs, or a network that passes no gradient.
    runs += each_seed(
        2,
        "digits_shuffled_labels",
        "not_learning",
        lambda s: _shuffle_labels(digits(seed=s), s),
        mlp(64, 10, 16),
        lambda: Adam(1e-3),
        epochs=15,
        note="labels shuffled apart from x",
    )
    runs += each_seed(
        2,
        "digits_dead_relu",
        "not_learning",
        lambda s: digits(seed=s),
        lambda: DeadStart(64, 10),
        lambda: Adam(1e-3),
        epochs=15,
        note="hidden units start dead",
    )
    runs += each_seed(
        2,
        "binary_shuffled",
        "not_learning",
        lambda s: _shuffle_labels(binary(2000, seed=s), s),
        mlp(10, 1, 8, head="sigmoid"),
        lambda: Adam(1e-3),
        loss="binary_crossentropy",
        num_classes=2,
        epochs=15,
        note="labels shuffled apart from x",
    )
    runs += each_seed(
        3,
        "digits_sigmoid_deep",
        "not_learning",
        lambda s: digits(seed=s),
        mlp(64, 10, 32, 32, 32, 32, activation="sigmoid"),
        lambda: SGD(0.05),
        epochs=30,
        note="vanishing gradients",
    )

    # Underfitting: too little capacity; the loss is high and still creeping down.
    runs += each_seed(
        5,
        "digits_3_units",
        "underfitting",
        lambda s: digits(seed=s),
        mlp(64, 10, 3),
        lambda: Adam(3e-3),
        epochs=30,
    )
    runs += each_seed(
        3,
        "teacher_4_units",
        "underfitting",
        lambda s: teacher(4000, classes=6, seed=s),
        mlp(20, 6, 4),
        lambda: Adam(3e-3),
        num_classes=6,
        epochs=20,
        batch_size=64,
    )

    # Plateau: both curves flat well short of a good value.
    runs += each_seed(
        3,
        "digits_heavy_weight_decay",
        "plateau",
        lambda s: digits(seed=s),
        mlp(64, 10, 32),
        lambda: Adam(3e-3, weight_decay=3.0),
        epochs=30,
    )
    runs += each_seed(
        2,
        "teacher_3_units",
        "plateau",
        lambda s: teacher(4000, classes=6, seed=s),
        mlp(20, 6, 3),
        lambda: Adam(5e-3),
        num_classes=6,
        epochs=40,
        batch_size=64,
    )

    # Still improving: good settings stopped too early.
    for seed, epochs in [(0, 5), (1, 8), (2, 12)]:
        add(
            Recipe(
                f"digits_cut_short_{seed}",
                "still_improving",
                lambda s: digits(seed=s),
                mlp(64, 10, 64),
                lambda: Adam(5e-4),
                epochs=epochs,
                seed=seed,
            )
        )
    for seed, epochs in [(0, 6), (1, 10)]:
        add(
            Recipe(
                f"teacher_cut_short_{seed}",
                "still_improving",
                lambda s: teacher(3000, seed=30 + s),
                mlp(20, 4, 64),
                lambda: Adam(3e-4),
                num_classes=4,
                epochs=epochs,
                seed=seed,
            )
        )
    runs += each_seed(
        1,
        "regression_cut_short",
        "still_improving",
        lambda s: regression(3000, seed=s),
        mlp(8, 1, 64, head=None),
        lambda: Adam(1e-3),
        **REGRESSION,
        epochs=8,
    )

    # Leaked validation: validation samples that are also training samples, or the label in the inputs.
    runs += each_seed(
        3,
        "digits_duplicated_val",
        "suspicious_validation",
        lambda s: digits(seed=s),
        mlp(64, 10, 256),
        lambda: Adam(1e-3),
        epochs=40,
        validation="duplicate",
    )
    runs += each_seed(
        2,
        "teacher_label_in_x",
        "suspicious_validation",
        lambda s: _label_in_inputs(teacher(2000, seed=s)),
        mlp(24, 4, 32),
        lambda: Adam(1e-3),
        num_classes=4,
        epochs=15,
        note="one-hot label appended to the features",
    )
    return runs


def small_cnn() -> torch.nn.Module:
    """Conv → pool → dense on the 8×8 digits."""
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 1)),
            layers.Conv2D(16, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )


def _images(data: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    x, y = data
    return x.reshape(-1, 8, 8, 1), y


def _shuffle_labels(data: tuple[np.ndarray, np.ndarray], seed: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = data
    return x, np.random.default_rng(seed + 99).permutation(y)


def _label_in_inputs(data: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    x, y = data
    return np.concatenate([x, 3.0 * np.eye(int(y.max()) + 1, dtype="float32")[y]], axis=1), y


# -- running ------------------------------------------------------------------------------
def _loss(name: str) -> Any:
    if name == "sparse_categorical_crossentropy_logits":
        return fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
    return name


def _round(value: float) -> float | str:
    if not math.isfinite(value):
        return str(value)  # "nan", "inf", "-inf": JSON has no literal for them
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def train(recipe: Recipe) -> dict[str, Any]:
    """Fit the recipe's model and return the fixture's content."""
    fitwell.utils.set_random_seed(recipe.seed)
    x, y = recipe.data(recipe.seed)
    model = fitwell.Model(recipe.model())
    model.compile(optimizer=recipe.optimizer(), loss=_loss(recipe.loss), metrics=recipe.metrics, device="cpu")
    fit_args: dict[str, Any] = {
        "epochs": recipe.epochs,
        "batch_size": recipe.batch_size,
        "verbose": 0,
        "callbacks": recipe.callbacks(),
    }
    if recipe.validation == "split":
        fit_args["validation_split"] = recipe.validation_split
    elif recipe.validation == "duplicate":
        picked = np.random.default_rng(recipe.seed).choice(len(x), size=len(x) // 5, replace=False)
        fit_args["validation_data"] = (x[picked], y[picked])
    history = model.fit(x, y, **fit_args)
    stoppers = [c for c in fit_args["callbacks"] if isinstance(c, StopWhenFlat)]
    if recipe.label == "healthy" and stoppers and not stoppers[0].stopped:
        raise RuntimeError(f"{recipe.name}: still improving after {recipe.epochs} epochs; raise `epochs`")
    loss_name = "sparse_categorical_crossentropy" if recipe.loss.endswith("_logits") else recipe.loss
    return {
        "name": recipe.name,
        "label": recipe.label,
        "recipe": _describe(recipe),
        "loss": loss_name,
        "num_classes": recipe.num_classes,
        "history": {key: [_round(v) for v in values] for key, values in history.history.items()},
    }


def _describe(recipe: Recipe) -> str:
    optimizer = recipe.optimizer()
    parts = [
        f"{type(optimizer).__name__}(learning_rate={optimizer.learning_rate:g})",
        f"epochs={recipe.epochs}",
        f"batch_size={recipe.batch_size}",
        f"validation={recipe.validation}"
        + (f"({recipe.validation_split})" if recipe.validation == "split" else ""),
        f"seed={recipe.seed}",
    ]
    return ", ".join(parts) + (f"; {recipe.note}" if recipe.note else "")


def holdout_recipes() -> list[Recipe]:
    """Every third recipe, with its seed moved by `HOLDOUT_SEED_OFFSET`."""
    chosen = recipes()[::3]
    for recipe in chosen:
        recipe.seed += HOLDOUT_SEED_OFFSET
        recipe.name = f"{recipe.name}_holdout"
    return chosen


def _train_and_write(name: str) -> str:
    # Recipes hold lambdas, which do not pickle: each worker rebuilds the list and picks by name.
    torch.set_num_threads(1)
    holdout = name.endswith("_holdout")
    recipe = next(r for r in (holdout_recipes() if holdout else recipes()) if r.name == name)
    run = train(recipe)
    path = (HOLDOUT if holdout else FIXTURES) / f"{recipe.label}__{recipe.name}.json"
    path.write_text(json.dumps(run, indent=None, separators=(",", ":")) + "\n")
    return str(path.relative_to(ROOT))


def load_corpus(directory: Path = FIXTURES) -> list[dict[str, Any]]:
    """Every stored run, sorted by file name."""
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


def confusion_table(runs: list[dict[str, Any]]) -> tuple[str, float]:
    """Markdown confusion table (rows: label, columns: primary finding) and the accuracy."""
    from fitwell.diagnosis import KINDS, diagnose

    counts: dict[tuple[str, str], int] = {}
    for run in runs:
        primary = diagnose(run["history"], loss=run["loss"], num_classes=run["num_classes"]).primary.kind
        counts[run["label"], primary] = counts.get((run["label"], primary), 0) + 1
    labels = [kind for kind in KINDS if any(label == kind for label, _ in counts)]
    columns = [kind for kind in KINDS if any(found == kind for _, found in counts)]
    lines = ["| label \\ primary | " + " | ".join(columns) + " | runs |", "|---" * (len(columns) + 2) + "|"]
    for label in labels:
        row = [counts.get((label, column), 0) for column in columns]
        lines.append(f"| {label} | " + " | ".join(str(c) if c else "." for c in row) + f" | {sum(row)} |")
    right = sum(count for (label, found), count in counts.items() if label == found)
    return "\n".join(lines), right / len(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="train only runs whose label or name contains this text")
    parser.add_argument("--print", action="store_true", help="print each run's curves after training")
    parser.add_argument("--check", action="store_true", help="train nothing; print the confusion table")
    parser.add_argument("--holdout", action="store_true", help="train the held-out runs instead")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parallel training processes")
    args = parser.parse_args(argv)
    if not args.check:
        FIXTURES.mkdir(parents=True, exist_ok=True)
        HOLDOUT.mkdir(parents=True, exist_ok=True)
        pool_of = holdout_recipes() if args.holdout else recipes()
        chosen = [r for r in pool_of if not args.only or args.only in r.label or args.only in r.name]
        if args.jobs > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(args.jobs) as pool:
                written = list(pool.map(_train_and_write, [r.name for r in chosen]))
        else:
            written = [_train_and_write(r.name) for r in chosen]
        print(f"wrote {len(written)} runs to {(HOLDOUT if args.holdout else FIXTURES).relative_to(ROOT)}")
        if args.print:
            for path in written:
                run = json.loads((ROOT / path).read_text())
                print(f"\n{run['label']} / {run['name']}: {run['recipe']}")
                for key, values in run["history"].items():
                    if key != "learning_rate":
                        print(
                            f"  {key:>14}: "
                            + " ".join(f"{v:.3g}" if isinstance(v, float) else v for v in values)
                        )
    if args.check or not args.only:
        for title, directory in (("corpus", FIXTURES), ("held-out runs", HOLDOUT)):
            runs = load_corpus(directory)
            if runs:
                table, accuracy = confusion_table(runs)
                print(f"\n{title} ({len(runs)} runs):\n{table}\nright primary finding: {accuracy:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
