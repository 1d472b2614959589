"""The metrics one printed line holds: its `name: number` pairs (`Train Loss: 0.52, Val Loss:
0.61`), its `Name number` fields set apart by `|`, `,` or `;`, or its `name number` tokens set
apart by spaces, by Keras's names, with the set each belongs to (a `val_` or `test_` name where the
line says it reports a held-out set), and without what is no metric (an epoch's or a batch's
number, a progress bar's count, a best-so-far value, a checkpoint's message). `textlog` makes a
log's records of them."""

from __future__ import annotations

import re

from fitwell.diagnosis.column_names import bare_set_losses, keras_name

__all__ = ["BEST", "is_printed_loss", "line_metrics"]

#: A best-so-far value (`Best Valid accuracy: 61%`): not a curve.
BEST = re.compile(r"\bbest\b", re.IGNORECASE)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf"
#: A hyphen inside a name (`Multi-class Loss`, `F1-score`), not one that sets fields apart (`3s -
#: loss: 0.2`), nor one before a set's name (`Pre-training loss` is the training loss).
_HYPHEN = r"(?<=[A-Za-z0-9])-(?=[A-Za-z])(?!(?:train|training|val|valid|validation|test)\b)"
#: `name: value`, `name = value` or `name is value`, the name quoted too (a printed dict, `{'f1':
#: 0.43}`); not a clock time (`took: 0:00:51`, an ISO time stamp's `T21:37:50`, nor its first digit).
_PAIR = re.compile(
    rf"(?P<name>[A-Za-z](?:[A-Za-z0-9_ @.]|{_HYPHEN})*?)['\"]?"
    rf"(?:\s*[:=]|\s+is)\s*(?P<value>{_NUMBER})(?!\d*:\d)%?",
    re.IGNORECASE,
)
#: `Name number` (or `Name: number`) as a whole field of a line whose fields are set apart by
#: `|`, `,` or `;` (`Epoch 1, loss 0.69, train accuracy: 54.67%`).
_FIELD = re.compile(
    rf"(?P<name>[A-Za-z](?:[A-Za-z0-9_@.]|{_HYPHEN})*(?: [A-Za-z](?:[A-Za-z0-9_@.]|{_HYPHEN})*)*)(?::\s*|\s+)"
    rf"(?P<value>{_NUMBER})%?\s*(?=$|[|,;])",
    re.IGNORECASE,
)
#: `name number` tokens of a line set out with spaces only (`epoch 1  train_loss 0.18  val_loss 0.19`),
#: a set's word before the name too (`train loss 0.77 val loss 0.56`), a percentage too (`Acc 20.31%`).
_SPACED = re.compile(
    r"(?<!\S)(?P<name>(?:(?:train|training|val|valid|validate|validation|dev|eval|evaluation|test)\s+)?"
    r"[A-Za-z][A-Za-z0-9_@.]*)"
    rf"\s+(?P<value>{_NUMBER})%?(?=\s|$)",
    re.IGNORECASE,
)
_VALIDATION = re.compile(r"\b(?:val|valid|validate|validation)\b", re.IGNORECASE)
#: Other names of a set, as a word of their own before the metrics (Flair's `DEV : loss 0.61`,
#: `TEST : loss 0.64`, `Testing - Loss: 2.15`, `INFO:root:Evaluation Epoch 3 - Loss: 0.61`), or as
#: a tag of its own (`[Dev] loss: 2.19`), not inside a host name, a path or a longer tag
#: (`gpu-dev-01`, `/home/me/dev/`, `[test run]`).
_SET_WORD = re.compile(
    r"(?:^|(?<=[\s:]))(dev|eval|evaluation|test|testing)(?![-/.\w\]])|\[(dev|eval|evaluation|test)\]",
    re.IGNORECASE,
)
#: A name that says it is the training set's (`train loss`, `Training accuracy`).
_TRAINING = re.compile(r"train(?:ing)?(?:\b|_)", re.IGNORECASE)
#: A name that begins with its set (`Val Loss`, `train_acc`, `Validation accuracy`).
_NAMES_SET = re.compile(r"(?:train|training|val|valid|validation|dev)(?:\b|_)", re.IGNORECASE)
#: The sets abbreviated to `Tr` and `Va` (`Tr Loss=0.63 Acc=0.68 | Va Loss=0.62`): read so only
#: on a line that names both (alone, `va_loss` may be a valence-arousal head's loss).
_ABBREVIATED_SET = re.compile(r"^(tr|va)(?=[\s_])", re.IGNORECASE)
#: `best` before a name in its clause, no number between (`best val acc 0.9`, `Best: loss 0.41`, `The
#: best score on DEV 1 :9.723%`: the best so far, and its epoch; not `val acc` after `best val acc 0.9`,
#: nor `train loss` after `saving best model - `: a clause ends at ` - `, `|`, `,`, `;`, `!` or `.`).
_BEST_BEFORE = re.compile(r"\bbest\b(?:(?!\s-\s)[^|,;!.0-9])*$", re.IGNORECASE)
#: An epoch's number that starts a name (`Epoch 1 Train Loss: 0.62`): the name follows it.
_LEADING_EPOCH = re.compile(r"^(?:epoch|ep)\s*[:#=]?\s*\d+\s+(?=[a-z])", re.IGNORECASE)
#: A count out of a total after a metric's value (`Accuracy: 9838/10000`, PyTorch's MNIST example).
_OUT_OF = re.compile(r"\s*/\s*(\d+)\b(?![./])")
#: A batch's number that starts a name, with its period (`Batch   10. loss: 2.302610`) or an
#: ellipsis (`Epoch 1/50... Batch 1... Training Loss: 1.5847...`).
_LEADING_COUNT = re.compile(r"^batch\s*\d+\.+\s+(?=[a-z])", re.IGNORECASE)
#: An epoch's number that ends a name (`Average loss for epoch 1: 0.36`, `Test accuracy after epoch 1`).
_TRAILING_EPOCH = re.compile(r"\s+(?:for|after|of|at|in)\s+(?:the\s+)?(?:epoch|ep)\s*\d+$", re.IGNORECASE)
#: Names in progress lines that are not curves.
_NOT_METRICS = (
    "eta",
    "epoch",
    "ep",
    "line",
    "step",
    "steps",
    "batch",
    "batch_id",  # the last batch's index (`Loss=0.82 Batch_id=390 Accuracy=61.28`)
    "batch_idx",
    "iter",
    "iteration",
    "time",
    "lr_step",
    "v_num",  # PyTorch Lightning's run version, in its progress bar
    "done",  # a progress count (`done 100%`), not a score
    "progress",
)
#: A checkpoint's or early stopping's message about a metric, not a metric (`Validation loss
#: decreased 0.62 -> 0.61`, `val_loss did not improve from 0.44`, `'val/CER' reached 100.0`), and the
#: words around its numbers (`from 0.62 to 0.61`).
_MESSAGE = re.compile(r"\b(?:improve|improved|decreased|increased|reached|from|to)$", re.IGNORECASE)
#: What follows a progress bar's percent (`Epoch 3:  94% 120/127 [00:23<00:01, ...]`, tqdm's count and
#: its clock) or count (`Validation: 0it`): not a metric.
_PROGRESS_COUNT = re.compile(r"(?<=%)\s*(?:\|[^|\w:]*\|)?\s*\d+/\d+\s*\[|(?<=\d)it\b")


