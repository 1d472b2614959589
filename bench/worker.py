"""Worker processes: run implementations that cannot share the harness's process.

Keras fixes its backend at import, so Keras on jax runs in a process started
with `KERAS_BACKEND=jax`; fitwell's `jit_compile` runs in a process of its
own with a fresh compile cache and a time limit. A worker reads one JSON
request per line on stdin and answers one line on stdout; whatever the
libraries print goes to stderr.

Run as `python -m bench.worker` (the harness starts it; not meant for users).
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from typing import IO, Any

from bench.measure import RunResult, RunSettings

__all__ = ["WorkerPool", "main"]

ANSWER = "@@bench-result@@ "


def main() -> None:
    """Serve requests until stdin closes."""
    answers: IO[str] = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # library output must not corrupt the answers
    from bench.implementations import IMPLEMENTATIONS, measured_run
    from bench.workloads import WORKLOADS, make_data

    cache: dict[tuple[str, bool], Any] = {}
    for line in sys.stdin:
        request = json.loads(line)
        workload = WORKLOADS[request["workload"]]
        if request["quick"]:
            workload = workload.quick()
        key = (workload.name, bool(request["quick"]))
        if key not in cache:
            cache.clear()
            cache[key] = make_data(workload)
        result = measured_run(
            IMPLEMENTATIONS[request["impl"]], workload, cache[key], RunSettings(**request["settings"])
        )
        answers.write(ANSWER + json.dumps(result.to_dict()) + "\n")
        answers.flush()


class _Worker:
    def __init__(self, env: dict[str, str], *, scratch: str | None = None) -> None:
        self.scratch = scratch  # a directory removed when the worker stops
        self.log = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env={**os.environ, **env},
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )

    def ask(self, request: dict[str, Any], timeout: float) -> RunResult:
        if self.process.stdin is None or self.process.stdout is None:
            return RunResult(error="worker has no pipes")
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.close()
                return RunResult(error=f"timed out after {timeout:.0f} s (worker stopped)")
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if not ready:
                continue
            line = self.process.stdout.readline()
            if not line:
                return RunResult(error=f"worker exited with code {self.process.wait()}: {self._log_tail()}")
            if line.startswith(ANSWER):
                return RunResult.from_dict(json.loads(line[len(ANSWER) :]))

    def _log_tail(self) -> str:
        self.log.seek(0)
        lines = [line.strip() for line in self.log.read().splitlines() if line.strip()]
        return lines[-1][:300] if lines else "no output"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.log.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)


class WorkerPool:
    """Long-lived workers, one per environment, started on first use."""

    def __init__(self) -> None:
        self._workers: dict[tuple, _Worker] = {}

    def run(
        self,
        impl_key: str,
        env: dict[str, str],
        workload: str,
        quick: bool,
        settings: RunSettings,
        *,
        timeout: float,
        isolated: bool = False,
    ) -> RunResult:
        """Run one measured run in the worker for `env` (a fresh one per workload when `isolated`)."""
        key = (tuple(sorted(env.items())), workload if isolated else None, impl_key if isolated else None)
        worker = self._workers.get(key)
        if worker is None or worker.process.poll() is not None:
            if worker is not None:
                worker.close()
            scratch = tempfile.mkdtemp(prefix="bench-inductor-") if isolated else None
            if scratch:
                env = {**env, "TORCHINDUCTOR_CACHE_DIR": scratch}  # a cold compile cache
            worker = self._workers[key] = _Worker(env, scratch=scratch)
        request = {"impl": impl_key, "workload": workload, "quick": quick, "settings": settings.to_dict()}
        return worker.ask(request, timeout)

    def close_isolated(self) -> None:
        """Stop the per-workload workers (their caches must not leak into the next workload)."""
        for key in [k for k in self._workers if k[1] is not None]:
            self._workers.pop(key).close()

    def close(self) -> None:
        """Stop every worker."""
        for worker in self._workers.values():
            worker.close()
        self._workers.clear()


if __name__ == "__main__":
    main()
