"""How the notes list things: `a`, `a and b`, `a, b and c`."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["joined"]


def joined(items: Iterable[str]) -> str:
    """The items in a sentence's list.

    Example:
        >>> joined(["7"]), joined(["7", "9"]), joined(["'a'", "'b'", "'c'"])
        ('7', '7 and 9', "'a', 'b' and 'c'")
    """
    words = list(items)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
