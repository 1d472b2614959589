"""Keras's `keras.random` for torch: the same functions, arguments, defaults and seeds.

Write `fitwell.random.` where Keras code says `keras.random.`. Every function
takes Keras's `seed`:

- an int: the same values on every call with that int;
- a `SeedGenerator`: a stateful source of seeds; each draw advances it, so
  successive draws differ, and a generator built with the same seed repeats
  the same sequence;
- None: torch's global generator, so `fitwell.utils.set_random_seed` (or
  `torch.manual_seed`) makes the draws reproducible.

Seeded draws are the values Keras 3's torch backend gives on the same kind
of device: both seed a `torch.Generator` with the seed's low 32 bits (the
n-th draw of `SeedGenerator(s)` with `s + n`) and call the same torch
sampler. New tensors go to torch's default device (`torch.set_default_device`);
`dropout`, `shuffle` and `categorical` keep their input's device.

Where this differs from Keras:
- `seed=None` draws from torch's global generator; Keras draws from a hidden
  global `SeedGenerator`, so unseeded values differ between the two.
- `shuffle(x, axis=a)` applies one permutation to the slices along `a` (as
  Keras's TensorFlow backend does, and its torch backend for `axis=0`); for
  `axis > 0` Keras's torch backend permutes each leading index separately.
- `truncated_normal` draws again the rare values (about 4 in a million)
  whose four candidates all fall outside two standard deviations; Keras
  keeps the first, out-of-range, candidate.
- A `SeedGenerator`'s position is not saved with a model (Keras saves it as
  a variable).

Example:
    >>> import fitwell
    >>> seed_gen = fitwell.random.SeedGenerator(seed=42)
    >>> values = fitwell.random.normal(shape=(2, 3), seed=seed_gen)
    >>> new_values = fitwell.random.normal(shape=(2, 3), seed=seed_gen)
    >>> bool((values == new_values).all())
    False
    >>> torch.equal(fitwell.random.uniform((3,), seed=7), fitwell.random.uniform((3,), seed=7))
    True
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.devices import current_device
from fitwell.ops._base import check_axis, to_tensor
from fitwell.ops._dtypes import FLOATX, to_torch_dtype

__all__ = [
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

Shape = int | Sequence[int]

# Keras's torch backend seeds its generators with the seed's low 32 bits.
_SEED_BITS = 0xFFFFFFFF
# `truncated_normal` draws this many standard normals per value and keeps the
# first inside (-2, 2), as Keras's torch backend does.
_CANDIDATES = 4


class SeedGenerator:
    """A stateful source of seeds: each random draw that uses it advances it.

    Pass it as the `seed` of any `fitwell.random` function to get new values
    on every call that still repeat from run to run: two generators built
    with the same `seed` give the same sequence of draws. An int `seed`, by
    contrast, gives the same values on every call. The n-th draw (from 0) is
    seeded with `seed + n`, as in Keras, so the sequence equals Keras's.

    Args:
        seed: The initial seed, an int. None picks one from torch's global
            generator (reproducible after `fitwell.utils.set_random_seed`).
        name: A name for the generator; `"seed_generator"` by default.

    Raises:
        ValueError: When `seed` is not an int or None.

    Example:
        >>> import fitwell
        >>> class Dropout(fitwell.layers.Layer):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.seed_generator = fitwell.random.SeedGenerator(1337)
        ...
        ...     def call(self, x, training=False):
        ...         if training:
        ...             return fitwell.random.dropout(x, rate=0.5, seed=self.seed_generator)
        ...         return x
        >>> a, b = SeedGenerator(3), SeedGenerator(3)
        >>> torch.equal(normal((2,), seed=a), normal((2,), seed=b))
        True
    """

    def __init__(self, seed: int | None = None, name: str | None = None) -> None:
        if seed is not None and not _is_int(seed):
            raise ValueError(
                f"Argument `seed` must be an integer or None. Received: seed={seed!r} "
                f"(of type {type(seed).__name__})"
            )
        self.name = name or "seed_generator"
        self._initial_seed = None if seed is None else int(seed)
        # Keras picks an unseeded generator's seed the same way: an int in [1, 1e9].
        self._seed = self._initial_seed if seed is not None else int(torch.randint(1, 10**9, ()))
        self._draws = 0
        self._generators: dict[torch.device, torch.Generator] = {}

    def __repr__(self) -> str:
        return f"SeedGenerator(seed={self._initial_seed!r}, name={self.name!r})"

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments: `{"seed": ..., "name": ...}`.

        Example:
            >>> SeedGenerator(5, name="noise").get_config()
            {'seed': 5, 'name': 'noise'}
        """
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SeedGenerator:
        """A new generator from `get_config()`'s output (it starts again at the first draw).

        Example:
            >>> SeedGenerator.from_config({"seed": 5, "name": "noise"}).name
            'noise'
        """
        return cls(**config)

    def _next_generator(self, device: torch.device) -> torch.Generator:
        """This device's torch generator, seeded for the next draw; advances the count."""
        seed = (self._seed + self._draws) & _SEED_BITS
        self._draws += 1
        if device not in self._generators:
            self._generators[device] = torch.Generator(device)
        return self._generators[device].manual_seed(seed)


