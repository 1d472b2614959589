"""A variational autoencoder's two loss terms, told by their names.

A VAE minimises a reconstruction term plus a KL divergence (the negative ELBO). Loggers often
write the two terms and no total (`recon_loss` and `kld`, `reconstruction_error` and `kl_loss`);
then the loss is their sum (`loss_parts.py`), neither term alone, and the two are not the
columns of two training phases logged side by side (`training_phases.py`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["elbo_terms"]

#: A reconstruction term (`recon_loss`, `reconstruction_error`), not a score of the reconstruction
#: (`reconstruction_accuracy`).
_RECONSTRUCTION = re.compile(r"recon(?:struction)?(?:_(?:loss|error|err|term|mse|bce|nll))?")

#: A KL-divergence term, under the names loggers give it.
_KL_TERMS = frozenset(("kl", "kld", "kl_loss", "kld_loss", "kl_div", "kl_divergence", "kl_term"))


def elbo_terms(names: Iterable[str]) -> tuple[str, str] | None:
    """`(reconstruction, kl)`: a variational autoencoder's two loss terms among the training columns
    `names` (Keras's names), one of each: a reconstruction term (`recon`, `recon_loss`,
    `reconstruction_error`: `_RECONSTRUCTION`) and a KL divergence (`kld`, `kl_loss`); else None.

    Example:
        >>> elbo_terms(["epoch", "beta", "recon_loss", "kld"])
        ('recon_loss', 'kld')
        >>> elbo_terms(["loss", "recon_loss", "val_kld"]) is None  # no training KL term
        True
    """
    training = [name for name in names if not name.startswith(("val_", "test_"))]
    recon = [name for name in training if _RECONSTRUCTION.fullmatch(name)]
    kl = [name for name in training if name in _KL_TERMS]
    return (recon[0], kl[0]) if len(recon) == 1 and len(kl) == 1 else None
