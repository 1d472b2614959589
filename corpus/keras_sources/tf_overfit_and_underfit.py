"""Overfit and underfit (Higgs), with `tf.keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/keras/overfit_and_underfit.ipynb
(stored version 0775cca2).
Changes beyond the name swap:
- `get_file('HIGGS.csv.gz')` + `tf.data.experimental.CsvDataset` (reading the file) -> random float32
  rows of the same layout (label + 28 features), given to `tf.data.Dataset.from_tensor_slices`;
  the tutorial's own `tf.data` chain after that (batch/map(pack_row)/unbatch, take/skip/cache,
  shuffle/repeat/batch) and `fit(train_ds, steps_per_epoch=...)` are kept as they are.
- N_VALIDATION 1000 -> 200, N_TRAIN 10000 -> 1000, BATCH_SIZE 500 -> 100, max_epochs 10000 -> 2.
- The look at one batch keeps its loop but drops its `plt.hist`.
- Display only, dropped: `tfdocs.modeling.EpochDots()` callback, `tfdocs.plots.HistoryPlotter`,
  matplotlib, the learning-rate plot, TensorBoard iframe/log copying.
"""

import pathlib
import shutil
import tempfile

import numpy as np

import fitwell
from fitwell import layers, regularizers

logdir = pathlib.Path(tempfile.mkdtemp()) / "tensorboard_logs"
shutil.rmtree(logdir, ignore_errors=True)

FEATURES = 28
N_VALIDATION = 200
N_TRAIN = 1000
BUFFER_SIZE = 1000
BATCH_SIZE = 100
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE

rng = np.random.default_rng(0)
rows = rng.normal(size=(N_VALIDATION + N_TRAIN, FEATURES + 1)).astype(np.float32)
rows[:, 0] = rng.integers(0, 2, size=N_VALIDATION + N_TRAIN)

import tensorflow as tf  # noqa: E402

ds = tf.data.Dataset.from_tensor_slices(tuple(rows[:, i] for i in range(FEATURES + 1)))


def pack_row(*row):
    label = row[0]
    features = tf.stack(row[1:], 1)
    return features, label


packed_ds = ds.batch(10000).map(pack_row).unbatch()

for features, label in packed_ds.batch(1000).take(1):
    print(features[0])

validate_ds = packed_ds.take(N_VALIDATION).cache()
train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
validate_ds = validate_ds.batch(BATCH_SIZE)
train_ds = train_ds.shuffle(BUFFER_SIZE).repeat().batch(BATCH_SIZE)

lr_schedule = fitwell.optimizers.schedules.InverseTimeDecay(
    0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1, staircase=False
)


def get_optimizer():
    return fitwell.optimizers.Adam(lr_schedule)


step = np.linspace(0, 100000)
lr = lr_schedule(step)


def get_callbacks(name):
    return [
        fitwell.callbacks.EarlyStopping(monitor="val_binary_crossentropy", patience=200),
        fitwell.callbacks.TensorBoard(logdir / name),
    ]


def compile_and_fit(model, name, optimizer=None, max_epochs=2):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(
        optimizer=optimizer,
        loss=fitwell.losses.BinaryCrossentropy(from_logits=True),
        metrics=[fitwell.losses.BinaryCrossentropy(from_logits=True, name="binary_crossentropy"), "accuracy"],
    )
    model.summary()
    history = model.fit(
        train_ds,
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=max_epochs,
        validation_data=validate_ds,
        callbacks=get_callbacks(name),
        verbose=0,
    )
    return history


tiny_model = fitwell.Sequential([layers.Dense(16, activation="elu", input_shape=(FEATURES,)), layers.Dense(1)])
size_histories = {}
size_histories["Tiny"] = compile_and_fit(tiny_model, "sizes/Tiny")

small_model = fitwell.Sequential(
    [layers.Dense(16, activation="elu", input_shape=(FEATURES,)), layers.Dense(16, activation="elu"), layers.Dense(1)]
)
size_histories["Small"] = compile_and_fit(small_model, "sizes/Small")

medium_model = fitwell.Sequential(
    [
        layers.Dense(64, activation="elu", input_shape=(FEATURES,)),
        layers.Dense(64, activation="elu"),
        layers.Dense(64, activation="elu"),
        layers.Dense(1),
    ]
)
size_histories["Medium"] = compile_and_fit(medium_model, "sizes/Medium")

large_model = fitwell.Sequential(
    [
        layers.Dense(512, activation="elu", input_shape=(FEATURES,)),
        layers.Dense(512, activation="elu"),
        layers.Dense(512, activation="elu"),
        layers.Dense(512, activation="elu"),
        layers.Dense(1),
    ]
)
size_histories["large"] = compile_and_fit(large_model, "sizes/large")

regularizer_histories = {}
regularizer_histories["Tiny"] = size_histories["Tiny"]

l2_model = fitwell.Sequential(
    [
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001), input_shape=(FEATURES,)),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(512, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
        layers.Dense(1),
    ]
)
regularizer_histories["l2"] = compile_and_fit(l2_model, "regularizers/l2")

result = l2_model(features)
regularization_loss = tf.add_n(l2_model.losses)

dropout_model = fitwell.Sequential(
    [
        layers.Dense(512, activation="elu", input_shape=(FEATURES,)),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(1),
    ]
)
regularizer_histories["dropout"] = compile_and_fit(dropout_model, "regularizers/dropout")

combined_model = fitwell.Sequential(
    [
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu", input_shape=(FEATURES,)),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(512, kernel_regularizer=regularizers.l2(0.0001), activation="elu"),
        layers.Dropout(0.5),
        layers.Dense(1),
    ]
)
regularizer_histories["combined"] = compile_and_fit(combined_model, "regularizers/combined")
