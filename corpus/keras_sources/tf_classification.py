"""Basic classification: Fashion-MNIST, with `tf.keras`/`keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/keras/classification.ipynb
Changes beyond the name swap:
- `fashion_mnist.load_data()` -> random uint8 arrays of Fashion-MNIST's shapes (512 / 128).
- `epochs=10` -> `epochs=1`.
- matplotlib plots and `print(tf.__version__)` dropped (display only); the tutorial imports
  tensorflow only for `tf.keras.*` names, all swapped, so `import tensorflow` is gone.
"""

import numpy as np

import fitwell
import fitwell as keras

rng = np.random.default_rng(0)
train_images = rng.integers(0, 256, size=(512, 28, 28), dtype=np.uint8)
train_labels = rng.integers(0, 10, size=(512,), dtype=np.uint8)
test_images = rng.integers(0, 256, size=(128, 28, 28), dtype=np.uint8)
test_labels = rng.integers(0, 10, size=(128,), dtype=np.uint8)

class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]

train_images = train_images / 255.0
test_images = test_images / 255.0

model = keras.Sequential(
    [
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),
    ]
)

model.compile(
    optimizer="adam",
    loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
model.fit(train_images, train_labels, epochs=1)

test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=2)
print("\nTest accuracy:", test_acc)

probability_model = fitwell.Sequential([model, fitwell.layers.Softmax()])
predictions = probability_model.predict(test_images)
predictions[0]
np.argmax(predictions[0])

img = test_images[1]
img = np.expand_dims(img, 0)
predictions_single = probability_model.predict(img)
print(predictions_single)
np.argmax(predictions_single[0])
