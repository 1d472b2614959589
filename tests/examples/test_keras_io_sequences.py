"""keras.io sequence examples, ported to fitwell by writing `fitwell` where the example writes `keras`.

As in test_keras_io_vision.py: each example's code is a function of `keras` (the `keras` or the
`fitwell` module), run with both on synthetic data of the example's shapes, comparing parameter
counts, layer tables, History keys, output shapes and, on Keras's initial weights, predictions
(and whole training runs where nothing random differs).

Sources (keras.io):
- "Bidirectional LSTM on IMDB" (examples/nlp/bidirectional_lstm_imdb): `Embedding`, two
  `Bidirectional(LSTM(64))`, `pad_sequences`;
- "Timeseries forecasting for weather prediction" (examples/timeseries/timeseries_weather_forecasting):
  `timeseries_dataset_from_array` windows into `LSTM(32)`, `ModelCheckpoint` and `EarlyStopping`;
- "Timeseries classification with a Transformer model"
  (examples/timeseries/timeseries_classification_transformer): `MultiHeadAttention`,
  `LayerNormalization`, `Conv1D(kernel_size=1)`, `GlobalAveragePooling1D(data_format="channels_first")`.

Adapted:
- Data: IMDB, the Jena climate CSV and FordA are downloads. Random word-id sequences of random
  lengths, a generated 14-feature climate table (10-minute steps, daily cycles) and random
  univariate series with a learnable signal stand in, with fewer samples and epochs.
- IMDB: `max_features=1000` and `maxlen=40` (the example: 20000 and 200) for the training run; the
  example's printed parameter total is checked on a model built with `max_features=20000`.
  `fit` gets `shuffle=False` so that both libraries see the same batches.
- Weather: `step`, `past`, `future` and `batch_size` are the example's (6, 720, 72, 256), on 3,200
  rows instead of 420,551 with `split_fraction = 0.5` instead of 0.715 (4 training batches; the
  validation rows must still hold `past + future` plus a window), for 2 epochs instead of 10.
  `path_checkpoint = "model_checkpoint.h5"` is written `"model_checkpoint.weights.h5"`, the name
  Keras 3 asks for with `save_weights_only=True` (both libraries refuse the old one). Keras's
  `timeseries_dataset_from_array` needs TensorFlow, so its model trains on fitwell's windows as
  arrays (the windows follow Keras's rules, see tests/test_timeseries_dataset.py), unshuffled, as
  a dataset is; `dataset.take(n)` (tf.data's) is written `itertools.islice(dataset, n)`; the plots
  are dropped.
- Transformer: the example's model on FordA's 500 steps is built and compared; training runs on
  a copy built for 50-step series (attention over 500 steps is slow on a CPU), for 2 epochs with
  `patience=1` instead of 200 epochs with `patience=10`.
  `transformer_encoder` and `build_model` take `layers` and `n_classes` as arguments (the example
  reads them as module globals); the pooling is keras.io's `data_format="channels_first"`.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import fitwell
from porting import as_numpy, history_without_learning_rate, layer_table, summary_totals

pytestmark = pytest.mark.keras


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def _assert_same_structure(keras_model, fitwell_model) -> None:
    assert layer_table(fitwell_model) == layer_table(keras_model)
    assert summary_totals(fitwell_model) == summary_totals(keras_model)
    assert fitwell_model.count_params() == keras_model.count_params()


# -- Bidirectional LSTM on IMDB ---------------------------------------------------------------
def bidirectional_lstm_imdb(keras, max_features):
    layers = keras.layers
    # Input for variable-length sequences of integers
    inputs = keras.Input(shape=(None,), dtype="int32")
    # Embed each integer in a 128-dimensional vector
    x = layers.Embedding(max_features, 128)(inputs)
    # Add 2 bidirectional LSTMs
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    # Add a classifier
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    return model


def imdb_like(samples, max_features, rng):
    """Reviews as `imdb.load_data` gives them: lists of word ids after the start mark 1, of varied lengths.

    Positive reviews use more low ids, so there is something to learn.
    """
    labels = rng.integers(0, 2, samples)
    reviews = []
    for label in labels:
        length = int(rng.integers(5, 70))
        high = max_features // 2 if label else max_features
        reviews.append([1] + rng.integers(2, high, length).tolist())
    return reviews, labels


def test_bidirectional_lstm_imdb_matches_keras(keras):
    # The example's model, at its size: 2,757,761 parameters.
    k_full, f_full = bidirectional_lstm_imdb(keras, 20000), bidirectional_lstm_imdb(fitwell, 20000)
    _assert_same_structure(k_full, f_full)
    assert summary_totals(f_full)[0] == 2_757_761
    assert [type(layer).__name__ for layer in f_full.layers] == [
        "InputLayer",
        "Embedding",
        "Bidirectional",
        "Bidirectional",
        "Dense",
    ]

    max_features, maxlen = 1000, 40
    rng = np.random.default_rng(0)
    x_train, y_train = imdb_like(96, max_features, rng)
    x_val, y_val = imdb_like(32, max_features, rng)
    # Use pad_sequence to standardize sequence length:
    # this will truncate sequences longer than maxlen words and zero-pad sequences shorter than maxlen words.
    k_x_train = keras.preprocessing.sequence.pad_sequences(x_train, maxlen=maxlen)
    k_x_val = keras.preprocessing.sequence.pad_sequences(x_val, maxlen=maxlen)
    x_train = fitwell.preprocessing.sequence.pad_sequences(x_train, maxlen=maxlen)
    x_val = fitwell.preprocessing.sequence.pad_sequences(x_val, maxlen=maxlen)
    np.testing.assert_array_equal(x_train, k_x_train)
    np.testing.assert_array_equal(x_val, k_x_val)
    assert x_train.shape == (96, maxlen) and x_train.dtype == k_x_train.dtype == np.int32

    k_model = bidirectional_lstm_imdb(keras, max_features)
    f_model = bidirectional_lstm_imdb(fitwell, max_features)
    _assert_same_structure(k_model, f_model)
    f_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(
        f_model.predict(x_val, verbose=0), k_model.predict(k_x_val, verbose=0), atol=1e-5
    )
    # `shape=(None,)`: any length, without padding.
    short = x_val[:4, -13:]
    np.testing.assert_allclose(
        f_model.predict(short, verbose=0), k_model.predict(short, verbose=0), atol=1e-5
    )

    histories = {}
    for name, model, data in (
        ("keras", k_model, (k_x_train, y_train, k_x_val, y_val)),
        ("fitwell", f_model, (x_train, y_train, x_val, y_val)),
    ):
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
        histories[name] = model.fit(
            data[0],
            data[1],
            batch_size=32,
            epochs=2,
            validation_data=(data[2], data[3]),
            shuffle=False,
            verbose=0,
        )
    k_history, f_history = histories["keras"].history, histories["fitwell"].history
    assert history_without_learning_rate(histories["fitwell"]).keys() == k_history.keys()
    # No randomness: the same weights, batches and Adam give the same run.
    for key, values in k_history.items():
        np.testing.assert_allclose(f_history[key], values, rtol=1e-3, atol=1e-5, err_msg=key)
    np.testing.assert_allclose(
        f_model.predict(x_val, verbose=0), k_model.predict(k_x_val, verbose=0), atol=1e-4
    )


# -- Timeseries forecasting for weather prediction --------------------------------------------
titles = [
    "Pressure",
    "Temperature",
    "Temperature in Kelvin",
    "Temperature (dew point)",
    "Relative Humidity",
    "Saturation vapor pressure",
    "Vapor pressure",
    "Vapor pressure deficit",
    "Specific humidity",
    "Water vapor concentration",
    "Airtight",
    "Wind speed",
    "Maximum wind speed",
    "Wind direction in degrees",
]

feature_keys = [
    "p (mbar)",
    "T (degC)",
    "Tpot (K)",
    "Tdew (degC)",
    "rh (%)",
    "VPmax (mbar)",
    "VPact (mbar)",
    "VPdef (mbar)",
    "sh (g/kg)",
    "H2OC (mmol/mol)",
    "rho (g/m**3)",
    "wv (m/s)",
    "max. wv (m/s)",
    "wd (deg)",
]

date_time_key = "Date Time"

split_fraction = 0.5  # the example: 0.715
step = 6
past = 720
future = 72
learning_rate = 0.001
batch_size = 256
epochs = 2  # the example: 10


def jena_climate_like(rows, rng):
    """The Jena climate table's columns, one row every 10 minutes, with daily cycles."""
    import pandas as pd

    day = np.sin(2 * np.pi * np.arange(rows) / 144)
    weather = np.cumsum(rng.normal(scale=0.05, size=rows))
    temperature = 8 + 6 * day + 3 * weather + rng.normal(scale=0.3, size=rows)
    columns = {
        date_time_key: pd.date_range("2009-01-01 00:10", periods=rows, freq="10min").strftime(
            "%d.%m.%Y %H:%M:%S"
        ),
        "p (mbar)": 990 - 4 * weather + rng.normal(scale=0.5, size=rows),
        "T (degC)": temperature,
        "Tpot (K)": temperature + 274.0,
        "Tdew (degC)": temperature - 4 + rng.normal(size=rows),
        "rh (%)": 75 - 10 * day + rng.normal(scale=2, size=rows),
        "VPmax (mbar)": 6.1 * np.exp(0.07 * temperature),
        "VPact (mbar)": 5 + 0.2 * temperature + rng.normal(scale=0.3, size=rows),
        "VPdef (mbar)": 2 + 0.1 * temperature + rng.normal(scale=0.2, size=rows),
        "sh (g/kg)": 6 + 0.2 * temperature + rng.normal(scale=0.2, size=rows),
        "H2OC (mmol/mol)": 9 + 0.3 * temperature + rng.normal(scale=0.3, size=rows),
        "rho (g/m**3)": 1250 - 4 * temperature + rng.normal(scale=2, size=rows),
        "wv (m/s)": np.abs(2 + rng.normal(size=rows)),
        "max. wv (m/s)": np.abs(3 + rng.normal(size=rows)),
        "wd (deg)": rng.uniform(0, 360, rows),
    }
    return pd.DataFrame(columns)


