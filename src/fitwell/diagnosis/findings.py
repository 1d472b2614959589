"""`Finding` (one thing the curves show) and `Diagnosis` (all of them, most important first)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

__all__ = ["KINDS", "SEVERITIES", "Diagnosis", "Finding"]

#: Every finding kind, in priority order: the first one present is `Diagnosis.primary`.
KINDS = (
    "diverged",
    "suspicious_validation",
    "not_learning",
    "unstable",
    "overfitting",
    "lr_too_low",
    "underfitting",
    "plateau",
    "still_improving",
    "healthy",
)

#: Severities, most serious first.
SEVERITIES = ("error", "warning", "info")

_ICONS = {"error": "✗", "warning": "!", "info": "·"}


@dataclass(frozen=True)
class Finding:
    """One thing the training curves show, with its evidence and what to do about it.

    Attributes:
        kind: A stable identifier from `KINDS`, e.g. `"overfitting"`.
        severity: `"error"` (the run is broken), `"warning"` (worth fixing) or
            `"info"`.
        epochs: The 0-based epochs the finding concerns (as in `History.epoch`);
            messages count epochs from 1, as the progress bar does.
        evidence: The numbers behind the finding, by name (floats, ints or strings).
        advice: What to change, using the run's own values.
        summary: One sentence stating what was seen.

    Example:
        >>> finding = Finding("healthy", "info", [], {}, "Nothing to change.", "No problem found.")
        >>> finding.kind, finding.severity
        ('healthy', 'info')
    """

    kind: str
    severity: str
    epochs: list[int]
    evidence: dict[str, Any]
    advice: str
    summary: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"`kind` must be one of {KINDS}. Received: kind={self.kind!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"`severity` must be one of {SEVERITIES}. Received: severity={self.severity!r}")

    def __str__(self) -> str:
        text = f"{_ICONS[self.severity]} {self.kind}: {self.summary}"
        return f"{text}\n    → {self.advice}" if self.advice else text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (non-finite numbers become the strings `"nan"`, `"inf"`, `"-inf"`)."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "epochs": [int(epoch) for epoch in self.epochs],
            "evidence": {key: _json_value(value) for key, value in self.evidence.items()},
            "advice": self.advice,
            "summary": self.summary,
        }


def _wrapped(text: str, width: int | None, first: str, rest: str) -> list[str]:
    if width is None:
        return [first + text]
    # Code in the advice (`ModelCheckpoint(..., monitor='val_loss')`) is not split inside a word.
    return textwrap.wrap(
        text,
        width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) or hasattr(value, "__float__"):
        number = float(value)
        return number if math.isfinite(number) else str(number)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return str(value)


@dataclass(frozen=True)
class Diagnosis(Sequence[Finding]):
    """The findings of `diagnose()`, most important first; behaves as a list of `Finding`.

    There is always at least one finding: `healthy` when nothing is wrong.

    Attributes:
        findings: The findings, sorted by `KINDS` priority.
        epochs: Number of epochs analysed (of rows: of batches, for a log stopped inside its first
            epoch, said by `rows`).
        keys: The log keys that were read.
        notes: What reading the run involved (e.g. "the file holds 2 runs appended
            one after another ...; this is the last one"), printed first.
        rows: What a row of the run is: "epoch", or "batch" for a log stopped inside its first
            epoch (`Curves.part_of_epoch`).

    Example:
        >>> from fitwell.diagnosis import diagnose
        >>> diagnosis = diagnose({"loss": [2.3, float("nan")]})
        >>> diagnosis.primary.kind, "diverged" in diagnosis
        ('diverged', True)
    """

    findings: list[Finding]
    epochs: int = 0
    keys: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: str = "epoch"

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...
    def __getitem__(self, index: int | slice) -> Finding | list[Finding]:
        return self.findings[index]

    def __len__(self) -> int:
        return len(self.findings)

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings)

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return item in self.kinds
        return item in self.findings

    @property
    def primary(self) -> Finding:
        """The most important finding (the first one)."""
        return self.findings[0]

    @property
    def kinds(self) -> list[str]:
        """The kinds of every finding, in order."""
        return [finding.kind for finding in self.findings]

    @property
    def is_healthy(self) -> bool:
        """Whether no finding is a warning or an error."""
        return all(finding.severity == "info" for finding in self.findings)

    def get(self, kind: str) -> Finding | None:
        """The finding of that kind, or None."""
        return next((finding for finding in self.findings if finding.kind == kind), None)

    def __str__(self) -> str:
        return self.format()

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """IPython and notebooks show the report, not the dataclass's fields."""
        printer.text(str(self))

    def format(self, width: int | None = None) -> str:
        """The report: a line per note and per finding, its advice under it. With `width`, each
        is wrapped to that many columns under a hanging indent (a terminal's width: the
        `fitwell diagnose` command does so); without, one line each (for files and notebooks,
        which wrap for themselves).

        Example:
            >>> finding = Finding("healthy", "info", [], {}, "Nothing to change.", "loss ended at 0.1.")
            >>> print(Diagnosis([finding], epochs=3).format(width=30))
            Diagnosis of 3 epochs:
              · healthy: loss ended at
                0.1.
                  → Nothing to change.
        """
        plural = "batches" if self.rows == "batch" else f"{self.rows}s"
        lines = [f"Diagnosis of {self.epochs} {self.rows if self.epochs == 1 else plural}:"]
        for note in self.notes:
            lines += _wrapped(note, width, "  note: ", "        ")
        for finding in self.findings:
            lines += _wrapped(
                f"{_ICONS[finding.severity]} {finding.kind}: {finding.summary}", width, "  ", "    "
            )
            if finding.advice:
                lines += _wrapped(finding.advice, width, "      → ", "        ")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: `{"primary", "epochs", "rows", "keys", "notes", "findings"}`."""
        return {
            "primary": self.primary.kind,
            "epochs": self.epochs,
            "rows": self.rows,
            "keys": list(self.keys),
            "notes": list(self.notes),
            "findings": [finding.to_dict() for finding in self.findings],
        }
