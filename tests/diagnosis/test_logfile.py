"""Reading log files: appended runs, title lines, JSON dumps, and damaged files refused by line and column."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from fitwell.diagnosis import diagnose, read_curves
from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.column_renames import keras_names
from fitwell.diagnosis.jsonlog import listed_history
from fitwell.diagnosis.logfile import read_log_file
from fitwell.diagnosis.yolo_console import read_yolo_console

HEADER = "epoch,loss,val_loss\n"


def _rows(losses, start=0):
    return "".join(f"{start + i},{loss},{loss * 1.1}\n" for i, loss in enumerate(losses))


def test_appended_runs_are_split_and_the_last_is_read_with_a_note(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + _rows([2.0, 1.0, 0.5]) + _rows([1.5, 1.2, 1.0, 0.9]))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.5, 1.2, 1.0, 0.9]
    assert curves.epochs.tolist() == [0, 1, 2, 3]
    assert (
        "2 runs appended" in curves.notes[0]
        and "line 5" in curves.notes[0]
        and "lines 5–8" in curves.notes[0]
    )
    diagnosis = diagnose(path)
    assert diagnosis.notes == list(curves.notes) and "note: the file holds 2 runs" in str(diagnosis)
    assert diagnosis.to_dict()["notes"] == list(curves.notes)


def test_a_repeated_header_starts_a_new_run(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + _rows([2.0, 1.0]) + HEADER + _rows([3.0, 2.5, 2.0], start=2))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [3.0, 2.5, 2.0]
    assert "new runs start at line 5" in curves.notes[0]


def test_a_header_with_other_columns_starts_a_new_run_read_under_it(tmp_path):
    # A published log (dd_010): a segmentation script changed its columns and appended a run under
    # a header of its own; its first cell was refused as "'epoch' is not a number".
    path = tmp_path / "metrics.csv"
    first = "epoch,train_loss,train_iou,val_loss,val_miou\n" + "".join(
        f"{e},{1 / (e + 1):.3f},0.{e + 3},{1.1 / (e + 1):.3f},0.2\n" for e in range(4)
    )
    second = "epoch,train_loss,val_loss,val_miou,pixel_accuracy\n0,1.5,1.4,0.19,0.79\n1,1.2,1.1,0.25,0.81\n"
    path.write_text(first + second)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.5, 1.2] and "pixel_accuracy" in curves.values
    assert curves.notes[0] == (
        "the file holds runs appended one after another, the last under a header of its own with other "
        "columns (line 6: 'epoch,train_loss,val_loss,val_miou,pixel_accuracy'); this is the last one "
        "(lines 6–8)."
    )
    # A summary's header below the table (another first cell), a test set's (no training loss), a
    # validation table after the training one, or one row under a new header: no run, refused
    # naming the line (a review's cases).
    for tail in (
        "best_epoch,best_val_loss\n3,0.275\n",
        "epoch,test_loss,test_acc\n3,0.25,0.91\n4,0.24,0.92\n",
        "epoch,val_loss,val_acc\n0,1.2,0.5\n1,0.9,0.6\n",
        "epoch,train_loss,val_loss,val_miou\n0,1.5,1.4,0.19\n",
    ):
        path.write_text(first + tail)
        with pytest.raises(ValueError, match="Line 6"):
            read_curves(path)


def test_runs_with_a_title_line_each_and_empty_separator_lines_are_split(tmp_path):
    # A hand-written log (published): a title line and the header before every trial, lines of
    # empty cells between them, and a trial that never ran.
    path = tmp_path / "log.csv"
    title = "Trial: batch 50, lr {},,\n"
    path.write_text(
        title.format(0.01)
        + HEADER
        + _rows([2.0, 1.0])
        + ",,\n"
        + title.format(0.01)
        + HEADER
        + ",,\n"
        + title.format(0.005)
        + HEADER
        + _rows([3.0, 2.5, 2.0])
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [3.0, 2.5, 2.0]
    assert curves.epochs.tolist() == [0, 1, 2]
    assert "2 runs appended" in curves.notes[1] and "lines 11–13" in curves.notes[1]


def test_a_resumed_run_is_read_whole_with_the_resumed_epochs_replacing_the_first_records(tmp_path):
    # Resumed from the checkpoint of epoch 1 (CSVLogger(append=True), fit(initial_epoch=2)): the
    # epochs it redid are read from the resume, the ones before from the first records.
    path = tmp_path / "log.csv"
    path.write_text(HEADER + _rows([2.0, 1.0, 0.9, 0.8]) + _rows([0.85, 0.7, 0.6], start=2))
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4]
    assert curves.values["loss"].tolist() == [2.0, 1.0, 0.85, 0.7, 0.6]
    assert curves.notes == (
        "the run was resumed once (at epoch 2, line 6): each resume's records replace "
        "the earlier ones of the epochs it redid.",
    )


def test_a_run_started_at_a_later_epoch_number_from_another_loss_level_is_a_run_of_its_own(tmp_path):
    # A published log (j_023): pretraining for epochs 0-148, then fine-tuning started at epoch 92 on
    # other data, its loss 13 times the pretraining's there: not a resume.
    path = tmp_path / "log.csv"
    path.write_text(HEADER + _rows([0.5, 0.02, 0.01, 0.008]) + _rows([0.1, 0.06, 0.04], start=2))
    curves = read_curves(path)
    assert curves.epochs.tolist() == [2, 3, 4] and curves.values["loss"].tolist() == [0.1, 0.06, 0.04]
    assert "2 runs appended" in curves.notes[0]


def test_json_records_of_a_resumed_run_and_of_appended_runs(tmp_path):
    # A published history (al_019): per-epoch records of a run resumed at epochs 3 and 4.
    path = tmp_path / "history.json"
    losses = {1: 0.42, 2: 0.32, 3: 0.30}
    records = [{"epoch": e, "train_loss": loss, "val_loss": loss * 2} for e, loss in losses.items()]
    records += [{"epoch": e, "train_loss": loss, "val_loss": loss * 2} for e, loss in [(3, 0.31), (4, 0.28)]]
    records += [{"epoch": e, "train_loss": loss, "val_loss": loss * 2} for e, loss in [(4, 0.30), (5, 0.25)]]
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.42, 0.32, 0.31, 0.30, 0.25]
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4]  # counted from 1 in the file
    assert "the run was resumed 2 times (at epochs 3 and 4, records 4 and 6)" in " ".join(curves.notes)
    records = [{"epoch": e, "loss": 1.0 / (e + 1)} for e in range(3)] + [{"epoch": 0, "loss": 2.0}]
    path.write_text(json.dumps(records + [{"epoch": 1, "loss": 1.5}]))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0, 1.5]
    assert "2 runs appended one after another (new runs start at record 4)" in curves.notes[1]
    assert "this is the last one (records 4–5)" in curves.notes[1]
    path.write_text(
        json.dumps([{"epoch": 0, "loss": loss} for loss in (2.0, 1.5, 1.2)])
    )  # fit(epochs=1) calls
    assert read_curves(path).values["loss"].tolist() == [2.0, 1.5, 1.2]


def test_a_model_prefix_before_train_and_val_names_one_run_not_two_phases(tmp_path):
    # A published history (al_004): `coil_train_losses` and `coil_val_losses` are one run's curves.
    path = tmp_path / "history.json"
    path.write_text(
        json.dumps({"coil_train_losses": [0.04, 0.03, 0.02], "coil_val_losses": [0.05, 0.04, 0.04]})
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.04, 0.03, 0.02]
    assert curves.values["val_loss"].tolist() == [0.05, 0.04, 0.04]


def test_abbreviated_column_names_and_a_printed_name_is_value(tmp_path):
    # Two published logs: a table headed `Valid. Loss` (ak_008) and lines `Epoch:0, mask loss is
    # 0.1366` (ak_020).
    path = tmp_path / "stats.csv"
    path.write_text("epoch,Training Loss,Train Accur.,Valid. Loss,Valid. Accur.\n1,0.11,0.95,0.07,0.97\n")
    assert set(read_curves(path).values) == {"loss", "accur", "val_loss", "val_accur"}
    path = tmp_path / "train.csv"
    path.write_text("".join(f"Epoch:{e}, mask loss is {loss} \n" for e, loss in enumerate([0.14, 0.1, 0.09])))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.14, 0.1, 0.09] and curves.epochs.tolist() == [0, 1, 2]


def test_a_set_named_in_parentheses_after_the_curve(tmp_path):
    # A published table (fs_011): `Loss (Training),Loss (Validation),Accuracy (Training),...` with
    # no epoch column had been refused as having no header.
    path = tmp_path / "loss.csv"
    path.write_text(
        "Model version,Time [s],Loss (Training),Loss (Validation),Accuracy (Training),Accuracy (Validation)\n"
        "1,720.4,0.44,0.28,0.84,0.95\n2,1442.0,0.32,0.24,0.93,0.98\n3,2163.4,0.28,0.22,0.95,0.99\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.44, 0.32, 0.28]
    assert curves.values["val_loss"].tolist() == [0.28, 0.24, 0.22]
    assert curves.values["val_accuracy"].tolist() == [0.95, 0.98, 0.99]
    assert keras_name("accuracy(train)") == "accuracy" and keras_name("Loss (test)") == "test_loss"
    assert keras_name("mAP (B)") == "map_(b)"  # a group in parentheses that names no set stays


def test_curves_printed_into_a_cell_or_saved_without_names_are_refused_saying_so(tmp_path):
    # Two published files: one row whose `epochs` cell is a list of printed lines (fu_004), and a
    # pandas Series of the training loss saved with its index, its column named `0` (fs_010).
    printed = tmp_path / "epoch_metrics.csv"
    lines = [f"Epoch: {e}, Train Loss: {0.1 / (e + 1):.6f}, Val Loss: {0.06:.6f}" for e in range(4)]
    printed.write_text(f'trial,combination,epochs\ntrial_1,knn,"{lines}"\n')
    with pytest.raises(
        ValueError, match=r"Column 'epochs' of .* holds text, not numbers: printed lines \(line 2: "
    ):
        read_curves(printed)
    # A numeric column beside it (the trial's number) does not hide the printed lines.
    printed.write_text('trial,epochs\n1,"Epoch: 0, Train Loss: 0.1"\n')
    with pytest.raises(
        ValueError, match=r"holds text, not numbers: printed lines \(line 2: 'Epoch: 0, Train Loss: 0.1'\)"
    ):
        read_curves(printed)
    bare = tmp_path / "series.csv"  # the same Series saved with index=False: its name `0` is no loss
    bare.write_text("0\n0.0726\n0.0648\n0.0597\n")
    with pytest.raises(ValueError, match=r"Line 1 of .* is '0' above numbers written with decimals"):
        read_curves(bare)
    bare.write_text("\n\n0\n0.0726\nnan\n0.0597\n")  # after blank lines, beside a NaN
    with pytest.raises(ValueError, match=r"Line 3 of .* is '0' above numbers written with decimals"):
        read_curves(bare)
    unnamed = tmp_path / "values.csv"
    unnamed.write_text(",0\n0,0.0726\n1,0.0648\n2,0.0597\n")
    with pytest.raises(ValueError, match=r"keys .*\['0'\]\. Columns named by numbers are pandas' names"):
        read_curves(unnamed)


def test_a_learning_rate_written_per_parameter_group_is_read_as_the_largest(tmp_path):
    # A published table (fx_002): a fine-tuning phase logs the backbone's rate and the head's in one
    # cell, `0.00001000|0.00010000`; the file had been refused at that line.
    path = tmp_path / "training_history.csv"
    path.write_text(
        "epoch,phase,train_loss,validation_loss,learning_rates\n1,head,1.28,1.08,0.001\n"
        "2,head,0.98,0.88,0.001\n3,fine_tune,0.46,0.56,0.00001|0.0001\n4,fine_tune,0.40,0.54,0.00001;0.0001\n"
    )
    curves = read_curves(path)
    assert curves.values["learning_rate"].tolist() == [0.001, 0.001, 0.0001, 0.0001]
    assert curves.values["val_loss"].tolist() == [1.08, 0.88, 0.56, 0.54]
    assert curves.notes[0] == (
        "read 'learning_rates' as the largest of the rates written per parameter group on 2 rows "
        "(line 4: one rate a group, joined by '|' or ';')."
    )
    # Parts that are no numbers (`-` marks a value not recorded) are refused as before, by line.
    path.write_text("epoch,loss,lr\n1,0.5,0.001\n2,0.4,-|0.001\n")
    with pytest.raises(ValueError, match="Line 3 of .*, column 'lr'"):
        read_curves(path)
    # A loss written so is no rate: still refused, naming the line.
    path.write_text("epoch,loss\n1,0.5|0.6\n2,0.4\n")
    with pytest.raises(ValueError, match="Line 2 of .*, column 'loss'"):
        read_curves(path)


def test_title_lines_before_the_header_are_skipped_with_a_note(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Training log of my model\n# lr=0.01\n" + HEADER + _rows([1.0, 0.5]))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5]
    assert curves.notes == ("skipped lines 1–2 before the header ('Training log of my model').",)


def test_lines_of_names_and_values_in_turns_between_commas_are_read_as_pairs(tmp_path):
    # `gb_035`: print(..., sep=", ") of each name and its value, no header.
    path = tmp_path / "log.csv"
    path.write_text(
        "".join(
            f"Epoch, {e}/5, train loss, {1 / e:.4f}, train acc, {40 + 5 * e:.2f}%, "
            f"test acc, {50 + e:.2f}%, eta, 2{e}.5s\n"
            for e in range(1, 6)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1 / e for e in range(1, 6)], abs=1e-4)
    assert curves.values["val_acc"].tolist() == pytest.approx([(50 + e) / 100 for e in range(1, 6)])
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4]
    assert "a name and a value in turns between commas" in curves.notes[0]
    # A table whose rows hold text beside numbers is no such log: its header names the columns.
    path.write_text("model,loss,set,acc\n" + "".join(f"cnn,{1 / e},train,0.{e}\n" for e in range(1, 6)))
    assert read_curves(path).values["loss"].tolist() == [1 / e for e in range(1, 6)]


@pytest.mark.parametrize(
    ("text", "how"),
    [
        ("0\n1.66\n1.60\n1.41\n1.35\n", "under the name '0'"),
        (",0\n0,1.66\n1,1.60\n2,1.41\n3,1.35\n", "beside their index under the name '0'"),
        (",1.66,1.60,1.41,1.35", "on one line"),
        ("1.66,1.60,1.41,1.35,", "on one line"),
    ],
)
def test_one_unnamed_curve_is_read_as_the_loss_its_files_name_names(tmp_path, text, how):
    # `pandas.Series(losses).to_csv("train_loss.csv")` (`gy_034`, `gy_040`) and one line of
    # numbers in `losses.csv` (`gb_003`): the file's name names the curve, as a TensorBoard
    # export's does; under another name, or naming another curve, the file is refused as before.
    path = tmp_path / "train_loss.csv"
    path.write_text(text)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.66, 1.60, 1.41, 1.35]
    assert how in curves.notes[0] and "'train_loss.csv', names the training loss" in curves.notes[0]
    # Named for batches, steps or a term, or for another measure, it is no training loss by epoch.
    for other in ("series.csv", "val_loss.csv", "batch_loss.csv", "iter_loss.csv", "kl_loss.csv", "mae.csv"):
        path.rename(tmp_path / other)
        path = tmp_path / other
        with pytest.raises(ValueError):
            read_curves(path)


def test_an_unnamed_series_reads_its_empty_lines_as_nan_as_pandas_writes_them(tmp_path):
    # `pd.Series([0.9, 0.7, 0.5, 0.4, 0.35, nan, nan]).to_csv("train_loss.csv", index=False)`:
    # pandas writes each NaN as an empty line, the last ones too.
    path = tmp_path / "train_loss.csv"
    path.write_text("0\n0.9\n0.7\n0.5\n0.4\n0.35\n\n\n")
    diagnosis = diagnose(str(path))
    assert diagnosis.primary.kind == "diverged" and "became NaN at epoch 6" in diagnosis.primary.summary
    path.write_text(",0\n0,0.9\n1,0.7\n2,\n3,0.5\n4,0.4\n")
    # A lone NaN the next epoch carries on from is left out, saying so, as in any log.
    assert any(
        "left out epoch 3: the training loss is nan there alone" in note for note in read_curves(path).notes
    )
    path.write_text("0\n1\n2\n3\n4\n5\n")  # whole numbers under `0`: counts, read as before
    assert "under the name '0'" not in " ".join(read_curves(path).notes)


def test_one_line_of_numbers_without_a_header_is_refused_saying_so(tmp_path):
    # `f.write(",".join(map(str, losses)))` (`gb_003`): 67 values, no name; read as a header, it was
    # called a header without rows.
    path = tmp_path / "values.csv"
    path.write_text("," + ",".join(str(1 / (e + 1)) for e in range(6)))
    with pytest.raises(ValueError, match=r"one line of 6 numbers without a header: nothing says which curve"):
        read_curves(path)
    path.write_text("epoch,loss,val_loss\n")
    with pytest.raises(ValueError, match="has a header but no rows"):
        read_curves(path)


def test_semicolons_trailing_separators_and_text_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch;loss;note;\n0;1,0;start;\n".replace("1,0", "1.0") + "1;0.5;NA;\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5] and "note" not in curves.values


@pytest.mark.parametrize("wrapped", [False, True])
def test_a_json_dump_of_history_is_read_as_json(tmp_path, wrapped):
    history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.5], "accuracy": [0.5, 0.7, 0.8]}
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"history": history, "epoch": [0, 1, 2]} if wrapped else history, indent=1))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [1.1, 0.7, 0.5] and curves.notes == ()


@pytest.mark.parametrize("as_file", [True, False])
def test_an_empty_metric_list_is_left_out_and_not_named_in_the_note(tmp_path, as_file):
    history = {"train_loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.5], "train_accuracy": []}
    history["val_accuracy"] = []
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path if as_file else history)
    assert sorted(curves.values) == ["loss", "val_loss"]
    assert curves.notes == ("read the columns 'train_loss' as 'loss' (Keras's names).",)
    with pytest.raises(ValueError, match="no epochs"):
        read_curves({"loss": [], "accuracy": []})
    # A scalar beside the lists is no column and no error.
    assert sorted(read_curves({"loss": [1.0, 0.5], "lr": 0.01, "best_epoch": 1}).values) == ["loss"]


@pytest.mark.parametrize("as_file", [True, False])
def test_per_sample_labels_and_outputs_saved_beside_the_curves_are_left_out(tmp_path, as_file):
    history = {"loss": [0.9, 0.6, 0.4, 0.35], "val_accuracy": [0.7, 0.8, 0.85, 0.86]}
    history |= {"val_labels": [0, 1, 1, 0, 1, 0], "val_preds": [0, 1, 0, 0, 1, 1]}
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path if as_file else history)
    assert sorted(curves.values) == ["loss", "val_accuracy"]
    assert curves.notes[0] == (
        "left out 'val_labels' and 'val_preds' (6 values each): per-sample labels or outputs, not "
        "per-epoch curves."
    )
    # Named so but one value per epoch: a curve, kept.
    assert "val_target" in read_curves({"loss": [0.9, 0.6], "val_target": [0.5, 0.4]}).values
    # Longer than the loss under another name: still the error that asks for one run.
    with pytest.raises(ValueError, match="'val_loss' has 3 values but 'loss' has 2"):
        read_curves({"loss": [0.9, 0.6], "val_loss": [1.0, 0.8, 0.7]})


@pytest.mark.parametrize("as_file", [True, False])
def test_per_step_values_saved_beside_the_curves_are_left_out_with_a_note(tmp_path, as_file):
    # A loop that keeps each epoch's mean and every step's value (`train_loss_steps`).
    history = {"train_loss": [0.43, 0.36, 0.35], "val_loss": [0.41, 0.37, 0.35]}
    history |= {"train_loss_steps": [0.40, 0.33, 0.34, 0.49, 0.46, 0.43, 0.45, 0.41, 0.51]}
    history |= {"train_acc_steps": [0.9, 1.0, 1.0, 0.8, 0.9, 1.0, 0.9, 0.9, 1.0], "lr": [0.1, 0.1, 0.01]}
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path if as_file else history)
    assert sorted(curves.values) == ["loss", "lr", "val_loss"]
    assert curves.values["loss"].tolist() == [0.43, 0.36, 0.35]
    assert curves.notes[0] == (
        "left out 'train_loss_steps' and 'train_acc_steps' (9 values each): per-step values, not "
        "per-epoch curves."
    )
    # Both kinds at once: one note, each kind named.
    history |= {"val_preds": [0, 1, 1, 0]}
    assert read_curves(history).notes[0] == (
        "left out 'train_loss_steps' and 'train_acc_steps' (9 values each): per-step values; "
        "'val_preds' (4 values): per-sample labels or outputs, not per-epoch curves."
    )
    # One value per epoch under a step's name is a curve, kept.
    assert "loss_per_batch" in read_curves({"loss": [0.9, 0.6], "loss_per_batch": [0.8, 0.5]}).values


@pytest.mark.parametrize("cut", [0, 3, 9, 14])
def test_a_json_history_cut_off_at_its_end_reads_the_lists_it_holds_whole(tmp_path, cut):
    history = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.6, 0.5], "lr": [0.001, 0.001, 0.0005]}
    text = json.dumps(history)
    kept = text[: text.index('"lr"') + cut].rstrip()  # cut inside the name, the list, a number
    path = tmp_path / "history.json"
    path.write_text(kept + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_loss"] and curves.values["val_loss"][-1] == 0.5
    inside = " in 'lr'" if cut >= 4 else ""
    expected = f"the file is cut off at its end (character {len(kept)}){inside}: read the 2 lists before it."
    assert curves.notes == (expected,)
    # Broken inside, not at its end: refused, naming where.
    path.write_text(text.replace("0.6,", "0.6,,"))
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_curves(path)


def test_a_long_json_history_cut_off_inside_nested_lists_and_a_closed_broken_one(tmp_path):
    path = tmp_path / "history.json"
    probabilities = ",".join(["[0.1,0.9]"] * 20000)
    path.write_text('{"loss":[1,0.5,0.4],"val_loss":[1,0.7,0.6],"val_probs": [' + probabilities)
    curves = read_curves(path)  # read in one pass: a moment, not minutes
    assert sorted(curves.values) == ["loss", "val_loss"] and "in 'val_probs'" in curves.notes[0]
    # Closed with a brace too many, or a trailing comma: not cut off.
    path.write_text('{"loss":[1,0.5,0.4],"val_loss":[1,0.7,0.6]}}')
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_curves(path)
    path.write_text('{"loss":[1,0.5,0.4],"val_loss":[1,0.7,0.6],}')
    assert not any("cut off" in note for note in read_curves(path).notes)


def test_json_nan_and_null(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('{"loss": [1.0, NaN], "val_loss": [1.0, null]}')
    curves = read_curves(path)
    assert np.isnan(curves.values["loss"][1]) and not curves.recorded["val_loss"][1]
    assert diagnose(path).primary.kind == "diverged"


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        (HEADER + "0,1.0,1.1\n1,0.5\n", 3, "val_loss", "has 2 cells, the header has 3"),
        (HEADER + "0,1.0,1.1\n1,0.5,0.6,0.7\n", 3, None, "an extra cell '0.7'"),
        (HEADER + "0,1.0,1.1\n1,0.5,0.6\n2,0.4o,0.5\n", 4, "loss", "'0.4o' is not a number"),
        (HEADER + "0,1.0,1.1\n1,0.5,0.6\n2,0.4,0.5e-", 4, "val_loss", "'0.5e-' is not a number"),
        ("title\n" + HEADER + "0,1.0,1.1\n1,restarted,0.6\n", 4, "loss", "'restarted' is not a number"),
    ],
)
def test_damaged_files_are_refused_naming_the_line_and_column(tmp_path, text, line, column, words):
    path = tmp_path / "log.csv"
    path.write_text(text)
    with pytest.raises(ValueError) as raised:
        diagnose(path)
    message = str(raised.value)
    assert f"Line {line} of" in message and words in message
    if column is not None:
        assert f"'{column}'" in message


def test_files_that_are_not_logs_are_refused_clearly(tmp_path):
    binary = tmp_path / "model.weights.h5"
    binary.write_bytes(b"\x89HDF\r\n\x1a\n\0\0\0")
    with pytest.raises(ValueError, match="not a text file"):
        read_curves(binary)
    with pytest.raises(ValueError, match="is a directory"):
        read_curves(tmp_path)
    no_header = tmp_path / "numbers.csv"
    no_header.write_text("1,2,3\n4,5,6\n")
    with pytest.raises(ValueError, match="No header row.*'epoch' or 'loss'"):
        read_curves(no_header)
    one_number = tmp_path / "two.csv"
    one_number.write_text("0.9\n0.5\n")  # too few lines to be a column of losses
    with pytest.raises(ValueError, match="No header row"):
        read_curves(one_number)
    broken = tmp_path / "broken.json"
    broken.write_text('{"loss": [1.0, 0.5')
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_curves(broken)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(ValueError, match="holds a JSON list"):
        read_curves(listed)


def test_other_loggers_column_names_are_read_as_keras_names_with_a_note(tmp_path):
    # A hand-written PyTorch loop's log: capitalised words, train_/valid_ prefixes.
    path = tmp_path / "pytorch.csv"
    path.write_text(
        "Epoch,Train Loss,Valid Loss,Train Acc,Valid Acc\n1,1.0,1.1,0.5,0.45\n2,0.6,0.7,0.7,0.66\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.6]
    assert curves.values["val_loss"].tolist() == [1.1, 0.7]
    assert curves.values["val_acc"].tolist() == [0.45, 0.66]
    assert curves.epochs.tolist() == [0, 1] and "epoch" not in curves.values  # counted from 1
    assert curves.notes == (
        "read the columns 'Train Loss' as 'loss', 'Valid Loss' as 'val_loss', 'Train Acc' "
        "as 'acc', 'Valid Acc' as 'val_acc' (Keras's names).",
        "the log counts epochs from 1: the messages name epochs by its numbers.",
    )
    # The same as a dict (pandas' to_dict, a JSON dump) and as a JSON file.
    lists = {"train_loss": [1.0, 0.6], "validation_loss": [1.1, 0.7]}
    assert read_curves(lists).values["val_loss"].tolist() == [1.1, 0.7]
    json_path = tmp_path / "history.json"
    json_path.write_text(json.dumps(lists))
    assert read_curves(json_path).values["loss"].tolist() == [1.0, 0.6]


def test_a_keras_log_keeps_its_names_even_with_train_prefixed_columns(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss,train_time,val_loss\n0,1.0,3.2,1.1\n1,0.5,3.1,0.6\n")
    curves = read_curves(path)
    assert set(curves.values) == {"loss", "train_time", "val_loss"} and curves.notes == ()


def test_accuracy_logged_in_percent_is_read_as_a_fraction_with_a_note(tmp_path):
    path = tmp_path / "loop.csv"
    path.write_text(
        "epoch,train_loss,train_acc,val_loss,val_acc\n1,1.2,55.0,1.0,61.5\n2,0.8,72.5,0.9,70.25\n"
    )
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == [0.55, 0.725]
    assert curves.values["val_acc"].tolist() == [0.615, 0.7025]
    assert "read 'val_acc' as a percentage (it reaches 70.25): divided by 100." in curves.notes
    # Fractions stay fractions, and a percent-scaled run is not "perfect" validation.
    assert read_curves({"loss": [1.0, 0.5], "accuracy": [0.5, 1.0]}).values["accuracy"].tolist() == [0.5, 1.0]
    assert "suspicious_validation" not in diagnose(path).kinds


def test_pandas_index_columns_are_epochs_or_ignored(tmp_path):
    # pd.DataFrame(history.history).to_csv(path): the unnamed row index comes first.
    path = tmp_path / "frame.csv"
    path.write_text(",loss,val_loss\n0,1.0,1.1\n1,0.5,0.6\n2,0.4,0.5\n")
    curves = read_curves(path)
    assert set(curves.values) == {"loss", "val_loss"} and curves.epochs.tolist() == [0, 1, 2]
    # With an epoch column of its own, the index is not a curve either.
    path.write_text(",loss,val_loss,epoch\n0,1.0,1.1,1\n1,0.5,0.6,2\n")
    curves = read_curves(path)
    assert set(curves.values) == {"loss", "val_loss"} and curves.epochs.tolist() == [0, 1]  # from 1


def test_one_epoch_fits_appended_in_a_loop_are_read_as_one_run(tmp_path):
    # for _ in range(4): model.fit(..., epochs=1, callbacks=[CSVLogger(path, append=True)])
    path = tmp_path / "loop.csv"
    path.write_text(HEADER + "".join(f"0,{loss},{loss * 1.1}\n" for loss in (1.0, 0.7, 0.5, 0.4)))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.7, 0.5, 0.4] and curves.epochs.tolist() == [0, 1, 2, 3]
    assert "restarts on every row" in curves.notes[0]


def test_fit_called_again_and_again_on_one_model_is_read_as_one_run(tmp_path):
    # A published log (do_018): `for _ in range(25): model.fit(x, y, epochs=5)`, Keras's progress
    # printed each time, `Epoch 1/5` again at each call, the loss carrying on where the last ended.
    # Read as the last run, its five flat epochs were "not learning"; it is one run of 125 epochs.
    losses = [2.4 * 0.8**epoch for epoch in range(15)]
    text = "".join(
        f"Epoch {epoch % 5 + 1}/5\n10/10 [====] - 1s - loss: {loss:.4f}\n"
        for epoch, loss in enumerate(losses)
    )
    path = tmp_path / "train_output.txt"
    path.write_text(text)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx(losses, abs=1e-4)
    assert curves.epochs.tolist() == list(range(15))  # counted from 0, as Keras's epochs
    assert "of 3 fit() calls on one model, one after another" in curves.notes[0]
    # The same run started three times from new weights is three runs: the last is read.
    path.write_text("".join(text.splitlines(keepends=True)[:10]) * 3)
    curves = read_curves(path)
    assert len(curves) == 5 and "of the last of 3 runs" in curves.notes[0]
    # A sweep of learning rates, each run from new weights, is not one run even where a faster rate's
    # first epoch starts below where a slower one ended: one starts above where the last ended.
    sweep = [[2.3, 2.1, 1.95], [1.8, 1.2, 0.95], [1.1, 0.7, 0.55]]
    path.write_text(
        "".join(
            f"Training with lr={rate}\n"
            + "".join(f"Epoch {e + 1}/3 - loss: {v}\n" for e, v in enumerate(run))
            for rate, run in zip(("1e-4", "1e-3", "1e-2"), sweep, strict=True)
        )
    )
    assert read_curves(path).values["loss"].tolist() == [1.1, 0.7, 0.55]
    # A CSV table, appended to at each call (CSVLogger(append=True)), is read the same way.
    path = tmp_path / "log.csv"
    path.write_text(
        HEADER + "".join(f"{epoch % 5},{loss},{loss * 1.1}\n" for epoch, loss in enumerate(losses))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx(losses) and len(curves) == 15
    assert "3 fit() calls on one model, read as one run" in curves.notes[0]


def test_a_table_with_one_row_per_metric_is_turned_back_with_a_note(tmp_path):
    # pandas.DataFrame(history.history).T.to_csv(...): the epochs run across, the metrics down.
    path = tmp_path / "history.csv"
    path.write_text(",0,1,2,3\nloss,1.9,1.2,0.9,0.8\naccuracy,0.5,0.6,0.7,0.75\nval_loss,1.6,1.8,2.0,2.1\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.9, 1.2, 0.9, 0.8]
    assert curves.values["val_loss"].tolist() == [1.6, 1.8, 2.0, 2.1]
    assert curves.notes[0].startswith("the file holds one row per metric")


def test_a_prefix_every_column_shares_and_a_total_of_loss_parts_are_read(tmp_path):
    path = tmp_path / "phase.csv"
    path.write_text("phase1_loss,phase1_val_loss,phase1_accuracy\n1.99,1.91,0.15\n1.94,1.92,0.16\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.99, 1.94] and "accuracy" in curves.values
    assert "'phase1_loss' as 'loss'" in curves.notes[0]
    path = tmp_path / "parts.csv"
    path.write_text("epoch,train_loss_total,train_loss_ce,val_loss\n0,2.4,1.7,1.3\n1,1.8,1.0,1.2\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.4, 1.8] and curves.values["loss_ce"].tolist() == [1.7, 1.0]


def test_a_hand_written_log_counting_epochs_from_1_is_named_by_its_numbers(tmp_path):
    path = tmp_path / "log.csv"
    rows = "".join(f"{e},{loss},{val}\n" for e, loss, val in [(1, 1.0, 1.0), (2, 0.6, 0.7), (3, 0.4, 0.55)])
    rises = "".join(f"{e},{0.3 - 0.05 * i},{0.6 + 0.1 * i}\n" for i, e in enumerate(range(4, 9)))
    path.write_text("Epoch,Train Loss,Val Loss\n" + rows + rises)
    diagnosis = diagnose(path)
    assert "counts epochs from 1" in diagnosis.notes[-1]
    assert diagnosis.primary.kind == "overfitting" and "lowest at epoch 3 " in diagnosis.primary.summary
    # Keras's own names do not change that: a file whose first epoch is 1 counts from 1.
    path.write_text("epoch,loss,val_loss\n" + rows + rises)
    assert "lowest at epoch 3 " in diagnose(path).primary.summary
    # Keras's CSVLogger counts from 0, and a run resumed from its initial epoch keeps its numbers.
    first = "".join(f"{e},{1.0 - 0.1 * e},{1.0 - 0.05 * e}\n" for e in range(4))
    resumed = "".join(f"{e},{0.6 - 0.05 * i},{0.8 - 0.02 * i}\n" for i, e in enumerate(range(7, 12)))
    path.write_text("epoch,loss,val_loss\n" + first + resumed)
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 2, 3, 7, 8, 9, 10, 11]
    assert not any("counts epochs from 1" in note for note in curves.notes)


@pytest.mark.parametrize(
    ("header", "loss", "val_loss"),
    [
        ("Epoch,TrainLoss,ValLoss", "TrainLoss", "ValLoss"),  # words written together
        ("epoch,avg_loss,min_loss,max_loss", "avg_loss", None),  # an epoch's mean and extremes
        ("epoch,train_loss,test_loss,test_acc", "train_loss", "test_loss"),  # a test set, no validation
        ("epoch,dice_loss,iou_score,val_dice_loss", "dice_loss", "val_dice_loss"),  # one loss, named
        ("epoch,train_losses,val_losses,train_accs", "train_losses", "val_losses"),  # a loop's lists
        ("epoch,train_loss,dev_loss,dev_nll", "train_loss", "dev_loss"),  # a development set
        ("epoch,train_loss,eval_loss,eval_accuracy", "train_loss", "eval_loss"),  # an evaluation set
        ("epoch,accuracy,error", "error", None),  # named for what it measures
        ("epoch,Mean Squared Error,val_mean_squared_error", "Mean Squared Error", "val_mean_squared_error"),
        ("epoch,train,val,psnr", "train", "val"),  # a loop's dict of two loss lists
        ("epoch,train_loss,val_top1,val_mean_ce", "train_loss", "val_mean_ce"),  # validation by measure
        ("epoch,rmse,bce,val_rmse,val_bce", "bce", "val_bce"),  # two measures: the usual loss
        ("epoch,MAE,MSE", "MSE", None),  # squared error before absolute error
        ("epoch,train_l1,val_l1,val_l2,val_psnr", "train_l1", "val_l1"),  # an L1 loss, by its name
        ("epoch,train_loss,eval_val_loss,eval_val_acc", "train_loss", "eval_val_loss"),  # a set named `val`
    ],
)
def test_more_loggers_names_for_the_loss(tmp_path, header, loss, val_loss):
    path = tmp_path / "log.csv"
    width = header.count(",")
    path.write_text(header + "\n" + "".join(f"{e}" + f",{1.0 / (e + 1)}" * width + "\n" for e in range(4)))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5, 1 / 3, 0.25]
    assert ("val_loss" in curves.values) == (val_loss is not None)
    assert f"'{loss}' as 'loss'" in curves.notes[0]
    if val_loss is not None:
        assert f"'{val_loss}' as 'val_loss'" in curves.notes[0]


def test_a_loss_taken_from_a_measures_name_is_said_in_the_note(tmp_path):
    path = tmp_path / "history.json"
    path.write_text('{"bce": [0.82, 0.68, 0.67], "rmse": [0.29, 0.22, 0.21], "val_bce": [0.96, 0.67, 0.66]}')
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.82, 0.68, 0.67] and "rmse" in curves.values
    assert (
        "no column is named a loss, so 'bce', named for what a loss measures, is read as it"
        in curves.notes[0]
    )


def test_printed_lines_that_name_no_loss_read_the_measure_a_loss_is_made_of(tmp_path):
    # Three runs appended, `Epoch N: MSE = …, MAE = …`, no loss named, as a published regression log
    # prints them (m_013, whose runs carry on one from another: `continued_fits`); these, made up,
    # each start from new weights.
    runs = [[7.62, 7.5, 7.4, 7.29], [7.6, 7.1, 6.6, 6.2], [7.5, 5.2, 4.9]]
    text = "".join(
        "New Training Session\n====================\n"
        + "".join(f"Epoch {e + 1}: MSE = {mse}, MAE = {mse / 3:.4f}\n" for e, mse in enumerate(run))
        for run in runs
    )
    path = tmp_path / "training_log.txt"
    path.write_text(text)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [7.5, 5.2, 4.9] and curves.values["mae"][0] == pytest.approx(2.5)
    assert "of the last of 3 runs" in curves.notes[0] and "'mse' as 'loss'" in curves.notes[1]
    # A printed loss, where there is one, is still the loss.
    path.write_text("Epoch 1: loss = 0.9, MSE = 7.6\nEpoch 2: loss = 0.7, MSE = 7.5\n")
    assert read_curves(path).values["loss"].tolist() == [0.9, 0.7]


def test_training_phases_logged_side_by_side_read_the_last(tmp_path):
    # A published transfer-learning history: phase 1 (5 epochs) and phase 2 (3 here) in one dict.
    history = {
        "p1_acc": [0.39, 0.63, 0.7, 0.73, 0.76],
        "p1_loss": [2.59, 1.34, 1.08, 0.92, 0.84],
        "p1_val_loss": [1.24, 1.01, 0.97, 0.97, 0.89],
        "p2_acc": [0.66, 0.7, 0.71],
        "p2_loss": [1.0, 0.92, 0.88],
        "p2_val_loss": [0.88, 0.86, 0.85],
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert sorted(curves.values) == ["acc", "loss", "val_loss"]
    assert curves.values["loss"].tolist() == [1.0, 0.92, 0.88]
    assert "last of 2 training phases (or models) logged side by side ('p1_', 'p2_')" in curves.notes[0]
    # `train_` and `val_` are one run's curves, not phases.
    assert read_curves({"train_loss": [1.0, 0.5], "val_loss": [1.1, 0.7]}).values["val_loss"].tolist() == [
        1.1,
        0.7,
    ]


def test_an_evaluation_run_under_a_set_word_with_its_own_validation_is_a_later_run(tmp_path):
    # A published history (cj_009): a final run's `loss` and `accuracy` (no validation), beside an
    # evaluation run under `eval_` with its own `eval_val_loss`, and the class names. `eval_loss`
    # is that run's training loss, not a validation loss.
    history = {
        "accuracy": [0.03, 0.5, 0.9, 0.99],
        "loss": [3.7, 2.0, 0.4, 0.05],
        "eval_accuracy": [0.04, 0.6, 0.95],
        "eval_val_accuracy": [0.02, 0.5, 0.57],
        "eval_loss": [3.7, 1.5, 0.3],
        "eval_val_loss": [3.6, 2.2, 2.9],
        "final_val_loss": 2.2,
        "classes": ["about_bot", "alien_life", "asteroids"],
    }
    path = tmp_path / "training_history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [3.7, 1.5, 0.3]
    assert curves.values["val_loss"].tolist() == [3.6, 2.2, 2.9]
    assert curves.notes[0].startswith(
        "read the run logged under 'eval_', with its own validation ('eval_val_loss')"
    )
    # Without its own validation, `eval_loss` beside `loss` is still a set scored each epoch.
    del history["eval_val_loss"], history["eval_val_accuracy"]
    history["eval_loss"].append(0.2)
    history["eval_accuracy"].append(0.96)
    path.write_text(json.dumps(history))
    assert read_curves(path).values["val_loss"].tolist() == [3.7, 1.5, 0.3, 0.2]


def test_models_or_phases_side_by_side_in_a_table_are_read_as_a_dicts_are(tmp_path):
    # A published table (`eq_017`): a CNN's columns to epoch 18, then a physics-informed network's
    # to epoch 22; its loss named for what it measures (`cnn_train_mse`); refused before, as no
    # column is named the loss. (A dict of these lists was read so already.)
    path = tmp_path / "history.csv"
    rows = [
        f"{e},{100 / e:.3f},{40 / e:.3f},{90 / e:.3f},{80 / e:.3f},{10 / e:.3f},{30 - e / 2:.3f}"
        for e in range(1, 19)
    ]
    rows += [f"{e},,,{90 / e:.3f},{80 / e:.3f},{10 / e:.3f},{30 - e / 2:.3f}" for e in range(19, 23)]
    header = "epoch,cnn_train_mse,cnn_val_rmse,pinn_total_loss,pinn_data_loss,pinn_physics_loss,pinn_val_rmse"
    path.write_text("\n".join([header, *rows]) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["data_loss", "loss", "physics_loss", "val_rmse"]
    assert len(curves.values["loss"]) == 22 and curves.values["loss"][-1] == pytest.approx(90 / 22, abs=1e-3)
    assert "last of 2 training phases (or models) logged side by side ('cnn_', 'pinn_')" in " ".join(
        curves.notes
    )
    # A root mean squared error is no validation loss beside a loss it is not the root of.
    assert "val_loss" not in curves.values
    rows = [
        "epoch,p1_loss,p1_val_loss,p2_loss,p2_val_loss",
        "1,1,1.1,0.5,0.6",
        "2,0.9,1.0,0.4,0.5",
        "3,0.8,0.9,0.3,0.45",
    ]
    path.write_text("\n".join(rows) + "\n")
    assert read_curves(path).values["val_loss"].tolist() == [0.6, 0.5, 0.45]
    # A training and a held-out set's loss under two names are one run (`dn_007`), not two phases.
    path.write_text("epoch,training_loss,calibration_loss\n1,2.0,1.7\n2,1.6,1.5\n3,1.3,1.4\n")
    assert read_curves(path).values["loss"].tolist() == [2.0, 1.6, 1.3]
    # Prefixes of one column each are the parts of one loss, summed as before, not phases.
    path.write_text("epoch,data_loss,physics_loss,bc_loss\n1,1.0,0.5,0.2\n2,0.8,0.4,0.1\n3,0.6,0.3,0.1\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.7, 1.3, 1.0])
    assert "read the sum of 'data_loss', 'physics_loss' and 'bc_loss' as 'loss'" in " ".join(curves.notes)
    # Nor is a held-out set's prefix a phase (`test_total_loss` beside `total_loss`).
    path.write_text(
        "epoch,bbox_loss,total_loss,test_bbox_loss,test_total_loss\n1,1,2,1.1,2.1\n2,0.8,1.6,0.9,1.8\n"
    )
    assert read_curves(path).values["loss"].tolist() == [2, 1.6]


def test_a_second_phase_under_a_prefix_after_the_first_is_read(tmp_path):
    # A published history: `loss`, `val_loss`, … of training, then the same names under
    # `fine_tune_` for the fine-tuning that followed, and the test scores as single numbers.
    history = {
        "accuracy": [0.62, 0.65, 0.75],
        "val_accuracy": [0.19, 0.83, 0.68],
        "loss": [0.9, 0.6, 0.4],
        "val_loss": [0.9, 0.43, 0.62],
        "fine_tune_accuracy": [0.914, 0.91, 0.911],
        "fine_tune_val_accuracy": [0.83, 0.84, 0.83],
        "fine_tune_loss": [1.04, 0.95, 0.89],
        "fine_tune_val_loss": [0.385, 0.42, 0.449],
        "test_accuracy": 0.84,
        "test_loss": 0.41,
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert sorted(curves.values) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert curves.values["val_loss"].tolist() == [0.385, 0.42, 0.449]
    assert "the columns named with 'fine_tune_' (after the same names without it)" in curves.notes[0]
    # Keras's names for a model with two outputs are one run, not two phases.
    outputs = {
        "loss": [1.0],
        "out_a_loss": [0.6],
        "out_b_loss": [0.4],
        "val_loss": [1.1],
        "val_out_a_loss": [0.7],
    }
    assert sorted(read_curves(outputs).values) == sorted(outputs)
    # Nor is an auxiliary loss beside the model's, or a prefixed set that does not repeat the names.
    assert "aux_loss" in read_curves({"loss": [1.0], "val_loss": [1.1], "aux_loss": [0.2]}).values
    partial = {"loss": [1.0], "val_loss": [1.1], "accuracy": [0.5], "ft_loss": [0.9], "ft_val_loss": [1.0]}
    assert read_curves(partial).values["loss"].tolist() == [1.0]


def test_a_summary_below_a_table_after_a_blank_line_is_no_row(tmp_path):
    # A published table (`eq_018`): ten epochs, a blank line, then `Best Model Information`,
    # `Best Test Accuracy (%),64.50`, `Hidden Layers,3`, … (refused before, naming line 14).
    path = tmp_path / "history.csv"
    epochs = "".join(
        f"{e},{2 - 0.1 * e:.2f},{25 + 4 * e},{2.1 - 0.1 * e:.2f},{30 + 3 * e}\n" for e in range(1, 11)
    )
    summary = "\nBest Model Information\nBest Test Accuracy (%),64.50\n\nModel Parameters\nHidden Layers,3\n"
    path.write_text("Epoch,Train Loss,Train Accuracy (%),Test Loss,Test Accuracy (%)\n" + epochs + summary)
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 10 and curves.values["val_loss"][-1] == pytest.approx(1.1)
    assert "skipped 4 lines, from line 13, below the table: a summary after a blank line" in curves.notes[0]
    # Without the blank line, a row of another width is refused, naming its line.
    path.write_text(
        "Epoch,Train Loss,Train Accuracy (%),Test Loss,Test Accuracy (%)\n" + epochs + "Hidden Layers,3\n"
    )
    with pytest.raises(ValueError, match="Line 12 of .* has 2 cells"):
        read_curves(path)
    # Nor is a row of the table's width after a blank line a summary: the table goes on.
    path.write_text("epoch,loss\n1,0.9\n2,0.8\n\n3,0.7\nbest,0.7,2\n")
    with pytest.raises(ValueError, match="Line 6 of .* has 3 cells"):
        read_curves(path)
    # Rows with a trailing separator are the table's too, and rows of numbers alone below a blank
    # line are a torn table, refused naming the line.
    path.write_text("epoch,loss\n1,0.9\n2,0.8\n\n" + "".join(f"{e},{1 / e:.2f},\n" for e in range(3, 7)))
    assert len(read_curves(path).values["loss"]) == 6
    path.write_text("epoch,loss\n1,0.9\n2,0.8\n\n3,0.7,0.1\n4,0.6,0.1\n")
    with pytest.raises(ValueError, match="Line 5 of .* has 3 cells"):
        read_curves(path)


def test_a_row_written_twice_is_one_epoch_not_a_new_run(tmp_path):
    # A logger that writes again at each checkpoint: every 3rd row repeated, epochs never restart.
    rows = [f"{e},{1.0 / (e + 1):.6f}\n" for e in range(10)]
    text = "epoch,loss\n" + "".join(row + (row if e % 3 == 2 else "") for e, row in enumerate(rows))
    path = tmp_path / "log.csv"
    path.write_text(text)
    curves = read_curves(path)
    assert curves.epochs.tolist() == list(range(10))
    assert curves.notes == ("skipped 3 lines, from line 5, repeating the row before.",)
    # Without an epoch column, a repeated row is an epoch whose loss did not change (a frozen model).
    path.write_text("".join(f"{value}\n" for value in [243.52, 210.3, 195.1, 189.04, *[189.04] * 10]))
    assert len(read_curves(path)) == 14


KERAS_CONSOLE = """Epoch 1/4
   1/1875 [.....] - ETA: 10:31 - loss: 2.3914 - accuracy: 0.0625
