"""F1Score and FBetaScore agree with Keras 3 for every averaging mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(5)


def _batches(*, weighted: bool, classes: int = 3) -> list:
    batches = []
    for size in (12, 7, 15):
        y_true = np.eye(classes, dtype="float32")[RNG.integers(0, classes, size=size)]
        y_true[0] = [1.0] + [1.0] * (classes - 1)  # a multi-label row
        y_pred = RNG.random((size, classes)).astype("float32")
        y_pred[1] = 0.5  # ties at the row maximum, and exactly at threshold 0.5
        y_pred[2] = 0.0  # an all-zero row predicts nothing when threshold is None
        weight = RNG.choice([0.0, 1.0, 2.5], size=size).astype("float32") if weighted else None
        batches.append((y_true, y_pred, weight))
    return batches


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_f1_score_matches_keras(agree_with_keras, keras, average, threshold, weighted):
    agree_with_keras(
        lambda: metrics.F1Score(average=average, threshold=threshold),
        lambda: keras.metrics.F1Score(average=average, threshold=threshold),
        _batches(weighted=weighted),
    )


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("average", [None, "micro", "weighted"])
def test_fbeta_score_matches_keras(agree_with_keras, keras, beta, average):
    agree_with_keras(
        lambda: metrics.FBetaScore(average=average, beta=beta, threshold=0.4),
        lambda: keras.metrics.FBetaScore(average=average, beta=beta, threshold=0.4),
        _batches(weighted=True),
    )


def test_float64_state_matches_keras_to_1e_6(agree_with_keras, keras):
    batches = [(y.astype("float64"), p.astype("float64"), w) for y, p, w in _batches(weighted=True)]
    agree_with_keras(
        lambda: metrics.F1Score(average="macro", dtype="float64"),
        lambda: keras.metrics.F1Score(average="macro", dtype="float64"),
        batches,
        tolerance={"rtol": 1e-6, "atol": 1e-12},
    )


def test_perfect_predictions_score_one():
    labels = torch.eye(3)
    assert float(metrics.F1Score(average="macro")(labels, labels)) == pytest.approx(1.0, abs=1e-6)


def test_result_before_any_update_is_zero():
    assert float(metrics.F1Score().result()) == 0.0


def test_inputs_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"expects 2-D inputs .* Received: y_true.shape=\(4,\)"):
        metrics.F1Score().update_state(torch.zeros(4), torch.zeros(4))


def test_invalid_arguments_are_reported_together():
    with pytest.raises(ValueError, match="`average` must be one of .* `beta` must be a number > 0"):
        metrics.FBetaScore(average="samples", beta=0.0)
    with pytest.raises(ValueError, match=r"`threshold` must be None or a float in \(0, 1\]"):
        metrics.F1Score(threshold=1.5)


def test_f_scores_say_higher_is_better():
    assert metrics.F1Score().higher_is_better and metrics.FBetaScore().higher_is_better
    assert metrics.F1Score().name == "f1_score" and metrics.FBetaScore().name == "fbeta_score"
