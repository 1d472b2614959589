"""Initializers against Keras 3: fans, distributions, seeded values, configs and names.

Statistical checks draw at least 5,000 values per case (20,000 for the
large shapes) and allow six standard errors, so they cannot pass by luck
when a parameter is off by the smallest margin that matters here (the
0.88 truncation factor, fan_in versus fan_avg: 12-15 %).
"""

from __future__ import annotations

import importlib
import math
import re

import numpy as np
import pytest
import torch

from fitwell import initializers
from fitwell.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
)

keras = pytest.importorskip("keras")
from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_NAMES  # noqa: E402
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans  # noqa: E402

pytestmark = pytest.mark.keras

SHAPES = [(64, 32), (3, 3, 16, 8), (5,)]
PRESETS = [GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal]
TRUNCATION_STDDEV = 0.87962566103423978


def _sample(initializer: Initializer, shape: tuple[int, ...]) -> torch.Tensor:
    """Flattened values from as many calls as it takes to reach the sample size."""
    total = 20_000 if math.prod(shape) > 100 else 5_000
    calls = math.ceil(total / math.prod(shape))
    values = torch.cat([initializer(shape).reshape(-1) for _ in range(calls)]).double()
    assert values.numel() >= total
    return values


def _check_moments(values: torch.Tensor, mean: float, std: float) -> None:
    n = values.numel()
    assert abs(values.mean().item() - mean) < 6 * std / math.sqrt(n)
    assert values.std().item() == pytest.approx(std, rel=6 * 0.75 / math.sqrt(n))


def _check_distribution(values: torch.Tensor, distribution: str, mean: float, std: float) -> None:
    """Moments, plus the support: bounds for uniform, the 2-sigma cut for truncated normal."""
    _check_moments(values, mean, std)
    spread = (values - mean).abs()
    if distribution == "uniform":
        limit = std * math.sqrt(3)
        assert spread.max() <= limit and spread.max() > 0.99 * limit
        assert values.min() < mean - 0.99 * limit and values.max() > mean + 0.99 * limit
    elif distribution == "truncated_normal":
        cut = 2 * std / TRUNCATION_STDDEV  # two of the pre-truncation standard deviations
        assert spread.max() < cut and spread.max() > 0.95 * cut
    else:
        assert spread.max() > 2.5 * std  # an untruncated normal goes past the cut


def _keras_std(shape: tuple[int, ...], scale: float, mode: str) -> float:
    fan_in, fan_out = keras_compute_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return math.sqrt(scale / max(1.0, n))


# -- fans ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [*SHAPES, (), (7, 2, 3), (2, 2, 2, 4, 6)])
def test_fans_equal_keras_compute_fans(shape):
    assert initializers.compute_fans(shape) == keras_compute_fans(shape)


def test_fans_from_explicit_axes_equal_keras():
    shape = (3, 4, 5, 6)
    assert initializers.compute_fans(shape, [0, 2], [1, 3]) == keras_compute_fans(shape, [0, 2], [1, 3])


# -- distributions ---------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", SHAPES)
def test_random_normal_has_the_requested_mean_and_stddev(shape):
    values = _sample(RandomNormal(mean=0.3, stddev=0.2), shape)
    _check_distribution(values, "untruncated_normal", 0.3, 0.2)


@pytest.mark.parametrize("shape", SHAPES)
def test_random_uniform_fills_minval_to_maxval(shape):
    values = _sample(RandomUniform(minval=-0.2, maxval=0.6), shape)
    assert values.min() >= -0.2 and values.max() < 0.6
    _check_distribution(values, "uniform", 0.2, 0.8 / math.sqrt(12))


@pytest.mark.parametrize("shape", SHAPES)
def test_truncated_normal_cuts_at_two_stddevs_and_narrows_by_keras_factor(shape):
    values = _sample(TruncatedNormal(mean=0.3, stddev=0.2), shape)
    _check_distribution(values, "truncated_normal", 0.3, 0.2 * TRUNCATION_STDDEV)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_has_variance_scale_over_n(shape, mode, distribution):
    values = _sample(VarianceScaling(1.7, mode, distribution=distribution), shape)
    _check_distribution(values, distribution, 0.0, _keras_std(shape, 1.7, mode))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cls", PRESETS, ids=lambda cls: cls.__name__)
def test_presets_draw_what_keras_presets_specify(cls, shape):
    reference = getattr(keras.initializers, cls.__name__)()  # Keras's own scale, mode and distribution
    values = _sample(cls(), shape)
    std = _keras_std(shape, reference.scale, reference.mode)
    _check_distribution(values, reference.distribution, 0.0, std)


