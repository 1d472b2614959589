"""Every loss against Keras 3 itself: same inputs, every reduction, with and without weights.

float64 on both sides (Keras losses take `dtype="float64"`) with a relative
tolerance of 1e-6; a float32 pass checks the clipping constants bit for bit
where Keras's float32 rounding matters (exact 0/1 probabilities).
"""

from __future__ import annotations

import functools
import zlib

import numpy as np
import pytest
import torch

from fitwell import losses

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.keras

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)
N, C = 6, 4


# -- inputs --------------------------------------------------------------------------------------
def _rng(case: str) -> np.random.Generator:
    return np.random.default_rng(zlib.crc32(case.encode()))


def _softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _one_hot(labels: np.ndarray, classes: int = C) -> np.ndarray:
    return np.eye(classes)[labels]


def binary_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y = rng.integers(0, 2, size=(N, 3)).astype("float64")
    p = rng.uniform(0.01, 0.99, size=(N, 3))
    if case == "exact":  # exact 0/1 probabilities, right and confidently wrong
        p = np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.5, 1.0]] * 2)
    elif case == "all_ones":
        y = np.ones((N, 3))
    elif case == "all_zeros":
        y, p = np.zeros((N, 3)), np.zeros((N, 3))
    elif case == "column":  # (N, 1) predictions against (N,) labels
        y, p = y[:, 0], p[:, :1]
    elif case == "soft":  # soft targets in [0, 1]
        y = rng.uniform(size=(N, 3))
    return y, p


def binary_logit_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    y, _ = binary_inputs("random" if case in ("large", "moderate") else case)
    z = _rng(case).normal(scale=3.0, size=y.shape)
    if case == "large":
        z = np.array([[50.0, -50.0, 500.0], [-500.0, 80.0, -80.0]] * 3)
    elif case == "column":
        z = z[:, None]
    return y, z


def categorical_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    labels = rng.integers(0, C, size=N)
    p = _softmax(rng.normal(size=(N, C)))
    if case == "exact":  # one-hot predictions: zeros and ones, some wrong
        p = _one_hot((labels + np.array([0, 1, 0, 2, 0, 3])) % C)
    elif case == "unnormalised":
        p = rng.uniform(0.1, 3.0, size=(N, C))
    elif case == "one_class":
        labels = np.full(N, 2)
    return _one_hot(labels), p


def categorical_logit_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    y, _ = categorical_inputs("random" if case == "large" else case)
    z = _rng(case).normal(scale=3.0, size=(N, C))
    if case == "large":
        z = z * 100.0
    return y, z


def class_axis_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    # (N, C, T) scores with the class axis second, for axis=1.
    rng = _rng(case)
    labels = rng.integers(0, C, size=(N, 3))
    y = np.moveaxis(_one_hot(labels), -1, 1)
    return y, _softmax(rng.normal(size=(N, C, 3)), axis=1)


def sparse_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    y, p = categorical_inputs("random" if case in ("column", "padded") else case)
    labels = y.argmax(-1)
    if case == "column":
        labels = labels[:, None]
    elif case == "padded":  # -1 marks samples to ignore
        labels[[1, 4]] = -1
    return labels, p


def sparse_logit_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    labels, _ = sparse_inputs(case)
    z = _rng(case).normal(scale=3.0, size=(N, C))
    return labels, z * (100.0 if case == "large" else 1.0)


def sparse_axis_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    y, p = class_axis_inputs(case)
    return y.argmax(1), p


def regression_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y, p = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    if case == "zeros":
        y, p = np.zeros((N, 3)), np.zeros((N, 3))
    elif case == "ones":
        y, p = np.ones((N, 3)), np.ones((N, 3)) + rng.normal(size=(N, 3))
    elif case == "column":
        y, p = y[:, 0], p[:, :1]
    elif case == "outliers":
        p = p + np.array([0.0, 10.0, -30.0])
    return y, p


