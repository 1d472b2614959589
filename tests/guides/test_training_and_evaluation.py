"""Keras 3 guide "Training & evaluation with the built-in methods"
(keras.io/guides/training_with_built_in_methods), ported to fitwell.

Each test is one cell of the guide, written as the guide writes it with `fitwell.` for
`keras.`, on small synthetic data, and checked against Keras 3 (torch backend) on the same
initial weights (`fitwell_model.set_weights(keras_model.get_weights())`): History keys and
values, evaluate results, predict shapes, callback behaviour. `shuffle=False` is added to every
compared `fit` (the guide shuffles) so both libraries see the same batches; the optimizers are
the guide's (fitwell implements Keras's update rules).

Substitutions: none. The guide's `ops.*` calls (the custom losses, `ops.one_hot`,
`CategoricalTruePositives`, `ActivityRegularizationLayer`, `LogisticEndpoint`) are `fitwell.ops`,
imported as the guide imports `keras.ops`: `from fitwell import ops`.

Adapted:
- MNIST (`keras.datasets.mnist.load_data()`, a download): random pixels in [0, 1) and random
  labels 0-9, 384 training / 128 validation / 128 test samples.
- The torch `DataLoader`s are built with `shuffle=False` (the guide: `shuffle=True`) so the
  batches match Keras's.
- "Custom metrics": `fit` gets the labels as `(N, 1)` so that `CategoricalTruePositives` compares
  per sample (the guide's `(N,)` labels broadcast against the `(N, 1)` predictions).
- "Passing data to multi-input, multi-output models": the compile variants pass `guards=False`
  to fitwell (the cell as written is
  ``test_guides_multi_output_model_compiles_and_fits_as_written``, an expected failure).
- Smaller numbers for the small data: `ModelCheckpoint(save_freq=4)` (the guide: 100), and the
  schedule trained with is `ExponentialDecay(1e-3, decay_steps=2, decay_rate=0.5)` (the guide's
  own schedule is checked against Keras's rates as written).

Skipped:
- "Training & evaluation using `tf.data` Datasets" (4 cells), the `tf.data` cell of "Sample
  weights" and the `tf.data` cell of "Passing data to multi-input, multi-output models": need
  TensorFlow's `tf.data` (not a fitwell input type).
- `keras.utils.plot_model(...)`: no graph plotting in fitwell.
- "Visualizing loss and metrics during training with TensorBoard": the `tensorboard --logdir`
  command line (prose).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers, ops

pytestmark = [
    pytest.mark.filterwarnings("ignore:The structure of `inputs`:UserWarning"),
    # Keras's own notes on the guide's cells (DataLoaders are not reshuffled; an output without a loss).
    pytest.mark.filterwarnings("ignore:`shuffle=True` was passed:UserWarning"),
    pytest.mark.filterwarnings("ignore:Gradients do not exist for variables:UserWarning"),
]


# -- helpers -----------------------------------------------------------------------
def history_without_learning_rate(history) -> dict[str, list[float]]:
    # fitwell always records `learning_rate` (a documented difference, docs/keras.md).
    return {k: v for k, v in history.history.items() if k != "learning_rate"}


def assert_same_history(history, expected, rtol=1e-4):
    got = history_without_learning_rate(history)
    assert set(got) == set(expected.history)
    for key, values in expected.history.items():
        np.testing.assert_allclose(got[key], values, rtol=rtol, atol=1e-6, err_msg=key)


@pytest.fixture(scope="module")
def mnist():
    """(x_train, y_train), (x_val, y_val), (x_test, y_test) shaped as the guide's, but small."""
    rng = np.random.default_rng(0)

    def split(n):
        x = rng.random((n, 784)).astype("float32")
        # Preprocess the data (these are NumPy arrays): labels as float32, as the guide does.
        return x, rng.integers(0, 10, n).astype("float32")

    # Reserve samples for validation
    x_train, y_train = split(384 + 128)
    x_val, y_val = x_train[-128:], y_train[-128:]
    x_train, y_train = x_train[:-128], y_train[:-128]
    return (x_train, y_train), (x_val, y_val), split(128)


