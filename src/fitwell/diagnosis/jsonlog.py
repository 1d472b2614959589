"""A history written as JSON text, or printed as a Python literal, parsed.

A history is parsed as JSON, JSON Lines, or the Python literal a loop printed (`ast.literal_eval`:
literals only, never code); it may be wrapped in one JSON string, or printed after a label
(`train history: {...}`), or printed one record a line among other console output
(`printed_records`). What the parsed value holds is turned to one list per key by
`json_shapes.py`.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from fitwell.diagnosis.column_values import is_number_list

__all__ = [
    "JSON_LINES_NOTE",
    "LITERAL_NOTE",
    "NotJsonError",
    "labelled_history",
    "listed_history",
    "listed_numbers",
    "parsed_json",
    "printed_records",
    "quoted_history",
]

LITERAL_NOTE = "read as a Python literal (str(history.history)), not JSON."
#: The start of the note on records read one JSON value at a time (one a line, or one after another).
JSON_LINES_NOTE = "read as JSON Lines"


class NotJsonError(ValueError):
    """Text that starts like JSON and is neither JSON nor a Python literal; `looks_like_text`,
    whether the JSON reading failed at once, on a character no JSON or dict puts there
    (`[{3667621017.py:45} INFO - Epoch 1`, `[2024-10-31 22:45:10] loss: …`: a printed log, not
    JSON gone wrong)."""

    def __init__(self, message: str, *, looks_like_text: bool = False) -> None:
        super().__init__(message)
        self.looks_like_text = looks_like_text


def parsed_json(text: str, path: str) -> tuple[Any, str | None]:
    """The JSON value of the text; JSON Lines (one record per line: a list of records); or the
    Python literal a loop printed (`str(history.history)`, single quotes: read with
    `ast.literal_eval`, which evaluates literals only, never code)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        records = _json_lines(text)
        if records is not None:
            return records, f"{JSON_LINES_NOTE}: {len(records)} records, one per line."
        records = _json_objects_in_turn(text)
        if records is not None:
            return (
                records,
                f"{JSON_LINES_NOTE}: {len(records)} records, written one after another over several lines.",
            )
        cut = _cut_off(text, error)
        if cut is not None:
            return cut
        try:
            return ast.literal_eval(text), LITERAL_NOTE
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise NotJsonError(
                f"{path!r} looks like JSON but cannot be read: {error.msg} at line {error.lineno}, "
                f"column {error.colno}. Expected a JSON object of per-epoch lists, as "
                "json.dump(history.history, f) writes it.",
                looks_like_text=_not_json_at_all(text, error.pos),
            ) from None


def _not_json_at_all(text: str, position: int) -> bool:
    """Whether JSON's reading failed within the text's first few characters, on neither a quote nor
    a letter (`[{3667621017.py:45}`, `[2024-10-31 22:45:10]`: a printed log's prefix; not `{'loss':
    …}` or `{loss: …}`, a dict whose names JSON wants in double quotes)."""
    start = len(text) - len(text.lstrip())
    failed_on = text[position : position + 1]
    return (
        position - start <= _FIRST_CHARACTERS and failed_on not in ("", "'", '"') and not failed_on.isalpha()
    )


#: How far into a text JSON's reading may fail for the text to be read as a printed log instead.
_FIRST_CHARACTERS = 8


def _cut_off(text: str, error: json.JSONDecodeError) -> tuple[dict, str] | None:
    """The lists of a JSON object of per-epoch lists whose file ends before the object closes (a
    write cut short), up to the last list it holds whole, with the note naming the list that was
    cut; else None (a file broken anywhere else, or closed and broken, is refused)."""
    body = text.rstrip()
    at_end = error.pos >= len(body) - 1 or error.msg.startswith("Unterminated")
    if not body.lstrip().startswith("{") or not at_end:
        return None  # not JSON of per-epoch lists, or broken before its end
    closed = _closed_top_level_lists(body)
    if not closed:
        return None  # whole (closed) and broken, or cut off before its first list closed
    end = closed[-1]
    try:
        data = json.loads(body[: end + 1] + "}")
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not all(isinstance(value, list) for value in data.values()):
        return None
    lost = re.findall(r'"([^"]+)"\s*:', body[end + 1 :])
    inside = f" in {', '.join(map(repr, lost))}" if lost else ""
    whole = "list" if len(data) == 1 else f"{len(data)} lists"
    note = f"the file is cut off at its end (character {len(body)}){inside}: read the {whole} before it."
    return data, note


def _closed_top_level_lists(body: str) -> list[int] | None:
    """The positions of the `]` that close the lists directly under the top-level object, read in
    one pass; None when the object closes (the file is whole, so not cut off)."""
    depth, in_string, escaped, closed = 0, False, False, []
    for position, char in enumerate(body):
        if in_string:
            escaped = char == "\\" and not escaped
            in_string = escaped or char != '"'
            continue
        if char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return None
            if depth == 1 and char == "]":
                closed.append(position)
    return closed


