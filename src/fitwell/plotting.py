"""Drawing of training curves and learning-rate sweeps (matplotlib, imported only when drawing).

Figures are built with matplotlib's object-oriented API (`matplotlib.figure.Figure`),
never through `pyplot`, so drawing needs no display and leaves the user's
backend alone. Analysis lives in `fitwell.diagnosis`; this module only draws.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from fitwell.diagnosis import Diagnosis, diagnose, read_curves
from fitwell.diagnosis.curves import Curves
from fitwell.diagnosis.metric_names import metric_direction

__all__ = ["plot_history", "plot_lr_sweep"]

_TRAIN_COLOR, _VAL_COLOR, _MARK_COLOR = "#1f77b4", "#ff7f0e", "#2ca02c"
_SEVERITY_COLOR = {"error": "#d62728", "warning": "#ff7f0e", "info": "#2ca02c"}
_MAX_RATE_LABELS = 4  # beyond that, the lines alone (labels would overlap)


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. Received a plot request. "
            "Install it with `pip install fitwell[plot]` (or `pip install matplotlib`)."
        ) from None
    return Figure


def _pick_metric(curves: Curves, metric: str | None) -> str | None:
    if metric is None:
        return curves.metric_key
    if metric.startswith("val_"):
        metric = metric[4:]
    if metric == "loss":
        return None
    if not curves.has(metric):
        available = sorted(key for key in curves.values if not key.startswith("val_"))
        raise ValueError(
            f"The history has no metric {metric!r}. Received: metric={metric!r}. "
            f"Available: {available}. Pass one of them, or metric=None for the first."
        )
    return metric


def _axes(ax: Any, panels: int) -> tuple[Any, list[Any]]:
    """The figure and one Axes per panel: new ones, or those given in `ax`."""
    if ax is None:
        figure = _figure_class()(figsize=(5.5 * panels, 4.0), layout="constrained")
        return figure, list(np.atleast_1d(figure.subplots(1, panels)))
    given = list(ax) if isinstance(ax, Sequence | np.ndarray) else [ax]
    return given[0].figure, given


def _draw_curve(axes: Any, curves: Curves, key: str, *, best: str | None) -> None:
    epochs = curves.epochs + 1  # shown 1-based, as the progress bar counts
    for name, color, label in ((key, _TRAIN_COLOR, "training"), (f"val_{key}", _VAL_COLOR, "validation")):
        if not curves.has(name):
            continue
        positions, values = curves.series(name)
        axes.plot(
            epochs[positions],
            values,
            color=color,
            marker="o" if len(values) <= 30 else None,
            markersize=3,
            label=label,
        )
        if name.startswith("val_") and best is not None and np.isfinite(values).any():
            finite = np.where(np.isfinite(values), values, np.inf if best == "min" else -np.inf)
            index = int(np.argmin(finite) if best == "min" else np.argmax(finite))
            axes.axvline(epochs[positions[index]], color=_MARK_COLOR, linestyle=":", linewidth=1)
            axes.plot(
                epochs[positions[index]],
                values[index],
                marker="*",
                markersize=12,
                color=_MARK_COLOR,
                label=f"best (epoch {epochs[positions[index]]})",
                linestyle="none",
            )
    axes.set_xlabel("epoch")
    axes.set_ylabel(key)
    axes.grid(alpha=0.3)


def _mark_learning_rate_changes(axes: Any, curves: Curves) -> None:
    key = curves.learning_rate_key
    if key is None:
        return
    positions, rates = curves.series(key)
    changes = np.flatnonzero(np.diff(rates) != 0) + 1
    for number, change in enumerate(changes):
        epoch = curves.epochs[positions[change]] + 1
        axes.axvline(
            epoch,
            color="#9467bd",
            linestyle="--",
            linewidth=1,
            label="learning rate change" if number == 0 else None,
        )
        if len(changes) <= _MAX_RATE_LABELS:
            axes.annotate(
                f"lr={rates[change]:.2g}",
                (epoch, 0.5),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="center",
                ha="right",
                fontsize=7,
                color="#9467bd",
            )


def _annotate_findings(axes: Any, diagnosis: Diagnosis) -> None:
    """A line at the first epoch of each problem, and the findings as the panel's title."""
    for finding in diagnosis:
        if finding.epochs and finding.severity != "info":
            axes.axvline(
                finding.epochs[0] + 1, color=_SEVERITY_COLOR[finding.severity], alpha=0.5, linewidth=2
            )
    text = "\n".join(_wrap(f"{finding.kind}: {finding.summary}", 80) for finding in diagnosis)
    axes.set_title(text, fontsize=8, loc="left", color=_SEVERITY_COLOR[diagnosis.primary.severity])


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def plot_history(
    history: Any,
    metric: str | None = None,
    *,
    ax: Any = None,
    path: str | os.PathLike | None = None,
    diagnosis: bool | Diagnosis = True,
    **diagnose_kwargs: Any,
) -> Any:
    """Draw loss and a metric per epoch, training against validation, with the findings.

    The loss panel marks the best validation epoch, learning-rate changes and
    the epochs each diagnosis finding concerns, with the findings written in a
    box; the metric panel (when a metric was recorded) marks its best epoch.

    Args:
        history: A `History`, a history dict, a DataFrame or a CSVLogger file path.
        metric: The metric of the second panel (e.g. `"accuracy"`); by default the
            first recorded one (accuracy first). `"loss"` draws the loss panel only.
        ax: Axes to draw into instead of a new figure: one Axes for one panel
            (the loss, or `metric` when given), or two for both.
        path: Save the figure there (format from the extension, e.g. `.png`).
        diagnosis: Annotate with `diagnose(history)` (True), a given `Diagnosis`,
            or nothing (False).
        **diagnose_kwargs: Passed to `diagnose` (`loss=`, `num_classes=`; `columns=` names the
            columns of a CSV file without a header row, and is used to read it here too).

    Returns:
        The matplotlib `Figure`.

    Raises:
        ImportError: When matplotlib is not installed.
        ValueError: For a `metric` that was not recorded.

    Example:
        >>> figure = plot_history({"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.7, 0.6]})
        >>> [axes.get_ylabel() for axes in figure.axes]
        ['loss']
    """
    curves = read_curves(history, diagnose_kwargs.get("columns"))
    chosen = _pick_metric(curves, metric)
    single = ax is not None and not isinstance(ax, Sequence | np.ndarray)
    if chosen is None:
        keys = ["loss"]
    elif single:
        keys = [chosen] if metric is not None else ["loss"]
    else:
        keys = ["loss", chosen]
    figure, axes_list = _axes(ax, len(keys))
    for axes, key in zip(axes_list, keys, strict=False):
        _draw_curve(axes, curves, key, best="min" if key == "loss" else metric_direction(key))
        if key == "loss":
            _mark_learning_rate_changes(axes, curves)
            if diagnosis is not False:
                found = (
                    diagnosis if isinstance(diagnosis, Diagnosis) else diagnose(history, **diagnose_kwargs)
                )
                _annotate_findings(axes, found)
        axes.legend(loc="best", fontsize=8)
    if path is not None:
        _save(figure, path)
    return figure