1875/1875 [=====] - 4s 2ms/step - loss: 0.2983 - accuracy: 0.9140 - val_loss: 0.1530 - val_accuracy: 0.9553
Epoch 2/4
1875/1875 [=====] - 3s 2ms/step - loss: 0.1412 - accuracy: 0.9583 - val_loss: 0.1075 - val_accuracy: 0.9675
Epoch 3/4
1875/1875 [=====] - 3s 2ms/step - loss: 0.1050 - accuracy: 0.9683 - val_loss: 0.0930 - val_accuracy: 0.9715
Epoch 4/4
1875/1875 ━━━━━━━━━━ 3s 1ms/step - accuracy: 0.9750 - loss: 0.0832 - val_accuracy: 0.9740 - val_loss: 0.0853
313/313 [=====] - 0s 1ms/step - loss: 0.0853 - accuracy: 0.9740
"""


def test_keras_progress_output_saved_from_the_console_is_read(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(KERAS_CONSOLE, encoding="utf-8")
    curves = read_curves(path)
    # One record per epoch: its last full progress line (the first step's line and evaluate()'s
    # line after training are not epochs); Keras 2's and Keras 3's bars alike.
    assert curves.epochs.tolist() == [0, 1, 2, 3]
    assert curves.values["loss"].tolist() == [0.2983, 0.1412, 0.105, 0.0832]
    assert curves.values["val_accuracy"].tolist() == [0.9553, 0.9675, 0.9715, 0.974]
    assert curves.notes[0].startswith("read as a printed log: 4 epochs")
    assert "at epoch 4" in diagnose(path).primary.summary  # named as Keras printed them


def test_a_scripts_printed_epoch_lines_are_read(tmp_path):
    path = tmp_path / "train.log"
    lines = [
        f"2024-05-01 10:0{e}:00 INFO Epoch {e + 1}/6, Train Loss: {loss}, Train Acc: {acc}%, "
        f"Val Loss: {val}, Val Acc: {val_acc}%"
        for e, (loss, acc, val, val_acc) in enumerate(
            [(1.2, 55.0, 1.1, 58.0), (0.8, 70.1, 0.85, 69.0), (0.5, 82.3, 0.7, 75.2), (0.3, 90.0, 0.72, 76.0)]
            + [(0.2, 94.5, 0.8, 75.5), (0.1, 97.0, 0.9, 75.0)]
        )
    ]
    path.write_text("Starting training\n" + "\n".join(lines) + "\nTest accuracy: 75.3%\n")
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [1.1, 0.85, 0.7, 0.72, 0.8, 0.9]
    assert curves.values["acc"].tolist()[-1] == pytest.approx(0.97)  # percent read as a fraction
    assert diagnose(path).primary.kind == "overfitting"
    # Text with fewer than two records with a loss is refused as before.
    path.write_text("nothing to see\nloss: 0.5\n")
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)


def test_a_bare_name_after_the_validation_section_of_a_printed_line_is_validations(tmp_path):
    # `Acc` twice on one line: the first after `Train Loss`, the second after `Val Loss`.
    path = tmp_path / "train.log"
    rows = [(0.13, 0.947, 0.062, 0.978), (0.044, 0.983, 0.057, 0.981), (0.042, 0.985, 0.044, 0.985)]
    path.write_text(
        "".join(
            f"Epoch {e + 1}: Train Loss={loss} Acc={acc} | Val Loss={val} Acc={val_acc}\n"
            for e, (loss, acc, val, val_acc) in enumerate(rows)
        )
    )
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == [0.947, 0.983, 0.985]
    assert curves.values["val_acc"].tolist() == [0.978, 0.981, 0.985]
    # Keras's own line names every validation value; what follows it (the rate) is not validation's.
    path.write_text(
        "".join(
            f"loss: {1 / e} - acc: 0.{e} - val_loss: {2 / e} - val_acc: 0.{e} - lr: 0.01\n"
            for e in range(1, 5)
        )
    )
    assert "lr" in read_curves(path).values


def test_a_printed_log_of_several_runs_reads_the_last_and_bracketed_epochs(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(KERAS_CONSOLE + KERAS_CONSOLE.replace("0.2983", "0.3001"), encoding="utf-8")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.3001, 0.1412, 0.105, 0.0832]
    assert "of the last of 2 runs" in curves.notes[0]
    path.write_text(
        "".join(f"Epoch [{e}/5] Train Loss: {1 / e:.3f} Val Loss: {1.2 / e:.3f}\n" for e in range(1, 6))
    )
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4] and curves.values["val_loss"].tolist()[-1] == 0.24


def test_a_resumed_printed_run_keeps_its_epoch_numbers_and_a_reloaded_checkpoint_starts_nothing(tmp_path):
    path = tmp_path / "training.log"
    line = "2026-05-08 22:49:56 | INFO | Epoch [{:03d}/8] TrainLoss={:.3f} TrainAcc=50.0% | ValLoss={:.3f}"
    first = [line.format(e, 2.0 / e, 2.2 / e) for e in range(1, 6)]
    resumed = [line.format(e, 1.9 / e, 2.1 / e) for e in range(4, 9)]
    saved = "2026-05-08 23:00:00 | INFO | [Checkpoint] Saved (epoch=8, val_acc=66.2)"
    reloaded = "2026-05-08 23:00:01 | INFO | [Checkpoint] Loaded (epoch=6, val_loss=0.35)"
    path.write_text("\n".join([*first, *resumed, saved, reloaded, "[Metrics] Acc=0.67 | F1=0.64"]) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(1.9 / e, 3) for e in range(4, 9)]
    assert curves.values["val_loss"][2] == round(2.1 / 6, 3)  # the reloaded checkpoint's line changed nothing
    assert "of the last of 2 runs" in curves.notes[0]
    # The log counts from 1 (its first run starts at epoch 1): the resumed run's epochs keep its numbers.
    assert curves.epochs.tolist() == [3, 4, 5, 6, 7]
    assert diagnose(path).primary.epochs == [7]  # shown as epoch 8, the log's number
    assert "epochs=16" in diagnose(path).primary.advice


def test_training_and_validation_printed_on_lines_of_their_own_make_one_epoch(tmp_path):
    path = tmp_path / "train.log"
    rows = [(1.21, 0.81, 18.5), (0.19, 0.97, 38.3), (0.11, 0.99, 50.3), (0.06, 0.99, 51.0)]
    lines = []
    for epoch, (loss, acc, val) in enumerate(rows, start=1):
        lines += [
            f"12:57:11 - __main__ - INFO - Epoch {epoch}, Batch 0/8, Loss: {loss * 2:.4f}",
            f"12:57:18 - __main__ - INFO - Epoch {epoch} Training - Loss: {loss}, Mod Acc: {acc}, Time: 0.5s",
            f"12:57:21 - __main__ - INFO - Epoch {epoch} Validation - Loss: {val}, Mod Acc: 0.0, Mod F1: 0.0",
        ]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.21, 0.19, 0.11, 0.06]
    assert curves.values["val_loss"].tolist() == [18.5, 38.3, 50.3, 51.0]
    assert curves.values["val_mod_acc"].tolist() == [0.0] * 4 and curves.values["mod_acc"][0] == 0.81
    # A last run of one epoch is the run read: too short to judge.
    path.write_text("\n".join(lines + lines[:3]) + "\n")
    assert read_curves(path).values["loss"].tolist() == [1.21]
    assert "only one epoch" in diagnose(path).primary.summary


def test_printed_name_value_fields_without_a_colon_are_read(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(
        "".join(
            f"2025-06-22 20:17:{10 + e},666 INFO: Epoch {e}: Train Loss {1 / (e + 1):.4f} | Val Loss "
            f"{1.1 / (e + 1):.4f} | LR 5.00e-05\n"
            "2025-06-22 20:17:58,225 INFO: [MODEL] Saved new best model.\n"
            for e in range(6)
        )
    )
    curves = read_curves(path)
    assert curves.epochs.tolist() == list(range(6))
    assert curves.values["val_loss"].tolist()[-1] == round(1.1 / 6, 4)
    assert curves.values["lr"].tolist() == [5e-05] * 6


def test_a_percentage_after_a_name_set_out_with_spaces_is_read(tmp_path):
    # A published log (`ev_001`): each segment's set named once, its accuracy in percent after a
    # space; only the losses had been read.
    path = tmp_path / "training_log.txt"
    path.write_text(
        "".join(
            f"Epoch {e:3d} | Train Loss {1 / e:.4f} Acc {50 + 5 * e:.2f}% "
            f"| Val Loss {1.2 / e:.4f} Acc {45 + 4 * e:.2f}% | 50s\n"
            for e in range(1, 7)
        )
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["acc", "loss", "val_acc", "val_loss"]
    assert curves.values["val_acc"].tolist() == pytest.approx([(45 + 4 * e) / 100 for e in range(1, 7)])
    assert "read 'acc' as a percentage (it reaches 80): divided by 100." in curves.notes


def test_an_accuracy_printed_in_percent_under_one_percent_is_a_fraction(tmp_path):
    # `acc 0.10%` on 1,000 classes is 0.001, chance; read by its size alone it was 0.10, a hundred
    # times chance. One printed with `%` that reaches past 1 is read by its size, as before.
    path = tmp_path / "train.log"
    path.write_text("".join(f"Epoch {e} | loss 6.90 | acc 0.{10 + e % 2}%\n" for e in range(1, 7)))
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == pytest.approx([0.0011, 0.001] * 3)
    assert "read the percentages in 'acc' (printed with '%', all under 1%) as fractions." in curves.notes
    lines = [f"Epoch {e} | loss {1 / e:.2f} | acc {0.5 + 10 * e}% | done 100%\n" for e in range(1, 7)]
    path.write_text("".join(lines))
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == pytest.approx([(0.5 + 10 * e) / 100 for e in range(1, 7)])
    assert sorted(curves.values) == ["acc", "loss"]  # a progress count printed in percent is no score


def test_a_sets_word_before_a_spaced_name_and_a_printed_dict_are_read(tmp_path):
    # `train loss 0.77 val loss 0.56` names two losses; the second was read as the training loss.
    path = tmp_path / "log.txt"
    path.write_text(
        "".join(
            f"Epoch {e:03d} | train loss {1 / e:.4f} val loss {1.2 / e:.4f} val MAE(delay) {1.2 / e:.6f}\n"
            for e in range(1, 7)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(1 / e, 4) for e in range(1, 7)]
    assert curves.values["val_loss"].tolist() == [round(1.2 / e, 4) for e in range(1, 7)]
    # A validation step that prints its metrics as a dict, after the epoch's average loss; a message
    # that the best loss decreased is no metric.
    path.write_text(
        "".join(
            f"Epoch [{e}/50], Average Loss: {1 / e:.4f}\n"
            f"Validation metrics: {{'precision': {0.1 * e:.2f}, 'f1': {0.1 * e:.2f}, \"accuracy\": 0.9}}\n"
            f"Validation loss decreased {1 / e:.4f} -> {1 / (e + 1):.4f}\n"
            for e in range(1, 7)
        )
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_accuracy", "val_f1", "val_precision"]
    assert curves.values["val_f1"].tolist() == [round(0.1 * e, 2) for e in range(1, 7)]


def test_a_trainers_dicts_saved_alone_are_read_as_the_trainer_logs_them(tmp_path):
    # `python train.py > log`: only the dicts the Trainer prints, step logs and one evaluation an
    # epoch, the training summary after them, and `trainer.predict(...)`'s metrics without an epoch.
    lines, step_loss = [], 0.7
    evaluations = [0.50, 0.42, 0.40, 0.45, 0.52, 0.60]
    for epoch, eval_loss in enumerate(evaluations, start=1):
        for k in range(1, 5):
            step_loss *= 0.9
            lines.append(
                str({"loss": round(step_loss, 4), "learning_rate": 4.6e-05, "epoch": epoch - 1 + k / 4})
            )
        lines.append(str({"eval_loss": eval_loss, "eval_accuracy": 0.75, "epoch": float(epoch)}))
    lines.append(str({"train_runtime": 120.5, "train_loss": 0.3, "epoch": 6.0}))
    path = tmp_path / "log.txt"
    for text in ("\n".join(lines), "Starting\n" + "\n".join([*lines, str({"test_loss": 0.61})])):
        path.write_text(text + "\n")
        curves = read_curves(path)
        assert curves.values["val_loss"].tolist() == evaluations
        assert diagnose(str(path)).primary.kind == "overfitting"


def test_printed_names_that_say_their_own_set_and_checkpoint_messages(tmp_path):
    path = tmp_path / "log.txt"
    # Validation first, then a name that says it is the training set's.
    path.write_text(
        "".join(
            f"Epoch {e}: val loss {0.6 + e / 100:.3f} train loss {0.5 - e / 50:.3f}\n" for e in range(1, 8)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist()[:2] == [0.48, 0.46]
    assert curves.values["val_loss"].tolist()[:2] == [0.61, 0.62]
    # `eval` names a set before a spaced name too.
    path.write_text(
        "".join(f"Epoch {e} train loss {0.5 - e / 50:.3f} eval loss {0.6:.3f}\n" for e in range(1, 8))
    )
    assert sorted(read_curves(path).values) == ["loss", "val_loss"]
    # Checkpoint and early-stopping messages are not metrics, nor is a set's time.
    path.write_text(
        "".join(
            f"Epoch {e}/10 - loss: {0.5 - e / 50:.3f} - val_loss: 0.600 - val time 3.2\n"
            f"Epoch {e}: val_loss did not improve from 0.44\n"
            "Validation loss decreased from 0.62 to 0.61\n"
            for e in range(1, 8)
        )
    )
    assert sorted(read_curves(path).values) == ["loss", "val_loss"]


def test_a_best_so_far_printed_before_a_name_is_no_curve(tmp_path):
    # `best val acc 0.9` is the best so far, not the epoch's accuracy: read as one, a constant
    # 0.9 would say the predictions never changed.
    path = tmp_path / "train.log"
    path.write_text(
        "".join(
            f"Epoch {e} train loss {0.5 - 0.03 * e:.3f} best val acc 0.9 val acc {0.6 + 0.01 * e:.3f}\n"
            for e in range(1, 8)
        )
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_acc"]
    assert curves.values["val_acc"].tolist()[:2] == [0.61, 0.62]


def test_a_validation_label_between_two_printed_dicts_names_the_second_set(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(
        "".join(
            f"Epoch {e} Train: {{'loss': {0.5 - 0.03 * e:.3f}, 'acc': {0.7 + 0.02 * e:.3f}}} "
            f"Val: {{'loss': {0.6 - 0.01 * e:.3f}, 'acc': {0.65 + 0.01 * e:.3f}}}\n"
            for e in range(1, 8)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist()[:2] == [0.47, 0.44]
    assert curves.values["val_loss"].tolist()[:2] == [0.59, 0.58]
    assert curves.values["val_acc"].tolist()[:2] == [0.66, 0.67]


def test_keras_early_stopping_that_restores_the_best_epoch_then_evaluates_is_one_run(tmp_path):
    # EarlyStopping(restore_best_weights=True) names the best epoch after the last one, and
    # model.evaluate() prints its own progress line: neither starts a new run.
    lines = []
    val_loss = [0.60, 0.50, 0.45, 0.43, 0.42, 0.41, 0.415, 0.42, 0.43]
    for epoch, val in enumerate(val_loss, start=1):
        lines.append(f"Epoch {epoch}/50")
        lines.append(
            f"32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 12ms/step - accuracy: {0.7 + 0.02 * epoch:.4f} - loss: "
            f"{0.6 - 0.04 * epoch:.4f} - val_accuracy: {0.72 + 0.01 * epoch:.4f} - val_loss: {val:.4f}"
        )
    lines += [
        "Epoch 9: early stopping",
        "Restoring model weights from the end of the best epoch: 6.",
        "10/10 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - accuracy: 0.7800 - loss: 0.4200",
    ]
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == val_loss
    assert curves.values["loss"][-1] == 0.24
    assert curves.notes[0].startswith("read as a printed log: 9 epochs from")


def test_a_json_list_of_per_epoch_records_is_read_with_the_loops_epoch_numbers(tmp_path):
    path = tmp_path / "train_history.json"
    records = [
        {"epoch": e, "train_loss": 1.0 / e, "val_loss": 1.2 / e, "recall@8": 0.1 * e} for e in range(1, 6)
    ]
    records[2].pop("recall@8")  # a key missing from one epoch's record is not recorded there
    path.write_text(json.dumps(records, indent=2))
    log = read_log_file(str(path))
    assert log.columns["loss"] == [1.0 / e for e in range(1, 6)]
    assert log.columns["recall@8"][2] is None
    assert log.epochs == [0, 1, 2, 3, 4]  # the loop counted from 1: the messages use its numbers
    assert log.notes[0] == "read a JSON list of 5 per-epoch records as one column per key."
    # Keras's History (its `epoch` beside `history`) counts from 0 and stays as it is.
    path.write_text(json.dumps({"epoch": [1, 2], "history": {"loss": [0.5, 0.4]}}))
    assert read_log_file(str(path)).epochs == [1, 2]
    path.write_text("[1, 2, 3]")
    with pytest.raises(ValueError, match="or a list of per-epoch objects"):
        read_log_file(str(path))


def test_comment_lines_and_printed_tensors_in_a_csv_are_read(tmp_path):
    path = tmp_path / "log.csv"
    rows = [
        f"{e},\"tensor({1 / e:.4f}, device='cuda:0', grad_fn=<DivBackward0>)\","
        f"\"tensor({1.1 / e:.4f}, device='cuda:0')\""
        for e in range(1, 6)
    ]
    path.write_text(
        "Epoch,Train_loss,Val_loss\n" + "\n".join(rows) + "\n# temperature=0.85\n# best_epoch=5\n"
    )
    log = read_log_file(str(path))
    assert log.columns["loss"] == [round(1 / e, 4) for e in range(1, 6)]
    assert log.columns["val_loss"][-1] == round(1.1 / 5, 4)
    assert "skipped 2 lines, from line 7, starting with '#' (comments, not epochs)." in log.notes
    assert any("printed tensors in 'Train_loss', 'Val_loss'" in note for note in log.notes)
    # A torn tensor cell is still refused, naming its line and column.
    path.write_text("epoch,loss\n0,tensor(0.5)\n1,tensor(0.4\n")
    with pytest.raises(ValueError, match=r"Line 3 .* column 'loss'"):
        read_log_file(str(path))


def test_lists_of_one_number_and_percentages_in_a_csv_are_read_with_a_note(tmp_path):
    # Published tables: a Keras loop that wrote `history.history["loss"]` of a one-epoch fit (a
    # list of one) beside its evaluation, and a table of percentages (`99.56%`).
    path = tmp_path / "training_stats.csv"
    path.write_text(
        "test_loss_epochs,train_loss_epochs\n"
        + "".join(f"{1.1 / e:.4f},[{1 / e:.4f}]\n" for e in range(1, 7))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(1 / e, 4) for e in range(1, 7)]
    assert (
        "read the lists of one number in 'train_loss_epochs' as their numbers ('[1.0000]': 1)."
        in curves.notes
    )
    path = tmp_path / "progress.csv"
    path.write_text(
        "Epoch,Train_Loss,Val_Accuracy\n" + "".join(f"{e},{1 / (e + 1):.3f},{90 + e}.5%\n" for e in range(6))
    )
    curves = read_curves(path)
    assert curves.values["val_accuracy"].tolist() == [0.905, 0.915, 0.925, 0.935, 0.945, 0.955]
    assert "read the percentages in 'Val_Accuracy' as fractions ('90.5%': 0.905)." in curves.notes
    # A list of two numbers is no number: the column is refused, naming its line.
    path.write_text('epoch,loss\n0,[0.5]\n1,"[0.4, 0.3]"\n')
    with pytest.raises(ValueError, match=r"holds text, not numbers \(line 3: '\[0.4, 0.3\]'\)"):
        read_log_file(str(path))


def test_a_result_repeated_on_every_row_beside_its_list_by_epoch_is_left_out(tmp_path):
    # A published table (cy_006): `test_loss` holds the final evaluation on all 15 rows, beside
    # `test_loss_epochs`, the evaluation of each epoch. Read as the validation loss, the repeated
    # value said the predictions never changed.
    path = tmp_path / "training_stats.csv"
    rows = "".join(f"0.0248,{0.035 - 0.0007 * e:.4f},{0.03 - 0.001 * e:.4f}\n" for e in range(6))
    path.write_text("test_loss,test_loss_epochs,train_loss_epochs\n" + rows)
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([0.035 - 0.0007 * e for e in range(6)])
    assert curves.notes[0] == (
        "left out 'test_loss': one value on every row (0.0248), a result written beside its list by "
        "epoch, 'test_loss_epochs', read as 'test_loss'."
    )
    # A column that changes, or one without such a sibling, is a curve as before.
    path.write_text("val_loss,loss\n" + "".join(f"0.5,{1 / (e + 1):.3f}\n" for e in range(6)))
    assert read_curves(path).values["val_loss"].tolist() == [0.5] * 6


def test_lists_and_percentages_a_review_found(tmp_path):
    # A learning rate per parameter group, one group until the backbone is unfrozen: a column of
    # lists is no curve, and the file is read without it.
    path = tmp_path / "log.csv"
    path.write_text(
        'epoch,loss,val_loss,lr\n0,1.0,1.1,[0.001]\n1,0.8,0.9,[0.001]\n2,0.6,0.7,"[0.0001, 0.001]"\n'
        '3,0.5,0.6,"[0.0001, 0.001]"\n'
    )
    assert sorted(read_curves(path).values) == ["loss", "val_loss"]
    # `[nan]`, as a loop that logs `[loss]` writes a diverged epoch, is NaN.
    path.write_text("epoch,loss\n0,[1.0]\n1,[0.8]\n2,[nan]\n3,[0.5]\n")
    assert np.isnan(read_log_file(str(path)).columns["loss"][2])
    # A column with some cells written as percentages: its plain numbers are percentages too.
    path.write_text("epoch,loss,val_acc\n0,1.0,45.5\n1,0.8,55.5%\n2,0.6,60.1%\n3,0.5,70.2%\n")
    curves = read_curves(path)
    assert curves.values["val_acc"].tolist() == pytest.approx([0.455, 0.555, 0.601, 0.702])
    assert curves.notes == ("read the percentages in 'val_acc' as fractions ('55.5%': 0.555).",)
    # A percentage in a table set out with spaces reads as in a CSV: 0.5% is 0.005.
    path = tmp_path / "log.txt"
    path.write_text("epoch  loss  err\n  1  0.91  0.5%\n  2  0.62  0.4%\n  3  0.50  0.3%\n")
    assert read_curves(path).values["err"].tolist() == [0.005, 0.004, 0.003]


def test_a_total_of_loss_parts_named_as_the_epochs_mean_is_the_loss(tmp_path):
    # A published table (a detector's parts, `loss_source_avg`, ..., and `loss_total_avg`).
    path = tmp_path / "epoch_metrics.csv"
    path.write_text(
        "epoch,loss_source_avg,loss_distill_avg,loss_total_avg,mAP50\n"
        + "".join(f"{e},{2 / e:.3f},{1 / e:.3f},{3 / e:.3f},{0.5 + e / 100:.2f}\n" for e in range(1, 7))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(3 / e, 3) for e in range(1, 7)]
    assert "read the columns 'loss_total_avg' as 'loss' (Keras's names)." in curves.notes
    # Beside the plain total, the plain one is the loss, paired with the validation set's total of
    # the same kind (a sum beside a sum, never beside a mean).
    totals = {
        "loss_total_mean": [5.0, 4.0, 3.0],
        "loss_total": [50.0, 40.0, 30.0],
        "val_loss_total": [55.0, 45.0, 35.0],
    }
    curves = read_curves(totals)
    assert curves.values["loss"].tolist() == [50.0, 40.0, 30.0] and curves.values["val_loss"][0] == 55.0


def test_a_printed_logs_test_set_evaluated_every_epoch_is_its_validation(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(
        "".join(
            f"Epoch {e}: loss: {1 / e:.3f}, test_loss: {1.1 / e:.3f}, test_acc: {50 + e}%\n"
            for e in range(1, 6)
        )
    )
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist()[-1] == 0.22 and curves.values["val_acc"][-1] == 0.55
    # Named in words, `Test Loss` beside `Loss` is that set too, not a second training phase.
    path.write_text(
        "".join(f"Epoch {e}, Loss: {1 / e:.4f}, Test Loss: {2 / e:.4f}, Time: 0.8m\n" for e in range(1, 6))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist()[-1] == 0.2 and curves.values["val_loss"].tolist()[-1] == 0.4
    assert any("'test_loss' as 'val_loss'" in note for note in curves.notes)


def test_flair_style_dev_and_test_lines_are_validation_and_test_not_the_training_loss(tmp_path):
    path = tmp_path / "training.log"
    lines = []
    for e in range(1, 7):
        lines += [
            f"2024-01-05 10:00:0{e},100 epoch {e} - iter 3/4 - loss {1.5 / e:.8f} - samples/sec: 120.5",
            f"2024-01-05 10:00:0{e},200 EPOCH {e} done: loss {1 / e:.4f} - lr 0.1000",
            f"2024-01-05 10:00:0{e},300 DEV : loss {1.2 / e} - score {0.5 + e / 20}",
            f"2024-01-05 10:00:0{e},400 TEST : loss {1.3 / e} - score {0.45 + e / 20}",
            f"2024-01-05 10:00:0{e},500 BAD EPOCHS (no improvement): 0",
        ]
    lines.append("2024-01-05 10:01:00,000 TEST : loss 0.2 - score 0.8")  # the best model, tested once more
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(1 / e, 4) for e in range(1, 7)]
    assert curves.values["val_loss"].tolist() == [1.2 / e for e in range(1, 7)]
    assert curves.values["val_score"].tolist()[-1] == 0.8
    assert curves.values["test_loss"].tolist()[0] == 1.3
    # Without DEV lines, the test set scored every epoch is the validation; one score after
    # training is not a curve.
    path.write_text("\n".join(line for line in lines if " DEV " not in line) + "\n")
    assert read_curves(path).values["val_loss"].tolist()[:2] == [1.3, 0.65]
    training_only = [line for line in lines[:-1] if " DEV " not in line and " TEST " not in line]
    path.write_text("\n".join([*training_only, lines[-1]]) + "\n")
    assert sorted(read_curves(path).values) == ["loss", "lr"]


def test_a_printed_line_naming_each_sets_loss_by_the_set_alone_is_read(tmp_path):
    path = tmp_path / "train.log"
    lines = ["device: cpu", "train: 1457  val: 181  test (held-out): 181", "params: 7.58M"]
    lines += [
        f"epoch {e:3d}/300  train {2 / e:.4f}  val {2.2 / e:.4f}  mr 0.50  lr 1.00e-03" for e in range(1, 7)
    ]
    lines.append("[Split] Train=3667 | Val=786 | Test=787")  # the sets' sizes, after the last epoch
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(2 / e, 4) for e in range(1, 7)]
    assert curves.values["val_loss"].tolist()[-1] == round(2.2 / 6, 4)


def test_evaluation_lines_are_validation_and_a_fold_named_after_the_last_epoch_starts_nothing(tmp_path):
    path = tmp_path / "train.log"
    lines = []
    for fold in (1, 2):
        lines.append(f"Training Fold {fold}/2...")
        for e in range(1, 6):
            lines += [
                f"INFO:root:Epoch {e} - Average Loss: {fold / e:.4f}, Average Accuracy: 0.9",
                f"INFO:root:Evaluation Epoch {e} - Average Loss: {1.5 / e:.4f}, Average Accuracy: 0.8",
            ]
    lines += ["Training LightGBM for target: y (binary)...", "    Fold 0: scale_pos_weight = 3.95"]
    lines += ["    Fold 1: scale_pos_weight = 3.94"]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [round(2 / e, 4) for e in range(1, 6)]
    assert curves.values["val_loss"].tolist()[0] == 1.5 and curves.values["val_accuracy"][0] == 0.8
    assert sorted(curves.values) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert "of the last of 2 runs" in curves.notes[0]


def test_an_empty_cell_every_row_holds_beyond_the_header_is_left_out(tmp_path):
    path = tmp_path / "loss.tsv"
    header = "EPOCH\tTIMESTAMP\tBAD_EPOCHS\tLEARNING_RATE\tTRAIN_LOSS\tDEV_LOSS\tDEV_ACCURACY"
    rows = [f"{e}\t18:2{e}:44\t0\t0.1000\t{50 / e}\t{15 / e}\t\t{0.9 + e / 100}" for e in range(1, 6)]
    path.write_text("\n".join([header, *rows]) + "\n")
    log = read_log_file(str(path))
    assert log.columns["val_loss"] == [15 / e for e in range(1, 6)] and log.columns["val_accuracy"][0] == 0.91
    assert (
        log.notes[0]
        == "every row has an empty cell after 'DEV_LOSS' that the header does not name: left out."
    )
    # One row only with an extra cell: refused, naming its line.
    path.write_text("\n".join([header, *[row.replace("\t\t", "\t") for row in rows[:-1]], rows[-1]]) + "\n")
    with pytest.raises(ValueError, match=r"Line 6 .* has 8 cells, the header has 7"):
        read_log_file(str(path))


def test_ep_marks_an_epoch_and_a_loggers_line_number_is_no_metric(tmp_path):
    path = tmp_path / "train_log.txt"
    lines = [
        f"{when} - train.py[line:12{run}] - [cnn s{run}] ep {e}  train_loss {run + 1 / e:.3f}  val_acc 0.{e}"
        for run in range(2)
        for e, when in enumerate(["20:16:36"] * 4, start=1)
    ]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_acc"] and curves.values["loss"].tolist()[0] == 2.0
    assert "of the last of 2 runs" in curves.notes[0]


_EPOCHS = range(1, 6)


@pytest.mark.parametrize(
    ("lines", "last"),
    [
        # A setting named `ep` printed before the epochs marks none of them.
        (["Namespace(bs=32, ep=100)", *(f"train_loss: {1 / e:.3f}, val_loss: 0.9" for e in _EPOCHS)], 0.9),
        # `dev` and `test` inside a host name, a path or a tag name no set.
        ([f"[gpu-dev-01] Epoch {e} loss: {1 / e:.3f} val_loss: 0.9" for e in _EPOCHS], 0.9),
        ([f"[test run] Epoch {e} loss: {1 / e:.3f} val_loss: 0.9" for e in _EPOCHS], 0.9),
        # `ep N` before a name is no part of it.
        ([f"ep {e} Train Loss: {1 / e:.3f}, Val Loss: 0.9" for e in _EPOCHS], 0.9),
        # Sets named alone, their values printing as whole numbers at the end of a converged run.
        (
            [f"epoch {e} train {max(0, 0.5 - e / 10):.4f} val {max(0, 0.6 - e / 10):.4f}" for e in _EPOCHS],
            0.1,
        ),
    ],
)
def test_printed_set_names_and_epoch_markers_are_read_only_where_they_mean_it(tmp_path, lines, last):
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_loss"] and len(curves) == 5
    assert curves.values["val_loss"].tolist()[-1] == last


def test_an_epoch_glued_to_ep_is_an_epoch_marker_and_its_restart_a_new_run(tmp_path):
    # A published log (eh_008): `Load file: None, EP0, avg_loss=0.0010`, three runs appended (1, 2
    # and 37 epochs). Without the marker every line was an epoch: one run of 40 whose first
    # epochs (another run's) made a later loss look like an explosion.
    path = tmp_path / "train.txt"
    losses = [[0.0010, 0.0011], [0.0013, 0.0012], [0.0154, 0.0030, 0.0032, 0.0043, 0.0041]]
    path.write_text(
        "".join(
            f"Load file: None, EP{e}, avg_loss={loss:.4f}\n" for run in losses for e, loss in enumerate(run)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == losses[-1]
    assert any("of the last of 3 runs" in note for note in curves.notes)
    # Inside a word it marks nothing (`STEP5` is no epoch), nor in a checkpoint's path above lines
    # that name no epoch: every line is then an epoch.
    path.write_text("".join(f"STEP{e}, avg_loss={loss:.4f}\n" for e, loss in enumerate(losses[-1])))
    assert len(read_curves(path)) == 5
    path.write_text("resume from ckpt/ep50.pth\n" + "".join(f"loss: {loss}\n" for loss in losses[-1]))
    assert read_curves(path).values["loss"].tolist() == losses[-1]


@pytest.mark.parametrize(
    "line",
    [
        "epoch {e} acc: train 0.5{e} val 0.4{e}",
        "Epoch {e} | Loss: train 0.{e} val 0.{e} | Acc: train 0.5{e} val 0.4{e}",
    ],
)
def test_sets_named_alone_after_another_name_or_twice_are_not_taken_for_the_losses(tmp_path, line):
    path = tmp_path / "train.log"
    path.write_text("".join(line.format(e=e) + "\n" for e in range(1, 6)))
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)


def test_epoch_lines_that_close_their_epoch_with_its_validation(tmp_path):
    # `gb_095`: training steps name no epoch; `epoch N val_loss …` ends epoch N. The steps before it
    # are epoch N's, not epoch N-1's; the steps after the last epoch line start the next one.
    lines = []
    for e in range(4):
        for k in (0, 1):
            lines.append(
                f"2026-09-05 20:5{e}:00,256 step {500 * (2 * e + k)} loss {3 - e - k / 2:.2f} acc 0.{e}"
            )
        lines.append(f"2026-09-05 20:5{e}:30,533 epoch {e} val_loss {2.9 - e:.2f} val_acc 0.{e + 1}")
    lines.append("2026-09-05 21:00:00,001 step 4000 loss 0.25 acc 0.9")
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist()[:4] == pytest.approx([2.5, 1.5, 0.5, -0.5])
    assert curves.values["val_loss"].tolist()[:4] == pytest.approx([2.9, 1.9, 0.9, -0.1])
    assert curves.values["loss"].tolist()[4] == 0.25 and not curves.recorded["val_loss"][4]
    # A log whose epoch lines carry the training loss is read as before: they open their epochs.
    path.write_text("".join(f"Epoch {e}\nstep 10 loss {1 / e}\nval_loss {1.1 / e}\n" for e in range(1, 5)))
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([1.1 / e for e in range(1, 5)])


def test_sets_named_alone_with_percentages_are_their_accuracies(tmp_path):
    # `gb_093`: batches' losses every 50 steps, then each set's accuracy named by the set alone.
    lines = []
    for e in range(1, 6):
        for b in (0, 200, 400):
            lines.append(f"Epoch: {e:03d}/005 | Batch {b:04d}/0422 | Loss: {1 / (e + b / 400):.4f}")
        lines.append(f"Epoch: {e:03d}/005 | Train: {90 + e:.2f}% | Validation: {91 + e / 2:.2f}%")
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == pytest.approx([(90 + e) / 100 for e in range(1, 6)])
    assert curves.values["val_acc"].tolist() == pytest.approx([(91 + e / 2) / 100 for e in range(1, 6)])
    assert curves.values["loss"].tolist() == pytest.approx([1 / (e + 1) for e in range(1, 6)], abs=1e-4)
    assert "val_loss" not in curves.values


def test_a_repeated_row_under_a_step_or_index_column_is_written_twice(tmp_path):
    path = tmp_path / "log.csv"
    for header in ("step", "", "iteration"):
        path.write_text(f"{header},loss,val_loss\n100,0.5,0.6\n200,0.4,0.5\n200,0.4,0.5\n300,0.3,0.45\n")
        assert len(read_curves(path)) == 3


def test_a_trailing_separator_or_an_empty_column_is_not_an_extra_cell_to_drop(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,val_loss,loss\n1,,0.5,\n2,,0.4,\n3,,0.3,\n")
    assert read_curves(path).values["loss"].tolist() == [0.5, 0.4, 0.3]
    path.write_text("epoch,loss,val_loss,acc\n1,,0.6,0.5,7\n2,,0.5,0.6,7\n")
    with pytest.raises(ValueError, match="Line 2 .* has 5 cells, the header has 4"):
        read_curves(path)


def test_a_one_epoch_run_before_a_repeated_header_is_a_run_not_a_title(tmp_path):
    path = tmp_path / "log.csv"
    header = "epoch,train_loss,val_loss\n"
    first = "".join(f"{e},{1 / e:.3f},{1.2 / e:.3f}\n" for e in range(1, 7))
    path.write_text(header + first + header + "1,1.64,1.41\n" + header)
    log = read_log_file(str(path))
    assert log.columns["loss"] == [1.64]
    assert "this is the last one (lines 9–9)" in log.notes[-2]


def test_a_file_of_one_loss_column_is_read_and_a_semicolon_table_is_not_taken_for_one(tmp_path):
    path = tmp_path / "loss.csv"
    path.write_text("Data_loss\n" + "".join(f"{1 / e:.4f}\n" for e in range(1, 8)))
    curves = read_curves(path)
    assert curves.values["loss"].tolist()[-1] == round(1 / 7, 4) and curves.epochs.tolist() == list(range(7))
    path.write_text("epoch;accuracy;loss;val_loss\n0;0.8;0.37;0.33\n1;0.85;0.36;0.35\n")
    assert read_curves(path).values["val_loss"].tolist() == [0.33, 0.35]


def test_tensorflow_tensors_are_read_and_a_loss_column_of_text_is_refused_by_name(tmp_path):
    path = tmp_path / "log.csv"
    cell = '"tf.Tensor({:.4f}, shape=(), dtype=float32)"'
    path.write_text(
        "Epochs,Training Loss\n" + "".join(f"{e}," + cell.format(1 / (e + 1)) + "\n" for e in range(4))
    )
    assert read_log_file(str(path)).columns["loss"] == [1.0, 0.5, 0.3333, 0.25]
    path.write_text("epoch,loss\n0,abc\n1,def\n")
    with pytest.raises(ValueError, match=r"Column 'loss' of .* holds text, not numbers \(line 2: 'abc'\)"):
        read_log_file(str(path))


def test_one_epoch_histories_appended_each_epoch_are_read_as_one_run(tmp_path):
    # `histories.append(model.fit(..., epochs=1).history)` each epoch, then `json.dump(histories)`.
    path = tmp_path / "training_history.json"
    path.write_text(json.dumps([{"loss": [0.34], "val_loss": [0.22]}, {"loss": [0.18], "val_loss": [0.15]}]))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.34, 0.18] and curves.values["val_loss"].tolist() == [
        0.22,
        0.15,
    ]
    assert "each the history of a one-epoch fit" in curves.notes[0]
    # With its epoch number beside it: `{"epoch": e, **history.history}`.
    path.write_text(
        json.dumps([{"epoch": e, "loss": [1.0 - 0.2 * e], "val_loss": [1.1 - 0.2 * e]} for e in range(3)])
    )
    assert read_curves(path).values["loss"].tolist() == pytest.approx([1.0, 0.8, 0.6])


def test_a_printed_python_dict_pandas_json_and_records_under_history_are_read(tmp_path):
    path = tmp_path / "history.json"
    losses = [0.71, 0.68, 0.66, 0.64]
    path.write_text(str({"loss": losses, "val_loss": [0.7, 0.69, 0.69, 0.7]}))  # str(history.history)
    log = read_log_file(str(path))
    assert log.columns["loss"] == losses and log.notes[0].startswith("read as a Python literal")
    path.write_text(json.dumps({"loss": {str(i): v for i, v in enumerate(losses)}}))  # DataFrame.to_json()
    assert read_log_file(str(path)).columns["loss"] == losses
    records = [{"epoch": e + 1, "train_loss": v} for e, v in enumerate(losses)]
    path.write_text(json.dumps({"epochs_run": 4, "history": records}))
    log = read_log_file(str(path))
    assert log.columns["loss"] == losses and log.epochs == [0, 1, 2, 3]
    # Code is never run: a call is not a literal, and the file is refused as JSON that cannot be read.
    path.write_text("{'loss': __import__('os').getcwd()}")
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_log_file(str(path))


def test_an_empty_validation_list_is_a_run_without_validation(tmp_path):
    path = tmp_path / "history.json"
    losses = [1.74, 1.53, 1.37, 1.27]
    path.write_text(json.dumps({"loss": losses, "val_loss": [], "accuracy": [0.3, 0.4, 0.5, 0.55]}))
    curves = read_curves(path)  # a loop that set up validation lists and never filled them
    assert curves.values["loss"].tolist() == losses and "val_loss" not in curves.values
    assert "val_" not in str(diagnose(str(path)))
    path.write_text(json.dumps({"loss": losses, "val_loss": [1.0] * 5}))
    with pytest.raises(ValueError, match="'val_loss' has 5 values but 'loss' has 4"):
        read_curves(path)


def test_the_set_named_after_the_curve_and_a_loss_named_for_its_measure_are_read(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("loss_train,loss_test\n0.89,0.807\n0.85,0.807\n0.84,0.809\n")  # no validation set
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.89, 0.85, 0.84]
    assert curves.values["val_loss"].tolist() == [0.807, 0.807, 0.809]
    path.write_text("epoch,loss_train,loss_val,acc_train,acc_val\n1,0.9,1.0,0.5,0.4\n2,0.7,0.8,0.6,0.5\n")
    assert sorted(read_curves(path).values) == ["acc", "loss", "val_acc", "val_loss"]
    # A published log's header: the loss named for its measure, beside a test set's, and a metric.
    path.write_text(
        "Current Epoch,Train MAE Loss,Val MAE Loss,Test MAE Loss,Train Pearson Corr,Val Pearson Corr\n"
        "0,0.0198,0.0146,0.0121,-0.015,-0.061\n1,0.0121,0.0071,0.0070,0.005,-0.023\n2,0.0090,0.0081,0.0056,0.02,0.05\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.0198, 0.0121, 0.0090]
    assert curves.values["val_loss"].tolist() == [0.0146, 0.0071, 0.0081]
    assert curves.epochs.tolist() == [0, 1, 2] and "current_epoch" not in curves.values
    assert "test_mae_loss" in curves.values  # a test set beside a validation set stays itself
    # Keras's own names are left alone, whatever they end with.
    assert sorted(read_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "x_test": [0.0, 0.0]}).values) == [
        "loss",
        "val_loss",
        "x_test",
    ]


def test_pandas_json_with_an_empty_column_and_one_recorded_on_some_rows(tmp_path):
    path = tmp_path / "train_history.json"
    path.write_text(
        json.dumps(
            {
                "loss": {"0": 0.45, "1": 0.44, "2": 0.42, "3": 0.40},
                "accuracy": {},
                "val_loss": {"1": 0.5, "3": 0.47},
            }
        )
    )
    log = read_log_file(str(path))
    assert log.columns == {"loss": [0.45, 0.44, 0.42, 0.4], "val_loss": [None, 0.5, None, 0.47]}
    assert read_curves(path).recorded["val_loss"].tolist() == [False, True, False, True]


def test_lightnings_csvlogger_rows_are_merged_into_epochs(tmp_path):
    # PyTorch Lightning's metrics.csv: a learning-rate monitor's row (no epoch), then each epoch's
    # validation and training values on rows of their own; a test run after training at the end.
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,lr-AdamW,step,train_loss,val_loss,test_loss\n"
        ",0.0003,0,,,\n"
        "0,,894,,0.0374,\n"
        "0,,894,0.248,,\n"
        ",0.00029,895,,,\n"
        "1,,1789,,0.0312,\n"
        "1,,1789,0.0402,,\n"
        "2,,2683,0.0301,,\n"
        "2,,2683,,0.0350,\n"
        "3,,2683,,,0.0330\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.248, 0.0402, 0.0301]
    assert curves.values["val_loss"].tolist() == [0.0374, 0.0312, 0.035]
    # The LearningRateMonitor's `lr-AdamW` is the learning rate.
    assert curves.learning_rate_key == "learning_rate"
    assert curves.values["learning_rate"][:2].tolist() == [0.0003, 0.00029]
    assert curves.recorded["learning_rate"].tolist() == [True, True, False]  # no monitor row before epoch 2
    assert curves.notes[0] == (
        "read the 9 rows as 3 epochs: each epoch's values stand on several rows (as PyTorch Lightning's "
        "CSVLogger writes them); its last rows (from line 10) hold no training loss: not an epoch."
    )
    # Rows of one epoch that fill the same column are two records, not one epoch split up.
    path.write_text("epoch,loss,val_loss\n0,0.9,\n0,0.8,0.85\n1,0.7,\n1,0.6,0.7\n")
    assert len(read_curves(path)) != 2


def test_a_long_table_with_a_set_column_is_one_row_per_epoch(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,split,loss,accuracy\n"
        "1,train,0.0,1.0\n1,val,0.0,1.0\n"  # a placeholder run, then the run itself
        "1,train,1.27,0.65\n1,val,0.75,0.76\n2,train,0.68,0.79\n2,val,0.73,0.80\n3,train,0.52,0.84\n3,val,0.70,0.81\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.27, 0.68, 0.52]
    assert curves.values["val_accuracy"].tolist() == [0.76, 0.80, 0.81]
    assert "one row per epoch and set (column 'split')" in curves.notes[0]
    assert "2 runs appended" in curves.notes[1]
    # A column only the validation rows fill, already named for its set (`eo_004`), is named once.
    path.write_text(
        "epoch,phase,loss,acc,val_macro_f1\n"
        + "".join(
            f"{e},train,{1 / e:.3f},{0.5 + e / 20:.3f},\n{e},val,{1.1 / e:.3f},{0.5 + e / 25:.3f},0.{e}\n"
            for e in range(1, 5)
        )
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["acc", "loss", "val_acc", "val_loss", "val_macro_f1"]
    assert curves.values["val_macro_f1"].tolist() == [0.1, 0.2, 0.3, 0.4]
    # Filled by both sets, it is each set's: two columns, not one name twice.
    path.write_text(
        "epoch,phase,loss,val_f1\n"
        + "".join(f"{e},train,{1 / e:.3f},0.{e}\n{e},val,{1.1 / e:.3f},0.{e + 1}\n" for e in range(1, 5))
    )
    curves = read_curves(path)
    assert curves.values["val_f1"].tolist() == [0.1, 0.2, 0.3, 0.4]
    assert curves.values["val_val_f1"].tolist() == [0.2, 0.3, 0.4, 0.5]


@pytest.mark.parametrize("name", ["log.jsonl", "log.json"])
def test_json_records_with_a_set_key_are_one_row_per_epoch(tmp_path, name):
    # `{"epoch": 1, "phase": "train", ...}` then `{"epoch": 1, "phase": "val", ...}`: one epoch, read
    # with val_ columns, not as two runs whose epochs interleave.
    records = [
        {"epoch": epoch, "phase": phase, "loss": loss, "acc": acc}
        for epoch, (train, val, train_acc, val_acc) in enumerate(
            zip(
                [1.0, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14, 0.12],
                [1.2, 0.6, 0.4, 0.3, 0.24, 0.5, 0.52, 0.55],
                [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
                [0.49, 0.53, 0.57, 0.61, 0.65, 0.69, 0.73, 0.77],
                strict=True,
            ),
            start=1,
        )
        for phase, loss, acc in (("train", train, train_acc), ("val", val, val_acc))
    ]
    path = tmp_path / name
    if name.endswith(".jsonl"):
        path.write_text("".join(json.dumps(record) + "\n" for record in records))
    else:
        path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14, 0.12]
    assert curves.values["val_loss"].tolist() == [1.2, 0.6, 0.4, 0.3, 0.24, 0.5, 0.52, 0.55]
    assert curves.values["val_acc"].tolist()[-1] == 0.77
    assert any("one row per epoch and set (column 'phase')" in note for note in curves.notes)
    assert not any("at the same time" in note for note in curves.notes)
    assert diagnose(str(path)).primary.kind == "overfitting"


def test_a_long_table_with_a_metric_column_is_one_column_per_metric(tmp_path):
    path = tmp_path / "epoch_metrics.csv"
    lines = ["mode,epoch,metric,result"]
    for epoch in range(3):
        for mode, loss in (("training", 1.2 - 0.2 * epoch), ("validation", 1.1 - 0.1 * epoch)):
            lines += [f"{mode},{epoch},loss,{loss}", f"{mode},{epoch},accuracy,{0.5 + 0.1 * epoch}"]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.2, 1.0, 1.2 - 0.4]
    assert curves.values["val_loss"].tolist() == [1.1, 1.0, 1.1 - 0.2]
    assert curves.values["val_accuracy"].tolist() == [0.5, 0.6, 0.7]
    assert (
        "one row per epoch and metric (the metric named in column 'metric', its value in 'result')"
        in (curves.notes[0])
    )
    # `pd.melt(history_frame)` saved with its index, for seaborn: every epoch's loss first, then
    # every epoch's accuracy (`gb_085`).
    curves = {"loss": [0.9, 0.5, 0.4], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.0, 0.8, 0.9]}
    melted = [(e + 1, name, value) for name, curve in curves.items() for e, value in enumerate(curve)]
    rows = [f"{index},{e},{name},{value}" for index, (e, name, value) in enumerate(melted)]
    path.write_text(",epoch,variable,value\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.5, 0.4]
    assert curves.values["accuracy"].tolist() == [0.5, 0.7, 0.8]
    assert curves.values["val_loss"].tolist() == [1.0, 0.8, 0.9]
    assert curves.epochs.tolist() == [0, 1, 2]
    assert "column 'variable', its value in 'value'" in curves.notes[0]
    # Without a set column: the training run's metrics only.
    path.write_text(
        "epoch,name,value\n" + "".join(f"{e},loss,{1 / (e + 1)}\n{e},mae,{0.5 / (e + 1)}\n" for e in range(3))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5, 1 / 3] and curves.values["mae"].tolist() == [
        0.5,
        0.25,
        0.5 / 3,
    ]


def test_a_table_set_out_with_spaces_is_read_with_its_units_and_markers_left_out(tmp_path):
    path = tmp_path / "train_log.txt"
    path.write_text(
        "Training on mps | 25,837 train / 2,872 val images | 3 epochs\n\n"
        "epoch train_loss train_acc  val_loss  val_acc       lr   time\n"
        "    1     1.9387     17.8%    1.9355    19.2%  1.0e-03  40.9s  * saved\n"
        "    2     1.8135     21.0%    1.8026    27.4%  1.0e-03  40.9s  * saved\n"
        "    3     1.7193     26.7%    1.8571    25.7%  5.0e-04  42.4s\n"
        "\nBest validation accuracy: 27.4% at epoch 2\n"
    )
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [1.9355, 1.8026, 1.8571]
    assert curves.values["acc"].tolist() == pytest.approx([0.178, 0.21, 0.267])  # percent, as a fraction
    assert curves.values["lr"].tolist() == [1e-3, 1e-3, 5e-4] and "time" not in curves.values
    assert curves.notes[0] == (
        "read a table set out with spaces: 3 rows under the header on line 3; the words after its last "
        "column on 2 rows ('* saved') left out."
    )
    assert "skipped lines 1–2 before the header ('Training on mps" in curves.notes[1]
    # Names that hold spaces, set apart by two spaces or more, are as many as the rows' cells: read
    # by the wide gaps (n_019; refused before, its header taken for one column's name).
    path.write_text(
        "train acc    va_acc  train_loss  val_loss\n 0.45  0.45  1.25  1.30\n 0.57  0.52  0.79  0.92\n"
    )
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == [0.45, 0.57] and curves.values["val_loss"].tolist() == [1.3, 0.92]


def test_a_sentence_after_the_table_is_skipped_but_a_torn_row_is_refused(tmp_path):
    path = tmp_path / "losses.csv"
    path.write_text(
        "Epoch,loss,feat_num\n0,2.75,1235.4\n1,0.75,1215.3\n2,0.63,1188.2\n\nf1 score on testset: 0.7839\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.75, 0.75, 0.63]
    assert curves.notes[0] == (
        "skipped line 6 after the table ('f1 score on testset: 0.7839'): printed text, not epochs."
    )
    path.write_text("Epoch,loss,feat_num\n0,2.75,1235.4\n1,0.75,1215.3\n2,0.6\n")
    with pytest.raises(ValueError, match="Line 4 of .* has 2 cells, the header has 3"):
        read_curves(path)
    path.write_text("Epoch,loss,feat_num\n0,2.75,1235.4\n1\n2,0.63,1188.2\n")  # a number alone is torn too
    with pytest.raises(ValueError, match="Line 3 of .* has 1 cells, the header has 3"):
        read_curves(path)


def test_a_banner_printed_among_the_rows_is_skipped_with_a_note(tmp_path):
    # A published log: `python train.py > log.csv` caught the script's banners between the rows.
    path = tmp_path / "log.csv"
    path.write_text(
        "Epoch, lr, Train_Loss, Test_Acc\n===== Using Torch AMP =====\n0, 0.025, 5.358, 0.945%\n"
        "1, 0.025, 5.211, 1.231%\n2, 0.025, 5.157, 1.604%\n===== TESTING =====\nDataset val\tACC:91.26\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [5.358, 5.211, 5.157]
    assert curves.notes[0] == (
        "skipped 3 lines, from line 2, among the rows ('===== Using Torch AMP =====', '===== TESTING =====', "
        "'Dataset val\\tACC:91.26'): printed text, not epochs."
    )


def test_json_lines_one_record_per_epoch_are_read(tmp_path):
    path = tmp_path / "metrics.json"
    records = [
        {"epoch": e, "mse": 0.11 / (e + 1), "val_mse": 0.08 / (e + 1), "image": f"{e}.jpg"} for e in range(4)
    ]
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [record["mse"] for record in records]
    assert curves.notes[0] == "read as JSON Lines: 4 records, one per line."
    path.write_text(json.dumps(records[0]) + "\n[1, 2]\n")  # not a record on every line
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_curves(path)


def test_json_objects_written_one_after_another_over_several_lines_are_records(tmp_path):
    # A published log (`ey_004`): `json.dump(record, f, indent=4)` once per epoch; read as a printed
    # log, only its training loss had been found.
    path = tmp_path / "training_log.json"
    records = [
        {
            "Train at": "03/02/2024",
            "epoch": e,
            "train_loss": 0.6 / e,
            "val_loss": 0.7 / e,
            "val_acc": 0.5 + e / 20,
        }
        for e in range(1, 5)
    ]
    path.write_text("\n".join(json.dumps(record, indent=4) for record in records))
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_acc", "val_loss"]
    assert curves.values["val_loss"].tolist() == [0.7 / e for e in range(1, 5)]
    assert curves.notes[0] == "read as JSON Lines: 4 records, written one after another over several lines."
    # Objects and lists in turn are no records.
    path.write_text(json.dumps(records[0], indent=2) + "\n[1, 2]\n")
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_curves(path)


def test_lists_named_for_their_unit_per_epoch_are_read_under_keras_names():
    # A published file (`ey_006`): `loss_per_epoch` was read as the loss, `accuracy_per_epoch` not as
    # the accuracy; `time per epoch` is bookkeeping.
    run = {
        "loss_per_epoch": [0.44, 0.26, 0.12],
        "accuracy_per_epoch": [0.8, 0.9, 0.93],
        "time_per_epoch": [9, 8, 9],
    }
    assert sorted(read_curves(run).values) == ["accuracy", "loss"]


def test_curves_named_with_the_word_epoch_first_are_read_under_keras_names():
    # TensorBoard's scalars from Keras (`epoch_loss`, `epoch_accuracy`) and a loop's JSON of one
    # list (`gk_122`: `{"epoch_losses": [...]}`) name a per-epoch curve with `epoch` first.
    renames = keras_names(["epoch", "epoch_loss", "epoch_val_loss", "epoch_accuracy", "epoch_lr"])
    assert renames == {
        "epoch_loss": "loss",
        "epoch_val_loss": "val_loss",
        "epoch_accuracy": "accuracy",
        "epoch_lr": "lr",
    }
    assert keras_names(["train_epoch_loss", "val_epoch_loss"]) == {
        "train_epoch_loss": "loss",
        "val_epoch_loss": "val_loss",
    }
    assert read_curves({"epoch_losses": [0.26, 0.21, 0.18]}).values["loss"].tolist() == [0.26, 0.21, 0.18]


def test_a_keras_history_beside_a_list_of_the_models_layers_is_read(tmp_path):
    # A published file (`ez_004`): `history.history` with the model's `architecture`, one record per
    # layer; the 15 layers had been read as the epochs, and the file refused.
    history = {
        "loss": [0.087, 0.027, 0.018, 0.015],
        "val_loss": [0.025, 0.016, 0.013, 0.012],
        "architecture": [{"name": f"dense_{i}", "type": "Dense", "params": 100 * i} for i in range(6)],
        "best_epoch": 2,
    }
    path = tmp_path / "training_history.json"
    path.write_text(json.dumps(history))
    assert sorted(read_curves(path).values) == ["loss", "val_loss"]
    # Records as many as the epochs beside the history are curves (a score per class, each epoch).
    per_class = {**history, "per_class": [{"cat": 0.5 + e / 10, "dog": 0.6 + e / 10} for e in range(4)]}
    path.write_text(json.dumps(per_class))
    assert {"per_class_cat", "per_class_dog"} <= set(read_curves(path).values)


def test_a_history_saved_as_one_json_string_is_read_inside_the_string(tmp_path):
    path = tmp_path / "model_history.json"
    history = {"val_loss": [0.7, 0.69, 0.69, 0.7], "loss": [0.71, 0.68, 0.66, 0.64]}
    path.write_text(json.dumps(str(history)))  # json.dump(str(history.history), f): a quoted dict
    log = read_log_file(str(path))
    assert log.columns == history and log.is_json
    assert log.notes == [
        "the file holds the history as one JSON string (json.dump(str(history.history))): read the dict "
        "inside it."
    ]
    path.write_text(json.dumps(json.dumps(history)))  # a JSON text, quoted once more
    assert read_log_file(str(path)).columns == history
    # Code inside the string is never run either.
    path.write_text(json.dumps("{'loss': __import__('os').getcwd()}"))
    with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
        read_log_file(str(path))
    path.write_text(json.dumps("just a sentence"))
    with pytest.raises(ValueError, match="No header row"):
        read_log_file(str(path))


def test_a_printed_log_whose_lines_start_with_a_bracketed_time_is_not_taken_for_json(tmp_path):
    path = tmp_path / "training_history.txt"
    path.write_text(
        "[2024-10-31 22:45:12] Training started\n"
        + "".join(f"[2024-10-31 23:0{e}:00] Epoch {e + 1}: loss: {1 / (e + 1):.3f}\n" for e in range(5))
    )
    assert read_curves(path).values["loss"].tolist() == [1.0, 0.5, 0.333, 0.25, 0.2]


def test_a_bare_column_of_numbers_is_the_training_loss(tmp_path):
    """`numpy.savetxt("loss.txt", losses)`: one number per line, no header."""
    path = tmp_path / "loss.csv"
    path.write_text("2.053e-01\n1.5e-01\n\n0.12\n0.11\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.2053, 0.15, 0.12, 0.11]
    assert curves.notes[0] == "the file has no header: read its one number per line as the training loss."


def test_histories_nested_by_phase_or_by_set_are_read(tmp_path):
    phases = tmp_path / "phases.json"
    phases.write_text(
        json.dumps(
            {
                "phase1": {"loss": [1.4, 1.2], "val_loss": [1.3, 1.25]},
                "phase2": {"loss": [1.0, 0.8, 0.7], "val_loss": [1.1, 1.0, 0.95]},
                "best_phase": 2,
                "config": {"seed": 0},
            }
        )
    )
    curves = read_curves(phases)
    assert curves.values["loss"].tolist() == [1.0, 0.8, 0.7] and curves.values["val_loss"][-1] == 0.95
    assert "read the last of 2 training phases" in curves.notes[0]
    records = tmp_path / "records.json"
    records.write_text(
        json.dumps(
            [
                {
                    "epoch": epoch,
                    "train": {"loss": loss, "dice": 0.2},
                    "val": {"loss": loss + 0.1, "dice": 0.25},
                }
                for epoch, loss in enumerate([1.5, 1.2, 1.0], start=1)
            ]
        )
    )
    curves = read_curves(records)
    assert curves.values["loss"].tolist() == [1.5, 1.2, 1.0]
    assert curves.values["val_loss"].tolist() == pytest.approx([1.6, 1.3, 1.1])
    assert curves.values["val_dice"].tolist() == [0.25] * 3
    by_set = tmp_path / "by_set.json"
    by_set.write_text(
        json.dumps({"train": [{"loss": 0.9}, {"loss": 0.5}], "val": [{"loss": 1.0}, {"loss": 0.7}]})
    )
    curves = read_curves(by_set)
    assert curves.values["loss"].tolist() == [0.9, 0.5] and curves.values["val_loss"].tolist() == [1.0, 0.7]


def test_records_under_a_key_beside_settings_are_read(tmp_path):
    # A published report (ax_002): settings, then the per-epoch records under `epochs`, each with
    # its sets nested (`train`, `validation`) and accuracy in percent.
    path = tmp_path / "report.json"
    epochs = [
        {
            "epoch": e,
            "train": {"loss": loss, "accuracy": acc},
            "validation": {"loss": val, "accuracy": acc - 9},
        }
        for e, loss, val, acc in [(1, 0.584, 1.154, 68.0), (2, 0.504, 1.316, 73.6), (3, 0.45, 0.9, 78.0)]
    ]
    report = {"model": "mobilenet_v3_small", "image_size": [224, 224], "class_weights": [0.84, 1.42]}
    path.write_text(json.dumps({**report, "best_epoch": 3, "epochs": epochs, "total_seconds": 900}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.584, 0.504, 0.45]
    assert curves.values["val_loss"].tolist() == [1.154, 1.316, 0.9]
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.59, 0.646, 0.69])
    assert "read a JSON list of 3 per-epoch records under 'epochs'" in curves.notes[0]
    # A list of numbers as long as the records beside them is a curve too: not guessed between.
    path.write_text(json.dumps({"epochs": epochs, "lr": [0.1, 0.1, 0.01]}))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)


def test_one_history_nested_beside_an_evaluation_is_read(tmp_path):
    # A published report (az_014): a checkpoint's evaluation (single numbers) beside the history.
    path = tmp_path / "report.json"
    history = {"epoch": [1, 2, 3], "train_loss": [0.9, 0.5, 0.3], "val_loss": [0.8, 0.6, 0.55]}
    path.write_text(json.dumps({"checkpoint_eval": {"val_loss": 0.39}, "fresh_training_history": history}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.5, 0.3] and curves.values["val_loss"][-1] == 0.55
    assert (
        curves.notes[0]
        == "read the per-epoch lists under 'fresh_training_history' (the rest holds no curves)."
    )
    # Two nested histories are phases (or sets), read as before.
    path.write_text(json.dumps({"phase1": history, "phase2": history}))
    assert "last of 2 training phases" in read_curves(path).notes[0]


def test_epoch_summaries_beside_each_batchs_records_are_read_not_the_batches(tmp_path):
    # A published profile (co_014): `epoch_summaries` (one record per epoch, `avg_loss`) beside
    # `batch_metrics` (one per batch); read as two runs side by side, the batches' losses were the
    # curve, 16 runs interleaved.
    path = tmp_path / "training_metrics.json"
    summaries = [
        {"epoch": e, "avg_loss": loss, "epoch_time_sec": 6.0} for e, loss in enumerate([0.82, 0.8, 0.79], 1)
    ]
    batches = [{"epoch": e, "batch": b, "loss": 0.8 + 0.01 * b} for e in (1, 2, 3) for b in range(16)]
    path.write_text(
        json.dumps({"config": {"epochs": 3}, "epoch_summaries": summaries, "batch_metrics": batches})
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.82, 0.8, 0.79]
    assert "read a JSON list of 3 per-epoch records under 'epoch_summaries'" in curves.notes[0]


def test_a_training_set_beside_a_testing_set_is_one_run_not_two_phases(tmp_path):
    # A review's history: `training` and `testing` nested (or prefixed) side by side. Read as two
    # phases, the test curve was the training loss.
    path = tmp_path / "history.json"
    sets = {"training": {"loss": [1.0, 0.6, 0.4]}, "testing": {"loss": [1.1, 0.8, 0.9]}}
    for held_out in ("testing", "holdout", "evaluation"):
        path.write_text(json.dumps({"training": sets["training"], held_out: sets["testing"]}))
        curves = read_curves(path)
        assert curves.values["loss"].tolist() == [1.0, 0.6, 0.4], held_out
        assert curves.values["val_loss"].tolist() == [1.1, 0.8, 0.9], held_out  # no validation set
        assert not any("phases" in note for note in curves.notes)


def test_a_test_evaluation_after_early_stopping_is_no_epoch(tmp_path):
    # A published log (cl_014): `Early stopping at epoch 76`, then the test set's metrics on lines
    # of their own. Read as epoch 76, its test loss of 0.27 beside a training loss of 0.03 was an
    # explosion: `diverged`.
    path = tmp_path / "training_log.txt"
    lines = [
        f"Epoch {e}/100 - Train Loss: {0.07 - e / 2000:.4f}, Val Loss: {0.44 - e / 400:.4f}"
        for e in (10, 20, 30, 40)
    ]
    lines += ["Early stopping at epoch 46", "", "Test Metrics:", "  Loss: 0.2668", "  AUC-ROC: 0.8848"]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.065, 0.06, 0.055, 0.05] and len(curves) == 4
    assert "diverged" not in diagnose(str(path)).kinds
    # Keras's own message after the epoch's line, then the best epoch restored and `evaluate()`.
    keras = [
        f"Epoch {e}/50\n32/32 - 0s - loss: {0.9 - e * 0.05:.4f} - val_loss: {0.7 - e * 0.01:.4f}"
        for e in range(1, 13)
    ]
    keras += [
        "Epoch 12: early stopping",
        "Restoring model weights from the end of the best epoch: 7.",
        "313/313 - 1s - loss: 2.9000",
    ]
    path.write_text("\n".join(keras) + "\n")
    assert read_curves(path).values["loss"][-1] == pytest.approx(0.3)
    # A helper's message each epoch that names a later epoch, or an earlier one, ends nothing.
    lines = []
    for e in range(1, 13):
        lines += [
            f"Epoch {e}",
            f"EarlyStopping: patience 1/10 (stopping at epoch {min(e + 3, 11)} if no improvement)",
        ]
        lines += [f"  loss: {0.9 - e * 0.05:.4f}  val_loss: {0.7 - e * 0.01:.4f}"]
    path.write_text("\n".join(lines) + "\n")
    assert len(read_curves(path)) == 12


def test_a_reloaded_checkpoints_evaluation_after_the_run_is_no_run(tmp_path):
    # A published log (cr_006): pre-training, then fine-tuning with each set's metrics after `Tr`
    # and `Va` (read as the sets on a line that names both), then `Loading weights from epoch 6`
    # (in Vietnamese) and the test set's numbers on lines of their own. Read as a third run of one
    # epoch, the 60 fine-tuning epochs were lost.
    path = tmp_path / "training.log"
    lines = [f"[Pre] Epoch {e:3d}/30 | MSE Loss={0.5 - e / 100:.4f} | LR=1e-04" for e in range(1, 6)]
    lines += [
        f"[FT] Ep {e:3d}/60 | Tr Loss={0.6 / e:.4f} Acc={0.6 + e / 50:.4f} F1=0.5 | "
        f"Va Loss={0.65 / e:.4f} Acc={0.58 + e / 50:.4f} F1=0.4 AUC=0.9 | T=4s"
        for e in range(1, 9)
    ]
    lines += ["Tải trọng số từ epoch 6", "  Accuracy  : 1.0000", "  Loss      : 0.1385"]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert len(curves) == 8 and curves.values["loss"][-1] == pytest.approx(0.075)
    assert curves.values["val_loss"][0] == 0.65  # `Va Loss`: the validation set's
    assert curves.values["val_acc"][0] == pytest.approx(0.6) and curves.values["acc"][0] == pytest.approx(
        0.62
    )
    assert curves.notes[0].endswith(
        "The numbers printed after them under a line that names epoch 6 are not read: a checkpoint "
        "reloaded and evaluated."
    )
    # A run of one epoch, its metrics on the line that names it, is a run (g_019: a second run
    # for 1 epoch, appended to the log); so is Keras's `Epoch 1/1` above its progress line.
    lines[-3:] = ["Epoch 1 Training - Loss: 1.0774, Acc: 0.85"]
    path.write_text("\n".join(lines) + "\n")
    assert len(read_curves(path)) == 1
    lines[-1:] = ["Epoch 1/1", "32/32 [====] - 0s - loss: 2.3 - accuracy: 0.1 - val_loss: 2.3"]
    path.write_text("\n".join(lines) + "\n")
    assert len(read_curves(path)) == 1
    # `va_` alone is no validation set (a valence-arousal head's loss, beside the total).
    path.write_text(
        "".join(f"Epoch {e}/12 - loss: {1 / e:.3f} - va_loss: {0.2 / e:.3f}\n" for e in range(1, 5))
    )
    assert "val_loss" not in read_curves(path).values


def test_records_describing_the_data_beside_a_nested_history_are_not_its_epochs(tmp_path):
    # A published summary (ct_001): the source files as records (`file`, `rows`), the last epochs
    # of a Keras history under `history_tail`. The records were read as the epochs: no loss.
    path = tmp_path / "training_metrics.json"
    summary = {
        "source_files": [{"file": "a.csv", "rows": 213897, "signal_rows_used": 799}] * 3,
        "epochs_trained": 3,
        "history_tail": {"loss": [0.3, 0.29, 0.28], "val_loss": [0.93, 0.9, 0.86]},
    }
    path.write_text(json.dumps(summary))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.3, 0.29, 0.28]
    assert curves.notes[0] == "read the per-epoch lists under 'history_tail' (the rest holds no curves)."
    # Records that hold a loss, under a container of their own (`metrics`), are the epochs.
    records = [{"epoch": e, "metrics": {"loss": 1.0 - e / 10, "eval_loss": 1.1 - e / 10}} for e in range(4)]
    path.write_text(json.dumps({**summary, "epoch_stats": records}))
    assert read_curves(path).values["loss"].tolist() == [1.0, 0.9, 0.8, 0.7]
    # Records numbered by epoch (a validation set's, kept apart from the history) are curves, not
    # a description of the data: not left out for the history without a word.
    scored = [{"epoch": e, "val_accuracy": 0.5 + e / 10} for e in range(3)]
    path.write_text(json.dumps({"train_history": {"loss": [0.3, 0.29, 0.28]}, "eval_per_epoch": scored}))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)


def test_numbers_saved_as_strings_are_a_curve_not_names(tmp_path):
    # A review's history, dumped with `json.dump(history, default=str)` beside a config.
    path = tmp_path / "history.json"
    history = {"loss": ["0.92", "0.61", "0.47"], "val_loss": ["0.75", "0.58", "0.5"]}
    path.write_text(json.dumps({**history, "config": {"hidden_sizes": [128, 64], "lr": 0.001}}))
    assert read_curves(path).values["loss"].tolist() == [0.92, 0.61, 0.47]


def test_one_history_beside_lists_of_names_is_read_with_its_test_losses(tmp_path):
    # A published summary (co_019): a boosted model's scores and its feature names, the tickers,
    # and an LSTM's `train_losses` and `test_losses` (a test set scored each epoch).
    path = tmp_path / "training_metrics.json"
    summary = {
        "tickers": ["SPY", "TLT", "EFA"],
        "xgboost": {"test_mse": 0.0002, "feature_names": ["SPY_ma_200d", "TLT_ma_50d"]},
        "lstm": {"train_losses": [2.0, 1.5, 1.42], "test_losses": [2.9, 2.5, 2.44], "best_test_loss": 2.44},
        "config": {"lstm_epochs": 3},
    }
    path.write_text(json.dumps(summary))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0, 1.5, 1.42]
    assert curves.values["val_loss"].tolist() == [2.9, 2.5, 2.44]
    assert curves.notes[0] == "read the per-epoch lists under 'lstm' (the rest holds no curves)."


def test_phases_named_with_a_set_word_are_phases_not_sets(tmp_path):
    # A published history (ax_003): `initial_training` then `fine_tuning`, nested by phase. Ending
    # in `training` does not make the first a set of the second.
    history = {
        "initial_training": {"loss": [0.9, 0.6, 0.5], "val_loss": [0.8, 0.7, 0.65]},
        "fine_tuning": {"loss": [0.45, 0.4], "val_loss": [0.6, 0.58]},
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.45, 0.4] and curves.values["val_loss"].tolist() == [0.6, 0.58]
    assert "('initial_training', 'fine_tuning'): the lists under 'fine_tuning'" in curves.notes[0]


def test_phases_saved_in_lists_or_nested_by_set_are_read(tmp_path):
    # A published history (co_003): `training` then `fine_tuning`, each history saved in a list of
    # one. `training` is a set word, but alone beside a phase it names a phase.
    path = tmp_path / "history.json"
    first = {"loss": [0.9, 0.6, 0.5], "val_loss": [0.8, 0.7, 0.65], "accuracy": [0.5, 0.7, 0.8]}
    path.write_text(json.dumps({"training": [first], "fine_tuning": [{"loss": [0.45, 0.4, 0.38]}]}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.45, 0.4, 0.38] and "val_loss" not in curves.values
    assert "('training', 'fine_tuning'): the lists under 'fine_tuning'" in curves.notes[0]

    # A published comparison (co_002): two models, each with per-epoch records under its sets.
    def model(start):
        return {
            "train": [{"epoch": e, "loss": start / (e + 1)} for e in range(3)],
            "val": [{"epoch": e, "loss": start / (e + 1) + 0.1} for e in range(3)],
        }

    path.write_text(json.dumps({"jepa": model(2.0), "baseline": model(1.0)}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0, 0.5, 1 / 3])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.1, 0.6, 1 / 3 + 0.1])
    assert "('jepa', 'baseline'): the lists under 'baseline'" in curves.notes[0]


def test_nested_phases_of_one_and_two_words_beside_a_summary_are_read(tmp_path):
    # A published history (cd_013): `head` then `fine_tuning`, each with a model's two output
    # losses, beside the checkpoint chosen. Read as prefixed names, `head_` and `fine_` made no
    # phases, and the reading summed every loss of both phases as the training loss.
    def phase(start):
        losses = [start, start * 0.8, start * 0.7]
        return {
            "loss": losses,
            "val_loss": [value + 0.1 for value in losses],
            "ingredients_loss": [value / 2 for value in losses],
            "val_ingredients_loss": [value / 2 + 0.05 for value in losses],
            "learning_rate": [1e-3] * 3,
        }

    history = {"head": phase(1.0), "fine_tuning": phase(0.6), "selected_checkpoint": "best.keras"}
    path = tmp_path / "history.json"
    path.write_text(json.dumps({**history, "best_validation_loss": 0.52}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.6, 0.48, 0.42])
    assert curves.values["val_ingredients_loss"].tolist() == pytest.approx([0.35, 0.29, 0.26])
    assert curves.notes[0] == (
        "read the last of 2 training phases nested in the file ('head', 'fine_tuning'): "
        "the lists under 'fine_tuning'."
    )
    # Nested by set, or by a GAN's networks, the mappings are no phases.
    path.write_text(json.dumps({"train": phase(1.0), "validation": phase(1.1)}))
    assert "phases" not in " ".join(read_curves(path).notes)
    # Nor are sets' containers named with the set first (`val_metrics`, `val_history`): the second
    # had been read as the last phase, its validation loss as the training loss.
    for train, val in (("train_metrics", "val_metrics"), ("train_history", "val_history")):
        sets = {train: {"loss": [1.0, 0.8, 0.7], "accuracy": [0.5, 0.6, 0.7]}}
        sets[val] = {"loss": [1.5, 1.2, 1.05], "accuracy": [0.4, 0.5, 0.55]}
        path.write_text(json.dumps(sets))
        curves = read_curves(path)
        assert "phases" not in " ".join(curves.notes), train
        assert curves.values["loss"].tolist() == pytest.approx([1.0, 0.8, 0.7])
        assert curves.values["val_loss"].tolist() == pytest.approx([1.5, 1.2, 1.05])
    path.write_text(json.dumps({"generator": {"loss": [1.0, 2.0]}, "discriminator": {"loss": [0.7, 0.5]}}))
    with pytest.raises(ValueError, match="(?i)generator|GAN"):
        read_curves(path)
    # A model's sets under one prefix are still one run's curves.
    path.write_text(json.dumps({"coil_training_loss": [0.9, 0.5], "coil_validation_loss": [1.0, 0.7]}))
    assert read_curves(path).values["val_loss"].tolist() == [1.0, 0.7]


# -- a table of numbers without a header, its columns named by the caller ------------------------
PUBLIC_LOGS = Path(__file__).parent / "fixtures" / "public" / "logs"


def test_columns_name_a_published_table_without_a_header():
    # Five appended 100-epoch runs of `epoch, loss, accuracy %, val_loss, val_accuracy %`.
    path = PUBLIC_LOGS / "h_014.csv"
    with pytest.raises(ValueError, match=r"columns=\['epoch', 'loss', 'val_loss'\]"):
        read_curves(path)  # refused, saying how to name the columns
    curves = read_curves(path, columns=["epoch", "loss", "accuracy", "val_loss", "val_accuracy"])
    assert len(curves) == 100 and curves.epochs[0] == 0  # the last run, counted from 1 in the file
    assert curves.values["loss"][0] == 1.8462259329178117  # line 401: the last run's first epoch
    assert curves.values["val_accuracy"].max() == pytest.approx(0.8666)  # read as a percentage
    assert curves.notes[0].startswith("the file has no header: its columns were read as epoch, loss,")
    assert "5 runs appended" in curves.notes[1]


def test_columns_read_a_table_after_a_blank_line_and_one_split_by_spaces(tmp_path):
    curves = read_curves(PUBLIC_LOGS / "m_009.csv", columns=["loss", "val_loss"])  # CRLF, line 1 empty
    assert len(curves) == 100 and curves.values["val_loss"][:2].tolist() == [0.6691, 0.6602]
    spaced = tmp_path / "losses.txt"  # numpy.savetxt(np.column_stack([loss, val_loss])), its default
    spaced.write_text("9.0e-01 8.0e-01\n7.0e-01 7.5e-01\n5.0e-01 7.0e-01\n")
    assert read_curves(spaced, columns=["train_loss", "val_loss"]).values["val_loss"].tolist() == [
        0.8,
        0.75,
        0.7,
    ]


def test_columns_read_printed_epoch_colon_loss_lines_and_their_appended_runs(tmp_path):
    # `f.write(f"{epoch}: {losses.avg}\n")` in append mode: two launches stopped after epoch 0, the
    # third ran on. The epoch count starting again splits the runs; the last one is read.
    printed = tmp_path / "loss.txt"
    printed.write_text("0: 0.2986\n0: 0.3223\n0: 0.2986\n1: 0.2011\n2: 0.1720\n3: 0.1467\n4: 0.1326\n")
    curves = read_curves(printed, columns=["epoch", "loss"])
    assert curves.values["loss"].tolist() == [0.2986, 0.2011, 0.172, 0.1467, 0.1326]
    assert "3 runs appended" in curves.notes[1]


def test_columns_that_do_not_fit_the_file_are_refused_naming_both(tmp_path):
    table = tmp_path / "table.csv"
    table.write_text("1,0.9,0.8\n2,0.7,0.75\n")
    with pytest.raises(ValueError, match=r"gives 2 names \(loss, val_loss\), but line 1 .* into 2 numbers"):
        read_curves(table, columns=["loss", "val_loss"])
    with pytest.raises(ValueError, match=r"has a header row \(line 1: 'epoch,loss,val_loss'\)"):
        headed = tmp_path / "headed.csv"
        headed.write_text(HEADER + _rows([1.0, 0.5]))
        read_curves(headed, columns=["epoch", "loss", "val_loss"])
    with pytest.raises(ValueError, match="whose curves are named already"):
        diagnose({"loss": [1.0, 0.5]}, columns=["loss"])
    with pytest.raises(TypeError, match="list of column names"):
        read_curves(table, columns="epoch,loss,val_loss")
    with pytest.raises(ValueError, match=r"Line 2 of .*, column 'val_loss': 'oops'"):
        damaged = tmp_path / "damaged.csv"
        damaged.write_text("1,0.9,0.8\n2,0.7,oops\n")
        read_curves(damaged, columns=["epoch", "loss", "val_loss"])


def test_lightning_steps_are_averaged_into_epochs_and_step_copies_left_out(tmp_path):
    # `self.log("train_loss", loss)` in training_step logs per step only (Lightning's default): the
    # epoch's training loss is the mean of its steps, as `on_epoch=True` would log it.
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,step,train_loss,val_loss\n"
        "0,0,1.0,\n0,1,0.8,\n0,1,,0.7\n"
        "1,2,0.6,\n1,3,0.4,\n1,3,,0.5\n"
        "2,4,0.3,\n2,5,0.3,\n2,5,,0.45\n"
    )
    curves = read_curves(path)
    assert np.allclose(curves.values["loss"], [0.9, 0.5, 0.3])
    assert curves.values["val_loss"].tolist() == [0.7, 0.5, 0.45]
    assert "'train_loss' logged per step: each epoch's value is the mean of its steps" in curves.notes[0]
    # Logged with on_step and on_epoch: `_step` and `_epoch` copies; the epoch's value is read.
    path.write_text(
        "val_loss_step,step,val_loss_epoch,epoch,train_loss_epoch,train_loss_step\n"
        "1.5,0,,,,\n1.1,1,,,,\n,1,1.3,0,,\n,1,,0,,0.9\n,2,,0,1.2,\n"
        "0.9,3,,,,\n0.7,4,,,,\n,4,0.8,1,,\n,4,,1,,0.6\n,5,,1,0.7,\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.2, 0.7] and curves.values["val_loss"].tolist() == [1.3, 0.8]
    assert "per-step copies" in curves.notes[0]


def test_a_learning_rate_logged_per_step_that_misses_an_epoch_leaves_that_epoch_without_one(tmp_path):
    # A LearningRateMonitor logs every 50 steps on rows without an epoch number; an epoch of 40
    # steps can hold none of its rows. Its rate is not recorded there (before, reading failed).
    path = tmp_path / "metrics.csv"
    path.write_text(
        "lr-SGD,step,train_loss_step,epoch,valid_loss,train_loss_epoch\n"
        "0.01,24,,,,\n0.03,49,,,,\n,49,1.9,0,,\n,78,,0,1.71,\n,78,,0,,2.0\n"
        ",99,1.5,1,,\n,117,,1,1.46,\n,117,,1,,1.5\n"
        "0.02,149,,,,\n,149,1.4,2,,\n,156,,2,1.45,\n,156,,2,,1.3\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0, 1.5, 1.3]
    assert curves.recorded["learning_rate"].tolist() == [True, False, True]
    assert curves.values["learning_rate"][[0, 2]].tolist() == [0.02, 0.02]  # the mean of its steps
    assert "step" not in curves.values  # Lightning's step counter is bookkeeping, not a curve


def test_ultralytics_results_are_read_with_the_loss_as_the_sum_of_its_parts(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(  # a detector's: box, class and distribution-focal losses, no total
        "epoch,time,train/box_loss,train/cls_loss,train/dfl_loss,metrics/mAP50(B),val/box_loss,"
        "val/cls_loss,val/dfl_loss,lr/pg0,lr/pg1\n"
        "1,18.1,1.5,4.0,1.5,0.07,1.25,9.5,1.25,9e-05,9e-05\n"
        "2,35.7,1.25,2.25,1.25,0.18,1.5,4.25,1.25,0.00018,0.00018\n"
        "3,52.2,1.0,1.5,1.0,0.31,1.0,2.0,1.0,0.00027,0.00027\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [7.0, 4.75, 3.5]
    assert curves.values["val_loss"].tolist() == [12.0, 7.0, 4.0]
    assert curves.values["learning_rate"].tolist() == [9e-05, 0.00018, 0.00027]
    assert "metrics/mAP50(B)" in curves.values and "lr/pg1" in curves.values
    assert "read the sum of 'box_loss', 'cls_loss' and 'dfl_loss' as 'loss'" in " ".join(curves.notes)
    path.write_text(  # a classifier's: one loss, and its accuracy measured on the validation set
        "epoch,time,train/loss,metrics/accuracy_top1,metrics/accuracy_top5,val/loss,lr/pg0\n"
        "1,5.0,1.2,0.61,0.95,1.1,0.001\n2,9.9,0.8,0.72,0.97,0.9,0.001\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.2, 0.8] and curves.values["val_loss"].tolist() == [1.1, 0.9]
    assert curves.values["val_accuracy"].tolist() == [0.61, 0.72]


def test_a_two_headed_models_printed_losses_without_a_total_are_read_as_their_sum(tmp_path):
    # A hand-written loop's print of a model with a binary and a multi-class head, no validation:
    # its total is what the optimizer minimised, as Keras sums a multi-output model's losses.
    path = tmp_path / "training_log.txt"
    path.write_text(
        "Epoch [1/20], Binary Loss: 0.0023, Multi-class Loss: 1.0968\n"
        "Epoch [2/20], Binary Loss: 0.0001, Multi-class Loss: 0.3607\n"
        "Epoch [3/20], Binary Loss: 0.0002, Multi-class Loss: 0.2227\n"
    )
    curves = read_curves(path)
    assert curves.values["multi_class_loss"].tolist() == [1.0968, 0.3607, 0.2227]  # the hyphen kept
    assert np.allclose(curves.values["loss"], [1.0991, 0.3608, 0.2229]) and "val_loss" not in curves.values
    assert "read the sum of 'binary_loss' and 'multi_class_loss' as 'loss'" in " ".join(curves.notes)
    # A dict of NumPy arrays of the parts is summed the same way.
    heads = {"binary_loss": np.array([0.5, 0.3]), "multi_class_loss": np.array([1.0, 0.6])}
    assert read_curves(heads).values["loss"].tolist() == pytest.approx([1.5, 0.9])
    # Keras's progress line sets its fields apart with hyphens between spaces: not part of a name.
    path.write_text(
        "Epoch 1/2\n10/10 [====] - 3s 2ms/step - loss: 0.5 - val_loss: 0.6\n"
        "Epoch 2/2\n10/10 [====] - 2s 2ms/step - loss: 0.4 - val_loss: 0.55\n"
    )
    assert read_curves(path).values["loss"].tolist() == [0.5, 0.4]
    # Two ways of averaging one loss are not its parts: not summed; the epoch's is the loss.
    path = tmp_path / "averaged.csv"
    path.write_text("epoch,epoch_loss,batch_loss,val_accuracy\n1,1.0,1.1,0.5\n2,0.8,0.7,0.6\n")
    assert read_curves(path).values["loss"].tolist() == [1.0, 0.8]
    # A hyphen before a set's name is not part of the name: `Pre-training loss` is the training loss.
    path = tmp_path / "pretraining.txt"
    path.write_text(
        "".join(f"Epoch {e}: Pre-training loss: {1 / e}, Val loss: {1.1 / e}\n" for e in (1, 2, 3))
    )
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([1.1, 0.55, 1.1 / 3])
    # Some parts with a validation twin and some without are not one loss's parts: not summed.
    path = tmp_path / "parts.csv"
    path.write_text("epoch,box_loss,cls_loss,val_box_loss\n1,1.0,2.0,1.5\n2,0.5,1.0,1.0\n")
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)
    # Nor are a GAN's two networks' losses.
    path.write_text("epoch,generator_loss,discriminator_loss\n1,1.0,0.7\n2,1.5,0.5\n")
    with pytest.raises(ValueError):
        read_curves(path)


def test_a_variational_autoencoders_two_terms_without_a_total_are_read_as_their_sum(tmp_path):
    # dn_029: a β warm-up raises the reconstruction term by design (213 → 217 while β goes 0.25 → 1);
    # read alone as the loss, it was "not learning". The loss is the sum, the negative ELBO, unweighted.
    path = tmp_path / "training_log.csv"
    path.write_text(
        "epoch,beta,recon_loss,kld\n1,0.05,236.0,44.5\n2,0.1,216.4,41.0\n3,0.5,213.6,24.5\n4,1.0,217.0,17.2\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([280.5, 257.4, 238.1, 234.2])
    assert curves.values["recon_loss"].tolist() == [236.0, 216.4, 213.6, 217.0]  # the terms stay curves
    assert "read the sum of 'recon_loss' and 'kld' as 'loss' (a variational autoencoder's" in " ".join(
        curves.notes
    )
    # Under other names (j_018: `reconstruction_error`, `kl_loss`, and a `free_energy` not named a loss),
    # with the validation set's twins summed as its loss.
    history = {
        "free_energy": [1234.8, 1127.6, 1034.7],
        "reconstruction_error": [1206.1, 1101.6, 1010.0],
        "kl_loss": [28.7, 26.0, 24.7],
        "val_reconstruction_error": [1210.0, 1110.0, 1020.0],
        "val_kl_loss": [30.0, 27.0, 25.0],
    }
    curves = read_curves(history)
    assert curves.values["loss"].tolist() == pytest.approx([1234.8, 1127.6, 1034.7])
    assert curves.values["val_loss"].tolist() == pytest.approx([1240.0, 1137.0, 1045.0])
    # A total logged beside the terms is the loss, as before; so is one term alone (`dice_loss`).
    history = {"loss": [3.0, 2.0, 1.5], "recon_loss": [2.0, 1.5, 1.2], "kld": [1.0, 0.5, 0.3]}
    assert read_curves(history).values["loss"].tolist() == [3.0, 2.0, 1.5]
    assert read_curves({"recon_loss": [2.0, 1.5, 1.2]}).values["loss"].tolist() == [2.0, 1.5, 1.2]
    # `recon_loss` and `kl_loss` are two terms, not two phases `recon_` and `kl_` logged side by side;
    # the Keras VAE example's `total_loss` beside them is the loss.
    assert read_curves({"recon_loss": [2.0, 1.5], "kl_loss": [1.0, 0.5]}).values["loss"].tolist() == [
        3.0,
        2.0,
    ]
    keras_example = {"total_loss": [3.1, 2.1], "reconstruction_loss": [2.0, 1.5], "kl_loss": [1.0, 0.5]}
    assert read_curves(keras_example).values["loss"].tolist() == [3.1, 2.1]
    # A dict of NumPy arrays (or a DataFrame) is summed the same way.
    arrays = {"recon_loss": np.array([2.0, 1.5, 1.2]), "kld": np.array([1.0, 0.5, 0.3])}
    assert read_curves(arrays).values["loss"].tolist() == [3.0, 2.0, 1.5]
    # A score of the reconstruction is no term of the loss: not summed.
    curves = read_curves({"reconstruction_accuracy": [0.5, 0.6], "kl_loss": [1.0, 0.5]})
    assert curves.values["loss"].tolist() == [1.0, 0.5] and "variational" not in " ".join(curves.notes)


def test_bookkeeping_of_the_best_epoch_is_left_out_with_a_note(tmp_path):
    path = tmp_path / "train_log.csv"
    path.write_text(
        "epoch,train_loss,val_loss,val_acc,best,is_best,best_val_loss,best_epoch\n"
        "1,0.51,0.21,0.948,0.948,1,0.21,1\n2,0.22,0.18,0.949,0.949,1,0.18,2\n3,0.19,0.19,0.943,0.949,0,0.18,2\n"
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_acc", "val_loss"]
    assert "left out 'best', 'is_best', 'best_val_loss', 'best_epoch': bookkeeping" in " ".join(curves.notes)
    # The same after a set's prefix: a loop's `val_best_dice` beside its `val_dice`.
    history = {"loss": [0.5, 0.3, 0.2], "val_dice": [0.6, 0.7, 0.65], "val_best_dice": [0.6, 0.7, 0.7]}
    assert sorted(read_curves(history).values) == ["loss", "val_dice"]


def test_a_clock_time_printed_beside_the_metrics_is_not_a_value():
    from fitwell.diagnosis.textlog import read_text_records

    text = "".join(
        f"Epoch {e}\n Average training loss: {1 / e}\n Training epoch took: 0:00:5{e}\n"
        f" Average validation loss: {2 / e}\n Validation epoch took: 0:00:01\n"
        for e in range(1, 4)
    )
    assert sorted(read_text_records(text)[0]) == ["loss", "val_loss"]
    # An ISO time stamp before each line (cu_004): `T21:37:50` was read as `t21` = 3, the digit
    # before its colon.
    text = "".join(f"2025-10-29T21:37:5{e}.757416 Epoch {e}/5 loss={1 / e}\n" for e in range(1, 4))
    assert sorted(read_text_records(text)[0]) == ["loss"]


def test_a_total_of_loss_parts_pairs_with_the_validation_sets_total(tmp_path):
    # A detector's log: the total and its parts, for both sets.
    path = tmp_path / "train_log.csv"
    path.write_text(
        "epoch,train_total_loss,val_total_loss,best_val_loss,train_rpn_box_loss,val_rpn_box_loss\n"
        "1,2.48,1.71,1.71,0.10,0.09\n2,1.52,1.33,1.33,0.09,0.09\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.48, 1.52]
    assert curves.values["val_loss"].tolist() == [1.71, 1.33]
    path.write_text("epoch,train_loss_total,train_loss_ce,val_loss_total,val_loss_ce\n1,1.1,0.4,1.09,0.40\n")
    assert read_curves(path).values["val_loss"].tolist() == [1.09]


def _yolo_console(epochs: list[tuple[float, ...]], *, from_one: bool = False) -> str:
    """What YOLO prints while it trains: per epoch a header, the losses' row (its progress bar's
    last state), the validation's header and its `all` row; then the best weights validated again,
    with a row per class. YOLOv5 counts epochs from 0 and heads its scores `P ... mAP50-95:`;
    YOLOv8 counts from 1 and writes `Box(P ... mAP50-95)`."""
    scores = "Box(P          R      mAP50  mAP50-95)" if from_one else "P          R      mAP50   mAP50-95:"
    lines = ["(venv) > python train.py --img 320", "Starting training...", ""]
    for epoch, (box, obj, cls, map50, map95) in enumerate(epochs):
        shown = f"{epoch + from_one}/{len(epochs) - 1 + from_one}"
        lines += [
            "      Epoch    GPU_mem   box_loss   obj_loss   cls_loss  Instances       Size",
            f"       {shown}         0G     {box}    {obj}     {cls}          3        320: 100%|####| 19/19",
            f"                 Class     Images  Instances          {scores} 100%|#|",
            f"                   all        289        289      0.5      0.6      {map50}   {map95}",
            "",
        ]
    lines += [
        "Validating runs/train/exp2/weights/best.pt...",
        f"                 Class     Images  Instances          {scores} 100%|#|",
        "                   all        289        289      0.645      0.786      0.755      0.447",
        "                drowsy        289        100      0.681       0.94       0.89      0.567",
    ]
    return "\n".join(lines) + "\n"


def test_a_yolo_console_log_is_read_with_its_losses_summed_and_its_map_watched(tmp_path):
    epochs = [(0.1105, 0.0174, 0.0765, 0.0011, 0.00025), (0.0867, 0.0226, 0.0616, 0.0234, 0.0069)]
    epochs += [(0.07 - 0.01 * i, 0.02, 0.05 - 0.01 * i, 0.2 + 0.15 * i, 0.1 + 0.1 * i) for i in range(4)]
    path = tmp_path / "training_log.txt"
    path.write_text(_yolo_console(epochs))
    curves = read_curves(path)
    assert curves.epochs.tolist() == list(range(6))
    assert np.allclose(curves.values["loss"], [sum(row[:3]) for row in epochs])
    assert np.allclose(curves.values["val_map50_95"], [row[4] for row in epochs])  # not the best's 0.447
    assert "read as a YOLO console log: 6 epochs" in curves.notes[0]
    finding = diagnose(path).primary
    assert finding.kind == "still_improving" and "val_map50_95" in finding.summary  # mAP, not precision
    path.write_text(_yolo_console(epochs, from_one=True))
    curves = read_curves(path)
    assert np.allclose(curves.values["val_map50_95"], [row[4] for row in epochs])
    assert curves.epochs.tolist() == list(range(6)) and "counts epochs from 1" in " ".join(curves.notes)
    # A segmenter's: its box scores, not the mask scores printed after them under the same names.
    text = _yolo_console(epochs, from_one=True).replace(
        "mAP50-95)", "mAP50-95)     Mask(P          R      mAP50  mAP50-95)"
    )
    lines = [  # each `all` row with the mask's four scores after the box's
        line + ("      0.9      0.9      0.9      0.9" if line.strip().startswith("all") else "")
        for line in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n")
    assert np.allclose(read_curves(path).values["val_map50_95"], [row[4] for row in epochs])
    # One epoch is read, and judged too short.
    path.write_text(_yolo_console(epochs[:1]))
    assert "too short" in diagnose(path).primary.summary
    # A classifier's: one loss, and its top-1 accuracy as the validation accuracy.
    classifier = []
    for epoch, (loss, top1) in enumerate([(1.1, 0.70), (0.8, 0.78), (0.6, 0.81)], start=1):
        classifier += [
            "      Epoch    GPU_mem       loss  Instances       Size",
            f"        {epoch}/3     0.586G      {loss}         16        224: 100%|####| 7/7",
            "               classes   top1_acc   top5_acc: 100%|####| 2/2",
            f"                   all       {top1}      0.995",
        ]
    path.write_text("\n".join(classifier) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.1, 0.8, 0.6]
    assert curves.values["val_accuracy"].tolist() == [0.70, 0.78, 0.81]
    # A loop's own table with `N/M` epochs is not YOLO's: its header names no GPU memory.
    loop = ["Epoch  train_loss  val_loss", "1/3  0.91  0.95", "2/3  0.62  0.70", "3/3  0.50  0.61"]
    assert read_yolo_console(loop) is None


def test_a_yolov5_console_log_of_the_older_releases_is_read_by_its_parts_and_its_total(tmp_path):
    # Before 6.1, YOLOv5 printed the losses by their part alone (`box obj cls`, and a `total` in
    # older releases) and the scores at `mAP@.5` (`fy_037`, refused before).
    def printed(rows, *, total):
        names = "box       obj       cls" + ("     total" if total else "")
        lines = ["Starting training for 3 epochs...", ""]
        for epoch, (box, obj, cls, map50, map95) in enumerate(rows):
            parts = f"{box}   {obj}   {cls}" + (f"   {box + obj + cls:.5f}" if total else "")
            lines += [
                f"     Epoch   gpu_mem       {names}    labels  img_size",
                f"       {epoch}/{len(rows) - 1}        0G   {parts}        54       640: 100%|###| 401/401",
                "        Class     Images     Labels          P          R     mAP@.5 mAP@.5:.95: 100%|#|",
                f"                 all       3796       4416      0.6      0.5     {map50}    {map95}",
                "",
            ]
        return "\n".join(lines) + "\n"

    rows = [
        (0.058, 0.024, 0.098, 0.017, 0.008),
        (0.05, 0.021, 0.08, 0.09, 0.04),
        (0.045, 0.02, 0.07, 0.15, 0.08),
    ]
    path = tmp_path / "training_output.txt"
    for total in (False, True):
        path.write_text(printed(rows, total=total))
        curves = read_curves(path)
        assert np.allclose(curves.values["loss"], [sum(row[:3]) for row in rows], atol=1e-5)
        assert np.allclose(curves.values["val_map50"], [row[3] for row in rows])
        assert np.allclose(curves.values["val_map50_95"], [row[4] for row in rows])
        assert curves.epochs.tolist() == [0, 1, 2]


def test_rows_logged_within_each_epoch_by_a_position_column_are_that_epochs_steps(tmp_path):
    # `Epoch,Percentage,Loss`: the minibatch loss every quarter of an epoch (`fy_059`, every 2%, was
    # read as 50 runs written at once, the last of them one row per epoch).
    losses = [[2.3, 1.9, 1.4, 1.2], [0.9, 0.8, 0.85, 0.7], [0.6, 0.65, 0.5, 0.55]]
    rows = [f"{epoch},{25.0 * i},{loss}" for epoch, run in enumerate(losses, 1) for i, loss in enumerate(run)]
    path = tmp_path / "losses.csv"
    path.write_text("Epoch,Percentage,Loss\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert np.allclose(curves.values["loss"], [sum(run) / 4 for run in losses])
    assert "at the points its 'Percentage' column counts" in " ".join(curves.notes)
    # A validation's row without a position of its own is the epoch's too.
    with_val = [
        row
        for epoch, run in enumerate(losses, 1)
        for row in [
            *(f"{epoch},{25.0 * i},{loss}," for i, loss in enumerate(run)),
            f"{epoch},,,{1.0 / epoch}",
        ]
    ]
    path.write_text("Epoch,Percentage,Loss,val_loss\n" + "\n".join(with_val) + "\n")
    curves = read_curves(path)
    assert np.allclose(curves.values["loss"], [sum(run) / 4 for run in losses])
    assert np.allclose(curves.values["val_loss"], [1.0, 0.5, 1 / 3])
    # A log of one epoch counted by iteration is read by its rows (its epoch column says little),
    # and a second row at an epoch's end (a last evaluation) merges nothing (a review's inputs).
    iterations = [f"0,{100 * i},{2.0 / i:.4f},{2.2 / i:.4f}" for i in range(1, 31)]
    path.write_text("epoch,iter,loss,val_loss\n" + "\n".join(iterations) + "\n")
    assert len(read_curves(path).values["loss"]) == 30
    evaluated = [f"{e},{100 * (e + 1)},{1.0 / (e + 1):.4f},{1.1 / (e + 1):.4f}" for e in range(5)]
    path.write_text("epoch,iteration,loss,val_loss\n" + "\n".join([*evaluated, "4,501,,0.75"]) + "\n")
    logged = {round(1.1 / (e + 1), 4) for e in range(5)} | {0.75}
    assert {round(v, 4) for v in read_curves(path).values["val_loss"]} <= logged  # no mean of two rows
    # Not when the column does not rise within an epoch: then it counts nothing of the epoch.
    shuffled = [
        f"{epoch},{[50.0, 0.0, 75.0, 25.0][i]},{loss}"
        for epoch, run in enumerate(losses, 1)
        for i, loss in enumerate(run)
    ]
    path.write_text("Epoch,Percentage,Loss\n" + "\n".join(shuffled) + "\n")
    assert "Percentage" not in " ".join(read_curves(path).notes)


def test_an_epochs_scores_on_a_line_of_their_own_after_its_loss_lines_are_read(tmp_path):
    # `Epoch 1 | Batch 4900/4906 | Loss 0.0554`, then `Epoch 1 complete | Train AUC: 0.7543 | Val
    # AUC: 0.7673` (`fz_072`): the scores' lines name no loss, and were left out.
    lines = []
    for epoch, (auc, val_auc) in enumerate([(0.75, 0.77), (0.82, 0.78), (0.84, 0.80), (0.86, 0.80)], 1):
        lines += [
            f"[17625] Epoch {epoch} | Batch {b}/300 | Loss {0.1 / epoch + b / 1e4:.4f}" for b in (0, 100, 200)
        ]
        lines.append(f"[17626] Epoch {epoch} complete | Train AUC: {auc} | Val AUC: {val_auc}")
    path = tmp_path / "train.log"
    path.write_text("Training started\n" + "\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["auc"].tolist() == [0.75, 0.82, 0.84, 0.86]
    assert curves.values["val_auc"].tolist() == [0.77, 0.78, 0.80, 0.80]
    # A message that names its epoch brings no numbers of its own (`EPOCH 1 of 30`, `reducing
    # learning rate of group 0`).
    messages = [
        f"EPOCH {e} of 30\nEpoch {e}: loss {1.0 / e:.3f}\n"
        f"Epoch {e}: reducing learning rate of group 0 to 0.01."
        for e in range(1, 5)
    ]
    path.write_text("\n".join(messages) + "\n")
    assert set(read_curves(path).values) == {"loss"}


def test_sets_named_alone_beside_a_cost_are_not_read_as_losses(tmp_path):
    # `cost 2.31, train: 0.08, val 0.09` (`fy_036`): a course's solver prints the loss as a cost
    # and the sets' accuracies by their names alone; read as the losses, they called the run
    # diverged. Nor is a cost the loss by its name: printed logs also call an epoch's seconds so.
    path = tmp_path / "out.txt"
    lines = [
        f"Finished epoch {e} / 10: cost {2.3 / (e + 1):.4f}, train: {0.1 + 0.08 * e:.3f}, "
        f"val {0.1 + 0.06 * e:.3f}"
        for e in range(10)
    ]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="no 'loss' curve.*'cost'"):
        diagnose(str(path))
    timed = [
        f"epoch: {e}, train_acc: {0.6 + 0.02 * e:.2f}, val_acc: {0.6 + 0.02 * e:.2f}, cost: {34 + 2 * e}.00"
        for e in range(15)
    ]
    path.write_text("\n".join(timed) + "\n")
    with pytest.raises(ValueError, match="no 'loss' curve"):
        diagnose(str(path))


def test_an_early_lightning_log_with_its_rows_times_instead_of_steps_is_read_by_epoch(tmp_path):
    # PyTorch Lightning before 0.7 wrote `created_at` where it now writes `step` (`fz_016`: read as
    # nine runs written at once, the last of them one row every two epochs).
    lines = ["train_loss,accuracy,epoch,created_at,val_loss"]
    for epoch, (losses, val) in enumerate([([0.7, 0.15, 0.06], 0.04), ([0.02, 0.01, 0.012], 0.05)]):
        lines += [f"{loss},0.5,{epoch},2019-12-09 02:3{epoch}:{10 + i}.10,," for i, loss in enumerate(losses)]
        lines.append(f",,{epoch},2019-12-09 02:3{epoch}:20.50,{val}")
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert np.allclose(curves.values["loss"], [0.91 / 3, 0.042 / 3])
    assert curves.values["val_loss"].tolist() == [0.04, 0.05]
    assert "read the 8 rows as 2 epochs" in " ".join(curves.notes)
    # Beside rows that each fill the loss, the time is a resumed run's: its epochs replace the
    # earlier ones (a review's input), not averaged with them.
    rows = [
        f"{e},{1.0 / (e + 1):.4f},{1.2 / (e + 1):.4f},2019-12-09 0{e // 10}:{e % 10}0:00" for e in range(6)
    ]
    rows += [
        f"{e},{0.9 / (e + 1):.4f},{1.1 / (e + 1):.4f},2019-12-10 0{e // 10}:{e % 10}0:00"
        for e in range(5, 12)
    ]
    path.write_text("epoch,loss,val_loss,created_at\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"][5] == pytest.approx(0.15) and "resumed" in " ".join(curves.notes)


def test_a_test_sets_loss_logged_under_what_it_measures_is_the_validation_loss(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(
        json.dumps({"train_nll": [1.48, 1.21, 0.86], "test_nll": [1.5, 1.3, 1.1], "test_r2": [0.1, 0.3, 0.5]})
    )
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [1.5, 1.3, 1.1] and "val_r2" in curves.values


def test_a_printed_log_of_name_value_tokens_set_apart_by_spaces_is_read(tmp_path):
    path = tmp_path / "train.log"
    path.write_text(
        "device: cuda\nwindows: 20729 train / 1628 val  (window=128)\n"
        "epoch   1  train_loss 0.1810  val_loss 0.1929  F1 0.458  | grad L1 2.5e-01\n"
        "epoch   2  train_loss 0.1440  val_loss 0.2110  F1 0.635  | grad L1 1.8e-01\n"
        "epoch   3  train_loss 0.1352  val_loss 0.1954  F1 0.601  | grad L1 1.6e-01\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.181, 0.144, 0.1352]
    assert curves.values["val_loss"].tolist() == [0.1929, 0.211, 0.1954]
    assert curves.values["f1"].tolist() == [0.458, 0.635, 0.601]


def test_a_history_printed_after_a_label_is_read_and_the_summary_after_it_skipped(tmp_path):
    path = tmp_path / "train_history.txt"
    path.write_text(
        "train history: {'acc': [0.5, 0.6, 0.7], 'loss': [1.0, 0.8, 0.6], 'val_loss': [1.1, 0.9, 0.8]}\n"
        " accuracy: 0.6\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.8, 0.6] and curves.values["val_loss"][-1] == 0.8
    assert (
        curves.notes[0]
        == "read the history printed after 'train history:' on line 1; the line after it is skipped."
    )


def test_a_loops_log_that_starts_later_is_named_by_its_own_epoch_numbers(tmp_path):
    # A resumed loop's log: epochs 9 to 12 by its own count; the best validation loss is on the row
    # it numbers 9, and that is the epoch the messages name.
    path = tmp_path / "log.csv"
    path.write_text("epoch,train_loss,val_loss\n9,2.0,2.3788\n10,1.9,2.39\n11,1.8,2.42\n12,1.7,2.4477\n")
    diagnosis = diagnose(path)
    assert "the log's epochs start at 9:" in diagnosis.notes[-1]
    assert "was lowest at epoch 9" in diagnosis.primary.summary
    assert "Keep the weights of epoch 9" in diagnosis.primary.advice
    # Keras's CSVLogger, resumed with initial_epoch=9, counts from 0: its row 9 is the 10th epoch.
    path.write_text("epoch,loss,val_loss\n9,2.0,2.3788\n10,1.9,2.39\n11,1.8,2.42\n12,1.7,2.4477\n")
    assert read_curves(path).epochs.tolist() == [9, 10, 11, 12]
    assert read_curves(path).notes == ()


def test_a_log_written_every_k_epochs_says_its_rows_are_not_epochs(tmp_path):
    path = tmp_path / "log.csv"
    rows = "".join(f"{epoch},{1.0 / (1 + epoch / 100):.4f}\n" for epoch in range(0, 1000, 100))
    path.write_text("epoch,loss\n" + rows)
    assert "one row every 100 epochs (10 rows, epoch 1 to epoch 901)" in " ".join(diagnose(path).notes)
    path.write_text("epoch,loss\n" + "".join(f"{epoch},{1.0 / (1 + epoch):.4f}\n" for epoch in range(10)))
    assert not any("one row every" in note for note in diagnose(path).notes)


def test_a_settings_dict_above_a_table_is_a_title_line_not_a_printed_history(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "config: {'lr': 0.001, 'layers': [64, 32]}\n"
        "epoch,loss,val_loss\n0,1.0,1.1\n1,0.8,0.9\n2,0.7,0.85\n3,0.6,0.8\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.8, 0.7, 0.6]
    assert curves.notes[0].startswith("skipped line 1 before the header")


def test_training_phases_nested_under_two_word_names_read_the_last(tmp_path):
    path = tmp_path / "training_history.json"
    phase = {"loss": [0.9, 0.5, 0.4], "val_loss": [0.8, 0.6, 0.55], "accuracy": [0.6, 0.8, 0.85]}
    later = {"loss": [0.35, 0.3, 0.28], "val_loss": [0.5, 0.48, 0.47], "accuracy": [0.88, 0.9, 0.91]}
    path.write_text(json.dumps({"phase_a": phase, "phase_b": later}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.35, 0.3, 0.28]
    assert "('phase_a', 'phase_b'): the lists under 'phase_b'" in curves.notes[-1]


def test_a_printed_validation_line_after_an_epoch_marker_is_validation(tmp_path):
    path = tmp_path / "train_log.txt"
    path.write_text(
        "Train set length: 1960\n"
        "17:46:38 [Epoch: 01] Train acc: 0.0821 | loss: 2.6612\n"
        "17:50:04 [Epoch: 02] Train acc: 0.1398 | loss: 2.4842\n"
        "17:52:35 [Epoch: 02] Valid acc: 0.2988 | loss: 2.0462\n"
        "17:53:48 [Epoch: 03] Train acc: 0.1719 | loss: 2.3844\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.6612, 2.4842, 2.3844]
    assert curves.values["val_loss"][1] == 2.0462 and curves.recorded["val_loss"].tolist() == [
        False,
        True,
        False,
    ]


def test_keras_output_pasted_without_its_first_epoch_header_keeps_the_first_epoch(tmp_path):
    path = tmp_path / "train.txt"
    bar = "39792/39792 [==============================] - 88s - "
    path.write_text(
        f"{bar}loss: 0.0243 - val_loss: 0.0369\nEpoch 2/50\n{bar}loss: 0.0189 - val_loss: 0.0352\n"
        f"Epoch 3/50\n{bar}loss: 0.0183 - val_loss: 0.0287\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.0243, 0.0189, 0.0183]
    # A summary printed before training (other names than the epochs') is not an epoch.
    path.write_text(
        "Test loss: 0.9 accuracy: 0.1\nEpoch 2/50\n"
        f"{bar}loss: 0.0189 - val_loss: 0.0352\nEpoch 3/50\n{bar}loss: 0.0183 - val_loss: 0.0287\n"
    )
    assert read_curves(path).values["loss"].tolist() == [0.0189, 0.0183]


def test_a_damaged_step_value_in_lightnings_rows_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,step,train_loss,val_loss\n0,0,1.0,\n0,1,0.8,\n0,1,,0.7\n1,2,0.6,\n1,3,0.4x,\n1,3,,0.5\n"
    )
    with pytest.raises(ValueError, match="0.4x"):
        read_curves(path)


def test_a_loggers_start_and_summary_rows_are_not_epochs(tmp_path):
    path = tmp_path / "runs.csv"
    path.write_text(
        "run_id,event,epoch,train_loss,val_loss,best_val_loss,lr\n"
        "7,start,,,,,0.001\n"
        "7,epoch,1,0.62,0.88,0.88,0.001\n"
        "7,epoch,2,0.37,0.70,0.70,0.001\n"
        "7,epoch,3,0.28,0.83,0.70,0.001\n"
        "7,summary,,,,0.70,0.001\n"
    )
    log = read_log_file(str(path))
    assert log.columns["loss"] == [0.62, 0.37, 0.28]
    assert log.columns["val_loss"] == [0.88, 0.70, 0.83]
    assert log.epochs == [0, 1, 2]  # counted from 1 in the file, as its note says
    assert (
        "skipped lines 2, 6, with no epoch number and no loss: a logger's own lines, not epochs." in log.notes
    )
    # A row with an epoch number but an empty loss is an epoch (its loss missing), not skipped.
    path.write_text("epoch,loss,val_loss\n1,0.9,1.0\n2,,0.8\n3,0.5,0.7\n")
    assert read_log_file(str(path)).columns["loss"] == [0.9, None, 0.5]


def test_a_bare_loss_beside_a_training_loss_is_the_validation_loss(tmp_path):
    path = tmp_path / "history.json"
    records = [
        {"epoch": 1, "train_loss": 1.26, "loss": 1.09, "miou": 0.55},
        {"epoch": 2, "train_loss": 1.06, "loss": 0.92, "miou": 0.68},
    ]
    path.write_text(json.dumps(records))
    log = read_log_file(str(path))
    assert log.columns["loss"] == [1.26, 1.06]
    assert log.columns["val_loss"] == [1.09, 0.92]
    assert any("a bare 'loss' beside a training loss is the other set's" in note for note in log.notes)
    # With a validation loss of its own, `loss` stays the training loss (`train_loss` a copy).
    path.write_text(json.dumps([{**r, "val_loss": 1.0} for r in records]))
    assert read_log_file(str(path)).columns["loss"] == [1.09, 0.92]
    # So is the one bare measure a loss is made of (`gk_014`: `train_loss` beside an evaluation's
    # `cross_entropy`, whose rise from epoch 13 on both readers call overfitting).
    path.write_text(
        json.dumps([{"epoch": r["epoch"], "train_loss": r["train_loss"], "nll": r["loss"]} for r in records])
    )
    log = read_log_file(str(path))
    assert log.columns["val_loss"] == [1.09, 0.92]
    assert any("a bare 'nll' beside a training loss is the other set's" in note for note in log.notes)
    # Not where the validation set has names of its own, nor a measure a loss is a part of or a
    # metric of: beside `val_mae`, a bare `mae` is the training set's; `bce` beside `dice` is a part.
    assert keras_names(["epoch", "train_loss", "mae", "val_mae"]).get("mae") != "val_loss"
    assert "val_loss" not in keras_names(["epoch", "train_loss", "bce", "dice"]).values()
    assert diagnose(str(PUBLIC_LOGS / "gk_014.json")).primary.kind == "overfitting"


def test_runs_written_into_one_file_at_once_are_told_apart(tmp_path):
    # Two runs appending to one CSV at the same time: their epoch numbers interleave. Each row
    # continues the run whose last epoch is one less; the run that started last is read.
    path = tmp_path / "training_results.csv"
    first = [(1, 0.56), (2, 0.51), (3, 0.50), (4, 0.49), (5, 0.48), (6, 0.47)]
    second = [(1, 0.90), (2, 0.80), (3, 0.70), (4, 0.60)]
    order = [*first[:3], second[0], first[3], second[1], first[4], second[2], first[5], second[3]]
    path.write_text("epoch,train_loss\n" + "".join(f"{epoch},{loss}\n" for epoch, loss in order))
    log = read_log_file(str(path))
    assert log.columns["loss"] == [0.90, 0.80, 0.70, 0.60]
    assert log.epochs == [0, 1, 2, 3]
    assert (
        "the file holds 2 runs written into it at the same time (their epoch numbers interleave): "
        "read the one that started last, on lines 5, 7, 9, 11." in log.notes
    )
    # Runs appended one after another stay the last appended run.
    path.write_text("epoch,loss\n0,0.9\n1,0.8\n2,0.7\n0,0.6\n1,0.5\n")
    log = read_log_file(str(path))
    assert log.columns["loss"] == [0.6, 0.5]
    assert any("2 runs appended one after another" in note for note in log.notes)


def test_a_printed_cross_validation_reads_its_last_fold_and_a_line_printed_twice_once(tmp_path):
    path = tmp_path / "train_history.txt"
    lines = []
    for fold in range(3):
        lines.append(f"=== Training fold {fold} ===")
        for epoch in range(1, 5):
            line = f"[Fold {fold}] E{epoch}/4: train_loss={4.0 / epoch + fold:.4f} val_loss={5.0 / epoch:.4f}"
            lines += [line, line] if epoch == 2 else [line]
    path.write_text("\n".join(lines))
    log = read_log_file(str(path))
    assert log.columns["loss"] == [6.0, 4.0, round(4 / 3 + 2, 4), 3.0]
    assert log.columns["val_loss"] == [5.0, 2.5, round(5 / 3, 4), 1.25]
    assert "of the last of 3 runs (the epoch count or the fold starts again)" in log.notes[0]
    # With epoch markers, identical lines are epochs of a frozen loss, all kept.
    frozen = "100/100 - 1s - loss: 0.6931 - accuracy: 0.5000 - val_loss: 0.6931"
    path.write_text("".join(f"Epoch {epoch}/4\n{frozen}\n" for epoch in range(1, 5)))
    assert read_log_file(str(path)).columns["loss"] == [0.6931] * 4


def _trainer_log(epochs=5, per_epoch=4, evaluate_every=None, nan_at=None):
    """A Hugging Face Trainer `log_history`: training records every 25 steps (`per_epoch` an epoch),
    evaluations at each epoch's end (or every `evaluate_every` steps), a summary record last."""
    records, step = [{"epoch": 0.0, "step": 0, "eval_loss": 3.0}], 0
    for epoch in range(1, epochs + 1):
        for k in range(1, per_epoch + 1):
            step += 25
            loss = 2.0 * 0.7 ** (epoch - 1 + k / per_epoch)
            if nan_at == (epoch, k):
                loss = float("nan")
            records.append(
                {"epoch": epoch - 1 + k / per_epoch, "step": step, "loss": loss, "learning_rate": 1e-3 / step}
            )
            if evaluate_every and step % evaluate_every == 0:
                records.append(
                    {"epoch": records[-1]["epoch"], "step": step, "eval_loss": 2.4 * 0.8 ** (step / 100)}
                )
        if not evaluate_every:
            records.append(
                {
                    "epoch": float(epoch),
                    "step": step,
                    "eval_loss": 2.4 * 0.8**epoch,
                    "eval_accuracy": 0.5 + 0.05 * epoch,
                    "eval_runtime": 1.5,
                    "eval_samples_per_second": 90.0,
                }
            )
    records.append(
        {"epoch": float(epochs), "step": step, "train_loss": 0.9, "train_runtime": 60.0, "total_flos": 1e12}
    )
    return records


