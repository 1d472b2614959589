"""Regression metrics agree with Keras 3 (running means, RMSE, R²)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(9)


def _batches(*, weighted: bool, width: int = 2, positive: bool = False) -> list:
    batches = []
    for size in (8, 5, 10):
        y_true = RNG.normal(size=(size, width)).astype("float32")
        y_pred = (y_true + RNG.normal(scale=0.5, size=(size, width))).astype("float32")
        if positive:
            y_true, y_pred = np.abs(y_true), np.abs(y_pred)
        y_true[0] = 0.0  # a zero target (MAPE's epsilon floor, R²'s sums)
        y_pred[1] = y_true[1]  # a perfect row
        weight = RNG.choice([0.0, 0.5, 1.0, 2.0], size=size).astype("float32") if weighted else None
        batches.append((y_true, y_pred, weight))
    return batches


MEANS = [
    "MeanSquaredError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "LogCoshError",
    "CosineSimilarity",
]


@pytest.mark.parametrize("name", MEANS)
@pytest.mark.parametrize("weighted", [False, True])
def test_mean_errors_match_keras(agree_with_keras, keras, name, weighted):
    agree_with_keras(
        getattr(metrics, name),
        getattr(keras.metrics, name),
        _batches(weighted=weighted, positive=name == "MeanSquaredLogarithmicError"),
    )


@pytest.mark.parametrize("name", ["MeanSquaredError", "RootMeanSquaredError"])
def test_rank_1_targets_against_a_column_of_outputs_match_keras(agree_with_keras, keras, name):
    batches = [(y[:, 0], p[:, :1], w) for y, p, w in _batches(weighted=True)]
    agree_with_keras(getattr(metrics, name), getattr(keras.metrics, name), batches)


@pytest.mark.filterwarnings("ignore:More independent predictors:UserWarning")
@pytest.mark.parametrize("class_aggregation", ["uniform_average", "variance_weighted_average", None])
@pytest.mark.parametrize("num_regressors", [0, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score_matches_keras(agree_with_keras, keras, class_aggregation, num_regressors, weighted):
    agree_with_keras(
        lambda: metrics.R2Score(class_aggregation, num_regressors),
        lambda: keras.metrics.R2Score(class_aggregation, num_regressors),
        _batches(weighted=weighted, width=3),
    )


def test_adjusted_r2_falls_back_to_plain_r2_with_too_many_regressors(keras):
    y_true, y_pred = np.array([[1.0], [2.0], [4.0]]), np.array([[1.5], [2.0], [3.0]])
    ours = metrics.R2Score(num_regressors=5)(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    plain = metrics.R2Score()(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    assert float(ours) == pytest.approx(float(plain))
    with pytest.warns(UserWarning):
        theirs = keras.metrics.R2Score(num_regressors=5)(y_true.astype("float32"), y_pred.astype("float32"))
    assert float(ours) == pytest.approx(float(keras.ops.convert_to_numpy(theirs)), rel=1e-6)


def test_r2_score_matches_sklearn_on_one_batch():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    y_true, y_pred, _ = _batches(weighted=False, width=3)[0]
    ours = metrics.R2Score()(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    assert float(ours) == pytest.approx(sklearn_metrics.r2_score(y_true, y_pred), rel=1e-5)


def test_r2_score_needs_two_dimensional_inputs():
    with pytest.raises(ValueError, match=r"expects 2-D inputs .*y\.reshape\(-1, 1\)"):
        metrics.R2Score().update_state(torch.zeros(2, 2, 2), torch.zeros(2, 2, 2))


def test_directions():
    for name in MEANS:
        assert getattr(metrics, name)().higher_is_better is (name == "CosineSimilarity")
    assert metrics.R2Score().higher_is_better is True
