"""TorchOptimizer: a user's own torch.optim optimizer in compile/fit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.optimizers import SGD, TorchOptimizer


def _regression() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")


def _linear() -> fitwell.Sequential:
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), fitwell.layers.Dense(1)])
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.fill_(0.1)
    return model


def test_fit_with_a_torch_optimizer_matches_the_same_rule_in_fitwell():
    x, y = _regression()
    reference = _linear()
    reference.compile(optimizer=SGD(0.05), loss="mse", device="cpu")
    reference.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    model = _linear()
    model.compile(optimizer=torch.optim.SGD(model.parameters(), lr=0.05), loss="mse", device="cpu")
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    for got, expected in zip(model.parameters(), reference.parameters(), strict=True):
        torch.testing.assert_close(got, expected)
    assert model.optimizer.iterations == 12
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_assigning_the_rate_scales_every_group_alike():
    body, head = torch.nn.Linear(2, 2), torch.nn.Linear(2, 1)
    torch_optimizer = torch.optim.Adam(
        [{"params": body.parameters(), "lr": 1e-4}, {"params": head.parameters(), "lr": 1e-3}], lr=1e-4
    )
    optimizer = TorchOptimizer(torch_optimizer)
    optimizer.learning_rate = 5e-5
    assert optimizer.learning_rate == 5e-5
    assert [group["lr"] for group in torch_optimizer.param_groups] == pytest.approx([5e-5, 5e-4])


def test_schedules_are_refused_with_the_alternatives():
    optimizer = TorchOptimizer(torch.optim.SGD(torch.nn.Linear(2, 1).parameters(), lr=0.1))
    with pytest.raises(TypeError, match=r"float learning rate only.*torch.optim.lr_scheduler"):
        optimizer.learning_rate = fitwell.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)


def test_an_optimizer_over_another_models_parameters_is_refused_at_fit():
    x, y = _regression()
    model, other = _linear(), _linear()
    model.compile(optimizer=torch.optim.SGD(other.parameters(), lr=0.05), loss="mse", device="cpu")
    with pytest.raises(
        ValueError, match=r"updates 2 tensor\(s\) that are not parameters of this model.*model.parameters"
    ):
        model.fit(x, y, epochs=1, verbose=0)


def test_lbfgs_is_refused_because_fit_has_no_closure():
    with pytest.raises(TypeError, match=r"LBFGS re-evaluates the loss through a closure"):
        TorchOptimizer(torch.optim.LBFGS(torch.nn.Linear(2, 1).parameters()))


def test_recompiling_keeps_the_torch_optimizers_own_state_and_restarts_the_count():
    x, y = _regression()
    model = _linear()
    torch_optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    model.compile(optimizer=torch_optimizer, loss="mse", device="cpu")
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    moments = {id(p): s["exp_avg"].clone() for p, s in torch_optimizer.state.items()}
    model.compile(optimizer=torch_optimizer, loss="mse", device="cpu")
    assert model.optimizer.iterations == 0
    assert {id(p): s["exp_avg"] for p, s in torch_optimizer.state.items()}.keys() == moments.keys()


def test_clipping_applies_before_the_torch_step():
    weight = torch.nn.Parameter(torch.zeros(2))
    optimizer = TorchOptimizer(torch.optim.SGD([weight], lr=1.0), clipvalue=0.5)
    optimizer.build([weight])
    weight.grad = torch.tensor([3.0, -0.1])
    optimizer.step()
    torch.testing.assert_close(weight.detach(), torch.tensor([-0.5, 0.1]))
    assert optimizer.get_config()["torch_optimizer"] == "SGD"
    with pytest.raises(TypeError, match="cannot be rebuilt from its config"):
        TorchOptimizer.from_config(optimizer.get_config())


def test_only_torch_optimizers_are_wrapped():
    with pytest.raises(TypeError, match=r"wraps a torch.optim.Optimizer instance. Received: 'adam'"):
        TorchOptimizer("adam")
