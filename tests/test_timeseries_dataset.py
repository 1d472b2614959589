"""`fitwell.utils.timeseries_dataset_from_array`: Keras's windows and targets, batched.

Keras's own function returns a `tf.data.Dataset` (or a Grain dataset), so without TensorFlow or
Grain it cannot run here. The expected windows are computed independently, one window at a time,
from the definition in Keras's documentation and source (`keras/src/utils/timeseries_dataset_utils.py`):
`num_windows = end_index - start_index - (sequence_length - 1) * sampling_rate`, capped at
`len(targets)`; window `k` starts at `start_index + k * sequence_stride` and takes every
`sampling_rate`-th step; its target is `targets[start]`.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.utils import timeseries_dataset_from_array


def keras_windows(
    data, targets, sequence_length, sequence_stride=1, sampling_rate=1, start_index=None, end_index=None
):
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    windows, labels = [], []
    for position in range(0, count, sequence_stride):
        first = start_index + position
        windows.append(np.stack([data[first + step * sampling_rate] for step in range(sequence_length)]))
        if targets is not None:
            labels.append(targets[first])
    return np.stack(windows), None if targets is None else np.stack(labels)


def concatenated(dataset):
    batches = list(dataset)
    if isinstance(batches[0], tuple):
        return tuple(np.concatenate([np.asarray(b[i]) for b in batches]) for i in range(2))
    return np.concatenate([np.asarray(b) for b in batches]), None


def test_keras_documented_example_of_strided_sampled_windows():
    # Keras's docstring, example 1: indices 0..98, sequence_length=10, sampling_rate=2, sequence_stride=3.
    dataset = timeseries_dataset_from_array(
        np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3, batch_size=8
    )
    windows, _ = concatenated(dataset)
    np.testing.assert_array_equal(windows[0], np.arange(0, 20, 2))
    np.testing.assert_array_equal(windows[1], np.arange(3, 22, 2))
    np.testing.assert_array_equal(windows[2], np.arange(6, 25, 2))
    np.testing.assert_array_equal(windows[-1], np.arange(78, 97, 2))
    assert len(windows) == 27 and len(dataset) == 4


def test_keras_documented_example_of_next_step_targets():
    # Example 2: the past 10 steps predict the next one.
    data = np.random.default_rng(0).normal(size=(50,))
    dataset = timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10)
    inputs, targets = next(iter(dataset))
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10]
    assert inputs.dtype == torch.float64  # the data's dtype is kept, as Keras keeps it


def test_keras_documented_example_of_paired_datasets():
    # Example 3: non-overlapping windows of inputs and targets from two datasets.
    x = np.arange(100)
    y = x * 2
    inputs = timeseries_dataset_from_array(x, None, sequence_length=20, sequence_stride=20)
    targets = timeseries_dataset_from_array(y, None, sequence_length=20, sequence_stride=20)
    for batch_x, batch_y in zip(inputs, targets, strict=True):
        np.testing.assert_array_equal(batch_x[0], x[:20])
        np.testing.assert_array_equal(batch_y[1], y[20:40])


CASES = {
    "defaults": {"sequence_length": 5},
    "stride and rate": {"sequence_length": 4, "sequence_stride": 3, "sampling_rate": 2},
    "start and end": {"sequence_length": 3, "start_index": 7, "end_index": 40},
    "end only": {"sequence_length": 6, "sampling_rate": 3, "end_index": 30},
    "one step": {"sequence_length": 1},
    "window fills the data": {"sequence_length": 47},
}


@pytest.mark.parametrize("options", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("batch_size", [1, 4, 128])
def test_windows_and_targets_are_keras_windows(options, batch_size):
    rng = np.random.default_rng(1)
    data = rng.normal(size=(47, 2)).astype("float32")
    targets = rng.integers(0, 5, size=(47,))
    dataset = timeseries_dataset_from_array(data, targets, batch_size=batch_size, **options)
    expected_x, expected_y = keras_windows(data, targets, **options)
    batches = list(dataset)
    assert len(batches) == len(dataset) == -(-len(expected_x) // batch_size)
    assert all(len(b[0]) == batch_size for b in batches[:-1])
    windows, labels = concatenated(dataset)
    np.testing.assert_array_equal(windows, expected_x)
    np.testing.assert_array_equal(labels, expected_y)


def test_shorter_targets_drop_the_last_windows_as_keras():
    data = np.arange(30, dtype="float32")
    # A common pattern: targets = the step after each window, which the last window lacks.
    dataset = timeseries_dataset_from_array(data, data[5:], sequence_length=5, batch_size=100)
    windows, labels = concatenated(dataset)
    expected_x, expected_y = keras_windows(data, data[5:], 5)
    np.testing.assert_array_equal(windows, expected_x)
    np.testing.assert_array_equal(labels, expected_y)
    np.testing.assert_array_equal(labels, windows[:, -1] + 1)


def test_unbatched_dataset_yields_single_windows():
    data = torch.arange(12.0).reshape(6, 2)
    windows = list(timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=None))
    assert len(windows) == 4
    assert torch.equal(windows[1], data[1:4])


def test_shuffle_keeps_each_window_with_its_target_and_draws_keras_first_order():
    data = np.arange(200, dtype="float32")
    targets = data + 1000
    dataset = timeseries_dataset_from_array(
        data, targets, sequence_length=4, batch_size=16, shuffle=True, seed=7
    )
    first, second = concatenated(dataset), concatenated(dataset)
    expected_x, _ = keras_windows(data, targets, 4)
    keras_order = np.arange(len(expected_x))
    np.random.RandomState(7).shuffle(keras_order)  # Keras's draw of the window starts
    np.testing.assert_array_equal(first[0], expected_x[keras_order])
    for windows, labels in (first, second):
        np.testing.assert_array_equal(labels, windows[:, 0] + 1000)
        assert sorted(windows[:, 0]) == sorted(expected_x[:, 0])
    assert not np.array_equal(first[0], second[0])  # a new order every pass
    again = timeseries_dataset_from_array(
        data, targets, sequence_length=4, batch_size=16, shuffle=True, seed=7
    )
    np.testing.assert_array_equal(concatenated(again)[0], first[0])
    np.testing.assert_array_equal(concatenated(again)[0], second[0])


def test_an_abandoned_pass_does_not_change_the_next_order():
    data = np.arange(100, dtype="float32")
    dataset = timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=8, shuffle=True, seed=1)
    next(iter(dataset))  # peek, as fit does to build the model
    reference = timeseries_dataset_from_array(
        data, None, sequence_length=3, batch_size=8, shuffle=True, seed=1
    )
    np.testing.assert_array_equal(concatenated(dataset)[0], concatenated(reference)[0])


def test_fit_evaluate_and_predict_take_the_dataset_as_the_same_arrays():
    rng = np.random.default_rng(0)
    series = rng.normal(size=(80, 2)).astype("float32")
    targets = series[:, :1] * 2.0
    dataset = timeseries_dataset_from_array(series, targets, sequence_length=6, batch_size=16)
    windows, labels = concatenated(dataset)

    def build():
        fitwell.utils.set_random_seed(0)
        model = fitwell.Sequential(
            [fitwell.Input(shape=(6, 2)), fitwell.layers.Flatten(), fitwell.layers.Dense(1)]
        )
        model.compile(optimizer="sgd", loss="mse")
        return model

    model, expected = build(), build()
    history = model.fit(dataset, epochs=2, verbose=0)  # fit does not reorder a dataset of ready batches
    reference = expected.fit(windows, labels, batch_size=16, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(history.history["loss"], reference.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(
        model.evaluate(dataset, verbose=0), expected.evaluate(windows, labels, verbose=0)
    )
    inputs_only = timeseries_dataset_from_array(series, None, sequence_length=6, batch_size=16)
    np.testing.assert_allclose(
        model.predict(inputs_only, verbose=0), expected.predict(windows, verbose=0), rtol=1e-6
    )


def test_a_long_series_is_windowed_without_a_python_loop_per_window():
    data = np.random.default_rng(0).normal(size=(100_000, 8)).astype("float32")
    dataset = timeseries_dataset_from_array(data, data[:, 0], sequence_length=64, batch_size=1024)
    count = sum(len(batch_x) for batch_x, _ in dataset)
    assert count == 100_000 - 63


@pytest.mark.parametrize(
    "options, error, match",
    [
        ({"sequence_length": 60}, ValueError, r"One window spans 60 steps.*more than the 50 steps"),
        ({"sequence_length": 10, "sampling_rate": 6}, ValueError, r"One window spans 55 steps"),
        ({"sequence_length": 0}, ValueError, r"`sequence_length` must be an integer higher than 0"),
        ({"sequence_length": 2.5}, ValueError, r"Received: sequence_length=2.5"),
        ({"sequence_length": 3, "sequence_stride": 50}, ValueError, r"`sequence_stride` must be lower than"),
        ({"sequence_length": 3, "sampling_rate": 0}, ValueError, r"`sampling_rate` must be an integer"),
        ({"sequence_length": 3, "batch_size": 0}, ValueError, r"`batch_size` must be an integer"),
        ({"sequence_length": 3, "start_index": 50}, ValueError, r"`start_index` must be lower than"),
        ({"sequence_length": 3, "start_index": -2}, ValueError, r"`start_index` must be 0 or greater"),
        ({"sequence_length": 3, "start_index": 9, "end_index": 9}, ValueError, r"must be higher than `start"),
        ({"sequence_length": 3, "end_index": 50}, ValueError, r"`end_index` must be lower than the length"),
    ],
)
def test_bad_window_arguments_get_clear_errors(options, error, match):
    with pytest.raises(error, match=match):
        timeseries_dataset_from_array(np.zeros((50, 2)), None, **options)


def test_targets_that_do_not_line_up_with_the_windows_are_refused():
    data = np.zeros((50, 2))
    with pytest.raises(ValueError, match=r"`targets` has 20 rows.*windows start at steps 40 to 47"):
        timeseries_dataset_from_array(data, np.zeros(20), sequence_length=3, start_index=40)
    with pytest.raises(ValueError, match=r"`targets` must have one row per step"):
        timeseries_dataset_from_array(data, np.zeros(0), sequence_length=3)
    with pytest.raises(TypeError, match=r"`targets` must hold numbers"):
        timeseries_dataset_from_array(data, np.array(["a"] * 50), sequence_length=3)
    with pytest.raises(ValueError, match=r"`data` must hold at least one step"):
        timeseries_dataset_from_array(np.zeros((0, 2)), None, sequence_length=1)


def test_a_read_only_array_is_copied_without_a_warning():
    import warnings

    data = np.arange(20.0)
    data.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dataset = fitwell.utils.timeseries_dataset_from_array(data, data, sequence_length=5, batch_size=4)
        x, y = next(iter(dataset))
    np.testing.assert_array_equal(x[0].numpy(), data[:5])
    assert y[0] == 0.0
