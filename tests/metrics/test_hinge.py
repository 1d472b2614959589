"""Hinge metrics agree with Keras 3, for 0/1 and -1/+1 labels."""

from __future__ import annotations

import numpy as np
import pytest

from fitwell import metrics

RNG = np.random.default_rng(19)


def _batches(*, weighted: bool, width: int = 2, signed: bool = False) -> list:
    batches = []
    for size in (8, 6):
        y_true = RNG.integers(0, 2, size=(size, width)).astype("float32")
        y_true = 2 * y_true - 1 if signed else y_true
        y_pred = RNG.normal(scale=2, size=(size, width)).astype("float32")
        weight = RNG.choice([0.0, 0.5, 1.0, 2.0], size=size).astype("float32") if weighted else None
        batches.append((y_true, y_pred, weight))
    return batches


@pytest.mark.parametrize("name", ["Hinge", "SquaredHinge"])
@pytest.mark.parametrize("signed", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_hinge_metrics_match_keras(agree_with_keras, keras, name, signed, weighted):
    agree_with_keras(
        getattr(metrics, name), getattr(keras.metrics, name), _batches(weighted=weighted, signed=signed)
    )


@pytest.mark.parametrize("weighted", [False, True])
def test_categorical_hinge_matches_keras(agree_with_keras, keras, weighted):
    batches = []
    for _, scores, weight in _batches(weighted=weighted, width=4):
        batches.append((np.eye(4, dtype="float32")[RNG.integers(0, 4, size=len(scores))], scores, weight))
    agree_with_keras(metrics.CategoricalHinge, keras.metrics.CategoricalHinge, batches)


def test_hinge_metrics_say_lower_is_better():
    for cls in (metrics.Hinge, metrics.SquaredHinge, metrics.CategoricalHinge):
        assert cls().higher_is_better is False
