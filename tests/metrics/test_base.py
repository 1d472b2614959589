"""The Metric protocol: state registry, reset, merge, devices, state dicts, and no host syncs."""

from __future__ import annotations

import pytest
import torch

from fitwell import metrics


def _every_metric() -> dict[str, metrics.Metric]:
    return {
        "accuracy": metrics.Accuracy(),
        "binary_accuracy": metrics.BinaryAccuracy(),
        "categorical_accuracy": metrics.CategoricalAccuracy(),
        "top_k": metrics.TopKCategoricalAccuracy(k=2),
        "precision": metrics.Precision(thresholds=[0.2, 0.7]),
        "recall_top_k": metrics.Recall(top_k=1),
        "true_positives": metrics.TruePositives(),
        "precision_at_recall": metrics.PrecisionAtRecall(0.5),
        "auc": metrics.AUC(),
        "auc_pr_multi": metrics.AUC(curve="PR", multi_label=True, label_weights=[1.0, 2.0]),
        "auc_uneven": metrics.AUC(thresholds=[0.1, 0.7, 0.3]),
        "f1": metrics.F1Score(average="weighted"),
        "mse": metrics.MeanSquaredError(),
        "rmse": metrics.RootMeanSquaredError(),
        "mape": metrics.MeanAbsolutePercentageError(),
        "r2": metrics.R2Score(num_regressors=1),
        "bce": metrics.BinaryCrossentropy(),
        "cce": metrics.CategoricalCrossentropy(),
        "kld": metrics.KLDivergence(),
        "hinge": metrics.Hinge(),
        "cosine": metrics.CosineSimilarity(),
    }


def _batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    y_true = torch.eye(2)[torch.randint(0, 2, (8,), generator=generator)]
    y_pred = torch.rand(8, 2, generator=generator)
    return y_true, y_pred, torch.rand(8, generator=generator)


def _forbid(*args, **kwargs):
    raise AssertionError("a metric update read a value back to the host")


def test_updates_never_read_values_back_to_the_host(monkeypatch):
    y_true, y_pred, weight = _batch()
    every_metric = _every_metric()
    for method in ("item", "tolist", "numpy", "__bool__", "__float__", "__int__", "__index__"):
        monkeypatch.setattr(torch.Tensor, method, _forbid)
    for name, metric in every_metric.items():
        metric.update_state(y_true, y_pred)
        metric.update_state(y_true, y_pred, weight)
        assert isinstance(metric.result(), torch.Tensor), name


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_updates_and_results_never_synchronize_a_cuda_device():
    y_true, y_pred, weight = (t.cuda() for t in _batch())
    all_metrics = {name: metric.to("cuda") for name, metric in _every_metric().items()}
    for metric in all_metrics.values():  # first update builds lazily created state
        metric.update_state(y_true, y_pred, weight)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")
    try:
        for metric in all_metrics.values():
            metric.update_state(y_true, y_pred)
            metric.update_state(y_true, y_pred, weight)
            assert metric.result().device.type == "cuda"
    finally:
        torch.cuda.set_sync_debug_mode("default")


@pytest.mark.parametrize("name", list(_every_metric()))
def test_reset_restores_the_fresh_result(name):
    y_true, y_pred, weight = _batch()
    metric = _every_metric()[name]
    metric.update_state(y_true, y_pred, weight)
    fresh = _every_metric()[name]
    fresh.update_state(y_true, y_pred, weight)
    metric.update_state(y_true, y_pred)
    metric.reset_state()
    metric.update_state(y_true, y_pred, weight)
    torch.testing.assert_close(metric.result(), fresh.result())


@pytest.mark.parametrize("name", list(_every_metric()))
def test_merging_halves_equals_one_pass(name):
    y_true, y_pred, weight = _batch()
    whole, first, second = _every_metric()[name], _every_metric()[name], _every_metric()[name]
    whole.update_state(y_true, y_pred, weight)
    first.update_state(y_true[:5], y_pred[:5], weight[:5])
    second.update_state(y_true[5:], y_pred[5:], weight[5:])
    first.merge_state([second])
    torch.testing.assert_close(first.result(), whole.result(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", list(_every_metric()))
def test_state_dict_round_trip_restores_the_result(name):
    y_true, y_pred, weight = _batch()
    metric, restored = _every_metric()[name], _every_metric()[name]
    metric.update_state(y_true, y_pred, weight)
    restored.load_state_dict(metric.state_dict())
    torch.testing.assert_close(restored.result(), metric.result())


@pytest.mark.parametrize("name", list(_every_metric()))
def test_every_metric_declares_a_direction(name):
    assert _every_metric()[name].higher_is_better in (True, False)


def test_merge_rules_max_and_min():
    class Extremes(metrics.Metric):
        def __init__(self):
            super().__init__()
            self.add_state("largest", torch.tensor(float("-inf")), merge="max")
            self.add_state("smallest", torch.tensor(float("inf")), merge="min")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.largest = torch.maximum(self.largest, y_pred.max())
            self.smallest = torch.minimum(self.smallest, y_pred.min())

        def result(self):
            return self.largest - self.smallest

    first, second = Extremes(), Extremes()
    first.update_state(None, torch.tensor([1.0, 4.0]))
    second.update_state(None, torch.tensor([-2.0, 3.0]))
    first.merge_state([second])
    assert float(first.result()) == 6.0
    assert first.name == "extremes"


def test_merge_rejects_other_classes_and_other_shapes():
    with pytest.raises(TypeError, match="needs metrics of the same class. Received: Recall"):
        metrics.Precision().merge_state([metrics.Recall()])
    with pytest.raises(ValueError, match="different shapes"):
        metrics.Precision(thresholds=[0.1, 0.2]).merge_state([metrics.Precision()])


def test_add_state_rejects_unknown_merge_rules():
    with pytest.raises(ValueError, match="`merge` must be one of"):
        metrics.Mean().add_state("extra", torch.tensor(0.0), merge="mean")


def test_to_moves_state_and_constants():
    metric = metrics.AUC(thresholds=[0.3, 0.1]).to("cpu")
    assert metric.device == torch.device("cpu")
    assert metric.histogram.device == torch.device("cpu")


def test_dtype_accepts_keras_strings_and_rejects_integers():
    assert metrics.Mean(dtype="float64").total.dtype == torch.float64
    with pytest.raises(ValueError, match="must be a floating dtype"):
        metrics.Mean(dtype="int32")


def test_calling_a_metric_updates_it_and_returns_the_result():
    accuracy = metrics.BinaryAccuracy()
    assert float(accuracy(torch.tensor([[1.0]]), torch.tensor([[0.9]]))) == 1.0
    assert float(accuracy(torch.tensor([[1.0]]), torch.tensor([[0.1]]))) == 0.5
