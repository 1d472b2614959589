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
