"""Bad callback arguments: refused at construction, or at `on_train_begin`, before any weight changes."""

from __future__ import annotations

import sys

import pytest

from bad_inputs.catalogue import Case, check, ids
from fitwell.callbacks import (
    BackupAndRestore,
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    LiveDiagnosis,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)


def _new(factory):
    return lambda world: factory(world)


CONSTRUCTION = [
    Case(
        "early-stopping-patience-negative",
        _new(lambda w: EarlyStopping(patience=-1)),
        ValueError,
        ("patience=-1",),
    ),
    Case(
        "early-stopping-patience-float",
        _new(lambda w: EarlyStopping(patience=1.5)),
        ValueError,
        ("patience=1.5",),
    ),
    Case(
        "early-stopping-mode-unknown",
        _new(lambda w: EarlyStopping(mode="up")),
        ValueError,
        ("mode='up'", "'max'"),
    ),
    Case(
        "early-stopping-monitor-empty", _new(lambda w: EarlyStopping(monitor="")), ValueError, ("monitor=''",)
    ),
    Case(
        "early-stopping-monitor-number", _new(lambda w: EarlyStopping(monitor=3)), ValueError, ("monitor=3",)
    ),
    Case(
        "early-stopping-min-delta-text",
        _new(lambda w: EarlyStopping(min_delta="small")),
        ValueError,
        ("min_delta='small'",),
    ),
    Case(
        "early-stopping-baseline-nan",
        _new(lambda w: EarlyStopping(baseline=float("nan"))),
        ValueError,
        ("baseline", "finite"),
    ),
    Case(
        "early-stopping-start-negative",
        _new(lambda w: EarlyStopping(start_from_epoch=-2)),
        ValueError,
        ("start_from_epoch=-2",),
    ),
    Case(
        "early-stopping-verbose-negative",
        _new(lambda w: EarlyStopping(verbose=-1)),
        ValueError,
        ("verbose=-1",),
    ),
    Case(
        "reduce-lr-factor-one", _new(lambda w: ReduceLROnPlateau(factor=1.0)), ValueError, ("factor", "1.0")
    ),
    Case(
        "reduce-lr-factor-negative", _new(lambda w: ReduceLROnPlateau(factor=-0.5)), ValueError, ("factor",)
    ),
    Case(
        "reduce-lr-factor-above-one", _new(lambda w: ReduceLROnPlateau(factor=2.0)), ValueError, ("factor",)
    ),
    Case(
        "reduce-lr-patience-negative",
        _new(lambda w: ReduceLROnPlateau(patience=-1)),
        ValueError,
        ("patience=-1",),
    ),
    Case(
        "reduce-lr-min-lr-negative", _new(lambda w: ReduceLROnPlateau(min_lr=-1e-3)), ValueError, ("min_lr",)
    ),
    Case(
        "reduce-lr-cooldown-negative",
        _new(lambda w: ReduceLROnPlateau(cooldown=-1)),
        ValueError,
        ("cooldown=-1",),
    ),
    Case(
        "reduce-lr-mode-unknown",
        _new(lambda w: ReduceLROnPlateau(mode="lower")),
        ValueError,
        ("mode='lower'",),
    ),
    Case(
        "checkpoint-plain-h5",
        _new(lambda w: ModelCheckpoint(w.file("ck.h5"))),
        ValueError,
        (".keras", "ck.h5"),
    ),
    Case(
        "checkpoint-keras-with-weights-only",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), save_weights_only=True)),
        ValueError,
        ("save_weights_only=True", ".weights.h5"),
    ),
    Case(
        "checkpoint-weights-name-without-weights-only",
        _new(lambda w: ModelCheckpoint(w.file("ck.weights.h5"))),
        ValueError,
        ("Pass save_weights_only=True",),
    ),
    Case(
        "checkpoint-torch-name",
        _new(lambda w: ModelCheckpoint(w.file("ck.pt"), save_weights_only=True)),
        ValueError,
        ("ck.pt", ".safetensors"),
    ),
    Case(
        "checkpoint-save-freq-zero",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), save_freq=0)),
        ValueError,
        ("save_freq=0",),
    ),
    Case(
        "checkpoint-save-freq-batch-word",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), save_freq="batch")),
        ValueError,
        ("save_freq='batch'",),
    ),
    Case(
        "checkpoint-template-unclosed",
        _new(lambda w: ModelCheckpoint(w.file("ck-{epoch.keras"))),
        ValueError,
        ("format template", "{{ }}"),
    ),
    Case("checkpoint-filepath-none", _new(lambda w: ModelCheckpoint(None)), ValueError, ("filepath=None",)),
    Case(
        "checkpoint-mode-unknown",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), mode="best")),
        ValueError,
        ("mode='best'",),
    ),
    Case(
        "checkpoint-threshold-text",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), initial_value_threshold="0.5")),
        ValueError,
        ("initial_value_threshold='0.5'",),
    ),
    Case(
        "checkpoint-batch-freq-val-monitor",
        _new(lambda w: ModelCheckpoint(w.file("ck.keras"), save_freq=5, save_best_only=True)),
        ValueError,
        ("save_freq=5", "monitor='val_loss'"),
    ),
    Case(
        "checkpoint-batch-freq-val-field",
        _new(lambda w: ModelCheckpoint(w.file("ck-{val_loss}.keras"), save_freq=5)),
        ValueError,
        ("{val_loss}", "between batches"),
    ),
    Case("csv-logger-filename-none", _new(lambda w: CSVLogger(None)), TypeError, ("filename=None",)),
    Case("csv-logger-filename-empty", _new(lambda w: CSVLogger("")), TypeError, ("filename=''",)),
    Case(
        "csv-logger-separator-two",
        _new(lambda w: CSVLogger(w.file("log.csv"), separator=", ")),
        ValueError,
        ("separator=', '",),
    ),
    Case(
        "csv-logger-separator-quote",
        _new(lambda w: CSVLogger(w.file("log.csv"), separator='"')),
        ValueError,
        ("separator='\"'", "quote"),
    ),
    Case("tensorboard-log-dir-empty", _new(lambda w: TensorBoard(log_dir="")), ValueError, ("log_dir=''",)),
    Case(
        "tensorboard-histogram-negative",
        _new(lambda w: TensorBoard(w.file("tb"), histogram_freq=-1)),
        ValueError,
        ("histogram_freq=-1",),
    ),
    Case(
        "tensorboard-update-freq-zero",
        _new(lambda w: TensorBoard(w.file("tb"), update_freq=0)),
        ValueError,
        ("update_freq=0",),
    ),
    Case(
        "tensorboard-profile-batch",
        _new(lambda w: TensorBoard(w.file("tb"), profile_batch=5)),
        ValueError,
        ("profile_batch=5", "torch.profiler"),
    ),
    Case("backup-dir-empty", _new(lambda w: BackupAndRestore("")), ValueError, ("backup_dir=''",)),
    Case(
        "backup-save-freq-zero",
        _new(lambda w: BackupAndRestore(w.file("bk"), save_freq=0)),
        ValueError,
        ("save_freq=0",),
    ),
    Case("scheduler-not-callable", _new(lambda w: LearningRateScheduler(0.1)), TypeError, ("schedule=0.1",)),
    Case(
        "scheduler-verbose-negative",
        _new(lambda w: LearningRateScheduler(lambda e: 0.1, verbose=-1)),
        ValueError,
        ("verbose=-1",),
    ),
    Case(
        "terminate-on-nan-raise-text",
        _new(lambda w: TerminateOnNaN(raise_error="yes")),
        TypeError,
        ("raise_error='yes'",),
    ),
    Case(
        "lambda-callback-not-callable",
        _new(lambda w: LambdaCallback(on_epoch_end=5)),
        ValueError,
        ("on_epoch_end", "5"),
    ),
    Case(
        "lambda-callback-unknown-hook",
        _new(lambda w: LambdaCallback(on_epoch_finish=print)),
        (TypeError, ValueError),
        ("on_epoch_finish", "on_epoch_end"),
    ),
    Case(
        "live-diagnosis-unknown-kind",
        _new(lambda w: LiveDiagnosis(stop_on=["overfit"])),
        ValueError,
        ("overfit",),
    ),
]


