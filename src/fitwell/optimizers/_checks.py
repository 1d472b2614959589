"""Argument checks shared by optimizers and schedules: one error listing every problem."""

from __future__ import annotations

__all__ = ["check_hyperparameters", "in_range", "moment_problems"]


def in_range(
    name: str,
    value: object,
    *,
    low: float = 0.0,
    high: float | None = None,
    include_low: bool = True,
    include_high: bool = False,
    default: object = None,
) -> list[str]:
    """Return `[]` when `value` is a number in the interval, else a one-item list with the problem.

    Example:
        >>> in_range("beta_1", 1.5, high=1.0, default=0.9)  # doctest: +NORMALIZE_WHITESPACE
        ['`beta_1` must be a number in [0, 1). Received: beta_1=1.5.
          Use a value in that range, e.g. the default 0.9']
    """
    interval = (
        f"{'[' if include_low else '('}{low:g}, "
        f"{'inf)' if high is None else f'{high:g}' + (']' if include_high else ')')}"
    )
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    ok = is_number and (value >= low if include_low else value > low)  # type: ignore[operator]
    if ok and high is not None:
        ok = value <= high if include_high else value < high  # type: ignore[operator]
    if ok:
        return []
    example = "" if default is None else f", e.g. the default {default}"
    return [
        f"`{name}` must be a number in {interval}. Received: {name}={value!r}. "
        f"Use a value in that range{example}"
    ]


def moment_problems(beta_1: object, beta_2: object, epsilon: object) -> list[str]:
    """The checks Adam, Adamax and Nadam share, with Keras's defaults as examples.

    Example:
        >>> moment_problems(0.9, 0.999, 1e-7)
        []
    """
    return (
        in_range("beta_1", beta_1, high=1.0, default=0.9)
        + in_range("beta_2", beta_2, high=1.0, default=0.999)
        + in_range("epsilon", epsilon, default=1e-7)
    )


def check_hyperparameters(owner: str, problems: list[str]) -> None:
    """Raise one `ValueError` listing every problem found in `owner`'s arguments.

    Example:
        >>> check_hyperparameters("Adam", in_range("epsilon", -1.0, default=1e-7))
        Traceback (most recent call last):
        ...
        ValueError: Invalid arguments for Adam: `epsilon` must be a number in [0, inf). ...
    """
    if problems:
        raise ValueError(f"Invalid arguments for {owner}: " + "; ".join(problems) + ".")
