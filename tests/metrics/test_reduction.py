"""Mean, Sum and MeanMetricWrapper reduce values and weights exactly as Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell import losses, metrics

RNG = np.random.default_rng(17)

VALUE_CASES = {
    "vector": lambda: (RNG.random(6).astype("float32"), None),
    "vector weighted": lambda: (
        RNG.random(6).astype("float32"),
        RNG.choice([0.0, 1.0, 2.0], 6).astype("float32"),
    ),
    "matrix": lambda: (RNG.random((5, 3)).astype("float32"), None),
    "matrix row weights": lambda: (RNG.random((5, 3)).astype("float32"), RNG.random(5).astype("float32")),
    "matrix element weights": lambda: (
        RNG.random((5, 3)).astype("float32"),
        RNG.random((5, 3)).astype("float32"),
    ),
    "column with flat weights": lambda: (
        RNG.random((4, 1)).astype("float32"),
        RNG.random(4).astype("float32"),
    ),
    "scalar weight": lambda: (RNG.random(4).astype("float32"), np.float32(2.0)),
}


@pytest.mark.parametrize("name", ["Mean", "Sum"])
@pytest.mark.parametrize("case", list(VALUE_CASES))
def test_mean_and_sum_match_keras(keras, name, case):
    ours, theirs = getattr(metrics, name)(), getattr(keras.metrics, name)()
    for _ in range(3):
        values, weight = VALUE_CASES[case]()
        ours.update_state(torch.from_numpy(values), None if weight is None else torch.as_tensor(weight))
        theirs.update_state(values, sample_weight=weight)
        expected = float(keras.ops.convert_to_numpy(theirs.result()))
        assert float(ours.result()) == pytest.approx(expected, rel=2e-6, abs=1e-7)
    ours.reset_state()
    assert float(ours.result()) == 0.0


def test_mean_of_a_scalar_counts_one_sample():
    metric = metrics.Mean()
    metric.update_state(torch.tensor(3.0))
    metric.update_state(torch.tensor([1.0, 2.0]))
    assert float(metric.result()) == pytest.approx(2.0)
    assert float(metric.count) == 3.0


def test_mean_accepts_lists():
    metric = metrics.Mean()
    metric.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert float(metric.result()) == 2.0


def test_mean_merges_by_adding_totals_and_counts():
    first, second, whole = metrics.Mean(), metrics.Mean(), metrics.Mean()
    first.update_state(torch.tensor([1.0, 2.0]))
    second.update_state(torch.tensor([10.0]), sample_weight=torch.tensor([3.0]))
    whole.update_state(torch.tensor([1.0, 2.0]))
    whole.update_state(torch.tensor([10.0]), sample_weight=torch.tensor([3.0]))
    first.merge_state([second])
    assert float(first.result()) == pytest.approx(float(whole.result()))


def test_wrapper_of_a_plain_function_takes_its_name_and_has_no_direction():
    def hits(y_true, y_pred):
        return (y_true == y_pred).float()

    metric = metrics.MeanMetricWrapper(hits)
    assert metric.name == "hits"
    assert metric.higher_is_better is None
    assert float(metric(torch.tensor([1, 2, 3]), torch.tensor([1, 2, 0]))) == pytest.approx(2 / 3)


def test_wrapper_of_a_loss_says_lower_is_better_and_uses_the_loss_name():
    metric = metrics.MeanMetricWrapper(losses.functional.mean_squared_error)
    assert metric.higher_is_better is False
    assert metric.name == "mean_squared_error"
    wrapped_loss = metrics.MeanMetricWrapper(losses.MeanSquaredError(name="my_mse"))
    assert wrapped_loss.name == "my_mse" and wrapped_loss.higher_is_better is False


def test_wrapper_passes_keyword_arguments_and_reports_them_in_its_config():
    metric = metrics.MeanMetricWrapper(metrics.functional.binary_accuracy, threshold=0.7)
    assert float(metric(torch.tensor([[1.0], [1.0]]), torch.tensor([[0.6], [0.8]]))) == 0.5
    assert metric.get_config()["threshold"] == 0.7


def test_updates_outside_no_grad_do_not_keep_the_graph():
    weight = torch.tensor(2.0, requires_grad=True)
    metric = metrics.MeanSquaredError()
    metric.update_state(torch.zeros(3, 1), weight * torch.ones(3, 1))
    assert not metric.total.requires_grad
