"""keras.io time-series examples, ported to fitwell by writing `fitwell` where the example writes `keras`.

As in test_keras_io_vision.py: each example's code is a function of `lib` (`keras` or `fitwell`),
run with both on synthetic data of the example's shapes, comparing parameter counts, layer tables,
History keys, and predictions on Keras's initial weights.

Sources (keras.io):
- "Timeseries classification from scratch" (examples/timeseries/timeseries_classification_from_scratch):
  a fully convolutional network, Conv1D + BatchNormalization + ReLU, GlobalAveragePooling1D;
- "Timeseries anomaly detection using an Autoencoder" (examples/timeseries/timeseries_anomaly_detection):
  Conv1D / Conv1DTranspose with strides and "same" padding.

Adapted:
- Data: FordA and NAB are downloads; random series of the real lengths (176 steps, 288 steps)
  with a learnable signal stand in, with fewer samples and epochs.
- Classification: `ModelCheckpoint("best_model.h5")` is written `"best_model.keras"`, the file
  name Keras 3 asks for (it refuses `.h5` for whole models); `keras.utils.plot_model` is dropped.
"""

from __future__ import annotations

import numpy as np
import pytest

import fitwell
from porting import history_without_learning_rate, layer_table, summary_totals

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _assert_same_structure(keras_model, fitwell_model) -> None:
    assert layer_table(fitwell_model) == layer_table(keras_model)
    assert summary_totals(fitwell_model) == summary_totals(keras_model)


# -- Timeseries classification from scratch ----------------------------------------------
def make_model(keras, input_shape, num_classes):
    input_layer = keras.layers.Input(input_shape)

    conv1 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(input_layer)
    conv1 = keras.layers.BatchNormalization()(conv1)
    conv1 = keras.layers.ReLU()(conv1)

    conv2 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv1)
    conv2 = keras.layers.BatchNormalization()(conv2)
    conv2 = keras.layers.ReLU()(conv2)

    conv3 = keras.layers.Conv1D(filters=64, kernel_size=3, padding="same")(conv2)
    conv3 = keras.layers.BatchNormalization()(conv3)
    conv3 = keras.layers.ReLU()(conv3)

    gap = keras.layers.GlobalAveragePooling1D()(conv3)

    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

    return keras.models.Model(inputs=input_layer, outputs=output_layer)


def ford_a_like(samples: int, rng):
    """Univariate series of 176 steps; class 1 carries a sine burst, class -1 does not."""
    y = rng.choice([-1, 1], samples)
    steps = np.arange(176)
    x = rng.normal(size=(samples, 176)) + (y[:, None] == 1) * np.sin(steps / 3.0)[None, :]
    return x, y.astype(int)


def test_timeseries_classification_matches_keras(keras, tmp_path):
    rng = np.random.default_rng(0)
    x_train, y_train = ford_a_like(160, rng)
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    num_classes = len(np.unique(y_train))
    y_train[y_train == -1] = 0

    k_model = make_model(keras, input_shape=x_train.shape[1:], num_classes=num_classes)
    f_model = make_model(fitwell, input_shape=x_train.shape[1:], num_classes=num_classes)
    _assert_same_structure(k_model, f_model)
    f_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(
        f_model.predict(x_train[:16], verbose=0), k_model.predict(x_train[:16], verbose=0), atol=1e-5
    )

    histories = {}
    for name, lib, model in (("keras", keras, k_model), ("fitwell", fitwell, f_model)):
        callbacks = [
            lib.callbacks.ModelCheckpoint(
                str(tmp_path / f"{name}_best_model.keras"), save_best_only=True, monitor="val_loss"
            ),
            lib.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=20, min_lr=0.0001),
            lib.callbacks.EarlyStopping(monitor="val_loss", patience=50, verbose=0),
        ]
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        histories[name] = model.fit(
            x_train,
            y_train,
            batch_size=32,
            epochs=3,
            callbacks=callbacks,
            validation_split=0.2,
            verbose=0,
            shuffle=False,
        )
    k_history, f_history = histories["keras"].history, histories["fitwell"].history
    assert set(history_without_learning_rate(histories["fitwell"])) | {"learning_rate"} == set(k_history)
    # Same weights, batches, Adam and batch statistics: the same run, epoch by epoch.
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        np.testing.assert_allclose(f_history[key], k_history[key], rtol=2e-3, atol=1e-4)
    best = fitwell.models.load_model(tmp_path / "fitwell_best_model.keras")
    assert best.predict(x_train[:4], verbose=0).argmax(axis=1).shape == (4,)


# -- Timeseries anomaly detection using an Autoencoder -------------------------------------------
TIME_STEPS = 288


def create_sequences(values, time_steps=TIME_STEPS):
    output = []
    for i in range(len(values) - time_steps + 1):
        output.append(values[i : (i + time_steps)])
    return np.stack(output)


def anomaly_autoencoder(keras, x_train):
    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Input(shape=(x_train.shape[1], x_train.shape[2])),
            layers.Conv1D(filters=32, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Dropout(rate=0.2),
            layers.Conv1D(filters=16, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Conv1DTranspose(filters=16, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Dropout(rate=0.2),
            layers.Conv1DTranspose(filters=32, kernel_size=7, padding="same", strides=2, activation="relu"),
            layers.Conv1DTranspose(filters=1, kernel_size=7, padding="same"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
    return model


def test_timeseries_anomaly_detection_matches_keras(keras):
    # 5 days of a daily cycle every 5 minutes, normalised as the example does.
    steps = np.arange(288 * 5)
    series = (
        20 + 60 * (np.sin(2 * np.pi * steps / 288) > 0) + np.random.default_rng(3).normal(size=steps.size)
    )
    values = ((series - series.mean()) / series.std()).reshape(-1, 1).astype("float32")
    x_train = create_sequences(values)
    assert x_train.shape == (288 * 4 + 1, 288, 1)

    k_model, f_model = anomaly_autoencoder(keras, x_train), anomaly_autoencoder(fitwell, x_train)
    _assert_same_structure(k_model, f_model)
    assert summary_totals(f_model)[0] == 9_505  # the example's printed total
    f_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(
        f_model.predict(x_train[:32], verbose=0), k_model.predict(x_train[:32], verbose=0), atol=1e-5
    )

    history = f_model.fit(
        x_train,
        x_train,
        epochs=2,
        batch_size=128,
        validation_split=0.1,
        callbacks=[fitwell.callbacks.EarlyStopping(monitor="val_loss", patience=5, mode="min")],
        verbose=0,
    )
    assert sorted(history_without_learning_rate(history)) == ["loss", "val_loss"]
    x_train_pred = f_model.predict(x_train, verbose=0)
    train_mae_loss = np.mean(np.abs(x_train_pred - x_train), axis=1)
    assert train_mae_loss.shape == (x_train.shape[0], 1)
    assert history.history["loss"][-1] < history.history["loss"][0]
