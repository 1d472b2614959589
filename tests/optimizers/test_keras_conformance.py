"""Every optimizer against Keras 3 itself: 100 steps, same start, same gradients, weights compared.

Tolerances. In float64 both sides agree to rounding (about 1e-15); the
assertions use rtol=1e-9 with two named exceptions, both on Keras's or
torch's side and both far below anything float32 training can see:
- clipping: Keras's `ops.maximum(tensor, python_float)` returns float32, so
  its clip factors are rounded to float32 even for float64 weights (1e-8
  relative per step);
- Nadam: torch keeps NAdam's running momentum product in float32 (4e-10).
In float32, Keras evaluates `beta ** t` and the bias corrections in float32
(0.999 is stored as 0.99900001, which moves `1 - beta_2` by 1.3e-5
relative) while fitwell computes them in float64 on the host, so over 100
steps the weights (of size ~1) differ by up to ~1.5e-5; the float32 checks
allow 3e-5 absolute.
"""

from __future__ import annotations

import numpy as np
import pytest

import fitwell.optimizers as optimizers
from fitwell.optimizers import schedules

pytestmark = pytest.mark.keras

RATES = {
    "SGD": 0.05,
    "Adam": 0.02,
    "AdamW": 0.02,
    "RMSprop": 0.01,
    "Adagrad": 0.1,
    "Adadelta": 1.0,
    "Adamax": 0.02,
    "Nadam": 0.02,
    "Lion": 0.003,
}

CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("SGD", {"momentum": 0.5, "weight_decay": 0.05}),
    ("Adam", {}),
    ("Adam", {"amsgrad": True}),
    ("Adam", {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    ("Adam", {"weight_decay": 0.1}),
    ("Adam", {"clipnorm": 1.0}),
    ("Adam", {"clipvalue": 0.5}),
    ("Adam", {"global_clipnorm": 1.5}),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.05, "amsgrad": True}),
    ("RMSprop", {}),
    ("RMSprop", {"centered": True}),
    ("RMSprop", {"momentum": 0.9}),
    ("RMSprop", {"momentum": 0.9, "centered": True, "rho": 0.8}),
    ("Adagrad", {}),
    ("Adagrad", {"initial_accumulator_value": 0.0, "epsilon": 1e-4}),
    ("Adadelta", {}),
    ("Adadelta", {"rho": 0.8, "epsilon": 1e-5}),
    ("Adamax", {}),
    ("Adamax", {"beta_2": 0.9, "clipnorm": 2.0}),
    ("Nadam", {}),
    ("Nadam", {"beta_1": 0.8, "global_clipnorm": 2.0}),
    ("Lion", {}),
    ("Lion", {"beta_1": 0.5, "beta_2": 0.9, "clipvalue": 1.0, "weight_decay": 0.1}),
]


def _case_id(case: tuple[str, dict]) -> str:
    name, arguments = case
    return name + "".join(f"-{key}={value}" for key, value in arguments.items())


def _tolerance(name: str, arguments: dict) -> float:
    if any(key in arguments for key in ("clipnorm", "global_clipnorm")):
        return 1e-6  # Keras rounds its clip factors to float32 (module docstring)
    if name == "Nadam":
        return 1e-8  # torch's float32 momentum product (module docstring)
    return 1e-9


def _change_rate_at_50(rate: float):
    def on_step(step: int, optimizer) -> None:
        if step == 50:
            optimizer.learning_rate = rate * 0.3

    return on_step


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_matches_keras_over_100_steps_with_a_mid_run_rate_change(case, quadratic, keras64):
    name, arguments = case
    rate = RATES[name]
    expected = quadratic.run_keras(
        keras64,
        getattr(keras64.optimizers, name)(learning_rate=rate, **arguments),
        on_step=_change_rate_at_50(rate),
    )
    got = quadratic.run_fitwell(
        getattr(optimizers, name)(rate, **arguments), on_step=_change_rate_at_50(rate)
    )
    for initial, got_weight, expected_weight in zip(quadratic.initial, got, expected, strict=True):
        assert np.abs(expected_weight - initial).max() > 0.05  # the run really trained
        np.testing.assert_allclose(got_weight, expected_weight, rtol=_tolerance(name, arguments), atol=1e-12)


