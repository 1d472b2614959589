"""compile(jit_compile=True): same results as eager; a failing compiler falls back with a warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import fitwell
from conftest import make_classifier
from fitwell import jit


def train(blobs, *, jit_compile: bool):
    x, y = blobs
    fitwell.utils.set_random_seed(0)
    model = make_classifier()
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=jit_compile,
        device="cpu",
    )
    history = model.fit(x, y, epochs=2, batch_size=64, shuffle=False, verbose=0)
    return model, history


@pytest.mark.slow
def test_compiled_training_matches_eager_within_float_tolerance(blobs):
    eager_model, eager = train(blobs, jit_compile=False)
    compiled_model, compiled = train(blobs, jit_compile=True)
    np.testing.assert_allclose(compiled.history["loss"], eager.history["loss"], rtol=1e-4)
    for a, b in zip(eager_model.parameters(), compiled_model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_a_compiler_failure_warns_once_and_trains_eagerly(blobs, monkeypatch):
    def broken_compile(fn, **kwargs):
        def fail(*args, **kw):
            raise RuntimeError("backend exploded\nsecond line")

        return fail

    monkeypatch.setattr(jit.torch, "compile", broken_compile)
    _, eager = train(blobs, jit_compile=False)
    with pytest.warns(
        UserWarning, match=r"could not compile this model \(RuntimeError: backend exploded\)"
    ) as caught:
        _, fallback = train(blobs, jit_compile=True)
    assert len([w for w in caught if "could not compile" in str(w.message)]) == 1
    assert fallback.history["loss"] == pytest.approx(eager.history["loss"], rel=1e-6)


def test_jit_compile_really_runs_a_compiled_graph(blobs, monkeypatch):
    # Fails when compilation silently falls back to eager: the captured graphs are counted.
    from torch._dynamo.utils import counters

    monkeypatch.setattr(jit, "BACKEND", "aot_eager")  # torch.compile's capture, without code generation
    torch._dynamo.reset()
    counters.clear()
    x, y = blobs
    model = fitwell.Sequential([fitwell.Input(shape=(10,)), fitwell.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", jit_compile=True, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fallback warns: here that is a failure
        history = model.fit(x[:128], y[:128], epochs=2, batch_size=32, verbose=0)
    assert counters["frames"]["ok"] >= 1
    assert counters["stats"]["unique_graphs"] == 1  # captured once, reused by every step
    assert model.trainer.forward_loss.is_compiled
    assert history.history["loss"][1] < history.history["loss"][0]
