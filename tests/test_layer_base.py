"""`fitwell.layers.Layer`: Keras's build/call/add_weight, losses, freezing and Keras-layout weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers


class Linear(layers.Layer):
    """The Keras guide's first custom layer, written the Keras way."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return inputs @ self.w + self.b


class ActivityPenalty(layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * inputs.square().mean())
        return inputs


def test_build_runs_at_the_first_call_with_the_input_shape():
    layer = Linear(3)
    assert not layer.built and layer.weights == []
    out = layer(torch.ones(2, 5))
    assert layer.built and out.shape == (2, 3)
    assert [tuple(w.shape) for w in layer.weights] == [(5, 3), (3,)]
    assert layer.name.startswith("linear") and layer.count_params() == 18


def test_names_are_unique_and_keras_shaped():
    first, second = layers.Conv2D(2, 3), layers.Conv2D(2, 3)
    assert first.name.startswith("conv2d") and first.name != second.name
    assert layers.BatchNormalization(name="bn").name == "bn"
    with pytest.raises(ValueError, match=r"`name` must be a non-empty string without '\.'"):
        layers.Dense(2, name="a.b")
    with pytest.raises(TypeError, match=r"Dense got unexpected keyword arguments: \['unitz'\]"):
        layers.Dense(2, unitz=3)


def test_non_trainable_weights_stay_frozen_and_come_after_the_trainable_ones():
    class Counter(layers.Layer):
        def build(self, input_shape):
            self.total = self.add_weight(shape=(), initializer="zeros", trainable=False, name="total")
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")

        def call(self, inputs):
            with torch.no_grad():
                self.total.add_(inputs.sum())
            return inputs * self.scale

    layer = Counter()
    layer(torch.ones(2, 2))
    assert [float(w) for w in layer.get_weights()] == [1.0, 4.0]  # Keras's order: trainable first
    layer.trainable = False
    layer.trainable = True
    assert layer.trainable_weights == [layer.scale] and layer.non_trainable_weights == [layer.total]


def test_add_loss_and_regularizers_join_the_training_loss():
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(3,)),
            layers.Dense(2, kernel_regularizer=fitwell.regularizers.L2(0.1), bias_initializer="ones"),
            ActivityPenalty(0.5),
        ]
    )
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="mse")
    loss = model.evaluate(x, y, verbose=0)
    out = model(torch.from_numpy(x)).detach()
    kernel = model.layers[0].kernel.detach()
    expected = (
        float(out.square().mean()) + 0.1 * float(kernel.square().sum()) + 0.5 * float(out.square().mean())
    )
    assert loss == pytest.approx(expected, rel=1e-5)
    assert len(model.losses) == 2  # the last call's add_loss term and the kernel's regularization


def test_a_model_compiled_without_a_loss_trains_on_add_loss_alone():
    inputs = fitwell.Input(shape=(3,))
    outputs = ActivityPenalty(1.0)(layers.Dense(2)(inputs))
    model = fitwell.Model(inputs, outputs)
    model.compile(optimizer=fitwell.optimizers.SGD(0.1))
    history = model.fit(np.ones((16, 3), "float32"), epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_freezing_keeps_weights_unchanged_and_batch_normalization_in_inference_mode(blobs):
    x, y = blobs
    base = fitwell.Sequential(
        [fitwell.Input(shape=(10,)), layers.Dense(8), layers.BatchNormalization()], name="base"
    )
    model = fitwell.Sequential([base, layers.Dense(3, activation="softmax")])
    base.trainable = False
    assert not base.layers[1].trainable and len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 6  # kernel, bias, gamma, beta, moving mean and variance
    before = [w.copy() for w in base.get_weights()]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    for kept, now in zip(before, base.get_weights(), strict=True):
        np.testing.assert_array_equal(kept, now)  # moving statistics too: inference mode
    base.trainable = True
    with pytest.raises(ValueError, match=r"became trainable after compile\(\).*Call model.compile"):
        model.fit(x, y, epochs=1, verbose=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before[0], base.get_weights()[0])


def test_summary_counts_moving_statistics_and_frozen_weights_as_non_trainable():
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), layers.Dense(3), layers.BatchNormalization()])
    model.layers[0].trainable = False
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert "Total params: 27" in text and "Trainable params: 6" in text and "Non-trainable params: 21" in text


def test_integer_inputs_are_cast_for_float_layers_but_not_for_embedding():
    dense = layers.Dense(2)
    assert dense(torch.ones(3, 4, dtype=torch.uint8)).dtype == torch.float32
    assert layers.Embedding(5, 2)(torch.tensor([[4, 1]])).shape == (1, 2, 2)