def test_a_trainer_state_is_read_one_row_per_evaluation(tmp_path):
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"global_step": 500, "log_history": _trainer_log(), "num_train_epochs": 5}))
    curves = read_curves(path)
    # The evaluation before any training (step 0), the summary record and the timings are left out.
    assert sorted(curves.values) == ["learning_rate", "loss", "val_accuracy", "val_loss"]
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4]
    expected = [np.mean([2.0 * 0.7 ** (e + k / 4) for k in range(1, 5)]) for e in range(5)]
    np.testing.assert_allclose(curves.values["loss"], expected)
    np.testing.assert_allclose(curves.values["val_loss"], [2.4 * 0.8**e for e in range(1, 6)])
    np.testing.assert_allclose(curves.values["learning_rate"], [1e-3 / (100 * e) for e in range(1, 6)])
    assert "as one row per evaluation (at epochs 1, 2, 3, …): 5 rows from 26 records" in curves.notes[0]
    assert "the summary record at the end (train_runtime, …) is not a period" in curves.notes[0]
    assert "count rows" not in curves.notes[0]
    # An evaluation set named `val` (`eval_dataset={"val": ...}`) logs `eval_val_loss`: the same
    # one validation set (a review's run; read as `val_val_loss`, the run had none).
    renamed = [
        {
            key.replace("eval_", "eval_val_") if key.startswith("eval_") else key: value
            for key, value in record.items()
        }
        for record in _trainer_log()
    ]
    path.write_text(json.dumps({"global_step": 500, "log_history": renamed}))
    curves = read_curves(path)
    assert sorted(curves.values) == ["learning_rate", "loss", "val_accuracy", "val_loss"]
    np.testing.assert_allclose(curves.values["val_loss"], [2.4 * 0.8**e for e in range(1, 6)])