def _without_tensorboard(world):
    saved = {name: sys.modules.get(name) for name in ("torch.utils.tensorboard", "tensorboard")}
    sys.modules["torch.utils.tensorboard"] = None  # an import of it now fails, as without the package
    try:
        world.fit_with(TensorBoard(world.file("tb")))
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def speed(y_true, y_pred):
    return (y_pred - y_pred).sum(-1)


def _direction_unknown(world):
    world.model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[speed], device="cpu"
    )
    world.fit_with(EarlyStopping(monitor="speed"))


def _val(world):
    return {"validation_data": (world.x_val, world.y_val)}


AT_TRAIN_BEGIN = [
    Case(
        "early-stopping-monitor-misspelled",
        lambda w: w.fit_with(EarlyStopping(monitor="val_acuracy"), **_val(w)),
        ValueError,
        ("'val_acuracy'", "never logs", "'val_accuracy'"),
        "too-late",
    ),
    Case(
        "early-stopping-monitor-unknown",
        lambda w: w.fit_with(EarlyStopping(monitor="acc_val")),
        ValueError,
        ("'acc_val'", "never logs", "loss, accuracy"),
    ),
    Case(
        "early-stopping-monitor-unknown-direction", _direction_unknown, ValueError, ("'speed'", "mode='max'")
    ),
    Case(
        "reduce-lr-monitor-misspelled",
        lambda w: w.fit_with(ReduceLROnPlateau(monitor="val_los"), **_val(w)),
        ValueError,
        ("'val_los'", "'val_loss'"),
        "too-late",
    ),
    Case(
        "checkpoint-field-misspelled",
        lambda w: w.fit_with(ModelCheckpoint(w.file("ck-{val_los:.2f}.keras")), **_val(w)),
        ValueError,
        ("'val_los'", "filepath=", "'val_loss'"),
        "too-late",
    ),
    Case(
        "checkpoint-field-unknown",
        lambda w: w.fit_with(ModelCheckpoint(w.file("ck-{acc}.keras"))),
        ValueError,
        ("'acc'", "never logs"),
        "too-late",
    ),
    Case(
        "checkpoint-field-needs-validation",
        lambda w: w.fit_with(ModelCheckpoint(w.file("ck-{val_loss}.keras"))),
        ValueError,
        ("no validation data", "validation_split"),
        "too-late",
    ),
    Case(
        "checkpoint-monitor-misspelled",
        lambda w: w.fit_with(
            ModelCheckpoint(w.file("ck.keras"), monitor="val_accuracyy", save_best_only=True), **_val(w)
        ),
        ValueError,
        ("'val_accuracyy'", "monitor=", "'val_accuracy'"),
        "too-late",
    ),
    Case(
        "checkpoint-best-needs-validation",
        lambda w: w.fit_with(ModelCheckpoint(w.file("ck.keras"), save_best_only=True)),
        ValueError,
        ("'val_loss'", "no validation data"),
        "silent",
    ),
    Case(
        "checkpoint-batch-field-learning-rate",
        lambda w: w.fit_with(ModelCheckpoint(w.file("ck-{learning_rate}.keras"), save_freq=2)),
        ValueError,
        ("'learning_rate'", "never logs"),
        "too-late",
    ),
    Case(
        "checkpoint-folder-is-a-file",
        lambda w: w.fit_with(ModelCheckpoint(w.file("notes.txt/ck.keras"))),
        NotADirectoryError,
        ("notes.txt/ck.keras", "is a file"),
        "too-late",
    ),
    Case(
        "checkpoint-deep-folder-through-a-file",
        lambda w: w.fit_with(
            ModelCheckpoint(w.file("notes.txt/a/b/{epoch}/ck.weights.h5"), save_weights_only=True)
        ),
        NotADirectoryError,
        ("notes.txt",),
        "too-late",
    ),
    Case(
        "checkpoint-path-is-a-folder",
        lambda w: w.fit_with(ModelCheckpoint(w.file("folder"), save_weights_only=True)),
        (ValueError, IsADirectoryError),
        ("folder",),
    ),
    Case(
        "checkpoint-path-is-a-folder-after-check",
        lambda w: w.fit_with(ModelCheckpoint(w.file("folder/"), save_weights_only=True)),
        (ValueError, IsADirectoryError),
        ("folder",),
    ),
    Case(
        "checkpoint-keras-for-wrapped-module",
        lambda w: w.wrapped.fit(
            w.x, w.y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(w.file("ck.keras"))]
        ),
        TypeError,
        ("cannot be saved whole", "save_weights_only=True"),
        "too-late",
    ),
    Case(
        "tensorboard-without-the-package",
        _without_tensorboard,
        ImportError,
        ("`tensorboard` package", "pip install tensorboard"),
        "too-late",
    ),
    Case(
        "tensorboard-log-dir-is-a-file",
        lambda w: w.fit_with(TensorBoard(w.file("notes.txt"))),
        NotADirectoryError,
        ("notes.txt",),
        "too-late",
    ),
    Case(
        "csv-logger-filename-is-a-folder",
        lambda w: w.fit_with(CSVLogger(w.file("folder"))),
        IsADirectoryError,
        ("folder", "it is a folder"),
        "too-late",
    ),
    Case(
        "csv-logger-folder-is-a-file",
        lambda w: w.fit_with(CSVLogger(w.file("notes.txt/log.csv"))),
        NotADirectoryError,
        ("notes.txt/log.csv",),
        "too-late",
    ),
    Case(
        "csv-logger-append-other-columns",
        lambda w: w.fit_with(CSVLogger(w.file("old.csv"), append=True)),
        ValueError,
        ("old.csv", "lacks columns", "accuracy", "append=False"),
        "silent",
    ),
    Case(
        "csv-logger-append-other-separator",
        lambda w: w.fit_with(CSVLogger(w.file("old.csv"), separator=";", append=True), **_val(w)),
        ValueError,
        ("old.csv", "lacks columns"),
    ),
    Case(
        "csv-logger-append-to-binary",
        lambda w: w.fit_with(CSVLogger(w.file("binary.bin"), append=True)),
        ValueError,
        ("binary.bin", "append=False"),
    ),
    Case(
        "backup-dir-is-a-file",
        lambda w: w.fit_with(BackupAndRestore(w.file("notes.txt"))),
        NotADirectoryError,
        ("notes.txt",),
        "too-late",
    ),
]

CASES = CONSTRUCTION + AT_TRAIN_BEGIN


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_callback_is_a_clear_error_before_training(case, tmp_path):
    check(case, tmp_path)
