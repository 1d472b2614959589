"""`fitwell demo` on a plain `pip install fitwell`: no matplotlib, yet the demo finishes."""

from __future__ import annotations

import sys

import pytest

from fitwell.cli import main


@pytest.fixture
def without_matplotlib(monkeypatch):
    """As if matplotlib were not installed: importing it (or any part of it) fails."""
    for name in [name for name in sys.modules if name == "matplotlib" or name.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)


def test_demo_without_matplotlib_finishes_with_the_diagnosis_and_says_how_to_get_the_plot(
    tmp_path, capsys, without_matplotlib
):
    out_dir = tmp_path / "run"
    assert main(["demo", "--epochs", "3", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    assert "Diagnosis of 3 epochs:" in printed
    assert "install fitwell[plot] to get the plot" in printed.lower()
    assert f"run folder {out_dir}/: history.csv, best.weights.h5" in printed
    assert not (out_dir / "curves.png").exists()
    assert (out_dir / "history.csv").stat().st_size > 0 and (out_dir / "best.weights.h5").stat().st_size > 0
    # The progress display: a header and one complete line per epoch (stdout is not a terminal here).
    lines = printed.splitlines()
    for epoch in (1, 2, 3):
        final = lines[lines.index(f"Epoch {epoch}/3") + 1]
        assert (
            final.startswith("39/39 ━━━━") and " - val_accuracy: " in final and " - learning_rate: " in final
        )