def positive_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y, p = rng.exponential(size=(N, 3)) * 5, rng.exponential(size=(N, 3)) * 5
    if case == "zeros":
        y = np.zeros((N, 3))
    elif case == "negative":  # values below the clip point
        p = p - 3.0
    elif case == "column":
        y, p = y[:, 0], p[:, :1]
    return y, p


def count_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y, p = rng.poisson(3.0, size=(N, 3)).astype("float64"), rng.exponential(size=(N, 3)) * 3
    if case == "zeros":
        y, p = np.zeros((N, 3)), np.zeros((N, 3))
    return y, p


def distribution_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y, p = _softmax(rng.normal(size=(N, C))), _softmax(rng.normal(size=(N, C)))
    if case == "exact":
        y = _one_hot(rng.integers(0, C, size=N))
    elif case == "zeros":
        p = np.zeros((N, C))
    return y, p


def hinge_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    p = rng.normal(scale=2.0, size=(N, 3))
    signs = rng.choice([-1.0, 1.0], size=(N, 3))
    y = {"signed": signs, "binary": (signs + 1) / 2, "mixed": rng.choice([-1.0, 0.0, 1.0], size=(N, 3))}[case]
    if case == "binary":
        y[0] = [0.0, 1.0, 0.0]  # both values present: converted to -1/+1
    return y, p


def categorical_hinge_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    y, _ = categorical_inputs(case)
    return y, _rng(case).normal(scale=2.0, size=(N, C))


def vector_inputs(case: str) -> tuple[np.ndarray, np.ndarray]:
    rng = _rng(case)
    y, p = rng.normal(size=(N, 3)), rng.normal(size=(N, 3))
    if case == "zero_vector":
        y[1] = 0.0
        p[2] = 0.0
    elif case == "same":
        p = 3.0 * y
    return y, p


# (class name, constructor arguments, input generator, cases)
SPECS = [
    ("BinaryCrossentropy", {}, binary_inputs, ("random", "exact", "all_ones", "all_zeros", "column", "soft")),
    (
        "BinaryCrossentropy",
        {"from_logits": True},
        binary_logit_inputs,
        ("random", "large", "all_ones", "column"),
    ),
    ("BinaryCrossentropy", {"label_smoothing": 0.2}, binary_inputs, ("random", "exact")),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        binary_logit_inputs,
        ("random", "large"),
    ),
    ("BinaryCrossentropy", {"axis": 0}, binary_inputs, ("random",)),
    ("BinaryFocalCrossentropy", {}, binary_inputs, ("random", "exact", "all_ones", "column")),
    (
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5},
        binary_inputs,
        ("random", "exact"),
    ),
    ("BinaryFocalCrossentropy", {"from_logits": True, "gamma": 3.0}, binary_logit_inputs, ("random",)),
    ("BinaryFocalCrossentropy", {"label_smoothing": 0.1, "gamma": 0.0}, binary_inputs, ("random",)),
    ("CategoricalCrossentropy", {}, categorical_inputs, ("random", "exact", "unnormalised", "one_class")),
    (
        "CategoricalCrossentropy",
        {"from_logits": True},
        categorical_logit_inputs,
        ("random", "large", "one_class"),
    ),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, categorical_inputs, ("random", "exact")),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.3},
        categorical_logit_inputs,
        ("random", "large"),
    ),
    ("CategoricalCrossentropy", {"axis": 1}, class_axis_inputs, ("random",)),
    ("CategoricalFocalCrossentropy", {}, categorical_inputs, ("random", "exact", "unnormalised")),
    (
        "CategoricalFocalCrossentropy",
        {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 1.0},
        categorical_inputs,
        ("random",),
    ),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, categorical_logit_inputs, ("random",)),
    ("CategoricalFocalCrossentropy", {"label_smoothing": 0.1, "gamma": 3.0}, categorical_inputs, ("random",)),
    ("SparseCategoricalCrossentropy", {}, sparse_inputs, ("random", "exact", "one_class", "column")),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        sparse_logit_inputs,
        ("random", "large", "one_class", "column"),
    ),
    ("SparseCategoricalCrossentropy", {"ignore_class": -1}, sparse_inputs, ("padded",)),
    (
        "SparseCategoricalCrossentropy",
        {"from_logits": True, "ignore_class": 2},
        sparse_logit_inputs,
        ("random", "one_class"),
    ),
    ("SparseCategoricalCrossentropy", {"axis": 1}, sparse_axis_inputs, ("random",)),
    ("MeanSquaredError", {}, regression_inputs, ("random", "zeros", "ones", "column")),
    ("MeanAbsoluteError", {}, regression_inputs, ("random", "zeros", "ones", "column")),
    ("MeanAbsolutePercentageError", {}, regression_inputs, ("random", "zeros", "ones", "column")),
    ("MeanSquaredLogarithmicError", {}, positive_inputs, ("random", "zeros", "negative", "column")),
    ("Huber", {}, regression_inputs, ("random", "zeros", "outliers", "column")),
    ("Huber", {"delta": 0.5}, regression_inputs, ("random", "outliers")),
    ("LogCosh", {}, regression_inputs, ("random", "zeros", "outliers", "column")),
    ("CosineSimilarity", {}, vector_inputs, ("random", "zero_vector", "same")),
    ("CosineSimilarity", {"axis": 0}, vector_inputs, ("random",)),
    ("Hinge", {}, hinge_inputs, ("signed", "binary", "mixed")),
    ("SquaredHinge", {}, hinge_inputs, ("signed", "binary", "mixed")),
    ("CategoricalHinge", {}, categorical_hinge_inputs, ("random", "one_class")),
    ("KLDivergence", {}, distribution_inputs, ("random", "exact", "zeros")),
    ("Poisson", {}, count_inputs, ("random", "zeros")),
]