def test_glorot_uniform_limit_is_sqrt_6_over_fan_sum():
    values = GlorotUniform(seed=0)((3, 3, 16, 8))
    assert values.abs().max() < math.sqrt(6 / (144 + 72))


# -- seeds -----------------------------------------------------------------------------------------
RANDOM_CASES = [
    (RandomNormal, {"mean": 0.3, "stddev": 2.0}),
    (RandomUniform, {"minval": -1.0, "maxval": 3.0}),
    (TruncatedNormal, {"mean": -0.5, "stddev": 0.7}),
    (VarianceScaling, {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"}),
    (VarianceScaling, {"scale": 0.5, "mode": "fan_avg", "distribution": "uniform"}),
    (VarianceScaling, {"scale": 3.0, "mode": "fan_in", "distribution": "truncated_normal"}),
    *[(cls, {}) for cls in PRESETS],
    (Orthogonal, {"gain": 1.5}),
]


SEEDED_CASES = [
    pytest.param(cls, kwargs, shape, id=f"{cls.__name__}-{kwargs}-{shape}")
    for cls, kwargs in RANDOM_CASES
    for shape in SHAPES
    if not (cls is Orthogonal and len(shape) < 2)  # a vector is refused; tested below
]


@pytest.mark.parametrize(("cls", "kwargs", "shape"), SEEDED_CASES)
def test_seeded_values_repeat_and_equal_keras_values_for_that_seed(cls, kwargs, shape):
    first = cls(**kwargs, seed=1234)(shape)
    assert torch.equal(first, cls(**kwargs, seed=1234)(shape))
    assert not torch.equal(first, cls(**kwargs, seed=1235)(shape))
    expected = getattr(keras.initializers, cls.__name__)(**kwargs, seed=1234)(shape)
    torch.testing.assert_close(first, expected, rtol=0, atol=1e-7 if cls is Orthogonal else 0)


def test_truncated_normal_redraws_where_keras_lets_an_outlier_through():
    # With seed 0, two of these 200,000 elements get four out-of-range candidates.
    ours = TruncatedNormal(stddev=1.0, seed=0)((200_000,))
    theirs = keras.initializers.TruncatedNormal(stddev=1.0, seed=0)((200_000,))
    outliers = theirs.abs() >= 2
    assert int(outliers.sum()) == 2 and bool((ours.abs() < 2).all())
    assert torch.equal(ours[~outliers], theirs[~outliers])


@pytest.mark.parametrize("seed", [0, -3, 2**31 + 7, 2**40 + 1])
def test_seeds_outside_31_bits_map_to_the_same_stream_as_keras(seed):
    expected = keras.initializers.RandomUniform(seed=seed)((4,), dtype="float64")
    assert torch.equal(RandomUniform(seed=seed)((4,), dtype="float64"), expected)


def test_unseeded_values_follow_torchs_global_generator():
    initializer = HeNormal()
    torch.manual_seed(7)
    first, second = initializer((8, 4)), initializer((8, 4))
    torch.manual_seed(7)
    assert torch.equal(initializer((8, 4)), first)
    assert not torch.equal(first, second)


@pytest.mark.parametrize("seed", ["1", 1.5, True])
def test_a_seed_that_is_not_an_int_is_refused(seed):
    with pytest.raises(ValueError, match=r"`seed` must be an int .*Received: seed="):
        GlorotUniform(seed=seed)


# -- orthogonal, identity, constants ---------------------------------------------------------------
@pytest.mark.parametrize(("shape", "rows"), [((64, 32), 64 * 1), ((32, 64), 32), ((3, 3, 16, 8), 144)])
def test_orthogonal_gives_orthonormal_columns_or_rows(shape, rows):
    matrix = Orthogonal(gain=2.5, seed=3)(shape).reshape(rows, shape[-1]).double() / 2.5
    gram = matrix.T @ matrix if rows >= shape[-1] else matrix @ matrix.T
    torch.testing.assert_close(gram, torch.eye(min(rows, shape[-1]), dtype=torch.float64), atol=1e-5, rtol=0)


def test_orthogonal_refuses_a_vector():
    with pytest.raises(ValueError, match=r"rank 2 or more.*Received: shape=\(5,\) of rank 1"):
        Orthogonal()((5,))


def test_orthogonal_works_in_half_precision():
    values = Orthogonal(seed=0)((8, 8), dtype=torch.bfloat16)
    assert values.dtype == torch.bfloat16
    torch.testing.assert_close(values.float() @ values.float().T, torch.eye(8), atol=0.05, rtol=0)


@pytest.mark.parametrize("shape", [(4, 4), (3, 5), (6, 2)])
def test_identity_is_gain_times_eye_like_keras(shape):
    values = Identity(gain=3.0)(shape)
    assert torch.equal(values, 3.0 * torch.eye(*shape))
    assert torch.equal(values, keras.initializers.Identity(gain=3.0)(shape))


@pytest.mark.parametrize("shape", [(3, 3, 16, 8), (5,)])
def test_identity_refuses_other_ranks(shape):
    with pytest.raises(
        ValueError, match=rf"only initialize a 2D matrix.*Received: shape={re.escape(str(shape))}"
    ):
        Identity()(shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_constant_zeros_and_ones_are_exact(shape):
    assert torch.equal(Constant(2.5)(shape), torch.full(shape, 2.5))
    assert torch.equal(Zeros()(shape), torch.zeros(shape))
    assert torch.equal(Ones()(shape), torch.ones(shape))
    assert torch.equal(
        Constant(-1.25)(shape, dtype="float64"), keras.initializers.Constant(-1.25)(shape, "float64")
    )


@pytest.mark.parametrize("dtype", [None, torch.float64, "float64", "int32", torch.bfloat16])
def test_dtype_may_be_a_torch_dtype_or_its_name(dtype):
    expected = {None: torch.float32, "float64": torch.float64, "int32": torch.int32}.get(dtype, dtype)
    assert Ones()((2,), dtype=dtype).dtype == expected
    assert Constant(2.7)((2,), dtype=dtype).dtype == expected


def test_constant_casts_like_keras_for_integer_dtypes():
    assert torch.equal(
        Constant(2.7)((2,), dtype="int32"), keras.initializers.Constant(2.7)((2,), dtype="int32")
    )


def test_random_initializers_default_to_float32_and_refuse_integer_dtypes():
    assert GlorotUniform()((2, 2)).dtype == torch.float32
    assert RandomNormal()((2,), dtype="float64").dtype == torch.float64
    with pytest.raises(ValueError, match=r"must be a floating dtype.*Received: dtype='int32'"):
        RandomNormal()((2,), dtype="int32")
    with pytest.raises(
        TypeError, match=r"`dtype` must be a torch dtype or its name.*Received: dtype='floaty'"
    ):
        Ones()((2,), dtype="floaty")


# -- configs ---------------------------------------------------------------------------------------
CONFIG_CASES = [
    (Constant, {}),
    (Constant, {"value": 2.5}),
    (Zeros, {}),
    (Ones, {}),
    (Identity, {}),
    (Identity, {"gain": 3.0}),
    (RandomNormal, {}),
    (RandomNormal, {"mean": 1.0, "stddev": 2.0, "seed": 3}),
    (RandomUniform, {}),
    (RandomUniform, {"minval": -1.0, "maxval": 2.0, "seed": 4}),
    (TruncatedNormal, {}),
    (TruncatedNormal, {"mean": 0.5, "stddev": 0.1, "seed": 5}),
    (VarianceScaling, {}),
    (VarianceScaling, {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 6}),
    (VarianceScaling, {"distribution": "Normal"}),
    (VarianceScaling, {"input_axes": [0, 1], "output_axes": [2]}),
    *[(cls, {}) for cls in PRESETS],
    *[(cls, {"seed": 9}) for cls in PRESETS],
    (Orthogonal, {}),
    (Orthogonal, {"gain": 2.0, "seed": 7}),
]


def _keras_config(cls: type[Initializer], kwargs: dict) -> dict:
    config = getattr(keras.initializers, cls.__name__)(**kwargs).get_config()
    if cls is Identity:
        # Keras 3.15's Identity has no get_config, so its config is {} and the
        # gain is lost on a round trip; ours keeps it.
        assert config == {}
        config = {"gain": kwargs.get("gain", 1.0)}
    return config


@pytest.mark.parametrize(("cls", "kwargs"), CONFIG_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_get_config_equals_keras_get_config(cls, kwargs):
    config = cls(**kwargs).get_config()
    assert config == _keras_config(cls, kwargs)
    assert cls.from_config(config).get_config() == config


@pytest.mark.parametrize(("cls", "kwargs"), CONFIG_CASES, ids=lambda case: getattr(case, "__name__", ""))
def test_serialize_round_trips_and_reads_keras_dicts(cls, kwargs):
    initializer = cls(**kwargs)
    rebuilt = initializers.deserialize(initializers.serialize(initializer))
    assert type(rebuilt) is cls and rebuilt.get_config() == initializer.get_config()
    from_keras = initializers.deserialize(
        keras.initializers.serialize(getattr(keras.initializers, cls.__name__)(**kwargs))
    )
    expected = {"gain": 1.0} if cls is Identity else initializer.get_config()  # Keras drops Identity's gain
    assert type(from_keras) is cls and from_keras.get_config() == expected


def test_serialize_keeps_none_and_refuses_plain_functions():
    assert initializers.serialize(None) is None
    with pytest.raises(TypeError, match="Subclass fitwell.initializers.Initializer"):
        initializers.serialize(lambda shape, dtype=None: torch.zeros(shape))


def test_variance_scaling_reports_every_bad_argument_at_once():
    with pytest.raises(ValueError) as caught:
        VarianceScaling(scale=-1.0, mode="fan_middle", distribution="cauchy")
    message = str(caught.value)
    assert "scale=-1.0" in message and "mode='fan_middle'" in message and "distribution='cauchy'" in message


# -- names -----------------------------------------------------------------------------------------
def _keras_names_for_our_classes() -> set[str]:
    ours = {cls.__name__ for cls in initializers.NAMES.values()}
    return {name for name, cls in KERAS_NAMES.items() if cls.__name__ in ours}


def test_get_resolves_exactly_the_names_keras_resolves():
    assert set(initializers.NAMES) == _keras_names_for_our_classes()


@pytest.mark.parametrize("name", sorted(initializers.NAMES))
def test_each_name_builds_the_same_class_with_the_same_config_as_keras(name):
    # Keras's table, not keras.initializers.get: for "constant"/"Constant" Keras 3.15's
    # get raises KeyError('value'), while ours builds Constant(0.0).
    ours, cls = initializers.get(name), type(initializers.get(name))
    assert cls.__name__ == KERAS_NAMES[name].__name__
    assert ours.get_config() == _keras_config(cls, {})


def test_constant_by_name_is_zero_valued():
    assert torch.equal(initializers.get("constant")((3,)), torch.zeros(3))


def test_snake_case_class_aliases_are_exported_like_keras():
    for name in dir(keras.initializers):
        value = getattr(keras.initializers, name)
        if name.islower() and isinstance(value, type) and value.__name__ in initializers.__all__:
            assert getattr(initializers, name).__name__ == value.__name__


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [("glorot_unifrom", "glorot_uniform"), ("he_norml", "he_normal"), ("GlorotUnifrom", "GlorotUniform")],
)
def test_a_misspelled_name_suggests_the_right_one(typo, suggestion):
    with pytest.raises(ValueError, match=rf"Received: initializer='{typo}'\. Did you mean '{suggestion}'\?"):
        initializers.get(typo)


def test_get_passes_through_none_instances_and_functions_and_builds_classes():
    instance = HeUniform(seed=1)

    def function(shape, dtype=None):
        return torch.zeros(shape)

    assert initializers.get(None) is None
    assert initializers.get(instance) is instance
    assert initializers.get(function) is function
    assert type(initializers.get(Orthogonal)) is Orthogonal
    assert initializers.get({"class_name": "Constant", "config": {"value": 3.0}})((2,)).tolist() == [3.0, 3.0]


def test_get_turns_a_tensor_into_an_initializer_for_its_shape():
    initializer = initializers.get(np.arange(6.0).reshape(2, 3))
    assert torch.equal(initializer((2, 3), dtype="float32"), torch.arange(6.0).reshape(2, 3))
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*Received: shape=\(3, 2\)"):
        initializer((3, 2))


def test_get_refuses_what_is_not_an_initializer():
    with pytest.raises(TypeError, match=r"Received: initializer=42 of type int"):
        initializers.get(42)


@pytest.mark.parametrize(
    "cls", [Constant, Zeros, Identity, RandomNormal, TruncatedNormal, Orthogonal, *PRESETS]
)
def test_values_land_on_torchs_default_device(cls):
    # Random values are drawn on the CPU (so a seed means the same weights everywhere), then moved.
    initializer = cls(seed=1) if "seed" in cls().get_config() else cls()
    with torch.device("meta"):
        assert initializer((4, 3)).device.type == "meta"


@pytest.mark.parametrize("module", ["", ".base", ".constant", ".distributions", ".variance_scaling"])
def test_every_exported_name_exists(module):
    imported = importlib.import_module(f"fitwell.initializers{module}")
    assert [name for name in imported.__all__ if not hasattr(imported, name)] == []
