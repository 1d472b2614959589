"""save_weights / load_weights: HDF5 and safetensors files, checked all-or-nothing."""

from __future__ import annotations

import h5py
import numpy as np
import pytest
import safetensors.torch
import torch

import fitwell
from fitwell.saving import save_weights

EXTENSIONS = ["model.weights.h5", "model.safetensors"]


def convnet(filters: int = 4, units: int = 3) -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 1)),
            fitwell.layers.Conv2D(filters, 3, activation="relu"),
            fitwell.layers.BatchNormalization(),
            fitwell.layers.Flatten(),
            fitwell.layers.Dense(units),
        ]
    )


def trained_convnet() -> fitwell.Sequential:
    model = convnet()
    model.compile(optimizer="adam", loss="mse", device="cpu")
    rng = np.random.default_rng(0)
    model.fit(
        rng.normal(size=(16, 8, 8, 1)).astype("float32"),
        rng.normal(size=(16, 3)).astype("float32"),
        epochs=1,
        verbose=0,
    )
    return model


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.mark.parametrize("name", EXTENSIONS)
def test_round_trip_restores_every_parameter_and_buffer_exactly(tmp_path, name):
    model = trained_convnet()
    assert not torch.equal(model.layers[1].running_mean, torch.zeros(4))  # buffers moved during fit
    model.save_weights(tmp_path / name)
    fresh = convnet()
    assert not same_weights(fresh, model)
    fresh.load_weights(tmp_path / name)
    assert same_weights(fresh, model)


def test_hdf5_file_has_one_dataset_per_state_dict_entry(tmp_path):
    model = trained_convnet()
    save_weights(model, tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5", "r") as file:
        assert sorted(file.keys()) == sorted(model.state_dict())
        for name, tensor in model.state_dict().items():
            np.testing.assert_array_equal(file[name][()], tensor.numpy())
            assert file[name].attrs["dtype"] == "float32"


def test_safetensors_file_is_readable_by_the_safetensors_package(tmp_path):
    model = trained_convnet()
    save_weights(model, tmp_path / "m.safetensors")
    loaded = safetensors.torch.load_file(tmp_path / "m.safetensors")
    assert loaded.keys() == model.state_dict().keys()
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("name", EXTENSIONS)
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float64])
def test_dtypes_numpy_lacks_survive_the_round_trip(tmp_path, name, dtype):
    model = fitwell.Model(torch.nn.Linear(3, 2).to(dtype))
    model.save_weights(tmp_path / name)
    fresh = fitwell.Model(torch.nn.Linear(3, 2).to(dtype))
    fresh.load_weights(tmp_path / name)
    assert fresh.module.weight.dtype == dtype
    assert same_weights(fresh, model)


def test_tied_weights_are_saved_to_safetensors(tmp_path):
    first, second = torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)
    second.weight = first.weight  # shared memory, which safetensors refuses unless copied
    model = fitwell.Model(torch.nn.Sequential(first, second))
    model.save_weights(tmp_path / "tied.safetensors")
    fresh_first, fresh_second = torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)
    fresh_second.weight = fresh_first.weight
    fresh = fitwell.Model(torch.nn.Sequential(fresh_first, fresh_second))
    fresh.load_weights(tmp_path / "tied.safetensors")
    assert same_weights(fresh, model)


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("model.h5", "Keras 2"),
        ("model.keras", "model.save"),
        ("model.pt", "pickle"),
        ("model.ckpt", "pickle"),
        ("weights.txt", "For example"),
    ],
)
def test_other_file_names_are_refused_with_the_accepted_ones_named(tmp_path, name, hint):
    model = trained_convnet()
    with pytest.raises(ValueError, match=r"'\.weights\.h5' \(HDF5\) or '\.safetensors'") as error:
        model.save_weights(tmp_path / name)
    assert hint in str(error.value)
    assert not (tmp_path / name).exists()


def test_saving_a_model_before_its_weights_exist_is_an_error(tmp_path):
    model = fitwell.Sequential([fitwell.layers.Dense(4), fitwell.layers.Dense(1)])  # no Input: lazy
    with pytest.raises(
        ValueError, match=r"save_weights\(\) needs every weight to exist.*layers\.0 \(dense.*Input\(shape"
    ):
        model.save_weights(tmp_path / "m.weights.h5")
    assert not (tmp_path / "m.weights.h5").exists()
    built = fitwell.Sequential([fitwell.Input(shape=(2,)), fitwell.layers.Dense(4), fitwell.layers.Dense(1)])
    built.save_weights(tmp_path / "m.weights.h5")
    with pytest.raises(ValueError, match="needs every weight to exist"):
        model.load_weights(tmp_path / "m.weights.h5")


