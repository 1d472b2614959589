"""Bad paths and damaged files for save/load, and the `fitwell` command: one clear error, nothing touched."""

from __future__ import annotations

import csv

import pytest

import fitwell
from bad_inputs.catalogue import Case, CommandError, check, ids, run_cli, small_classifier
from fitwell.errors import UnsafeFileError


def _load_weights_into(make_model, name, **kwargs):
    def call(world):
        model = make_model()
        world.extra_models.append(model)
        model.load_weights(world.file(name), **kwargs)

    return call


def _load_into_world_model(name, **kwargs):
    return lambda world: world.model.load_weights(world.file(name), **kwargs)


def _load_model(name):
    return lambda world: fitwell.saving.load_model(world.file(name))


def _unbuilt_save(world):
    model = fitwell.Sequential([fitwell.layers.Dense(3)])
    model.save_weights(world.file("unbuilt.weights.h5"))


SAVING = [
    Case(
        "save-weights-plain-h5",
        lambda w: w.model.save_weights(w.file("model.h5")),
        ValueError,
        ("model.h5", "'.weights.h5'", "whole Keras 2 model"),
    ),
    Case(
        "save-weights-torch-name",
        lambda w: w.model.save_weights(w.file("model.pt")),
        ValueError,
        ("model.pt", "pickle"),
    ),
    Case(
        "save-weights-keras-name",
        lambda w: w.model.save_weights(w.file("model.keras")),
        ValueError,
        ("model.keras", "model.save(path)"),
    ),
    Case(
        "save-weights-text-name",
        lambda w: w.model.save_weights(w.file("model.txt")),
        ValueError,
        ("model.txt",),
    ),
    Case(
        "save-weights-no-overwrite",
        lambda w: w.model.save_weights(w.file("old.weights.h5"), overwrite=False),
        FileExistsError,
        ("overwrite=False", "old.weights.h5"),
    ),
    Case(
        "save-weights-onto-a-folder",
        lambda w: w.model.save_weights(w.file("taken.weights.h5")),
        IsADirectoryError,
        ("taken.weights.h5", "folder"),
    ),
    Case(
        "save-weights-through-a-file",
        lambda w: w.model.save_weights(w.file("notes.txt/m.weights.h5")),
        NotADirectoryError,
        ("notes.txt/m.weights.h5",),
    ),
    Case(
        "save-safetensors-through-a-file",
        lambda w: w.model.save_weights(w.file("notes.txt/m.safetensors")),
        NotADirectoryError,
        ("notes.txt/m.safetensors",),
    ),
    Case("save-weights-unbuilt", _unbuilt_save, ValueError, ("save_weights()",)),
    Case(
        "save-model-weights-name",
        lambda w: w.model.save(w.file("m.weights.h5")),
        ValueError,
        ("'.keras'", "save_weights"),
    ),
    Case("save-model-plain-h5", lambda w: w.model.save(w.file("m.h5")), ValueError, ("m.h5", "'.keras'")),
    Case(
        "save-model-wrapped-module",
        lambda w: w.wrapped.save(w.file("m.keras")),
        TypeError,
        ("save_weights", "code that a file cannot hold"),
    ),
    Case(
        "save-model-no-overwrite",
        lambda w: w.model.save(w.file("old.keras"), overwrite=False),
        FileExistsError,
        ("old.keras", "overwrite=False"),
    ),
    Case(
        "save-model-onto-a-folder",
        lambda w: w.model.save(w.file("taken.keras")),
        IsADirectoryError,
        ("taken.keras",),
    ),
    Case(
        "save-model-through-a-file",
        lambda w: w.model.save(w.file("notes.txt/m.keras")),
        NotADirectoryError,
        ("notes.txt/m.keras",),
    ),
]

