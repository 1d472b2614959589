"""The Keras oracle for metric tests: feed fitwell and Keras the same batches, compare results."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
import torch

from fitwell.metrics import Metric

Batch = tuple[np.ndarray, np.ndarray, np.ndarray | None]

#: float32 states accumulate rounding differently in each library.
FLOAT32_TOLERANCE = {"rtol": 2e-6, "atol": 1e-6}
FLOAT64_TOLERANCE = {"rtol": 1e-6, "atol": 1e-9}


def to_torch(array: np.ndarray | None) -> torch.Tensor | None:
    return None if array is None else torch.from_numpy(np.asarray(array))


def keras_value(keras_module: Any, value: Any) -> np.ndarray:
    return np.asarray(keras_module.ops.convert_to_numpy(value), dtype=np.float64)


def ours_value(value: torch.Tensor) -> np.ndarray:
    return value.detach().cpu().double().numpy()


def feed(metric: Any, batches: Sequence[Batch], *, keras_side: bool = False) -> None:
    for y_true, y_pred, weight in batches:
        if keras_side:
            metric.update_state(y_true, y_pred, sample_weight=weight)
        else:
            metric.update_state(to_torch(y_true), to_torch(y_pred), to_torch(weight))


@pytest.fixture(scope="session")
def keras() -> Any:
    return pytest.importorskip("keras", reason="Keras 3 is the oracle for metric conformance tests")


@pytest.fixture
def agree_with_keras(keras: Any) -> Callable[..., None]:
    """Check a metric against Keras's: after every update, after a reset and again, and when merged.

    `make_ours()` and `make_keras()` build fresh metrics. The batches are fed
    twice (with a reset in between); the results must agree after every
    update. Then two fitwell instances fed the first and second halves, one
    merged into the other, must report what one instance fed everything does.
    """

    def check(
        make_ours: Callable[[], Metric],
        make_keras: Callable[[], Any],
        batches: Sequence[Batch],
        *,
        tolerance: dict[str, float] | None = None,
    ) -> None:
        tolerance = tolerance or FLOAT32_TOLERANCE
        ours, theirs = make_ours(), make_keras()
        for _ in range(2):
            for index, batch in enumerate(batches):
                feed(ours, [batch])
                feed(theirs, [batch], keras_side=True)
                np.testing.assert_allclose(
                    ours_value(ours.result()),
                    keras_value(keras, theirs.result()),
                    **tolerance,
                    err_msg=f"after update {index}",
                )
            ours.reset_state()
            theirs.reset_state()
            np.testing.assert_allclose(
                ours_value(ours.result()),
                keras_value(keras, theirs.result()),
                **tolerance,
                err_msg="after reset",
            )
        check_merge(make_ours, batches, tolerance=tolerance)

    return check


def check_merge(
    make_ours: Callable[[], Metric], batches: Sequence[Batch], *, tolerance: dict[str, float] | None = None
) -> None:
    """Two instances fed halves and merged equal one instance fed everything."""
    tolerance = tolerance or FLOAT32_TOLERANCE
    whole, first, second = make_ours(), make_ours(), make_ours()
    half = max(1, len(batches) // 2)
    feed(whole, batches)
    feed(first, batches[:half])
    feed(second, batches[half:])
    first.merge_state([second])
    np.testing.assert_allclose(ours_value(first.result()), ours_value(whole.result()), **tolerance)
