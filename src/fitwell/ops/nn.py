"""Neural-network ops: activations, `softmax`, `one_hot`, cross-entropies, `moments`, `normalize`.

These are Keras's `keras.ops.nn` functions, which differ in places from
`fitwell.activations`: `gelu` defaults to the tanh approximation here
(`approximate=True`, as `keras.ops.gelu`), and the cross-entropies return
one value per element of the non-class axes, without reduction or
weighting (as `keras.ops.binary_crossentropy` and friends do).

Example:
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 2.0]])
    >>> softmax(logits)
    tensor([[0.8808, 0.1192],
            [0.1192, 0.8808]])
    >>> sparse_categorical_crossentropy(torch.tensor([0, 0]), logits, from_logits=True)
    tensor([0.1269, 2.1269])
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F

from fitwell.ops._base import check_axis, is_symbolic, record, to_tensor, to_tensors
from fitwell.ops._dtypes import EPSILON, to_torch_dtype

__all__ = [
    "batch_normalization",
    "binary_crossentropy",
    "categorical_crossentropy",
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "moments",
    "multi_hot",
    "normalize",
    "one_hot",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "softmax",
    "softplus",
    "softsign",
    "sparse_categorical_crossentropy",
    "swish",
]

Tensor = torch.Tensor
Axis = int | Sequence[int] | None


# -- activations -----------------------------------------------------------------------------------
def relu(x: Any) -> Tensor:
    """`max(x, 0)`.

    Example:
        >>> relu(torch.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    if is_symbolic(x):
        return record(relu, x)
    return F.relu(to_tensor(x))


def relu6(x: Any) -> Tensor:
    """`min(max(x, 0), 6)`.

    Example:
        >>> relu6(torch.tensor([-1.0, 8.0]))
        tensor([0., 6.])
    """
    if is_symbolic(x):
        return record(relu6, x)
    return F.relu6(to_tensor(x))


def sigmoid(x: Any) -> Tensor:
    """`1 / (1 + exp(-x))`.

    Example:
        >>> sigmoid(torch.tensor([0.0]))
        tensor([0.5000])
    """
    if is_symbolic(x):
        return record(sigmoid, x)
    return torch.sigmoid(to_tensor(x))


def softplus(x: Any) -> Tensor:
    """`log(1 + exp(x))`.

    Example:
        >>> softplus(torch.tensor([0.0]))
        tensor([0.6931])
    """
    if is_symbolic(x):
        return record(softplus, x)
    return F.softplus(to_tensor(x))


def softsign(x: Any) -> Tensor:
    """`x / (1 + |x|)`.

    Example:
        >>> softsign(torch.tensor([1.0]))
        tensor([0.5000])
    """
    if is_symbolic(x):
        return record(softsign, x)
    return F.softsign(to_tensor(x))


def silu(x: Any) -> Tensor:
    """SiLU, also called swish: `x * sigmoid(x)`.

    Example:
        >>> silu(torch.tensor([1.0]))
        tensor([0.7311])
    """
    if is_symbolic(x):
        return record(silu, x)
    return F.silu(to_tensor(x))


def swish(x: Any) -> Tensor:
    """Same as `silu`.

    Example:
        >>> swish(torch.tensor([1.0]))
        tensor([0.7311])
    """
    if is_symbolic(x):
        return record(swish, x)
    return silu(x)


def log_sigmoid(x: Any) -> Tensor:
    """`log(sigmoid(x))`, computed stably.

    Example:
        >>> log_sigmoid(torch.tensor([0.0]))
        tensor([-0.6931])
    """
    if is_symbolic(x):
        return record(log_sigmoid, x)
    return F.logsigmoid(to_tensor(x))


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Tensor:
    """`x` for positive inputs, `negative_slope * x` otherwise (Keras's slope is 0.2).

    Example:
        >>> leaky_relu(torch.tensor([-1.0, 2.0]))
        tensor([-0.2000,  2.0000])
    """
    if is_symbolic(x):
        return record(leaky_relu, x, negative_slope)
    return F.leaky_relu(to_tensor(x), negative_slope=negative_slope)


def hard_sigmoid(x: Any) -> Tensor:
    """Piecewise-linear sigmoid: `relu6(x + 3) / 6`.

    Example:
        >>> hard_sigmoid(torch.tensor([-4.0, 0.0, 4.0]))
        tensor([0.0000, 0.5000, 1.0000])
    """
    if is_symbolic(x):
        return record(hard_sigmoid, x)
    return F.hardsigmoid(to_tensor(x))


def hard_silu(x: Any) -> Tensor:
    """Hard SiLU (hard swish): `x * hard_sigmoid(x)`.

    Example:
        >>> hard_silu(torch.tensor([-4.0, 1.0, 4.0]))
        tensor([-0.0000,  0.6667,  4.0000])
    """
    if is_symbolic(x):
        return record(hard_silu, x)
    return F.hardswish(to_tensor(x))


def hard_swish(x: Any) -> Tensor:
    """Same as `hard_silu`.

    Example:
        >>> hard_swish(torch.tensor([4.0]))
        tensor([4.])
    """
    if is_symbolic(x):
        return record(hard_swish, x)
    return hard_silu(x)


def hard_tanh(x: Any) -> Tensor:
    """`clip(x, -1, 1)`.

    Example:
        >>> hard_tanh(torch.tensor([-2.0, 0.5, 2.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    if is_symbolic(x):
        return record(hard_tanh, x)
    return F.hardtanh(to_tensor(x), min_val=-1.0, max_val=1.0)


def elu(x: Any, alpha: float = 1.0) -> Tensor:
    """`x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Example:
        >>> elu(torch.tensor([-1.0, 2.0]))
        tensor([-0.6321,  2.0000])
    """
    if is_symbolic(x):
        return record(elu, x, alpha)
    return F.elu(to_tensor(x), alpha)


def selu(x: Any) -> Tensor:
    """Scaled ELU: `1.0507 * elu(x, alpha=1.6733)`.

    Example:
        >>> selu(torch.tensor([1.0]))
        tensor([1.0507])
    """
    if is_symbolic(x):
        return record(selu, x)
    return F.selu(to_tensor(x))


def celu(x: Any, alpha: float = 1.0) -> Tensor:
    """`x` if `x >= 0`, else `alpha * (exp(x / alpha) - 1)`.

    Example:
        >>> celu(torch.tensor([-1.0]), alpha=2.0)
        tensor([-0.7869])
    """
    if is_symbolic(x):
        return record(celu, x, alpha)
    return F.celu(to_tensor(x), alpha=alpha)


def gelu(x: Any, approximate: bool = True) -> Tensor:
    """Gaussian error linear unit; the tanh approximation by default, as `keras.ops.gelu`.

    Example:
        >>> gelu(torch.tensor([1.0])), gelu(torch.tensor([1.0]), approximate=False)
        (tensor([0.8412]), tensor([0.8413]))
    """
    if is_symbolic(x):
        return record(gelu, x, approximate)
    return F.gelu(to_tensor(x), approximate="tanh" if approximate else "none")


def glu(x: Any, axis: int = -1) -> Tensor:
    """Gated linear unit: splits `axis` in halves `a, b` and returns `a * sigmoid(b)`.

    Example:
        >>> glu(torch.tensor([1.0, 0.0]))
        tensor([0.5000])
    """
    if is_symbolic(x):
        return record(glu, x, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    if x.shape[axis] % 2:
        raise ValueError(
            f"`glu` splits `axis` in two halves, so its size must be even. Received: axis={axis} "
            f"of size {x.shape[axis]} (x.shape={tuple(x.shape)})."
        )
    return F.glu(x, dim=axis)


# -- softmax ---------------------------------------------------------------------------------------
def _over_axes(function: Any, x: Tensor, axis: Axis) -> Tensor:
    """Apply a softmax-like `function(t, dim=-1)` jointly over `axis` (every axis when None)."""
    dtype = x.dtype
    if dtype == torch.float16 and x.device.type == "cpu":
        x = x.to(torch.float32)  # torch has no float16 softmax on the CPU
    if isinstance(axis, int):
        return function(x, dim=axis).to(dtype)
    axes = list(range(x.ndim)) if axis is None else [a % x.ndim for a in axis]
    ends = list(range(x.ndim - len(axes), x.ndim))
    moved = torch.movedim(x, axes, ends)
    flat = moved.reshape(*moved.shape[: x.ndim - len(axes)], -1)
    return torch.movedim(function(flat, dim=-1).reshape(moved.shape), ends, axes).to(dtype)


def _warn_if_size_one(x: Any, axis: Axis, name: str) -> None:
    shape = tuple(getattr(x, "shape", ()))
    if isinstance(axis, int) and -len(shape) <= axis < len(shape) and shape[axis] == 1:
        warnings.warn(
            f"`{name}` over axis {axis} of a tensor of shape {shape}: that axis has size 1, so the "
            "result is always 1 (0 for log_softmax). For one output unit, use `sigmoid` instead.",
            stacklevel=3,
        )


def softmax(x: Any, axis: Axis = -1) -> Tensor:
    """`exp(x) / sum(exp(x))` over `axis` (an int, a tuple of axes, or None for all).

    Warns, as Keras does, when `axis` has size 1 (the result is then all ones).

    Example:
        >>> softmax(torch.tensor([[1.0, 1.0], [1.0, 1.0]]), axis=(0, 1))
        tensor([[0.2500, 0.2500],
                [0.2500, 0.2500]])
    """
    _warn_if_size_one(x, axis, "softmax")
    if is_symbolic(x):
        return record(softmax, x, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    return _over_axes(F.softmax, x, axis)


def log_softmax(x: Any, axis: Axis = -1) -> Tensor:
    """`log(softmax(x))` over `axis`, computed stably.

    Example:
        >>> log_softmax(torch.tensor([0.0, 0.0]))
        tensor([-0.6931, -0.6931])
    """
    if is_symbolic(x):
        return record(log_softmax, x, axis)
    x = to_tensor(x)
    check_axis(axis, x.ndim)
    return _over_axes(F.log_softmax, x, axis)


# -- encodings -------------------------------------------------------------------------------------
def _check_num_classes(num_classes: Any) -> None:
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"`num_classes` must be a positive int. Received: num_classes={num_classes!r}.")


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = None, sparse: bool = False) -> Tensor:
    """One-hot encode integer labels; the new axis of size `num_classes` goes at `axis`.

    Labels outside `[0, num_classes)` give all-zero vectors (as Keras's JAX
    and TensorFlow backends; its torch backend fails on labels too large).

    Example:
        >>> one_hot(torch.tensor([0, 2, -1]), 3)
        tensor([[1., 0., 0.],
                [0., 0., 1.],
                [0., 0., 0.]])
    """
    _check_num_classes(num_classes)
    if sparse:
        raise ValueError(
            "`sparse=True` is not supported: torch tensors here are dense. Received: sparse=True."
        )
    if is_symbolic(x):
        return record(one_hot, x, num_classes, axis, dtype)
    x = to_tensor(x).long()
    check_axis(axis, x.ndim + 1)
    valid = (x >= 0) & (x < num_classes)
    encoded = F.one_hot(torch.where(valid, x, 0), num_classes) * valid.unsqueeze(-1)
    return torch.movedim(encoded.to(to_torch_dtype(dtype)), -1, axis)


def multi_hot(
    inputs: Any,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
    **kwargs: Any,
) -> Tensor:
    """Encode each row of integer labels as one vector with ones at those labels.

    `num_tokens=` is accepted as the older name of `num_classes`, as in Keras.

    Example:
        >>> multi_hot(torch.tensor([[0, 2], [1, 1]]), num_classes=3)
        tensor([[1., 0., 1.],
                [0., 1., 0.]])
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if kwargs:
        raise TypeError(f"multi_hot() got unexpected keyword arguments: {sorted(kwargs)}.")
    _check_num_classes(num_classes)
    if is_symbolic(inputs):
        return record(multi_hot, inputs, num_classes, axis, dtype, sparse)
    inputs = to_tensor(inputs)
    encoded = one_hot(inputs, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return torch.amax(encoded, dim=1 if inputs.ndim > 1 else 0)


# -- losses ----------------------------------------------------------------------------------------
def _same_shape(target: Tensor, output: Tensor) -> None:
    if target.shape != output.shape:
        raise ValueError(
            "`target` and `output` must have the same shape. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}."
        )


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (no reduction).

    Probabilities are clipped to `[1e-7, 1 - 1e-7]` first, as in Keras.

    Example:
        >>> binary_crossentropy(torch.tensor([1.0, 0.0]), torch.tensor([0.9, 0.2]))
        tensor([0.1054, 0.2231])
    """
    if is_symbolic((target, output)):
        return record(binary_crossentropy, target, output, from_logits)
    target, output = to_tensors(target, output)
    _same_shape(target, output)
    target = target.to(output.dtype)
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    return F.binary_cross_entropy(output.clip(EPSILON, 1.0 - EPSILON), target, reduction="none")


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Cross-entropy between one-hot (or soft) `target` and `output` along the class `axis`.

    Probabilities are renormalized to sum to 1 and clipped to
    `[1e-7, 1 - 1e-7]` first, as in Keras.

    Example:
        >>> categorical_crossentropy(torch.tensor([[0.0, 1.0]]), torch.tensor([[0.2, 0.8]]))
        tensor([0.2231])
    """
    if is_symbolic((target, output)):
        return record(categorical_crossentropy, target, output, from_logits, axis)
    target, output = to_tensors(target, output)
    _same_shape(target, output)
    if output.ndim < 1:
        raise ValueError(f"`target` and `output` must have rank >= 1. Received: shape={tuple(output.shape)}.")
    check_axis(axis, output.ndim)
    if from_logits:
        log_probabilities = F.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_probabilities = torch.log(output.clip(EPSILON, 1.0 - EPSILON))
    return -torch.sum(target * log_probabilities, dim=axis)


def sparse_categorical_crossentropy(
    target: Any, output: Any, from_logits: bool = False, axis: int = -1
) -> Tensor:
    """Cross-entropy between integer labels `target` and `output` along the class `axis`.

    `target` has `output`'s shape without the class axis (a trailing size-1
    axis is also accepted). Probabilities are renormalized and clipped as in
    `categorical_crossentropy`.

    Example:
        >>> sparse_categorical_crossentropy(torch.tensor([1]), torch.tensor([[0.2, 0.8]]))
        tensor([0.2231])
    """
    if is_symbolic((target, output)):
        return record(sparse_categorical_crossentropy, target, output, from_logits, axis)
    target, output = to_tensors(target, output)
    if output.ndim < 1:
        raise ValueError(f"`output` must have rank >= 1. Received: output.shape={tuple(output.shape)}.")
    check_axis(axis, output.ndim)
    target = target.long()
    if target.ndim == output.ndim and target.shape[axis] == 1:
        target = target.squeeze(axis)
    expected = output.shape[: axis % output.ndim] + output.shape[axis % output.ndim + 1 :]
    if target.shape != expected:
        raise ValueError(
            "`target` must have the shape of `output` without the class axis. Received: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}, axis={axis}."
        )
    if from_logits:
        log_probabilities = F.log_softmax(output, dim=axis)
    else:
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_probabilities = torch.log(output.clip(EPSILON, 1.0 - EPSILON))
    picked = torch.take_along_dim(log_probabilities, target.unsqueeze(axis), dim=axis)
    return -picked.squeeze(axis)


# -- statistics and normalization ------------------------------------------------------------------
def moments(x: Any, axes: int | Sequence[int], keepdims: bool = False, synchronized: bool = False) -> tuple:
    """Mean and variance over `axes` (float16 is computed in float32, as in Keras).

    Example:
        >>> moments(torch.tensor([[1.0, 3.0], [5.0, 7.0]]), axes=0)
        (tensor([3., 5.]), tensor([4., 4.]))
    """
    if synchronized:
        raise NotImplementedError(
            "`synchronized=True` (averaging across devices) is not supported. Received: synchronized=True."
        )
    if is_symbolic(x):
        return record(moments, x, axes, keepdims)
    x = to_tensor(x)
    check_axis(axes, x.ndim, argument="axes")
    dims = [axes] if isinstance(axes, int) else list(axes)
    dtype = x.dtype if x.is_floating_point() else torch.float32
    x = x.to(torch.float32 if dtype == torch.float16 else dtype)
    mean = torch.mean(x, dim=dims, keepdim=True)
    # E[x^2] - E[x]^2, as Keras computes it (faster, slightly less exact than a centered pass).
    variance = torch.mean(torch.square(x), dim=dims, keepdim=True) - torch.square(mean)
    if not keepdims:
        mean, variance = torch.squeeze(mean, dims), torch.squeeze(variance, dims)
    if dtype == torch.float16:
        limit = torch.finfo(torch.float16).max
        mean, variance = mean.clip(-limit, limit).to(dtype), variance.clip(-limit, limit).to(dtype)
    return mean, variance


def normalize(x: Any, axis: int = -1, order: int = 2, epsilon: float | None = None) -> Tensor:
    """Scale `x` to unit `order`-norm along `axis` (norms below `epsilon` are treated as `epsilon`).

    Example:
        >>> normalize(torch.tensor([[3.0, 4.0]]))
        tensor([[0.6000, 0.8000]])
        >>> normalize(torch.tensor([[1.0, 3.0]]), order=1)
        tensor([[0.2500, 0.7500]])
    """
    if not isinstance(order, int) or isinstance(order, bool) or order < 1:
        raise ValueError(f"`order` must be an int >= 1. Received: order={order!r}.")
    if is_symbolic(x):
        return record(normalize, x, axis, order, epsilon)
    x = to_tensor(x)
    if x.ndim == 0:
        x = x.unsqueeze(0)
    check_axis(axis, x.ndim)
    epsilon = EPSILON if epsilon is None else epsilon
    if order == 2:
        inverse_norm = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
        return x * torch.clamp(inverse_norm, max=1.0 / epsilon)
    norm = torch.linalg.norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=epsilon)


def batch_normalization(
    x: Any,
    mean: Any,
    variance: Any,
    axis: int,
    offset: Any = None,
    scale: Any = None,
    epsilon: float = 1e-3,
) -> Tensor:
    """`(x - mean) / sqrt(variance + epsilon) * scale + offset`, with 1-D statistics along `axis`.

    Example:
        >>> batch_normalization(torch.tensor([[1.0, 2.0]]), torch.tensor([1.0, 0.0]),
        ...                     torch.tensor([1.0, 4.0]), axis=1, epsilon=0.0)
        tensor([[0., 1.]])
    """
    if is_symbolic((x, mean, variance, offset, scale)):
        return record(batch_normalization, x, mean, variance, axis, offset, scale, epsilon)
    x, mean, variance = to_tensors(x, mean, variance)
    check_axis(axis, x.ndim)
    shape = [1] * x.ndim
    shape[axis] = -1
    factor = torch.rsqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        factor = factor * to_tensor(scale, device=x.device).reshape(shape)
    result = (x - mean.reshape(shape)) * factor
    return result if offset is None else result + to_tensor(offset, device=x.device).reshape(shape)
