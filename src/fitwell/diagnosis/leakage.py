"""`suspicious_validation`: validation results too good to be true (leakage, duplicated samples)."""

from __future__ import annotations

import numpy as np

from fitwell.diagnosis.findings import Finding
from fitwell.diagnosis.run import RunView, format_number

__all__ = ["check_leakage"]

_ADVICE = (
    "Check that no sample (or near-duplicate) is both in the training and the validation data, that "
    "validation_data is not a slice of x, and that no feature is computed from the target."
)


def check_leakage(run: RunView) -> Finding | None:
    """Near-perfect validation accuracy, or a validation loss far below the training loss."""
    th = run.thresholds
    key = run.accuracy_key
    val_key = f"val_{key}" if key else None
    if val_key and run.curves.has(val_key):
        val_accuracy = run.end_of(val_key)
        if val_accuracy is not None and val_accuracy >= th.leak_accuracy:
            train_accuracy = run.end_of(key)
            return Finding(
                "suspicious_validation",
                "warning",
                [run.epoch_of(int(p)) for p in run.curves.series(val_key)[0][-run.tail :]],
                {"val_accuracy": val_accuracy, "accuracy": train_accuracy},
                _ADVICE,
                f"{val_key} is {format_number(val_accuracy)} over the last epochs (training "
                f"{format_number(train_accuracy)}): perfect validation scores usually mean leaked or "
                "duplicated samples.",
            )
    if not run.has_val or run.n < 2:
        return None
    half = len(run.val_loss) // 2
    positions = run.val_positions[half:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.median(run.val_loss[half:] / run.loss[positions]))
    if np.isfinite(ratio) and ratio < th.leak_loss_ratio:
        return Finding(
            "suspicious_validation",
            "warning",
            [run.epoch_of(int(p)) for p in positions],
            {"val_to_train_loss": ratio},
            _ADVICE + " (Heavy dropout also lowers the validation loss, but rarely this much.)",
            f"val_loss stays at {ratio:.0%} of the training loss: validation far easier than training.",
        )
    return None
