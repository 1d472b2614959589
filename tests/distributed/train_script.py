"""A training script run unchanged on one process and under `torchrun` (see test_distributed.py).

Usage: python train_script.py OUT_DIR  (rank 0 writes results into OUT_DIR)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import torch

import fitwell


def make_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(203, 6)).astype("float32")  # 203: the last global batch is uneven
    y = (x @ rng.normal(size=(6, 3))).argmax(axis=1)
    return x, y


def _full_weights(model: fitwell.Model) -> dict:
    from fitwell import distributed

    return distributed.full_state_dict(model) if distributed.is_sharded(model) else model.state_dict()


class CountingLogger(fitwell.callbacks.CSVLogger):
    """Counts the epochs at which this process ran the CSV logger."""

    calls = 0

    def on_epoch_end(self, epoch, logs=None):
        CountingLogger.calls += 1
        super().on_epoch_end(epoch, logs)


class CrashOnce(fitwell.callbacks.Callback):
    """Kills this process at one batch of the first attempt (torchrun then restarts every rank)."""

    def __init__(self, at_batch: int) -> None:
        super().__init__()
        self.at_batch = at_batch
        self.seen = 0

    def on_train_batch_end(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.at_batch and os.environ.get("TORCHELASTIC_RESTART_COUNT", "0") == "0":
            os._exit(3)


def train(out_dir: Path, strategy: str = "auto", backup: str = "") -> dict:
    torch.set_num_threads(1)
    fitwell.utils.set_random_seed(3)
    x, y = make_data()
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(6,)),
            fitwell.layers.Dense(16, activation="relu"),
            fitwell.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=fitwell.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        device="cpu",
    )
    # The sweep runs fit()'s own step (here under DDP) and leaves everything as it was.
    sweep = model.find_learning_rate(x, y, start_lr=1e-4, end_lr=1.0, num_steps=16, batch_size=32)
    callbacks = [
        fitwell.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=0.05),
        fitwell.callbacks.ModelCheckpoint(
            str(out_dir / "best.weights.h5"), monitor="val_loss", save_best_only=True, save_weights_only=True
        ),
        CountingLogger(str(out_dir / "log.csv")),
    ]
    if backup:
        callbacks += [fitwell.callbacks.BackupAndRestore(str(out_dir / "backup"), save_freq=2), CrashOnce(9)]
    history = model.fit(x, y, batch_size=32, epochs=12, validation_split=0.25, callbacks=callbacks, verbose=0)
    predictions = model.predict(x, batch_size=50, verbose=0)
    evaluation = model.evaluate(x, y, batch_size=40, verbose=0, return_dict=True)
    model.save_weights(out_dir / "final.weights.h5")
    return {
        "history": history.history,
        "stopped_epoch": callbacks[0].stopped_epoch,
        "weights": {k: v.tolist() for k, v in _full_weights(model).items()},
        "predictions": predictions.tolist(),
        "evaluation": evaluation,
        "logger_calls": CountingLogger.calls,
        "sweep_losses": sweep.losses,
    }


if __name__ == "__main__":
    out = Path(sys.argv[1])
    result = train(out, *sys.argv[2:])
    rank = torch.distributed.get_rank() if torch.distributed.is_initialized() else 0
    (out / f"result_rank{rank}.json").write_text(json.dumps(result))
