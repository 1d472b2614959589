"""Save and load models, with `tf.keras`/`keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/keras/save_and_load.ipynb
(stored version 016db152: the TF 2.x text, with `.ckpt` weight checkpoints, SavedModel
directories and `.h5` files).
Changes beyond the name swap:
- `tf.losses.` / `tf.metrics.` (TensorFlow's aliases of `tf.keras.losses`/`metrics`) are swapped
  like `tf.keras.`.
- `mnist.load_data()` -> random uint8 MNIST-shaped arrays (1000 train / 1000 test, as the tutorial
  slices); epochs 10/50/5 -> 1/2/1.
- Shell cells dropped: `!pip install`, `!mkdir -p saved_model` (done with os.makedirs), `!ls`.
- `print(tf.version.VERSION)` dropped; `tf.train.latest_checkpoint` kept (TensorFlow),
  `import tensorflow as tf` moved down to just before it.
- The runner starts each script in an empty temporary directory, so files land there.
"""

import os

import numpy as np

import fitwell
import fitwell as keras

rng = np.random.default_rng(0)
train_images = rng.integers(0, 256, size=(1000, 28, 28), dtype=np.uint8)
train_labels = rng.integers(0, 10, size=(1000,), dtype=np.uint8)
test_images = rng.integers(0, 256, size=(1000, 28, 28), dtype=np.uint8)
test_labels = rng.integers(0, 10, size=(1000,), dtype=np.uint8)

train_labels = train_labels[:1000]
test_labels = test_labels[:1000]
train_images = train_images[:1000].reshape(-1, 28 * 28) / 255.0
test_images = test_images[:1000].reshape(-1, 28 * 28) / 255.0


def create_model():
    model = fitwell.Sequential(
        [
            keras.layers.Dense(512, activation="relu", input_shape=(784,)),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(10),
        ]
    )
    model.compile(
        optimizer="adam",
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[fitwell.metrics.SparseCategoricalAccuracy()],
    )
    return model


model = create_model()
model.summary()

checkpoint_path = "training_1/cp.ckpt"
checkpoint_dir = os.path.dirname(checkpoint_path)
cp_callback = fitwell.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_weights_only=True, verbose=1)
model.fit(train_images, train_labels, epochs=1, validation_data=(test_images, test_labels), callbacks=[cp_callback])
os.listdir(checkpoint_dir)

model = create_model()
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print("Untrained model, accuracy: {:5.2f}%".format(100 * acc))
model.load_weights(checkpoint_path)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print("Restored model, accuracy: {:5.2f}%".format(100 * acc))

checkpoint_path = "training_2/cp-{epoch:04d}.ckpt"
checkpoint_dir = os.path.dirname(checkpoint_path)
batch_size = 32
cp_callback = fitwell.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, verbose=1, save_weights_only=True, save_freq=5 * batch_size
)
model = create_model()
model.save_weights(checkpoint_path.format(epoch=0))
model.fit(
    train_images,
    train_labels,
    epochs=2,
    batch_size=batch_size,
    callbacks=[cp_callback],
    validation_data=(test_images, test_labels),
    verbose=0,
)
os.listdir(checkpoint_dir)

import tensorflow as tf  # noqa: E402

latest = tf.train.latest_checkpoint(checkpoint_dir)
model = create_model()
model.load_weights(latest)
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print("Restored model, accuracy: {:5.2f}%".format(100 * acc))

model.save_weights("./checkpoints/my_checkpoint")
model = create_model()
model.load_weights("./checkpoints/my_checkpoint")
loss, acc = model.evaluate(test_images, test_labels, verbose=2)
print("Restored model, accuracy: {:5.2f}%".format(100 * acc))

model = create_model()
model.fit(train_images, train_labels, epochs=1)
os.makedirs("saved_model", exist_ok=True)
model.save("saved_model/my_model")
new_model = fitwell.models.load_model("saved_model/my_model")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=2)
print("Restored model, accuracy: {:5.2f}%".format(100 * acc))
print(new_model.predict(test_images).shape)

model = create_model()
model.fit(train_images, train_labels, epochs=1)
model.save("my_model.h5")
new_model = fitwell.models.load_model("my_model.h5")
new_model.summary()
loss, acc = new_model.evaluate(test_images, test_labels, verbose=2)
print("Restored model, accuracy: {:5.2f}%".format(100 * acc))
