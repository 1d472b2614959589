"""Text classification with preprocessed text (IMDB subwords), with `tf.keras`/`keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/keras/text_classification.ipynb
(stored version 023b91c8: the TF 2.x text using `tfds.load('imdb_reviews/subwords8k')`, a subword
encoder, `padded_batch`, and an Embedding + GlobalAveragePooling1D model).
Changes beyond the name swap:
- `tfds.load(...)` -> random variable-length int64 reviews (vocabulary 8185 as the subword encoder,
  lengths 20-200, 256 train / 128 test) given to `tf.data.Dataset.from_generator`; the tutorial's
  own `tf.data` chain (`shuffle(...).padded_batch(32)`) and `fit(dataset, validation_steps=30)` kept.
- The subword encoder -> a stand-in holding only `vocab_size = 8185`; the cells that only show
  encode/decode round-trips are dropped. epochs 10 -> 1, validation_steps 30 -> 2.
- `tf.losses.` swapped like `tf.keras.losses.`; matplotlib plots dropped.
"""

import types

import numpy as np

import fitwell
import fitwell as keras

encoder = types.SimpleNamespace(vocab_size=8185)
rng = np.random.default_rng(0)


def make_reviews(n):
    return [
        (rng.integers(1, encoder.vocab_size, size=rng.integers(20, 200)).astype(np.int64), np.int64(rng.integers(0, 2)))
        for _ in range(n)
    ]


train_reviews, test_reviews = make_reviews(256), make_reviews(128)

import tensorflow as tf  # noqa: E402

signature = (tf.TensorSpec(shape=(None,), dtype=tf.int64), tf.TensorSpec(shape=(), dtype=tf.int64))
train_data = tf.data.Dataset.from_generator(lambda: iter(train_reviews), output_signature=signature)
test_data = tf.data.Dataset.from_generator(lambda: iter(test_reviews), output_signature=signature)

for train_example, train_label in train_data.take(1):
    print("Encoded text:", train_example[:10].numpy())
    print("Label:", train_label.numpy())

BUFFER_SIZE = 1000
train_batches = train_data.shuffle(BUFFER_SIZE).padded_batch(32)
test_batches = test_data.padded_batch(32)

model = keras.Sequential(
    [keras.layers.Embedding(encoder.vocab_size, 16), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1)]
)
model.summary()

model.compile(optimizer="adam", loss=fitwell.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
history = model.fit(train_batches, epochs=1, validation_data=test_batches, validation_steps=2)

loss, accuracy = model.evaluate(test_batches)
print("Loss: ", loss)
print("Accuracy: ", accuracy)

history_dict = history.history
history_dict.keys()
acc = history_dict["accuracy"]
val_acc = history_dict["val_accuracy"]
loss = history_dict["loss"]
val_loss = history_dict["val_loss"]
