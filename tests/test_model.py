"""compile / fit / evaluate / predict: the Keras workflow, end to end."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier


def compiled_classifier(**compile_kwargs):
    model = make_classifier()
    options = {
        "optimizer": fitwell.optimizers.Adam(learning_rate=1e-2),
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        "device": "cpu",
    }
    options.update(compile_kwargs)
    model.compile(**options)
    return model


def test_fit_learns_a_learnable_problem(blobs):
    x, y = blobs
    model = compiled_classifier()
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert history.history["loss"][-1] < history.history["loss"][0] / 3


def test_history_has_keras_keys_one_value_per_epoch(blobs):
    x, y = blobs
    model = compiled_classifier(metrics=[fitwell.metrics.SparseCategoricalAccuracy(name="acc")])
    history = model.fit(x, y, validation_split=0.2, epochs=3, batch_size=64, verbose=0)
    assert list(history.history) == ["loss", "acc", "val_loss", "val_acc", "learning_rate"]
    assert all(len(values) == 3 for values in history.history.values())
    assert all(isinstance(v, float) for v in history.history["val_acc"])
    assert history.epoch == [0, 1, 2]
    assert history.params == {"epochs": 3, "steps": 8, "verbose": 0}
    assert model.history is history


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    # 5 samples, batch 2 → batches of 2, 2, 1. With lr=0 the weights never
    # change, so the epoch loss must equal the loss over all samples at once.
    x = np.arange(10, dtype="float32").reshape(5, 2)
    y = np.array([[1.0], [0.0], [3.0], [2.0], [10.0]], dtype="float32")
    model = fitwell.Model(torch.nn.Linear(2, 1))
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="mse", device="cpu")
    history = model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)
    expected = float(((model.predict(x, verbose=0) - y) ** 2).mean())
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-6)


def test_evaluate_returns_values_in_metrics_names_order(blobs):
    x, y = blobs
    model = compiled_classifier(metrics=["accuracy", fitwell.metrics.SparseCategoricalAccuracy(name="sca")])
    model.fit(x, y, epochs=1, verbose=0)
    results = model.evaluate(x, y, verbose=0)
    assert model.metrics_names == ["loss", "accuracy", "sca"]
    named = dict(zip(model.metrics_names, results, strict=True))
    assert named == model.evaluate(x, y, verbose=0, return_dict=True)
    assert 0.0 <= named["accuracy"] <= 1.0


def test_evaluate_without_metrics_returns_a_float(blobs):
    x, y = blobs
    model = compiled_classifier(metrics=None)
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_predict_returns_numpy_in_input_order(blobs):
    x, _ = blobs
    model = compiled_classifier()
    predictions = model.predict(x, batch_size=7, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.shape == (600, 3)
    with torch.no_grad():
        model.eval()
        direct = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(predictions, direct, rtol=1e-6)


def test_validation_split_takes_exactly_the_last_samples(monkeypatch):
    x = np.arange(10, dtype="float32").reshape(10, 1)
    model = fitwell.Model(torch.nn.Linear(1, 1))
    model.compile(optimizer="sgd", loss="mae", device="cpu")
    validated = []
    original = fitwell.trainer.Trainer.test_step

    def spy(trainer, batch):
        validated.extend(batch.x.flatten().tolist())
        return original(trainer, batch)

    monkeypatch.setattr(fitwell.trainer.Trainer, "test_step", spy)
    model.fit(x, x, validation_split=0.3, epochs=2, verbose=0)
    assert validated == [7.0, 8.0, 9.0] * 2


def test_recompiling_resets_adam_state_while_assigning_learning_rate_does_not(blobs):
    x, y = blobs
    model = compiled_classifier()
    model.fit(x, y, epochs=1, verbose=0)
    optimizer = model.optimizer
    moments = [s["exp_avg"].clone() for s in optimizer.torch_optimizer.state.values()]
    assert optimizer.iterations == 19
    model.optimizer.learning_rate = 1e-4
    assert model.optimizer.learning_rate == pytest.approx(1e-4)
    assert optimizer.iterations == 19
    for kept, state in zip(moments, optimizer.torch_optimizer.state.values(), strict=True):
        assert torch.equal(kept, state["exp_avg"])
    model.fit(x, y, epochs=1, verbose=0)
    assert optimizer.iterations == 38  # same state, carried on
    model.compile(
        optimizer=fitwell.optimizers.Adam(3e-4), loss=model.loss, metrics=model.metrics, device="cpu"
    )
    model.fit(x[:32], y[:32], epochs=1, batch_size=32, verbose=0)
    assert model.optimizer.iterations == 1
    steps = [int(s["step"]) for s in model.optimizer.torch_optimizer.state.values()]
    assert set(steps) == {1}


def test_string_names_work_as_in_keras(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["acc"], device="cpu")
    history = model.fit(x, y, epochs=2, verbose=0)
    assert type(model.optimizer).__name__ == "Adam"
    assert "acc" in history.history
    kinds = {key: type(metric).__name__ for key, metric in model.trainer.objectives.metric_keys}
    assert kinds == {"acc": "SparseCategoricalAccuracy"}


def test_accuracy_resolves_to_binary_for_one_output_unit(binary_data):
    x, y = binary_data
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], device="cpu")
    model.fit(x, y, epochs=1, verbose=0)
    ((key, metric),) = model.trainer.objectives.metric_keys
    assert (key, type(metric).__name__, metric.threshold) == ("accuracy", "BinaryAccuracy", 0.5)


def test_wrapping_any_module_and_subclassing_both_train(binary_data):
    x, y = binary_data

    class Net(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(5, 1)

        def forward(self, inputs):
            return self.linear(inputs)

    for model in (Net(), fitwell.Model(torch.nn.Sequential(torch.nn.Linear(5, 1)))):
        model.compile(
            optimizer=fitwell.optimizers.Adam(0.05),
            loss=fitwell.losses.BinaryCrossentropy(from_logits=True),
            metrics=["accuracy"],
            device="cpu",
        )
        history = model.fit(x, y, epochs=10, verbose=0)
        assert history.history["accuracy"][-1] > 0.9


def test_torch_loss_modules_are_called_in_torch_order(blobs):
    x, y = blobs
    model = make_classifier(softmax=False)
    model.compile(optimizer="adam", loss=torch.nn.CrossEntropyLoss(), device="cpu")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_initial_epoch_means_the_index_of_the_first_epoch(blobs):
    x, y = blobs
    model = compiled_classifier()
    history = model.fit(x, y, initial_epoch=1, epochs=3, verbose=0)
    assert history.epoch == [1, 2]


def test_validation_freq_validates_every_nth_epoch(blobs):
    x, y = blobs
    model = compiled_classifier()
    history = model.fit(x, y, validation_split=0.2, epochs=4, validation_freq=2, verbose=0)
    assert len(history.history["loss"]) == 4
    assert len(history.history["val_loss"]) == 2


def test_stop_training_ends_after_the_current_batch(blobs):
    x, y = blobs

    class StopAtBatch(fitwell.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.batches = 0

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1
            if batch == 2:
                self.model.stop_training = True

    stopper = StopAtBatch()
    model = compiled_classifier()
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[stopper])
    assert stopper.batches == 3 and history.epoch == [0]


def test_class_weight_changes_the_loss(blobs):
    x, y = blobs
    model = compiled_classifier(optimizer=fitwell.optimizers.SGD(0.0))
    plain = model.fit(x, y, epochs=1, verbose=0).history["loss"][0]
    weighted = model.fit(x, y, epochs=1, verbose=0, class_weight={0: 0.0}).history["loss"][0]
    model.eval()
    with torch.no_grad():
        probs = model(torch.from_numpy(x))
    per_sample = -torch.log(probs[torch.arange(len(y)), torch.from_numpy(y)].clamp(1e-7, 1 - 1e-7))
    keep = torch.from_numpy(y != 0).float()
    assert plain == pytest.approx(float(per_sample.mean()), rel=1e-5)
    assert weighted == pytest.approx(float((per_sample * keep).mean()), rel=1e-5)


def test_train_test_and_predict_on_batch(blobs):
    x, y = blobs
    model = compiled_classifier()
    loss, accuracy = model.train_on_batch(x[:32], y[:32])
    assert loss > 0 and 0 <= accuracy <= 1
    logs = model.test_on_batch(x[:32], y[:32], return_dict=True)
    assert set(logs) == {"loss", "accuracy"}
    assert model.predict_on_batch(x[:4]).shape == (4, 3)


def test_multi_output_model_logs_each_output(blobs):
    x, y = blobs

    class TwoHeads(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.body = torch.nn.Linear(10, 8)
            self.classes = torch.nn.Linear(8, 3)
            self.value = torch.nn.Linear(8, 1)

        def forward(self, inputs):
            hidden = torch.relu(self.body(inputs))
            return {"classes": self.classes(hidden), "value": self.value(hidden)}

    model = TwoHeads()
    model.compile(
        optimizer="adam",
        loss={"classes": fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), "value": "mse"},
        loss_weights={"classes": 1.0, "value": 0.5},
        metrics={"classes": ["accuracy"], "value": ["mae"]},
        device="cpu",
    )
    targets = {"classes": y, "value": x[:, :1]}
    history = model.fit(x, targets, epochs=2, verbose=0)
    assert set(history.history) == {
        "loss",
        "classes_loss",
        "value_loss",
        "classes_accuracy",
        "value_mae",
        "learning_rate",
    }
    total = history.history["classes_loss"][0] + 0.5 * history.history["value_loss"][0]
    assert history.history["loss"][0] == pytest.approx(total, rel=1e-5)
    predictions = model.predict(x, verbose=0)
    assert set(predictions) == {"classes", "value"} and predictions["value"].shape == (600, 1)


def test_call_receives_training_and_a_call_override_switches_the_mode_for_that_call_only():
    seen = []

    class WithCall(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.dropout = torch.nn.Dropout(0.5)

        def call(self, x, training=None):
            seen.append((training, self.dropout.training))
            return self.dropout(x)

    model = WithCall()
    x = torch.ones(4, 1000)
    model.eval()
    assert torch.equal(model(x), x)  # inference mode: dropout off, training=False passed on
    dropped = model(x, training=True)
    assert (dropped == 0).any() and not model.training  # dropout ran; the mode is back to eval
    model.train()
    assert torch.equal(model(x, training=False), x) and model.training
    assert seen == [(False, False), (True, True), (False, False)]


def test_a_call_without_a_training_argument_and_a_model_without_forward():
    class NoTrainingArgument(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(2, 1)

        def call(self, x):
            return self.linear(x)

    assert NoTrainingArgument()(torch.ones(3, 2), training=True).shape == (3, 1)
    with pytest.raises(NotImplementedError, match=r"define call\(\) or forward\(\)"):
        fitwell.Model()(torch.ones(1))
