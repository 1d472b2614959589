"""Bidirectional LSTM on IMDB (keras.io), with `keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/examples/nlp/bidirectional_lstm_imdb.py
Changes beyond the name swap:
- `keras.datasets.imdb.load_data(num_words=20000)` -> lists of random word ids (1..19999) of
  varied lengths (10-400), 256 train / 64 validation reviews, labels 0/1.
- epochs 2 -> 1.
"""

import numpy as np

import fitwell as keras
from fitwell import layers

max_features = 20000
maxlen = 200

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(max_features, 128)(inputs)
x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
x = layers.Bidirectional(layers.LSTM(64))(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.summary()

rng = np.random.default_rng(0)


def reviews(n):
    return [list(rng.integers(1, max_features, size=rng.integers(10, 400))) for _ in range(n)], rng.integers(0, 2, n)


(x_train, y_train), (x_val, y_val) = reviews(256), reviews(64)
print(len(x_train), "Training sequences")
print(len(x_val), "Validation sequences")
x_train = keras.utils.pad_sequences(x_train, maxlen=maxlen)
x_val = keras.utils.pad_sequences(x_val, maxlen=maxlen)

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=32, epochs=1, validation_data=(x_val, y_val))
