"""The machinery of the bad-input catalogue: a case, a fresh world to run it in, and the checks.

A `Case` is one bad call. `check(case, tmp_path)` builds a fresh `World`
(tiny compiled models, and a set of files a user already has in
`tmp_path`), snapshots every model's weights and every file's bytes, runs
the call, and asserts:

1. it raises the expected exception type (never silent, never another type);
2. the message holds every expected word (the argument, what was given,
   what to do), and names no hidden temporary file;
3. no weight of any model changed;
4. every file that existed is byte-for-byte the same, and no file appeared
   or disappeared (no temporary file left behind).
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zipfile
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

import fitwell
from fitwell import cli


@dataclass(frozen=True)
class Case:
    """One bad input: what to call, what must be raised, and which words the message must hold."""

    id: str
    call: Callable[[World], Any]
    error: type[BaseException] | tuple[type[BaseException], ...]
    words: tuple[str, ...] = ()
    #: The request's class: argument, data, silent, too-late, message, file, command, fault.
    kind: str = "argument"


class CommandError(Exception):
    """The `fitwell` command exited 1 with exactly one line on stderr (its text is the message)."""


@dataclass
class World:
    """What one case runs against: fresh models and files, and the data to feed them."""

    path: Path
    model: fitwell.Sequential
    other: fitwell.Sequential
    wrapped: fitwell.Model
    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    extra_models: list[torch.nn.Module] = field(default_factory=list)

    def file(self, name: str) -> str:
        return str(self.path / name)

    def fit(self, **kwargs: Any) -> Any:
        """`model.fit` on the world's data, quietly, with the given changes."""
        arguments = {"x": self.x, "y": self.y, "epochs": 2, "batch_size": 8, "verbose": 0, **kwargs}
        return self.model.fit(**arguments)

    def fit_with(self, *callbacks: Any, **kwargs: Any) -> Any:
        return self.fit(callbacks=list(callbacks), **kwargs)

    @property
    def models(self) -> list[torch.nn.Module]:
        return [self.model, self.other, self.wrapped, *self.extra_models]


def small_classifier(features: int = 4, classes: int = 3) -> fitwell.Sequential:
    return fitwell.Sequential(
        [
            fitwell.Input(shape=(features,)),
            fitwell.layers.Dense(8, activation="relu"),
            fitwell.layers.Dense(classes, activation="softmax"),
        ]
    )


_SAVED: dict[str, bytes] = {}


def _saved_files(path: Path) -> dict[str, bytes]:
    """A weights file of each format and a model file, saved once and copied into every world."""
    if not _SAVED:
        model = small_classifier()
        folder = path / "saved-once"
        model.save_weights(folder / "old.weights.h5")
        model.save_weights(folder / "old.safetensors")
        model.save(folder / "old.keras")
        for name in ("old.weights.h5", "old.safetensors", "old.keras"):
            _SAVED[name] = (folder / name).read_bytes()
            (folder / name).unlink()
        folder.rmdir()
    return _SAVED


_DAMAGED: dict[str, bytes] = {}


def _keras_with(changes: dict[str, Any]) -> bytes:
    """The saved `.keras` file with members replaced (bytes or a function of the parsed config)."""
    with zipfile.ZipFile(io.BytesIO(_SAVED["old.keras"])) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, change in changes.items():
        if callable(change):
            config = json.loads(members[name])
            change(config)
            members[name] = json.dumps(config).encode()
        elif change is None:
            members.pop(name, None)
        else:
            members[name] = change
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    def change(config: Any) -> None:
        for key in path[:-1]:
            config = config[key]
        config[path[-1]] = value

    return change


