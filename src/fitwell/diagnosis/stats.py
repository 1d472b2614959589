"""Small robust statistics on per-epoch curves, shared by the rules.

Each works on runs of any length (from 2 epochs to thousands) and resists a
single outlying epoch: smoothing is a running median of 3, levels are medians
of windows, and windows scale with the run's length.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "decreasing_fraction",
    "difference_error",
    "end_level",
    "estimated_samples",
    "held_level",
    "logged_step",
    "median_smooth",
    "noise_scale",
    "relative_drop",
    "running_median",
    "tail_window",
]


def median_smooth(values: np.ndarray) -> np.ndarray:
    """Running median of 3: removes one-epoch outliers and keeps trends.

    Each end is the median of its own value, its smoothed neighbour, and the
    straight-line extrapolation of the two smoothed neighbours (Tukey's end
    rule), so a single outlying first or last epoch is tamed too, while a
    curve still falling at its end keeps its last value.

    Example:
        >>> median_smooth(np.array([1.0, 0.8, 5.0, 0.6, 0.5])).tolist()
        [1.0, 1.0, 0.8, 0.6, 0.5]
        >>> median_smooth(np.array([0.5, 0.5, 0.5, 0.5, 0.1])).tolist()
        [0.5, 0.5, 0.5, 0.5, 0.5]
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) < 3:
        return values.copy()
    middle = np.median(np.stack([values[:-2], values[1:-1], values[2:]]), axis=0)
    if len(middle) == 1:
        return np.concatenate([values[:1], middle, values[-1:]])
    first = np.median([values[0], middle[0], 3 * middle[0] - 2 * middle[1]])
    last = np.median([values[-1], middle[-1], 3 * middle[-1] - 2 * middle[-2]])
    return np.concatenate([[first], middle, [last]])


def running_median(values: np.ndarray, width: int) -> np.ndarray:
    """Running median over `width` epochs (odd; centred, narrower at the ends); `median_smooth`
    for a width of 3 or less. A long noisy run needs a wider one for its level: the lowest of a
    3-epoch median over 1,500 noisy epochs is one lucky dip, not where the curve got to.

    Example:
        >>> running_median(np.array([1.0, 0.4, 0.9, 1.1, 0.8, 1.0, 0.9]), 5).tolist()
        [0.9, 0.95, 0.9, 0.9, 0.9, 0.95, 0.9]
    """
    values = np.asarray(values, dtype=np.float64)
    if width <= 3:
        return median_smooth(values)
    half = width // 2
    return np.array([np.median(values[max(0, i - half) : i + half + 1]) for i in range(len(values))])


def reached_low_at(values: np.ndarray, margin: float) -> int:
    """The first position where a curve came within `margin` (absolute) of its lowest value: where
    it stopped making new lows of note.

    Example:
        >>> reached_low_at(np.array([1.0, 0.6, 0.505, 0.52, 0.5]), margin=0.01)
        2
    """
    low = float(np.min(values))
    return int(np.flatnonzero(values <= low + margin + 1e-12)[0])


def tail_window(n: int, fraction: float, minimum: int = 2) -> int:
    """Size of the final window: `fraction` of the run, at least `minimum`, at most `n`.

    Example:
        >>> tail_window(5, 0.25), tail_window(40, 0.25), tail_window(500, 0.25)
        (2, 10, 125)
    """
    return int(min(n, max(minimum, round(fraction * n))))


def end_level(values: np.ndarray, window: int) -> float:
    """Median of the last `window` values."""
    return float(np.median(values[-window:]))


def is_fraction(values: np.ndarray) -> bool:
    """Whether every recorded value lies between 0 and 1 (a score such as an accuracy or an AUC,
    not one logged in percent or a loss named like one); NaN is skipped.

    Example:
        >>> is_fraction(np.array([0.52, np.nan, 1.0])), is_fraction(np.array([52.0, 61.0]))
        (True, False)
    """
    return bool(len(values)) and 0.0 <= float(np.nanmin(values)) and float(np.nanmax(values)) <= 1.0


def relative_drop(before: float, after: float) -> float:
    """`(before - after) / |before|`: positive when the value fell; 0 when `before` is 0."""
    if before == 0:
        return 0.0
    return (before - after) / abs(before)


def new_low_at_the_end(values: np.ndarray, margin: float) -> bool:
    """Whether the last finite value is below every finite one before it (at least 2) by more than
    `margin` of the lowest of them, measured on its size (`min - margin × |min|`: a negative loss
    must go further below zero, not less far)."""
    finite = values[np.isfinite(values)]
    if len(finite) < 3:
        return False
    low = float(np.min(finite[:-1]))
    return float(finite[-1]) < low - margin * abs(low)


