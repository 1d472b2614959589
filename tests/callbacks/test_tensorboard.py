"""TensorBoard: event files in Keras's layout, read back with TensorBoard's own reader."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks import ReduceLROnPlateau, TensorBoard

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


def _read(folder):
    accumulator = event_accumulator.EventAccumulator(
        str(folder), size_guidance={"scalars": 0, "histograms": 0}
    )
    accumulator.Reload()
    return accumulator


def _scalars(accumulator, tag):
    return [(event.step, event.value) for event in accumulator.Scalars(tag)]


def _fit(tmp_path, epochs=3, **options):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = fitwell.Model(torch.nn.Linear(3, 1))
    model.compile(
        optimizer=fitwell.optimizers.SGD(learning_rate=0.01), loss="mse", metrics=["mae"], device="cpu"
    )
    callbacks = [
        ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=100.0),
        TensorBoard(tmp_path, **options),
    ]
    history = model.fit(
        x, y, batch_size=10, validation_split=0.5, epochs=epochs, verbose=0, callbacks=callbacks
    )
    return model, history


def test_epoch_scalars_go_to_train_and_validation(tmp_path):
    _, history = _fit(tmp_path)
    train, validation = _read(tmp_path / "train"), _read(tmp_path / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_mae", "epoch_learning_rate"}
    assert set(validation.Tags()["scalars"]) == {
        "epoch_loss", "epoch_mae", "evaluation_loss_vs_iterations", "evaluation_mae_vs_iterations"
    }  # fmt: skip
    for key in ("loss", "mae"):
        steps, values = zip(*_scalars(train, f"epoch_{key}"), strict=True)
        assert steps == (0, 1, 2)
        np.testing.assert_allclose(values, history.history[key], rtol=1e-6)
        _, values = zip(*_scalars(validation, f"epoch_{key}"), strict=True)
        np.testing.assert_allclose(values, history.history[f"val_{key}"], rtol=1e-6)
    # The rate each epoch trained with, as History shows it (before ReduceLROnPlateau's cut).
    steps, rates = zip(*_scalars(train, "epoch_learning_rate"), strict=True)
    np.testing.assert_allclose(rates, history.history["learning_rate"], rtol=1e-6)
    np.testing.assert_allclose(rates, [0.01, 0.01, 0.005], rtol=1e-6)
    # Evaluation values at the optimizer's step count: 2 batches per epoch.
    assert [step for step, _ in _scalars(validation, "evaluation_loss_vs_iterations")] == [2, 4, 6]


@pytest.mark.parametrize(("update_freq", "steps"), [("batch", [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars_on_request(tmp_path, update_freq, steps):
    _fit(tmp_path, update_freq=update_freq)
    train = _read(tmp_path / "train")
    assert [step for step, _ in _scalars(train, "batch_loss")] == steps
    assert [step for step, _ in _scalars(train, "batch_mae")] == steps


def test_no_batch_scalars_by_default(tmp_path):
    _fit(tmp_path)
    assert not [tag for tag in _read(tmp_path / "train").Tags()["scalars"] if tag.startswith("batch_")]


def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    model, _ = _fit(tmp_path, epochs=3, histogram_freq=2)
    train = _read(tmp_path / "train")
    assert set(train.Tags()["histograms"]) == {"module.weight/histogram", "module.bias/histogram"}
    events = train.Histograms("module.weight/histogram")
    assert [event.step for event in events] == [0, 2]
    assert events[-1].histogram_value.num == 3
    assert events[-1].histogram_value.sum == pytest.approx(
        float(model.module.weight.detach().sum()), rel=1e-5
    )


def test_steps_per_second_on_request(tmp_path):
    _fit(tmp_path, write_steps_per_second=True)
    values = [value for _, value in _scalars(_read(tmp_path / "train"), "epoch_steps_per_second")]
    assert len(values) == 3 and all(value > 0 for value in values)


def test_write_graph_warns_that_no_graph_is_written(tmp_path):
    with pytest.warns(UserWarning, match=r"fitwell writes no model graph. Received: write_graph=True"):
        TensorBoard(tmp_path, write_graph=True)


def test_state_dict_round_trip_keeps_the_batch_numbering(tmp_path):
    board = TensorBoard(tmp_path)
    board._global_train_batch = 7
    resumed = TensorBoard(tmp_path)
    resumed.on_train_begin({})
    resumed.on_epoch_begin(3, {})
    resumed.load_state_dict(board.state_dict())  # after the hooks before the first step, as a resume does
    assert resumed.state_dict() == {"global_train_batch": 7}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"histogram_freq": -1}, r"`histogram_freq` must be an int >= 0. Received: histogram_freq=-1"),
        (
            {"update_freq": "step"},
            r"`update_freq` must be 'epoch', 'batch' or an int >= 1. Received: update_freq='step'",
        ),
        ({"update_freq": 0}, r"Received: update_freq=0"),
        ({"profile_batch": 2}, r"Profiling through TensorBoard is not supported. Received: profile_batch=2"),
    ],
)
def test_invalid_arguments_are_rejected(tmp_path, options, message):
    with pytest.raises(ValueError, match=message):
        TensorBoard(tmp_path, **options)


def test_log_dir_must_be_a_path():
    with pytest.raises(ValueError, match=r"`log_dir` must be a folder path. Received: log_dir=None"):
        TensorBoard(None)
