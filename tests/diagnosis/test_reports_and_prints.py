"""Reading logs people publish as Markdown reports and saved console prints: several tables in one
report, cells that hold no value, a set named on a line of its own, and files fitwell refuses."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from fitwell.diagnosis import diagnose, read_curves


def _table(header, rows):
    cells = header.split("|")
    lines = [f"| {header} |", "|" + "---|" * len(cells)]
    return "\n".join(lines + [f"| {row} |" for row in rows]) + "\n"


def test_a_report_of_several_tables_reads_its_last_run(tmp_path):
    # A published report (ge_082): a pre-training table `Epoch | Loss` first, tuning trials, then
    # four runs under one header. The pre-training table is not the run; the last run is.
    pretraining = _table("Epoch | Loss", [f"{epoch} | 0.00{5 - epoch}" for epoch in range(1, 5)])
    trials = _table("Trial | Val Acc | Val F1", ["1 | 0.96 | 0.97", "2 | 0.95 | 0.96"])
    runs = [
        _table(
            "Epoch | Train Loss | Test Loss | Test Acc",
            [f"{epoch} | {first / epoch:.3f} | {first / epoch + 0.1:.3f} | 0.9" for epoch in range(1, 5)],
        )
        for first in (0.4, 0.3)
    ]
    path = tmp_path / "training_log.md"
    path.write_text(
        "# Full Training Log\n\n## Pre-training\n\n"
        + pretraining
        + "\n## Tuning\n\n"
        + trials
        + "\n## Main runs\n\n### Run 1\n\n"
        + runs[0]
        + "\n### Run 2\n\n"
        + runs[1]
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.3, 0.15, 0.1, 0.075]
    assert curves.values["val_loss"].tolist() == pytest.approx([0.4, 0.25, 0.2, 0.175])
    assert "the tables under other headers (on lines 5) left out" in curves.notes[0]
    assert any("2 runs appended" in note for note in curves.notes)


def test_a_barred_tables_cells_without_a_value_keep_their_rows(tmp_path):
    # Published reports: a `Notes` column written on some rows only (ge_088: `New best`), the
    # Trainer's `No log` (ge_089), em dashes and minus signs (ge_087), and the time each row was
    # written (ge_091). Those rows were left out, or the whole table was not found.
    path = tmp_path / "training_log.md"
    path.write_text(
        _table(
            "Epoch | Train Loss | Val Loss | Notes",
            [
                "1 | 1.71 | 1.48 | New best",
                "2 | 1.42 | 1.36 | New best",
                "3 | 1.20 | 1.38 |",
                "4 | 1.07 | 1.33 | New best",
            ],
        )
    )
    assert read_curves(path).values["val_loss"].tolist() == [1.48, 1.36, 1.38, 1.33]
    path.write_text(
        "# Training Log\n\n"
        + _table(
            "Step | Training Loss | Validation Loss | Δ Val Loss",
            [
                "75 | 0.497 | 0.487 | —",
                "150 | 0.472 | 0.476 | −0.011",
                "225 | 0.455 | No log | −0.004",
                "300 | 0.435 | 0.469 | −0.003",
            ],
        )
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.497, 0.472, 0.455, 0.435]
    assert np.isnan(curves.values["val_loss"][2]) and curves.values["val_loss"][3] == 0.469
    path.write_text(
        _table(
            "Timestamp | Iteration | Training Loss | Learning Rate",
            [f"2025-01-18 04:14:{10 * k:02d} | {10 * k} | {4.5 - k * 0.3:.2f} | 1e-5" for k in range(6)],
        )
    )
    assert read_curves(path).values["loss"].tolist() == pytest.approx([4.5, 4.2, 3.9, 3.6, 3.3, 3.0])


def test_a_set_named_on_a_line_of_its_own_names_the_values_under_it(tmp_path):
    # A published report (ge_083): `- Training:` and `- Validation:` over bullets of `Loss:` and
    # `Accuracy:`. Without the sets, the validation loss was read as the training loss.
    path = tmp_path / "TRAINING_LOG.md"
    blocks = [
        f"### Epoch {epoch}/15\n- Training:\n  - Loss: {train}\n  - Accuracy: {acc}%\n"
        f"- Validation:\n  - Loss: {val}\n  - Accuracy: {acc + 4}%\n"
        for epoch, (train, val, acc) in enumerate(
            [(4.44, 4.07, 4.0), (3.77, 3.39, 12.4), (3.36, 3.12, 19.5)], 1
        )
    ]
    path.write_text("# ResNet50 Training Log\n\n" + "\n".join(blocks))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [4.44, 3.77, 3.36]
    assert curves.values["val_loss"].tolist() == [4.07, 3.39, 3.12]
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.08, 0.164, 0.235])


def test_pytorchs_tutorial_output_reads_its_test_set_as_held_out(tmp_path):
    # PyTorch's quickstart prints `Test Error:`, then ` Accuracy: 45.1%, Avg loss: 2.150770`, after
    # each epoch's `loss: 2.27  [12864/60000]` lines (ge_081 prints `Batch  10. loss: …` instead).
    # The test set's numbers were read as the training loss and accuracy.
    epochs = [(2.270653, 45.1, 2.150770), (2.092004, 57.3, 1.875982), (1.780123, 61.2, 1.502112)]
    text = "".join(
        f"Epoch {epoch}\n-------------------------------\nloss: 2.303278  [   64/60000]\n"
        f"loss: {loss:f}  [12864/60000]\nTest Error: \n Accuracy: {acc}%, Avg loss: {test:f} \n\n"
        for epoch, (loss, acc, test) in enumerate(epochs, 1)
    )
    path = tmp_path / "output.txt"
    path.write_text(text + "Done!\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [2.270653, 2.092004, 1.780123]
    assert curves.values["val_loss"].tolist() == [2.15077, 1.875982, 1.502112]
    assert curves.values["val_accuracy"].tolist() == pytest.approx([0.451, 0.573, 0.612])
    path.write_text(
        text.replace("loss: 2.303278", "Batch    0. loss: 2.303278").replace("\nloss:", "\nBatch  100. loss:")
    )
    assert sorted(read_curves(path).values) == ["loss", "val_accuracy", "val_loss"]


def test_a_batchs_number_before_an_ellipsis_is_no_part_of_the_name(tmp_path):
    # A published segmentation project's prints (gk_073): `Epoch 1/50... Batch 1... Training Loss:
    # 1.5847... processing_time: 4.6 sec`, ten batches an epoch; each batch's number was read into
    # the name (`batch_1_training_loss`) and the log refused for want of a loss.
    path = tmp_path / "training_history.txt"
    losses = {1: [1.6, 1.2, 1.0], 2: [0.8, 0.7, 0.6]}
    path.write_text(
        "".join(
            f"Epoch {epoch}/2... Batch {batch}... Training Loss: {loss:.4f}... processing_time: 1.2 sec \n"
            for epoch, values in losses.items()
            for batch, loss in enumerate(values, 1)
        )
    )
    curves = read_curves(path)
    assert not [name for name in curves.values if "batch" in name] and len(curves.values["loss"]) == 2
    assert 1.0 <= curves.values["loss"][0] <= 1.6 and 0.6 <= curves.values["loss"][1] <= 0.8


def test_validation_scores_printed_before_their_epochs_loss_join_that_epoch(tmp_path):
    # A published console (ge_056): each epoch prints `Validation Set: - Accuracy: …` before its
    # `Train Loss: …  Val Loss: …` line. Only the last epoch kept its validation accuracy.
    path = tmp_path / "train_logs.txt"
    lines = []
    for epoch, (acc, loss, val) in enumerate(
        [(0.6667, 0.646, 0.595), (0.75, 0.500, 0.523), (0.9167, 0.333, 0.338)], 1
    ):
        lines += [
            f"Train Epoch {epoch}: 100%|█████| 25/25 [00:51<00:00,  2.07s/Train batch]",
            f"VAL Epoch {epoch}: 100%|█████| 4/4 [00:01<00:00,  2.12VAL batch/s]",
            f"Validation Set: - Accuracy: {acc} Precision: 1.0000, Recall: 0.3333, F1 Score: 0.5000",
            f"Train Loss:  {loss}  Val Loss:  {val}",
            "",
        ]
    path.write_text("\n".join(lines))
    curves = read_curves(path)
    assert curves.values["val_accuracy"].tolist() == [0.6667, 0.75, 0.9167]
    assert curves.values["loss"].tolist() == [0.646, 0.5, 0.333]


@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_a_pickled_history_is_refused_without_unpickling_it(tmp_path, protocol):
    # A published file (ge_044): `pickle.dump` of the curves, protocol 0's text. Loading never runs
    # code: the file is refused, saying how to save the history instead.
    path = tmp_path / "training_history.txt"
    path.write_bytes(pickle.dumps({"loss": [1.0, 0.5, 0.3]}, protocol=protocol))
    with pytest.raises(
        ValueError,
        match=r"is a Python pickle .* does not unpickle .*Expected .* json\.dump\(history\.history",
    ):
        diagnose(path)


def test_an_indented_line_after_a_warning_is_no_header(tmp_path):
    # A published job log (ge_077): a warning's indented second line, `\tnonzero()`, was read as a
    # header whose blank first cell is pandas' index, and the refusal said `keys: []`.
    path = tmp_path / "job.out"
    path.write_text(
        "2021-08-08 15:22:41,994 - train - INFO - Device: cuda:0\n"
        "/home/me/train.py:253: UserWarning: This overload of nonzero is deprecated:\n\tnonzero()\n"
        "2021-08-08 15:24:33,421 - train - INFO - Epoch 10    [Avg. Loss, Loss]: [10.4449, 7.1693], 0\n"
    )
    with pytest.raises(ValueError, match=r"No header row in .*none of its first 20 lines names"):
        diagnose(path)


def test_the_summary_after_an_early_stop_is_no_epoch(tmp_path):
    # A published job log (ge_078): `EARLY STOP` on a line of its own after the last epoch, then the
    # folds' averages (`Avg Best Epoch: 25.25`, `Avg Train CE: 0.0024`). Read into the last epoch,
    # the averages' `CE` became the training loss and left one value of it.
    blocks = [
        f"################### EPOCH {epoch} #####################\n\n"
        f"TRAIN CROSS ENTROPY: {train}\nVALID CROSS ENTROPY: {val}\nVALIDATION CLASSIFICATION RATE:0.8\n"
        for epoch, (train, val) in enumerate([(0.48, 0.66), (0.07, 0.58), (0.03, 0.54), (0.01, 0.55)])
    ]
    path = tmp_path / "job.out"
    path.write_text(
        "".join(blocks) + "EARLY STOP\nAvg Best Epoch: 25.25\nAvg Valid CE: 0.2953\nAvg Train CE: 0.0024\n"
    )
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.48, 0.07, 0.03, 0.01]
    assert curves.values["val_loss"].tolist() == [0.66, 0.58, 0.54, 0.55]


def test_a_test_table_after_the_training_table_is_not_the_run(tmp_path):
    # A review's report: the training table, then a small table of the test set at two saved
    # checkpoints (`Epoch | Test Loss | Test Acc`). The last table that names a training loss is
    # the run; the test table is no training loss.
    training = _table(
        "Epoch | Train Loss | Val Loss",
        [
            f"{epoch} | {train} | {val}"
            for epoch, (train, val) in enumerate([(0.9, 0.95), (0.7, 0.8), (0.5, 0.7)], 1)
        ],
    )
    test = _table("Epoch | Test Loss | Test Acc", ["2 | 0.68 | 0.77", "3 | 0.72 | 0.77"])
    path = tmp_path / "report.md"
    path.write_text("## Training\n\n" + training + "\n## Test set\n\n" + test)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.5]
    assert curves.values["val_loss"].tolist() == [0.95, 0.8, 0.7]


@pytest.mark.parametrize("mark", ["{} (best)", "{} *", "{} ± 0.01", "{}"])
def test_a_barred_value_with_a_mark_after_it_is_that_value(tmp_path, mark):
    # A value's cell may carry a mark, a spread or a percent sign written apart: the value stays.
    rows = [
        f"{epoch} | {train} | {mark.format(val)} | {acc} %"
        for epoch, train, val, acc in [(1, 0.9, 0.95, 61), (2, 0.7, 0.8, 66), (3, 0.5, 0.7, 70)]
    ]
    path = tmp_path / "log.md"
    path.write_text(_table("Epoch | Train Loss | Val Loss | Val Acc", rows))
    curves = read_curves(path)
    assert curves.values["val_loss"].tolist() == [0.95, 0.8, 0.7]
    assert curves.values["val_acc"].tolist() == pytest.approx([0.61, 0.66, 0.70])


def test_a_trainers_table_with_no_training_loss_logged_says_the_column_is_empty(tmp_path):
    # A short Trainer run logs `No log` for the training loss at every evaluation: the column is
    # empty, as a CSV's empty cells say, not text.
    path = tmp_path / "results.md"
    path.write_text(
        _table(
            "Epoch | Training Loss | Validation Loss | Accuracy",
            [f"{epoch} | No log | {0.65 - 0.05 * epoch:.2f} | 0.{6 + epoch}" for epoch in range(1, 5)],
        )
    )
    with pytest.raises(ValueError, match=r"Column 'Training Loss' .* is empty on every line"):
        read_curves(path)


def test_a_tab_separated_table_with_pandas_index_is_read(tmp_path):
    # `df.to_csv(sep="\t")`: the header starts with a tab, its first cell blank above the index.
    path = tmp_path / "history.tsv"
    path.write_text("\ttotal_loss\tval_total_loss\n0\t0.9\t0.95\n1\t0.7\t0.8\n2\t0.5\t0.7\n")
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.9, 0.7, 0.5]
    assert curves.values["val_loss"].tolist() == [0.95, 0.8, 0.7]


def _epochs(path, block, values):
    """`path` written with `block` (a format naming `epoch`, `before`, `first` and `last`) for each
    epoch's `(before, first, last)` in `values`, counted from 1."""
    path.write_text(
        "".join(
            block.format(epoch=epoch, before=before, first=first, last=last)
            for epoch, (before, first, last) in enumerate(values, 1)
        )
    )
    return path


