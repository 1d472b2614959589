"""`diagnose()`: read a run, apply every rule, and rank the findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from fitwell.diagnosis import stats
from fitwell.diagnosis.close_calls import close_calls
from fitwell.diagnosis.context import RunContext, context_from_model, make_context
from fitwell.diagnosis.curves import read_curves
from fitwell.diagnosis.divergence import check_divergence
from fitwell.diagnosis.findings import KINDS, Diagnosis, Finding
from fitwell.diagnosis.instability import check_instability
from fitwell.diagnosis.leakage import check_leakage, scale_mismatch_note
from fitwell.diagnosis.not_learning import check_not_learning
from fitwell.diagnosis.overfitting import check_overfitting
from fitwell.diagnosis.progress import check_crawl, check_plateau_or_underfitting
from fitwell.diagnosis.run import RunView, format_epoch, format_number
from fitwell.diagnosis.still_improving import check_still_improving, inside_one_epoch
from fitwell.diagnosis.thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = ["diagnose"]

# A finding on the left makes the ones on the right redundant (their advice is part of it).
_SUPERSEDES = {
    "not_learning": ("lr_too_low", "underfitting", "plateau", "still_improving"),
    "lr_too_low": ("underfitting", "plateau", "still_improving"),
    "overfitting": ("underfitting", "still_improving"),
    # Underfitting is only found for a flat curve or one creeping down at most 1% per epoch;
    # faster, the run is still improving (found by the same rule instead).
    "underfitting": ("still_improving",),
}


def diagnose(
    run: Any,
    *,
    loss: Any = None,
    num_classes: int | None = None,
    thresholds: Thresholds | None = None,
    nan_batch: int | None = None,
    baseline: float | None = None,
    columns: Sequence[str] | None = None,
) -> Diagnosis:
    """Read a training run's curves and say what is wrong, with evidence and advice.

    Works on a fitwell `History` (what `fit()` returns), a Keras-style history
    dict (`{"loss": [...], "val_loss": [...], ...}`, e.g. Keras's
    `history.history`), a pandas DataFrame, or the path of a CSV file written
    by fitwell's or Keras's `CSVLogger` (or of a JSON dump of `history.history`).
    The analysis is pure: nothing is trained or drawn.

    Args:
        run: The run, in any of the forms above.
        loss: The training loss (a name such as `"sparse_categorical_crossentropy"`,
            or a loss object). With `num_classes`, it gives the chance level
            `ln(num_classes)` that tells "stuck" from "slow". Read from the model
            for a fitwell `History`.
        num_classes: The number of classes of a classifier.
        thresholds: Replacement thresholds (see `Thresholds`); the defaults are
            documented in docs/diagnosis.md.
        nan_batch: The batch where the loss first became non-finite, when known.
        baseline: The loss of the best constant prediction from the training labels
            (see `fitwell.diagnosis.baseline.constant_baseline`): "stuck", "high" and
            "not learning" are judged against it. Read from a fitwell `History`
            (`history.baseline`, computed at `fit`).
        columns: The names of the columns of a CSV file without a header row, in order
            (e.g. `["epoch", "loss", "val_loss"]` for `numpy.savetxt` of stacked curves).

    Returns:
        The `Diagnosis`: findings ordered by importance; `diagnosis.primary` is
        the first, `str(diagnosis)` reads well in a terminal.

    Raises:
        TypeError: For a `run` of another kind.
        ValueError: When the run has no `loss` curve, or a file is damaged (the
            message names the line and column).

    Example:
        >>> curves = {"loss": [1.0, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07],
        ...           "val_loss": [1.0, 0.7, 0.55, 0.5, 0.56, 0.65, 0.75, 0.86]}
        >>> diagnose(curves).primary.kind
        'overfitting'
        >>> print(diagnose({"loss": [2.3, 1.2, float("nan")], "learning_rate": [0.1] * 3}))
        Diagnosis of 3 epochs:
          ✗ diverged: loss became NaN at epoch 3.
            → The loss became NaN at epoch 3 with learning_rate=0.1; lower it 3–10×, to 0.01–0.03. ...
    """
    curves = read_curves(run, columns)
    context = _context(run, loss, num_classes, baseline)
    view = RunView(curves, context, thresholds or DEFAULT_THRESHOLDS)
    off_scale = _loss_off_the_chance_scale(view)
    if off_scale is not None:  # the loss loses its chance level; the accuracy keeps its own
        view = RunView(curves, replace(context, chance_loss=None), view.thresholds)
    findings = _findings(view, nan_batch)
    notes = [
        *curves.notes,
        *filter(None, [off_scale, _stride_note(view), _val_nan_note(view), scale_mismatch_note(view)]),
    ]
    return Diagnosis(
        findings=findings,
        epochs=len(curves),
        keys=list(curves.values),
        notes=notes,
        rows="batch" if curves.part_of_epoch else "epoch",
    )


def _context(run: Any, loss: Any, num_classes: int | None, baseline: float | None) -> RunContext:
    if baseline is None:
        recorded = getattr(run, "baseline", None)
        baseline = recorded if isinstance(recorded, int | float) else None
    if loss is None and num_classes is None and getattr(run, "model", None) is not None:
        return replace(context_from_model(run.model), baseline=make_context(baseline=baseline).baseline)
    if loss is None and getattr(run, "model", None) is not None:
        loss = getattr(run.model, "loss", None)
    return make_context(loss, num_classes, baseline)


def _loss_off_the_chance_scale(view: RunView) -> str | None:
    """The note saying why the chance level is not used, when the training loss never came within
    `off_scale_chance` times it while an accuracy rose `off_scale_accuracy_rise` above its first
    value (smoothed: one lucky epoch is no rise): a loss summed over the batches instead of
    averaged, or with a penalty term added, which the chance level of a mean cannot judge; else
    None. A baseline from the training labels (`History.baseline`) is always used."""
    context, th = view.context, view.thresholds
    if context.baseline is not None or context.chance_loss is None:
        return None
    finite = view.loss[np.isfinite(view.loss)]
    if len(finite) < len(view.loss) or float(np.min(finite)) <= th.off_scale_chance * context.chance_loss:
        return None  # near the chance level, or a loss that became NaN: on its scale
    for key in filter(None, (view.any_val_accuracy_key, view.accuracy_key)):
        _, values = view.curves.series(key)
        values = values[np.isfinite(values)]
        if len(values) < 3:
            continue
        smooth = stats.median_smooth(values)
        if float(np.max(smooth)) - float(values[0]) >= th.off_scale_accuracy_rise:
            first, best = format_number(float(values[0])), format_number(float(np.max(smooth)))
            return (
                f"loss never came within {th.off_scale_chance:g}× {context.describe_reference()} (lowest "
                f"{format_number(float(np.min(finite)))}) while {key} rose from {first} to {best} "
                "(smoothed): the loss is on another scale (summed over batches, or with a penalty term "
                "added), so it is judged by its own course, not against the chance level."
            )
    return None


def _stride_note(view: RunView) -> str | None:
    """A note for a log written every k epochs: the rules count its rows, which are not epochs."""
    steps = np.diff(view.curves.epochs)
    if len(steps) < 2 or not np.all(steps == steps[0]) or steps[0] <= 1:
        return None
    first, last = (format_epoch(int(view.curves.epochs[i])) for i in (0, -1))
    return (
        f"the log has one row every {int(steps[0])} epochs ({view.n} rows, {first} to {last}): where the "
        "messages count epochs over a stretch of the run (jumps, new lows, windows), they count these rows."
    )


def _val_nan_note(view: RunView) -> str | None:
    """A note naming the epochs whose validation loss was NaN (left out of the curve)."""
    epochs = view.val_nan_epochs
    if not epochs:
        return None
    where = format_epoch(epochs[0]) if len(epochs) == 1 else f"epochs {epochs[0] + 1}–{epochs[-1] + 1}"
    if len(epochs) > 1 and epochs[-1] - epochs[0] + 1 != len(epochs):
        where = f"{len(epochs)} epochs, from {format_epoch(epochs[0])}"
    return f"val_loss was NaN or infinite at {where}: those epochs are left out of the validation curve."


def _findings(view: RunView, nan_batch: int | None) -> list[Finding]:
    diverged = check_divergence(view, nan_batch=nan_batch)
    if diverged is not None:
        return [diverged]  # the rest of a diverged run says nothing reliable
    if view.curves.part_of_epoch:  # a log stopped inside its first epoch: too short to judge
        return [inside_one_epoch(view)]
    found = [
        check_leakage(view),
        check_not_learning(view),
        check_instability(view),
        check_overfitting(view),
        check_crawl(view),
        check_plateau_or_underfitting(view),
        check_still_improving(view),
    ]
    findings = _first_of_each_kind([finding for finding in found if finding is not None])
    kinds = {finding.kind for finding in findings}
    dropped = {kind for winner in kinds for kind in _SUPERSEDES.get(winner, ())}
    findings = [finding for finding in findings if finding.kind not in dropped]
    if not findings:
        findings = [_healthy(view)]
    return sorted(findings, key=lambda finding: KINDS.index(finding.kind))


def _first_of_each_kind(findings: list[Finding]) -> list[Finding]:
    seen: set[str] = set()
    kept = []
    for finding in findings:
        if finding.kind not in seen:
            seen.add(finding.kind)
            kept.append(finding)
    return kept


def _healthy(view: RunView) -> Finding:
    evidence, summary, monitor = _where_it_ended(view)
    keep = f"ModelCheckpoint(..., {monitor}, save_best_only=True) keeps the best epoch's weights."
    calls = close_calls(view)
    if not calls and (view.has_val or view.watched.is_metric):
        advice = f"Nothing to change. {keep}"
        seen = summary + "; no sign of divergence, instability, over- or underfitting."
        return Finding("healthy", "info", [], evidence, advice, seen)
    if not calls:  # without validation, overfitting cannot be seen: say so, not that there is none
        advice = (
            "Nothing to change that the training loss shows. To see overfitting, hold out data: "
            f"fit(..., validation_split=0.2) or validation_data=(x_val, y_val). {keep}"
        )
        seen = summary + (
            "; no sign of divergence, instability or underfitting (without validation, overfitting "
            "cannot be seen)."
        )
        return Finding("healthy", "info", [], evidence, advice, seen)
    evidence["close_to"] = [call.kind for call in calls]
    watch = " ".join(call.watch for call in calls)
    return Finding(
        "healthy",
        "info",
        [],
        evidence,
        f"No problem to fix. {watch}" + ("" if "overfitting" in evidence["close_to"] else f" {keep}"),
        summary + ". " + " ".join(f"Close to {call.kind}: {call.seen}" for call in calls),
    )


def _where_it_ended(view: RunView) -> tuple[dict[str, Any], str, str]:
    """`(evidence, summary, monitor)`: the last and best values of the curves a healthy run is
    judged on, and the `monitor=` that keeps its best epoch."""
    evidence: dict[str, Any] = {"end_loss": view.end_loss}
    summary = f"loss ended at {format_number(float(view.loss[-1]))}"
    monitor = f"monitor='{view.monitor}'"
    watched = view.watched
    if watched.is_metric:  # no validation loss: the validation metric tells
        best = int(np.argmin(watched.values))
        best_epoch = view.epoch_of(int(watched.positions[best]))
        evidence.update(metric=watched.name, best_epoch=best_epoch, best_metric=watched.logged(best))
        summary += (
            f", {watched.name} at {format_number(watched.logged(len(watched.values) - 1))} (best "
            f"{format_number(watched.logged(best))} at {format_epoch(best_epoch)})"
        )
        monitor = f"monitor='{watched.name}', mode='{watched.mode}'"
    if view.has_val:
        best = int(np.argmin(view.val_loss))
        best_epoch = view.epoch_of(int(view.val_positions[best]))
        evidence.update(best_epoch=best_epoch, best_val_loss=float(view.val_loss[best]))
        summary += (
            f", val_loss at {format_number(float(view.val_loss[-1]))} (lowest "
            f"{format_number(float(view.val_loss[best]))} at {format_epoch(best_epoch)})"
        )
    return evidence, summary, monitor
