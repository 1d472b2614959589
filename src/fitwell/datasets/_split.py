"""The seeded train/test split of Keras's housing datasets."""

from __future__ import annotations

import numpy as np

__all__ = ["check_test_split", "shuffled_split"]


def check_test_split(test_split: float) -> None:
    """Raise unless `0 <= test_split < 1`."""
    if not 0 <= test_split < 1:
        raise ValueError(
            f"`test_split` must be in [0, 1): the fraction of samples kept for testing. "
            f"Received: test_split={test_split}"
        )


def shuffled_split(
    x: np.ndarray, y: np.ndarray, test_split: float, seed: int
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Shuffle rows with `numpy.random.RandomState(seed)` and keep the last `test_split` for testing.

    The first `int(len(x) * (1 - test_split))` shuffled rows train, as in Keras.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = shuffled_split(np.arange(5), np.arange(5), 0.4, 113)
        >>> len(x_train), len(x_test), sorted(x_train.tolist() + x_test.tolist())
        (3, 2, [0, 1, 2, 3, 4])
    """
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
