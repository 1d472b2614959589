"""Bad data for fit, evaluate, predict and the one-batch methods: a clear error before any step."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import fitwell
from bad_inputs.catalogue import Case, check, ids


def _with(array, index, value):
    array = array.copy().astype("float32")
    array[index] = value
    return array


def _fit(**kwargs):
    return lambda world: world.fit(**kwargs)


def _fit_data(make):
    """`fit` with data built from the world: `make(world)` returns fit's keyword arguments."""
    return lambda world: world.fit(**make(world))


def _val(make):
    return lambda world: world.fit(validation_data=make(world))


def _predict(make):
    return lambda world: world.model.predict(make(world), verbose=0)


def _evaluate(make):
    return lambda world: world.model.evaluate(*make(world), verbose=0)


def _generator(world, count=3):
    for start in range(0, 8 * count, 8):
        yield world.x[start : start + 8], world.y[start : start + 8]


def _loader(world, **changes):
    x = torch.from_numpy(changes.get("x", world.x))
    y = torch.from_numpy(changes.get("y", world.y))
    return DataLoader(TensorDataset(x, y), batch_size=8)


def _regressor(world):
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), fitwell.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    world.extra_models.append(model)
    return model


def _unguarded_regression_with_validation(world):
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), fitwell.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse", device="cpu", guards=False)
    world.extra_models.append(model)
    y = np.zeros((24, 2), "float32")
    model.fit(world.x, y, verbose=0, validation_data=(world.x_val, np.zeros((8, 5), "float32")))


def _regression_fit(make):
    def call(world):
        model = _regressor(world)
        model.fit(verbose=0, **make(world))

    return call


NAN, INF = float("nan"), float("inf")

SHAPES_AND_TYPES = [
    Case(
        "y-fewer-samples",
        _fit_data(lambda w: {"y": w.y[:20]}),
        ValueError,
        ("same number of samples", "y has [20]"),
    ),
    Case("x-empty", _fit_data(lambda w: {"x": w.x[:0], "y": w.y[:0]}), ValueError, ("empty", "0 samples")),
    Case("x-none", _fit(x=None), ValueError, ("`x` is required",)),
    Case("x-a-number", _fit(x=3.0), ValueError, ("first (sample) axis", "single number")),
    Case("x-a-string", _fit(x="data.csv"), TypeError, ("Unsupported type for `x`", "str")),
    Case("x-a-set", _fit(x={1, 2, 3}), TypeError, ("Unsupported type", "set")),
    Case(
        "x-text-array",
        _fit_data(lambda w: {"x": np.array([["a"] * 4] * 24)}),
        TypeError,
        ("x holding text", "TextVectorization"),
    ),
    Case(
        "x-object-array",
        _fit_data(lambda w: {"x": np.array([None] * 24, dtype=object)}),
        TypeError,
        ("`x` must hold numbers", "object"),
    ),
    Case(
        "x-ragged-rows",
        _fit_data(lambda w: {"x": [[1.0, 2.0, 3.0, 4.0]] * 23 + [[1.0, 2.0]]}),
        ValueError,
        ("rows of different lengths", "pad"),
    ),
    Case(
        "y-text-labels",
        _fit_data(lambda w: {"y": np.array(["cat"] * 24)}),
        TypeError,
        ("`y` must hold numbers", "numpy.unique"),
    ),
    Case("y-a-number", _fit(y=1), ValueError, ("same number of samples", "y has [1]")),
    Case(
        "x-wrong-feature-count",
        _fit_data(lambda w: {"x": w.x[:, :3]}),
        ValueError,
        ("sample shape (3,)", "(4,)", "number of features"),
    ),
    Case(
        "x-three-axes",
        _fit_data(lambda w: {"x": w.x.reshape(24, 2, 2)}),
        ValueError,
        ("sample shape (2, 2)", "number of features"),
    ),
    Case(
        "x-integer-features",
        lambda w: w.wrapped.fit((w.x * 10).astype("int64"), w.y, verbose=0),
        ValueError,
        ("integer dtype int64", "astype('float32')"),
        "message",
    ),
    Case(
        "y-labels-out-of-range", _fit_data(lambda w: {"y": w.y + 5}), ValueError, ("class indices in [0, 2]",)
    ),
    Case(
        "y-one-hot-for-sparse-loss",
        _fit_data(lambda w: {"y": np.eye(3, dtype="float32")[w.y]}),
        ValueError,
        ("one-hot", "(8, 3)", "loss='categorical_crossentropy'"),
    ),
    Case(
        "y-wrong-width-for-mse",
        _regression_fit(lambda w: {"x": w.x, "y": np.zeros((24, 5), "float32")}),
        ValueError,
        ("(24, 5)", "(24, 2)", "reshape the labels"),
    ),
    Case(
        "y-missing-for-a-loss",
        _fit(y=None),
        ValueError,
        ("`y` is required", "y=None", "model.fit(x, y)"),
        "message",
    ),
    Case(
        "y-missing-from-a-generator",
        _fit_data(lambda w: {"x": (b[0] for b in _generator(w)), "y": None, "epochs": 1}),
        ValueError,
        ("`y` is required",),
    ),
    Case(
        "dataset-and-y",
        _fit_data(lambda w: {"x": _loader(w), "y": w.y}),
        ValueError,
        ("`y` must not be passed", "DataLoader"),
    ),
    Case(
        "dataset-and-sample-weight",
        _fit_data(lambda w: {"x": _loader(w), "y": None, "sample_weight": np.ones(24)}),
        ValueError,
        ("`sample_weight` must not be passed",),
    ),
    Case(
        "generator-for-several-epochs",
        _fit_data(lambda w: {"x": _generator(w), "y": None, "epochs": 3}),
        ValueError,
        ("read only once", "steps_per_epoch"),
    ),
    Case(
        "empty-dataloader",
        _fit_data(lambda w: {"x": DataLoader(TensorDataset(torch.zeros(0, 4), torch.zeros(0))), "y": None}),
        ValueError,
        ("produced no batches",),
    ),
    Case(
        "batch-of-four-parts",
        _fit_data(lambda w: {"x": [(w.x, w.y, w.y, w.y)], "y": None, "epochs": 1}),
        ValueError,
        ("a tuple of 4 elements",),
    ),
    Case(
        "validation-split-with-a-dataset",
        _fit_data(lambda w: {"x": _loader(w), "y": None, "validation_split": 0.2}),
        ValueError,
        ("only works with array data", "validation_data"),
    ),
]

