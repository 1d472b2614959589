"""The `fitwell` command: a demo run, and diagnosis and plots of any training log.

    fitwell demo [--epochs N] [--out DIR]      train on the shipped digits, write a run folder
    fitwell diagnose RUN.csv [--json]          say what the curves show, and what to change
    fitwell plot RUN.csv -o curves.png         draw the curves with the findings

`diagnose` and `plot` read files written by fitwell's or Keras's CSVLogger, JSON dumps of
`history.history`, printed training logs, and TensorBoard log folders.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fitwell",
        description="Keras's compile/fit workflow for PyTorch, with training-curve diagnosis.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_demo_command(commands)
    for name, text in (
        ("diagnose", "say what a run's curves show and what to change"),
        ("plot", "draw a run's curves, with the diagnosis, to an image file"),
    ):
        _add_log_command(commands, name, text)
    return parser


def _add_demo_command(commands: Any) -> None:
    demo = commands.add_parser(
        "demo",
        help="train a small network on the shipped digits and diagnose the run",
        description="Train a small network on the shipped 8×8 digits with the usual callback recipe "
        "(ModelCheckpoint, ReduceLROnPlateau, EarlyStopping, CSVLogger), then write the run folder "
        "(history.csv, curves.png, best.weights.h5) and print the test accuracy and the diagnosis.",
    )
    demo.add_argument("--epochs", type=int, default=40, help="most epochs to train (default: 40)")
    demo.add_argument("--out", default="fitwell-demo", help="run folder to write (default: ./fitwell-demo)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")


def _add_log_command(commands: Any, name: str, text: str) -> None:
    """The `diagnose` or `plot` command: both read a run's log, then differ in their options."""
    command = commands.add_parser(
        name,
        help=text,
        description=f"{text[0].upper()}{text[1:]}. RUN.csv is a file written by fitwell's or Keras's "
        "CSVLogger (an 'epoch' column, then one column per log key), a JSON dump of history.history, "
        "a printed training log, or a TensorBoard log folder.",
    )
    command.add_argument(
        "run", metavar="RUN.csv", help="the CSVLogger file (or JSON, printed log, TensorBoard folder)"
    )
    command.add_argument("--loss", help="the training loss, e.g. sparse_categorical_crossentropy")
    command.add_argument("--num-classes", type=int, help="number of classes, for the chance level")
    command.add_argument(
        "--columns",
        type=_column_names,
        help="the column names of a CSV file without a header row, in order, e.g. epoch,loss,val_loss",
    )
    if name == "diagnose":
        command.add_argument(
            "--baseline",
            type=float,
            help="the loss of the best constant prediction (e.g. the targets' variance for mse, the "
            "label prior's entropy for cross-entropy): 'stuck' and 'not learning' are judged against it",
        )
        command.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    else:
        command.add_argument("-o", "--output", required=True, help="image file to write, e.g. curves.png")
        command.add_argument("--metric", help="metric of the second panel (default: the first recorded)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `fitwell` command; returns the exit status (0 on success).

    Args:
        argv: The arguments, without the program name. Defaults to `sys.argv[1:]`.

    Returns:
        0 on success, 1 when the input cannot be read.

    Example:
        >>> main(["diagnose", "missing.csv"])  # doctest: +SKIP
        1
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args.epochs, Path(args.out), args.seed)
        if args.command == "diagnose":
            return _diagnose(
                args.run,
                loss=args.loss,
                num_classes=args.num_classes,
                baseline=args.baseline,
                columns=args.columns,
                as_json=args.json,
            )
        return _plot(
            args.run,
            args.output,
            metric=args.metric,
            loss=args.loss,
            num_classes=args.num_classes,
            columns=args.columns,
        )
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, and keep Python from
        # complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:  # noqa: BLE001 - a command prints one message, never a traceback
        message = f"fitwell {args.command}: {_one_line(error)}"
        width = _terminal_width(sys.stderr)
        if width is not None:  # at word boundaries, not where the terminal cuts a word
            message = textwrap.fill(
                message, width - 1, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
            )
        print(message, file=sys.stderr)
        return 1


def _one_line(error: Exception) -> str:
    """The error as one line: its message, with its kind when that is not an ordinary input error."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, UnicodeDecodeError):
        return f"not a text file ({text}). Pass a CSV file written by CSVLogger."
    if isinstance(error, ValueError | TypeError | ImportError | OSError):
        return text
    return f"{type(error).__name__}: {text}"


def _column_names(text: str) -> list[str]:
    """`--columns epoch,loss,val_loss` as a list of names."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(
            f"expected names separated by commas, e.g. epoch,loss,val_loss. Received: {text!r}"
        )
    return names


