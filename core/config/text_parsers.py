"""Parsers for typed text: plain values, names, Windows paths (issue 11).

Every text a person types is checked here, at input, for what would only
fail later: control characters (an ``ESC c`` in a name resets the terminal
that prints it), values longer than anything Windows takes, and path
components (``.``, ``..``, a trailing dot or space, device names) that
Windows resolves to another place or refuses at Enable time. Each refusal
is an :class:`InvalidInput` naming the field, with the limit in the message.
"""

from __future__ import annotations

import re

from core.errors import InvalidInput
from core.visible import has_controls, quoted

#: Windows MAX_PATH (260) less the terminating NUL: what every protected path must fit
PATH_MAX = 259
#: one folder or file name (NTFS)
COMPONENT_MAX = 255
#: a share, service, NIC or database name (the longest of them, a service's, is 256)
NAME_MAX = 256
#: any one value given to ``config set`` or a form field
VALUE_MAX = 32_768
_BAD_PATH_CHARS = set('<>"|?*:')
_DEVICE_NAMES = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?", re.IGNORECASE)


def plain_text(text: str, field: str, max_len: int, *, lines: bool = False) -> str:
    """``text`` trimmed, at most ``max_len`` characters and free of control characters
    (``lines`` allows newlines and tabs: a plan phase is several lines)."""
    value = str(text) if lines else str(text).strip()
    if len(value) > max_len:
        raise InvalidInput(field, f"{quoted(value)} is too long: at most {max_len} characters")
    check = value.replace("\n", "").replace("\t", "") if lines else value
    if has_controls(check):
        raise InvalidInput(field, f"{quoted(value)} contains a control character; "
                                  "type printable characters only")
    return value


def parse_name_list(text: str, field: str = "names") -> list[str]:
    """Comma-separated names (shares, services); blanks dropped, duplicates ignored."""
    out: list[str] = []
    for part in str(text).split(","):
        name = part.strip()
        if not name:
            continue
        plain_text(name, field, NAME_MAX)
        if name.lower() not in {n.lower() for n in out}:
            out.append(name)
    return out


def parse_windows_path(text: str, field: str = "path") -> str:
    """An absolute Windows path on a drive (``E:\\Shares\\Data``); ``/`` becomes ``\\``.

    Refused here rather than at Enable: ``.`` and ``..`` (the engine protects the path
    as written, Windows would resolve it elsewhere), names ending in a dot or space
    (Windows drops those), device names like ``NUL``, and paths over MAX_PATH.
    """
    raw = str(text).strip().replace("/", "\\")
    m = re.fullmatch(r"([A-Za-z]):(\\.*)?", raw)
    if not m:
        raise InvalidInput(field, f"{quoted(text)} is not an absolute Windows path like "
                                  "E:\\Shares\\Data")
    rest = m.group(2) or "\\"
    if has_controls(rest) or any(c in _BAD_PATH_CHARS for c in rest):
        raise InvalidInput(field, f"{quoted(text)} contains a character Windows does not allow "
                                  'in paths (control characters or < > " | ? * :)')
    parts = [p for p in rest.split("\\") if p]
    for part in parts:
        if part in {".", ".."}:
            raise InvalidInput(field, f"{quoted(text)}: write the path without '.' or '..' "
                                      "(the folder itself, like E:\\Shares\\Data)")
        if part[-1] in ". ":
            raise InvalidInput(field, f"{quoted(text)}: the name {quoted(part)} ends in a dot "
                                      "or a space, which Windows drops")
        if _DEVICE_NAMES.fullmatch(part):
            raise InvalidInput(field, f"{quoted(text)}: {quoted(part)} is a Windows device "
                                      "name, not a folder or file name")
        if len(part) > COMPONENT_MAX:
            raise InvalidInput(field, f"{quoted(text)}: a folder or file name is at most "
                                      f"{COMPONENT_MAX} characters")
    path = f"{m.group(1).upper()}:\\" + "\\".join(parts)
    if len(path) > PATH_MAX:
        raise InvalidInput(field, f"{quoted(text)} is too long: a Windows path is at most "
                                  f"{PATH_MAX} characters")
    return path
