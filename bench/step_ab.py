"""Per-step time of `fit` on a W1- or W3-shaped model, for A/B comparisons between two checkouts.

Usage (run it alternately against two source trees, several times each, and compare the best)::

    PYTHONPATH=path/to/checkout_a/src python -m bench.step_ab w3
    PYTHONPATH=path/to/checkout_b/src python -m bench.step_ab w3

It builds the model as `fitwell.Model(torch module)`, fits one epoch to warm up, then times three
one-epoch fits on 20,000 samples with one torch thread and prints the best time per step.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch

__all__ = ["main"]

SAMPLES = 20_000


def main(kind: str = "w3") -> float:
    """The best µs per training step of three one-epoch fits."""
    import fitwell

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 784)).astype("float32")
    if kind == "w3":
        y = (rng.random(SAMPLES) > 0.5).astype("float32").reshape(-1, 1)
        module = torch.nn.Sequential(torch.nn.Linear(784, 1))
        loss, batch_size = fitwell.losses.BinaryCrossentropy(from_logits=True), 64
    else:
        y = rng.integers(0, 10, SAMPLES)
        module = torch.nn.Sequential(
            torch.nn.Linear(784, 256),
            torch.nn.ReLU(),
            torch.nn.Linear(256, 128),
            torch.nn.ReLU(),
            torch.nn.Linear(128, 10),
        )
        loss, batch_size = fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), 32
    model = fitwell.Model(module)
    model.compile(optimizer=fitwell.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"], device="cpu")
    model.fit(x[:2000], y[:2000], batch_size=batch_size, epochs=1, verbose=0)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=False)
        best = min(best, time.perf_counter() - start)
    per_step = best / -(-SAMPLES // batch_size) * 1e6
    print(f"{kind}: {per_step:.1f} us/step")
    return per_step


if __name__ == "__main__":
    main(*sys.argv[1:2])
