"""random_state: every global generator set back exactly."""

from __future__ import annotations

import json
import random

import numpy as np
import torch

from fitwell.saving import random_state
from fitwell.saving.tensor_tree import flatten, unflatten


def draws() -> tuple:
    return torch.rand(3), np.random.rand(3), np.random.normal(size=2), random.random(), random.gauss(0, 1)


def test_restore_replays_every_generator_after_a_round_trip_through_a_file_format():
    np.random.normal()  # leaves a cached Gaussian in NumPy's state
    random.gauss(0, 1)
    tree, tensors = flatten(random_state.capture())
    first = draws()
    draws()  # move on
    random_state.restore(unflatten(json.loads(json.dumps(tree)), tensors))
    second = draws()
    assert torch.equal(first[0], second[0])
    assert np.array_equal(first[1], second[1]) and np.array_equal(first[2], second[2])
    assert first[3:] == second[3:]
