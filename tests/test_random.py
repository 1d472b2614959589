"""fitwell.random: Keras's `keras.random` names, arguments, seeds and distributions on torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fitwell
from fitwell import random

# (function name, positional arguments, keyword arguments), each a call Keras accepts as written.
CALLS = [
    ("normal", ((3, 4),), {}),
    ("normal", ((50,),), {"mean": 1.5, "stddev": 0.5, "dtype": "float64"}),
    ("uniform", ((3, 4),), {}),
    ("uniform", ((),), {"minval": -2.0, "maxval": 3.0}),
    ("uniform", ((64,),), {"dtype": "float16"}),
    ("truncated_normal", ((20, 5),), {"mean": 0.5, "stddev": 3.0}),
    ("randint", ((50,), 2, 9), {}),
    ("randint", ((5, 2), -3, 3), {"dtype": "int64"}),
    ("categorical", ([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]], 7), {}),
    ("categorical", ([[0.5, 0.5]], 4), {"dtype": "int64"}),
    ("gamma", ((30,), 0.7), {}),
    ("gamma", ((5, 2), 2.0), {"dtype": "float16"}),
    ("binomial", ((30,), 10, 0.3), {}),
    ("beta", ((30,), 0.7, 2.5), {}),
]


def call_ids(call):
    name, args, kwargs = call
    return f"{name}-{kwargs.get('dtype', 'default')}-{len(args)}"


# -- the same shapes, dtypes and (seeded) values as Keras ------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("call", CALLS, ids=call_ids)
def test_shapes_dtypes_and_seeded_values_equal_keras(call):
    keras = pytest.importorskip("keras")
    name, args, kwargs = call
    expected = keras.ops.convert_to_numpy(getattr(keras.random, name)(*args, **kwargs, seed=3))
    got = getattr(random, name)(*args, **kwargs, seed=3)
    assert isinstance(got, torch.Tensor)
    assert tuple(got.shape) == expected.shape
    assert str(got.dtype).removeprefix("torch.") == str(expected.dtype)
    # Both seed a torch.Generator with 3 and call the same sampler: equal bit for bit on the CPU.
    np.testing.assert_array_equal(got.numpy(), expected)


@pytest.mark.keras
def test_dropout_and_shuffle_with_a_seed_equal_keras():
    keras = pytest.importorskip("keras")
    x = torch.randn(6, 5, 4)
    for kwargs in ({}, {"noise_shape": (None, 1, 4)}):
        expected = keras.ops.convert_to_numpy(keras.random.dropout(x, 0.3, seed=5, **kwargs))
        np.testing.assert_array_equal(random.dropout(x, 0.3, seed=5, **kwargs).numpy(), expected)
    expected = keras.ops.convert_to_numpy(keras.random.shuffle(x, seed=5))
    np.testing.assert_array_equal(random.shuffle(x, seed=5).numpy(), expected)


@pytest.mark.keras
def test_a_seed_generator_draws_the_sequence_keras_draws():
    keras = pytest.importorskip("keras")
    ours, theirs = random.SeedGenerator(11), keras.random.SeedGenerator(11)
    x = torch.ones(4, 8)
    for _ in range(3):
        np.testing.assert_array_equal(
            random.normal((4,), seed=ours).numpy(),
            keras.ops.convert_to_numpy(keras.random.normal((4,), seed=theirs)),
        )
        np.testing.assert_array_equal(
            random.dropout(x, 0.5, seed=ours).numpy(),
            keras.ops.convert_to_numpy(keras.random.dropout(x, 0.5, seed=theirs)),
        )


def test_float_functions_default_to_float32_and_accept_keras_dtype_names():
    assert random.normal((2,)).dtype == torch.float32
    assert random.uniform((2,), dtype="bfloat16").dtype == torch.bfloat16
    assert random.truncated_normal((2,), dtype=torch.float64).dtype == torch.float64
    assert random.beta((2,), 1.0, 1.0, dtype="float16").dtype == torch.float16
    assert random.binomial((2,), 5, 0.5).dtype == torch.float32
    assert random.randint((2,), 0, 3).dtype == torch.int32
    assert random.categorical(torch.zeros(1, 3), 2).dtype == torch.int32


def test_new_tensors_go_to_torchs_default_device_and_dropout_keeps_the_inputs():
    with torch.device("meta"):
        assert random.normal((2, 3), seed=1).device.type == "meta"
        assert random.uniform((2,), seed=random.SeedGenerator(1)).device.type == "meta"
    x = torch.ones(3, 4, dtype=torch.float64)
    dropped = random.dropout(x, 0.5, seed=1)
    assert (dropped.dtype, dropped.device, dropped.shape) == (x.dtype, x.device, x.shape)


# -- the distributions -----------------------------------------------------------------
def test_normal_has_the_requested_mean_and_stddev():
    values = random.normal((200_000,), mean=3.0, stddev=2.0, seed=0)
    assert float(values.mean()) == pytest.approx(3.0, abs=0.02)
    assert float(values.std()) == pytest.approx(2.0, rel=0.01)


def test_normal_and_uniform_accept_tensor_parameters_that_broadcast():
    mean, stddev = torch.tensor([0.0, 10.0]), torch.tensor([1.0, 0.1])
    values = random.normal((100_000, 2), mean=mean, stddev=stddev, seed=0)
    np.testing.assert_allclose(values.mean(dim=0).numpy(), [0.0, 10.0], atol=0.02)
    np.testing.assert_allclose(values.std(dim=0).numpy(), [1.0, 0.1], rtol=0.02)
    bounded = random.uniform((1000, 2), minval=torch.tensor([0.0, 5.0]), maxval=6.0, seed=0)
    assert float(bounded[:, 1].min()) >= 5.0 and float(bounded.max()) < 6.0


def test_uniform_stays_in_its_half_open_range_with_the_uniform_mean():
    values = random.uniform((200_000,), minval=-1.0, maxval=3.0, seed=0)
    assert float(values.min()) >= -1.0 and float(values.max()) < 3.0
    assert float(values.mean()) == pytest.approx(1.0, abs=0.02)
    assert float(values.std()) == pytest.approx(4.0 / math.sqrt(12.0), rel=0.01)


def test_truncated_normal_stays_within_two_stddevs_with_the_truncated_spread():
    values = random.truncated_normal((200_000,), mean=1.0, stddev=3.0, seed=0)
    assert float((values - 1.0).abs().max()) < 2 * 3.0
    assert float(values.mean()) == pytest.approx(1.0, abs=0.03)
    # The standard deviation of a standard normal truncated to (-2, 2): sqrt(1 - 4 phi(2) / (2 Phi(2) - 1)).
    phi = math.exp(-2.0) / math.sqrt(2 * math.pi)
    truncated_std = math.sqrt(1 - 4 * phi / math.erf(2 / math.sqrt(2)))
    assert float(values.std()) == pytest.approx(3.0 * truncated_std, rel=0.01)


def test_randint_covers_its_range_and_excludes_maxval():
    values = random.randint((10_000,), -2, 3, seed=0)
    assert sorted(values.unique().tolist()) == [-2, -1, 0, 1, 2]
    assert float(values.float().mean()) == pytest.approx(0.0, abs=0.05)


def test_categorical_draws_classes_with_softmax_frequencies():
    logits = torch.log(torch.tensor([[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]]))
    draws = random.categorical(logits, 50_000, seed=0)
    assert tuple(draws.shape) == (2, 50_000)
    frequencies = torch.stack([torch.bincount(row.long(), minlength=3) for row in draws]).float() / 50_000
    np.testing.assert_allclose(frequencies.numpy(), [[0.2, 0.3, 0.5], [0.9, 0.05, 0.05]], atol=0.01)


def test_gamma_binomial_and_beta_have_their_distributions_means():
    gammas = random.gamma((100_000,), alpha=3.0, seed=0)
    assert float(gammas.min()) > 0.0
    assert float(gammas.mean()) == pytest.approx(3.0, rel=0.02)
    assert float(gammas.var()) == pytest.approx(3.0, rel=0.03)
    successes = random.binomial((100_000,), counts=20, probabilities=0.25, seed=0)
    assert float(successes.mean()) == pytest.approx(5.0, rel=0.01)
    assert float(successes.min()) >= 0 and float(successes.max()) <= 20
    betas = random.beta((100_000,), alpha=2.0, beta=6.0, seed=0)
    assert float(betas.mean()) == pytest.approx(0.25, rel=0.01)
    assert float(betas.min()) >= 0.0 and float(betas.max()) <= 1.0


def test_gamma_broadcasts_a_tensor_alpha_over_the_shape():
    values = random.gamma((50_000, 2), alpha=torch.tensor([1.0, 10.0]), seed=0)
    np.testing.assert_allclose(values.mean(dim=0).numpy(), [1.0, 10.0], rtol=0.03)


# -- seeds ------------------------------------------------------------------------------
@pytest.mark.parametrize("name, args", [(name, args) for name, args, _ in CALLS])
def test_an_int_seed_gives_the_same_values_on_every_call(name, args):
    function = getattr(random, name)
    assert torch.equal(function(*args, seed=42), function(*args, seed=42))


def test_different_int_seeds_give_different_values():
    assert not torch.equal(random.normal((8,), seed=1), random.normal((8,), seed=2))


def test_a_seed_generator_advances_and_an_equal_seed_repeats_its_sequence():
    first, second = random.SeedGenerator(7), random.SeedGenerator(7)
    draws = [random.normal((8,), seed=first) for _ in range(3)]
    assert not torch.equal(draws[0], draws[1]) and not torch.equal(draws[1], draws[2])
    for expected in draws:
        assert torch.equal(random.normal((8,), seed=second), expected)
    # The n-th draw of SeedGenerator(s) is seeded with s + n, as in Keras.
    assert torch.equal(draws[1], random.normal((8,), seed=8))


def test_every_function_advances_the_seed_generator():
    generator = random.SeedGenerator(0)
    x = torch.arange(20.0)
    for function in (
        lambda: random.uniform((20,), seed=generator),
        lambda: random.truncated_normal((20,), seed=generator),
        lambda: random.randint((20,), 0, 1000, seed=generator),
        lambda: random.dropout(x, 0.5, seed=generator),
        lambda: random.shuffle(x, seed=generator),
        lambda: random.categorical(torch.zeros(1, 1000), 20, seed=generator),
        lambda: random.gamma((20,), 2.0, seed=generator),
        lambda: random.binomial((20,), 1000, 0.5, seed=generator),
        lambda: random.beta((20,), 2.0, 2.0, seed=generator),
    ):
        assert not torch.equal(function(), function())


def test_an_unseeded_seed_generator_is_reproducible_after_set_random_seed():
    fitwell.utils.set_random_seed(3)
    first = random.normal((4,), seed=random.SeedGenerator())
    fitwell.utils.set_random_seed(3)
    assert torch.equal(random.normal((4,), seed=random.SeedGenerator()), first)


def test_seed_none_draws_from_torchs_global_generator():
    torch.manual_seed(5)
    first = random.normal((4,))
    assert not torch.equal(random.normal((4,)), first)
    torch.manual_seed(5)
    assert torch.equal(random.normal((4,)), first)


def test_a_seed_generator_round_trips_through_its_config():
    generator = random.SeedGenerator(5, name="noise")
    assert generator.get_config() == {"seed": 5, "name": "noise"}
    rebuilt = random.SeedGenerator.from_config(generator.get_config())
    assert torch.equal(random.normal((3,), seed=rebuilt), random.normal((3,), seed=generator))
    assert repr(rebuilt) == "SeedGenerator(seed=5, name='noise')"


# -- dropout and shuffle ----------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, None], ids=["seeded", "unseeded"])
def test_dropout_keeps_about_one_minus_rate_and_scales_the_kept_values(seed):
    x = torch.full((200, 500), 3.0)
    dropped = random.dropout(x, rate=0.2, seed=seed)
    kept = dropped != 0
    assert float(kept.float().mean()) == pytest.approx(0.8, abs=0.01)
    torch.testing.assert_close(dropped[kept], torch.full_like(dropped[kept], 3.0 / 0.8))


def test_dropout_with_rate_zero_or_one_returns_the_inputs_or_zeros():
    x = torch.randn(4, 5)
    assert random.dropout(x, 0.0) is x
    assert torch.equal(random.dropout(x, 1.0), torch.zeros(4, 5))


def test_dropout_noise_shape_shares_the_mask_along_its_unit_axes():
    dropped = random.dropout(torch.ones(8, 10, 6), rate=0.5, noise_shape=(None, 1, 6), seed=0)
    mask = dropped != 0
    assert bool((mask == mask[:, :1, :]).all())  # the same features dropped at every step
    assert 0 < int(mask.sum()) < mask.numel()


def test_dropout_with_an_unseeded_seed_generator_draws_from_the_global_generator():
    unseeded = random.SeedGenerator()  # picking its seed draws from the global generator too
    torch.manual_seed(2)
    first = random.dropout(torch.ones(50), 0.5, seed=unseeded)
    torch.manual_seed(2)
    assert torch.equal(random.dropout(torch.ones(50), 0.5), first)


def test_shuffle_moves_whole_slices_along_the_axis():
    x = torch.arange(30).reshape(5, 6)
    rows = random.shuffle(x, seed=0)
    assert sorted(rows[:, 0].tolist()) == x[:, 0].tolist()
    assert bool((rows - rows[:, :1] == torch.arange(6)).all())  # each row intact
    columns = random.shuffle(x, axis=-1, seed=1)
    assert not torch.equal(columns, x)
    assert sorted(columns[0].tolist()) == x[0].tolist()
    assert bool((columns - columns[:1] == torch.arange(0, 30, 6)[:, None]).all())  # each column intact


def test_shuffle_and_categorical_accept_numpy_and_lists():
    assert sorted(random.shuffle(np.arange(5), seed=0).tolist()) == [0, 1, 2, 3, 4]
    assert tuple(random.categorical([[1.0, 2.0]], 3, seed=0).shape) == (1, 3)


# -- errors name the argument -----------------------------------------------------------
@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: random.normal((2,), seed=1.5), r"`seed` must be either an integer .* seed=1.5"),
        (lambda: random.uniform((2,), seed="a"), r"`seed` .* Received: seed='a'"),
        (lambda: random.SeedGenerator(seed=2.0), r"`seed` must be an integer or None. Received: seed=2.0"),
        (lambda: random.normal((2,), dtype="int32"), r"requires a floating point `dtype`.*dtype='int32'"),
        (lambda: random.uniform((2,), dtype="int8"), r"`fitwell.random.uniform` requires a floating"),
        (lambda: random.normal((2,), dtype="float33"), r"`dtype` must name a dtype.*dtype='float33'"),
        (lambda: random.randint((2,), 0, 5, dtype="float32"), r"requires an integer `dtype`"),
        (lambda: random.randint((2,), 5, 5), r"minval < maxval.*minval=5, maxval=5"),
        (lambda: random.randint((2,), 0.5, 5), r"`minval` and `maxval` must be ints"),
        (lambda: random.normal((2, -1)), r"`shape` must be a tuple of non-negative ints.*shape=\(2, -1\)"),
        (lambda: random.normal("ab"), r"`shape` must be .* Received: shape='ab'"),
        (lambda: random.categorical([1.0, 2.0], 3), r"`logits` should be a 2-D tensor.*shape \(2,\)"),
        (lambda: random.categorical([[1.0, 2.0]], 0), r"`num_samples` must be a positive int"),
        (lambda: random.dropout(torch.ones(3), rate=1.5), r"`rate` must be a float in .* rate=1.5"),
        (lambda: random.dropout(torch.ones(2, 3), 0.5, noise_shape=(2, 2)), r"`noise_shape` .*\(2, 2\)"),
        (lambda: random.dropout(torch.ones(2, 3), 0.5, noise_shape=(2,)), r"one entry per input axis"),
        (lambda: random.gamma((3,), alpha=torch.ones(2)), r"`alpha` must be .* broadcasts to `shape`"),
        (lambda: random.beta((3,), 1.0, beta=torch.ones(4)), r"`beta` must be a number or a tensor"),
        (lambda: random.binomial((3,), torch.ones(2), 0.5), r"`counts` must be"),
        (lambda: random.shuffle(torch.ones(3), axis=1), r"`axis` is out of range.*axis=1"),
        (lambda: random.shuffle(torch.tensor(1.0)), r"`x` must have at least one axis"),
    ],
)
def test_bad_arguments_raise_a_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_public_names_are_keras_names():
    assert sorted(random.__all__) == [
        "SeedGenerator",
        "beta",
        "binomial",
        "categorical",
        "dropout",
        "gamma",
        "normal",
        "randint",
        "shuffle",
        "truncated_normal",
        "uniform",
    ]
