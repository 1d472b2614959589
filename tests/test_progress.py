"""verbose=0/1/2: silence, a progress display, one line per epoch; callback messages around it.

A real terminal is driven in test_progress_terminal.py and a real notebook in
test_progress_notebook.py; here the display writes to files, to a stand-in
terminal and to pytest's captured stdout.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping

import numpy as np
import pytest

import fitwell
from conftest import make_classifier
from fitwell.callbacks import EarlyStopping, ModelCheckpoint, ProgbarLogger, ReduceLROnPlateau, progbar_logger
from fitwell.callbacks.progbar_logger import format_logs, print_message
from fitwell.callbacks.progress_display import (
    LineDisplay,
    Progress,
    TerminalDisplay,
    format_value,
    open_display,
    progress_parts,
    wrap_parts,
)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal(io.StringIO):
    """Stands in for a terminal: says it is one and keeps what is written."""

    def isatty(self) -> bool:
        return True


def compiled():
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    return model


def shown(logs: Mapping[str, float]) -> str:
    """Every value of `logs` as the final line shows them, in order."""
    return " - ".join(f"{key}: {format_value(value)}" for key, value in logs.items())


def epoch_logs(history, epoch: int) -> dict[str, float]:
    return {key: values[epoch] for key, values in history.history.items()}


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


def test_in_a_file_each_epoch_is_its_header_and_one_line_with_every_value(blobs):
    x, y = blobs
    out = io.StringIO()
    history = compiled().fit(
        x, y, validation_split=0.2, epochs=3, batch_size=100, callbacks=[ProgbarLogger(1, file=out)]
    )
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    lines = text.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    for epoch, line in enumerate(lines[1::2]):
        head, values = line.split(" - ", 1)
        assert re.fullmatch(r"5/5 ━{20} \d+s \d+(ms|us)/step", head), head
        assert values == shown(epoch_logs(history, epoch))
        assert "val_accuracy: " in values and "learning_rate: 1.0000e-03" in values


def test_a_single_epoch_has_no_header_as_in_keras(blobs):
    x, y = blobs
    out = io.StringIO()
    compiled().fit(x, y, epochs=1, batch_size=100, callbacks=[ProgbarLogger(1, file=out)])
    assert out.getvalue().startswith("6/6 ━━━━")
    assert len(out.getvalue().splitlines()) == 1


def test_evaluate_and_predict_end_with_a_complete_line(blobs):
    x, y = blobs
    model = compiled()
    out = io.StringIO()
    loss, accuracy = model.evaluate(x, y, batch_size=100, callbacks=[ProgbarLogger(1, file=out)])
    assert out.getvalue().endswith(f"/step - loss: {loss:.4f} - accuracy: {accuracy:.4f}\n")
    assert out.getvalue().startswith("6/6 ━━━━")
    out = io.StringIO()
    model.predict(x, batch_size=100, callbacks=[ProgbarLogger(1, file=out)])
    assert re.fullmatch(r"6/6 ━{20} \d+s \d+(ms|us)/step\n", out.getvalue())


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


def test_callback_messages_follow_their_epochs_line_in_callback_order(blobs, tmp_path, capsys):
    x, y = blobs
    path = str(tmp_path / "best.weights.h5")
    callbacks = [
        ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1),
        # min_delta=10: nothing counts as an improvement after the first epoch.
        ReduceLROnPlateau(patience=1, min_delta=10, verbose=1),
        EarlyStopping(patience=2, min_delta=10, restore_best_weights=True, verbose=1),
    ]
    history = compiled().fit(
        x, y, validation_split=0.2, epochs=6, batch_size=100, callbacks=callbacks, diagnose=False
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(history.epoch) == 3
    assert "" not in lines  # Keras's leading newlines are not needed between whole lines
    assert lines[-2:] == [
        "Epoch 3: early stopping",
        "Restoring model weights from the end of the best epoch: 1.",
    ]
    headers = [lines.index(f"Epoch {epoch}/6") for epoch in (1, 2, 3)] + [len(lines) - 2]
    for epoch in range(3):
        start, stop = headers[epoch], headers[epoch + 1]
        assert lines[start + 1].endswith(shown(epoch_logs(history, epoch)))
        messages = lines[start + 2 : stop]
        assert all(message.startswith(f"Epoch {epoch + 1}: ") for message in messages), messages
        kinds = ["ReduceLROnPlateau" if "ReduceLROnPlateau" in m else "ModelCheckpoint" for m in messages]
        assert kinds == sorted(kinds, key=["ModelCheckpoint", "ReduceLROnPlateau"].index)
    assert f"Epoch 1: val_loss improved from None to {history.history['val_loss'][0]:.5f}" in lines[2]
    assert lines[headers[2] - 1] == "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.0001."


def test_without_a_display_messages_are_printed_as_keras_prints_them(blobs, capsys):
    x, y = blobs
    reduce = ReduceLROnPlateau(patience=1, min_delta=10, verbose=1)
    compiled().fit(x, y, validation_split=0.2, epochs=2, batch_size=100, verbose=0, callbacks=[reduce])
    assert capsys.readouterr().out == "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.0001.\n"
    print_message(fitwell.callbacks.Callback(), "\nEpoch 1: a message")
    assert capsys.readouterr().out == "\nEpoch 1: a message\n"


class CountingLogs(Mapping):
    """Batch logs that count how often they are read (each read is a device sync in a real run)."""

    def __init__(self) -> None:
        self.reads = 0

    def __getitem__(self, key: str) -> float:
        return {"loss": 0.5}[key]

    def __iter__(self) -> Iterator[str]:
        self.reads += 1
        return iter(["loss"])

    def __len__(self) -> int:
        return 1


def run_epoch(logger: ProgbarLogger, logs: CountingLogs, steps: int = 50) -> None:
    logger.set_params({"epochs": 2, "steps": steps, "verbose": 1, "mode": "fit"})
    logger.on_epoch_begin(0, {})
    for step in range(steps):
        logger.on_train_batch_end(step, logs)
    logger.on_epoch_end(0, {"loss": 0.5})


@pytest.mark.parametrize(
    ("stream", "refresh_seconds", "reads"),
    [(Terminal, 3600.0, 0), (Terminal, 0.0, 50), (io.StringIO, 0.0, 0)],
    ids=["terminal-throttled", "terminal-every-step", "file"],
)
def test_running_values_are_read_only_when_the_live_line_is_redrawn(
    stream, refresh_seconds, reads, monkeypatch
):
    monkeypatch.setattr(progbar_logger, "REFRESH_SECONDS", refresh_seconds)
    logs = CountingLogs()
    out = stream()
    run_epoch(ProgbarLogger(1, file=out), logs)
    assert logs.reads == reads
    assert "loss: 0.5000" in out.getvalue()


def screen_lines(text: str) -> list[str]:
    """What a terminal shows line by line, redraws included, with the escape codes removed."""
    return [line for chunk in ANSI.sub("", text).split("\n") for line in chunk.split("\r")]


def test_a_terminal_gets_lines_wrapped_to_its_width_and_redrawn_in_place(blobs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr(progbar_logger, "REFRESH_SECONDS", 0.0)
    x, y = blobs
    out = Terminal()
    history = compiled().fit(
        x, y, validation_split=0.2, epochs=2, batch_size=50, callbacks=[ProgbarLogger(1, file=out)]
    )
    text = out.getvalue()
    assert "\x1b[1A" in text  # the cursor goes up over the wrapped lines to redraw them
    lines = screen_lines(text)
    assert max(len(line) for line in lines) <= 40
    assert any("ETA" in line for line in lines) and any("elapsed" in line for line in lines)
    for epoch in range(2):
        for key, value in epoch_logs(history, epoch).items():
            assert any(f"{key}: {format_value(value)}" in line for line in lines), key


def test_a_message_during_the_steps_goes_above_the_live_line(blobs, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    terminal = Terminal()
    monkeypatch.setattr("sys.stdout", terminal)

    class Speaker(fitwell.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                print_message(self, "\nBatch 2: something to say")

    x, y = blobs
    compiled().fit(x, y, epochs=1, batch_size=100, callbacks=[Speaker()], diagnose=False)
    lines = [line for line in screen_lines(terminal.getvalue()) if line.strip()]
    said = lines.index("Batch 2: something to say")
    final = max(index for index, line in enumerate(lines) if line.startswith("6/6 ━━━━"))
    assert 0 < said < final and lines[0].startswith("0/6 ────")


@pytest.mark.keras
def test_values_are_formatted_as_keras_formats_them(capsys):
    keras = pytest.importorskip("keras")
    values = [("loss", 0.25), ("tiny", 1e-4), ("negative", -0.5), ("zero", 0.0), ("big", 1234.56789)]
    bar = keras.utils.Progbar(2, verbose=1, stateful_metrics=[name for name, _ in values])
    bar.update(2, values, finalize=True)
    theirs = ANSI.sub("", capsys.readouterr().out).strip().split(" - ", 1)[1]
    assert theirs == format_logs(dict(values))


def test_wrapping_never_cuts_and_breaks_only_between_parts():
    rng = np.random.default_rng(0)
    for _ in range(200):
        texts = ["".join(rng.choice(list("abc: 0.123"), size=rng.integers(1, 30))) for _ in range(8)]
        parts = [("", texts[0])] + [(" - ", text) for text in texts[1:]]
        width = int(rng.integers(1, 90))
        lines = wrap_parts(parts, width)
        assert all(len(line) <= width for line in lines)
        for text in texts:
            if len(text) <= width:
                assert any(text in line for line in lines)
        unseparated = [("", text) for text in texts]
        assert "".join(wrap_parts(unseparated, width)) == "".join(texts)


def test_the_bar_narrows_on_narrow_terminals_and_the_live_line_shows_the_eta():
    progress = Progress(12, 36, 3.2, 0.2, [("loss", 2.13221)])
    parts = progress_parts(progress, width=14)
    assert parts[:2] == [("", "12/36"), (" ", "━━──────")]
    line = wrap_parts(progress_parts(progress))[0]
    assert line == "12/36 ━━━━━━────────────── 3s elapsed, ETA 5s, 200ms/step - loss: 2.1322"
    unknown = wrap_parts(progress_parts(Progress(7, None, 65.0, 0.5)))[0]
    assert unknown == "7/Unknown 1:05 elapsed, 500ms/step"


def test_each_output_gets_its_kind_of_display(monkeypatch):
    assert isinstance(open_display(io.StringIO()), LineDisplay)
    assert isinstance(open_display(Terminal()), TerminalDisplay)
    monkeypatch.setenv("TERM", "dumb")
    assert isinstance(open_display(Terminal()), LineDisplay)
