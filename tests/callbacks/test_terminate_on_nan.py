"""TerminateOnNaN: the batch it stops at, checked against Keras 3, plus real fits."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import fitwell
from callbacks.scripted import fitwell_model, keras_model
from fitwell.callbacks import TerminateOnNaN


def _run_batches(callback, model, losses):
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin({})
    callback.on_epoch_begin(0, {})
    seen = 0
    for batch, loss in enumerate(losses):
        callback.on_train_batch_begin(batch, {})
        callback.on_train_batch_end(batch, {"loss": loss})
        seen += 1
        if model.stop_training:
            break
    return seen


@pytest.mark.keras
@pytest.mark.parametrize(
    "losses",
    [[1.0, 0.9, 0.8], [1.0, math.nan, 0.5, 0.4], [math.inf, 1.0], [1.0, 0.9, -math.inf, 0.2]],
)
def test_stops_at_the_same_batch_as_keras(losses, capsys):
    keras = pytest.importorskip("keras")
    keras_seen = _run_batches(keras.callbacks.TerminateOnNaN(), keras_model(), losses)
    keras_out = capsys.readouterr().out
    our_seen = _run_batches(TerminateOnNaN(), fitwell_model(), losses)
    assert our_seen == keras_seen
    assert capsys.readouterr().out == keras_out


@pytest.mark.keras
def test_raise_error_matches_keras_message():
    keras = pytest.importorskip("keras")
    with pytest.raises(RuntimeError) as theirs:
        _run_batches(keras.callbacks.TerminateOnNaN(raise_error=True), keras_model(), [1.0, math.nan])
    with pytest.raises(
        RuntimeError, match=r"NaN or Inf loss encountered at batch 1\. Loss value: nan\."
    ) as ours:
        _run_batches(TerminateOnNaN(raise_error=True), fitwell_model(), [1.0, math.nan])
    assert str(ours.value) == str(theirs.value)


def _diverging_model():
    model = fitwell.Model(torch.nn.Linear(3, 1))
    model.compile(optimizer=fitwell.optimizers.SGD(learning_rate=1e6), loss="mse", device="cpu", guards=False)
    return model


def test_real_fit_stops_in_the_first_nan_batch(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32") * 100
    y = rng.normal(size=(64, 1)).astype("float32")
    model = _diverging_model()
    seen = []
    record = fitwell.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["loss"])
    )
    history = model.fit(x, y, batch_size=4, epochs=5, verbose=0, callbacks=[record, TerminateOnNaN()])
    first_bad = next(i for i, value in enumerate(seen) if not math.isfinite(value))
    assert len(seen) == first_bad + 1 < 16
    assert len(history.epoch) == 1
    assert not math.isfinite(history.history["loss"][0])
    assert capsys.readouterr().out == f"Batch {first_bad}: Invalid loss, terminating training\n"


def test_real_fit_raises_and_skips_on_train_end():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32") * 100
    y = rng.normal(size=(64, 1)).astype("float32")
    ended = []
    record = fitwell.callbacks.LambdaCallback(on_train_end=lambda logs: ended.append(True))
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch"):
        _diverging_model().fit(
            x, y, batch_size=4, epochs=2, verbose=0, callbacks=[TerminateOnNaN(raise_error=True), record]
        )
    assert ended == []


def test_finite_training_is_untouched(binary_data):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    history = model.fit(x, y, epochs=3, verbose=0, callbacks=[TerminateOnNaN()])
    assert len(history.epoch) == 3


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_check_is_one_batch_late_and_names_the_bad_batch(capsys):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32") * 100
    y = rng.normal(size=(64, 1)).astype("float32")
    model = fitwell.Model(torch.nn.Linear(3, 1))
    model.compile(
        optimizer=fitwell.optimizers.SGD(learning_rate=1e6), loss="mse", device="cuda", guards=False
    )
    seen = []
    record = fitwell.callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: seen.append(logs["loss"])
    )
    model.fit(x, y, batch_size=4, epochs=2, verbose=0, callbacks=[record, TerminateOnNaN()])
    first_bad = next(i for i, value in enumerate(seen) if not math.isfinite(value))
    assert len(seen) in (first_bad + 1, first_bad + 2)
    assert f"Batch {first_bad}: Invalid loss" in capsys.readouterr().out


def test_raise_error_must_be_a_bool():
    with pytest.raises(TypeError, match=r"`raise_error` must be True or False. Received: raise_error='yes'"):
        TerminateOnNaN(raise_error="yes")
