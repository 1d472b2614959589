"""Timeseries forecasting for weather prediction (Jena, LSTM), with `tensorflow.keras` swapped for fitwell.

Source: https://github.com/keras-team/keras-io/blob/master/examples/timeseries/timeseries_weather_forecasting.py
(stored version 0a57de48: the tf.keras text).
Changes beyond the name swap:
- `import tensorflow as tf` dropped: the example never uses `tf` beyond the import.
- The Jena CSV zip download -> a random pandas DataFrame with the dataset's 15 columns (a
  "Date Time" string column and 14 float features), 20,000 rows instead of 420,551.
- epochs 10 -> 1, batch_size 256 kept.
- Display only, dropped: matplotlib raw-data plots, heatmap, loss plot and `show_plot` figures
  (the prediction loop keeps its `model.predict(x)` calls).
"""

import numpy as np
import pandas as pd

import fitwell as keras

titles = ["Pressure", "Temperature", "Temperature in Kelvin", "Temperature (dew point)", "Relative Humidity",
          "Saturation vapor pressure", "Vapor pressure", "Vapor pressure deficit", "Specific humidity",
          "Water vapor concentration", "Airtight", "Wind speed", "Maximum wind speed", "Wind direction in degrees"]
feature_keys = ["p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)", "VPact (mbar)",
                "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)", "wv (m/s)", "max. wv (m/s)",
                "wd (deg)"]
date_time_key = "Date Time"

rng = np.random.default_rng(0)
n_rows = 20000
df = pd.DataFrame(rng.normal(size=(n_rows, 14)) * 10 + 100, columns=feature_keys)
df.insert(0, date_time_key, pd.date_range("2009-01-01 00:10", periods=n_rows, freq="10min").strftime("%d.%m.%Y %H:%M:%S"))

split_fraction = 0.715
train_split = int(split_fraction * int(df.shape[0]))
step = 6
past = 720
future = 72
learning_rate = 0.001
batch_size = 256
epochs = 1


def normalize(data, train_split):
    data_mean = data[:train_split].mean(axis=0)
    data_std = data[:train_split].std(axis=0)
    return (data - data_mean) / data_std


print("The selected parameters are:", ", ".join([titles[i] for i in [0, 1, 5, 7, 8, 10, 11]]))
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
    x_train, y_train, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size
)

x_end = len(val_data) - past - future
label_start = train_split + past + future
x_val = val_data.iloc[:x_end][[i for i in range(7)]].values
y_val = features.iloc[label_start:][[1]]

dataset_val = keras.preprocessing.timeseries_dataset_from_array(
    x_val, y_val, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size
)

for batch in dataset_train.take(1):
    inputs, targets = batch

print("Input shape:", inputs.numpy().shape)
print("Target shape:", targets.numpy().shape)

inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
lstm_out = keras.layers.LSTM(32)(inputs)
outputs = keras.layers.Dense(1)(lstm_out)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
model.summary()

path_checkpoint = "model_checkpoint.h5"
es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=5)
modelckpt_callback = keras.callbacks.ModelCheckpoint(
    monitor="val_loss", filepath=path_checkpoint, verbose=1, save_weights_only=True, save_best_only=True
)
history = model.fit(dataset_train, epochs=epochs, validation_data=dataset_val, callbacks=[es_callback, modelckpt_callback])
loss = history.history["loss"]
val_loss = history.history["val_loss"]

for x, y in dataset_val.take(5):
    [x[0][:, 1].numpy(), y[0].numpy(), model.predict(x)[0]]
