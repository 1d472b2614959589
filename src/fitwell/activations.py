"""Activation functions by Keras's names, with Keras 3's formulas and keyword arguments.

Each function takes a tensor (or anything `torch.as_tensor` accepts) and
returns a tensor of the same shape. `get` resolves what `activation=`
receives; `serialize` gives back the Keras name.

Example:
    >>> relu(torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0]), max_value=5.0)
    tensor([0., 0., 0., 5., 5.])
    >>> get("swish") is silu, serialize(swish)
    (True, 'silu')
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.errors import unknown_name_message

__all__ = [
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]

Activation = Callable[..., torch.Tensor]
Axis = int | Sequence[int] | None


def _tensor(x: Any) -> torch.Tensor:
    return x if isinstance(x, torch.Tensor) else torch.as_tensor(x)


# -- rectifiers ------------------------------------------------------------------------------------
def relu(
    x: torch.Tensor,
    negative_slope: float = 0.0,
    *,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> torch.Tensor:
    """Rectified linear unit, with Keras's slope, ceiling and threshold options.

    With the defaults, `max(x, 0)`. Values above `threshold` pass (capped at
    `max_value`, and at least 0 once capped); values at or below it become
    `negative_slope * (x - threshold)`.

    Args:
        x: Input tensor.
        negative_slope: Slope below the threshold.
        max_value: Largest output value; None for no cap.
        threshold: Inputs at or below it are damped (or zeroed).

    Returns:
        A tensor shaped like `x`.

    Example:
        >>> x = torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])
        >>> relu(x)
        tensor([ 0.,  0.,  0.,  5., 10.])
        >>> relu(x, negative_slope=0.5)
        tensor([-5.0000, -2.5000,  0.0000,  5.0000, 10.0000])
        >>> relu(x, threshold=5.0)
        tensor([ 0.,  0.,  0.,  0., 10.])
    """
    x = _tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return F.leaky_relu(x, negative_slope=negative_slope)
    # Keras's order of operations (keras/src/activations/activations.py, ReLU.static_call),
    # kept so that edge values (x == threshold, negative thresholds, -0.0) come out the same.
    if negative_slope != 0.0:
        below = F.relu(threshold - x) if threshold != 0 else F.relu(-x)
    capped = max_value is not None
    if threshold != 0:
        x = torch.where(x > torch.as_tensor(threshold, dtype=x.dtype), x, 0)
    elif max_value == 6:
        x, capped = F.relu6(x), False
    else:
        x = F.relu(x)
    if capped:
        x = torch.clip(x, torch.as_tensor(0, dtype=x.dtype), torch.as_tensor(max_value, dtype=x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * below
    return x


def relu6(x: torch.Tensor) -> torch.Tensor:
    """`min(max(x, 0), 6)`.

    Example:
        >>> relu6(torch.tensor([-1.0, 3.0, 8.0]))
        tensor([0., 3., 6.])
    """
    return F.relu6(_tensor(x))


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.2) -> torch.Tensor:
    """`x` for positive inputs, `negative_slope * x` otherwise (Keras's slope is 0.2, torch's 0.01).

    Example:
        >>> leaky_relu(torch.tensor([-1.0, 2.0]))
        tensor([-0.2000,  2.0000])
    """
    return F.leaky_relu(_tensor(x), negative_slope=negative_slope)


def elu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Example:
        >>> elu(torch.tensor([-1.0, 2.0]), alpha=2.0)
        tensor([-1.2642,  2.0000])
    """
    return F.elu(_tensor(x), alpha)


def selu(x: torch.Tensor) -> torch.Tensor:
    """Scaled ELU: `1.0507 * elu(x, alpha=1.6733)`; pairs with `LecunNormal` weights.

    Example:
        >>> selu(torch.tensor([-1.0, 1.0]))
        tensor([-1.1113,  1.0507])
    """
    return F.selu(_tensor(x))


def celu(x: torch.Tensor, alpha: float = 1.0) -> torch.Tensor:
    """Continuously differentiable ELU: `x` if `x >= 0`, else `alpha * (exp(x / alpha) - 1)`.

    Example:
        >>> celu(torch.tensor([-1.0, 2.0]), alpha=2.0)
        tensor([-0.7869,  2.0000])
    """
    return F.celu(_tensor(x), alpha=alpha)


