"""Text that reaches a terminal: control characters made visible (issue 11).

Stored values (a DNS user name, a path, a server name) and error messages
that quote them come from people and from remote servers. Printed raw, an
``ESC c`` in a user name resets the terminal, ``ESC ]`` retitles it, a
carriage return overwrites what was written, and a right-to-left override
reorders the line the reader sees. ``visible`` writes every such character
as an escape (``\\x1b``, ``\\u202e``) that shows what is there and does
nothing. One function, no UI dependencies: the CLI's output layer and the
console's messages and labels both use it.
"""

from __future__ import annotations

import re

#: bidirectional controls (embeddings, overrides, isolates, marks) and the Unicode
#: line/paragraph separators: invisible, yet they reorder or break what is shown
_BIDI_AND_SEPARATORS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
#: C0 and C1 controls, DEL, bidi controls; \n and \t are handled by the caller's choice
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")
_UNSAFE_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_AND_SEPARATORS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: object, *, one_line: bool = False) -> str:
    """``text`` with every control character written as an escape.

    Newlines and tabs stay as they are (they lay out multi-line messages),
    unless ``one_line`` asks for a single line (a label, a table cell).
    Printable text, including non-ASCII letters, is left alone.
    """
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, str(text))


def has_controls(text: str) -> bool:
    """Whether ``visible`` would change ``text`` (newlines and tabs count)."""
    return _UNSAFE_ONE_LINE.search(text) is not None


def quoted(text: object, limit: int = 40) -> str:
    """``text`` for a message that quotes what was typed: ``repr``-quoted (control
    characters escaped) and cut to ``limit`` characters, so a pasted 5,000-character
    value gives a one-line message."""
    raw = str(text)
    if len(raw) > limit:
        q = repr(raw[:limit])
        return f"{q[:-1]}…{q[-1]} ({len(raw)} characters)"
    return repr(raw)
