"""The loop's promises: no per-step host sync, unused batch hooks skipped."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier
from fitwell.callbacks.base import CallbackList

SYNCING = ("item", "tolist", "__float__", "__int__", "__bool__", "cpu", "numpy")


def count_host_reads(monkeypatch) -> dict[str, int]:
    counts = dict.fromkeys(SYNCING, 0)
    for name in SYNCING:
        original = getattr(torch.Tensor, name)

        def wrapper(self, *args, _name=name, _original=original, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, wrapper)
    return counts


def fit_and_count(monkeypatch, samples: int, *, verbose: int = 0, callbacks=None) -> int:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(samples, 10)).astype("float32")
    y = rng.integers(0, 3, size=samples)
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    model.fit(x[:32], y[:32], epochs=1, verbose=0)  # build once, outside the count
    with monkeypatch.context() as patch:
        counts = count_host_reads(patch)
        model.fit(x, y, epochs=2, batch_size=8, verbose=verbose, callbacks=callbacks)
    return sum(counts.values())


def test_host_reads_do_not_grow_with_the_number_of_steps(monkeypatch):
    few = fit_and_count(monkeypatch, 80)  # 10 steps per epoch
    many = fit_and_count(monkeypatch, 800)  # 100 steps per epoch
    assert few == many
    assert many <= 12  # first-batch checks plus one read per epoch


def test_batch_hook_that_ignores_logs_adds_no_host_read(monkeypatch):
    class CountBatches(fitwell.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.last = batch

    assert fit_and_count(monkeypatch, 800, callbacks=[CountBatches()]) == fit_and_count(monkeypatch, 80)


def test_batch_logs_are_running_averages_when_read():
    class Record(fitwell.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.logs = []

        def on_train_batch_end(self, batch, logs=None):
            self.logs.append(dict(logs))

    recorder = Record()
    x = np.ones((6, 10), "float32")
    model = make_classifier()
    model.compile(optimizer=fitwell.optimizers.SGD(0.0), loss="sparse_categorical_crossentropy", device="cpu")
    history = model.fit(x, np.zeros(6, int), batch_size=2, epochs=1, verbose=0, callbacks=[recorder])
    assert [set(logs) for logs in recorder.logs] == [{"loss"}] * 3
    assert recorder.logs[-1]["loss"] == pytest.approx(history.history["loss"][0])


def test_callback_list_knows_which_batch_hooks_are_used():
    class EpochOnly(fitwell.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class BatchToo(fitwell.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    model = make_classifier()
    quiet = CallbackList([EpochOnly()], model=model, params={})
    busy = CallbackList([EpochOnly(), BatchToo()], model=model, params={})
    assert not quiet.uses("on_train_batch_end") and not quiet.uses("on_train_batch_begin")
    assert busy.uses("on_train_batch_end") and not busy.uses("on_test_batch_end")


def test_on_backward_end_sees_gradients_before_the_update(blobs):
    x, y = blobs

    class ClipToZero(fitwell.callbacks.Callback):
        def on_backward_end(self, batch):
            for parameter in self.model.parameters():
                parameter.grad.zero_()

    model = make_classifier()
    model.compile(optimizer=fitwell.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy", device="cpu")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.fit(x, y, epochs=1, verbose=0, callbacks=[ClipToZero()])
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
