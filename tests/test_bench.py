"""The benchmark harness runs end to end on tiny sizes, and its building blocks are right."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.implementations import IMPLEMENTATIONS, REFERENCE, measured_run  # noqa: E402
from bench.implementations.common import AucHistogram, rank_auc  # noqa: E402
from bench.measure import RunResult, RunSettings  # noqa: E402
from bench.workloads import WORKLOADS, make_data, make_module, select  # noqa: E402


def test_quick_run_writes_a_table_where_every_implementation_did_the_same_work(tmp_path):
    output = tmp_path / "RESULTS.md"
    command = [
        sys.executable, "-m", "bench.run", "--quick", "--no-warmup", "--workloads", "W1,W3",
        "--impls", f"fitwell,{REFERENCE},dataloader", "--threads", "1", "--output", str(output),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    text = output.read_text()
    assert "## W1: MLP 784-256-128-10" in text and "## W3: logistic regression" in text
    rows = [line for line in text.splitlines() if line.startswith("| fitwell fit (verbose 0)")]
    assert len(rows) == 2
    losses: dict[str, list[float]] = {}
    column = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] == "implementation":
            column = cells.index("train loss")
        elif column is not None and cells[0] in ("fitwell fit (verbose 0)", "hand-written, fused Adam"):
            losses.setdefault(cells[0], []).append(float(cells[column]))
    for ours, reference in zip(
        losses["fitwell fit (verbose 0)"], losses["hand-written, fused Adam"], strict=True
    ):
        assert math.isfinite(ours) and ours == pytest.approx(reference, rel=0.05)
    assert "torch threads: 1" in text


def test_data_is_identical_on_every_call_and_split_ninety_ten():
    workload = WORKLOADS["W3"].quick()
    first, second = make_data(workload), make_data(workload)
    np.testing.assert_array_equal(first.x_train, second.x_train)
    np.testing.assert_array_equal(first.y_val, second.y_val)
    assert len(first.x_train) == workload.train_samples == math.floor(0.9 * workload.samples)
    assert first.y_train.shape == (workload.train_samples, 1) and set(np.unique(first.y_train)) == {0.0, 1.0}


def test_modules_start_from_the_same_weights():
    workload = WORKLOADS["W4"]
    first, second = make_module(workload), make_module(workload)
    for a, b in zip(first.state_dict().values(), second.state_dict().values(), strict=True):
        assert torch.equal(a, b)


def test_select_expands_w5_and_rejects_unknown_names():
    assert [w.name for w in select("w1, W5")] == ["W1", "W5a", "W5b", "W5c"]
    with pytest.raises(ValueError, match="Unknown workload 'W9'"):
        select("W9")


def test_histogram_auc_is_close_to_the_exact_auc():
    generator = torch.Generator().manual_seed(0)
    labels = (torch.rand(2000, 1, generator=generator) > 0.5).float()
    logits = labels * 1.5 + torch.randn(2000, 1, generator=generator)
    histogram = AucHistogram(torch.device("cpu"))
    for chunk in range(0, 2000, 256):
        histogram.update(logits[chunk : chunk + 256], labels[chunk : chunk + 256])
    exact = rank_auc(logits.numpy(), labels.numpy())
    assert 0.8 < exact < 0.9
    assert histogram.result().item() == pytest.approx(exact, abs=2e-3)


def test_a_failing_run_is_reported_not_raised():
    workload = WORKLOADS["W1"].quick()
    data = make_data(workload)
    data.x_train = data.x_train[:, :10]  # the model expects 784 features
    result = measured_run(IMPLEMENTATIONS[REFERENCE], workload, data, RunSettings())
    assert result.error is not None and "RuntimeError" in result.error
    summary = report.summarize(workload, [result])
    assert summary.runs == 0 and summary.error == result.error


def test_summary_takes_medians_and_the_steady_epoch_time():
    workload = WORKLOADS["W1"]
    runs = [
        RunResult(
            seconds=s,
            epoch_seconds=[s * 0.75, s * 0.25],
            train_loss=loss,
            val_accuracy=0.9,
            peak_memory=2**20,
        )
        for s, loss in ((4.0, 0.3), (2.0, 0.2), (3.0, 0.1))
    ]
    summary = report.summarize(workload, runs)
    assert summary.seconds_per_epoch == 1.5
    assert summary.spread == pytest.approx((2.0 - 1.0) / 1.5)
    assert summary.first_epoch == 3.0 and summary.steady_epoch == 0.75
    assert summary.train_loss == 0.2 and summary.peak_memory_mb == 1.0


@pytest.mark.keras
def test_keras_models_compute_what_the_torch_modules_compute():
    pytest.importorskip("keras")
    from bench.implementations.keras_fit import backend, keras_model

    if backend() != "torch":
        pytest.skip("needs Keras on the torch backend")
    generator = torch.Generator().manual_seed(0)
    for name in ("W1", "W3", "W4"):
        workload = WORKLOADS[name]
        x = (
            torch.randn(4, 3, 32, 32, generator=generator)
            if name == "W4"
            else torch.randn(4, 784, generator=generator)
        )
        expected = make_module(workload)(x).detach().numpy()
        keras_x = x.permute(0, 2, 3, 1).numpy() if name == "W4" else x.numpy()
        got = np.asarray(keras_model(workload)(keras_x).detach().cpu())
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
