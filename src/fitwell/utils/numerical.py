"""Label and array helpers: one-hot encoding and normalization, as `keras.utils` has them."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = ["normalize", "to_categorical"]

#: Keras's `backend.epsilon()`: the smallest norm a tensor is divided by.
_EPSILON = 1e-7


def to_categorical(x: Any, num_classes: int | None = None) -> np.ndarray | torch.Tensor:
    """Turn integer class labels into one-hot rows (the class axis last).

    A trailing axis of size 1 is dropped first, so labels of shape `(n, 1)`
    give `(n, num_classes)`, not `(n, 1, num_classes)`. As in Keras, a torch
    tensor gives an `int64` tensor on the same device; anything else (lists,
    numpy arrays) gives a `float64` numpy array, and float labels are
    truncated to integers.

    Args:
        x: Class labels, integers from 0 to `num_classes - 1`.
        num_classes: Number of classes (the length of each one-hot row).
            `None` (or 0) infers `max(x) + 1`.

    Returns:
        The one-hot labels, shape `x.shape + (num_classes,)` (minus a
        trailing axis of size 1).

    Raises:
        ValueError: For a negative or non-integer `num_classes`, labels
            outside `[0, num_classes)`, or empty labels without `num_classes`.

    Example:
        >>> to_categorical([0, 2, 1])
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
        >>> to_categorical(torch.tensor([[1], [0]]), num_classes=3)
        tensor([[0, 1, 0],
                [1, 0, 0]])
    """
    if num_classes is not None and (
        isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer) or num_classes < 0
    ):
        raise ValueError(
            "`num_classes` must be a positive integer, or None to infer it from the labels. "
            f"Received: num_classes={num_classes!r}"
        )
    if isinstance(x, torch.Tensor):
        labels = x.squeeze(-1) if x.dim() > 1 and x.shape[-1] == 1 else x
        labels = labels.long()
        num_classes = _checked_num_classes(labels.min() if labels.numel() else None, labels, num_classes)
        return torch.nn.functional.one_hot(labels, num_classes)
    labels = np.array(x, dtype="int64")
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    num_classes = _checked_num_classes(flat.min() if flat.size else None, flat, num_classes)
    one_hot = np.zeros((flat.size, num_classes))
    one_hot[np.arange(flat.size), flat] = 1
    return one_hot.reshape(shape + (num_classes,))


def _checked_num_classes(smallest: Any, labels: Any, num_classes: int | None) -> int:
    # Keras infers max(x) + 1 when num_classes is falsy (None or 0).
    if smallest is None:
        if not num_classes:
            raise ValueError(
                "`x` holds no labels, so `num_classes` cannot be inferred. Pass num_classes=... "
                "explicitly. Received: an empty array."
            )
        return int(num_classes)
    largest = int(labels.max())
    if int(smallest) < 0:
        raise ValueError(
            "`to_categorical` expects class labels from 0 to num_classes - 1. Received a "
            f"negative label: {int(smallest)}. Map the labels to 0, 1, 2, ... first, e.g. "
            "`classes, labels = numpy.unique(y, return_inverse=True)`."
        )
    if not num_classes:
        return largest + 1
    if largest >= num_classes:
        raise ValueError(
            f"`x` holds the label {largest}, which does not fit `num_classes={num_classes}` "
            f"(labels must be below num_classes). Pass num_classes={largest + 1} or more."
        )
    return int(num_classes)


def normalize(x: Any, axis: int = -1, order: int = 2) -> np.ndarray | torch.Tensor:
    """Divide `x` by its `order`-norm along `axis` (rows of norm 0 stay 0).

    A numpy array gives a numpy array, as in Keras: a norm of 0 is replaced
    by 1, and a 1-D array comes back with a leading axis of 1 (`(d,)` gives
    `(1, d)`). Anything else is converted to a torch tensor and divided by
    `max(norm, 1e-7)` (an integer tensor becomes float32); the shape is kept.

    Args:
        x: The array to normalize.
        axis: The axis along which the norm is taken.
        order: The norm's order (`2`: Euclidean, `1`: sum of absolute
            values). For tensors it must be an integer >= 1.

    Returns:
        A normalized copy of `x`.

    Raises:
        ValueError: For an `order` below 1 (or not an integer) with a tensor.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
        >>> normalize(torch.tensor([[1.0, 3.0]]), order=1)
        tensor([[0.2500, 0.7500]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        # Keras turns axis=0 into -1 here (`axis or -1`), which divides by the
        # wrong norms; fitwell keeps the axis the caller asked for.
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"`order` must be an integer >= 1 for tensors. Received: order={order!r}")
    tensor = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x))
    if tensor.dtype == torch.float64 and not isinstance(x, torch.Tensor):
        tensor = tensor.float()  # Python floats become float32, Keras's default float type
    if not tensor.is_floating_point():
        tensor = tensor.float()
    if tensor.dim() == 0:
        tensor = tensor.unsqueeze(0)
    if order == 2:
        # Keras's L2 special case: multiply by a clipped reciprocal square root.
        inverse_norm = torch.rsqrt(tensor.square().sum(dim=axis, keepdim=True))
        return tensor * inverse_norm.clamp(max=1.0 / _EPSILON)
    norm = torch.linalg.vector_norm(tensor, ord=order, dim=axis, keepdim=True)
    return tensor / norm.clamp(min=_EPSILON)
