"""PowerShell's CLIXML error stream: read it (console) and write it (lab).

``powershell.exe`` with redirected output writes errors to stderr as
``#< CLIXML`` followed by ``<Objs>`` holding one ``<S S="Error">`` string per
console line of the error record, with control characters escaped as
``_xHHHH_``. The lines follow PowerShell's error view::

    Get-Service : Cannot find any service with service name 'Nope'.
    At line:5 char:6
    + $s = Get-Service -Name $p.name
    +      ~~~~~~~~~~~~~~~~~~~~~~~~~
        + CategoryInfo          : ObjectNotFound: (Nope:String) [Get-Service], ServiceCommandException
        + FullyQualifiedErrorId : NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand

:func:`parse_clixml` turns that into a :class:`PsError` and never raises,
whatever bytes it is given.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

CLIXML_MARK = "#< CLIXML"
_ERROR_S = re.compile(r"""<S\s+S\s*=\s*["']Error["']\s*>(.*?)</S\s*>""", re.DOTALL)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_POSITION = re.compile(r"^(At line:\d+|At .+:\d+ char:\d+|\+ )")
_CATEGORY = re.compile(r"^\+\s*CategoryInfo\s*:\s*(\w+)\s*:.*?\[[^\]]*\],\s*([\w.]+)")
_ERROR_ID = re.compile(r"^\+\s*FullyQualifiedErrorId\s*:\s*(.*)$")
_CMDLET_PREFIX = re.compile(r"^[A-Z][A-Za-z]+-[A-Za-z]+ : ")
_METHOD_CALL = re.compile(r'^Exception calling "\w+" with "\d+" argument\(s\): "(.*)"$', re.DOTALL)
MAX_MESSAGE = 500


@dataclass(frozen=True)
class PsError:
    """One PowerShell error record as a person would want to read it."""

    message: str
    category: str = ""  # ErrorCategory: ObjectNotFound, PermissionDenied, OperationStopped …
    exception: str = ""  # short .NET type name: ItemNotFoundException …
    error_id: str = ""  # FullyQualifiedErrorId
    text: str = ""  # every error line, unescaped


def _unescape(s: str) -> str:
    s = html.unescape(s)
    s = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), s)
    # _xHHHH_ escapes may encode UTF-16 surrogate pairs; join them, drop strays
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def error_lines(data: bytes | str) -> list[str] | None:
    """The error lines held in CLIXML ``data``; None when it is not CLIXML."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    if CLIXML_MARK not in text:
        return None
    joined = "".join(_unescape(m.group(1)) for m in _ERROR_S.finditer(text))
    return [ln.rstrip() for ln in joined.splitlines()]


def parse_clixml(data: bytes | str) -> PsError | None:
    """The first error of a CLIXML stderr, or None when it holds no error."""
    try:
        lines = error_lines(data)
    except Exception:  # never let a malformed stream hide the real failure
        return None
    if not lines or not any(ln.strip() for ln in lines):
        return None
    return error_from_lines(lines)


def error_from_lines(lines: list[str]) -> PsError:
    """Interpret PowerShell's error view (message, position, category, id)."""
    message_lines: list[str] = []
    category = exception = error_id = ""
    in_message = True
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if m := _CATEGORY.match(line):
            category, exception = m.group(1), m.group(2).rsplit(".", 1)[-1]
            in_message = False
        elif m := _ERROR_ID.match(line):
            error_id = m.group(1).strip()
            in_message = False
        elif _POSITION.match(line):
            in_message = False
        elif in_message:
            message_lines.append(line)
    message = " ".join(message_lines)
    message = _CMDLET_PREFIX.sub("", message, count=1)
    if m := _METHOD_CALL.match(message):
        message = m.group(1)
    message = " ".join(message.split())
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    text = "\n".join(ln for ln in lines if ln.strip())
    return PsError(message or "PowerShell reported an error without a message",
                   category, exception, error_id, text)


def readable_stderr(data: bytes) -> str:
    """Whatever stderr holds, as one line: the CLIXML error or the plain text."""
    err = parse_clixml(data)
    if err is not None:
        return err.message
    text = data.decode("utf-8", "replace")
    if CLIXML_MARK in text:  # only progress or other records: nothing to tell
        return ""
    text = " ".join(text.split())
    return text[: MAX_MESSAGE - 1] + "…" if len(text) > MAX_MESSAGE else text


# --- writing (the lab answers errors the way powershell.exe does) ---------------
def _escape(s: str) -> str:
    out = []
    for i, ch in enumerate(s):
        if ch == "_" and s[i + 1:i + 2] in ("x", "X"):  # as PowerShell does: only "_x" is ambiguous
            out.append("_x005F_")
        elif ord(ch) < 0x20 or 0xD800 <= ord(ch) <= 0xDFFF or ch in "\ufffe\uffff":
            out.append(f"_x{ord(ch):04X}_")
        else:
            out.append(ch)
    return html.escape("".join(out), quote=False)


def format_error(message: str, category: str = "OperationStopped",
                 exception: str = "RuntimeException", error_id: str = "",
                 statement: str = "throw", line: int = 1, target: str = "",
                 activity: str = "") -> bytes:
    """A CLIXML stderr carrying one error record, as powershell.exe writes it."""
    lines = [message, f"At line:{line} char:1", f"+ {statement}", "+ " + "~" * len(statement),
             f"    + CategoryInfo          : {category}: ({target}:String) [{activity}], {exception}",
             f"    + FullyQualifiedErrorId : {error_id or message}", " "]
    body = "".join(f'<S S="Error">{_escape(ln)}_x000D__x000A_</S>' for ln in lines)
    return (f"{CLIXML_MARK}\r\n"
            f'<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">'
            f"{body}</Objs>").encode()
