"""`pad_sequences` gives Keras's arrays: same values, shape and dtype, for every padding choice."""

from __future__ import annotations

import numpy as np
import pytest

import fitwell
from fitwell.utils import pad_sequences

keras = pytest.importorskip("keras")

SEQUENCES = [[1, 2, 3, 4], [5], [], [6, 7], list(range(10, 17))]


@pytest.mark.parametrize("maxlen", [None, 1, 3, 5, 9])
@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
def test_values_match_keras_for_every_padding_and_truncation(maxlen, padding, truncating):
    expected = keras.utils.pad_sequences(SEQUENCES, maxlen=maxlen, padding=padding, truncating=truncating)
    result = pad_sequences(SEQUENCES, maxlen=maxlen, padding=padding, truncating=truncating)
    assert result.dtype == expected.dtype == np.int32
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize(
    ("sequences", "options"),
    [
        ([[0.5, 1.5], [2.5]], {"dtype": "float32", "value": -1.0}),
        ([[1, 2], [3]], {"dtype": "int64", "value": 9}),
        ([np.arange(6).reshape(3, 2), np.ones((1, 2))], {"maxlen": 2, "dtype": "float64"}),
        ([["a", "b"], ["c"]], {"dtype": object, "value": "<pad>"}),
        ([["ab", "b"], ["c"]], {"dtype": "<U3", "value": "-", "padding": "post"}),
        ([(1, 2, 3), np.array([4, 5])], {"maxlen": 2, "truncating": "post"}),
    ],
)
def test_dtypes_values_and_step_shapes_match_keras(sequences, options):
    expected = keras.utils.pad_sequences(sequences, **options)
    result = pad_sequences(sequences, **options)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)


def test_is_also_fitwell_preprocessing_sequence_pad_sequences():
    assert fitwell.preprocessing.sequence.pad_sequences is pad_sequences
    np.testing.assert_array_equal(
        fitwell.preprocessing.sequence.pad_sequences([[1], [2, 3]]), np.array([[0, 1], [2, 3]])
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pad_sequences(5), "must be a list of sequences"),
        (lambda: pad_sequences([[1], 2]), "Received: an item 2"),
        (lambda: pad_sequences([[1]], padding="middle"), "`padding` must be 'pre' or 'post'"),
        (lambda: pad_sequences([[1]], truncating="end"), "`truncating` must be 'pre' or 'post'"),
        (lambda: pad_sequences([[1]], value="x"), "Use dtype=object"),
        (lambda: pad_sequences([np.ones((2, 2)), np.ones((1, 3))]), "Sequence 1 has steps of shape"),
    ],
)
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
