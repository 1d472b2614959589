"""keras.io vision examples, ported to fitwell by writing `fitwell` where the example writes `keras`.

Each example is one function of `lib` (the `keras` or the `fitwell` module) holding the example's
own code; the tests run it with both libraries on synthetic data of the example's shapes and
compare the parameter counts, the layer table (class, output shape, parameters), the History keys
and, on Keras's initial weights, the predictions.

Sources (Keras 3 versions on keras.io):
- "Simple MNIST convnet" (examples/vision/mnist_convnet);
- "Convolutional autoencoder for image denoising" (examples/vision/autoencoder);
- "Image classification from scratch" (examples/vision/image_classification_from_scratch).

Adapted:
- Data: random images of the real shapes instead of the downloads (MNIST, Cats vs Dogs); a few
  hundred samples and one or two epochs instead of the full runs.
- "Image classification from scratch": the augmentation is part of the model (the example's
  "option 1"; its option 2 maps a `tf.data` pipeline, which is TensorFlow's); the images are
  32×32 instead of 180×180, the folder is generated with Pillow, and Keras's side gets the same
  images as arrays (its `image_dataset_from_directory` needs TensorFlow); `jit_compile=True` is
  dropped (XLA is TensorFlow's).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from porting import as_numpy, history_without_learning_rate, layer_table, summary_totals

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _same_initial_weights(keras_model, fitwell_model) -> None:
    fitwell_model.set_weights(keras_model.get_weights())


def _assert_same_structure(keras_model, fitwell_model) -> None:
    assert layer_table(fitwell_model) == layer_table(keras_model)
    assert summary_totals(fitwell_model) == summary_totals(keras_model)
    assert fitwell_model.count_params() == keras_model.count_params()


# -- Simple MNIST convnet ----------------------------------------------------------------
def prepare_mnist(lib, x_train, y_train):
    num_classes = 10
    # Scale images to the [0, 1] range
    x_train = x_train.astype("float32") / 255
    # Make sure images have shape (28, 28, 1)
    x_train = np.expand_dims(x_train, -1)
    # convert class vectors to binary class matrices
    y_train = lib.utils.to_categorical(y_train, num_classes)
    return x_train, y_train


def mnist_convnet(lib):
    num_classes = 10
    input_shape = (28, 28, 1)
    model = lib.Sequential(
        [
            lib.Input(shape=input_shape),
            lib.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            lib.layers.MaxPooling2D(pool_size=(2, 2)),
            lib.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            lib.layers.MaxPooling2D(pool_size=(2, 2)),
            lib.layers.Flatten(),
            lib.layers.Dropout(0.5),
            lib.layers.Dense(num_classes, activation="softmax"),
        ]
    )
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def test_mnist_convnet_matches_keras(keras):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (256, 28, 28)).astype("uint8"), rng.integers(0, 10, 256)
    x, y = prepare_mnist(fitwell, images, labels)
    k_x, k_y = prepare_mnist(keras, images, labels)
    np.testing.assert_array_equal(y, k_y)
    k_model, f_model = mnist_convnet(keras), mnist_convnet(fitwell)
    _assert_same_structure(k_model, f_model)
    assert summary_totals(f_model)[0] == 34_826  # the example's printed total
    _same_initial_weights(k_model, f_model)
    np.testing.assert_allclose(
        f_model.predict(x[:8], verbose=0), k_model.predict(x[:8], verbose=0), atol=1e-5
    )
    common = dict(batch_size=128, epochs=2, validation_split=0.1, verbose=0)
    k_history = k_model.fit(k_x, k_y, **common)
    f_history = f_model.fit(x, y, **common)
    assert history_without_learning_rate(f_history).keys() == k_history.history.keys()
    assert sorted(k_history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    k_score = k_model.evaluate(k_x, k_y, verbose=0)
    f_score = f_model.evaluate(x, y, verbose=0)
    assert len(f_score) == len(k_score) == 2
    # Dropout's draws differ between the libraries, so the values are not compared.
    assert all(np.isfinite(values).all() for values in f_history.history.values())


# -- Convolutional autoencoder for image denoising -----------------------------------------
def preprocess(array):
    array = array.astype("float32") / 255.0
    return np.reshape(array, (len(array), 28, 28, 1))


def noise(array, rng):
    noisy = array + 0.4 * rng.normal(loc=0.0, scale=1.0, size=array.shape)
    return np.clip(noisy, 0.0, 1.0).astype("float32")


def denoising_autoencoder(lib):
    Conv2D, MaxPooling2D, Input, UpSampling2D = (  # noqa: N806 - the example imports these names
        lib.layers.Conv2D,
        lib.layers.MaxPooling2D,
        lib.layers.Input,
        lib.layers.UpSampling2D,
    )
    input = Input(shape=(28, 28, 1))  # noqa: A001 - the example's name
    # Encoder
    x = Conv2D(32, (3, 3), activation="relu", padding="same")(input)
    x = MaxPooling2D((2, 2), padding="same")(x)
    x = Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = MaxPooling2D((2, 2), padding="same")(x)
    # Decoder
    x = Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = UpSampling2D((2, 2))(x)
    x = Conv2D(32, (3, 3), activation="relu", padding="same")(x)
    x = UpSampling2D((2, 2))(x)
    x = Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    autoencoder = lib.models.Model(input, x)
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder


def test_denoising_autoencoder_matches_keras(keras):
    rng = np.random.default_rng(1)
    train = preprocess(rng.integers(0, 256, (192, 28, 28)))
    test = preprocess(rng.integers(0, 256, (64, 28, 28)))
    noisy_train, noisy_test = noise(train, rng), noise(test, rng)
    k_model, f_model = denoising_autoencoder(keras), denoising_autoencoder(fitwell)
    _assert_same_structure(k_model, f_model)
    assert summary_totals(f_model)[0] == 28_353  # the example's printed total
    _same_initial_weights(k_model, f_model)
    np.testing.assert_allclose(
        f_model.predict(noisy_test, verbose=0), k_model.predict(noisy_test, verbose=0), atol=1e-5
    )
    common = dict(epochs=2, batch_size=128, shuffle=False, verbose=0)
    k_history = k_model.fit(x=noisy_train, y=train, validation_data=(noisy_test, test), **common)
    f_history = f_model.fit(x=noisy_train, y=train, validation_data=(noisy_test, test), **common)
    # No randomness in this model: the same weights, batches and Adam give the same run.
    for key, values in k_history.history.items():
        np.testing.assert_allclose(f_history.history[key], values, rtol=1e-4)
    assert f_model.predict(noisy_test, verbose=0).shape == (64, 28, 28, 1)


# -- Image classification from scratch ---------------------------------------------------------
def data_augmentation_model(lib):
    return lib.Sequential([lib.layers.RandomFlip("horizontal"), lib.layers.RandomRotation(0.1)])


def make_model(lib, input_shape, num_classes, data_augmentation):
    layers = lib.layers
    inputs = lib.Input(shape=input_shape)
    x = data_augmentation(inputs)

    # Entry block
    x = layers.Rescaling(1.0 / 255)(x)
    x = layers.Conv2D(32, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    x = layers.Conv2D(64, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    previous_block_activation = x  # Set aside residual

    for size in [128, 256, 512, 728]:
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)

        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)

        # Project residual
        residual = layers.Conv2D(size, 1, strides=2, padding="same")(previous_block_activation)
        x = layers.add([x, residual])  # Add back residual
        previous_block_activation = x  # Set aside next residual

    x = layers.SeparableConv2D(1024, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)

    x = layers.GlobalAveragePooling2D()(x)
    if num_classes == 2:
        activation = "sigmoid"
        units = 1
    else:
        activation = "softmax"
        units = num_classes

    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(units, activation=activation)(x)
    return lib.Model(inputs, outputs)


IMAGE_SIZE = (32, 32)


@pytest.fixture(scope="module")
def pet_images(tmp_path_factory):
    """A `PetImages` folder of JPEGs in two class folders, as the example's download unpacks."""
    from PIL import Image

    root = tmp_path_factory.mktemp("data") / "PetImages"
    rng = np.random.default_rng(2)
    for folder_name in ("Cat", "Dog"):
        (root / folder_name).mkdir(parents=True)
        for index in range(20):
            pixels = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / folder_name / f"{index}.jpg", quality=95)
    return root


