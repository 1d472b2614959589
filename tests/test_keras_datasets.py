"""Keras's datasets: the same cache files give the same arrays as Keras; nothing is ever downloaded here.

Small files in Keras's formats are written into a temporary `KERAS_HOME`.
Keras itself reads them as the oracle, with its hash check switched off
(the small files cannot have the published hashes) and its download refused.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pickle
import struct
import tarfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from fitwell.datasets import boston_housing, california_housing, cifar10, cifar100, fashion_mnist, mnist
from fitwell.datasets._cache import DownloadError, cached_file, extracted_archive
from fitwell.datasets.cifar import load_batch
from fitwell.errors import UnsafeFileError


def refuse_network(*args, **kwargs):
    raise urllib.error.URLError("no network in tests")


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """`$KERAS_HOME/datasets` in a temporary folder, with every download refused."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(urllib.request, "urlopen", refuse_network)
    folder = tmp_path / "keras_home" / "datasets"
    folder.mkdir(parents=True)
    return folder


@pytest.fixture
def keras_reads(cache, monkeypatch):
    """Keras's `datasets`, reading the same temporary cache, never downloading."""
    keras = pytest.importorskip("keras")
    from keras.src.backend import config
    from keras.src.utils import file_utils

    if keras.config.image_data_format() != "channels_last":
        pytest.skip("Keras is configured for channels_first images")
    monkeypatch.setattr(config, "_KERAS_DIR", str(cache.parent))
    monkeypatch.setattr(file_utils, "validate_file", lambda *args, **kwargs: True)
    monkeypatch.setattr(file_utils, "urlretrieve", refuse_network)
    return keras.datasets


def assert_same(ours, theirs):
    """`(x_train, y_train), (x_test, y_test)`: equal values, dtypes and shapes."""
    mine_all = [array for pair in ours for array in pair]
    theirs_all = [array for pair in theirs for array in pair]
    assert len(mine_all) == len(theirs_all) == 4
    for mine, keras_array in zip(mine_all, theirs_all, strict=True):
        assert mine.dtype == keras_array.dtype and mine.shape == keras_array.shape
        np.testing.assert_array_equal(mine, keras_array)


def uint8(rng, *shape):
    return rng.integers(0, 256, size=shape, dtype=np.uint8)


def test_mnist_reads_kerass_npz(cache, keras_reads):
    rng = np.random.default_rng(0)
    np.savez(
        cache / "mnist.npz", x_train=uint8(rng, 6, 28, 28), y_train=uint8(rng, 6) % 10,
        x_test=uint8(rng, 3, 28, 28), y_test=uint8(rng, 3) % 10,
    )  # fmt: skip
    ours = mnist.load_data()
    assert ours[0][0].shape == (6, 28, 28) and ours[1][1].dtype == np.uint8
    assert_same(ours, keras_reads.mnist.load_data())


def idx_file(path: Path, header: bytes, values: np.ndarray) -> None:
    with gzip.open(path, "wb") as stream:
        stream.write(header + values.tobytes())


def test_fashion_mnist_reads_the_four_gzip_files_where_keras_keeps_them(cache, keras_reads):
    rng = np.random.default_rng(1)
    folder = cache / "fashion-mnist"
    folder.mkdir()
    for prefix, count in (("train", 5), ("t10k", 2)):
        idx_file(folder / f"{prefix}-labels-idx1-ubyte.gz", bytes(8), uint8(rng, count) % 10)
        idx_file(folder / f"{prefix}-images-idx3-ubyte.gz", bytes(16), uint8(rng, count, 28, 28))
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (5, 28, 28) and x_test.shape == (2, 28, 28) and y_test.shape == (2,)
    assert x_train.flags.writeable
    assert_same(((x_train, y_train), (x_test, y_test)), keras_reads.fashion_mnist.load_data())


class Python2Pickler(pickle._Pickler):
    """Pickles as Python 2's cPickle wrote the published CIFAR files: every string a byte string."""

    dispatch = dict(pickle._Pickler.dispatch)

    def save_byte_string(self, text):
        data = text.encode("latin1") if isinstance(text, str) else text
        if len(data) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(data)]) + data)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(data)) + data)
        self.memoize(text)

    dispatch[bytes] = save_byte_string
    dispatch[str] = save_byte_string


def cifar_batch(rng, count: int, label_keys: tuple[str, ...], classes: int) -> tuple[bytes, dict]:
    """A batch in the published format: a dict of a uint8 array, label lists and names."""
    content = {"batch_label": "testing batch", "data": uint8(rng, count, 3072)}
    content["filenames"] = [f"image_{i}.png" for i in range(count)]
    for key in label_keys:
        content[key] = [int(label) for label in rng.integers(0, classes, size=count)]
    stream = io.BytesIO()
    Python2Pickler(stream, protocol=2).dump(content)
    return stream.getvalue(), content


