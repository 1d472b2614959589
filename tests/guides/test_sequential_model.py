"""Keras 3 guide "The Sequential model" (keras.io/guides/sequential_model), ported to fitwell.

Each test is one cell of the guide, written as the guide writes it with `fitwell.` for
`keras.`, on small synthetic data, and checked against Keras 3 (torch backend) where a
comparison means something: layer lists, output shapes, parameter counts, summary totals,
and outputs / training histories on the same weights.

Substitutions: none. The guide's `keras.ops.ones(...)` test inputs are `fitwell.ops.ones(...)`.

Adapted:
- "Transfer learning", second blueprint: `keras.applications.Xception(weights="imagenet")` is a
  pretrained download and `keras.applications` does not exist in fitwell; the blueprint is run
  with a small stand-in base model (``test_blueprint_frozen_base_model_under_a_new_head``).
- "Transfer learning", first blueprint: `model.load_weights(...)` of pre-trained weights is run
  as a fitwell `save_weights`/`load_weights` round trip (no pretrained file exists);
  `keras.Input(shape=(784))` is written `shape=(784,)` (Keras 3 itself rejects the int:
  "Cannot convert '784' to a shape").

Cells from the tf.keras version of the guide (dropped from the Keras 3 version, still valid
Keras 3): `layers.Dense(2, input_shape=(4,))` as the first layer.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers, ops
from porting import as_numpy, layer_table, summary_totals

pytestmark = pytest.mark.filterwarnings("ignore:The structure of `inputs`:UserWarning")


# -- helpers ---------------------------------------------------------------------


# -- When to use a Sequential model -----------------------------------------------
def test_sequential_is_equivalent_to_calling_its_layers_in_turn():
    model = fitwell.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    # Call model on a test input
    x = ops.ones((3, 3))
    y = model(x)

    layer1, layer2, layer3 = model.layers
    assert [layer.name for layer in model.layers] == ["layer1", "layer2", "layer3"]
    assert tuple(y.shape) == (3, 4)
    torch.testing.assert_close(layer3(layer2(layer1(x))), y)


@pytest.mark.keras
def test_sequential_call_matches_keras_on_the_same_weights():
    keras = pytest.importorskip("keras")
    reference = keras.Sequential(
        [
            keras.layers.Dense(2, activation="relu", name="layer1"),
            keras.layers.Dense(3, activation="relu", name="layer2"),
            keras.layers.Dense(4, name="layer3"),
        ]
    )
    x = np.random.default_rng(0).normal(size=(3, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(reference(x))
    model = fitwell.Sequential(
        [
            layers.Dense(2, activation="relu", name="layer1"),
            layers.Dense(3, activation="relu", name="layer2"),
            layers.Dense(4, name="layer3"),
        ]
    )
    model(ops.ones((3, 3)))
    model.set_weights(reference.get_weights())
    np.testing.assert_allclose(as_numpy(model(torch.from_numpy(x))), expected, rtol=1e-5, atol=1e-6)
    assert [w.shape for w in model.get_weights()] == [w.shape for w in reference.get_weights()]


# -- Creating a Sequential model -----------------------------------------------------
def test_layers_are_accessible_via_the_layers_attribute():
    first, second, third = (
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    )
    model = fitwell.Sequential([first, second, third])
    assert len(model.layers) == 3
    assert all(a is b for a, b in zip(model.layers, [first, second, third], strict=True))
    assert [layer.units for layer in model.layers] == [2, 3, 4]


@pytest.mark.keras
def test_add_then_pop_behaves_like_a_list_of_layers_as_in_keras():
    keras = pytest.importorskip("keras")
    reference = keras.Sequential()
    reference.add(keras.layers.Dense(2, activation="relu"))
    reference.add(keras.layers.Dense(3, activation="relu"))
    reference.add(keras.layers.Dense(4))
    popped_reference = reference.pop()

    model = fitwell.Sequential()
    first, second, third = (
        layers.Dense(2, activation="relu"),
        layers.Dense(3, activation="relu"),
        layers.Dense(4),
    )
    model.add(first)
    model.add(second)
    model.add(third)
    popped = model.pop()

    assert len(model.layers) == len(reference.layers) == 2  # print(len(model.layers))  # 2
    assert popped is third
    assert popped.units == popped_reference.units == 4
    assert [layer.units for layer in model.layers] == [layer.units for layer in reference.layers]


def test_sequential_accepts_a_name_like_any_layer():
    model = fitwell.Sequential(name="my_sequential")
    model.add(layers.Dense(2, activation="relu", name="layer1"))
    model.add(layers.Dense(3, activation="relu", name="layer2"))
    model.add(layers.Dense(4, name="layer3"))
    assert model.name == "my_sequential"
    assert [layer.name for layer in model.layers] == ["layer1", "layer2", "layer3"]


# -- Specifying the input shape in advance -----------------------------------------
@pytest.mark.keras
def test_a_layer_creates_its_weights_at_its_first_call():
    keras = pytest.importorskip("keras")
    layer = layers.Dense(3)
    assert layer.weights == []  # Empty

    # Call layer on a test input
    x = ops.ones((1, 4))
    layer(x)

    reference = keras.layers.Dense(3)
    reference(np.ones((1, 4), "float32"))
    assert len(layer.weights) == len(reference.weights) == 2
    # "Now it has weights, of shape (4, 3) and (3,)", as get_weights() shows them.
    assert [w.shape for w in layer.get_weights()] == [(4, 3), (3,)]
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in reference.get_weights()]


@pytest.mark.keras
@pytest.mark.xfail(
    strict=True,
    reason="Layer.weights returns the torch-layout Parameters: Dense's kernel is Dense.weight of shape "
    "(units, in_features) = (3, 4); Keras's layer.weights[0] (the kernel variable) has shape (4, 3), "
    "as the guide's comment says. Only get_weights()/layer.kernel speak Keras's layout.",
)
def test_layer_weights_have_the_shapes_the_guide_states():
    keras = pytest.importorskip("keras")
    layer = layers.Dense(3)
    layer(ops.ones((1, 4)))
    reference = keras.layers.Dense(3)
    reference(np.ones((1, 4), "float32"))
    assert [tuple(w.shape) for w in layer.weights] == [tuple(w.shape) for w in reference.weights]


@pytest.mark.keras
def test_an_unbuilt_sequential_model_gets_its_weights_from_the_first_input():
    keras = pytest.importorskip("keras")
    model = fitwell.Sequential(
        [layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"), layers.Dense(4)]
    )  # No weights at this stage!
    assert model.weights == []

    # Call the model on a test input
    x = ops.ones((1, 4))
    model(x)
    assert len(model.weights) == 6  # "Number of weights after calling the model: 6"

    reference = keras.Sequential(
        [
            keras.layers.Dense(2, activation="relu"),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dense(4),
        ]
    )
    reference(np.ones((1, 4), "float32"))
    assert len(model.weights) == len(reference.weights)
    # Once a model is "built", you can call its summary() method to display its contents.
    assert summary_totals(model) == summary_totals(reference) == (35, 35, 0)
    assert [(name, params) for name, _, params in layer_table(model)] == [
        (name, params) for name, _, params in layer_table(reference)
    ]


@pytest.mark.keras
@pytest.mark.xfail(
    strict=True,
    reason="A Sequential built by its first call on real data records the batch axis as None in fitwell "
    "(Sequential._build_for makes Input(shape=x.shape[1:])); Keras 3 builds it from the call's full "
    "shape, so layer.output.shape, model.output_shape and the summary show (1, 2), (1, 3), (1, 4) "
    "for the guide's ops.ones((1, 4)) (the guide's printed summary shows (1, 2)).",
)
def test_a_sequential_built_by_a_call_reports_the_calls_shapes_as_keras():
    keras = pytest.importorskip("keras")
    model = fitwell.Sequential(
        [layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"), layers.Dense(4)]
    )
    model(ops.ones((1, 4)))
    reference = keras.Sequential(
        [
            keras.layers.Dense(2, activation="relu"),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dense(4),
        ]
    )
    reference(np.ones((1, 4), "float32"))
    assert layer_table(model) == layer_table(reference)
    assert model.output_shape == reference.output_shape


@pytest.mark.keras
def test_starting_with_an_input_gives_a_summary_right_away():
    keras = pytest.importorskip("keras")
    model = fitwell.Sequential()
    model.add(fitwell.Input(shape=(4,)))
    model.add(layers.Dense(2, activation="relu"))

    reference = keras.Sequential()
    reference.add(keras.Input(shape=(4,)))
    reference.add(keras.layers.Dense(2, activation="relu"))

    assert summary_totals(model) == summary_totals(reference) == (10, 10, 0)
    # The Input object is not displayed as part of model.layers, since it isn't a layer.
    assert len(model.layers) == len(reference.layers) == 1
    assert isinstance(model.layers[0], layers.Dense)
    assert layer_table(model) == layer_table(reference)
    # Models built with a predefined input shape always have weights and a defined output shape.
    assert len(model.weights) == 2
    assert model.output_shape == reference.output_shape == (None, 2)


@pytest.mark.keras
def test_input_shape_on_the_first_layer_is_the_same_as_an_input():
    keras = pytest.importorskip("keras")
    model = fitwell.Sequential()
    model.add(layers.Dense(2, activation="relu", input_shape=(4,)))

    reference = keras.Sequential()
    with pytest.warns(UserWarning):  # Keras 3 advises an Input instead, but builds the same model
        reference.add(keras.layers.Dense(2, activation="relu", input_shape=(4,)))

    assert summary_totals(model) == summary_totals(reference) == (10, 10, 0)
    assert len(model.layers) == len(reference.layers) == 1
    assert model.output_shape == reference.output_shape == (None, 2)
    assert model.input_shape == reference.input_shape == (None, 4)


# -- A common debugging workflow: add() + summary() ---------------------------------------
@pytest.mark.keras
def test_add_and_summary_track_the_downsampling_of_a_conv_stack():
    keras = pytest.importorskip("keras")

    def stack(lib):
        model = lib.Sequential()
        model.add(lib.Input(shape=(250, 250, 3)))  # 250x250 RGB images
        model.add(lib.layers.Conv2D(32, 5, strides=2, activation="relu"))
        model.add(lib.layers.Conv2D(32, 3, activation="relu"))
        model.add(lib.layers.MaxPooling2D(3))
        return model

    model, reference = stack(fitwell), stack(keras)
    # The answer was: (40, 40, 32), so we can keep downsampling...
    assert model.output_shape == reference.output_shape == (None, 40, 40, 32)
    assert summary_totals(model) == summary_totals(reference)
    assert layer_table(model) == layer_table(reference)

    for lib, target in ((fitwell, model), (keras, reference)):
        target.add(lib.layers.Conv2D(32, 3, activation="relu"))
        target.add(lib.layers.Conv2D(32, 3, activation="relu"))
        target.add(lib.layers.MaxPooling2D(3))
        target.add(lib.layers.Conv2D(32, 3, activation="relu"))
        target.add(lib.layers.Conv2D(32, 3, activation="relu"))
        target.add(lib.layers.MaxPooling2D(2))
    # "Now that we have 4x4 feature maps, time to apply global max pooling."
    assert model.output_shape == reference.output_shape == (None, 4, 4, 32)
    assert summary_totals(model) == summary_totals(reference)
    assert layer_table(model) == layer_table(reference)
    assert model.count_params() == reference.count_params()

    for lib, target in ((fitwell, model), (keras, reference)):
        # Now that we have 4x4 feature maps, time to apply global max pooling.
        target.add(lib.layers.GlobalMaxPooling2D())
        # Finally, we add a classification layer.
        target.add(lib.layers.Dense(10))
    assert model.output_shape == reference.output_shape == (None, 10)
    assert summary_totals(model) == summary_totals(reference)
    assert layer_table(model) == layer_table(reference)
    assert [type(layer).__name__ for layer in model.layers][-2:] == ["GlobalMaxPooling2D", "Dense"]

    model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).random((2, 250, 250, 3)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-4, atol=1e-5
    )


# -- Feature extraction with a Sequential model -------------------------------------------
@pytest.mark.keras
def test_feature_extractor_returns_every_intermediate_output_as_in_keras():
    keras = pytest.importorskip("keras")

    def initial(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(250, 250, 3)),
                lib.layers.Conv2D(32, 5, strides=2, activation="relu"),
                lib.layers.Conv2D(32, 3, activation="relu"),
                lib.layers.Conv2D(32, 3, activation="relu"),
            ]
        )

    initial_model = initial(fitwell)
    feature_extractor = fitwell.Model(
        inputs=initial_model.inputs,
        outputs=[layer.output for layer in initial_model.layers],
    )
    reference_initial = initial(keras)
    reference = keras.Model(
        inputs=reference_initial.inputs,
        outputs=[layer.output for layer in reference_initial.layers],
    )
    initial_model.set_weights(reference_initial.get_weights())

    # Call feature extractor on test input.
    x = np.random.default_rng(0).random((1, 250, 250, 3)).astype("float32")
    features = feature_extractor(torch.from_numpy(x))
    expected = as_numpy(reference(x))
    assert isinstance(features, list) and len(features) == len(expected) == 3
    assert [tuple(f.shape) for f in features] == [e.shape for e in expected]
    assert [tuple(f.shape) for f in features] == [(1, 123, 123, 32), (1, 121, 121, 32), (1, 119, 119, 32)]
    for got, want in zip(as_numpy(features), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert feature_extractor.output_shape == reference.output_shape


@pytest.mark.keras
def test_feature_extractor_of_one_named_layer_matches_keras():
    keras = pytest.importorskip("keras")

    def initial(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(250, 250, 3)),
                lib.layers.Conv2D(32, 5, strides=2, activation="relu"),
                lib.layers.Conv2D(32, 3, activation="relu", name="my_intermediate_layer"),
                lib.layers.Conv2D(32, 3, activation="relu"),
            ]
        )

    initial_model = initial(fitwell)
    feature_extractor = fitwell.Model(
        inputs=initial_model.inputs,
        outputs=initial_model.get_layer(name="my_intermediate_layer").output,
    )
    reference_initial = initial(keras)
    reference = keras.Model(
        inputs=reference_initial.inputs,
        outputs=reference_initial.get_layer(name="my_intermediate_layer").output,
    )
    initial_model.set_weights(reference_initial.get_weights())

    x = ops.ones((1, 250, 250, 3))
    features = feature_extractor(x)
    expected = keras.ops.convert_to_numpy(reference(np.ones((1, 250, 250, 3), "float32")))
    assert tuple(features.shape) == expected.shape == (1, 121, 121, 32)
    np.testing.assert_allclose(as_numpy(features), expected, rtol=1e-5, atol=1e-5)
    # The extractor holds the first two layers only.
    assert feature_extractor.count_params() == reference.count_params() == 2432 + 9248


# -- Transfer learning with a Sequential model ------------------------------------------
def _blueprint_data():
    rng = np.random.default_rng(0)
    return rng.random((64, 784)).astype("float32"), rng.integers(0, 10, 64)


@pytest.mark.keras
def test_blueprint_freeze_all_layers_except_the_last_one(tmp_path):
    keras = pytest.importorskip("keras")

    def build(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(784,)),
                lib.layers.Dense(32, activation="relu"),
                lib.layers.Dense(32, activation="relu"),
                lib.layers.Dense(32, activation="relu"),
                lib.layers.Dense(10),
            ]
        )

    reference = build(keras)
    pretrained = build(fitwell)
    pretrained.set_weights(reference.get_weights())
    pretrained.save_weights(tmp_path / "pretrained.weights.h5")

    model = build(fitwell)
    # Presumably you would want to first load pre-trained weights.
    model.load_weights(tmp_path / "pretrained.weights.h5")
    # Freeze all layers except the last one.
    for layer in model.layers[:-1]:
        layer.trainable = False
    for layer in reference.layers[:-1]:
        layer.trainable = False

    assert len(model.trainable_weights) == len(reference.trainable_weights) == 2
    assert len(model.non_trainable_weights) == len(reference.non_trainable_weights) == 6
    assert summary_totals(model) == summary_totals(reference)

    frozen_before = [w.copy() for w in model.get_weights()[:6]]
    # Recompile and train (this will only update the weights of the last layer).
    x, y = _blueprint_data()
    model.compile(
        optimizer=fitwell.optimizers.SGD(0.05),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    reference.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    expected = reference.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)

    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-4)
    for before, after in zip(frozen_before, model.get_weights()[:6], strict=True):
        np.testing.assert_array_equal(before, after)
    for got, want in zip(model.get_weights(), reference.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.keras
def test_blueprint_frozen_base_model_under_a_new_head():
    """The Xception blueprint, with a small conv base standing in for the pretrained one."""
    keras = pytest.importorskip("keras")

    def base(lib):
        inputs = lib.Input(shape=(16, 16, 3))
        x = lib.layers.Conv2D(8, 3, activation="relu")(inputs)
        x = lib.layers.BatchNormalization()(x)
        outputs = lib.layers.GlobalAveragePooling2D()(x)  # pooling='avg'
        return lib.Model(inputs, outputs)

    base_model, reference_base = base(fitwell), base(keras)
    base_model.set_weights(reference_base.get_weights())
    # Freeze the base model
    base_model.trainable = False
    reference_base.trainable = False
    # Use a Sequential model to add a trainable classifier on top
    model = fitwell.Sequential([base_model, layers.Dense(1000)])
    reference = keras.Sequential([reference_base, keras.layers.Dense(1000)])
    model.layers[-1](torch.zeros(1, 8))
    model.layers[-1].set_weights(reference.layers[-1].get_weights())

    assert model.output_shape == reference.output_shape == (None, 1000)
    assert len(model.trainable_weights) == len(reference.trainable_weights) == 2
    assert len(model.non_trainable_weights) == len(reference.non_trainable_weights) == 6
    assert summary_totals(model) == summary_totals(reference)

    base_before = [w.copy() for w in base_model.get_weights()]
    rng = np.random.default_rng(1)
    x, y = rng.random((48, 16, 16, 3)).astype("float32"), rng.integers(0, 10, 48)
    # Compile & train
    model.compile(
        optimizer=fitwell.optimizers.SGD(0.1),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    reference.compile(
        optimizer=keras.optimizers.SGD(0.1),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    expected = reference.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)

    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-4)
    # The frozen base (with its BatchNormalization statistics) did not move.
    for before, after in zip(base_before, base_model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-4, atol=1e-5
    )
