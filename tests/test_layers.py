"""Keras-named layers: shapes, initial weights and outputs match Keras."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers


def test_dense_infers_its_input_size_and_uses_glorot_uniform():
    dense = layers.Dense(300)
    dense(torch.zeros(2, 500))
    limit = np.sqrt(6 / 800)
    assert dense.weight.shape == (300, 500)
    assert float(dense.weight.detach().abs().max()) <= limit
    assert float(dense.weight.detach().std()) == pytest.approx(limit / np.sqrt(3), rel=0.02)
    assert torch.equal(dense.bias, torch.zeros(300))


def test_unknown_activation_suggests_the_closest_name():
    with pytest.raises(ValueError, match=r"activation='rleu'. Did you mean 'relu'\?"):
        layers.Dense(3, activation="rleu")


@pytest.mark.parametrize(
    "name", ["relu", "sigmoid", "softmax", "tanh", "gelu", "linear", "elu", "selu", "swish"]
)
def test_activations_match_keras(name):
    keras = pytest.importorskip("keras")
    x = np.linspace(-3, 3, 24, dtype="float32").reshape(4, 6)
    expected = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
    got = layers.get_activation(name)(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("strides", "padding"), [(1, "valid"), (1, "same"), (2, "same"), (2, "valid")])
def test_conv2d_matches_keras_on_channels_last_images(strides, padding):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    images = rng.normal(size=(2, 9, 8, 3)).astype("float32")
    reference = keras.layers.Conv2D(4, 3, strides=strides, padding=padding)
    expected = keras.ops.convert_to_numpy(reference(images))
    conv = layers.Conv2D(4, 3, strides=strides, padding=padding)
    conv(torch.from_numpy(images))
    kernel, bias = (keras.ops.convert_to_numpy(w) for w in reference.weights)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(kernel).permute(3, 2, 0, 1))
        conv.bias.copy_(torch.from_numpy(bias))
    got = conv(torch.from_numpy(images)).detach().numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_max_pooling_matches_keras(padding):
    keras = pytest.importorskip("keras")
    images = np.random.default_rng(1).normal(size=(2, 7, 7, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(keras.layers.MaxPooling2D(2, padding=padding)(images))
    got = layers.MaxPooling2D(2, padding=padding)(torch.from_numpy(images)).numpy()
    np.testing.assert_allclose(got, expected)


def test_global_average_pooling_and_flatten_use_keras_order():
    images = torch.arange(2 * 2 * 2 * 3, dtype=torch.float32).reshape(2, 2, 2, 3)
    assert torch.equal(layers.GlobalAveragePooling2D()(images), images.mean(dim=(1, 2)))
    assert torch.equal(layers.Flatten()(images)[0, :3], images[0, 0, 0])


def test_batch_normalization_matches_keras_in_training_and_inference():
    keras = pytest.importorskip("keras")
    batch = np.random.default_rng(2).normal(3.0, 2.0, size=(16, 4, 4, 5)).astype("float32")
    reference = keras.layers.BatchNormalization()
    ours = layers.BatchNormalization()
    expected = keras.ops.convert_to_numpy(reference(batch, training=True))
    got = ours.train()(torch.from_numpy(batch)).detach().numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    expected_mean = keras.ops.convert_to_numpy(reference.moving_mean)
    np.testing.assert_allclose(ours.running_mean.numpy(), expected_mean, rtol=1e-5)
    expected_var = keras.ops.convert_to_numpy(reference.moving_variance)
    np.testing.assert_allclose(ours.running_var.numpy(), expected_var, rtol=1e-5)
    inference = keras.ops.convert_to_numpy(reference(batch, training=False))
    np.testing.assert_allclose(
        ours.eval()(torch.from_numpy(batch)).detach().numpy(), inference, rtol=1e-5, atol=1e-5
    )


def test_embedding_maps_ids_to_vectors():
    embedding = layers.Embedding(10, 4)
    assert float(embedding.weight.detach().abs().max()) <= 0.05
    assert embedding(torch.tensor([[1, 2, 3]])).shape == (1, 3, 4)


def test_sequential_with_input_builds_every_weight_at_construction():
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 1)),
            layers.Conv2D(4, 3, activation="relu", padding="same"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert all(layer.built for layer in model.layers)
    assert sum(p.numel() for p in model.parameters()) == (3 * 3 * 4 + 4) + 8 + (64 + 1) * 10
    assert torch.equal(model.layers[1].running_var, torch.ones(4))  # the build pass did not train BN


def test_summary_prints_layers_shapes_and_parameter_counts():
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(784,)),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ]
    )
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert f"{model.layers[0].name} (Dense)" in text and "(None, 128)" in text and "100,480" in text
    assert "(None, 10)" in text and "1,290" in text
    assert "Total params: 101,770" in text


def test_plain_torch_modules_mix_with_fitwell_layers(blobs):
    x, y = blobs
    model = fitwell.Sequential([torch.nn.Linear(10, 16), torch.nn.ReLU(), layers.Dense(3)])
    model.compile(
        optimizer=fitwell.optimizers.Adam(1e-2),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        device="cpu",
    )
    history = model.fit(x, y, epochs=8, verbose=0)
    assert history.history["accuracy"][-1] > 0.8


def test_conv_net_on_shipped_digits_learns():
    (x_train, y_train), (x_test, y_test) = fitwell.datasets.load_digits()
    x_train = (x_train[..., None] / 16.0).astype("float32")
    x_test = (x_test[..., None] / 16.0).astype("float32")
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 1)),
            layers.Conv2D(8, 3, activation="relu", padding="same"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    model.fit(x_train, y_train, epochs=8, batch_size=32, verbose=0)
    assert model.evaluate(x_test, y_test, verbose=0)[1] > 0.85
