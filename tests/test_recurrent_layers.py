"""Recurrent layers against Keras 3 (torch backend): same weights and inputs, same outputs and states."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.layers.recurrent import (
    GRU,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    TimeDistributed,
    fused,
)

keras = pytest.importorskip("keras")

OURS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
ATOL = 2e-6


def _numpy(value):
    return (
        keras.ops.convert_to_numpy(value) if not isinstance(value, torch.Tensor) else value.detach().numpy()
    )


def _assert_close(ours, theirs, atol=ATOL):
    ours = ours if isinstance(ours, list | tuple) else [ours]
    theirs = theirs if isinstance(theirs, list | tuple) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(_numpy(a), _numpy(b), atol=atol, rtol=1e-5)


def _pair(name, units=4, **kwargs):
    """A Keras layer and ours with its weights, built for (batch, steps, 5) inputs."""
    theirs = getattr(keras.layers, name)(units, **kwargs)
    theirs.build((None, 6, 5))
    ours = OURS[name](units, **kwargs)
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    return ours, theirs


@pytest.fixture
def sequences():
    return np.random.default_rng(0).normal(size=(4, 6, 5)).astype("float32")


MASKS = {
    "right_padded": [[1] * 6, [1] * 4 + [0] * 2, [1] + [0] * 5, [0] * 6],
    "gaps": [[1] * 6, [0, 1, 1, 0, 1, 0], [1] + [0] * 5, [0] * 6],
}

CONFIGS = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"activation": "relu", "use_bias": False}),
    ("SimpleRNN", {"activation": "sigmoid"}),
    ("LSTM", {}),
    ("LSTM", {"use_bias": False, "unit_forget_bias": False}),
    ("LSTM", {"recurrent_activation": "hard_sigmoid", "activation": "relu"}),
    ("GRU", {}),
    ("GRU", {"reset_after": False}),
    ("GRU", {"use_bias": False}),
]


@pytest.mark.parametrize("path", ["auto", False])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize(("name", "config"), CONFIGS)
def test_outputs_and_states_match_keras(name, config, go_backwards, path, sequences):
    ours, theirs = _pair(name, return_sequences=True, return_state=True, go_backwards=go_backwards, **config)
    ours.use_cudnn = path
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_last_output_and_initial_state_match_keras(name, sequences):
    ours, theirs = _pair(name)
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    count = 2 if name == "LSTM" else 1
    initial = [np.random.default_rng(i).normal(size=(4, 4)).astype("float32") for i in range(count)]
    for path in ("auto", False):
        ours.use_cudnn = path
        _assert_close(
            ours(torch.as_tensor(sequences), initial_state=[torch.as_tensor(s) for s in initial]),
            theirs(sequences, initial_state=initial),
        )


@pytest.mark.parametrize("path", ["auto", False])
@pytest.mark.parametrize("mask_name", sorted(MASKS))
@pytest.mark.parametrize(
    "options", [{}, {"go_backwards": True}, {"zero_output_for_mask": True}, {"return_sequences": False}]
)
@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_masked_steps_match_keras(name, options, mask_name, path, sequences):
    options = {"return_sequences": True, **options}
    ours, theirs = _pair(name, return_state=True, **options)
    ours.use_cudnn = path
    mask = np.array(MASKS[mask_name], dtype=bool)
    _assert_close(ours(torch.as_tensor(sequences), mask=torch.as_tensor(mask)), theirs(sequences, mask=mask))


def test_right_padded_masks_run_on_the_fused_kernel(monkeypatch, sequences):
    calls = []
    real = fused.run_padded
    monkeypatch.setattr(fused, "run_padded", lambda *a, **k: calls.append(1) or real(*a, **k))
    layer = LSTM(4)
    layer(torch.as_tensor(sequences), mask=torch.as_tensor(np.array(MASKS["right_padded"], dtype=bool)))
    assert calls == [1]
    layer(torch.as_tensor(sequences), mask=torch.as_tensor(np.array(MASKS["gaps"], dtype=bool)))
    assert calls == [1]  # a mask with gaps runs step by step


def test_padding_changes_nothing(sequences):
    """A sequence padded at the end (with Embedding's mask) gives the unpadded sequence's results."""
    layer = LSTM(3, return_state=True)
    short = torch.as_tensor(sequences[:1, :4])
    padded = torch.cat([short, torch.full((1, 2, 5), 9.0)], dim=1)
    mask = torch.tensor([[True] * 4 + [False] * 2])
    for path in ("auto", False):
        layer.use_cudnn = path
        _assert_close(layer(padded, mask=mask), layer(short), atol=1e-6)


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("SimpleRNN", {"dropout": 0.3, "recurrent_dropout": 0.2}),
        ("LSTM", {"dropout": 0.3}),
        ("LSTM", {"dropout": 0.3, "recurrent_dropout": 0.4}),
        ("GRU", {"dropout": 0.2}),
        ("GRU", {"dropout": 0.3, "recurrent_dropout": 0.2, "reset_after": False}),
    ],
)
def test_seeded_dropout_draws_keras_masks(name, config, sequences):
    """One mask per sequence (per gate with recurrent_dropout), drawn as Keras draws them."""
    ours, theirs = _pair(name, return_sequences=True, seed=7, **config)
    _assert_close(ours(torch.as_tensor(sequences), training=True), theirs(sequences, training=True))
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))  # inference: no dropout


def test_input_dropout_uses_one_mask_for_every_step():
    layer = SimpleRNN(3, dropout=0.5, activation=None, use_bias=False, recurrent_initializer="zeros")
    x = torch.ones(64, 5, 8)
    layer(x)
    with torch.no_grad():
        layer.cell.kernel.copy_(torch.eye(8)[:, :3])  # output unit j reads input unit j
    layer.return_sequences = True
    y = layer(x, training=True)
    assert torch.equal(y[:, 0], y[:, 4])  # the same units dropped at every step
    assert set(torch.unique(y).tolist()) == {0.0, 2.0}


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_initial_weights_and_counts_match_keras(name):
    ours, theirs = _pair(name, units=6)
    assert ours.count_params() == theirs.count_params()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
    fresh = OURS[name](6)
    fresh.build((None, 6, 5))
    kernel, recurrent, bias = fresh.get_weights()
    limit = np.sqrt(6 / (5 + kernel.shape[1]))  # glorot_uniform
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.5 * limit
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(6), atol=1e-5)  # orthogonal rows
    expected_bias = np.zeros_like(bias)
    if name == "LSTM":
        expected_bias[6:12] = 1.0  # unit_forget_bias
    np.testing.assert_array_equal(bias, expected_bias)
    assert [w.name for w in [*theirs.weights]] == ["kernel", "recurrent_kernel", "bias"]
    assert [name for name, _ in fresh.named_parameters()] == [
        "cell.kernel",
        "cell.recurrent_kernel",
        "cell.bias",
    ]


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_gradients_of_the_fused_and_step_paths_agree(name, sequences):
    layer = OURS[name](4, return_sequences=True)
    x = torch.as_tensor(sequences)
    layer(x)
    grads = []
    for path in ("auto", False):
        layer.use_cudnn = path
        layer.zero_grad()
        layer(x).square().sum().backward()
        grads.append([p.grad.clone() for p in layer.parameters()])
    for a, b in zip(*grads, strict=True):
        assert a.abs().sum() > 0
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_stateful_layer_continues_where_the_last_batch_stopped(sequences):
    x = torch.as_tensor(sequences)
    whole = LSTM(3, return_sequences=True)
    whole(x)
    stateful = LSTM(3, return_sequences=True, stateful=True)
    stateful(x[:, :1])
    stateful.set_weights(whole.get_weights())
    stateful.reset_states()
    first, second = stateful(x[:, :3]), stateful(x[:, 3:])
    _assert_close(torch.cat([first, second], dim=1), whole(x), atol=1e-6)
    stateful.reset_states()
    _assert_close(stateful(x[:, :3]), first, atol=1e-6)
    with pytest.raises(ValueError, match="batch size of the first"):
        stateful(x[:2])


class KerasMinimalCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        output = keras.ops.matmul(inputs, self.kernel) + keras.ops.tanh(
            keras.ops.matmul(states[0], self.recurrent_kernel)
        )
        return output, [output]


class MinimalCell(fitwell.layers.Layer):
    """The same cell written for fitwell: only `keras.` became `fitwell.`."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        output = fitwell.ops.matmul(inputs, self.kernel) + fitwell.ops.tanh(
            fitwell.ops.matmul(states[0], self.recurrent_kernel)
        )
        return output, [output]


