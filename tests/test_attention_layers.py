"""Attention layers against Keras 3 (torch backend), and keras.io's Transformer text classifier."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell.layers import AdditiveAttention, Attention, MultiHeadAttention

keras = pytest.importorskip("keras")


def _numpy(value):
    return value.detach().numpy() if isinstance(value, torch.Tensor) else keras.ops.convert_to_numpy(value)


def _close(ours, theirs, atol=2e-6):
    ours = ours if isinstance(ours, tuple | list) else [ours]
    theirs = theirs if isinstance(theirs, tuple | list) else [theirs]
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(_numpy(a), _numpy(b), atol=atol, rtol=1e-5)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    query = rng.normal(size=(3, 5, 8)).astype("float32")
    value = rng.normal(size=(3, 7, 6)).astype("float32")
    value_mask = np.ones((3, 7), bool)
    value_mask[2, 4:] = False
    value_mask[0, :] = False  # a sample with nothing to attend to
    attention_mask = rng.uniform(size=(3, 5, 7)) > 0.3
    return query, value, value_mask, attention_mask


def _mha_pair(**config):
    theirs = keras.layers.MultiHeadAttention(**config)
    ours = MultiHeadAttention(**config)
    theirs.build((None, 5, 8), (None, 7, 6))
    ours.build((None, 5, 8), (None, 7, 6))
    ours.set_weights(theirs.get_weights())
    return ours, theirs


CALLS = [
    {},
    {"return_attention_scores": True},
    {"use_causal_mask": True},
    {"attention_mask": "attention_mask"},
    {"attention_mask": "attention_mask", "use_causal_mask": True, "return_attention_scores": True},
]


@pytest.mark.parametrize("with_value_mask", [False, True])
@pytest.mark.parametrize("call", CALLS, ids=lambda c: "-".join(c) or "plain")
@pytest.mark.parametrize(
    "config",
    [
        {"num_heads": 2, "key_dim": 3, "value_dim": 4},
        {"num_heads": 3, "key_dim": 2, "use_bias": False, "output_shape": 5},
        {"num_heads": 2, "key_dim": 2, "sliding_window": 2},
    ],
)
def test_multi_head_attention_matches_keras(config, call, with_value_mask, data):
    query, value, value_mask, attention_mask = data
    ours, theirs = _mha_pair(**config)
    keras_kwargs = {k: (attention_mask if v == "attention_mask" else v) for k, v in call.items()}
    ours_kwargs = {
        k: (torch.as_tensor(v) if isinstance(v, np.ndarray) else v) for k, v in keras_kwargs.items()
    }
    if with_value_mask:
        keras_kwargs["value_mask"] = value_mask
        ours_kwargs["value_mask"] = torch.as_tensor(value_mask)
    _close(
        ours(torch.as_tensor(query), torch.as_tensor(value), **ours_kwargs),
        theirs(query, value, **keras_kwargs),
    )


def test_multi_head_attention_weights_match_keras_layout():
    ours, theirs = _mha_pair(num_heads=2, key_dim=3, value_dim=4)
    assert (
        [w.shape for w in ours.get_weights()]
        == [w.shape for w in theirs.get_weights()]
        == [
            (8, 2, 3),
            (2, 3),
            (6, 2, 3),
            (2, 3),
            (6, 2, 4),
            (2, 4),
            (2, 4, 8),
            (8,),
        ]
    )
    assert ours.count_params() == theirs.count_params()
    assert [
        layer.name for layer in (ours.query_dense, ours.key_dense, ours.value_dense, ours.output_dense)
    ] == [
        "query",
        "key",
        "value",
        "attention_output",
    ]


def test_multi_head_attention_dropout_draws_keras_masks(data):
    query, value, _, _ = data
    ours, theirs = _mha_pair(num_heads=2, key_dim=3, dropout=0.4, seed=3)
    _close(
        ours(torch.as_tensor(query), torch.as_tensor(value), training=True, return_attention_scores=True),
        theirs(query, value, training=True, return_attention_scores=True),
    )


def test_the_fast_path_is_torch_scaled_dot_product_attention(monkeypatch, data):
    query, value, _, _ = data
    calls = []
    real = torch.nn.functional.scaled_dot_product_attention
    monkeypatch.setattr(
        torch.nn.functional, "scaled_dot_product_attention", lambda *a, **k: calls.append(k) or real(*a, **k)
    )
    layer = MultiHeadAttention(num_heads=2, key_dim=4)
    layer(torch.as_tensor(query), torch.as_tensor(query), use_causal_mask=True)
    assert calls and calls[-1]["is_causal"] is True and calls[-1]["attn_mask"] is None
    layer(torch.as_tensor(query), torch.as_tensor(query), return_attention_scores=True)
    assert len(calls) == 1  # the scores need the explicit softmax


def test_padding_masks_reach_multi_head_attention_as_in_keras():
    def build(lib):
        inputs = lib.Input(shape=(6,), dtype="int64")
        x = lib.layers.Embedding(20, 8, mask_zero=True)(inputs)
        x = lib.layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
        return lib.Model(inputs, lib.layers.GlobalAveragePooling1D()(x))

    ours, theirs = build(fitwell), build(keras)
    ours.set_weights(theirs.get_weights())
    ids = np.array([[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6], [7, 0, 0, 0, 0, 0]])
    _close(ours.predict(ids, verbose=0), theirs.predict(ids, verbose=0), atol=1e-5)


@pytest.mark.parametrize(
    ("name", "config"),
    [
        ("Attention", {}),
        ("Attention", {"use_scale": True, "score_mode": "concat"}),
        ("AdditiveAttention", {}),
    ],
)
def test_attention_and_additive_attention_match_keras(name, config, data):
    query, value, value_mask, _ = data
    query = query[..., :6]
    query_mask = np.ones((3, 5), bool)
    query_mask[1, 3:] = False
    theirs = getattr(keras.layers, name)(**config)
    ours = {"Attention": Attention, "AdditiveAttention": AdditiveAttention}[name](**config)
    theirs.build([(None, 5, 6), (None, 7, 6)])
    ours.build([(None, 5, 6), (None, 7, 6)])
    ours.set_weights(theirs.get_weights())
    _close(ours([torch.as_tensor(query), torch.as_tensor(value)]), theirs([query, value]))
    masks = [query_mask, value_mask]
    _close(
        ours(
            [torch.as_tensor(query), torch.as_tensor(value)],
            mask=[torch.as_tensor(m) for m in masks],
            return_attention_scores=True,
            use_causal_mask=True,
        ),
        theirs([query, value], mask=masks, return_attention_scores=True, use_causal_mask=True),
    )


def test_bad_attention_arguments_name_themselves():
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="dropout"):
        MultiHeadAttention(num_heads=1, key_dim=2, dropout=1.2)
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="cosine")
    with pytest.raises(ValueError, match=r"\[query, value\]"):
        Attention()(torch.zeros(2, 3, 4))


# -- keras.io "Text classification with Transformer", with `fitwell.` for `keras.` ---------------------


def transformer_classifier(keras, layers, ops, vocab_size=200, maxlen=20):  # noqa: PLR0915 - the example as written
    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential(
                [
                    layers.Dense(ff_dim, activation="relu"),
                    layers.Dense(embed_dim),
                ]
            )
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    embed_dim = 32  # Embedding size for each token
    num_heads = 2  # Number of attention heads
    ff_dim = 32  # Hidden layer size in feed forward network inside transformer

    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def test_keras_io_transformer_text_classifier_runs_as_in_keras():
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 200, size=(96, 20))
    y_train = rng.integers(0, 2, size=(96,))
    x_val, y_val = x_train[:32], y_train[:32]
    ours = transformer_classifier(fitwell, fitwell.layers, fitwell.ops)
    theirs = transformer_classifier(keras, keras.layers, keras.ops)
    assert ours.count_params() == theirs.count_params()
    assert ours.output_shape == theirs.output_shape == (None, 2)
    assert [layer.count_params() for layer in ours.layers] == [
        layer.count_params() for layer in theirs.layers
    ]
    ours.set_weights(theirs.get_weights())
    _close(ours.predict(x_val, verbose=0), theirs.predict(x_val, verbose=0), atol=1e-5)
    histories = []
    for model in (ours, theirs):
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        histories.append(
            model.fit(x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val), verbose=0)
        )
    assert set(histories[0].history) - {"learning_rate"} == set(histories[1].history) - {"learning_rate"}
    assert sorted(set(histories[1].history) - {"learning_rate"}) == [
        "accuracy",
        "loss",
        "val_accuracy",
        "val_loss",
    ]
    assert np.isfinite(histories[0].history["loss"]).all()


def test_attention_layers_save_and_load(tmp_path, data):
    query, value, _, _ = data
    q_in, v_in = fitwell.Input(shape=(5, 8)), fitwell.Input(shape=(7, 6))
    x = MultiHeadAttention(num_heads=2, key_dim=3, output_shape=6)(q_in, v_in)
    x = Attention(use_scale=True)([x, v_in])
    x = AdditiveAttention()([x, v_in])
    model = fitwell.Model([q_in, v_in], x)
    model.save(tmp_path / "attention.keras")
    loaded = fitwell.saving.load_model(tmp_path / "attention.keras")
    inputs = (torch.as_tensor(query), torch.as_tensor(value))
    torch.testing.assert_close(loaded(*inputs), model(*inputs))


def test_padding_masks_reach_attention_as_in_keras():
    def build(lib):
        query_ids = lib.Input(shape=(4,), dtype="int64")
        value_ids = lib.Input(shape=(6,), dtype="int64")
        embedding = lib.layers.Embedding(20, 5, mask_zero=True)
        query, value = embedding(query_ids), embedding(value_ids)
        attended = lib.layers.Attention(use_scale=True)([query, value])  # its mask is the query's
        pooled = lib.layers.GlobalAveragePooling1D()(attended)
        return lib.Model([query_ids, value_ids], pooled)

    ours, theirs = build(fitwell), build(keras)
    ours.set_weights(theirs.get_weights())
    queries = np.array([[1, 2, 0, 0], [3, 4, 5, 6]])
    values = np.array([[7, 8, 9, 0, 0, 0], [1, 0, 0, 0, 0, 0]])
    _close(ours.predict([queries, values], verbose=0), theirs.predict([queries, values], verbose=0))