def test_a_trainer_log_dumped_to_csv_evaluated_inside_epochs_counts_rows(tmp_path):
    records = _trainer_log(evaluate_every=150)
    keys = list(dict.fromkeys(key for record in records for key in record))
    lines = [",".join(keys)] + [",".join(str(record.get(key, "")) for key in keys) for record in records]
    path = tmp_path / "training_history.csv"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    # Evaluations at steps 150, 300 and 450 (epochs 1.5, 3, 4.5); the 50 steps after the last one
    # are a row of their own, without validation.
    assert len(curves) == 4
    np.testing.assert_allclose(
        curves.values["val_loss"][:3], [2.4 * 0.8 ** (s / 100) for s in (150, 300, 450)]
    )
    np.testing.assert_allclose(curves.values["loss"][0], np.mean([2.0 * 0.7 ** (k / 4) for k in range(1, 7)]))
    np.testing.assert_allclose(curves.values["loss"][3], np.mean([2.0 * 0.7 ** (k / 4) for k in (19, 20)]))
    assert "(at epochs 1.50, 3, 4.50, …): 4 rows" in curves.notes[0]
    assert "so the messages count rows, not epochs" in curves.notes[0]


def test_a_trainer_log_without_evaluations_is_read_per_epoch_and_a_nan_step_diverges(tmp_path):
    records = [record for record in _trainer_log(epochs=4, nan_at=(4, 2)) if "eval_loss" not in record]
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"log_history": records}))
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 2, 3] and "one row per epoch (1, 2, 3, …)" in curves.notes[0]
    np.testing.assert_allclose(
        curves.values["loss"][1], np.mean([2.0 * 0.7 ** (1 + k / 4) for k in range(1, 5)])
    )
    assert np.isnan(curves.values["loss"][3])  # one NaN step makes the epoch's mean NaN
    assert diagnose(path).primary.kind == "diverged"