def test_rnn_with_a_custom_cell_matches_keras(sequences):
    mask = np.array(MASKS["gaps"], dtype=bool)
    theirs = keras.layers.RNN(KerasMinimalCell(3), return_sequences=True, return_state=True)
    ours = RNN(MinimalCell(3), return_sequences=True, return_state=True)
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    _assert_close(ours(torch.as_tensor(sequences), mask=torch.as_tensor(mask)), theirs(sequences, mask=mask))


def test_bidirectional_runs_a_custom_cell_both_ways(sequences):
    """A cell without get_config (Keras cannot wrap it) is copied for the backward direction."""
    layer = Bidirectional(RNN(MinimalCell(3)), merge_mode="sum")
    x = torch.as_tensor(sequences)
    output = layer(x)
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    assert layer.backward_layer.cell is not layer.forward_layer.cell
    _assert_close(output, layer.forward_layer(x) + layer.backward_layer(x))


@pytest.mark.parametrize(
    ("ours_cell", "keras_cell"),
    [(LSTMCell, "LSTMCell"), (GRUCell, "GRUCell"), (SimpleRNNCell, "SimpleRNNCell")],
)
def test_rnn_of_builtin_cells_and_single_steps_match_keras(ours_cell, keras_cell, sequences):
    theirs = keras.layers.RNN(getattr(keras.layers, keras_cell)(4), return_sequences=True)
    ours = RNN(ours_cell(4), return_sequences=True)
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    states = [np.zeros((4, 4), "float32")] * len(ours.state_size)
    theirs_step = theirs.cell(sequences[:, 0], states)
    ours_step = ours.cell(torch.as_tensor(sequences[:, 0]), [torch.as_tensor(s) for s in states])
    _assert_close([ours_step[0], *ours_step[1]], [theirs_step[0], *theirs_step[1]])


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_matches_keras(merge_mode, sequences):
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    ours = Bidirectional(LSTM(3, return_sequences=True), merge_mode=merge_mode)
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    assert ours.count_params() == theirs.count_params()
    assert [layer.name for layer in (ours.forward_layer, ours.backward_layer)][0].startswith("forward_")
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    mask = np.array(MASKS["right_padded"], dtype=bool)
    _assert_close(ours(torch.as_tensor(sequences), mask=torch.as_tensor(mask)), theirs(sequences, mask=mask))


