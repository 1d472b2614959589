"""Keras's guide "Customizing what happens in fit() with PyTorch", ported to fitwell.

Each example's model class is written once, against a library `lib` (the `fitwell` or the
`keras` module, which spell the same names: `Model`, `layers.Dense`, `metrics.Mean`, ...), so
the very same `train_step`/`test_step` code runs on both. Both start from the same weights,
see the same unshuffled batches (and the same noise, drawn from identically seeded torch
generators), and must log the same History, epoch by epoch.

Differences a Keras user meets here, and how the code bridges them:
- gradients: Keras's guide reads `v.value.grad` (a Keras variable wraps a torch Parameter);
  fitwell's weights *are* Parameters, so it is `v.grad` (`gradients()` below does either);
- fitwell's `compile` takes `device=`; the Keras-compared tests pin fitwell to the CPU, as Keras
  (torch backend, no GPU) runs there;
- fitwell always records `learning_rate` in History (docs/keras.md); Keras only with a
  schedule callback, so that key is left out of the comparison.
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np
import pytest
import torch

import fitwell

SAMPLES, FEATURES, BATCH, EPOCHS = 200, 32, 32, 3
STEPS = math.ceil(SAMPLES / BATCH)  # 7 batches, the last one of 8 samples
RTOL = 1e-5


# -- helpers -----------------------------------------------------------------------------------
def gradients(variables) -> list[torch.Tensor | None]:
    """`v.grad` for fitwell's Parameters, `v.value.grad` for Keras's variables (the guide's spelling)."""
    return [getattr(v, "value", v).grad for v in variables]


def compile_options(lib: ModuleType) -> dict:
    return {"device": "cpu"} if lib is fitwell else {}


def set_dense(layer, kernel: np.ndarray, bias: np.ndarray) -> None:
    """Give a built Dense layer (fitwell's or Keras's) the Keras-layout `kernel` (in, out) and `bias`."""
    if hasattr(layer, "kernel"):  # Keras
        layer.set_weights([kernel, bias])
        return
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(kernel.T))  # fitwell stores (out, in), as torch does
        layer.bias.copy_(torch.from_numpy(bias))


def dense_values(layer) -> tuple[np.ndarray, np.ndarray]:
    """A Dense layer's kernel (Keras layout) and bias, as numpy."""
    if hasattr(layer, "kernel"):  # Keras
        return tuple(np.asarray(w) for w in layer.get_weights())  # type: ignore[return-value]
    return layer.weight.detach().cpu().numpy().T, layer.bias.detach().cpu().numpy()


def build_with(model, kernel: np.ndarray, bias: np.ndarray):
    """Build `model` (which holds `self.dense`) on a zeros batch, then set its Dense weights."""
    with torch.no_grad():
        model(torch.zeros(2, kernel.shape[0]))
    set_dense(model.dense, kernel, bias)
    return model


def assert_same_history(got, expected, keys: set[str]) -> None:
    got_keys = set(got.history) - {"learning_rate"}
    expected_keys = set(expected.history) - {"learning_rate"}
    assert got_keys == expected_keys == keys
    for key in sorted(keys):
        np.testing.assert_allclose(got.history[key], expected.history[key], rtol=RTOL, err_msg=key)
    assert got.epoch == expected.epoch


def assert_same_dense(fitwell_layer, keras_layer) -> None:
    for got, expected in zip(dense_values(fitwell_layer), dense_values(keras_layer), strict=True):
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-6)


