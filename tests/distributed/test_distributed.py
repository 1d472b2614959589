"""Two processes with Gloo on the CPU give the same training as one process."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

# One xdist worker runs all of these: the module-scoped runs are shared, and two
# torchrun jobs never compete for the machine at once.
pytestmark = pytest.mark.xdist_group("torchrun")

SCRIPT = Path(__file__).with_name("train_script.py")
_spec = importlib.util.spec_from_file_location("fitwell_train_script", SCRIPT)
train_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(train_script)


def torchrun(out_dir: Path, *arguments: str, restarts: int = 0) -> list[dict]:
    environment = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(SCRIPT.parents[2] / "src")}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    command.append(f"--max-restarts={restarts}")
    completed = subprocess.run(
        [*command, str(SCRIPT), str(out_dir), *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return [json.loads((out_dir / f"result_rank{r}.json").read_text()) for r in (0, 1)]


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    return train_script.train(tmp_path_factory.mktemp("single"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory, single):
    ddp_dir = tmp_path_factory.mktemp("ddp")
    return single, torchrun(ddp_dir), None, ddp_dir


def test_weights_equal_single_process_training(runs):
    single, ranks, _, _ = runs
    for rank in ranks:
        for name, values in single["weights"].items():
            np.testing.assert_allclose(rank["weights"][name], values, rtol=1e-5, atol=1e-5, err_msg=name)


def test_history_is_global_and_identical_on_every_process(runs):
    single, ranks, _, _ = runs
    assert ranks[0]["history"] == ranks[1]["history"]
    for key, values in single["history"].items():
        np.testing.assert_allclose(ranks[0]["history"][key], values, rtol=1e-5, err_msg=key)


def test_the_learning_rate_sweep_runs_the_global_batch_under_ddp(runs):
    single, ddp, _, _ = runs
    assert len(single["sweep_losses"]) == 16
    assert ddp[0]["sweep_losses"] == ddp[1]["sweep_losses"]  # every process saw the same global losses
    np.testing.assert_allclose(ddp[0]["sweep_losses"], single["sweep_losses"], rtol=1e-5)


def test_early_stopping_stops_every_process_at_the_same_epoch(runs):
    single, ranks, _, _ = runs
    assert ranks[0]["stopped_epoch"] == ranks[1]["stopped_epoch"] == single["stopped_epoch"]
    assert single["stopped_epoch"] is not None and single["stopped_epoch"] < 11


def test_only_rank_zero_writes_files(runs):
    _, ranks, _, ddp_dir = runs
    written = sorted(p.name for p in ddp_dir.iterdir() if not p.name.startswith("result_rank"))
    assert written == ["best.weights.h5", "final.weights.h5", "log.csv"]
    assert ranks[0]["logger_calls"] == len(ranks[0]["history"]["loss"])
    assert ranks[1]["logger_calls"] == 0


def test_predict_and_evaluate_match_single_process(runs):
    single, ranks, _, _ = runs
    for rank in ranks:
        np.testing.assert_allclose(rank["predictions"], single["predictions"], rtol=1e-5, atol=1e-6)
        assert rank["evaluation"] == pytest.approx(single["evaluation"], rel=1e-5)


def test_fsdp_shards_parameters_and_saves_full_weights(tmp_path, single):
    ranks = torchrun(tmp_path, "fsdp")
    for rank in ranks:
        for name, values in single["weights"].items():
            np.testing.assert_allclose(rank["weights"][name], values, rtol=1e-4, atol=1e-5, err_msg=name)
    model = train_script.fitwell.Sequential(
        [
            train_script.fitwell.Input(shape=(6,)),
            train_script.fitwell.layers.Dense(16, activation="relu"),
            train_script.fitwell.layers.Dense(3, activation="softmax"),
        ]
    )
    model.load_weights(tmp_path / "final.weights.h5")  # one whole file, loadable by a single process
    np.testing.assert_allclose(
        model.layers[0].weight.detach().numpy(), single["weights"]["layers.0.weight"], rtol=1e-4, atol=1e-5
    )


def test_backup_and_restore_resumes_a_crashed_torchrun_job(tmp_path, runs):
    _, uninterrupted, _, _ = runs
    ranks = torchrun(tmp_path, "auto", "backup", restarts=1)
    for rank in ranks:
        assert rank["history"] == uninterrupted[0]["history"]
        for name, values in uninterrupted[0]["weights"].items():
            np.testing.assert_array_equal(rank["weights"][name], values, err_msg=name)
    assert not (tmp_path / "backup" / "latest").exists()
