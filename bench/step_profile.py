"""Where fitwell's per-step time goes, next to the hand-written fused loop.

Times each part of one training step, fitwell's way and the hand-written
way, on the same model and batch, and prints microseconds per step (the
minimum over several blocks of steps, which filters out other load on the
machine). Run `python -m bench.step_profile --workload W1`; add
`--cprofile` for the Python functions fitwell spends its step in.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import time
from collections.abc import Callable

import torch

from bench.implementations.common import correct_count, loss_function
from bench.workloads import EPSILON, LEARNING_RATE, WORKLOADS, Workload, make_data, make_module

__all__ = ["main", "per_step_microseconds"]


def per_step_microseconds(
    first: Callable[[], object], second: Callable[[], object], *, steps: int = 200, blocks: int = 9
) -> tuple[float, float]:
    """CPU time per call of `first` and of `second`, in µs: the minimum over interleaved blocks.

    CPU time of this thread (one torch thread) rather than wall time, and
    the blocks alternate between the two, so other load on the machine
    barely moves the numbers.
    """
    best = [float("inf"), float("inf")]
    for block in range(blocks + 1):
        for which, step in enumerate((first, second)):
            start = time.thread_time()
            for _ in range(steps):
                step()
            if block:  # the first block warms up
                best[which] = min(best[which], (time.thread_time() - start) / steps)
    return best[0] * 1e6, best[1] * 1e6


def _fitwell_model(workload: Workload, data):  # noqa: ANN001, ANN202
    import fitwell

    model = fitwell.Model(make_module(workload))
    loss = (
        fitwell.losses.BinaryCrossentropy(from_logits=True)
        if workload.task == "binary"
        else fitwell.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    model.compile(
        optimizer=fitwell.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
        loss=loss,
        metrics=["accuracy"],
        device="cpu",
    )
    small = workload.batch_size * 2
    model.fit(data.x_train[:small], data.y_train[:small], batch_size=workload.batch_size, epochs=1, verbose=0)
    return model


def main(argv: list[str] | None = None) -> None:
    """Print the per-part table (and optionally a cProfile listing)."""
    parser = argparse.ArgumentParser(prog="python -m bench.step_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--workload", default="W1")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's top functions")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    workload = dataclasses.replace(WORKLOADS[args.workload], samples=4096)
    data = make_data(workload)
    from fitwell import data as data_module
    from fitwell import engine

    model = _fitwell_model(workload, data)
    state = model._compiled
    source = data_module.as_data(
        data.x_train,
        data.y_train,
        None,
        batch_size=workload.batch_size,
        shuffle=True,
        device=torch.device("cpu"),
    )
    batches = iter(())

    def next_batch():  # noqa: ANN202
        nonlocal batches
        try:
            return next(batches)
        except StopIteration:
            batches = source.epoch()
            return next(batches)

    batch = next_batch()
    hand = make_module(workload)
    optimizer = torch.optim.Adam(hand.parameters(), lr=LEARNING_RATE, eps=EPSILON, fused=True)
    loss_fn = loss_function(workload)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    order = torch.randperm(len(x))
    index = order[: workload.batch_size]
    xb, yb = x.index_select(0, index), y.index_select(0, index)
    total, correct = torch.zeros(()), torch.zeros(())
    position = 0

    def hand_next_batch() -> tuple[torch.Tensor, torch.Tensor]:
        # The expert's slicing, walking through the data as fitwell does (cold rows, not one hot batch).
        nonlocal position, order
        if position >= len(x):
            order, position = torch.randperm(len(x)), 0
        chosen = order[position : position + workload.batch_size]
        position += workload.batch_size
        return x.index_select(0, chosen), y.index_select(0, chosen)

    def hand_step(batch: tuple[torch.Tensor, torch.Tensor] | None = None) -> None:
        nonlocal total, correct
        xb_, yb_ = batch if batch is not None else (xb, yb)
        logits = hand(xb_)
        loss = loss_fn(logits, yb_)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            total += loss.detach() * len(xb_)
            correct += correct_count(workload, logits, yb_)

    logits = model(batch.x)
    leaf = logits.detach().clone().requires_grad_(True)
    parts: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("whole step", lambda: engine.train_step(model, state, batch, None), hand_step),
        (
            "whole step + next batch",
            lambda: engine.train_step(model, state, next_batch(), None),
            lambda: hand_step(hand_next_batch()),
        ),
        ("batch slicing", next_batch, hand_next_batch),
        ("forward", lambda: engine.call_module(model, batch.x), lambda: hand(xb)),
        (
            "loss (+ tracker)",
            lambda: state.compute_loss(batch.y, logits, batch.sample_weight, batch.size),
            lambda: loss_fn(logits, yb),
        ),
        (
            "forward + loss + backward",
            lambda: state.compute_loss(
                batch.y, engine.call_module(model, batch.x), None, batch.size
            ).backward(),
            lambda: loss_fn(hand(xb), yb).backward(),
        ),
        (
            "loss + backward (same logits)",
            lambda: state.compute_loss(batch.y, leaf * 1.0, None, batch.size).backward(),
            lambda: loss_fn(leaf * 1.0, yb).backward(),
        ),
        ("zero_grad", state.optimizer.zero_grad, lambda: optimizer.zero_grad(set_to_none=True)),
        ("optimizer step", state.optimizer.step, optimizer.step),
        (
            "metrics update",
            lambda: state.update_metrics(batch.y, logits.detach(), batch.sample_weight),
            lambda: correct.add_(correct_count(workload, logits.detach(), yb)),
        ),
    ]
    print(
        f"{workload.name} ({workload.title}), {args.threads} thread(s), "
        "CPU µs per step (min over interleaved blocks)"
    )
    print(f"{'part':28s} {'fitwell':>9s} {'hand':>9s} {'extra':>9s}")
    for name, ours, theirs in parts:
        # Gradients exist for every part (zero_grad drops them, the optimizer needs them).
        for parameter in [*model.parameters(), *hand.parameters()]:
            parameter.grad = torch.zeros_like(parameter)
        a, b = per_step_microseconds(ours, theirs)
        print(f"{name:28s} {a:9.1f} {b:9.1f} {a - b:+9.1f}")
    if args.cprofile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(2000):
            engine.train_step(model, state, next_batch(), None)
        profiler.disable()
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(30)
        print(stream.getvalue())


if __name__ == "__main__":
    main()