Seed = int | SeedGenerator | None


def normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Draw samples from a normal (Gaussian) distribution.

    Args:
        shape: The shape of the random values to generate.
        mean: Mean of the distribution.
        stddev: Standard deviation of the distribution.
        dtype: A floating dtype name such as `"float32"` (the default) or a torch dtype.
        seed: An int (the same values on every call), a `SeedGenerator`
            (new values on every call) or None (torch's global generator).

    Returns:
        A tensor of shape `shape` on torch's default device.

    Raises:
        ValueError: For a non-floating `dtype`, a bad `shape` or a bad `seed`.

    Example:
        >>> normal((2, 3), seed=1).shape, normal((2,), dtype="float64", seed=1).dtype
        (torch.Size([2, 3]), torch.float64)
    """
    size, torch_dtype = _check_shape(shape), _float_dtype(dtype, "normal")
    device = current_device()
    generator = _generator(_check_seed(seed), device)
    if _is_number(mean) and _is_number(stddev):
        return torch.normal(
            float(mean), float(stddev), size=size, generator=generator, dtype=torch_dtype, device=device
        )
    # Tensor parameters broadcast against the standard draws, as Keras's other backends allow.
    draws = torch.normal(0.0, 1.0, size=size, generator=generator, dtype=torch_dtype, device=device)
    return draws * _parameter(stddev, device) + _parameter(mean, device)


def uniform(
    shape: Shape, minval: float = 0.0, maxval: float = 1.0, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Draw samples from a uniform distribution over `[minval, maxval)`.

    Args:
        shape: The shape of the random values to generate.
        minval: Lower bound of the range (inclusive).
        maxval: Upper bound of the range (exclusive).
        dtype: A floating dtype name such as `"float32"` (the default) or a torch dtype.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device.

    Raises:
        ValueError: For a non-floating `dtype`, a bad `shape` or a bad `seed`.

    Example:
        >>> values = uniform((1000,), minval=2.0, maxval=3.0, seed=0)
        >>> bool(values.min() >= 2.0), bool(values.max() < 3.0)
        (True, True)
    """
    size, torch_dtype = _check_shape(shape), _float_dtype(dtype, "uniform")
    device = current_device()
    unit = torch.rand(size, generator=_generator(_check_seed(seed), device), dtype=torch_dtype, device=device)
    if not (_is_number(minval) and _is_number(maxval)):
        minval, maxval = _parameter(minval, device), _parameter(maxval, device)
    return (maxval - minval) * unit + minval


def truncated_normal(
    shape: Shape, mean: float = 0.0, stddev: float = 1.0, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Draw samples from a normal distribution truncated at two standard deviations.

    Values more than `2 * stddev` away from `mean` are discarded and drawn again.

    Args:
        shape: The shape of the random values to generate.
        mean: Mean of the distribution before truncation.
        stddev: Standard deviation of the distribution before truncation.
        dtype: A floating dtype name such as `"float32"` (the default) or a torch dtype.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device.

    Raises:
        ValueError: For a non-floating `dtype`, a bad `shape` or a bad `seed`.

    Example:
        >>> bool(truncated_normal((1000,), seed=0).abs().max() < 2.0)
        True
    """
    size, torch_dtype = _check_shape(shape), _float_dtype(dtype, "truncated_normal")
    device = current_device()
    generator = _generator(_check_seed(seed), device)
    candidates = torch.normal(
        0.0, 1.0, size=(*size, _CANDIDATES), generator=generator, dtype=torch_dtype, device=device
    )
    first_inside = (candidates.abs() < 2).to(torch.uint8).argmax(dim=-1, keepdim=True)
    values = candidates.gather(-1, first_inside).squeeze(-1)
    outside = values.abs() >= 2
    while bool(outside.any()):  # all four candidates missed: about 4e-6 per value
        redrawn = torch.normal(
            0.0, 1.0, size=(int(outside.sum()),), generator=generator, dtype=torch_dtype, device=device
        )
        values[outside] = redrawn
        outside = values.abs() >= 2
    if not (_is_number(mean) and _is_number(stddev)):
        mean, stddev = _parameter(mean, device), _parameter(stddev, device)
    return values * stddev + mean


def randint(shape: Shape, minval: int, maxval: int, dtype: Any = "int32", seed: Seed = None) -> torch.Tensor:
    """Draw random integers uniformly from `[minval, maxval)`.

    Args:
        shape: The shape of the random values to generate.
        minval: Lower bound of the range (inclusive).
        maxval: Upper bound of the range (exclusive).
        dtype: An integer dtype name; `"int32"` by default.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device.

    Raises:
        ValueError: For a non-integer `dtype`, bounds that are not ints with
            `minval < maxval`, a bad `shape` or a bad `seed`.

    Example:
        >>> randint((2, 3), 0, 10, seed=1).dtype
        torch.int32
    """
    size = _check_shape(shape)
    torch_dtype = to_torch_dtype(dtype)
    if torch_dtype.is_floating_point or torch_dtype.is_complex or torch_dtype == torch.bool:
        raise ValueError(
            "`fitwell.random.randint` requires an integer `dtype` such as 'int32'. "
            f"Received: dtype={dtype!r}. Use `fitwell.random.uniform` for floats."
        )
    if not (_is_int(minval) and _is_int(maxval)) or not minval < maxval:
        raise ValueError(
            "`minval` and `maxval` must be ints with minval < maxval (maxval is excluded). "
            f"Received: minval={minval!r}, maxval={maxval!r}"
        )
    device = current_device()
    return torch.randint(
        int(minval),
        int(maxval),
        size,
        generator=_generator(_check_seed(seed), device),
        dtype=torch_dtype,
        device=device,
    )


def dropout(
    inputs: Any, rate: float, noise_shape: Sequence[int | None] | None = None, seed: Seed = None
) -> torch.Tensor:
    """Zero a fraction `rate` of `inputs` at random, scaling the kept values by `1 / (1 - rate)`.

    Args:
        inputs: The tensor to drop values from.
        rate: The probability of dropping each value, in [0, 1].
        noise_shape: The shape of the random keep/drop mask, broadcast over
            `inputs`; a None entry takes the input's size. `(batch, 1,
            features)` drops the same features at every step.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor with the shape, dtype and device of `inputs`.

    Raises:
        ValueError: For a `rate` outside [0, 1], a `noise_shape` that does
            not broadcast to the inputs, or a bad `seed`.

    Example:
        >>> kept = dropout(torch.ones(1000), rate=0.5, seed=0)
        >>> sorted(kept.unique().tolist())
        [0.0, 2.0]
    """
    inputs = to_tensor(inputs)
    if isinstance(rate, bool) or not _is_number(rate) or not 0.0 <= float(rate) <= 1.0:
        raise ValueError(f"`rate` must be a float in [0, 1]. Received: rate={rate!r}")
    seed = _check_seed(seed)
    rate = float(rate)
    if rate == 1.0:
        return torch.zeros_like(inputs)
    if rate == 0.0:
        return inputs
    unseeded = seed is None or (isinstance(seed, SeedGenerator) and seed._initial_seed is None)
    if noise_shape is None and unseeded:
        # torch's fused kernel on the global generator; Keras's torch backend takes this path too.
        return F.dropout(inputs, p=rate, training=True)
    mask_shape = inputs.shape if noise_shape is None else _mask_shape(noise_shape, inputs.shape)
    keep_prob = 1.0 - rate
    probabilities = torch.full(mask_shape, keep_prob, device=inputs.device)
    keep = torch.bernoulli(probabilities, generator=_generator(seed, inputs.device)).bool()
    return torch.where(keep.broadcast_to(inputs.shape), inputs / keep_prob, torch.zeros_like(inputs))


def shuffle(x: Any, axis: int = 0, seed: Seed = None) -> torch.Tensor:
    """Shuffle the slices of `x` along `axis` with one uniformly random permutation.

    Args:
        x: The tensor to shuffle.
        axis: The axis to shuffle along; negative values count from the end.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor like `x`, with the entries along `axis` reordered.

    Raises:
        ValueError: For an `axis` out of range or a bad `seed`.

    Example:
        >>> rows = shuffle(torch.arange(12).reshape(4, 3), seed=0)
        >>> sorted(rows[:, 0].tolist()), bool((rows[:, 1] == rows[:, 0] + 1).all())
        ([0, 3, 6, 9], True)
    """
    x = to_tensor(x)
    if x.ndim == 0:
        raise ValueError(f"`x` must have at least one axis to shuffle. Received: x of shape {tuple(x.shape)}")
    check_axis(axis, x.ndim)
    axis = axis % x.ndim
    generator = _generator(_check_seed(seed), x.device)
    # rand().argsort() is the permutation Keras's torch backend draws, so axis 0 matches it.
    permutation = torch.rand(x.shape[axis], generator=generator, device=x.device).argsort()
    return x.index_select(axis, permutation)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Seed = None) -> torch.Tensor:
    """Draw class indices from the categorical distributions given by rows of `logits`.

    Args:
        logits: Shape `(batch_size, num_classes)`: each row holds the
            unnormalized log-probabilities of one distribution.
        num_samples: The number of independent draws per row.
        dtype: The dtype of the returned indices; `"int32"` by default.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        Shape `(batch_size, num_samples)`, on the device of `logits`.

    Raises:
        ValueError: For `logits` that are not 2-D, a `num_samples` that is
            not a positive int, or a bad `seed`.

    Example:
        >>> categorical(torch.tensor([[0.0, 100.0], [100.0, 0.0]]), 3, seed=0)
        tensor([[1, 1, 1],
                [0, 0, 0]], dtype=torch.int32)
    """
    logits = to_tensor(logits)
    if logits.ndim != 2:
        raise ValueError(
            "`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
            f"Received: logits of shape {tuple(logits.shape)}"
        )
    if not _is_int(num_samples) or num_samples < 1:
        raise ValueError(f"`num_samples` must be a positive int. Received: num_samples={num_samples!r}")
    torch_dtype = to_torch_dtype(dtype)
    if not logits.is_floating_point():
        logits = logits.to(to_torch_dtype(FLOATX))
    generator = _generator(_check_seed(seed), logits.device)
    probabilities = torch.softmax(logits, dim=-1)
    draws = torch.multinomial(probabilities, int(num_samples), replacement=True, generator=generator)
    return draws.to(torch_dtype)


