"""`fitwell.utils.PyDataset`: batches by index, workers, epoch hooks, errors; checked against Keras."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest
import torch

import fitwell
from fitwell.utils import PyDataset

pytestmark = pytest.mark.filterwarnings("ignore:`shuffle=True` was passed:UserWarning")


def regression_data(n=40, features=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    return x, (x @ rng.normal(size=(features, 1))).astype("float32")


class ArrayBatches(PyDataset):
    """Batches sliced from arrays; records every index read and every epoch hook."""

    def __init__(self, x, y=None, batch_size=8, *, as_tensors=False, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.as_tensors = x, y, batch_size, as_tensors
        self.read: list[int] = []
        self.hooks: list[str] = []
        self._lock = threading.Lock()

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        with self._lock:
            self.read.append(index)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        x = self.x[part]
        y = None if self.y is None else self.y[part]
        if self.as_tensors:
            x = torch.as_tensor(x)
            y = None if y is None else torch.as_tensor(y)
        return x if y is None else (x, y)

    def on_epoch_begin(self):
        self.hooks.append("begin")

    def on_epoch_end(self):
        self.hooks.append("end")


def dense_model(features=3, seed=0):
    fitwell.utils.set_random_seed(seed)
    model = fitwell.Sequential([fitwell.Input(shape=(features,)), fitwell.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


# -- against Keras ----------------------------------------------------------------
@pytest.mark.keras
def test_fit_evaluate_predict_on_a_py_dataset_match_keras():
    keras = pytest.importorskip("keras")
    x, y = regression_data()
    x_val, y_val = regression_data(16, seed=1)

    class KerasBatches(keras.utils.PyDataset):
        def __init__(self, x, y):
            super().__init__()
            self.x, self.y = x, y

        def __len__(self):
            return math.ceil(len(self.x) / 8)

        def __getitem__(self, index):
            return self.x[index * 8 : (index + 1) * 8], self.y[index * 8 : (index + 1) * 8]

    reference = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    reference.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model = dense_model()
    model.set_weights(reference.get_weights())
    expected = reference.fit(
        KerasBatches(x, y), validation_data=KerasBatches(x_val, y_val), epochs=3, shuffle=False, verbose=0
    )
    history = model.fit(
        ArrayBatches(x, y), validation_data=ArrayBatches(x_val, y_val), epochs=3, shuffle=False, verbose=0
    )
    for key, values in expected.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, err_msg=key)
    assert history.params["steps"] == 5
    np.testing.assert_allclose(
        model.evaluate(ArrayBatches(x_val, y_val), verbose=0),
        reference.evaluate(KerasBatches(x_val, y_val), verbose=0),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        model.predict(ArrayBatches(x_val), verbose=0),
        reference.predict(KerasBatches(x_val, y_val), verbose=0),
        rtol=1e-5,
        atol=1e-6,
    )


# -- workers ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "options",
    [{"workers": 2}, {"workers": 3, "max_queue_size": 1}, {"workers": 2, "use_multiprocessing": True}],
)
def test_workers_give_the_same_history_as_reading_on_the_main_thread(options):
    x, y = regression_data(64)
    x_val, y_val = regression_data(24, seed=1)

    def run(**kwargs):
        model = dense_model()
        history = model.fit(
            ArrayBatches(x, y, **kwargs),
            validation_data=ArrayBatches(x_val, y_val, **kwargs),
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        return history.history, model.predict(ArrayBatches(x_val, **kwargs), verbose=0)

    expected_history, expected_predictions = run()
    history, predictions = run(**options)
    assert history == expected_history
    np.testing.assert_array_equal(predictions, expected_predictions)


def test_workers_read_ahead_while_the_model_trains():
    x, y = regression_data(64)
    second_batch_read = threading.Event()

    class Signalling(ArrayBatches):
        def __getitem__(self, index):
            if index == 1:
                second_batch_read.set()
            return super().__getitem__(index)

    class Probe(fitwell.callbacks.Callback):
        def __init__(self, wait):
            super().__init__()
            self.wait, self.ahead = wait, None

        def on_train_batch_end(self, batch, logs=None):
            if batch == 0:
                self.ahead = second_batch_read.wait(timeout=10) if self.wait else second_batch_read.is_set()

    # With workers, batch 1 is read while batch 0 trains; without, only when it is needed.
    probe = Probe(wait=True)
    dense_model().fit(Signalling(x, y, workers=2), epochs=1, shuffle=False, verbose=0, callbacks=[probe])
    assert probe.ahead is True
    second_batch_read.clear()
    probe = Probe(wait=False)
    dense_model().fit(Signalling(x, y), epochs=1, shuffle=False, verbose=0, callbacks=[probe])
    assert probe.ahead is False


# -- shuffling and epoch hooks -----------------------------------------------------
def test_shuffle_visits_every_batch_once_per_epoch_in_a_new_order():
    x, y = regression_data(80)
    dataset = ArrayBatches(x, y)
    fitwell.utils.set_random_seed(3)
    dense_model().fit(dataset, epochs=3, verbose=0)  # shuffle=True, Keras's default
    epochs = [dataset.read[1 + 10 * i : 1 + 10 * (i + 1)] for i in range(3)]  # read[0]: building
    assert all(sorted(order) == list(range(10)) for order in epochs)
    assert len({tuple(order) for order in epochs}) == 3
    again = ArrayBatches(x, y)
    fitwell.utils.set_random_seed(3)
    dense_model().fit(again, epochs=3, verbose=0)
    assert again.read == dataset.read  # the order comes from torch's seeded generator


def test_validation_and_evaluation_batches_are_never_shuffled():
    x, y = regression_data(32)
    validation = ArrayBatches(x, y)
    dense_model().fit(ArrayBatches(x, y), validation_data=validation, epochs=2, verbose=0)
    assert validation.read[-8:] == [0, 1, 2, 3] * 2  # (before: batch 0 read once for checks)


def test_epoch_hooks_wrap_every_epoch_of_fit_evaluate_and_predict():
    x, y = regression_data(32)
    train, validation = ArrayBatches(x, y), ArrayBatches(x, y)
    model = dense_model()
    model.fit(train, validation_data=validation, epochs=3, verbose=0)
    assert train.hooks == ["begin", "end"] * 3
    assert validation.hooks == ["begin", "end"] * 3
    evaluated, predicted = ArrayBatches(x, y), ArrayBatches(x)
    model.evaluate(evaluated, verbose=0)
    model.predict(predicted, verbose=0)
    assert evaluated.hooks == predicted.hooks == ["begin", "end"]


def test_on_epoch_end_runs_when_an_epoch_stops_early():
    x, y = regression_data(32)

    class StopAtSecondBatch(fitwell.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    train = ArrayBatches(x, y)
    dense_model().fit(train, epochs=3, shuffle=False, verbose=0, callbacks=[StopAtSecondBatch()])
    assert train.hooks == ["begin", "end"]
    assert train.read == [0, 0, 1]
    evaluated = ArrayBatches(x, y, workers=2)
    dense_model().evaluate(evaluated, steps=2, verbose=0)
    assert evaluated.hooks == ["begin", "end"]


def test_on_epoch_end_can_change_the_data_the_next_epoch_reads():
    x, y = regression_data(16)

    class Reversing(ArrayBatches):
        def on_epoch_end(self):
            self.x, self.y = self.x[::-1].copy(), self.y[::-1].copy()

    seen = []

    class Watch(fitwell.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(dataset.x[0, 0])

    for options in ({}, {"workers": 2, "use_multiprocessing": True}):
        seen.clear()
        dataset = Reversing(x, y, batch_size=16, **options)
        dense_model().fit(dataset, epochs=2, shuffle=False, verbose=0, callbacks=[Watch()])
        assert seen == [x[0, 0], x[-1, 0]]


# -- batch contents ------------------------------------------------------------------
def test_a_dict_of_inputs_trains_as_the_same_arrays_do():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(24, 2)).astype("float32"), rng.normal(size=(24, 3)).astype("float32")
    y = rng.normal(size=(24, 1)).astype("float32")

    class TwoInputs(PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            part = slice(index * 8, (index + 1) * 8)
            return {"a": a[part], "b": b[part]}, y[part]

    def build():
        fitwell.utils.set_random_seed(0)
        inputs = {"a": fitwell.Input(shape=(2,), name="a"), "b": fitwell.Input(shape=(3,), name="b")}
        merged = fitwell.layers.Concatenate()([inputs["a"], inputs["b"]])
        model = fitwell.Model(inputs, fitwell.layers.Dense(1)(merged))
        model.compile(optimizer="sgd", loss="mse")
        return model

    expected = build().fit({"a": a, "b": b}, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    model = build()
    history = model.fit(TwoInputs(workers=2), epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)
    assert model.predict(TwoInputs(), verbose=0).shape == (24, 1)


def test_tensors_sample_weights_and_lists_are_batches_too():
    x, y = regression_data(16)
    weights = np.linspace(0.5, 2.0, 16).astype("float32")

    class Weighted(PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            part = slice(index * 8, (index + 1) * 8)
            return [torch.as_tensor(x[part]), torch.as_tensor(y[part]), torch.as_tensor(weights[part])]

    expected = dense_model().evaluate(x, y, sample_weight=weights, batch_size=8, verbose=0)
    np.testing.assert_allclose(dense_model().evaluate(Weighted(), verbose=0), expected, rtol=1e-6)
    tensors = ArrayBatches(x, y, as_tensors=True)
    np.testing.assert_allclose(
        dense_model().evaluate(tensors, verbose=0), dense_model().evaluate(x, y, batch_size=8, verbose=0)
    )


def test_class_weight_weighs_the_batches_of_a_py_dataset():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype("float32")
    labels = rng.integers(0, 2, size=(32, 1)).astype("float32")

    def run(data, **kwargs):
        fitwell.utils.set_random_seed(0)
        model = fitwell.Sequential([fitwell.Input(shape=(3,)), fitwell.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="sgd", loss="binary_crossentropy")
        return model.fit(data, class_weight={0: 1.0, 1: 4.0}, epochs=2, shuffle=False, verbose=0, **kwargs)

    expected = run(x, y=labels, batch_size=8)
    history = run(ArrayBatches(x, labels))
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-6)


def test_an_endless_py_dataset_runs_for_the_given_steps():
    x, y = regression_data(16)

    class Endless(PyDataset):
        def __init__(self):
            super().__init__(workers=2)
            self.read = []

        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            self.read.append(index)
            row = index % 16
            return x[row : row + 1], y[row : row + 1]

    dataset = Endless()
    history = dense_model().fit(dataset, epochs=2, steps_per_epoch=3, verbose=0)
    assert len(history.history["loss"]) == 2 and history.params["steps"] == 3
    # Keras keeps reading where the last epoch stopped.
    assert dataset.read[:1] == [0] and sorted(set(dataset.read[1:]))[:6] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(ValueError, match=r"`x` is an endless Endless.*Pass `steps_per_epoch=`"):
        dense_model().fit(Endless(), verbose=0)
    with pytest.raises(ValueError, match="`validation_data` is an endless Endless"):
        dense_model().fit(x, y, validation_data=Endless(), verbose=0)


# -- errors --------------------------------------------------------------------------
class Broken(ArrayBatches):
    def __getitem__(self, index):
        if index == 2:
            raise KeyError(f"no file for batch {index}")
        return super().__getitem__(index)


@pytest.mark.parametrize(
    "options",
    [{}, {"workers": 2}, {"workers": 2, "use_multiprocessing": True}],
    ids=["main", "threads", "processes"],
)
def test_an_error_in_getitem_surfaces_with_its_type_and_message(options):
    x, y = regression_data(40)
    dataset = Broken(x, y, **options)
    with pytest.raises(KeyError, match="no file for batch 2"):
        dense_model().fit(dataset, epochs=1, shuffle=False, verbose=0)
    with pytest.raises(KeyError, match="no file for batch 2"):
        dense_model().predict(Broken(x, **options), verbose=0)


def test_a_py_dataset_without_length_or_batches_is_refused():
    class NoLength(PyDataset):
        def __getitem__(self, index):
            return np.zeros((2, 3), dtype="float32")

    with pytest.raises(TypeError, match=r"`x` is a NoLength without a length. Implement `__len__"):
        dense_model().predict(NoLength(), verbose=0)
    with pytest.raises(ValueError, match=r"`x` is a ArrayBatches with no batches: its `__len__`"):
        dense_model().predict(ArrayBatches(np.zeros((0, 3), dtype="float32")), verbose=0)

    class NoItems(PyDataset):
        def __len__(self):
            return 1

    with pytest.raises(NotImplementedError, match=r"NoItems must implement `__getitem__"):
        dense_model().predict(NoItems(), verbose=0)


def test_arguments_the_py_dataset_already_holds_are_refused_or_ignored():
    x, y = regression_data(16)
    model = dense_model()
    with pytest.raises(ValueError, match=r"When `x` is a ArrayBatches, `y` must not be passed"):
        model.fit(ArrayBatches(x, y), y, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` only works with array data"):
        model.fit(ArrayBatches(x, y), validation_split=0.5, verbose=0)
    with pytest.warns(UserWarning, match=r"`batch_size=4` is ignored: the ArrayBatches \(a PyDataset\)"):
        history = model.fit(ArrayBatches(x, y), batch_size=4, verbose=0)
    assert history.params["steps"] == 2


def test_bad_batches_and_options_get_clear_errors():
    x, y = regression_data(16)

    class FourParts(ArrayBatches):
        def __getitem__(self, index):
            return (*super().__getitem__(index), None, None)

    with pytest.raises(ValueError, match=r"FourParts.__getitem__ must return `x`, `\(x,\)`.*tuple of 4"):
        dense_model().fit(FourParts(x, y), verbose=0)

    class Weighted(ArrayBatches):
        def __getitem__(self, index):
            return (*super().__getitem__(index), np.ones(8, dtype="float32"))

    with pytest.raises(ValueError, match="returns sample weights, and fit\\(\\) got `class_weight`"):
        dense_model().fit(Weighted(x, y), class_weight={0: 1.0}, verbose=0)
    with pytest.raises(ValueError, match=r"`workers` must be an integer >= 0.*Received: workers=-1"):
        ArrayBatches(x, y, workers=-1)
    with pytest.raises(ValueError, match=r"`max_queue_size` must be an integer >= 1.*max_queue_size=0"):
        ArrayBatches(x, y, max_queue_size=0)
    with pytest.raises(ValueError, match=r"`use_multiprocessing` must be True or False"):
        ArrayBatches(x, y, use_multiprocessing="yes")


def test_a_subclass_that_skips_super_init_warns_and_uses_the_defaults():
    x, y = regression_data(16)

    class Forgetful(PyDataset):
        def __init__(self):
            self.batch_size = 8  # no super().__init__()

        def __len__(self):
            return 2

        def __getitem__(self, index):
            return x[index * 8 : (index + 1) * 8], y[index * 8 : (index + 1) * 8]

    dataset = Forgetful()
    with pytest.warns(
        UserWarning, match=r"Forgetful.__init__ does not call `super\(\).__init__\(\*\*kwargs\)`"
    ):
        history = dense_model().fit(dataset, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (1, False, 10)


def test_iterating_a_py_dataset_reads_its_batches_in_order():
    x, y = regression_data(20)
    batches = list(ArrayBatches(x, y, workers=4))
    assert len(batches) == 3 and len(batches[-1][0]) == 4
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), x)
    assert fitwell.utils.Sequence is PyDataset


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_batches_are_pinned_for_the_copy_to_the_gpu():
    from fitwell.py_dataset_data import PyDatasetData

    x, y = regression_data(16)
    data = PyDatasetData(ArrayBatches(x, y), shuffle=False, device=torch.device("cuda"))
    prepared = data._prepare(ArrayBatches(x, y)[0])
    assert prepared[0].is_pinned() and prepared[1].is_pinned()
    assert data.first_batch().x.is_cuda


def test_a_py_dataset_under_several_processes_warns_that_each_reads_everything():
    x, y = regression_data(16)
    with pytest.warns(UserWarning, match=r"Running on 2 processes, and every process reads all batches"):
        fitwell.data.as_data(
            ArrayBatches(x, y), batch_size=None, shuffle=False, device=torch.device("cpu"), shard=(0, 2)
        )


def test_a_lone_tensor_is_the_inputs_of_a_batch():
    x, _ = regression_data(16)
    model = dense_model()
    np.testing.assert_allclose(
        model.predict(ArrayBatches(x, as_tensors=True), verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
