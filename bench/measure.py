"""Timing and memory measurement shared by every implementation.

Memory on CPU is the peak resident set size during a run minus the resident
size before it. Linux lets a process reset its own peak (`VmHWM`) by writing
`5` to `/proc/self/clear_refs`; freed heap is handed back to the system first
(`malloc_trim`) so that one run's leftovers do not hide the next run's
needs. On CUDA it is `torch.cuda.max_memory_allocated()`.
"""

from __future__ import annotations

import ctypes
import gc
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import torch

__all__ = ["RunResult", "RunSettings", "Stopwatch", "MemoryProbe"]


@dataclass
class RunSettings:
    """What every implementation needs to know besides the workload.

    Attributes:
        repeat: Repetition index; seeds the shuffling.
        threads: `torch.set_num_threads` value.
        device: `"cpu"` or `"cuda"`.
        with_auc: Whether the binary workload also computes AUC.
    """

    repeat: int = 0
    threads: int = 1
    device: str = "cpu"
    with_auc: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (sent to worker processes)."""
        return asdict(self)


@dataclass
class RunResult:
    """What one run of one implementation on one workload produced.

    Attributes:
        seconds: Wall time of the whole training call, validation included.
        cpu_seconds: CPU time of this process during the call (all its threads):
            with one torch thread, close to the wall time an idle machine would show.
        epoch_seconds: Wall time of each epoch (the first includes start-up).
        train_loss: Mean training loss of the last epoch.
        val_accuracy: Validation accuracy after the last epoch.
        val_auc: Validation AUC after the last epoch (binary workload only).
        peak_memory: Bytes (see the module docstring); None when unknown.
        compiled_graphs: Graphs compiled by torch.compile during the run (jit runs only).
        error: Why the run failed, or None.
    """

    seconds: float = float("nan")
    cpu_seconds: float = float("nan")
    epoch_seconds: list[float] = field(default_factory=list)
    train_loss: float = float("nan")
    val_accuracy: float = float("nan")
    val_auc: float | None = None
    peak_memory: int | None = None
    compiled_graphs: int | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (sent back by worker processes)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunResult:
        """The inverse of `to_dict`."""
        return cls(**values)


class Stopwatch:
    """Times one training call and its epochs.

    The implementation calls `start()` just before its training call,
    `epoch_end()` at the end of every epoch (from a callback where the
    framework has them) and `stop()` right after the call returns.
    """

    def __init__(self, device: str = "cpu") -> None:
        self._device = device
        self._start = 0.0
        self._cpu_start = 0.0
        self._marks: list[float] = []
        self.seconds = float("nan")
        self.cpu_seconds = float("nan")

    def _sync(self) -> None:
        if self._device.startswith("cuda"):
            torch.cuda.synchronize()

    def start(self) -> None:
        """Mark the start of the training call."""
        self._sync()
        self._marks = []
        self._cpu_start = time.process_time()
        self._start = time.perf_counter()

    def epoch_end(self) -> None:
        """Mark the end of one epoch."""
        self._marks.append(time.perf_counter())

    def stop(self) -> None:
        """Mark the end of the training call."""
        self._sync()
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu_start

    @property
    def epoch_seconds(self) -> list[float]:
        """Duration of each marked epoch."""
        edges = [self._start, *self._marks]
        return [b - a for a, b in zip(edges, edges[1:], strict=False)]


def _status_kib(field_name: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            found = re.search(rf"^{field_name}:\s+(\d+) kB", status.read(), re.MULTILINE)
    except OSError:
        return None
    return int(found.group(1)) if found else None


class MemoryProbe:
    """Peak memory of the code run between `begin()` and `end()`."""

    def __init__(self, device: str = "cpu") -> None:
        self._device = device
        self._baseline: int | None = None
        self._can_reset = True

    def begin(self) -> None:
        """Release cached memory and reset the peak."""
        gc.collect()
        if self._device.startswith("cuda"):
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
            self._baseline = torch.cuda.memory_allocated()
            return
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):
            pass
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
        except OSError:
            self._can_reset = False
        self._baseline = _status_kib("VmRSS")

    def end(self) -> int | None:
        """Bytes used at the peak above the baseline; None where it cannot be known."""
        if self._baseline is None:
            return None
        if self._device.startswith("cuda"):
            return max(0, torch.cuda.max_memory_allocated() - self._baseline)
        peak = _status_kib("VmHWM")
        if peak is None or not self._can_reset:
            return None
        return max(0, peak - self._baseline) * 1024
