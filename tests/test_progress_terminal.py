"""The progress display in a real terminal: `fit` runs inside tmux at 80 and 40 columns.

The screen is read with `tmux capture-pane` while training runs (the live
line must show the running values) and after it ends (every epoch's final
line with every value, the callbacks' messages after it, no stale bar).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fitwell.callbacks.progress_display import format_value

pytestmark = [
    pytest.mark.skipif(
        shutil.which("tmux") is None, reason="needs tmux to drive a real terminal (apt-get install tmux)"
    ),
    pytest.mark.xdist_group("progress_terminal"),  # one worker runs the terminals once for all tests
]

WIDTHS = (80, 40)
STEPS = 12

SCRIPT = """
import json, sys, time
import numpy as np
import torch
import fitwell

torch.set_num_threads(1)
fitwell.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(400, 10)).astype("float32")
y = (x @ rng.normal(size=(10, 3))).argmax(axis=1)
model = fitwell.Sequential([
    fitwell.Input(shape=(10,)),
    fitwell.layers.Dense(16, activation="relu"),
    fitwell.layers.Dense(3, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

class Slow(fitwell.callbacks.Callback):
    # 12 steps of 0.1 s: the live line is redrawn a few times per epoch.
    def on_train_batch_end(self, batch, logs=None):
        time.sleep(0.1)

folder = sys.argv[2]
callbacks = [
    Slow(),
    fitwell.callbacks.ModelCheckpoint(
        folder + "/best.weights.h5", save_best_only=True, save_weights_only=True, verbose=1
    ),
    # min_delta=10: no epoch after the first counts as an improvement.
    fitwell.callbacks.ReduceLROnPlateau(patience=1, min_delta=10, verbose=1),
    fitwell.callbacks.EarlyStopping(patience=1, min_delta=10, restore_best_weights=True, verbose=1),
]
history = model.fit(
    x, y, validation_split=0.25, epochs=4, batch_size=25, callbacks=callbacks, diagnose=False
)
with open(sys.argv[1], "w") as file:
    json.dump(history.history, file)
"""


class Pane:
    """One tmux server (a socket of its own) running one command in a pane of a given width."""

    def __init__(self, name: str, width: int, command: str) -> None:
        self.socket = f"fitwell-test-{os.getpid()}-{name}"
        self.width = width
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX", "NO_COLOR")}
        self._tmux("new-session", "-d", "-s", "main", "-x", str(width), "-y", "120", command, env=env)

    def _tmux(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=env, timeout=30
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> list[str]:
        """Every line of the pane, scrollback included, without trailing blanks."""
        lines = [
            line.rstrip() for line in self._tmux("capture-pane", "-p", "-S", "-", "-t", "main").split("\n")
        ]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30)


def run_in_terminals(tmp_path: Path) -> dict[int, tuple[list[list[str]], list[str], dict]]:
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    panes = {}
    for width in WIDTHS:
        folder = tmp_path / str(width)
        folder.mkdir()
        train = f"{sys.executable} {script} {folder / 'history.json'} {folder}"
        command = f"{train}; touch {folder / 'done'}; sleep 600"
        panes[width] = Pane(str(width), width, command)
    try:
        snapshots: dict[int, list[list[str]]] = {width: [] for width in WIDTHS}
        deadline = time.monotonic() + 240
        while not all((tmp_path / str(width) / "done").exists() for width in WIDTHS):
            assert time.monotonic() < deadline, "training in tmux did not finish"
            for width, pane in panes.items():
                snapshots[width].append(pane.screen())
            time.sleep(0.1)
        results = {}
        for width, pane in panes.items():
            history_file = tmp_path / str(width) / "history.json"
            assert history_file.exists(), "\n".join(pane.screen())
            results[width] = (snapshots[width], pane.screen(), json.loads(history_file.read_text()))
        return results
    finally:
        for pane in panes.values():
            pane.close()


@pytest.fixture(scope="module")
def terminal_runs(tmp_path_factory):
    return run_in_terminals(tmp_path_factory.mktemp("terminal"))


PARTIAL_BAR = re.compile(rf"^\s*(\d+)/{STEPS} ")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_epoch_ends_with_every_value_on_screen_and_no_stale_bar(terminal_runs, width):
    _, screen, history = terminal_runs[width]
    text = "\n".join(screen)
    epochs = len(history["loss"])
    assert epochs == 2, text  # EarlyStopping (patience 1) stops after the second epoch
    assert all(len(line) <= width for line in screen)
    headers = [screen.index(f"Epoch {epoch + 1}/4") for epoch in range(epochs)]
    for epoch, header in enumerate(headers):
        assert screen[header + 1].startswith(f"{STEPS}/{STEPS} ━"), text
        block_end = next(
            i for i in range(header + 1, len(screen)) if screen[i].startswith(f"Epoch {epoch + 1}:")
        )
        block = screen[header + 1 : block_end]
        for key, values in history.items():
            assert any(f"{key}: {format_value(values[epoch])}" in line for line in block), (key, text)
    counts = [int(match.group(1)) for line in screen if (match := PARTIAL_BAR.match(line))]
    assert counts == [STEPS] * epochs, text  # only the final lines are left
    assert "elapsed" not in text and "ETA" not in text


@pytest.mark.parametrize("width", WIDTHS)
def test_callback_messages_come_after_their_epochs_line_and_before_the_next_epoch(terminal_runs, width):
    _, screen, _ = terminal_runs[width]
    text = "\n".join(screen)
    first, second = screen.index("Epoch 1/4"), screen.index("Epoch 2/4")
    saved = next(
        i for i, line in enumerate(screen) if line.startswith("Epoch 1: val_loss improved from None")
    )
    assert first + 1 < saved < second, text
    reduced = next(i for i, line in enumerate(screen) if line.startswith("Epoch 2: ReduceLROnPlateau"))
    stopped = screen.index("Epoch 2: early stopping")
    assert second + 1 < reduced < stopped, text
    # Printed after the display has closed: the terminal itself wraps it, maybe inside a word.
    tail = "".join("".join(screen[stopped + 1 :]).split())
    assert tail == "".join("Restoring model weights from the end of the best epoch: 1.".split()), text


@pytest.mark.parametrize("width", WIDTHS)
def test_while_an_epoch_runs_one_live_line_shows_count_times_and_running_values(terminal_runs, width):
    snapshots, _, _ = terminal_runs[width]
    live = [
        snapshot
        for snapshot in snapshots
        if any("ETA" in line for line in snapshot) and any("accuracy: " in line for line in snapshot)
    ]
    assert live, "no snapshot caught the live line with its values"
    for snapshot in snapshots:
        partial = [
            line for line in snapshot if (match := PARTIAL_BAR.match(line)) and int(match.group(1)) < STEPS
        ]
        assert len(partial) <= 1, "\n".join(snapshot)  # redrawn in place, not stacked
    shown = "\n".join(live[-1])
    assert re.search(r"\d+/12 ━*─+", shown) and "elapsed" in shown and "ms/step" in shown, shown
    assert "loss: " in shown
