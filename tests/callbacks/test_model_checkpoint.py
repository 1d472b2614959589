"""ModelCheckpoint: which epochs/batches are written, checked against Keras 3, plus real fits."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import torch

import fitwell
from callbacks.scripted import as_logs, fitwell_model, keras_model, random_sequence
from fitwell.callbacks import ModelCheckpoint

NAN = math.nan


def _recording(model):
    """Replace the model's save methods by recorders; returns the list of saved paths."""
    saved = []
    model.save_weights = lambda path, overwrite=True: saved.append(("weights", path))
    model.save = lambda path, overwrite=True: saved.append(("model", path))
    return saved


def _run_epochs(callback, model, logs_per_epoch):
    saved = _recording(model)
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, logs in enumerate(logs_per_epoch):
        callback.on_epoch_begin(epoch, {})
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end({})
    return saved


def _run_batches(callback, model, epochs, batches, loss=lambda epoch, batch: 1.0):
    saved = _recording(model)
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch, {})
        for batch in range(batches):
            callback.on_train_batch_begin(batch, {})
            callback.on_train_batch_end(batch, {"loss": loss(epoch, batch)})
        callback.on_epoch_end(epoch, {"loss": 0.5})
    return saved


EPOCH_CASES = {
    "every_epoch": ([1.0, 0.9, 0.95], {}),
    "best_only": ([1.0, 0.9, 0.95, 0.8, 0.8, 0.7], {"save_best_only": True}),
    "best_only_max": ([0.5, 0.6, 0.55, 0.7], {"save_best_only": True, "mode": "max"}),
    "initial_value_threshold": (
        [1.0, 0.9, 0.5, 0.6, 0.4],
        {"save_best_only": True, "initial_value_threshold": 0.8},
    ),
    "float32_near_ties": ([0.7, 0.69999999, 0.6, 0.59999999], {"save_best_only": True}),
    "nan_later": ([1.0, NAN, 0.9, NAN], {"save_best_only": True}),
}


def _compare_epochs_with_keras(values, options, filepath, capsys=None):
    keras = pytest.importorskip("keras")
    theirs = keras.callbacks.ModelCheckpoint(filepath, monitor="val_loss", **options)
    keras_saved = _run_epochs(theirs, keras_model(), as_logs("val_loss", values))
    keras_out = capsys.readouterr().out if capsys else ""
    ours = ModelCheckpoint(filepath, monitor="val_loss", **options)
    our_saved = _run_epochs(ours, fitwell_model(), as_logs("val_loss", values))
    our_out = capsys.readouterr().out if capsys else ""
    case = f"values={values}, options={options}"
    assert our_saved == keras_saved, case
    assert ours.best == theirs.best or (
        ours.best is not None and math.isnan(ours.best) and math.isnan(theirs.best)
    )
    assert our_out == keras_out, case


@pytest.mark.keras
@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("name", list(EPOCH_CASES))
def test_saved_epochs_match_keras(name, weights_only, tmp_path, capsys):
    values, options = EPOCH_CASES[name]
    suffix = ".weights.h5" if weights_only else ".keras"
    filepath = str(tmp_path / "sub" / f"ckpt-{{epoch:02d}}-{{val_loss:.3f}}{suffix}")
    _compare_epochs_with_keras(
        values, {**options, "save_weights_only": weights_only, "verbose": 1}, filepath, capsys
    )


@pytest.mark.keras
def test_saved_epochs_match_keras_on_random_sequences(tmp_path):
    rng = np.random.default_rng(3)
    for _ in range(60):
        options = {
            "save_best_only": bool(rng.random() < 0.8),
            "mode": str(rng.choice(["min", "max"])),
            "save_weights_only": True,
            "initial_value_threshold": None
            if rng.random() < 0.7
            else float(np.round(rng.uniform(0.8, 1.1), 2)),
        }
        _compare_epochs_with_keras(random_sequence(rng, 12), options, str(tmp_path / "e{epoch}.weights.h5"))


@pytest.mark.keras
@pytest.mark.parametrize(("save_freq", "batches"), [(1, 3), (2, 3), (4, 3), (5, 2)])
def test_batch_saves_match_keras(save_freq, batches, tmp_path):
    keras = pytest.importorskip("keras")
    filepath = str(tmp_path / "e{epoch}-b{batch}-{loss:.1f}.weights.h5")
    options = {"save_weights_only": True, "save_freq": save_freq}
    keras_saved = _run_batches(
        keras.callbacks.ModelCheckpoint(filepath, **options), keras_model(), 3, batches
    )
    our_saved = _run_batches(ModelCheckpoint(filepath, **options), fitwell_model(), 3, batches)
    assert our_saved == keras_saved
    assert len(our_saved) == (3 * batches) // save_freq


