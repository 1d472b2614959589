"""`fitwell.ops` against `keras.ops` (torch backend): values, shapes and dtypes, then symbolic use.

Every op is run on the same inputs as its Keras twin, which returns torch
tensors under the torch backend, so dtypes are compared directly. Where
fitwell deliberately differs from Keras's torch backend (documented in the
op's docstring), the test checks numpy's answer instead.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import torch

import fitwell
from fitwell import ops
from fitwell.ops import _dtypes

keras = pytest.importorskip("keras")
kops = keras.ops

pytestmark = pytest.mark.keras

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "bfloat16", "float16", "float32", "float64"]


def sample(dtype: str = "float32", shape: tuple[int, ...] = (2, 3), *, seed: int = 0, nonzero: bool = False):
    """Seeded values with negatives, zeros and fractions, in `dtype`."""
    values = np.random.default_rng(seed).normal(size=shape) * 3
    if dtype == "bool":
        return torch.from_numpy(values > 0)
    if "int" in dtype:
        values = np.round(np.abs(values) if dtype.startswith("u") else values)
    if nonzero:
        values[values == 0] = 1
    return torch.from_numpy(values).to(getattr(torch, dtype))


def assert_same(ours, theirs) -> None:
    """Same type of result, dtype, shape and values (nan equal to nan)."""
    if isinstance(theirs, tuple | list):
        assert isinstance(ours, tuple | list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            assert_same(a, b)
        return
    if not isinstance(theirs, torch.Tensor):
        assert ours == theirs
        return
    assert isinstance(ours, torch.Tensor), type(ours)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    torch.testing.assert_close(ours, theirs, equal_nan=True, rtol=1e-5, atol=1e-6, check_dtype=False)


def keras_or_none(function, *args, **kwargs):
    """Keras's result, or None where Keras's torch backend cannot run the call."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return function(*args, **kwargs)
    except Exception:  # any Keras failure means "no oracle for this input"
        return None


# -- type promotion --------------------------------------------------------------------------------
def test_result_type_matches_keras_for_every_pair_and_triple():
    kinds = [*DTYPES, int, float, None]
    for combo in itertools.chain(itertools.product(kinds, repeat=2), itertools.product(kinds, repeat=3)):
        expected = keras_or_none(keras.backend.result_type, *combo)
        actual = keras_or_none(_dtypes.result_type, *combo)
        assert actual == expected, combo


@pytest.mark.parametrize(
    "value",
    [1.5, 3, True, 2**40, [1, 2], [1, 2.5], [True, False], [], [[1.0], [2.0]], (1, 2)],
    ids=repr,
)
def test_convert_to_tensor_infers_dtypes_like_keras(value):
    assert_same(ops.convert_to_tensor(value), kops.convert_to_tensor(value))


@pytest.mark.parametrize(
    "value",
    [
        np.ones(2),
        np.ones(2, "float32"),
        np.arange(3),
        np.arange(3, dtype="uint32"),
        np.float32(2.0),
        np.int64(7),
    ],
    ids=lambda v: f"{type(v).__name__}-{v.dtype}",
)
def test_convert_to_tensor_keeps_numpy_dtypes_like_keras(value):
    assert_same(ops.convert_to_tensor(value), kops.convert_to_tensor(value))


@pytest.mark.parametrize("dtype", ["int32", "float16", "bool", torch.float64])
def test_convert_to_tensor_and_cast_honor_dtype(dtype):
    x = sample("float32")
    assert_same(ops.convert_to_tensor(x, dtype=dtype), kops.convert_to_tensor(x, dtype=dtype))
    assert_same(ops.cast(x, dtype), kops.cast(x, dtype))
    assert_same(ops.convert_to_tensor(2.7, dtype), kops.convert_to_tensor(2.7, dtype))


def test_inspection_ops_match_keras():
    x = sample("int64", (2, 3, 4))
    assert ops.shape(x) == kops.shape(x) == (2, 3, 4)
    assert ops.ndim(x) == kops.ndim(x) == 3
    assert ops.dtype(x) == kops.dtype(x) == "int64"
    assert_same(ops.size(x), kops.size(x))
    assert ops.is_tensor(x) and not ops.is_tensor(np.ones(1))
    np.testing.assert_array_equal(ops.convert_to_numpy(x), kops.convert_to_numpy(x))
    assert ops.convert_to_numpy(torch.ones(2, dtype=torch.bfloat16)).dtype == np.float32