def decreasing_fraction(values: np.ndarray, stride: int = 1) -> float:
    """Share of steps of `stride` epochs that go down (1.0 for a strictly falling curve).

    A stride that grows with the run (e.g. `n // 20`) judges a long run at
    the same coarseness as a short one, so per-epoch noise on a long, slow
    descent does not hide the trend.

    Example:
        >>> decreasing_fraction(np.array([3.0, 2.0, 2.5, 1.0, 0.5]))
        0.75
        >>> decreasing_fraction(np.array([3.0, 2.0, 2.5, 1.0, 0.5]), stride=2)
        1.0
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) <= stride:
        return 0.0
    return float(np.mean(values[stride:] < values[:-stride]))


def noise_scale(values: np.ndarray) -> float:
    """Robust standard deviation of the epoch-to-epoch noise of a curve.

    Uses second differences, which cancel any locally straight trend: for
    white noise of deviation σ they have deviation σ·√6. The median absolute
    deviation (× 1.4826) makes one outlying epoch count as little as any other.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> trend = np.linspace(1.0, 0.5, 400)
        >>> round(noise_scale(trend + rng.normal(0, 0.01, 400)), 3)
        0.01
    """
    if len(values) < 3:
        return 0.0
    second = np.diff(np.asarray(values, dtype=np.float64), n=2)
    return float(1.4826 * np.median(np.abs(second - np.median(second))) / np.sqrt(6.0))


def estimated_samples(accuracies: np.ndarray) -> int | None:
    """The validation set's size as its accuracy's steps show it (a lower bound), or None.

    An accuracy on `N` samples moves in steps of `1/N`; the smallest step seen
    between distinct values is a multiple of it, so two values already bound `N`
    from below (0.99917 and 1: at least 1,203 samples).

    Example:
        >>> estimated_samples(np.array([0.9, 0.9333333, 0.9666667, 1.0, 0.9666667]))
        30
        >>> estimated_samples(np.array([0.9991688, 1.0, 1.0]))
        1203
        >>> estimated_samples(np.array([1.0, 1.0])) is None
        True
    """
    values = np.unique(np.round(accuracies[np.isfinite(accuracies)], 6))
    steps = np.diff(values)
    steps = steps[steps > 1e-5]
    if not len(steps):
        return None
    samples = int(round(1.0 / float(steps.min())))
    return samples if samples >= 1 else None  # steps over 1: no accuracy of any set


def printed_to_two_decimals(values: np.ndarray) -> bool:
    """Whether every value is a whole number of hundredths: a score printed to two decimals, whose
    steps say nothing of its set's size."""
    return bool(np.all(np.abs(values * 100 - np.round(values * 100)) < 1e-6))


def exact_sample_count(accuracies: np.ndarray) -> int | None:
    """The number of samples an accuracy was measured on, when at least three distinct values are
    all whole multiples of `1/N` (to the three digits logs print, which can tell that for `N` up
    to 500); else None: two values bound `N` only from below (`estimated_samples`), and an
    accuracy averaged over batches is no multiple.

    Example:
        >>> exact_sample_count(np.array([0.6, 0.4, 0.8, 1.0, 0.8]))
        5
        >>> exact_sample_count(np.array([0.749, 1.0, 1.0])) is None
        True
    """
    values = np.unique(np.round(accuracies[np.isfinite(accuracies)], 6))
    samples = estimated_samples(accuracies)
    if samples is None or samples > 500 or len(values) < 3:
        return None
    counts = values * samples
    return samples if bool(np.all(np.abs(counts - np.round(counts)) <= 1e-3 * samples)) else None


def difference_error(first: float, second: float, samples: int) -> float:
    """The standard error of the difference of two accuracies measured on `samples` samples each,
    from their pooled rate (kept at least one sample away from 0 and 1).

    Example:
        >>> round(difference_error(0.804, 0.786, 500), 4)
        0.0255
    """
    pooled = min(max((first + second) / 2, 1.0 / samples), 1.0 - 1.0 / samples)
    return float(np.sqrt(2.0 * pooled * (1.0 - pooled) / samples))


def held_level(values: np.ndarray) -> tuple[float, float]:
    """`(level, spread)`: the median of a loss's values and their range relative to it (`inf` at a
    level of 0, where no relative spread can be told)."""
    level = float(np.median(values))
    return level, float(np.ptp(values)) / abs(level) if level != 0.0 else np.inf


def logged_step(value: float) -> float:
    """The step in which `value` was logged, relative to it: the last decimal it shows (189.04:
    0.01 / 189.04; 0.002: 0.001 / 0.002, half of it; a value written in full: about 1e-12).

    Example:
        >>> round(logged_step(189.04), 7), logged_step(0.002)
        (5.29e-05, 0.5)
    """
    for decimals in range(13):
        if abs(round(value, decimals) - value) <= 1e-12 * max(1.0, abs(value)):
            return 10.0**-decimals / abs(value)
    return 1e-13 / abs(value)
