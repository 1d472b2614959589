"""The learning-rate finder: a suggestion inside the known good range, and nothing left changed."""

from __future__ import annotations

import copy
import math
import random

import numpy as np
import pytest
import torch

import fitwell
from fitwell.errors import NotCompiledError
from fitwell.lr_finder import LearningRateSweep, find_learning_rate, smooth_losses, suggest_learning_rate

# Linear regression on standardised features with the mean-squared error: the Hessian is
# 2·E[x xᵀ] ≈ 2·I, so plain SGD diverges above a rate of about 2/λ_max ≈ 0.9 and converges fastest
# near 1/λ_max ≈ 0.5; far below, it crawls. The good range checked below is [0.03, 0.6].
GOOD_RANGE = (0.03, 0.6)


@pytest.fixture
def regression() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 10)).astype("float32")
    y = (x @ rng.normal(size=(10, 1)) + 0.1 * rng.normal(size=(2000, 1))).astype("float32")
    return x, y


def _linear(learning_rate: float = 0.01) -> fitwell.Sequential:
    model = fitwell.Sequential([fitwell.Input(shape=(10,)), fitwell.layers.Dense(1)])
    model.compile(optimizer=fitwell.optimizers.SGD(learning_rate), loss="mse", device="cpu")
    return model


def test_the_good_range_is_what_the_theory_says(regression):
    x, y = regression
    for rate in GOOD_RANGE:
        fitwell.utils.set_random_seed(0)
        assert _linear(rate).fit(x, y, epochs=2, batch_size=32, verbose=0).history["loss"][-1] < 0.05
    fitwell.utils.set_random_seed(0)
    too_high = _linear(1.5).fit(x, y, epochs=2, batch_size=32, verbose=0).history["loss"][-1]
    assert not math.isfinite(too_high) or too_high > 1e3
    fitwell.utils.set_random_seed(0)
    too_low = _linear(1e-3).fit(x, y, epochs=2, batch_size=32, verbose=0).history["loss"][-1]
    assert too_low > 1.0


def test_the_suggestion_falls_inside_the_known_good_range(regression):
    x, y = regression
    sweep = _linear().find_learning_rate(x, y, start_lr=1e-5, end_lr=10.0, num_steps=200)
    assert isinstance(sweep, LearningRateSweep)
    assert GOOD_RANGE[0] <= sweep.suggestion <= GOOD_RANGE[1]
    assert sweep.stopped_early and sweep.rates[-1] < 10.0  # stopped once the loss blew up
    assert len(sweep.rates) == len(sweep.losses) == len(sweep.smoothed)
    assert sweep.rates == sorted(sweep.rates) and sweep.rates[0] == pytest.approx(1e-5)


def _snapshot(model: fitwell.Model) -> dict:
    optimizer = model.optimizer
    return {
        "weights": {name: tensor.clone() for name, tensor in model.state_dict().items()},
        "optimizer": copy.deepcopy(optimizer.torch_optimizer.state_dict()),
        "iterations": optimizer.iterations,
        "rate": optimizer._learning_rate,
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
        "training": model.training,
    }


def _assert_same(before: dict, after: dict) -> None:
    assert before["weights"].keys() == after["weights"].keys()
    for name, tensor in before["weights"].items():
        assert torch.equal(tensor, after["weights"][name]), name
    assert before["optimizer"]["param_groups"] == after["optimizer"]["param_groups"]
    assert before["optimizer"]["state"].keys() == after["optimizer"]["state"].keys()
    for key, state in before["optimizer"]["state"].items():
        for name, value in state.items():
            other = after["optimizer"]["state"][key][name]
            assert torch.equal(value, other) if isinstance(value, torch.Tensor) else value == other
    assert before["iterations"] == after["iterations"]
    assert before["rate"] is after["rate"] or before["rate"] == after["rate"]
    assert before["python"] == after["python"]
    numpy_before, numpy_after = before["numpy"], after["numpy"]
    assert numpy_before[0] == numpy_after[0] and np.array_equal(numpy_before[1], numpy_after[1])
    assert numpy_before[2:] == numpy_after[2:]
    assert torch.equal(before["torch"], after["torch"])
    assert before["training"] == after["training"]


def _digits_model(optimizer) -> fitwell.Sequential:
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(64,)),
            fitwell.layers.Dense(32, activation="relu"),
            fitwell.layers.BatchNormalization(),
            fitwell.layers.Dropout(0.3),
            fitwell.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    return model


@pytest.fixture
def digits() -> tuple[np.ndarray, np.ndarray]:
    (x, y), _ = fitwell.datasets.load_digits()
    return x.reshape(len(x), -1).astype("float32")[:512] / 16.0, y[:512]


def test_weights_optimizer_state_and_random_state_are_exactly_restored(digits):
    x, y = digits
    model = _digits_model(fitwell.optimizers.Adam(1e-3))
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)  # Adam moments and BatchNorm statistics exist
    random.random(), np.random.random(), torch.rand(1)
    before = _snapshot(model)
    sweep = model.find_learning_rate(x, y, num_steps=60, batch_size=32)
    assert len(sweep.losses) > 10
    _assert_same(before, _snapshot(model))