def _diagnose(
    path: str,
    *,
    loss: str | None,
    num_classes: int | None,
    baseline: float | None,
    columns: list[str] | None,
    as_json: bool,
) -> int:
    from fitwell.diagnosis import diagnose

    diagnosis = diagnose(path, loss=loss, num_classes=num_classes, baseline=baseline, columns=columns)
    print(json.dumps(diagnosis.to_dict(), indent=2) if as_json else diagnosis.format(_terminal_width()))
    return 0


def _terminal_width(stream: Any = None) -> int | None:
    """The terminal's width when printing to one (stdout by default); None (no wrapping) into a
    file or a pipe."""
    return shutil.get_terminal_size().columns if (stream or sys.stdout).isatty() else None


def _plot(
    path: str,
    output: str,
    *,
    metric: str | None,
    loss: str | None,
    num_classes: int | None,
    columns: list[str] | None,
) -> int:
    from fitwell.plotting import plot_history
    from fitwell.saving.atomic import check_writable

    check_writable(output)  # before reading and drawing: a folder given as the file, a read-only folder
    plot_history(path, metric, path=output, loss=loss, num_classes=num_classes, columns=columns)
    print(f"wrote {output}")
    return 0


def _demo_callbacks(out: Path) -> list[Any]:
    """The usual recipe: keep the best weights, lower the rate, stop early, log to CSV.

    The rate changes and the stop are announced (`verbose=1`); the saves are not, to keep the
    output to the epochs and those events.
    """
    from fitwell import callbacks

    return [
        callbacks.ModelCheckpoint(
            str(out / "best.weights.h5"), monitor="val_loss", save_best_only=True, save_weights_only=True
        ),
        callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=1e-5, verbose=1),
        callbacks.EarlyStopping(monitor="val_loss", patience=6, restore_best_weights=True, verbose=1),
        callbacks.CSVLogger(str(out / "history.csv")),
    ]


def _demo(epochs: int, out: Path, seed: int) -> int:
    import torch

    import fitwell
    from fitwell.diagnosis import diagnose

    if epochs < 1:
        raise ValueError(f"--epochs must be >= 1. Received: --epochs {epochs}")
    started = time.monotonic()
    # A 64-unit network is too small to gain from several CPU threads, and on a busy machine
    # threads that wait for each other make it many times slower; this process is ours.
    torch.set_num_threads(1)
    fitwell.utils.set_random_seed(seed)
    out.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = _digits()
    print(f"digits: {len(x_train)} training and {len(x_test)} test images of 8×8 pixels, 10 classes")
    model = _demo_model()
    history = model.fit(
        x_train,
        y_train,
        validation_split=0.15,
        epochs=epochs,
        batch_size=32,
        verbose="auto",
        callbacks=_demo_callbacks(out),
        diagnose=False,  # the demo prints the full diagnosis itself, below
    )
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"\ntest accuracy: {accuracy:.4f}")
    diagnosis = diagnose(history, loss="sparse_categorical_crossentropy", num_classes=10)
    can_plot = _demo_plot(history, diagnosis, out)
    written = "history.csv, curves.png, best.weights.h5" if can_plot else "history.csv, best.weights.h5"
    print(f"run folder {out}/: {written}")
    print(f"\n{diagnosis.format(_terminal_width())}")
    if not can_plot:
        print(
            "\nNo curves.png: drawing needs matplotlib, which is not installed. "
            "Install fitwell[plot] to get the plot (pip install 'fitwell[plot]'), then run "
            f"`fitwell plot {out / 'history.csv'} -o {out / 'curves.png'}`."
        )
    print(f"\n(done in {time.monotonic() - started:.1f}s)")
    return 0


def _demo_plot(history: Any, diagnosis: Any, out: Path) -> bool:
    """Draw `curves.png`; False, drawing nothing, when matplotlib (the `plot` extra) is missing."""
    import importlib.util

    from fitwell.plotting import plot_history

    if importlib.util.find_spec("matplotlib") is None:
        return False
    plot_history(history, "accuracy", path=out / "curves.png", diagnosis=diagnosis)
    return True


def _digits() -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """The shipped digits, flattened to 64 features and scaled to [0, 1]."""
    import fitwell

    (x_train, y_train), (x_test, y_test) = fitwell.datasets.load_digits()
    return (_scaled(x_train), y_train), (_scaled(x_test), y_test)


def _scaled(images: Any) -> Any:
    return images.reshape(len(images), -1).astype("float32") / 16.0


def _demo_model() -> Any:
    """A 64-unit network with dropout, compiled with Adam and accuracy."""
    import fitwell

    model = fitwell.Sequential(
        [
            fitwell.Input(shape=(64,)),
            fitwell.layers.Dense(64, activation="relu"),
            fitwell.layers.Dropout(0.2),
            fitwell.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=fitwell.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
