"""Convolutional Neural Network (CIFAR-10), with `tf.keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/images/cnn.ipynb
Changes beyond the name swap:
- `from tensorflow.keras import datasets, layers, models` -> `from fitwell import datasets, layers, models`.
- `datasets.cifar10.load_data()` -> random uint8 arrays of CIFAR-10's shapes (labels `(n, 1)`),
  512 train / 128 test; epochs 10 -> 1.
- matplotlib plots dropped.
"""

import numpy as np

import fitwell
from fitwell import layers, models

rng = np.random.default_rng(0)
train_images = rng.integers(0, 256, size=(512, 32, 32, 3), dtype=np.uint8)
train_labels = rng.integers(0, 10, size=(512, 1), dtype=np.uint8)
test_images = rng.integers(0, 256, size=(128, 32, 32, 3), dtype=np.uint8)
test_labels = rng.integers(0, 10, size=(128, 1), dtype=np.uint8)

train_images, test_images = train_images / 255.0, test_images / 255.0

model = models.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(32, 32, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.summary()

model.add(layers.Flatten())
model.add(layers.Dense(64, activation="relu"))
model.add(layers.Dense(10))
model.summary()

model.compile(
    optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"]
)
history = model.fit(train_images, train_labels, epochs=1, validation_data=(test_images, test_labels))

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print(test_acc)
