"""Where fitwell's time goes, part by part, next to the hand-written fused loop.

Times each part of a training step (and of a validation step) fitwell's way
and the hand-written way, on the same model, data and metrics as the
benchmark, and prints CPU microseconds per call. It also times the
once-per-`fit` data preparation. Run from the repository root::

    python -m bench.step_profile --workload W3 [--cprofile]

The numbers are minima over interleaved blocks of CPU time with one torch
thread, so other work on the machine barely moves them; the "extra" column
is what the benchmark's per-step overhead is made of.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import time
from collections.abc import Callable
from typing import Any

import torch

from bench.implementations.common import AucHistogram, correct_count, loss_function
from bench.workloads import EPSILON, LEARNING_RATE, WORKLOADS, Data, Workload, make_data, make_module

__all__ = ["main", "per_call_microseconds"]

Part = tuple[str, Callable[[], object], Callable[[], object]]


def per_call_microseconds(
    first: Callable[[], object], second: Callable[[], object], *, calls: int = 200, blocks: int = 9
) -> tuple[float, float]:
    """CPU µs per call of `first` and of `second`: the minimum over interleaved blocks."""
    best = [float("inf"), float("inf")]
    for block in range(blocks + 1):
        for which, function in enumerate((first, second)):
            start = time.thread_time()
            for _ in range(calls):
                function()
            if block:  # the first block warms up
                best[which] = min(best[which], (time.thread_time() - start) / calls)
    return best[0] * 1e6, best[1] * 1e6


def _fitwell_model(workload: Workload, data: Data, *, with_auc: bool) -> Any:
    import fitwell

    model = fitwell.Model(make_module(workload))
    binary = workload.task == "binary"
    loss = (
        fitwell.losses.BinaryCrossentropy(from_logits=True)
        if binary
        else fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    metrics: list[Any] = ["accuracy"]
    if with_auc and binary:
        metrics.append(fitwell.metrics.AUC(from_logits=True, name="auc"))
    model.compile(
        optimizer=fitwell.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
        loss=loss,
        metrics=metrics,
        device="cpu",
    )
    small = workload.batch_size * 2
    model.fit(data.x_train[:small], data.y_train[:small], batch_size=workload.batch_size, epochs=1, verbose=0)
    return model


class _Hand:
    """The reference loop's pieces, walking through the data as fitwell does."""

    def __init__(self, workload: Workload, data: Data, *, with_auc: bool) -> None:
        self.workload = workload
        self.model = make_module(workload)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE, eps=EPSILON, fused=True)
        self.loss_fn = loss_function(workload)
        self.x, self.y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
        self.order, self.position = torch.randperm(len(self.x)), 0
        self.total, self.correct = torch.zeros(()), torch.zeros(())
        device = torch.device("cpu")
        self.auc = AucHistogram(device) if with_auc and workload.task == "binary" else None
        self.fixed = self.next_batch()

    def next_batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self.position >= len(self.x):
            self.order, self.position = torch.randperm(len(self.x)), 0
        chosen = self.order[self.position : self.position + self.workload.batch_size]
        self.position += self.workload.batch_size
        return self.x.index_select(0, chosen), self.y.index_select(0, chosen)

    def metrics(self, logits: torch.Tensor, y: torch.Tensor) -> None:
        self.correct += correct_count(self.workload, logits, y)
        if self.auc is not None:
            self.auc.update(logits, y)

    def train_step(self, batch: tuple[torch.Tensor, torch.Tensor] | None = None) -> None:
        x, y = batch or self.fixed
        logits = self.model(x)
        loss = self.loss_fn(logits, y)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        with torch.no_grad():
            self.total += loss.detach() * len(x)
            self.metrics(logits, y)

    @torch.no_grad()
    def test_step(self) -> None:
        x, y = self.fixed
        logits = self.model(x)
        self.total += self.loss_fn(logits, y) * len(x)
        self.metrics(logits, y)