def _damaged_files() -> dict[str, bytes]:
    """Files that look like fitwell's but are not (made once, copied into every world)."""
    if not _DAMAGED:
        h5, st = _SAVED["old.weights.h5"], _SAVED["old.safetensors"]
        model = ("config", "layers", 0, "config")
        _DAMAGED.update(
            {
                "torn.weights.h5": h5[: len(h5) // 2],
                "torn.safetensors": st[: len(st) // 2],
                "torn.keras": _SAVED["old.keras"][:-200],
                "pickle.weights.h5": pickle.dumps({"layers.0.weight": [1.0]}, protocol=4),
                "pickle.safetensors": pickle.dumps([1, 2, 3], protocol=2),
                "huge-input.keras": _keras_with(
                    {"config.json": _set(("config", "input", "shape"), [10**6, 10**6])}
                ),
                "huge-units.keras": _keras_with({"config.json": _set((*model, "units"), 10**11)}),
                "negative-units.keras": _keras_with({"config.json": _set((*model, "units"), -3)}),
                "unknown-layer.keras": _keras_with(
                    {"config.json": _set(("config", "layers", 0, "class_name"), "os.system")}
                ),
                "bad-json.keras": _keras_with({"config.json": b"{not json"}),
                "list-config.keras": _keras_with({"config.json": b"[1, 2, 3]"}),
                "no-weights.keras": _keras_with({"model.weights.safetensors": None}),
                "pickled-weights.keras": _keras_with({"model.weights.safetensors": pickle.dumps({"w": 1})}),
                "with-pickle.keras": _keras_with({"data.pkl": pickle.dumps({"w": 1})}),
                "keras-made.keras": _keras_with(
                    {"metadata.json": json.dumps({"keras_version": "3.15.1"}).encode()}
                ),
            }
        )
    return _DAMAGED


def make_world(path: Path) -> World:
    """Fresh models (compiled the usual way) and the files a user already has."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 4)).astype("float32")
    y = rng.integers(0, 3, size=24)
    model = small_classifier()
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], device="cpu"
    )
    other = small_classifier()
    wrapped = fitwell.Model(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Softmax(dim=-1)))
    wrapped.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", device="cpu")
    for name, data in _saved_files(path).items():
        (path / name).write_bytes(data)
    (path / "old.csv").write_text("epoch,loss,val_loss\r\n0,1.0,1.1\r\n1,0.9,1.0\r\n")
    (path / "notes.txt").write_text("a file where a folder is expected\n")
    (path / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (path / "history.json").write_text('{"loss": [1.0, 0.9], "val_loss": [1.1, 1.0]}')
    (path / "ragged.csv").write_text("epoch,loss,val_loss\n0,1.0,1.1\n1,0.9\n2,abc,1.0\n")
    for name in ("folder", "taken.weights.h5", "taken.keras", "taken.png"):
        (path / name).mkdir()
    (path / "folder" / "inside.txt").write_text("kept\n")
    for name, data in _damaged_files().items():
        (path / name).write_bytes(data)
    (path / "fake.weights.h5").write_text("not hdf5 at all\n" * 20)
    (path / "fake.keras").write_text("not a zip\n" * 20)
    with zipfile.ZipFile(path / "foreign.keras", "w") as archive:
        archive.writestr("readme.txt", "no metadata here")
    return World(
        path=path,
        model=model,
        other=other,
        wrapped=wrapped,
        x=x,
        y=y,
        x_val=rng.normal(size=(8, 4)).astype("float32"),
        y_val=rng.integers(0, 3, size=8),
    )


def weights_of(models: Iterable[torch.nn.Module]) -> list[dict[str, torch.Tensor]]:
    return [{key: value.detach().clone() for key, value in m.state_dict().items()} for m in models]


def files_in(path: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under `path`, by relative name."""
    found: dict[str, bytes | None] = {}
    for root, folders, files in os.walk(path):
        for name in folders:
            found[os.path.relpath(os.path.join(root, name), path)] = None
        for name in files:
            full = os.path.join(root, name)
            found[os.path.relpath(full, path)] = Path(full).read_bytes()
    return found


def run_cli(*argv: str) -> None:
    """Run the command; raise `CommandError(stderr)` when it exits 1 with one line of output."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = cli.main(list(argv))
    lines = err.getvalue().splitlines()
    if status == 1 and len(lines) == 1 and "Traceback" not in err.getvalue():
        raise CommandError(lines[0])
    raise AssertionError(f"status {status}, stderr {err.getvalue()!r}, stdout {out.getvalue()[-300:]!r}")


@dataclass
class Outcome:
    """What happened when a case ran (for the summary numbers)."""

    raised: BaseException | None
    weights_changed: bool
    files_changed: list[str]


def run(case: Case, tmp_path: Path) -> tuple[World, Outcome]:
    world = make_world(tmp_path)
    weights_before = weights_of(world.models)
    files_before = files_in(tmp_path)
    raised: BaseException | None = None
    try:
        case.call(world)
    except Exception as error:  # noqa: BLE001 - the case decides which type is right
        raised = error
    weights_after = weights_of(world.models[: len(weights_before)])
    changed = any(
        set(before) != set(after) or any(not torch.equal(before[k], after[k]) for k in before)
        for before, after in zip(weights_before, weights_after, strict=True)
    )
    files_after = files_in(tmp_path)
    differing = sorted(
        name
        for name in set(files_before) | set(files_after)
        if files_before.get(name, b"<absent>") != files_after.get(name, b"<absent>")
    )
    return world, Outcome(raised, changed, differing)


def check(case: Case, tmp_path: Path) -> None:
    """Run `case` and assert the four promises (see the module docstring)."""
    _, outcome = run(case, tmp_path)
    assert outcome.raised is not None, f"{case.id}: silent (nothing was raised)"
    assert isinstance(outcome.raised, case.error), (
        f"{case.id}: raised {type(outcome.raised).__name__}: {outcome.raised}"
    )
    message = str(outcome.raised)
    missing = [word for word in case.words if word not in message]
    assert not missing, f"{case.id}: message lacks {missing}: {message}"
    assert ".tmp" not in message, f"{case.id}: message names a temporary file: {message}"
    assert not outcome.weights_changed, f"{case.id}: weights changed before the error"
    assert not outcome.files_changed, f"{case.id}: files changed: {outcome.files_changed}"


def ids(cases: list[Case]) -> list[str]:
    names = [case.id for case in cases]
    repeated = {name for name in names if names.count(name) > 1}
    assert not repeated, f"duplicate case ids: {repeated}"
    return names
