"""What the progress display shows, and the three kinds of place it shows it in.

`ProgbarLogger` (`verbose=1`) decides when to draw; this module decides
what a line says and how it reaches the reader. The decisions:

- **The line** is Keras's. While an epoch runs::

      12/36 ━━━━━━───────────── 3s elapsed, ETA 5s, 20ms/step - loss: 2.1322 - accuracy: 0.1875

  and when it ends, with every value of the epoch's logs (training,
  `val_` and `learning_rate`) in the logs' order::

      36/36 ━━━━━━━━━━━━━━━━━━━━ 5s 20ms/step - loss: 2.0954 - accuracy: 0.2049 - val_loss: …

  Values use Keras's format: four decimals, or scientific notation when
  the magnitude is 1e-3 or less. Times read `5s`, `1:05` or `1:02:05`; the
  time per step leaves out the first step (which includes start-up), as
  Keras's does.
- **Nothing is cut.** Where the text is wider than the terminal, it wraps
  onto further lines, breaking only between parts (`loss: 2.1322` stays
  whole, a part wider than the terminal is folded), and the bar narrows
  to fit beside the step count on narrow terminals.
- **An interactive terminal** (`isatty()` true, `TERM` not `dumb`) gets
  the lines redrawn in place, all of them (the cursor moves up over the
  wrapped lines); the width is read again at every redraw. Messages
  printed during the epoch go above the lines; the final lines stay.
- **A file, a pipe, CI logs or a dumb terminal** get no carriage returns
  and no cursor codes: `Epoch i/N` when the epoch starts, one line with
  everything when it ends (Keras's last bar line, without the redraws).
- **A Jupyter kernel** (writing to its standard output) gets one output
  per epoch, updated in place through IPython's display handles
  (`update_display_data`, which every front end and `nbclient` honour), as
  plain text, and as HTML that wraps at the cell's width. The saved
  notebook therefore keeps each epoch's final line as text. No widget is
  used, so it is the same with or without ipywidgets.

The terminal part uses rich's `Live`, which redraws a text of several
lines in place, measures the terminal at each redraw and drives Windows
consoles too. tqdm cannot do it: it draws one line and cuts it at the
terminal's width (the metrics were what got cut). rich's Jupyter mode is
not used because it needs ipywidgets and saves the widget, not the text.
`Live` hides the cursor while it runs; the cursor is shown again at once,
because `fit` has no hook to restore it if training is interrupted.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

__all__ = [
    "BAR_WIDTH",
    "Display",
    "LineDisplay",
    "NotebookDisplay",
    "Progress",
    "TerminalDisplay",
    "format_duration",
    "format_step_time",
    "format_value",
    "open_display",
    "progress_parts",
    "wrap_parts",
]

#: Characters of the bar at full width (Keras's).
BAR_WIDTH = 20
_DONE, _TODO = "━", "─"

#: A part of a line and the separator written before it when it follows another on the same line.
Part = tuple[str, str]


def format_value(value: Any) -> str:
    """A logged value as Keras shows it: `0.1234`, or `1.2340e-04` at or below 1e-3 in magnitude.

    Example:
        >>> format_value(0.25), format_value(0.0001), format_value(0)
        ('0.2500', '1.0000e-04', '0.0000e+00')
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.4f}" if abs(number) > 1e-3 else f"{number:.4e}"


def format_duration(seconds: float) -> str:
    """`5s`, `1:05` or `1:02:05`.

    Example:
        >>> format_duration(5.4), format_duration(65), format_duration(3725)
        ('5s', '1:05', '1:02:05')
    """
    whole = round(max(seconds, 0.0))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def format_step_time(seconds: float) -> str:
    """Time per step as Keras shows it: `2s/step`, `20ms/step` or `500us/step`.

    Example:
        >>> format_step_time(0.02), format_step_time(0.0005)
        ('20ms/step', '500us/step')
    """
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