def test_a_trainer_log_written_once_per_epoch_is_read_one_row_per_evaluation(tmp_path):
    # logging_strategy="epoch": whole epochs only, a training record and an evaluation record per
    # epoch, the summary record, then the final evaluation repeated (trainer.evaluate()).
    records = []
    for epoch in range(1, 5):
        records.append(
            {"epoch": float(epoch), "step": 240 * epoch, "loss": 0.3 / epoch, "learning_rate": 1e-5}
        )
        records.append(
            {
                "epoch": float(epoch),
                "step": 240 * epoch,
                "eval_loss": 0.2 - 0.01 * epoch,
                "eval_thresholds": [0.5],
            }
        )
    records.append(
        {"epoch": 4.0, "step": 960, "train_loss": 0.18, "train_runtime": 520.0, "total_flos": 2e15}
    )
    records.append({"epoch": 4.0, "step": 960, "eval_loss": 0.16, "eval_runtime": 4.4})
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"global_step": 960, "log_history": records}))
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 2, 3]
    assert curves.values["loss"].tolist() == [0.3 / e for e in range(1, 5)]
    np.testing.assert_allclose(curves.values["val_loss"], [0.2 - 0.01 * e for e in range(1, 5)])
    assert "read a log written as training and evaluation records (Hugging Face Trainer's" in curves.notes[0]
    # The same records dumped to CSV without their `step` column (fs_006: `epoch,loss,eval_loss`,
    # the training rows at 0.51, 1.03, 1.54, the evaluations at 1.0, 2.0) had been read one row
    # per cell of the epoch's whole part, the evaluations lost.
    dumped = tmp_path / "epoch_metrics.csv"
    dumped.write_text(
        "epoch,loss,eval_loss\n0.5,4.8,\n1.0,,0.58\n1.5,0.77,\n1.75,0.55,\n2.0,,0.32\n2.5,0.43,\n3.0,,0.21\n"
    )
    curves = read_curves(dumped)
    assert curves.values["loss"].tolist() == pytest.approx([4.8, 0.66, 0.43])
    assert curves.values["val_loss"].tolist() == [0.58, 0.32, 0.21]
    assert curves.epochs.tolist() == [0, 1, 2] and "one row per evaluation" in curves.notes[0]
    # Lightning's CSVLogger also writes `step` beside whole epochs, but neither `eval_loss` nor a
    # summary record: it is read one row per epoch as before, its sets' rows merged.
    lightning = tmp_path / "metrics.csv"
    lightning.write_text(
        "epoch,step,train_loss,val_loss\n"
        + "".join(f"{e},{10 * e + 9},,{1.0 / (e + 1)}\n{e},{10 * e + 9},{1.2 / (e + 1)},\n" for e in range(4))
    )
    curves = read_curves(lightning)
    assert curves.values["loss"].tolist() == [1.2 / (e + 1) for e in range(4)]
    assert not any("Trainer" in note for note in curves.notes)


def test_a_trainer_log_whose_training_loss_is_logged_less_often_than_its_evaluations(tmp_path):
    # logging_steps=500 (the default) against an evaluation each epoch of 195 steps: most
    # evaluations have no training loss logged since the one before.
    records = [{"epoch": e / 195, "step": e, "loss": 4000.0 / e} for e in (1, 500, 1000)]
    records += [{"epoch": float(e), "step": 195 * e, "eval_loss": 0.6 / e} for e in range(1, 8)]
    records.sort(key=lambda record: (record["step"], "eval_loss" in record))
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"log_history": records}))
    curves = read_curves(path)
    # Evaluations at steps 195 … 1365; the training loss is logged at steps 1, 500 and 1000, in
    # the periods ending at 195, 585 and 1170: the rows ending at 390, 780 and 975 get it
    # interpolated by step; the evaluation at 1365, after the last logged value, is left out.
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(curves.values["val_loss"], [0.6 / e for e in range(1, 7)])
    np.testing.assert_allclose(curves.values["loss"], [4000.0, 2004.0, 8.0, 8.0 - 4 / 3, 8.0 - 8 / 3, 4.0])
    assert (
        "at 3 rows it is interpolated by step between the logged ones; the evaluation after the last "
        "logged one is left out." in curves.notes[1]
    )


def test_evaluations_before_the_first_logged_training_loss_take_that_loss(tmp_path):
    # Whisper fine-tuned with an evaluation every 125 steps and the loss logged every 500 (`fy_011`):
    # the Trainer logs the mean since its last log, so the loss at step 500 is the mean over steps
    # 1–500, the three evaluations before it included. Their validation values are kept: here the
    # lowest of the run, which then rises.
    logged = ((500, 1.2), (1000, 2.0), (1500, 1.8))
    records = [{"epoch": s / 125, "step": s, "loss": value} for s, value in logged]
    validation = [2.5, 2.6, 2.9, 3.6, 4.4, 4.1, 3.9, 3.7, 3.6, 3.5, 3.4, 3.4, 3.3]
    records += [{"epoch": float(e), "step": 125 * e, "eval_loss": v} for e, v in enumerate(validation, 1)]
    records.sort(key=lambda record: (record["step"], "eval_loss" in record))
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"log_history": records}))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == validation[:12]  # the last, at step 1625, is past any log
    np.testing.assert_allclose(curves.values["loss"][:4], [1.2] * 4)
    np.testing.assert_allclose(curves.values["loss"][7], 2.0)
    note = curves.notes[1]
    assert "the 3 rows before the first logged one take its value, the mean over every step since" in note
    assert "the evaluation after the last logged one is left out" in note


def test_per_epoch_records_nesting_their_numbers_under_metrics_are_read_by_their_own_names(tmp_path):
    records = [
        {"epoch": e, "path": f"{e}.pt", "metrics": {"train_loss": 3.0 / e, "val_loss": 3.2 / e, "lr": 4e-4}}
        for e in range(1, 6)
    ]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [3.0 / e for e in range(1, 6)]
    assert curves.values["val_loss"].tolist() == [3.2 / e for e in range(1, 6)]
    # A name the record has already keeps the container's prefix: nothing is overwritten.
    clash = [{"epoch": e, "loss": 2.0 / e, "metrics": {"loss": 9.0, "acc": 0.5}} for e in range(1, 6)]
    path.write_text(json.dumps(clash))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0 / e for e in range(1, 6)]
    assert "metrics_loss" in curves.values


def test_a_sets_container_names_its_numbers_for_that_set(tmp_path):
    # A published log (ch_014): the epoch's running loss, then each set scored after the epoch,
    # nested under `train_metrics` and `val_metrics`. The validation loss was read as a metric
    # named `val_metrics_loss`, and the run had no `val_loss`.
    records = [
        {
            "epoch": e,
            "train_loss": 0.9 / e,
            "train_metrics": {"loss": 0.5 / e, "accuracy": 0.8},
            "val_metrics": {"loss": 0.6 / e, "accuracy": 0.75, "macro_f1": 0.7},
        }
        for e in range(1, 6)
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps({"config": {"lr": 1e-5}, "epochs": records}))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([0.6 / e for e in range(1, 6)])
    assert curves.values["val_macro_f1"].tolist() == [0.7] * 5
    # The epoch's own `train_loss` stays the loss; the set's rescoring keeps its container's name.
    assert curves.values["loss"].tolist() == pytest.approx([0.9 / e for e in range(1, 6)])
    assert curves.values["accuracy"].tolist() == [0.8] * 5


def test_scores_written_as_0_where_nothing_was_computed_are_not_read(tmp_path):
    # A published log (aw_001): validation every other epoch, its loss left empty and its scores
    # written as 0.0 in between.
    path = tmp_path / "log.csv"
    # Its training accuracy was never computed: 0.0 at every epoch.
    rows = [(1, 0.25, 0.22, 0.93), (2, 0.22, 0.18, 0.957), (3, 0.22, None, 0.0), (4, 0.21, 0.17, 0.958)]
    path.write_text(
        "epoch,train_loss,valid_loss,train_accuracy,valid_accuracy\n"
        + "".join(f"{e},{loss},{'' if val is None else val},0.0,{acc}\n" for e, loss, val, acc in rows)
    )
    curves = read_curves(path)
    assert curves.recorded["val_accuracy"].tolist() == [True, True, False, True]
    assert np.nanmin(curves.values["val_accuracy"]) == 0.93
    assert "read 'val_accuracy' as not recorded at the 1 epochs without val_loss" in curves.notes[-2]
    assert "accuracy" not in curves.values
    assert (
        curves.notes[-1]
        == "left out 'accuracy': 0 at every epoch while val_accuracy is not (never computed)."
    )
    assert diagnose(str(path)).primary.kind != "underfitting"  # it read "accuracy 0, short of a good value"
    # A score of 0 on an epoch that has its validation loss is a measurement; so is 0 on both sets.
    path.write_text("epoch,loss,recall,val_loss,val_recall\n1,0.9,0,0.8,0.0\n2,0.7,0,,0.0\n3,0.6,0,0.5,0.0\n")
    curves = read_curves(path)
    assert curves.recorded["val_recall"].tolist() == [True, False, True]
    assert curves.values["val_recall"][[0, 2]].tolist() == [0.0, 0.0]
    assert curves.values["recall"].tolist() == [0.0, 0.0, 0.0]
    # Scores that are not 0 where validation did not run are kept (a loss not logged that epoch).
    path.write_text("epoch,loss,val_loss,val_acc\n1,0.9,0.8,0.5\n2,0.7,,0.6\n3,0.6,0.5,0.7\n")
    assert read_curves(path).recorded["val_acc"].all()


def test_epochs_in_which_no_training_batch_ran_are_left_out(tmp_path):
    # A published Keras history (bb_019): every second epoch logs loss and accuracy 0.0 and repeats
    # the validation values of the epoch before (its generator ran dry before steps_per_epoch).
    history = {
        "loss": [0.4217, 0.0, 0.2553, 0.0, 0.2358, 0.0],
        "accuracy": [0.8113, 0.0, 0.8911, 0.0, 0.9024, 0.0],
        "val_loss": [1.1076, 1.1076, 0.8308, 0.8308, 0.799, 0.799],
        "val_accuracy": [0.6875, 0.6875, 0.625, 0.625, 0.625, 0.625],
    }
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 2, 4] and curves.values["loss"].tolist() == [0.4217, 0.2553, 0.2358]
    assert curves.notes[-1].startswith("left out epochs 2, 4, 6: loss 0 there and every validation value")
    # A loss that reached 0 and stayed there is kept, whatever validation did: the rules judge it.
    fitted = {"loss": [0.02, 0.001, 0.0, 0.0], "val_loss": [0.01, 0.0, 0.0, 0.0]}
    assert read_curves(fitted).values["loss"].tolist() == [0.02, 0.001, 0.0, 0.0]
    # A validation value that changed means the epoch ran.
    ran = {**history, "val_loss": [1.1076, 1.05, 0.8308, 0.81, 0.799, 0.78]}
    assert len(read_curves(ran)) == 6


def test_a_gans_two_losses_are_not_read_as_two_phases():
    # Published GAN logs (ba_003, ba_015): generator and discriminator trained against each other.
    with pytest.raises(ValueError, match="look like a GAN's generator and discriminator losses"):
        read_curves({"generator_loss": [3.0, 2.5], "discriminator_loss": [0.4, 0.6]})
    # Two phases trained one after the other are still read as phases.
    phases = read_curves({"pretrain_loss": [3.0, 2.5], "finetune_loss": [0.4, 0.3]})
    assert phases.values["loss"].tolist() == [0.4, 0.3]


def test_validation_printed_on_lines_of_its_own_after_each_epoch_is_read(tmp_path):
    # A published log (ba_013): the epoch's line mixes `name value` and `name: value%` fields, and
    # validation follows on lines of its own, with a best-so-far line that is not a curve.
    path = tmp_path / "training_log.txt"
    lines = []
    for epoch, (loss, train, val) in enumerate(
        [(0.6916, 54.67, 51.0), (0.681, 58.0, 61.0), (0.65, 64.0, 65.0)], 1
    ):
        lines += [f"Epoch {epoch}, loss {loss}, train accuracy: {train}%", f"Validation accuracy: {val}%"]
        lines.append(f"Best Valid accuracy: {max(51.0, val)}%")
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["accuracy", "loss", "val_accuracy"]
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.51, 0.61, 0.65])
    assert curves.values["accuracy"].tolist() == pytest.approx([0.5467, 0.58, 0.64])
    # A summary after training that names a best value adds nothing.
    path.write_text("\n".join(lines) + "\nTraining finished. Best val acc: 65.00%\n")
    assert sorted(read_curves(path).values) == ["accuracy", "loss", "val_accuracy"]


def test_a_trainers_console_output_is_read_from_its_printed_dicts(tmp_path):
    # The Trainer prints each record as a Python dict on a line of its own, among warnings and
    # progress bars, without the `step` its log_history holds.
    records = [{k: v for k, v in record.items() if k != "step"} for record in _trainer_log()[1:]]
    lines = ["python train.py --epochs 5", "Some weights were newly initialized: ['classifier.bias']"]
    for record in records:
        lines += ["  warnings.warn(", f"{record}" + " " * 40, " 40%|████      | 40/100 [00:10<00:15]"]
    path = tmp_path / "train_log.txt"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([2.4 * 0.8**epoch for epoch in range(1, 6)])
    assert curves.values["loss"][0] == pytest.approx(np.mean([2.0 * 0.7 ** (k / 4) for k in range(1, 5)]))
    assert (
        curves.notes[0]
        == "read the 26 lines that print a dict of metrics as records (54 other lines skipped)."
    )
    # One printed dict is no log; nor are dicts without an epoch (a dict a line is not a printed
    # `loss: 0.5` line: nothing says which epoch or step it was logged at).
    for dicts in (["{'loss': 0.5}"], ["{'loss': 0.5}", "{'loss': 0.4}"]):
        path.write_text("\n".join(lines[:3] + dicts) + "\n")
        with pytest.raises(ValueError):
            read_curves(path)


def test_a_name_printed_after_its_epoch_number_and_an_average_before_its_set():
    from fitwell.diagnosis.textlog import read_text_records

    text = "\n".join(
        f"Epoch: {e}\tBatch: 50\nRunning Loss: {0.7 - e / 20}\n\nEpoch {e} Train Loss: {0.6 - e / 20}\n"
        f"Epoch {e} Valid Loss: {0.4 - e / 30}\n"
        for e in range(1, 5)
    )
    columns = read_text_records(text)[0]
    assert columns["loss"] == pytest.approx([0.55, 0.5, 0.45, 0.4])
    assert columns["val_loss"] == pytest.approx([0.4 - e / 30 for e in range(1, 5)])
    text = "\n".join(
        f"======== Epoch {e} / 4 ========\n Average training loss: {1 / e}\n"
        f" Average validation loss: {2 / e}\n"
        for e in range(1, 5)
    )
    columns = read_text_records(text)[0]
    assert sorted(columns) == ["loss", "val_loss"] and columns["val_loss"][-1] == 0.5


def test_a_json_record_without_its_epoch_counts_the_records(tmp_path):
    records = [{"epoch": 1, "loss": 1.0, "val_loss": 1.1}, {"loss": 0.6, "val_loss": 0.8}]
    records += [{"epoch": e, "loss": 0.4 / (e - 2), "val_loss": 0.7} for e in (3, 4)]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(records))
    assert read_curves(path).values["loss"].tolist() == [1.0, 0.6, 0.4, 0.2]


def test_a_loss_with_no_value_at_any_epoch_is_refused_naming_it():
    with pytest.raises(ValueError, match="'loss' holds no value at any of its 3 epochs in the dict"):
        read_curves({"loss": [None, None, None], "val_loss": [1.0, 0.5, 0.4]})


@pytest.mark.parametrize(
    "line",
    [
        # Bookkeeping tokens (`epoch 1`, `time 0.56`) do not outnumber the one `name: value` pair.
        "epoch {e:3d} loss: {loss:.5f} time 0.56",
        # A name and its number set apart by a tab, after an `Epoch: N` marker.
        "Epoch: {e}\tLoss {loss:.4f}",
    ],
)
def test_a_printed_loss_beside_bookkeeping_tokens_is_read(tmp_path, line):
    path = tmp_path / "loss.txt"
    losses = [2.8, 0.56, 0.21, 0.15, 0.12]
    path.write_text("\n".join(line.format(e=e, loss=loss) for e, loss in enumerate(losses, 1)) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss"]
    assert curves.values["loss"].tolist() == losses


def test_a_progress_bars_counts_and_version_are_not_metrics(tmp_path):
    # PyTorch Lightning's progress bars written to a file: the percent done, the batch count and the
    # run's version number are not curves; the running loss is.
    lines = []
    for epoch, loss in enumerate([143.0, 3.48, 3.37, 3.12, 3.03]):
        lines += [
            f"Epoch {epoch}:  94% 120/127 [00:23<00:01,  5.03it/s, loss={loss}, v_num=0]",
            "Validation: 0it [00:00, ?it/s]",
            "Validation DataLoader 0:   0% 0/7 [00:00<?, ?it/s]",
            f"Epoch {epoch}: 100%|██████████| 127/127 [00:25<00:00,  5.01it/s, loss={loss}, v_num=0]",
        ]
    lines[-1] += "Epoch 4, global step 600: 'val/CER' reached 99.11387 (best 99.11387), saved as top 1"
    path = tmp_path / "training.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss"]
    assert curves.values["loss"].tolist() == [143.0, 3.48, 3.37, 3.12, 3.03]
    # A percent followed by a count that is no progress bar's (no clock after it) is a metric.
    path.write_text("".join(f"Epoch {e} Loss: {1 / e:.2f} Acc: 6{e}.0% 6{e}00/10000\n" for e in _EPOCHS))
    assert read_curves(path).values["acc"].tolist() == [0.61, 0.62, 0.63, 0.64, 0.65]