NOT_FINITE = [
    Case(
        "x-nan",
        _fit_data(lambda w: {"x": _with(w.x, (3, 1), NAN)}),
        ValueError,
        ("`x` contains NaN", "(3, 1)"),
    ),
    Case(
        "x-inf", _fit_data(lambda w: {"x": _with(w.x, (0, 0), INF)}), ValueError, ("`x` contains NaN or Inf",)
    ),
    Case("x-minus-inf", _fit_data(lambda w: {"x": _with(w.x, (5, 2), -INF)}), ValueError, ("(5, 2)",)),
    Case(
        "y-nan-regression",
        _regression_fit(lambda w: {"x": w.x, "y": _with(np.zeros((24, 2)), (7, 1), NAN)}),
        ValueError,
        ("`y` contains NaN", "(7, 1)"),
        "silent",
    ),
    Case(
        "y-inf-regression",
        _regression_fit(lambda w: {"x": w.x, "y": _with(np.zeros((24, 2)), (2, 0), INF)}),
        ValueError,
        ("`y` contains NaN or Inf",),
        "silent",
    ),
    Case(
        "y-nan-labels",
        _fit_data(lambda w: {"y": _with(w.y, 4, NAN)}),
        ValueError,
        ("`y` contains NaN", "(4,)"),
        "silent",
    ),
    Case(
        "sample-weight-nan",
        _fit_data(lambda w: {"sample_weight": _with(np.ones(24), 9, NAN)}),
        ValueError,
        ("`sample_weight` contains NaN", "(9,)"),
        "silent",
    ),
    Case(
        "sample-weight-inf",
        _fit_data(lambda w: {"sample_weight": _with(np.ones(24), 1, INF)}),
        ValueError,
        ("`sample_weight` contains NaN or Inf",),
        "silent",
    ),
    Case(
        "validation-x-nan",
        _val(lambda w: (_with(w.x_val, (1, 1), NAN), w.y_val)),
        ValueError,
        ("`validation_data` contains NaN",),
    ),
    Case(
        "validation-y-nan",
        _val(lambda w: (w.x_val, _with(w.y_val, 2, NAN))),
        ValueError,
        ("`y` contains NaN",),
    ),
    Case(
        "validation-weight-nan",
        _val(lambda w: (w.x_val, w.y_val, _with(np.ones(8), 0, NAN))),
        ValueError,
        ("`sample_weight` contains NaN",),
    ),
    Case(
        "dataloader-y-nan",
        _fit_data(lambda w: {"x": _loader(w, y=_with(w.y, 0, NAN)), "y": None}),
        ValueError,
        ("`y` contains NaN",),
        "silent",
    ),
    Case(
        "dataloader-x-inf",
        _fit_data(lambda w: {"x": _loader(w, x=_with(w.x, (1, 1), INF)), "y": None}),
        ValueError,
        ("`x` contains NaN or Inf",),
    ),
    Case(
        "generator-y-nan",
        _fit_data(lambda w: {"x": iter([(w.x[:8], _with(w.y[:8], 3, NAN))]), "y": None, "epochs": 1}),
        ValueError,
        ("`y` contains NaN",),
        "silent",
    ),
    Case(
        "train-on-batch-y-nan",
        lambda w: w.model.train_on_batch(w.x, _with(w.y, 1, NAN)),
        ValueError,
        ("`y` contains NaN",),
        "silent",
    ),
    Case(
        "evaluate-x-nan",
        _evaluate(lambda w: (_with(w.x, (2, 2), NAN), w.y)),
        ValueError,
        ("`x` contains NaN",),
    ),
    Case("predict-x-nan", _predict(lambda w: _with(w.x, (0, 3), NAN)), ValueError, ("`x` contains NaN",)),
]

