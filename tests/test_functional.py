"""The functional API: Input, layers called on symbolic tensors, Model(inputs, outputs)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers


def two_input_model() -> fitwell.Model:
    title = fitwell.Input(shape=(6,), name="title")
    body = fitwell.Input(shape=(4,), name="body")
    features = layers.concatenate([layers.Dense(5, activation="relu")(title), body])
    priority = layers.Dense(1, name="priority")(features)
    department = layers.Dense(3, activation="softmax", name="department")(features)
    return fitwell.Model(inputs=[title, body], outputs={"priority": priority, "department": department})


def test_symbolic_shapes_dtypes_and_names_follow_the_layers():
    inputs = fitwell.Input(shape=(None, 8), name="sequence")
    hidden = layers.Dense(16)(inputs)
    pooled = layers.GlobalAveragePooling2D()(fitwell.Input(shape=(7, 5, 3)))
    ids = fitwell.Input(shape=(None,), dtype="int64")
    embedded = layers.Embedding(50, 4)(ids)
    assert inputs.shape == (None, None, 8) and inputs.name == "sequence"
    assert hidden.shape == (None, None, 16) and hidden.dtype == "float32"
    assert pooled.shape == (None, 3)
    assert ids.dtype == "int64" and embedded.shape == (None, None, 4)


def test_a_functional_model_runs_its_graph_with_several_inputs_and_outputs():
    model = two_input_model()
    title, body = torch.randn(3, 6), torch.randn(3, 4)
    positional = model(title, body)
    by_name = model(title=title, body=body)
    as_list = model([title, body])
    assert set(positional) == {"priority", "department"}
    assert positional["priority"].shape == (3, 1) and positional["department"].shape == (3, 3)
    for other in (by_name, as_list):
        assert torch.equal(other["priority"], positional["priority"])
    # The same math as calling the layers by hand.
    dense, concatenate, priority = (model.get_layer(index=i) for i in (1, 3, 5))
    assert priority is model.get_layer("priority")
    expected = priority(concatenate([dense(title), body]))
    torch.testing.assert_close(positional["priority"], expected)


def test_model_surface_layers_inputs_outputs_and_shapes():
    model = two_input_model()
    # Keras's order: by depth from the outputs (the deepest first), then as first met from the outputs.
    assert [type(layer).__name__ for layer in model.layers] == [
        "InputLayer",
        "Dense",
        "InputLayer",
        "Concatenate",
        "Dense",
        "Dense",
    ]
    assert [t.name for t in model.inputs] == ["title", "body"]
    assert model.input_shape == [(None, 6), (None, 4)]
    assert sorted(map(tuple, model.output_shape)) == [(None, 1), (None, 3)]
    assert model.get_layer("priority") is model.layers[5]  # dict outputs come in key order, as Keras
    assert model.count_params() == (6 * 5 + 5) + (9 * 1 + 1) + (9 * 3 + 3)
    with pytest.raises(ValueError, match=r"No layer named 'priorty'.*Did you mean 'priority'\?"):
        model.get_layer("priorty")


def test_fit_takes_dicts_matched_by_input_and_output_names(blobs):
    rng = np.random.default_rng(0)
    x = {
        "title": rng.normal(size=(64, 6)).astype("float32"),
        "body": rng.normal(size=(64, 4)).astype("float32"),
    }
    y = {"priority": rng.normal(size=(64, 1)).astype("float32"), "department": rng.integers(0, 3, 64)}
    model = two_input_model()
    model.compile(
        optimizer="adam",
        loss={"priority": "mse", "department": "sparse_categorical_crossentropy"},
        metrics={"department": ["accuracy"]},
    )
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert {"loss", "priority_loss", "department_loss", "department_accuracy"} <= set(history.history)
    predictions = model.predict(x, verbose=0)
    assert predictions["department"].shape == (64, 3)


def test_shared_layers_and_nested_models_reuse_the_same_weights():
    shared = layers.Dense(4, name="shared")
    a, b = fitwell.Input(shape=(3,)), fitwell.Input(shape=(3,))
    merged = layers.add([shared(a), shared(b)])
    inner = fitwell.Model([a, b], merged, name="inner")
    outer_a, outer_b = fitwell.Input(shape=(3,)), fitwell.Input(shape=(3,))
    outer = fitwell.Model([outer_a, outer_b], layers.Dense(1)(inner([outer_a, outer_b])))
    x1, x2 = torch.randn(2, 3), torch.randn(2, 3)
    torch.testing.assert_close(inner(x1, x2), shared(x1) + shared(x2))
    assert outer.count_params() == (3 * 4 + 4) + (4 + 1)  # the shared kernel counts once
    assert outer(x1, x2).shape == (2, 1)


def test_feature_extraction_from_layer_outputs():
    inputs = fitwell.Input(shape=(8,))
    hidden = layers.Dense(6, activation="relu", name="hidden")(inputs)
    outputs = layers.Dense(2, name="out")(hidden)
    model = fitwell.Model(inputs, outputs)
    extractor = fitwell.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    features = extractor(torch.ones(5, 8))
    assert [tuple(f.shape) for f in features] == [(5, 8), (5, 6), (5, 2)]
    torch.testing.assert_close(features[2], model(torch.ones(5, 8)))
    assert model.get_layer("hidden").input is inputs


def test_a_sequential_with_an_input_has_a_graph_for_feature_extraction():
    model = fitwell.Sequential(
        [fitwell.Input(shape=(4,)), layers.Dense(3, name="a"), layers.Dense(2, name="b")]
    )
    assert model.input_shape == (None, 4) and model.output_shape == (None, 2)
    extractor = fitwell.Model(inputs=model.inputs, outputs=model.get_layer("a").output)
    torch.testing.assert_close(extractor(torch.ones(2, 4)), model.layers[0](torch.ones(2, 4)))
    model.pop()
    assert model.output_shape == (None, 3) and len(model.layers) == 1


def test_disconnected_outputs_and_bad_arguments_are_clear_errors():
    a, b = fitwell.Input(shape=(2,), name="a"), fitwell.Input(shape=(2,), name="b")
    out = layers.add([a, b])
    with pytest.raises(ValueError, match=r"need 'b' .* not among `inputs`"):
        fitwell.Model(a, out)
    with pytest.raises(ValueError, match=r"needs both `inputs` and `outputs`"):
        fitwell.Model(inputs=a)
    with pytest.raises(ValueError, match=r"cannot run on inputs of shape \(None, 2\)"):
        layers.Concatenate(axis=3)([a, b])
    model = fitwell.Model([a, b], out)
    with pytest.raises(ValueError, match=r"inputs are named \['a', 'b'\]. Received: data keyed \['a', 'c'\]"):
        model(a=torch.ones(1, 2), c=torch.ones(1, 2))


def test_symbolic_arithmetic_records_operations():
    inputs = fitwell.Input(shape=(3,))
    doubled = inputs * 2 + 1
    model = fitwell.Model(inputs, doubled[:, :2])
    torch.testing.assert_close(model(torch.ones(4, 3)), torch.full((4, 2), 3.0))
    with pytest.raises(TypeError, match="symbolic tensor has no value yet"):
        bool(inputs)


@pytest.mark.keras
def test_same_weights_same_outputs_and_same_training_as_keras():
    keras = pytest.importorskip("keras")

    def build(lib):
        inputs = lib.Input(shape=(5,))
        x = lib.layers.Dense(4, activation="relu")(inputs)
        y = lib.layers.Dense(3, activation="tanh")(inputs)
        outputs = lib.layers.Dense(1)(lib.layers.concatenate([x, y]))
        return lib.Model(inputs, outputs)

    reference, model = build(keras), build(fitwell)
    model.set_weights(reference.get_weights())
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 5)).astype("float32"), rng.normal(size=(40, 1)).astype("float32")
    np.testing.assert_allclose(
        model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6
    )
    reference.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    model.compile(optimizer=fitwell.optimizers.SGD(0.05), loss="mse")
    expected = reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    got = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert model.count_params() == reference.count_params()


@pytest.mark.keras
@pytest.mark.parametrize(
    "compile_kwargs",
    [
        {
            "loss": ["mse", "sparse_categorical_crossentropy"],
            "loss_weights": [1.0, 0.5],
            "metrics": [None, ["accuracy"]],
        },
        {
            "loss": {"reg": "mse", "cls": "sparse_categorical_crossentropy"},
            "loss_weights": {"reg": 2.0, "cls": 1.0},
            "metrics": {"reg": ["mae"], "cls": ["accuracy"]},
        },
        {"loss": [None, "sparse_categorical_crossentropy"], "metrics": ["mae", "accuracy"]},
    ],
)
def test_multi_output_compile_forms_log_and_train_as_keras(compile_kwargs):
    keras = pytest.importorskip("keras")

    def build(lib):
        inputs = lib.Input(shape=(4,))
        hidden = lib.layers.Dense(6, activation="relu", name="hidden")(inputs)
        outputs = [
            lib.layers.Dense(1, name="reg")(hidden),
            lib.layers.Dense(3, activation="softmax", name="cls")(hidden),
        ]
        return lib.Model(inputs, outputs)

    rng = np.random.default_rng(5)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = [rng.normal(size=(40, 1)).astype("float32"), rng.integers(0, 3, 40)]
    reference, model = build(keras), build(fitwell)
    model.set_weights(reference.get_weights())
    reference.compile(optimizer=keras.optimizers.SGD(0.05), **compile_kwargs)
    model.compile(optimizer=fitwell.optimizers.SGD(0.05), **compile_kwargs)
    expected = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    got = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    assert set(got) - {"learning_rate"} == set(expected) - {"learning_rate"}
    for key in expected:
        if key != "learning_rate":
            np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, err_msg=key)


def test_a_loss_for_only_some_outputs_and_targets_as_a_list_for_dict_outputs():
    inputs = fitwell.Input(shape=(4,))
    hidden = layers.Dense(6)(inputs)
    model = fitwell.Model(inputs, {"reg": layers.Dense(1)(hidden), "aux": layers.Dense(2)(hidden)})
    model.compile(optimizer="sgd", loss={"reg": "mse"}, metrics={"aux": ["mae"]})
    x, y = np.ones((8, 4), "float32"), [np.zeros((8, 1), "float32"), np.zeros((8, 2), "float32")]
    history = model.fit(x, y, epochs=1, verbose=0)  # targets in output order, losses for "reg" only
    assert set(history.history) == {"loss", "aux_mae", "learning_rate"}
    with pytest.raises(ValueError, match=r"`loss_weights` must match the number of outputs \(2\)"):
        model.compile(optimizer="sgd", loss=["mse", "mse"], loss_weights=[1.0, 2.0, 3.0])
        model.fit(x, y, epochs=1, verbose=0)


def test_a_model_called_on_numpy_returns_a_tensor():
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), layers.Dense(2)])
    out = model(np.ones((4, 3)))  # float64, as numpy makes it
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.shape == (4, 2)
