"""Deep Learning with Python (2nd ed.), chapter 4: getting started with neural networks, with
`tensorflow.keras` swapped for fitwell.

Source: https://github.com/fchollet/deep-learning-with-python-notebooks/blob/master/chapter04_getting-started-with-neural-networks.ipynb
Ported: the chapter's code cells for its three problems: IMDB (multi-hot, binary), Reuters
(46 classes, one-hot then integer labels), Boston housing (K-fold regression).
Changes beyond the name swap (`from tensorflow.keras.datasets import imdb` etc. are replaced by
the synthetic data below, `from tensorflow.keras.utils import to_categorical` swapped):
- `imdb.load_data(num_words=10000)` -> 3000 train / 1000 test reviews of random word ids;
  `reuters.load_data(num_words=10000)` -> 2000 / 500 newswires with labels 0..45;
  `boston_housing.load_data()` -> random float arrays of its shapes (404, 13) / (102, 13).
- The validation slices 10000 (IMDB) and 1000 (Reuters) -> 1000 and 500; epochs 20/4/9/100/500
  -> 2; K-fold keeps k=4.
- matplotlib plots dropped.
"""

import numpy as np

import fitwell as keras
from fitwell import layers
from fitwell.utils import to_categorical

rng = np.random.default_rng(0)


def sequences(n, num_words=10000):
    return np.array([list(rng.integers(1, num_words, size=rng.integers(20, 300))) for _ in range(n)], dtype=object)


(train_data, train_labels), (test_data, test_labels) = (
    (sequences(3000), rng.integers(0, 2, 3000)),
    (sequences(1000), rng.integers(0, 2, 1000)),
)


def vectorize_sequences(sequences, dimension=10000):
    results = np.zeros((len(sequences), dimension))
    for i, sequence in enumerate(sequences):
        for j in sequence:
            results[i, j] = 1.0
    return results


x_train = vectorize_sequences(train_data)
x_test = vectorize_sequences(test_data)
y_train = np.asarray(train_labels).astype("float32")
y_test = np.asarray(test_labels).astype("float32")

model = keras.Sequential(
    [layers.Dense(16, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")]
)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
x_val = x_train[:1000]
partial_x_train = x_train[1000:]
y_val = y_train[:1000]
partial_y_train = y_train[1000:]
history = model.fit(partial_x_train, partial_y_train, epochs=2, batch_size=512, validation_data=(x_val, y_val))
history_dict = history.history
history_dict.keys()
loss_values = history_dict["loss"]
val_loss_values = history_dict["val_loss"]
acc = history_dict["accuracy"]
val_acc = history_dict["val_accuracy"]

model = keras.Sequential(
    [layers.Dense(16, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(1, activation="sigmoid")]
)
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=512)
results = model.evaluate(x_test, y_test)
model.predict(x_test)

(train_data, train_labels), (test_data, test_labels) = (
    (sequences(2000), rng.integers(0, 46, 2000)),
    (sequences(500), rng.integers(0, 46, 500)),
)
x_train = vectorize_sequences(train_data)
x_test = vectorize_sequences(test_data)


def to_one_hot(labels, dimension=46):
    results = np.zeros((len(labels), dimension))
    for i, label in enumerate(labels):
        results[i, label] = 1.0
    return results


y_train = to_one_hot(train_labels)
y_test = to_one_hot(test_labels)
y_train = to_categorical(train_labels)
y_test = to_categorical(test_labels)

model = keras.Sequential(
    [layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(46, activation="softmax")]
)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
x_val = x_train[:500]
partial_x_train = x_train[500:]
y_val = y_train[:500]
partial_y_train = y_train[500:]
history = model.fit(partial_x_train, partial_y_train, epochs=2, batch_size=512, validation_data=(x_val, y_val))
loss = history.history["loss"]
val_loss = history.history["val_loss"]
acc = history.history["accuracy"]
val_acc = history.history["val_accuracy"]

model = keras.Sequential(
    [layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(46, activation="softmax")]
)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=2, batch_size=512)
results = model.evaluate(x_test, y_test)
predictions = model.predict(x_test)
predictions[0].shape
np.sum(predictions[0])
np.argmax(predictions[0])

y_train = np.array(train_labels)
y_test = np.array(test_labels)
model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

model = keras.Sequential(
    [layers.Dense(64, activation="relu"), layers.Dense(4, activation="relu"), layers.Dense(46, activation="softmax")]
)
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(partial_x_train, partial_y_train, epochs=2, batch_size=128, validation_data=(x_val, y_val))

(train_data, train_targets), (test_data, test_targets) = (
    (rng.uniform(0, 100, (404, 13)), rng.uniform(5, 50, 404)),
    (rng.uniform(0, 100, (102, 13)), rng.uniform(5, 50, 102)),
)
mean = train_data.mean(axis=0)
train_data -= mean
std = train_data.std(axis=0)
train_data /= std
test_data -= mean
test_data /= std


def build_model():
    model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(64, activation="relu"), layers.Dense(1)])
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


k = 4
num_val_samples = len(train_data) // k
num_epochs = 2
all_scores = []
for i in range(k):
    print(f"Processing fold #{i}")
    val_data = train_data[i * num_val_samples : (i + 1) * num_val_samples]
    val_targets = train_targets[i * num_val_samples : (i + 1) * num_val_samples]
    partial_train_data = np.concatenate([train_data[: i * num_val_samples], train_data[(i + 1) * num_val_samples :]], axis=0)
    partial_train_targets = np.concatenate(
        [train_targets[: i * num_val_samples], train_targets[(i + 1) * num_val_samples :]], axis=0
    )
    model = build_model()
    model.fit(partial_train_data, partial_train_targets, epochs=num_epochs, batch_size=16, verbose=0)
    val_mse, val_mae = model.evaluate(val_data, val_targets, verbose=0)
    all_scores.append(val_mae)

all_mae_histories = []
for i in range(k):
    val_data = train_data[i * num_val_samples : (i + 1) * num_val_samples]
    val_targets = train_targets[i * num_val_samples : (i + 1) * num_val_samples]
    partial_train_data = np.concatenate([train_data[: i * num_val_samples], train_data[(i + 1) * num_val_samples :]], axis=0)
    partial_train_targets = np.concatenate(
        [train_targets[: i * num_val_samples], train_targets[(i + 1) * num_val_samples :]], axis=0
    )
    model = build_model()
    history = model.fit(
        partial_train_data, partial_train_targets, validation_data=(val_data, val_targets), epochs=num_epochs,
        batch_size=16, verbose=0,
    )
    mae_history = history.history["val_mae"]
    all_mae_histories.append(mae_history)
average_mae_history = [np.mean([x[i] for x in all_mae_histories]) for i in range(num_epochs)]

model = build_model()
model.fit(train_data, train_targets, epochs=2, batch_size=16, verbose=0)
test_mse_score, test_mae_score = model.evaluate(test_data, test_targets)
predictions = model.predict(test_data)
predictions[0]