def gamma(shape: Shape, alpha: Any, dtype: Any = None, seed: Seed = None) -> torch.Tensor:
    """Draw samples from the Gamma distribution of concentration `alpha` (and rate 1).

    Args:
        shape: The shape of the random values to generate.
        alpha: The concentration, a float or a tensor that broadcasts to `shape`.
        dtype: A floating dtype name such as `"float32"` (the default) or a torch dtype.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device; every value is positive.

    Raises:
        ValueError: For a non-floating `dtype`, an `alpha` that does not
            broadcast to `shape`, a bad `shape` or a bad `seed`.

    Example:
        >>> gamma((4,), alpha=2.0, seed=1).shape
        torch.Size([4])
    """
    size, torch_dtype = _check_shape(shape), _float_dtype(dtype, "gamma")
    device = current_device()
    concentration = _broadcast_parameter(alpha, "alpha", size, device)
    # torch.distributions.Gamma samples with this kernel, which takes no generator there.
    draws = torch._standard_gamma(concentration, generator=_generator(_check_seed(seed), device))
    return draws.clamp(min=torch.finfo(draws.dtype).tiny).to(torch_dtype)


def binomial(
    shape: Shape, counts: Any, probabilities: Any, dtype: Any = None, seed: Seed = None
) -> torch.Tensor:
    """Draw the number of successes in `counts` trials of success probability `probabilities`.

    Args:
        shape: The shape of the random values to generate.
        counts: The number of trials; a number or a tensor that broadcasts to `shape`.
        probabilities: The success probability of one trial; a number or a
            tensor that broadcasts to `shape`.
        dtype: The dtype of the result; `"float32"` by default.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device.

    Raises:
        ValueError: For parameters that do not broadcast to `shape`, a bad
            `shape` or a bad `seed`.

    Example:
        >>> binomial((3,), counts=10, probabilities=0.0, seed=1)
        tensor([0., 0., 0.])
    """
    size, torch_dtype = _check_shape(shape), to_torch_dtype(dtype)
    device = current_device()
    probs = _broadcast_parameter(probabilities, "probabilities", size, device)
    trials = _broadcast_parameter(counts, "counts", size, device).to(probs.dtype)
    draws = torch.binomial(trials, probs, generator=_generator(_check_seed(seed), device))
    return draws.to(torch_dtype)


