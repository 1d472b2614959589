"""`text_dataset_from_directory`: Keras's files, order and split; batches for fit and TextVectorization."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.strings import StringArray
from fitwell.utils import text_dataset_from_directory

REVIEWS = {
    "neg": ["dull and slow", "a bad plot", "boring", "awful acting", "not good"],
    "pos": ["a great film", "loved it", "superb cast", "great fun", "wonderful", "très bien"],
}


@pytest.fixture
def review_folder(tmp_path: Path) -> Path:
    for label, texts in REVIEWS.items():
        (tmp_path / label).mkdir()
        for index, text in enumerate(texts):
            (tmp_path / label / f"{index}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "pos" / "notes.md").write_text("not a review")  # only .txt files count
    return tmp_path


def read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", [1, 42])
def test_file_order_and_split_are_kerass_for_the_same_seed(review_folder, seed, capsys):
    keras = pytest.importorskip("keras")
    del keras  # the import checks Keras is there; its indexing runs without TensorFlow
    from keras.src.utils import dataset_utils

    paths, labels, names = dataset_utils.index_directory(
        str(review_folder), "inferred", formats=(".txt",), shuffle=True, seed=seed, verbose=False
    )
    expected = dataset_utils.get_training_or_validation_split(paths, labels, 0.25, "validation")
    capsys.readouterr()
    validation = text_dataset_from_directory(
        str(review_folder), validation_split=0.25, subset="validation", seed=seed, batch_size=2
    )
    assert (
        capsys.readouterr().out == "Found 11 files belonging to 2 classes.\nUsing 2 files for validation.\n"
    )
    assert validation.class_names == names == ["neg", "pos"]
    assert validation.file_paths == expected[0]
    texts, batch_labels = next(iter(validation))  # the validation files come in order only without shuffle
    assert sorted(texts.tolist()) == sorted(read(path) for path in expected[0])
    assert batch_labels.dtype == torch.int32


def test_batches_hold_the_texts_and_labels_of_the_files(review_folder):
    loader = text_dataset_from_directory(review_folder, batch_size=4, shuffle=False, verbose=False)
    batches = list(loader)
    assert [len(texts) for texts, _ in batches] == [4, 4, 3]
    texts = [text for batch, _ in batches for text in batch.tolist()]
    labels = torch.cat([labels for _, labels in batches]).tolist()
    assert texts == [read(path) for path in loader.file_paths]
    assert labels == [0] * 5 + [1] * 6 and "très bien" in texts
    assert isinstance(batches[0][0], StringArray) and batches[0][0].shape == (4,)


def test_label_modes_and_max_length(review_folder):
    binary = text_dataset_from_directory(review_folder, label_mode="binary", shuffle=False, verbose=False)
    _, labels = next(iter(binary))
    assert labels.shape == (11, 1) and labels.dtype == torch.float32
    categorical = text_dataset_from_directory(
        review_folder, label_mode="categorical", shuffle=False, verbose=False
    )
    _, labels = next(iter(categorical))
    np.testing.assert_array_equal(labels[[0, -1]].numpy(), [[1, 0], [0, 1]])
    cut = text_dataset_from_directory(review_folder, labels=None, max_length=3, shuffle=False, verbose=False)
    texts = next(iter(cut))
    assert isinstance(texts, StringArray) and texts.tolist()[:2] == ["dul", "a b"]
    assert "tr\ufffd" in texts.tolist()  # 3 bytes of "très": a character cut in two


def test_subset_both_gives_a_shuffled_training_and_an_ordered_validation_loader(review_folder):
    training, validation = text_dataset_from_directory(
        review_folder, validation_split=0.3, subset="both", seed=7, batch_size=3, verbose=False
    )
    assert len(training.file_paths) == 8 and len(validation.file_paths) == 3
    assert not set(training.file_paths) & set(validation.file_paths)
    texts = [text for batch, _ in validation for text in batch.tolist()]
    assert texts == [read(path) for path in validation.file_paths]


def test_fit_takes_the_batches_and_map_gives_kerass_vectorize_pattern(review_folder):
    raw = text_dataset_from_directory(review_folder, batch_size=4, seed=3, verbose=False)
    vectorize_layer = layers.TextVectorization(max_tokens=40, output_sequence_length=6)
    vectorize_layer.adapt(raw.map(lambda texts, labels: texts))
    assert "great" in vectorize_layer.get_vocabulary()
    vectorized = raw.map(lambda texts, labels: (vectorize_layer(texts), labels))
    model = fitwell.Sequential(
        [fitwell.Input(shape=(6,), dtype="int64"), layers.Embedding(40, 4), layers.GlobalAveragePooling1D()]
    )
    model.add(layers.Dense(2, activation="softmax"))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(vectorized, epochs=2, verbose=0)  # a map is read again every epoch
    assert len(history.history["loss"]) == 2 and len(vectorized) == 3
    end_to_end = fitwell.Sequential([fitwell.Input(shape=(), dtype="string"), vectorize_layer, model])
    end_to_end.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert end_to_end.evaluate(raw, verbose=0) > 0
    assert end_to_end.predict(raw, verbose=0).shape == (11, 2)


def test_is_also_fitwell_preprocessing_text_dataset_from_directory():
    assert fitwell.preprocessing.text_dataset_from_directory is text_dataset_from_directory
    assert fitwell.preprocessing.image_dataset_from_directory is fitwell.utils.image_dataset_from_directory
    assert fitwell.preprocessing.timeseries_dataset_from_array is fitwell.utils.timeseries_dataset_from_array


def test_bad_arguments_get_a_clear_error(review_folder, tmp_path_factory):
    with pytest.raises(ValueError, match="`label_mode` must be one of"):
        text_dataset_from_directory(review_folder, label_mode="sparse")
    with pytest.raises(ValueError, match="needs a `seed`"):
        text_dataset_from_directory(review_folder, validation_split=0.2, subset="training")
    (review_folder / "maybe").mkdir()
    with pytest.raises(ValueError, match="`label_mode='binary'` needs exactly 2 classes"):
        text_dataset_from_directory(review_folder, label_mode="binary", verbose=False)
    empty = tmp_path_factory.mktemp("empty")
    os.makedirs(empty / "a")
    with pytest.raises(ValueError, match="No text files found in directory"):
        text_dataset_from_directory(empty, verbose=False)
    with pytest.raises(TypeError, match=r"adapt on the texts: dataset.map\(lambda x, y: x\)"):
        layers.TextVectorization().adapt(text_dataset_from_directory(review_folder, verbose=False))
    with pytest.raises(ValueError, match="`max_length` must be None or an int"):
        text_dataset_from_directory(review_folder, max_length=-1)
