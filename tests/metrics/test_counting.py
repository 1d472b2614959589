"""The bucket histogram behind confusion metrics counts exactly what Keras's threshold loop counts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell.metrics import counting

RNG = np.random.default_rng(21)


@pytest.mark.parametrize(
    "thresholds",
    [
        [0.5],
        [0.0, 0.5, 1.0],
        [0.0, 0.5, 0.9],
        [0.0, 1 / 3, 2 / 3, 1.0],
        [0.1, 0.2],
        list(np.linspace(0, 1, 200)),
    ],
)
def test_evenly_spaced_agrees_with_keras(keras, thresholds):
    from keras.src.metrics.metrics_utils import is_evenly_distributed_thresholds

    assert counting.evenly_spaced(thresholds) == bool(is_evenly_distributed_thresholds(np.array(thresholds)))


@pytest.mark.parametrize("evenly", [False, True])
def test_counts_equal_a_direct_comparison_with_every_threshold(evenly):
    thresholds = [0.0, 0.25, 0.5, 0.75, 1.0] if evenly else [0.6, 0.1, 0.35, 0.35]
    buckets = counting.ThresholdBuckets(thresholds, evenly=evenly, padded=False, dtype=torch.float32)
    y_pred = torch.from_numpy(RNG.random(50).astype("float32"))
    y_pred[:4] = torch.tensor([0.0, 0.25, 1.0, 0.35])
    labels = torch.from_numpy(RNG.integers(0, 2, 50))
    weights = torch.from_numpy(RNG.random(50).astype("float32"))
    histogram = torch.zeros(len(thresholds) + 1, 2)
    buckets.add(histogram, y_pred, labels.bool(), weights)
    counts = buckets.counts(histogram)
    above = y_pred[None, :] > torch.tensor(thresholds)[:, None]
    positive = labels.bool()[None, :]
    expected = {
        "true_positives": (above & positive),
        "false_positives": (above & ~positive),
        "true_negatives": (~above & ~positive),
        "false_negatives": (~above & positive),
    }
    for name, mask in expected.items():
        torch.testing.assert_close(getattr(counts, name), (mask * weights).sum(dim=1), msg=name)


def test_a_nan_prediction_is_above_no_threshold():
    for evenly, padded in ((True, True), (True, False), (False, False)):
        grid = [-1e-7, 0.5, 1 + 1e-7] if padded else [0.0, 0.5, 1.0]
        buckets = counting.ThresholdBuckets(grid, evenly=evenly, padded=padded, dtype=torch.float32)
        assert buckets.bucket(torch.tensor([float("nan")])).tolist() == [0]


def test_padded_grid_puts_zero_above_the_first_threshold():
    buckets = counting.ThresholdBuckets([-1e-7, 0.5, 1 + 1e-7], evenly=True, padded=True, dtype=torch.float32)
    assert buckets.bucket(torch.tensor([0.0, 0.5, 0.50001, 1.0, 7.0, -3.0])).tolist() == [1, 1, 2, 2, 2, 1]


def test_multi_label_histogram_keeps_columns_apart():
    buckets = counting.ThresholdBuckets([0.5], evenly=False, padded=False, dtype=torch.float32)
    histogram = torch.zeros(2, 2, 2)
    y_pred = torch.tensor([[0.9, 0.1], [0.8, 0.7]])
    labels = torch.tensor([[1, 0], [0, 1]])
    buckets.add(histogram, y_pred, labels.bool(), None)
    counts = buckets.counts(histogram)
    assert counts.true_positives.tolist() == [[1.0, 1.0]]
    assert counts.false_positives.tolist() == [[1.0, 0.0]]
    assert counts.true_negatives.tolist() == [[0.0, 1.0]]
