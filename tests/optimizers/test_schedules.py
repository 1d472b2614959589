"""Learning-rate schedules: Keras's values at every step, argument errors, serialization."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fitwell.optimizers import schedules

SCHEDULES = [
    ("ExponentialDecay", (0.1, 7, 0.5), {}),
    ("ExponentialDecay", (0.1, 7, 0.5), {"staircase": True}),
    ("PiecewiseConstantDecay", ([10, 20, 50], [1.0, 0.5, 0.2, 0.1]), {}),
    ("PiecewiseConstantDecay", ([0], [0.3, 0.03]), {}),
    ("PolynomialDecay", (0.1, 30), {}),
    ("PolynomialDecay", (0.1, 30, 0.001), {"power": 2.0}),
    ("PolynomialDecay", (0.1, 30, 0.001), {"power": 0.5, "cycle": True}),
    ("InverseTimeDecay", (0.1, 7, 0.5), {}),
    ("InverseTimeDecay", (0.1, 7, 0.5), {"staircase": True}),
    ("CosineDecay", (0.1, 40), {}),
    ("CosineDecay", (0.1, 40), {"alpha": 0.1}),
    ("CosineDecay", (0.0, 40), {"alpha": 0.1, "warmup_target": 0.2, "warmup_steps": 15}),
    ("CosineDecayRestarts", (0.1, 10), {}),
    ("CosineDecayRestarts", (0.1, 10), {"t_mul": 1.0, "m_mul": 0.7, "alpha": 0.05}),
    ("CosineDecayRestarts", (0.1, 7), {"t_mul": 1.5, "m_mul": 0.8, "alpha": 0.05}),
    ("CosineDecayRestarts", (0.1, 10), {"t_mul": 3.0}),
]


def _schedule_id(case) -> str:
    name, _, arguments = case
    return name + "".join(f"-{key}={value}" for key, value in arguments.items())


@pytest.mark.keras
@pytest.mark.parametrize("case", SCHEDULES, ids=_schedule_id)
def test_values_match_keras_at_every_step(case, keras64):
    # Keras computes schedules in its float type; with float64 the two agree
    # exactly, restart boundaries of CosineDecayRestarts included.
    name, arguments, keywords = case
    expected_schedule = getattr(keras64.optimizers.schedules, name)(*arguments, **keywords)
    schedule = getattr(schedules, name)(*arguments, **keywords)
    steps = range(0, 400)
    expected = np.array([float(keras64.ops.convert_to_numpy(expected_schedule(step))) for step in steps])
    got = np.array([schedule(step) for step in steps])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    assert all(isinstance(schedule(step), float) for step in (0, 5, 1000))


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), r"`decay_steps` must be a number in \(0, inf\)"),
        (lambda: schedules.PolynomialDecay(0.1, -3), r"Received: decay_steps=-3"),
        (lambda: schedules.InverseTimeDecay(0.1, 0, 0.5), r"Invalid arguments for InverseTimeDecay"),
        (
            lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-1),
            r"`warmup_steps` must be a number in \[0, inf\)",
        ),
        (
            lambda: schedules.CosineDecayRestarts(0.1, 10, t_mul=0.0),
            r"`t_mul` must be .* e.g. the default 2.0",
        ),
        (lambda: schedules.CosineDecayRestarts(0.1, 0), r"`first_decay_steps` must be"),
        (
            lambda: schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5]),
            r"one more rate than `boundaries`.*Received: boundaries=\[10, 20\] \(length 2\)",
        ),
        (lambda: schedules.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]), r"increasing order.*Sort them"),
    ],
)
def test_bad_arguments_are_refused_with_the_fix(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_piecewise_constant_changes_after_each_boundary():
    schedule = schedules.PiecewiseConstantDecay([100, 200], [1.0, 0.5, 0.1])
    assert [schedule(step) for step in (0, 100, 101, 200, 201)] == [1.0, 1.0, 0.5, 0.5, 0.1]


def test_cosine_decay_warms_up_linearly_then_decays_to_alpha():
    schedule = schedules.CosineDecay(0.0, 100, alpha=0.1, warmup_target=1.0, warmup_steps=10)
    assert schedule(5) == pytest.approx(0.5)
    assert schedule(10) == pytest.approx(1.0)
    assert schedule(60) == pytest.approx(0.55)
    assert schedule(110) == schedule(10_000) == pytest.approx(0.1)


def test_cosine_restarts_begin_each_cycle_at_the_scaled_rate():
    schedule = schedules.CosineDecayRestarts(1.0, 10, t_mul=2.0, m_mul=0.5)
    # Cycles start at steps 0, 10, 30, 70 with rates 1, 0.5, 0.25, 0.125.
    assert [schedule(step) for step in (0, 10, 30, 70)] == pytest.approx([1.0, 0.5, 0.25, 0.125])
    assert schedule(20) == pytest.approx(0.5 * 0.5 * (1 + math.cos(math.pi * 0.5)))


@pytest.mark.parametrize("case", SCHEDULES, ids=_schedule_id)
def test_serialize_round_trips(case):
    name, arguments, keywords = case
    schedule = getattr(schedules, name)(*arguments, **keywords)
    rebuilt = schedules.deserialize(schedules.serialize(schedule))
    assert type(rebuilt) is type(schedule)
    assert rebuilt.get_config() == schedule.get_config()
    assert [rebuilt(step) for step in range(0, 100, 7)] == [schedule(step) for step in range(0, 100, 7)]


def test_deserialize_names_the_known_schedules_and_takes_custom_ones():
    with pytest.raises(ValueError, match=r"class_name='CosineDecai'. Did you mean 'CosineDecay'\?"):
        schedules.deserialize({"class_name": "CosineDecai", "config": {}})

    class Constant(schedules.LearningRateSchedule):
        def __init__(self, rate: float) -> None:
            self.rate = rate

        def __call__(self, step: int) -> float:
            return self.rate

        def get_config(self) -> dict:
            return {"rate": self.rate}

    rebuilt = schedules.deserialize(schedules.serialize(Constant(0.3)), custom_objects={"Constant": Constant})
    assert rebuilt(12) == 0.3


def test_repr_shows_the_arguments():
    assert repr(schedules.ExponentialDecay(0.1, 10, 0.5)).startswith(
        "ExponentialDecay(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5"
    )
