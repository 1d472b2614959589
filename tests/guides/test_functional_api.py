"""Keras 3 guide "The Functional API" (keras.io/guides/functional_api), ported to fitwell.

Each test is one cell of the guide, written as the guide writes it with `fitwell.` for
`keras.`, on small synthetic data, and checked against Keras 3 (torch backend): shapes, layer
lists, parameter counts, summary totals, History keys, and outputs / losses on the same weights.

Substitutions: none. The guide's `ops.*` calls (`ops.matmul` in `CustomDense`, `ops.zeros` /
`ops.stack` in `CustomRNN`, `ops.zeros((1, 32))` in the "Less verbose" MLP snippet) are
`fitwell.ops`, imported as the guide imports `keras.ops`: `from fitwell import ops`.

Adapted (data or a missing layer replaced, the rest as written):
- MNIST / CIFAR-10 (`keras.datasets.*.load_data()`, downloads): random arrays of the same
  per-sample shapes, fewer samples; the toy ResNet runs on 16x16 images to stay fast.
- The ticket-routing model (multiple inputs and outputs) uses `layers.LSTM`, not in fitwell:
  each `LSTM(n)` is replaced by a custom `MeanOverTime` layer (`ops.mean(inputs, axis=1)`, the
  same code on both sides) followed by `Dense(n)`, `num_words` is 1000 and 128 samples.

Skipped:
- `keras.utils.plot_model(...)` (three cells): no graph plotting in fitwell (and needs pydot).
- "Extract and reuse nodes in the graph of layers": `keras.applications.VGG19()` (pretrained
  download; no `fitwell.applications`).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers, ops
from porting import as_numpy, history_without_learning_rate, layer_table, summary_totals

pytestmark = pytest.mark.filterwarnings("ignore:The structure of `inputs`:UserWarning")


# -- helpers ---------------------------------------------------------------------


def mnist_like(samples: int = 200):
    rng = np.random.default_rng(0)
    x = rng.random((samples, 784)).astype("float32")
    return x, rng.integers(0, 10, samples).astype("uint8")


# -- Introduction ----------------------------------------------------------------------
@pytest.mark.keras
def test_input_carries_the_sample_shape_with_a_batch_axis():
    keras = pytest.importorskip("keras")
    inputs = fitwell.Input(shape=(784,))
    # Just for demonstration purposes.
    img_inputs = fitwell.Input(shape=(32, 32, 3))
    assert inputs.shape == keras.Input(shape=(784,)).shape == (None, 784)
    assert img_inputs.shape == keras.Input(shape=(32, 32, 3)).shape == (None, 32, 32, 3)
    assert inputs.torch_dtype == torch.float32


@pytest.mark.keras
def test_input_dtype_is_keras_dtype_name():
    keras = pytest.importorskip("keras")
    inputs = fitwell.Input(shape=(784,))
    assert inputs.dtype == keras.Input(shape=(784,)).dtype == "float32"


def _mnist_model(lib):
    inputs = lib.Input(shape=(784,))
    dense = lib.layers.Dense(64, activation="relu")
    x = dense(inputs)
    x = lib.layers.Dense(64, activation="relu")(x)
    outputs = lib.layers.Dense(10)(x)
    return lib.Model(inputs=inputs, outputs=outputs, name="mnist_model")


@pytest.mark.keras
def test_mnist_model_structure_and_summary_match_keras():
    keras = pytest.importorskip("keras")
    model, reference = _mnist_model(fitwell), _mnist_model(keras)
    assert model.name == "mnist_model"
    assert summary_totals(model) == summary_totals(reference) == (55050, 55050, 0)
    assert layer_table(model) == layer_table(reference)
    assert model.input_shape == reference.input_shape == (None, 784)
    assert model.output_shape == reference.output_shape == (None, 10)
    assert [w.shape for w in model.get_weights()] == [w.shape for w in reference.get_weights()]


# -- Training, evaluation, and inference -------------------------------------------------
@pytest.mark.keras
def test_training_evaluation_and_inference_match_keras():
    keras = pytest.importorskip("keras")
    x_train, y_train = mnist_like(200)
    x_test, y_test = mnist_like(64)
    reference = _mnist_model(keras)
    model = _mnist_model(fitwell)
    model.set_weights(reference.get_weights())

    model.compile(
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=fitwell.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    reference.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.RMSprop(),
        metrics=["accuracy"],
    )
    # shuffle=False (the guide shuffles) so both see the same batches.
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, shuffle=False, verbose=0
    )
    expected = reference.fit(
        x_train, y_train, batch_size=64, epochs=2, validation_split=0.2, shuffle=False, verbose=0
    )
    got = history_without_learning_rate(history)
    assert set(got) == set(expected.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    for key in expected.history:
        np.testing.assert_allclose(got[key], expected.history[key], rtol=1e-4, err_msg=key)

    test_scores = model.evaluate(x_test, y_test, verbose=0)
    np.testing.assert_allclose(test_scores, reference.evaluate(x_test, y_test, verbose=0), rtol=1e-4)
    assert len(test_scores) == 2  # "Test loss:", test_scores[0]; "Test accuracy:", test_scores[1]


# -- Save and serialize --------------------------------------------------------------
def test_save_and_reload_a_functional_model(tmp_path):
    model = _mnist_model(fitwell)
    x, _ = mnist_like(8)
    before = model.predict(x, verbose=0)
    model.save(tmp_path / "my_model.keras")
    del model
    # Recreate the exact same model purely from the file:
    model = fitwell.models.load_model(tmp_path / "my_model.keras")
    assert model.name == "mnist_model"
    np.testing.assert_allclose(model.predict(x, verbose=0), before, rtol=1e-6)


# -- Use the same graph of layers to define multiple models ------------------------------------
def _encoder_and_autoencoder(lib):
    layers_ = lib.layers
    encoder_input = lib.Input(shape=(28, 28, 1), name="img")
    x = layers_.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers_.Conv2D(32, 3, activation="relu")(x)
    x = layers_.MaxPooling2D(3)(x)
    x = layers_.Conv2D(32, 3, activation="relu")(x)
    x = layers_.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers_.GlobalMaxPooling2D()(x)

    encoder = lib.Model(encoder_input, encoder_output, name="encoder")

    x = layers_.Reshape((4, 4, 1))(encoder_output)
    x = layers_.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers_.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers_.UpSampling2D(3)(x)
    x = layers_.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers_.Conv2DTranspose(1, 3, activation="relu")(x)

    autoencoder = lib.Model(encoder_input, decoder_output, name="autoencoder")
    return encoder, autoencoder


def mnist_images(samples: int = 4):
    return np.random.default_rng(0).random((samples, 28, 28, 1)).astype("float32")


@pytest.mark.keras
def test_one_graph_of_layers_defines_an_encoder_and_an_autoencoder_as_keras():
    keras = pytest.importorskip("keras")
    encoder, autoencoder = _encoder_and_autoencoder(fitwell)
    reference_encoder, reference = _encoder_and_autoencoder(keras)
    # encoder.summary()
    assert summary_totals(encoder) == summary_totals(reference_encoder) == (18672, 18672, 0)
    assert layer_table(encoder) == layer_table(reference_encoder)
    assert encoder.output_shape == reference_encoder.output_shape == (None, 16)
    # autoencoder.summary(): the output shape is the same as the input shape (28, 28, 1).
    assert summary_totals(autoencoder) == summary_totals(reference) == (28241, 28241, 0)
    assert layer_table(autoencoder) == layer_table(reference)
    assert autoencoder.output_shape == autoencoder.input_shape == reference.output_shape == (None, 28, 28, 1)
    # The two models share the encoder's layers, and so its weights.
    assert all(a is b for a, b in zip(autoencoder.layers, encoder.layers, strict=False))

    autoencoder.set_weights(reference.get_weights())
    x = mnist_images()
    np.testing.assert_allclose(
        autoencoder.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )
    np.testing.assert_allclose(
        encoder.predict(x, verbose=0), reference_encoder.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )


# -- All models are callable, just like layers ------------------------------------------------
def _chained_autoencoder(lib):
    layers_ = lib.layers
    encoder_input = lib.Input(shape=(28, 28, 1), name="original_img")
    x = layers_.Conv2D(16, 3, activation="relu")(encoder_input)
    x = layers_.Conv2D(32, 3, activation="relu")(x)
    x = layers_.MaxPooling2D(3)(x)
    x = layers_.Conv2D(32, 3, activation="relu")(x)
    x = layers_.Conv2D(16, 3, activation="relu")(x)
    encoder_output = layers_.GlobalMaxPooling2D()(x)

    encoder = lib.Model(encoder_input, encoder_output, name="encoder")

    decoder_input = lib.Input(shape=(16,), name="encoded_img")
    x = layers_.Reshape((4, 4, 1))(decoder_input)
    x = layers_.Conv2DTranspose(16, 3, activation="relu")(x)
    x = layers_.Conv2DTranspose(32, 3, activation="relu")(x)
    x = layers_.UpSampling2D(3)(x)
    x = layers_.Conv2DTranspose(16, 3, activation="relu")(x)
    decoder_output = layers_.Conv2DTranspose(1, 3, activation="relu")(x)

    decoder = lib.Model(decoder_input, decoder_output, name="decoder")

    autoencoder_input = lib.Input(shape=(28, 28, 1), name="img")
    encoded_img = encoder(autoencoder_input)
    decoded_img = decoder(encoded_img)
    autoencoder = lib.Model(autoencoder_input, decoded_img, name="autoencoder")
    return encoder, decoder, autoencoder


@pytest.mark.keras
def test_an_encoder_and_a_decoder_chain_into_an_autoencoder_as_keras():
    keras = pytest.importorskip("keras")
    encoder, decoder, autoencoder = _chained_autoencoder(fitwell)
    reference_encoder, reference_decoder, reference = _chained_autoencoder(keras)
    assert summary_totals(encoder) == summary_totals(reference_encoder) == (18672, 18672, 0)
    assert layer_table(encoder) == layer_table(reference_encoder)
    assert summary_totals(decoder) == summary_totals(reference_decoder) == (9569, 9569, 0)
    assert layer_table(decoder) == layer_table(reference_decoder)
    assert decoder.output_shape == reference_decoder.output_shape == (None, 28, 28, 1)
    # The autoencoder nests the two models (Keras names their class "Functional").
    assert summary_totals(autoencoder) == summary_totals(reference) == (28241, 28241, 0)
    assert autoencoder.layers[1:] == [encoder, decoder]
    assert [(shape, params) for _, shape, params in layer_table(autoencoder)] == [
        (shape, params) for _, shape, params in layer_table(reference)
    ]
    assert autoencoder.output_shape == reference.output_shape == (None, 28, 28, 1)

    autoencoder.set_weights(reference.get_weights())
    x = mnist_images()
    expected = reference.predict(x, verbose=0)
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    # By calling a model you reuse its weights: the chain is decoder(encoder(x)).
    by_hand = decoder.predict(encoder.predict(x, verbose=0), verbose=0)
    np.testing.assert_allclose(autoencoder.predict(x, verbose=0), by_hand, rtol=1e-5, atol=1e-6)


# -- All models are callable, just like layers: ensembling ----------------------------------
def _ensemble(lib):
    def get_model():
        inputs = lib.Input(shape=(128,))
        outputs = lib.layers.Dense(1)(inputs)
        return lib.Model(inputs, outputs)

    model1 = get_model()
    model2 = get_model()
    model3 = get_model()

    inputs = lib.Input(shape=(128,))
    y1 = model1(inputs)
    y2 = model2(inputs)
    y3 = model3(inputs)
    outputs = lib.layers.average([y1, y2, y3])
    ensemble_model = lib.Model(inputs=inputs, outputs=outputs)
    return ensemble_model, (model1, model2, model3)


@pytest.mark.keras
def test_ensemble_of_models_averages_their_predictions_as_in_keras():
    keras = pytest.importorskip("keras")
    ensemble_model, members = _ensemble(fitwell)
    reference, _ = _ensemble(keras)
    assert ensemble_model.count_params() == reference.count_params() == 387
    assert summary_totals(ensemble_model) == summary_totals(reference)
    assert [type(layer).__name__ for layer in ensemble_model.layers] == [
        "InputLayer",
        "Model",
        "Model",
        "Model",
        "Average",
    ]
    assert [type(layer).__name__ for layer in reference.layers][-1] == "Average"
    assert ensemble_model.layers[1:4] == list(members)
    assert ensemble_model.output_shape == reference.output_shape == (None, 1)

    ensemble_model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).normal(size=(5, 128)).astype("float32")
    expected = reference.predict(x, verbose=0)
    np.testing.assert_allclose(ensemble_model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    by_hand = np.mean([m.predict(x, verbose=0) for m in members], axis=0)
    np.testing.assert_allclose(ensemble_model.predict(x, verbose=0), by_hand, rtol=1e-5, atol=1e-6)


# -- Models with multiple inputs and outputs ------------------------------------------------
num_tags = 12  # Number of unique issue tags
num_words = 1000  # Size of vocabulary obtained when preprocessing text data (guide: 10000)
num_departments = 4  # Number of departments for predictions


def _ticket_model(lib):
    """The guide's model; each LSTM(n) is replaced by MeanOverTime() + Dense(n).

    Returns the model and its layers in the order the guide creates them.
    """
    L = lib.layers

    class MeanOverTime(L.Layer):
        def call(self, inputs):
            return lib.ops.mean(inputs, axis=1)

    title_input = lib.Input(shape=(None,), name="title")  # Variable-length sequence of ints
    body_input = lib.Input(shape=(None,), name="body")  # Variable-length sequence of ints
    tags_input = lib.Input(shape=(num_tags,), name="tags")  # Binary vectors of size `num_tags`

    created = [L.Embedding(num_words, 64), L.Embedding(num_words, 64), L.Dense(128), L.Dense(32)]
    title_embedding, body_embedding, title_reduce, body_reduce = created
    # Embed each word in the title / body into a 64-dimensional vector
    title_features = title_embedding(title_input)
    body_features = body_embedding(body_input)
    # Reduce sequence of embedded words into a single 128- / 32-dimensional vector (LSTM in the guide)
    title_features = title_reduce(MeanOverTime()(title_features))
    body_features = body_reduce(MeanOverTime()(body_features))

    # Merge all available features into a single large vector via concatenation
    x = L.concatenate([title_features, body_features, tags_input])
    # Stick a logistic regression for priority prediction on top of the features
    priority = L.Dense(1, name="priority")
    priority_pred = priority(x)
    # Stick a department classifier on top of the features
    department = L.Dense(num_departments, name="department")
    department_pred = department(x)
    created += [priority, department]

    # Instantiate an end-to-end model predicting both priority and department
    model = lib.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    return model, created


def _copy_layer_by_layer(source_layers, target_layers):
    for source, target in zip(source_layers, target_layers, strict=True):
        target.set_weights(source.get_weights())


def _ticket_data(samples: int = 128):
    rng = np.random.default_rng(0)
    title_data = rng.integers(num_words, size=(samples, 10))
    body_data = rng.integers(num_words, size=(samples, 100))
    tags_data = rng.integers(2, size=(samples, num_tags)).astype("float32")
    priority_targets = rng.random(size=(samples, 1))
    dept_targets = rng.integers(2, size=(samples, num_departments))
    inputs = {"title": title_data, "body": body_data, "tags": tags_data}
    targets = {"priority": priority_targets, "department": dept_targets}
    return inputs, targets


@pytest.mark.keras
def test_multi_input_multi_output_model_trains_with_dict_losses_as_in_keras():
    keras = pytest.importorskip("keras")
    model, created = _ticket_model(fitwell)
    reference, reference_created = _ticket_model(keras)
    _copy_layer_by_layer(reference_created, created)
    assert model.count_params() == reference.count_params()
    assert sorted(model.output_shape) == sorted(reference.output_shape) == [(None, 1), (None, 4)]

    model.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3),
        loss={
            "priority": fitwell.losses.BinaryCrossentropy(from_logits=True),
            "department": fitwell.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss={
            "priority": keras.losses.BinaryCrossentropy(from_logits=True),
            "department": keras.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    inputs, targets = _ticket_data()
    # shuffle=False (the guide shuffles) so both see the same batches.
    history = model.fit(inputs, targets, epochs=2, batch_size=32, shuffle=False, verbose=0)
    expected = reference.fit(inputs, targets, epochs=2, batch_size=32, shuffle=False, verbose=0)
    got = history_without_learning_rate(history)
    assert set(got) == set(expected.history) == {"loss", "priority_loss", "department_loss"}
    for key in expected.history:
        np.testing.assert_allclose(got[key], expected.history[key], rtol=1e-4, err_msg=key)

    predictions = model.predict(inputs, verbose=0)
    expected_predictions = reference.predict(inputs, verbose=0)
    assert set(predictions) == set(expected_predictions) == {"priority", "department"}
    for key in predictions:
        np.testing.assert_allclose(predictions[key], expected_predictions[key], rtol=1e-4, atol=1e-5)


def test_list_of_losses_for_dict_outputs_follows_the_outputs_order():
    """The guide's first compile: a list of losses for outputs written as a dict.

    Not compared with Keras: Keras 3.15 maps the list onto the dict outputs in sorted-key order
    (department, priority), giving priority_loss == 0.0; the guide means the written order, which
    is what the dict form below states explicitly.
    """
    model, created = _ticket_model(fitwell)
    by_name, by_name_created = _ticket_model(fitwell)
    _copy_layer_by_layer(created, by_name_created)
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3),
        loss=[
            fitwell.losses.BinaryCrossentropy(from_logits=True),
            fitwell.losses.CategoricalCrossentropy(from_logits=True),
        ],
        loss_weights=[1.0, 0.2],
    )
    by_name.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3),
        loss={
            "priority": fitwell.losses.BinaryCrossentropy(from_logits=True),
            "department": fitwell.losses.CategoricalCrossentropy(from_logits=True),
        },
        loss_weights={"priority": 1.0, "department": 0.2},
    )
    inputs, targets = _ticket_data(64)
    history = model.fit(inputs, targets, epochs=1, batch_size=32, shuffle=False, verbose=0)
    expected = by_name.fit(inputs, targets, epochs=1, batch_size=32, shuffle=False, verbose=0)
    assert set(history.history) == set(expected.history)
    for key in expected.history:
        np.testing.assert_allclose(history.history[key], expected.history[key], rtol=1e-6, err_msg=key)


@pytest.mark.keras
def test_branched_model_layers_and_weights_are_in_keras_order():
    keras = pytest.importorskip("keras")
    model, _ = _ticket_model(fitwell)
    reference, _ = _ticket_model(keras)
    assert [type(layer).__name__ for layer in model.layers] == [
        type(layer).__name__ for layer in reference.layers
    ]
    model.set_weights(reference.get_weights())
    inputs, _ = _ticket_data(8)
    expected = reference.predict(inputs, verbose=0)
    got = model.predict(inputs, verbose=0)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, atol=1e-6)


# -- A toy ResNet model -----------------------------------------------------------
def _toy_resnet(lib, size: int = 32):
    layers_ = lib.layers
    inputs = lib.Input(shape=(size, size, 3), name="img")
    x = layers_.Conv2D(32, 3, activation="relu")(inputs)
    x = layers_.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers_.MaxPooling2D(3)(x)

    x = layers_.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers_.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers_.add([x, block_1_output])

    x = layers_.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers_.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers_.add([x, block_2_output])

    x = layers_.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers_.GlobalAveragePooling2D()(x)
    x = layers_.Dense(256, activation="relu")(x)
    x = layers_.Dropout(0.5)(x)
    outputs = layers_.Dense(10)(x)

    return lib.Model(inputs, outputs, name="toy_resnet")


@pytest.mark.keras
def test_toy_resnet_summary_matches_keras():
    keras = pytest.importorskip("keras")
    model, reference = _toy_resnet(fitwell), _toy_resnet(keras)
    assert model.name == "toy_resnet"
    assert summary_totals(model) == summary_totals(reference) == (223242, 223242, 0)
    assert layer_table(model) == layer_table(reference)
    assert [layer.name for layer in model.layers][0] == "img"
    # The residual adds read the right tensors: same outputs on the same weights.
    model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).random((4, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-5
    )


@pytest.mark.keras
def test_toy_resnet_trains_with_acc_metric_and_evaluates_as_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x_train = rng.random((40, 16, 16, 3)).astype("float32")
    labels = rng.integers(0, 10, (40, 1)).astype("uint8")  # CIFAR-10's labels: (samples, 1) uint8
    y_train = fitwell.utils.to_categorical(labels, 10)
    np.testing.assert_array_equal(y_train, keras.utils.to_categorical(labels, 10))
    model, reference = _toy_resnet(fitwell, 16), _toy_resnet(keras, 16)
    model.set_weights(reference.get_weights())
    model.compile(
        optimizer=fitwell.optimizers.RMSprop(1e-3),
        loss=fitwell.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    reference.compile(
        optimizer=keras.optimizers.RMSprop(1e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["acc"],
    )
    # Before training (no dropout at evaluation): the same loss and accuracy.
    np.testing.assert_allclose(
        model.evaluate(x_train, y_train, verbose=0),
        reference.evaluate(x_train, y_train, verbose=0),
        rtol=1e-5,
    )
    history = model.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.2, verbose=0)
    expected = reference.fit(x_train, y_train, batch_size=16, epochs=1, validation_split=0.2, verbose=0)
    # Dropout draws differ between the libraries, so only the logged names and lengths compare.
    got = history_without_learning_rate(history)
    assert set(got) == set(expected.history) == {"loss", "acc", "val_loss", "val_acc"}
    assert {k: len(v) for k, v in got.items()} == {k: len(v) for k, v in expected.history.items()}


# -- Shared layers -----------------------------------------------------------------
@pytest.mark.keras
def test_a_shared_embedding_encodes_both_inputs_with_the_same_weights():
    keras = pytest.importorskip("keras")
    # Embedding for 1000 unique words mapped to 128-dimensional vectors
    shared_embedding = layers.Embedding(1000, 128)
    # Variable-length sequence of integers
    text_input_a = fitwell.Input(shape=(None,), dtype="int32")
    # Variable-length sequence of integers
    text_input_b = fitwell.Input(shape=(None,), dtype="int32")
    # Reuse the same layer to encode both inputs
    encoded_input_a = shared_embedding(text_input_a)
    encoded_input_b = shared_embedding(text_input_b)

    reference_embedding = keras.layers.Embedding(1000, 128)
    reference_a = reference_embedding(keras.Input(shape=(None,), dtype="int32"))
    assert encoded_input_a.shape == encoded_input_b.shape == reference_a.shape == (None, None, 128)

    model = fitwell.Model([text_input_a, text_input_b], [encoded_input_a, encoded_input_b])
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "InputLayer", "Embedding"]
    assert model.count_params() == reference_embedding.count_params() == 128000

    shared_embedding.set_weights(reference_embedding.get_weights())
    ids = np.array([[1, 5, 999], [0, 2, 3]], dtype="int32")
    a, b = model([torch.from_numpy(ids), torch.from_numpy(ids[:, ::-1].copy())])
    expected = keras.ops.convert_to_numpy(reference_embedding(ids))
    np.testing.assert_allclose(as_numpy(a), expected, rtol=1e-6)
    np.testing.assert_allclose(as_numpy(b), expected[:, ::-1], rtol=1e-6)


# -- Extend the API using custom layers --------------------------------------------------
class CustomDense(layers.Layer):
    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {"units": self.units}


@pytest.mark.keras
def test_custom_dense_layer_in_a_functional_model_matches_keras():
    keras = pytest.importorskip("keras")

    class KerasCustomDense(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True
            )
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w) + self.b

    inputs = fitwell.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = fitwell.Model(inputs, outputs)

    reference_inputs = keras.Input((4,))
    reference = keras.Model(reference_inputs, KerasCustomDense(10)(reference_inputs))
    assert model.count_params() == reference.count_params() == 50
    assert model.output_shape == reference.output_shape == (None, 10)
    assert [w.shape for w in model.get_weights()] == [w.shape for w in reference.get_weights()]
    model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


def test_functional_model_round_trips_through_its_config():
    inputs = fitwell.Input((4,))
    outputs = CustomDense(10)(inputs)
    model = fitwell.Model(inputs, outputs)
    config = model.get_config()
    new_model = fitwell.Model.from_config(config, custom_objects={"CustomDense": CustomDense})
    # fitwell's config format (docs/keras.md): the layers, then the calls between them.
    assert {"layers", "calls", "inputs", "outputs"} <= set(config)
    assert new_model.count_params() == model.count_params() == 50
    assert new_model.output_shape == (None, 10)


# -- When to use the functional API: "Less verbose" ---------------------------------------
def test_functional_and_subclassed_mlp_are_the_same_model():
    inputs = fitwell.Input(shape=(32,))
    x = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10)(x)
    functional_mlp = fitwell.Model(inputs, outputs)

    class MLP(fitwell.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense_1 = layers.Dense(64, activation="relu")
            self.dense_2 = layers.Dense(10)

        def call(self, inputs):
            x = self.dense_1(inputs)
            return self.dense_2(x)

    # Instantiate the model.
    mlp = MLP()
    # Necessary to create the model's state.
    # The model doesn't have a state until it's called at least once.
    assert mlp.count_params() == 0
    _ = mlp(ops.zeros((1, 32)))
    assert mlp.count_params() == functional_mlp.count_params() == 32 * 64 + 64 + 64 * 10 + 10
    mlp.set_weights(functional_mlp.get_weights())
    x = np.random.default_rng(0).normal(size=(4, 32)).astype("float32")
    np.testing.assert_allclose(mlp.predict(x, verbose=0), functional_mlp.predict(x, verbose=0), rtol=1e-6)


# -- Mix-and-match API styles ------------------------------------------------------
units = 32
timesteps = 10
input_dim = 5
batch_size = 16


def _rnn_with_a_functional_classifier(lib):
    """The guide's first `CustomRNN`: its classifier is the Functional model defined before it."""
    layers_, ops_ = lib.layers, lib.ops

    # Define a Functional model
    inputs = lib.Input((None, units))
    x = layers_.GlobalAveragePooling1D()(inputs)
    outputs = layers_.Dense(1)(x)
    model = lib.Model(inputs, outputs)

    class CustomRNN(layers_.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = layers_.Dense(units=units, activation="tanh")
            self.projection_2 = layers_.Dense(units=units, activation="tanh")
            # Our previously-defined Functional model
            self.classifier = model

        def call(self, inputs):
            outputs = []
            state = ops_.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = ops_.stack(outputs, axis=1)
            print(features.shape)
            return self.classifier(features)

    return CustomRNN, model


@pytest.mark.keras
def test_a_functional_model_inside_a_custom_layer_matches_keras(capsys):
    keras = pytest.importorskip("keras")
    CustomRNN, model = _rnn_with_a_functional_classifier(fitwell)
    KerasCustomRNN, reference_model = _rnn_with_a_functional_classifier(keras)
    assert model.output_shape == reference_model.output_shape == (None, 1)
    assert layer_table(model) == layer_table(reference_model)

    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, timesteps, input_dim)))
    printed = capsys.readouterr().out.splitlines()
    reference = KerasCustomRNN()
    reference(np.zeros((1, timesteps, input_dim), "float32"))
    keras_printed = capsys.readouterr().out.splitlines()
    # Keras prints once more: it runs `call` a first time to build the layer.
    assert printed and set(printed) == set(keras_printed) == {"torch.Size([1, 10, 32])"}
    assert tuple(_.shape) == (1, 1)
    assert rnn_model.classifier is model
    assert len(rnn_model.weights) == len(reference.weights) == 6
    assert rnn_model.count_params() == reference.count_params() == 5 * 32 + 32 + 32 * 32 + 32 + 32 + 1

    rnn_model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).normal(size=(2, timesteps, input_dim)).astype("float32")
    np.testing.assert_allclose(
        as_numpy(rnn_model(torch.from_numpy(x))),
        keras.ops.convert_to_numpy(reference(x)),
        rtol=1e-5,
        atol=1e-6,
    )