def test_dropout_with_a_seed_draws_the_same_masks_and_input_dim_declares_the_input():
    first, second = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    x = torch.ones(4, 100)
    assert torch.equal(first(x, training=True), second(x, training=True))
    model = fitwell.Sequential([layers.Dense(2, input_dim=5), layers.Dense(1)])
    assert model.input_shape == (None, 5) and model.count_params() == 12 + 3


@pytest.mark.keras
@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.layers.Dense(4, activation="relu"),
        lambda lib: lib.layers.Dense(4),  # a square kernel: a transpose missing would go unnoticed in shape
        lambda lib: lib.layers.Conv2D(3, (2, 3), padding="same", activation="tanh"),
        lambda lib: lib.layers.BatchNormalization(),
        lambda lib: lib.layers.Embedding(10, 4),
    ],
)
def test_set_weights_takes_keras_weights_and_gives_keras_outputs(make):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    shapes = {"Dense": (6, 4), "Conv2D": (2, 5, 6, 2), "BatchNormalization": (6, 4), "Embedding": (6, 5)}
    reference, layer = make(keras), make(fitwell)
    shape = shapes[type(layer).__name__]
    x = rng.integers(0, 10, shape) if isinstance(layer, layers.Embedding) else rng.normal(size=shape)
    x = x.astype("int64" if isinstance(layer, layers.Embedding) else "float32")
    reference(x)
    weights = [rng.normal(size=w.shape).astype("float32") for w in reference.get_weights()]
    if isinstance(layer, layers.BatchNormalization):
        weights[-1] = np.abs(weights[-1]) + 0.5  # a variance
    reference.set_weights(weights)
    layer(torch.from_numpy(x))
    layer.set_weights(weights)
    for got, expected in zip(layer.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_array_equal(got, expected)
    expected = keras.ops.convert_to_numpy(reference(x, training=False))
    got = layer(torch.from_numpy(x), training=False).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.keras
def test_regularized_training_matches_keras():
    keras = pytest.importorskip("keras")

    def build(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(4,)),
                lib.layers.Dense(3, activation="relu", kernel_regularizer=lib.regularizers.l2(0.01)),
                lib.layers.Dense(1, kernel_regularizer=lib.regularizers.l1_l2(l1=0.01, l2=0.02)),
            ]
        )

    reference, model = build(keras), build(fitwell)
    model.set_weights(reference.get_weights())
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(48, 4)).astype("float32"), rng.normal(size=(48, 1)).astype("float32")
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.compile(optimizer=fitwell.optimizers.SGD(0.05), loss="mse")
    kwargs = {"batch_size": 16, "epochs": 3, "shuffle": False, "verbose": 0, "validation_split": 0.25}
    expected, got = reference.fit(x, y, **kwargs).history, model.fit(x, y, **kwargs).history
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5)


def test_a_model_without_trainable_weights_warns_and_trains_nothing():
    inputs = fitwell.Input(shape=(3,))
    model = fitwell.Model(inputs, ActivityPenalty(1.0)(inputs))
    model.compile(optimizer="sgd")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(np.ones((8, 3), "float32"), epochs=2, verbose=0)
    assert history.history["loss"] == pytest.approx([1.0, 1.0])


def test_building_a_layer_by_hand_marks_it_built():
    dense = layers.Dense(3)
    dense.build((None, 4))
    assert dense.built and dense(torch.ones(2, 4)).shape == (2, 3)
    assert [name for name, _ in dense.named_parameters()] == ["weight", "bias"]


def test_weights_are_keras_variables_with_assign_and_value():
    class ComputeSum(layers.Layer):  # the Keras guide's layer with a non-trainable weight
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(inputs.sum(dim=0))
            return self.total

    layer = ComputeSum(2)
    layer(torch.ones(2, 2))
    assert layer(torch.ones(2, 2)).numpy().tolist() == [4.0, 4.0]
    assert layer.weights[0] is layer.total and not layer.total.trainable
    dense = layers.Dense(1)
    dense(torch.ones(3, 2)).sum().backward()
    assert dense.weight.value.grad is dense.weight.grad is not None  # the torch guide's v.value.grad


def test_a_keras_style_metric_with_add_variable_trains_in_fit(blobs):
    class CategoricalTruePositives(fitwell.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            hits = (y_pred.argmax(dim=1) == y_true.reshape(-1)).float()
            self.true_positives.assign_add(hits.sum())

        def result(self):
            return self.true_positives

        def reset_state(self):
            self.true_positives.assign(0.0)

    x, y = blobs
    model = fitwell.Sequential([fitwell.Input(shape=(10,)), layers.Dense(3, activation="softmax")])
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[CategoricalTruePositives()]
    )
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    predicted = model.predict(x, verbose=0).argmax(axis=1)
    assert history.history["categorical_true_positives"][-1] <= len(x)
    evaluated = model.evaluate(x, y, verbose=0, return_dict=True)["categorical_true_positives"]
    assert evaluated == float((predicted == y).sum())  # reset before evaluate, counted once
