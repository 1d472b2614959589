"""The text of a log file, or the reason it is none: no file there, a folder, a pickle (never
unpickled: unpickling can run any code) or other binary data."""

from __future__ import annotations

import re

__all__ = ["log_text"]

#: The start of a pickle: a binary protocol's mark and number (`\x80\x04`); protocol 1's empty
#: dict or list memoized (`}q\x00`); or protocol 0's text, which opens a dict or a list and
#: memoizes it (`(dp0`, `(lp1`), or names a class of the standard library or numpy first
#: (`ccollections\nOrderedDict\n`).
_PICKLE = re.compile(
    rb"\x80[\x02-\x05]|\((?:dp|lp)\d+\r?\n|[\]}]q\x00"
    rb"|c(?:collections|numpy[\w.]*|__builtin__|builtins|copy_reg|copyreg)\r?\n\w+\r?\n"
)


def log_text(path: str) -> str:
    """The file's text (UTF-8, else Latin-1); a clear error for a missing file, a folder, a pickle
    or binary data, naming what was expected."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        kind = "JSON" if path.lower().endswith(".json") else "CSV"
        raise FileNotFoundError(
            f"No {kind} file at {path!r}. Expected the file written by CSVLogger(filename), or a JSON "
            "dump of history.history. Check the path (it is relative to the current directory)."
        ) from None
    except IsADirectoryError:
        raise ValueError(
            f"{path!r} is a directory without TensorBoard event files. Expected a CSVLogger file, a JSON "
            "log, or a TensorBoard log folder (with events.out.tfevents.* files)."
        ) from None
    if _PICKLE.match(raw):
        raise ValueError(
            f"{path!r} is a Python pickle (of history.history, perhaps): fitwell does not unpickle files, "
            "since unpickling can run any code. Expected a CSVLogger file or a JSON dump of the history: "
            "save it with json.dump(history.history, open('history.json', 'w')) and diagnose that."
        )
    if b"\0" in raw[:4096]:
        raise ValueError(
            f"{path!r} is not a text file (it holds binary data). Expected a CSVLogger file or a JSON "
            "dump of history.history; weights (.h5, .keras) cannot be diagnosed."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
