"""Mixed precision: Keras's global policy names, and the per-`compile` choice.

`compile(mixed_precision="bf16")` (or `"fp16"`) runs the forward pass and
loss under `torch.autocast`; weights stay float32 (the optimizer updates
float32 master weights) and losses and metrics accumulate in float32.
`"fp16"` adds a gradient scaler. Keras users can keep their line
`fitwell.mixed_precision.set_global_policy("mixed_float16")`.
"""

from __future__ import annotations

__all__ = ["global_policy", "resolve", "set_global_policy"]

_POLICIES = {
    "float32": None,
    "mixed_bfloat16": "bf16",
    "mixed_float16": "fp16",
}
_CHOICES = (None, "bf16", "fp16")
_global: str = "float32"


def set_global_policy(policy: str) -> None:
    """Set the default for every later `compile`: `"float32"`, `"mixed_bfloat16"` or `"mixed_float16"`.

    Example:
        >>> set_global_policy("mixed_bfloat16"); global_policy()
        'mixed_bfloat16'
        >>> set_global_policy("float32")
    """
    global _global
    if policy not in _POLICIES:
        raise ValueError(f"`policy` must be one of {tuple(_POLICIES)}. Received: policy={policy!r}")
    _global = policy


def global_policy() -> str:
    """The policy set by `set_global_policy` (default `"float32"`)."""
    return _global


def resolve(mixed_precision: str | None) -> str | None:
    """The precision `compile` uses: its argument, else the global policy."""
    if mixed_precision is None:
        return _POLICIES[_global]
    if mixed_precision in _POLICIES:
        return _POLICIES[mixed_precision]
    if mixed_precision not in _CHOICES:
        raise ValueError(
            f"`mixed_precision` must be 'bf16', 'fp16' or None. Received: mixed_precision={mixed_precision!r}"
        )
    return mixed_precision