def test_a_sets_lines_end_where_the_indent_does(tmp_path):
    # `Validation:` over its indented line, then the epoch's batch losses at the heading's own
    # indent: those are the training loss, not the validation set's.
    block = (
        "Epoch {epoch}\nValidation:\n  val loss: {before}\n"
        "loss: {first} [ 6400/60000]\nloss: {last} [60000/60000]\n"
    )
    path = _epochs(tmp_path / "log.txt", block, [(0.95, 0.9, 0.85), (0.8, 0.7, 0.65), (0.7, 0.5, 0.45)])
    assert read_curves(path).values["loss"].tolist() == [0.85, 0.65, 0.45]


def test_scores_printed_before_an_epochs_batch_losses_leave_its_last_loss(tmp_path):
    # `Validation accuracy:` first, then the epoch's batch losses: the last batch's stands for the
    # epoch, as without the accuracy line.
    block = (
        "Epoch {epoch}\nValidation accuracy: {before}\n"
        "loss: {first} [   64/60000]\nloss: {last} [59968/60000]\n"
    )
    path = _epochs(tmp_path / "log.txt", block, [(0.1, 2.3, 1.9), (0.45, 1.85, 1.4), (0.6, 1.35, 1.0)])
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [1.9, 1.4, 1.0]
    assert curves.values["val_accuracy"].tolist() == [0.1, 0.45, 0.6]