CASES = [
    pytest.param(
        name, kwargs, make, case, id=f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items())}-{case}"
    )
    for name, kwargs, make, cases in SPECS
    for case in cases
]


# Keras's log_cosh takes log(2) in float32 even in float64: 2e-9 off per element.
FLOAT64_ATOL = {"LogCosh": 1e-7}
# fitwell's focal losses take logits through log-sigmoid (stable); Keras goes
# through sigmoid, clip and log, which in float32 differs in the 6th digit.
FLOAT32_RTOL = {("BinaryFocalCrossentropy", True): 5e-5, ("CategoricalFocalCrossentropy", True): 5e-5}


@functools.cache
def keras_loss(name: str, frozen: tuple, reduction: str | None, dtype: str):
    return getattr(keras.losses, name)(**dict(frozen), reduction=reduction, dtype=dtype)


def fitwell_loss(name: str, kwargs: dict, reduction: str | None) -> losses.Loss:
    return getattr(losses, name)(**kwargs, reduction=reduction)


def frozen(kwargs: dict) -> tuple:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in sorted(kwargs.items()))


def weight_patterns(shape: tuple[int, ...]) -> dict[str, np.ndarray | None]:
    rng = np.random.default_rng(7)
    random = rng.uniform(0.0, 2.0, size=shape)
    with_zeros = random * (rng.uniform(size=shape) > 0.5)
    with_zeros.flat[0] = 0.0
    return {"none": None, "random": random, "with_zeros": with_zeros, "all_zeros": np.zeros(shape)}


def as_torch(value: np.ndarray, dtype: torch.dtype) -> torch.Tensor:
    tensor = torch.from_numpy(np.asarray(value))
    return tensor if not tensor.is_floating_point() else tensor.to(dtype)


def to_numpy(value) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")


