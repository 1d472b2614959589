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
    >>> import fitwell, torch
    >>> seed_gen = fitwell.random.SeedGenerator(seed=42)
    >>> values = fitwell.random.normal(shape=(2, 3), seed=seed_gen)
    >>> new_values = fitwell.random.normal(shape=(2, 3), seed=seed_gen)
    >>> bool((values == new_values).all())
    False
    >>> torch.equal(fitwell.random.uniform((3,), seed=7), fitwell.random.uniform((3,), seed=7))
    True
"""

from fitwell.random.distributions import (
    beta,
    binomial,
    categorical,
    gamma,
    normal,
    randint,
    truncated_normal,
    uniform,
)
from fitwell.random.on_tensors import dropout, shuffle
from fitwell.random.seeds import SeedGenerator

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