def test_batch_saves_with_save_best_only_work():
    # Keras 3.15 raises TypeError here (its comparison is resolved only at epoch end).
    losses = {(0, 0): 1.0, (0, 1): 0.9, (0, 2): 0.95, (1, 0): 0.97, (1, 1): 0.8, (1, 2): 0.85}
    checkpoint = ModelCheckpoint(
        "b{batch}.weights.h5", monitor="loss", save_weights_only=True, save_freq=1, save_best_only=True
    )
    saved = _run_batches(checkpoint, fitwell_model(), 2, 3, loss=lambda e, b: losses[e, b])
    assert saved == [("weights", "b1.weights.h5"), ("weights", "b2.weights.h5"), ("weights", "b2.weights.h5")]
    assert checkpoint.best == 0.8


def test_epoch_without_validation_writes_nothing_for_a_val_monitor():
    checkpoint = ModelCheckpoint("best.weights.h5", save_best_only=True, save_weights_only=True)
    logs = [{"loss": 1.0, "val_loss": 1.0}, {"loss": 0.9}, {"loss": 0.8, "val_loss": 0.9}]
    with pytest.warns(
        UserWarning, match="ModelCheckpoint is monitoring 'val_loss', but this epoch ran no validation"
    ):
        saved = _run_epochs(checkpoint, fitwell_model(), logs)
    assert saved == [("weights", "best.weights.h5")] * 2


def test_nan_in_first_epoch_is_not_saved_as_best():
    checkpoint = ModelCheckpoint("e{epoch}.weights.h5", save_best_only=True, save_weights_only=True)
    saved = _run_epochs(checkpoint, fitwell_model(), as_logs("val_loss", [NAN, 1.0, 0.9, 0.95]))
    assert [path for _, path in saved] == ["e2.weights.h5", "e3.weights.h5"]


def test_auto_mode_follows_the_compiled_metric_direction():
    checkpoint = ModelCheckpoint(
        "e{epoch}.weights.h5", monitor="val_mae", save_best_only=True, save_weights_only=True
    )
    saved = _run_epochs(checkpoint, fitwell_model(metrics=["mae"]), as_logs("val_mae", [0.5, 0.4, 0.6]))
    assert [path for _, path in saved] == ["e1.weights.h5", "e2.weights.h5"]


def test_missing_template_key_lists_the_available_keys():
    checkpoint = ModelCheckpoint("ckpt-{epoch:02d}-{val_los:.3f}.weights.h5", save_weights_only=True)
    with pytest.raises(
        ValueError,
        match=r"cannot fill \{val_los\}.*Available keys: epoch, loss, val_loss\. Did you mean 'val_loss'\?",
    ):
        _run_epochs(checkpoint, fitwell_model(), [{"loss": 1.0, "val_loss": 1.0}])


def test_directory_path_is_an_error(tmp_path):
    (tmp_path / "taken.weights.h5").mkdir()
    checkpoint = ModelCheckpoint(str(tmp_path / "taken.weights.h5"), save_weights_only=True)
    with pytest.raises(IsADirectoryError, match="needs a file path, not a folder"):
        _run_epochs(checkpoint, fitwell_model(), [{"val_loss": 1.0}])


