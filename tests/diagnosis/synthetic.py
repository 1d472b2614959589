"""Synthetic training curves of every kind, of any length, with seeded noise."""

from __future__ import annotations

import math

import numpy as np

LN10 = math.log(10.0)


def decay(n: int, start: float, end: float, *, speed: float = 5.0) -> np.ndarray:
    """An exponential approach from `start` to `end` over `n` epochs (`speed` time constants)."""
    t = np.arange(n) / max(n - 1, 1)
    return end + (start - end) * np.exp(-speed * t)


def noisy(values: np.ndarray, scale: float, seed: int = 0) -> np.ndarray:
    """Multiplicative noise of relative size `scale`."""
    rng = np.random.default_rng(seed)
    return values * (1.0 + scale * rng.standard_normal(len(values)))


def healthy(n: int, *, seed: int = 0, val_noise: float = 0.03) -> dict[str, list[float]]:
    """Both losses fall fast and settle; validation slightly above training, noisy."""
    speed = 8.0 if n > 5 else 12.0  # converged well before the end
    loss = decay(n, 2.2, 0.10, speed=speed)
    val = noisy(decay(n, 1.9, 0.14, speed=speed), val_noise, seed)
    accuracy = 1.0 - 0.9 * loss / 2.3
    return {
        "loss": loss.tolist(),
        "accuracy": accuracy.tolist(),
        "val_loss": val.tolist(),
        "val_accuracy": (1.0 - 0.9 * val / 2.3).tolist(),
        "learning_rate": [1e-3] * n,
    }


def overfitting(n: int, *, best: int, seed: int = 0) -> dict[str, list[float]]:
    """Training loss keeps falling; validation bottoms at epoch `best` (0-based) and climbs."""
    loss = decay(n, 2.0, 0.01, speed=4.0)
    t = np.arange(n)
    val = np.where(
        t <= best, 2.0 - (2.0 - 0.6) * t / max(best, 1), 0.6 + 0.5 * (t - best) / max(n - 1 - best, 1)
    )
    return {"loss": loss.tolist(), "val_loss": noisy(val, 0.01, seed).tolist(), "learning_rate": [1e-3] * n}


def crawl(n: int, *, seed: int = 0) -> dict[str, list[float]]:
    """A straight, slow descent from above chance."""
    loss = np.linspace(2.40, 2.40 * (1 - 0.004 * (n - 1)), n) if n < 50 else np.linspace(2.4, 1.9, n)
    return {
        "loss": noisy(loss, 0.0005, seed).tolist(),
        "val_loss": noisy(loss * 0.99, 0.0005, seed + 1).tolist(),
        "learning_rate": [1e-4] * n,
    }


def stuck(n: int, *, seed: int = 0) -> dict[str, list[float]]:
    """Both losses at ln(10) with tiny noise: nothing is learned."""
    return {
        "loss": noisy(np.full(n, LN10 + 0.002), 0.0005, seed).tolist(),
        "val_loss": noisy(np.full(n, LN10 + 0.004), 0.0005, seed + 1).tolist(),
        "learning_rate": [1e-3] * n,
    }


def spiky(n: int, *, seed: int = 0) -> dict[str, list[float]]:
    """A falling training loss that jumps up every third epoch, and validation with it (the weights
    were thrown off course, so the model at the epoch's end is worse too)."""
    loss = decay(n, 1.0, 0.2)
    loss[2::3] *= 2.0
    val = noisy(decay(n, 0.9, 0.3), 0.05, seed)
    val[2::3] *= 1.4
    return {
        "loss": loss.tolist(),
        "val_loss": val.tolist(),
        "learning_rate": [0.05] * n,
    }


def high_and_creeping(n: int) -> dict[str, list[float]]:
    """Fast early fall to a high level, then a slow, steady creep down (under 1% per epoch); no gap."""
    t = np.arange(n) / max(n - 1, 1)
    loss = 0.9 + 1.4 * np.exp(-8 * t) - min(0.2, 0.004 * n) * t
    return {
        "loss": loss.tolist(),
        "accuracy": (1.0 - loss / 2.6).tolist(),
        "val_loss": (loss * 1.05).tolist(),
        "val_accuracy": (1.0 - loss * 1.05 / 2.6).tolist(),
    }


def flat_and_high(n: int, *, seed: int = 0) -> dict[str, list[float]]:
    """Fast early fall, then both curves flat at a high value."""
    loss = noisy(decay(n, 2.2, 0.9, speed=12.0), 0.002, seed)
    return {
        "loss": loss.tolist(),
        "accuracy": (1.0 - loss / 2.6).tolist(),
        "val_loss": noisy(loss * 1.02, 0.003, seed + 1).tolist(),
        "val_accuracy": (1.0 - loss * 1.02 / 2.6).tolist(),
    }


def flat_and_jittery(n: int, *, seed: int = 0) -> dict[str, list[float]]:
    """Fast early fall, then a high level the loss keeps bouncing around (a rate too high to settle)."""
    loss = noisy(decay(n, 2.2, 0.9, speed=12.0), 0.04, seed)
    return {
        "loss": loss.tolist(),
        "accuracy": (1.0 - loss / 2.6).tolist(),
        "val_loss": noisy(decay(n, 2.0, 0.85, speed=12.0), 0.04, seed + 1).tolist(),
        "learning_rate": [0.05] * n,
    }


def cut_short(n: int) -> dict[str, list[float]]:
    """A good run stopped while both curves still fall quickly."""
    loss = decay(max(n * 4, 20), 2.2, 0.1)[:n]
    return {"loss": loss.tolist(), "val_loss": (loss * 0.95).tolist()}


def leaked(n: int, *, samples: int = 1000) -> dict[str, list[float]]:
    """Validation accuracy perfect from early on, on `samples` validation samples."""
    loss = decay(n, 1.2, 0.01, speed=8.0)
    val_accuracy = np.minimum(1.0, 0.7 + 0.3 * np.arange(n) / max(n // 3, 1))
    val_accuracy = np.floor(val_accuracy * samples) / samples
    if n > 2:
        val_accuracy[1] = val_accuracy[2] - 1.0 / samples  # one step of 1/samples shows the set's size
    return {
        "loss": loss.tolist(),
        "accuracy": (1.0 - loss / 3).tolist(),
        "val_loss": (loss * 0.9).tolist(),
        "val_accuracy": val_accuracy.tolist(),
    }
