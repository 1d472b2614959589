"""Accuracy metrics agree with Keras 3 across updates, weights, resets and merges."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(7)


def _binary_batches(*, weighted: bool, width: int = 1) -> list:
    batches = []
    for size in (8, 5, 11):
        y_true = RNG.integers(0, 2, size=(size, width)).astype("float32")
        y_pred = RNG.random((size, width)).astype("float32")
        y_pred[0] = 0.5  # exactly at the threshold: not above it
        weight = RNG.choice([0.0, 0.5, 1.0, 2.0], size=size).astype("float32") if weighted else None
        batches.append((y_true, y_pred, weight))
    return batches


def _categorical_batches(*, weighted: bool, sparse: bool, classes: int = 4) -> list:
    batches = []
    for size in (9, 6, 12):
        labels = RNG.integers(0, classes, size=size)
        scores = RNG.random((size, classes)).astype("float32")
        scores[1] = 0.25  # a row of ties: arg-max picks the first
        y_true = labels[:, None].astype("float32") if sparse else np.eye(classes, dtype="float32")[labels]
        weight = RNG.choice([0.0, 1.0, 3.0], size=size).astype("float32") if weighted else None
        batches.append((y_true, scores, weight))
    return batches


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("threshold", [0.5, 0.3, 0.0])
def test_binary_accuracy_matches_keras(agree_with_keras, keras, weighted, threshold):
    agree_with_keras(
        lambda: metrics.BinaryAccuracy(threshold=threshold),
        lambda: keras.metrics.BinaryAccuracy(threshold=threshold),
        _binary_batches(weighted=weighted, width=3 if threshold == 0.3 else 1),
    )


def test_binary_accuracy_with_per_element_weights_matches_keras(agree_with_keras, keras):
    batches = [
        (y, p, RNG.random(y.shape).astype("float32")) for y, p, _ in _binary_batches(weighted=False, width=3)
    ]
    agree_with_keras(metrics.BinaryAccuracy, keras.metrics.BinaryAccuracy, batches)


def test_binary_accuracy_compares_the_threshold_in_float32(keras):
    # A float64 output of 0.3 is not above float32(0.3) = 0.30000001 in Keras.
    y_true = np.ones((3, 1))
    y_pred = np.array([[0.3], [0.30000001], [0.3000001]])
    ours = metrics.BinaryAccuracy(threshold=0.3)(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    theirs = keras.metrics.BinaryAccuracy(threshold=0.3)(y_true, y_pred)
    assert float(ours) == pytest.approx(1 / 3)
    assert float(ours) == pytest.approx(float(theirs))


def test_binary_accuracy_aligns_rank_1_labels_with_a_column_of_outputs(keras):
    y_true, y_pred = np.array([1.0, 0.0, 1.0, 1.0]), np.array([[0.9], [0.2], [0.4], [0.7]], dtype="float32")
    ours = metrics.BinaryAccuracy()(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    assert float(ours) == pytest.approx(0.75)
    assert float(ours) == pytest.approx(float(keras.metrics.BinaryAccuracy()(y_true, y_pred)))


@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_matches_keras(agree_with_keras, keras, weighted):
    batches = []
    for size in (7, 4):
        y_true = RNG.integers(0, 3, size=(size, 1)).astype("float32")
        y_pred = RNG.integers(0, 3, size=(size, 1)).astype("float32")
        batches.append((y_true, y_pred, RNG.random(size).astype("float32") if weighted else None))
    agree_with_keras(metrics.Accuracy, keras.metrics.Accuracy, batches)


@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_accuracy_matches_keras(agree_with_keras, keras, weighted):
    agree_with_keras(
        metrics.CategoricalAccuracy,
        keras.metrics.CategoricalAccuracy,
        _categorical_batches(weighted=weighted, sparse=False),
    )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("label_shape", ["column", "flat"])
def test_sparse_categorical_accuracy_matches_keras(agree_with_keras, keras, weighted, label_shape):
    batches = _categorical_batches(weighted=weighted, sparse=True)
    if label_shape == "flat":
        batches = [(y[:, 0].astype("int64"), p, w) for y, p, w in batches]
    agree_with_keras(metrics.SparseCategoricalAccuracy, keras.metrics.SparseCategoricalAccuracy, batches)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_categorical_accuracy_matches_keras(agree_with_keras, keras, weighted, k):
    agree_with_keras(
        lambda: metrics.TopKCategoricalAccuracy(k=k),
        lambda: keras.metrics.TopKCategoricalAccuracy(k=k),
        _categorical_batches(weighted=weighted, sparse=False),
    )


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_sparse_top_k_categorical_accuracy_matches_keras(agree_with_keras, keras, weighted, k):
    agree_with_keras(
        lambda: metrics.SparseTopKCategoricalAccuracy(k=k),
        lambda: keras.metrics.SparseTopKCategoricalAccuracy(k=k),
        _categorical_batches(weighted=weighted, sparse=True),
    )


def test_sparse_top_k_from_sorted_ids_matches_keras(agree_with_keras, keras):
    batches = []
    for size in (6, 5):
        labels = RNG.integers(0, 5, size=size).astype("float32")
        ids = np.argsort(-RNG.random((size, 5)), axis=1).astype("float32")
        batches.append((labels, ids, None))
    agree_with_keras(
        lambda: metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
        lambda: keras.metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
        batches,
    )


def test_perfect_and_all_wrong_predictions():
    labels = torch.tensor([0, 1, 2])
    perfect = torch.eye(3)
    assert float(metrics.SparseCategoricalAccuracy()(labels, perfect)) == 1.0
    assert float(metrics.SparseCategoricalAccuracy()(labels, perfect.roll(1, dims=1))) == 0.0
    assert float(metrics.BinaryAccuracy()(torch.ones(4, 1), torch.ones(4, 1))) == 1.0


def test_top_k_at_least_the_number_of_classes_counts_every_sample():
    metric = metrics.TopKCategoricalAccuracy(k=10)
    assert float(metric(torch.eye(3), torch.rand(3, 3))) == 1.0


def test_all_zero_weights_give_zero_not_nan():
    metric = metrics.BinaryAccuracy()
    metric.update_state(torch.ones(3, 1), torch.ones(3, 1), torch.zeros(3))
    assert float(metric.result()) == 0.0


def test_accuracies_say_higher_is_better():
    for cls in (
        metrics.Accuracy,
        metrics.BinaryAccuracy,
        metrics.CategoricalAccuracy,
        metrics.SparseCategoricalAccuracy,
        metrics.TopKCategoricalAccuracy,
        metrics.SparseTopKCategoricalAccuracy,
    ):
        assert cls().higher_is_better is True
