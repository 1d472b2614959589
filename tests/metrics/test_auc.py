"""AUC agrees with Keras 3 for every curve, summation method and labelling mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import metrics

RNG = np.random.default_rng(3)


def _batches(*, weighted: bool, width: int = 1, grid: int = 200, logits: bool = False) -> list:
    batches = []
    for size in (16, 9, 21):
        y_true = RNG.integers(0, 2, size=(size, width)).astype("float32")
        noise = RNG.normal(size=(size, width)).astype("float32")
        if logits:
            y_pred = 2.0 * y_true - 1.0 + noise
        else:
            y_pred = np.clip(0.35 * y_true + 0.65 * RNG.random((size, width)), 0, 1).astype("float32")
            # Exactly on grid points, at both ends, and outside [0, 1].
            y_pred[:5, 0] = [0.0, 1.0, 1 / (grid - 1), 0.5, -0.2]
            y_pred[5, 0] = 1.3
        weight = RNG.choice([0.0, 0.5, 1.0, 3.0], size=size).astype("float32") if weighted else None
        batches.append((y_true, y_pred.astype("float32"), weight))
    return batches


@pytest.mark.parametrize("curve", ["ROC", "PR", "PRGAIN"])
@pytest.mark.parametrize("summation_method", ["interpolation", "minoring", "majoring"])
@pytest.mark.parametrize("weighted", [False, True])
def test_curves_and_summation_methods_match_keras(agree_with_keras, keras, curve, summation_method, weighted):
    agree_with_keras(
        lambda: metrics.AUC(curve=curve, summation_method=summation_method),
        lambda: keras.metrics.AUC(curve=curve, summation_method=summation_method),
        _batches(weighted=weighted, width=2),
    )


@pytest.mark.parametrize("num_thresholds", [2, 3, 7, 1000])
@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_grid_sizes_match_keras(agree_with_keras, keras, num_thresholds, curve):
    agree_with_keras(
        lambda: metrics.AUC(num_thresholds=num_thresholds, curve=curve),
        lambda: keras.metrics.AUC(num_thresholds=num_thresholds, curve=curve),
        _batches(weighted=True, grid=num_thresholds),
    )


@pytest.mark.parametrize(
    "thresholds", [[0.5], [0.25, 0.5, 0.75], [0.9, 0.1, 0.35, 0.36], [0.2, 0.2, 0.6]], ids=str
)
@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_explicit_thresholds_match_keras(agree_with_keras, keras, thresholds, curve):
    agree_with_keras(
        lambda: metrics.AUC(thresholds=thresholds, curve=curve),
        lambda: keras.metrics.AUC(thresholds=thresholds, curve=curve),
        _batches(weighted=True),
    )


@pytest.mark.parametrize("num_labels", [None, 3])
@pytest.mark.parametrize("label_weights", [None, [0.5, 0.0, 2.0]], ids=["unweighted", "label_weights"])
@pytest.mark.parametrize("curve", ["ROC", "PR"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multi_label_matches_keras(agree_with_keras, keras, num_labels, label_weights, curve, weighted):
    options = {"multi_label": True, "num_labels": num_labels, "label_weights": label_weights, "curve": curve}
    agree_with_keras(
        lambda: metrics.AUC(**options),
        lambda: keras.metrics.AUC(**options),
        _batches(weighted=weighted, width=3),
    )


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_label_weights_on_pooled_labels_match_keras(agree_with_keras, keras, curve):
    agree_with_keras(
        lambda: metrics.AUC(label_weights=[1.0, 0.0, 2.0], curve=curve),
        lambda: keras.metrics.AUC(label_weights=[1.0, 0.0, 2.0], curve=curve),
        _batches(weighted=True, width=3),
    )


@pytest.mark.parametrize("multi_label", [False, True])
def test_from_logits_matches_keras(agree_with_keras, keras, multi_label):
    agree_with_keras(
        lambda: metrics.AUC(from_logits=True, multi_label=multi_label),
        lambda: keras.metrics.AUC(from_logits=True, multi_label=multi_label),
        _batches(weighted=True, width=2, logits=True),
    )


def test_float64_state_matches_keras_to_1e_6(agree_with_keras, keras):
    batches = [(y.astype("float64"), p.astype("float64"), w) for y, p, w in _batches(weighted=True, width=2)]
    for curve in ("ROC", "PR"):
        agree_with_keras(
            lambda curve=curve: metrics.AUC(curve=curve, dtype="float64"),
            lambda curve=curve: keras.metrics.AUC(curve=curve, dtype="float64"),
            batches,
            tolerance={"rtol": 1e-6, "atol": 1e-12},
        )


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_edge_cases_match_keras(keras, curve):
    cases = {
        "all negative": (np.zeros((6, 1)), np.linspace(0, 1, 6)[:, None]),
        "all positive": (np.ones((6, 1)), np.linspace(0, 1, 6)[:, None]),
        "perfect": (np.array([[0], [0], [1], [1]]), np.array([[0.1], [0.2], [0.8], [0.9]])),
        "inverted": (np.array([[1], [1], [0], [0]]), np.array([[0.1], [0.2], [0.8], [0.9]])),
        "constant": (np.array([[0], [1], [0], [1]]), np.full((4, 1), 0.5)),
    }
    for label, (y_true, y_pred) in cases.items():
        y_true, y_pred = y_true.astype("float32"), y_pred.astype("float32")
        ours = metrics.AUC(curve=curve)(torch.from_numpy(y_true), torch.from_numpy(y_pred))
        theirs = keras.metrics.AUC(curve=curve)(y_true, y_pred)
        assert float(ours) == pytest.approx(float(keras.ops.convert_to_numpy(theirs)), rel=1e-6, abs=1e-7), (
            label
        )


def test_perfect_ranking_gives_one():
    metric = metrics.AUC()
    assert float(metric(torch.tensor([0, 0, 1, 1]), torch.tensor([0.1, 0.2, 0.8, 0.9]))) == pytest.approx(1.0)


def test_roc_auc_is_close_to_the_exact_area():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    y_true = RNG.integers(0, 2, size=2000)
    y_pred = np.clip(0.3 * y_true + 0.7 * RNG.random(2000), 0, 1).astype("float32")
    ours = float(metrics.AUC(num_thresholds=1000)(torch.from_numpy(y_true), torch.from_numpy(y_pred)))
    assert ours == pytest.approx(sklearn_metrics.roc_auc_score(y_true, y_pred), abs=1e-3)


def test_counts_and_thresholds_are_exposed():
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state(torch.tensor([0, 1, 1]), torch.tensor([0.2, 0.6, 1.0]))
    assert metric.thresholds[0] < 0 and metric.thresholds[-1] > 1
    assert metric.true_positives.tolist() == [2.0, 2.0, 0.0]
    assert metric.false_positives.tolist() == [1.0, 0.0, 0.0]
    assert metric.true_negatives.tolist() == [0.0, 1.0, 1.0]
    assert metric.false_negatives.tolist() == [0.0, 0.0, 2.0]


def test_multi_label_built_at_the_first_batch_merges_into_an_unbuilt_instance():
    fed, empty = metrics.AUC(multi_label=True), metrics.AUC(multi_label=True)
    fed.update_state(torch.tensor([[0, 1], [1, 0]]), torch.tensor([[0.2, 0.9], [0.7, 0.4]]))
    assert float(empty.result()) == 0.0
    empty.merge_state([fed])
    assert float(empty.result()) == pytest.approx(float(fed.result()))


def test_state_survives_a_state_dict_round_trip():
    metric, restored = metrics.AUC(multi_label=True), metrics.AUC(multi_label=True)
    metric.update_state(torch.tensor([[0, 1], [1, 0]]), torch.tensor([[0.2, 0.9], [0.7, 0.4]]))
    restored.load_state_dict(metric.state_dict())
    assert torch.equal(restored.result(), metric.result())


def test_invalid_arguments_say_what_was_received():
    with pytest.raises(ValueError, match=r"`curve` must be one of .*Received: curve='roc_curve'"):
        metrics.AUC(curve="roc_curve")
    with pytest.raises(ValueError, match="`summation_method` must be one of"):
        metrics.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="`num_thresholds` must be an integer > 1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="`num_labels` is only used with `multi_label=True`"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="must have rank 2"):
        metrics.AUC(multi_label=True).update_state(torch.zeros(2, 2, 2), torch.zeros(2, 2, 2))
    with pytest.raises(ValueError, match="was built for 3 labels"):
        metrics.AUC(multi_label=True, num_labels=3).update_state(torch.zeros(2, 2), torch.zeros(2, 2))


def test_curve_names_are_case_insensitive():
    assert metrics.AUC(curve="pr").curve == "PR"
    assert metrics.AUC(summation_method="Minoring").summation_method == "minoring"
    assert metrics.AUC().higher_is_better is True
