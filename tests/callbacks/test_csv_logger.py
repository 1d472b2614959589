"""CSVLogger: the same file as Keras's on the same logs, read back with pandas."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks import CSVLogger

LOGS = {
    "with_validation": [
        {"loss": 0.9, "accuracy": 0.5, "val_loss": 1.0, "val_accuracy": 0.4, "learning_rate": 0.01},
        {
            "loss": 0.6931471824645996,
            "accuracy": 0.75,
            "val_loss": 0.8,
            "val_accuracy": 0.6,
            "learning_rate": 0.005,
        },
    ],
    "validation_every_other_epoch": [
        {"loss": 0.9, "learning_rate": 0.01},
        {"loss": 0.8, "val_loss": 0.85, "learning_rate": 0.01},
        {"loss": 0.7, "learning_rate": 0.01},
    ],
    "first_epoch_validated_later_not": [
        {"loss": 0.9, "val_loss": 1.0},
        {"loss": 0.8},
    ],
}


def _write(callback, logs_per_epoch, first_epoch=0):
    callback.on_train_begin({})
    for epoch, logs in enumerate(logs_per_epoch, start=first_epoch):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end({})


def _without_column(data: bytes, column: str, separator: str) -> bytes:
    rows = [line.split(separator) for line in data.decode().split("\r\n")]
    if column not in rows[0]:
        return data
    index = rows[0].index(column)
    return "\r\n".join(separator.join(r[:index] + r[index + 1 :]) if r != [""] else "" for r in rows).encode()


@pytest.mark.keras
@pytest.mark.parametrize("separator", [",", ";"])
@pytest.mark.parametrize("name", list(LOGS))
def test_file_matches_keras_byte_for_byte(name, separator, tmp_path):
    # One deliberate difference: no always-empty `val_learning_rate` column (validation never logs a rate).
    keras = pytest.importorskip("keras")
    _write(keras.callbacks.CSVLogger(str(tmp_path / "keras.csv"), separator=separator), LOGS[name])
    _write(CSVLogger(tmp_path / "ours.csv", separator=separator), LOGS[name])
    expected = _without_column((tmp_path / "keras.csv").read_bytes(), "val_learning_rate", separator)
    assert (tmp_path / "ours.csv").read_bytes() == expected


@pytest.mark.keras
def test_append_matches_keras(tmp_path):
    keras = pytest.importorskip("keras")
    for _ in range(2):
        _write(keras.callbacks.CSVLogger(str(tmp_path / "keras.csv"), append=True), LOGS["with_validation"])
        _write(CSVLogger(tmp_path / "ours.csv", append=True), LOGS["with_validation"])
    ours = (tmp_path / "ours.csv").read_bytes()
    assert ours == (tmp_path / "keras.csv").read_bytes()
    assert ours.count(b"epoch") == 1


def test_a_later_fit_without_a_restore_starts_afresh_after_a_resumed_one(tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    logger.load_state_dict({"keys": None})
    _write(logger, LOGS["with_validation"])
    _write(logger, LOGS["with_validation"][:1])
    assert (tmp_path / "log.csv").read_text().count("\n") == 2


def test_without_append_a_new_fit_starts_the_file_afresh(tmp_path):
    logger = CSVLogger(tmp_path / "log.csv")
    _write(logger, LOGS["with_validation"])
    _write(logger, LOGS["with_validation"][:1])
    assert (tmp_path / "log.csv").read_text().count("\n") == 2


def test_real_fit_reads_back_with_pandas(binary_data, tmp_path):
    pandas = pytest.importorskip("pandas")
    x, y = binary_data
    model = fitwell.Model(torch.nn.Sequential(torch.nn.Linear(5, 1), torch.nn.Sigmoid()))
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"], device="cpu")
    path = tmp_path / "training.csv"
    history = model.fit(
        x, y, validation_split=0.25, validation_freq=2, epochs=4, verbose=0, callbacks=[CSVLogger(path)]
    )
    frame = pandas.read_csv(path)
    assert list(frame.columns) == [
        "epoch", "accuracy", "learning_rate", "loss",
        "val_accuracy", "val_loss",
    ]  # fmt: skip
    assert frame["epoch"].tolist() == [0, 1, 2, 3]
    np.testing.assert_array_equal(frame["loss"].to_numpy(), history.history["loss"])
    assert frame["val_loss"].isna().tolist() == [True, False, True, False]
    np.testing.assert_array_equal(frame["val_loss"].dropna().to_numpy(), history.history["val_loss"])


def test_resumed_run_drops_rows_past_the_backup_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    killed = CSVLogger(path)
    killed.on_train_begin({})
    for epoch in range(3):  # the backup was taken after epoch 1; epoch 2's row got written too
        killed.on_epoch_begin(epoch, {})
        killed.on_epoch_end(epoch, {"loss": 1.0 - epoch / 10})
        if epoch == 1:
            state = killed.state_dict()
    resumed = CSVLogger(path)
    resumed.on_train_begin({})
    for epoch, loss in ((2, 0.8), (3, 0.7)):
        resumed.on_epoch_begin(epoch, {})
        if epoch == 2:  # a resumed run loads the state once the hooks before the first step have run
            resumed.load_state_dict(state)
        resumed.on_epoch_end(epoch, {"loss": loss})
    resumed.on_train_end({})
    whole = CSVLogger(tmp_path / "whole.csv")
    _write(whole, [{"loss": 1.0}, {"loss": 0.9}, {"loss": 0.8}, {"loss": 0.7}])
    assert path.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert state == {"keys": ["loss", "val_loss"]}


@pytest.mark.parametrize("loaded_after", ["on_train_begin", "on_epoch_begin"])
def test_state_loaded_during_the_first_epoch_still_protects_the_file(loaded_after, tmp_path):
    path = tmp_path / "log.csv"
    _write(CSVLogger(path), [{"loss": 1.0}, {"loss": 0.9}])
    resumed = CSVLogger(path)
    resumed.on_train_begin({})
    if loaded_after == "on_train_begin":
        resumed.load_state_dict({"keys": ["loss", "val_loss"]})
    resumed.on_epoch_begin(2, {})
    if loaded_after == "on_epoch_begin":
        resumed.load_state_dict({"keys": ["loss", "val_loss"]})
    resumed.on_epoch_end(2, {"loss": 0.8})
    resumed.on_train_end({})
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,NA", "1,0.9,NA", "2,0.8,NA"]


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((None,), TypeError, r"`filename` must be a file path. Received: filename=None"),
        (("log.csv", ", "), ValueError, r"`separator` must be a single character. Received: separator=', '"),
    ],
)
def test_invalid_arguments_are_rejected(args, error, message):
    with pytest.raises(error, match=message):
        CSVLogger(*args)
