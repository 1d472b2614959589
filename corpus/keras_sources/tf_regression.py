"""Basic regression: predict fuel efficiency (Auto MPG), with `tf.keras`/`keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/keras/regression.ipynb
(stored version 00c8f5d9: pandas normalization, `build_model()`, RMSprop, EarlyStopping).
Changes beyond the name swap:
- The UCI CSV download/read -> a random pandas DataFrame with the dataset's columns and dtypes
  (200 rows, a few missing Horsepower values, Origin coded 1/2/3).
- `EPOCHS = 1000` -> `EPOCHS = 2`.
- Display only, dropped: seaborn pairplot, matplotlib plots, `tfdocs.plots.HistoryPlotter`, and the
  `tfdocs.modeling.EpochDots()` progress-dots callback (a tensorflow_docs helper, not Keras).
"""

import numpy as np
import pandas as pd

import fitwell
import fitwell as keras
from fitwell import layers

rng = np.random.default_rng(0)
n = 200
raw_dataset = pd.DataFrame(
    {
        "MPG": rng.uniform(9, 46, n),
        "Cylinders": rng.choice([3, 4, 5, 6, 8], n),
        "Displacement": rng.uniform(68, 455, n),
        "Horsepower": rng.uniform(46, 230, n),
        "Weight": rng.uniform(1613, 5140, n),
        "Acceleration": rng.uniform(8, 24.8, n),
        "Model Year": rng.integers(70, 83, n),
        "Origin": rng.integers(1, 4, n),
    }
)
raw_dataset.loc[rng.choice(n, 6, replace=False), "Horsepower"] = np.nan

dataset = raw_dataset.copy()
dataset = dataset.dropna()
dataset["Origin"] = dataset["Origin"].map({1: "USA", 2: "Europe", 3: "Japan"})
dataset = pd.get_dummies(dataset, prefix="", prefix_sep="")

train_dataset = dataset.sample(frac=0.8, random_state=0)
test_dataset = dataset.drop(train_dataset.index)

train_stats = train_dataset.describe()
train_stats.pop("MPG")
train_stats = train_stats.transpose()

train_labels = train_dataset.pop("MPG")
test_labels = test_dataset.pop("MPG")


def norm(x):
    return (x - train_stats["mean"]) / train_stats["std"]


normed_train_data = norm(train_dataset)
normed_test_data = norm(test_dataset)


def build_model():
    model = keras.Sequential(
        [
            layers.Dense(64, activation="relu", input_shape=[len(train_dataset.keys())]),
            layers.Dense(64, activation="relu"),
            layers.Dense(1),
        ]
    )

    optimizer = fitwell.optimizers.RMSprop(0.001)

    model.compile(loss="mse", optimizer=optimizer, metrics=["mae", "mse"])
    return model


model = build_model()
model.summary()

example_batch = normed_train_data[:10]
example_result = model.predict(example_batch)

EPOCHS = 2
history = model.fit(normed_train_data, train_labels, epochs=EPOCHS, validation_split=0.2, verbose=0)

hist = pd.DataFrame(history.history)
hist["epoch"] = history.epoch
hist.tail()

model = build_model()
early_stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10)
early_history = model.fit(
    normed_train_data, train_labels, epochs=EPOCHS, validation_split=0.2, verbose=0, callbacks=[early_stop]
)

loss, mae, mse = model.evaluate(normed_test_data, test_labels, verbose=2)
print("Testing set Mean Abs Error: {:5.2f} MPG".format(mae))

test_predictions = model.predict(normed_test_data).flatten()
error = test_predictions - test_labels