def beta(shape: Shape, alpha: Any, beta: Any, dtype: Any = None, seed: Seed = None) -> torch.Tensor:
    """Draw samples from the Beta distribution with concentrations `alpha` and `beta`.

    Args:
        shape: The shape of the random values to generate.
        alpha: The first concentration; a float or a tensor that broadcasts to `shape`.
        beta: The second concentration; a float or a tensor that broadcasts to `shape`.
        dtype: A floating dtype name such as `"float32"` (the default) or a torch dtype.
        seed: An int, a `SeedGenerator` or None (see `normal`).

    Returns:
        A tensor of shape `shape` on torch's default device, with values in [0, 1].

    Raises:
        ValueError: For a non-floating `dtype`, parameters that do not
            broadcast to `shape`, a bad `shape` or a bad `seed`.

    Example:
        >>> values = beta((1000,), alpha=2.0, beta=2.0, seed=1)
        >>> bool((values >= 0).all() and (values <= 1).all())
        True
    """
    size, torch_dtype = _check_shape(shape), _float_dtype(dtype, "beta")
    device = current_device()
    concentrations = torch.stack(
        [
            _broadcast_parameter(alpha, "alpha", size, device),
            _broadcast_parameter(beta, "beta", size, device),
        ],
        dim=-1,
    )
    # A Beta draw is the first coordinate of a two-class Dirichlet draw, as torch.distributions.Beta
    # computes it (with this kernel, which takes no generator there).
    draws = torch._sample_dirichlet(concentrations, generator=_generator(_check_seed(seed), device))
    return draws.select(-1, 0).to(torch_dtype)