def test_bidirectional_states_and_backward_layer_match_keras(sequences):
    theirs = keras.layers.Bidirectional(
        keras.layers.GRU(3, return_state=True),
        backward_layer=keras.layers.GRU(3, return_state=True, go_backwards=True, reset_after=False),
    )
    ours = Bidirectional(
        GRU(3, return_state=True),
        backward_layer=GRU(3, return_state=True, go_backwards=True, reset_after=False),
    )
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    with pytest.raises(ValueError, match="go_backwards"):
        Bidirectional(GRU(3), backward_layer=GRU(3))
    with pytest.raises(ValueError, match="merge_mode"):
        Bidirectional(GRU(3), merge_mode="max")


def test_time_distributed_matches_keras(sequences):
    theirs = keras.layers.TimeDistributed(keras.layers.Dense(3, activation="relu"))
    ours = TimeDistributed(fitwell.layers.Dense(3, activation="relu"))
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    _assert_close(ours(torch.as_tensor(sequences)), theirs(sequences))
    assert ours.count_params() == theirs.count_params() == 18


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="units"):
        LSTM(0)
    with pytest.raises(ValueError, match="recurrent_dropout"):
        GRU(3, recurrent_dropout=1.5)
    with pytest.raises(ValueError, match="initial_state"):
        LSTM(3)(torch.zeros(2, 4, 3), initial_state=[torch.zeros(2, 3)])
    with pytest.raises(ValueError, match=r"\(batch, steps, features\)"):
        LSTM(3)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="use_cudnn"):
        LSTM(3, activation="relu", use_cudnn=True)(torch.zeros(2, 4, 3))
    with pytest.raises(ValueError, match="state_size"):
        RNN(fitwell.layers.Dense(3))


