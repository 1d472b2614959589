"""load_weights reads the `.weights.h5` files Keras 3 writes: same predictions and weights, clear refusals."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import torch

import fitwell
from fitwell.saving import keras_weights

keras = pytest.importorskip("keras")
pytestmark = [
    pytest.mark.keras,
    # Keras's own save_weights() converts torch variables with np.array(x, copy=False).
    pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning"),
]

L = fitwell.layers


def randomized(keras_model, seed: int = 0):
    """Give every Keras weight random values (moving variances positive), so a mix-up cannot pass."""
    rng = np.random.default_rng(seed)
    keras_model.set_weights(
        [
            rng.uniform(0.5, 2.0, size=w.shape).astype("float32")
            if "moving_variance" in w.path
            else rng.normal(size=w.shape).astype("float32")
            for w in keras_model.weights
        ]
    )
    return keras_model


def saved(keras_model, tmp_path, name: str = "keras.weights.h5"):
    keras_model.save_weights(tmp_path / name)
    return tmp_path / name


def assert_same_model(model, keras_model, x) -> None:
    expected = keras_model.predict(x, verbose=0)
    received = model.predict(x, verbose=0)
    for want, got in zip(
        expected if isinstance(expected, list | tuple) else [expected],
        received if isinstance(received, list | tuple) else [received],
        strict=True,
    ):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert_same_weights(model, keras_model)


def assert_same_weights(model, keras_model) -> None:
    received, expected = model.get_weights(), keras_model.get_weights()
    assert [w.shape for w in received] == [w.shape for w in expected]
    assert all(np.array_equal(a, b) for a, b in zip(received, expected, strict=True))


def snapshot(model) -> dict[str, torch.Tensor]:
    return {name: tensor.clone() for name, tensor in model.state_dict().items()}


def unchanged(model, before: dict[str, torch.Tensor]) -> bool:
    return all(torch.equal(tensor, before[name]) for name, tensor in model.state_dict().items())


def dense_stack(library, *, units=(3, 2)):
    layers = library.layers
    return library.Sequential(
        [
            library.Input(shape=(4,)),
            layers.Dense(units[0], activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(units[1]),
        ]
    )


def test_sequential_with_batch_normalization_predicts_as_keras(tmp_path):
    keras_model = randomized(dense_stack(keras))
    model = dense_stack(fitwell)
    model.load_weights(saved(keras_model, tmp_path))
    assert_same_model(model, keras_model, np.random.default_rng(1).normal(size=(6, 4)).astype("float32"))


def image_model(library):
    layers = library.layers
    return library.Sequential(
        [
            library.Input(shape=(8, 8, 3)),
            layers.Conv2D(4, 3, activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.GlobalAveragePooling2D(),
            layers.Dense(2),
        ]
    )


def test_image_model_predicts_as_keras(tmp_path):
    keras_model = randomized(image_model(keras))
    model = image_model(fitwell)
    model.load_weights(saved(keras_model, tmp_path))
    assert_same_model(
        model, keras_model, np.random.default_rng(1).normal(size=(3, 8, 8, 3)).astype("float32")
    )


def two_in_two_out(library, inner=None):
    layers = library.layers
    first, second = library.Input(shape=(3,), name="first"), library.Input(shape=(5,), name="second")
    merged = layers.Concatenate()([layers.Dense(4, activation="tanh")(first), layers.Dense(4)(second)])
    outputs = [layers.Dense(1)(merged), (inner or layers.Dense(2))(merged)]
    return library.Model([first, second], outputs)


def test_functional_model_with_two_inputs_and_two_outputs_predicts_as_keras(tmp_path):
    keras_model = randomized(two_in_two_out(keras))
    model = two_in_two_out(fitwell)
    model.load_weights(saved(keras_model, tmp_path))
    rng = np.random.default_rng(1)
    x = [rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 5)).astype("float32")]
    assert_same_model(model, keras_model, x)


def test_nested_models_are_read_from_their_own_layers_groups(tmp_path):
    def build(library):
        inner_input = library.Input(shape=(8,))
        inner_functional = library.Model(inner_input, library.layers.Dense(3)(inner_input))
        inner = library.Sequential([library.Input(shape=(8,)), inner_functional, library.layers.Dense(2)])
        return two_in_two_out(library, inner=inner)

    keras_model = randomized(build(keras))
    path = saved(keras_model, tmp_path)
    with h5py.File(path) as file:  # Keras keys a functional model by its class, Functional
        assert "layers/sequential/layers/functional/layers/dense/vars/0" in file
    model = build(fitwell)
    model.load_weights(path)
    rng = np.random.default_rng(1)
    x = [rng.normal(size=(5, 3)).astype("float32"), rng.normal(size=(5, 5)).astype("float32")]
    assert_same_model(model, keras_model, x)


def embedding_model(library):
    layers = library.layers
    return library.Sequential(
        [library.Input(shape=(5,), dtype="int32"), layers.Embedding(10, 4), layers.Flatten(), layers.Dense(1)]
    )


def test_embedding_model_predicts_as_keras(tmp_path):
    keras_model = randomized(embedding_model(keras))
    model = embedding_model(fitwell)
    model.load_weights(saved(keras_model, tmp_path))
    assert_same_model(
        model, keras_model, np.random.default_rng(1).integers(0, 10, size=(4, 5)).astype("int32")
    )


def test_layers_inside_a_custom_layer_are_found_by_attribute_name(tmp_path):
    # Keras files them as layers/block/<attribute> (sorted, _private last) and a list as
    # layers/block/items/dense, layers/block/items/dense_1.
    def block(library, as_list):
        class Block(library.layers.Layer):  # the same class name, so the same key: layers/block
            def __init__(self):
                super().__init__(name="block")
                self.zeta, self.alpha, self._private = (library.layers.Dense(3) for _ in range(3))
                self.items = as_list([library.layers.Dense(3), library.layers.Dense(3)])

            def build(self, input_shape):
                self.scale = self.add_weight(shape=(input_shape[-1],), name="scale")

            def call(self, x):
                outputs = [self.zeta(x * self.scale), self.alpha(x), self._private(x)]
                return sum(outputs + [layer(x) for layer in self.items])

        return Block()

    keras_model = randomized(keras.Sequential([keras.Input(shape=(4,)), block(keras, list)]))
    path = saved(keras_model, tmp_path)
    with h5py.File(path) as file:
        assert {"_private", "alpha", "items", "vars", "zeta"} == set(file["layers/block"])
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), block(fitwell, torch.nn.ModuleList)])
    model.load_weights(path)
    assert_same_model(model, keras_model, np.random.default_rng(1).normal(size=(2, 4)).astype("float32"))


def test_subclassed_model_follows_keras_attribute_order(tmp_path):
    # Keras walks attributes in sorted order: `aa` sorts before `layers`, so it is saved as `aa`;
    # `proj` sorts after, and is saved by then under layers/dense (its place in model.layers).
    def subclass(library):
        class Sub(library.Model):
            def __init__(self):
                super().__init__()
                self.proj, self.aa = library.layers.Dense(2), library.layers.Dense(2)

            def call(self, x):
                return self.proj(self.aa(x))

        return Sub()

    keras_model = subclass(keras)
    keras_model(np.zeros((1, 3), "float32"))
    path = saved(randomized(keras_model), tmp_path)
    with h5py.File(path) as file:
        assert "aa/vars/0" in file and "layers/dense/vars/0" in file and "layers/dense_1" not in file
    model = subclass(fitwell)
    model(torch.zeros(1, 3))
    model.load_weights(path)
    assert_same_model(model, keras_model, np.random.default_rng(1).normal(size=(2, 3)).astype("float32"))


def test_a_compiled_keras_models_optimizer_state_is_ignored(tmp_path):
    keras_model = dense_stack(keras)
    keras_model.compile(optimizer="adam", loss="mse")
    keras_model.fit(np.ones((4, 4), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    path = saved(keras_model, tmp_path)
    with h5py.File(path) as file:
        assert "optimizer/vars" in file
    model = dense_stack(fitwell)
    model.load_weights(path)
    assert_same_weights(model, keras_model)


def test_bfloat16_weights_from_keras_are_read(tmp_path):
    keras_model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, dtype="bfloat16")])
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), L.Dense(2)])
    model.load_weights(saved(keras_model, tmp_path))
    expected = [keras.ops.convert_to_numpy(keras.ops.cast(w, "float32")) for w in keras_model.weights]
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), expected, strict=True))


def test_wrong_shapes_name_the_layer_its_key_and_both_shapes_and_change_nothing(tmp_path):
    path = saved(randomized(dense_stack(keras)), tmp_path)
    model = dense_stack(fitwell, units=(5, 2))
    before = snapshot(model)
    name = model.layers[0].name
    with pytest.raises(ValueError) as error:
        model.load_weights(path)
    message = str(error.value)
    assert "nothing was loaded" in message
    assert f"'{name}' (Dense) at layers/dense (model [(4, 5), (5,)], file [(4, 3), (3,)])" in message
    assert (
        "layers/batch_normalization (model [(5,), (5,), (5,), (5,)], file [(3,), (3,), (3,), (3,)])"
        in message
    )
    assert "same layers in the same order" in message and "strict=False" in message
    assert unchanged(model, before)


def test_a_different_number_of_layers_is_refused_with_both_counts(tmp_path):
    keras_model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    path = saved(randomized(keras_model), tmp_path)
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), L.Dense(3)])
    before = snapshot(model)
    with pytest.raises(
        ValueError,
        match=r"(?s)not in the model \(1\): layers/dense_1 .*1: \(2,\)\).*"
        r"layers: the file has 2 layers \(dense, dense_1\), the model has 1",
    ):
        model.load_weights(path)
    assert unchanged(model, before)
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), L.Dense(3), L.Dense(2), L.Dropout(0.5)])
    before = snapshot(model)
    with pytest.raises(ValueError, match=r"missing from the file \(1\): '\w+' \(Dropout\) at layers/dropout"):
        model.load_weights(path)
    assert unchanged(model, before)


def test_strict_false_loads_the_layers_that_fit_and_warns_about_the_rest(tmp_path):
    keras_model = randomized(dense_stack(keras))
    model = dense_stack(fitwell, units=(3, 7))
    last = [w.copy() for w in model.layers[2].get_weights()]
    with pytest.warns(UserWarning, match=r"(?s)strict=False\) skipped.*wrong shape \(1\).*layers/dense_1"):
        model.load_weights(saved(keras_model, tmp_path), strict=False)
    expected = keras_model.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights()[:6], expected[:6], strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(model.layers[2].get_weights(), last, strict=True))


def test_torch_modules_with_weights_are_refused_as_having_no_keras_counterpart(tmp_path):
    keras_model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    path = saved(randomized(keras_model), tmp_path)
    model = fitwell.Sequential(
        [fitwell.Input(shape=(4,)), L.Dense(3), torch.nn.ReLU(), torch.nn.Linear(3, 2)]
    )
    before = snapshot(model)
    with pytest.raises(
        ValueError,
        match=r"(?s)cannot be loaded \(1\): a torch Linear at layers/linear: a torch module with weights.*"
        r"use fitwell.layers.Dense.*torch.nn.Linear -> fitwell.layers.Dense",
    ):
        model.load_weights(path)
    assert unchanged(model, before)
    with pytest.warns(UserWarning, match="cannot be loaded"):
        model.load_weights(path, strict=False)
    assert np.array_equal(model.layers[0].get_weights()[0], keras_model.get_weights()[0])
    with pytest.raises(ValueError, match=r"wrapped torch module \(fitwell.Model\(module\)\)"):
        fitwell.Model(torch.nn.Linear(4, 3)).load_weights(path)


def test_an_unbuilt_model_is_asked_to_be_built_first(tmp_path):
    path = saved(dense_stack(keras), tmp_path)
    model = fitwell.Sequential([L.Dense(3), L.BatchNormalization(), L.Dense(2)])
    with pytest.raises(ValueError, match=r"load_weights\(\) needs every weight to exist.*fitwell.Input"):
        model.load_weights(path)


def test_links_in_a_keras_layout_file_are_refused(tmp_path):
    path = tmp_path / "linked.weights.h5"
    with h5py.File(path, "w") as file:
        file.create_group("vars")
        file.create_dataset("layers/dense/vars/0", data=np.zeros((4, 3), "float32"))
        file["layers/dense/vars/1"] = h5py.ExternalLink("elsewhere.h5", "/bias")
    model = fitwell.Sequential([fitwell.Input(shape=(4,)), L.Dense(3)])
    before = snapshot(model)
    with pytest.raises(
        ValueError, match=r"is a link \(ExternalLink\)\. Expected plain groups.*does not follow links"
    ):
        model.load_weights(path)
    assert unchanged(model, before)


def test_fitwell_files_keep_their_own_format(tmp_path):
    model = dense_stack(fitwell)
    model.save_weights(tmp_path / "own.weights.h5")
    assert not keras_weights.is_keras_file(tmp_path / "own.weights.h5")
    assert keras_weights.is_keras_file(saved(dense_stack(keras), tmp_path))
    fresh = dense_stack(fitwell)
    fresh.load_weights(tmp_path / "own.weights.h5")
    assert unchanged(fresh, snapshot(model))


def test_keys_follow_keras_snake_case():
    assert keras_weights.keras_key(L.Conv2D(2, 3)) == keras.src.utils.naming.to_snake_case("Conv2D")
    assert keras_weights.keras_key(L.GlobalAveragePooling2D()) == "global_average_pooling2d"
    assert keras_weights.keras_key(fitwell.Input(shape=(2,)).node.operation) == "input_layer"


def test_a_hand_made_file_with_misnumbered_or_surplus_datasets_is_refused(tmp_path):
    path = tmp_path / "odd.weights.h5"
    with h5py.File(path, "w") as file:
        file.create_group("vars")
        file.create_dataset("layers/dense/vars/kernel", data=np.zeros((4, 3), "float32"))
        file.create_dataset("layers/dense/vars/bias", data=np.zeros((3,), "float32"))
        file.create_dataset("layers/flatten/vars/0", data=np.zeros((2,), "float32"))
    model = fitwell.Sequential([fitwell.Input(shape=(2, 2)), L.Flatten(), L.Dense(3)])
    before = snapshot(model)
    with pytest.raises(
        ValueError,
        match=r"(?s)wrong shape \(2\): .*\(Flatten\) at layers/flatten \(model \[\], "
        r"file \[\(2,\)\]\).*\(Dense\) at layers/dense \(model \[\(4, 3\), \(3,\)\], "
        r"file \['bias', 'kernel'\]\)",
    ):
        model.load_weights(path)
    assert unchanged(model, before)