# -- element-wise ops over every dtype -------------------------------------------------------------
UNARY = [
    "abs", "absolute", "negative", "sign", "square", "sqrt", "rsqrt", "reciprocal", "exp", "exp2",
    "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "erf", "erfinv", "round", "floor", "ceil",
    "trunc", "isnan", "isinf", "isfinite", "nan_to_num", "logical_not", "relu", "relu6", "sigmoid",
    "softplus", "softsign", "silu", "swish", "gelu", "elu", "selu", "celu", "leaky_relu", "log_sigmoid",
    "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "stop_gradient", "ravel",
]  # fmt: skip


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_keras_for_every_dtype(name):
    ours, theirs = getattr(ops, name), getattr(kops, name)
    compared = 0
    for dtype in DTYPES:
        x = sample(dtype)
        expected = keras_or_none(theirs, x)
        if expected is not None:
            assert_same(ours(x), expected)
            compared += 1
    for value in (0.5, 2, np.array([[0.25, -1.5]])):  # Python scalars and numpy arrays convert like Keras
        expected = keras_or_none(theirs, value)
        if expected is not None:
            assert_same(ours(value), expected)
    assert compared, "Keras ran on no dtype at all"


def test_unary_ops_on_edge_values_match_keras():
    x = torch.tensor([-np.inf, -1e30, -1.0, -0.0, 0.0, 1e-30, 0.5, 1.0, np.inf, np.nan])
    for name in UNARY:
        expected = keras_or_none(getattr(kops, name), x)
        if expected is not None:
            assert_same(getattr(ops, name)(x), expected)


BINARY = [
    "add", "subtract", "multiply", "divide", "true_divide", "divide_no_nan", "floor_divide", "mod",
    "power", "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less",
    "less_equal", "logical_and", "logical_or", "logical_xor", "arctan2", "logaddexp",
]  # fmt: skip
OPERANDS = [
    "bool",
    "int8",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "py_int",
    "py_float",
]


def operand(kind: str, *, seed: int, shape: tuple[int, ...] = (2, 3)):
    if kind == "py_int":
        return 2
    if kind == "py_float":
        return 1.5
    return sample(kind, shape, seed=seed, nonzero=True)


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_matches_keras_for_every_dtype_pair_with_broadcasting(name):
    ours, theirs = getattr(ops, name), getattr(kops, name)
    compared = 0
    for first, second in itertools.product(OPERANDS, repeat=2):
        x1 = operand(first, seed=1)
        x2 = operand(second, seed=2, shape=(3,))  # (2, 3) with (3,) broadcasts
        expected = keras_or_none(theirs, x1, x2)
        if expected is not None:
            assert_same(ours(x1, x2), expected)
            compared += 1
    x1, x2 = sample(seed=3, shape=(2, 1)), sample(seed=4, shape=(1, 3), nonzero=True)
    assert_same(ours(x1, x2), theirs(x1, x2))
    assert_same(ours(x1.numpy(), x2.numpy()), theirs(x1.numpy(), x2.numpy()))
    assert compared > 20


def test_division_by_zero_matches_keras():
    x1, x2 = torch.tensor([1.0, -1.0, 0.0]), torch.tensor([0.0, 0.0, 0.0])
    for name in ("divide", "divide_no_nan", "floor_divide", "mod"):
        assert_same(getattr(ops, name)(x1, x2), getattr(kops, name)(x1, x2))


@pytest.mark.parametrize("dtype", ["bool", "int32", "float16", "float32"])
def test_clip_and_where_match_keras(dtype):
    x = sample(dtype, (3, 4))
    assert_same(ops.clip(x, 0, 2), kops.clip(x, 0, 2))
    assert_same(ops.clip(x, -0.5, 1.5), kops.clip(x, -0.5, 1.5))
    condition = sample("bool", (3, 4), seed=5)
    assert_same(ops.where(condition, x, 0), kops.where(condition, x, 0))
    assert_same(ops.where(condition, 1.0, x), kops.where(condition, 1.0, x))
    assert_same(ops.where(x), kops.where(x))