def gelu(x: torch.Tensor, approximate: bool = False) -> torch.Tensor:
    """Gaussian error linear unit, `x * Phi(x)`; the tanh approximation when `approximate`.

    Keras's activation defaults to the exact (erf) form.

    Example:
        >>> gelu(torch.tensor([-1.0, 1.0])), gelu(torch.tensor([1.0]), approximate=True)
        (tensor([-0.1587,  0.8413]), tensor([0.8412]))
    """
    return F.gelu(_tensor(x), approximate="tanh" if approximate else "none")


def silu(x: torch.Tensor) -> torch.Tensor:
    """SiLU (swish): `x * sigmoid(x)`.

    Example:
        >>> silu(torch.tensor([-1.0, 1.0]))
        tensor([-0.2689,  0.7311])
    """
    return F.silu(_tensor(x))


def hard_silu(x: torch.Tensor) -> torch.Tensor:
    """Hard SiLU (hard swish): `x * hard_sigmoid(x)`, i.e. 0 below -3, `x` above 3.

    Example:
        >>> hard_silu(torch.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([-0.0000,  0.0000,  1.1250,  4.0000])
    """
    return F.hardswish(_tensor(x))


def mish(x: torch.Tensor) -> torch.Tensor:
    """Mish: `x * tanh(softplus(x))`, computed as Keras writes it.

    Example:
        >>> mish(torch.tensor([-1.0, 1.0]))
        tensor([-0.3034,  0.8651])
    """
    x = _tensor(x)
    return x * torch.tanh(F.softplus(x))


# -- squashing -------------------------------------------------------------------------------------
def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """`1 / (1 + exp(-x))`.

    Example:
        >>> sigmoid(torch.tensor([0.0, 2.0]))
        tensor([0.5000, 0.8808])
    """
    return torch.sigmoid(_tensor(x))


