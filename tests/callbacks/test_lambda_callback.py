"""LambdaCallback: functions as hooks, called by a real fit (batch hooks included)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks import CallbackList, LambdaCallback


def _model():
    model = fitwell.Model(torch.nn.Linear(3, 1))
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    return model


def test_every_given_hook_is_called_during_fit():
    x, y = np.ones((12, 3), "float32"), np.zeros((12, 1), "float32")
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {logs['loss'] >= 0}"),
        on_backward_end=lambda batch: calls.append(f"backward {batch}"),
        on_test_end=lambda logs: calls.append(f"test_end {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"),
    )
    _model().fit(x, y, batch_size=6, epochs=1, validation_data=(x, y), verbose=0, callbacks=[callback])
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        "batch_begin 0", "backward 0", "batch_end 0 True",
        "batch_begin 1", "backward 1", "batch_end 1 True",
        "test_end ['loss']",
        "epoch_end 0 ['learning_rate', 'loss', 'val_loss']",
        "train_end",
    ]  # fmt: skip


def test_hooks_not_given_are_not_dispatched():
    callbacks = CallbackList(
        [LambdaCallback(on_epoch_end=lambda epoch, logs: None)], model=_model(), params={}
    )
    assert not callbacks.uses("on_train_batch_end")
    assert not callbacks.uses("on_backward_end")
    with_batch = CallbackList(
        [LambdaCallback(on_train_batch_end=lambda batch, logs: None)], model=_model(), params={}
    )
    assert with_batch.uses("on_train_batch_end")


@pytest.mark.keras
def test_accepts_the_same_arguments_as_keras():
    keras = pytest.importorskip("keras")
    seen = {}
    hooks = {
        "on_epoch_end": lambda epoch, logs: seen.setdefault("epoch_end", epoch),
        "on_test_end": lambda logs: seen.setdefault("test_end", logs),
    }
    theirs, ours = keras.callbacks.LambdaCallback(**hooks), LambdaCallback(**hooks)
    for callback in (theirs, ours):
        callback.on_epoch_end(3, {})
        callback.on_test_end({"loss": 1.0})
    assert seen == {"epoch_end": 3, "test_end": {"loss": 1.0}}


def test_unknown_hook_suggests_the_closest():
    with pytest.raises(ValueError, match=r"Unknown hook 'on_epoch_ned'.*Did you mean 'on_epoch_end'\?"):
        LambdaCallback(on_epoch_ned=lambda epoch, logs: None)


def test_hook_must_be_callable():
    with pytest.raises(
        ValueError, match=r"`on_epoch_end` must be a function \(epoch, logs\). Received: on_epoch_end=1"
    ):
        LambdaCallback(on_epoch_end=1)