@pytest.mark.parametrize(
    "case",
    [
        ("SGD", {"momentum": 0.9}),
        ("SGD", {"momentum": 0.9, "nesterov": True}),
        ("RMSprop", {"momentum": 0.5}),
        ("Adam", {}),
        ("Lion", {}),
    ],
    ids=_case_id,
)
def test_matches_keras_under_a_schedule_that_reaches_zero(case, quadratic, keras64):
    # The rate changes every step and is exactly 0 for the last 40 steps:
    # Keras's momentum keeps moving the weights at a zero rate.
    name, arguments = case
    expected = quadratic.run_keras(
        keras64,
        getattr(keras64.optimizers, name)(keras64.optimizers.schedules.CosineDecay(0.05, 60), **arguments),
    )
    got = quadratic.run_fitwell(getattr(optimizers, name)(schedules.CosineDecay(0.05, 60), **arguments))
    for got_weight, expected_weight in zip(got, expected, strict=True):
        np.testing.assert_allclose(got_weight, expected_weight, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "case",
    [
        ("SGD", {"momentum": 0.9}),
        ("SGD", {"momentum": 0.9, "nesterov": True}),
        ("RMSprop", {"momentum": 0.9, "centered": True}),
        ("Adam", {}),
        ("Adam", {"amsgrad": True}),
        ("AdamW", {}),
        ("Adagrad", {}),
        ("Adadelta", {}),
        ("Adamax", {}),
        ("Nadam", {}),
        ("Lion", {}),
    ],
    ids=_case_id,
)
@pytest.mark.filterwarnings("ignore:Gradients do not exist:UserWarning")
def test_matches_keras_when_a_weight_has_no_gradient_on_some_steps(case, quadratic, keras64):
    name, arguments = case
    rate = RATES[name]

    # The second weight has no gradient for its first 5 steps and on every
    # third step after: Keras still counts those steps (bias corrections,
    # Nadam's momentum product) and leaves the weight and its slots alone.
    def skip(step: int, index: int) -> bool:
        return index == 1 and (step < 5 or step % 3 == 0)

    expected = quadratic.run_keras(
        keras64,
        getattr(keras64.optimizers, name)(learning_rate=rate, **arguments),
        on_step=_change_rate_at_50(rate),
        skip=skip,
    )
    got = quadratic.run_fitwell(
        getattr(optimizers, name)(rate, **arguments), on_step=_change_rate_at_50(rate), skip=skip
    )
    for got_weight, expected_weight in zip(got, expected, strict=True):
        np.testing.assert_allclose(got_weight, expected_weight, rtol=_tolerance(name, arguments), atol=1e-12)


def test_a_callable_learning_rate_is_read_at_every_step_as_in_keras(quadratic, keras64):
    current = {"rate": 0.05}

    def on_step(step: int, optimizer) -> None:
        del optimizer
        current["rate"] = 0.05 * 0.97**step

    expected = quadratic.run_keras(
        keras64, keras64.optimizers.SGD(lambda: current["rate"], momentum=0.9), on_step=on_step
    )
    got = quadratic.run_fitwell(optimizers.SGD(lambda: current["rate"], momentum=0.9), on_step=on_step)
    for got_weight, expected_weight in zip(got, expected, strict=True):
        np.testing.assert_allclose(got_weight, expected_weight, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(RATES))
def test_float32_runs_match_keras_float32(name, quadratic, keras32):
    import torch

    rate = RATES[name]
    expected = quadratic.run_keras(
        keras32,
        getattr(keras32.optimizers, name)(learning_rate=rate),
        dtype="float32",
        on_step=_change_rate_at_50(rate),
    )
    got = quadratic.run_fitwell(
        getattr(optimizers, name)(rate), dtype=torch.float32, on_step=_change_rate_at_50(rate)
    )
    for got_weight, expected_weight in zip(got, expected, strict=True):
        np.testing.assert_allclose(got_weight, expected_weight, rtol=0, atol=3e-5)


@pytest.mark.parametrize("name", sorted(RATES))
def test_defaults_match_keras(name, keras64):
    keras_config = getattr(keras64.optimizers, name)().get_config()
    config = getattr(optimizers, name)().get_config()
    for key, value in config.items():
        if key in keras_config and key != "name":
            assert value == pytest.approx(keras_config[key]), key
    assert set(config) - {"name"} <= set(keras_config)