SAMPLE_WEIGHTS = [
    Case(
        "sample-weight-wrong-length",
        _fit_data(lambda w: {"sample_weight": np.ones(20)}),
        ValueError,
        ("`sample_weight` must have the same number of samples", "[20]"),
    ),
    Case(
        "sample-weight-per-class-columns",
        _fit_data(lambda w: {"sample_weight": np.ones((24, 3))}),
        ValueError,
        ("one weight per sample", "(24, 3)", "1-D"),
        "message",
    ),
    Case(
        "sample-weight-transposed",
        _fit_data(lambda w: {"sample_weight": np.ones((1, 24))}),
        ValueError,
        ("same number of samples",),
    ),
    Case(
        "sample-weight-a-number",
        _fit_data(lambda w: {"sample_weight": 2.0}),
        ValueError,
        ("same number of samples", "sample_weight has [1]"),
    ),
    Case(
        "sample-weight-a-scalar-tensor",
        _fit_data(lambda w: {"sample_weight": torch.tensor(2.0)}),
        ValueError,
        ("`sample_weight` must have a first (sample) axis",),
    ),
    Case(
        "sample-weight-text",
        _fit_data(lambda w: {"sample_weight": np.array(["high"] * 24)}),
        TypeError,
        ("`sample_weight` must hold numbers",),
    ),
    Case(
        "validation-weight-wrong-shape",
        _val(lambda w: (w.x_val, w.y_val, np.ones((8, 2)))),
        ValueError,
        ("one weight per sample", "(8, 2)"),
    ),
]

