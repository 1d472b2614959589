"""Confusion-matrix metrics agree with Keras 3: counts, precision, recall and their trade-offs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(11)


def _batches(*, weighted: bool, width: int = 1, weight_shape: str = "rows", edge: bool = True) -> list:
    batches = []
    for size in (10, 7, 13):
        y_true = RNG.integers(0, 2, size=(size, width)).astype("float32")
        y_pred = RNG.random((size, width)).astype("float32")
        if edge:
            # Values exactly on common thresholds, and outside [0, 1].
            y_pred[:4, 0] = [0.5, 0.0, 1.0, 0.25]
            y_pred[4, 0] = 1.2
        weight = None
        if weighted:
            shape = (size,) if weight_shape == "rows" else (size, width)
            weight = RNG.choice([0.0, 0.5, 1.0, 2.0], size=shape).astype("float32")
        batches.append((y_true, y_pred, weight))
    return batches


COUNTS = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]
THRESHOLDS = [
    None,
    0.3,
    [0.1, 0.5, 0.9],
    [0.75, 0.25, 0.5, 0.5],
    [0.0, 0.5, 1.0],
    [0.0, 0.25, 0.5, 0.75, 1.0],
]


@pytest.mark.parametrize("name", COUNTS)
@pytest.mark.parametrize("thresholds", THRESHOLDS, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
def test_counts_match_keras(agree_with_keras, keras, name, thresholds, weighted):
    agree_with_keras(
        lambda: getattr(metrics, name)(thresholds=thresholds),
        lambda: getattr(keras.metrics, name)(thresholds=thresholds),
        _batches(weighted=weighted, width=3),
    )


@pytest.mark.parametrize("name", ["Precision", "Recall"])
@pytest.mark.parametrize("thresholds", THRESHOLDS, ids=str)
@pytest.mark.parametrize("weighted", [False, True])
def test_precision_and_recall_match_keras(agree_with_keras, keras, name, thresholds, weighted):
    agree_with_keras(
        lambda: getattr(metrics, name)(thresholds=thresholds),
        lambda: getattr(keras.metrics, name)(thresholds=thresholds),
        _batches(weighted=weighted),
    )


@pytest.mark.parametrize("name", ["Precision", "Recall"])
@pytest.mark.parametrize(
    "options",
    [
        {"top_k": 1},
        {"top_k": 2},
        {"class_id": 2},
        {"top_k": 2, "class_id": 1},
        {"top_k": 2, "thresholds": [0.2, 0.6]},
        {"class_id": 0, "thresholds": [0.0, 0.5, 1.0]},
    ],
    ids=str,
)
@pytest.mark.parametrize("weighted", [False, True])
def test_precision_and_recall_with_top_k_and_class_id_match_keras(
    agree_with_keras, keras, name, options, weighted
):
    agree_with_keras(
        lambda: getattr(metrics, name)(**options),
        lambda: getattr(keras.metrics, name)(**options),
        _batches(weighted=weighted, width=4, edge=False),
    )


def test_weights_per_element_match_keras(agree_with_keras, keras):
    agree_with_keras(
        lambda: metrics.Precision(thresholds=[0.3, 0.6]),
        lambda: keras.metrics.Precision(thresholds=[0.3, 0.6]),
        _batches(weighted=True, width=3, weight_shape="elements"),
    )


def test_rank_1_labels_against_a_column_of_outputs_match_keras(agree_with_keras, keras):
    batches = [(y[:, 0], p, w) for y, p, w in _batches(weighted=True)]
    agree_with_keras(metrics.Recall, keras.metrics.Recall, batches)


@pytest.mark.parametrize(
    "name, argument",
    [
        ("PrecisionAtRecall", "recall"),
        ("RecallAtPrecision", "precision"),
        ("SensitivityAtSpecificity", "specificity"),
        ("SpecificityAtSensitivity", "sensitivity"),
    ],
)
@pytest.mark.parametrize("value", [0.0, 0.4, 0.8, 1.0])
@pytest.mark.parametrize("num_thresholds", [1, 3, 200])
@pytest.mark.parametrize("weighted", [False, True])
def test_rate_at_rate_metrics_match_keras(
    agree_with_keras, keras, name, argument, value, num_thresholds, weighted
):
    agree_with_keras(
        lambda: getattr(metrics, name)(**{argument: value}, num_thresholds=num_thresholds),
        lambda: getattr(keras.metrics, name)(**{argument: value}, num_thresholds=num_thresholds),
        _batches(weighted=weighted),
    )


@pytest.mark.parametrize("name", ["PrecisionAtRecall", "SpecificityAtSensitivity"])
def test_rate_at_rate_with_class_id_matches_keras(agree_with_keras, keras, name):
    agree_with_keras(
        lambda: getattr(metrics, name)(0.5, class_id=1),
        lambda: getattr(keras.metrics, name)(0.5, class_id=1),
        _batches(weighted=True, width=3, edge=False),
    )


@pytest.mark.parametrize("dtype", ["float64"])
def test_float64_state_matches_keras_to_1e_6(agree_with_keras, keras, dtype):
    agree_with_keras(
        lambda: metrics.Precision(thresholds=[0.1, 0.5, 0.9], dtype=dtype),
        lambda: keras.metrics.Precision(thresholds=[0.1, 0.5, 0.9], dtype=dtype),
        [(y.astype("float64"), p.astype("float64"), w) for y, p, w in _batches(weighted=True)],
        tolerance={"rtol": 1e-6, "atol": 1e-12},
    )


def test_all_one_class_and_perfect_predictions(keras):
    y_true = np.ones((6, 1), dtype="float32")
    y_pred = np.linspace(0.1, 0.9, 6, dtype="float32")[:, None]
    for name in ("Precision", "Recall", "TrueNegatives", "FalsePositives"):
        ours = getattr(metrics, name)()(torch.from_numpy(y_true), torch.from_numpy(y_pred))
        theirs = getattr(keras.metrics, name)()(y_true, y_pred)
        assert float(ours) == pytest.approx(float(theirs))
    perfect = metrics.Precision()(torch.tensor([0.0, 1.0, 1.0]), torch.tensor([0.0, 1.0, 1.0]))
    assert float(perfect) == 1.0


def test_nothing_predicted_positive_gives_zero_precision():
    assert float(metrics.Precision()(torch.ones(3), torch.zeros(3))) == 0.0
    assert float(metrics.Recall()(torch.zeros(3), torch.ones(3))) == 0.0


def test_a_list_of_thresholds_gives_a_vector_in_the_given_order():
    metric = metrics.TruePositives(thresholds=[0.7, 0.2])
    metric.update_state(torch.ones(3), torch.tensor([0.1, 0.5, 0.9]))
    assert metric.result().tolist() == [1.0, 2.0]
    assert metric.thresholds == [0.7, 0.2]


def test_counts_are_exposed_per_threshold():
    metric = metrics.Precision(thresholds=[0.5])
    metric.update_state(torch.tensor([1, 0, 1, 0]), torch.tensor([0.9, 0.8, 0.1, 0.2]))
    assert metric.true_positives.tolist() == [1.0]
    assert metric.false_positives.tolist() == [1.0]
    assert metric.true_negatives.tolist() == [1.0]
    assert metric.false_negatives.tolist() == [1.0]


def test_thresholds_outside_the_unit_interval_are_rejected():
    with pytest.raises(ValueError, match=r"must be in \[0, 1\]. Received: thresholds=\[0.5, 1.5\]"):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match="`recall` must be in the range"):
        metrics.PrecisionAtRecall(recall=1.2)
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 0"):
        metrics.RecallAtPrecision(0.5, num_thresholds=0)
    with pytest.raises(ValueError, match="`top_k` must be a positive integer"):
        metrics.Recall(top_k=0)


def test_mismatched_shapes_are_reported_with_both_shapes():
    with pytest.raises(ValueError, match=r"y_true.shape=\(4, 3\), y_pred.shape=\(4, 2\)"):
        metrics.Precision().update_state(torch.zeros(4, 3), torch.zeros(4, 2))


def test_class_id_needs_two_dimensional_outputs():
    with pytest.raises(ValueError, match="`class_id` needs outputs of shape"):
        metrics.Precision(class_id=1).update_state(torch.zeros(4), torch.zeros(4))


def test_directions():
    assert metrics.Precision().higher_is_better and metrics.Recall().higher_is_better
    assert metrics.TruePositives().higher_is_better and metrics.TrueNegatives().higher_is_better
    assert metrics.FalsePositives().higher_is_better is False
    assert metrics.FalseNegatives().higher_is_better is False
    assert metrics.PrecisionAtRecall(0.5).higher_is_better and metrics.RecallAtPrecision(0.5).higher_is_better
