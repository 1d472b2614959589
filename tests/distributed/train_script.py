"""A training script run unchanged on one process and under `torchrun` (see test_distributed.py).

Usage: python train_script.py OUT_DIR  (rank 0 writes results into OUT_DIR)
"""

from __future__ import annotations

import json
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


class CountingLogger(fitwell.callbacks.CSVLogger):
    """Counts the epochs at which this process ran the CSV logger."""

    calls = 0

    def on_epoch_end(self, epoch, logs=None):
        CountingLogger.calls += 1
        super().on_epoch_end(epoch, logs)


def train(out_dir: Path) -> dict:
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
    callbacks = [
        fitwell.callbacks.EarlyStopping(monitor="val_loss", patience=1, min_delta=0.05),
        fitwell.callbacks.ModelCheckpoint(
            str(out_dir / "best.weights.h5"), monitor="val_loss", save_best_only=True, save_weights_only=True
        ),
        CountingLogger(str(out_dir / "log.csv")),
    ]
    history = model.fit(x, y, batch_size=32, epochs=12, validation_split=0.25, callbacks=callbacks, verbose=0)
    predictions = model.predict(x, batch_size=50, verbose=0)
    evaluation = model.evaluate(x, y, batch_size=40, verbose=0, return_dict=True)
    return {
        "history": history.history,
        "stopped_epoch": callbacks[0].stopped_epoch,
        "weights": {k: v.tolist() for k, v in model.state_dict().items()},
        "predictions": predictions.tolist(),
        "evaluation": evaluation,
        "logger_calls": CountingLogger.calls,
    }


if __name__ == "__main__":
    out = Path(sys.argv[1])
    result = train(out)
    rank = torch.distributed.get_rank() if torch.distributed.is_initialized() else 0
    (out / f"result_rank{rank}.json").write_text(json.dumps(result))
