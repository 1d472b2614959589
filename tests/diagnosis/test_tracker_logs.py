"""Logs that trainers and experiment trackers write, read under Keras's names: Chainer's
`LogReport`, Sacred's `metrics.json`, Ludwig's training statistics, YOLOv5's `results.txt`,
LLaMA-Factory's `trainer_log.jsonl`, a tracker's metrics exported one row per metric and step,
and the lines of scripts that print some values with a colon and some without."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fitwell.diagnosis import diagnose, read_curves
from fitwell.diagnosis.column_names import keras_name
from fitwell.diagnosis.printed_metrics import line_metrics


def test_chainers_log_report_is_read_without_its_main_link(tmp_path):
    # Chainer's `LogReport` writes a JSON list to a file named `log`, each curve named by the link
    # that reported it (`main`, the model trained) and the evaluator's set before it.
    records = [
        {
            "main/loss": loss,
            "main/accuracy": accuracy,
            "validation/main/loss": val_loss,
            "validation/main/accuracy": val_accuracy,
            "epoch": epoch,
            "iteration": 600 * epoch,
            "elapsed_time": 9.5 * epoch,
        }
        for epoch, loss, accuracy, val_loss, val_accuracy in (
            (1, 0.9, 0.7, 0.8, 0.72),
            (2, 0.5, 0.85, 0.55, 0.83),
            (3, 0.3, 0.9, 0.45, 0.86),
        )
    ]
    path = tmp_path / "log"
    path.write_text(json.dumps(records, indent=4))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.5, 0.3]
    assert curves.values["val_loss"].tolist() == [0.8, 0.55, 0.45]
    assert curves.values["accuracy"].tolist() == [0.7, 0.85, 0.9]
    assert curves.values["val_accuracy"].tolist() == [0.72, 0.83, 0.86]
    assert keras_name("main/cls_loss") == "cls_loss"
    assert keras_name("TaskA/main/loss") == "TaskA/main/loss"  # another link's: not the model's


def test_sacreds_metrics_json_is_read_one_column_per_metric_on_its_steps(tmp_path):
    # Sacred's FileStorageObserver: each `log_scalar` metric with its steps, values and times;
    # the validation logged at every other step only.
    def series(steps, values):
        return {"steps": steps, "timestamps": ["2019-06-17T08:27:31.5"] * len(steps), "values": values}

    metrics = {
        "Train.loss": series([0, 1, 2, 3], [0.9, 0.6, 0.45, 0.4]),
        "Validation.loss": series([1, 3], [0.7, 0.55]),
        "Validation.accuracy": series([1, 3], [0.7, 0.78]),
    }
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(metrics, indent=2))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.6, 0.45, 0.4]
    assert curves.recorded["val_loss"].tolist() == [False, True, False, True]
    assert curves.values["val_loss"][curves.recorded["val_loss"]].tolist() == [0.7, 0.55]
    assert curves.values["val_accuracy"][curves.recorded["val_accuracy"]].tolist() == [0.7, 0.78]
    assert curves.notes[0] == (
        "read Sacred's metrics.json (each metric's steps and values) as one column per metric, "
        "the steps as the epochs."
    )
    assert "'Train.loss' as 'loss', 'Validation.loss' as 'val_loss'" in curves.notes[1]


def test_chainers_report_within_an_epoch_is_left_out(tmp_path):
    # Resumed from its snapshot, the trainer reported once one iteration in: `epoch` 2 again, one
    # batch's loss and no validation. The epoch's own record is read, not replaced by it.
    records = [
        {"main/loss": 0.067, "validation/main/loss": 0.030, "epoch": 1, "iteration": 1875},
        {"main/loss": 0.026, "validation/main/loss": 0.021, "epoch": 2, "iteration": 3750},
        {"main/loss": 0.017, "epoch": 2, "iteration": 3751},
        {"main/loss": 0.018, "validation/main/loss": 0.020, "epoch": 3, "iteration": 5625},
    ]
    path = tmp_path / "log"
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.067, 0.026, 0.018]
    assert curves.values["val_loss"].tolist() == [0.030, 0.021, 0.020]
    assert (
        "left out record 3: it repeats the epoch before it without its validation values (a report "
        "within the next epoch, not an epoch's end)." in curves.notes
    )
    # Two such reports: both left out (the second is judged against the epoch's record, not the
    # first report), and named by their records in the file.
    records.insert(3, {"main/loss": 0.019, "epoch": 2, "iteration": 3752})
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.067, 0.026, 0.018]
    assert any(note.startswith("left out records 3 and 4:") for note in curves.notes)


def test_a_classifier_wrapping_a_model_named_main_is_read_too():
    assert keras_name("main/main/loss") == "loss"
    assert keras_name("validation/main/main/loss") == "val_loss"
    assert keras_name("main") == "main"


def test_tracked_metrics_exported_one_row_per_metric_and_step(tmp_path):
    # `Name,Value,Timestamp,Step`: each row one metric's value at one step (no epoch column).
    rows = ["Name,Value,Timestamp,Step"]
    for step, (loss, accuracy, val_loss) in enumerate(
        ((0.35, 0.90, 0.16), (0.14, 0.96, 0.11), (0.10, 0.97, 0.09))
    ):
        rows += [f'"loss",{loss},16271122{step},{step}', f'"accuracy",{accuracy},16271122{step},{step}']
        rows.append(f'"val_loss",{val_loss},16271122{step},{step}')
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.35, 0.14, 0.10]
    assert curves.values["val_loss"].tolist() == [0.16, 0.11, 0.09]
    assert curves.values["accuracy"].tolist() == [0.90, 0.96, 0.97]
    assert "timestamp" not in {name.lower() for name in curves.values}


def test_a_comment_above_a_printed_log_is_no_header(tmp_path):
    path = tmp_path / "log"
    lines = [
        "# This part serves only as an example",
        "# 384 input_dim  # focal L2 loss, continued from Epoch 15",
    ]
    lines += [
        f"Epoch {epoch}\ttrain_loss: {2.0 / (epoch + 1)}\tval_loss: {2.2 / (epoch + 1)}" for epoch in range(4)
    ]
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0, 1.0, 2.0 / 3, 0.5]
    assert curves.values["val_loss"].tolist() == [2.2, 1.1, 2.2 / 3, 0.55]


def test_a_line_of_pairs_with_and_without_a_colon_reads_both():
    assert line_metrics("Train Loss: 2.5371 Validate Loss 2.7741") == {"loss": 2.5371, "val_loss": 2.7741}
    # A validation line named `Validate:` names validation values.
    assert line_metrics("INFO Validate: \tTime 0.102 (0.162)\tLoss 1.2919 (1.2955)") == {"val_loss": 1.2919}
    # Not a message's words after the loss (`'val/CER' was not in top 1`): one loss is all it names.
    assert line_metrics(
        "Epoch 2: 100% 127/127 [00:26<00:00, loss=3.37]Epoch 2: 'val/CER' was not in top 1"
    ) == {"loss": 3.37}


def test_the_sets_abbreviated_and_glued_to_the_metric():
    assert line_metrics("[BIM] Ep 20 | Loss 0.0003 | TrAcc 99.99% | VaAcc 99.64%") == {
        "loss": 0.0003,
        "acc": 99.99,
        "val_acc": 99.64,
    }


def test_reports_every_few_iterations_within_one_epoch_are_read_in_order(tmp_path):
    # Chainer's `LogReport(trigger=(20, "iteration"))` in a run shorter than an epoch: the epoch
    # is 0 on every record while the iteration counts on; not one-epoch fits appended.
    losses = [21.9, 1.75, 0.87, 0.71, 1.06, 0.52]
    records = [{"main/loss": loss, "iteration": 20 * (i + 1), "epoch": 0} for i, loss in enumerate(losses)]
    path = tmp_path / "log"
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == losses
    assert (
        "the epoch repeats on every row while 'iteration' counts on: the rows are reports every few "
        "steps, read in order." in curves.notes
    )


def _sacred(path, **metrics):
    def series(steps, values):
        return {"steps": list(steps), "timestamps": ["2019-06-17T08:27:31.5"] * len(values), "values": values}

    path.write_text(json.dumps({name.replace("_", "."): series(*pair) for name, pair in metrics.items()}))
    return path


def test_sacred_metrics_counted_by_their_own_calls_on_different_scales_are_refused(tmp_path):
    # A loss logged every batch and its validation every epoch, neither given a step: Sacred counts
    # each from 0, and step 3 of one is not step 3 of the other.
    path = _sacred(
        tmp_path / "metrics.json",
        train_loss=(range(100), [1.0 / (1 + i) for i in range(100)]),
        val_loss=(range(10), [1.0 / (1 + i) for i in range(10)]),
    )
    with pytest.raises(ValueError, match=r"'train.loss' was counted by its own calls \(steps 0 to 99\)"):
        read_curves(path)
    # Its validation logged with the epoch as the step, the training loss still every batch: refused too.
    path = _sacred(
        tmp_path / "metrics.json",
        train_loss=(range(100), [1.0 / (1 + i) for i in range(100)]),
        val_loss=(range(1, 11), [1.0 / (1 + i) for i in range(10)]),
    )
    with pytest.raises(ValueError, match="stops at step 10"):
        read_curves(path)
    # A test score logged once beside per-epoch curves is no curve: left out, not refused.
    path = _sacred(
        tmp_path / "metrics.json",
        train_loss=(range(6), [0.9, 0.7, 0.6, 0.5, 0.45, 0.4]),
        test_accuracy=([0], [0.91]),
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.6, 0.5, 0.45, 0.4]
    assert "'test.accuracy' logged once: no curve, left out." in curves.notes[0]


def test_sacred_metrics_whose_steps_start_again_are_read_from_their_last_start(tmp_path):
    # Two folds logged into one run: the second stopped early.
    path = _sacred(
        tmp_path / "metrics.json",
        train_loss=(
            [*range(10), *range(5)],
            [0.9 - 0.06 * i for i in range(10)] + [2.0, 1.8, 1.7, 1.65, 1.6],
        ),
        val_loss=([*range(10), *range(5)], [1.0 - 0.05 * i for i in range(10)] + [2.1, 1.9, 1.8, 1.75, 1.7]),
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.0, 1.8, 1.7, 1.65, 1.6]
    assert curves.values["val_loss"].tolist() == [2.1, 1.9, 1.8, 1.75, 1.7]
    assert (
        "The steps of 'train.loss' and 'val.loss' go back (2 runs or folds logged into one)"
        in curves.notes[0]
    )


def test_a_sacred_metric_named_epoch_gives_the_epochs(tmp_path):
    path = _sacred(
        tmp_path / "metrics.json",
        epoch=(range(4), [1, 2, 3, 4]),
        train_loss=(range(4), [0.9, 0.7, 0.55, 0.45]),
        val_loss=(range(4), [1.0, 0.8, 0.66, 0.58]),
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.55, 0.45]
    assert curves.epochs.tolist() == [0, 1, 2, 3] and "the metric 'epoch' as the epochs" in curves.notes[0]


def test_a_printed_part_or_variant_of_the_loss_does_not_replace_it():
    line = "Epoch 1 Loss: 0.900 (CE loss 0.630 Dice loss 0.270) Val Loss: 1.000"
    assert line_metrics(line) == {"loss": 0.9, "val_loss": 1.0}
    assert line_metrics("Epoch 3: loss: 0.52 ema loss 0.45") == {"loss": 0.52}
    assert line_metrics("Epoch 3/10 train_loss: 0.52 val_loss: 0.61 min val_loss 0.55") == {
        "loss": 0.52,
        "val_loss": 0.61,
    }


def test_savetxts_commented_header_is_still_a_header(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("# epoch,train loss,val loss,top 5 acc\n1,0.9,1.0,0.5\n2,0.7,0.8,0.6\n3,0.55,0.66,0.7\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.55]
    assert curves.values["val_loss"].tolist() == [1.0, 0.8, 0.66]


def test_a_sets_records_at_one_epoch_are_no_reports_within_it(tmp_path):
    # A loop that writes the training phase's record and then the validation phase's, at each epoch:
    # the second holds fewer keys (no learning rate) but no validation curve is missing from it.
    lines = []
    for epoch in range(1, 5):
        lines.append(json.dumps({"epoch": epoch, "phase": "train", "loss": 1.0 / epoch, "lr": 0.01}))
        lines.append(json.dumps({"epoch": epoch, "phase": "val", "loss": 1.1 / epoch}))
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert not any(note.startswith("left out record") for note in curves.notes)


def test_tensorboard_tags_exported_as_a_long_table_by_step(tmp_path):
    # tbparse's export of the PyTorch tutorial's tags: `Loss/train`, `Loss/test`, one row per step and tag.
    rows = ["step,tag,value"]
    for step, (loss, val_loss) in enumerate(((0.9, 1.0), (0.7, 0.8), (0.55, 0.66))):
        rows += [f"{step},Loss/train,{loss}", f"{step},Loss/test,{val_loss}"]
    path = tmp_path / "scalars.csv"
    path.write_text("\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.55]
    assert curves.values["val_loss"].tolist() == [1.0, 0.8, 0.66]
    assert keras_name("Accuracy/val") == "val_accuracy" and keras_name("lr/pg1") == "lr/pg1"


def test_a_long_table_whose_step_never_changes_is_not_read_as_one(tmp_path):
    # MLflow's step is 0 when none is given: every metric at one step, nothing to order them by.
    rows = ["key,value,timestamp,step"]
    rows += [f"loss,{1.0 / (i + 1)},{1600000000 + i},0" for i in range(5)]
    rows += [f"val_loss,{1.1 / (i + 1)},{1600000000 + i},0" for i in range(5)]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(
        ValueError, match="whose steps do not tell its rows apart: a metric stands twice at one step"
    ):
        read_curves(path)


def test_tensorboard_runs_exported_by_step_with_their_sets_folder(tmp_path):
    # tbparse's export of Keras's TensorBoard logs: `train/` and `validation/` folders, every
    # training row first, then every validation row.
    rows = ["step,tag,value,dir_name"]
    rows += [f"{step},epoch_loss,{1.0 / (step + 1)},train" for step in range(4)]
    rows += [f"{step},epoch_loss,{1.1 / (step + 1)},validation" for step in range(4)]
    path = tmp_path / "scalars.csv"
    path.write_text("\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.0, 0.5, 1.0 / 3, 0.25]
    assert curves.values["val_loss"].tolist() == [1.1, 0.55, 1.1 / 3, 0.275]


def test_reports_every_few_iterations_beside_an_evaluation_each_epoch_read_one_row_per_evaluation(tmp_path):
    # Chainer's `LogReport(trigger=(100, "iteration"))`, 300 iterations an epoch: the record that
    # holds the validation carries the new epoch's number; the others are reports between them.
    records, iteration = [], 0
    for epoch in range(4):
        for report in range(3):
            iteration += 100
            record = {"main/loss": round(1.0 / (iteration / 100), 4), "epoch": epoch, "iteration": iteration}
            if report == 2:
                record.update({"epoch": epoch + 1, "validation/main/loss": round(1.2 / (epoch + 1), 4)})
            records.append(record)
    path = tmp_path / "log"
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [1.2, 0.6, 0.4, 0.3]
    assert curves.values["loss"].tolist() == [
        round(1 / 3, 4),
        round(1 / 6, 4),
        round(1 / 9, 4),
        round(1 / 12, 4),
    ]
    assert any("read one row per evaluation" in note for note in curves.notes)


def test_a_counted_pair_does_not_join_the_tokens_of_its_line():
    # `Iter 200 loss: 0.42` names the iteration in the pair: the line's fields read it, as before.
    assert line_metrics("Iter 200 loss: 0.42 | eval loss 0.50 acc 0.8") == {"loss": 0.42, "acc": 0.8}


def test_a_commented_header_with_a_comment_after_it_is_a_header(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("# epoch,loss,val_loss  # run 3\n1,0.9,1.0\n2,0.7,0.8\n3,0.55,0.66\n")
    assert read_curves(path).values["loss"].tolist() == [0.9, 0.7, 0.55]


def _ludwig_set(loss: list[float], accuracy: list[float], *, feature: str = "label") -> dict:
    return {
        "combined": {"loss": loss},
        feature: {"loss": loss, "accuracy": accuracy, "error": [0.0] * len(loss)},
    }


def test_ludwigs_training_statistics_are_read_one_column_per_set_and_metric(tmp_path):
    # `results/experiment_run/training_statistics.json`: each set's combined loss and its output
    # feature's metrics, one value per epoch.
    loss, val_loss = [0.9, 0.5, 0.3, 0.2, 0.1, 0.05], [0.8, 0.55, 0.5, 0.6, 0.75, 0.9]
    statistics = {
        "training": _ludwig_set(loss, [0.6, 0.8, 0.9, 0.95, 0.98, 0.99]),
        "validation": _ludwig_set(val_loss, [0.62, 0.75, 0.78, 0.77, 0.76, 0.75]),
        "test": _ludwig_set([0.81, 0.56, 0.52, 0.61, 0.74, 0.92], [0.6, 0.74, 0.77, 0.76, 0.75, 0.74]),
    }
    path = tmp_path / "training_statistics.json"
    path.write_text(json.dumps(statistics, indent=4))
    curves = read_curves(path)
    assert sorted(curves.values) == [
        "accuracy",
        "loss",
        "test_accuracy",
        "test_loss",
        "val_accuracy",
        "val_loss",
    ]
    assert curves.values["loss"].tolist() == loss
    assert curves.values["val_loss"].tolist() == val_loss
    assert curves.values["val_accuracy"][-1] == 0.75
    assert curves.notes[0] == (
        "read Ludwig's training statistics: the combined loss of each set, and the metrics of its "
        "output feature ('label')."
    )
    assert diagnose(str(path)).primary.kind == "overfitting"
    # Older versions name the training set `train`; a model of two outputs names each one's metrics.
    statistics = {
        "train": {
            **_ludwig_set(loss, [0.6] * 6, feature="genre"),
            "year": {"mae": [3.0, 2.0, 1.5, 1.2, 1.1, 1.0]},
        },
        "validation": {**_ludwig_set(val_loss, [0.5] * 6, feature="genre"), "year": {"mae": [3.1] * 6}},
    }
    path.write_text(json.dumps(statistics))
    curves = read_curves(path)
    assert sorted(curves.values) == [
        "genre_accuracy", "loss", "val_genre_accuracy", "val_loss", "val_year_mae", "year_mae",
    ]  # fmt: skip
    assert "output features ('genre' and 'year')" in curves.notes[0]


def test_a_json_object_of_sets_without_a_combined_loss_is_not_read_as_ludwigs(tmp_path):
    path = tmp_path / "stats.json"
    path.write_text(
        json.dumps({"training": {"label": {"loss": [0.9, 0.5, 0.4]}}, "validation": {"label": {}}})
    )
    assert not any("Ludwig" in note for note in read_curves(path).notes)


def test_yolov5_results_txt_is_read_with_both_losses_summed_from_their_parts(tmp_path):
    # YOLOv5 before 6.1 (and YOLOv7) write `results.txt` without a header: epoch, memory, the
    # training losses box obj cls total, labels, image size, P R mAP@.5 mAP@.5:.95, then the
    # validation losses box obj cls.
    rows = [
        (
            "0/4",
            "1.86G",
            0.0985,
            0.0932,
            0.0,
            0.1917,
            24,
            416,
            0.0,
            0.0,
            0.0049,
            0.00095,
            0.0918,
            0.0553,
            0.0,
        ),
        (
            "1/4",
            "1.93G",
            0.0930,
            0.1009,
            0.0,
            0.1939,
            37,
            416,
            0.048,
            0.015,
            0.0076,
            0.0014,
            0.0922,
            0.0553,
            0.0,
        ),
        (
            "2/4",
            "1.93G",
            0.0913,
            0.1026,
            0.0,
            0.1939,
            39,
            416,
            0.058,
            0.049,
            0.0195,
            0.0041,
            0.0968,
            0.0515,
            0.0,
        ),
        (
            "3/4",
            "1.93G",
            0.0850,
            0.0950,
            0.0,
            0.1800,
            30,
            416,
            0.210,
            0.150,
            0.0900,
            0.0300,
            0.0900,
            0.0500,
            0.0,
        ),
    ]
    path = tmp_path / "results.txt"
    path.write_text("".join("".join(f"{cell:>10}" for cell in row) + "\n" for row in rows))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([0.1917, 0.1939, 0.1939, 0.18])
    assert curves.values["val_loss"].tolist() == pytest.approx([0.1471, 0.1475, 0.1483, 0.14])
    assert curves.values["val_map50_95"].tolist() == [0.00095, 0.0014, 0.0041, 0.03]
    assert curves.notes[0].startswith("read as YOLOv5's results.txt (no header): 4 epochs")
    # A row of another width is no such file.
    path.write_text(path.read_text() + "      4/4     1.93G   0.08\n")
    with pytest.raises(ValueError):
        read_curves(path)


@pytest.mark.parametrize(
    ("rows", "val_loss", "what"),
    [
        # yolov5-face: box obj cls landmark total, labels, size, P R mAP@.5 mAP@.5:.95, then the
        # validation's box obj cls: no landmark loss, so no validation loss of the same sum.
        (
            [
                "0/29 1.55G 0.1157 0.07347 0 0.3198 0.509 50 640 0 0 0.00093 0.00016 0.1007 0.0967 0",
                "1/29 1.74G 0.1091 0.0822 0 0.2926 0.4839 20 640 0.0002 0.0006 0.00055 0.00009 0.108 0.09 0",
                "2/29 1.74G 0.1064 0.08022 0 0.262 0.4486 5 640 0 0 0.00079 0.00013 0.1002 0.0996 0",
            ],
            None,
            "the training loss's total (a face model's",
        ),
        # A fourth loss (a heading's) whose validation prints its parts and their total too.
        (
            [
                "0/299 0.47G 0.1197 0.02792 0.05732 0.5631 0.768 20 416 0.42 0.085 0.0137 0.0025 "
                "0.1032 0.0315 0.0417 0.222 0.3985",
                "1/299 0.47G 0.0991 0.033 0.03381 0.166 0.3319 20 416 0.22 0.092 0.0173 0.0033 "
                "0.0979 0.0386 0.0317 0.1252 0.2933",
                "2/299 0.47G 0.0847 0.04204 0.02954 0.105 0.2613 16 416 0.17 0.109 0.0676 0.0163 "
                "0.0803 0.04 0.0298 0.1197 0.2698",
            ],
            [0.3985, 0.2933, 0.2698],
            "the training and validation losses' totals",
        ),
    ],
)
def test_results_txt_of_yolov5s_with_another_loss_reads_the_totals(tmp_path, rows, val_loss, what):
    path = tmp_path / "results.txt"
    path.write_text("".join("".join(f"{cell:>10}" for cell in row.split()) + "\n" for row in rows))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [float(row.split()[6]) for row in rows]
    assert curves.values["val_map50"].tolist() == [float(row.split()[11]) for row in rows]
    if val_loss is None:
        assert "val_loss" not in curves.values
    else:
        assert curves.values["val_loss"].tolist() == val_loss
    assert what in curves.notes[0]


def test_a_table_through_logging_with_a_clock_for_its_time_is_read(tmp_path):
    # `%(asctime)s - %(message)s` before every line, and the time elapsed as `0:03:07`.
    lines = ["2019-07-12 15:00:52,446 - Start training, device: cuda:0"]
    lines.append(
        "2019-07-12 15:00:52,446 -         epoch     iteration          loss      val_loss  elapsed_time "
    )
    for epoch, (loss, val) in enumerate([(1.69, 1.8), (1.37, 1.5), (1.26, 1.41), (1.21, 1.38)], start=1):
        lines.append(
            f"2019-07-12 15:0{epoch}:57,340 - {epoch:>13} {1000 * epoch:>13} {loss:>13} {val:>13}"
            f"       0:0{epoch}:07 "
        )
    path = tmp_path / "log.txt"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.69, 1.37, 1.26, 1.21]
    assert curves.values["val_loss"].tolist() == [1.8, 1.5, 1.41, 1.38]
    assert curves.values["elapsed_time"].tolist() == [67.0, 127.0, 187.0, 247.0]


def test_a_gans_losses_named_gen_and_dis_are_refused_with_the_others_beside_them(tmp_path):
    # InfoGAN: the generator's and discriminator's losses beside its information terms, none the
    # loss of one model.
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss_gen,loss_dis,loss_q\n1,1.69,1.05,0.40\n2,1.37,1.12,0.22\n3,1.26,1.15,0.15\n")
    with pytest.raises(ValueError, match="GAN's generator and discriminator losses"):
        read_curves(path)


def test_llama_factorys_trainer_log_is_read_as_the_trainers_records(tmp_path):
    # `trainer_log.jsonl`: the Trainer's records every few steps, the step named `current_steps`
    # beside the run's length, the epoch a fraction.
    records = [
        {
            "current_steps": step,
            "total_steps": 9,
            "loss": loss,
            "lr": 1e-4,
            "epoch": step / 3,
            "percentage": round(100 * step / 9, 2),
            "elapsed_time": f"0:0{step}:00",
            "remaining_time": "0:01:00",
        }
        for step, loss in enumerate([3.34, 3.16, 2.96, 2.80, 2.71, 2.64, 2.45, 2.43, 2.40], start=1)
    ]
    path = tmp_path / "trainer_log.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == pytest.approx([3.1533, 2.7167, 2.4267], abs=1e-4)
    assert not any("at the same time" in note for note in curves.notes)


def test_ludwigs_newer_statistics_with_their_evaluation_frequency_and_an_empty_set(tmp_path):
    loss, val_loss = [0.9, 0.5, 0.3, 0.2], [0.8, 0.55, 0.5, 0.45]
    statistics = {
        "evaluation_frequency": {"frequency": 1, "period": "epoch"},
        "training": _ludwig_set(loss, [0.6, 0.8, 0.9, 0.95]),
        "validation": _ludwig_set(val_loss, [0.62, 0.75, 0.78, 0.8]),
        "test": {},
    }
    path = tmp_path / "training_statistics.json"
    path.write_text(json.dumps(statistics))
    curves = read_curves(path)
    assert sorted(curves.values) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert curves.values["val_loss"].tolist() == val_loss
    # Evaluated every so many steps: no epoch's curves, not read as Ludwig's.
    statistics["evaluation_frequency"] = {"frequency": 500, "period": "step"}
    path.write_text(json.dumps(statistics))
    with pytest.raises(ValueError):
        read_curves(path)


def test_a_clock_after_a_tables_last_column_stays_words_after_it(tmp_path):
    # Not a column the header names: left out, not read as one (the epoch would be taken for
    # pandas' index and every column moved).
    rows = [(1, 0.9, 0.95), (2, 0.6, 0.7), (3, 0.5, 0.62), (4, 0.4, 0.6)]
    path = tmp_path / "log.txt"
    path.write_text(
        "epoch  loss    val_loss\n"
        + "".join(f"{epoch:<6} {loss:<7} {val:<7} 0:0{epoch}:07\n" for epoch, loss, val in rows)
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.6, 0.5, 0.4]
    assert curves.values["val_loss"].tolist() == [0.95, 0.7, 0.62, 0.6]
    assert "('0:01:07') left out" in curves.notes[0]


def test_records_one_per_epoch_with_a_text_field_naming_a_set_are_not_pivoted(tmp_path):
    records = [
        {"epoch": epoch, "loss": loss, "val_loss": val, "source": "train" if epoch % 2 else "val"}
        for epoch, loss, val in [(1, 0.9, 0.95), (2, 0.6, 0.7), (3, 0.5, 0.62), (4, 0.4, 0.6)]
    ]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(records))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.6, 0.5, 0.4]
    assert curves.values["val_loss"].tolist() == [0.95, 0.7, 0.62, 0.6]


def test_a_distillation_term_named_dis_is_no_discriminator(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,loss_dis,val_loss_dis\n1,0.9,0.95\n2,0.6,0.7\n3,0.5,0.62\n")
    assert read_curves(path).values["val_loss"].tolist() == [0.95, 0.7, 0.62]


def test_validation_scores_on_lines_of_their_own_join_the_step_before_them(tmp_path):
    # No epoch markers: every line with a loss is a record; an evaluation's scores printed on a line
    # of their own after one score the model that record left.
    lines = []
    for step in range(1, 9):
        lines.append(f"  step {100 * step:>6}/800  loss {1 / step:.4f}  charb {0.8 / step:.4f}  lr 2.00e-04")
        if step % 2 == 0:
            lines.append(f"  VAL step {100 * step}: PSNR {24 + step / 4:.4f}  SSIM {0.5 + step / 50:.4f}")
            lines.append(f"  saved best.pt (PSNR {24 + step / 4:.4f})")
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert len(curves) == 8
    assert curves.series("val_psnr")[0].tolist() == [1, 3, 5, 7]
    assert curves.series("val_psnr")[1].tolist() == [24.5, 25.0, 25.5, 26.0]
    assert curves.series("val_ssim")[1].tolist() == [0.54, 0.58, 0.62, 0.66]


def test_a_trainer_state_saved_mid_run_says_the_run_went_on(tmp_path):
    # A checkpoint's `trainer_state.json`: its `global_step` short of `max_steps`.
    state = {
        "global_step": 150,
        "max_steps": 1294,
        "log_history": [
            {"epoch": 0.02 * step, "loss": 2.0 - 0.1 * step, "step": 25 * step} for step in range(1, 7)
        ],
    }
    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps(state))
    assert "saved at step 150 of 1294" in read_curves(path).notes[0]
    state["global_step"] = 1294  # the run's last state: nothing to say
    path.write_text(json.dumps(state))
    assert not any("saved at step" in note for note in read_curves(path).notes)


def test_a_trainer_state_logged_at_every_step_is_judged_as_batches(tmp_path):
    # `logging_steps=1` (`gx_039`): each record is one batch's loss, whose jumps of half are a
    # batch's noise; the same values logged every 10 steps are means of 10 batches, and jump.
    rng = np.random.default_rng(1)
    losses = 0.2 + 0.2 * np.exp(-np.arange(60) / 4) + 0.02 * rng.random(60)
    losses[8::6] *= 1.6

    def state(every):
        records = [
            {
                "epoch": round(0.001 * every * (i + 1), 4),
                "step": every * (i + 1),
                "loss": round(float(loss), 4),
            }
            for i, loss in enumerate(losses)
        ]
        return {
            "global_step": every * 60,
            "max_steps": every * 60,
            "logging_steps": every,
            "log_history": records,
        }

    path = tmp_path / "trainer_state.json"
    path.write_text(json.dumps(state(1)))
    diagnosis = diagnose(str(path))
    assert diagnosis.primary.kind == "healthy"
    assert any("one step's loss (logged at every step)" in note for note in diagnosis.notes)
    # The same records as a DataFrame (`pd.DataFrame(state["log_history"])`) are read alike.
    pandas = pytest.importorskip("pandas")
    assert read_curves(pandas.DataFrame(state(1)["log_history"])).sampled_loss
    path.write_text(json.dumps(state(10)))
    assert diagnose(str(path)).primary.kind == "unstable"


def test_a_loss_of_one_batch_every_few_epochs_is_not_measured_from_its_luckiest_batch(tmp_path):
    # Lightning's `train_loss` logged at one step every five epochs (`gy_026`): each value one
    # batch's loss. One lucky batch at 0.00005 among values of 0.001-0.0015 is no level the loss
    # reached, and a later batch at 0.0024 no jump of 48x from it: measured from the running
    # median, nothing diverged.
    batches = [0.0015, 0.0012, 0.00005, 0.0012, 0.001, 0.0011, 0.0024, 0.0013, 0.0012, 0.0011, 0.0012, 0.001]
    rows, step = ["epoch,step,train_loss,val_loss"], 0
    for epoch in range(60):
        step += 10
        if epoch % 5 == 4:
            rows.append(f"{epoch},{step},{batches[epoch // 5]},")
        rows.append(
            f"{epoch},{step},,{0.0005 + 0.0003 * np.exp(-epoch / 6) + 0.00001 * max(0, epoch - 30):.6g}"
        )
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(rows) + "\n")
    diagnosis = diagnose(str(path))
    assert read_curves(path).sampled_loss
    assert "diverged" not in diagnosis.kinds