def normalize(data, train_split):
    data_mean = data[:train_split].mean(axis=0)
    data_std = data[:train_split].std(axis=0)
    return (data - data_mean) / data_std


def weather_datasets(keras, df):
    """The example's preprocessing, from the table to the two datasets."""
    import pandas as pd

    train_split = int(split_fraction * int(df.shape[0]))

    selected_features = [feature_keys[i] for i in [0, 1, 5, 7, 8, 10, 11]]
    features = df[selected_features]
    features.index = df[date_time_key]

    features = normalize(features.values, train_split)
    features = pd.DataFrame(features)

    train_data = features.loc[0 : train_split - 1]
    val_data = features.loc[train_split:]

    start = past + future
    end = start + train_split

    x_train = train_data[[i for i in range(7)]].values
    y_train = features.iloc[start:end][[1]]

    sequence_length = int(past / step)

    dataset_train = keras.preprocessing.timeseries_dataset_from_array(
        x_train,
        y_train,
        sequence_length=sequence_length,
        sampling_rate=step,
        batch_size=batch_size,
    )

    x_end = len(val_data) - past - future

    label_start = train_split + past + future

    x_val = val_data.iloc[:x_end][[i for i in range(7)]].values
    y_val = features.iloc[label_start:][[1]]

    dataset_val = keras.preprocessing.timeseries_dataset_from_array(
        x_val,
        y_val,
        sequence_length=sequence_length,
        sampling_rate=step,
        batch_size=batch_size,
    )
    return dataset_train, dataset_val