def _another_set_named(found: list[re.Match], tag: str) -> bool:
    """Whether a metric on the line names a set other than the tag's (`[dev] loss … val_loss`; not
    `[Dev] loss … dev_acc`)."""
    return any(
        _NAMES_SET.match(_raw_name(match)) and not _raw_name(match).lower().startswith(tag.lower())
        for match in found
    )


def is_printed_loss(name: str) -> bool:
    """Whether a Keras-style name is a loss: `loss`, `val_loss`, `box_loss`; or a cost, the loss by
    its other name in courses, so that its lines are records (`cost 2.31, train: 0.08, val 0.09`,
    `fy_036`) and a log of them is refused naming its keys. The column names decide whether the
    cost is the loss: never by its name alone, as printed logs also call an epoch's seconds so."""
    return name == "loss" or name.endswith("_loss") or name.removeprefix("val_") == "cost"


def line_metrics(line: str, percents: set[str] | None = None) -> dict[str, float]:
    """The `name: number` pairs of a line, its `Name number` fields or its `name number` tokens
    (whichever finds a loss, then the most metrics), by Keras's names (added to `percents`, when
    given, for a value printed with `%`); on a line that says it reports
    validation before its first number (`Epoch 3 Validation - Loss: 0.61`), the names are
    validation names. A line that is one dict (`{'loss': 0.5, 'epoch': 1.0}`) is left to the
    reader of printed dicts (`jsonlog.printed_records`): its names are read only after a label
    (`Validation metrics: {'f1': 0.43}`)."""
    stripped = line.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return {}
    # The first of the three ways that finds a loss, then the most metrics (`F1 0.458 |` ends a
    # field on a line of space-separated tokens: one field, against seven tokens); what is no
    # metric does not count (`epoch   1 loss: 2.83 time 0.56` is one `loss`, not the tokens `epoch
    # 1` and `time 0.56`; a progress bar glued to a checkpoint's message, `…loss=3.48]Epoch 1:
    # 'val/CER' reached 100.0 … top 1`, is its `loss`).
    ways = [
        [match for match in pattern.finditer(line) if _is_metric(line, match)]
        for pattern in (_PAIR, _FIELD, _SPACED)
    ]

    def losses(matches: list[re.Match]) -> int:
        return sum(is_printed_loss(keras_name(_raw_name(match))) for match in matches)

    found = max(ways, key=lambda matches: (losses(matches), len(matches)))
    # A line that prints a pair with a colon first and then one without (`Train Loss: 2.53
    # Validate Loss 2.77`): its pairs and the tokens after them, where together they name more
    # losses.
    mixed = _pairs_and_tokens(ways[0], ways[2])
    counted = any(re.search(r"\d", _raw_name(match)) for match in ways[0])  # `Iter 200 loss: 0.42`
    if not counted and losses(mixed) > losses(found):
        found = mixed
    # Whether the line says it reports validation before its first metric (an `[Epoch: 05]` marker
    # before it is not one: `[Epoch: 05] Valid acc: 0.30 | loss: 2.05` is validation).
    before = line[: found[0].end("name")] if found else ""
    named = _SET_WORD.search(before)
    set_prefix = "val_" if _VALIDATION.search(before) else ""
    if not set_prefix and named and (named.group(1) or not _another_set_named(found, named.group(2))):
        # a tag (`[dev]`) beside names of another set (`loss … val_loss`) tags the run
        set_prefix = "test_" if (named.group(1) or named.group(2)).lower().startswith("test") else "val_"
    pairs: dict[str, float] = {}
    sets = {word.group(1).lower() for word in map(_ABBREVIATED_SET.match, map(_raw_name, found)) if word}
    abbreviated = sets == {"tr", "va"}
    in_validation = False  # whether the last name that named its set named validation
    labelled = False  # whether a validation label stood between two metrics (`Train: {…} Val: {…}`)
    for previous, match in zip([None, *found], found, strict=False):
        raw = _raw_name(match)
        if abbreviated:
            raw = _ABBREVIATED_SET.sub(lambda word: _SPELLED_OUT[word.group(1).lower()], raw)
        name = keras_name(raw)
        if previous is not None and _VALIDATION.search(line[previous.end() : match.start()]):
            labelled = True
        if labelled and not name.startswith(("val_", "test_")) and not _TRAINING.match(raw):
            name = f"val_{name}"
        elif set_prefix and not name.startswith(("val_", "test_")) and not _TRAINING.match(raw):
            name = set_prefix + name  # not `train loss` after `val loss`: a name that says its own set
        elif name in pairs and in_validation:
            name = f"val_{name}"  # `Train Loss=0.13 Acc=0.94 | Val Loss=0.06 Acc=0.97`: the second Acc
        elif _NAMES_SET.match(raw):
            in_validation = name.startswith("val_")
        pairs[name] = float(match.group("value"))
        counted = _OUT_OF.match(line, match.end("value"))
        if counted is not None and int(counted.group(1)) > 0:
            pairs[name] /= int(counted.group(1))  # `Accuracy: 9838/10000 (98.38%)`: 0.9838
        elif percents is not None and line.startswith("%", match.end("value")):
            percents.add(name)
    return _bare_set_names(line, found, pairs)