# -- argument checks and helpers ---------------------------------------------------------
def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_seed(seed: Any) -> Seed:
    if seed is None or isinstance(seed, SeedGenerator):
        return seed
    if _is_int(seed):
        return int(seed)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed).__name__}). Pass an int for the same values "
        "on every call, a `fitwell.random.SeedGenerator` for new values on every call, or None."
    )


def _check_shape(shape: Any) -> tuple[int, ...]:
    if _is_int(shape):
        shape = (shape,)
    try:
        size = tuple(operator.index(dim) for dim in shape)
    except TypeError:
        size = None
    if size is None or any(dim < 0 for dim in size):
        raise ValueError(
            "`shape` must be a tuple of non-negative ints (the full shape, batch axis included). "
            f"Received: shape={shape!r}"
        )
    return size


def _float_dtype(dtype: Any, function: str) -> torch.dtype:
    torch_dtype = to_torch_dtype(FLOATX if dtype is None else dtype)
    if not torch_dtype.is_floating_point:
        raise ValueError(
            f"`fitwell.random.{function}` requires a floating point `dtype` such as 'float32'. "
            f"Received: dtype={dtype!r}"
        )
    return torch_dtype


def _parameter(value: Any, device: torch.device) -> torch.Tensor:
    tensor = to_tensor(value).to(device)
    return tensor if tensor.is_floating_point() else tensor.to(to_torch_dtype(FLOATX))


def _broadcast_parameter(value: Any, name: str, size: tuple[int, ...], device: torch.device) -> torch.Tensor:
    tensor = _parameter(value, device)
    try:
        return torch.broadcast_to(tensor, size)
    except RuntimeError:
        raise ValueError(
            f"`{name}` must be a number or a tensor that broadcasts to `shape`. "
            f"Received: {name} of shape {tuple(tensor.shape)} with shape={size}"
        ) from None


def _mask_shape(noise_shape: Sequence[int | None], input_shape: torch.Size) -> tuple[int, ...]:
    noise_shape = tuple(noise_shape)
    if len(noise_shape) == len(input_shape):
        pairs = list(zip(noise_shape, input_shape, strict=True))
        mask_shape = tuple(size if wanted is None else wanted for wanted, size in pairs)
        if all(wanted in (1, size) for wanted, (_, size) in zip(mask_shape, pairs, strict=True)):
            return mask_shape
    raise ValueError(
        "`noise_shape` must have one entry per input axis, each None, 1 or the input's size. "
        f"Received: noise_shape={noise_shape} for inputs of shape {tuple(input_shape)}"
    )


# Not traced by torch.compile: a traced draw would bake the seed into the graph (and
# recompile at every draw), and torch.Generator is not supported inside graphs.
@torch.compiler.disable
def _generator(seed: Seed, device: torch.device | str) -> torch.Generator | None:
    device = torch.device(device)
    if seed is None or device.type == "meta":  # meta tensors hold no values to draw
        return None
    if isinstance(seed, SeedGenerator):
        return seed._next_generator(device)
    return torch.Generator(device).manual_seed(seed & _SEED_BITS)