def test_creates_parent_folders(tmp_path):
    checkpoint = ModelCheckpoint(str(tmp_path / "a" / "b" / "e{epoch}.weights.h5"), save_weights_only=True)
    _run_epochs(checkpoint, fitwell_model(), [{"val_loss": 1.0}])
    assert (tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize(
    ("args", "options", "message"),
    [
        (
            ("best.h5",),
            {"save_weights_only": True},
            r"With save_weights_only=True, `filepath` must end in \.weights\.h5 or \.safetensors\. "
            r"Received: filepath='best\.h5'",
        ),
        (
            ("best.weights.h5",),
            {},
            r"must end in \.keras\. Received: filepath='best\.weights\.h5'\. Pass save_weights_only=True",
        ),
        (
            ("best.h5",),
            {},
            r"With save_weights_only=False the whole model is saved, so `filepath` must end in \.keras",
        ),
        (("e{epoch.weights.h5",), {"save_weights_only": True}, r"`filepath` is not a valid format template"),
        ((3,), {}, r"`filepath` must be a file path"),
        (
            ("m.keras",),
            {"save_freq": "batch"},
            r"`save_freq` must be 'epoch' or an int >= 1 \(batches\). Received: save_freq='batch'",
        ),
        (("m.keras",), {"save_freq": 0}, r"Received: save_freq=0"),
        (
            ("m.keras",),
            {"save_freq": 5, "save_best_only": True},
            r"no validation keys exist. Received: monitor='val_loss', save_best_only=True",
        ),
        (("m-{val_loss}.keras",), {"save_freq": 5}, r"which uses \{val_loss\}"),
        (("m.keras",), {"mode": "best"}, r"`mode` must be one of"),
        (("m.keras",), {"initial_value_threshold": "low"}, r"`initial_value_threshold` must be a number"),
    ],
)
def test_invalid_arguments_are_rejected(args, options, message):
    with pytest.raises(ValueError, match=message):
        ModelCheckpoint(*args, **options)


def test_auto_mode_with_an_unknown_direction_is_an_error():
    def closeness(y_true, y_pred):
        return (y_true - y_pred).abs().mean(dim=-1)

    checkpoint = ModelCheckpoint(
        "m.weights.h5", monitor="val_closeness", save_best_only=True, save_weights_only=True
    )
    checkpoint.set_model(fitwell_model(metrics=[closeness]))
    with pytest.raises(
        ValueError, match=r"cannot tell whether 'val_closeness' should go up or down.*Pass mode='max'"
    ):
        checkpoint.on_train_begin({})


def test_state_dict_round_trip():
    checkpoint = ModelCheckpoint(
        "b.weights.h5", monitor="loss", save_weights_only=True, save_freq=4, save_best_only=True
    )
    _run_batches(checkpoint, fitwell_model(), 1, 3)
    state = checkpoint.state_dict()
    assert state == {
        "best": None,
        "batches_seen_since_last_saving": 3,
        "last_batch_seen": 2,
        "current_epoch": 0,
    }
    resumed = ModelCheckpoint(
        "b.weights.h5", monitor="loss", save_weights_only=True, save_freq=4, save_best_only=True
    )
    resumed.load_state_dict(state)
    saved = _run_batches(resumed, fitwell_model(), 1, 1)
    assert saved == [("weights", "b.weights.h5")]


def _has_saving() -> bool:
    try:
        import fitwell.saving  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _has_saving(), reason="fitwell.saving is not available yet")
def test_real_fit_writes_the_best_weights_file(binary_data, tmp_path):
    x, y = binary_data
    model = fitwell.Model(torch.nn.Linear(5, 1))
    model.compile(optimizer=fitwell.optimizers.SGD(learning_rate=0.1), loss="mse", device="cpu")
    path = tmp_path / "checkpoints" / "best.weights.h5"
    snapshots = {}
    record = fitwell.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.update({epoch: model.get_weights()})
    )
    checkpoint = ModelCheckpoint(str(path), monitor="val_loss", save_best_only=True, save_weights_only=True)
    history = model.fit(x, y, validation_split=0.25, epochs=4, verbose=0, callbacks=[record, checkpoint])
    best = int(np.argmin(np.float32(history.history["val_loss"])))
    fresh = fitwell.Model(torch.nn.Linear(5, 1))
    fresh.compile(optimizer="sgd", loss="mse", device="cpu")
    fresh.load_weights(str(path))
    for loaded, kept in zip(fresh.get_weights(), snapshots[best], strict=True):
        np.testing.assert_array_equal(loaded, kept)
    assert sorted(os.listdir(path.parent)) == ["best.weights.h5"]


@pytest.mark.skipif(not _has_saving(), reason="fitwell.saving is not available yet")
def test_real_fit_with_templates_and_batch_frequency(binary_data, tmp_path):
    x, y = binary_data
    model = fitwell.Sequential([fitwell.Input(shape=(5,)), fitwell.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"], device="cpu")
    by_epoch = ModelCheckpoint(str(tmp_path / "e" / "ckpt-{epoch:02d}-{val_loss:.3f}.keras"))
    by_batch = ModelCheckpoint(
        str(tmp_path / "b" / "b{epoch}-{batch}-{loss:.2f}.safetensors"), save_weights_only=True, save_freq=3
    )
    history = model.fit(
        x, y, batch_size=100, validation_split=0.25, epochs=2, verbose=0, callbacks=[by_epoch, by_batch]
    )
    expected = [f"ckpt-{e + 1:02d}-{v:.3f}.keras" for e, v in enumerate(history.history["val_loss"])]
    assert sorted(os.listdir(tmp_path / "e")) == expected
    # 3 batches per epoch, a save every 3 batches: the last batch of each epoch.
    assert [name.split("-")[:2] for name in sorted(os.listdir(tmp_path / "b"))] == [["b1", "3"], ["b2", "3"]]
    reloaded = fitwell.saving.load_model(str(tmp_path / "e" / expected[-1]))
    np.testing.assert_allclose(reloaded.predict(x[:4], verbose=0), model.predict(x[:4], verbose=0), rtol=1e-6)
