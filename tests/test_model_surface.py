"""Keras model-building code that must not lose layers, weights or names (found by review)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers, ops


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(40, 4)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")


def test_layers_kept_in_a_list_are_tracked_and_train():
    class MLP(fitwell.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.blocks = [layers.Dense(8, activation="relu") for _ in range(2)]
            self.out = layers.Dense(1)

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.out(x)

    x, y = _data()
    model = MLP()
    model.compile(optimizer="adam", loss="mse")
    model(torch.from_numpy(x[:2]))
    before = model.blocks[0].get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    assert model.count_params() == (4 * 8 + 8) + (8 * 8 + 8) + (8 + 1) and len(model.weights) == 6
    assert not np.array_equal(before, model.blocks[0].get_weights()[0])


def test_repeated_layer_names_are_an_error_and_any_name_works():
    inputs = fitwell.Input(shape=(3,))
    a = layers.Dense(2, name="d")(inputs)
    with pytest.raises(ValueError, match=r"The name 'd' is used 2 times in the model"):
        fitwell.Model(inputs, layers.Dense(2, name="d")(a))
    model = fitwell.Model(inputs, layers.Dense(2, name="values")(layers.Dense(2, name="keys")(inputs)))
    assert [layer.name for layer in model.layers[1:]] == ["keys", "values"]


def test_the_same_architecture_built_twice_loads_the_same_weights_file(tmp_path):
    def build():
        inputs = fitwell.Input(shape=(4,))
        return fitwell.Model(inputs, layers.Dense(1)(layers.Dense(3)(inputs)))

    first = build()
    first.save_weights(tmp_path / "a.weights.h5")
    second = build()  # other automatic names: the state_dict keys go by position
    second.load_weights(tmp_path / "a.weights.h5")
    x = torch.randn(2, 4)
    torch.testing.assert_close(second(x), first(x))


def test_a_deep_copy_of_a_fitted_model_trains_itself_only():
    x, y = _data()
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    original = model.get_weights()[0].copy()
    twin = copy.deepcopy(model)
    history = twin.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    np.testing.assert_array_equal(model.get_weights()[0], original)


@pytest.mark.keras
def test_elementwise_merges_broadcast_lower_ranks_as_keras():
    keras = pytest.importorskip("keras")
    a = np.arange(8, dtype="float32").reshape(4, 2)
    b = np.stack([np.full((4, 2), 10.0 * j, "float32") for j in range(3)], axis=1)
    expected = keras.ops.convert_to_numpy(keras.layers.Add()([a, b]))
    np.testing.assert_array_equal(layers.Add()([torch.from_numpy(a), torch.from_numpy(b)]).numpy(), expected)
    assert layers.Add()([fitwell.Input(shape=(2,)), fitwell.Input(shape=(3, 2))]).shape == (None, 3, 2)


def test_batch_normalization_trains_on_a_last_batch_of_one():
    x, y = _data()
    model = fitwell.Sequential(
        [fitwell.Input(shape=(4,)), layers.Dense(3), layers.BatchNormalization(), layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x[:33], y[:33], batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    single = layers.BatchNormalization(center=False, scale=False)
    single(torch.ones(2, 3))
    assert torch.equal(single(torch.full((1, 3), 5.0), training=True), torch.zeros(1, 3))


def test_model_layers_hold_layers_only_and_the_summary_works_with_ops():
    inputs = fitwell.Input(shape=(4,))
    x = ops.relu(layers.Dense(4)(inputs)) * 2.0
    model = fitwell.Model(inputs, layers.Dense(1)(x))
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 25" in lines[0]


def test_trainable_false_in_the_constructor_freezes_the_model():
    frozen = fitwell.Sequential([fitwell.Input(shape=(3,)), layers.Dense(2)], trainable=False)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 2
    inputs = fitwell.Input(shape=(3,))
    functional = fitwell.Model(inputs, layers.Dense(2)(inputs), trainable=False)
    assert functional.trainable_weights == []


def test_activity_regularizer_is_in_the_config():
    layer = layers.Dense(2, activity_regularizer="l2")
    rebuilt = layers.Dense.from_config(layer.get_config())
    assert rebuilt.activity_regularizer is not None


def test_a_sub_model_from_an_intermediate_tensor_holds_only_what_follows_it():
    inputs = fitwell.Input(shape=(4,))
    hidden = layers.Dense(3, name="first")(inputs)
    outputs = layers.Dense(1, name="second")(hidden)
    head = fitwell.Model(hidden, outputs)
    assert [layer.name for layer in head.layers] == ["second"] and head.count_params() == 4


def test_a_single_input_model_takes_a_dict_or_a_one_element_list_and_casts_float64():
    inputs = fitwell.Input(shape=(3,), name="feat")
    model = fitwell.Model(inputs, layers.Dense(2)(inputs))
    x = torch.ones(2, 3)
    expected = model(x)
    torch.testing.assert_close(model({"feat": x}), expected)
    torch.testing.assert_close(model([x]), expected)
    torch.testing.assert_close(model(x.double()), expected)  # float64 is cast to the layer's float32


def test_lazy_weights_are_built_where_the_inputs_are():
    model = fitwell.Sequential([layers.Dense(3), layers.Dense(1)])
    model.to("meta")
    out = model(torch.zeros(2, 4, device="meta"))
    assert out.device.type == "meta" and all(p.device.type == "meta" for p in model.parameters())


def test_a_model_called_directly_runs_in_inference_mode_as_keras():
    inputs = fitwell.Input(shape=(4,))
    model = fitwell.Model(inputs, layers.BatchNormalization()(layers.Dropout(0.5)(inputs)))
    x = torch.full((3, 4), 2.0)
    assert torch.equal(model(x), model(x))  # no dropout
    assert torch.equal(model.layers[2].moving_mean, torch.zeros(4))  # statistics untouched
    assert not torch.equal(model(x, training=True), model(x))  # training=True still trains


def test_a_weight_kept_under_a_second_attribute_is_stored_once():
    class Linear(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), name="kernel")

        def call(self, x):
            return x @ self.w

    layer = Linear()
    layer(torch.ones(1, 3))
    assert list(layer.state_dict()) == ["kernel"] and layer.w is layer.kernel


def test_looking_at_shapes_and_the_first_batch_changes_no_state():
    class Counter(layers.Layer):
        def build(self, input_shape):
            self.calls = self.add_weight(shape=(), initializer="zeros", trainable=False, name="calls")

        def call(self, x):
            self.calls.assign_add(1.0)
            return x

    inputs = fitwell.Input(shape=(2,))
    counter = Counter()
    norm = layers.BatchNormalization()
    model = fitwell.Model(inputs, layers.Dense(1)(norm(counter(inputs), training=True)))
    assert float(counter.calls) == 0.0 and torch.equal(norm.moving_variance, torch.ones(2))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), batch_size=2, epochs=1, verbose=0)
    assert float(counter.calls) == 2.0  # the two training batches, as in Keras


@pytest.mark.keras
def test_batch_normalization_on_any_feature_axis_matches_keras():
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(1).normal(size=(4, 3, 5, 2)).astype("float32")
    for axis in (3, 2, -1, 1):
        reference, layer = keras.layers.BatchNormalization(axis=axis), layers.BatchNormalization(axis=axis)
        expected = keras.ops.convert_to_numpy(reference(x, training=True))
        got = layer(torch.from_numpy(x), training=True).detach().numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(
            layer.moving_mean.numpy(), keras.ops.convert_to_numpy(reference.moving_mean), rtol=1e-5, atol=1e-6
        )


def test_a_shared_layer_adds_its_loss_at_each_call_as_keras():
    shared = layers.Dense(2, activity_regularizer="l2", kernel_initializer="ones")
    a, b = fitwell.Input(shape=(3,)), fitwell.Input(shape=(3,))
    model = fitwell.Model([a, b], layers.add([shared(a), shared(b)]))
    model(torch.ones(2, 3), 2 * torch.ones(2, 3))
    values = sorted(float(v) for v in model.losses)
    # l2 = 0.01 * sum(out**2) / batch: outputs 3 and 6 per unit, 2 units, batch 2
    assert values == pytest.approx([0.01 * 2 * 9, 0.01 * 2 * 36])


def test_a_float64_layer_takes_float32_inputs_and_a_list_input_layer_saves(tmp_path):
    assert layers.Dense(2, dtype="float64")(torch.ones(3, 4)).dtype == torch.float64

    class WeightedSum(layers.Layer):
        def build(self, input_shape):
            self.mix = self.add_weight(shape=(len(input_shape),), initializer="ones", name="mix")

        def call(self, inputs):
            return sum(w * x for w, x in zip(self.mix, inputs, strict=True))

    a, b = fitwell.Input(shape=(2,)), fitwell.Input(shape=(2,))
    model = fitwell.Model([a, b], WeightedSum()([a, b]))
    model.save(tmp_path / "m.keras")
    loaded = fitwell.load_model(tmp_path / "m.keras", custom_objects={"WeightedSum": WeightedSum})
    x = torch.ones(1, 2)
    torch.testing.assert_close(loaded(x, x), model(x, x))
