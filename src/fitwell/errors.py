"""Exceptions and the small helpers that build fitwell's error messages.

Every message has three parts: what was received, what was expected, and
how to fix it. Custom exceptions subclass both `FitwellError` and the
builtin a caller would naturally catch.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "FitwellError",
    "NotCompiledError",
    "UnsafeFileError",
    "did_you_mean",
    "unknown_name_message",
]


class FitwellError(Exception):
    """Base class of every exception fitwell raises on purpose."""


class NotCompiledError(FitwellError, ValueError):
    """Raised when training or evaluation is asked of a model before `compile()`."""


class UnsafeFileError(FitwellError, ValueError):
    """Raised when a weights file could run code on load (a pickle, say)."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return `" Did you mean 'x'?"` for the closest choice, or `""`.

    Example:
        >>> did_you_mean("val_acuracy", ["val_accuracy", "loss"])
        " Did you mean 'val_accuracy'?"
    """
    choices = [str(choice) for choice in choices]
    lowered = {choice.lower(): choice for choice in choices}
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return f" Did you mean '{lowered[matches[0]]}'?" if matches else ""


def unknown_name_message(kind: str, argument: str, name: str, known: Iterable[str]) -> str:
    """Message for a string identifier that names nothing fitwell knows.

    Example:
        >>> unknown_name_message("loss", "loss", "mse_loss", ["mse", "mae"])[:40]
        'Unknown loss name for `loss`. Received: '
    """
    known = sorted(set(known))
    return (
        f"Unknown {kind} name for `{argument}`. Received: {argument}={name!r}."
        f"{did_you_mean(name, known)} Known names: {', '.join(known)}."
    )