def test_step_lines_do_not_hide_the_epochs_own_loss(tmp_path):
    # `Step 100 loss: … lr: …` lines, then `Epoch 1 train loss: 1.70`: the epoch's line is its loss.
    block = (
        "Epoch {epoch}\nStep 100 loss: {before} lr: 0.001000\nStep 200 loss: 2.1 lr: 0.001000\n"
        "Epoch {epoch} train loss: {first}\nEpoch {epoch} val loss: {last}\n"
    )
    path = _epochs(tmp_path / "train.log", block, [(1.25, 1.7, 1.87), (1.5, 1.445, 1.6), (0.9, 1.2282, 1.4)])
    assert read_curves(path).values["loss"].tolist() == [1.7, 1.445, 1.2282]


def test_a_warning_that_names_early_stopping_inside_an_epoch_ends_nothing(tmp_path):
    # Keras warns `Early stopping conditioned on metric ... which is not available.` inside each
    # epoch, before its last progress line: the last epoch keeps its values.
    epochs = []
    for epoch, (loss, val) in enumerate([(0.8, 0.785), (0.64, 0.69), (0.51, 0.61), (0.41, 0.55)], 1):
        epochs.append(
            f"Epoch {epoch}/4\n 90/100 [=====>..] - ETA: 0s - loss: {loss + 0.01:.2f}\n"
            "WARNING:tensorflow:Early stopping conditioned on metric `val_acc` which is not available.\n"
            f"100/100 [========] - 1s 9ms/step - loss: {loss} - val_loss: {val}\n"
        )
    path = tmp_path / "out.txt"
    path.write_text("".join(epochs))
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == [0.8, 0.64, 0.51, 0.41]
    assert curves.values["val_loss"].tolist() == [0.785, 0.69, 0.61, 0.55]


