"""What a failed host operation means, as a typed error with a readable sentence.

PowerShell tells us little more than its error view; the category and the
exception type in ``CategoryInfo`` are what distinguish "it is not there"
from "you may not" from "this host cannot run what we sent".
"""

from __future__ import annotations

import json
from typing import Any

from core.errors import AppmgrError, NotFound, ProtocolError, Refused
from core.hosts.clixml import PsError, parse_clixml, readable_stderr
from core.hosts.ops import OPS

#: The script itself is wrong for this host (old PowerShell, unknown operation, bad params).
_BROKEN_CATEGORIES = {"ParserError", "SyntaxError", "NotImplemented", "NotInstalled",
                      "InvalidArgument", "InvalidData", "InvalidType", "MetadataError"}
_BROKEN_EXCEPTIONS = {"CommandNotFoundException", "ParseException", "NotSupportedException",
                      "NotImplementedException", "ParameterBindingException",
                      "ParameterBindingValidationException", "ArgumentException"}
_DENIED_CATEGORIES = {"PermissionDenied", "SecurityError"}
_DENIED_EXCEPTIONS = {"UnauthorizedAccessException", "SecurityException"}


def error_kind(err: PsError) -> type[AppmgrError]:
    """NotFound, Refused or ProtocolError for one PowerShell error record."""
    if err.exception in _BROKEN_EXCEPTIONS or err.category in _BROKEN_CATEGORIES:
        return ProtocolError
    if err.category in _DENIED_CATEGORIES or err.exception in _DENIED_EXCEPTIONS:
        return Refused
    if err.category == "ObjectNotFound" or err.exception.endswith("NotFoundException"):
        return NotFound
    low = err.message.lower()
    if not err.category and ("cannot find" in low or "does not exist" in low):
        return NotFound
    return Refused


def _what(op: str) -> str:
    return OPS.get(op, f"run the operation {op!r}")


#: what PowerShell 2.0 says of the JSON cmdlets every operation uses (ops.py's preamble)
_JSON_CMDLETS = ("convertfrom-json", "convertto-json")
OLD_POWERSHELL = ("has PowerShell older than 3.0: appmgr's host operations need PowerShell "
                  "3.0 or later (Windows Management Framework 3.0, which Windows Server 2003 "
                  "cannot install)")


def script_failure(label: str, op: str, exit_code: int, stderr: bytes) -> AppmgrError:
    """The error for a script that ended with a non-zero exit code."""
    err = parse_clixml(stderr)
    if err is not None:
        low = err.message.lower()
        if err.exception == "CommandNotFoundException" and any(c in low for c in _JSON_CMDLETS):
            return ProtocolError(f"{label} {OLD_POWERSHELL}")
        return error_kind(err)(f"{label} could not {_what(op)}: {err.message}")
    text = readable_stderr(stderr)
    detail = text or f"PowerShell exited with code {exit_code} and no message"
    return Refused(f"{label} could not {_what(op)}: {detail}")


def parse_output(label: str, op: str, stdout: bytes) -> Any:
    """The one JSON document a script prints; ProtocolError for anything else."""
    text = stdout.decode("utf-8", "replace").strip().lstrip("\ufeff")
    if not text:
        raise ProtocolError(f"{label} answered nothing when asked to {_what(op)}")
    try:
        return json.loads(text)
    except ValueError:
        shown = " ".join(text.split())[:120]
        raise ProtocolError(f"{label} did not answer JSON when asked to {_what(op)}: "
                            f"{shown!r}") from None
