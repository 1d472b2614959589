"""Training logs of OpenNMT-py (what `onmt_train` writes to its log file or the console).

Every `report_every` steps a line of the training statistics since the last report, and every
`valid_steps` steps the validation's, on lines of their own:

    [2024-05-08 04:06:17,722 INFO] Step 50/100000; acc:  12.00; ppl: 26.87; xent: 3.29; lr: 1.00000; ...
    [2024-05-08 04:06:28,463 INFO] Validation perplexity: 5.45281
    [2024-05-08 04:06:28,463 INFO] Validation accuracy: 44.6274

`xent` is the training cross-entropy per token, the loss; the validation's is given as its
perplexity, whose logarithm it is; the accuracies are in percent. Read as Hugging Face Trainer's
records are (`step_logs.per_evaluation`): each validation closes a period whose training loss is
the mean of those reported since.
"""

from __future__ import annotations

import math
import re

from fitwell.diagnosis.json_shapes import records_as_columns
from fitwell.diagnosis.step_logs import last_run_by_step

__all__ = ["WRITTEN_BY", "opennmt_columns"]

WRITTEN_BY = "OpenNMT-py's training log"

_STEP = re.compile(r"\bStep\s+(?P<step>\d+)(?:\s*/\s*\d+)?;(?P<fields>.*)")
_FIELD = re.compile(
    r"(?P<name>[a-z_]+):\s*(?P<value>[-+]?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan))", re.IGNORECASE
)
_VALIDATION = re.compile(r"\bValidation (?P<name>perplexity|accuracy|xent):\s*(?P<value>[-+.\deE]+|inf|nan)")
#: A report's fields under the names the reader knows (the accuracy in percent, divided by 100).
_FIELDS = {"xent": "loss", "acc": "acc", "lr": "learning_rate"}


def opennmt_columns(lines: list[str], notes: list[str]) -> dict[str, list] | None:
    """The columns of an OpenNMT-py log's reports, for `step_logs.per_evaluation`, with notes in
    `notes`: of runs written one after another, the last, and a run resumed from a checkpoint
    (`-train_from`) joined (`step_logs.last_run_by_step`). None for any other text: at least two
    training reports needed."""
    records: list[dict] = []
    for line in lines:
        step = _STEP.search(line)
        fields = {} if step is None else _fields(step["fields"])
        if step is not None and "xent" in fields:
            record = {"epoch": None, "step": int(step["step"])}
            record |= {_FIELDS[name]: value for name, value in fields.items() if name in _FIELDS}
            if "acc" in record:
                record["acc"] /= 100.0
            records.append(record)
            continue
        validation = _VALIDATION.search(line)
        if validation is None or not records:
            continue
        value = float(validation["value"])
        if "validation" not in records[-1]:
            records.append({"epoch": None, "step": records[-1]["step"], "validation": True})
        if validation["name"] == "accuracy":
            records[-1]["val_acc"] = value / 100.0
        else:  # the validation's cross-entropy, given as its perplexity or as itself
            records[-1]["val_loss"] = (
                math.log(value) if validation["name"] == "perplexity" and value > 0 else value
            )
    if sum("loss" in record for record in records) < 2:
        return None
    records = last_run_by_step(records, lambda record: record["step"], lambda record: "loss" in record, notes)
    for record in records:
        record.pop("validation", None)
    said = "read the accuracies, printed in percent, as fractions"
    if any("val_loss" in record for record in records):
        said += "; the validation perplexity as its cross-entropy, the loss: its logarithm"
    notes.append(said + ".")
    return records_as_columns(records)


def _fields(text: str) -> dict[str, float]:
    """A report's `name: value` fields, by lowercase name (`acc: 12.00; ppl: 26.87; xent: 3.29`)."""
    return {match["name"].lower(): float(match["value"]) for match in _FIELD.finditer(text)}
