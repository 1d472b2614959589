"""Masks as Keras: made by Embedding(mask_zero=True) and Masking, honoured by layers, loss and metrics."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import fitwell
from fitwell.layers.masking import Masking
from fitwell.layers.recurrent import GRU, LSTM, Bidirectional, TimeDistributed
from fitwell.layers.tensor_masks import get_mask

keras = pytest.importorskip("keras")

LAYERS = {"LSTM": LSTM, "GRU": GRU, "Bidirectional": Bidirectional, "TimeDistributed": TimeDistributed}


def _layer(lib, name):
    return LAYERS[name] if lib is fitwell else getattr(keras.layers, name)


def _ids(padding="right"):
    ids = np.random.default_rng(0).integers(1, 30, size=(5, 8))
    if padding == "right":
        ids[1, 5:] = 0
        ids[2, 1:] = 0
    else:  # zeros anywhere: the steps are skipped wherever they are
        ids[1, [0, 3, 4]] = 0
        ids[2, :2] = 0
    return ids


def _close(a, b, atol=2e-6):
    a = a.detach().numpy() if isinstance(a, torch.Tensor) else np.asarray(a)
    np.testing.assert_allclose(a, keras.ops.convert_to_numpy(b), atol=atol, rtol=1e-5)


def test_embedding_and_masking_make_keras_masks():
    ids = torch.as_tensor(_ids())
    embedded = fitwell.layers.Embedding(30, 4, mask_zero=True)(ids)
    assert torch.equal(get_mask(embedded), ids != 0)
    assert get_mask(fitwell.layers.Embedding(30, 4)(ids)) is None
    x = np.random.default_rng(1).normal(size=(2, 4, 3)).astype("float32")
    x[0, 1] = 0.5
    x[1, 3] = 0.5
    ours, theirs = Masking(0.5)(torch.as_tensor(x)), keras.layers.Masking(0.5)(x)
    _close(ours, theirs)
    _close(get_mask(ours), theirs._keras_mask)


@pytest.mark.parametrize("padding", ["right", "gaps"])
@pytest.mark.parametrize("path", ["auto", False])
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_sequential_masks_reach_recurrent_layers_as_in_keras(name, path, padding):
    def build(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(None,), dtype="int64"),
                lib.layers.Embedding(30, 6, mask_zero=True),
                _layer(lib, name)(5, return_sequences=True),
                _layer(lib, name)(4, go_backwards=True),
            ]
        )

    ours, theirs = build(fitwell), build(keras)
    ours.set_weights(theirs.get_weights())
    for layer in ours.layers[1:]:
        layer.use_cudnn = path
    ids = _ids(padding)
    _close(ours.predict(ids, verbose=0), theirs.predict(ids, verbose=0))


def test_functional_model_with_bidirectional_and_pooling_matches_keras():
    def build(lib):
        inputs = lib.Input(shape=(None,), dtype="int64")
        x = lib.layers.Embedding(30, 6, mask_zero=True)(inputs)
        x = _layer(lib, "Bidirectional")(_layer(lib, "LSTM")(4, return_sequences=True))(x)
        x = lib.layers.Dense(3, activation="relu")(x)  # keeps the mask
        x = lib.layers.GlobalAveragePooling1D()(x)  # averages the real steps only
        return lib.Model(inputs, lib.layers.Dense(1)(x))

    ours, theirs = build(fitwell), build(keras)
    ours.set_weights(theirs.get_weights())
    for padding in ("right", "gaps"):
        ids = _ids(padding)
        _close(ours.predict(ids, verbose=0), theirs.predict(ids, verbose=0), atol=1e-5)


def test_padded_steps_change_nothing():
    model = fitwell.Sequential(
        [
            fitwell.layers.Embedding(30, 6, mask_zero=True),
            Bidirectional(GRU(4, return_sequences=True)),
            fitwell.layers.GlobalAveragePooling1D(),
            fitwell.layers.Dense(2),
        ]
    )
    short = torch.tensor([[3, 9, 4]])
    padded = torch.tensor([[3, 9, 4, 0, 0, 0, 0]])
    torch.testing.assert_close(model(padded), model(short))


def test_masked_timesteps_do_not_count_in_loss_and_metrics_as_keras():
    def build(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(None,), dtype="int64"),
                lib.layers.Embedding(30, 6, mask_zero=True),
                _layer(lib, "LSTM")(5, return_sequences=True),
                _layer(lib, "TimeDistributed")(lib.layers.Dense(3, activation="softmax")),
            ]
        )

    ours, theirs = build(fitwell), build(keras)
    ours.set_weights(theirs.get_weights())
    ids = _ids("gaps")
    labels = np.random.default_rng(2).integers(0, 3, size=ids.shape)
    weights = np.random.default_rng(3).uniform(0.5, 2.0, size=ids.shape).astype("float32")  # per step
    for model in (ours, theirs):
        model.compile(
            optimizer="sgd",
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            weighted_metrics=["accuracy"],
        )
    assert get_mask(ours(torch.as_tensor(ids))) is not None
    ours_logs = ours.evaluate(ids, labels, sample_weight=weights, verbose=0, return_dict=True)
    theirs_logs = theirs.evaluate(ids, labels, sample_weight=weights, verbose=0, return_dict=True)
    assert set(ours_logs) == set(theirs_logs)
    for key, value in theirs_logs.items():
        assert ours_logs[key] == pytest.approx(value, rel=1e-5), key
    unmasked = ours.evaluate(
        np.where(ids == 0, 1, ids), labels, verbose=0, return_dict=True
    )  # no padding: every step counts
    assert unmasked["loss"] != pytest.approx(ours_logs["loss"], rel=1e-3)


def test_a_masked_sequence_model_trains():
    ids = _ids("gaps")
    labels = (ids[:, :2].sum(axis=1) > 25).astype("float32")
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(None,), dtype="int64"),
            fitwell.layers.Embedding(30, 6, mask_zero=True),
            LSTM(5),
            fitwell.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(ids, labels, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.parameters())


def test_masks_flow_through_your_own_call():
    class Encoder(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.embedding = fitwell.layers.Embedding(30, 6, mask_zero=True)
            self.rnn = LSTM(4)

        def call(self, ids):
            return self.rnn(self.embedding(ids))

    model = Encoder()
    torch.testing.assert_close(model(torch.tensor([[5, 6, 0, 0]])), model(torch.tensor([[5, 6]])))


def test_a_layer_without_mask_support_warns_and_drops_the_mask():
    embedded = fitwell.layers.Embedding(30, 4, mask_zero=True)(torch.as_tensor(_ids()))
    with pytest.warns(UserWarning, match="does not support masking"):
        flat = fitwell.layers.Flatten()(embedded)
    assert get_mask(flat) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dense = fitwell.layers.Dense(2)(embedded)  # Dense keeps the steps and the mask, as Keras
    assert torch.equal(get_mask(dense), get_mask(embedded))


def test_an_explicit_mask_for_a_layer_that_cannot_take_one_is_an_error():
    with pytest.raises(TypeError, match="cannot take a mask"):
        fitwell.layers.Dense(2)(torch.zeros(2, 3, 4), mask=torch.ones(2, 3, dtype=torch.bool))


def test_mask_zero_is_saved(tmp_path):
    model = fitwell.Sequential(
        [fitwell.Input(shape=(None,), dtype="int64"), fitwell.layers.Embedding(30, 4, mask_zero=True), GRU(3)]
    )
    model.save(tmp_path / "masked.keras")
    loaded = fitwell.saving.load_model(tmp_path / "masked.keras")
    assert loaded.layers[0].mask_zero is True
    ids = torch.as_tensor(_ids())
    torch.testing.assert_close(loaded(ids), model(ids))
