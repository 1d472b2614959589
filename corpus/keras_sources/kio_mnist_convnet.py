"""Simple MNIST convnet (keras.io), with `keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/examples/vision/mnist_convnet.py
(also ported in the project's own tests: a control).
Changes beyond the name swap:
- `keras.datasets.mnist.load_data()` -> random uint8 MNIST-shaped arrays (1024 train / 256 test).
- epochs 15 -> 1.
"""

import numpy as np

import fitwell as keras
from fitwell import layers

num_classes = 10
input_shape = (28, 28, 1)

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, size=(1024, 28, 28), dtype=np.uint8)
y_train = rng.integers(0, 10, size=(1024,), dtype=np.uint8)
x_test = rng.integers(0, 256, size=(256, 28, 28), dtype=np.uint8)
y_test = rng.integers(0, 10, size=(256,), dtype=np.uint8)

x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print("x_train shape:", x_train.shape)
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")

y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()

batch_size = 128
epochs = 1
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

score = model.evaluate(x_test, y_test, verbose=0)
print("Test loss:", score[0])
print("Test accuracy:", score[1])