def test_image_classification_from_scratch_matches_keras(keras, pet_images):
    train_ds, val_ds = fitwell.utils.image_dataset_from_directory(
        pet_images,
        validation_split=0.2,
        subset="both",
        seed=1337,
        image_size=IMAGE_SIZE,
        batch_size=16,
    )
    assert train_ds.class_names == ["Cat", "Dog"]
    k_model = make_model(keras, IMAGE_SIZE + (3,), 2, data_augmentation_model(keras))
    f_model = make_model(fitwell, IMAGE_SIZE + (3,), 2, data_augmentation_model(fitwell))
    _assert_same_structure(k_model, f_model)
    _same_initial_weights(k_model, f_model)
    images, labels = next(iter(val_ds))
    assert tuple(images.shape[1:]) == IMAGE_SIZE + (3,) and images.dtype == torch.float32
    np.testing.assert_allclose(
        f_model.predict(images, verbose=0), k_model.predict(as_numpy(images), verbose=0), atol=1e-4
    )
    for lib, lib_model in ((keras, k_model), (fitwell, f_model)):
        lib_model.compile(
            optimizer=lib.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"]
        )
    f_history = f_model.fit(train_ds, epochs=1, validation_data=val_ds, verbose=0)
    x_train = np.concatenate([as_numpy(x) for x, _ in train_ds])
    y_train = np.concatenate([as_numpy(y) for _, y in train_ds])
    k_history = k_model.fit(x_train, y_train, epochs=1, validation_split=0.2, verbose=0)
    assert history_without_learning_rate(f_history).keys() == k_history.history.keys()
    predictions = f_model.predict(images[:1], verbose=0)
    assert predictions.shape == (1, 1) and 0.0 <= float(predictions[0, 0]) <= 1.0
