"""Training-curve diagnosis: what went wrong in a run, the evidence, and what to change.

`diagnose(run)` reads a fitwell `History`, a Keras-style history dict, a
pandas DataFrame or a CSVLogger file and returns a `Diagnosis`: a list of
`Finding`s (`kind`, `severity`, `epochs`, `evidence`, `advice`), most
important first. The rules live one concern per module; every threshold is
a named field of `Thresholds` (see docs/diagnosis.md).

Example:
    >>> from fitwell.diagnosis import diagnose
    >>> diagnose({"loss": [1.0, 0.5, 0.3, 0.25, 0.24, 0.235, 0.233, 0.232],
    ...           "val_loss": [0.9, 0.5, 0.35, 0.33, 0.33, 0.331, 0.33, 0.332]}).primary.kind
    'healthy'
"""

from __future__ import annotations

from fitwell.diagnosis.context import RunContext, make_context
from fitwell.diagnosis.curves import Curves, read_curves
from fitwell.diagnosis.diagnose import diagnose
from fitwell.diagnosis.findings import KINDS, SEVERITIES, Diagnosis, Finding
from fitwell.diagnosis.thresholds import DEFAULT_THRESHOLDS, Thresholds

__all__ = [
    "DEFAULT_THRESHOLDS",
    "KINDS",
    "SEVERITIES",
    "Curves",
    "Diagnosis",
    "Finding",
    "RunContext",
    "Thresholds",
    "diagnose",
    "make_context",
    "read_curves",
]