@pytest.mark.parametrize("kind", ["protocol 1", "an OrderedDict in protocol 0"])
def test_other_pickles_are_refused_as_pickles(tmp_path, kind):
    import collections

    history = {"loss": [1.0, 0.5, 0.3]}
    data = (
        pickle.dumps(history, protocol=1)
        if kind == "protocol 1"
        else pickle.dumps(collections.OrderedDict(history), protocol=0)
    )
    path = tmp_path / "history.pkl"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=r"is a Python pickle"):
        diagnose(path)


def _mnist_example_log(batch_losses, val_losses):
    """PyTorch's MNIST example prints: a `Train Epoch:` line every few batches, then the
    validation set's average loss (ge_058, with `Validation set:` for `Test set:`)."""
    lines = []
    for epoch, (losses, val) in enumerate(zip(batch_losses, val_losses, strict=True)):
        for index, loss in enumerate(losses):
            seen = index * 2560
            lines.append(f"Train Epoch: {epoch} [{seen}/30250 ({seen * 100 // 30250}%)]\tLoss: {loss:.6f}")
        lines.append(f"\nValidation set: Average loss: {val:.4f}, Accuracy: 5495/6300 (87%)\n")
    return "\n".join(lines) + "\n"


def test_an_epochs_batch_lines_are_averaged_where_each_prints_one_batch(tmp_path):
    # A loop that prints one batch's loss every few steps (ge_058, ge_076) was read as its last
    # line: one batch's loss, noisy as a batch (ge_076 called unstable for it). Values that turn up
    # and down inside the epoch are a batch's each: the epoch's loss is their mean.
    rng = np.random.default_rng(0)
    batch_losses = [0.45 - 0.01 * epoch + 0.02 * rng.standard_normal(10) for epoch in range(6)]
    path = tmp_path / "train.out"
    path.write_text(_mnist_example_log(batch_losses, [0.41 - 0.01 * epoch for epoch in range(6)]))
    curves = read_curves(path)
    assert curves.values["loss"] == pytest.approx([float(np.mean(np.round(b, 6))) for b in batch_losses])
    assert curves.values["val_loss"].tolist() == pytest.approx([0.41 - 0.01 * epoch for epoch in range(6)])
    assert any(
        "The training metrics of 6 epochs are the mean of their printed lines" in n for n in curves.notes
    )
    # Ten batches at ±0.02 around 0.4: their mean is known to ±2%, no sample to weigh as noisy.
    assert not curves.sampled_loss