_SPELLED_OUT = {"tr": "train", "va": "val"}


def _pairs_and_tokens(pairs: list[re.Match], tokens: list[re.Match]) -> list[re.Match]:
    """The `name: number` pairs of a line and its `name number` tokens that overlap none of them
    and name a curve none of them names (not `loss 0.63` in `Loss: 0.90 (CE loss 0.63 Dice loss
    0.27)`, nor `loss 0.45` in `loss: 0.52 ema loss 0.45`: a part or a variant of the loss
    printed), in the order of the line."""
    spans = [match.span() for match in pairs]
    named = {keras_name(_raw_name(match)) for match in pairs}
    apart = [
        token
        for token in tokens
        if all(token.end() <= start or token.start() >= end for start, end in spans)
        and keras_name(_raw_name(token)) not in named
    ]
    return sorted([*pairs, *apart], key=lambda match: match.start())


def _raw_name(match: re.Match) -> str:
    """A match's name as printed, without an epoch's number before it (`Epoch 1 Train Loss`) or
    after it (`Average loss for epoch 1`), or a batch's before it (`Batch  10. loss`)."""
    name = _LEADING_EPOCH.sub(
        "", _LEADING_COUNT.sub("", match.group("name").strip()).replace(".", " ").strip()
    )
    return _TRAILING_EPOCH.sub("", name)