def plot_lr_sweep(
    rates: Sequence[float],
    losses: Sequence[float],
    *,
    suggestion: float | None = None,
    smoothed: Sequence[float] | None = None,
    ax: Any = None,
    path: str | os.PathLike | None = None,
) -> Any:
    """Draw the loss against the learning rate of a sweep (log scale), with the suggested rate.

    Args:
        rates: The learning rate of each step.
        losses: The raw loss of each step.
        suggestion: The suggested learning rate, marked when given.
        smoothed: The smoothed losses, drawn over the raw ones when given.
        ax: An Axes to draw into instead of a new figure.
        path: Save the figure there.

    Returns:
        The matplotlib `Figure`.

    Example:
        >>> figure = plot_lr_sweep([1e-4, 1e-3, 1e-2, 1e-1], [2.3, 2.0, 1.2, 5.0], suggestion=1e-2)
        >>> figure.axes[0].get_xscale()
        'log'
    """
    figure, (axes,) = _axes(ax, 1)
    rates_array, losses_array = np.asarray(rates, dtype=float), np.asarray(losses, dtype=float)
    finite = np.isfinite(losses_array)
    axes.plot(
        rates_array[finite],
        losses_array[finite],
        color=_TRAIN_COLOR,
        alpha=0.35 if smoothed is not None else 1.0,
        label="loss",
    )
    if smoothed is not None:
        axes.plot(rates_array[: len(smoothed)], smoothed, color=_TRAIN_COLOR, label="smoothed loss")
    if suggestion is not None:
        axes.axvline(suggestion, color=_MARK_COLOR, linestyle="--", label=f"suggested {suggestion:.2g}")
    axes.set_xscale("log")
    axes.set_xlabel("learning rate")
    axes.set_ylabel("loss")
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8)
    if path is not None:
        _save(figure, path)
    return figure


def _save(figure: Any, path: str | os.PathLike) -> None:
    """Write the figure atomically: a failed or interrupted save keeps the previous file."""
    from fitwell.saving.atomic import write_bytes

    image = io.BytesIO()
    suffix = os.fspath(path).rsplit(".", 1)[-1].lower() if "." in os.fspath(path) else "png"
    figure.savefig(image, dpi=120, format=suffix)
    write_bytes(path, image.getvalue())