def weather_model(keras, inputs):
    inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
    lstm_out = keras.layers.LSTM(32)(inputs)
    outputs = keras.layers.Dense(1)(lstm_out)

    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    return model


def weather_callbacks(keras, path_checkpoint):
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)

    modelckpt_callback = keras.callbacks.ModelCheckpoint(
        monitor="val_loss",
        filepath=path_checkpoint,
        verbose=1,
        save_weights_only=True,
        save_best_only=True,
    )
    return [es_callback, modelckpt_callback]


def _arrays(dataset):
    batches = list(dataset)
    return np.concatenate([as_numpy(x) for x, _ in batches]), np.concatenate(
        [as_numpy(y) for _, y in batches]
    )


# Keras's `load_weights` into a model whose optimizer has not run yet skips the saved optimizer state.
@pytest.mark.filterwarnings("ignore:Skipping variable loading for optimizer:UserWarning")
def test_weather_forecasting_matches_keras(keras, tmp_path, capsys):
    df = jena_climate_like(3200, np.random.default_rng(4))
    dataset_train, dataset_val = weather_datasets(fitwell, df)

    for batch in itertools.islice(dataset_train, 1):
        inputs, targets = batch
    # The example prints (256, 120, 7) and (256, 1).
    assert tuple(inputs.shape) == (256, 120, 7) and tuple(targets.shape) == (256, 1)
    train_split = int(split_fraction * 3200)
    windows = train_split - (120 - 1) * step  # window starts that fit in the training rows
    assert len(dataset_train) == -(-windows // batch_size)

    k_model, f_model = weather_model(keras, inputs), weather_model(fitwell, inputs)
    _assert_same_structure(k_model, f_model)
    assert summary_totals(f_model)[0] == 5_153  # the example's printed total
    f_model.set_weights(k_model.get_weights())
    x_val, y_val = _arrays(dataset_val)
    x_train, y_train = _arrays(dataset_train)
    np.testing.assert_allclose(
        f_model.predict(dataset_val, verbose=0), k_model.predict(x_val, verbose=0), atol=1e-5
    )

    # Keras 3 refuses the example's "model_checkpoint.h5" for weights, and so does fitwell.
    for lib in (keras, fitwell):
        with pytest.raises(ValueError, match="weights.h5"):
            weather_callbacks(lib, str(tmp_path / "model_checkpoint.h5"))

    k_path = str(tmp_path / "keras_model_checkpoint.weights.h5")
    f_path = str(tmp_path / "model_checkpoint.weights.h5")
    k_history = k_model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=epochs,
        validation_data=(x_val, y_val),
        callbacks=weather_callbacks(keras, k_path),
        shuffle=False,
        verbose=0,
    )
    capsys.readouterr()
    history = f_model.fit(
        dataset_train,
        epochs=epochs,
        validation_data=dataset_val,
        callbacks=weather_callbacks(fitwell, f_path),
        verbose=0,
    )
    # verbose=1 on the checkpoint: a line per saved epoch, as Keras prints it.
    printed = capsys.readouterr().out
    assert "val_loss improved from" in printed and "saving model to" in printed
    assert sorted(history_without_learning_rate(history)) == sorted(k_history.history) == ["loss", "val_loss"]
    # The same windows, batches and weights, and no randomness: the same run.
    for key, values in k_history.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-3, err_msg=key)
    assert history.history["loss"][-1] < history.history["loss"][0]

    # The best epoch's weights: fitwell's checkpoint, and Keras's read by fitwell.
    restored = weather_model(fitwell, inputs)
    restored.load_weights(f_path)
    from_keras = weather_model(fitwell, inputs)
    from_keras.load_weights(k_path)
    k_restored = weather_model(keras, inputs)
    k_restored.load_weights(k_path)
    best = restored.predict(x_val, verbose=0)
    np.testing.assert_allclose(best, k_restored.predict(x_val, verbose=0), atol=1e-4)
    np.testing.assert_allclose(
        from_keras.predict(x_val, verbose=0), k_restored.predict(x_val, verbose=0), atol=1e-6
    )
    assert np.mean((best - y_val) ** 2) == pytest.approx(min(history.history["val_loss"]), rel=1e-4)

    # The example's single-step predictions on five validation batches.
    for x, y in itertools.islice(dataset_val, 5):
        plot_data = [x[0][:, 1].numpy(), y[0].numpy(), f_model.predict(x, verbose=0)[0]]
        assert [np.shape(part) for part in plot_data] == [(120,), (1,), (1,)]


