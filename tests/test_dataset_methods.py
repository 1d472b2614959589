"""tf.data's dataset methods on the time-series, image and text datasets, and `fit` on what they return."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

import fitwell
from fitwell import layers
from fitwell.strings import StringArray
from fitwell.utils import (
    image_dataset_from_directory,
    text_dataset_from_directory,
    timeseries_dataset_from_array,
)
from fitwell.utils.dataset_methods import (
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    DatasetMethods,
)

STEPS = np.arange(40, dtype="float32")


def windows(**options):
    """7 batches of 5: 35 windows of 3 steps, each with the step after it as target."""
    options = {"batch_size": 5, **options}
    return timeseries_dataset_from_array(STEPS[:-3, None], STEPS[3:], sequence_length=3, **options)


def contents(dataset) -> list[list[float]]:
    """The targets of each batch, as lists: what tells batches apart."""
    return [batch[1].tolist() for batch in dataset]


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    image = pytest.importorskip("PIL.Image")
    for label, shade in (("cats", 40), ("dogs", 220)):
        (tmp_path / label).mkdir()
        for index in range(3):
            image.new("RGB", (5, 4), (shade, index, 0)).save(tmp_path / label / f"{index}.png")
    return tmp_path


@pytest.fixture
def text_folder(tmp_path: Path) -> Path:
    for label, texts in (("neg", ["dull", "slow plot", "bad"]), ("pos", ["great fun", "loved it"])):
        (tmp_path / label).mkdir()
        for index, text in enumerate(texts):
            (tmp_path / label / f"{index}.txt").write_text(text)
    return tmp_path


def test_take_and_skip_give_the_first_and_the_remaining_batches():
    dataset = windows()
    every = contents(dataset)
    assert len(every) == 7
    assert contents(dataset.take(2)) == every[:2] and len(dataset.take(2)) == 2
    assert contents(dataset.skip(5)) == every[5:] and len(dataset.skip(5)) == 2
    assert contents(dataset.skip(2).take(3)) == every[2:5]
    assert contents(dataset.take(-1)) == every and len(dataset.take(100)) == 7
    assert contents(dataset.skip(-1)) == [] and len(dataset.skip(-1)) == 0 and len(dataset.skip(9)) == 0
    taken = dataset.take(np.int64(1))  # counts computed with NumPy or torch are ints too
    assert contents(taken) == contents(taken) == every[:1]  # read again on every pass


def test_the_weather_example_pattern_reads_one_batch():
    dataset_train = windows(batch_size=8)
    for batch in dataset_train.take(1):
        inputs, targets = batch
    assert inputs.shape == (8, 3, 1) and targets.shape == (8,)
    assert inputs[1, :, 0].tolist() == [1.0, 2.0, 3.0] and targets[1].item() == 4.0


def test_map_passes_a_batchs_parts_as_arguments_and_runs_without_gradients():
    dataset = windows()
    dense = layers.Dense(2)
    mapped = dataset.map(lambda x, y: (dense(x), y * 2), num_parallel_calls=AUTOTUNE)
    x, y = next(iter(mapped))
    assert x.shape == (5, 3, 2) and not x.requires_grad  # tf.data does not differentiate its pipeline
    assert y.tolist() == [6.0, 8.0, 10.0, 12.0, 14.0]
    assert len(mapped) == 7 and int(mapped.cardinality()) == 7
    inputs_only = windows(batch_size=4).map(lambda x, y: x).map(lambda x: x.sum())  # one part: one argument
    assert [total.item() for total in inputs_only.take(2)] == [30.0, 78.0]
    with pytest.raises(TypeError, match="`map_func` must be a function of an element"):
        dataset.map(3)


def test_cardinality_follows_tf_data_including_infinite_and_unknown():
    dataset = windows()
    count = dataset.cardinality()
    assert count.dtype == torch.int64 and count.numpy() == 7 and int(count) == 7
    assert INFINITE_CARDINALITY == -1 and UNKNOWN_CARDINALITY == -2
    assert int(dataset.repeat().cardinality()) == INFINITE_CARDINALITY
    assert int(dataset.repeat(3).cardinality()) == 21 and len(dataset.repeat(3)) == 21
    assert int(dataset.repeat(0).cardinality()) == 0
    assert int(dataset.repeat().take(10).cardinality()) == 10
    assert int(dataset.repeat().skip(3).cardinality()) == INFINITE_CARDINALITY
    assert int(dataset.unbatch().cardinality()) == UNKNOWN_CARDINALITY
    assert int(dataset.unbatch().take(3).cardinality()) == UNKNOWN_CARDINALITY
    assert int(dataset.batch(3).cardinality()) == 3
    assert int(dataset.batch(3, drop_remainder=True).cardinality()) == 2
    with pytest.raises(TypeError, match="infinite"):
        len(dataset.repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(dataset.unbatch())


def test_repeat_prefetch_and_counts_checked():
    dataset = windows()
    every = contents(dataset)
    assert contents(dataset.repeat(2)) == every + every
    assert contents(dataset.repeat().take(9)) == every + every[:2]
    assert dataset.prefetch(AUTOTUNE) is dataset and dataset.prefetch(buffer_size=2) is dataset
    with pytest.raises(
        ValueError, match=r"`count` of `take` must be an int >= 0, or -1 for all. Received: count=-2"
    ):
        dataset.take(-2)
    with pytest.raises(ValueError, match="`count` of `skip` must be an int"):
        dataset.skip(1.5)
    with pytest.raises(ValueError, match="`count` of `repeat` must be an int"):
        dataset.repeat("twice")


def test_cache_replays_the_first_complete_pass():
    draws = []

    def noisy(x, y):
        draws.append(1)
        return x + torch.rand(()), y

    cached = windows().map(noisy).cache()
    next(iter(cached))  # a pass stopped early is not kept
    first = [x for x, _ in cached]
    assert len(draws) == 8
    again = [x for x, _ in cached]
    assert len(draws) == 8 and all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    assert len(cached) == 7


def test_shuffle_draws_a_seeded_buffered_order():
    dataset = windows(batch_size=1)  # 35 elements
    every = contents(dataset)
    shuffled = dataset.shuffle(35, seed=3)
    first, second = contents(shuffled), contents(shuffled)
    assert sorted(first) == sorted(every) and first != every
    assert first != second  # a new order on every pass
    assert contents(dataset.shuffle(35, seed=3)) == first  # the seed repeats the sequence of passes
    frozen = dataset.shuffle(35, seed=3, reshuffle_each_iteration=False)
    assert contents(frozen) == contents(frozen)
    assert contents(dataset.shuffle(1, seed=3)) == every  # a buffer of one keeps the order
    # A small buffer only moves elements forward by less than its size plus what was drawn before.
    positions = [every.index(element) for element in contents(dataset.shuffle(4, seed=0))]
    assert sorted(positions) == list(range(35)) and all(
        position <= index + 3 for index, position in enumerate(positions)
    )
    with pytest.raises(ValueError, match="`buffer_size` must be a positive int"):
        dataset.shuffle(0)


def test_unbatch_and_batch_regroup_the_samples():
    dataset = windows()
    samples = list(dataset.unbatch())
    assert len(samples) == 35
    window, target = samples[4]
    assert window.shape == (3, 1) and window[:, 0].tolist() == [4.0, 5.0, 6.0] and target.item() == 7.0
    rebatched = dataset.unbatch().batch(7)
    assert [tuple(x.shape) for x, _ in rebatched] == [(7, 3, 1)] * 5
    assert torch.equal(torch.cat([y for _, y in rebatched]), torch.cat([y for _, y in dataset]))
    assert [len(y) for _, y in dataset.unbatch().batch(10)] == [10, 10, 10, 5]
    assert [len(y) for _, y in dataset.unbatch().batch(10, drop_remainder=True)] == [10, 10, 10]
    nested = next(iter(windows(batch_size=2).take(3).batch(3)))  # batches of batches, as tf.data
    assert nested[0].shape == (3, 2, 3, 1)
    with pytest.raises(ValueError, match="`batch_size` must be a positive int"):
        dataset.batch(0)
    with pytest.raises(ValueError, match="`batch\\(\\)` needs elements of one shape"):
        list(windows(batch_size=6).batch(6))  # the last batch is smaller


def test_as_numpy_iterator_gives_arrays():
    x, y = next(windows().as_numpy_iterator())
    assert isinstance(x, np.ndarray) and isinstance(y, np.ndarray)
    assert x.shape == (5, 3, 1) and y.tolist() == [3.0, 4.0, 5.0, 6.0, 7.0]
    assert len(list(windows().as_numpy_iterator())) == 7


def test_fit_reads_a_mapped_and_taken_dataset_again_every_epoch():
    batches_read = []

    def scale(x, y):
        batches_read.append(len(y))
        return x / 40.0, y / 40.0

    train = windows().map(scale).take(3).prefetch(AUTOTUNE).cache()
    model = fitwell.Sequential([fitwell.Input(shape=(3, 1)), layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(train, epochs=3, verbose=0, validation_data=windows().map(scale).skip(5))
    assert len(history.history["loss"]) == 3 and "val_loss" in history.history
    assert batches_read.count(5) >= 3 + 2  # three cached training batches, then validation each epoch
    assert model.evaluate(windows().take(2), verbose=0) > 0
    assert model.predict(windows().map(lambda x, y: x).take(2), verbose=0).shape == (10, 1)
    endless = windows().map(scale).repeat()
    history = model.fit(endless, epochs=2, steps_per_epoch=4, verbose=0)
    assert len(history.history["loss"]) == 2


def test_image_loader_has_the_methods_and_results_keep_class_names(image_folder):
    dataset = image_dataset_from_directory(
        image_folder, image_size=(4, 5), batch_size=4, shuffle=False, num_workers=0, verbose=False
    )
    assert isinstance(dataset, DatasetMethods) and int(dataset.cardinality()) == 2
    for images, labels in dataset.take(1):
        assert images.shape == (4, 4, 5, 3) and labels.tolist() == [0, 0, 0, 1]
    normalized = dataset.map(lambda images, labels: (images / 255.0, labels)).prefetch(AUTOTUNE)
    assert normalized.class_names == ["cats", "dogs"] and not hasattr(normalized, "file_paths")
    assert dataset.take(1).class_names == ["cats", "dogs"]
    assert float(next(iter(normalized))[0].max()) <= 1.0
    assert [label.item() for _, label in dataset.unbatch()] == [0, 0, 0, 1, 1, 1]
    model = fitwell.Sequential([fitwell.Input(shape=(4, 5, 3)), layers.Flatten(), layers.Dense(2)])
    model.compile(optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(normalized, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_text_loader_has_the_shared_methods(text_folder):
    raw_train_ds = text_dataset_from_directory(text_folder, batch_size=2, shuffle=False, verbose=False)
    assert type(raw_train_ds).map is DatasetMethods.map
    assert int(raw_train_ds.cardinality()) == 3
    texts = raw_train_ds.map(lambda x, y: x)
    assert texts.class_names == ["neg", "pos"]
    assert [batch.tolist() for batch in texts.take(2)] == [["dull", "slow plot"], ["bad", "great fun"]]
    samples = list(raw_train_ds.unbatch())
    assert samples[1][0] == "slow plot" and samples[1][1].item() == 0
    rebatched = next(iter(raw_train_ds.unbatch().batch(4)))
    assert isinstance(rebatched[0], StringArray) and rebatched[0].tolist()[3] == "great fun"
    assert rebatched[1].tolist() == [0, 0, 0, 1]
    first_texts, first_labels = next(raw_train_ds.as_numpy_iterator())
    assert first_texts.tolist() == ["dull", "slow plot"] and first_labels.dtype == np.int32
