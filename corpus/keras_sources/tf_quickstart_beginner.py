"""TensorFlow 2 quickstart for beginners, with `tf.keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/quickstart/beginner.ipynb
Changes beyond the name swap:
- `mnist.load_data()` -> random uint8 arrays of MNIST's shapes (512 train / 128 test images).
- `epochs=5` -> `epochs=1`.
- `print(tf.__version__)` dropped (display only).
- Kept: `tf.nn.softmax(predictions).numpy()` (a TensorFlow op in the tutorial's own code);
  `import tensorflow as tf` moved down to just before that line.
"""

import numpy as np

import fitwell

rng = np.random.default_rng(0)
x_train = rng.integers(0, 256, size=(512, 28, 28), dtype=np.uint8)
y_train = rng.integers(0, 10, size=(512,), dtype=np.uint8)
x_test = rng.integers(0, 256, size=(128, 28, 28), dtype=np.uint8)
y_test = rng.integers(0, 10, size=(128,), dtype=np.uint8)

x_train, x_test = x_train / 255.0, x_test / 255.0

model = fitwell.models.Sequential(
    [
        fitwell.layers.Flatten(input_shape=(28, 28)),
        fitwell.layers.Dense(128, activation="relu"),
        fitwell.layers.Dropout(0.2),
        fitwell.layers.Dense(10),
    ]
)

predictions = model(x_train[:1]).numpy()
print(predictions)

import tensorflow as tf  # noqa: E402

tf.nn.softmax(predictions).numpy()

loss_fn = fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
loss_fn(y_train[:1], predictions).numpy()

model.compile(optimizer="adam", loss=loss_fn, metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1)
model.evaluate(x_test, y_test, verbose=2)

probability_model = fitwell.Sequential([model, fitwell.layers.Softmax()])
probability_model(x_test[:5])