def _parts(
    workload: Workload, data: Data, *, with_auc: bool
) -> tuple[list[Part], Callable[[], None], Callable[[], None]]:
    from fitwell import data as data_module
    from fitwell import engine

    model = _fitwell_model(workload, data, with_auc=with_auc)
    state = model._compiled
    hand = _Hand(workload, data, with_auc=with_auc)
    cpu = torch.device("cpu")
    source = data_module.as_data(
        data.x_train, data.y_train, None, batch_size=workload.batch_size, shuffle=True, device=cpu
    )
    batches = iter(())

    def next_batch() -> Any:
        nonlocal batches
        try:
            return next(batches)
        except StopIteration:
            batches = source.epoch()
            return next(batches)

    batch = next_batch()
    logits = model(batch.x).detach()
    leaf = logits.clone().requires_grad_(True)
    total = logits.sum()
    y_hand = hand.fixed[1]

    def fitwell_loss_backward() -> None:
        loss, _, _ = state.forward_loss(batch.x, batch.y, None)
        loss.backward()

    parts: list[Part] = [
        ("train step", lambda: engine.train_step(model, state, batch, None), hand.train_step),
        (
            "train step + next batch",
            lambda: engine.train_step(model, state, next_batch(), None),
            lambda: hand.train_step(hand.next_batch()),
        ),
        ("validation step", lambda: engine.test_step(model, state, batch), hand.test_step),
        ("batch slicing", next_batch, hand.next_batch),
        ("forward", lambda: engine.call_module(model, batch.x), lambda: hand.model(hand.fixed[0])),
        (
            "forward + loss + backward",
            fitwell_loss_backward,
            lambda: hand.loss_fn(hand.model(hand.fixed[0]), y_hand).backward(),
        ),
        (
            "loss + backward (same logits)",
            lambda: state.loss_values(batch.y, leaf * 1.0, None)[0].backward(),
            lambda: hand.loss_fn(leaf * 1.0, y_hand).backward(),
        ),
        (
            "loss tracking",
            lambda: state.track_loss(total, [total], batch.size),
            lambda: hand.total.add_(total.detach() * batch.size),
        ),
        ("zero_grad", state.optimizer.zero_grad, lambda: hand.optimizer.zero_grad(set_to_none=True)),
        ("optimizer step", state.optimizer.step, hand.optimizer.step),
        (
            "metric updates",
            lambda: state.update_metrics(batch.y, logits, None),
            lambda: hand.metrics(logits, y_hand),
        ),
    ]

    def profile_steps() -> None:
        for _ in range(2000):
            engine.train_step(model, state, next_batch(), None)

    def give_gradients() -> None:
        # zero_grad drops the gradients; the optimizer parts need some.
        for parameter in [*model.parameters(), *hand.model.parameters()]:
            parameter.grad = torch.zeros_like(parameter)

    return parts, profile_steps, give_gradients


def _data_preparation_ms(data: Data, workload: Workload) -> tuple[float, float]:
    from fitwell import data as data_module

    def ours() -> None:
        data_module.as_data(
            data.x_train, data.y_train, None, batch_size=workload.batch_size, shuffle=True,
            device=torch.device("cpu"),
        )  # fmt: skip

    def theirs() -> None:
        torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)

    a, b = per_call_microseconds(ours, theirs, calls=1, blocks=3)
    return a / 1e3, b / 1e3


def main(argv: list[str] | None = None) -> None:
    """Print the per-part table (and optionally a cProfile listing of fitwell's steps)."""
    parser = argparse.ArgumentParser(prog="python -m bench.step_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="W1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-auc", action="store_true", help="leave AUC out of the binary workload")
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's top functions")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    full = WORKLOADS[args.workload]
    workload = dataclasses.replace(full, samples=4096)
    data = make_data(workload)
    parts, profile_steps, give_gradients = _parts(workload, data, with_auc=not args.no_auc)
    print(
        f"{workload.name} ({workload.title}), {args.threads} thread(s); "
        "CPU µs per call, min of interleaved blocks"
    )
    print(f"{'part':32s} {'fitwell':>9s} {'hand':>9s} {'extra':>9s}")
    for name, ours, theirs in parts:
        give_gradients()
        a, b = per_call_microseconds(ours, theirs)
        print(f"{name:32s} {a:9.1f} {b:9.1f} {a - b:+9.1f}")
    ours_ms, theirs_ms = _data_preparation_ms(make_data(full), full)
    print(
        f"{'data preparation per fit (ms)':32s} {ours_ms:9.1f} {theirs_ms:9.1f} {ours_ms - theirs_ms:+9.1f}"
    )
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        profile_steps()
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(30)
        print(stream.getvalue())


if __name__ == "__main__":
    main()
