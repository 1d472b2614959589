"""Seeds for `fitwell.random`: `SeedGenerator`, and the torch generator each kind of seed gives.

An int seeds a fresh `torch.Generator` with its low 32 bits, as Keras's torch
backend does; a `SeedGenerator` hands out `seed + n` for its n-th draw; None
leaves the draw to torch's global generator.
"""

from __future__ import annotations

import numbers
from typing import Any

import torch

# Keras's torch backend seeds its generators with the seed's low 32 bits.
_SEED_BITS = 0xFFFFFFFF


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
        >>> torch.equal(fitwell.random.normal((2,), seed=a), fitwell.random.normal((2,), seed=b))
        True
    """

    def __init__(self, seed: int | None = None, name: str | None = None) -> None:
        if seed is not None and not is_int(seed):
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


def unseeded(seed: Seed) -> bool:
    """Whether draws with `seed` come from torch's global generator's state: None, or a
    `SeedGenerator` built without a seed (which picked one from that generator)."""
    return seed is None or (isinstance(seed, SeedGenerator) and seed._initial_seed is None)


def check_seed(seed: Any) -> Seed:
    if seed is None or isinstance(seed, SeedGenerator):
        return seed
    if is_int(seed):
        return int(seed)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed).__name__}). Pass an int for the same values "
        "on every call, a `fitwell.random.SeedGenerator` for new values on every call, or None."
    )


# Not traced by torch.compile: a traced draw would bake the seed into the graph (and
# recompile at every draw), and torch.Generator is not supported inside graphs.
@torch.compiler.disable
def generator_for(seed: Seed, device: torch.device | str) -> torch.Generator | None:
    device = torch.device(device)
    if seed is None or device.type == "meta":  # meta tensors hold no values to draw
        return None
    if isinstance(seed, SeedGenerator):
        return seed._next_generator(device)
    return torch.Generator(device).manual_seed(seed & _SEED_BITS)


def is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