def add_to_tar(archive: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    archive.addfile(info, io.BytesIO(payload))


def test_cifar100_extracts_kerass_archive_and_matches_keras(cache, keras_reads):
    rng = np.random.default_rng(2)
    keys = ("fine_labels", "coarse_labels")
    with tarfile.open(cache / "cifar-100-python-target_archive", "w:gz") as archive:
        for name, count in (("train", 4), ("test", 2)):
            add_to_tar(archive, f"cifar-100-python/{name}", cifar_batch(rng, count, keys, 100)[0])
    for label_mode in ("fine", "coarse"):
        ours = cifar100.load_data(label_mode=label_mode)
        assert ours[0][0].shape == (4, 32, 32, 3) and ours[0][1].shape == (4, 1)
        assert_same(ours, keras_reads.cifar100.load_data(label_mode=label_mode))
    assert (cache / "cifar-100-python-target" / "cifar-100-python" / "train").is_file()
    with pytest.raises(ValueError, match="`label_mode` must be one of .* Received: label_mode='medium'"):
        cifar100.load_data(label_mode="medium")


@pytest.mark.parametrize("layout", ["cifar-10-batches-py-target/cifar-10-batches-py", "cifar-10-batches-py"])
def test_cifar10_reads_extracted_batches_of_keras_3_and_older_caches(cache, layout):
    rng = np.random.default_rng(3)
    folder = cache / layout
    folder.mkdir(parents=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        payload, batches[name] = cifar_batch(rng, 2, ("labels",), 10)
        (folder / name).write_bytes(payload)
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == y_test.dtype == np.uint8
    first = batches["data_batch_1"]["data"][0].reshape(3, 32, 32).transpose(1, 2, 0)
    np.testing.assert_array_equal(x_train[0], first)
    expected = sum((batches[f"data_batch_{i}"]["labels"] for i in range(1, 6)), [])
    assert y_train.ravel().tolist() == expected
    assert y_test.ravel().tolist() == batches["test_batch"]["labels"]


class RunsCode:
    def __reduce__(self):
        return (os.system, ("true",))


def test_a_pickle_naming_any_other_callable_is_refused(cache, tmp_path):
    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({"data": RunsCode(), "labels": [0]}))
    with pytest.raises(
        UnsafeFileError, match=r"Refusing to load `(posix|os|nt)\.system` from the dataset file"
    ):
        load_batch(path)
    folder = cache / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        (folder / name).write_bytes(path.read_bytes())
    with pytest.raises(UnsafeFileError, match="corrupted or malicious"):
        cifar10.load_data()


def housing_file(path: Path, rows: int, features: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(rows)
    x, y = rng.normal(size=(rows, features)), rng.uniform(5, 50, size=rows)
    np.savez(path, x=x, y=y)
    return x, y


@pytest.mark.parametrize(("test_split", "seed"), [(0.2, 113), (0.35, 7), (0.0, 1)])
def test_housing_splits_are_kerass(cache, keras_reads, test_split, seed):
    housing_file(cache / "boston_housing.npz", 50, 13)
    housing_file(cache / "california_housing.npz", 640, 8)
    assert_same(
        boston_housing.load_data(test_split=test_split, seed=seed),
        keras_reads.boston_housing.load_data(test_split=test_split, seed=seed),
    )
    for version in ("large", "small"):
        ours = california_housing.load_data(version=version, test_split=test_split, seed=seed)
        assert len(ours[0][0]) + len(ours[1][0]) == (640 if version == "large" else 600)
        assert_same(
            ours, keras_reads.california_housing.load_data(version=version, test_split=test_split, seed=seed)
        )


def test_housing_arguments_are_checked_before_any_download(cache):
    with pytest.raises(ValueError, match=r"`test_split` must be in \[0, 1\).* Received: test_split=1"):
        boston_housing.load_data(test_split=1)
    with pytest.raises(ValueError, match="`version` must be one of .* Received: version='medium'"):
        california_housing.load_data(version="medium")
    with pytest.raises(ValueError, match="without directories"):
        mnist.load_data(path="sub/mnist.npz")


def test_a_missing_file_without_network_names_the_url_and_where_to_put_it(cache):
    with pytest.raises(DownloadError) as caught:
        mnist.load_data()
    message = str(caught.value)
    assert isinstance(caught.value, OSError)
    assert (
        mnist.ORIGIN in message and str(cache / "mnist.npz") in message and "no network in tests" in message
    )
    assert "copy it to" in message and "KERAS_HOME" in message
    assert list(cache.iterdir()) == []  # no partial file left behind


class FakeResponse(io.BytesIO):
    headers: dict = {}


def test_a_download_is_hash_checked_then_renamed_into_place(cache, monkeypatch, capsys):
    payload = b"dataset bytes" * 1000
    calls = []

    def serve(url, timeout):
        calls.append(url)
        return FakeResponse(payload)

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    with pytest.raises(DownloadError, match="incomplete or corrupted: its hash is"):
        cached_file("data.bin", origin="https://example.org/data.bin", file_hash="0" * 64)
    assert list(cache.iterdir()) == []
    good = hashlib.sha256(payload).hexdigest()
    path = cached_file("data.bin", origin="https://example.org/data.bin", file_hash=good)
    assert path == cache / "data.bin" and path.read_bytes() == payload
    assert cached_file("data.bin", origin="https://example.org/data.bin", file_hash=good) == path
    assert len(calls) == 2 and "Downloading data from https://example.org/data.bin" in capsys.readouterr().out


def test_an_archive_member_escaping_the_folder_is_refused(cache):
    with tarfile.open(cache / "evil_archive", "w:gz") as archive:
        add_to_tar(archive, "../outside.txt", b"x")
    with pytest.raises(UnsafeFileError, match="Refusing to extract '../outside.txt'"):
        extracted_archive(
            "evil", origin="https://example.org/evil.tar.gz", file_hash="0" * 64, expected=["a"]
        )
    assert not (cache.parent / "outside.txt").exists() and not (cache / "evil").exists()
