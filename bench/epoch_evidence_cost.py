"""Cost of the inside-the-epoch evidence (batch-loss spread, opt-in gradient norm) on W1.

W1's shape (MLP 784-256-128-10, batch 32) on the CPU with one thread, as bench/step_ab.py
builds it. Three variants are timed in turns, several rounds, best time per step kept:
the evidence off, batch losses only (the default), and batch losses with gradient norms.

    python -m bench.epoch_evidence_cost [rounds]
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch

SAMPLES = 20_000


def _model():
    import fitwell

    module = torch.nn.Sequential(
        torch.nn.Linear(784, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    model = fitwell.Model(module)
    loss = fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=fitwell.optimizers.Adam(1e-3), loss=loss, metrics=["accuracy"], device="cpu")
    return model


def main(rounds: int = 5) -> dict[str, float]:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 784)).astype("float32")
    y = rng.integers(0, 10, SAMPLES)
    model = _model()
    model.fit(x[:2000], y[:2000], batch_size=32, epochs=1, verbose=0, diagnose=False)
    evidence = model.trainer.epoch_evidence
    original = type(evidence).start_epoch
    best = {"off": float("inf"), "batch losses": float("inf"), "with gradient norm": float("inf")}
    for _ in range(rounds):
        for variant in best:
            evidence.gradient_norm = variant == "with gradient norm"
            if variant == "off":
                evidence.start_epoch = lambda: None  # never activates: nothing is recorded
            else:
                evidence.start_epoch = original.__get__(evidence)
            start = time.perf_counter()
            model.fit(x, y, batch_size=32, epochs=1, verbose=0, shuffle=False, diagnose=False)
            best[variant] = min(best[variant], time.perf_counter() - start)
    steps = -(-SAMPLES // 32)
    for variant, seconds in best.items():
        per_step = seconds / steps * 1e6
        print(f"{variant:>20}: {per_step:7.1f} us/step  ({per_step / (best['off'] / steps * 1e6) - 1:+.1%})")
    return best


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
