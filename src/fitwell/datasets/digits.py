"""The 8×8 handwritten digits (UCI "Optical Recognition of Handwritten Digits").

1,797 grey-scale images of the digits 0–9, 8×8 pixels with values 0–16,
from the test part of the UCI dataset by E. Alpaydin and C. Kaynak
(1998), licensed CC BY 4.0. Shipped in the package as a compressed NumPy
file, so the demo and tests never download anything.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

__all__ = ["load_digits"]


def load_digits(
    *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the digits as Keras's `load_data()` does: `(x_train, y_train), (x_test, y_test)`.

    Images are `uint8` arrays of shape `(n, 8, 8)` with values 0–16; labels
    are integers 0–9. The split is a fixed shuffle by `seed`.

    Args:
        test_fraction: Share of samples held out for testing.
        seed: Seed of the shuffle that makes the split.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = load_digits()
        >>> x_train.shape, x_test.shape, int(y_train.max())
        ((1438, 8, 8), (359, 8, 8), 9)
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"`test_fraction` must be in (0, 1). Received: test_fraction={test_fraction!r}")
    with resources.files("fitwell.datasets").joinpath("digits.npz").open("rb") as handle:
        archive = np.load(handle, allow_pickle=False)
        images, labels = archive["images"], archive["labels"]
    order = np.random.default_rng(seed).permutation(len(labels))
    images, labels = images[order], labels[order]
    split = len(labels) - int(round(len(labels) * test_fraction))
    return (images[:split], labels[:split]), (images[split:], labels[split:])
