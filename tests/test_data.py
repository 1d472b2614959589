"""Every data form fit/evaluate/predict accept, and how they are batched."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import fitwell
from conftest import make_classifier
from fitwell import data as data_module


def compiled(model=None):
    model = model or make_classifier()
    model.compile(
        optimizer=fitwell.optimizers.Adam(1e-2),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        device="cpu",
    )
    return model


@pytest.mark.parametrize("kind", ["numpy", "torch", "pandas"])
def test_array_like_inputs_train_the_same(blobs, kind):
    x, y = blobs
    convert = {
        "numpy": lambda a: a,
        "torch": torch.from_numpy,
        "pandas": lambda a: pd.DataFrame(a) if a.ndim == 2 else pd.Series(a),
    }[kind]
    fitwell.utils.set_random_seed(0)
    history = compiled().fit(convert(x), convert(y), epochs=2, verbose=0)
    fitwell.utils.set_random_seed(0)
    reference = compiled().fit(x, y, epochs=2, verbose=0)
    assert history.history["loss"] == pytest.approx(reference.history["loss"], rel=1e-6)


def test_float64_inputs_become_float32(blobs):
    x, y = blobs
    history = compiled().fit(x.astype("float64"), y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_dataloader_batch_size_is_ignored_with_a_warning(blobs):
    x, y = blobs
    loader = DataLoader(TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=100)
    model = compiled()
    with pytest.warns(
        UserWarning, match="batch_size=7` is ignored: the DataLoader already makes batches of 100"
    ):
        history = model.fit(loader, batch_size=7, epochs=2, verbose=0)
    assert history.params["steps"] == 6
    assert model.optimizer.iterations == 12


def test_torch_dataset_is_batched_with_batch_size(blobs):
    x, y = blobs
    model = compiled()
    history = model.fit(
        TensorDataset(torch.from_numpy(x), torch.from_numpy(y)), batch_size=50, epochs=1, verbose=0
    )
    assert history.params["steps"] == 12


def test_reiterable_of_ready_batches_and_tf_like_objects(blobs):
    x, y = blobs

    class FakeTfTensor:  # anything with __array__, like a tf.Tensor
        def __init__(self, array):
            self.array = array

        def __array__(self, dtype=None, copy=None):
            return self.array

    batches = [(FakeTfTensor(x[i : i + 100]), FakeTfTensor(y[i : i + 100])) for i in range(0, 600, 100)]
    model = compiled()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(batches, epochs=3, verbose=0)
    assert model.optimizer.iterations == 18
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(batches, verbose=0)[1] > 0.5
    assert model.predict(batches, verbose=0).shape == (600, 3)


def test_one_shot_generator_needs_steps_per_epoch(blobs):
    x, y = blobs

    def generate():
        while True:
            for i in range(0, 600, 100):
                yield x[i : i + 100], y[i : i + 100]

    model = compiled()
    with pytest.raises(ValueError, match="generator can be read only once.*steps_per_epoch"):
        model.fit(generate(), epochs=2, verbose=0)
    model.fit(generate(), epochs=2, steps_per_epoch=4, verbose=0)
    assert model.optimizer.iterations == 8


def test_dict_inputs_reach_forward_as_keywords(blobs):
    x, y = blobs

    class TwoInputs(fitwell.Model):
        def __init__(self):
            super().__init__()
            self.a = torch.nn.Linear(6, 3)
            self.b = torch.nn.Linear(4, 3)

        def forward(self, left, right):
            return self.a(left) + self.b(right)

    model = TwoInputs()
    model.compile(
        optimizer="adam", loss=fitwell.losses.SparseCategoricalCrossentropy(from_logits=True), device="cpu"
    )
    history = model.fit({"left": x[:, :6], "right": x[:, 6:]}, y, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict({"left": x[:, :6], "right": x[:, 6:]}, verbose=0).shape == (600, 3)


def test_steps_per_epoch_continues_over_array_batches_like_keras():
    # Keras: 5 batches with steps_per_epoch=3 → epoch 1 uses 0-2, epoch 2 uses
    # 3-4 and ends short with a warning, epoch 3 starts over.
    x = np.arange(10, dtype="float32").reshape(10, 1)
    source = data_module.as_data(
        x, x, batch_size=2, shuffle=False, device=torch.device("cpu"), steps_per_epoch=3
    )
    first = [b.x[0, 0].item() for b in source.epoch()]
    with pytest.warns(UserWarning, match="ran out of data"):
        second = [b.x[0, 0].item() for b in source.epoch()]
    third = [b.x[0, 0].item() for b in source.epoch()]
    assert (first, second, third) == ([0, 2, 4], [6, 8], [0, 2, 4])


def test_shuffle_false_gives_sequential_batches_with_a_short_last_one():
    x = np.arange(10, dtype="float32").reshape(10, 1)
    source = data_module.as_data(x, x, batch_size=4, shuffle=False, device=torch.device("cpu"))
    assert [b.x.flatten().tolist() for b in source.epoch()] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_shuffle_draws_a_full_permutation_each_epoch():
    x = np.arange(100, dtype="float32").reshape(100, 1)
    source = data_module.as_data(x, x, batch_size=32, shuffle=True, device=torch.device("cpu"))
    first = torch.cat([b.x for b in source.epoch()]).flatten()
    second = torch.cat([b.x for b in source.epoch()]).flatten()
    assert sorted(first.tolist()) == list(range(100)) == sorted(second.tolist())
    assert not torch.equal(first, second)
    pairs = [(b.x, b.y) for b in source.epoch()]
    assert all(torch.equal(bx, by) for bx, by in pairs)  # rows stay paired


def test_validation_steps_restart_from_the_first_batch(blobs, monkeypatch):
    x, y = blobs
    model = compiled()
    seen = []
    original = fitwell.trainer.Trainer.test_step

    def spy(trainer, batch):
        seen.append(batch.size)
        return original(trainer, batch)

    monkeypatch.setattr(fitwell.trainer.Trainer, "test_step", spy)
    model.fit(
        x,
        y,
        validation_data=(x[:100], y[:100]),
        validation_batch_size=30,
        validation_steps=2,
        epochs=2,
        verbose=0,
    )
    assert seen == [30, 30, 30, 30]
