"""Loss-named probabilistic metrics (cross-entropies, KL divergence, Poisson) agree with Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(13)


def _weights(size: int, weighted: bool) -> np.ndarray | None:
    return RNG.choice([0.0, 0.5, 1.0, 2.0], size=size).astype("float32") if weighted else None


def _binary_batches(*, weighted: bool, logits: bool = False) -> list:
    batches = []
    for size in (8, 6):
        y_true = RNG.integers(0, 2, size=(size, 2)).astype("float32")
        y_pred = RNG.normal(scale=3, size=(size, 2)) if logits else RNG.random((size, 2))
        y_pred = y_pred.astype("float32")
        if not logits:
            y_pred[0] = [0.0, 1.0]  # exact probabilities are clipped
        batches.append((y_true, y_pred, _weights(size, weighted)))
    return batches


def _categorical_batches(*, weighted: bool, logits: bool = False, sparse: bool = False) -> list:
    batches = []
    for size in (7, 9):
        labels = RNG.integers(0, 4, size=size)
        scores = RNG.normal(scale=2, size=(size, 4)) if logits else RNG.dirichlet(np.ones(4), size=size)
        scores = scores.astype("float32")
        y_true = labels.astype("int64") if sparse else np.eye(4, dtype="float32")[labels]
        batches.append((y_true, scores, _weights(size, weighted)))
    return batches


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_crossentropy_matches_keras(agree_with_keras, keras, from_logits, label_smoothing, weighted):
    options = {"from_logits": from_logits, "label_smoothing": label_smoothing}
    agree_with_keras(
        lambda: metrics.BinaryCrossentropy(**options),
        lambda: keras.metrics.BinaryCrossentropy(**options),
        _binary_batches(weighted=weighted, logits=from_logits),
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_crossentropy_matches_keras(
    agree_with_keras, keras, from_logits, label_smoothing, weighted
):
    options = {"from_logits": from_logits, "label_smoothing": label_smoothing}
    agree_with_keras(
        lambda: metrics.CategoricalCrossentropy(**options),
        lambda: keras.metrics.CategoricalCrossentropy(**options),
        _categorical_batches(weighted=weighted, logits=from_logits),
    )


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_categorical_crossentropy_matches_keras(agree_with_keras, keras, from_logits, weighted):
    agree_with_keras(
        lambda: metrics.SparseCategoricalCrossentropy(from_logits=from_logits),
        lambda: keras.metrics.SparseCategoricalCrossentropy(from_logits=from_logits),
        _categorical_batches(weighted=weighted, logits=from_logits, sparse=True),
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_categorical_crossentropy_ignore_class_matches_keras(agree_with_keras, keras, weighted):
    # Ignored samples count in the unweighted mean and drop out of the weighted one, as in Keras.
    batches = []
    for y_true, y_pred, weight in _categorical_batches(weighted=weighted, sparse=True):
        y_true = y_true.copy()
        y_true[:3] = -1
        batches.append((y_true, y_pred, weight))
    agree_with_keras(
        lambda: metrics.SparseCategoricalCrossentropy(ignore_class=-1),
        lambda: keras.metrics.SparseCategoricalCrossentropy(ignore_class=-1),
        batches,
    )


@pytest.mark.parametrize("name", ["KLDivergence", "Poisson"])
@pytest.mark.parametrize("weighted", [False, True])
def test_kl_divergence_and_poisson_match_keras(agree_with_keras, keras, name, weighted):
    batches = _categorical_batches(weighted=weighted)
    if name == "KLDivergence":
        batches = [(RNG.dirichlet(np.ones(4), size=len(y)).astype("float32"), p, w) for y, p, w in batches]
    agree_with_keras(getattr(metrics, name), getattr(keras.metrics, name), batches)


def test_binary_crossentropy_on_exact_wrong_probabilities_is_finite_and_asymmetric():
    metric = metrics.BinaryCrossentropy()
    one_for_zero = float(metric(torch.tensor([[0.0]]), torch.tensor([[1.0]])))
    metric.reset_state()
    zero_for_one = float(metric(torch.tensor([[1.0]]), torch.tensor([[0.0]])))
    assert one_for_zero == pytest.approx(15.942, abs=1e-3)
    assert zero_for_one == pytest.approx(16.118, abs=1e-3)


def test_loss_named_metrics_say_lower_is_better():
    for name in (
        "BinaryCrossentropy",
        "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy",
        "KLDivergence",
        "Poisson",
    ):
        assert getattr(metrics, name)().higher_is_better is False, name