@pytest.fixture
def regression():
    """x (200, 32), y (200, 1) from a linear teacher, and a small initial kernel and bias."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=(SAMPLES, FEATURES)).astype("float32")
    y = (x @ rng.normal(size=(FEATURES, 1)) * 0.5 + 0.3).astype("float32")
    kernel = (rng.normal(size=(FEATURES, 1)) * 0.1).astype("float32")
    bias = np.array([0.05], "float32")
    return x, y, kernel, bias


def fit_both(make_model, regression, keras, *, compile_kwargs: dict, **fit_kwargs):
    """Build, compile and fit `make_model(lib)` with fitwell and with Keras; returns both (model, History)."""
    x, y, kernel, bias = regression
    results = {}
    for lib in (fitwell, keras):
        model = build_with(make_model(lib), kernel, bias)
        model.compile(**compile_kwargs, **compile_options(lib))
        history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0, **fit_kwargs)
        results[lib] = (model, history)
    return results[fitwell], results[keras]


# -- the guide's models, written once for both libraries ------------------------------------------
def first_example(lib: ModuleType):
    """The guide's first example: compute_loss, backward, optimizer.apply, then every metric."""

    class CustomModel(lib.Model):
        def __init__(self):
            super().__init__()
            self.dense = lib.layers.Dense(1)

        def call(self, x, training=None):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            self.zero_grad()  # torch.nn.Module's: drop the previous step's gradients
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            loss.backward()
            trainable_weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply(gradients(trainable_weights), trainable_weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel()


def lower_level_example(lib: ModuleType):
    """No compiled loss or metrics: the model owns its loss function, trackers and `metrics`."""

    class CustomModel(lib.Model):
        def __init__(self):
            super().__init__()
            self.dense = lib.layers.Dense(1)
            self.loss_tracker = lib.metrics.Mean(name="loss")
            self.mae_metric = lib.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = lib.losses.MeanSquaredError()

        def call(self, x, training=None):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
            loss.backward()
            trainable_weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply(gradients(trainable_weights), trainable_weights)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            # Listed here so that fit() and evaluate() reset them at each epoch.
            return [self.loss_tracker, self.mae_metric]

    return CustomModel()


def sample_weight_example(lib: ModuleType):
    """The first example, with `(x, y, sample_weight)` batches passed on to the loss and metrics."""

    class CustomModel(lib.Model):
        def __init__(self):
            super().__init__()
            self.dense = lib.layers.Dense(1)

        def call(self, x, training=None):
            return self.dense(x)

        def train_step(self, data):
            if len(data) == 3:
                x, y, sample_weight = data
            else:
                (x, y), sample_weight = data, None
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            loss.backward()
            trainable_weights = list(self.trainable_weights)
            with torch.no_grad():
                self.optimizer.apply(gradients(trainable_weights), trainable_weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel()


def custom_test_step_example(lib: ModuleType):
    """A custom `test_step` that `evaluate()` runs: the loss tracker averages batch losses."""

    class CustomModel(lib.Model):
        def __init__(self):
            super().__init__()
            self.dense = lib.layers.Dense(1)

        def call(self, x, training=None):
            return self.dense(x)

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return CustomModel()


LATENT, IMAGE, HIDDEN = 4, 8, 16


def gan_example(lib: ModuleType, seed: int):
    """The guide's GAN with small Dense nets; noise comes from a torch generator seeded with `seed`."""

    class GAN(lib.Model):
        def __init__(self):
            super().__init__()
            self.discriminator = lib.Sequential(
                [
                    lib.Input(shape=(IMAGE,)),
                    lib.layers.Dense(HIDDEN, activation="relu"),
                    lib.layers.Dense(1),
                ]
            )
            self.generator = lib.Sequential(
                [
                    lib.Input(shape=(LATENT,)),
                    lib.layers.Dense(HIDDEN, activation="relu"),
                    lib.layers.Dense(IMAGE),
                ]
            )
            self.latent_dim = LATENT
            self.noise = torch.Generator().manual_seed(seed)
            self.d_loss_tracker = lib.metrics.Mean(name="d_loss")
            self.g_loss_tracker = lib.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
            super().compile(**kwargs)
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def latent_vectors(self, batch_size, device):
            return torch.randn((batch_size, self.latent_dim), generator=self.noise).to(device)

        def train_step(self, real_images):
            if isinstance(real_images, tuple | list):
                real_images = real_images[0]
            batch_size = real_images.shape[0]
            device = real_images.device

            # Train the discriminator on generated (label 1) and real (label 0) samples.
            generated = self.generator(self.latent_vectors(batch_size, device))
            combined = torch.concat([generated, real_images], dim=0)
            labels = torch.concat(
                [torch.ones((batch_size, 1), device=device), torch.zeros((batch_size, 1), device=device)]
            )
            labels = labels + 0.05 * torch.rand(labels.shape, generator=self.noise).to(device)
            self.zero_grad()
            d_loss = self.loss_fn(labels, self.discriminator(combined))
            d_loss.backward()
            d_weights = self.discriminator.trainable_weights
            with torch.no_grad():
                self.d_optimizer.apply(gradients(d_weights), d_weights)

            # Train the generator to make the discriminator say "real" (label 0).
            misleading_labels = torch.zeros((batch_size, 1), device=device)
            self.zero_grad()
            predictions = self.discriminator(self.generator(self.latent_vectors(batch_size, device)))
            g_loss = self.loss_fn(misleading_labels, predictions)
            g_loss.backward()
            g_weights = self.generator.trainable_weights
            with torch.no_grad():
                self.g_optimizer.apply(gradients(g_weights), g_weights)

            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    return GAN()


# -- the guide's examples, compared with Keras ----------------------------------------------------
@pytest.mark.keras
def test_train_step_with_compute_loss_and_model_metrics_matches_keras(regression):
    keras = pytest.importorskip("keras")
    (model, got), (reference, expected) = fit_both(
        first_example,
        regression,
        keras,
        compile_kwargs={"optimizer": "adam", "loss": "mse", "metrics": ["mae"]},
    )
    assert (
        [m.name for m in model.metrics] == [m.name for m in reference.metrics] == ["loss", "compile_metrics"]
    )
    assert_same_history(got, expected, {"loss", "mae"})
    assert got.history["loss"][-1] < got.history["loss"][0]  # it trained
    assert_same_dense(model.dense, reference.dense)


@pytest.mark.keras
def test_lower_level_train_step_with_own_metrics_matches_keras(regression):
    keras = pytest.importorskip("keras")
    (model, got), (reference, expected) = fit_both(
        lower_level_example, regression, keras, compile_kwargs={"optimizer": "adam"}
    )
    assert_same_history(got, expected, {"loss", "mae"})
    assert_same_dense(model.dense, reference.dense)
    # Reset at each epoch: after fit the trackers hold the last epoch only, one value per batch.
    assert float(model.loss_tracker.count) == float(keras.ops.convert_to_numpy(reference.loss_tracker.count))
    assert float(model.loss_tracker.count) == STEPS
    np.testing.assert_allclose(float(model.loss_tracker.result()), got.history["loss"][-1], rtol=1e-6)
    np.testing.assert_allclose(float(model.mae_metric.count), SAMPLES)
    np.testing.assert_allclose(float(model.mae_metric.result()), got.history["mae"][-1], rtol=1e-6)


@pytest.mark.keras
def test_train_step_with_sample_weight_matches_keras(regression):
    keras = pytest.importorskip("keras")
    sample_weight = np.random.default_rng(3).uniform(0.0, 2.0, size=SAMPLES).astype("float32")
    (model, got), (reference, expected) = fit_both(
        sample_weight_example,
        regression,
        keras,
        compile_kwargs={"optimizer": "adam", "loss": "mse", "metrics": ["mae"], "weighted_metrics": ["mse"]},
        sample_weight=sample_weight,
    )
    assert_same_history(got, expected, {"loss", "mae", "mse"})
    assert_same_dense(model.dense, reference.dense)


@pytest.mark.keras
def test_custom_test_step_in_evaluate_matches_keras(regression):
    keras = pytest.importorskip("keras")
    x, y, kernel, bias = regression
    results = {}
    for lib in (fitwell, keras):
        model = build_with(custom_test_step_example(lib), kernel, bias)
        model.compile(loss="mse", metrics=["mae"], **compile_options(lib))
        as_dict = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
        as_list = model.evaluate(x, y, batch_size=BATCH, verbose=0)
        results[lib] = (as_dict, as_list)
    (got_dict, got_list), (expected_dict, expected_list) = results[fitwell], results[keras]
    assert set(got_dict) == set(expected_dict) == {"loss", "mae"}
    for key in expected_dict:
        np.testing.assert_allclose(got_dict[key], float(expected_dict[key]), rtol=RTOL, err_msg=key)
    np.testing.assert_allclose(got_list, np.asarray(expected_list, dtype="float64"), rtol=RTOL)
    # The custom step averages the 7 batch losses without weighting them by batch size.
    errors = (x @ kernel + bias - y) ** 2
    batch_losses = [errors[i : i + BATCH].mean() for i in range(0, SAMPLES, BATCH)]
    np.testing.assert_allclose(got_dict["loss"], np.mean(batch_losses), rtol=RTOL)


@pytest.mark.keras
def test_gan_with_two_optimizers_matches_keras():
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(5)
    real = (rng.normal(size=(SAMPLES, IMAGE)) * 0.5 + 1.0).astype("float32")
    shapes = {
        "discriminator": [(IMAGE, HIDDEN), (HIDDEN, 1)],
        "generator": [(LATENT, HIDDEN), (HIDDEN, IMAGE)],
    }
    initial = {
        net: [
            (
                (rng.normal(size=shape) * 0.3).astype("float32"),
                (rng.normal(size=shape[1]) * 0.1).astype("float32"),
            )
            for shape in layer_shapes
        ]
        for net, layer_shapes in shapes.items()
    }
    results = {}
    for lib in (fitwell, keras):
        gan = gan_example(lib, seed=42)
        if lib is keras:
            # Keras 3.15 cannot build a model that has no call() itself; its parts are built.
            gan.built = True
        for net, values in initial.items():
            for layer, (kernel, bias) in zip(getattr(gan, net).layers, values, strict=True):
                set_dense(layer, kernel, bias)
        gan.compile(
            d_optimizer=lib.optimizers.Adam(learning_rate=3e-3),
            g_optimizer=lib.optimizers.Adam(learning_rate=3e-3),
            loss_fn=lib.losses.BinaryCrossentropy(from_logits=True),
            **compile_options(lib),
        )
        history = gan.fit(real, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0)
        results[lib] = (gan, history)
    (gan, got), (reference, expected) = results[fitwell], results[keras]
    assert_same_history(got, expected, {"d_loss", "g_loss"})
    # Each optimizer updated its own network only, and built itself at its first apply().
    assert gan.d_optimizer.iterations == gan.g_optimizer.iterations == EPOCHS * STEPS
    for net in ("discriminator", "generator"):
        for layer, keras_layer in zip(getattr(gan, net).layers, getattr(reference, net).layers, strict=True):
            assert_same_dense(layer, keras_layer)


# -- fitwell alone: recompiling, callbacks and predict_step with custom steps ----------------------
def fitwell_model(make_model, regression):
    _, _, kernel, bias = regression
    return build_with(make_model(fitwell), kernel, bias)


def test_recompile_with_model_loss_and_metrics_keeps_the_names(regression):
    x, y, _, _ = regression
    model = fitwell_model(first_example, regression)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], device="cpu")
    first = model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    # A twin at the trained weights, compiled from names: the recompiled model must match it.
    twin = fitwell_model(first_example, regression)
    twin.load_state_dict(model.state_dict())
    twin.compile(optimizer="adam", loss="mse", metrics=["mae"], device="cpu")

    model.compile(optimizer="adam", loss=model.loss, metrics=model.metrics, device="cpu")
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    second = model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    expected = twin.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    assert list(second.history) == list(first.history)
    assert {"loss", "mae"} <= set(second.history)
    for key in ("loss", "mae"):
        assert np.all(np.isfinite(second.history[key]))
        np.testing.assert_allclose(second.history[key], expected.history[key], rtol=1e-6, err_msg=key)
    # Fresh metric states: the second fit's first epoch is not averaged with the first fit's.
    assert second.history["loss"][0] < first.history["loss"][-1]


