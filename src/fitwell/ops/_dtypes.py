"""Keras's dtype names and its type-promotion rules, for torch dtypes.

Keras ops decide many result dtypes with `keras.backend.result_type`, which
follows JAX's promotion lattice (not numpy's, not torch's): Python `int` and
`float` are *weak* types that defer to the tensor they meet (`int8 + 1` stays
`int8`, `float16 + 1.5` stays `float16`), and a result that would be 64-bit
is narrowed to 32-bit (`float64 -> float32`, `int64 -> int32`), as JAX does
without x64. The ops that Keras's torch backend routes through `result_type`
route through `result_type` here, so their dtypes match Keras exactly.

Source: `keras/src/backend/common/dtypes.py` (keras 3.15), itself adapted from
`jax/_src/dtypes.py`.
"""

from __future__ import annotations

import functools
from typing import Any

import torch

#: Keras's `backend.floatx()` and `backend.epsilon()` defaults.
FLOATX = "float32"
EPSILON = 1e-7

#: Keras dtype name -> torch dtype, as Keras's torch backend maps them (torch has no
#: usable uint16/uint32, so Keras widens them to the next signed type).
TORCH_DTYPES = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "uint16": torch.int32,
    "uint32": torch.int64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bfloat16": torch.bfloat16,
    "float16": torch.float16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_PYTHON_TYPES = {bool: "bool", int: "int32", float: FLOATX, complex: "complex64", "int": "int32"}

# The promotion lattice: each dtype and the dtypes directly above it. "int" and
# "float" are the weak types of Python scalars.
_LATTICE = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"),
    "uint16": ("int32", "uint32"),
    "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",),
    "int16": ("int32",),
    "int32": ("int64",),
    "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",),
    "float16": ("float32",),
    "float32": ("float64", "complex64"),
    "float64": ("complex128",),
    "complex64": ("complex128",),
    "complex128": (),
}
_NARROWED = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def _upper_bounds(dtype: str) -> frozenset[str]:
    bounds = {dtype}
    for above in _LATTICE[dtype]:
        bounds |= _upper_bounds(above)
    return frozenset(bounds)


_UPPER_BOUNDS = {dtype: _upper_bounds(dtype) for dtype in _LATTICE}


def standardize_dtype(dtype: Any) -> str:
    """Keras's name for a dtype given as a torch/numpy dtype, a Python type, a name, or None.

    Raises:
        ValueError: For anything that names no dtype Keras knows.

    Example:
        >>> standardize_dtype(torch.int64), standardize_dtype(float), standardize_dtype(None)
        ('int64', 'float32', 'float32')
    """
    if dtype is None:
        return FLOATX
    if dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    if isinstance(dtype, torch.dtype):
        name = str(dtype).removeprefix("torch.")
    elif isinstance(dtype, str):
        name = dtype
    else:
        name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or str(dtype)
    if name not in TORCH_DTYPES:
        raise ValueError(
            f"`dtype` must name a dtype such as 'float32' or 'int32'. Received: dtype={dtype!r}. "
            f"Known names: {', '.join(TORCH_DTYPES)}."
        )
    return name


def to_torch_dtype(dtype: Any) -> torch.dtype:
    """The torch dtype for a Keras dtype name (or anything `standardize_dtype` accepts).

    Example:
        >>> to_torch_dtype("float16"), to_torch_dtype(None)
        (torch.float16, torch.float32)
    """
    if isinstance(dtype, torch.dtype):
        return dtype
    return TORCH_DTYPES[standardize_dtype(dtype)]


def _name_and_weakness(dtype: Any) -> tuple[str, bool]:
    # Only the Python types `int` and `float` are weak (they stand for Python scalars).
    weak = dtype is int or dtype is float
    return standardize_dtype(dtype), weak


@functools.lru_cache(maxsize=512)
def _least_upper_bound(*names: str) -> str:
    common = frozenset.intersection(*(_UPPER_BOUNDS[name] for name in names))
    least = common & set(names) or {c for c in common if common <= _UPPER_BOUNDS[c]}
    if len(least) != 1:
        raise ValueError(
            f"The dtypes {names} have no implicit promotion in Keras. Cast the inputs to one dtype "
            "with `ops.cast(x, dtype)` first."
        )
    return next(iter(least))


def result_type(*dtypes: Any) -> str:
    """The dtype Keras's promotion rules give to an operation on these dtypes.

    `int` and `float` (the Python types) stand for Python scalars, which are
    weak. The result is narrowed to 32 bits, as in Keras's torch backend.

    Example:
        >>> result_type(torch.int8, int), result_type(torch.int32, float), result_type("float64")
        ('int8', 'float32', 'float32')
    """
    if not dtypes:
        return FLOATX
    names, weak = zip(*(_name_and_weakness(dtype) for dtype in dtypes), strict=True)
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _least_upper_bound(*sorted(set(names))), True
    else:
        # A weak operand enters the lattice as "int" or "float", below every sized type.
        weak_names = {"int32": "int", FLOATX: "float"}
        lattice_names = {weak_names[n] if w else n for n, w in zip(names, weak, strict=True)}
        out = _least_upper_bound(*sorted(lattice_names))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        # A weak result takes floatx's precision (32 bits).
        out = "int32" if out.startswith("int") else "uint32" if out.startswith("uint") else FLOATX
    return _NARROWED.get(out, out)
