"""Regularizers against Keras 3: values on the same weights, names, configs and refused arguments."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from fitwell import regularizers
from fitwell.regularizers import L1, L1L2, L2, OrthogonalRegularizer, Regularizer

keras = pytest.importorskip("keras")
from keras.src.regularizers import ALL_OBJECTS_DICT as KERAS_NAMES  # noqa: E402

pytestmark = pytest.mark.keras

VALUE_CASES = [
    (L1, {"l1": 0.3}),
    (L1, {}),
    (L2, {"l2": 0.07}),
    (L2, {}),
    (L1L2, {"l1": 0.2, "l2": 0.05}),
    (L1L2, {"l1": 0.1}),
    (L1L2, {"l2": 0.1}),
    (L1L2, {}),
]
WEIGHT_SHAPES = [(64, 32), (3, 3, 16, 8), (5,)]


def _weight(shape: tuple[int, ...], seed: int = 0) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(size=shape).astype("float32"))


def _keras_instance(cls: type[Regularizer], kwargs: dict):
    return getattr(keras.regularizers, cls.__name__)(**kwargs)


def _assert_same_config(ours: dict, theirs: dict) -> None:
    """Equal keys and values; floats to 1e-7, because Keras stores L1's l1 and
    OrthogonalRegularizer's factor as float32 tensors (0.3 reads back as
    0.30000001192092896), while ours keep the float given."""
    assert ours.keys() == theirs.keys()
    for key, value in ours.items():
        assert value == (pytest.approx(theirs[key], rel=1e-7) if isinstance(value, float) else theirs[key])


# -- values ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", WEIGHT_SHAPES)
@pytest.mark.parametrize(("cls", "kwargs"), VALUE_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_penalty_equals_keras_on_the_same_weights(cls, kwargs, shape):
    weight = _weight(shape)
    ours = cls(**kwargs)(weight)
    assert ours.shape == () and ours.dtype == torch.float32
    torch.testing.assert_close(ours, _keras_instance(cls, kwargs)(weight), rtol=1e-6, atol=0)


def test_l2_has_no_factor_one_half():
    assert L2(0.5)(torch.tensor([3.0, 4.0])).item() == 0.5 * 25


@pytest.mark.parametrize("mode", ["rows", "columns"])
@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (3, 3)])
def test_orthogonal_regularizer_equals_keras(shape, mode):
    weight = _weight(shape, seed=1)
    weight[1] = 0.0  # an all-zero row: Keras's normalization keeps it at zero
    ours = OrthogonalRegularizer(factor=0.3, mode=mode)(weight)
    theirs = keras.regularizers.OrthogonalRegularizer(factor=0.3, mode=mode)(weight)
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=0)


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows_and_factor_for_identical_ones():
    assert OrthogonalRegularizer(factor=0.4)(torch.eye(4) * 3.0).item() == 0.0
    assert OrthogonalRegularizer(factor=0.4)(torch.ones(3, 5)).item() == pytest.approx(0.4)


def test_orthogonal_regularizer_gives_zero_for_a_single_row_where_keras_gives_nan():
    weight = _weight((1, 6))
    assert math.isnan(keras.regularizers.OrthogonalRegularizer(0.1)(weight).item())
    assert OrthogonalRegularizer(0.1)(weight).item() == 0.0
    assert OrthogonalRegularizer(0.1, mode="columns")(weight.T).item() == 0.0


def test_orthogonal_regularizer_refuses_a_weight_that_is_not_2d():
    with pytest.raises(ValueError, match=r"needs a 2D weight.*Received: a weight of shape \(3, 3, 16, 8\)"):
        OrthogonalRegularizer()(_weight((3, 3, 16, 8)))


def test_penalty_follows_the_weight_dtype():
    weight = _weight((4, 3)).double()
    assert L1L2(0.1, 0.2)(weight).dtype == torch.float64
    torch.testing.assert_close(
        L1L2(0.1, 0.2)(weight), keras.regularizers.L1L2(0.1, 0.2)(weight), rtol=1e-12, atol=0
    )


def test_gradient_flows_through_the_penalty():
    weight = torch.tensor([1.0, -2.0], requires_grad=True)
    L1L2(l1=0.5, l2=0.25)(weight).backward()
    assert weight.grad.tolist() == [0.5 + 0.5 * 1.0, -0.5 + 0.5 * -2.0]


# -- configs ---------------------------------------------------------------------------------------
CONFIG_CASES = [
    *VALUE_CASES,
    (L1L2, {"l1": None, "l2": None}),
    (L1, {"l1": None}),
    (OrthogonalRegularizer, {}),
    (OrthogonalRegularizer, {"factor": 0.3, "mode": "columns"}),
]


@pytest.mark.parametrize(("cls", "kwargs"), CONFIG_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_get_config_equals_keras_get_config(cls, kwargs):
    config = cls(**kwargs).get_config()
    _assert_same_config(config, _keras_instance(cls, kwargs).get_config())
    assert cls.from_config(config).get_config() == config


@pytest.mark.parametrize(("cls", "kwargs"), CONFIG_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_serialize_round_trips_and_reads_keras_dicts(cls, kwargs):
    regularizer = cls(**kwargs)
    rebuilt = regularizers.deserialize(regularizers.serialize(regularizer))
    assert type(rebuilt) is cls and rebuilt.get_config() == regularizer.get_config()
    from_keras = regularizers.deserialize(keras.regularizers.serialize(_keras_instance(cls, kwargs)))
    assert type(from_keras) is cls
    _assert_same_config(from_keras.get_config(), regularizer.get_config())


def test_serialize_keeps_none_and_refuses_plain_functions():
    assert regularizers.serialize(None) is None
    with pytest.raises(TypeError, match="Subclass fitwell.regularizers.Regularizer"):
        regularizers.serialize(lambda weight: weight.sum())


# -- refused arguments -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "keras_build", "pattern"),
    [
        (lambda: L1(-0.1), lambda: keras.regularizers.L1(-0.1), r"`l1` must be a non-negative .*l1=-0.1"),
        (lambda: L2(float("nan")), lambda: keras.regularizers.L2(float("nan")), r"`l2` must .*l2=nan"),
        (lambda: L2(math.inf), lambda: keras.regularizers.L2(math.inf), r"`l2` must .*l2=inf"),
        (lambda: L1L2(l2="0.1"), lambda: keras.regularizers.L1L2(l2="0.1"), r"`l2` must .*l2='0.1'"),
        (
            lambda: OrthogonalRegularizer(factor=-1.0),
            lambda: keras.regularizers.OrthogonalRegularizer(factor=-1.0),
            r"`factor` must be a non-negative .*factor=-1.0",
        ),
        (
            lambda: OrthogonalRegularizer(mode="diagonal"),
            lambda: keras.regularizers.OrthogonalRegularizer(mode="diagonal"),
            r"`mode` must be one of \('rows', 'columns'\)\. Received: mode='diagonal'",
        ),
    ],
)
def test_arguments_keras_refuses_are_refused_with_the_argument_named(build, keras_build, pattern):
    with pytest.raises(ValueError):
        keras_build()
    with pytest.raises(ValueError, match=pattern):
        build()


def test_every_bad_argument_is_reported_at_once():
    with pytest.raises(ValueError, match=r"Invalid L1L2 arguments: `l1` must .*l1=-1; `l2` must .*l2=-2"):
        L1L2(l1=-1, l2=-2)


# -- names -----------------------------------------------------------------------------------------
def test_get_resolves_exactly_the_names_keras_resolves():
    # Keras's table also maps "Regularizer"/"regularizer" to the abstract base; that is left out here.
    keras_names = {name for name, cls in KERAS_NAMES.items() if cls.__name__ != "Regularizer"}
    assert set(regularizers.NAMES) == keras_names


@pytest.mark.parametrize("name", sorted(regularizers.NAMES))
def test_each_name_builds_the_same_regularizer_as_keras(name):
    ours, theirs = regularizers.get(name), keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    _assert_same_config(ours.get_config(), theirs.get_config())


def test_snake_case_aliases_are_the_classes_as_in_keras():
    for name in ("l1", "l2", "l1_l2", "orthogonal_regularizer"):
        assert getattr(regularizers, name).__name__ == getattr(keras.regularizers, name).__name__
    assert (
        regularizers.l1_l2().get_config() == keras.regularizers.l1_l2().get_config() == {"l1": 0.0, "l2": 0.0}
    )


def test_l1_l2_by_name_is_refused_as_keras_does_with_a_hint():
    with pytest.raises(ValueError):
        keras.regularizers.get("l1_l2")
    with pytest.raises(ValueError, match=r"Received: regularizer='l1_l2'.*L1L2\(l1=0\.01, l2=0\.01\)"):
        regularizers.get("l1_l2")


def test_a_misspelled_name_suggests_the_right_one():
    with pytest.raises(ValueError, match=r"Received: regularizer='orthogonal_regulariser'\. Did you mean"):
        regularizers.get("orthogonal_regulariser")


def test_get_passes_through_none_instances_and_functions_and_builds_classes():
    instance = L2(1e-4)

    def penalty(weight):
        return weight.abs().max()

    assert regularizers.get(None) is None
    assert regularizers.get(instance) is instance
    assert regularizers.get(penalty) is penalty
    assert regularizers.get(L1).get_config() == {"l1": 0.01}
    assert regularizers.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5
    with pytest.raises(TypeError, match=r"Received: regularizer=0\.1 of type float"):
        regularizers.get(0.1)


def test_a_subclass_without_get_config_still_has_a_repr():
    class MaxPenalty(Regularizer):
        def __call__(self, weight):
            return weight.abs().max()

    assert repr(MaxPenalty()) == "MaxPenalty()"
    assert MaxPenalty()(torch.tensor([-3.0, 2.0])).item() == 3.0


def test_the_base_class_asks_subclasses_for_call_and_get_config():
    with pytest.raises(NotImplementedError, match=r"must implement `__call__"):
        Regularizer()(torch.ones(2))
    with pytest.raises(NotImplementedError, match=r"must implement `get_config\(\)`"):
        Regularizer().get_config()


def test_every_exported_name_exists():
    assert [name for name in regularizers.__all__ if not hasattr(regularizers, name)] == []