def test_a_sequence_classifier_fits_and_matches_keras_surface():
    rng = np.random.default_rng(0)
    x = rng.integers(1, 50, size=(64, 12))
    y = (x[:, :3].sum(axis=1) > 75).astype("float32")

    def build(lib):
        return lib.Sequential(
            [
                lib.Input(shape=(None,), dtype="int64"),
                lib.layers.Embedding(50, 8),
                lib.layers.Bidirectional(lib.layers.LSTM(8, return_sequences=True)),
                lib.layers.GRU(6),
                lib.layers.Dense(1, activation="sigmoid"),
            ]
        )

    ours, theirs = build(fitwell), build(keras)
    assert ours.count_params() == theirs.count_params()
    ours.set_weights(theirs.get_weights())
    _assert_close(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), atol=1e-5)
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = ours.fit(x, y, epochs=3, batch_size=16, verbose=0)
    expected = set(theirs.fit(x, y, epochs=1, batch_size=16, verbose=0).history)
    assert set(history.history) - {"learning_rate"} == expected - {"learning_rate"}  # fitwell always logs it
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_recurrent_models_save_and_load(tmp_path, sequences):
    inputs = fitwell.Input(shape=(6, 5))
    x = Bidirectional(LSTM(4, return_sequences=True, dropout=0.1))(inputs)
    x = TimeDistributed(fitwell.layers.Dense(2))(x)
    x = RNN(GRUCell(3, reset_after=False), go_backwards=True)(x)
    outputs = SimpleRNN(2, stateful=False)(fitwell.layers.Reshape((3, 1))(x))
    model = fitwell.Model(inputs, outputs)
    path = tmp_path / "recurrent.keras"
    model.save(path)
    loaded = fitwell.saving.load_model(path)
    data = torch.as_tensor(sequences)
    _assert_close(loaded(data), model(data), atol=0)


@pytest.mark.parametrize("path", ["auto", False])
def test_mixed_precision_runs_under_autocast(path, sequences):
    layer = GRU(4, return_sequences=True, use_cudnn=path)
    x = torch.as_tensor(sequences)
    expected = layer(x)
    mask = torch.as_tensor(np.array(MASKS["right_padded"], dtype=bool))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        plain = layer(x)
        masked = layer(x, mask=mask)
    torch.testing.assert_close(plain.float(), expected, atol=0.05, rtol=0.05)
    torch.testing.assert_close(masked[0].float(), expected[0], atol=0.05, rtol=0.05)  # the unpadded sample


def test_bidirectional_without_merging_returns_both_outputs_and_states(sequences):
    theirs = keras.layers.Bidirectional(keras.layers.LSTM(3, return_state=True), merge_mode=None)
    ours = Bidirectional(LSTM(3, return_state=True), merge_mode=None)
    theirs.build((None, 6, 5))
    ours.build((None, 6, 5))
    ours.set_weights(theirs.get_weights())
    outputs = ours(torch.as_tensor(sequences))
    assert len(outputs) == 6  # forward output, backward output, then h, c of each direction
    _assert_close(outputs, theirs(sequences))