@pytest.mark.parametrize(("name", "kwargs", "make", "case"), CASES)
def test_matches_keras_in_float64_for_every_reduction_and_weighting(name, kwargs, make, case):
    y_true, y_pred = make(case)
    y_true_t, y_pred_t = as_torch(y_true, torch.float64), as_torch(y_pred, torch.float64)
    per_sample_shape = tuple(fitwell_loss(name, kwargs, "none")(y_true_t, y_pred_t).shape)
    for reduction in REDUCTIONS:
        ours, reference = (
            fitwell_loss(name, kwargs, reduction),
            keras_loss(name, frozen(kwargs), reduction, "float64"),
        )
        for pattern, weight in weight_patterns(per_sample_shape).items():
            got = ours(y_true_t, y_pred_t, None if weight is None else torch.from_numpy(weight))
            expected = reference(y_true, y_pred, sample_weight=weight)
            assert got.dtype == torch.float64
            np.testing.assert_allclose(
                got.numpy(),
                to_numpy(expected),
                rtol=1e-6,
                atol=FLOAT64_ATOL.get(name, 1e-9),
                err_msg=f"reduction={reduction!r}, sample_weight={pattern}",
            )


FLOAT32_CASES = [param for param in CASES if param.values[3] in ("random", "exact", "large", "padded")]


@pytest.mark.parametrize(("name", "kwargs", "make", "case"), FLOAT32_CASES)
def test_matches_keras_in_float32(name, kwargs, make, case):
    y_true, y_pred = make(case)
    got = fitwell_loss(name, kwargs, "none")(as_torch(y_true, torch.float32), as_torch(y_pred, torch.float32))
    expected = keras_loss(name, frozen(kwargs), "none", "float32")(
        y_true.astype("float32"), y_pred.astype("float32")
    )
    assert got.dtype == torch.float32
    rtol = FLOAT32_RTOL.get((name, kwargs.get("from_logits", False)), 2e-6)
    np.testing.assert_allclose(got.numpy(), to_numpy(expected), rtol=rtol, atol=1e-6)


def test_float32_clipping_is_asymmetric_exactly_as_in_keras():
    # 1 - 1e-7 rounds to 0.99999988 in float32, so a confident wrong 1 costs
    # less than a confident wrong 0.
    loss = losses.BinaryCrossentropy(reduction="none")
    values = loss(torch.tensor([[0.0], [1.0]]), torch.tensor([[1.0], [0.0]]))
    expected = keras.losses.BinaryCrossentropy(reduction="none")(
        np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])
    )
    np.testing.assert_array_equal(values.numpy(), keras.ops.convert_to_numpy(expected))
    assert values[0].item() == pytest.approx(15.942385, rel=1e-6)
    assert values[1].item() == pytest.approx(16.118095, rel=1e-6)


@pytest.mark.parametrize(
    "name",
    [
        "binary_crossentropy",
        "categorical_crossentropy",
        "mean_squared_error",
        "huber",
        "log_cosh",
        "kl_divergence",
        "poisson",
        "cosine_similarity",
        "hinge",
        "categorical_hinge",
        "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error",
        "squared_hinge",
        "mean_absolute_error",
        "binary_focal_crossentropy",
        "categorical_focal_crossentropy",
    ],
)
def test_function_forms_match_keras_functions(name):
    rng = np.random.default_rng(3)
    y_true = _one_hot(rng.integers(0, C, size=N)) if "categorical" in name else rng.uniform(size=(N, C))
    y_pred = _softmax(rng.normal(size=(N, C)))
    got = getattr(losses, name)(torch.from_numpy(y_true), torch.from_numpy(y_pred))
    expected = getattr(keras.losses, name)(y_true, y_pred)
    np.testing.assert_allclose(got.numpy(), to_numpy(expected), rtol=1e-6, atol=1e-9)


def test_sparse_function_form_matches_keras():
    labels, scores = sparse_logit_inputs("random")
    got = losses.sparse_categorical_crossentropy(
        torch.from_numpy(labels), torch.from_numpy(scores), from_logits=True
    )
    expected = keras.losses.sparse_categorical_crossentropy(labels, scores, from_logits=True)
    np.testing.assert_allclose(got.numpy(), to_numpy(expected), rtol=1e-6)