def hard_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, `x / 6 + 0.5` between.

    Example:
        >>> hard_sigmoid(torch.tensor([-4.0, 0.0, 1.5, 4.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    return F.hardsigmoid(_tensor(x))


def sparse_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """0 for `x <= -1`, 1 for `x >= 1`, `(x + 1) / 2` between.

    Example:
        >>> sparse_sigmoid(torch.tensor([-2.0, 0.0, 0.5, 2.0]))
        tensor([0.0000, 0.5000, 0.7500, 1.0000])
    """
    x = _tensor(x)
    zero, one = torch.zeros((), dtype=x.dtype), torch.ones((), dtype=x.dtype)
    return torch.where(x <= -1, zero, torch.where(x >= 1, one, 0.5 * (x + 1)))


def log_sigmoid(x: torch.Tensor) -> torch.Tensor:
    """`log(sigmoid(x))`, computed stably.

    Example:
        >>> log_sigmoid(torch.tensor([0.0]))
        tensor([-0.6931])
    """
    return F.logsigmoid(_tensor(x))


def tanh(x: torch.Tensor) -> torch.Tensor:
    """Hyperbolic tangent.

    Example:
        >>> tanh(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.7616])
    """
    return torch.tanh(_tensor(x))


def hard_tanh(x: torch.Tensor) -> torch.Tensor:
    """`x` clipped to `[-1, 1]`.

    Example:
        >>> hard_tanh(torch.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    return F.hardtanh(_tensor(x), min_val=-1.0, max_val=1.0)


def softsign(x: torch.Tensor) -> torch.Tensor:
    """`x / (|x| + 1)`.

    Example:
        >>> softsign(torch.tensor([-1.0, 3.0]))
        tensor([-0.5000,  0.7500])
    """
    return F.softsign(_tensor(x))


# -- smooth and sparse rectifiers ------------------------------------------------------------------
def softplus(x: torch.Tensor) -> torch.Tensor:
    """`log(exp(x) + 1)`.

    Example:
        >>> softplus(torch.tensor([0.0]))
        tensor([0.6931])
    """
    return F.softplus(_tensor(x))


def squareplus(x: torch.Tensor, b: float = 4) -> torch.Tensor:
    """`(x + sqrt(x ** 2 + b)) / 2`, a smooth rectifier; `b` sets the smoothness.

    Example:
        >>> squareplus(torch.tensor([0.0, 3.0]))
        tensor([1.0000, 3.3028])
    """
    x = _tensor(x)
    return (x + torch.sqrt(x**2 + torch.as_tensor(b))) / 2


def sparse_plus(x: torch.Tensor) -> torch.Tensor:
    """0 for `x <= -1`, `x` for `x >= 1`, `(x + 1) ** 2 / 4` between.

    Example:
        >>> sparse_plus(torch.tensor([-2.0, 0.0, 2.0]))
        tensor([0.0000, 0.2500, 2.0000])
    """
    x = _tensor(x)
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, (1 / 4) * (x + 1) ** 2, x))


def exponential(x: torch.Tensor) -> torch.Tensor:
    """`exp(x)`.

    Example:
        >>> exponential(torch.tensor([0.0, 1.0]))
        tensor([1.0000, 2.7183])
    """
    return torch.exp(_tensor(x))


def linear(x: torch.Tensor) -> torch.Tensor:
    """The identity: returns `x` unchanged (what `activation=None` means).

    Example:
        >>> linear(torch.tensor([-1.0, 2.0]))
        tensor([-1.,  2.])
    """
    return x


# -- shrinkage and thresholds ----------------------------------------------------------------------
def soft_shrink(x: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Moves `x` towards 0 by `threshold`, and zeroes `|x| <= threshold`.

    Example:
        >>> soft_shrink(torch.tensor([-2.0, 0.3, 2.0]))
        tensor([-1.5000,  0.0000,  1.5000])
    """
    return F.softshrink(_tensor(x), lambd=threshold)


def hard_shrink(x: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Zeroes `|x| <= threshold` and keeps the rest.

    Example:
        >>> hard_shrink(torch.tensor([-2.0, 0.3, 2.0]))
        tensor([-2.,  0.,  2.])
    """
    return F.hardshrink(_tensor(x), lambd=threshold)


def tanh_shrink(x: torch.Tensor) -> torch.Tensor:
    """`x - tanh(x)`.

    Example:
        >>> tanh_shrink(torch.tensor([0.0, 1.0]))
        tensor([0.0000, 0.2384])
    """
    return F.tanhshrink(_tensor(x))


def threshold(x: torch.Tensor, threshold: float, default_value: float) -> torch.Tensor:
    """`x` where `x > threshold`, `default_value` elsewhere (both required, as in Keras).

    Example:
        >>> threshold(torch.tensor([-1.0, 0.5, 2.0]), 0.5, -9.0)
        tensor([-9., -9.,  2.])
    """
    return F.threshold(_tensor(x), threshold, default_value)


# -- normalizing over an axis ----------------------------------------------------------------------
def _over_axis(
    function: Callable[[torch.Tensor, int], torch.Tensor], x: torch.Tensor, axis: Axis
) -> torch.Tensor:
    """Apply `function(x, dim)` over one axis, several axes taken together, or all (None)."""
    dtype = x.dtype
    if dtype == torch.float16 and x.device.type == "cpu":
        x = x.float()  # as Keras does: no float16 softmax kernels on the CPU in older torch
    if axis is None:
        out = function(x.reshape(-1), -1).reshape(x.shape)
    elif isinstance(axis, int):
        out = function(x, axis)
    else:
        axes = [a % x.dim() for a in axis]
        trailing = list(range(x.dim() - len(axes), x.dim()))
        moved = torch.movedim(x, axes, trailing)
        flat = moved.reshape(*moved.shape[: x.dim() - len(axes)], -1)
        out = torch.movedim(function(flat, -1).reshape(moved.shape), trailing, axes)
    return out.to(dtype)


def softmax(x: torch.Tensor, axis: Axis = -1) -> torch.Tensor:
    """`exp(x) / sum(exp(x))` along `axis`: an int, a tuple of axes taken together, or None for all.

    Warns, as Keras does, when the axis has size 1 (the output is then all
    ones; a sigmoid is probably what was meant).

    Example:
        >>> softmax(torch.tensor([[-1.0, 0.0, 1.0]]))
        tensor([[0.0900, 0.2447, 0.6652]])
    """
    x = _tensor(x)
    if isinstance(axis, int) and -x.dim() <= axis < x.dim() and x.shape[axis] == 1:
        warnings.warn(
            f"softmax over axis {axis} of a tensor of shape {tuple(x.shape)}: that axis has size 1, so "
            "every output is 1. For one output unit use activation='sigmoid'.",
            stacklevel=2,
        )
    return _over_axis(F.softmax, x, axis)


def log_softmax(x: torch.Tensor, axis: Axis = -1) -> torch.Tensor:
    """`log(softmax(x))` along `axis`, computed stably.

    Example:
        >>> log_softmax(torch.tensor([-1.0, 0.0, 1.0]))
        tensor([-2.4076, -1.4076, -0.4076])
    """
    return _over_axis(F.log_softmax, _tensor(x), axis)


def glu(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """Gated linear unit: split `x` in halves `a`, `b` along `axis`; return `a * sigmoid(b)`.

    Example:
        >>> glu(torch.tensor([2.0, 0.0]))
        tensor([1.])
    """
    return F.glu(_tensor(x), dim=axis)


def sparsemax(x: torch.Tensor, axis: int = -1) -> torch.Tensor:
    """Euclidean projection of `x` onto the probability simplex along `axis`.

    Like softmax, the outputs are non-negative and sum to 1, but small
    inputs get exactly 0. This is the algorithm of Martins & Astudillo
    (2016); Keras 3.15 computes the threshold from the sum of the cumulative
    sums and gets a wrong answer whenever two or more outputs are non-zero
    (keras-team/keras#23425, fixed upstream in #23469).

    Example:
        >>> sparsemax(torch.tensor([0.0, 0.5, 1.0]))
        tensor([0.0000, 0.2500, 0.7500])
    """
    x = _tensor(x)
    ordered = torch.sort(x, dim=axis, descending=True).values
    cumulative = torch.cumsum(ordered, dim=axis)
    shape = [1] * x.dim()
    shape[axis] = -1
    rank = torch.arange(1, x.shape[axis] + 1, dtype=x.dtype, device=x.device).view(shape)
    in_support = ordered - (cumulative - 1) / rank > 0
    support_size = in_support.sum(dim=axis, keepdim=True)
    # tau = (sum of the k largest inputs - 1) / k, with k the support size.
    top_sum = torch.where(in_support, ordered, torch.zeros((), dtype=x.dtype)).sum(dim=axis, keepdim=True)
    tau = (top_sum - 1) / support_size
    return torch.clamp(x - tau, min=0.0)


hard_swish = hard_silu
swish = silu


# -- lookup ----------------------------------------------------------------------------------------
# Keras's table (keras/src/activations/__init__.py): each function's name, plus two aliases.
NAMES: dict[str, Activation] = {
    function.__name__: function
    for function in (
        celu,
        elu,
        exponential,
        gelu,
        glu,
        hard_shrink,
        hard_sigmoid,
        hard_silu,
        hard_tanh,
        leaky_relu,
        linear,
        log_sigmoid,
        log_softmax,
        mish,
        relu,
        relu6,
        selu,
        sigmoid,
        silu,
        soft_shrink,
        softmax,
        softplus,
        softsign,
        sparse_plus,
        sparse_sigmoid,
        sparsemax,
        squareplus,
        tanh,
        tanh_shrink,
        threshold,
    )
}
NAMES["swish"] = silu
NAMES["hard_swish"] = hard_silu


def get(identifier: str | Activation | dict[str, Any] | None) -> Activation:
    """Resolve what `activation=` receives.

    Args:
        identifier: A Keras name (`"relu"`, `"softmax"`, `"swish"` …; other
            casings such as `"ReLU"` are accepted too, as
            `fitwell.layers` accepts them, where Keras refuses them), a
            `serialize()` result, any callable (returned as is), or None for
            `linear`.

    Returns:
        The activation function.

    Raises:
        ValueError: For an unknown name, with the closest known one.
        TypeError: For anything else.

    Example:
        >>> get("relu") is relu, get(None) is linear, get("ReLU") is relu
        (True, True, True)
    """
    if identifier is None:
        return linear
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        found = NAMES.get(identifier) or NAMES.get(identifier.lower())
        if found is None:
            raise ValueError(unknown_name_message("activation", "activation", identifier, NAMES))
        return found
    if callable(identifier):
        return identifier
    raise TypeError(
        "`activation` must be a name such as 'relu', a function of a tensor, or None. "
        f"Received: activation={identifier!r} of type {type(identifier).__name__}"
    )


def serialize(activation: Activation) -> str:
    """The Keras name of one of this module's functions (an alias gives its function's name).

    Raises:
        ValueError: For any other callable, which has no Keras name.

    Example:
        >>> serialize(relu), serialize(hard_swish)
        ('relu', 'hard_silu')
    """
    if any(function is activation for function in NAMES.values()):
        return activation.__name__  # the aliases swish and hard_swish are silu and hard_silu
    raise ValueError(
        f"Only fitwell.activations functions have a Keras name. Received: activation={activation!r}. "
        "Pass the function by name (e.g. activation='gelu') or wrap your own in a Layer with get_config()."
    )


def deserialize(config: str | dict[str, Any]) -> Activation:
    """The function for a name from `serialize`, or for Keras's `{"config": name, ...}` dict.

    Example:
        >>> deserialize("gelu") is gelu
        True
    """
    name = config.get("config") if isinstance(config, dict) else config
    if not isinstance(name, str) or name not in NAMES:
        raise ValueError(unknown_name_message("activation", "activation", str(name), NAMES))
    return NAMES[name]
