"""Turn measured runs into the markdown tables of `bench/RESULTS.md`."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import statistics
from dataclasses import dataclass

import torch

from bench.implementations import REFERENCE, Implementation
from bench.measure import RunResult
from bench.workloads import Workload

__all__ = ["Summary", "machine_lines", "markdown", "summarize"]

PACKAGES = ("torch", "numpy", "keras", "jax", "lightning", "torchmetrics", "poutyne")


@dataclass
class Summary:
    """Medians over the successful repetitions of one implementation on one workload."""

    runs: int
    seconds_per_epoch: float
    cpu_seconds_per_epoch: float
    spread: float  # (max - min) / median of the per-epoch times
    first_epoch: float
    steady_epoch: float  # median of every epoch after a run's first
    train_loss: float
    val_accuracy: float
    val_auc: float | None
    peak_memory_mb: float | None
    compiled_graphs: int | None
    error: str | None


def summarize(workload: Workload, results: list[RunResult]) -> Summary:
    """Medians of the successful runs; the error of the first failure when none succeeded."""
    good = [r for r in results if r.error is None]
    if not good:
        error = next((r.error for r in results if r.error), "no run")
        nan = float("nan")
        return Summary(0, nan, nan, nan, nan, nan, nan, nan, None, None, None, error)
    per_epoch = [r.seconds / workload.epochs for r in good]
    middle = statistics.median(per_epoch)
    later = [s for r in good for s in r.epoch_seconds[1:]]
    memory = [r.peak_memory for r in good if r.peak_memory is not None]
    aucs = [r.val_auc for r in good if r.val_auc is not None]
    graphs = [r.compiled_graphs for r in good if r.compiled_graphs is not None]
    return Summary(
        runs=len(good),
        seconds_per_epoch=middle,
        cpu_seconds_per_epoch=statistics.median(r.cpu_seconds / workload.epochs for r in good),
        spread=(max(per_epoch) - min(per_epoch)) / middle,
        first_epoch=good[0].epoch_seconds[0] if good[0].epoch_seconds else float("nan"),
        steady_epoch=statistics.median(later) if later else middle,
        train_loss=statistics.median(r.train_loss for r in good),
        val_accuracy=statistics.median(r.val_accuracy for r in good),
        val_auc=statistics.median(aucs) if aucs else None,
        peak_memory_mb=statistics.median(memory) / 2**20 if memory else None,
        compiled_graphs=max(graphs) if graphs else None,
        error=None,
    )


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    """The 1-minute load average, or "?" where the system does not tell."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"


def machine_lines(*, device: str, threads: int, repeats: int, load: str = "?") -> list[str]:
    """Machine, versions and date, as markdown bullet lines; `load` describes other work on the machine."""
    versions = ", ".join(f"{name} {v}" for name in PACKAGES if (v := _version(name)))
    hardware = f"{_cpu_name()}, {os.cpu_count()} cores"
    if device.startswith("cuda"):
        hardware += f"; GPU: {torch.cuda.get_device_name()}"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- Date: {now}",
        f"- Machine: {hardware}; {platform.system()} {platform.release()}",
        f"- Device: {device}; torch threads: {threads}; repetitions: {repeats} (median); "
        f"1-minute load average (start → end): {load}",
        f"- Python {platform.python_version()}; fitwell {_version('fitwell') or '(source)'}; {versions}",
    ]


def _cell(value: float | None, fmt: str) -> str:
    if value is None or value != value:  # None or nan
        return "–"
    return format(value, fmt)