def _json_lines(text: str) -> list[dict] | None:
    """The records of a JSON Lines file (a JSON object on each line, at least two), else None."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    try:
        records = [json.loads(line) for line in lines]
    except json.JSONDecodeError:
        return None
    return records if all(isinstance(record, dict) for record in records) else None


def _json_objects_in_turn(text: str) -> list[dict] | None:
    """The records of a file of JSON objects written one after another, each over several lines
    (`json.dump(record, f, indent=4)` once per epoch: `ey_004`), at least two; else None."""
    decoder, records, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError:
            return None
        if not isinstance(record, dict):
            return None
        records.append(record)
    return records if len(records) >= 2 else None


def printed_records(text: str) -> tuple[list[dict], int] | None:
    """`(records, other lines)` of a console log whose metrics a loop or Hugging Face's `Trainer`
    printed as one dict a line (`{'loss': 0.0985, 'learning_rate': 4.5e-05, 'epoch': 1.08}`) among
    lines of other text (warnings, progress bars); else None. Each such line is read as JSON, or
    as a Python literal (`ast.literal_eval`: literals only, never code); at least two records with
    an `epoch`, one with a loss. A dict without an `epoch` among them (`trainer.predict(...)`'s
    metrics printed after training) is skipped with the other lines."""
    records, other = [], 0
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        record = _dict_line(stripped) if stripped[0] == "{" and stripped[-1] == "}" else None
        if record is None or "epoch" not in record:
            other += 1
        else:
            records.append(record)
    if len(records) < 2:
        return None
    if not any("loss" in str(key).lower() for record in records for key in record):
        return None
    return records, other


def _dict_line(line: str) -> dict | None:
    """The dict printed on one line, or None."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError:
        try:
            value = ast.literal_eval(line)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, dict) else None


def quoted_history(text: str) -> str | None:
    """The text inside a file that is one JSON string holding a dict or a list, else None."""
    if not text.startswith('"'):
        return None
    try:
        inner = json.loads(text)
    except json.JSONDecodeError:
        return None
    return inner.strip() if isinstance(inner, str) and inner.strip()[:1] in ("{", "[") else None


_LABELLED = re.compile(r"([A-Za-z][\w ]{0,40}?)\s*[:=]\s*(\{.*\})\s*$")


def labelled_history(text: str) -> tuple[str, str, int] | None:
    """`(label, dict text, lines after it)` for a first line that is a short label and a dict
    (`train history: {'loss': [...], ...}`), with at most 3 lines after it (a summary); else None."""
    first, *rest = text.split("\n")
    found = _LABELLED.match(first.strip())
    after = sum(bool(line.strip()) for line in rest)
    if found is None or after > 3:  # a settings dict above a table is a title line, not the history
        return None
    return found.group(1) + ":", found.group(2), after


#: A name (of words that start with a letter: not `Epoch 1`), then `:` or `=` and a list; or, a
#: history written to CSV sideways (`pd.Series(history.history).to_csv(path, header=False)`), the
#: name, a comma and the list in quotes (`loss,"[0.45, 0.09]"`).
_LISTED = re.compile(
    r"(?P<name>[A-Za-z_][\w/.-]*(?: [A-Za-z_][\w/.-]*){0,5})\s*(?:[:=]\s*|,\s*(?=\"))"
    r"(?P<quote>\"?)(?P<list>\[.*\])(?P=quote)\s*$"
)


def listed_history(text: str) -> str | None:
    """The history as JSON for a file of one list a line, each after its name (`loss: [0.55, 0.48]`,
    `for key, values in history.history.items(): print(f"{key}: {values}")`), else None.

    Example:
        >>> listed_history("loss: [0.5, 0.4]\\nval_loss: [0.6, 0.5]\\n")
        '{"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}'
        >>> listed_history('loss,"[0.5, 0.4]"\\nval_loss,"[0.6, 0.5]"\\n')  # a CSV written sideways
        '{"loss": [0.5, 0.4], "val_loss": [0.6, 0.5]}'
    """
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    history = {}
    for line in lines:
        found = _LISTED.fullmatch(line)
        values = listed_numbers(found["list"]) if found else None
        if values is None or found["name"] in history:
            return None  # not a named list, or a name printed twice (two histories, or one per epoch)
        history[found["name"]] = values
    return json.dumps(history) if history else None


def listed_numbers(text: str) -> list[float] | None:
    """The numbers of a list written as text (`"[0.70, 0.43, nan]"`), read as a literal, never run;
    None for text that is no list of numbers."""
    try:
        values = ast.literal_eval(text.replace("nan", "None").replace("inf", "1e999"))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return values if is_number_list(values) else None
