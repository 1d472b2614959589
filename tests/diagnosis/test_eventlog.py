"""Diagnosing a run from its TensorBoard event files, as the callbacks and loops write them."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import fitwell
from fitwell.diagnosis import diagnose
from fitwell.diagnosis.curves import read_curves

pytest.importorskip("tensorboard")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

LOSS = [1.0, 0.62, 0.45, 0.36, 0.3, 0.26, 0.23, 0.2, 0.18, 0.16]
VAL_LOSS = [1.0, 0.7, 0.55, 0.5, 0.52, 0.58, 0.66, 0.75, 0.85, 0.96]


def _write(folder, scalars: dict[str, list[float]], steps=None, wall_time=None):
    writer = SummaryWriter(log_dir=str(folder))
    for tag, values in scalars.items():
        for index, value in enumerate(values):
            step = index if steps is None else steps[index]
            writer.add_scalar(tag, value, step, walltime=None if wall_time is None else wall_time + index)
    writer.close()


def test_the_tensorboard_callbacks_folder_gives_the_diagnosis_of_the_history(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(240, 8)).astype("float32")
    y = (x[:, 0] + 0.5 * rng.normal(size=240) > 0).astype("int64")
    model = fitwell.Sequential([fitwell.layers.Dense(64, activation="relu"), fitwell.layers.Dense(2)])
    model.compile(
        optimizer=fitwell.optimizers.Adam(0.01),
        loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    log_dir = tmp_path / "logs"
    history = model.fit(
        x, y, epochs=12, validation_split=0.25, verbose=0, callbacks=[fitwell.callbacks.TensorBoard(log_dir)]
    )
    curves = read_curves(str(log_dir))
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        np.testing.assert_allclose(curves.values[key], history.history[key], rtol=1e-6)
    assert curves.epochs.tolist() == list(range(12))
    assert curves.notes[0] == f"read the TensorBoard scalars under {str(log_dir)!r}."
    from_events = diagnose(str(log_dir), loss="sparse_categorical_crossentropy", num_classes=2)
    from_history = diagnose(history.history, loss="sparse_categorical_crossentropy", num_classes=2)
    assert from_events.kinds == from_history.kinds
    assert from_events.primary.summary == from_history.primary.summary


def test_a_loops_summary_writer_in_pytorchs_tutorial_style_is_read(tmp_path):
    _write(
        tmp_path, {"Loss/train": LOSS, "Loss/test": VAL_LOSS, "Accuracy/train": np.linspace(0.5, 0.99, 10)}
    )
    curves = read_curves(tmp_path)
    np.testing.assert_allclose(curves.values["val_loss"], VAL_LOSS, rtol=1e-6)
    assert "accuracy" in curves.values and "'test_loss' as 'val_loss'" in curves.notes[1]
    diagnosis = diagnose(tmp_path)
    assert diagnosis.primary.kind == "overfitting" and diagnosis.primary.evidence["best_epoch"] == 3


def test_several_runs_read_the_one_written_last_and_say_so(tmp_path):
    for name, start, val in (("20240101-100000", 1000.0, VAL_LOSS), ("20240102-090000", 5000.0, LOSS)):
        for phase, values in (("train", LOSS), ("validation", val)):
            _write(tmp_path / "fit" / name / phase, {"epoch_loss": values}, wall_time=start)
    diagnosis = diagnose(tmp_path / "fit")
    assert "the run '20240102-090000', written last of 2 runs" in diagnosis.notes[0]
    assert diagnosis.primary.kind != "overfitting"  # the first run's rising validation is not read
    # An event file of `validation/` reads its whole run.
    folder = tmp_path / "fit" / "20240101-100000" / "validation"
    event_file = next(folder.iterdir())
    assert diagnose(event_file).primary.kind == "overfitting"


def test_lightnings_epoch_scalar_puts_step_logged_values_on_their_epochs(tmp_path):
    writer = SummaryWriter(log_dir=str(tmp_path))
    steps_per_epoch = 7
    for epoch, (loss, val_loss) in enumerate(zip(LOSS, VAL_LOSS, strict=True)):
        for batch in range(steps_per_epoch):
            step = epoch * steps_per_epoch + batch
            writer.add_scalar("train_loss_step", loss * (1.3 if batch % 2 else 0.7), step)
        last = (epoch + 1) * steps_per_epoch - 1
        writer.add_scalar("train_loss_epoch", loss, last)
        writer.add_scalar("val_loss", val_loss, last)
        writer.add_scalar("epoch", epoch, last)
    writer.close()
    curves = read_curves(tmp_path)
    assert curves.epochs.tolist() == list(range(10)) and sorted(curves.values) == ["loss", "val_loss"]
    np.testing.assert_allclose(curves.values["loss"], LOSS, rtol=1e-6)


def test_tensorflow_scalar_summaries_stored_as_tensors_are_read(tmp_path):
    from tensorboard.compat.proto import types_pb2
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboard.compat.proto.tensor_pb2 import TensorProto
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    metadata = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars"))
    for phase, values in (("train", LOSS), ("validation", VAL_LOSS)):
        writer = EventFileWriter(str(tmp_path / phase))
        for step, value in enumerate(values):
            tensor = TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value])
            summary = Summary(value=[Summary.Value(tag="epoch_loss", tensor=tensor, metadata=metadata)])
            writer.add_event(Event(wall_time=time.time(), step=step, summary=summary))
        writer.close()
    curves = read_curves(tmp_path)
    np.testing.assert_allclose(curves.values["val_loss"], VAL_LOSS, rtol=1e-6)


def test_steps_that_are_not_epochs_are_counted_and_said(tmp_path):
    _write(tmp_path, {"loss": LOSS, "val_loss": VAL_LOSS}, steps=[100 * i for i in range(10)])
    diagnosis = diagnose(tmp_path)
    assert any("written at steps 0, 100, … (not one per epoch)" in note for note in diagnosis.notes)
    assert diagnosis.primary.evidence["best_epoch"] == 3  # the 4th logged point, not step 300


def test_event_files_without_a_loss_and_folders_without_event_files_are_refused(tmp_path):
    _write(tmp_path / "run", {"accuracy": [0.5, 0.6, 0.7]})
    with pytest.raises(ValueError, match=r"No training loss among the TensorBoard scalars .* \['accuracy'\]"):
        diagnose(tmp_path / "run")
    os.makedirs(tmp_path / "empty")
    with pytest.raises(ValueError, match="is a directory without TensorBoard event files"):
        diagnose(tmp_path / "empty")


@pytest.mark.parametrize(
    "name", ["run-train-tag-epoch_loss.csv", "run_20240101-tag-Loss_train.csv", "train_loss.csv", "loss.csv"]
)
def test_a_scalar_exported_from_tensorboards_page_is_read_by_its_file_name(tmp_path, name):
    path = tmp_path / name
    rows = "".join(f"{1621700671 + 3600 * step},{step},{value}\n" for step, value in enumerate(LOSS))
    path.write_text("Wall time,Step,Value\n" + rows)
    curves = read_curves(path)
    assert curves.values["loss"].tolist() == LOSS and list(curves.values) == ["loss"]
    assert curves.notes[0].startswith("read as a TensorBoard export of")


def test_an_exported_scalar_that_is_not_the_training_loss_or_is_damaged_is_refused(tmp_path):
    path = tmp_path / "run-validation-tag-epoch_loss.csv"
    path.write_text("Wall time,Step,Value\n1,0,0.9\n2,1,0.8\n")
    with pytest.raises(ValueError, match="names 'val_loss', not the training loss"):
        diagnose(path)
    path = tmp_path / "run-train-tag-epoch_loss.csv"
    path.write_text("Wall time,Step,Value\n1,0,0.9\n2,1,oops\n")
    with pytest.raises(ValueError, match=r"Line 3 of .* is not a 'Wall time,Step,Value' row of numbers"):
        diagnose(path)


def test_the_command_line_diagnoses_a_tensorboard_folder(tmp_path, capsys):
    from fitwell.cli import main

    _write(tmp_path / "train", {"epoch_loss": LOSS})
    _write(tmp_path / "validation", {"epoch_loss": VAL_LOSS})
    assert main(["diagnose", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert (
        "read the TensorBoard scalars under" in printed
        and "overfitting: val_loss was lowest at epoch 4" in printed
    )
