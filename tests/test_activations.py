"""Activations against Keras 3: every name, its keyword arguments and edge values; get/serialize."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from fitwell import activations

keras = pytest.importorskip("keras")
from keras.src.activations import ALL_OBJECTS_DICT as KERAS_NAMES  # noqa: E402

pytestmark = pytest.mark.keras

# Kinks and saturation points of the functions here (0, +-0.5, +-1, +-3, 6), signed
# zeros, tiny and large magnitudes, then random values; 48 values as a (4, 12) batch.
EDGES = [-1e4, -30.0, -6.0, -3.0, -1.0, -0.5, -1e-7, -0.0, 0.0, 1e-7, 0.5, 1.0, 3.0, 6.0, 30.0, 1e4]
SPECIAL = {"threshold", "sparsemax"}  # threshold needs arguments; sparsemax is tested below


def _inputs(dtype: torch.dtype = torch.float32) -> torch.Tensor:
    rest = np.random.default_rng(0).normal(scale=4.0, size=48 - len(EDGES))
    return torch.tensor([*EDGES, *rest], dtype=dtype).reshape(4, 12)


def _assert_same(ours: torch.Tensor, theirs: torch.Tensor) -> None:
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    tolerance = 1e-12 if ours.dtype == torch.float64 else 1e-6
    torch.testing.assert_close(ours, theirs, rtol=tolerance, atol=tolerance, equal_nan=True)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("name", sorted(set(activations.NAMES) - SPECIAL))
def test_each_function_equals_keras_on_edge_and_random_values(name, dtype):
    x = _inputs(dtype)
    _assert_same(activations.get(name)(x), keras.activations.get(name)(x))


@pytest.mark.parametrize("negative_slope", [0.0, 0.1, 1.5])
@pytest.mark.parametrize("max_value", [None, 6, 6.0, 2.5, 0.0])
@pytest.mark.parametrize("threshold", [0.0, 0.5, -1.0, 3.0])
def test_relu_options_equal_keras_including_signed_zeros(negative_slope, max_value, threshold):
    x = torch.cat([_inputs().reshape(-1), torch.tensor([threshold, threshold + 1e-6, threshold - 1e-6])])
    ours = activations.relu(x, negative_slope, max_value=max_value, threshold=threshold)
    theirs = keras.activations.relu(
        x, negative_slope=negative_slope, max_value=max_value, threshold=threshold
    )
    assert torch.equal(ours, theirs) and torch.equal(ours.signbit(), theirs.signbit())


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("leaky_relu", {"negative_slope": 0.01}),
        ("leaky_relu", {"negative_slope": 2.0}),
        ("elu", {"alpha": 0.3}),
        ("celu", {"alpha": 2.5}),
        ("gelu", {"approximate": True}),
        ("gelu", {"approximate": False}),
        ("soft_shrink", {"threshold": 1.5}),
        ("hard_shrink", {"threshold": 1.0}),
        ("squareplus", {"b": 0.5}),
        ("glu", {"axis": 0}),
        ("softmax", {"axis": 0}),
        ("softmax", {"axis": None}),
        ("log_softmax", {"axis": 0}),
        ("log_softmax", {"axis": None}),
        ("threshold", {"threshold": 0.5, "default_value": -2.0}),
        ("threshold", {"threshold": -1.0, "default_value": 0.0}),
    ],
)
def test_keyword_arguments_equal_keras(name, kwargs):
    x = _inputs()
    _assert_same(getattr(activations, name)(x, **kwargs), getattr(keras.activations, name)(x, **kwargs))


@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [(1, 2), (0, 2), (0, 1, 2)])
def test_softmax_over_several_axes_equals_keras(function, axis):
    x = _inputs().reshape(2, 4, 6)
    _assert_same(
        getattr(activations, function)(x, axis=axis), getattr(keras.activations, function)(x, axis=axis)
    )
    assert getattr(activations, function)(x, axis=(-2, -1)).shape == x.shape


@pytest.mark.parametrize("function", ["softmax", "log_softmax"])
def test_half_precision_softmax_equals_keras(function):
    x = _inputs().clamp(-20, 20).half()
    _assert_same(getattr(activations, function)(x), getattr(keras.activations, function)(x))


def test_softmax_over_a_size_one_axis_warns_as_keras_does():
    with pytest.warns(UserWarning, match="activation='sigmoid'"):
        out = activations.softmax(torch.tensor([[2.0], [-1.0]]))
    assert out.tolist() == [[1.0], [1.0]]


def test_inputs_that_are_not_tensors_are_converted():
    assert activations.relu([-1.0, 2.0]).tolist() == [0.0, 2.0]
    assert activations.sigmoid(np.zeros(2)).tolist() == [0.5, 0.5]


def test_gradients_flow_through_relu_options():
    x = torch.tensor([-2.0, 0.5, 4.0], requires_grad=True)
    activations.relu(x, 0.1, max_value=3.0, threshold=0.25).sum().backward()
    assert x.grad.tolist() == pytest.approx([0.1, 1.0, 0.0])


# -- sparsemax -------------------------------------------------------------------------------------
def _simplex_projection(row: np.ndarray) -> np.ndarray:
    """Reference by bisection on tau: sum(max(x - tau, 0)) = 1 (not the sort-based algorithm)."""
    low, high = row.min() - 1.0, row.max()
    for _ in range(200):
        tau = (low + high) / 2
        low, high = (tau, high) if np.maximum(row - tau, 0).sum() > 1 else (low, tau)
    return np.maximum(row - (low + high) / 2, 0)


@pytest.mark.parametrize("axis", [-1, 0])
def test_sparsemax_is_the_projection_onto_the_simplex(axis):
    x = _inputs(torch.float64) / 4
    out = activations.sparsemax(x, axis=axis)
    expected = np.apply_along_axis(_simplex_projection, axis, x.numpy())
    np.testing.assert_allclose(out.numpy(), expected, atol=1e-9)
    torch.testing.assert_close(out.sum(dim=axis), torch.ones(x.shape[1 - axis % 2], dtype=torch.float64))


def test_sparsemax_equals_keras_where_one_output_is_nonzero():
    # Keras 3.15's threshold is wrong once two outputs are non-zero (keras-team/keras#23425);
    # with one clear winner per row both agree.
    x = torch.tensor([[5.0, 1.0, 0.0, -2.0], [-3.0, 0.0, 4.0, 1.0]])
    _assert_same(activations.sparsemax(x), keras.activations.sparsemax(x))
    assert activations.sparsemax(torch.tensor([0.0, 0.5, 1.0])).tolist() == [0.0, 0.25, 0.75]


# -- get and serialize -----------------------------------------------------------------------------
def test_get_knows_exactly_the_names_keras_knows():
    assert set(activations.NAMES) == set(KERAS_NAMES)


@pytest.mark.parametrize("name", sorted(KERAS_NAMES))
def test_serialize_gives_the_name_keras_gives(name):
    function = activations.get(name)
    assert activations.serialize(function) == keras.activations.serialize(keras.activations.get(name))
    assert activations.deserialize(activations.serialize(function)) is function


def test_aliases_are_the_same_functions():
    assert activations.swish is activations.silu and activations.get("swish") is activations.silu
    assert activations.hard_swish is activations.hard_silu


def test_get_passes_callables_through_and_maps_none_to_linear():
    def custom(x):
        return x * 2

    module = torch.nn.ReLU()
    assert activations.get(custom) is custom and activations.get(module) is module
    assert activations.get(None) is activations.linear
    x = torch.tensor([-1.0, 3.0])
    assert activations.get(None)(x) is x


def test_get_accepts_other_casings_like_fitwell_layers():
    assert activations.get("ReLU") is activations.relu and activations.get("GELU") is activations.gelu


def test_get_reads_keras_serialized_dicts():
    config = keras.saving.serialize_keras_object(keras.activations.gelu)
    assert activations.get(config) is activations.gelu


def test_a_misspelled_name_suggests_the_right_one():
    with pytest.raises(ValueError, match=r"Received: activation='sigmod'\. Did you mean 'sigmoid'\?"):
        activations.get("sigmod")


def test_get_refuses_what_is_not_an_activation():
    with pytest.raises(TypeError, match=r"Received: activation=3 of type int"):
        activations.get(3)


def test_serialize_refuses_functions_without_a_keras_name():
    with pytest.raises(ValueError, match=r"Only fitwell.activations functions have a Keras name"):
        activations.serialize(torch.relu)


# -- consistency with the table fitwell.layers uses ------------------------------------------------
def test_same_names_give_the_same_values_as_fitwell_layers():
    table = pytest.importorskip("fitwell.layers.activations")
    if not hasattr(table, "ACTIVATIONS"):
        pytest.skip("fitwell.layers.activations no longer keeps its own table")
    x = _inputs()
    for name, function in table.ACTIVATIONS.items():
        torch.testing.assert_close(activations.get(name)(x), function(x), rtol=1e-6, atol=1e-6, msg=name)
    assert math.isclose(activations.get("leaky_relu")(torch.tensor(-1.0)).item(), -0.2, rel_tol=1e-6)


def test_every_exported_name_exists():
    assert [name for name in activations.__all__ if not hasattr(activations, name)] == []
