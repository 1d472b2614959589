"""LossScaleOptimizer: the float16 wrapper scales the loss, skips overflowed steps, and delegates."""

from __future__ import annotations

import pytest
import torch

from fitwell.optimizers import SGD, LossScaleOptimizer


def _weight_and_optimizer(initial_scale: float = 8.0) -> tuple[torch.nn.Parameter, LossScaleOptimizer]:
    weight = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    optimizer = LossScaleOptimizer(SGD(0.1), "cpu", initial_scale=initial_scale, dynamic_growth_steps=2)
    optimizer.build([weight])
    return weight, optimizer


def test_a_finite_step_updates_with_the_unscaled_gradient():
    weight, optimizer = _weight_and_optimizer()
    scaled = optimizer.scale_loss((weight * torch.tensor([3.0, 4.0])).sum())
    assert float(scaled.detach()) == pytest.approx(8.0 * 11.0)
    scaled.backward()
    optimizer.unscale_gradients()
    assert weight.grad.tolist() == [3.0, 4.0]  # what clipping and on_backward_end see
    optimizer.step()
    assert weight.detach().tolist() == pytest.approx([1.0 - 0.3, 2.0 - 0.4])
    assert optimizer.iterations == 1


def test_an_overflowed_step_is_skipped_and_the_scale_halves_then_grows_back():
    weight, optimizer = _weight_and_optimizer()
    optimizer.scale_loss((weight * torch.tensor([float("inf"), 1.0])).sum()).backward()
    optimizer.step()
    assert weight.detach().tolist() == [1.0, 2.0] and optimizer.iterations == 0
    assert optimizer.loss_scaler.get_scale() == 4.0
    for _ in range(2):  # dynamic_growth_steps good steps double it
        optimizer.zero_grad()
        optimizer.scale_loss(weight.sum()).backward()
        optimizer.step()
    assert optimizer.loss_scaler.get_scale() == 8.0 and optimizer.iterations == 2


def test_rate_and_state_belong_to_the_inner_optimizer():
    weight, optimizer = _weight_and_optimizer()
    optimizer.learning_rate = 0.05
    assert optimizer.inner_optimizer.learning_rate == optimizer.learning_rate == 0.05
    optimizer.scale_loss((weight * torch.tensor([float("nan"), 1.0])).sum()).backward()
    optimizer.step()
    state = optimizer.state_dict()
    assert state["loss_scale"]["scale"] == 4.0
    _, other = _weight_and_optimizer()
    other.load_state_dict(state)
    assert other.loss_scaler.get_scale() == 4.0 and other.learning_rate == 0.05
    assert optimizer.get_config() == optimizer.inner_optimizer.get_config()


def test_apply_builds_and_steps_like_keras():
    weight = torch.nn.Parameter(torch.tensor([1.0]))
    optimizer = LossScaleOptimizer(SGD(0.5), "cpu")
    optimizer.apply([torch.tensor([2.0]) * optimizer.loss_scaler.get_scale()], [weight])
    assert weight.detach().tolist() == [0.0] and optimizer.is_built
