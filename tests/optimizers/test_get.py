"""`optimizers.get`: what `compile(optimizer=...)` accepts, and the errors for everything else."""

from __future__ import annotations

import pytest
import torch

import fitwell.optimizers as optimizers

KERAS_NAMES = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "lion"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_keras_names_build_defaults_in_any_case(name):
    for spelling in (name, name.upper(), name.capitalize()):
        optimizer = optimizers.get(spelling)
        assert type(optimizer).__name__.lower() == name
        assert not optimizer.is_built
    assert optimizers.get(name) is not optimizers.get(name)  # a fresh instance each time


def test_class_names_resolve_too():
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("AdamW"), optimizers.AdamW)


def test_a_fitwell_optimizer_is_returned_as_is():
    optimizer = optimizers.SGD(0.1)
    assert optimizers.get(optimizer) is optimizer


def test_a_torch_optimizer_is_wrapped():
    module = torch.nn.Linear(2, 1)
    torch_optimizer = torch.optim.AdamW(module.parameters(), lr=3e-4)
    optimizer = optimizers.get(torch_optimizer)
    assert isinstance(optimizer, optimizers.TorchOptimizer)
    assert optimizer.torch_optimizer is torch_optimizer
    assert optimizer.learning_rate == 3e-4


def test_a_serialized_optimizer_is_rebuilt():
    original = optimizers.RMSprop(0.01, momentum=0.5, centered=True)
    rebuilt = optimizers.get(optimizers.serialize(original))
    assert isinstance(rebuilt, optimizers.RMSprop)
    assert rebuilt.get_config() == original.get_config()


def test_an_unknown_name_suggests_the_closest():
    with pytest.raises(
        ValueError, match=r"Received: optimizer='adamm'. Did you mean 'adam'\?.*Known names: adadelta"
    ):
        optimizers.get("adamm")


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        (optimizers.Adam, r"an optimizer instance, not a class.*Create one: optimizer=Adam\(\)"),
        (torch.optim.SGD, r"Create one: optimizer=torch.optim.SGD\(model.parameters\(\)\)"),
        (None, r"Received: optimizer=None of type NoneType"),
        (0.01, r"an optimizer name such as 'adam'.*Received: optimizer=0.01"),
    ],
)
def test_other_identifiers_are_refused_with_the_fix(identifier, message):
    with pytest.raises(TypeError, match=message):
        optimizers.get(identifier)


def test_deserialize_refuses_unknown_classes():
    with pytest.raises(ValueError, match=r"Received: class_name='Adamm'. Did you mean 'Adam'\?"):
        optimizers.deserialize({"class_name": "Adamm", "config": {}})


def test_the_public_names():
    assert set(optimizers.__all__) == {
        "SGD",
        "Adadelta",
        "Adagrad",
        "Adam",
        "AdamW",
        "Adamax",
        "Lion",
        "LossScaleOptimizer",
        "Nadam",
        "Optimizer",
        "RMSprop",
        "TorchOptimizer",
        "deserialize",
        "get",
        "schedules",
        "serialize",
    }
    assert set(optimizers.schedules.__all__) == {
        "CosineDecay",
        "CosineDecayRestarts",
        "ExponentialDecay",
        "InverseTimeDecay",
        "LearningRateSchedule",
        "PiecewiseConstantDecay",
        "PolynomialDecay",
        "deserialize",
        "serialize",
    }