@pytest.mark.parametrize("name", EXTENSIONS)
def test_every_mismatch_is_reported_at_once_and_nothing_changes(tmp_path, name):
    trained_convnet().save_weights(tmp_path / name)
    other = fitwell.Sequential(
        [
            fitwell.Input(shape=(8, 8, 1)),
            fitwell.layers.Conv2D(4, 3, activation="relu"),
            fitwell.layers.BatchNormalization(center=False),  # no bias: missing from the model
            fitwell.layers.Flatten(),
            fitwell.layers.Dense(5),  # wrong shape
            fitwell.layers.Dense(2),  # missing from the file
        ]
    )
    before = {k: v.clone() for k, v in other.state_dict().items()}
    with pytest.raises(ValueError) as error:
        other.load_weights(tmp_path / name)
    message = str(error.value)
    assert "nothing was loaded" in message
    assert "missing from the file (2): layers.4.weight, layers.4.bias" in message
    assert "not in the model (1): layers.1.bias" in message
    shapes = "layers.3.weight (model (5, 144), file (3, 144)), layers.3.bias (model (5,), file (3,))"
    assert f"wrong shape (2): {shapes}" in message
    assert "strict=False" in message
    assert all(torch.equal(before[k], v) for k, v in other.state_dict().items())


def test_strict_false_loads_what_fits_and_warns_about_the_rest(tmp_path):
    source = trained_convnet()
    source.save_weights(tmp_path / "m.weights.h5")
    other = convnet(units=5)
    before = other.layers[3].weight.clone()
    with pytest.warns(UserWarning, match=r"(?s)skipped what does not fit.*wrong shape \(2\)"):
        other.load_weights(tmp_path / "m.weights.h5", strict=False)
    assert torch.equal(other.layers[0].weight, source.layers[0].weight)
    assert torch.equal(other.layers[1].running_var, source.layers[1].running_var)
    assert torch.equal(other.layers[3].weight, before)


def test_overwrite_false_keeps_the_existing_file(tmp_path):
    model = trained_convnet()
    model.save_weights(tmp_path / "m.safetensors")
    original = (tmp_path / "m.safetensors").read_bytes()
    with torch.no_grad():
        model.layers[3].bias.add_(1.0)
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save_weights(tmp_path / "m.safetensors", overwrite=False)
    assert (tmp_path / "m.safetensors").read_bytes() == original
    model.save_weights(tmp_path / "m.safetensors")
    assert (tmp_path / "m.safetensors").read_bytes() != original


def test_missing_folders_are_created(tmp_path):
    trained_convnet().save_weights(tmp_path / "checkpoints" / "run1" / "best.weights.h5")
    assert (tmp_path / "checkpoints" / "run1" / "best.weights.h5").is_file()


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="No weights file"):
        convnet().load_weights(tmp_path / "absent.weights.h5")


def test_weights_can_be_loaded_from_a_model_file(tmp_path):
    model = trained_convnet()
    model.save(tmp_path / "m.keras")
    fresh = convnet()
    fresh.load_weights(tmp_path / "m.keras")
    assert same_weights(fresh, model)


def test_a_non_numeric_dataset_is_refused(tmp_path):
    with h5py.File(tmp_path / "s.weights.h5", "w") as file:
        file.create_dataset("module.bias", data=np.array([b"ab", b"cd"]))
    model = fitwell.Model(torch.nn.Linear(3, 2))
    with pytest.raises(ValueError, match="holds .* values. Expected a numeric array"):
        fitwell.saving.hdf5.read(tmp_path / "s.weights.h5")
    before = model.module.bias.clone()
    with pytest.raises(ValueError, match="Expected a numeric array"):
        model.load_weights(tmp_path / "s.weights.h5", strict=False)
    assert torch.equal(model.module.bias, before)


def test_loading_keeps_the_optimizer_working_on_the_same_parameters(tmp_path):
    model = trained_convnet()
    model.save_weights(tmp_path / "m.weights.h5")
    parameters = list(model.parameters())
    model.load_weights(tmp_path / "m.weights.h5")
    assert all(a is b for a, b in zip(parameters, model.parameters(), strict=True))