def test_a_mean_of_a_few_noisy_batches_is_weighed_as_a_sample(tmp_path):
    # ge_076: twelve batches of ten images out of 1,200 an epoch, their losses 0.03 to 0.16: the
    # mean is known to ±12%, and a jump of 61% between two epochs' means is no instability.
    rng = np.random.default_rng(1)
    batch_losses = [np.clip(0.07 + 0.035 * rng.standard_normal(12), 0.01, None) for _ in range(20)]
    batch_losses[12] = batch_losses[12] * 1.6
    path = tmp_path / "train.out"
    path.write_text(
        "".join(
            f"[{epoch + 1}/20] {step}), Loss: {loss:.3f}, mAP 90.00%\n"
            for epoch, losses in enumerate(batch_losses)
            for step, loss in enumerate(losses, start=epoch * 12)
        )
    )
    curves = read_curves(path)
    assert curves.sampled_loss
    assert any("noisy by ±" in n and "(their standard error)" in n for n in curves.notes)
    assert "unstable" not in diagnose(path).kinds


def test_a_running_mean_printed_through_the_epoch_keeps_its_last_value(tmp_path):
    # Keras's progress bar, and loops that print `running_loss / (i + 1)`, print the mean so far:
    # printed often, it settles, each step smaller than the last, and its last value is the epoch's.
    rng = np.random.default_rng(2)
    batch_losses = [0.45 - 0.02 * epoch + 0.05 * rng.standard_normal(40) for epoch in range(6)]
    running = [np.cumsum(losses) / np.arange(1, 41) for losses in batch_losses]
    path = tmp_path / "train.out"
    path.write_text(_mnist_example_log(running, [0.4] * 6))
    curves = read_curves(path)
    assert curves.values["loss"] == pytest.approx([round(float(r[-1]), 6) for r in running])
    assert not any("mean of their printed lines" in n for n in curves.notes)


