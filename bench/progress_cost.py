"""What the progress display costs: `fit(verbose=1)` against `fit(verbose=0)` in the same run.

Usage (from the repository root)::

    python -m bench.progress_cost                  # W1, 5 repetitions, one torch thread
    python -m bench.progress_cost --repeats 9 --outputs file,pty
    python -m bench.progress_cost --quick          # tiny sizes (a smoke test)

Each repetition trains a fresh model from the same initial weights once per
setting, the settings taking turns in a rotating order so that a slow moment
of a shared machine does not fall on one setting only:

- `verbose=0`: no display;
- `verbose=1 to a file`: the display writes to a temporary file (what a log
  file, a pipe or CI gets);
- `verbose=1 to a pty`: the display writes to a pseudo-terminal, which
  `cat` drains, so the live line is redrawn as often as on a screen.

The table gives, per setting, the median wall and CPU seconds of the
training call, and the added cost against `verbose=0` of the same
repetition: the median of those ratios and their range (min to max).
The CPU time is the one to trust on a busy machine (one torch thread).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import torch

from bench.workloads import EPSILON, LEARNING_RATE, WORKLOADS, Data, Workload, make_data, make_module

__all__ = ["OUTPUTS", "Timing", "main", "measure"]

#: The settings compared, by name.
OUTPUTS = ("off", "file", "pty")
_TITLES = {"off": "verbose=0", "file": "verbose=1 to a file", "pty": "verbose=1 to a pty"}


@dataclass
class Timing:
    """One training call: wall and CPU seconds, the seconds spent inside the display's hooks,
    and the last training loss (equal across settings: the same work was done)."""

    seconds: float
    cpu_seconds: float
    display_seconds: float
    loss: float


def _timed_logger(stream: IO[str]) -> object:
    """A `ProgbarLogger` that adds up the time spent in its own hooks (not the loop's call of them)."""
    from fitwell.callbacks import ProgbarLogger

    class TimedLogger(ProgbarLogger):
        seconds = 0.0

        def _timed(self, hook: str, *args: object) -> None:
            start = time.perf_counter()
            getattr(super(), hook)(*args)
            self.seconds += time.perf_counter() - start

        def on_epoch_begin(self, epoch: int, logs: object = None) -> None:
            self._timed("on_epoch_begin", epoch, logs)

        def on_train_batch_end(self, batch: int, logs: object = None) -> None:
            self._timed("on_train_batch_end", batch, logs)

        def on_test_begin(self, logs: object = None) -> None:
            self._timed("on_test_begin", logs)

        def on_epoch_end(self, epoch: int, logs: object = None) -> None:
            self._timed("on_epoch_end", epoch, logs)

    return TimedLogger(1, file=stream)


@contextlib.contextmanager
def _pty_stream() -> Iterator[IO[str]]:
    """A text stream whose other end is a pseudo-terminal, read by `cat` (another process, so that
    reading it takes nothing from this one, as a terminal emulator would)."""
    main_fd, terminal_fd = os.openpty()
    reader = subprocess.Popen(["cat"], stdin=main_fd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stream = open(terminal_fd, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 - closed below
    try:
        yield stream
    finally:
        stream.close()
        reader.wait(timeout=10)
        os.close(main_fd)


@contextlib.contextmanager
def _stream(output: str) -> Iterator[IO[str] | None]:
    if output == "off":
        yield None
    elif output == "file":
        with tempfile.TemporaryFile("w+", encoding="utf-8") as file:
            yield file
    else:
        with _pty_stream() as stream:
            yield stream


def _model(workload: Workload) -> object:
    import fitwell

    model = fitwell.Model(make_module(workload))
    model.compile(
        optimizer=fitwell.optimizers.Adam(learning_rate=LEARNING_RATE, epsilon=EPSILON),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        device="cpu",
    )
    return model


def measure(workload: Workload, data: Data, output: str) -> Timing:
    """Train once with the given display setting and time the `fit` call."""
    import fitwell

    model = _model(workload)
    fitwell.utils.set_random_seed(0)
    with _stream(output) as stream:
        verbose = 0 if stream is None else 1
        callbacks = [] if stream is None else [_timed_logger(stream)]
        cpu_start, start = time.process_time(), time.perf_counter()
        history = model.fit(
            data.x_train,
            data.y_train,
            batch_size=workload.batch_size,
            epochs=workload.epochs,
            validation_data=(data.x_val, data.y_val),
            verbose=verbose,
            diagnose=False,
            callbacks=callbacks,
        )
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    display_seconds = getattr(callbacks[0], "seconds", 0.0) if callbacks else 0.0
    return Timing(seconds, cpu_seconds, display_seconds, history.history["loss"][-1])


def _added(values: list[float]) -> str:
    return f"{statistics.median(values):+.1%} ({min(values):+.1%} … {max(values):+.1%})"


def _table(workload: Workload, timings: dict[str, list[Timing]]) -> str:
    base = timings["off"]
    rows = [
        f"{workload.name}: {workload.title}, {len(base)} repetitions, "
        f"{torch.get_num_threads()} torch thread(s)",
        "",
        "| setting | wall s | CPU s | added wall: median (range) | added CPU: median (range) "
        "| added CPU: fastest vs fastest | in the display's hooks | train loss |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for output, runs in timings.items():
        wall = statistics.median(r.seconds for r in runs)
        cpu = statistics.median(r.cpu_seconds for r in runs)
        if output == "off":
            added = ["–", "–", "–", "–"]
        else:
            walls = [run.seconds / ref.seconds - 1 for run, ref in zip(runs, base, strict=True)]
            cpus = [run.cpu_seconds / ref.cpu_seconds - 1 for run, ref in zip(runs, base, strict=True)]
            fastest = min(r.cpu_seconds for r in runs) / min(r.cpu_seconds for r in base) - 1
            hooks = statistics.median(r.display_seconds / r.seconds for r in runs)
            added = [_added(walls), _added(cpus), f"{fastest:+.1%}", f"{hooks:.2%} of the fit"]
        rows.append(
            f"| {_TITLES[output]} | {wall:.3f} | {cpu:.3f} | {' | '.join(added)} | {runs[-1].loss:.4f} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print a markdown table."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.progress_cost", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--workload", default="W1", help="workload name (default W1)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions per setting (default 5)")
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--outputs", default="file,pty", help="verbose=1 settings: file, pty (default both)")
    parser.add_argument("--epochs", type=int, help="epochs per run (default: the workload's)")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 1 repetition (smoke test)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    workload = WORKLOADS[args.workload.upper()]
    if args.quick:
        workload = workload.quick()
    if args.epochs:
        workload = Workload(**{**workload.__dict__, "epochs": args.epochs})
    outputs = ["off", *(o.strip() for o in args.outputs.split(",") if o.strip() and o.strip() != "off")]
    unknown = [o for o in outputs if o not in OUTPUTS]
    if unknown:
        parser.error(f"--outputs takes file and pty. Received: {','.join(unknown)}")
    data = make_data(workload)
    repeats = 1 if args.quick else args.repeats
    for output in outputs:  # warm-up: imports (rich's for the pty) and first-call costs
        measure(workload.quick(), make_data(workload.quick()), output)
    timings: dict[str, list[Timing]] = {output: [] for output in outputs}
    for repeat in range(repeats):
        order = outputs[repeat % len(outputs) :] + outputs[: repeat % len(outputs)]
        for output in order:
            timings[output].append(measure(workload, data, output))
        print(f"repetition {repeat + 1}/{repeats} done", file=sys.stderr, flush=True)
    print(_table(workload, timings))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
