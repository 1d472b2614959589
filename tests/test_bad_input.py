"""Bad input fails early, with the argument, the value and the fix, and changes no weight."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier


@pytest.fixture
def model():
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    return model


def snapshot(model):
    return {k: v.clone() for k, v in model.state_dict().items()}


def assert_unchanged(model, before):
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"y": np.zeros(599, dtype=int)},
            r"`x` and `y` must have the same number of samples. Received: x has 600, y has \[599\]",
        ),
        (
            {"validation_split": 1.0},
            r"`validation_split` must be a float in \[0, 1\). Received: validation_split=1.0",
        ),
        ({"validation_split": -0.1}, r"validation_split=-0.1"),
        ({"epochs": -1}, r"`epochs` must be an int >= 0. Received: epochs=-1"),
        ({"batch_size": 0}, r"`batch_size` must be an int >= 1. Received: batch_size=0"),
        ({"verbose": 3}, r"`verbose` must be one of \(0, 1, 2, 'auto'\). Received: verbose=3"),
        ({"validation_freq": 0}, r"`validation_freq` must be an int >= 1"),
        ({"class_weight": {0: 1.0}, "sample_weight": np.ones(600)}, "cannot be used together"),
        ({"y": np.array(["cat"] * 600)}, r"`y` must hold numbers. Received: y with dtype <U3"),
    ],
)
def test_fit_argument_errors_leave_weights_unchanged(model, blobs, kwargs, message):
    x, y = blobs
    arguments = {"y": y, "epochs": 1, "verbose": 0, **kwargs}
    before = snapshot(model)
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(x, **arguments)
    assert_unchanged(model, before)


def test_fit_before_compile_says_to_compile(blobs):
    x, y = blobs
    with pytest.raises(ValueError, match=r"You must call compile\(\) before fit\(\)"):
        make_classifier().fit(x, y)


def test_empty_data_is_an_error(model):
    with pytest.raises(ValueError, match="`x` is empty: it has 0 samples"):
        model.fit(np.zeros((0, 10), "float32"), np.zeros(0, int), verbose=0)


def test_validation_split_with_non_array_data_is_an_error(model, blobs):
    x, y = blobs
    batches = [(x[:100], y[:100])]
    with pytest.raises(ValueError, match="`validation_split` only works with array data"):
        model.fit(batches, validation_split=0.2, verbose=0)


def test_wrong_feature_count_names_the_shape(model, blobs):
    x, y = blobs
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"sample shape \(7,\).*number of features"):
        model.fit(x[:, :7], y, verbose=0)
    assert_unchanged(model, before)


def test_nan_in_inputs_is_found_before_training(model, blobs):
    x, y = blobs
    x = x.copy()
    x[42, 3] = np.nan
    before = snapshot(model)
    with pytest.raises(
        ValueError, match=r"`x` contains NaN or Inf values \(first at index \(42, 3\); 1 in all\)"
    ):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)


def test_labels_out_of_range_are_caught_before_any_update(model, blobs):
    x, y = blobs
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"class indices in \[0, 2\].*Received: labels from 0 to 5"):
        model.fit(x, y + 3 * (y == 2), verbose=0)
    assert_unchanged(model, before)


@pytest.mark.parametrize(
    ("compile_kwargs", "message"),
    [
        (
            {"optimizer": "adamm"},
            r"Unknown optimizer name for `optimizer`. Received: optimizer='adamm'. Did you mean 'adam'\?",
        ),
        ({"loss": "sparse_categorical_crossentropyy"}, r"Did you mean 'sparse_categorical_crossentropy'\?"),
        (
            {"metrics": ["acuracy"]},
            r"Unknown metric name for `metrics`. Received: metrics='acuracy'. Did you mean 'accuracy'\?",
        ),
        ({"metrics": "accuracy"}, r"`metrics` must be a list .* Wrap it in a list: metrics=\['accuracy'\]"),
    ],
)
def test_unknown_names_at_compile_suggest_the_closest(compile_kwargs, message):
    arguments = {"optimizer": "adam", "loss": "mse", **compile_kwargs}
    with pytest.raises((ValueError, TypeError), match=message):
        make_classifier().compile(**arguments)


def test_learning_rate_must_be_a_non_negative_number():
    with pytest.raises(ValueError, match=r"`learning_rate` must be >= 0. Received: learning_rate=-1"):
        fitwell.optimizers.Adam(learning_rate=-1)
    with pytest.raises(TypeError, match="`learning_rate` must be a float"):
        fitwell.optimizers.Adam(learning_rate="fast")


def test_several_bad_arguments_are_reported_together(model, blobs):
    x, y = blobs
    with pytest.raises(ValueError) as caught:
        model.fit(x, y, epochs=-1, batch_size=0, validation_split=2.0, verbose=0)
    message = str(caught.value)
    for part in ("epochs=-1", "batch_size=0", "validation_split=2.0"):
        assert part in message
