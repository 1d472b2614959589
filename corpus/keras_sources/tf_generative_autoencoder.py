"""Intro to Autoencoders (basic, denoising, ECG anomaly detection), with `tf.keras` swapped for fitwell.

Source: https://github.com/tensorflow/docs/blob/master/site/en/tutorials/generative/autoencoder.ipynb
(stored version 0088fd8b).
Changes beyond the name swap:
- `from tensorflow.keras import layers, losses` / `from tensorflow.keras.models import Model`
  -> the same names from fitwell.
- `fashion_mnist.load_data()` -> random uint8 arrays (512 train / 128 test); the ECG CSV download ->
  a random (500, 141) array whose last column is a 0/1 label. epochs 10/10/20 -> 1/1/1.
- matplotlib plots dropped.
- Kept (TensorFlow ops in the tutorial's own code): `tf.newaxis`, `tf.random.normal`,
  `tf.clip_by_value`, `tf.reshape`, `tf.reduce_min/max`, `tf.cast`, `tf.math.less`;
  `import tensorflow as tf` moved down to just before its first use.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, precision_score, recall_score
from sklearn.model_selection import train_test_split

import fitwell
from fitwell import layers, losses
from fitwell.models import Model

rng = np.random.default_rng(0)


def load_fashion_mnist():
    return (
        (rng.integers(0, 256, size=(512, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=(512,), dtype=np.uint8)),
        (rng.integers(0, 256, size=(128, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=(128,), dtype=np.uint8)),
    )


(x_train, _), (x_test, _) = load_fashion_mnist()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0
print(x_train.shape)
print(x_test.shape)

latent_dim = 64


class Autoencoder(Model):
    def __init__(self, latent_dim):
        super(Autoencoder, self).__init__()
        self.latent_dim = latent_dim
        self.encoder = fitwell.Sequential([layers.Flatten(), layers.Dense(latent_dim, activation="relu")])
        self.decoder = fitwell.Sequential([layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28))])

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = Autoencoder(latent_dim)
autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
autoencoder.fit(x_train, x_train, epochs=1, shuffle=True, validation_data=(x_test, x_test))
encoded_imgs = autoencoder.encoder(x_test).numpy()
decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()

(x_train, _), (x_test, _) = load_fashion_mnist()
x_train = x_train.astype("float32") / 255.0
x_test = x_test.astype("float32") / 255.0

import tensorflow as tf  # noqa: E402

x_train = x_train[..., tf.newaxis]
x_test = x_test[..., tf.newaxis]
print(x_train.shape)

noise_factor = 0.2
x_train_noisy = x_train + noise_factor * tf.random.normal(shape=x_train.shape)
x_test_noisy = x_test + noise_factor * tf.random.normal(shape=x_test.shape)
x_train_noisy = tf.clip_by_value(x_train_noisy, clip_value_min=0.0, clip_value_max=1.0)
x_test_noisy = tf.clip_by_value(x_test_noisy, clip_value_min=0.0, clip_value_max=1.0)
x_train_noisy = tf.reshape(x_train_noisy, shape=x_train_noisy.shape + (1,))
x_test_noisy = tf.reshape(x_test_noisy, shape=x_test_noisy.shape + (1,))


class Denoise(Model):
    def __init__(self):
        super(Denoise, self).__init__()
        self.encoder = fitwell.Sequential(
            [
                layers.Input(shape=(28, 28, 1)),
                layers.Conv2D(16, (3, 3), activation="relu", padding="same", strides=2),
                layers.Conv2D(8, (3, 3), activation="relu", padding="same", strides=2),
            ]
        )
        self.decoder = fitwell.Sequential(
            [
                layers.Conv2DTranspose(8, kernel_size=3, strides=2, activation="relu", padding="same"),
                layers.Conv2DTranspose(16, kernel_size=3, strides=2, activation="relu", padding="same"),
                layers.Conv2D(1, kernel_size=(3, 3), activation="sigmoid", padding="same"),
            ]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = Denoise()
autoencoder.compile(optimizer="adam", loss=losses.MeanSquaredError())
autoencoder.fit(x_train_noisy, x_train, epochs=1, shuffle=True, validation_data=(x_test_noisy, x_test))
autoencoder.encoder.summary()
autoencoder.decoder.summary()
encoded_imgs = autoencoder.encoder(x_test).numpy()
decoded_imgs = autoencoder.decoder(encoded_imgs).numpy()

ecg = rng.normal(size=(500, 141))
ecg[:, -1] = rng.integers(0, 2, size=500)
dataframe = pd.DataFrame(ecg)
raw_data = dataframe.values
labels = raw_data[:, -1]
data = raw_data[:, 0:-1]
train_data, test_data, train_labels, test_labels = train_test_split(data, labels, test_size=0.2, random_state=21)

min_val = tf.reduce_min(train_data)
max_val = tf.reduce_max(train_data)
train_data = (train_data - min_val) / (max_val - min_val)
test_data = (test_data - min_val) / (max_val - min_val)
train_data = tf.cast(train_data, tf.float32)
test_data = tf.cast(test_data, tf.float32)

train_labels = train_labels.astype(bool)
test_labels = test_labels.astype(bool)
normal_train_data = train_data[train_labels]
normal_test_data = test_data[test_labels]
anomalous_train_data = train_data[~train_labels]
anomalous_test_data = test_data[~test_labels]


class AnomalyDetector(Model):
    def __init__(self):
        super(AnomalyDetector, self).__init__()
        self.encoder = fitwell.Sequential(
            [layers.Dense(32, activation="relu"), layers.Dense(16, activation="relu"), layers.Dense(8, activation="relu")]
        )
        self.decoder = fitwell.Sequential(
            [layers.Dense(16, activation="relu"), layers.Dense(32, activation="relu"), layers.Dense(140, activation="sigmoid")]
        )

    def call(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return decoded


autoencoder = AnomalyDetector()
autoencoder.compile(optimizer="adam", loss="mae")
history = autoencoder.fit(
    normal_train_data, normal_train_data, epochs=1, batch_size=512, validation_data=(test_data, test_data), shuffle=True
)
encoded_data = autoencoder.encoder(normal_test_data).numpy()
decoded_data = autoencoder.decoder(encoded_data).numpy()

reconstructions = autoencoder.predict(normal_train_data)
train_loss = fitwell.losses.mae(reconstructions, normal_train_data)
threshold = np.mean(train_loss) + np.std(train_loss)
print("Threshold: ", threshold)

reconstructions = autoencoder.predict(anomalous_test_data)
test_loss = fitwell.losses.mae(reconstructions, anomalous_test_data)


def predict(model, data, threshold):
    reconstructions = model(data)
    loss = fitwell.losses.mae(reconstructions, data)
    return tf.math.less(loss, threshold)


def print_stats(predictions, labels):
    print("Accuracy = {}".format(accuracy_score(labels, predictions)))
    print("Precision = {}".format(precision_score(labels, predictions)))
    print("Recall = {}".format(recall_score(labels, predictions)))


preds = predict(autoencoder, test_data, threshold)
print_stats(preds, test_labels)
