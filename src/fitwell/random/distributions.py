"""Draws from distributions, each on torch's default device and seeded as Keras seeds it.

`normal`, `uniform`, `truncated_normal`, `gamma` and `beta` draw floats; `randint`,
`binomial` and `categorical` draw counts and indices.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from fitwell.devices import current_device
from fitwell.ops._base import to_tensor
from fitwell.ops._dtypes import FLOATX, to_torch_dtype
from fitwell.random._arguments import broadcast_parameter, check_shape, float_dtype, is_number, parameter
from fitwell.random.seeds import Seed, check_seed, generator_for, is_int

Shape = int | Sequence[int]

# `truncated_normal` draws this many standard normals per value and keeps the
# first inside (-2, 2), as Keras's torch backend does.
_CANDIDATES = 4


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
    size, torch_dtype = check_shape(shape), float_dtype(dtype, "normal")
    device = current_device()
    generator = generator_for(check_seed(seed), device)
    if is_number(mean) and is_number(stddev):
        return torch.normal(
            float(mean), float(stddev), size=size, generator=generator, dtype=torch_dtype, device=device
        )
    # Tensor parameters broadcast against the standard draws, as Keras's other backends allow.
    draws = torch.normal(0.0, 1.0, size=size, generator=generator, dtype=torch_dtype, device=device)
    return draws * parameter(stddev, device) + parameter(mean, device)


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
    size, torch_dtype = check_shape(shape), float_dtype(dtype, "uniform")
    device = current_device()
    generator = generator_for(check_seed(seed), device)
    unit = torch.rand(size, generator=generator, dtype=torch_dtype, device=device)
    if not (is_number(minval) and is_number(maxval)):
        minval, maxval = parameter(minval, device), parameter(maxval, device)
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
    size, torch_dtype = check_shape(shape), float_dtype(dtype, "truncated_normal")
    device = current_device()
    generator = generator_for(check_seed(seed), device)
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
    if not (is_number(mean) and is_number(stddev)):
        mean, stddev = parameter(mean, device), parameter(stddev, device)
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
    size = check_shape(shape)
    torch_dtype = to_torch_dtype(dtype)
    if torch_dtype.is_floating_point or torch_dtype.is_complex or torch_dtype == torch.bool:
        raise ValueError(
            "`fitwell.random.randint` requires an integer `dtype` such as 'int32'. "
            f"Received: dtype={dtype!r}. Use `fitwell.random.uniform` for floats."
        )
    if not (is_int(minval) and is_int(maxval)) or not minval < maxval:
        raise ValueError(
            "`minval` and `maxval` must be ints with minval < maxval (maxval is excluded). "
            f"Received: minval={minval!r}, maxval={maxval!r}"
        )
    device = current_device()
    return torch.randint(
        int(minval),
        int(maxval),
        size,
        generator=generator_for(check_seed(seed), device),
        dtype=torch_dtype,
        device=device,
    )


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
    if not is_int(num_samples) or num_samples < 1:
        raise ValueError(f"`num_samples` must be a positive int. Received: num_samples={num_samples!r}")
    torch_dtype = to_torch_dtype(dtype)
    if not logits.is_floating_point():
        logits = logits.to(to_torch_dtype(FLOATX))
    generator = generator_for(check_seed(seed), logits.device)
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
    size, torch_dtype = check_shape(shape), float_dtype(dtype, "gamma")
    device = current_device()
    concentration = broadcast_parameter(alpha, "alpha", size, device)
    # torch.distributions.Gamma samples with this kernel, which takes no generator there.
    draws = torch._standard_gamma(concentration, generator=generator_for(check_seed(seed), device))
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
    size, torch_dtype = check_shape(shape), to_torch_dtype(dtype)
    device = current_device()
    probs = broadcast_parameter(probabilities, "probabilities", size, device)
    trials = broadcast_parameter(counts, "counts", size, device).to(probs.dtype)
    draws = torch.binomial(trials, probs, generator=generator_for(check_seed(seed), device))
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
    size, torch_dtype = check_shape(shape), float_dtype(dtype, "beta")
    device = current_device()
    concentrations = torch.stack(
        [
            broadcast_parameter(alpha, "alpha", size, device),
            broadcast_parameter(beta, "beta", size, device),
        ],
        dim=-1,
    )
    # A Beta draw is the first coordinate of a two-class Dirichlet draw, as torch.distributions.Beta
    # computes it (with this kernel, which takes no generator there).
    draws = torch._sample_dirichlet(concentrations, generator=generator_for(check_seed(seed), device))
    return draws.select(-1, 0).to(torch_dtype)
