"""The robust statistics behind the rules."""

from __future__ import annotations

import numpy as np
import pytest

from fitwell.diagnosis import stats


def test_median_smoothing_removes_a_one_epoch_outlier_anywhere():
    values = np.array([1.0, 0.9, 0.8, 3.0, 0.6, 0.5, 0.4, 0.05])
    smooth = stats.median_smooth(values)
    assert smooth[3] == 0.8
    assert smooth[-1] == pytest.approx(0.2)  # the trend's next value would be 0.3; the outlier 0.05
    assert stats.median_smooth(np.array([5.0, 1.0, 0.9, 0.8]))[0] == pytest.approx(1.2)  # not 5.0


def test_median_smoothing_keeps_a_falling_end():
    values = np.linspace(2.0, 1.0, 6)
    np.testing.assert_allclose(stats.median_smooth(values), values)


def test_short_curves_are_returned_unchanged():
    assert stats.median_smooth(np.array([1.0, 2.0])).tolist() == [1.0, 2.0]
    assert stats.noise_scale(np.array([1.0, 2.0])) == 0.0


@pytest.mark.parametrize(("n", "expected"), [(1, 1), (2, 2), (5, 2), (40, 10), (500, 125)])
def test_the_end_window_scales_with_the_run(n, expected):
    assert stats.tail_window(n, 0.25) == expected


def test_noise_scale_ignores_the_trend_and_one_outlier():
    rng = np.random.default_rng(1)
    values = np.linspace(3.0, 1.0, 300) + rng.normal(0, 0.02, 300)
    values[100] += 5.0
    assert stats.noise_scale(values) == pytest.approx(0.02, rel=0.2)


def test_relative_drop_and_decreasing_fraction():
    assert stats.relative_drop(2.0, 1.5) == 0.25 and stats.relative_drop(0.0, 1.0) == 0.0
    assert stats.decreasing_fraction(np.array([1.0])) == 0.0
    assert stats.decreasing_fraction(np.array([3.0, 2.0, 2.5, 1.0])) == pytest.approx(2 / 3)
