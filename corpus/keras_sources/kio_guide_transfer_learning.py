"""Transfer learning & fine-tuning (keras.io guide), with `tensorflow.keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/guides/transfer_learning.py
(stored version 0a57de48: the tf.keras text).
Ported: the closing end-to-end example (cats vs. dogs with a frozen Xception base, then fine-tuning).
The earlier sections (freezing basics shown on single layers, the code in text blocks) are not ported.
Changes beyond the name swap:
- `tfds.load("cats_vs_dogs", ...)` -> 96 / 32 / 32 random uint8 images of varied sizes with 0/1
  labels, given to `tf.data.Dataset.from_generator`; the guide's own `tf.data` chain
  (`map(tf.image.resize)`, `cache().batch().prefetch()`) and `tf.data.experimental.cardinality`
  are kept.
- `keras.applications.Xception(weights="imagenet", ...)` -> `weights=None` (nothing may download).
- epochs 20 / 10 -> 1 / 1. matplotlib figures dropped; the augmentation preview loop keeps its
  `data_augmentation(tf.expand_dims(first_image, 0), training=True)` call.
"""

import numpy as np

rng = np.random.default_rng(0)


def make_split(n):
    return [
        (rng.integers(0, 256, size=(*rng.integers(100, 300, size=2), 3), dtype=np.uint8), np.int64(rng.integers(0, 2)))
        for _ in range(n)
    ]


splits = [make_split(96), make_split(32), make_split(32)]

import tensorflow as tf  # noqa: E402

signature = (tf.TensorSpec(shape=(None, None, 3), dtype=tf.uint8), tf.TensorSpec(shape=(), dtype=tf.int64))
train_ds, validation_ds, test_ds = [
    tf.data.Dataset.from_generator(lambda s=s: iter(s), output_signature=signature) for s in splits
]
print("Number of training samples: %d" % tf.data.experimental.cardinality(train_ds))

size = (150, 150)
train_ds = train_ds.map(lambda x, y: (tf.image.resize(x, size), y))
validation_ds = validation_ds.map(lambda x, y: (tf.image.resize(x, size), y))
test_ds = test_ds.map(lambda x, y: (tf.image.resize(x, size), y))

batch_size = 32
train_ds = train_ds.cache().batch(batch_size).prefetch(buffer_size=10)
validation_ds = validation_ds.cache().batch(batch_size).prefetch(buffer_size=10)
test_ds = test_ds.cache().batch(batch_size).prefetch(buffer_size=10)

import fitwell as keras  # noqa: E402
from fitwell import layers  # noqa: E402

data_augmentation = keras.Sequential([layers.RandomFlip("horizontal"), layers.RandomRotation(0.1)])

for images, labels in train_ds.take(1):
    first_image = images[0]
    for i in range(9):
        augmented_image = data_augmentation(tf.expand_dims(first_image, 0), training=True)

base_model = keras.applications.Xception(weights=None, input_shape=(150, 150, 3), include_top=False)
base_model.trainable = False

inputs = keras.Input(shape=(150, 150, 3))
x = data_augmentation(inputs)
scale_layer = keras.layers.Rescaling(scale=1 / 127.5, offset=-1)
x = scale_layer(x)
x = base_model(x, training=False)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dropout(0.2)(x)
outputs = keras.layers.Dense(1)(x)
model = keras.Model(inputs, outputs)
model.summary()

model.compile(
    optimizer=keras.optimizers.Adam(),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
epochs = 1
model.fit(train_ds, epochs=epochs, validation_data=validation_ds)

base_model.trainable = True
model.summary()
model.compile(
    optimizer=keras.optimizers.Adam(1e-5),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
    metrics=[keras.metrics.BinaryAccuracy()],
)
epochs = 1
model.fit(train_ds, epochs=epochs, validation_data=validation_ds)