def _is_metric(line: str, match: re.Match) -> bool:
    """Whether a `name number` match of the line is a metric: not bookkeeping (`epoch 3`, `time
    0.56`), not the best so far (`Best Valid accuracy: 51%`), not a progress bar's count."""
    raw = _raw_name(match)
    bare = re.sub(r"^(?:val|test|train)_", "", keras_name(raw))  # `val time 3.2` is no metric either
    return (
        bare not in _NOT_METRICS
        and not _MESSAGE.search(raw)
        and not BEST.search(raw)
        and not _BEST_BEFORE.search(line, 0, match.start())  # `best val acc 0.9`: the best so far
        and not _PROGRESS_COUNT.match(line, match.end())
    )


def _bare_set_names(line: str, found: list[re.Match], pairs: dict[str, float]) -> dict[str, float]:
    """A line that names each set's loss by the set alone (`epoch 3/300  train 0.52  val 0.61`),
    under Keras's names (`loss`, `val_loss`). Not a line that names a loss otherwise; nor one whose
    sets come after another name (`acc: train 0.55 val 0.50`: an accuracy) or twice (a loss pair and
    an accuracy pair); nor one whose numbers are whole (the sets' sizes, `Train=3667 | Val=786`).
    Numbers printed as percentages are the sets' accuracies (`Train: 90.36% | Validation: 92.77%`,
    `gb_093`), named `acc` and `val_acc`."""
    renames = bare_set_losses(pairs)
    if not renames:
        return _one_set_bare(found, pairs)
    if any(is_printed_loss(name) for name in pairs):
        return pairs
    named = [match for match in found if keras_name(match.group("name").strip()) in renames]
    if len(named) != 2 or any(_WHOLE.fullmatch(match.group("value")) for match in named):
        return pairs
    words = re.findall(r"[^\s:|,;=-]+", line[: min(match.start() for match in named)])
    if words and words[-1].isalpha() and keras_name(words[-1]) not in _NOT_METRICS:
        return pairs  # `acc: train 0.55 val 0.50`: the sets of another metric
    if all(line.startswith("%", match.end("value")) for match in named):
        renames = {name: renamed.replace("loss", "acc") for name, renamed in renames.items()}
    return {renames.get(name, name): value for name, value in pairs.items()}


#: A whole number: a set's size (`Train=3667`), not its loss.
_WHOLE = re.compile(r"[-+]?\d+")


def _one_set_bare(found: list[re.Match], pairs: dict[str, float]) -> dict[str, float]:
    """A line that names one set alone beside the other set's loss (`train=0.36 | val_loss=0.54`,
    `loss 0.41  val 0.52`): the set alone is its loss. Not when its number is whole (a size)."""
    for bare, loss, other in (
        (("train", "training"), "loss", "val_loss"),
        (("val", "valid", "eval"), "val_loss", "loss"),
    ):
        name = next((name for name in pairs if name in bare), None)
        if name is None or loss in pairs or other not in pairs:
            continue
        values = [match.group("value") for match in found if keras_name(_raw_name(match)) == name]
        if not values or _WHOLE.fullmatch(values[0]):
            return pairs  # `Train=3667 | val_loss=0.54`: the set's size
        return {(loss if key == name else key): number for key, number in pairs.items()}
    return pairs
