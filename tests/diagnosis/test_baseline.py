"""The baseline: the loss of the best constant prediction, checked against Keras's losses, and
`History.baseline` from `fit`."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fitwell
from fitwell.diagnosis import diagnose
from fitwell.diagnosis.baseline import constant_baseline

RNG = np.random.default_rng(0)


def _keras_loss_of_constant(keras, name, y, prediction, weight):
    classes = {
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
        "binary_crossentropy": keras.losses.BinaryCrossentropy,
        "mse": keras.losses.MeanSquaredError,
        "mae": keras.losses.MeanAbsoluteError,
    }
    loss = classes[name]()
    constant = np.repeat(prediction[None, :], len(y), axis=0).astype("float32")
    return float(loss(y, constant, sample_weight=weight))


@pytest.mark.parametrize("weighted", [False, True])
def test_the_baseline_is_the_keras_loss_of_the_best_constant(weighted):
    keras = pytest.importorskip("keras")
    n = 400
    weight = RNG.uniform(0.5, 3.0, n).astype("float32") if weighted else None
    labels = RNG.choice(4, size=n, p=[0.6, 0.25, 0.1, 0.05])
    w = np.ones(n) if weight is None else weight
    prior = np.array([w[labels == c].sum() for c in range(4)]) / w.sum()
    expected = _keras_loss_of_constant(keras, "sparse_categorical_crossentropy", labels, prior, weight)
    assert constant_baseline("sparse_categorical_crossentropy", labels, weight) == pytest.approx(
        expected, rel=1e-4
    )
    one_hot = np.eye(4, dtype="float32")[labels]
    assert constant_baseline("categorical_crossentropy", one_hot, weight) == pytest.approx(expected, rel=1e-4)

    binary = (RNG.random((n, 1)) < 0.2).astype("float32")
    p = np.array([(w * binary[:, 0]).sum() / w.sum()])
    expected = _keras_loss_of_constant(keras, "binary_crossentropy", binary, p, weight)
    assert constant_baseline("binary_crossentropy", binary, weight) == pytest.approx(expected, rel=1e-4)

    targets = RNG.normal(3.0, 2.0, (n, 2)).astype("float32")
    mean = (targets * w[:, None]).sum(0) / w.sum()
    expected = _keras_loss_of_constant(keras, "mse", targets, mean, weight)
    assert constant_baseline("mse", targets, weight) == pytest.approx(expected, rel=1e-4)

    single = targets[:, :1]
    order = np.argsort(single[:, 0])
    cumulative = np.cumsum(w[order])
    median = single[order][np.searchsorted(cumulative, cumulative[-1] / 2)]
    expected = _keras_loss_of_constant(keras, "mae", single, median, weight)
    assert constant_baseline("mean_absolute_error", single, weight) == pytest.approx(expected, rel=1e-4)
    # No other constant does better.
    assert constant_baseline("mae", single, weight) <= _keras_loss_of_constant(
        keras, "mae", single, median + 0.05, weight
    )


def test_unknown_losses_and_structures_have_no_baseline():
    assert constant_baseline("huber", [1.0, 2.0]) is None
    assert constant_baseline("mse", "not numbers") is None
    assert constant_baseline(None, [1.0]) is None
    assert constant_baseline("sparse_categorical_crossentropy", [0, 1], sample_weight=[1.0]) is None


def test_fit_records_the_baseline_with_class_weights_in_the_history():
    x = RNG.normal(size=(200, 5)).astype("float32")
    y = (RNG.random(200) < 0.25).astype("int64")
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, batch_size=50, verbose=0, class_weight={0: 1.0, 1: 3.0})
    weights = np.where(y == 1, 3.0, 1.0)
    assert history.baseline == pytest.approx(constant_baseline("sparse_categorical_crossentropy", y, weights))
    assert history.baseline != pytest.approx(math.log(2))
    assert fitwell.History().baseline is None


def test_shuffled_imbalanced_labels_are_not_learning_against_the_baseline_not_ln_c():
    """The loss falls from ln 2 to the prior's entropy: far below chance, but nothing learned."""
    n = 60
    loss = (0.325 + 0.4 * np.exp(-np.arange(n) / 3.0)).tolist()
    run = {"loss": loss, "val_loss": [value + 0.02 for value in loss]}
    without = diagnose(run, loss="binary_crossentropy")
    assert without.primary.kind != "not_learning"
    with_baseline = diagnose(run, loss="binary_crossentropy", baseline=0.325)
    assert with_baseline.primary.kind == "not_learning"
    assert "baseline 0.325" in with_baseline.primary.summary


def test_a_regression_stuck_at_the_targets_variance_is_not_learning_only_with_the_baseline():
    loss = (23.0 + 170.0 * np.exp(-np.arange(40) / 4.0)).tolist()
    run = {"loss": loss, "val_loss": [value * 1.04 for value in loss]}
    assert diagnose(run, loss="mse").primary.kind == "healthy"
    assert diagnose(run, loss="mse", baseline=22.9).primary.kind == "not_learning"


def test_a_bad_baseline_is_refused_naming_it():
    with pytest.raises(ValueError, match="`baseline` must be a finite number >= 0.*baseline=-1"):
        diagnose({"loss": [1.0, 0.5]}, baseline=-1)