LOADING = [
    Case(
        "load-weights-missing",
        _load_into_world_model("missing.weights.h5"),
        FileNotFoundError,
        ("missing.weights.h5",),
    ),
    Case(
        "load-weights-other-architecture",
        _load_weights_into(lambda: small_classifier(classes=5), "old.weights.h5"),
        ValueError,
        ("old.weights.h5", "shape"),
    ),
    Case(
        "load-weights-other-features",
        _load_weights_into(lambda: small_classifier(features=6), "old.safetensors"),
        ValueError,
        ("old.safetensors",),
    ),
    Case(
        "load-weights-from-keras-other-architecture",
        _load_weights_into(lambda: small_classifier(classes=2), "old.keras"),
        ValueError,
        ("old.keras",),
    ),
    Case(
        "load-weights-text-named-h5",
        _load_into_world_model("fake.weights.h5"),
        ValueError,
        ("fake.weights.h5", "is not an HDF5 file"),
    ),
    Case("load-weights-torn-h5", _load_into_world_model("torn.weights.h5"), ValueError, ("torn.weights.h5",)),
    Case(
        "load-weights-torn-safetensors",
        _load_into_world_model("torn.safetensors"),
        ValueError,
        ("torn.safetensors",),
    ),
    Case(
        "load-weights-pickle-named-h5",
        _load_into_world_model("pickle.weights.h5"),
        UnsafeFileError,
        ("pickle", "never does"),
    ),
    Case(
        "load-weights-pickle-named-safetensors",
        _load_into_world_model("pickle.safetensors"),
        UnsafeFileError,
        ("pickle",),
    ),
    Case("load-weights-torch-name", _load_into_world_model("model.pt"), ValueError, ("model.pt",)),
    Case(
        "load-weights-folder",
        _load_into_world_model("taken.weights.h5"),
        (FileNotFoundError, ValueError),
        ("taken.weights.h5",),
    ),
    Case(
        "load-weights-foreign-zip",
        _load_into_world_model("foreign.keras"),
        ValueError,
        ("foreign.keras", "not a fitwell model file"),
    ),
    Case("load-model-missing", _load_model("missing.keras"), FileNotFoundError, ("missing.keras",)),
    Case("load-model-text", _load_model("fake.keras"), ValueError, ("fake.keras", "not a zip archive")),
    Case("load-model-foreign-zip", _load_model("foreign.keras"), ValueError, ("metadata.json",)),
    Case("load-model-keras-made", _load_model("keras-made.keras"), ValueError, ("Keras 3.15.1",)),
    Case(
        "load-model-weights-file", _load_model("old.weights.h5"), ValueError, ("'.keras'", "old.weights.h5")
    ),
    Case("load-model-torn", _load_model("torn.keras"), ValueError, ("torn.keras",)),
    Case("load-model-with-pickle", _load_model("with-pickle.keras"), UnsafeFileError, ("pickle",)),
    Case("load-model-pickled-weights", _load_model("pickled-weights.keras"), UnsafeFileError, ("pickle",)),
    Case(
        "load-model-without-weights",
        _load_model("no-weights.keras"),
        ValueError,
        ("model.weights.safetensors",),
    ),
    Case("load-model-bad-json", _load_model("bad-json.keras"), ValueError, ("config.json", "not valid JSON")),
    Case("load-model-list-config", _load_model("list-config.keras"), ValueError, ("does not describe",)),
    Case(
        "load-model-unknown-layer",
        _load_model("unknown-layer.keras"),
        (ValueError, TypeError),
        ("os.system",),
    ),
    Case(
        "load-model-huge-input",
        _load_model("huge-input.keras"),
        ValueError,
        ("1000000000000 elements", "nothing was allocated"),
        "message",
    ),
    Case(
        "load-model-huge-units",
        _load_model("huge-units.keras"),
        ValueError,
        ("units=100000000000", "nothing was allocated"),
        "message",
    ),
    Case("load-model-negative-units", _load_model("negative-units.keras"), ValueError, ("units",)),
]


def _cli(*argv):
    def call(world):
        run_cli(*(world.file(a[1:]) if a.startswith("@") else a for a in argv))

    return call


def _diagnose_raising(error):
    def call(world):
        import fitwell.diagnosis

        original = fitwell.diagnosis.diagnose

        def failing(*args, **kwargs):
            raise error

        fitwell.diagnosis.diagnose = failing
        try:
            run_cli("diagnose", world.file("ragged.csv"))
        finally:
            fitwell.diagnosis.diagnose = original

    return call


COMMAND = [
    Case("cli-diagnose-missing", _cli("diagnose", "@missing.csv"), CommandError, ("missing.csv",), "command"),
    Case("cli-diagnose-folder", _cli("diagnose", "@folder"), CommandError, ("folder",), "command"),
    Case(
        "cli-diagnose-binary",
        _cli("diagnose", "@binary.bin"),
        CommandError,
        ("fitwell diagnose:",),
        "command",
    ),
    Case(
        "cli-diagnose-reader-csv-error",
        _diagnose_raising(csv.Error("new-line character seen")),
        CommandError,
        ("fitwell diagnose:", "Error: new-line character seen"),
        "command",
    ),
    Case(
        "cli-diagnose-reader-key-error",
        _diagnose_raising(KeyError("loss")),
        CommandError,
        ("KeyError", "'loss'"),
        "command",
    ),
    Case(
        "cli-diagnose-reader-index-error",
        _diagnose_raising(IndexError("row 3 has 2 cells")),
        CommandError,
        ("row 3 has 2 cells",),
        "command",
    ),
    Case(
        "cli-diagnose-reader-multiline",
        _diagnose_raising(ValueError("line one\nline two")),
        CommandError,
        ("line one line two",),
        "command",
    ),
    Case(
        "cli-plot-output-folder",
        _cli("plot", "@old.csv", "-o", "@taken.png"),
        CommandError,
        ("taken.png", "folder"),
        "command",
    ),
    Case(
        "cli-plot-output-through-a-file",
        _cli("plot", "@old.csv", "-o", "@notes.txt/curves.png"),
        CommandError,
        ("notes.txt/curves.png",),
        "command",
    ),
    Case(
        "cli-plot-missing-input",
        _cli("plot", "@missing.csv", "-o", "@curves.png"),
        CommandError,
        ("missing.csv",),
        "command",
    ),
    Case(
        "cli-plot-binary-input",
        _cli("plot", "@binary.bin", "-o", "@curves.png"),
        CommandError,
        ("fitwell plot:",),
        "command",
    ),
    Case(
        "cli-demo-zero-epochs",
        _cli("demo", "--epochs", "0", "--out", "@demo"),
        CommandError,
        ("--epochs",),
        "command",
    ),
]

CASES = SAVING + LOADING + COMMAND


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_bad_file_or_command_is_a_clear_error_that_touches_nothing(case, tmp_path):
    check(case, tmp_path)