def test_a_printed_gans_losses_are_refused_as_a_gans(tmp_path):
    path = tmp_path / "training.log"
    lines = [f"2025-06-13 00:42:46 - Epoch {e} Average Loss_G: 0.{9 - e}, Loss_D: 0.3{e}" for e in _EPOCHS]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="GAN's generator and discriminator"):
        read_curves(path)


def test_printed_tensors_in_a_log_are_read_as_their_numbers(tmp_path):
    # `print(f"Epoch {epoch} loss: {loss}")` without `.item()`: PyTorch prints the tensor.
    path = tmp_path / "train.log"
    lines = [
        f"Epoch {e} loss: tensor({1 / e:.4f}, device='cuda:0', grad_fn=<NllLossBackward0>) "
        f"val_loss: tf.Tensor({1.2 / e:.4f}, shape=(), dtype=float32)"
        for e in _EPOCHS
    ]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_loss"]  # nothing of the tensors' arguments
    assert curves.values["loss"].tolist() == [1.0, 0.5, 0.3333, 0.25, 0.2]
    assert curves.values["val_loss"].tolist() == [1.2, 0.6, 0.4, 0.3, 0.24]
    assert any("printed tensors" in note for note in curves.notes)
    # A tensor printed outside the records (a setting) is no reason for the note; nor does an
    # unclosed one swallow the lines after it.
    path.write_text(
        "Model: init tensor(0.02, dtype=torch.float32)\nEpoch 1 loss: 0.9 val: tensor(0.9, device='cuda:0'\n"
        + "".join(f"Epoch {e} loss: {1 / e:.2f}\n" for e in range(2, 6))
        + "Notes: 1) the rate was 0.01\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.5, 0.33, 0.25, 0.2]
    assert not any("printed tensors" in note for note in curves.notes)


def test_a_table_whose_names_hold_spaces_is_read_by_its_wide_gaps(tmp_path):
    # A published log (ci_008): names of two words set apart by two spaces or more, accuracy in
    # percent with its unit in the name.
    path = tmp_path / "training_log.txt"
    path.write_text(
        " Epoch    Train Loss   Val Acc (%)  Test Acc (%)\n"
        "--------------------------------------------------\n"
        "     1        1.0204         75.00         60.00\n"
        "     2        0.4649        100.00        100.00\n"
        "     3        0.5359         50.00         60.00\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0204, 0.4649, 0.5359]
    assert curves.values["val_acc"].tolist() == pytest.approx([0.75, 1.0, 0.5])
    assert curves.values["test_acc"].tolist() == pytest.approx([0.6, 1.0, 0.6])
    assert curves.notes[0] == "read a table set out with spaces: 3 rows under the header on line 1."
    # The unit in a name is dropped in a CSV header too, not kept as part of the name.
    path = tmp_path / "log.csv"
    path.write_text("Epoch,Train Loss,Val Loss,Val Acc (%)\n1,0.9,1.0,58.5\n2,0.6,0.8,66.0\n")
    assert read_curves(path).values["val_acc"].tolist() == pytest.approx([0.585, 0.66])


def test_a_table_set_out_with_bars_is_read_as_one_set_out_with_spaces(tmp_path):
    # A published log (dp_031): `Epoch | Loss | Accuracy`, a rule of dashes and pluses, percentages.
    path = tmp_path / "training_history.txt"
    path.write_text(
        "Epoch | Loss    | Accuracy\n------+---------+---------\n"
        "    1 | 0.7525  | 76.4%\n    2 | 0.6039  | 82.8%\n    3 | 0.5527  | 84.4%\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.7525, 0.6039, 0.5527]
    assert curves.values["accuracy"].tolist() == pytest.approx([0.764, 0.828, 0.844])
    assert curves.notes[0] == "read a table set out with bars: 3 rows under the header on line 1."
    # A Markdown table, bars at both ends.
    path.write_text(
        "| epoch | train_loss | val_loss |\n|---|---|---|\n| 1 | 0.9 | 1.0 |\n| 2 | 0.6 | 0.8 |\n"
    )
    assert read_curves(path).values["val_loss"].tolist() == [1.0, 0.8]
    # An empty cell keeps the cells after it in their columns: the value is missing, the row kept.
    path.write_text(
        "| epoch | loss | val_loss | acc |\n|---|---|---|---|\n| 1 | 0.9 | 1.0 | 0.5 |\n"
        "| 2 | 0.6 |  | 0.6 |\n| 3 | 0.5 | 0.7 | 0.7 |\n"
    )
    curves = read_curves(path)
    assert curves.values["acc"].tolist() == [0.5, 0.6, 0.7] and np.isnan(curves.values["val_loss"][1])


def test_a_barred_tables_groups_name_the_set_of_the_columns_under_them(tmp_path):
    # A published log (eg_001): `|--- VALID ---|--- TRAIN ---|` over `loss top-1` twice; the first
    # `loss` is validation's. Read without the groups, both were one `loss`, and no validation.
    path = tmp_path / "log_train.txt"
    groups = "                    |------ VALID ------|------ TRAIN ------|--- Accuracy ---|\n"
    header = "lr       epoch      | loss   top-1      | loss   top-1      |  Current Best  |\n"
    rows = "".join(
        f"0.0001   {epoch}.0        | {val:.3f}  {80 + epoch:.3f}     "
        f"| {train:.3f}  {75 + epoch:.3f}     |  85.0  |\n"
        for epoch, (val, train) in enumerate([(0.45, 0.84), (0.42, 0.66), (0.41, 0.58)])
    )
    path.write_text("** start training here! **\n" + groups + header + "-" * 80 + "\n" + rows)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.84, 0.66, 0.58]
    assert curves.values["val_loss"].tolist() == [0.45, 0.42, 0.41]
    assert curves.values["val_top_1"].tolist() == [80.0, 81.0, 82.0]
    assert (
        "read the columns 'VALID_loss' as 'val_loss', 'TRAIN_loss' as 'loss' (Keras's names)." in curves.notes
    )
    # A Markdown table whose header names sets alone, over its rule of dashes, is no group line:
    # its header stays its header (`Train` and `Val` are the two losses).
    markdown = tmp_path / "results.md.txt"
    markdown.write_text("| Epoch | Train | Val |\n|---|---|---|\n| 1 | 0.5 | 0.6 |\n| 2 | 0.4 | 0.5 |\n")
    assert read_curves(markdown).values["val_loss"].tolist() == [0.6, 0.5]
    # A group that names no set (`Accuracy`) leaves its names as they are; without the groups, no
    # set is named: no validation loss is made up.
    assert "current_best" not in curves.values and "Accuracy_Current_Best" not in curves.values
    path.write_text(header + rows)
    assert "val_loss" not in read_curves(path).values


def test_an_epoch_named_after_a_metric_is_no_part_of_its_name(tmp_path):
    # A published log (ed_007): `Average loss for epoch 1: 0.3625`, then the test set's accuracy
    # `after epoch 1` on a line of its own: read as the run's loss and its held-out accuracy.
    path = tmp_path / "training.log"
    lines = []
    for epoch, (loss, acc) in enumerate([(0.3625, 90.36), (0.3320, 90.11), (0.3238, 90.01)], start=1):
        lines += [
            f"2024-11-28 15:01:2{epoch},773 - INFO - Epoch {epoch}/50 started",
            f"2024-11-28 15:01:2{epoch},774 - INFO - Average loss for epoch {epoch}: {loss}",
            f"2024-11-28 15:01:2{epoch},775 - INFO - Test accuracy after epoch {epoch}: {acc}%",
        ]
    lines.append("2024-11-28 15:02:00,000 - INFO - Test -> accuracy: 95.0%")  # a summary: no epoch
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.3625, 0.3320, 0.3238]
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.9036, 0.9011, 0.9001])


def test_a_printed_log_that_starts_like_json_is_refused_as_a_printed_log(tmp_path):
    # A published log (ef_001): lines start `[{3667621017.py:45} INFO -`, not JSON at its second
    # character; what the reading as text found is the error, not JSON's `property name`.
    path = tmp_path / "log.txt"
    path.write_text(
        "".join(f"[{{36.py:45}} INFO - Epoch {e}, trlast = 0.3{e}, val = 0.4{e}\n" for e in range(5))
    )
    with pytest.raises(ValueError, match="No header row") as raised:
        read_curves(path)
    assert "JSON" not in str(raised.value)
    # A JSON file broken further on, or a dict whose names lack JSON's quotes, is still refused as
    # JSON, naming where.
    for broken in ('{"loss": [0.5, 0.4,, 0.3]}', "{loss: [0.5, 0.4, 0.3]}"):
        path.write_text(broken)
        with pytest.raises(ValueError, match="looks like JSON but cannot be read"):
            read_curves(path)


def test_a_dash_in_a_csv_cell_is_a_value_not_recorded(tmp_path):
    # A published log (ej_006): a validation score written every fifth epoch, `-` in the rows
    # between; the file was refused at its first `-` as a cell that is no number.
    path = tmp_path / "training_metrics.csv"
    rows = [
        f"{epoch},{3.0 - 0.1 * epoch:.2f},{'0.64' if epoch % 5 == 0 else '-'},NO" for epoch in range(1, 11)
    ]
    path.write_text("Epoch Number,[Train] Seg Loss,Mean Dice,Best\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([3.0 - 0.1 * epoch for epoch in range(1, 11)])
    dice = curves.values["mean_dice"]
    assert np.isnan(dice[0]) and dice[4] == 0.64 and dice[9] == 0.64 and int(np.isfinite(dice).sum()) == 2


def test_a_physics_informed_networks_total_beside_its_parts_is_the_loss(tmp_path):
    # A published log (el_001): `Epoch,total,pde,ic,bc`, no column named a loss; refused before.
    path = tmp_path / "loss_history.csv"
    rows = [
        f"{e},{1.0 / (e + 1):.4f},{0.6 / (e + 1):.4f},{0.3 / (e + 1):.4f},{0.1 / (e + 1):.4f}"
        for e in range(6)
    ]
    path.write_text("Epoch,total,pde,ic,bc\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0 / (e + 1) for e in range(6)], abs=1e-4)
    assert "read the columns 'total' as 'loss' (Keras's names)." in curves.notes
    assert sorted(curves.values) == ["bc", "ic", "loss", "pde"]
    # A `total` beside the right answers and an accuracy counts samples: no loss is made of it.
    path.write_text("epoch,correct,total,accuracy\n1,510,1000,0.51\n2,600,1000,0.6\n3,700,1000,0.7\n")
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)


def test_a_history_written_to_csv_sideways_is_read_one_list_a_line(tmp_path):
    # A published log (el_006): `pd.DataFrame.from_dict(history, orient="index").to_csv(...)`
    # without its index header: each line a name, then its list in quotes. Refused before.
    path = tmp_path / "loss_history.csv"
    path.write_text('loss,"[0.45, 0.09, 0.04]"\nval_loss,"[0.11, 0.04, 0.03]"\nlr,"[0.01, 0.01, 0.001]"\n')
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [0.11, 0.04, 0.03] and len(curves) == 3
    assert curves.notes[0] == "read the file's lines as the history's lists, each after its name."


def test_a_trainers_training_and_evaluation_rows_at_one_step_are_one_row(tmp_path):
    # A published log (em_002): Hugging Face's `Trainer` history written as a table, a training row
    # and an evaluation row at each step. Read row by row, the evaluation rows (no training loss)
    # were left out, and with them every validation value.
    path = tmp_path / "train_history.csv"
    pairs = [(14, 1.271, 1.0106, 0.71), (28, 0.8502, 0.5763, 0.96), (42, 0.4652, 0.2786, 0.98)]
    path.write_text(
        "step,val_f1,eval_loss,train_loss\n"
        + "".join(f"{step},,,{train}\n{step},{f1},{val},\n" for step, train, val, f1 in pairs)
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.271, 0.8502, 0.4652]
    assert curves.values["val_loss"].tolist() == [1.0106, 0.5763, 0.2786]
    assert curves.notes[0].startswith("read the 6 rows as 3: rows at one step stand together")
    # Rows of one step each (a step log) are left as they are.
    path.write_text("step,loss\n10,0.9\n20,0.7\n30,0.6\n")
    assert read_curves(path).values["loss"].tolist() == [0.9, 0.7, 0.6]


def test_a_dataframe_printed_by_pandas_is_read_without_its_row_index(tmp_path):
    # `print(pd.DataFrame(history.history))`: each row starts with its index, which no name heads.
    path = tmp_path / "history.txt"
    path.write_text("   loss  val_loss\n0   0.9       1.0\n1   0.7       0.8\n2   0.6       0.75\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.6]
    assert curves.values["val_loss"].tolist() == [1.0, 0.8, 0.75]
    assert "the row's index as pandas prints it, left out" in curves.notes[0]


def test_the_header_nearest_a_tables_rows_is_its_header_not_a_title_above_it(tmp_path):
    # A published report (dp_032): the title `Loss Per Epoch` names a loss and an epoch, as a header
    # would, and has three words, as the rows have numbers; the header is the line after its rule.
    path = tmp_path / "training_history.txt"
    path.write_text(
        "LoRA Fine-Tuning Training History\n\nEpochs           : 3\n\n"
        "Loss Per Epoch\n------------------------------\nEpoch    Train Loss      Val Loss\n"
        "1        2.8988          2.0589\n2        2.7768          1.9943\n3        2.6884          1.9465\n"
        "\nSummary\nBest val loss    : 1.9465 (epoch 3)\n"
    )
    curves = read_curves(path)
    assert sorted(curves.values) == ["loss", "val_loss"]
    assert curves.values["val_loss"].tolist() == [2.0589, 1.9943, 1.9465]
    assert "under the header on line 7" in curves.notes[0]
    # A line of prose between the header and its rows that names a loss is no header (it has fewer
    # names than the rows have numbers).
    path.write_text(
        "Epoch  Loss  Accuracy\nLoading data and model\nBest loss epoch marked\n1  0.9  0.5\n2  0.7  0.6\n"
    )
    assert read_curves(path).values["accuracy"].tolist() == [0.5, 0.6]
    # One name alone heads a column whose first value is missing.
    path = tmp_path / "losses.csv"
    path.write_text("loss\nNA\n0.5\n0.4\n")
    assert read_curves(path).values["loss"].tolist() == [0.5, 0.4]  # (an epoch without a loss left out)


def test_a_file_of_one_named_list_a_line_is_read_as_the_history(tmp_path):
    # A published file (dp_033): `for key, values in history.history.items(): print(f"{key}: {values}")`.
    path = tmp_path / "training_history.txt"
    path.write_text(
        "accuracy: [0.779, 0.779, 0.788, 0.822]\nloss: [0.559, 0.487, 0.453, 0.407]\n"
        "val_accuracy: [0.786, 0.786, 0.786, 0.827]\nval_loss: [0.5, 0.502, 0.461, nan]\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.559, 0.487, 0.453, 0.407]
    assert curves.values["val_loss"][:3].tolist() == [0.5, 0.502, 0.461] and np.isnan(
        curves.values["val_loss"][3]
    )
    assert curves.notes[0] == "read the file's lines as the history's lists, each after its name."
    # A line that is not a named list of numbers makes it no such file; nor do lines named by an
    # epoch's number (one list per epoch), nor a name printed twice.
    for text in (
        "loss: [0.5, 0.4]\nmodel: resnet\n",
        "Epoch 1 loss: [0.52]\nEpoch 2 loss: [0.48]\nEpoch 3 loss: [0.41]\n",
        "loss: [0.5, 0.4]\nloss: [0.3, 0.2]\n",
    ):
        assert listed_history(text) is None


def test_a_barred_table_under_a_logging_format_with_the_functions_name(tmp_path):
    # `gc_019`: `(%(asctime)s %(levelname)s) - %(funcName)s: %(message)s`, the epoch as `1   / 200`.
    lines = [
        "(2023-06-04 21:01:17.033 INFO) - download_dataset: Dataset already exists.",
        "(2023-06-04 21:01:17.216 INFO) - main:     Epoch | Train loss | Validation loss | Time (seconds)",
    ]
    lines += [
        f"(2023-06-04 21:0{e}:08.016 INFO) - train: {e}   / 200 |   {1 / e:.6f} |  {1.2 / e:.6f} |  49.01"
        for e in range(1, 6)
    ]
    lines.append("(2023-06-04 21:20:09.800 INFO) - save_results: Results saved to ../results/resnet.h5")
    path = tmp_path / "resnet.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1 / e for e in range(1, 6)], abs=1e-6)
    assert curves.values["val_loss"].tolist() == pytest.approx([1.2 / e for e in range(1, 6)], abs=1e-6)
    assert curves.epochs.tolist() == [0, 1, 2, 3, 4] and "set out with bars" in curves.notes[0]


def test_testing_lines_are_the_test_sets_and_a_best_lines_numbers_no_curve(tmp_path):
    # `gc_021`: `Testing  - Loss: …` after `Training - Loss: …` is the test set's, not the epoch's
    # training record; `gc_027`: `The best score on DEV 1 :9.723%` is no `val_dev` curve.
    path = tmp_path / "transformer_training.log"
    path.write_text(
        "".join(
            f"Epoch {e}/5\nTraining - Loss: {2 / e:.4f}, Accuracy: 0.{e}\nTesting  - Loss: {2.1 / e:.4f}, "
            f"Accuracy: 0.{e}5\n*************** The best score on DEV {e} :9.{e}%\n"
            for e in range(1, 6)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2 / e for e in range(1, 6)], abs=1e-4)
    assert curves.values["val_loss"].tolist() == pytest.approx([2.1 / e for e in range(1, 6)], abs=1e-4)
    assert not any("dev" in key for key in curves.values)
    # A clause ends at ` - `: `saving best model - train loss: …` is the epoch's own record.
    path.write_text(
        "".join(
            f"Epoch {e} - {'saving best model - ' if e % 2 else ''}train loss: {1 / e:.4f} - "
            f"val loss: {1.1 / e:.4f}\n"
            for e in range(1, 7)
        )
    )
    assert read_curves(path).values["loss"].tolist() == pytest.approx([1 / e for e in range(1, 7)], abs=1e-4)


def test_a_table_printed_through_logging_with_fixed_widths_is_read(tmp_path):
    # A published log (bs_006): `logging` puts the time, logger and level before each message, and
    # the names were printed with fixed widths, so `Train Recall` runs into `Val Loss` with one
    # space: each name is cut where its column's numbers start. A run restarted after an aborted
    # start; the last run is diagnosed.
    prefix = "2025-11-30 16:31:56,386 - __main__ - INFO - "
    header = f"{'Epoch':<7}{'Train Loss':<13}{'Train Recall':<13}{'Val Loss':<13}{'Val Recall':<12}"
    assert "Train Recall Val Loss" in header
    rows = [(1, 1.6931, 0.2629, 2.0026, 0.25), (2, 1.6714, 0.3548, 1.97, 0.6667), (3, 1.6, 0.4, 1.84, 0.58)]
    lines = [f"{prefix}Classes: ['broken', 'good']", prefix + header, prefix + "-" * 58]
    lines += [prefix + header, prefix + "-" * 58]
    lines += [f"{prefix}{e:<7}{a:<13.4f}{b:<13.4f}{c:<13.4f}{d:<12.4f}" for e, a, b, c, d in rows]
    lines += [f"{prefix}Best Val Recall: 0.6667"]
    path = tmp_path / "training.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.6931, 1.6714, 1.6]
    assert curves.values["val_loss"].tolist() == [2.0026, 1.97, 1.84]
    assert curves.values["val_recall"].tolist() == [0.25, 0.6667, 0.58]
    # The header printed again after the aborted start is the one over the rows.
    assert curves.notes[0] == "read a table set out with spaces: 3 rows under the header on line 4."
    # Without the prefix the same table reads the same.
    path.write_text("\n".join(line.removeprefix(prefix) for line in lines) + "\n")
    assert read_curves(path).values["val_loss"].tolist() == [2.0026, 1.97, 1.84]
    # The comma in the prefix's time (`16:31:56,386`) sets apart no CSV cells, whatever the header
    # ends with (a review's case: `... Val Loss` read as a CSV column of text).
    ended = header.rstrip().removesuffix("Val Recall").rstrip()
    lines = [prefix + ended] + [f"{prefix}{e:<7}{a:<13.4f}{b:<13.4f}{c:.4f}" for e, a, b, c, _ in rows]
    path.write_text("\n".join(lines) + "\n")
    assert read_curves(path).values["val_loss"].tolist() == [2.0026, 1.97, 1.84]
    # A first row that leaves cells out (`-` before validation ran) does not cut the header short.
    table = "Epoch  Train Loss   Val Loss     Val Acc\n0      2.3000       -            -\n"
    table += "".join(f"{e}      {1 / e:.4f}       {1.2 / e:.4f}       0.{e}000\n" for e in range(1, 4))
    path.write_text(table)
    assert read_curves(path).values["val_acc"].tolist() == [0.1, 0.2, 0.3]
    # A message `Epoch 1/8` names no columns: such a log, its numbers on lines of their own, is
    # read as the printed log it is.
    printed = "".join(
        f"{prefix}Epoch {e}/4\n{prefix}{1 / e:.4f} {1.1 / e:.4f}\n"
        f"{prefix}loss: {1 / e:.4f} - val_loss: {1.1 / e:.4f}\n"
        for e in range(1, 5)
    )
    path.write_text(printed)
    assert read_curves(path).values["val_loss"].tolist() == [1.1, 0.55, 0.3667, 0.275]


def test_a_count_per_epoch_starts_no_epoch_and_a_history_two_levels_down_is_found(tmp_path):
    # A published log (de_002): `Expected batches per epoch: 312` above a debug line with a loss
    # opened an "epoch 312", and the run read as two, the last starting at 312.
    path = tmp_path / "training.log"
    path.write_text(
        "Expected batches per epoch: 1562\nsteps/epoch: 312\n  Positive distances: mean=6.95, loss=51.31\n"
        + "".join(f"Epoch {e}/4 | train_loss={1 / e:.4f} | val_loss={1.2 / e:.4f}\n" for e in range(1, 5))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5, 0.3333, 0.25]
    assert not any("runs" in note or "312" in note for note in curves.notes)
    # A metric's key with a slash (`train/epoch: 3`) still names the epoch: a count that starts
    # again is a new run.
    run = "".join(f"train/epoch: {e} | train/loss: {1 / e:.3f}\n" for e in range(1, 5))
    path.write_text(run + run.replace("1 /", "2 /"))
    assert any("the last of 2 runs" in note for note in read_curves(path).notes)
    # LeRobot's step lines: `ep:40` counts episodes; `epch:1.52` is the epoch.
    steps = [(40 * k, 1.01 * k / 2 + 0.5, 2.0 / k) for k in range(1, 9)]
    path.write_text(
        "".join(
            f"INFO step:{200 * k} ep:{ep} epch:{epch:.2f} loss:{loss:.3f}\n"
            for k, (ep, epch, loss) in enumerate(steps, 1)
        )
    )
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 4 and not any("runs" in note for note in curves.notes)
    # A published summary (df_007): the history two levels down, beside settings and results.
    path = tmp_path / "results.json"
    history = {"train_loss": [0.19, 0.16, 0.13], "val_f1": [0.44, 0.67, 0.72]}
    summary = {"config": {"lr": 3e-5, "epochs": 3}, "training": {"epochs_ran": 3, "history": history}}
    path.write_text(json.dumps({**summary, "test_metrics": {"f1": 0.7}}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.19, 0.16, 0.13]
    assert curves.notes[0] == (
        "read the per-epoch lists under 'training' → 'history' (the rest holds no curves)."
    )
    # Settings lists beside it (shorter than its curves) are no second history.
    path.write_text(json.dumps({**summary, "config": {"betas": [0.9, 0.999]}}))
    assert read_curves(path).values["loss"].tolist() == [0.19, 0.16, 0.13]
    # A validation history beside it is not left out under "the rest holds no curves": refused.
    sibling = {**summary, "validation": {"history": {"val_loss": [0.3, 0.25, 0.24]}}}
    path.write_text(json.dumps(sibling))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)
    # Two such histories are two phases (or runs): the last is read, and the note says so
    # (refused until runs nested deeper than phases were read: `fe_040`).
    later = {"train_loss": [0.12, 0.11, 0.1], "val_f1": [0.73, 0.74, 0.74]}
    twice = {**summary, "fine_tune": {"history": later}}
    path.write_text(json.dumps(twice))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.12, 0.11, 0.1]
    assert "nested in the file ('training', 'fine_tune'): the history under 'fine_tune'" in curves.notes[0]


def test_printed_epochs_and_loss_tensors_are_read_as_the_training_loss(tmp_path):
    # A published log (bt_007): a loop's `print(epoch, loss)` of the loss tensor, one line an
    # epoch from 0, the last line without a line break and a count printed after it.
    path = tmp_path / "loss.txt"
    lines = [
        f"{e} tensor({0.4 / (e + 1):.4f}, device='cuda:0', grad_fn=<MseLossBackward0>)" for e in range(6)
    ]
    path.write_text("\n".join(lines) + "500")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.4, 0.2, 0.1333, 0.1, 0.08, 0.0667]
    assert curves.notes[0] == (
        "read 6 printed lines of an epoch and a loss tensor (`print(epoch, loss)`) as the training loss: "
        "their grad_fn, MseLossBackward, names a loss."
    )
    assert diagnose(path).epochs == 6
    # A binary cross-entropy's tensor names no "Loss", and is read too.
    path.write_text("\n".join(line.replace("MseLoss", "BinaryCrossEntropyWithLogits") for line in lines))
    assert read_curves(path).values["loss"].tolist()[0] == 0.4
    # A line with a second number (`print(epoch, loss, val_loss)`) is not read as one loss alone.
    path.write_text("\n".join(f"{line} tensor(0.3)" for line in lines))
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)
    # A tensor that no loss made (an output, a weight), or epochs that do not count up, is not read so.
    path.write_text("\n".join(line.replace("MseLoss", "Addmm") for line in lines))
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)
    path.write_text("\n".join(lines[::-1]))
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)


def test_metrics_nan_at_every_epoch_are_left_out_with_a_note(tmp_path):
    # A published log (dj_006): every validation score NaN at every epoch (an empty validation set)
    # was left out without a word.
    path = tmp_path / "history.json"
    nan = [float("nan")] * 4
    path.write_text(json.dumps({"train_loss": [0.66, 0.37, 0.33, 0.29], "val_dice": nan, "val_sens": nan}))
    curves = read_curves(path)
    assert list(curves.values) == ["loss"]
    assert curves.notes[-1] == (
        "left out 'val_dice', 'val_sens': NaN at every epoch (a validation set that is empty, or holds one "
        "class, gives NaN: then the score measured nothing)."
    )
    assert curves.unmeasured == ("val_dice", "val_sens")
    # With no validation curve left, the run is told its validation measured nothing.
    diagnosis = diagnose(path)
    assert diagnosis.primary.kind == "suspicious_validation"
    assert diagnosis.primary.summary.startswith("val_dice, val_sens are NaN at all 4 epochs")
    assert diagnosis.primary.evidence["metrics"] == ["val_dice", "val_sens"]
    # Validation NaN at the epochs it was logged at, every other one (`validation_freq=2`), was not
    # scored at every epoch: no finding says it was.
    sparse = diagnose({"loss": [1.0, 0.8, 0.7, 0.6, 0.5, 0.4], "val_loss": [float("nan")] * 3})
    assert "suspicious_validation" not in sparse.kinds
    # A validation loss NaN throughout is no validation curve either: it is named with them.
    diagnosis = diagnose({"loss": [0.66, 0.37, 0.33, 0.29], "val_loss": nan, "val_auc": nan})
    assert diagnosis.primary.kind == "suspicious_validation"
    assert diagnosis.primary.evidence["metrics"] == ["val_loss", "val_auc"]
    # Beside a validation curve with numbers, a NaN score is one metric that failed, not the set.
    with_loss = {"loss": [0.66, 0.37, 0.33, 0.29], "val_loss": [0.7, 0.5, 0.45, 0.44], "val_dice": nan}
    assert "suspicious_validation" not in diagnose(with_loss).kinds
    # But a validation loss NaN at every epoch beside scores with numbers (`gk_034`: val_acc 52% at
    # every epoch) is a loss never computed on the model's predictions: whatever monitors it is blind.
    scored = {"loss": [0.66, 0.37, 0.33, 0.29], "val_loss": nan, "val_acc": [0.52, 0.52, 0.53, 0.52]}
    diagnosis = diagnose(scored)
    assert diagnosis.primary.kind == "suspicious_validation"
    assert diagnosis.primary.summary == (
        "val_loss is NaN at all 4 epochs while val_acc gave numbers: on the predictions those scored, "
        "the validation loss never gave one, so it measures nothing."
    )
    assert diagnose(str(PUBLIC_LOGS / "gk_034.json")).primary.kind == "suspicious_validation"
    # An infinite one is named so; a Trainer's timings beside it are no scores.
    infinite = diagnose({**scored, "val_loss": [float("inf")] * 4}).primary.summary
    assert infinite.startswith("val_loss is infinite at all 4 epochs while val_acc gave numbers")
    timed = {"loss": scored["loss"], "eval_loss": nan, "eval_runtime": [1.2, 1.1, 1.3, 1.2]}
    assert "suspicious_validation" not in diagnose(timed).kinds
    # Nor over fewer than 3 epochs.
    assert "suspicious_validation" not in diagnose({"loss": [0.66, 0.37], "val_dice": nan[:2]}).kinds
    # A training metric NaN throughout is named without the validation's reason.
    curves = read_curves({"loss": [0.66, 0.37, 0.33, 0.29], "mae": nan})
    assert curves.notes == ("left out 'mae': NaN at every epoch.",)
    assert curves.unmeasured == ()
    assert "suspicious_validation" not in diagnose({"loss": [0.66, 0.37, 0.33, 0.29], "mae": nan}).kinds


def test_a_count_at_the_start_of_each_line_is_the_epoch_and_starts_a_new_run_when_it_starts_again(tmp_path):
    # A published log (dh_001): several models trained one after another, each printing
    # `[k/N] Training loss: …` with no word `epoch`; the runs were read as one of 90 epochs, whose
    # jump from one model's end to the next model's start was called an explosion.
    path = tmp_path / "train.txt"
    first = [f"[{k}/6] Training loss: {2.0 / k:.4f}\t Validation loss: {2.5 / k:.4f}" for k in range(1, 7)]
    second = [
        f"[{k}/30] Training loss: {20.0 / k:.4f}\t Validation loss: {30.0 / k:.4f}" for k in range(5, 31, 5)
    ]
    path.write_text(
        "model: linear\n" + "\n".join(first) + "\nscore: 8.2\n\nmodel: LSTM\n" + "\n".join(second)
    )
    curves = read_curves(path)
    assert curves.epochs.tolist() == [4, 9, 14, 19, 24, 29]
    assert curves.values["loss"].tolist() == pytest.approx([20.0 / k for k in range(5, 31, 5)], abs=1e-4)
    assert "of the last of 2 runs" in curves.notes[0]
    assert "diverged" not in diagnose(path).kinds
    # One run: its epochs as counted.
    path.write_text("\n".join(first))
    assert read_curves(path).epochs.tolist() == [0, 1, 2, 3, 4, 5]
    # Beside epoch markers the count counts batches: the epochs are the markers'.
    steps = [f"Epoch {e}\n[1/2] loss: {1.0 / e:.3f}\n[2/2] loss: {0.9 / e:.3f}" for e in range(1, 4)]
    path.write_text("\n".join(steps))
    curves = read_curves(path)
    assert len(curves) == 3 and not any("runs" in note for note in curves.notes)
    # Validation on a line of its own after each counted line joins its epoch.
    lines = [
        f"[{k}/5] Training loss: {1.0 - k / 10:.2f}\nValidation loss: {1.1 - k / 10:.2f}" for k in range(1, 6)
    ]
    path.write_text("\n".join(lines))
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([1.0, 0.9, 0.8, 0.7, 0.6])
    # A script's stages counted above loss lines without a count: the loss lines are the epochs.
    stages = ["[1/3] Loading data", "[2/3] Building model", "[3/3] Training"]
    losses = [f"Train loss: {1.0 / k:.3f}, Val loss: {1.2 / k:.3f}" for k in range(1, 9)]
    path.write_text("\n".join(stages + losses))
    assert len(read_curves(path)) == 8
    # Steps counted from 100 beside each epoch's summary line are no epochs: as in any log without
    # epoch markers, every record is one (the counts do not split the log into runs).
    lines = []
    for epoch in range(1, 5):
        lines += [f"[{step}/300] loss: {2.0 / (epoch + step / 300):.3f}" for step in (100, 200, 300)]
        lines.append(f"Train loss: {1.0 / epoch:.3f}, Val loss: {1.2 / epoch:.3f}")
    path.write_text("\n".join(lines))
    curves = read_curves(path)
    assert len(curves) == 16 and not any("runs" in note for note in curves.notes)
    # A count that gives one epoch only (a GAN's `[0/5][k/1583]` steps) is read as before: refused
    # as a GAN's losses.
    gan = "".join(
        f"[0/5][{s}/1583]\tLoss_D: {1.5 - s / 2000:.4f}\tLoss_G: {2.0 + s / 1000:.4f}\n"
        for s in range(0, 1583, 50)
    )
    path.write_text("Starting Training Loop...\n" + gan)
    with pytest.raises(ValueError, match="GAN's generator and discriminator losses"):
        read_curves(path)


def test_a_set_named_by_a_tag_of_its_own_is_read_as_that_set(tmp_path):
    # A published log (dk_025): `[Train] loss: …` and `[Dev] loss: …` on lines of their own; the
    # development set's lines were read as training lines and no validation curve was left.
    path = tmp_path / "train_log.txt"
    lines = []
    for epoch in range(4):
        lines += [
            f"epoch: {epoch}, iteration: 0",
            f"[Train] loss: {1.0 / (epoch + 1):.4f}, score: {0.8 + 0.03 * epoch:.4f}",
            f"[Dev] loss: {1.2 / (epoch + 1):.4f}, score: {0.78 + 0.03 * epoch:.4f}",
        ]
    path.write_text("\n".join(lines))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([1.2, 0.6, 0.4, 0.3], abs=1e-4)
    assert curves.values["loss"].tolist() == pytest.approx([1.0, 0.5, 0.3333, 0.25], abs=1e-4)
    assert curves.values["val_score"].tolist() == pytest.approx([0.78, 0.81, 0.84, 0.87])
    # `[Test]` is the test set's (read as validation, with a note, where no validation set is).
    path.write_text("\n".join(line.replace("[Dev]", "[Test]") for line in lines))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([1.2, 0.6, 0.4, 0.3], abs=1e-4)
    assert "read the columns 'test_loss' as 'val_loss' (Keras's names)." in curves.notes
    # A longer tag names no set.
    path.write_text("\n".join(line.replace("[Dev]", "[dev run]") for line in lines))
    assert "val_loss" not in read_curves(path).values
    # Beside a name of its own set (`dev_acc`), the tag still names the set.
    lines = []
    for epoch in range(1, 6):
        lines += [
            f"Epoch {epoch}",
            f"train loss: {2.5 - 0.2 * epoch:.1f}",
            f"[Dev] loss: {2.2 - 0.1 * epoch:.1f} dev_acc: 0.6",
        ]
    path.write_text("\n".join(lines))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.3, 2.1, 1.9, 1.7, 1.5])
    assert curves.values["val_loss"].tolist() == pytest.approx([2.1, 2.0, 1.9, 1.8, 1.7])
    # Beside names of another set, the tag tags the run (an environment), not the set.
    tagged = [f"[dev] loss: {1.0 / k:.3f} - val_loss: {1.1 / k:.3f}" for k in range(1, 7)]
    path.write_text("run on host a\n" + "\n".join(tagged))
    curves = read_curves(path)
    assert curves.values["loss"][0] == 1.0 and curves.values["val_loss"][0] == 1.1


def test_sets_abbreviated_tr_and_va_are_training_and_validation():
    # A published log (dk_005): `tr_loss`, `tr_acc`, `va_loss`, `va_acc`; the two losses were summed
    # as the parts of one training loss, and no validation curve was left.
    run = {"tr_loss": [0.55, 0.46, 0.43], "tr_acc": [0.76, 0.8, 0.81], "va_loss": [0.48, 0.43, 0.41]}
    curves = read_curves(run)
    assert curves.values["loss"].tolist() == [0.55, 0.46, 0.43]
    assert curves.values["val_loss"].tolist() == [0.48, 0.43, 0.41]
    assert curves.values["acc"].tolist() == [0.76, 0.8, 0.81]
    # Alone, `va_loss` may be a valence-arousal head's: not read as validation.
    assert "val_loss" not in read_curves({"loss": [0.5, 0.4, 0.3], "va_loss": [0.2, 0.1, 0.1]}).values
    # Beside a loss of their own, the two are its parts; a real validation loss is kept.
    parts = {
        "loss": [2.2, 1.1, 0.7],
        "val_loss": [2.4, 1.2, 0.8],
        "tr_loss": [1.0, 0.5, 0.3],
        "va_loss": [1.2, 0.6, 0.4],
    }
    curves = read_curves(parts)
    assert curves.values["loss"].tolist() == [2.2, 1.1, 0.7] and curves.values["val_loss"].tolist() == [
        2.4,
        1.2,
        0.8,
    ]


