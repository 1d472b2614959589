"""verbose=0/1/2: silence, a progress bar, one line per epoch."""

from __future__ import annotations

import io

import fitwell
from conftest import make_classifier
from fitwell.callbacks import ProgbarLogger


def compiled():
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    return model


def test_verbose_zero_prints_nothing(blobs, capsys):
    x, y = blobs
    compiled().fit(x, y, epochs=2, verbose=0)
    compiled().evaluate(x, y, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_two_prints_one_line_per_epoch(blobs, capsys):
    x, y = blobs
    compiled().fit(x, y, validation_split=0.2, epochs=3, verbose=2, diagnose=False)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - ")
    for key in ("loss: ", "accuracy: ", "val_loss: ", "val_accuracy: "):
        assert key in lines[-1]


def test_verbose_one_draws_a_bar_per_epoch_with_the_final_values(blobs):
    x, y = blobs
    out = io.StringIO()
    history = compiled().fit(
        x, y, epochs=2, batch_size=100, verbose=1, callbacks=[ProgbarLogger(1, file=out)]
    )
    text = out.getvalue()
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "6/6" in text
    assert f"loss: {history.history['loss'][-1]:.4f}" in text


def test_evaluate_verbose_one_shows_an_evaluate_bar(blobs):
    x, y = blobs
    out = io.StringIO()
    compiled().evaluate(x, y, batch_size=100, verbose=1, callbacks=[ProgbarLogger(1, file=out)])
    assert "Evaluate" in out.getvalue() and "6/6" in out.getvalue()


def test_auto_means_a_progress_bar(blobs):
    x, y = blobs
    model = compiled()
    history = model.fit(x, y, epochs=1, verbose="auto", callbacks=[ProgbarLogger(1, file=io.StringIO())])
    assert history.params["verbose"] == 1
    assert isinstance(fitwell.callbacks.ProgbarLogger(2), fitwell.callbacks.Callback)


def test_verbose_runs_end_with_a_short_diagnosis_unless_silenced(blobs, capsys):
    x, y = blobs
    compiled().fit(x, y, validation_split=0.2, epochs=3, verbose=2)
    text = capsys.readouterr().out
    assert text.count("Epoch ") == 3 and len(text.strip().splitlines()) > 3
    compiled().fit(x, y, validation_split=0.2, epochs=3, verbose=2, diagnose=False)
    assert len(capsys.readouterr().out.strip().splitlines()) == 3
