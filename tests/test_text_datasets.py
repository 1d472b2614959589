"""`datasets.imdb` and `datasets.reuters`: Keras's processing of small files in Keras's format and cache.

The files are written by the test in `$KERAS_HOME/datasets` (a temporary
folder); nothing is downloaded. Keras's own loaders, pointed at the same
files, are the reference.
"""

from __future__ import annotations

import json
import os
import urllib.request

import numpy as np
import pytest

from fitwell.datasets import imdb, reuters
from fitwell.datasets._npz import load_npz
from fitwell.errors import UnsafeFileError

keras = pytest.importorskip("keras")


def ragged(rows: list[list[int]]) -> np.ndarray:
    array = np.empty(len(rows), dtype=object)
    array[:] = rows
    return array


def random_rows(rng: np.random.RandomState, count: int) -> list[list[int]]:
    return [rng.randint(1, 30, size=rng.randint(1, 12)).tolist() for _ in range(count)]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty Keras cache where any download attempt fails the test."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))

    def no_download(*args, **kwargs):
        raise AssertionError("a dataset file was downloaded")

    monkeypatch.setattr(urllib.request, "urlopen", no_download)
    folder = tmp_path / "datasets"
    folder.mkdir()
    return folder


@pytest.fixture
def imdb_file(cache):
    rng = np.random.RandomState(0)
    np.savez(
        cache / "imdb.npz",
        x_train=ragged(random_rows(rng, 12)),
        y_train=rng.randint(0, 2, 12),
        x_test=ragged(random_rows(rng, 9)),
        y_test=rng.randint(0, 2, 9),
    )
    return cache / "imdb.npz"


@pytest.fixture
def reuters_file(cache):
    rng = np.random.RandomState(1)
    np.savez(cache / "reuters.npz", x=ragged(random_rows(rng, 15)), y=rng.randint(0, 46, 15))
    return cache / "reuters.npz"


def assert_same_splits(ours, theirs):
    for (x, y), (keras_x, keras_y) in zip(ours, theirs, strict=True):
        assert x.dtype == keras_x.dtype == object and x.shape == keras_x.shape
        assert x.tolist() == keras_x.tolist()
        np.testing.assert_array_equal(y, keras_y)
        assert y.dtype == keras_y.dtype


OPTIONS = [
    {},
    {"num_words": 12, "skip_top": 5},
    {"maxlen": 8, "seed": 7},
    {"start_char": None, "index_from": 0},
    {"oov_char": None, "num_words": 15},
    {"index_from": 10, "start_char": 2, "oov_char": 3, "num_words": 20, "skip_top": 4},
]


@pytest.mark.parametrize("options", OPTIONS)
def test_imdb_load_data_matches_kerass_processing(imdb_file, monkeypatch, options):
    from keras.src.datasets import imdb as keras_imdb

    monkeypatch.setattr(keras_imdb, "get_file", lambda *args, **kwargs: str(imdb_file))
    assert_same_splits(imdb.load_data(**options), keras_imdb.load_data(**options))


@pytest.mark.parametrize("options", [*OPTIONS, {"test_split": 0.5, "maxlen": 10}])
def test_reuters_load_data_matches_kerass_processing(reuters_file, monkeypatch, options):
    from keras.src.datasets import reuters as keras_reuters

    monkeypatch.setattr(keras_reuters, "get_file", lambda *args, **kwargs: str(reuters_file))
    assert_same_splits(reuters.load_data(**options), keras_reuters.load_data(**options))


def test_start_char_and_index_shift_are_applied_to_every_review(imdb_file):
    raw = load_npz(imdb_file)
    (x_train, _), _ = imdb.load_data(seed=113)
    order = np.arange(12)
    np.random.RandomState(113).shuffle(order)
    assert x_train[0] == [1] + [w + 3 for w in raw["x_train"][order[0]]]


def test_maxlen_that_keeps_nothing_is_an_error(imdb_file):
    with pytest.raises(ValueError, match="No review is shorter than maxlen=1"):
        imdb.load_data(maxlen=1)


def test_word_indexes_and_label_names_come_from_kerass_files(cache):
    (cache / "imdb_word_index.json").write_text(json.dumps({"the": 1, "film": 2}))
    (cache / "reuters_word_index.json").write_text(json.dumps({"the": 1, "said": 2}))
    assert imdb.get_word_index() == {"the": 1, "film": 2}
    assert reuters.get_word_index() == {"the": 1, "said": 2}
    assert reuters.get_label_names() == keras.datasets.reuters.get_label_names()


def test_a_pickle_that_would_run_code_is_refused(cache, tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    evil = np.empty(1, dtype=object)
    evil[0] = Payload()
    np.savez(cache / "imdb.npz", x_train=evil, y_train=np.zeros(1), x_test=evil, y_test=np.zeros(1))
    with pytest.raises(UnsafeFileError, match="Refusing to load `(posix|os|nt).system`"):
        imdb.load_data()
    assert not marker.exists()


def test_numeric_members_load_without_pickle(tmp_path):
    path = tmp_path / "numbers.npz"
    np.savez(path, a=np.arange(4.0), b=np.array([[1, 2]], dtype="int8"))
    arrays = load_npz(path)
    np.testing.assert_array_equal(arrays["a"], np.arange(4.0))
    assert arrays["b"].dtype == np.int8