def test_custom_train_step_still_drives_callbacks(regression):
    x, y, kernel, bias = regression
    model = fitwell_model(first_example, regression)
    # Learning rate 0: the weights never move, so every batch loss is known in advance.
    model.compile(
        optimizer=fitwell.optimizers.SGD(learning_rate=0.0), loss="mse", metrics=["mae"], device="cpu"
    )
    batch_logs: list[tuple[int, dict[str, float]]] = []
    recorder = fitwell.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: batch_logs.append((batch, dict(logs)))
    )
    stopper = fitwell.callbacks.EarlyStopping(monitor="loss", patience=1)
    history = model.fit(
        x, y, batch_size=BATCH, epochs=10, shuffle=False, verbose=0, callbacks=[recorder, stopper]
    )
    # The loss never improves: epoch 0 sets the best, epoch 1 uses up the patience, training stops.
    assert history.epoch == [0, 1]
    assert stopper.stopped_epoch == 1
    predictions = x @ kernel + bias
    batch_mse = [((predictions - y)[i : i + BATCH] ** 2).mean() for i in range(0, SAMPLES, BATCH)]
    running_mse = np.cumsum(batch_mse) / np.arange(1, STEPS + 1)
    assert [batch for batch, _ in batch_logs] == list(range(STEPS)) * 2
    for epoch in range(2):
        logged = batch_logs[epoch * STEPS : (epoch + 1) * STEPS]
        assert all({"loss", "mae"} <= set(logs) for _, logs in logged)
        np.testing.assert_allclose([logs["loss"] for _, logs in logged], running_mse, rtol=RTOL)
        np.testing.assert_allclose(history.history["loss"][epoch], running_mse[-1], rtol=RTOL)
    np.testing.assert_allclose(history.history["mae"], [np.abs(predictions - y).mean()] * 2, rtol=RTOL)


