"""Files crafted to run code are refused before anything runs; loading never unpickles."""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np
import pytest
import torch

import fitwell
from fitwell.callbacks.backup_and_restore import BackupAndRestore
from fitwell.errors import UnsafeFileError
from fitwell.saving import load_model
from fitwell.saving.safety import describe_pickle


class Payload:
    """Unpickling this calls `open(marker, "w")`: the marker file appears if the pickle ever runs."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def small_model() -> fitwell.Sequential:
    return fitwell.Sequential([fitwell.Input(shape=(3,)), fitwell.layers.Dense(2)])


def write_payload(path, marker, kind: str) -> None:
    if kind == "torch.save":
        torch.save({"layers.0.weight": Payload(str(marker))}, path)
    else:
        protocol = int(kind.removeprefix("protocol "))
        path.write_bytes(pickle.dumps({"layers.0.weight": Payload(str(marker))}, protocol=protocol))


KINDS = ["protocol 0", "protocol 2", "protocol 5", "torch.save"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_payloads_are_real(tmp_path, kind):
    # Control: unpickling the payload does run code (this test runs it on purpose).
    marker = tmp_path / "ran"
    write_payload(tmp_path / "payload", marker, kind)
    if kind == "torch.save":
        loaded = torch.load(tmp_path / "payload", weights_only=False)
    else:
        loaded = pickle.loads((tmp_path / "payload").read_bytes())
    next(iter(loaded.values())).close()
    assert marker.exists()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["model.weights.h5", "model.safetensors", "model.keras"])
def test_pickles_under_our_names_are_refused_and_nothing_runs(tmp_path, kind, name):
    marker = tmp_path / "ran"
    path = tmp_path / name
    write_payload(path, marker, kind)
    with pytest.raises(UnsafeFileError, match=r"Refusing to load .* pickle.* never does"):
        small_model().load_weights(path)
    if name.endswith(".keras"):
        with pytest.raises(UnsafeFileError, match="Refusing to load"):
            load_model(path)
    assert not marker.exists()


def test_a_pickle_inside_a_model_file_is_refused(tmp_path):
    model = small_model()
    model.save(tmp_path / "good.keras")
    marker = tmp_path / "ran"
    with (
        zipfile.ZipFile(tmp_path / "good.keras") as source,
        zipfile.ZipFile(tmp_path / "bad.keras", "w") as target,
    ):
        for item in source.namelist():
            data = source.read(item)
            if item == "model.weights.safetensors":
                data = pickle.dumps(Payload(str(marker)))
            target.writestr(item, data)
    with pytest.raises(UnsafeFileError, match="model.weights.safetensors"):
        load_model(tmp_path / "bad.keras")
    with pytest.raises(UnsafeFileError):
        small_model().load_weights(tmp_path / "bad.keras")
    assert not marker.exists()


def test_a_pickle_as_backup_is_refused(tmp_path):
    marker = tmp_path / "ran"
    (tmp_path / "backup").mkdir()
    write_payload(tmp_path / "backup" / "latest.safetensors", marker, "torch.save")
    model = small_model()
    model.compile(optimizer="sgd", loss="mse", device="cpu")
    backup = BackupAndRestore(tmp_path / "backup")
    x = np.zeros((4, 3), "float32")
    with pytest.raises(UnsafeFileError, match="torch.save archive"):
        model.fit(x, x[:, :2], epochs=1, callbacks=[backup], verbose=0)
    assert not marker.exists()


def test_loading_never_unpickles(tmp_path, monkeypatch):
    model = small_model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], device="cpu")
    model.fit(np.ones((8, 3), "float32"), np.ones((8, 2), "float32"), epochs=1, verbose=0)
    for name in ("m.weights.h5", "m.safetensors"):
        model.save_weights(tmp_path / name)
    model.save(tmp_path / "m.keras")

    def forbidden(*args, **kwargs):
        raise AssertionError("unpickling was attempted")

    for target, attribute in [(pickle, "load"), (pickle, "loads"), (pickle, "Unpickler"), (torch, "load")]:
        monkeypatch.setattr(target, attribute, forbidden)
    for name in ("m.weights.h5", "m.safetensors", "m.keras"):
        small_model().load_weights(tmp_path / name)
    restored = load_model(tmp_path / "m.keras")
    assert restored.optimizer.iterations == 1


@pytest.mark.parametrize("name", ["model.weights.h5", "model.safetensors", "model.keras"])
def test_other_bytes_are_a_plain_format_error(tmp_path, name):
    (tmp_path / name).write_bytes(b"not a weights file, just text\n" * 10)
    with pytest.raises(ValueError, match="is not (an HDF5 file|a safetensors file|a zip archive)") as error:
        small_model().load_weights(tmp_path / name)
    assert not isinstance(error.value, UnsafeFileError)


def test_a_foreign_zip_is_not_a_model_file(tmp_path):
    with zipfile.ZipFile(tmp_path / "other.keras", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="not a fitwell model file: it lacks fitwell's metadata.json"):
        load_model(tmp_path / "other.keras")


def test_a_keras_model_file_is_named_as_such(tmp_path):
    keras = pytest.importorskip("keras")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.save(tmp_path / "keras_model.keras")
    with pytest.raises(
        ValueError, match=r"written by Keras 3\.\d+\.\d+, whose model files fitwell does not read"
    ):
        load_model(tmp_path / "keras_model.keras")


def test_describe_pickle_reads_without_executing(tmp_path):
    marker = tmp_path / "ran"
    buffer = io.BytesIO()
    pickle.dump(Payload(str(marker)), buffer, protocol=0)
    (tmp_path / "p0").write_bytes(buffer.getvalue())
    (tmp_path / "json").write_text(json.dumps({"a": 1}))
    assert describe_pickle(tmp_path / "p0") == "a Python pickle"
    assert describe_pickle(tmp_path / "json") is None
    assert not marker.exists()
