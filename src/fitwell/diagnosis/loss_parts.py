"""A loss logged only as its parts, read as their sum.

Detectors log the terms of their loss apart and no total: Ultralytics' `results.csv` holds
`train/box_loss`, `train/cls_loss` and `train/dfl_loss` (and their `val/` twins), and minimises
their sum. When no column is the loss, and the training columns named `*_loss` are at least two,
each beside its `val_` twin (or, with no validation loss logged at all, each named for a term or a
head: a two-headed model's `binary_loss` and `multi_class_loss`, not `epoch_loss` and `batch_loss`),
the loss is their sum, as Keras sums a multi-output model's losses, and the validation loss the
sum of the twins; a note says so. An epoch where a part is missing has no sum. A GAN's generator
and discriminator losses are not parts of one loss.

A variational autoencoder logged as its two terms, a reconstruction term and a KL divergence
(`recon_loss` and `kld`, `reconstruction_error` and `kl_loss`), and no total, is read the same way:
its loss is their sum, the negative ELBO. Unweighted, whatever weight β a warm-up gave the KL term
in training (`beta` rising from 0 to 1): the reconstruction term alone rises while β does, by
design, and the sum is what the model is judged by and what the warm-up ends on.
"""

from __future__ import annotations

from typing import Any

from fitwell.diagnosis.adversarial import is_adversarial
from fitwell.diagnosis.column_names import HELD_OUT_WORDS, SET_WORDS, TRAIN_PREFIXES, is_loss_measure
from fitwell.diagnosis.column_values import is_number_list
from fitwell.diagnosis.vae_terms import elbo_terms

__all__ = ["with_summed_parts"]


def with_summed_parts(columns: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """`(columns, note)`: the columns (under Keras's names) with `loss` (and `val_loss`, when the
    parts have `val_` twins) added as the sums of the loss's parts, and the note saying which; the
    columns unchanged, and None, when a loss is logged or the parts are not as above.

    Example:
        >>> columns, note = with_summed_parts(
        ...     {"box_loss": [1.0, 0.5], "cls_loss": [2.0, 1.0], "val_box_loss": [1.5, 0.75],
        ...      "val_cls_loss": [2.5, 1.25]})
        >>> columns["loss"], columns["val_loss"]
        ([3.0, 1.5], [4.0, 2.0])
        >>> print(note)
        read the sum of 'box_loss' and 'cls_loss' as 'loss' (the parts of a loss logged without ...
    """
    if "loss" in columns:
        return columns, None
    terms = elbo_terms(columns)
    if terms is not None:
        return _elbo(columns, terms)
    parts = [
        name
        for name in columns
        if name.endswith("_loss") and not name.startswith(("val_", "test_")) and not _names_a_set(name)
    ]
    twins = [f"val_{part}" for part in parts if f"val_{part}" in columns]
    validated = bool(twins) or any(name.startswith("val_") and name.endswith("loss") for name in columns)
    if len(parts) < 2 or (validated and len(twins) != len(parts)) or is_adversarial(parts):
        return columns, None
    if not twins and not all(_names_a_part(part) for part in parts):
        return columns, None  # `epoch_loss` and `batch_loss`, `mse_loss` and `mae_loss`: one loss twice
    if not all(_numbers(columns[name]) for name in (*parts, *twins)):
        return columns, None
    if any(len({len(_listed(columns[name])) for name in group}) > 1 for group in (parts, twins)):
        return columns, None  # parts of different lengths: no one loss per epoch to sum
    summed = {**columns, "loss": _sum([columns[part] for part in parts])}
    if twins:
        summed["val_loss"] = _sum([columns[twin] for twin in twins])
    listed = ", ".join(repr(part) for part in parts[:-1]) + f" and {parts[-1]!r}"
    return summed, (
        f"read the sum of {listed} as 'loss' (the parts of a loss logged without their total, as Keras "
        "sums a model's output losses)" + (", and of their 'val_' twins as 'val_loss'." if twins else ".")
    )


def _elbo(columns: dict[str, Any], terms: tuple[str, str]) -> tuple[dict[str, Any], str | None]:
    """A variational autoencoder's two terms summed as `loss`, and their `val_` twins (both logged)
    as `val_loss`, with the note saying so."""
    twins = [f"val_{term}" for term in terms]
    if not all(_numbers(columns[name]) for name in terms):
        return columns, None
    summed = {**columns, "loss": _sum([columns[term] for term in terms])}
    validated = all(twin in columns and _numbers(columns[twin]) for twin in twins)
    if validated:
        summed["val_loss"] = _sum([columns[twin] for twin in twins])
    return summed, (
        f"read the sum of {terms[0]!r} and {terms[1]!r} as 'loss' (a variational autoencoder's "
        "reconstruction and KL terms, logged without their total: the negative ELBO, unweighted)"
        + (", and of their 'val_' twins as 'val_loss'." if validated else ".")
    )


#: Words that name how a loss was measured or averaged, not a part of it: two such columns are
#: one loss twice (`epoch_loss` and `batch_loss`, `running_loss` and `raw_loss`).
_NOT_A_PART = frozenset(
    "epoch batch step iter iteration running smooth smoothed raw avg mean average ema min max median "
    "std total last best teacher student".split()
)


#: The words that name a held-out set (`val`, `eval`, `test`, `holdout`, …): the sets' words but
#: the training set's.
_HELD_OUT = (SET_WORDS | HELD_OUT_WORDS) - {prefix.removesuffix("_") for prefix in TRAIN_PREFIXES}


def _names_a_set(name: str) -> bool:
    """Whether a name holds a held-out set's word after a prefix (`history_val_loss`): the
    validation set's loss, not a part of the training loss."""
    return bool(_HELD_OUT & set(name.split("_")[1:]))


def _names_a_part(part: str) -> bool:
    """Whether `part` (`binary_loss`, `box_loss`, `kl_loss`) names a term or a head of the loss: not
    how it was averaged (`epoch_loss`), nor a measure a second loss is often logged in (`mae_loss`
    beside `mse_loss`)."""
    stem = part.removesuffix("_loss")
    return not (set(stem.split("_")) & _NOT_A_PART or is_loss_measure(stem))


def _listed(column: Any) -> Any:
    """A NumPy array or a pandas Series (a dict of them, a DataFrame's columns) as a list, missing
    values as None; anything else as it is."""
    if hasattr(column, "tolist") and getattr(column, "ndim", 0) == 1:
        return [None if value != value else value for value in column.tolist()]
    return column


def _numbers(column: Any) -> bool:
    return is_number_list(_listed(column))


def _sum(columns: list[Any]) -> list[float | None]:
    return [
        None if any(value is None for value in values) else float(sum(values))
        for values in zip(*map(_listed, columns), strict=True)
    ]