class CustomRNN(layers.Layer):
    def __init__(self):
        super().__init__()
        self.units = units
        self.projection_1 = layers.Dense(units=units, activation="tanh")
        self.projection_2 = layers.Dense(units=units, activation="tanh")
        self.classifier = layers.Dense(1)

    def call(self, inputs):
        outputs = []
        state = ops.zeros(shape=(inputs.shape[0], self.units))
        for t in range(inputs.shape[1]):
            x = inputs[:, t, :]
            h = self.projection_1(x)
            y = h + self.projection_2(state)
            state = y
            outputs.append(y)
        features = ops.stack(outputs, axis=1)
        return self.classifier(features)


def _keras_custom_rnn(keras):
    class KerasCustomRNN(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.units = units
            self.projection_1 = keras.layers.Dense(units=units, activation="tanh")
            self.projection_2 = keras.layers.Dense(units=units, activation="tanh")
            self.classifier = keras.layers.Dense(1)

        def call(self, inputs):
            outputs = []
            state = keras.ops.zeros(shape=(inputs.shape[0], self.units))
            for t in range(inputs.shape[1]):
                x = inputs[:, t, :]
                h = self.projection_1(x)
                y = h + self.projection_2(state)
                state = y
                outputs.append(y)
            features = keras.ops.stack(outputs, axis=1)
            return self.classifier(features)

    return KerasCustomRNN


@pytest.mark.keras
def test_a_custom_rnn_in_a_functional_model_with_a_static_batch_size_matches_keras():
    keras = pytest.importorskip("keras")
    KerasCustomRNN = _keras_custom_rnn(keras)

    # Note that you specify a static batch size for the inputs with the `batch_shape`
    # arg, because the inner computation of `CustomRNN` requires a static batch size
    # (when you create the `state` zeros tensor).
    inputs = fitwell.Input(batch_shape=(batch_size, timesteps, input_dim))
    x = layers.Conv1D(32, 3)(inputs)
    outputs = CustomRNN()(x)

    model = fitwell.Model(inputs, outputs)

    reference_inputs = keras.Input(batch_shape=(batch_size, timesteps, input_dim))
    reference_x = keras.layers.Conv1D(32, 3)(reference_inputs)
    reference = keras.Model(reference_inputs, KerasCustomRNN()(reference_x))
    assert model.input_shape == reference.input_shape == (16, 10, 5)
    assert model.output_shape == reference.output_shape == (16, 8, 1)
    assert summary_totals(model) == summary_totals(reference) == (2657, 2657, 0)
    assert [(shape, params) for _, shape, params in layer_table(model)] == [
        (shape, params) for _, shape, params in layer_table(reference)
    ]

    model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).normal(size=(batch_size, timesteps, input_dim)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )


@pytest.mark.keras
def test_custom_rnn_written_from_scratch_matches_keras():
    keras = pytest.importorskip("keras")
    KerasCustomRNN = _keras_custom_rnn(keras)

    rnn_model = CustomRNN()
    _ = rnn_model(ops.zeros((1, 10, 5)))
    reference = KerasCustomRNN()
    reference(np.zeros((1, 10, 5), "float32"))
    assert tuple(_.shape) == (1, 10, 1)
    assert len(rnn_model.weights) == len(reference.weights) == 6
    assert rnn_model.count_params() == reference.count_params()

    rnn_model.set_weights(reference.get_weights())
    x = np.random.default_rng(0).normal(size=(2, timesteps, input_dim)).astype("float32")
    np.testing.assert_allclose(
        as_numpy(rnn_model(torch.from_numpy(x))),
        keras.ops.convert_to_numpy(reference(x)),
        rtol=1e-5,
        atol=1e-6,
    )
