"""Reading a run from a History, a dict, a DataFrame, or a fitwell/Keras CSVLogger file."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import fitwell
from conftest import make_classifier
from fitwell.diagnosis import diagnose, read_curves
from fitwell.diagnosis.metric_names import is_accuracy, metric_direction

PUBLIC_LOGS = Path(__file__).parent / "fixtures" / "public" / "logs"


def test_a_dict_becomes_aligned_float_arrays():
    curves = read_curves({"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "learning_rate": [0.1, 0.05]})
    assert curves.epochs.tolist() == [0, 1]
    assert curves.values["val_loss"].tolist() == [1.1, 0.7]
    assert curves.learning_rate_at(1) == 0.05


def test_the_epoch_key_gives_the_epoch_numbers():
    curves = read_curves({"epoch": [3, 4, 5], "loss": [1.0, 0.9, 0.8]})
    assert curves.epochs.tolist() == [3, 4, 5]


def test_the_accuracy_metric_is_preferred_and_directions_come_from_names():
    curves = read_curves(
        {
            "loss": [1.0],
            "mae": [0.5],
            "val_sparse_categorical_accuracy": [0.1],
            "sparse_categorical_accuracy": [0.2],
        }
    )
    assert curves.metric_key == "sparse_categorical_accuracy"
    assert read_curves({"loss": [1.0], "mae": [0.5]}).metric_key == "mae"
    assert read_curves({"loss": [1.0], "custom_score": [0.5]}).metric_key is None
    # A test set scored beside the validation set (Flair's loss.tsv) is not the training metric.
    beside = {"loss": [1.0], "val_loss": [1.1], "test_accuracy": [0.8], "val_accuracy": [0.8]}
    assert read_curves(beside).metric_key is None


@pytest.mark.parametrize(
    ("key", "accuracy"),
    [
        ("acc", True),
        ("val_categorical_accuracy", True),
        ("top1acc", True),
        ("trainAcc", True),
        ("mAcc", True),
        ("val_ACC", True),
        ("jaccard_coef", False),
        ("JaccardIndex", False),
        ("JACCARD", False),
        ("mAP", False),
    ],
)
def test_an_accuracy_is_told_by_a_word_of_its_name(key, accuracy):
    assert is_accuracy(key) is accuracy
    # The accuracy is the training metric judged first; another metric is passed over for it.
    train_key = key.removeprefix("val_")
    assert (read_curves({"loss": [1.0], "auc": [0.6], train_key: [0.5]}).metric_key != "auc") is accuracy


def test_a_metric_logged_as_nan_is_not_recorded_there():
    curves = read_curves({"loss": [1.0, 0.5, 0.4], "precision": [math.nan, 0.5, 0.6], "dice": [math.nan] * 3})
    assert curves.recorded["precision"].tolist() == [False, True, True]
    assert "dice" not in curves.values  # never recorded: a placeholder column


def test_a_training_loss_logged_every_few_epochs_beside_every_epochs_validation_is_interpolated(tmp_path):
    # `gd_003`: Lightning logged the training loss every 50 steps of epochs of 3: 6 of 100 epochs
    # hold one; the validation loss, at every epoch, swings. Left out, the swings were unseen.
    path = tmp_path / "metrics.csv"
    rows = []
    for e in range(30):
        rows.append(f"{e},{3 * e + 2},,{500 + (900 if e % 4 == 1 else 0) - 5 * e}")
        if e % 6 == 2:
            rows.append(f"{e},{3 * e + 1},{400 - 10 * e},")
    path.write_text("epoch,step,train_loss,val_loss\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert curves.epochs.tolist() == list(range(2, 27))  # from the first record to the last
    assert curves.values["loss"].tolist()[:7] == pytest.approx([380, 370, 360, 350, 340, 330, 320])
    assert "the training loss was recorded at 5 of the 25 epochs" in " ".join(curves.notes)
    assert diagnose(str(path)).primary.kind == "unstable"
    # Logged every other epoch: left out, as before (the test below).
    every_other = {"loss": [1.0, None, 0.6, None, 0.45], "val_loss": [1.1, 0.9, 0.75, 0.65, 0.6]}
    assert read_curves(every_other).epochs.tolist() == [0, 2, 4]


def test_a_loss_empty_to_the_end_beside_a_recorded_accuracy_went_nan(tmp_path):
    # `gb_027`: pandas wrote the NaN losses of epochs 15 to 50 as empty cells, the accuracy on.
    path = tmp_path / "history.csv"
    rows = [f"{e}.0,0.18,{51 - 2 * e},0.17,{49 - 2 * e},125.1" for e in range(1, 8)]
    rows += [f"{e}.0,0.3306,,0.3355,,124.1" for e in range(8, 12)]
    path.write_text("epoch,train_acc,train_loss,test_acc,test_loss,time\n" + "\n".join(rows) + "\n")
    curves = read_curves(path)
    assert len(curves) == 11 and np.isnan(curves.values["loss"][7:]).all()
    assert np.isnan(curves.values["val_loss"][7:]).all() and curves.recorded["loss"].all()
    assert (
        "'loss' and 'val_loss' are empty from epoch 8 to the end while 'acc' is still recorded"
        in curves.notes[-1]
    )
    assert diagnose(str(path)).primary.kind == "diverged"
    # Only the time still written (no score): the epochs are left out, as before; so is a last
    # epoch alone without its loss (a test run after training).
    path.write_text(
        "epoch,loss,time\n" + "".join(f"{e},{1 / e},3.1\n" for e in range(1, 6)) + "6,,3.0\n7,,3.2\n"
    )
    assert len(read_curves(path)) == 5
    path.write_text("epoch,loss,acc\n" + "".join(f"{e},{1 / e},0.{e}\n" for e in range(1, 6)) + "6,,0.7\n")
    assert len(read_curves(path)) == 5
    # Nor beside a validation loss still scored there (weights gone NaN score nothing), nor when only
    # a validation score is (rows of an evaluation after training).
    head = "epoch,loss,accuracy,val_loss,val_accuracy\n0,0.9,0.6,0.85,0.62\n1,0.7,0.7,0.72,0.69\n"
    head += "2,0.55,0.78,0.63,0.74\n"
    path.write_text(head + "3,,0.83,0.58,0.77\n4,,0.85,0.56,0.78\n")
    assert len(read_curves(path)) == 3 and diagnose(str(path)).primary.kind != "diverged"
    path.write_text(head + "3,,,0.58,0.77\n4,,,0.56,0.78\n")
    assert len(read_curves(path)) == 3 and diagnose(str(path)).primary.kind != "diverged"


def test_epochs_before_the_first_training_loss_are_left_out_and_a_written_nan_is_kept(tmp_path):
    # A published Trainer log (cn_010): the training loss logged every so many steps, empty in the
    # first three rows; read as NaN, the run "diverged at epoch 1".
    path = tmp_path / "training_metrics.csv"
    rows = [("", 2.37), ("", 1.33), ("", 0.72), ("1.6588", 0.39), ("1.6588", 0.23), ("0.2589", 0.16)]
    path.write_text(
        "epoch,train_loss,eval_loss\n" + "".join(f"{e},{a},{b}\n" for e, (a, b) in enumerate(rows, 1))
    )
    curves = read_curves(path)
    assert curves.epochs.tolist() == [3, 4, 5] and curves.values["val_loss"].tolist() == [0.39, 0.23, 0.16]
    assert "left out epochs 1–3: no training loss was recorded there." in curves.notes
    assert "diverged" not in diagnose(str(path)).kinds
    # A loss written as `nan` was recorded: the run diverged at once.
    text = path.read_text()
    path.write_text(text.replace("1,,", "1,nan,"))
    assert len(read_curves(path)) == 4 and diagnose(str(path)).primary.kind == "diverged"
    # An empty row mid-run (q_026; pandas writes NaN so too, but the loss went on from it) and a
    # loss logged every other epoch beside a validation loss of every epoch: those epochs are left
    # out, not read as NaN.
    path.write_text("epoch,train_loss,val_loss\n1,0.37,0.56\n2,0.28,0.41\n3,,\n4,0.37,0.38\n5,0.35,0.36\n")
    curves = read_curves(path)
    assert curves.epochs.tolist() == [0, 1, 3, 4] and "left out epoch 3:" in curves.notes[-1]
    assert "diverged" not in diagnose(str(path)).kinds
    every_other = {"loss": [1.0, None, 0.6, None, 0.45, None], "val_loss": [1.1, 0.9, 0.75, 0.65, 0.6, 0.58]}
    curves = read_curves(every_other)
    assert curves.epochs.tolist() == [0, 2, 4] and "left out 3 epochs, from epoch 2:" in curves.notes[-1]
    # A DataFrame reads empty cells as NaN: a leading NaN before a finite loss was not logged yet.
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"loss": [float("nan"), 1.66, 1.66, 0.26], "val_loss": [2.4, 0.39, 0.23, 0.16]})
    assert read_curves(frame).epochs.tolist() == [1, 2, 3] and "diverged" not in diagnose(frame).kinds
    # Nor one mid-run beside a finite validation loss; a NaN on both is a divergence.
    frame = pandas.DataFrame(
        {"loss": [1.1, float("nan"), 0.66, float("nan"), 0.5], "val_loss": [1.0, 0.8, 0.65, 0.6, 0.55]}
    )
    assert read_curves(frame).epochs.tolist() == [0, 2, 4] and "diverged" not in diagnose(frame).kinds
    frame = pandas.DataFrame({"loss": [1.1, 0.9, float("nan")], "val_loss": [1.0, 0.8, float("nan")]})
    assert diagnose(frame).primary.kind == "diverged"


def test_a_validation_loss_held_at_0_until_validation_ran_is_not_recorded_there():
    # A published Ultralytics log (ck_005): validation switched off until the last epoch, every
    # validation column 0 before it; read as measured, the validation loss at "0% of the training
    # loss" made the run suspicious.
    history = {
        "loss": [9.19, 8.5, 8.0, 7.7, 7.44, 7.3, 7.1, 6.92, 7.16, 6.98],
        "val_loss": [0.0] * 9 + [7.29],
        "val_map": [0.0] * 9 + [0.03],
    }
    curves = read_curves(history)
    assert curves.recorded["val_loss"].tolist() == [False] * 9 + [True]
    assert curves.recorded["val_map"].tolist() == [False] * 9 + [True]
    assert curves.notes[0] == (
        "read 'val_loss' as not recorded at epochs 1–9, where the log holds 0 before its first value above 0 "
        "(validation did not run)."
    )
    assert "suspicious_validation" not in diagnose(history).kinds
    # A validation loss of 0 at every epoch, or one that reaches 0 after its start, is a measurement.
    assert read_curves({**history, "val_loss": [0.0] * 10}).recorded["val_loss"].all()
    assert read_curves({**history, "val_loss": [0.5, 0.2] + [0.0] * 8}).recorded["val_loss"].all()


def test_a_validation_loss_held_at_0_between_its_validations_is_not_recorded_there():
    # Published SSD logs (gk_090, gk_092, gk_096): validation every tenth epoch, 0.0 written at the
    # others; read as measured, the loss "at 0% of the training loss" was suspicious and unstable.
    loss = np.geomspace(1800.0, 620.0, 30)
    val_loss = [0.0] * 30
    val_loss[9], val_loss[19], val_loss[29] = 994.8, 831.9, 755.6
    curves = read_curves({"loss": loss.tolist(), "val_loss": val_loss})
    assert np.flatnonzero(curves.recorded["val_loss"]).tolist() == [9, 19, 29]
    assert curves.notes[-1] == (
        "read 'val_loss' as not recorded at the 27 epochs where the log holds 0 (validation ran every 10 "
        "epochs, 3 times)."
    )
    kinds = diagnose({"loss": loss.tolist(), "val_loss": val_loss}).kinds
    assert "suspicious_validation" not in kinds and "unstable" not in kinds
    assert diagnose(str(PUBLIC_LOGS / "gk_090.csv")).primary.kind == "still_improving"
    # A loss that does reach 0 (bh_012: 0.0 beside 9.3e-10 on a set it classifies perfectly), or
    # one printed too coarsely to show a small value (0.02, 0.0, 0.01), is measured where it is 0.
    tiny = [0.31, 0.02, 9.3e-10, 0.0, 0.0, 1.2e-09, 0.0, 0.004]
    assert read_curves({"loss": [0.5] * 8, "val_loss": tiny}).recorded["val_loss"].all()
    coarse = [0.31, 0.02, 0.0, 0.01, 0.0, 0.02]
    assert read_curves({"loss": [0.5] * 6, "val_loss": coarse}).recorded["val_loss"].all()
    # Nor a loss that reaches 0 now and then at no fixed interval (a hinge or margin loss).
    hinge = [0.35123, 0.12456, 0.0, 0.02345, 0.0, 0.0, 0.01234, 0.0, 0.0, 0.0]
    assert read_curves({"loss": [0.5] * 10, "val_loss": hinge}).recorded["val_loss"].all()


def test_keras_2_lr_key_is_read_as_the_learning_rate():
    assert read_curves({"loss": [1.0, 0.9], "lr": [0.01, 0.001]}).learning_rate_at(1) == 0.001


def test_a_fitwell_history_is_read_with_its_epochs(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    history = model.fit(x, y, epochs=3, validation_split=0.2, verbose=0)
    curves = read_curves(history)
    assert curves.epochs.tolist() == history.epoch
    assert curves.values["val_accuracy"].tolist() == history.history["val_accuracy"]


def test_history_diagnose_reads_the_loss_and_class_count_from_the_model(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy", device="cpu")
    history = model.fit(x, y, epochs=4, validation_split=0.2, verbose=0)
    finding = history.diagnose().primary
    assert finding.kind == "not_learning"
    assert finding.evidence["chance_loss"] == pytest.approx(math.log(3))


def test_a_dataframe_is_read_and_na_validation_cells_are_missing_not_nan():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"epoch": [0, 1, 2, 3], "loss": [1.0, 0.8, 0.7, 0.65], "val_loss": [np.nan, 0.9, np.nan, 0.8]}
    )
    curves = read_curves(frame)
    assert curves.recorded["val_loss"].tolist() == [False, True, False, True]
    assert diagnose(frame).primary.kind != "diverged"


def test_a_dataframe_nan_training_loss_is_diverged():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"epoch": [0, 1], "loss": [1.0, np.nan], "val_loss": [1.0, np.nan]})
    assert diagnose(frame).primary.kind == "diverged"


@pytest.mark.parametrize(
    "text",
    [
        # PyTorch Lightning's metrics.csv: a learning-rate monitor's rows, then each epoch's training
        # and validation values on rows of their own; a test run after training.
        "epoch,lr-AdamW,step,train_loss,val_loss,test_loss\n,0.0003,0,,,\n0,,894,,0.0374,\n"
        "0,,894,0.248,,\n,0.00029,895,,,\n1,,1789,,0.0312,\n1,,1789,0.0402,,\n2,,2683,0.0301,,\n"
        "2,,2683,,0.0350,\n3,,2683,,,0.0330\n",
        # A Hugging Face Trainer's log_history: the training loss every half epoch, an evaluation
        # at each epoch's end.
        "loss,learning_rate,epoch,step,eval_loss,eval_runtime\n1.2,5e-05,0.5,50,,\n0.9,4e-05,1.0,100,,\n"
        ",,1.0,100,0.85,3.2\n0.7,3e-05,1.5,150,,\n0.6,2e-05,2.0,200,,\n,,2.0,200,0.75,3.1\n",
        # A long table, one row per epoch and set.
        "epoch,split,loss,accuracy\n0,train,0.9,0.5\n0,val,1.0,0.45\n1,train,0.7,0.6\n1,val,0.8,0.55\n",
    ],
    ids=["lightning", "trainer", "long"],
)
def test_a_dataframe_read_from_a_log_is_read_as_its_file(tmp_path, text):
    # `pandas.read_csv(path)` passed instead of the path: its rows are merged into epochs as the
    # file's are (before, each row was an epoch: a Lightning run of 3 epochs read as 9).
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "log.csv"
    path.write_text(text)
    from_file, from_frame = read_curves(path), read_curves(pandas.read_csv(path))
    assert len(from_frame) == len(from_file) in (2, 3)
    assert from_frame.epochs.tolist() == from_file.epochs.tolist()
    for key in ("loss", "val_loss"):
        assert from_frame.values[key].tolist() == pytest.approx(from_file.values[key].tolist())
    assert from_frame.notes[0] == from_file.notes[0]  # the note says how the rows were read


def test_a_dataframe_of_a_log_keeps_the_nan_of_a_diverged_epoch(tmp_path):
    # pandas reads an empty cell and `nan` alike. A Lightning epoch's training row that holds
    # nothing but its epoch and step held `nan`; a Trainer's training record without an
    # evaluation's value held a NaN loss. Both files read `diverged`; their DataFrames must too.
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "metrics.csv"
    rows = [
        f"{e},{99 + 100 * e},,{0.9 - 0.1 * e},\n{e},{99 + 100 * e},{1.0 - 0.15 * e},,\n" for e in range(5)
    ]
    rows += [f"{e},{99 + 100 * e},,nan,\n{e},{99 + 100 * e},nan,,\n" for e in range(5, 8)]
    path.write_text("epoch,step,train_loss,val_loss,test_loss\n" + "".join(rows))
    assert diagnose(path).primary.kind == diagnose(pandas.read_csv(path)).primary.kind == "diverged"
    records = [
        {"loss": 1.8 - 0.2 * step, "learning_rate": 5e-05, "epoch": step / 2, "step": 50 * step}
        for step in range(1, 7)
    ]
    records += [
        {"loss": float("nan"), "learning_rate": 5e-05, "epoch": step / 2, "step": 50 * step}
        for step in range(7, 11)
    ]
    records += [
        {"eval_loss": 1.5 - 0.1 * epoch, "epoch": float(epoch), "step": 100 * epoch} for epoch in range(1, 6)
    ]
    records.sort(key=lambda record: (record["step"], "eval_loss" in record))
    finding = diagnose(pandas.DataFrame(records)).primary
    assert finding.kind == "diverged" and finding.summary.startswith("loss became NaN at epoch 4")
    # A record of the user's own metrics (`self.log({"train_accuracy": ...})`, no learning rate
    # beside it) holds no training loss: none, not a NaN.
    healthy = [record for record in records if not (record.get("loss", 0) != record.get("loss", 0))]
    healthy += [
        {"loss": 0.6 - 0.02 * step, "learning_rate": 5e-05, "epoch": step / 2, "step": 50 * step}
        for step in range(7, 11)
    ]
    healthy += [
        {"train_accuracy": 0.5 + 0.05 * epoch, "epoch": float(epoch), "step": 100 * epoch}
        for epoch in range(1, 6)
    ]
    healthy.sort(key=lambda record: (record["step"], "eval_loss" in record, "train_accuracy" in record))
    assert "diverged" not in diagnose(pandas.DataFrame(healthy)).kinds


def test_a_csv_distinguishes_na_from_nan(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text("epoch,loss,val_loss\n0,1.0,NA\n1,0.5,0.6\n2,nan,nan\n")
    curves = read_curves(path)
    assert curves.recorded["val_loss"].tolist() == [False, True, True]
    assert math.isnan(curves.values["loss"][2])
    assert diagnose(path).primary.epochs == [2]


def test_a_csv_with_another_separator_and_a_list_column(tmp_path):
    path = tmp_path / "run.csv"
    path.write_text('epoch;loss;per_class\n0;1.0;"[1, 2]"\n1;0.5;"[3, 4]"\n')
    curves = read_curves(str(path))
    assert list(curves.values) == ["loss"]
    assert curves.values["loss"].tolist() == [1.0, 0.5]


def test_fitwell_csvlogger_files_are_read(tmp_path, blobs):
    x, y = blobs
    path = tmp_path / "log.csv"
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    history = model.fit(
        x, y, epochs=3, validation_split=0.2, verbose=0, callbacks=[fitwell.callbacks.CSVLogger(str(path))]
    )
    curves = read_curves(path)
    for key, values in history.history.items():
        np.testing.assert_allclose(curves.values[key], values, rtol=1e-6)


@pytest.mark.keras
def test_keras_csvlogger_files_and_history_dicts_are_read(tmp_path):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    with_val, without_val = tmp_path / "with_val.csv", tmp_path / "without_val.csv"
    history = model.fit(
        x, y, epochs=4, validation_split=0.25, verbose=0, callbacks=[keras.callbacks.CSVLogger(str(with_val))]
    )
    model.fit(x, y, epochs=3, verbose=0, callbacks=[keras.callbacks.CSVLogger(str(without_val))])
    curves = read_curves(with_val)
    for key, values in history.history.items():
        np.testing.assert_allclose(curves.values[key], values, rtol=1e-6)
    assert read_curves(history.history).values["loss"].tolist() == history.history["loss"]
    # Keras reserves val_ columns filled with NA when there is no validation: they are not curves.
    assert not any(key.startswith("val_") for key in read_curves(without_val).values)
    assert diagnose(with_val, loss="binary_crossentropy").epochs == 4


def test_missing_loss_wrong_type_missing_file_and_misaligned_lists_are_explained(tmp_path):
    with pytest.raises(ValueError, match="no 'loss' curve.*Received keys") as refused:
        read_curves({"accuracy": [0.5]})
    assert "GAN" not in str(refused.value)
    assert "validation loss but no training loss" not in str(refused.value)
    # A Lightning file that logged only the validation loss (published `gi_029`): said, with the
    # way to log the training loss and the way to judge the validation curve anyway.
    csv_file = tmp_path / "metrics.csv"
    csv_file.write_text("val_loss,epoch,step\n0.27,0,310\n0.17,1,621\n0.15,2,932\n")
    with pytest.raises(ValueError, match="validation loss but no training loss") as refused:
        read_curves(csv_file)
    assert "self.log('train_loss', loss, on_epoch=True)" in str(refused.value)
    assert "diagnose({'loss': val_losses})" in str(refused.value)
    # Not where a training curve stands beside it (a loss under a name not read as one, `fc_004`).
    with pytest.raises(ValueError, match="no 'loss' curve") as refused:
        read_curves({"train_objective": [3.0, 2.5], "val_loss": [3.07, 2.6]})
    assert "validation loss but no training loss" not in str(refused.value)
    # A GAN's two losses (published logs ba_003, ba_015): said, not only listed.
    for gan in (
        {"loss_g": [2.1, 1.7], "loss_d": [0.6, 0.8]},
        {"generator_loss": [3.0], "discriminator_loss": [0.4]},
    ):
        with pytest.raises(ValueError, match="look like a GAN's generator and discriminator losses"):
            read_curves(gan)
    with pytest.raises(TypeError, match="Received: an object of type int"):
        read_curves(3)
    with pytest.raises(FileNotFoundError, match="No CSV file at"):
        read_curves(tmp_path / "absent.csv")
    with pytest.raises(ValueError, match="'val_loss' has 3 values but 'loss' has 2"):
        read_curves({"loss": [1.0, 0.5], "val_loss": [1.0, 0.5, 0.4]})
    with pytest.raises(ValueError, match="no epochs"):
        read_curves({"loss": []})
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match="is empty"):
        read_curves(empty)


@pytest.mark.parametrize("key", ["val_auc", "val_auroc", "AUROC", "val_auprc", "roc_auc"])
def test_an_area_under_a_curve_is_higher_is_better_under_each_of_its_names(key):
    assert metric_direction(key) == "max"


@pytest.mark.parametrize(
    ("key", "direction"),
    [
        ("val_psnr", "max"),
        ("val_ssim", "max"),
        ("val_mrr", "max"),
        ("val_hits10", "max"),
        ("val_hits@10", "max"),
        ("val_ndcg", "max"),
        ("val_specificity", "max"),
        ("val_mcc", "max"),
        ("val_top1", "max"),
        ("val_bleu", "max"),
        ("val_wer", "min"),
        ("val_cer", "min"),
        ("val_ppl", "min"),
        ("val_perplexity", "min"),
        ("fid", "min"),
        ("val_lpips", "min"),
        ("val_brier", "min"),
        # Short names count only as whole words: these say nothing of their direction.
        ("power", None),
        ("val_confidence", None),
        ("val_answer_len", None),
        ("val_dice", None),  # see _HIGHER_IS_BETTER: measured worse as a stand-in
    ],
)
def test_metric_direction_knows_scores_and_errors_beyond_accuracy(key, direction):
    assert metric_direction(key) == direction


def test_a_ranking_score_stands_in_for_a_missing_validation_loss():
    from fitwell.diagnosis import diagnose

    mrr = [0.17, 0.2, 0.24, 0.27, 0.29, 0.3, 0.31, 0.31, 0.31, 0.31]
    loss = [0.7, 0.5, 0.35, 0.29, 0.24, 0.21, 0.19, 0.18, 0.175, 0.172]
    text = str(diagnose({"loss": loss, "val_mrr": mrr}))
    assert "monitor='val_mrr', mode='max'" in text, text


def test_a_perfect_accuracy_rounded_above_1_is_no_percentage():
    curves = read_curves(
        {"loss": [0.5, 0.4, 0.3, 0.25, 0.2, 0.18], "accuracy": [0.9, 0.95, 0.97, 1.0000001, 1.0, 1.0]}
    )
    assert curves.values["accuracy"][-1] == 1.0 and curves.notes == ()
