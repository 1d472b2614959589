"""Keras 3's `fit`, on whichever backend this process imported (torch or jax)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from bench.implementations.common import Outcome, outcome
from bench.measure import RunSettings, Stopwatch
from bench.workloads import EPSILON, LEARNING_RATE, Data, Workload, make_module

__all__ = ["backend", "keras_model", "prepare"]

Train = Callable[[Stopwatch], Outcome]


def backend() -> str:
    """The backend Keras was (or will be) imported with."""
    import keras

    return keras.backend.backend()


def keras_model(workload: Workload):  # noqa: ANN201 - a keras.Model; keras is imported lazily
    """The workload's model built with Keras layers, holding the torch model's initial weights.

    The CNN runs channels-last, Keras's default layout, so its kernels are
    transposed and the dense layer's rows reordered to match the flattening.
    """
    import keras

    torch_weights = [t.detach().numpy() for t in make_module(workload).state_dict().values()]
    layers = keras.layers
    if workload.model == "cnn":
        model = keras.Sequential(
            [
                keras.Input(shape=(32, 32, 3)),
                layers.Conv2D(16, 3, padding="same", activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(32, 3, padding="same", activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dense(10),
            ]
        )
        conv1_w, conv1_b, conv2_w, conv2_b, dense_w, dense_b = torch_weights
        dense_kernel = dense_w.reshape(10, 32, 8, 8).transpose(2, 3, 1, 0).reshape(32 * 8 * 8, 10)
        model.set_weights(
            [
                conv1_w.transpose(2, 3, 1, 0),
                conv1_b,
                conv2_w.transpose(2, 3, 1, 0),
                conv2_b,
                dense_kernel,
                dense_b,
            ]
        )
        return model
    widths = {"mlp": [256, 128, 10], "wide_mlp": [2048, 2048, 10], "logreg": [1]}[workload.model]
    dense = [layers.Dense(width, activation="relu") for width in widths[:-1]] + [layers.Dense(widths[-1])]
    model = keras.Sequential([keras.Input(shape=(784,)), *dense])
    model.set_weights([w.T if w.ndim == 2 else w for w in torch_weights])
    return model


def prepare(workload: Workload, data: Data, settings: RunSettings) -> Train:
    """`model.fit(..., verbose=0)` with the backend's default settings."""
    import keras

    keras.utils.set_random_seed(settings.repeat)
    model = keras_model(workload)
    if workload.task == "binary":
        loss = keras.losses.BinaryCrossentropy(from_logits=True)
        metrics = [keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")]
        if settings.with_auc:
            metrics.append(keras.metrics.AUC(from_logits=True, name="auc"))
    else:
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        metrics = [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
        loss=loss,
        metrics=metrics,
    )
    x_train, x_val = data.x_train, data.x_val
    if workload.model == "cnn":
        # Keras users keep images channels-last; converting is data preparation, not training.
        x_train = np.ascontiguousarray(x_train.transpose(0, 2, 3, 1))
        x_val = np.ascontiguousarray(x_val.transpose(0, 2, 3, 1))

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self, watch: Stopwatch) -> None:
            super().__init__()
            self.watch = watch

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.watch.epoch_end()

    def train(watch: Stopwatch) -> Outcome:
        history = model.fit(
            x_train,
            data.y_train,
            batch_size=workload.batch_size,
            epochs=workload.epochs,
            validation_data=(x_val, data.y_val),
            verbose=0,
            callbacks=[EpochTimer(watch)],
        )
        logs = history.history
        auc = logs["val_auc"][-1] if "val_auc" in logs else None
        return outcome(logs["loss"][-1], logs["val_accuracy"][-1], auc)

    return train
