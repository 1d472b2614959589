"""Run the benchmark: every workload with every implementation, interleaved, and write RESULTS.md.

Usage (from the repository root)::

    python -m bench.run                      # everything, 5 repetitions
    python -m bench.run --quick              # tiny sizes, 1 repetition (a smoke test)
    python -m bench.run --workloads W1,W3 --impls fitwell,torch_fused --repeats 3
    python -m bench.run --jit                # also fitwell with compile(jit_compile=True)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

# Keras (one of the peers) picks its backend at import; the in-process peer is Keras on torch.
os.environ.setdefault("KERAS_BACKEND", "torch")

import torch  # noqa: E402

from bench import implementations as impl_module  # noqa: E402
from bench import report  # noqa: E402
from bench.implementations import Implementation, measured_run  # noqa: E402
from bench.measure import RunResult, RunSettings  # noqa: E402
from bench.worker import WorkerPool  # noqa: E402
from bench.workloads import Workload, make_data  # noqa: E402
from bench.workloads import select as select_workloads  # noqa: E402

__all__ = ["main", "parse_args"]

DEFAULT_OUTPUT = Path(__file__).with_name("RESULTS.md")
#: A worker run (Keras on jax) that takes longer than this is abandoned.
WORKER_TIMEOUT = 1800.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and 1 repetition (smoke test)")
    parser.add_argument("--workloads", help="comma-separated, e.g. W1,W3 (W5 = the GPU set); default all")
    parser.add_argument(
        "--impls",
        help=f"comma-separated, from: {', '.join(impl_module.IMPLEMENTATIONS)}; default all installed",
    )
    parser.add_argument("--repeats", type=int, help="repetitions per implementation (default 5, quick 1)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: every core)")
    parser.add_argument("--device", help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--jit", action="store_true", help="also run fitwell with compile(jit_compile=True)")
    parser.add_argument(
        "--jit-timeout", type=float, default=900.0, help="seconds allowed per jit run, compile included"
    )
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed warm-up pass")
    parser.add_argument(
        "--output",
        help=f"markdown file to write (default {DEFAULT_OUTPUT.name}; none with --quick); '-' for none",
    )
    return parser.parse_args(argv)


class Runner:
    """Runs one implementation here or in its worker process."""

    def __init__(self, *, quick: bool, jit_timeout: float, threads: int) -> None:
        self.quick = quick
        # XLA (Keras on jax) sizes its own thread pool; hold it to one thread when torch has one.
        self.worker_env = {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"} if threads == 1 else {}
        self.jit_timeout = jit_timeout
        self.pool = WorkerPool()

    def run(self, impl: Implementation, workload: Workload, data: object, settings: RunSettings) -> RunResult:
        if impl.runs_here():
            return measured_run(impl, workload, data, settings)  # type: ignore[arg-type]
        timeout = self.jit_timeout if impl.isolated else WORKER_TIMEOUT
        return self.pool.run(
            impl.key,
            {**self.worker_env, **impl.env},
            workload.name,
            self.quick,
            settings,
            timeout=timeout,
            isolated=impl.isolated,
        )


def _order(impls: list[Implementation], repeat: int) -> list[Implementation]:
    # Rotate by one each repetition and reverse every other one, so that no
    # implementation always runs first, last or after the same neighbour.
    shift = repeat % len(impls)
    order = impls[shift:] + impls[:shift]
    return order[::-1] if repeat % 2 else order


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns the process exit code."""
    args = parse_args(argv)
    notes: list[str] = []
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    threads = args.threads or os.cpu_count() or 1
    repeats = args.repeats or (1 if args.quick else 5)
    workloads = select_workloads(args.workloads)
    skipped = [w.name for w in workloads if w.gpu_only and not device.startswith("cuda")]
    if skipped:
        notes.append(f"{', '.join(skipped)} skipped: GPU-only workloads, and this run is on {device}.")
    workloads = [w.quick() if args.quick else w for w in workloads if w.name not in skipped]
    impls = []
    for impl in impl_module.select(args.impls, jit=args.jit):
        missing = impl.missing()
        if missing:
            notes.append(
                f"{impl.label} skipped: {', '.join(missing)} not installed (see bench/requirements.txt)."
            )
        else:
            impls.append(impl)
    from bench.implementations.fitwell_fit import has_auc

    with_auc = has_auc()
    if not with_auc:
        notes.append("W3 runs without AUC for every implementation: this fitwell has no `metrics.AUC` yet.")
    if args.quick:
        notes.append("Quick run: tiny sizes, timings are meaningless.")
    notes.append(
        "Lightning and Poutyne get `torch.optim.Adam(fused=True)`, like the reference loop; the "
        "DataLoader loop and the 'default Adam' loop use torch's default Adam. Every optimizer uses "
        "Keras's epsilon 1e-7."
    )
    if threads == 1 and any(impl.key == "keras_jax" for impl in impls):
        notes.append(
            "Keras on jax runs with XLA's multi-threaded Eigen off, but XLA keeps threads of its own: "
            "its CPU time exceeds its wall time, so compare its wall-clock columns."
        )
    torch.set_num_threads(threads)
    runner = Runner(quick=args.quick, jit_timeout=args.jit_timeout, threads=threads)
    load_at_start = report.load_average()
    results: dict[tuple[str, str], list[RunResult]] = defaultdict(list)
    try:
        if not args.no_warmup and workloads:
            # One untimed tiny run per implementation: imports and first-call set-up happen here.
            warm = workloads[0].quick()
            warm_data = make_data(warm)
            for impl in impls:
                if not impl.isolated:
                    runner.run(
                        impl, warm, warm_data, RunSettings(threads=threads, device=device, with_auc=with_auc)
                    )
        for workload in workloads:
            data = make_data(workload)
            for repeat in range(repeats):
                settings = RunSettings(repeat=repeat, threads=threads, device=device, with_auc=with_auc)
                for impl in _order(impls, repeat):
                    result = runner.run(impl, workload, data, settings)
                    results[(workload.name, impl.key)].append(result)
                    outcome = result.error or f"{result.seconds:.3f} s, loss {result.train_loss:.4f}"
                    _log(f"{workload.name} #{repeat + 1} {impl.key}: {outcome}")
            runner.pool.close_isolated()
            del data
    finally:
        runner.pool.close()
    summaries = {
        (w.name, impl.key): report.summarize(w, results[(w.name, impl.key)])
        for w in workloads
        for impl in impls
        if results.get((w.name, impl.key))
    }
    command = "python -m bench.run" + (
        "" if argv is None and len(sys.argv) <= 1 else " " + " ".join(argv or sys.argv[1:])
    )
    text = report.markdown(
        workloads=workloads,
        impls=impls,
        summaries=summaries,
        machine=report.machine_lines(
            device=device, threads=threads, repeats=repeats, load=f"{load_at_start} → {report.load_average()}"
        ),
        notes=notes,
        command=command,
    )
    print(text)
    output = args.output or (None if args.quick else str(DEFAULT_OUTPUT))
    if output and output != "-":
        Path(output).write_text(text)
        _log(f"written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
