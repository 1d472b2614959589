"""Training logs of OpenNMT-py (what `onmt_train` writes to its log file or the console).

Every `report_every` steps a line of the training statistics since the last report, and every
`valid_steps` steps the validation's, on lines of their own:

    [2024-05-08 04:06:17,722 INFO] Step 50/100000; acc:  12.00; ppl: 26.87; xent: 3.29; lr: 1.00000; ...
    [2024-05-08 04:06:28,463 INFO] Validation perplexity: 5.45281
    [2024-05-08 04:06:28,463 INFO] Validation accuracy: 44.6274

`xent` is the training cross-entropy per token, the loss; the validation's is given as its
perplexity, whose logarithm it is. Read as Hugging Face Trainer's records are
(`step_logs.per_evaluation`): each validation closes a period whose training loss is the mean of
those reported since; the accuracies are in percent.
"""

from __future__ import annotations

import math
import re

__all__ = ["WRITTEN_BY", "opennmt_columns"]

WRITTEN_BY = "OpenNMT-py's training log"

_STEP = re.compile(
    r"\bStep (?P<step>\d+)(?:/\s*\d+)?;\s*acc:\s*(?P<acc>[-+.\deE]+);\s*ppl:\s*(?P<ppl>[-+.\deE]+|inf|nan);"
    r"\s*xent:\s*(?P<xent>[-+.\deE]+|inf|nan);\s*lr:\s*(?P<lr>[-+.\deE]+)"
)
_VALIDATION = re.compile(r"\bValidation (?P<name>perplexity|accuracy|xent):\s*(?P<value>[-+.\deE]+|inf|nan)")


def opennmt_columns(lines: list[str], notes: list[str]) -> dict[str, list] | None:
    """The columns of an OpenNMT-py log's reports, for `step_logs.per_evaluation` (the last run's,
    with a note in `notes`, when the step starts again); None for any other text: at least two
    training reports needed."""
    records: list[dict] = []
    for line in lines:
        step = _STEP.search(line)
        if step is not None:
            records.append(
                {
                    "epoch": None,
                    "step": int(step["step"]),
                    "loss": float(step["xent"]),
                    "acc": float(step["acc"]),
                    "learning_rate": float(step["lr"]),
                }
            )
            continue
        validation = _VALIDATION.search(line)
        if validation is None or not records:
            continue
        value = float(validation["value"])
        name = validation["name"]
        if records[-1].get("validation") is not True:
            records.append({"epoch": None, "step": records[-1]["step"], "validation": True})
        if name == "accuracy":
            records[-1]["val_acc"] = value
        else:  # the validation's cross-entropy, given as its perplexity or as itself
            records[-1]["val_loss"] = math.log(value) if name == "perplexity" and value > 0 else value
    training = [index for index, record in enumerate(records) if "loss" in record]
    if len(training) < 2:
        return None
    starts = [index for index in training[1:] if records[index]["step"] < records[index - 1]["step"]]
    if starts:
        notes.append(
            f"the log holds {len(starts) + 1} runs written one after another (the step starts again): "
            "read the last."
        )
        records = records[starts[-1] :]
    for record in records:
        record.pop("validation", None)
    if any("val_loss" in record for record in records):
        notes.append("read the validation perplexity as its cross-entropy, the loss: its logarithm.")
    names = list(dict.fromkeys(name for record in records for name in record))
    return {name: [record.get(name) for record in records] for name in names}
