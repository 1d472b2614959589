"""CSVLogger(append=True): rows go under the file's own header, or not at all."""

from __future__ import annotations

import numpy as np
import pytest

from bad_inputs.catalogue import small_classifier
from fitwell.callbacks import CSVLogger, LambdaCallback


def _fit(path, *callbacks, validation=True, epochs=2):
    model = small_classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu")
    x, y = np.zeros((8, 4), "float32"), np.arange(8) % 3
    options = {"validation_data": (x, y)} if validation else {}
    return model.fit(x, y, epochs=epochs, verbose=0, callbacks=[CSVLogger(path, append=True), *callbacks],
                     **options)  # fmt: skip


def test_appended_rows_follow_the_existing_header_order(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("epoch,val_loss,loss,learning_rate,val_accuracy,accuracy\r\n")
    history = _fit(path)
    header, *rows = path.read_text().splitlines()
    assert header == "epoch,val_loss,loss,learning_rate,val_accuracy,accuracy" and len(rows) == 2
    first = dict(zip(header.split(","), rows[0].split(","), strict=True))
    assert float(first["val_loss"]) == pytest.approx(history.history["val_loss"][0])
    assert float(first["accuracy"]) == pytest.approx(history.history["accuracy"][0])


def test_columns_this_run_does_not_log_are_written_as_na(tmp_path):
    path = tmp_path / "log.csv"
    _fit(path)  # with validation: the header has val_ columns
    _fit(path, validation=False)
    header, *rows = path.read_text().splitlines()
    assert len(rows) == 4 and all(len(row.split(",")) == len(header.split(",")) for row in rows)
    val_loss = header.split(",").index("val_loss")
    assert [row.split(",")[val_loss] == "NA" for row in rows] == [False, False, True, True]


def test_without_validation_no_empty_learning_rate_column_is_reserved(tmp_path):
    path = tmp_path / "log.csv"
    path.unlink(missing_ok=True)
    _fit(path, validation=False)
    assert path.read_text().splitlines()[0] == "epoch,accuracy,learning_rate,loss,val_accuracy,val_loss"


def test_a_header_mismatch_found_only_at_the_first_row_still_writes_nothing(tmp_path):
    # A LambdaCallback could add keys, so the columns are known only at the first epoch's end.
    path = tmp_path / "log.csv"
    path.write_bytes(b"epoch,loss\r\n0,1.0\r\n")
    with pytest.raises(ValueError, match=r"lacks columns this run logs: \['accuracy'"):
        _fit(path, LambdaCallback(on_epoch_end=lambda epoch, logs: None))
    assert path.read_bytes() == b"epoch,loss\r\n0,1.0\r\n"
