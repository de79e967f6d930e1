"""Formatting of values for display: bytes, rates, ages, states, check glyphs."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.content import Content

from core.visible import visible

#: status -> (glyph, colour); colours match the calm palette of styles/app.tcss
CHECK_GLYPHS: dict[str, tuple[str, str]] = {
    "passed": ("✔", "#a3be8c"),
    "warning": ("▲", "#ebcb8b"),
    "error": ("✖", "#bf616a"),
}

#: state name -> css class used for colour (ok / busy / bad / idle)
STATE_CLASS: dict[str, str] = {
    "Unprotected": "idle",
    "Validated": "idle",
    "Mirroring": "busy",
    "Protected": "ok",
    "Failure detected": "bad",
    "Failing over": "busy",
    "Failed over": "bad",
    "Failing back": "busy",
    "Restoring": "busy",
    "Failed back (restore next)": "bad",  # not protected until Restore ran
    "Error": "bad",
}

def plain(text: object, *, one_line: bool = False) -> Content:
    """``text`` to show as it is: never read as markup (a value holding ``[bold]`` or
    ``[/]`` shows those characters), control characters written as escapes (issue 11).
    For stored values, typed values and error messages put in a Static or Label."""
    return Content(visible(text, one_line=one_line))


_UNITS = ("bytes", "KB", "MB", "GB", "TB")


def status_label(status: Any) -> str:
    """A PairStatus's state in words (core's ``label``), else its state's name."""
    label = getattr(status, "label", None)
    return str(label) if label else state_name(getattr(status, "state", None))


def state_name(state: Any) -> str:
    """The display name of a PairState (or of a plain string)."""
    if state is None:
        return "—"
    return str(getattr(state, "value", state))


def size(n: float | int, in_bytes: bool = False) -> str:
    """``1234567`` -> ``"1.2 MB"`` (or ``"1,234,567 bytes"`` when ``in_bytes``)."""
    n = max(0, int(n))
    if in_bytes or n < 1024:
        return f"{n:,} bytes"
    value = float(n)
    unit = 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{value:.1f} {_UNITS[unit]}"


def rate(bytes_per_s: float, in_bytes: bool = False) -> str:
    return f"{size(bytes_per_s, in_bytes)}/s"


def ago(ts: float | None, now: float) -> str:
    """Age of an epoch timestamp, e.g. ``"3 s ago"``; ``"never"`` when unknown."""
    if ts is None:
        return "never"
    secs = max(0, int(now - ts))
    if secs < 120:
        return f"{secs} s ago"
    if secs < 7200:
        return f"{secs // 60} min ago"
    return f"{secs // 3600} h ago"


def check_glyph(status: str) -> Text:
    glyph, colour = CHECK_GLYPHS.get(status, ("?", "#d8dee9"))
    return Text(glyph, style=f"bold {colour}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
