"""The Optimizer base: learning rate, clipping, weight decay, state, argument errors."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

import fitwell.optimizers as optimizers
from fitwell.optimizers import schedules

ALL = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion"]

# Arguments that give each optimizer all of its state (momentum buffers and the like).
FULL_STATE = {
    "SGD": {"momentum": 0.9, "nesterov": True},
    "Adam": {"amsgrad": True},
    "AdamW": {},
    "RMSprop": {"momentum": 0.5, "centered": True},
    "Adagrad": {},
    "Adadelta": {},
    "Adamax": {},
    "Nadam": {},
    "Lion": {},
}


def _sgd_from_zero(grads: list[torch.Tensor], **arguments) -> list[torch.Tensor]:
    """One SGD step at rate 1 from zero weights: the weights become minus the processed gradients."""
    params = [torch.nn.Parameter(torch.zeros_like(g)) for g in grads]
    optimizer = optimizers.SGD(1.0, **arguments)
    optimizer.build(params)
    for param, grad in zip(params, grads, strict=True):
        param.grad = grad.clone()
    optimizer.step()
    return [-p.detach() for p in params]


# -- learning rate -----------------------------------------------------------------------------
def test_assigning_the_learning_rate_keeps_moments_and_step_count():
    weight = torch.nn.Parameter(torch.ones(3))
    optimizer = optimizers.Adam(0.1)
    optimizer.build([weight])
    for _ in range(3):
        weight.grad = torch.tensor([1.0, -2.0, 0.5])
        optimizer.step()
    moments = copy.deepcopy(optimizer.torch_optimizer.state[weight])
    optimizer.learning_rate = 0.01
    assert optimizer.learning_rate == 0.01
    assert optimizer.iterations == 3
    for key, value in moments.items():
        assert torch.equal(optimizer.torch_optimizer.state[weight][key], value)
    before = weight.detach().clone()
    weight.grad = torch.tensor([1.0, -2.0, 0.5])
    optimizer.step()
    assert (weight.detach() - before).abs().max() < 0.011  # the new, smaller rate applied


def test_a_schedule_sees_the_number_of_updates_done():
    schedule = schedules.PiecewiseConstantDecay([1, 2], [0.3, 0.2, 0.1])
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = optimizers.SGD(schedule)
    optimizer.build([weight])
    seen = []
    for _ in range(4):
        seen.append(optimizer.learning_rate)
        weight.grad = torch.ones(1)
        optimizer.step()
    assert seen == [0.3, 0.3, 0.2, 0.1]
    assert weight.item() == pytest.approx(-0.9)


def test_a_fixed_rate_cannot_replace_a_schedule_but_a_schedule_can_replace_a_rate():
    optimizer = optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(
        TypeError, match=r"created with a learning-rate schedule.*Received: learning_rate=0.01"
    ):
        optimizer.learning_rate = 0.01
    fixed = optimizers.Adam(0.1)
    fixed.learning_rate = schedules.ExponentialDecay(0.2, 10, 0.5)
    assert fixed.learning_rate == 0.2
    fixed.learning_rate = lambda: 0.05
    assert fixed.learning_rate == 0.05


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (-1, ValueError, r"`learning_rate` must be >= 0. Received: learning_rate=-1"),
        (float("nan"), ValueError, r"`learning_rate` must be >= 0"),
        ("fast", TypeError, r"`learning_rate` must be a float.*Received: learning_rate='fast'. For example"),
        (True, TypeError, r"Received: learning_rate=True"),
    ],
)
def test_bad_learning_rates_are_refused(value, error, message):
    with pytest.raises(error, match=message):
        optimizers.Adam(value)
    optimizer = optimizers.Adam()
    with pytest.raises(error, match=message):
        optimizer.learning_rate = value


def test_an_integer_learning_rate_is_taken_as_a_float():
    assert optimizers.SGD(1).learning_rate == 1.0


# -- clipping and weight decay -----------------------------------------------------------------
GRADS = [torch.tensor([[3.0, 4.0]]), torch.tensor([0.6, -0.8])]  # norms 5 and 1, global norm sqrt(26)


def test_clipnorm_scales_each_gradient_tensor_to_at_most_the_norm():
    clipped = _sgd_from_zero(GRADS, clipnorm=2.0)
    torch.testing.assert_close(clipped[0], GRADS[0] * 2.0 / 5.0)
    torch.testing.assert_close(clipped[1], GRADS[1])  # already within the norm


def test_global_clipnorm_scales_all_gradients_together():
    clipped = _sgd_from_zero(GRADS, global_clipnorm=2.0)
    for got, grad in zip(clipped, GRADS, strict=True):
        torch.testing.assert_close(got, grad * 2.0 / 26**0.5)


def test_clipvalue_clamps_each_element():
    clipped = _sgd_from_zero(GRADS, clipvalue=0.7)
    torch.testing.assert_close(clipped[0], torch.tensor([[0.7, 0.7]]))
    torch.testing.assert_close(clipped[1], torch.tensor([0.6, -0.7]))


def test_global_clipnorm_turns_an_infinite_gradient_into_nan_as_keras_does():
    clipped = _sgd_from_zero([torch.tensor([float("inf"), 1.0])], global_clipnorm=1.0)
    assert torch.isnan(clipped[0]).all()


def test_weight_decay_is_decoupled_uses_the_current_rate_and_skips_weights_without_gradient():
    decayed, untouched = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    optimizer = optimizers.SGD(0.1, weight_decay=0.5)
    optimizer.build([decayed, untouched])
    decayed.grad = torch.zeros(2)
    optimizer.step()
    torch.testing.assert_close(decayed.detach(), torch.full((2,), 1 - 0.5 * 0.1))
    torch.testing.assert_close(untouched.detach(), torch.ones(2))


def test_only_one_clip_argument_may_be_set():
    with pytest.raises(ValueError, match=r"Only one of .*Received: clipnorm=1.0, clipvalue=0.5. Keep one"):
        optimizers.Adam(clipnorm=1.0, clipvalue=0.5)


@pytest.mark.parametrize("argument", ["clipnorm", "clipvalue", "global_clipnorm"])
def test_clip_arguments_must_be_positive(argument):
    with pytest.raises(
        ValueError, match=rf"`{argument}` must be a number in \(0, inf\). Received: {argument}=0"
    ):
        optimizers.SGD(**{argument: 0})


# -- argument checks ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        (
            "Adam",
            {"beta_1": 1.0},
            r"Invalid arguments for Adam: `beta_1` must be a number in \[0, 1\). "
            r"Received: beta_1=1.0. Use a value in that range, e.g. the default 0.9",
        ),
        ("Adam", {"beta_2": -0.1, "epsilon": -1.0}, r"`beta_2` must be .*; `epsilon` must be"),
        ("SGD", {"momentum": 1.5}, r"`momentum` must be a number in \[0, 1\]. Received: momentum=1.5"),
        ("SGD", {"momentum": True}, r"Received: momentum=True"),
        ("RMSprop", {"rho": 1.0}, r"`rho` must be a number in \[0, 1\)"),
        ("Adagrad", {"initial_accumulator_value": -1.0}, r"`initial_accumulator_value` must be"),
        ("Adadelta", {"rho": 2.0}, r"`rho` must be a number in \[0, 1\]"),
        ("Lion", {"beta_1": 0.0}, r"`beta_1` must be a number in \(0, 1\]"),
        ("Adam", {"weight_decay": -0.1}, r"`weight_decay` must be a number in \[0, inf\)"),
    ],
)
def test_out_of_range_hyperparameters_are_refused_all_at_once(name, arguments, message):
    with pytest.raises(ValueError, match=message):
        getattr(optimizers, name)(**arguments)


def test_adamw_requires_a_weight_decay():
    assert optimizers.AdamW().weight_decay == 0.004
    with pytest.raises(ValueError, match=r"AdamW needs a weight decay. Received: weight_decay=None. Pass"):
        optimizers.AdamW(weight_decay=None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"lr": 0.1}, r"Received: lr=0.1. Use `learning_rate=`"),
        ({"beta1": 0.9}, r"Received: beta1=0.9. Did you mean 'beta_1'\?"),
        (
            {"decay": 1e-4},
            r"Use a schedule, e.g. learning_rate=fitwell.optimizers.schedules.InverseTimeDecay",
        ),
        ({"use_ema": True}, r"Weight averaging is not built in"),
        ({"gradient_accumulation_steps": 4}, r"larger `batch_size`"),
    ],
)
def test_unknown_and_unsupported_keras_arguments_say_what_to_do(arguments, message):
    with pytest.raises(TypeError, match=r"Adam does not take the argument\(s\) .*" + message):
        optimizers.Adam(**arguments)


def test_hyperparameters_are_keyword_only():
    with pytest.raises(TypeError):
        optimizers.SGD(0.1, 0.9)


# -- building, state and reset -----------------------------------------------------------------
def test_the_torch_optimizer_exists_only_after_build():
    optimizer = optimizers.Adam()
    assert not optimizer.is_built
    with pytest.raises(RuntimeError, match=r"built at the first batch of fit\(\).*Received: is_built=False"):
        optimizer.torch_optimizer  # noqa: B018
    weight = torch.nn.Parameter(torch.zeros(2))
    optimizer.build([weight, torch.zeros(3)])  # tensors without requires_grad are left out
    assert optimizer.is_built
    assert optimizer.torch_optimizer.param_groups[0]["params"] == [weight]


def test_a_fully_frozen_model_builds_and_steps_as_a_no_op():
    frozen = torch.nn.Parameter(torch.ones(2), requires_grad=False)
    optimizer = optimizers.Adam()
    optimizer.build([frozen])
    optimizer.step()
    assert optimizer.iterations == 1
    assert torch.equal(frozen, torch.ones(2))
    with pytest.raises(RuntimeError, match="0 trainable parameters"):
        optimizer.torch_optimizer  # noqa: B018


def test_reset_drops_state_so_the_next_build_starts_fresh():
    weight = torch.nn.Parameter(torch.zeros(2))
    optimizer = optimizers.Adam()
    optimizer.build([weight])
    weight.grad = torch.ones(2)
    optimizer.step()
    optimizer.reset()
    assert not optimizer.is_built and optimizer.iterations == 0
    optimizer.build([weight])
    state = optimizer.torch_optimizer.state[weight]
    assert state["step"] == 0 and not state["exp_avg"].any() and not state["exp_avg_sq"].any()


def _train(optimizer, params, steps: int, start: int = 0, on_step=None) -> None:
    for step in range(start, start + steps):
        if on_step is not None:
            on_step(step, optimizer)
        for index, param in enumerate(params):
            param.grad = torch.sin(
                torch.arange(param.numel(), dtype=param.dtype) * (step + 1) + index
            ).reshape(param.shape)
        optimizer.step()


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_continues_identically(name):
    # The rate changes at step 30, right where the run resumes, and before
    # the checkpoint too: resuming must restore the assigned rate and SGD's
    # record of the rate its velocity is expressed in.
    def on_step(step: int, optimizer) -> None:
        if step == 10:
            optimizer.learning_rate = 0.02
        if step == 30:
            optimizer.learning_rate = 0.005

    def fresh_params() -> list[torch.nn.Parameter]:
        return [torch.nn.Parameter(torch.linspace(-1, 1, 6).reshape(2, 3)), torch.nn.Parameter(torch.ones(3))]

    params = fresh_params()
    original = getattr(optimizers, name)(0.05, **FULL_STATE[name])
    original.build(params)
    _train(original, params, 30, on_step=on_step)
    checkpoint = copy.deepcopy(original.state_dict())
    weights = [p.detach().clone() for p in params]
    _train(original, params, 20, start=30, on_step=on_step)

    restored_params = fresh_params()
    with torch.no_grad():
        for param, weight in zip(restored_params, weights, strict=True):
            param.copy_(weight)
    restored = getattr(optimizers, name)(0.05, **FULL_STATE[name])
    restored.build(restored_params)
    restored.load_state_dict(checkpoint)
    assert restored.iterations == 30 and restored.learning_rate == 0.02
    _train(restored, restored_params, 20, start=30, on_step=on_step)
    for got, expected in zip(restored_params, params, strict=True):
        assert torch.equal(got, expected)


def test_a_schedule_resumes_at_its_position():
    weight = torch.nn.Parameter(torch.zeros(1))
    optimizer = optimizers.SGD(schedules.ExponentialDecay(0.1, 10, 0.5))
    optimizer.build([weight])
    _train(optimizer, [weight], 20)
    resumed = optimizers.SGD(schedules.ExponentialDecay(0.1, 10, 0.5))
    resumed.build([torch.nn.Parameter(torch.zeros(1))])
    resumed.load_state_dict(optimizer.state_dict())
    assert resumed.learning_rate == pytest.approx(0.025)


def test_state_loaded_before_build_is_applied_at_the_build():
    weight = torch.nn.Parameter(torch.zeros(2))
    optimizer = optimizers.Adam()
    optimizer.build([weight])
    _train(optimizer, [weight], 5)
    later = optimizers.Adam()
    later.load_state_dict(copy.deepcopy(optimizer.state_dict()))
    assert not later.is_built
    later.build([torch.nn.Parameter(weight.detach().clone())])
    assert later.iterations == 5
    assert torch.equal(
        next(iter(later.torch_optimizer.state.values()))["exp_avg"],
        optimizer.torch_optimizer.state[weight]["exp_avg"],
    )


def test_loading_another_optimizers_state_is_refused():
    weight = torch.nn.Parameter(torch.zeros(2))
    adam = optimizers.Adam()
    adam.build([weight])
    sgd = optimizers.SGD()
    sgd.build([weight])
    with pytest.raises(
        ValueError, match=r"Cannot load the state of a Adam optimizer into SGD.*class_name='Adam'"
    ):
        sgd.load_state_dict(adam.state_dict())


# -- configuration -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ALL)
def test_get_config_round_trips_through_from_config(name):
    optimizer = getattr(optimizers, name)(
        schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=5), clipnorm=2.0, **FULL_STATE[name]
    )
    rebuilt = type(optimizer).from_config(optimizer.get_config())
    assert rebuilt.get_config() == optimizer.get_config()
    assert isinstance(rebuilt._learning_rate, schedules.CosineDecay)
    fixed = getattr(optimizers, name)(0.25)
    assert type(fixed).from_config(fixed.get_config()).learning_rate == 0.25


def test_names_default_to_kerass_snake_case_class_names():
    expected = ["sgd", "adam", "adam_w", "rm_sprop", "adagrad", "adadelta", "adamax", "nadam", "lion"]
    assert [getattr(optimizers, name)().name for name in ALL] == expected
    assert optimizers.Adam(name="mine").name == "mine"


def test_repr_shows_the_learning_rate():
    assert repr(optimizers.SGD(0.5)) == "SGD(learning_rate=0.5)"
    assert np.isfinite(optimizers.Adam().learning_rate)