def test_overridden_predict_step_is_used_by_predict(regression):
    x, _, kernel, bias = regression

    class Probabilities(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.dense = fitwell.layers.Dense(1)
            self.batch_sizes: list[int] = []

        def call(self, x, training=None):
            return self.dense(x)

        def predict_step(self, data):
            x = data[0] if isinstance(data, tuple | list) else data
            self.batch_sizes.append(x.shape[0])
            return torch.sigmoid(self(x, training=False))

    model = build_with(Probabilities(), kernel, bias)
    model.compile(optimizer="adam", loss="mse", device="cpu")
    predicted = model.predict(x, batch_size=BATCH, verbose=0)
    assert model.batch_sizes == [BATCH] * (STEPS - 1) + [SAMPLES - BATCH * (STEPS - 1)]
    np.testing.assert_allclose(predicted, 1.0 / (1.0 + np.exp(-(x @ kernel + bias))), rtol=1e-5)
    np.testing.assert_allclose(model.predict_on_batch(x[:5]), predicted[:5], rtol=1e-6)


def test_ops_and_random_make_new_tensors_on_the_device_the_model_runs_on(monkeypatch):
    # On a GPU the model runs on CUDA while torch's default device is the CPU; a layer's
    # ops.zeros/random.normal must follow the model (here: a stand-in device checked by a spy).
    from fitwell import devices, ops

    seen = []

    class Noisy(fitwell.layers.Layer):
        def call(self, x):
            seen.append(
                (devices.current_device(), ops.zeros((1,)).device, fitwell.random.normal((1,)).device)
            )
            return x

    model = fitwell.Sequential([fitwell.Input(shape=(2,)), Noisy(), fitwell.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), epochs=1, verbose=0)
    assert seen and all(device == model.trainer.device for entry in seen for device in entry)
    with devices.device_scope(torch.device("meta")):
        assert ops.ones((2,)).device.type == fitwell.random.uniform((2,)).device.type == "meta"
    assert ops.ones((2,)).device == torch.get_default_device()  # outside a run: torch's default
