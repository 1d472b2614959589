"""The unseen corpus: runs the rules were never tuned on, their labels, and how they score.

`fixtures/unseen/runs/` holds the logs as users have them (CSVLogger files, some with
several runs appended or a title line, JSON dumps of `history.history`);
`runs/manifest.json` says how each was made (loss, classes, the constant-prediction
baseline from its training labels) and `labels.csv` the label given from the plots,
with its reason. Run this module to print the score and the confusion table:

    python -m tests.diagnosis.unseen [--no-baseline] [--plain] [--fresh]

`--fresh` scores `fixtures/fresh/` instead: a corpus made the same way after a revision
of the rules (its `generate.py` says how), scored once untouched, then revised on like the others.

`--plain` reads the files without the library (to score the rules alone).
"""

from __future__ import annotations

import csv
import inspect
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fitwell.diagnosis import KINDS, diagnose

UNSEEN = Path(__file__).parent / "fixtures" / "unseen"
#: Made after a revision of the rules, labelled before they ran: scored once untouched (82.1%).
FRESH = Path(__file__).parent / "fixtures" / "fresh"


@dataclass(frozen=True)
class LabelledRun:
    name: str
    path: Path
    label: str
    reason: str
    loss: str
    num_classes: int | None
    baseline: float
    clear: bool = True  # the reader was sure (the fresh corpus records it; the unseen one does not)
    alt_label: str = ""  # a second defensible label, for an ambiguous run

    @property
    def defensible(self) -> tuple[str, ...]:
        return (self.label, self.alt_label) if self.alt_label else (self.label,)


def load(folder: Path = UNSEEN) -> list[LabelledRun]:
    manifest = {item["name"]: item for item in json.loads((folder / "runs" / "manifest.json").read_text())}
    with open(folder / "labels.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    runs = []
    for row in rows:
        info = manifest[row["name"]]
        runs.append(
            LabelledRun(
                row["name"],
                folder / "runs" / info["file"],
                row["label"],
                row["reason"],
                info["loss"],
                info["num_classes"],
                info["baseline"],
                row.get("clarity", "clear").strip() == "clear",
                row.get("alt_label", "").strip(),
            )
        )
    return runs


def plain_curves(path: Path) -> dict[str, list[float]]:
    """The last run of a log file, read without the library (for scoring the rules alone)."""
    if path.suffix == ".json":
        return json.loads(path.read_text())
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("epoch"))
    rows = list(csv.reader(lines[start:]))
    header, body = rows[0], rows[1:]
    epochs = [int(row[0]) for row in body]
    restarts = [i for i in range(1, len(epochs)) if epochs[i] <= epochs[i - 1]]
    body = body[restarts[-1] :] if restarts else body
    return {
        name: [float(row[i]) if row[i] not in ("", "NA") else None for row in body]
        for i, name in enumerate(header)
    }


def diagnose_run(run: LabelledRun, *, use_baseline: bool = True, plain: bool = False):
    """The diagnosis of a labelled run, given what a user of the command would pass."""
    kwargs = {"loss": run.loss, "num_classes": run.num_classes}
    if use_baseline and "baseline" in inspect.signature(diagnose).parameters:
        kwargs["baseline"] = run.baseline
    return diagnose(plain_curves(run.path) if plain else str(run.path), **kwargs)


def score(
    runs: list[LabelledRun], *, use_baseline: bool = True, plain: bool = False
) -> list[tuple[LabelledRun, list[str]]]:
    """`(run, kinds found)`; `["error: ..."]` when the file could not be read."""
    results = []
    for run in runs:
        try:
            kinds = diagnose_run(run, use_baseline=use_baseline, plain=plain).kinds
        except (ValueError, TypeError) as error:
            kinds = ["error: " + str(error)[:60]]
        results.append((run, kinds))
    return results


#: Findings a run labelled healthy must never get.
FORBIDDEN_FOR_HEALTHY = ("overfitting", "diverged", "unstable", "not_learning", "suspicious_validation")


def flagged_healthy(results: list[tuple[LabelledRun, list[str]]]) -> list[str]:
    """The runs labelled healthy that got a problem finding (as any finding), by name."""
    return sorted(
        run.name
        for run, found in results
        if run.label == "healthy" and set(found) & set(FORBIDDEN_FOR_HEALTHY)
    )


def confusion_markdown(results: list[tuple[LabelledRun, list[str]]]) -> str:
    """A markdown table: labels as rows, primary findings as columns."""
    counts = Counter((run.label, found[0] if found[0] in KINDS else "error") for run, found in results)
    columns = [kind for kind in (*KINDS, "error") if any(found == kind for _, found in counts)]
    labels = [kind for kind in KINDS if any(label == kind for label, _ in counts)]
    lines = [
        "| label \\ primary | " + " | ".join(columns) + " | runs |",
        "|---" * (len(columns) + 2) + "|",
    ]
    for label in labels:
        cells = [str(counts.get((label, column), 0) or ".") for column in columns]
        total = sum(counts.get((label, column), 0) for column in columns)
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {total} |")
    return "\n".join(lines)


def main() -> None:
    folder = FRESH if "--fresh" in sys.argv else UNSEEN
    results = score(load(folder), use_baseline="--no-baseline" not in sys.argv, plain="--plain" in sys.argv)
    right = sum(run.label == found[0] for run, found in results)
    print(confusion_markdown(results))
    print(f"\nright primary finding: {right}/{len(results)} ({right / len(results):.1%})")
    if any(not run.clear or run.alt_label for run, _ in results):  # clarity recorded (fresh corpus)
        clear = [(run, found) for run, found in results if run.clear]
        print(
            f"on the runs labelled clear: {sum(run.label == found[0] for run, found in clear)}/{len(clear)}"
        )
        defensible = sum(found[0] in run.defensible for run, found in results)
        print(f"the label or the second defensible one: {defensible}/{len(results)}")
    for run, found in results:
        if run.label != found[0]:
            print(f"  {run.name}: label {run.label}, found {found}")


if __name__ == "__main__":
    main()