# -- reductions ------------------------------------------------------------------------------------
REDUCTIONS = ["sum", "mean", "max", "min", "amax", "amin", "prod", "std", "var", "any", "all", "logsumexp"]
AXES = [None, 0, -1, 1, (0, 2), [1, 2], ()]
# Keras's torch backend drops the kept axes of these when axis=None and keepdims=True.
DROPS_KEPT_AXES = {"sum", "prod", "max", "min", "amax", "amin"}


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_matches_keras_for_every_axis_keepdims_and_dtype(name):
    ours, theirs = getattr(ops, name), getattr(kops, name)
    for dtype, axis, keepdims in itertools.product(DTYPES, AXES, (False, True)):
        x = sample(dtype, (2, 3, 4))
        expected = keras_or_none(theirs, x, axis=axis, keepdims=keepdims)
        if expected is None:
            continue
        if axis is None and keepdims and name in DROPS_KEPT_AXES:
            expected = expected.reshape(1, 1, 1)  # fitwell keeps them, as numpy does
        assert_same(ours(x, axis=axis, keepdims=keepdims), expected)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_reductions_match_keras(name):
    for dtype, axis, keepdims in itertools.product(DTYPES, [None, 0, -1], (False, True)):
        x = sample(dtype, (3, 4))
        expected = keras_or_none(getattr(kops, name), x, axis=axis, keepdims=keepdims)
        if expected is not None:
            assert_same(getattr(ops, name)(x, axis=axis, keepdims=keepdims), expected)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_ops_match_keras(name):
    for dtype, axis, out_dtype in itertools.product(DTYPES, [None, 0, -1], [None, "float32", "int64"]):
        x = sample(dtype, (3, 4))
        expected = keras_or_none(getattr(kops, name), x, axis=axis, dtype=out_dtype)
        if expected is not None:
            assert_same(getattr(ops, name)(x, axis=axis, dtype=out_dtype), expected)


def test_max_and_min_initial_and_prod_dtype_match_keras():
    x = sample("float32", (3, 4))
    assert_same(ops.max(x, axis=1, initial=1.0), kops.max(x, axis=1, initial=1.0))
    assert_same(ops.min(x, initial=-1.0), kops.min(x, initial=-1.0))
    assert_same(ops.max(torch.zeros(0), initial=3.0), kops.max(torch.zeros(0), initial=3.0))
    assert_same(ops.prod(x, axis=0, dtype="float64"), kops.prod(x, axis=0, dtype="float64"))


def test_count_nonzero_matches_keras_on_matrices_and_numpy_on_higher_ranks():
    x = sample("int32", (3, 4))
    for axis in (None, 0, 1, (0, 1), ()):
        assert_same(ops.count_nonzero(x, axis=axis), keras_or_none(kops.count_nonzero, x, axis=axis))
    x3 = sample("int32", (2, 3, 4))
    np.testing.assert_array_equal(ops.count_nonzero(x3, axis=0).numpy(), np.count_nonzero(x3.numpy(), axis=0))


def test_average_matches_keras_and_numpy():
    x, weights = sample("float32", (3, 4)), sample("float32", (4,), seed=7).abs()
    assert_same(ops.average(x), kops.average(x))
    assert_same(ops.average(x, axis=1), kops.average(x, axis=1))
    assert_same(ops.average(x, axis=1, weights=weights), kops.average(x, axis=1, weights=weights))
    column_weights = weights[:3]  # numpy's rule: 1-D weights along `axis` (Keras's torch backend fails here)
    expected = np.average(x.numpy(), axis=0, weights=column_weights.numpy())
    np.testing.assert_allclose(ops.average(x, axis=0, weights=column_weights).numpy(), expected, rtol=1e-6)


def test_top_k_and_in_top_k_match_keras():
    x = sample("float32", (3, 5))
    assert_same(tuple(ops.top_k(x, 2)), tuple(kops.top_k(x, 2)))
    assert_same(tuple(ops.top_k(x, 3, sorted=False)), tuple(kops.top_k(x, 3, sorted=False)))
    targets = torch.tensor([0, 4, 2])
    for k in (1, 2, 5):
        assert_same(ops.in_top_k(targets, x, k), kops.in_top_k(targets, x, k))


# -- everything else, case by case -----------------------------------------------------------------
X = sample("float32", (2, 3, 4))
M = sample("float32", (3, 3), seed=1)
V = sample("float32", (3,), seed=2)
LABELS = torch.tensor([0, 3, 1, 2])
LOGITS = sample("float32", (4, 5), seed=3)
PROBABILITIES = torch.softmax(LOGITS, dim=-1)
ONE_HOT = torch.nn.functional.one_hot(torch.tensor([0, 3, 1, 2]), 5).float()