@dataclass(frozen=True)
class Progress:
    """Where a pass stands.

    Attributes:
        step: Steps done.
        steps: Steps in the pass, None when unknown.
        seconds: Time since the pass began.
        step_seconds: Time per step (0 before the first step).
        values: `(name, value)` pairs to show, in order.
        done: Whether the pass is over (the final line: no ETA).
    """

    step: int
    steps: int | None
    seconds: float
    step_seconds: float
    values: Sequence[tuple[str, Any]] = ()
    done: bool = False


def progress_parts(progress: Progress, *, width: int | None = None) -> list[Part]:
    """The parts of a progress line, each with the separator that goes before it.

    Args:
        progress: What to show.
        width: The width the line will be wrapped to; the bar narrows so
            that it fits beside the step count. None for a full bar.

    Example:
        >>> parts = progress_parts(Progress(36, 36, 5.0, 0.02, [("loss", 0.5)], done=True))
        >>> "".join(separator + text for separator, text in parts)
        '36/36 ━━━━━━━━━━━━━━━━━━━━ 5s 20ms/step - loss: 0.5000'
    """
    step, steps = progress.step, progress.steps
    if steps:
        count = f"{step:>{len(str(steps))}}/{steps}"
        bar_width = BAR_WIDTH if width is None else max(4, min(BAR_WIDTH, width - len(count) - 1))
        filled = min(bar_width, bar_width * step // steps)
        parts = [("", count), (" ", _DONE * filled + _TODO * (bar_width - filled))]
    else:
        parts = [("", f"{step}/Unknown")]
    if progress.done:
        parts += [(" ", format_duration(progress.seconds)), (" ", format_step_time(progress.step_seconds))]
    else:
        parts.append((" ", f"{format_duration(progress.seconds)} elapsed"))
        if step and steps:
            parts.append((", ", f"ETA {format_duration(progress.step_seconds * max(steps - step, 0))}"))
        if step:
            parts.append((", ", format_step_time(progress.step_seconds)))
    parts += [(" - ", f"{name}: {format_value(value)}") for name, value in progress.values]
    return parts


def wrap_parts(parts: Sequence[Part], width: int | None = None) -> list[str]:
    """The parts joined into lines of at most `width` characters (one line for None).

    A line breaks only between parts, dropping the separator there; a part
    longer than `width` is folded over several lines. Nothing is left out.

    Example:
        >>> wrap_parts([("", "loss: 0.5000"), (" - ", "val_loss: 0.6000")], 20)
        ['loss: 0.5000', 'val_loss: 0.6000']
    """
    if width is None:
        return ["".join(separator + text for separator, text in parts)]
    width = max(width, 1)
    lines: list[str] = []
    line = ""
    for separator, text in parts:
        if line and len(line) + len(separator) + len(text) <= width:
            line += separator + text
            continue
        if line:
            lines.append(line)
        while len(text) > width:
            lines.append(text[:width])
            text = text[width:]
        line = text
    lines.append(line)
    return lines


def _lines(header: str | None, progress: Progress, width: int | None) -> list[str]:
    body = wrap_parts(progress_parts(progress, width=width), width)
    return body if header is None else [header, *body]


class Display:
    """Where progress goes. Subclasses implement `begin`, `end` and `message`; `show` if `live`.

    Attributes:
        live: Whether `show` draws anything (if not, the caller need not
            read the running values, which costs a device sync).
    """

    live = False

    def begin(self, header: str | None, progress: Progress) -> None:
        """A pass starts; `header` (e.g. `"Epoch 1/3"`) goes above its lines."""
        raise NotImplementedError

    def show(self, progress: Progress) -> None:
        """Redraw the running pass."""
        del progress  # nothing is redrawn unless the display is live

    def end(self, progress: Progress) -> None:
        """The pass is over: leave its final line(s)."""
        raise NotImplementedError

    def message(self, text: str) -> None:
        """Print a message (a callback's) on lines of its own, without breaking the display."""
        raise NotImplementedError


class LineDisplay(Display):
    """Files, pipes, CI logs: `Epoch i/N` at the start, one complete line at the end, nothing else.

    Args:
        out: The text stream to write to.
    """

    def __init__(self, out: IO[str]) -> None:
        self._out = out

    def _write(self, text: str) -> None:
        self._out.write(text + "\n")
        self._out.flush()

    def begin(self, header: str | None, progress: Progress) -> None:
        """Write the header, if any."""
        if header is not None:
            self._write(header)

    def end(self, progress: Progress) -> None:
        """Write the final line, whatever its length."""
        self._write(wrap_parts(progress_parts(progress))[0])

    def message(self, text: str) -> None:
        """Write the message as it is."""
        self._write(text)


class TerminalDisplay(Display):
    """An interactive terminal: the lines are redrawn in place (rich's `Live`), wrapped to its width.

    Args:
        out: The terminal's text stream.
    """

    live = True

    def __init__(self, out: IO[str]) -> None:
        from rich.console import Console

        self._console = Console(
            file=out,
            force_terminal=True,
            force_interactive=True,
            force_jupyter=False,
            highlight=False,
            markup=False,
            emoji=False,
        )
        self._live: Any = None

    def _text(self, progress: Progress) -> Any:
        from rich.text import Text

        text = Text("\n".join(_lines(None, progress, self._console.width)))
        text.highlight_regex(f"{_DONE}+", "green")
        text.highlight_regex(f"{_TODO}+", "bright_black")
        return text

    def begin(self, header: str | None, progress: Progress) -> None:
        """Write the header, then start redrawing in place."""
        from rich.live import Live

        if header is not None:
            self._console.print(header, overflow="fold")
        self._live = Live(
            self._text(progress),
            console=self._console,
            auto_refresh=False,
            vertical_overflow="visible",
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start(refresh=True)
        self._console.show_cursor(True)  # see the module docstring

    def show(self, progress: Progress) -> None:
        """Redraw every line of the running pass at the terminal's current width."""
        if self._live is not None:
            self._live.update(self._text(progress), refresh=True)

    def end(self, progress: Progress) -> None:
        """Redraw one last time and leave the lines on screen."""
        if self._live is None:
            return
        self._live.update(self._text(progress))
        self._live.stop()
        self._live = None

    def message(self, text: str) -> None:
        """Above the running lines while they are drawn, else below the last ones; wrapped, never cut."""
        self._console.print(text, overflow="fold")


class NotebookDisplay(Display):
    """A Jupyter kernel: one output per pass, updated in place, saved as text."""

    live = True

    def __init__(self) -> None:
        self._handle: Any = None
        self._header: str | None = None

    @staticmethod
    def _bundle(lines: list[str]) -> dict[str, str]:
        text = "\n".join(lines)
        page = f'<pre style="white-space: pre-wrap; margin: 0">{html.escape(text)}</pre>'
        return {"text/plain": text, "text/html": page}

    def begin(self, header: str | None, progress: Progress) -> None:
        """Create the pass's output (header included)."""
        from IPython.display import display

        self._header = header
        bundle = self._bundle(_lines(header, progress, None))
        self._handle = display(bundle, raw=True, display_id=True)

    def show(self, progress: Progress) -> None:
        """Replace the output's text."""
        if self._handle is not None:
            self._handle.update(self._bundle(_lines(self._header, progress, None)), raw=True)

    def end(self, progress: Progress) -> None:
        """Replace the output's text with the final line, which the saved notebook keeps."""
        self.show(progress)
        self._handle = None

    def message(self, text: str) -> None:
        """Print to the cell's output, below the pass's output."""
        print(text, flush=True)


def _is_terminal(out: IO[str]) -> bool:
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty is not None and isatty()) and os.environ.get("TERM") != "dumb"
    except (ValueError, OSError):  # a closed or detached stream
        return False


def _in_jupyter_kernel() -> bool:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def open_display(out: IO[str]) -> Display:
    """The display for `out`: a notebook's, a terminal's, or lines for files and pipes.

    Example:
        >>> import io
        >>> type(open_display(io.StringIO())).__name__
        'LineDisplay'
    """
    if out is sys.stdout and _in_jupyter_kernel():
        return NotebookDisplay()
    if _is_terminal(out):
        return TerminalDisplay(out)
    return LineDisplay(out)
