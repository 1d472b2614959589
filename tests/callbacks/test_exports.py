"""The public surface of `fitwell.callbacks`."""

from __future__ import annotations

import fitwell
from fitwell import callbacks


def test_every_exported_name_imports_and_is_a_callback_or_the_list():
    assert sorted(callbacks.__all__) == [
        "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
        "LambdaCallback", "LearningRateScheduler", "LiveDiagnosis", "ModelCheckpoint", "ProgbarLogger",
        "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN",
    ]  # fmt: skip
    for name in callbacks.__all__:
        exported = getattr(callbacks, name)
        assert name == "CallbackList" or issubclass(exported, callbacks.Callback), name
    assert fitwell.callbacks.History is fitwell.History


def test_stateful_callbacks_have_json_states(tmp_path):
    import json

    stateful = [
        callbacks.EarlyStopping(),
        callbacks.ReduceLROnPlateau(),
        callbacks.ModelCheckpoint(str(tmp_path / "m.keras")),
        callbacks.CSVLogger(tmp_path / "log.csv"),
        callbacks.TensorBoard(tmp_path / "logs"),
    ]
    for callback in stateful:
        state = callback.state_dict()
        assert state, type(callback).__name__
        assert json.loads(json.dumps(state)) == state
        callback.load_state_dict(state)


def test_on_batch_end_is_keras_alias_of_the_train_batch_end_hook(blobs):
    import fitwell
    from conftest import make_classifier

    x, y = blobs
    seen = []

    class Legacy(fitwell.callbacks.Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch, round(logs["loss"], 6)))

    model = make_classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu")
    model.fit(x[:64], y[:64], batch_size=32, epochs=1, validation_split=0.5, verbose=0, callbacks=[Legacy()])
    assert [event[:2] for event in seen] == [("begin", 0), ("end", 0)]  # training batches only
    assert seen[1][2] > 0


def test_a_hook_name_no_loop_calls_is_warned_about_with_the_closest_hook(blobs):
    import pytest

    import fitwell
    from conftest import make_classifier

    class Misspelled(fitwell.callbacks.Callback):
        def on_epoch_ended(self, epoch, logs=None):
            raise AssertionError("never called")

    x, y = blobs
    model = make_classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu")
    with pytest.warns(
        UserWarning,
        match=r"Misspelled defines on_epoch_ended\(\), which .* never call.* Did you mean 'on_epoch_end'\?",
    ):
        model.fit(x[:32], y[:32], epochs=1, verbose=0, callbacks=[Misspelled()])