def test_sets_abbreviated_tr_and_va_without_a_validation_loss_are_named_by_a_pair_of_curves():
    # A published log (fz_066): `tr_loss`, `tr_acc`, `va_acc`; the accuracies were left unread, and
    # a validation accuracy that fell for 25 epochs went unseen.
    run = {"tr_loss": [0.8, 0.38, 0.33], "tr_acc": [0.88, 0.9, 0.91], "va_acc": [0.8, 0.82, 0.83]}
    curves = read_curves(run)
    assert curves.values["loss"].tolist() == [0.8, 0.38, 0.33]
    assert curves.values["acc"].tolist() == [0.88, 0.9, 0.91]
    assert curves.values["val_acc"].tolist() == [0.8, 0.82, 0.83]
    # A `va_` curve without its `tr_` twin names no set (a valence-arousal head's accuracy).
    assert "val_acc" not in read_curves({"tr_loss": [0.8, 0.4, 0.3], "va_acc": [0.5, 0.6, 0.7]}).values


def test_sets_abbreviated_tr_and_vl_are_training_and_validation(tmp_path):
    # A published log (ds_015): `tr_loss`, `vl_loss`, `tr_auc`, `vl_auc`, `vl_f1`; the two losses
    # were summed as the parts of one training loss, and no validation curve was left.
    path = tmp_path / "history.csv"
    rows = [f"{e},{1.0 / e:.4f},{1.2 / e:.4f},0.{80 + e},0.{70 + e}" for e in range(1, 6)]
    path.write_text("epoch,tr_loss,vl_loss,tr_auc,vl_auc\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0, 0.5, 0.3333, 0.25, 0.2])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.2, 0.6, 0.4, 0.3, 0.24])
    assert curves.values["val_auc"][0] == pytest.approx(0.71) and "auc" in curves.values
    assert "read the columns 'tr_loss' as 'loss', 'vl_loss' as 'val_loss'" in curves.notes[0]


def test_sets_abbreviated_t_and_v_are_training_and_validation():
    # A published log (ff_009): `t_loss`, `t_acc`, `t_median_km`, then the same under `v_`; read
    # as two models side by side, only the `v_` columns were drawn, the validation loss as the loss.
    run = {
        "t_loss": [3.2, 3.1, 3.0],
        "t_acc": [0.39, 0.4, 0.41],
        "v_loss": [3.9, 3.8, 3.7],
        "v_acc": [0.2, 0.21, 0.22],
    }
    curves = read_curves(run)
    assert curves.values["loss"].tolist() == [3.2, 3.1, 3.0]
    assert curves.values["val_loss"].tolist() == [3.9, 3.8, 3.7]
    assert curves.values["val_acc"].tolist() == [0.2, 0.21, 0.22]
    assert not any("side by side" in note for note in curves.notes)


def test_epochs_written_as_labels_are_read_by_their_number_and_a_phase_column_is_no_curve(tmp_path):
    # A published log (ds_015): `phase,epoch,…` with epochs `P1-1` … `P1-10`, then `P2-1` …: the
    # labels were dropped as text, the two phases read as one run and `phase` drawn as a metric.
    path = tmp_path / "history.csv"
    first = [f"1,P1-{e},{1.0 / e:.4f},{1.1 / e:.4f}" for e in range(1, 6)]
    second = [f"2,P2-{e},{0.5 / e:.4f},{0.6 / e:.4f}" for e in range(1, 5)]
    path.write_text("phase,epoch,train_loss,val_loss\n" + "\n".join(first + second) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.5, 0.25, 0.1667, 0.125])
    assert "phase" not in curves.values
    assert "read the epoch labels in 'epoch' ('P1-1', …) by the number each ends in." in curves.notes
    assert any("this is the last one (lines 7–10)" in note for note in curves.notes)
    # An epoch column of words that end in no number is still left out (the rows are counted).
    path.write_text("epoch,loss\n" + "\n".join(f"first,{1.0 / e}" for e in range(1, 5)) + "\n")
    assert len(read_curves(path)) == 4
    # Labels whose last number is not the epoch are no epoch numbers: `ep3/10` ends in the run's
    # length, `ep1.5` in a fraction, `model_ep3.h5` in a file type.
    for labels in (
        [f"ep{e}/10" for e in range(1, 7)],
        [f"ep{e / 2:g}" for e in range(2, 14)],
        [f"model_ep{e}.h5" for e in range(1, 7)],
    ):
        rows = (f"{label},{1.0 / (i + 1)}" for i, label in enumerate(labels))
        path.write_text("epoch,loss\n" + "\n".join(rows) + "\n")
        curves = read_curves(path)
        assert len(curves) == len(labels) and not any("epoch labels" in note for note in curves.notes), labels
    # A phase column named in capitals is no curve either.
    path.write_text("Phase,loss\n" + "\n".join(f"1,{1.0 / e}" for e in range(1, 5)) + "\n")
    assert "Phase" not in read_curves(path).values


def test_a_second_run_in_a_table_without_epochs_is_told_by_its_rate_and_loss_starting_over(tmp_path):
    # A published log (ds_011): two `history.history` frames written one after another, no epoch
    # column; the second starts at another learning rate with the loss back near its first value.
    # The 27 rows were read as one run (healthy); the second run's 7 are overfitting.
    path = tmp_path / "history.csv"

    def table(losses: list[float], rates: list[float]):  # the file read back
        rows = (f"{loss},{rate}" for loss, rate in zip(losses, rates, strict=True))
        path.write_text("loss,learning_rate\n" + "\n".join(rows) + "\n")
        return read_curves(path)

    losses = [1.21, 0.75, 0.65, 0.58, 0.49, 0.44, 0.38, 0.30, 0.25, 0.19, 1.01, 0.64, 0.49, 0.42, 0.40]
    rates = [1e-3] * 10 + [1e-5] * 5
    curves = table(losses, rates)
    assert curves.values["loss"].tolist() == pytest.approx([1.01, 0.64, 0.49, 0.42, 0.40])
    assert curves.notes[0].startswith("the file has no epoch numbers: a new run is read where the learning")
    # A spike at a rate the run already had is a spike in one run, not a new one.
    assert len(table(losses, [1e-3] * 15)) == 15
    # A change of rate where the loss carries on (ReduceLROnPlateau) starts no run.
    assert len(table([*losses[:10], 0.18, 0.17, 0.17, 0.16, 0.16], rates)) == 15
    # A rate raised, the loss jumping and staying up: one run that diverged, not a second run.
    blown = [2.3, 1.5, 1.0, 0.7, 0.5, *(2.2 + 0.01 * i for i in range(10))]
    assert len(table(blown, [1e-4] * 5 + [1e-2] * 10)) == 15
    # A rate decayed at every epoch: a spike within the run starts no run, though it falls again.
    assert len(table(losses, [1e-3 * 0.9**i for i in range(15)])) == 15


def test_an_epoch_printed_again_is_left_out_and_a_run_started_again_from_the_same_seed_is_a_run(tmp_path):
    # A published Keras log (dt_022): a console redrawn printed epochs 73–79 again, word for word,
    # below epoch 79 (three times); the log was read as the last of 6 runs, 24 epochs of 100.
    def line(epoch: int) -> str:
        return f"Epoch {epoch}/12\n40/40 - 2s - loss: {1.0 / epoch:.4f} - val_loss: {1.1 / epoch:.4f}"

    path = tmp_path / "train.log"
    order = [*range(1, 9), *range(5, 9), *range(6, 9), *range(9, 13)]
    path.write_text("\n".join(line(epoch) for epoch in order) + "\n")
    curves = read_curves(path)
    assert len(curves) == 12 and curves.values["loss"][-1] == pytest.approx(1 / 12, abs=1e-4)
    assert "Left out 7 records that print an earlier epoch again" in curves.notes[0]
    # Every line written twice (two logging handlers): each epoch once, the first included.
    path.write_text("\n".join(line(epoch) for epoch in range(1, 6) for _ in range(2)) + "\n")
    curves = read_curves(path)
    assert len(curves) == 5 and "Left out 5 records" in curves.notes[0]
    # A run started again from the same seed prints its first epochs as they were: a new run, the
    # last one read (bl_009: a rerun stopped after 3 epochs).
    path.write_text("\n".join(line(epoch) for epoch in [*range(1, 9), 1, 2, 3]) + "\n")
    curves = read_curves(path)
    assert len(curves) == 3 and "of the last of 2 runs" in curves.notes[0]
    # The same epoch with other numbers is a new run too (the count went back).
    rerun = [
        *(line(epoch) for epoch in range(1, 9)),
        *(line(epoch).replace("loss: ", "loss: 1") for epoch in (5, 6)),
    ]
    path.write_text("\n".join(rerun) + "\n")
    assert "of the last of 2 runs" in read_curves(path).notes[0]


def test_epoch_words_of_other_languages_mark_epochs(tmp_path):
    # A published log (dt_002), in Russian: `Эпоха [1/100] | Train Loss: 1.1009, …` for three models
    # one after another; the three were read as one run of 48 rows.
    path = tmp_path / "train.log"
    lines = [f"Эпоха [{e}/5] | Train Loss: {1.0 / e:.4f}, Test Loss: {1.1 / e:.4f}" for e in range(1, 6)]
    lines += [f"Эпоха [{e}/4] | Train Loss: {2.0 / e:.4f}, Test Loss: {2.1 / e:.4f}" for e in range(1, 5)]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.0, 1.0, 0.6667, 0.5])
    assert "of the last of 2 runs" in curves.notes[0]
    for word in ("Época", "epoca", "Epoka", "époque"):
        path.write_text("\n".join(f"{word} {e}: loss={1.0 / e:.3f}" for e in (1, 2, 3, 1, 2)) + "\n")
        assert len(read_curves(path)) == 2, word
    # A plural is no epoch marker: Italian's `epoche` (German's singular) names a setting.
    records = (f"loss: {1 / e:.4f} - accuracy: {0.5 + e / 100:.4f}" for e in range(1, 11))
    path.write_text("Numero di epoche: 20\n" + "\n".join(records) + "\n")
    assert len(read_curves(path)) == 10


def test_a_banner_naming_the_validation_set_names_the_record_below_it(tmp_path):
    # A published log (dz_007): `=====training epoch 1=====`, `Epoch 0 | loss = 0.033 | current =
    # 0.915`, then `=====validate epoch 1=====` over a line of the same names; the validation line
    # replaced the training one, and the validation loss was read as the training loss.
    path = tmp_path / "log.txt"
    blocks = []
    for e in range(6):
        blocks += [
            f"{'=' * 20}training epoch {e + 1}{'=' * 20}",
            f"Epoch {e} | loss = {0.5 / (e + 1):.4f} | current = 0.9",
            "Training consumes 53.71 second",
            f"{'=' * 20}validate epoch {e + 1}{'=' * 20}",
            f"Epoch {e} | loss = {0.3 + 0.02 * e:.4f} | current = 0.8",
        ]
    path.write_text("\n".join(blocks) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.5 / (e + 1) for e in range(6)], abs=1e-4)
    assert curves.values["val_loss"].tolist() == pytest.approx([0.3 + 0.02 * e for e in range(6)])
    assert not any("tensors" in note for note in curves.notes)


def test_a_table_whose_cells_hold_whole_curves_is_refused_saying_so(tmp_path):
    # A published log (dz_002): `accuracy,loss`, then two rows whose cells each hold a list of 18
    # values (the training curves, then presumably the validation ones); it was refused as a loss
    # column of text, with advice about `loss.item()`.
    path = tmp_path / "history.csv"
    curve = ", ".join(f"{1.0 / e:.4f}" for e in range(1, 19))
    path.write_text(f'accuracy,loss\n"[{curve}]","[{curve}]"\n"[{curve}]","[{curve}]"\n')
    with pytest.raises(ValueError, match=r"Column 'loss' .* holds a list of 18 numbers in one cell \(line 2"):
        read_curves(path)


def test_a_file_with_an_unresolved_merge_conflict_is_refused_naming_its_lines(tmp_path):
    # A published log (dz_018): a CSVLogger file committed with git's conflict markers around two
    # versions of the run (760 epochs, then 2); it was refused as a torn line.
    path = tmp_path / "training_log.csv"
    ours = [f"{e},{1.0 / (e + 1):.4f},{1.1 / (e + 1):.4f}" for e in range(6)]
    theirs = [f"{e},{2.0 / (e + 1):.4f},{2.1 / (e + 1):.4f}" for e in range(2)]
    lines = [
        "epoch,loss,val_loss",
        "<<<<<<< HEAD",
        *ours,
        "=======",
        *theirs,
        ">>>>>>> 1a2b3c4 (smaller model)",
    ]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match=r"unresolved git merge conflict \(lines 2–12: '<<<<<<< HEAD'"):
        read_curves(path)
    # A line of seven `<` without the rest of the markers is no conflict (a logger's own line).
    path.write_text("epoch,loss\n" + "\n".join(f"{e},{1.0 / e}" for e in range(1, 5)) + "\n<<<<<<< note\n")
    assert len(read_curves(path)) == 4


def test_a_summary_row_with_a_word_for_its_epoch_is_left_out_with_a_note(tmp_path):
    # A published log (dl_021): after 20 epochs, `TEST,,,,test_loss=0.088162,test_acc=0.999461,`;
    # the file was refused for the word in its epoch column.
    path = tmp_path / "training_log.csv"
    rows = [f"{e},{1.0 / e:.4f},{1.1 / e:.4f},0.9" for e in range(1, 6)]
    path.write_text("epoch,train_loss,val_loss,val_acc\n" + "\n".join(rows) + "\nTEST,,,test_acc=0.99\n")
    curves = read_curves(path)
    assert len(curves) == 5 and curves.values["loss"][-1] == pytest.approx(0.2)
    assert (
        "skipped line 7, with no epoch number and no loss: a logger's own lines, not epochs." in curves.notes
    )
    # A word in the epoch column beside a loss is still refused, naming the line.
    path.write_text("epoch,train_loss,val_loss,val_acc\n" + "\n".join(rows) + "\nTEST,0.1,,\n")
    with pytest.raises(ValueError, match="Line 7 .* column 'epoch': 'TEST' is not a number"):
        read_curves(path)


def test_a_lone_inf_loss_the_next_epoch_carries_on_from_is_left_out_with_a_note(tmp_path):
    # A published log (dl_009): `inf` as the training loss at epoch 22 of 28, between 0.0715 and
    # 0.0683; it was read as a diverged run. Weights a NaN or Inf reached give NaN from then on.
    path = tmp_path / "training_history.csv"
    losses = [0.3 * 0.9**e for e in range(8)]
    cells = [f"{loss:.4f}" if e != 4 else "inf" for e, loss in enumerate(losses)]
    path.write_text(
        "epoch,train_loss,val_loss\n" + "\n".join(f"{e + 1},{c},0.2" for e, c in enumerate(cells))
    )
    curves = read_curves(path)
    assert len(curves) == 7 and 4 not in curves.epochs.tolist()
    assert any(
        note.startswith("left out epoch 5: the training loss is inf there alone") for note in curves.notes
    )
    assert "diverged" not in diagnose(path).kinds
    # A NaN that stays, or one whose next epoch jumped far above the one before, is a divergence.
    stays = [*cells[:4], "nan", "nan", "nan", "nan"]
    path.write_text(
        "epoch,train_loss,val_loss\n" + "\n".join(f"{e + 1},{c},0.2" for e, c in enumerate(stays))
    )
    assert diagnose(path).primary.summary == "loss became NaN at epoch 5."
    thrown = [*cells[:5], "2.5", *cells[6:]]
    path.write_text(
        "epoch,train_loss,val_loss\n" + "\n".join(f"{e + 1},{c},0.2" for e, c in enumerate(thrown))
    )
    assert diagnose(path).primary.summary == "loss became Inf at epoch 5."
    # Nor an epoch that holds a column's only value (the validation loss logged once, there).
    once = {"loss": [1.0, 0.8, float("inf"), 0.7, 0.6, 0.55], "val_loss": [None, None, 0.9, None, None, None]}
    assert read_curves(once).values["val_loss"][2] == 0.9
    # A History's per-epoch batch statistics stay aligned with the epochs kept.
    from fitwell.history import History

    history = History()
    history.history = {
        "loss": [0.3 * 0.9**e if e != 4 else float("inf") for e in range(8)],
        "val_loss": [0.2] * 8,
    }
    history.epoch = list(range(8))
    history.batch_stats = {"loss_max": [float(e) for e in range(8)]}
    curves = read_curves(history)
    assert curves.batch_stats["loss_max"].tolist() == [0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 7.0]
    # Nor a last epoch, whose next one is not known.
    last = [*cells[:4], *cells[5:], "inf"]
    path.write_text("epoch,train_loss,val_loss\n" + "\n".join(f"{e + 1},{c},0.2" for e, c in enumerate(last)))
    assert diagnose(path).primary.kind == "diverged"


def test_a_quoted_cell_over_several_lines_stays_in_its_row(tmp_path):
    # A published log (cg_012): a confusion matrix printed into a cell by the csv module, which
    # quotes it and keeps its line breaks. Each of its lines was read as a torn row.
    matrix = '"[[1915  183]\n [ 255  381]]"'
    path = tmp_path / "metrics.csv"
    path.write_text(
        "epoch,epoch_loss,val_score,confusion\n"
        f"1,1.106,0.588,{matrix}\n2,0.589,0.668,{matrix}\n3,0.521,0.659,{matrix}\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.106, 0.589, 0.521]
    assert curves.values["val_score"].tolist() == [0.588, 0.668, 0.659]
    # The line numbers an error names stay the file's.
    path.write_text(f"epoch,loss,confusion\n1,0.9,{matrix}\n2,oops,{matrix}\n")
    with pytest.raises(ValueError, match="Line 4 of .*column .loss.: .oops."):
        read_curves(path)


def test_a_set_named_alone_beside_the_other_sets_loss_is_its_loss(tmp_path):
    # A published log (cf_003): `train=` beside `val_loss=`, on the epoch's summary line.
    path = tmp_path / "train.log"
    path.write_text(
        "".join(
            f"INFO | Epoch {e}/30 | step 12/12 | batch_loss={0.6 / e:.4f} | running_avg={0.4 / e:.4f}\n"
            f"INFO | Epoch {e:02d}/30 | train={0.36 / e:.4f} | val_loss={0.54 / e:.4f} | mae=0.97 | 8.3s\n"
            for e in range(1, 5)
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.36, 0.18, 0.12, 0.09], abs=1e-4)
    assert curves.values["val_loss"].tolist() == pytest.approx([0.54, 0.27, 0.18, 0.135], abs=1e-4)
    # The sets' sizes are no losses.
    path.write_text("".join(f"Epoch {e} | train=3667 | val_loss={0.5 / e:.3f}\n" for e in range(1, 5)))
    with pytest.raises(ValueError, match="(?i)no 'loss' curve|no header row"):
        read_curves(path)


def test_a_loss_column_empty_on_every_line_beside_frozen_accuracies_is_a_nan_loss(tmp_path):
    # Published logs (ce_014, eq_016): pandas wrote the NaN loss of every epoch as an empty cell,
    # and the NaN outputs picked one class from the second epoch on (0.6464 and 0.5905 for 50).
    path = tmp_path / "history.csv"
    path.write_text("accuracy,loss,val_accuracy,val_loss\n0.6487,,0.5905,\n" + "0.6464,,0.5905,\n" * 5)
    curves = read_curves(path)
    assert np.isnan(curves.values["loss"]).all() and "val_loss" not in curves.values
    assert "'loss' is empty on every line while every accuracy stays at one value" in curves.notes[0]
    assert diagnose(path).primary.kind == "diverged"


def test_a_loss_column_empty_on_every_line_is_refused_saying_why(tmp_path):
    # Without accuracies that froze, nothing says the loss was NaN rather than never logged.
    path = tmp_path / "history.csv"
    path.write_text(
        "accuracy,loss,val_accuracy,val_loss\n" + "".join(f"0.{60 + i},,0.5905,\n" for i in range(6))
    )
    with pytest.raises(ValueError, match="'loss' of .* is empty on every line") as error:
        read_curves(path)
    assert "NaN from the first epoch" in str(error.value)
    path.write_text("epoch,loss,lr\n" + "".join(f"{i},,0.001\n" for i in range(6)))  # no accuracy at all
    with pytest.raises(ValueError, match="'loss' of .* is empty on every line"):
        read_curves(path)
    # Accuracies held at 1 (or 0, or left blank) are no class picked by NaN outputs.
    for cell in ("1.0", "0", ""):
        path.write_text("accuracy,loss,val_accuracy,val_loss\n" + f"0.5,,0.5,\n{cell},,0.5,\n" * 4)
        with pytest.raises(ValueError, match="'loss' of .* is empty on every line"):
            read_curves(path)


def test_a_json_list_of_numbers_is_the_training_loss(tmp_path):
    # Published logs (cd_014, bt_003): `json.dump(losses, f)`, one number per epoch, as a bare
    # column of numbers in a text file is read.
    path = tmp_path / "losses.json"
    path.write_text("[0.33, 0.134, 0.088, 0.063, 0.047]")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.33, 0.134, 0.088, 0.063, 0.047]
    assert curves.notes[0] == "the file holds one list of numbers: read as the training loss, one per epoch."
    # A list of anything else is still refused, saying what was expected.
    path.write_text('["a", "b"]')
    with pytest.raises(ValueError, match="holds a JSON list"):
        read_curves(path)


def test_the_only_loss_named_with_its_word_first_is_the_loss(tmp_path):
    # A published history (cd_001): a Keras tracker named `loss_x`, beside its validation twin.
    path = tmp_path / "history.json"
    path.write_text(
        json.dumps({"loss_x": [0.33, 0.015, 0.008], "val_loss_x": [0.02, 0.01, 0.009], "lr": [1e-3] * 3})
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.33, 0.015, 0.008]
    assert curves.values["val_loss"].tolist() == [0.02, 0.01, 0.009]
    # Two of them are parts, not the loss; nor is a GAN's network's loss the model's.
    path.write_text(json.dumps({"loss_ce": [0.9, 0.5], "loss_box": [0.4, 0.3]}))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)
    path.write_text(json.dumps({"loss_d": [0.9, 0.5], "average_loss_g": [0.4, 0.3]}))
    with pytest.raises(ValueError, match="GAN"):
        read_curves(path)
    # Nor is the spread of a loss over batches the loss.
    path.write_text(
        json.dumps({"loss_std": [0.1, 0.08, 0.07], "val_loss_std": [0.2, 0.1, 0.1], "mae": [0.9, 0.5, 0.4]})
    )
    assert read_curves(path).values["loss"].tolist() == [0.9, 0.5, 0.4]


def test_records_keyed_by_their_epochs_numbers_are_read_as_epochs(tmp_path):
    # A published sound-event detector (`gj_019`): `{"1": {"train_loss": 292.8, "val_loss":
    # 269.0}, "2": ...}`, a loop's `history[epoch] = {...}` (pandas' `to_json(orient="index")`
    # writes the same); the keys are the epochs, in their order, not the file's.
    path = tmp_path / "losses.json"
    records = {str(epoch): {"train_loss": 3.0 / epoch, "val_loss": 3.2 / epoch} for epoch in (2, 1, 3)}
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [3.0, 1.5, 1.0]
    assert curves.values["val_loss"].tolist() == [3.2, 1.6, 3.2 / 3]
    assert any("keyed by their epochs' numbers" in note for note in curves.notes)
    assert diagnose(path).epochs == 3
    # Numbers under numbered keys (`gk_123`: `{"001": 0.349, "002": 0.3102, ...}`) are one list
    # of numbers with its epochs: the training loss, as a bare list is read, in the epochs' order.
    path.write_text(json.dumps({"002": 0.05, "001": 0.08, "003": 0.04}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.08, 0.05, 0.04]
    assert curves.notes[0] == "the file holds one number per epoch number: read as the training loss."
    # Two such objects in a list (`gi_076`), whose sets nothing names, are still refused.
    path.write_text(json.dumps([{"0": 0.08, "1": 0.05, "2": 0.04}, {"0": 0.09, "1": 0.07, "2": 0.06}]))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)


def test_spacys_losses_of_one_component_are_the_loss(tmp_path):
    # A published spaCy history (gi_001): `losses` and `scores` by component, nested, whose keys
    # join as `losses_ner` and `scores_ents_f`; the one component's loss is the loss.
    path = tmp_path / "training_history.json"
    history = {
        "epochs": [0, 1, 2],
        "losses": {"ner": [120.5, 40.2, 21.7]},
        "scores": {"ents_f": [0.2, 0.6, 0.7]},
    }
    path.write_text(json.dumps(history))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [120.5, 40.2, 21.7]
    assert "read the columns 'losses_ner' as 'loss'" in " ".join(curves.notes)
    # Two components' losses are parts of the loss, neither of them the loss.
    history["losses"]["tagger"] = [9.0, 5.0, 4.0]
    path.write_text(json.dumps(history))
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)


def test_a_printed_table_is_found_below_a_long_preamble(tmp_path):
    # A published log (cm_004): 39 lines of data set, model and settings before the table, which
    # is printed at epoch 1 and every tenth epoch after.
    preamble = ["=" * 60, " GRAPH CLASSIFIER - TRAINING", "=" * 60, ""] + [
        f"  setting {n}: {n}" for n in range(35)
    ]
    rows = [
        f"{e:<8} {2 / (e + 1):.4f}       {0.3 + e / 1000:.4f}       {0.25 + e / 1000:.4f}       0.4 s"
        for e in (1, 10, 20)
    ]
    path = tmp_path / "training_output.log"
    path.write_text(
        "\n".join([*preamble, "Epoch    Train Loss   Train Acc    Test Acc     Time", "-" * 60, *rows]) + "\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.1818, 0.0952]
    assert curves.values["val_acc"].tolist() == pytest.approx([0.251, 0.26, 0.27])
    assert curves.notes[0].startswith("read a table set out with spaces: 3 rows under the header on line 40")


def test_runs_nested_deeper_than_phases_read_the_last(tmp_path):
    # `fe_002`: two models' histories under `results` → `model_a`/`model_b` → `training_history`
    # beside their summaries; `fe_040`: two models, each `{"epochs_ran": ..., "history": [records]}`.
    # Both were refused (no key read at all).
    def model(start):
        losses = [start, start * 0.6, start * 0.5]
        return {"final_accuracy": 98.4, "training_history": {"train_loss": losses, "test_loss": losses}}

    path = tmp_path / "results.json"
    config = {"epochs": 3, "betas": [0.9, 0.999]}
    path.write_text(json.dumps({"config": config, "results": {"model_a": model(2.0), "model_b": model(1.0)}}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0, 0.6, 0.5])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.0, 0.6, 0.5])
    assert curves.notes[0].startswith(
        "read the last of 2 runs (or models) nested in the file ('model_a', 'model_b'): "
        "the history under 'results' → 'model_b'."
    )

    def records(start):
        rows = [
            {"epoch": i + 1, "train_loss": start / (i + 1), "val_loss": start / (i + 1) + 0.1}
            for i in range(4)
        ]
        return {"epochs_ran": 4, "best_val_loss": start / 4 + 0.1, "history": rows}

    path.write_text(json.dumps({"symptoms": records(1.5), "medicine": records(0.09)}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.09, 0.045, 0.03, 0.0225])
    assert "the history under 'medicine'" in curves.notes[0]
    # Sets nested so are one run's (`train`, `val`), and a GAN's networks are no runs either.
    path.write_text(json.dumps({"run": {"train": records(1.0), "val": records(1.2)}}))
    assert not _reads(path) or "runs (or models) nested" not in " ".join(read_curves(path).notes)
    path.write_text(json.dumps({"generator": records(1.0), "discriminator": records(0.7)}))
    with pytest.raises(ValueError):
        read_curves(path)


def test_runs_saved_as_lists_of_records_under_their_names_read_the_last(tmp_path):
    # `fk_031`: nine runs, each a list of per-epoch records under its name; read as one history
    # whose summed `*_loss` parts were of different lengths, it failed inside `zip()`.
    def rows(start, epochs):
        return [
            {"epoch": i + 1, "train_loss": start / (i + 1), "val_loss": start / (i + 1) + 0.1, "lr": 1e-4}
            for i in range(epochs)
        ]

    path = tmp_path / "training_log.json"
    path.write_text(
        json.dumps({"cnn_est0": rows(1.0, 5), "gru_est0": rows(2.0, 2), "cnn_est1": rows(0.5, 4)})
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.5, 0.25, 0.5 / 3, 0.125])
    assert curves.values["val_loss"][0] == pytest.approx(0.6)
    assert curves.notes[0].startswith(
        "read the last of 3 runs (or models) nested in the file ('cnn_est0', 'gru_est0', 'cnn_est1')"
    )
    # A training and a validation list of records are one run's sets, not two runs; nor is a
    # held-out set's list beside the epochs' (the epochs are read), nor per-sample records (the
    # file is refused, as before).
    path.write_text(json.dumps({"train": rows(1.0, 3), "val": rows(1.2, 3)}))
    assert "runs (or models) nested" not in " ".join(read_curves(path).notes)
    held_out = [{"epoch": 5, "loss": 0.35, "accuracy": 0.81}, {"epoch": 10, "loss": 0.3, "accuracy": 0.85}]
    path.write_text(json.dumps({"metrics": rows(1.0, 10), "test_metrics": held_out}))
    assert not any("runs (or models) nested" in note for note in _notes(path))
    samples = [{"id": i, "loss": 3.0 - 0.1 * i} for i in range(10)]
    path.write_text(json.dumps({"epochs": rows(1.0, 6), "worst_samples": samples}))
    assert not any("runs (or models) nested" in note for note in _notes(path))


def test_means_written_with_their_spread_are_read_as_the_means(tmp_path):
    # `fk_024`: every cell `mean ± std` over the epoch's batches (refused: "holds text").
    path = tmp_path / "training_metrics.csv"
    path.write_text(
        "Epoch,Loss,FG Acc\n1,1.46 ± 0.24,0.71 ± 0.05\n"
        "2,0.93 +/- 0.2,0.80 ± 0.04\n3,0.68 +- 0.1,0.85 ± 0.03\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.46, 0.93, 0.68])
    assert curves.values["fg_acc"].tolist() == pytest.approx([0.71, 0.80, 0.85])
    assert (
        "read the means written with their spread in 'Loss', 'FG Acc' as the means ('1.46 ± 0.24': 1.46)."
        in (curves.notes)
    )
    # Text that is no mean and spread is still refused, naming the line.
    path.write_text("Epoch,Loss\n1,1.46 ± high\n2,0.93\n")
    with pytest.raises(ValueError, match="Line 2 of .*, column 'Loss': '1.46 ± high' is not a number"):
        read_curves(path)


def test_loss_parts_of_different_lengths_are_not_summed(tmp_path):
    # Summing them failed inside `zip()` (`fk_031`, read as one history of nine runs' records).
    path = tmp_path / "parts.json"
    path.write_text(json.dumps({"box_loss": [1.0, 0.5, 0.3], "cls_loss": [2.0, 1.0]}))
    assert not any("read the sum" in note for note in read_curves(path).notes)
    # Validation parts logged every other epoch are summed apart from the training parts, as before.
    path.write_text(
        json.dumps(
            {
                "epoch": [1, 2, 3, 4],
                "box_loss": [1.0, 0.8, 0.6, 0.5],
                "cls_loss": [2.0, 1.6, 1.2, 1.0],
                "val_box_loss": [0.9, 0.6],
                "val_cls_loss": [1.8, 1.2],
            }
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([3.0, 2.4, 1.8, 1.5])
    assert any("read the sum" in note for note in curves.notes)


def test_one_list_of_records_nested_under_a_model_name_is_read(tmp_path):
    # `fj_025`: `{"args": {...}, "eval_results": {...}, "training_history": {"autoregressive":
    # [{"epoch": 1, "loss": ..., "accuracy": ...}, ...]}}` was refused with no key read at all.
    path = tmp_path / "results.json"
    records = [{"epoch": i + 1, "loss": 3.0 / (i + 1), "accuracy": 0.4 + 0.05 * i} for i in range(4)]
    path.write_text(
        json.dumps(
            {
                "args": {"epochs": 4, "lr": 0.001},
                "eval_results": {"autoregressive": {"mse": 0.07}},
                "training_history": {"autoregressive": records},
            }
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([3.0, 1.5, 1.0, 0.75])
    assert curves.values["accuracy"][-1] == pytest.approx(0.55)
    assert curves.notes[0] == (
        "read the per-epoch records under 'training_history' → 'autoregressive' (the rest holds no curves)."
    )


def _notes(path) -> tuple[str, ...]:
    """The notes of a file's reading, or none when it is refused."""
    try:
        return read_curves(path).notes
    except ValueError:
        return ()


def test_a_training_and_an_eval_list_are_the_two_losses(tmp_path):
    # `fj_016`: `{"epoch": [...], "train": [...], "eval": [...]}`, the held-out loss named `eval`
    # (refused: no key named a loss).
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({"epoch": [1, 2, 3], "train": [1.6, 0.97, 0.81], "eval": [1.1, 0.9, 0.85]}))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.6, 0.97, 0.81])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.1, 0.9, 0.85])
    # Printed, a set named alone beside the other set's loss is its loss too.
    path = tmp_path / "train.log"
    path.write_text("".join(f"epoch {e} loss {1.0 / e:.3f} eval {1.1 / e:.3f}\n" for e in range(1, 5)))
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([1.1, 0.55, 0.367, 0.275])


def test_one_run_saved_in_a_list_of_one_is_read(tmp_path):
    # `fn_007`: `[{"run_id": ..., "configuration": {...}, "training": {"loss_history": [...]},
    # "validation": {...}}]`, read as one per-epoch record whose keys held lists (refused).
    path = tmp_path / "runs.json"
    run = {
        "run_id": "2026-09-13",
        "configuration": {"epochs": 3, "learning_rate": 0.1},
        "training": {"loss_history": [0.31, 0.26, 0.22], "accuracy_history": [0.91, 0.93, 0.94]},
        "validation": {"loss_history": [0.28, 0.25, 0.24], "accuracy_history": [0.92, 0.93, 0.93]},
    }
    path.write_text(json.dumps([run]))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.31, 0.26, 0.22])
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.92, 0.93, 0.93])
    assert curves.notes[0] == "read the one run saved in a list of one."
    # One per-epoch record of numbers in a list is still one epoch, not a run; so is one beside a
    # list of per-class values.
    path.write_text(json.dumps([{"epoch": 1, "loss": 0.5}]))
    assert read_curves(path).values["loss"].tolist() == [0.5]
    path.write_text(
        json.dumps([{"epoch": 1, "loss": 0.52, "val_loss": 0.61, "per_class_acc": [0.9, 0.8, 0.7]}])
    )
    assert read_curves(path).values["loss"].tolist() == [0.52]


def test_a_plot_saved_as_its_traces_is_read_one_column_per_trace(tmp_path):
    # `fo_011`: Plotly's traces, `{"x": epochs, "y": values, "type": "scatter", "name": ...}`, named
    # `validate_loss` for the validation set (refused: no key read at all).
    path = tmp_path / "history.json"
    epochs = [0, 1, 2, 3]
    traces = [
        {"x": epochs, "y": [21.0, 51.6, 66.2, 73.4], "type": "scatter", "name": "train_acc"},
        {"x": epochs, "y": [2.81, 1.57, 1.07, 0.85], "type": "scatter", "name": "train_loss"},
        {"x": epochs, "y": [40.1, 60.2, 70.3, 75.0], "type": "scatter", "name": "validate_acc"},
        {"x": epochs, "y": [1.9, 1.2, 0.95, 0.8], "type": "scatter", "name": "validate_loss"},
    ]
    path.write_text(json.dumps(traces))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.81, 1.57, 1.07, 0.85])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.9, 1.2, 0.95, 0.8])
    assert curves.values["val_acc"][-1] == pytest.approx(0.75)  # percentages, as fractions
    assert (
        curves.notes[0] == "read a plot's traces as one column per trace's 'name' (their 'x' as the epochs)."
    )
    # A whole figure, its traces under `data` beside its `layout`, reads the same.
    path.write_text(json.dumps({"data": traces, "layout": {"title": "history"}}))
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([1.9, 1.2, 0.95, 0.8])
    # Each trace's values at its own epochs: a validation trace every other epoch stays there.
    sparse = [
        {"x": [0, 1, 2, 3, 4], "y": [2.0, 1.5, 1.2, 1.0, 0.9], "name": "train_loss"},
        {"x": [0, 2, 4], "y": [2.1, 1.3, 1.1], "name": "val_loss"},
    ]
    path.write_text(json.dumps({"data": sparse, "layout": {}}))
    curves = read_curves(path)
    assert curves.recorded["val_loss"].tolist() == [True, False, True, False, True]
    assert curves.values["val_loss"][curves.recorded["val_loss"]].tolist() == pytest.approx([2.1, 1.3, 1.1])
    # Traces without `x` (Plotly allows `y` alone) are read epoch by epoch (this failed inside len()).
    path.write_text(
        json.dumps(
            [{"y": [1.0, 0.8, 0.6, 0.5], "name": "loss"}, {"y": [1.1, 0.9, 0.7, 0.6], "name": "val_loss"}]
        )
    )
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([1.1, 0.9, 0.7, 0.6])
    assert (
        curves.notes[0]
        == "read a plot's traces as one column per trace's 'name' (epoch by epoch, no 'x' to place them)."
    )