VALIDATION = [
    Case(
        "validation-targets-wrong-width-unguarded",
        _unguarded_regression_with_validation,
        ValueError,
        ("`validation_data`", "validation targets of shape (8, 5)", "(8, 2)"),
        "too-late",
    ),
    Case(
        "validation-wrong-feature-count",
        _val(lambda w: (w.x_val[:, :3], w.y_val)),
        ValueError,
        ("`validation_data`", "sample shape (3,)", "number of features"),
        "too-late",
    ),
    Case(
        "validation-integer-features",
        lambda w: w.wrapped.fit(
            w.x, w.y, verbose=0, validation_data=((w.x_val * 10).astype("int32"), w.y_val)
        ),
        ValueError,
        ("`validation_data`", "integer dtype int32"),
    ),
    Case(
        "validation-labels-one-hot",
        _val(lambda w: (w.x_val, np.eye(3, dtype="float32")[w.y_val])),
        ValueError,
        ("`validation_data`", "one-hot", "(8, 3)"),
        "too-late",
    ),
    Case(
        "validation-labels-out-of-range",
        _val(lambda w: (w.x_val, w.y_val + 7)),
        ValueError,
        ("`validation_data`",),
        "too-late",
    ),
    Case(
        "validation-fewer-labels",
        _val(lambda w: (w.x_val, w.y_val[:5])),
        ValueError,
        ("same number of samples", "y has [5]"),
    ),
    Case("validation-text", _val(lambda w: "validation.csv"), TypeError, ("`validation_data`", "str")),
    Case(
        "validation-dataloader-wrong-features",
        _val(
            lambda w: DataLoader(
                TensorDataset(torch.zeros(8, 6), torch.zeros(8, dtype=torch.long)), batch_size=4
            )
        ),
        ValueError,
        ("`validation_data`", "sample shape (6,)"),
        "too-late",
    ),
]

PREDICT_AND_EVALUATE = [
    Case(
        "predict-wrong-feature-count",
        _predict(lambda w: w.x[:, :2]),
        ValueError,
        ("sample shape (2,)", "(4,)", "number of features"),
        "message",
    ),
    Case(
        "predict-wrong-feature-count-wrapped",
        lambda w: w.wrapped.predict(w.x[:, :3], verbose=0),
        ValueError,
        ("sample shape (3,)", "number of features"),
        "message",
    ),
    Case(
        "predict-integer-features-wrapped",
        lambda w: w.wrapped.predict(w.x.astype("int64"), verbose=0),
        ValueError,
        ("integer dtype int64", "astype('float32')"),
        "message",
    ),
    Case(
        "predict-text",
        _predict(lambda w: np.array([["a"] * 4] * 3)),
        TypeError,
        ("holding text", "StringLookup"),
    ),
    Case("predict-empty", _predict(lambda w: w.x[:0]), ValueError, ("0 samples",)),
    Case(
        "predict-ragged-rows",
        _predict(lambda w: [[1.0, 2.0, 3.0, 4.0], [1.0]]),
        ValueError,
        ("rows of different lengths",),
    ),
    Case(
        "evaluate-wrong-feature-count",
        _evaluate(lambda w: (w.x[:, :3], w.y)),
        ValueError,
        ("sample shape (3,)", "number of features"),
    ),
    Case(
        "evaluate-fewer-labels", _evaluate(lambda w: (w.x, w.y[:3])), ValueError, ("same number of samples",)
    ),
    Case("evaluate-labels-out-of-range", _evaluate(lambda w: (w.x, w.y + 3)), ValueError, ("class indices",)),
    Case(
        "train-on-batch-wrong-features",
        lambda w: w.model.train_on_batch(w.x[:, :2], w.y),
        ValueError,
        ("sample shape (2,)",),
    ),
    Case(
        "test-on-batch-fewer-labels",
        lambda w: w.model.test_on_batch(w.x, w.y[:4]),
        ValueError,
        ("same number of samples",),
    ),
    Case(
        "predict-on-batch-text",
        lambda w: w.model.predict_on_batch(np.array(["x"] * 4)),
        TypeError,
        ("holding text", "numpy.unique"),
    ),
]

CASES = SHAPES_AND_TYPES + NOT_FINITE + SAMPLE_WEIGHTS + VALIDATION + PREDICT_AND_EVALUATE


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_data_is_a_clear_error_that_changes_nothing(case, tmp_path):
    check(case, tmp_path)


def test_a_list_of_rows_trains_like_the_same_array(tmp_path):
    from bad_inputs.catalogue import small_classifier

    rows = np.random.default_rng(0).normal(size=(16, 4)).round(3).astype("float32")
    labels = np.arange(16) % 3
    trained = []
    for x in (rows, rows.tolist()):
        fitwell.utils.set_random_seed(3)
        model = small_classifier()
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu")
        model.fit(x, labels, epochs=2, batch_size=4, shuffle=False, verbose=0)
        trained.append(model.get_weights())
    for ours, theirs in zip(*trained, strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert np.allclose(model.predict(rows.tolist(), verbose=0), model.predict(rows, verbose=0))
