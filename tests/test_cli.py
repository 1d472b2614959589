"""The `fitwell` command: demo, diagnose, plot, and help for each."""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest

from diagnosis import synthetic
from fitwell.cli import main


@pytest.fixture
def overfit_csv(tmp_path):
    """A CSVLogger-style file (Keras layout: epoch first, then sorted keys) of an overfitting run."""
    run = synthetic.overfitting(30, best=10)
    path = tmp_path / "run.csv"
    keys = sorted(run)
    rows = ["epoch," + ",".join(keys)]
    rows += [f"{epoch}," + ",".join(repr(run[key][epoch]) for key in keys) for epoch in range(30)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_diagnose_prints_the_findings(overfit_csv, capsys):
    assert main(["diagnose", str(overfit_csv)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Diagnosis of 30 epochs:") and "overfitting: val_loss was lowest at epoch 11" in out


def test_diagnose_json_and_chance_level_options(tmp_path, capsys):
    path = tmp_path / "stuck.csv"
    run = synthetic.stuck(12)
    path.write_text(
        "epoch,loss,val_loss\n" + "".join(f"{e},{run['loss'][e]},{run['val_loss'][e]}\n" for e in range(12))
    )
    assert (
        main(["diagnose", str(path), "--json", "--loss", "categorical_crossentropy", "--num-classes", "10"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["primary"] == "not_learning" and data["epochs"] == 12


def test_plot_writes_the_image(overfit_csv, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    output = tmp_path / "curves.png"
    assert main(["plot", str(overfit_csv), "-o", str(output)]) == 0
    assert output.read_bytes()[:4] == b"\x89PNG"
    assert f"wrote {output}" in capsys.readouterr().out


def test_columns_name_a_table_without_a_header_for_diagnose_and_plot(overfit_csv, tmp_path, capsys):
    bare = tmp_path / "bare.csv"
    bare.write_text("\n".join(overfit_csv.read_text().splitlines()[1:]) + "\n")  # the header line removed
    assert main(["diagnose", str(bare)]) == 1
    assert "--columns epoch,loss,val_loss" in capsys.readouterr().err
    names = overfit_csv.read_text().splitlines()[0]
    assert main(["diagnose", str(bare), "--columns", names]) == 0
    out = capsys.readouterr().out
    assert (
        f"its columns were read as {names.replace(',', ', ')}," in out
        and "overfitting: val_loss was lowest" in out
    )
    pytest.importorskip("matplotlib")
    assert main(["plot", str(bare), "--columns", names, "-o", str(tmp_path / "bare.png")]) == 0
    assert (tmp_path / "bare.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(SystemExit):
        main(["diagnose", str(bare), "--columns", "epoch,,loss"])
    assert "expected names separated by commas" in capsys.readouterr().err


def test_an_error_is_wrapped_at_words_to_the_terminal_and_left_whole_in_a_pipe(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bare = "numbers.txt"  # a path is never cut; a long one may stand past the edge on its own line
    (tmp_path / bare).write_text("1 0.9 1.0\n2 0.7 0.8\n3 0.5 0.7\n")
    assert main(["diagnose", bare]) == 1
    whole = capsys.readouterr().err
    assert whole.count("\n") == 1  # into a file or a pipe: one line, for grep
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *args: os.terminal_size((60, 24)))
    assert main(["diagnose", bare]) == 1
    wrapped = capsys.readouterr().err
    lines = wrapped.splitlines()
    assert len(lines) > 3 and all(len(line) < 60 for line in lines)
    assert all(line.startswith("  ") for line in lines[1:])
    assert " ".join(wrapped.split()) == " ".join(whole.split())  # the same words, none cut


def test_a_missing_file_is_reported_without_a_traceback(tmp_path, capsys):
    assert main(["diagnose", str(tmp_path / "nope.csv")]) == 1
    assert capsys.readouterr().err.startswith("fitwell diagnose: No CSV file at")


@pytest.mark.parametrize("command", [[], ["demo"], ["diagnose"], ["plot"]])
def test_help_for_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: fitwell")
    if command == ["demo"]:
        assert "--epochs" in out and "--out" in out
    if command == ["plot"]:
        assert "-o OUTPUT" in out


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_demo_trains_the_digits_and_writes_the_run_folder(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out_dir = tmp_path / "run"
    assert main(["demo", "--epochs", "8", "--out", str(out_dir)]) == 0
    printed = capsys.readouterr().out
    accuracy = float(printed.split("test accuracy: ")[1].split()[0])
    assert accuracy > 0.9
    assert "Epoch 8/8" in printed and "Diagnosis of 8 epochs:" in printed
    for name in ("history.csv", "curves.png", "best.weights.h5"):
        assert (out_dir / name).stat().st_size > 0
    assert (out_dir / "history.csv").read_text().startswith("epoch,accuracy,learning_rate,loss,")
    assert main(["diagnose", str(out_dir / "history.csv")]) == 0


def test_demo_rejects_zero_epochs(tmp_path, capsys):
    assert main(["demo", "--epochs", "0", "--out", str(tmp_path)]) == 1
    assert "--epochs must be >= 1" in capsys.readouterr().err