def test_a_total_named_l_total_and_a_targets_measure_stand_for_the_loss(tmp_path):
    # `fn_025`: records of `train: {L_total, L_diff, L_kd}` and `val: {...}`, the total beside its
    # parts as a paper writes it; `fp_006`: `train_rul_mse` beside `val_rul_mse` and other scores,
    # a remaining-useful-life regression's error. Both were refused: no column named a loss.
    path = tmp_path / "log.json"
    records = [
        {
            "epoch": e,
            "train": {"L_total": 1.2 / e, "L_diff": 0.9 / e},
            "val": {"L_total": 1.1 / e, "L_diff": 0.8 / e},
        }
        for e in range(1, 4)
    ]
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.2, 0.6, 0.4])
    assert curves.values["val_loss"].tolist() == pytest.approx([1.1, 0.55, 1.1 / 3])
    rows = [
        {
            "epoch": e,
            "train_rul_mse": 30.0 / e,
            "val_rul_rmse": 11.0,
            "val_rul_mse": 120.0 / e,
            "val_auprc": 0.97,
        }
        for e in range(1, 4)
    ]
    path.write_text(json.dumps(rows))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([30.0, 15.0, 10.0])
    assert curves.values["val_loss"].tolist() == pytest.approx([120.0, 60.0, 40.0])
    # A term of a named loss is none (`loss_G_l1`: a GAN generator's L1 term), nor a GAN's terms
    # named by network (pix2pix's `G_L1` beside `D_real`), nor a target's measure without its
    # validation twin.
    path.write_text(
        json.dumps({"train_G_L1": [5.2, 5.0], "train_D_real": [0.3, 0.2], "val_G_L1": [5.1, 5.6]})
    )
    assert "train_G_L1" not in " ".join(_notes(path))
    path.write_text(
        json.dumps({"train_loss_G_l1": [5.2, 5.0], "val_loss_G_l1": [5.1, 5.6], "loss_D": [0.3, 0.2]})
    )
    assert "loss" not in _columns_read(path) or "train_loss_G_l1" not in " ".join(_notes(path))
    path.write_text(
        json.dumps([{"epoch": e, "train_rul_mse": 30.0 / e, "val_auprc": 0.9} for e in range(1, 4)])
    )
    assert "train_rul_mse" not in " ".join(_notes(path))


def test_runs_of_a_grid_read_the_last_groups_last_run(tmp_path):
    # `fp_011`: two datasets, seven models each, every model's `loss` and `test_macro_f1`; each
    # group alone is runs nested deeper, but two groups were refused.
    def model(start):
        return {"loss": [start, start / 2, start / 4], "test_macro_f1": [50.0, 70.0, 80.0]}

    path = tmp_path / "curves.json"
    grid = {
        "epochs": 3,
        "seed": 0,
        "cwru": {"cnn": model(1.0), "wdcnn": model(2.0)},
        "pu": {"cnn": model(3.0), "wdcnn": model(4.0)},
    }
    path.write_text(json.dumps(grid))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([4.0, 2.0, 1.0])
    assert curves.notes[0] == (
        "read the last of 2 runs (or models) nested in the file ('cnn', 'wdcnn') (the last of 2 groups of "
        "runs: 'cwru', 'pu'): the history under 'pu' → 'wdcnn'."
    )
    # Groups named for sets are one grid's training and validation curves, not two groups of runs:
    # the validation set's last model was read as the training loss.
    path.write_text(
        json.dumps(
            {"train": {"cnn": model(1.0), "mlp": model(2.0)}, "val": {"cnn": model(1.5), "mlp": model(2.5)}}
        )
    )
    assert not any("groups of runs" in note for note in _notes(path))


def _columns_read(path) -> tuple[str, ...]:
    try:
        return tuple(read_curves(path).values)
    except ValueError:
        return ()


def test_an_error_on_normalized_targets_stands_for_the_loss(tmp_path):
    # `fc_002`: `train_mae_norm` and `val_mae_norm`, no column named a loss (refused before).
    path = tmp_path / "history.csv"
    path.write_text("epoch,train_mae_norm,val_mae_norm\n1,0.45,0.47\n2,0.42,0.466\n3,0.418,0.465\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.45, 0.42, 0.418])
    assert curves.values["val_loss"].tolist() == pytest.approx([0.47, 0.466, 0.465])


def test_models_side_by_side_named_by_a_last_letter_read_the_last(tmp_path):
    # `fe_023`: two models trained together, `train_loss_a`, `train_accuracy_a`, … beside the
    # same names ending in `_b`, a step count and an ensemble's accuracy (refused before).
    path = tmp_path / "log.csv"
    header = "epoch,global_step,train_loss_a,train_accuracy_a,train_loss_b,train_accuracy_b,"
    header += "val_accuracy_a,val_accuracy_b,val_ensemble_accuracy\n"
    rows = ["0,100,1.8,0.65,2.0,0.6,0.75,0.71,0.76", "1,200,1.4,0.75,1.5,0.71,0.78,0.75,0.78"]
    rows.append("2,300,1.3,0.78,1.37,0.76,0.80,0.78,0.80")
    path.write_text(header + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.0, 1.5, 1.37])
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.71, 0.75, 0.78])
    assert "val_ensemble_accuracy" not in curves.values
    assert any(
        "read the last of 2 models (or phases) logged side by side ('_a', '_b')" in n for n in curves.notes
    )
    # A GAN's two networks named so (`loss_g`, `acc_g`, `loss_d`, `acc_d`) are no such models.
    path.write_text("epoch,loss_g,acc_g,loss_d,acc_d\n1,2.0,0.1,0.7,0.5\n2,2.2,0.1,0.6,0.6\n")
    notes = " ".join(read_curves(path).notes) if _reads(path) else ""
    assert "side by side" not in notes


def _reads(path) -> bool:
    try:
        read_curves(path)
    except ValueError:
        return False
    return True


def test_histories_listed_one_per_fold_read_the_last(tmp_path):
    # `fh_004`: three cross-validation folds' histories in a list under `fold_histories`, beside
    # each fold's results (refused before: the results' names were the only keys read).
    def fold(start, epochs):
        return {"train_loss": [start / (e + 1) for e in range(epochs)], "val_loss": [0.1] * epochs}

    path = tmp_path / "cv.json"
    results = [{"fold": k, "best_auc": 0.99} for k in (1, 2, 3)]
    folds = [fold(1.0, 11), fold(2.0, 15), fold(3.0, 15)]
    path.write_text(json.dumps({"n_folds": 3, "fold_results": results, "fold_histories": folds}))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 15 and curves.values["loss"][0] == 3.0
    assert (
        curves.notes[0]
        == "read the last of 3 histories (folds, seeds or models) listed under 'fold_histories'."
    )
    # A list of them alone, too; a list of per-epoch records is read as before.
    path.write_text(json.dumps(folds))
    assert read_curves(path).values["loss"][0] == 3.0
    path.write_text(json.dumps([{"loss": 1.0 / (e + 1), "val_loss": 1.1 / (e + 1)} for e in range(4)]))
    assert read_curves(path).values["loss"].tolist() == pytest.approx([1.0, 0.5, 1 / 3, 0.25])


def test_reading_deep_or_ambiguous_nesting_is_quick_and_reads_no_sets_or_parts_as_runs(tmp_path):
    # A chain of mappings 400 deep is refused at once (the search for runs nested deeper than
    # phases had repeated itself at every level: 18 s at 24 deep, a RecursionError at 300).
    path = tmp_path / "deep.json"
    path.write_text('{"a":' * 400 + '{"x": 1}' + "}" * 400)
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves(path)
    # Sets named by a word after the first (`model_train`, `model_val`) are no two runs.
    sets = {
        "model_train": {"history": {"loss": [1.0, 0.8, 0.7]}},
        "model_val": {"history": {"loss": [1.2, 1.0, 0.9]}},
    }
    path.write_text(json.dumps(sets))
    assert not _reads(path) or read_curves(path).values["loss"].tolist() == [1.0, 0.8, 0.7]
    # Losses alone under one-letter or one-digit suffixes are parts of one loss, not models; nor are
    # sets (`_t`, `_v`) or coordinates (`_x`, `_y`).
    for names in (
        ["dice_loss_1", "val_dice_loss_1", "dice_loss_2", "val_dice_loss_2"],
        ["loss_t", "acc_t", "loss_v", "acc_v"],
        ["loss_x", "val_loss_x", "loss_y", "val_loss_y"],
    ):
        run = {name: [1.0 + k, 0.8 + k, 0.7 + k] for k, name in enumerate(names)}
        assert not _reads(run) or not any("side by side" in note for note in read_curves(run).notes), names
    # `t_loss` and `v_loss` beside another head's `a_loss` are three heads, not two sets.
    heads = {"t_loss": [1.0, 0.8, 0.7], "v_loss": [0.03, 0.02, 0.02], "a_loss": [0.5, 0.4, 0.3]}
    assert "val_loss" not in read_curves(heads).values
    # A norm's name is what it is: `l1_norm` is no absolute error, so no loss.
    with pytest.raises(ValueError, match="no 'loss' curve"):
        read_curves({"l1_norm": [10.0, 12.0, 16.0], "accuracy": [0.5, 0.6, 0.7]})


def _lightning_steps(losses_by_epoch, every=50):
    """A Lightning `metrics.csv` whose `train_loss` is logged every `every` steps and whose
    validation AUC is logged at each epoch's end."""
    lines, step = ["epoch,step,train_loss,val_auc"], -1
    for epoch, losses in enumerate(losses_by_epoch):
        for loss in losses:
            step += every
            lines.append(f"{epoch},{step},{loss},")
        lines.append(f"{epoch},{step + 1},,0.83")
    return "\n".join(lines) + "\n"


def test_a_training_loss_logged_on_a_step_or_two_an_epoch_is_a_batchs_and_jumps_as_one(tmp_path):
    # A published Lightning log (ge_018): `train_loss` every 50 steps on epochs of 88 steps, one or
    # two rows an epoch, beside a validation AUC. Each epoch's value is one or two batches' losses,
    # and jumps of 60% between them are a batch's noise: not `unstable` (both readers: healthy).
    losses = [[0.0104], [0.0111, 0.0082], [0.0088, 0.0111], [0.0089, 0.0083], [0.0073], [0.0099, 0.0070]]
    losses += [[0.0062, 0.0109], [0.0058], [0.0094, 0.0061], [0.0057], [0.0091, 0.0060], [0.0056]]
    path = tmp_path / "metrics.csv"
    path.write_text(_lightning_steps(losses))
    curves = read_curves(path)
    assert curves.sampled_loss and any("logged on one or two steps in most epochs" in n for n in curves.notes)
    assert "unstable" not in diagnose(path).kinds
    # A jump of the batch's loss of more than 75%, with nothing to confirm or deny it, still counts.
    losses = [[0.0104], [0.0111, 0.0082], [0.018], [0.0089, 0.0083], [0.018], [0.0099, 0.0070]]
    losses += [[0.0062, 0.0109], [0.018], [0.0094, 0.0061], [0.018], [0.0091, 0.0060], [0.0056]]
    path.write_text(_lightning_steps(losses))
    assert "unstable" in diagnose(path).kinds
    # The same table with the loss on every row of its epochs' steps is an epoch's mean.
    path.write_text(_lightning_steps([[0.01, 0.011, 0.009, 0.012, 0.01]] * 6))
    assert not read_curves(path).sampled_loss
    # So is a loss logged at every step of epochs of two steps.
    path.write_text(_lightning_steps([[0.01, 0.011], [0.009, 0.012], [0.01, 0.008]] * 2, every=1))
    assert not read_curves(path).sampled_loss


def test_a_flat_sampled_training_loss_that_jitters_is_no_plateau(tmp_path):
    # A flat training loss far from a good value that jitters 4% from epoch to epoch: a rate too
    # high to settle where each epoch's value is its own mean (`plateau`), but the noise of one
    # or two batches where it is logged every 50 steps (`ge_021`): the level alone says high bias.
    rng = np.random.default_rng(1)
    flat = (0.9 * (1 + 0.04 * rng.standard_normal(30))).tolist()
    flat[:5] = [2.2, 1.6, 1.2, 1.0, 0.95]
    assert diagnose({"loss": flat}, loss="categorical_crossentropy", num_classes=3).primary.kind == "plateau"
    path = tmp_path / "metrics.csv"
    steps = [[value] if epoch % 2 else [value * 1.01, value * 0.99] for epoch, value in enumerate(flat)]
    path.write_text(_lightning_steps(steps).replace("val_auc", "val_x"))
    assert read_curves(path).sampled_loss
    found = diagnose(path, loss="categorical_crossentropy", num_classes=3).primary.kind
    assert found == "underfitting"


def test_a_mean_of_a_few_logged_steps_as_noisy_as_a_sample_is_judged_as_one(tmp_path):
    # A published Lightning log (`gi_090`, healthy to both readers): MNIST's loss every 100 steps,
    # 19 rows an epoch, most near 0.005 and one or two outlier batches at 0.1-0.2, which move an
    # epoch's mean by half (its standard error): the means' jumps of 43-175% are that sample's
    # noise, not `unstable`.
    rng = np.random.default_rng(0)
    typical = [rng.uniform(0.001, 0.01, 19).tolist() for _ in range(10)]
    outliers = [0.25, 0.98, 0.39, 0.7, 0.37, 0.19, 0.19, 0.3, 0.05, 0.32]
    noisy = [[*epoch[:-1], top] for epoch, top in zip(typical, outliers, strict=True)]
    noisy[0][0] = 2.3
    path = tmp_path / "metrics.csv"
    path.write_text(_lightning_steps(noisy, every=100))
    curves = read_curves(path)
    assert curves.sampled_loss
    note = next(note for note in curves.notes if "logged every few steps (a median of 19 an epoch)" in note)
    assert "noisy by ±" in note
    assert "unstable" not in diagnose(path).kinds
    # The same means logged as each epoch's own are unstable.
    assert "unstable" in diagnose({"loss": [float(np.mean(epoch)) for epoch in noisy]}).kinds
    # A step logged as inf (or an epoch of one finite step) leaves the other epochs' noise measured.
    noisy[3][2] = float("inf")
    path.write_text(_lightning_steps(noisy, every=100))
    assert read_curves(path).sampled_loss
    # Batches alike within a few percent make a mean to trust.
    alike = [rng.uniform(0.0050, 0.0056, 19).tolist() for _ in range(10)]
    path.write_text(_lightning_steps(alike, every=100))
    assert not read_curves(path).sampled_loss


def test_runs_under_one_key_beside_the_settings_read_the_last(tmp_path):
    # `gm_029`: a sparse-attention study's `{"config": {...}, "curves": {"dense": [{"step": 250,
    # "train": ..., "val": ...}, ...], "bigbird": [...]}}` (read before as one run with no loss).
    def run(start):
        return [
            {"step": 250 * (k + 1), "train": start / (k + 1), "val": start / (k + 1) + 0.1} for k in range(6)
        ]

    path = tmp_path / "loss_curves.json"
    path.write_text(
        json.dumps(
            {"config": {"steps": 1500, "heads": [4, 4]}, "curves": {"dense": run(2.0), "bigbird": run(3.0)}}
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"][0] == 3.0 and curves.values["val_loss"][0] == pytest.approx(3.1)
    assert curves.notes[0].startswith(
        "read the last of 2 runs (or models) nested in the file ('dense', 'bigbird'): the history under "
        "'curves' → 'bigbird'."
    )
    # One run under the key beside the settings is that run, as before.
    path.write_text(json.dumps({"config": {"steps": 1500}, "curves": {"train_loss": [1.0, 0.5, 0.25]}}))
    assert read_curves(path).values["loss"].tolist() == [1.0, 0.5, 0.25]


def test_an_epochs_mean_batch_loss_beside_its_spread_is_the_loss_and_runs_named_in_words_split(tmp_path):
    # `gk_098`: two frameworks' runs appended, under `framework`, `epoch_zero_based`,
    # `epoch_one_based`, `loss_mean` beside `loss_median`, `loss_min`, `loss_max` (refused: no
    # column named the epoch or the loss).
    renames = keras_names(
        ["framework", "epoch_zero_based", "epoch_one_based", "loss_mean", "loss_min", "loss_max"]
    )
    assert renames == {"epoch_one_based": "epoch", "loss_mean": "loss"}
    # Its validation twin is the validation loss; beside another loss, the statistics are no loss.
    assert keras_names(["epoch", "loss_mean", "loss_max", "val_loss_mean"]) == {
        "loss_mean": "loss",
        "val_loss_mean": "val_loss",
    }
    assert keras_names(["loss_mean", "loss_min", "dice_loss", "val_dice_loss"]) == {
        "dice_loss": "loss",
        "val_dice_loss": "val_loss",
    }
    lines = ["framework,epoch_zero_based,epoch_one_based,loss_mean,loss_median,loss_min,loss_max"]
    for framework, start in (("Jittor", 1.0), ("PyTorch", 2.0)):
        lines += [f"{framework},{e},{e + 1},{start / (e + 1)},{start / (e + 1)},0.01,9.0" for e in range(5)]
    path = tmp_path / "log.csv"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.0, 1.0, 2 / 3, 0.5, 0.4])
    assert "epoch_zero_based" not in curves.values
    assert "the log counts epochs from 1: the messages name epochs by its numbers." in curves.notes
    assert any("the file holds 2 runs appended" in note for note in curves.notes)
    # `gl_023`: cross-validation folds 1 and 2, then the last run's fold named `Final` (refused:
    # 'Final' is not a number).
    lines = ["fold,epoch,total,val_f1"]
    for fold, start in (("1", 1.0), ("2", 1.5), ("Final", 2.0)):
        lines += [f"{fold},{e + 1},{start / (e + 1)},0.5" for e in range(4)]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert (
        curves.values["loss"].tolist() == pytest.approx([2.0, 1.0, 2 / 3, 0.5])
        and "fold" not in curves.values
    )
    # A text cell in a column that names no run is still refused, naming the line and the cell.
    path.write_text("epoch,loss,lr\n1,0.9,0.1\n2,0.5,high\n3,0.4,0.1\n")
    with pytest.raises(ValueError, match="Line 3 of .*column 'lr': 'high' is not a number"):
        read_curves(path)


def test_a_loss_logged_at_one_step_every_few_epochs_is_a_batchs_and_one_outlier_is_no_explosion(tmp_path):
    # `gm_052`: Lightning's `train_loss` every 50 steps of epochs of 18 (rows at epochs 2, 5, 8,
    # ...), one batch 16x its neighbours and the next back at once (read: diverged).
    losses = [0.005 / (1 + 0.3 * k) + 0.001 for k in range(40)]
    losses[12] = 16 * losses[11]
    lines = ["epoch,step,train_loss"] + [
        f"{2 + (50 * (k + 1) - 1) // 18},{50 * (k + 1) - 1},{v}" for k, v in enumerate(losses)
    ]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n")
    result = diagnose(path)
    assert result.kinds[0] != "diverged" and "diverged" not in result.kinds
    assert (
        "the training loss was logged at one step every few epochs: each value is that batch's loss, not an "
        "epoch's mean, and its jumps are judged as a batch's."
    ) in result.notes
    # A jump of 100x the batch before is an explosion however briefly it lasted.
    lines = ["epoch,step,train_loss"] + [
        f"{3 * (k + 1)},{50 * (k + 1) - 1},{v}"
        for k, v in enumerate([1, 0.8, 0.6, 0.5, 0.45, 0.4, 0.38, 40, 0.36, 0.35])
    ]
    path.write_text("\n".join(lines) + "\n")
    assert diagnose(path).kinds[0] == "diverged"
    # The same jump that stays up is an explosion still.
    for k in range(12, 40):
        losses[k] = 16 * losses[11] * (1 + 0.01 * k)
    lines = ["epoch,step,train_loss"] + [
        f"{2 + (50 * (k + 1) - 1) // 18},{50 * (k + 1) - 1},{v}" for k, v in enumerate(losses)
    ]
    path.write_text("\n".join(lines) + "\n")
    assert diagnose(path).kinds[0] == "diverged"
    # Logged at every epoch's end (a row each epoch), the outlier is judged as an epoch's mean.
    losses = [0.005 / (1 + 0.3 * k) + 0.001 for k in range(40)]
    losses[12] = 16 * losses[11]
    lines = ["epoch,step,train_loss"] + [f"{k},{18 * (k + 1) - 1},{v}" for k, v in enumerate(losses)]
    path.write_text("\n".join(lines) + "\n")
    assert diagnose(path).kinds[0] == "diverged"


def test_a_json_of_unnamed_step_value_pairs_is_refused_naming_its_keys(tmp_path):
    # `gm_033`: six runs, each a list of [step, loss] pairs under the run's name; nothing says
    # which set's loss they are (refused before with "Received keys ...: []").
    path = tmp_path / "loss_curves.json"
    path.write_text(json.dumps({"hybrid": [[50, 2.0], [100, 1.5]], "routed": [[50, 2.1], [100, 1.7]]}))
    with pytest.raises(ValueError) as raised:
        diagnose(path)
    assert "['hybrid', 'routed'] hold no number per epoch (lists, words or one value)" in str(raised.value)


def _openmmlab_lines(epochs, *, mmcv=False):
    """An OpenMMLab log of `epochs` epochs: two training records an epoch, then an evaluation."""
    lines = [{"env_info": "sys.platform: linux", "config": "model = dict(...)"}] if mmcv else []
    step = 0
    for epoch in range(1, epochs + 1):
        for half in (0.9, 1.1):
            step += 50
            record = {
                "lr": 0.01,
                "data_time": 0.01,
                "loss": half / epoch,
                "time": 0.2,
                "epoch": epoch,
                "iter": step,
                "memory": 3000,
            }
            lines.append({**record, "mode": "train"} if mmcv else {**record, "step": step})
        metrics = (
            {"accuracy_top-1": 50.0 + 4 * epoch, "accuracy_top-5": 100.0}
            if mmcv
            else {"accuracy/top1": 50.0 + 4 * epoch}
        )
        lines.append(
            {"mode": "val", "epoch": epoch, "iter": 20, **metrics}
            if mmcv
            else {**metrics, "data_time": 0.05, "time": 0.1, "step": epoch}
        )
    return "\n".join(json.dumps(line) for line in lines) + "\n"


def test_openmmlab_logs_read_one_row_per_evaluation(tmp_path):
    # `gn_029` … `gn_042`: mmengine's `vis_data/scalars.json` and mmcv's `*.log.json` (refused
    # before: no epochs of a loss, or read as records with no validation).
    path = tmp_path / "scalars.json"
    path.write_text(_openmmlab_lines(6))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0 / e for e in range(1, 7)])
    assert curves.values["val_accuracy_top1"].tolist() == pytest.approx([0.5 + 0.04 * e for e in range(1, 7)])
    assert curves.notes[0].startswith(
        "read a log written as training and evaluation records (OpenMMLab's scalars.json or log.json), "
        "as one row per evaluation (at epochs 1, 2, 3, …): 6 rows from 18 records"
    )
    assert "learning_rate" in curves.values and "data_time" not in curves.values
    # mmcv's, with its setup record first and its modes; its top-5 accuracy of 100% from the
    # first epoch (five classes or fewer) is no perfect score to distrust.
    path = tmp_path / "20230101_120000.log.json"
    path.write_text(_openmmlab_lines(8, mmcv=True))
    assert read_curves(path).values["loss"].tolist() == pytest.approx([1.0 / e for e in range(1, 9)])
    assert "suspicious_validation" not in diagnose(path).kinds
    # mmcv writes the learning rate on its evaluation records too: no validation curve.
    path.write_text(_openmmlab_lines(8, mmcv=True))
    assert "val_lr" not in read_curves(path).values
    # Records of a loop that also logs `data_time` but no learning rate or evaluations beside its
    # per-epoch loss are read as before, one record per epoch; so are its own `val_` records.
    path.write_text(
        "\n".join(json.dumps({"epoch": e, "loss": 1.0 / e, "data_time": 0.1}) for e in range(1, 6)) + "\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([1.0 / e for e in range(1, 6)])
    assert not any("OpenMMLab" in note for note in curves.notes)
    records = [
        {"epoch": e, "step": 10 * e, "loss": 1.0 / e, "lr": 0.1, "data_time": 0.1, "val_loss": 1.2 / e}
        for e in range(1, 6)
    ]
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == pytest.approx([1.2 / e for e in range(1, 6)])
    assert not any("OpenMMLab" in note for note in curves.notes)


def test_a_score_logged_in_percent_for_both_sets_is_read_as_a_fraction(tmp_path):
    # A published log (`go_003`): F1, precision and recall in percent for the training and the
    # evaluation set, no validation loss. Read by its size the validation F1 could not stand in
    # for the missing loss, and the advice watched the training loss.
    path = tmp_path / "history.csv"
    rows = ["epoch,loss,f1,val_f1"]
    rows += [f"{e},{2.0 / e:.4f},{60 + 3 * e:.2f},{58 + 2 * e:.2f}" for e in range(1, 11)]
    path.write_text("\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["val_f1"].tolist() == pytest.approx([(58 + 2 * e) / 100 for e in range(1, 11)])
    assert curves.values["f1"][-1] == pytest.approx(0.90)
    assert "read 'val_f1' as a percentage (it reaches 78): divided by 100." in curves.notes
    advice = " ".join(finding.advice for finding in diagnose(path).findings)
    assert "monitor='val_f1', mode='max'" in advice


def test_a_score_in_percent_without_its_twin_keeps_its_values(tmp_path):
    # A lone `f1` beside the loss may be any scale's score: only an accuracy, or a score logged
    # for both sets, is read as a percentage by its size.
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss,f1\n" + "".join(f"{e},{2.0 / e:.4f},{60 + 3 * e}\n" for e in range(1, 11)))
    curves = read_curves(path)
    assert curves.values["f1"][-1] == 90
    assert not any("percentage" in note for note in curves.notes)


def test_a_step_log_without_evaluations_within_one_epoch_is_read_one_row_per_record(tmp_path):
    # `gp_047`, `gp_048`, `gp_050`: OpenMMLab's iteration runner logs its loss every 50 steps, no
    # evaluation, no epoch (or epoch 1 throughout). Grouped by epoch it was one row, "only one
    # epoch: too short to judge" of a run of hundreds of steps.
    def records(steps, epoch):
        return [
            {"lr": 0.01, "data_time": 0.01, "loss": 2.0 / (1 + i), "time": 0.3, "memory": 900, "step": step}
            | ({} if epoch is None else {"epoch": epoch})
            for i, step in enumerate(steps)
        ]

    path = tmp_path / "scalars.json"
    path.write_text("\n".join(json.dumps(r) for r in records(range(50, 450, 50), None)) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.0 / (1 + i) for i in range(8)])
    assert curves.notes[0] == (
        "read a log written as training records (OpenMMLab's scalars.json or log.json) that logged no "
        "evaluation and names no epoch: 8 rows, one per record of the training loss (at steps 50, 100, "
        "150, …); the messages count rows, not epochs."
    )
    # Two runs written one after another (the step starts again): the last one, said.
    first, last = records(range(50, 350, 50), 1), records(range(50, 450, 50), 1)
    for record in last:
        record["loss"] += 10.0
    path.write_text("\n".join(json.dumps(r) for r in first + last) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([10.0 + 2.0 / (1 + i) for i in range(8)])
    assert curves.notes[0] == (
        "the file holds 2 runs written one after another (the step starts again): read the last, 8 records."
    )
    assert curves.notes[1].startswith("read a log written as training records (OpenMMLab's scalars.json")
    # Records over several epochs are still read one row per epoch.
    several = [r | {"epoch": 1 + i // 3} for i, r in enumerate(records(range(50, 650, 50), None))]
    path.write_text("\n".join(json.dumps(r) for r in several) + "\n")
    assert len(read_curves(path).values["loss"]) == 4


def _detectron2_lines(iterations, *, evaluate_every=None, loss_offset=0.0):
    """detectron2's metrics.json: a training record every 20 iterations, the evaluator's results
    written on the record of their iteration."""
    lines = []
    for i, iteration in enumerate(iterations):
        record = {
            "data_time": 0.01,
            "eta_seconds": 100.0,
            "fast_rcnn/cls_accuracy": 0.9,
            "iteration": iteration,
            "loss_box_reg": 0.2,
            "loss_cls": 0.3,
            "lr": 0.00025,
            "rpn/num_pos_anchors": 12.5,
            "time": 0.4,
            "total_loss": loss_offset + 2.0 / (1 + i),
        }
        if evaluate_every and (i + 1) % evaluate_every == 0:
            record |= {"bbox/AP": 20.0 + i, "bbox/AP50": 40.0 + i, "bbox/APs": float("nan")}
        lines.append(json.dumps(record))
    return "\n".join(lines) + "\n"


def test_detectron2_metrics_json_is_read_by_its_iterations_and_evaluations(tmp_path):
    # `gp_051` … `gp_061`: detectron2's output/metrics.json. Read as records before, every
    # training record an epoch, runs appended to the file as one run (a restart read as an
    # explosion: "diverged"), the evaluator's AP a training column.
    path = tmp_path / "metrics.json"
    path.write_text(_detectron2_lines(range(19, 400, 20), evaluate_every=5))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx(
        [sum(2.0 / (1 + i) for i in range(start, start + 5)) / 5 for start in (0, 5, 10, 15)]
    )
    # detectron2's evaluators write percentages: AP read as a fraction, a score the rules watch.
    assert curves.values["val_bbox_AP"].tolist() == pytest.approx([0.24, 0.29, 0.34, 0.39])
    assert (
        curves.notes[0]
        == "read the evaluator's results (bbox/AP, bbox/AP50, bbox/APs), written in percent, as fractions."
    )
    assert "val_bbox_AP" in diagnose(path).primary.advice
    assert curves.notes[1].startswith(
        "read a log written as training and evaluation records (detectron2's metrics.json), as one row "
        "per evaluation (no epoch logged): 4 rows from 20 records"
    )
    # With several test sets, their results are named after each set first.
    path.write_text(
        _detectron2_lines(range(19, 400, 20), evaluate_every=5).replace('"bbox/', '"coco_val/bbox/')
    )
    assert read_curves(path).values["val_coco_val_bbox_AP"].tolist() == pytest.approx(
        [0.24, 0.29, 0.34, 0.39]
    )
    # Two runs appended, no evaluation: the last one, one row per training record.
    path.write_text(
        _detectron2_lines(range(19, 200, 20), loss_offset=5.0) + _detectron2_lines(range(19, 300, 20))
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([2.0 / (1 + i) for i in range(15)])
    assert curves.notes[0] == (
        "the file holds 2 runs written one after another (the iteration count starts again): read the "
        "last, 15 records."
    )
    assert "diverged" not in diagnose(path).kinds
    # A lone record after a restart is no run to judge.
    path.write_text(_detectron2_lines(range(19, 300, 20)) + _detectron2_lines([19]))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 15
    assert "read the last with more than one training record, 15 records." in curves.notes[0]
    # A leftover record of an earlier run at the iteration the next one starts at (`gp_056`).
    path.write_text(_detectron2_lines([19], loss_offset=5.0) + _detectron2_lines(range(19, 300, 20)))
    assert read_curves(path).values["loss"].tolist() == pytest.approx([2.0 / (1 + i) for i in range(15)])
    # A run resumed from its checkpoint at iteration 219 (`--resume`): joined, the records written
    # after the checkpoint and before the stop replaced by the resumed ones.
    path.write_text(
        _detectron2_lines(range(19, 300, 20), loss_offset=5.0) + _detectron2_lines(range(219, 400, 20))
    )
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 20
    assert curves.values["loss"][:10].tolist() == pytest.approx([5.0 + 2.0 / (1 + i) for i in range(10)])
    assert curves.values["loss"][10] == pytest.approx(2.0)
    assert curves.notes[0] == (
        "the run was resumed from a checkpoint (its iteration count goes back to 219): the records from "
        "there on replace those written before them."
    )
    # A new run after the resumed one: read, and no word of the earlier run's resume.
    path.write_text(path.read_text() + _detectron2_lines(range(19, 200, 20)))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 10
    assert not any("resumed" in note for note in curves.notes)


def test_a_trainer_log_within_one_epoch_keeps_its_rows_past_a_record_at_the_same_step(tmp_path):
    # A one-epoch fine-tune, then `trainer.evaluate(test_ds, metric_key_prefix="test")` at the last
    # step: a record at the step of the one before is no second run. The first record at epoch 0.0
    # (`logging_first_step`, the epoch rounded) lies in the first epoch.
    history = [{"epoch": 0.0, "step": 1, "loss": 3.0}]
    history += [{"epoch": k / 40, "step": 10 * k, "loss": 2.0 / (1 + 0.1 * k)} for k in range(1, 41)]
    history += [{"epoch": 1.0, "step": 400, "train_runtime": 10.0, "train_loss": 1.2, "total_flos": 1.0}]
    history += [{"epoch": 1.0, "step": 400, "test_loss": 0.9, "test_runtime": 3.0}]
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps({"log_history": history}))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 41
    assert not any("runs" in note for note in curves.notes)


def test_a_score_on_another_scale_logged_for_both_sets_keeps_its_values(tmp_path):
    # A PSNR in dB (or a count) beside its validation twin is no percentage.
    path = tmp_path / "history.csv"
    rows = ["epoch,loss,psnr,val_psnr"] + [f"{e},{1.0 / e:.4f},{20 + e},{19 + e}" for e in range(1, 16)]
    path.write_text("\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["val_psnr"][-1] == 34
    assert not any("percentage" in note for note in curves.notes)


def _opennmt_lines(reports, *, valid_every=4, restart_after=None):
    """OpenNMT-py's log: a training report every 50 steps, the validation every `valid_every`."""
    lines = [
        "[2024-05-08 04:06:12,127 INFO]  * src vocab size = 50",
        "[2024-05-08 04:06:12,128 INFO] Building model...",
    ]
    step = 0
    for i in range(reports):
        if restart_after is not None and i == restart_after:
            step = 0
        step += 50
        xent = 3.0 / (1 + 0.5 * i)
        lines.append(
            f"[2024-05-08 04:06:17,722 INFO] Step {step}/100000; acc: {40 + 2 * i:6.2f}; "
            f"ppl: {math.exp(xent):6.2f}; xent: {xent:.2f}; lr: 1.00000; 11270/8704 tok/s;      4 sec"
        )
        if (i + 1) % valid_every == 0:
            lines.append(f"[2024-05-08 04:06:28,463 INFO] Validation perplexity: {math.exp(1.2 * xent):.5f}")
            lines.append(f"[2024-05-08 04:06:28,463 INFO] Validation accuracy: {38 + 2 * i:.4f}")
    return "\n".join(lines) + "\n"


def test_opennmt_logs_read_one_row_per_validation(tmp_path):
    # `gr_001`: OpenNMT-py's `Step N/M; acc: ...; ppl: ...; xent: ...` reports and its validation's
    # perplexity and accuracy on lines of their own (refused before: no header row).
    path = tmp_path / "train.log"
    path.write_text(_opennmt_lines(16))
    curves = read_curves(path)
    xents = [float(f"{3.0 / (1 + 0.5 * i):.2f}") for i in range(16)]
    assert curves.values["loss"].tolist() == pytest.approx([sum(xents[k : k + 4]) / 4 for k in (0, 4, 8, 12)])
    assert curves.values["val_loss"].tolist() == pytest.approx(
        [1.2 * 3.0 / (1 + 0.5 * i) for i in (3, 7, 11, 15)], abs=1e-5
    )
    assert curves.values["val_acc"].tolist() == pytest.approx([0.44, 0.52, 0.60, 0.68])
    assert curves.values["acc"][-1] == pytest.approx(0.67)  # the mean of the last four reports
    assert curves.notes[0] == (
        "read the accuracies, printed in percent, as fractions; the validation perplexity as its "
        "cross-entropy, the loss: its logarithm."
    )
    assert (
        "(OpenNMT-py's training log), as one row per evaluation (no epoch logged): 4 rows" in curves.notes[1]
    )
    # A second run after the first in one file (the step starts again): the last.
    path.write_text(_opennmt_lines(24, restart_after=8))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 4
    assert (
        "the file holds 2 runs written one after another (the step starts again): read the last, 20 records."
        in curves.notes
    )
    # A run resumed from its checkpoint at step 250 (`-train_from`): joined, not a new run.
    resumed = _opennmt_lines(16).split("\n")
    start = next(i for i, line in enumerate(resumed) if "Step 250/" in line)
    path.write_text(_opennmt_lines(8) + "\n".join(resumed[start:]))
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 4
    assert not any("runs written" in note for note in curves.notes)
    assert "the run was resumed from a checkpoint (its step goes back to 250)" in curves.notes[0]
    # An accuracy under 1% stays under 1% (the reports print percentages), and a report of a step
    # under 10 is printed with two spaces (`Step  5/ 1000;`).
    path.write_text(
        "".join(
            f"[x INFO] Step {step:2d}/ 1000; acc: {0.3 + 0.01 * step:.2f}; ppl: 30.0; "
            f"xent: {3.4 - 0.01 * step:.2f}; lr: 1.0; 100/90 tok/s; 1 sec\n"
            for step in range(5, 40, 5)
        )
    )
    curves = read_curves(path)
    assert len(curves.values["loss"]) == 7
    assert curves.values["acc"][0] == pytest.approx(0.0035)


def test_one_batchs_loss_up_at_the_end_while_the_validation_loss_holds_is_no_explosion(tmp_path):
    # `gp_043`: Lightning's `train_loss` logged on one step an epoch of a regression, 0.085 then
    # 0.361 and 0.207 at its last two epochs, while `val_loss` held at its low (read: diverged;
    # both readers: healthy).
    train = [0.201, 0.1909, 0.2212, 0.1429, 0.1559, 0.1606, 0.1008, 0.0852, 0.3611, 0.2071]
    val = [0.1855, 0.1902, 0.2392, 0.1985, 0.1763, 0.1787, 0.1679, 0.1652, 0.1567, 0.1577]

    def write(val_losses):
        # `train_loss` every 50 steps on epochs of 62: two rows in epochs 4 and 8 (the second
        # batch's value 10% under the first), one in the others.
        lines, step = ["epoch,step,train_loss,val_loss"], 49
        for epoch, (loss, val_loss) in enumerate(zip(train, val_losses, strict=True)):
            while step < 62 * (epoch + 1):
                lines.append(
                    f"{epoch},{step},{loss if step == 49 or (step - 49) % 62 >= 12 else 0.9 * loss},"
                )
                step += 50
            lines.append(f"{epoch},{62 * (epoch + 1) - 1},,{val_loss}")
        path = tmp_path / "metrics.csv"
        path.write_text("\n".join(lines) + "\n")
        return path

    path = write(val)
    assert read_curves(path).sampled_loss
    assert "diverged" not in diagnose(path).kinds
    # The same batches with the validation loss thrown up with them: an explosion.
    assert diagnose(write([*val[:8], 0.42, 0.39])).kinds[0] == "diverged"
