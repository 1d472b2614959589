"""Keras's `optimizer.apply(grads, variables)`: the update a custom `train_step` calls."""

from __future__ import annotations

import pytest
import torch

from fitwell.optimizers import SGD, Adam


def test_apply_builds_at_first_use_and_updates_only_the_given_variables():
    first, second = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(3))
    optimizer = SGD(0.1)
    optimizer.apply([torch.ones(2), torch.ones(3)], [first, second])  # built for both
    second.grad = torch.full((3,), 5.0)  # a leftover gradient that must not move `second`
    optimizer.apply([torch.ones(2)], [first])
    assert first.detach().tolist() == pytest.approx([0.8, 0.8])
    assert second.detach().tolist() == pytest.approx([0.9, 0.9, 0.9])
    assert second.grad.tolist() == [5.0, 5.0, 5.0]  # left as it was
    assert optimizer.iterations == 2


def test_apply_gradients_takes_pairs():
    weight = torch.nn.Parameter(torch.tensor([1.0]))
    optimizer = SGD(0.5)
    optimizer.apply_gradients(zip([torch.tensor([1.0])], [weight], strict=True))
    assert weight.detach().tolist() == [0.5]


def test_apply_refuses_variables_it_was_not_built_with():
    known, unknown = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(4))
    optimizer = Adam()
    optimizer.build([known])
    with pytest.raises(ValueError, match=r"can only update the variables it was built with\. Received 1"):
        optimizer.apply([torch.ones(4)], [unknown])
    with pytest.raises(ValueError, match=r"one gradient per variable\. Received: 2 gradients for 1"):
        optimizer.apply([torch.ones(2), torch.ones(2)], [known])
