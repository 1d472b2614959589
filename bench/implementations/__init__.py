"""The implementations the harness knows, and how to run one of them.

Each implementation module offers `prepare(workload, data, settings)`,
which builds the model (and whatever the framework wants built before
training) and returns `train(watch)`: the training call itself, timed by
the harness, returning the final training loss and validation metrics.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import random
import sys
from dataclasses import dataclass, field

import numpy as np
import torch

from bench.measure import MemoryProbe, RunResult, RunSettings, Stopwatch
from bench.workloads import Data, Workload

__all__ = ["IMPLEMENTATIONS", "REFERENCE", "Implementation", "measured_run", "select"]

#: Every ratio and per-step overhead is relative to this implementation.
REFERENCE = "torch_fused"


@dataclass(frozen=True)
class Implementation:
    """One way of training a workload.

    Attributes:
        key: Name used on the command line.
        label: Name used in the table.
        target: `"module:function"` of its `prepare`.
        requires: Modules that must be importable.
        env: Environment variables it needs; when the current process differs
            (or `isolated` is set) it runs in a worker process.
        isolated: Always run in a worker process (fresh caches, a time limit).
        default: Part of a run without `--impls`.
    """

    key: str
    label: str
    target: str
    requires: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    isolated: bool = False
    default: bool = True

    def missing(self) -> list[str]:
        """Required modules that are not installed."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def runs_here(self) -> bool:
        """Whether it can run in this process (environment and already-imported Keras agree)."""
        if self.isolated or any(os.environ.get(k) != v for k, v in self.env.items()):
            return False
        wanted = self.env.get("KERAS_BACKEND")
        if wanted and "keras" in sys.modules:
            return sys.modules["keras"].backend.backend() == wanted
        return True

    def load(self):  # noqa: ANN201 - the prepare function
        """Import and return its `prepare` function."""
        module, function = self.target.split(":")
        return getattr(importlib.import_module(module), function)


IMPLEMENTATIONS: dict[str, Implementation] = {
    impl.key: impl
    for impl in (
        Implementation("fitwell", "fitwell fit (verbose 0)", "bench.implementations.fitwell_fit:prepare"),
        Implementation(
            "fitwell_bar", "fitwell fit (verbose 1)", "bench.implementations.fitwell_fit:prepare_progress_bar"
        ),
        Implementation(
            "fitwell_jit",
            "fitwell fit (jit_compile)",
            "bench.implementations.fitwell_fit:prepare_jit",
            isolated=True,
            default=False,
        ),
        Implementation(
            REFERENCE, "hand-written, fused Adam", "bench.implementations.torch_loops:prepare_fused"
        ),
        Implementation(
            "torch_adam",
            "hand-written, default Adam",
            "bench.implementations.torch_loops:prepare_default_adam",
        ),
        Implementation(
            "dataloader", "DataLoader loop", "bench.implementations.torch_loops:prepare_dataloader"
        ),
        Implementation(
            "keras_torch",
            "Keras 3 (torch)",
            "bench.implementations.keras_fit:prepare",
            requires=("keras",),
            env={"KERAS_BACKEND": "torch"},
        ),
        Implementation(
            "keras_jax",
            "Keras 3 (jax)",
            "bench.implementations.keras_fit:prepare",
            requires=("keras", "jax"),
            env={"KERAS_BACKEND": "jax"},
        ),
        Implementation(
            "lightning",
            "Lightning",
            "bench.implementations.lightning_fit:prepare",
            requires=("lightning", "torchmetrics"),
        ),
        Implementation(
            "poutyne",
            "Poutyne",
            "bench.implementations.poutyne_fit:prepare",
            requires=("poutyne", "torchmetrics"),
        ),
    )
}


def select(keys: str | None, *, jit: bool) -> list[Implementation]:
    """Implementations from a comma-separated list, or the defaults (plus `fitwell_jit` with `jit`)."""
    if not keys:
        chosen = [impl for impl in IMPLEMENTATIONS.values() if impl.default]
        if jit:
            chosen.append(IMPLEMENTATIONS["fitwell_jit"])
        return chosen
    names = [part.strip() for part in keys.split(",") if part.strip()]
    unknown = [name for name in names if name not in IMPLEMENTATIONS]
    if unknown:
        raise ValueError(
            f"Unknown implementation(s) {unknown}. Expected some of: {', '.join(IMPLEMENTATIONS)}."
        )
    if jit and "fitwell_jit" not in names:
        names.append("fitwell_jit")
    return [IMPLEMENTATIONS[name] for name in names]


def seed_everything(seed: int) -> None:
    """Seed Python, numpy and torch (the shuffling order of a run)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def measured_run(impl: Implementation, workload: Workload, data: Data, settings: RunSettings) -> RunResult:
    """Prepare, then time and measure the training call. Errors become a failed result."""
    torch.set_num_threads(settings.threads)
    seed_everything(1000 + settings.repeat)
    probe, watch = MemoryProbe(settings.device), Stopwatch(settings.device)
    try:
        train = impl.load()(workload, data, settings)
        probe.begin()
        watch.start()
        values = train(watch)
        watch.stop()
    except Exception as error:  # noqa: BLE001 - a failing peer must not stop the benchmark
        message = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return RunResult(error=message)
    return RunResult(
        seconds=watch.seconds,
        cpu_seconds=watch.cpu_seconds,
        epoch_seconds=watch.epoch_seconds,
        peak_memory=probe.end(),
        **values,
    )