# -- Timeseries classification with a Transformer model -----------------------------------------
def transformer_encoder(layers, inputs, head_size, num_heads, ff_dim, dropout=0):
    # Attention and Normalization
    x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(inputs, inputs)
    x = layers.Dropout(dropout)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    res = x + inputs

    # Feed Forward Part
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
    x = layers.Dropout(dropout)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    return x + res


def build_model(
    keras,
    n_classes,
    input_shape,
    head_size,
    num_heads,
    ff_dim,
    num_transformer_blocks,
    mlp_units,
    dropout=0,
    mlp_dropout=0,
):
    layers = keras.layers
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(layers, x, head_size, num_heads, ff_dim, dropout)

    x = layers.GlobalAveragePooling1D(data_format="channels_first")(x)
    for dim in mlp_units:
        x = layers.Dense(dim, activation="relu")(x)
        x = layers.Dropout(mlp_dropout)(x)
    outputs = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


def example_transformer(keras, input_shape, n_classes):
    return build_model(
        keras,
        n_classes,
        input_shape,
        head_size=256,
        num_heads=4,
        ff_dim=4,
        num_transformer_blocks=4,
        mlp_units=[128],
        mlp_dropout=0.4,
        dropout=0.25,
    )


def test_timeseries_transformer_matches_keras(keras):
    rng = np.random.default_rng(5)
    # FordA's shapes: univariate series of 500 steps, labels -1 and 1.
    x_train = rng.normal(size=(4, 500, 1))
    n_classes = 2
    k_model = example_transformer(keras, x_train.shape[1:], n_classes)
    f_model = example_transformer(fitwell, x_train.shape[1:], n_classes)
    _assert_same_structure(k_model, f_model)
    # channels_first pools the single feature axis away: one value per step goes to the head.
    assert tuple(f_model.get_layer(index=-4).output.shape) == (None, 500)
    f_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(
        f_model.predict(x_train, verbose=0), k_model.predict(x_train, verbose=0), atol=1e-5
    )

    # Training, on shorter series.
    steps = np.arange(50)
    y_train = rng.choice([-1, 1], 48)
    x_train = rng.normal(size=(48, 50)) + (y_train[:, None] == 1) * np.sin(steps / 3.0)[None, :]
    x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
    idx = np.random.permutation(len(x_train))
    x_train = x_train[idx]
    y_train = y_train[idx]
    y_train[y_train == -1] = 0

    histories = {}
    for lib in (keras, fitwell):
        model = example_transformer(lib, x_train.shape[1:], n_classes)
        model.compile(
            loss="sparse_categorical_crossentropy",
            optimizer=lib.optimizers.Adam(learning_rate=1e-4),
            metrics=["sparse_categorical_accuracy"],
        )
        callbacks = [lib.callbacks.EarlyStopping(patience=1, restore_best_weights=True)]
        histories[lib.__name__] = model.fit(
            x_train,
            y_train,
            validation_split=0.2,
            epochs=2,
            batch_size=64,
            callbacks=callbacks,
            verbose=0,
        )
        scores = model.evaluate(x_train[:16], y_train[:16], verbose=0)
        assert len(scores) == 2 and 0.0 <= scores[1] <= 1.0
    f_history = histories["fitwell"]
    assert history_without_learning_rate(f_history).keys() == histories["keras"].history.keys()
    assert sorted(f_history.history) == sorted(
        [
            "loss",
            "sparse_categorical_accuracy",
            "val_loss",
            "val_sparse_categorical_accuracy",
            "learning_rate",
        ]
    )
    # Dropout's draws differ between the libraries, so the values are not compared.
    assert all(np.isfinite(values).all() for values in f_history.history.values())
