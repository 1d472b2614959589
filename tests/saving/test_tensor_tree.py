"""tensor_tree: nested state to JSON plus tensors and back, exactly, without pickle."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from fitwell.saving.tensor_tree import TREE_KEY, flatten, from_bytes, to_bytes, unflatten


def nested_state() -> dict:
    return {
        "iterations": 7,
        "rate": 0.1,
        "flags": [True, None, "adam"],
        "betas": (0.9, 0.999),
        "state": {0: {"step": torch.tensor(3.0), "exp_avg": torch.arange(6.0).reshape(2, 3)}},
        "numpy": ("MT19937", np.arange(5, dtype=np.uint32), np.float32(0.25), np.int64(-3), np.bool_(True)),
        "special": [math.inf, -math.inf],
        "__tensor__": "a user key that looks like a tag",
        "ints": torch.tensor([1, 2], dtype=torch.int64),
        "half": torch.ones(2, dtype=torch.bfloat16),
        "empty": torch.zeros(0, 3),
    }


def assert_same(a, b) -> None:
    assert type(a) is type(b), (a, b)
    if isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and torch.equal(a, b)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert_same(a[key], b[key])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)
    else:
        assert a == b


def test_round_trip_keeps_types_keys_and_values():
    tree, tensors = flatten(nested_state())
    json.dumps(tree)  # the structure is plain JSON
    assert_same(unflatten(json.loads(json.dumps(tree)), tensors), nested_state())


def test_nan_survives():
    tree, tensors = flatten({"best": math.nan})
    assert math.isnan(unflatten(json.loads(json.dumps(tree)), tensors)["best"])


def test_blob_is_safetensors_with_the_tree_in_its_header():
    import safetensors.torch

    data = to_bytes(nested_state(), extra={"model/w": torch.ones(2)}, metadata={"format": "test"})
    plain = safetensors.torch.load(data)
    assert "model/w" in plain and all(key.startswith(("state/", "model/")) for key in plain)
    header = json.loads(data[8 : 8 + int.from_bytes(data[:8], "little")])
    assert header["__metadata__"]["format"] == "test" and TREE_KEY in header["__metadata__"]
    tree, extra = from_bytes(data)
    assert_same(tree, nested_state())
    assert list(extra) == ["model/w"]


def test_tensors_are_copied_so_later_changes_do_not_leak_in():
    weight = torch.zeros(3)
    tree, tensors = flatten({"w": weight})
    weight.add_(1.0)
    assert torch.equal(unflatten(tree, tensors)["w"], torch.zeros(3))


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"callback": {"fn": print}}, r"state\['callback'\]\['fn'\]"),
        ([1, object()], r"state\[1\]"),
        ({"names": np.array(["a", "b"])}, "numpy array of dtype <U1"),
    ],
)
def test_values_without_a_safe_form_are_refused_with_their_place(value, where):
    with pytest.raises(TypeError, match=rf"Cannot store .*{where}.* without pickle"):
        flatten(value)


def test_a_missing_tensor_is_a_clear_error():
    tree, _ = flatten({"w": torch.zeros(1)})
    with pytest.raises(ValueError, match="does not contain"):
        unflatten(tree, {})


def test_reserved_extra_names_are_refused():
    with pytest.raises(ValueError, match="reserved"):
        to_bytes({"w": torch.zeros(1)}, extra={"state/t0": torch.zeros(1)})
