"""Merging layers (`Add`, `Concatenate`, `Dot`, …) give Keras's outputs on the same inputs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers

keras = pytest.importorskip("keras")

pytestmark = pytest.mark.keras

RNG = np.random.default_rng(4)


def _inputs(*shapes):
    return [RNG.normal(size=shape).astype("float32") for shape in shapes]


@pytest.mark.parametrize("name", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"])
@pytest.mark.parametrize("shapes", [[(3, 4), (3, 4)], [(2, 5, 3), (2, 5, 3)]])
def test_elementwise_merges_match_keras(name, shapes):
    arrays = _inputs(*shapes)
    if name != "Subtract":
        arrays.append(_inputs(shapes[0])[0])  # three inputs where Keras allows them
    expected = keras.ops.convert_to_numpy(getattr(keras.layers, name)()(arrays))
    got = getattr(layers, name)()([torch.from_numpy(a) for a in arrays]).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("axis", [-1, 1])
def test_concatenate_matches_keras(axis):
    arrays = _inputs((2, 3, 4), (2, 3, 4))
    expected = keras.ops.convert_to_numpy(keras.layers.Concatenate(axis=axis)(arrays))
    got = layers.concatenate([torch.from_numpy(a) for a in arrays], axis=axis).numpy()
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(
    ("shapes", "axes"),
    [
        ([(4, 5), (4, 5)], 1),
        ([(4, 5), (4, 5)], -1),
        ([(2, 3, 5), (2, 3, 5)], 2),
        ([(2, 3, 5), (2, 3, 5)], (1, 1)),
        ([(2, 3, 5), (2, 5, 3)], (2, 1)),
        ([(2, 3, 5), (2, 4, 5)], (2, 2)),
    ],
)
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_matches_keras(shapes, axes, normalize):
    arrays = _inputs(*shapes)
    expected = keras.ops.convert_to_numpy(keras.layers.Dot(axes=axes, normalize=normalize)(arrays))
    got = layers.Dot(axes=axes, normalize=normalize)([torch.from_numpy(a) for a in arrays]).numpy()
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_merging_needs_a_list_and_subtract_exactly_two():
    with pytest.raises(ValueError, match=r"Add merges a list of at least 2 tensors\. Received: not a list"):
        layers.Add()(torch.ones(2))
    with pytest.raises(ValueError, match=r"Subtract merges a list of exactly 2 tensors\. Received: 3"):
        layers.Subtract()([torch.ones(2)] * 3)


def test_symbolic_merges_have_keras_shapes():
    a, b = fitwell.Input(shape=(3, 5)), fitwell.Input(shape=(4, 5))
    assert layers.Dot(axes=(2, 2))([a, b]).shape == (None, 3, 4)
    assert layers.concatenate([a, b], axis=1).shape == (None, 7, 5)
