"""model.save / load_model: a whole Sequential model in one .keras zip of JSON and safetensors."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
import torch

import fitwell
from fitwell.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling2D,
    MaxPooling2D,
)
from fitwell.saving import load_model


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def image_model() -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(10, 10, 2)),
            Conv2D(4, (3, 2), strides=2, padding="same", activation="relu", use_bias=False),
            BatchNormalization(momentum=0.9, epsilon=1e-4, center=False),
            MaxPooling2D(2, padding="same"),
            Conv2D(3, 1, dilation_rate=1, data_format="channels_last"),
            GlobalAveragePooling2D(),
            Activation("tanh"),
            Dropout(0.25),
            Dense(2, activation="softmax"),
        ]
    )


def _arguments(layer: torch.nn.Module) -> dict:
    if isinstance(layer, fitwell.layers.Layer):
        return layer.get_config()  # the name included: the file keeps it, as Keras's does
    return {k: v for k, v in vars(layer).items() if not k.startswith("_") and k != "training"}


def images(n: int = 8) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, 10, 10, 2)).astype("float32")


def test_every_fitwell_layer_round_trips_with_its_arguments(tmp_path):
    model = image_model().eval()
    with torch.no_grad():
        model.layers[1].running_var.mul_(3.0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert type(loaded) is fitwell.Sequential
    assert same_weights(loaded, model)
    for original, restored in zip(model.layers, loaded.layers, strict=True):
        assert type(restored) is type(original)
        assert _arguments(restored) == _arguments(original)
    assert loaded.input_shape == (None, 10, 10, 2)
    assert loaded.trainer is None  # never compiled
    x = torch.from_numpy(images())
    assert torch.equal(loaded.eval()(x), model(x))


def test_embedding_and_torch_layers_from_the_allow_list(tmp_path):
    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(5,), dtype=torch.int64),
            Embedding(20, 4),
            Flatten(),
            torch.nn.Linear(20, 8),
            torch.nn.LayerNorm(8, eps=1e-3),
            torch.nn.LeakyReLU(0.1),
            torch.nn.Dropout(0.2),
            torch.nn.Linear(8, 3, bias=False),
            torch.nn.LogSoftmax(dim=-1),
        ]
    ).eval()
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras").eval()
    assert same_weights(loaded, model)
    assert loaded.inputs[0].dtype == "int64"
    assert loaded.layers[4].negative_slope == 0.1 and loaded.layers[6].bias is None
    ids = torch.randint(0, 20, (4, 5))
    assert torch.equal(loaded(ids), model(ids))


def test_a_model_built_by_fit_without_input_round_trips(tmp_path):
    model = fitwell.Sequential([Dense(4, activation="relu"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 1), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.input_shape == (None, 3) and loaded.input_sample_shape == (3,)
    assert same_weights(loaded, model)


def test_a_trained_model_continues_exactly_as_the_original(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 10, 10, 2)).astype("float32"), rng.integers(0, 2, 64)
    model = image_model()
    model.compile(
        optimizer=fitwell.optimizers.Adam(3e-3, amsgrad=True),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        device="cpu",
    )
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 8
    assert (loaded.loss, loaded.get_compile_config()["metrics"]) == (
        "sparse_categorical_crossentropy",
        ["accuracy"],
    )
    fitwell.utils.set_random_seed(5)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    fitwell.utils.set_random_seed(5)
    resumed = loaded.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert same_weights(loaded, model)
    assert resumed.history == history.history


def test_loss_metric_and_optimizer_objects_keep_their_arguments(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(1)])
    model.compile(
        optimizer=fitwell.optimizers.SGD(0.05, momentum=0.9, nesterov=True, clipnorm=1.0),
        loss=fitwell.losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics=[fitwell.metrics.BinaryAccuracy(threshold=0.0), "mae"],
        loss_weights=0.5,
        guards=False,
        device="cpu",
    )
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.loss.get_config() == model.loss.get_config()
    loaded_metrics = loaded.trainer.objectives.metrics_spec
    assert [m if isinstance(m, str) else m.get_config() for m in loaded_metrics] == [
        model.trainer.objectives.metrics_spec[0].get_config(),
        "mae",
    ]
    assert loaded.trainer.objectives.loss_weights == 0.5 and not loaded.trainer.objectives.guards_enabled
    assert not loaded.optimizer.is_built  # never trained: no optimizer state in the file


def test_compile_false_leaves_the_model_uncompiled(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss="mse", device="cpu")
    model.save(tmp_path / "m.keras")
    assert load_model(tmp_path / "m.keras", compile=False).trainer is None


def test_a_custom_loss_function_is_left_out_with_a_warning(tmp_path):
    def my_loss(y_true, y_pred):
        return ((y_true - y_pred) ** 4).mean(dim=-1)

    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(1)])
    model.compile(optimizer="adam", loss=my_loss, device="cpu")
    with pytest.warns(
        UserWarning, match=r"not the compile settings: the loss .*function.*call compile\(\) again"
    ):
        model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.trainer is None and same_weights(loaded, model)


def test_a_function_learning_rate_is_left_out_with_a_warning(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(1)])
    model.compile(optimizer=fitwell.optimizers.Adam(lambda: 0.01), loss="mse", device="cpu")
    with pytest.warns(UserWarning, match="learning rate is a function"):
        model.save(tmp_path / "m.keras")


def test_arbitrary_models_point_to_weights_files(tmp_path):
    class Net(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.linear = torch.nn.Linear(3, 1)

        def forward(self, x):
            return self.linear(x) * 2

    for model in (Net(), fitwell.Model(torch.nn.Linear(3, 1))):
        with pytest.raises(
            TypeError, match=r"forward\(\) is code.*model\.save_weights\('model\.weights\.h5'\)"
        ):
            model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()


def test_layers_outside_the_allow_list_are_refused(tmp_path):
    class Scale(torch.nn.Module):
        def forward(self, x):
            return 2 * x

    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2), Scale()])
    with pytest.raises(TypeError, match=r"layer 1 is a .*Scale.*allow-list.*save_weights"):
        model.save(tmp_path / "m.keras")


def test_a_function_activation_is_refused(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2, activation=lambda x: x * 2)])
    with pytest.raises(
        TypeError, match=r"cannot hold \(Object of type function .*Use names \(activation='relu'\)"
    ):
        model.save(tmp_path / "m.keras")


def test_a_layer_changed_after_construction_is_refused(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2)])
    model.layers[0].register_buffer("extra", torch.zeros(2))
    with pytest.raises(TypeError, match="holds weights its arguments do not create"):
        model.save(tmp_path / "m.keras")


def test_an_unbuilt_model_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match=r"model\.save\(\) needs every weight to exist"):
        fitwell.Sequential([Dense(2)]).save(tmp_path / "m.keras")


@pytest.mark.parametrize("name", ["m.h5", "m.weights.h5", "m.zip"])
def test_other_file_names_are_refused(tmp_path, name):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2)])
    with pytest.raises(ValueError, match=r"needs a file name ending in '\.keras'"):
        model.save(tmp_path / name)
    with pytest.raises(ValueError, match=r"needs a file name ending in '\.keras'"):
        load_model(tmp_path / name)


def test_a_file_naming_another_class_is_refused(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2)])
    model.save(tmp_path / "m.keras")
    with (
        zipfile.ZipFile(tmp_path / "m.keras") as source,
        zipfile.ZipFile(tmp_path / "evil.keras", "w") as target,
    ):
        for item in source.namelist():
            data = source.read(item)
            if item == "config.json":
                config = json.loads(data)
                config["config"]["layers"][0] = {
                    "class_name": "os.system",
                    "config": {"command": "touch ran"},
                }
                data = json.dumps(config)
            target.writestr(item, data)
    with pytest.raises(
        ValueError, match="names a layer class fitwell does not create. Received: class_name='os.system'"
    ):
        load_model(tmp_path / "evil.keras")


def test_the_file_is_a_zip_of_json_and_safetensors(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Dense(2, name="out")])
    model.compile(optimizer="adam", loss="mse", device="cpu")
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert archive.namelist() == [
            "metadata.json",
            "config.json",
            "model.weights.safetensors",
            "optimizer.safetensors",
        ]
        metadata = json.loads(archive.read("metadata.json"))
        config = json.loads(archive.read("config.json"))
    assert metadata["format"] == "fitwell.model" and metadata["fitwell_version"] == fitwell.__version__
    assert config["class_name"] == "fitwell.Sequential"
    assert config["config"]["input"] == {"shape": [3], "dtype": "float32"}
    (layer,) = config["config"]["layers"]
    assert layer["class_name"] == "fitwell.layers.Dense"
    assert layer["config"] == model.layers[0].get_config()  # Keras's get_config, as JSON
    assert layer["config"]["kernel_initializer"]["class_name"] == "GlorotUniform"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"


def test_loading_does_not_move_the_random_streams(tmp_path):
    model = fitwell.Sequential([fitwell.Input(shape=(3,)), torch.nn.Linear(3, 4), Embedding(5, 2)])
    model.save(tmp_path / "m.keras")
    state = torch.get_rng_state()
    load_model(tmp_path / "m.keras")
    assert torch.equal(torch.get_rng_state(), state)


def test_a_functional_model_with_nested_models_round_trips(tmp_path):
    inputs = fitwell.Input(shape=(4,), name="features")
    ids = fitwell.Input(shape=(3,), dtype="int64", name="ids")
    tower = fitwell.Sequential([fitwell.Input(shape=(4,)), Dense(5, activation="relu")], name="tower")
    embedded = fitwell.layers.Flatten()(fitwell.layers.Embedding(10, 2)(ids))
    merged = fitwell.layers.concatenate([tower(inputs), embedded])
    model = fitwell.Model([inputs, ids], {"score": Dense(1, name="score")(merged)}, name="ranker")
    model.compile(optimizer="adam", loss={"score": "mse"})
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert type(loaded) is fitwell.Model and loaded.name == "ranker"
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    x, i = torch.randn(6, 4), torch.randint(0, 10, (6, 3))
    torch.testing.assert_close(loaded(x, i)["score"], model(x, i)["score"])
    assert loaded.loss == {"score": "mse"}  # compiled again from the file


def test_custom_layers_load_through_custom_objects_or_registration(tmp_path):
    class Scale(fitwell.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def build(self, input_shape):
            self.offset = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="offset")

        def call(self, x):
            return x * self.factor + self.offset

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    model = fitwell.Sequential([fitwell.Input(shape=(3,)), Scale(3.0), Dense(1)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"custom_objects=\{'Scale': Scale\}"):
        load_model(tmp_path / "m.keras")  # the file names the class; the program must supply it
    x = torch.randn(2, 3)
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert type(loaded.layers[0]) is Scale and loaded.layers[0].factor == 3.0
    torch.testing.assert_close(loaded(x), model(x))
    fitwell.saving.register_keras_serializable(package="Tests")(Scale)
    model.save(tmp_path / "registered.keras")
    torch.testing.assert_close(load_model(tmp_path / "registered.keras")(x), model(x))
