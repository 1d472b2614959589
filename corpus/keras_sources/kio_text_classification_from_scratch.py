"""Text classification from scratch (IMDB, keras.io), with `keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/examples/nlp/text_classification_from_scratch.py
Changes beyond the name swap:
- The aclImdb tarball download -> text files written into `aclImdb/{train,test}/{neg,pos}/`
  (40 + 40 train, 16 + 16 test reviews of 30-120 random words with "<br />" tags), in the
  (temporary) cwd; the `unsup` folder removal is moot.
- epochs 3 -> 1.
- Kept (TensorFlow, the example's own code): `tf.strings.lower/regex_replace` in the
  standardization, `tf.expand_dims` in `vectorize_text`, and the `tf.data`-style `.map`,
  `.cache().prefetch()` calls on the datasets; `import tensorflow as tf` moved down to just before
  its first use.
"""

import os
import re
import string

import numpy as np

import fitwell as keras
from fitwell import layers

rng = np.random.default_rng(0)
words = ["good", "bad", "movie", "film", "great", "awful", "plot", "actor", "boring", "fun", "the", "a", "and",
         "was", "is", "not", "very", "story", "scene", "end"]
for split, n in [("train", 40), ("test", 16)]:
    for label in ["neg", "pos"]:
        os.makedirs(f"aclImdb/{split}/{label}", exist_ok=True)
        for i in range(n):
            text = " ".join(rng.choice(words, size=rng.integers(30, 120)))
            with open(f"aclImdb/{split}/{label}/{i}_7.txt", "w") as f:
                f.write(text.replace("plot", "plot.<br /><br />"))

batch_size = 32
raw_train_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/train", batch_size=batch_size, validation_split=0.2, subset="training", seed=1337
)
raw_val_ds = keras.utils.text_dataset_from_directory(
    "aclImdb/train", batch_size=batch_size, validation_split=0.2, subset="validation", seed=1337
)
raw_test_ds = keras.utils.text_dataset_from_directory("aclImdb/test", batch_size=batch_size)
print(f"Number of batches in raw_train_ds: {raw_train_ds.cardinality()}")

for text_batch, label_batch in raw_train_ds.take(1):
    for i in range(5):
        print(text_batch.numpy()[i])
        print(label_batch.numpy()[i])

import tensorflow as tf  # noqa: E402


def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, f"[{re.escape(string.punctuation)}]", "")


max_features = 20000
embedding_dim = 128
sequence_length = 500

vectorize_layer = keras.layers.TextVectorization(
    standardize=custom_standardization,
    max_tokens=max_features,
    output_mode="int",
    output_sequence_length=sequence_length,
)
text_ds = raw_train_ds.map(lambda x, y: x)
vectorize_layer.adapt(text_ds)


def vectorize_text(text, label):
    text = tf.expand_dims(text, -1)
    return vectorize_layer(text), label


train_ds = raw_train_ds.map(vectorize_text)
val_ds = raw_val_ds.map(vectorize_text)
test_ds = raw_test_ds.map(vectorize_text)
train_ds = train_ds.cache().prefetch(buffer_size=10)
val_ds = val_ds.cache().prefetch(buffer_size=10)
test_ds = test_ds.cache().prefetch(buffer_size=10)

inputs = keras.Input(shape=(None,), dtype="int64")
x = layers.Embedding(max_features, embedding_dim)(inputs)
x = layers.Dropout(0.5)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.Conv1D(128, 7, padding="valid", activation="relu", strides=3)(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(128, activation="relu")(x)
x = layers.Dropout(0.5)(x)
predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
model = keras.Model(inputs, predictions)
model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])

epochs = 1
model.fit(train_ds, validation_data=val_ds, epochs=epochs)
model.evaluate(test_ds)

inputs = keras.Input(shape=(1,), dtype="string")
indices = vectorize_layer(inputs)
outputs = model(indices)
end_to_end_model = keras.Model(inputs, outputs)
end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
end_to_end_model.evaluate(raw_test_ds)
