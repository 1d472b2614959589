"""A GAN's two networks' losses, told by their names (`loss_g`, `loss_d`; `generator_loss`,
`discriminator_loss`): trained against each other at once, neither falling means the model learned,
so the readers refuse to take either as the loss."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["is_adversarial", "is_network_loss"]


def is_adversarial(names: Iterable[str]) -> bool:
    """Whether the names (or prefixes) are a GAN's two networks' (`loss_g`, `loss_d`;
    `generator_loss`, `discriminator_loss`; `loss_gen`, `loss_dis`; `generator_`,
    `discriminator_`): trained at the same time against each other, not one after the other, and
    neither loss falling means learning.

    Example:
        >>> is_adversarial(["loss_G", "loss_D"]), is_adversarial(["train_loss", "dice_loss"])
        (True, False)
    """
    words = [_name_words(name) for name in names]
    if any("gen" in word for word in words) and any("dis" in word for word in words):
        return True  # `loss_gen`, `loss_dis` (alone, `dis` may be a distillation term)
    return any(word & _GENERATOR for word in words) and any(word & _DISCRIMINATOR for word in words)


def is_network_loss(name: str) -> bool:
    """Whether the name is the loss of one of a GAN's two networks (`loss_g`, `average_loss_d`)."""
    words = _name_words(name)
    return "loss" in words and bool(words & (_GENERATOR | _DISCRIMINATOR))


_GENERATOR = frozenset({"g", "gen", "generator"})
_DISCRIMINATOR = frozenset({"d", "disc", "discriminator", "critic"})


def _name_words(name: object) -> set[str]:
    return set(str(name).lower().replace("-", "_").replace("/", "_").split("_"))  # Chainer's `gen/loss`