def test_an_epochs_summary_line_after_its_batch_lines_gives_its_value(tmp_path):
    # Batch lines, then the epoch's own line with other names: that line is the epoch's value.
    rng = np.random.default_rng(3)
    lines = []
    for epoch in range(1, 6):
        lines += [
            f"Epoch {epoch} step {step} loss: {0.5 + 0.05 * rng.standard_normal():.4f}" for step in range(8)
        ]
        lines.append(f"Epoch {epoch} loss: {0.5 - 0.02 * epoch:.4f} val_loss: {0.55 - 0.02 * epoch:.4f}")
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    assert read_curves(path).values["loss"].tolist() == pytest.approx([0.5 - 0.02 * e for e in range(1, 6)])


def test_batch_lines_that_are_not_all_alike_finite_or_training_keep_the_epochs_read_value(tmp_path):
    # A review's cases: an epoch's summary line naming the same loss (`Train Epoch: 1 average
    # loss: 0.80`, the VAE example's `====> Epoch: 1 Average loss:`) gives the epoch's value; a NaN
    # among the lines is for the divergence rules (it crashed the mean); a progress bar's
    # validation loss, the last epoch's until the epoch ends, is not averaged.
    rng = np.random.default_rng(4)
    lines = []
    for epoch in range(1, 6):
        lines += [
            f"Train Epoch: {epoch} [{step * 100}/600 ({step * 16}%)]\tLoss: {loss:.4f}"
            for step, loss in enumerate(1.0 + 0.3 * rng.standard_normal(6))
        ]
        lines.append(f"Train Epoch: {epoch} average loss: {1.0 - 0.1 * epoch:.2f}")
    path = tmp_path / "summary.log"
    path.write_text("\n".join(lines) + "\n")
    assert read_curves(path).values["loss"].tolist() == pytest.approx([0.9, 0.8, 0.7, 0.6, 0.5])
    nan = [line for line in lines if "average" not in line]
    nan[-3:] = [line.split("Loss:")[0] + "Loss: nan" for line in nan[-3:]]
    path.write_text("\n".join(nan) + "\n")
    assert diagnose(path).primary.kind == "diverged"
    bar = []
    for epoch in range(1, 6):
        before = f", val_loss={0.8 - 0.1 * (epoch - 1):.3f}" if epoch > 1 else ""
        bar += [
            f"Epoch {epoch}: {step * 10}%| {step * 30}/300 [00:0{step}<00:09, loss={loss:.3f}{before}]"
            for step, loss in enumerate(0.6 + 0.2 * rng.standard_normal(8), start=1)
        ]
        bar.append(
            f"Epoch {epoch}: 100%| 300/300 [00:10<00:00, loss=0.500, val_loss={0.8 - 0.1 * epoch:.3f}]"
        )
    path.write_text("\n".join(bar) + "\n")
    assert read_curves(path).values["val_loss"].tolist() == pytest.approx([0.7, 0.6, 0.5, 0.4, 0.3])