def test_a_fit_after_a_sweep_is_the_same_as_without_it(digits):
    x, y = digits
    results = []
    for sweep_first in (False, True):
        fitwell.utils.set_random_seed(7)
        model = _digits_model(fitwell.optimizers.Adam(1e-3))
        model.fit(x, y, epochs=1, batch_size=64, verbose=0)
        if sweep_first:
            model.find_learning_rate(x, y, num_steps=40)
        history = model.fit(x, y, epochs=2, batch_size=64, verbose=0)
        results.append((history.history["loss"], [w.copy() for w in model.get_weights()]))
    assert results[0][0] == results[1][0]
    for first, second in zip(results[0][1], results[1][1], strict=True):
        np.testing.assert_array_equal(first, second)


def test_a_schedule_is_overridden_during_the_sweep_and_put_back(digits):
    x, y = digits
    schedule = fitwell.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    model = _digits_model(fitwell.optimizers.SGD(schedule))
    sweep = model.find_learning_rate(x, y, start_lr=1e-4, end_lr=1.0, num_steps=30)
    assert sweep.rates[-1] > 1e-2  # the sweep's rates, not the schedule's
    assert model.optimizer.learning_rate_schedule is schedule and model.optimizer.iterations == 0


def test_the_sweep_runs_fits_step_under_mixed_precision(digits):
    x, y = digits
    model = _digits_model(fitwell.optimizers.Adam(1e-3))
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu", mixed_precision="bf16"
    )
    model.fit(x, y, epochs=1, batch_size=64, verbose=0)
    seen = []
    model.layers[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    before = _snapshot(model)
    sweep = model.find_learning_rate(x, y, num_steps=20, batch_size=32)
    assert seen.count(torch.bfloat16) >= 20  # every step of the sweep ran the layers in bfloat16
    assert len(sweep.losses) == 20 and all(math.isfinite(v) for v in sweep.losses[:10])
    _assert_same(before, _snapshot(model))


def test_the_sweep_runs_the_compiled_forward_with_jit_compile(digits, monkeypatch):
    from torch._dynamo.utils import counters

    from fitwell import jit

    monkeypatch.setattr(jit, "BACKEND", "aot_eager")  # graph capture without code generation
    torch._dynamo.reset()
    counters.clear()
    x, y = digits
    model = _digits_model(fitwell.optimizers.SGD(0.01))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu", jit_compile=True)
    model.find_learning_rate(x, y, num_steps=12, batch_size=32)
    # The graph was captured and never dropped: every step ran the compiled function.
    assert counters["frames"]["ok"] >= 1 and counters["stats"]["unique_graphs"] >= 1
    assert model.trainer.forward_loss.is_compiled


def test_a_custom_train_step_is_refused_with_a_reason(digits):
    class OwnStep(fitwell.Sequential):
        def train_step(self, data):
            return super().train_step(data)

    x, y = digits
    model = OwnStep([fitwell.Input(shape=(64,)), fitwell.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu")
    with pytest.raises(ValueError, match=r"overrides train_step\(\)\. Received: a model with a custom"):
        model.find_learning_rate(x, y, num_steps=12)


def test_the_sweep_and_its_plot(digits, tmp_path):
    pytest.importorskip("matplotlib")
    x, y = digits
    sweep = _digits_model(fitwell.optimizers.Adam()).find_learning_rate(x, y, num_steps=50)
    figure = sweep.plot(path=tmp_path / "lr.png")
    assert figure.axes[0].get_xscale() == "log" and (tmp_path / "lr.png").exists()
    assert "LearningRateSweep(steps=" in repr(sweep)


def test_arguments_are_checked_all_at_once(regression):
    x, y = regression
    with pytest.raises(ValueError, match="start_lr=0.*end_lr=.*num_steps=5"):
        _linear().find_learning_rate(x, y, start_lr=0, end_lr=-1.0, num_steps=5)
    with pytest.raises(NotCompiledError, match="before find_learning_rate"):
        find_learning_rate(fitwell.Model(torch.nn.Linear(10, 1)), x, y)


# -- the pure suggestion ------------------------------------------------------------------
RATES = np.geomspace(1e-6, 1.0, 120)
BOWL = 1.0 / (1.0 + RATES / 1e-3) + (RATES / 0.1) ** 2  # lowest near 0.03


def test_the_suggestion_is_a_tenth_of_the_rate_at_the_lowest_smoothed_loss():
    lowest = RATES[int(np.argmin(smooth_losses(BOWL)))]
    assert suggest_learning_rate(RATES, BOWL) == pytest.approx(lowest / 10)


def test_a_nan_tail_and_an_early_spike_do_not_move_the_suggestion():
    clean = suggest_learning_rate(RATES, BOWL)
    damaged = BOWL.copy()
    damaged[2] = 50.0  # a spike in the first steps
    damaged[-10:] = np.nan  # divergence at the end
    assert suggest_learning_rate(RATES, damaged) == pytest.approx(clean)


def test_no_suggestion_when_the_loss_never_falls():
    assert suggest_learning_rate(RATES, np.linspace(1.0, 3.0, len(RATES))) is None
    assert suggest_learning_rate(RATES[:2], BOWL[:2]) is None


def test_mismatched_lengths_are_rejected():
    with pytest.raises(ValueError, match="Received: 120 rates and 3 losses"):
        suggest_learning_rate(RATES, [1.0, 2.0, 3.0])


def test_smoothing_is_bias_corrected_and_stops_at_the_first_non_finite():
    smoothed = smooth_losses([2.0, 2.0, float("inf"), 1.0])
    assert smoothed[:2].tolist() == [2.0, 2.0] and np.isnan(smoothed[2:]).all()