def get_uncompiled_model(lib=fitwell):
    inputs = lib.Input(shape=(784,), name="digits")
    x = lib.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = lib.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = lib.layers.Dense(10, activation="softmax", name="predictions")(x)
    model = lib.Model(inputs=inputs, outputs=outputs)
    return model


def get_compiled_model(lib=fitwell):
    model = get_uncompiled_model(lib)
    model.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def twins(keras, build=get_uncompiled_model):
    """A Keras model and a fitwell model with the same initial weights."""
    reference = build(keras)
    model = build(fitwell)
    model.set_weights(reference.get_weights())
    return model, reference


# -- API overview: a first end-to-end example ----------------------------------------------
@pytest.mark.keras
def test_end_to_end_fit_evaluate_predict_match_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = mnist
    model, reference = twins(keras)
    assert [layer.name for layer in model.layers] == [layer.name for layer in reference.layers]

    model.compile(
        optimizer=fitwell.optimizers.RMSprop(),  # Optimizer
        # Loss function to minimize
        loss=fitwell.losses.SparseCategoricalCrossentropy(),
        # List of metrics to monitor
        metrics=[fitwell.metrics.SparseCategoricalAccuracy()],
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(
        x_train,
        y_train,
        batch_size=64,
        epochs=2,
        # We pass some validation for monitoring validation loss and metrics at the end of each epoch
        validation_data=(x_val, y_val),
        shuffle=False,
        verbose=0,
    )
    expected = reference.fit(
        x_train, y_train, batch_size=64, epochs=2, validation_data=(x_val, y_val), shuffle=False, verbose=0
    )
    # The returned `history` object holds a record of the loss values and metric values
    assert set(history_without_learning_rate(history)) == {
        "loss",
        "sparse_categorical_accuracy",
        "val_loss",
        "val_sparse_categorical_accuracy",
    }
    assert_same_history(history, expected)

    # Evaluate the model on the test data using `evaluate`
    results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    np.testing.assert_allclose(
        results, reference.evaluate(x_test, y_test, batch_size=128, verbose=0), rtol=1e-5
    )
    # Generate predictions (probabilities -- the output of the last layer) on new data using `predict`
    predictions = model.predict(x_test[:3], verbose=0)
    assert predictions.shape == (3, 10)  # predictions shape: (3, 10)
    np.testing.assert_allclose(predictions, reference.predict(x_test[:3], verbose=0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(predictions.sum(axis=1), np.ones(3), rtol=1e-5)


# -- The compile() method: string identifiers ------------------------------------------------
@pytest.mark.keras
def test_string_identifiers_train_as_the_objects_they_name(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    reference = get_uncompiled_model(keras)
    by_object, by_name = get_uncompiled_model(), get_uncompiled_model()
    by_object.set_weights(reference.get_weights())
    by_name.set_weights(reference.get_weights())
    by_object.compile(
        optimizer=fitwell.optimizers.RMSprop(learning_rate=1e-3),
        loss=fitwell.losses.SparseCategoricalCrossentropy(),
        metrics=[fitwell.metrics.SparseCategoricalAccuracy()],
    )
    by_name.compile(
        optimizer="rmsprop",
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    reference.compile(
        optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"]
    )
    first = by_object.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    second = by_name.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    expected = reference.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    assert first.history == second.history
    assert_same_history(second, expected)


# -- Custom losses ---------------------------------------------------------------------
def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


@pytest.mark.keras
def test_custom_loss_function_matches_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist

    def keras_custom_mean_squared_error(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    model, reference = twins(keras)
    model.compile(optimizer=fitwell.optimizers.Adam(), loss=custom_mean_squared_error)
    reference.compile(optimizer=keras.optimizers.Adam(), loss=keras_custom_mean_squared_error)

    # We need to one-hot encode the labels to use MSE
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, shuffle=False, verbose=0)
    expected = reference.fit(
        x_train,
        keras.ops.one_hot(y_train, num_classes=10),
        batch_size=64,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    assert set(history_without_learning_rate(history)) == {"loss"}
    assert_same_history(history, expected)


class CustomMSE(fitwell.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


@pytest.mark.keras
def test_custom_loss_subclass_matches_keras(mnist):
    keras = pytest.importorskip("keras")
    kops = keras.ops
    (x_train, y_train), _, _ = mnist

    class KerasCustomMSE(keras.losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            mse = kops.mean(kops.square(y_true - y_pred), axis=-1)
            reg = kops.mean(kops.square(0.5 - y_pred), axis=-1)
            return mse + reg * self.regularization_factor

    y_pred = np.random.default_rng(1).random((4, 10)).astype("float32")
    y_true = np.eye(10, dtype="float32")[[1, 2, 3, 4]]
    assert float(CustomMSE()(y_true, y_pred)) == pytest.approx(
        float(kops.convert_to_numpy(KerasCustomMSE()(y_true, y_pred))), rel=1e-6
    )

    model, reference = twins(keras)
    model.compile(optimizer=fitwell.optimizers.Adam(), loss=CustomMSE())
    reference.compile(optimizer=keras.optimizers.Adam(), loss=KerasCustomMSE())
    y_train_one_hot = ops.one_hot(y_train, num_classes=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, shuffle=False, verbose=0)
    expected = reference.fit(
        x_train, kops.one_hot(y_train, num_classes=10), batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)


# -- Custom metrics ----------------------------------------------------------------------
@pytest.mark.keras
def test_custom_metric_subclass_counts_true_positives_as_keras(mnist):
    keras = pytest.importorskip("keras")
    kops = keras.ops
    (x_train, y_train), _, _ = mnist

    class CategoricalTruePositives(fitwell.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
            values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
            values = ops.cast(values, "float32")
            if sample_weight is not None:
                sample_weight = ops.cast(sample_weight, "float32")
                values = ops.multiply(values, sample_weight)
            self.true_positives.assign_add(ops.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            # The state of the metric will be reset at the start of each epoch.
            self.true_positives.assign(0)

    class KerasCategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = kops.reshape(kops.argmax(y_pred, axis=1), (-1, 1))
            values = kops.cast(kops.cast(y_true, "int32") == kops.cast(y_pred, "int32"), "float32")
            self.true_positives.assign_add(kops.sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            self.true_positives.assign(0)

    model, reference = twins(keras)
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(learning_rate=1e-3),
        loss=fitwell.losses.SparseCategoricalCrossentropy(),
        metrics=[CategoricalTruePositives()],
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[KerasCategoricalTruePositives()],
    )
    # y as (N, 1) so that `y_true == y_pred` compares per sample (the guide's labels broadcast).
    history = model.fit(x_train, y_train[:, None], batch_size=64, epochs=3, shuffle=False, verbose=0)
    expected = reference.fit(x_train, y_train[:, None], batch_size=64, epochs=3, shuffle=False, verbose=0)
    assert_same_history(history, expected)


# -- Handling losses and metrics that don't fit the standard signature ----------------------------
class ActivityRegularizationLayer(layers.Layer):
    def call(self, inputs):
        self.add_loss(ops.sum(inputs) * 0.1)
        return inputs  # Pass-through layer.


def _activity_regularized_model(lib, regularizer_class):
    inputs = lib.Input(shape=(784,), name="digits")
    x = lib.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    # Insert activity regularization as a layer
    x = regularizer_class()(x)
    x = lib.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = lib.layers.Dense(10, name="predictions")(x)
    return lib.Model(inputs=inputs, outputs=outputs)


@pytest.mark.keras
def test_add_loss_from_a_layer_is_added_to_the_main_loss_as_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist

    class KerasActivityRegularizationLayer(keras.layers.Layer):
        def call(self, inputs):
            self.add_loss(keras.ops.sum(inputs) * 0.1)
            return inputs

    reference = _activity_regularized_model(keras, KerasActivityRegularizationLayer)
    model = _activity_regularized_model(fitwell, ActivityRegularizationLayer)
    model.set_weights(reference.get_weights())
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(learning_rate=1e-3),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    # The displayed loss will be much higher than before due to the regularization component.
    before = model.evaluate(x_train, y_train, batch_size=64, verbose=0)
    np.testing.assert_allclose(
        before, reference.evaluate(x_train, y_train, batch_size=64, verbose=0), rtol=1e-5
    )
    assert before > 10.0  # cross-entropy alone is about ln(10) = 2.3
    history = model.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    expected = reference.fit(x_train, y_train, batch_size=64, epochs=1, shuffle=False, verbose=0)
    assert_same_history(history, expected)


class LogisticEndpoint(fitwell.layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = fitwell.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        # Compute the training-time loss value and add it to the layer using `self.add_loss()`.
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)

        # Return the inference-time prediction tensor (for `.predict()`).
        return ops.softmax(logits)


@pytest.mark.keras
def test_endpoint_layer_with_add_loss_trains_without_a_compiled_loss_as_keras():
    keras = pytest.importorskip("keras")

    class KerasLogisticEndpoint(keras.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            self.add_loss(self.loss_fn(targets, logits, sample_weights))
            return keras.ops.softmax(logits)

    def build(lib, endpoint_class):
        inputs = lib.Input(shape=(3,), name="inputs")
        targets = lib.Input(shape=(10,), name="targets")
        logits = lib.layers.Dense(10)(inputs)
        predictions = endpoint_class(name="predictions")(targets, logits)
        return lib.Model(inputs=[inputs, targets], outputs=predictions)

    reference = build(keras, KerasLogisticEndpoint)
    model = build(fitwell, LogisticEndpoint)
    model.set_weights(reference.get_weights())
    assert [layer.name for layer in model.layers][-1] == "predictions"
    model.compile(optimizer="adam")  # No loss argument!
    reference.compile(optimizer="adam")

    rng = np.random.default_rng(0)
    data = {
        "inputs": rng.random((3, 3)),
        "targets": rng.random((3, 10)),
    }
    history = model.fit(data, verbose=0)
    expected = reference.fit(data, verbose=0)
    assert_same_history(history, expected)
    predictions = model.predict(data, verbose=0)
    np.testing.assert_allclose(predictions, reference.predict(data, verbose=0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(predictions.sum(axis=1), np.ones(3), rtol=1e-5)


# -- Automatically setting apart a validation holdout set ---------------------------------------
@pytest.mark.keras
def test_validation_split_holds_out_the_last_fraction_as_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    model, reference = twins(keras, get_compiled_model)
    history = model.fit(
        x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        x_train, y_train, batch_size=64, validation_split=0.2, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)
    # The validation samples are the last 20%, before any shuffling.
    cut = int(len(x_train) * 0.8)
    np.testing.assert_allclose(
        history.history["val_loss"][-1], model.evaluate(x_train[cut:], y_train[cut:], verbose=0)[0], rtol=1e-5
    )


# -- Training & evaluation using PyDataset instances ----------------------------------------
def test_py_dataset_feeds_fit_and_evaluate(mnist):
    (x_train, y_train), (x_val, y_val), _ = mnist

    class ExamplePyDataset(fitwell.utils.PyDataset):
        def __init__(self, x, y, batch_size, **kwargs):
            super().__init__(**kwargs)
            self.x = x
            self.y = y
            self.batch_size = batch_size

        def __len__(self):
            return int(np.ceil(len(self.x) / float(self.batch_size)))

        def __getitem__(self, idx):
            batch_x = self.x[idx * self.batch_size : (idx + 1) * self.batch_size]
            batch_y = self.y[idx * self.batch_size : (idx + 1) * self.batch_size]
            return batch_x, batch_y

    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32)
    val_py_dataset = ExamplePyDataset(x_val, y_val, batch_size=32)
    model = get_compiled_model()
    history = model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1, verbose=0)
    assert history.params["steps"] == len(train_py_dataset) == 12
    np.testing.assert_allclose(
        model.evaluate(val_py_dataset, verbose=0),
        model.evaluate(x_val, y_val, batch_size=32, verbose=0),
        rtol=1e-6,
    )
    # Here's a 4-thread, non-multiprocessed example:
    train_py_dataset = ExamplePyDataset(x_train, y_train, batch_size=32, workers=4)
    model.fit(train_py_dataset, batch_size=64, validation_data=val_py_dataset, epochs=1, verbose=0)


# -- Training & evaluation using PyTorch DataLoader objects -----------------------------------
class ExampleTorchDataset(torch.utils.data.Dataset):
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.y[idx]


@pytest.mark.keras
def test_torch_dataloaders_feed_fit_and_evaluate_as_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), (x_val, y_val), _ = mnist
    train_torch_dataset = ExampleTorchDataset(x_train, y_train)
    val_torch_dataset = ExampleTorchDataset(x_val, y_val)
    # shuffle=False (the guide: True) so that Keras and fitwell see the same batches.
    train_dataloader = torch.utils.data.DataLoader(train_torch_dataset, batch_size=32, shuffle=False)
    val_dataloader = torch.utils.data.DataLoader(val_torch_dataset, batch_size=32, shuffle=False)

    model, reference = twins(keras, get_compiled_model)
    with pytest.warns(UserWarning, match="batch_size"):  # ignored: the DataLoader batches
        history = model.fit(
            train_dataloader, batch_size=64, validation_data=val_dataloader, epochs=1, verbose=0
        )
    expected = reference.fit(
        train_dataloader, batch_size=64, validation_data=val_dataloader, epochs=1, verbose=0
    )
    assert history.params["steps"] == expected.params["steps"] == 12
    assert_same_history(history, expected)
    np.testing.assert_allclose(
        model.evaluate(val_dataloader, verbose=0), reference.evaluate(val_dataloader, verbose=0), rtol=1e-5
    )


# -- Using sample weighting and class weighting ------------------------------------------
@pytest.mark.keras
def test_class_weight_matches_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    class_weight = {
        0: 1.0,
        1: 1.0,
        2: 1.0,
        3: 1.0,
        4: 1.0,
        # Set weight "2" for class "5", making this class 2x more important
        5: 2.0,
        6: 1.0,
        7: 1.0,
        8: 1.0,
        9: 1.0,
    }
    model, reference = twins(keras, get_compiled_model)
    history = model.fit(
        x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)


@pytest.mark.keras
def test_sample_weight_matches_keras_and_equals_the_class_weight(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0

    model, reference = twins(keras, get_compiled_model)
    history = model.fit(
        x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)

    by_class = get_compiled_model()
    by_class.set_weights(reference.get_weights())  # trained: any common start will do
    model.set_weights(reference.get_weights())
    model.compile(
        optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"]
    )
    class_weight = {c: (2.0 if c == 5 else 1.0) for c in range(10)}
    first = model.fit(
        x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    second = by_class.fit(
        x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, shuffle=False, verbose=0
    )
    assert first.history == second.history


# -- Passing data to multi-input, multi-output models ----------------------------------------
def _multi_io_model(lib):
    layers_ = lib.layers
    image_input = lib.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = lib.Input(shape=(None, 10), name="ts_input")

    x1 = layers_.Conv2D(3, 3)(image_input)
    x1 = layers_.GlobalMaxPooling2D()(x1)

    x2 = layers_.Conv1D(3, 3)(timeseries_input)
    x2 = layers_.GlobalMaxPooling1D()(x2)

    x = layers_.concatenate([x1, x2])

    score_output = layers_.Dense(1, name="score_output")(x)
    class_output = layers_.Dense(5, name="class_output")(x)

    model = lib.Model(inputs=[image_input, timeseries_input], outputs=[score_output, class_output])
    return model


@pytest.fixture(scope="module")
def multi_io_data():
    # Generate dummy NumPy data
    rng = np.random.default_rng(0)
    img_data = rng.random(size=(100, 32, 32, 3))
    ts_data = rng.random(size=(100, 20, 10))
    score_targets = rng.random(size=(100, 1))
    class_targets = rng.random(size=(100, 5))
    return img_data, ts_data, score_targets, class_targets


@pytest.mark.keras
def test_multi_input_multi_output_model_has_keras_shapes_and_outputs(multi_io_data):
    keras = pytest.importorskip("keras")
    model, reference = _multi_io_twins(keras)
    assert model.output_shape == reference.output_shape == [(None, 1), (None, 5)]
    assert model.count_params() == reference.count_params() == 84 + 93 + 7 + 35
    img_data, ts_data, _, _ = multi_io_data
    got = model.predict([img_data[:8], ts_data[:8]], verbose=0)
    expected = reference.predict([img_data[:8], ts_data[:8]], verbose=0)
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


def _multi_io_twins(keras):
    return twins(keras, _multi_io_model)


def _compile_both(model, reference, keras, **kwargs):
    """compile(**kwargs) on both, where kwargs hold functions lib -> argument.

    fitwell gets guards=False: the guide feeds the linear `class_output` into
    CategoricalCrossentropy() (from_logits=False), which fitwell's first-batch guard refuses (see
    test_guides_multi_output_model_compiles_and_fits_as_written); without the guard both
    libraries compute the same (clipped) loss.
    """
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3), guards=False, **{k: f(fitwell) for k, f in kwargs.items()}
    )
    reference.compile(optimizer=keras.optimizers.RMSprop(1e-3), **{k: f(keras) for k, f in kwargs.items()})


@pytest.mark.keras
@pytest.mark.xfail(
    strict=True,
    raises=ValueError,
    reason="fitwell's first-batch guard (guards/first_batch.py, on by default; documented in "
    "docs/keras.md) raises ValueError \"Output 'class_output': CategoricalCrossentropy expects "
    "probabilities (from_logits=False), but the first batch's outputs range from -0.4959 to 2.072\": the "
    "guide's class_output is a linear Dense(5) fed to CategoricalCrossentropy(). Keras trains it "
    "(normalising and clipping the outputs). The guide's cell is a modelling slip, but runs in Keras.",
)
def test_guides_multi_output_model_compiles_and_fits_as_written(multi_io_data):
    keras = pytest.importorskip("keras")
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model, reference = _multi_io_twins(keras)
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3),
        loss=[fitwell.losses.MeanSquaredError(), fitwell.losses.CategoricalCrossentropy()],
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=[keras.losses.MeanSquaredError(), keras.losses.CategoricalCrossentropy()],
    )
    # Fit on lists
    history = model.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)


@pytest.mark.keras
@pytest.mark.parametrize(
    "variant",
    ["list_losses", "list_losses_and_metrics", "dict_losses_and_metrics", "dict_with_loss_weights"],
)
def test_multi_output_compile_variants_train_as_keras(variant, multi_io_data):
    keras = pytest.importorskip("keras")
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model, reference = _multi_io_twins(keras)

    def losses_list(lib):
        return [lib.losses.MeanSquaredError(), lib.losses.CategoricalCrossentropy()]

    def losses_dict(lib):
        return {
            "score_output": lib.losses.MeanSquaredError(),
            "class_output": lib.losses.CategoricalCrossentropy(),
        }

    def metrics_list(lib):
        return [
            [lib.metrics.MeanAbsolutePercentageError(), lib.metrics.MeanAbsoluteError()],
            [lib.metrics.CategoricalAccuracy()],
        ]

    def metrics_dict(lib):
        return {
            "score_output": [lib.metrics.MeanAbsolutePercentageError(), lib.metrics.MeanAbsoluteError()],
            "class_output": [lib.metrics.CategoricalAccuracy()],
        }

    arguments = {
        "list_losses": {"loss": losses_list},
        "list_losses_and_metrics": {"loss": losses_list, "metrics": metrics_list},
        "dict_losses_and_metrics": {"loss": losses_dict, "metrics": metrics_dict},
        "dict_with_loss_weights": {
            "loss": losses_dict,
            "metrics": metrics_dict,
            "loss_weights": lambda lib: {"score_output": 2.0, "class_output": 1.0},
        },
    }[variant]
    _compile_both(model, reference, keras, **arguments)

    # Fit on lists
    history = model.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)
    assert {"loss", "score_output_loss", "class_output_loss"} <= set(history.history)


@pytest.mark.keras
def test_multi_output_fit_on_dicts_matches_fit_on_lists(multi_io_data):
    keras = pytest.importorskip("keras")
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model, reference = _multi_io_twins(keras)
    _compile_both(
        model,
        reference,
        keras,
        loss=lambda lib: [lib.losses.MeanSquaredError(), lib.losses.CategoricalCrossentropy()],
    )
    # Alternatively, fit on dicts
    history = model.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=32,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    expected = reference.fit(
        {"img_input": img_data, "ts_input": ts_data},
        {"score_output": score_targets, "class_output": class_targets},
        batch_size=32,
        epochs=1,
        shuffle=False,
        verbose=0,
    )
    assert_same_history(history, expected)


@pytest.mark.keras
@pytest.mark.parametrize("form", ["list_with_none", "dict_without_score_output"])
def test_outputs_without_a_loss_are_not_trained_on_as_keras(form, multi_io_data):
    """Both forms mean "no loss for score_output". Keras 3.15 itself refuses the dict form for this
    model ("Expected keys ['score_output', 'class_output'] in loss dict"), so both are compared
    with Keras's list form."""
    keras = pytest.importorskip("keras")
    img_data, ts_data, score_targets, class_targets = multi_io_data
    model, reference = _multi_io_twins(keras)
    reference.compile(
        optimizer=keras.optimizers.RMSprop(1e-3), loss=[None, keras.losses.CategoricalCrossentropy()]
    )
    if form == "list_with_none":
        # List loss version
        loss = [None, fitwell.losses.CategoricalCrossentropy()]
    else:
        # Or dict loss version
        loss = {"class_output": fitwell.losses.CategoricalCrossentropy()}
    model.compile(optimizer=fitwell.optimizers.RMSprop(1e-3), loss=loss, guards=False)
    history = model.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    expected = reference.fit(
        [img_data, ts_data], [score_targets, class_targets], batch_size=32, epochs=1, shuffle=False, verbose=0
    )
    assert_same_history(history, expected)


# -- Using callbacks ------------------------------------------------------------------
@pytest.mark.keras
def test_early_stopping_stops_at_the_same_epoch_as_keras(mnist, capsys):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    model, reference = twins(keras, get_compiled_model)

    def callbacks(lib):
        return [
            lib.callbacks.EarlyStopping(
                # Stop training when `val_loss` is no longer improving
                monitor="val_loss",
                # "no longer improving" being defined as "no better than 1e-2 less"
                min_delta=1e-2,
                # "no longer improving" being further defined as "for at least 2 epochs"
                patience=2,
                verbose=1,
            )
        ]

    history = model.fit(
        x_train,
        y_train,
        epochs=20,
        batch_size=64,
        callbacks=callbacks(fitwell),
        validation_split=0.2,
        shuffle=False,
        verbose=0,
    )
    printed = capsys.readouterr().out
    expected = reference.fit(
        x_train,
        y_train,
        epochs=20,
        batch_size=64,
        callbacks=callbacks(keras),
        validation_split=0.2,
        shuffle=False,
        verbose=0,
    )
    keras_printed = capsys.readouterr().out
    assert len(history.history["loss"]) == len(expected.history["loss"]) < 20
    assert_same_history(history, expected)
    stopped = [line for line in printed.splitlines() if "early stopping" in line]
    assert stopped == [line for line in keras_printed.splitlines() if "early stopping" in line]


@pytest.mark.keras
def test_custom_callback_records_the_same_per_batch_losses_as_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist

    class LossHistory(fitwell.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    class KerasLossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

    model, reference = twins(keras, get_compiled_model)
    loss_history, keras_loss_history = LossHistory(), KerasLossHistory()
    model.fit(x_train, y_train, batch_size=64, epochs=2, callbacks=[loss_history], shuffle=False, verbose=0)
    reference.fit(
        x_train, y_train, batch_size=64, epochs=2, callbacks=[keras_loss_history], shuffle=False, verbose=0
    )
    assert len(loss_history.per_batch_losses) == len(keras_loss_history.per_batch_losses) == 12
    np.testing.assert_allclose(
        loss_history.per_batch_losses, [float(v) for v in keras_loss_history.per_batch_losses], rtol=1e-4
    )


# -- Checkpointing models -------------------------------------------------------------
def test_model_checkpoint_saves_the_best_models(mnist, tmp_path, monkeypatch):
    (x_train, y_train), _, _ = mnist
    monkeypatch.chdir(tmp_path)
    model = get_compiled_model()
    callbacks = [
        fitwell.callbacks.ModelCheckpoint(
            # Path where to save the model
            filepath="mymodel_{epoch}.keras",
            save_best_only=True,  # Only save a model if `val_loss` has improved.
            monitor="val_loss",
            verbose=1,
        )
    ]
    history = model.fit(
        x_train, y_train, epochs=2, batch_size=64, callbacks=callbacks, validation_split=0.2, verbose=0
    )
    improved = np.diff([np.inf, *history.history["val_loss"]]) < 0
    expected = {f"mymodel_{epoch + 1}.keras" for epoch, better in enumerate(improved) if better}
    assert set(os.listdir(tmp_path)) == expected


def test_make_or_restore_model_resumes_from_the_latest_checkpoint(mnist, tmp_path):
    (x_train, y_train), _, _ = mnist
    # Prepare a directory to store all the checkpoints.
    checkpoint_dir = str(tmp_path / "ckpt")
    if not os.path.exists(checkpoint_dir):
        os.makedirs(checkpoint_dir)

    def make_or_restore_model():
        # Either restore the latest model, or create a fresh one if there is no checkpoint available.
        checkpoints = [os.path.join(checkpoint_dir, name) for name in os.listdir(checkpoint_dir)]
        if checkpoints:
            latest_checkpoint = max(checkpoints, key=os.path.getctime)
            return fitwell.models.load_model(latest_checkpoint)
        return get_compiled_model()

    model = make_or_restore_model()
    callbacks = [
        # This callback saves the model every 4 batches (the guide: 100, on 50,000 samples).
        # We include the training loss in the saved model name.
        fitwell.callbacks.ModelCheckpoint(
            filepath=os.path.join(checkpoint_dir, "model-loss={loss:.2f}.keras"), save_freq=4
        )
    ]
    model.fit(x_train, y_train, epochs=1, callbacks=callbacks, shuffle=False, verbose=0)
    assert len(os.listdir(checkpoint_dir)) >= 1
    restored = make_or_restore_model()
    np.testing.assert_allclose(
        restored.predict(x_train[:4], verbose=0), model.predict(x_train[:4], verbose=0)
    )


# -- Using learning rate schedules ----------------------------------------------------------
@pytest.mark.keras
def test_exponential_decay_schedule_gives_keras_rates():
    keras = pytest.importorskip("keras")
    initial_learning_rate = 0.1
    lr_schedule = fitwell.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    optimizer = fitwell.optimizers.RMSprop(learning_rate=lr_schedule)

    reference = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True
    )
    steps = [0, 1, 99999, 100000, 250000, 1000000]
    np.testing.assert_allclose(
        [float(lr_schedule(step)) for step in steps],
        [float(keras.ops.convert_to_numpy(reference(step))) for step in steps],
        rtol=1e-6,
    )
    assert optimizer.learning_rate == pytest.approx(0.1)  # the rate of the first update


@pytest.mark.keras
def test_a_schedule_in_the_optimizer_trains_as_keras(mnist):
    keras = pytest.importorskip("keras")
    (x_train, y_train), _, _ = mnist
    model, reference = twins(keras)

    def schedule(lib):
        # decay_steps=2 (the guide: 100000) so the decay shows within one small epoch.
        return lib.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=2, decay_rate=0.5, staircase=True)

    model.compile(
        optimizer=fitwell.optimizers.RMSprop(learning_rate=schedule(fitwell)),
        loss="sparse_categorical_crossentropy",
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=schedule(keras)),
        loss="sparse_categorical_crossentropy",
    )
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, verbose=0)
    expected = reference.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, verbose=0)
    assert_same_history(history, expected)


# -- Visualizing loss and metrics during training with TensorBoard ---------------------------------
def test_tensorboard_callback_takes_the_guides_arguments(mnist, tmp_path):
    (x_train, y_train), _, _ = mnist
    callback = fitwell.callbacks.TensorBoard(
        log_dir=str(tmp_path / "logs"),
        histogram_freq=0,  # How often to log histogram visualizations
        embeddings_freq=0,  # How often to log embedding visualizations
        update_freq="epoch",
    )  # How often to write logs (default: once per epoch)
    model = get_compiled_model()
    model.fit(x_train, y_train, batch_size=64, epochs=1, callbacks=[callback], verbose=0)
    assert any(name.startswith("events.out.tfevents") for _, _, files in os.walk(tmp_path) for name in files)
