"""`fitwell.utils.to_categorical` and `normalize`, checked against `keras.utils`."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fitwell.utils import normalize, to_categorical

LABELS = {
    "list": ([0, 2, 1, 3], None),
    "column of labels (n, 1)": (np.array([[1], [0], [2]]), None),
    "column with num_classes": (np.array([[1], [0]]), 4),
    "matrix of labels": (np.array([[1, 2], [0, 1]]), None),
    "scalar": (np.array(2), None),
    "float labels truncated": ([1.7, 0.2], None),
    "uint8": (np.array([1, 2], dtype=np.uint8), 5),
    "single (1, 1)": (np.array([[1]]), None),
    "num_classes=0 infers": ([0, 1], 0),
    "empty with num_classes": (np.zeros((0,), dtype=int), 3),
}


@pytest.mark.keras
@pytest.mark.parametrize("labels, num_classes", LABELS.values(), ids=LABELS.keys())
def test_to_categorical_of_arrays_matches_keras(labels, num_classes):
    keras = pytest.importorskip("keras")
    expected = keras.utils.to_categorical(labels, num_classes)
    got = to_categorical(labels, num_classes)
    assert type(got) is np.ndarray
    assert got.dtype == expected.dtype == np.float64
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


@pytest.mark.keras
@pytest.mark.parametrize(
    "labels", [torch.tensor([0, 3, 1]), torch.tensor([[2], [0]]), torch.tensor([[1, 0]])]
)
def test_to_categorical_of_tensors_matches_keras(labels):
    keras = pytest.importorskip("keras")
    expected = keras.utils.to_categorical(labels, 4)
    got = to_categorical(labels, 4)
    assert isinstance(got, torch.Tensor)
    assert got.dtype == expected.dtype == torch.int64
    assert got.shape == expected.shape
    assert torch.equal(got, expected.cpu())


def test_to_categorical_of_a_tensor_infers_num_classes():
    # Keras's torch backend fails on num_classes=None for tensors; here it is inferred as for arrays.
    got = to_categorical(torch.tensor([[2], [0]]))
    assert torch.equal(got, torch.tensor([[0, 0, 1], [1, 0, 0]]))


@pytest.mark.parametrize(
    "labels, num_classes, match",
    [
        ([0, -1, 2], None, "negative label: -1"),
        (torch.tensor([0, -2]), 3, "negative label: -2"),
        ([0, 5], 3, r"holds the label 5, which does not fit `num_classes=3`.*num_classes=6"),
        (torch.tensor([4]), 2, "holds the label 4"),
        ([], None, "`num_classes` cannot be inferred"),
    ],
)
def test_to_categorical_rejects_labels_outside_the_classes(labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
        to_categorical(labels, num_classes)


@pytest.mark.parametrize("num_classes", [-1, 2.5, "3", True])
def test_to_categorical_rejects_a_bad_num_classes(num_classes):
    with pytest.raises(ValueError, match=r"`num_classes` must be a positive integer.*Received: num_classes="):
        to_categorical([0, 1], num_classes)


ARRAYS = {
    "float32 rows, l2": (np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]], dtype=np.float32), -1, 2),
    "float32 rows, l1": (np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]], dtype=np.float32), -1, 1),
    "float64, 3-d, axis 1": (np.random.default_rng(0).normal(size=(2, 3, 4)), 1, 2),
    "integers": (np.array([[1, 2], [3, 4]]), -1, 2),
    "1-d gets a leading axis": (np.array([3.0, 4.0]), -1, 2),
    "infinity norm": (np.array([[1.0, -5.0], [2.0, 1.0]]), -1, np.inf),
}


@pytest.mark.keras
@pytest.mark.parametrize("x, axis, order", ARRAYS.values(), ids=ARRAYS.keys())
def test_normalize_of_numpy_arrays_matches_keras(x, axis, order):
    keras = pytest.importorskip("keras")
    expected = keras.utils.normalize(x, axis=axis, order=order)
    got = normalize(x, axis=axis, order=order)
    assert type(got) is np.ndarray
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


TENSORS = {
    "float rows, l2": (torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]), -1, 2),
    "float rows, l1": (torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]), -1, 1),
    "columns, axis 0": (torch.tensor([[3.0, 4.0], [0.0, 0.0], [1.0, 2.0]]), 0, 2),
    "integers": (torch.tensor([[1, 2], [3, 4]]), -1, 2),
    "integers, l3": (torch.tensor([[1, 2], [3, 4]]), -1, 3),
    "float64": (torch.tensor([[1.0, 2.0]], dtype=torch.float64), -1, 2),
    "list of floats": ([[3.0, 4.0]], -1, 2),
    "scalar": (torch.tensor(5.0), -1, 2),
}


@pytest.mark.keras
@pytest.mark.parametrize("x, axis, order", TENSORS.values(), ids=TENSORS.keys())
def test_normalize_of_tensors_matches_keras(x, axis, order):
    keras = pytest.importorskip("keras")
    expected = keras.utils.normalize(x, axis=axis, order=order)
    got = normalize(x, axis=axis, order=order)
    assert isinstance(got, torch.Tensor)
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected.cpu(), rtol=1e-6, atol=0)


def test_normalize_of_numpy_columns_divides_by_the_column_norms():
    # Keras's numpy path turns axis=0 into axis=-1 and divides by the wrong norms.
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    expected = x / np.sqrt((x**2).sum(axis=0, keepdims=True))
    np.testing.assert_allclose(normalize(x, axis=0), expected)
    np.testing.assert_allclose(normalize(np.ones((3, 2)), axis=0), np.full((3, 2), 1 / np.sqrt(3)))


@pytest.mark.parametrize("order", [0, 1.5, "fro"])
def test_normalize_of_a_tensor_needs_an_integer_order(order):
    with pytest.raises(ValueError, match=r"`order` must be an integer >= 1 for tensors. Received: order="):
        normalize(torch.ones(2, 2), order=order)