def workload_table(
    workload: Workload, impls: list[Implementation], summaries: dict[str, Summary]
) -> list[str]:
    """One markdown table: a row per implementation."""
    reference = summaries.get(REFERENCE)
    ref_seconds = reference.seconds_per_epoch if reference and reference.error is None else None
    ref_cpu = reference.cpu_seconds_per_epoch if reference and reference.error is None else None
    steps = sum(workload.steps)
    binary = workload.task == "binary"
    header = (
        "| implementation | s/epoch | spread | samples/s | × fused loop | overhead µs/step | CPU s/epoch "
        "| × fused (CPU) | peak MB | train loss | val acc |" + (" val AUC |" if binary else "")
    )
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for impl in impls:
        summary = summaries.get(impl.key)
        if summary is None:
            continue
        if summary.error is not None:
            lines.append(f"| {impl.label} | failed: {summary.error} |" + " |" * (header.count("|") - 3))
            continue
        seconds = summary.seconds_per_epoch
        ratio = overhead = None
        if ref_seconds:
            ratio = seconds / ref_seconds
            overhead = (seconds - ref_seconds) / steps * 1e6
        cells = [
            impl.label,
            _cell(seconds, ".3f"),
            _cell(summary.spread * 100, ".0f") + "%",
            _cell(workload.train_samples / seconds, ",.0f"),
            f"**{ratio:.2f}**"
            if ratio is not None and impl.key.startswith("fitwell")
            else _cell(ratio, ".2f"),
            _cell(overhead, "+,.0f"),
            _cell(summary.cpu_seconds_per_epoch, ".3f"),
            _cell(summary.cpu_seconds_per_epoch / ref_cpu if ref_cpu else None, ".2f"),
            _cell(summary.peak_memory_mb, ",.1f"),
            _cell(summary.train_loss, ".4f"),
            _cell(summary.val_accuracy, ".4f"),
        ]
        if binary:
            cells.append(_cell(summary.val_auc, ".4f"))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def compile_table(
    workloads: list[Workload], impls: list[Implementation], summaries: dict[tuple[str, str], Summary]
) -> list[str]:
    """One-time compile costs of the compiling implementations and when they pay for themselves."""
    compiling = [impl for impl in impls if impl.key in ("fitwell_jit", "keras_jax")]
    if not compiling:
        return []
    lines = [
        "| workload | implementation | first epoch s | steady s/epoch | one-time cost s "
        "| fitwell eager s/epoch | epochs to pay off | graphs |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for workload in workloads:
        eager = summaries.get((workload.name, "fitwell"))
        eager_seconds = eager.steady_epoch if eager and eager.error is None else None
        for impl in compiling:
            summary = summaries.get((workload.name, impl.key))
            if summary is None:
                continue
            if summary.error is not None:
                lines.append(f"| {workload.name} | {impl.label} | failed: {summary.error} | | | | | |")
                continue
            cost = max(0.0, summary.first_epoch - summary.steady_epoch)
            pay_off = "–"
            if eager_seconds is not None:
                saving = eager_seconds - summary.steady_epoch
                pay_off = f"{cost / saving:,.1f}" if saving > 0 else "never (not faster)"
            graphs = "–" if summary.compiled_graphs is None else str(summary.compiled_graphs)
            lines.append(
                f"| {workload.name} | {impl.label} | {summary.first_epoch:.2f} | {summary.steady_epoch:.3f} "
                f"| {cost:.2f} | {_cell(eager_seconds, '.3f')} | {pay_off} | {graphs} |"
            )
    return lines


def targets_table(workloads: list[Workload], summaries: dict[tuple[str, str], Summary]) -> list[str]:
    """The issue's targets, checked against the medians."""

    def seconds(workload: Workload, key: str) -> float | None:
        summary = summaries.get((workload.name, key))
        return summary.seconds_per_epoch if summary and summary.error is None else None

    lines = ["| workload | target | measured | met |", "|---|---|---|---|"]
    for workload in workloads:
        ours, ref = seconds(workload, "fitwell"), seconds(workload, REFERENCE)
        if ours is None:
            continue
        rows: list[tuple[str, str, bool]] = []
        if ref:
            cpu = summaries[(workload.name, "fitwell")].cpu_seconds_per_epoch
            ref_cpu = summaries[(workload.name, REFERENCE)].cpu_seconds_per_epoch
            rows.append(
                (
                    "fitwell / fused loop ≤ 1.05",
                    f"{ours / ref:.3f} (CPU time: {cpu / ref_cpu:.3f})",
                    ours / ref <= 1.05,
                )
            )
        bar = seconds(workload, "fitwell_bar")
        if bar:
            rows.append(("progress bar adds ≤ 3%", f"{(bar / ours - 1) * 100:+.1f}%", bar / ours <= 1.03))
        for key, label in (
            ("keras_torch", "Keras torch"),
            ("lightning", "Lightning"),
            ("poutyne", "Poutyne"),
        ):
            peer = seconds(workload, key)
            if peer:
                rows.append((f"faster than {label}", f"{peer / ours:.2f}× faster", ours < peer))
        ours_summary, ref_summary = (
            summaries[(workload.name, "fitwell")],
            summaries.get((workload.name, REFERENCE)),
        )
        if ref_summary and ours_summary.peak_memory_mb is not None and ref_summary.peak_memory_mb is not None:
            limit = ref_summary.peak_memory_mb * 1.1 + 1.0  # +1 MB: RSS is counted in pages
            rows.append(
                (
                    "peak memory ≤ fused loop + 10%",
                    f"{ours_summary.peak_memory_mb:.1f} vs {ref_summary.peak_memory_mb:.1f} MB",
                    ours_summary.peak_memory_mb <= limit,
                )
            )
        jit = summaries.get((workload.name, "fitwell_jit"))
        keras_best = [
            s.steady_epoch
            for key in ("keras_torch", "keras_jax")
            if (s := summaries.get((workload.name, key))) and s.error is None
        ]
        if jit and jit.error is None and keras_best:
            best = min(keras_best)
            rows.append(
                (
                    "jit: faster per epoch than Keras's fastest backend",
                    f"{jit.steady_epoch:.3f} vs {best:.3f} s",
                    jit.steady_epoch < best,
                )
            )
        lines += [f"| {workload.name} | {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in rows]
    return lines


def markdown(
    *,
    workloads: list[Workload],
    impls: list[Implementation],
    summaries: dict[tuple[str, str], Summary],
    machine: list[str],
    notes: list[str],
    command: str,
) -> str:
    """The whole RESULTS.md text."""
    out = ["# Benchmark results", "", f"Produced by `{command}`.", "", *machine, ""]
    for workload in workloads:
        per_impl = {key: s for (name, key), s in summaries.items() if name == workload.name}
        if not per_impl:
            continue
        train_steps, val_steps = workload.steps
        out += [
            f"## {workload.name}: {workload.title}",
            "",
            f"{workload.train_samples:,} training and {workload.samples - workload.train_samples:,} "
            f"validation samples; {train_steps} training + {val_steps} validation steps per epoch.",
            "",
            *workload_table(workload, impls, per_impl),
            "",
        ]
    compiled = compile_table(workloads, impls, summaries)
    if compiled:
        out += ["## Compiled steps: one-time cost", "", *compiled, ""]
    targets = targets_table(workloads, summaries)
    if len(targets) > 2:
        out += ["## Targets", "", *targets, ""]
    out += [
        "## How to read the tables",
        "",
        "- s/epoch: median over the repetitions of the whole training call (validation included) divided "
        "by the number of epochs; spread: (slowest − fastest) / median.",
        "- CPU s/epoch: the process's CPU time (all threads) over the same call; with one torch thread it "
        "is what the wall time would be on an idle machine, so × fused (CPU) is the ratio to trust when "
        "other work shared the machine (see the load average above).",
        "- × fused loop and overhead µs/step: against the hand-written loop with `Adam(fused=True)`; the "
        "overhead is the extra time per epoch divided by the training plus validation steps.",
        "- peak MB: resident memory added during the training call (CPU) or "
        "`torch.cuda.max_memory_allocated` (GPU).",
        "- train loss: the last epoch's mean training loss; val acc (and AUC): after the last epoch. Equal "
        "within noise across rows, which shows that every implementation did the same work.",
        "- Compiled steps: the first epoch of the first run (cold compile cache) minus the median of all "
        "later epochs is the one-time cost; it pays for itself after cost / (eager − compiled) epochs.",
        "",
    ]
    if notes:
        out += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    return "\n".join(out)
