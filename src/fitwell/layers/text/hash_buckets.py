"""Keras's hash buckets of tokens: a value's bucket is its 64-bit string hash modulo the bucket count.

Shared by `Hashing` (its bins) and the lookup layers (their out-of-vocabulary
indices when there are several). The hashes are in `fingerprints`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fitwell.layers.text.fingerprints import fingerprint64, siphash64

__all__ = ["check_salt", "hash_buckets"]


def check_salt(salt: Any) -> list[int] | None:
    """Keras's `salt`: None, an int (used for both key words) or two ints, as a list of two."""
    if salt is None:
        return None
    if isinstance(salt, int) and not isinstance(salt, bool):
        return [salt, salt]
    if isinstance(salt, list | tuple) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
        return [int(s) for s in salt]
    raise ValueError(f"`salt` must be an int or a tuple of 2 ints. Received: salt={salt!r}")


def hash_buckets(values: np.ndarray, num_buckets: int, salt: list[int] | None) -> np.ndarray:
    """Keras's string hash buckets: FarmHash64 (SipHash64 with a salt) of each value's text, modulo.

    Integers are hashed as their decimal text, as TensorFlow's `as_string` writes them.

    Example:
        >>> hash_buckets(np.array(["A", "B", "C"], dtype=object), 3, None).tolist()
        [1, 0, 1]
    """
    flat = values.ravel()
    if salt is None:
        hashes = (fingerprint64(_as_bytes(value)) for value in flat)
    else:
        key = (salt[0], salt[1])
        hashes = (siphash64(_as_bytes(value), key) for value in flat)
    buckets = np.fromiter((h % num_buckets for h in hashes), dtype=np.int64, count=flat.size)
    return buckets.reshape(values.shape)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return str(int(value)).encode("ascii")
