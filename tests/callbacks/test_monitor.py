"""Monitor: direction, improvement test and missing keys shared by three callbacks."""

from __future__ import annotations

import math
import warnings

import pytest

from callbacks.scripted import fitwell_model, keras_model
from fitwell.callbacks.monitor import Monitor, check_arguments


def _monitor(name, mode="auto", min_delta=0.0):
    return Monitor(name, mode=mode, min_delta=min_delta, owner="EarlyStopping")


def _direction(name, model, mode="auto"):
    monitor = _monitor(name, mode)
    monitor.resolve(model)
    return monitor.higher_is_better


@pytest.mark.keras
@pytest.mark.parametrize("name", ["loss", "val_loss", "accuracy", "val_accuracy", "mae", "val_mae"])
def test_auto_direction_matches_keras(name):
    keras = pytest.importorskip("keras")
    theirs = keras.callbacks.EarlyStopping(monitor=name)
    theirs.set_model(keras_model(metrics=["accuracy", "mae"]))
    theirs._set_monitor_op()
    keras_higher = theirs.monitor_op is keras.ops.greater
    assert _direction(name, fitwell_model(metrics=["accuracy", "mae"])) == keras_higher


@pytest.mark.keras
def test_plain_function_metric_direction_is_an_error_in_both():
    keras = pytest.importorskip("keras")

    def closeness(y_true, y_pred):
        return abs(y_true - y_pred)

    theirs = keras.callbacks.EarlyStopping(monitor="val_closeness")
    theirs.set_model(keras_model(metrics=[closeness]))
    with pytest.raises(ValueError, match="maximized or minimized"):
        theirs._set_monitor_op()
    with pytest.raises(
        ValueError,
        match=r"EarlyStopping cannot tell whether 'val_closeness' should go up or down.*Received: "
        r"monitor='val_closeness', mode='auto'\..*Pass mode='max' to keep the highest value or mode='min'",
    ):
        _direction("val_closeness", fitwell_model(metrics=["mae"]))


@pytest.mark.parametrize(
    ("name", "higher"),
    [
        ("val_out_a_loss", False),  # per-output loss of a multi-output model
        ("val_auc", True),
        ("val_f1_score", True),
        ("precision", True),
        ("val_r2_score", True),
    ],
)
def test_auto_direction_from_names_when_no_metric_tells(name, higher):
    assert _direction(name, None) is higher


def test_explicit_mode_needs_no_model():
    assert _direction("val_whatever", None, mode="max") is True
    assert _direction("val_whatever", None, mode="min") is False


def test_unknown_direction_suggests_a_known_key():
    with pytest.raises(ValueError, match=r"Did you mean 'val_loss'\?"):
        _direction("val_los", fitwell_model(metrics=["mae"]))


@pytest.mark.parametrize(
    ("mode", "min_delta", "current", "reference", "improved"),
    [
        ("min", 0.0, 0.5, None, True),
        ("min", 0.0, 0.5, 0.5, False),
        ("min", 0.0, 0.69999999, 0.7, False),  # equal in float32, as Keras compares
        ("min", 0.0, 0.6999999, 0.7, True),
        ("min", 0.1, 0.65, 0.7, False),
        ("min", 0.1, 0.55, 0.7, True),
        ("max", 0.1, 0.75, 0.7, False),
        ("max", 0.1, 0.85, 0.7, True),
        ("min", 0.0, math.nan, None, False),  # fitwell: NaN never improves (Keras: first NaN is best)
        ("max", 0.0, math.nan, 0.5, False),
        ("min", 0.0, 1.0, math.inf, True),
    ],
)
def test_is_improvement(mode, min_delta, current, reference, improved):
    monitor = _monitor("val_loss", mode, min_delta)
    assert monitor.is_improvement(current, reference) is improved


def test_missing_val_key_without_validation_warns_once_then_skips():
    monitor = _monitor("val_loss")
    with pytest.warns(
        UserWarning, match=r"but this epoch ran no validation, so it is skipped\. Available keys: loss, mae\."
    ):
        assert monitor.read({"loss": 1.0, "mae": 0.5}) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert monitor.read({"loss": 1.0}) is None
    monitor.reset()
    with pytest.warns(UserWarning, match="ran no validation"):
        monitor.read({"loss": 1.0})


def test_missing_key_that_can_never_appear_is_an_error():
    with pytest.raises(
        ValueError,
        match=r"EarlyStopping is monitoring 'val_acuracy', which is not in the logs\. Received: "
        r"monitor='val_acuracy'\. Available keys: loss, val_accuracy, val_loss\. "
        r"Did you mean 'val_accuracy'\? Pass one of the available keys as `monitor`",
    ):
        _monitor("val_acuracy").read({"loss": 1.0, "val_loss": 0.5, "val_accuracy": 0.5})


def test_read_returns_a_float():
    assert _monitor("loss").read({"loss": 1}) == 1.0


def test_check_arguments_lists_every_problem():
    with pytest.raises(ValueError, match=r"Invalid arguments for X: first\. second\."):
        check_arguments("X", ["first.", "second."])