def test_keras_progress_lines_keep_the_epochs_last_line(tmp_path):
    # Keras redraws its bar with `\r`: the lines before the last print `ETA`, the last its time per
    # step and the validation metrics. The running mean's last value is the epoch's.
    rng = np.random.default_rng(5)
    epochs = []
    for epoch in range(1, 5):
        losses = 0.6 - 0.1 * epoch + 0.3 * rng.standard_normal(60)
        running = np.cumsum(losses) / np.arange(1, 61)
        bars = [
            f"{step}/60 [==>...] - ETA: 3s - loss: {running[step - 1]:.4f}" for step in (1, 12, 24, 36, 48)
        ]
        bars.append(f"60/60 [==============================] - 5s 80ms/step - loss: {running[-1]:.4f}")
        epochs.append(f"Epoch {epoch}/4\n" + "\r".join(bars) + "\n")
    path = tmp_path / "keras.log"
    path.write_text("".join(epochs))
    curves = read_curves(path)
    assert not any("mean of their printed lines" in note for note in curves.notes)


@pytest.mark.parametrize(
    ("header", "line", "part"),
    [
        ("Epoch 1 start", "Batch [{i}/858], Loss: {loss:.4f}", "batches 1–40 of 858 of epoch 1"),
        ("", "epoch: 1, iter: {i}, lr=0.1, spent 12.3 s, tr_loss: {loss:.3f}", "batches 1–40 of epoch 1"),
        (
            "begin training",
            "Epoch is [1/600], mini-batch is [{i}/1600], time consumption is 0.8, batch_loss is {loss:.5f}",
            "batches 1–40 of 1600 of epoch 1",
        ),
    ],
)
def test_a_log_stopped_inside_its_first_epoch_is_too_short_to_judge(tmp_path, header, line, part):
    # A loop's prints of its first epoch's batches, copied before the epoch ended (`gv_040`,
    # `gv_036`, `gx_022`): read one row a batch, and judged too short, whichever way they moved.
    rng = np.random.default_rng(0)
    losses = 0.2 + 0.5 * np.exp(-np.arange(1, 41) / 5) + 0.05 * rng.random(40)
    losses[20] = 3.0  # one bad batch is no instability, and no divergence
    lines = [header] if header else []
    for i, loss in enumerate(losses, start=1):
        lines += [line.format(i=i, loss=loss), "classify loss is 0.9, angle loss is 0.6"]
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    diagnosis = diagnose(str(path))
    assert diagnosis.kinds == ["still_improving"]
    assert diagnosis.primary.evidence["part_of_epoch"] == part
    assert str(diagnosis).startswith("Diagnosis of 40 batches:") and diagnosis.to_dict()["rows"] == "batch"
    assert read_curves(path).values["loss"].tolist() == pytest.approx(
        [float(f"{loss:.5f}") for loss in losses], abs=1e-3
    )
    # The epoch's summary after its batches ends the epoch: not a log stopped inside it, but one
    # epoch, no curve by epoch (refused as before).
    path.write_text("\n".join([*lines, "Epoch 1 average loss: 0.31"]) + "\n")
    with pytest.raises(ValueError, match="No header row"):
        read_curves(path)


