"""Mixed precision: bf16 autocast trains like float32; fp16 uses a gradient scaler."""

from __future__ import annotations

import pytest
import torch

import fitwell
from conftest import make_classifier


def train(blobs, **compile_kwargs):
    x, y = blobs
    fitwell.utils.set_random_seed(0)
    model = make_classifier()
    model.compile(
        optimizer=fitwell.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        device="cpu",
        **compile_kwargs,
    )
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    return model, history


def test_bf16_reaches_the_float32_accuracy_band(blobs):
    _, full = train(blobs)
    model, mixed = train(blobs, mixed_precision="bf16")
    assert mixed.history["accuracy"][-1] == pytest.approx(full.history["accuracy"][-1], abs=0.03)
    assert all(p.dtype == torch.float32 for p in model.parameters())  # master weights stay float32
    assert all(isinstance(v, float) for v in mixed.history["loss"])


def test_bf16_really_runs_the_layers_in_bfloat16(blobs):
    x, y = blobs
    model = make_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu", mixed_precision="bf16"
    )
    seen = []
    model.layers[0].register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    model.fit(x[:64], y[:64], epochs=1, verbose=0)
    assert torch.bfloat16 in seen


def test_global_policy_names_from_keras(blobs):
    fitwell.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = make_classifier()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu")
        assert model.trainer.precision == "bf16"
    finally:
        fitwell.mixed_precision.set_global_policy("float32")
    with pytest.raises(ValueError, match=r"`policy` must be one of .*Received: policy='mixed_float17'"):
        fitwell.mixed_precision.set_global_policy("mixed_float16".replace("16", "17"))


def test_fp16_with_gradient_scaler(blobs):
    try:
        with torch.autocast("cpu", dtype=torch.float16):
            torch.nn.Linear(2, 2)(torch.ones(1, 2))
    except RuntimeError as error:  # pragma: no cover - depends on the torch build
        pytest.skip(f"float16 autocast is not supported on this CPU build: {error}")
    model, history = train(blobs, mixed_precision="fp16")
    assert isinstance(model.optimizer, fitwell.optimizers.LossScaleOptimizer)  # as Keras wraps it
    assert isinstance(model.optimizer.loss_scaler, torch.amp.GradScaler)
    assert isinstance(model.optimizer.inner_optimizer, fitwell.optimizers.Adam)
    assert history.history["accuracy"][-1] > 0.85


def test_batch_normalization_trains_under_bf16_and_keeps_float32_statistics(blobs):
    x, y = blobs
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(10,)),
            fitwell.layers.Dense(8, activation="relu"),
            fitwell.layers.BatchNormalization(),
            fitwell.layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", device="cpu", mixed_precision="bf16"
    )
    model.fit(x[:64], y[:64], epochs=1, batch_size=32, verbose=0)
    norm = model.layers[1]
    assert norm.running_mean.dtype == norm.running_var.dtype == torch.float32
    assert norm.running_mean.abs().sum() > 0  # the moving statistics moved