CASES = [
    # creation
    ("zeros", ((2, 3),), {}),
    ("zeros", (3, "int32"), {}),
    ("ones", ((2,),), {"dtype": "bool"}),
    ("zeros_like", (X,), {}),
    ("ones_like", (X, "int32"), {}),
    ("full", ((2, 3), 7), {}),
    ("full", ((2, 3), 7, "int32"), {}),
    ("full", ((2, 3), V), {}),
    ("full_like", (X, 2), {}),
    ("full_like", (X, 2.5, "float16"), {}),
    ("arange", (5,), {}),
    ("arange", (1, 7, 2), {}),
    ("arange", (0.0, 1.0, 0.25), {}),
    ("arange", (5,), {"dtype": "float64"}),
    ("linspace", (0, 1, 5), {}),
    ("linspace", (0, 10, 4), {"endpoint": False}),
    ("linspace", (2.0, 3.0, 5), {"retstep": True}),
    ("linspace", (V, V + 2, 3), {}),
    ("eye", (3,), {}),
    ("eye", (2, 3, 1), {}),
    ("eye", (3, 2, -1), {}),
    ("identity", (3, "int32"), {}),
    ("tri", (3, 4, -1), {}),
    ("tri", (3,), {"dtype": "int32"}),
    # shape and layout
    ("transpose", (X,), {}),
    ("transpose", (X, (1, 0, 2)), {}),
    ("reshape", (X, (6, -1)), {}),
    ("reshape", (X, 24), {}),
    ("expand_dims", (X, 1), {}),
    ("expand_dims", (X, (0, -1)), {}),
    ("squeeze", (X.reshape(1, 2, 12, 1),), {}),
    ("squeeze", (X.reshape(1, 24, 1),), {"axis": -1}),
    ("squeeze", (X.reshape(1, 24, 1), (0, 2)), {}),
    ("concatenate", ([X, X], -1), {}),
    ("concatenate", ([X, X.int()],), {}),
    ("stack", ([X, X], 1), {}),
    ("split", (X, 2), {}),
    ("split", (X, [1, 3], 2), {}),
    ("split", (X, 3, -2), {}),
    ("tile", (X, (1, 2, 1)), {}),
    ("tile", (V, 2), {}),
    ("repeat", (X, 2), {}),
    ("repeat", (X, 2, 1), {}),
    ("repeat", (X, torch.tensor([1, 2]), 0), {}),
    ("take", (X, torch.tensor([[0, 2], [1, 1]]), 1), {}),
    ("take", (X, torch.tensor([5, 0])), {}),
    ("take", (X, torch.tensor([-1, 0]), 2), {}),
    ("take", (M, [2, 0], 0), {}),
    ("take_along_axis", (X, torch.argsort(X, dim=-1)[..., :2], -1), {}),
    ("take_along_axis", (X, torch.tensor([[[0]], [[1]]]), 1), {}),
    ("sort", (X,), {}),
    ("sort", (X, 0), {}),
    ("sort", (X, None), {}),
    ("argsort", (X,), {}),
    ("argsort", (X, 1), {}),
    ("argsort", (X, None), {}),
    ("flip", (X,), {}),
    ("flip", (X, 1), {}),
    ("flip", (X, (0, 2)), {}),
    ("broadcast_to", (V.reshape(3, 1), (2, 3, 4)), {}),
    ("pad", (X, ((0, 0), (1, 2), (0, 1))), {}),
    ("pad", (X, ((1, 1), (0, 0), (2, 1))), {"constant_values": 5.0}),
    ("pad", (M, ((1, 2), (2, 1)), "reflect"), {}),
    ("pad", (M.int(), ((1, 0), (0, 2))), {}),
    ("swapaxes", (X, 0, 2), {}),
    ("moveaxis", (X, 0, -1), {}),
    ("moveaxis", (X, (0, 1), (2, 0)), {}),
    ("ravel", (X,), {}),
    ("roll", (X, 1), {}),
    ("roll", (X, 2, 1), {}),
    ("roll", (X, (1, -1), (0, 2)), {}),
    ("hstack", ([M, M],), {}),
    ("vstack", ([V, V],), {}),
    ("tril", (X,), {}),
    ("triu", (M, 1), {}),
    ("diag", (V,), {}),
    ("diag", (M, 1), {}),
    ("diagonal", (X,), {}),
    ("diagonal", (X, 1, 1, 2), {}),
    # core
    ("slice", (X, (0, 1, 1), (2, 2, 2)), {}),
    ("slice", (X, torch.tensor([1, 0, 2]), (1, 3, 2)), {}),
    ("slice_update", (X, (0, 1, 1), torch.ones(2, 2, 2)), {}),
    ("unstack", (X,), {"axis": 1}),
    # products and norms
    ("matmul", (X, M.repeat(1, 2)[:, :4].T), {}),
    ("matmul", (M, V), {}),
    ("matmul", (M.int(), M.int()), {}),
    ("matmul", (M.double(), M.double()), {}),
    ("matmul", (M.bool(), M), {}),
    ("dot", (M, M), {}),
    ("dot", (V, V), {}),
    ("dot", (M, 2), {}),
    ("dot", (V.int(), V.int()), {}),
    ("einsum", ("bij,bkj->bik", X, X), {}),
    ("einsum", ("ij,j->i", M, V), {}),
    ("einsum", ("i,i->", V.to(torch.int8), V.to(torch.int8)), {}),
    ("tensordot", (X, X.permute(1, 2, 0), 2), {}),
    ("tensordot", (X, M, ((1,), (0,))), {}),
    ("tensordot", (X, X, (0, 0)), {}),
    ("tensordot", (M.int(), M.int(), 1), {}),
    ("outer", (V, V), {}),
    ("outer", (M, V), {}),
    ("inner", (M, V), {}),
    ("inner", (V.int(), V.int()), {}),
    ("vdot", (V, V), {}),
    ("trace", (M,), {}),
    ("trace", (X, 1, 1, 2), {}),
    ("trace", (M.bool(),), {}),
    ("norm", (X,), {}),
    ("norm", (M,), {"ord": "fro"}),
    ("norm", (M,), {"ord": "nuc"}),
    ("norm", (M,), {"ord": 1}),
    ("norm", (M,), {"ord": -np.inf}),
    ("norm", (X,), {"axis": -1}),
    ("norm", (X,), {"axis": 1, "ord": 1}),
    ("norm", (X,), {"axis": (1, 2), "keepdims": True}),
    ("norm", (V,), {"ord": np.inf}),
    ("norm", (V,), {"ord": 0}),
    ("norm", (V.long(),), {}),
    ("norm", (V.half(),), {}),
    # neural-network ops
    ("softmax", (X,), {}),
    ("softmax", (X, 1), {}),
    ("softmax", (X, (1, 2)), {}),
    ("softmax", (X, None), {}),
    ("softmax", (X.half(),), {}),
    ("log_softmax", (X,), {}),
    ("log_softmax", (X, 0), {}),
    ("log_softmax", (X, (0, 2)), {}),
    ("glu", (X,), {}),
    ("glu", (X, 0), {}),
    ("gelu", (X, False), {}),
    ("leaky_relu", (X, 0.1), {}),
    ("elu", (X, 0.5), {}),
    ("celu", (X, 2.0), {}),
    ("one_hot", (LABELS, 4), {}),
    ("one_hot", (LABELS.reshape(2, 2), 4, 0), {}),
    ("one_hot", (LABELS.reshape(2, 2), 4, 1), {}),
    ("one_hot", (LABELS, 4), {"dtype": "int32"}),
    ("one_hot", (torch.tensor([1, -1]), 3), {}),
    ("multi_hot", (LABELS.reshape(2, 2), 4), {}),
    ("multi_hot", (LABELS, 4), {}),
    ("multi_hot", (LABELS.reshape(2, 2),), {"num_tokens": 5, "dtype": "int32"}),
    ("binary_crossentropy", (ONE_HOT, PROBABILITIES), {}),
    ("binary_crossentropy", (ONE_HOT, LOGITS, True), {}),
    ("binary_crossentropy", (torch.tensor([1.0, 0.0]), torch.tensor([1.0, 0.0])), {}),
    ("categorical_crossentropy", (ONE_HOT, PROBABILITIES), {}),
    ("categorical_crossentropy", (ONE_HOT, LOGITS), {"from_logits": True}),
    ("categorical_crossentropy", (ONE_HOT.T, LOGITS.T), {"from_logits": True, "axis": 0}),
    ("categorical_crossentropy", (ONE_HOT, LOGITS.abs()), {}),
    ("sparse_categorical_crossentropy", (LABELS, PROBABILITIES), {}),
    ("sparse_categorical_crossentropy", (LABELS, LOGITS, True), {}),
    ("sparse_categorical_crossentropy", (LABELS.reshape(4, 1), LOGITS, True), {}),
    ("sparse_categorical_crossentropy", (LABELS.reshape(2, 2), X.reshape(2, 2, 6)[..., :5], True), {}),
    ("sparse_categorical_crossentropy", (LABELS.reshape(1, 4), LOGITS.T[None], True, 1), {}),
    ("moments", (X, (0, 1)), {}),
    ("moments", (X, 1, True), {}),
    ("moments", (X.half(), [0, 2]), {}),
    ("normalize", (X,), {}),
    ("normalize", (X, 1, 1), {}),
    ("normalize", (X,), {"order": 3, "axis": 0}),
    ("normalize", (torch.zeros(2, 3),), {}),
    ("normalize", (torch.zeros(2, 3),), {"order": 1}),
    ("batch_normalization", (X, V.abs(), V.abs() + 1, 1), {}),
    ("batch_normalization", (X, torch.zeros(4), torch.ones(4), -1, torch.ones(4), 2 * torch.ones(4)), {}),
    # odds and ends: mixed dtypes, numpy scalars, keyword arguments
    ("where", (X > 0, X, -X.int()), {}),
    ("nan_to_num", (torch.tensor([np.nan, np.inf, -np.inf]),), {"nan": 1.0}),
    ("nan_to_num", (torch.tensor([np.inf]),), {"posinf": 9.0}),
    ("round", (X, 1), {}),
    ("round", (X.int(), -1), {}),
    ("convert_to_tensor", ([np.float32(1.0), np.float32(2.0)],), {}),
    ("add", (np.float32(1.0), X), {}),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{name}-{i}" for i, (name, _, _) in enumerate(CASES)])
def test_op_matches_keras(case):
    name, args, kwargs = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(kops, name)(*args, **kwargs)
    assert_same(getattr(ops, name)(*args, **kwargs), expected)


def test_ops_keep_gradients_flowing():
    w = torch.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    loss = ops.mean(ops.square(ops.relu(ops.matmul(w, w)))) + ops.sum(ops.softmax(w)[:, 0])
    loss.backward()
    w2 = w.detach().clone().requires_grad_(True)
    reference = torch.relu(w2 @ w2).square().mean() + torch.softmax(w2, -1)[:, 0].sum()
    reference.backward()
    torch.testing.assert_close(w.grad, w2.grad)
    assert ops.stop_gradient(w * 2).requires_grad is False


def test_softmax_warns_like_keras_over_an_axis_of_size_one():
    with pytest.warns(UserWarning, match="size 1"):
        ops.softmax(torch.zeros(4, 1))


# -- deliberate differences from Keras's torch backend (checked against numpy) ---------------------
def test_keepdims_with_axis_none_keeps_every_axis_as_numpy():
    x = sample("float32", (2, 3))
    for name in sorted(DROPS_KEPT_AXES):
        expected = getattr(np, name)(x.numpy(), keepdims=True)
        np.testing.assert_allclose(getattr(ops, name)(x, keepdims=True).numpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
@pytest.mark.parametrize("pad_width", [2, (1, 3), ((0, 1), (4, 0))])
def test_pad_follows_numpy_for_every_mode_and_pad_width_form(mode, pad_width):
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(
        ops.pad(torch.from_numpy(x), pad_width, mode).numpy(), np.pad(x, pad_width, mode)
    )


def test_take_with_axis_none_wraps_negative_indices_over_the_flattened_size():
    x = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(
        ops.take(torch.from_numpy(x), torch.tensor([-1, 0])).numpy(), np.take(x, [-1, 0])
    )


def test_dot_of_higher_rank_tensors_follows_numpy():
    a, b = sample("float32", (2, 3, 4)), sample("float32", (5, 4, 2), seed=1)
    np.testing.assert_allclose(ops.dot(a, b).numpy(), np.dot(a.numpy(), b.numpy()), rtol=1e-5, atol=1e-5)


def test_one_hot_gives_zero_rows_for_out_of_range_labels():
    assert ops.one_hot(torch.tensor([3, 5]), 4).tolist() == [[0, 0, 0, 1], [0, 0, 0, 0]]


def test_split_at_indices_slices_as_numpy():
    x = np.arange(6)
    for indices in ([2, 4], [4, 2], [-2], [0, 6]):
        ours = [t.numpy() for t in ops.split(torch.from_numpy(x), indices)]
        for a, b in zip(ours, np.split(x, indices), strict=True):
            np.testing.assert_array_equal(a, b)


def test_linspace_with_tensor_bounds_places_the_steps_along_axis():
    start, stop = np.array([0.0, 1.0]), np.array([1.0, 3.0])
    ours = ops.linspace(torch.from_numpy(start), torch.from_numpy(stop), 3, axis=1)
    np.testing.assert_allclose(ours.numpy(), np.linspace(start, stop, 3, axis=1))


def test_values_converted_for_a_tensor_are_created_on_its_device():
    x = sample("float32")
    assert ops.add(x, np.ones(3)).device == x.device
    assert ops.full_like(x, 2).device == x.device


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_ops_on_cuda_tensors_stay_on_the_gpu():
    x = torch.ones(2, 3, device="cuda")
    assert ops.add(x, np.ones(3)).device == x.device
    assert ops.where(x > 0, x, 0.0).device == x.device
    assert ops.pad(x, 1, mode="reflect").device == x.device
    assert ops.matmul(x.int(), x.int().T).dtype == torch.int32  # computed in float32 on CUDA


# -- symbolic tensors in functional models ---------------------------------------------------------
def test_an_op_between_layers_builds_a_functional_model():
    inputs = fitwell.Input(shape=(4,))
    dense = fitwell.layers.Dense(3)
    model = fitwell.Model(inputs, ops.relu(dense(inputs)))
    x = torch.randn(5, 4)
    expected = torch.relu(dense(x)).detach().numpy()
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


def test_concatenate_of_two_inputs_has_the_joined_symbolic_shape():
    a, b = fitwell.Input(shape=(2,)), fitwell.Input(shape=(3,))
    joined = ops.concatenate([a, b], axis=-1)
    assert joined.shape == (None, 5) and joined.dtype == "float32"
    model = fitwell.Model([a, b], ops.sum(joined, axis=-1, keepdims=True))
    x1, x2 = torch.ones(4, 2), torch.full((4, 3), 2.0)
    np.testing.assert_allclose(model.predict([x1, x2], verbose=0), np.full((4, 1), 8.0))


def test_every_element_wise_op_and_reduction_replays_in_a_functional_model():
    inputs = fitwell.Input(shape=(3,))
    outputs = {name: getattr(ops, name)(inputs) for name in UNARY}
    outputs.update({f"{name}-binary": getattr(ops, name)(inputs, 0.5) for name in BINARY})
    outputs.update(
        {f"{name}-reduced": getattr(ops, name)(inputs, axis=-1, keepdims=True) for name in REDUCTIONS}
    )
    x = sample("float32", (4, 3))
    results = fitwell.Model(inputs, outputs)(x)
    for key, symbolic in outputs.items():
        name = key.split("-")[0]
        if key.endswith("-binary"):
            expected = getattr(ops, name)(x, 0.5)
        elif key.endswith("-reduced"):
            expected = getattr(ops, name)(x, axis=-1, keepdims=True)
        else:
            expected = getattr(ops, name)(x)
        assert_same(results[key], expected)
        assert symbolic.shape == (None, *expected.shape[1:]) and symbolic.dtype == ops.dtype(expected), key


def test_symbolic_ops_infer_shapes_and_dtypes():
    x = fitwell.Input(shape=(3, 4))
    assert ops.shape(x) == (None, 3, 4) and ops.ndim(x) == 3 and ops.dtype(x) == "float32"
    assert ops.mean(x, axis=1).shape == (None, 4)
    assert ops.argmax(x, axis=-1).dtype == "int32"
    assert ops.transpose(x, (0, 2, 1)).shape == (None, 4, 3)
    assert ops.reshape(x, (-1, 12)).shape == (None, 12)
    assert [t.shape for t in ops.split(x, 2, axis=-1)] == [(None, 3, 2), (None, 3, 2)]
    assert ops.one_hot(ops.cast(x, "int32"), 5).shape == (None, 3, 4, 5)
    assert ops.where(ops.greater(x, 0.0), x, 0.0).shape == (None, 3, 4)
    mean, variance = ops.moments(x, axes=[1])
    assert mean.shape == variance.shape == (None, 4)
    values, indices = ops.top_k(x, 2)
    assert values.shape == (None, 3, 2) and indices.dtype == "int64"


def test_symbolic_ops_with_constants_replay_in_a_model():
    inputs = fitwell.Input(shape=(3,))
    scaled = ops.multiply(ops.add(inputs, 1.0), np.array([1.0, 2.0, 3.0], dtype="float32"))
    outputs = ops.stack([ops.clip(scaled, 0.0, 4.0), ops.softmax(scaled)], axis=1)
    model = fitwell.Model(inputs, outputs)
    x = torch.tensor([[0.0, 0.5, 1.0]])
    scaled_x = (x + 1) * torch.tensor([1.0, 2.0, 3.0])
    expected = torch.stack([torch.clip(scaled_x, 0, 4), torch.softmax(scaled_x, -1)], 1)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected.numpy(), rtol=1e-6)


def test_symbolic_tensors_have_no_numpy_value():
    with pytest.raises(ValueError, match="symbolic tensor has no value"):
        ops.convert_to_numpy(fitwell.Input(shape=(2,)))


# -- error messages name the argument --------------------------------------------------------------
ERRORS = [
    (lambda: ops.sum(X, axis=3), ValueError, "`axis` is out of range.*axis=3"),
    (lambda: ops.mean(X, axis=1.5), TypeError, "`axis` must be an int"),
    (lambda: ops.argmax(X, axis=(0, 1)), TypeError, "`axis` must be an int or None"),
    (lambda: ops.expand_dims(X, 5), ValueError, "`axis` is out of range"),
    (lambda: ops.squeeze(X, 1), ValueError, "Cannot squeeze axis 1.*axis=1"),
    (lambda: ops.reshape(X, (5, -1)), ValueError, "newshape=\\(5, -1\\)"),
    (lambda: ops.reshape(X, (-1, -1)), ValueError, "at most one -1"),
    (lambda: ops.transpose(X, (0, 1)), ValueError, "`axes` must be a permutation"),
    (lambda: ops.split(X, 3), ValueError, "indices_or_sections"),
    (lambda: ops.where(X > 0, X), ValueError, "`x1` and `x2`"),
    (lambda: ops.cast(X, "float33"), ValueError, "dtype='float33'"),
    (lambda: ops.zeros((2,), dtype="floot32"), ValueError, "`dtype`"),
    (lambda: ops.zeros("big"), TypeError, "`shape`"),
    (lambda: ops.one_hot(LABELS, 0), ValueError, "`num_classes` must be a positive int"),
    (lambda: ops.one_hot(LABELS, 4, sparse=True), ValueError, "sparse=True"),
    (lambda: ops.multi_hot(LABELS), ValueError, "num_classes=None"),
    (lambda: ops.pad(X, 1, mode="mirror"), ValueError, "`mode` must be one of"),
    (lambda: ops.pad(X, 1, mode="reflect", constant_values=1), ValueError, "`constant_values`"),
    (lambda: ops.pad(X, ((1, 1), (1, 1))), ValueError, "`pad_width`"),
    (lambda: ops.norm(X, ord="fro", axis=-1), ValueError, "`ord` must be.*vector"),
    (lambda: ops.norm(M, ord=3), ValueError, "`ord` must be.*matrix"),
    (lambda: ops.norm(X, ord=1), ValueError, "`ord` needs `axis`"),
    (lambda: ops.normalize(X, order=0), ValueError, "`order` must be an int >= 1"),
    (lambda: ops.top_k(X, 9), ValueError, "`k` must be an int between 0 and"),
    (lambda: ops.binary_crossentropy(V, M), ValueError, "target.shape=\\(3,\\), output.shape=\\(3, 3\\)"),
    (lambda: ops.categorical_crossentropy(ONE_HOT, LOGITS[:2]), ValueError, "`target` and `output`"),
    (lambda: ops.sparse_categorical_crossentropy(LABELS[:3], LOGITS), ValueError, "`target` must have"),
    (lambda: ops.glu(V), ValueError, "must be even"),
    (lambda: ops.eye(2.0), TypeError, "`N` must be an integer"),
    (lambda: ops.eye(2, 3.0), TypeError, "`M` must be an integer"),
    (lambda: ops.max(torch.zeros(0)), ValueError, "empty tensor.*initial="),
    (lambda: ops.swapaxes(X, 0, 4), ValueError, "`axis2`"),
    (lambda: ops.moveaxis(X, 3, 0), ValueError, "`source`"),
    (lambda: ops.slice(X, (0, 0), (1, 1)), ValueError, "`start_indices` and `shape`"),
    (lambda: ops.unstack(X, num=3), ValueError, "`num` must equal"),
    (lambda: ops.convert_to_tensor(X, sparse=True), ValueError, "`sparse=True`"),
    (lambda: ops.moments(X, 0, synchronized=True), NotImplementedError, "synchronized"),
    (lambda: ops.linspace(0, 1, -1), ValueError, "`num`"),
]


@pytest.mark.parametrize("call, error, message", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_bad_arguments_raise_errors_that_name_them(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_every_public_op_is_exported_under_its_keras_name():
    assert sorted(ops.__all__) == ops.__all__
    missing = [name for name in ops.__all__ if not hasattr(ops, name)]
    not_in_keras = [name for name in ops.__all__ if not hasattr(kops, name)]
    assert missing == [] and not_in_keras == []