def test_a_loss_printed_beside_its_batch_index_is_judged_as_a_batchs(tmp_path):
    # The EVA courses' progress bars (`gx_026`): each epoch's `loss=` is its last batch's, beside
    # `batch_id=937`; a batch's loss jumping 600× while the test loss holds at 99.3% is one batch.
    losses = [
        0.083,
        0.014,
        0.023,
        0.001,
        0.034,
        0.081,
        0.041,
        0.053,
        0.003,
        0.012,
        0.0004,
        0.22,
        0.0004,
        0.004,
    ]
    tests = [
        0.049,
        0.034,
        0.039,
        0.030,
        0.023,
        0.022,
        0.028,
        0.021,
        0.026,
        0.023,
        0.0194,
        0.0225,
        0.0205,
        0.0202,
    ]
    lines = []
    for epoch, (loss, test) in enumerate(zip(losses, tests, strict=True), start=1):
        lines += [
            f"epoch= {epoch} loss={loss} batch_id=937: 100%|██████████| 938/938 [00:16<00:00, 55.32it/s]",
            "",
            f"Test set: Average loss: {test}, Accuracy: {9930 + epoch}/10000 ({99.30 + epoch / 100:.2f}%)",
            "",
        ]
    path = tmp_path / "README.md"
    path.write_text("\n".join(lines) + "\n")
    diagnosis = diagnose(str(path))
    assert diagnosis.primary.kind == "healthy"
    assert "beside the batch it was at ('batch_id=937')" in diagnosis.notes[0]
    # Printed as the epoch's mean (no batch named), the same jump wrecked the run; so it did beside
    # a batch size, `batch=64`, on a line that draws no progress bar.
    path.write_text("\n".join(lines).replace(" batch_id=937", "") + "\n")
    assert diagnose(str(path)).primary.kind == "diverged"
    sized = [
        line.replace(" batch_id=937: 100%|██████████| 938/938 [00:16<00:00, 55.32it/s]", " batch=64")
        for line in lines
    ]
    path.write_text("\n".join(sized) + "\n")
    assert diagnose(str(path)).primary.kind == "diverged"


@pytest.mark.parametrize(
    ("lines", "why"),
    [
        (
            ["Epoch 1"] + [f"iter {i}00 loss: {1 / i:.3f}" for i in range(1, 12)],
            "a loss named afresh on each line",
        ),
        (
            ["Epoch 1"]
            + [
                f"step {i}00, loss: {1 / i:.3f}" + ("\nValidation loss: 0.9" if i % 2 else "")
                for i in range(1, 9)
            ],
            "validation between the batches",
        ),
        (
            ["Epoch 1/1"] + [f"Batch {i}00/469, loss: {1 / i:.3f}" for i in range(1, 5)],
            "the run's one epoch",
        ),
        (
            [f"Batch {i}00/469, loss: {1 / i:.3f}" for i in range(1, 5)] + ["Test set: Average loss: 0.21"],
            "a test set scored after the batches",
        ),
        (
            ["Resuming from epoch 5", "", "config: lr 0.1", "data: 5000 images", ""]
            + [f"iter {i}00: loss {1 / i:.3f}" for i in range(1, 9)],
            "an epoch named far above the batches",
        ),
        (
            [
                f"[Epoch 0/200] [Batch {i}/938] [D loss: 0.70] [G loss: {0.7 - i / 100:.2f}]"
                for i in range(12)
            ],
            "a GAN's two losses",
        ),
    ],
)
def test_only_a_log_stopped_inside_its_first_epoch_is_read_as_one(tmp_path, lines, why):
    # Logs that are something else (`read_first_epoch_batches` returns None for each): read as
    # before, or refused as before, never called a run stopped inside its first epoch.
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    try:
        curves = read_curves(path)
    except ValueError:
        return
    assert not curves.part_of_epoch, why


def test_a_log_stopped_inside_its_first_epoch_reads_the_total_of_its_losses(tmp_path):
    lines = ["Epoch 1"] + [
        f"iter {i}0, cls_loss: 0.200, box_loss: 0.1, total_loss: {1.4 - i / 20:.3f}" for i in range(1, 9)
    ]
    path = tmp_path / "train.log"
    path.write_text("\n".join(lines) + "\n")
    curves = read_curves(path)
    assert curves.part_of_epoch == "batches 10–80 of epoch 1"
    assert curves.values["loss"].tolist() == pytest.approx([1.4 - i / 20 for i in range(1, 9)])
