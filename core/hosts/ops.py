"""The PowerShell operations appmgr runs on a Windows server, and their wire form.

Every operation is a short script (``core/hosts/scripts/<op>.ps1``) rendered as::

    # appmgr-op: <op>
    $ProgressPreference='SilentlyContinue'
    $ErrorActionPreference='Stop'
    $p = ConvertFrom-Json '<params as JSON, single quotes doubled>'
    <script body, comments and indentation dropped>

and prints one JSON document on stdout. pywinrm sends the script as
``-EncodedCommand`` (UTF-16LE, base64) on a cmd.exe command line of at most
8,191 characters, so a rendered script must stay under :data:`MAX_SCRIPT_CHARS`.
The lab endpoint reads the same header and parameter literal back with
:func:`parse_script`, so both sides agree on the format by construction.
The scripts need PowerShell 3.0 or later (``ConvertTo-Json``); Windows Server
2008 / 2008 R2 get it with WMF 3.0.
"""

from __future__ import annotations

import base64
import json
import re
from functools import cache
from importlib import resources
from typing import Any

from core.errors import InvalidInput

#: Seconds cluster.exe waits for a resource to come online or go offline
#: (``cluster_resource``'s ``wait``; an Exchange resource may take minutes).
CLUSTER_WAIT = 120

#: Longest rendered script, in UTF-16 code units (what -EncodedCommand carries):
#: 3,000 units are 6,000 bytes, 8,000 base64 characters, which with the 54 of
#: ``powershell -NoProfile -NonInteractive -EncodedCommand `` stay under 8,191.
MAX_SCRIPT_CHARS = 3000

#: Operation name -> the words used in error sentences ("FS01 could not <title>").
OPS: dict[str, str] = {
    "inventory": "report its inventory",
    "service_set": "start or stop a service",
    "share_add": "add a share",
    "share_remove": "remove a share",
    "path_exists": "check paths",
    "engine_status": "report the engine status",
    "cluster_info": "report its cluster",
    "cluster_resource": "create or delete a cluster resource",
    "exchange_inventory": "report its Exchange configuration",
    "sql_inventory": "report its SQL Server instances",
    "sharepoint_inventory": "report its SharePoint configuration",
    "bes_inventory": "report its BlackBerry Enterprise Server",
    # the health check's fixes (and the firewall query of the SharePoint check)
    "firewall_port": "check or open a firewall port",
    "sql_detach": "detach a database",
    # SQL database-only failover / failback (and the health check's Fix detach above)
    "sql_attach": "attach a database",
    "admin_group_add": "add an account to the appmgr Admins group",
    "sql_protocols": "change the protocols of a SQL Server instance",
    "service_account": "change the account of a service",
    "dns_zone_add": "create a DNS zone",
    # application monitoring's Test (F-6.2): run as the WMI account
    "wmi_check": "answer a WMI query of its services",
    # application monitoring's built-in check, run by the target's engine (F-6.2)
    "app_services": "read the services of the source over WMI",
    "name_add": "answer to another computer name",
    "name_remove": "stop answering to another computer name",
    # like-named clusters (F-10): the source group's resources, the scripts resources run
    "cluster_export": "report a cluster group's resources",
    "file_write": "write a file",
    # identity failover (run by the target's engine, F-9.5)
    "ip_add": "take over an IP address",
    "ip_remove": "give back an IP address",
    # Verify Target Data (F-11): a snapshot's copy attached under another name and checked
    "sql_verify": "check a copy of a database",
    "exchange_verify": "check a copy of a storage group",
    # Windows snapshots of the target's data through VSS, run by the target's engine
    "snapshot_vss": "take, list or delete a VSS snapshot",
}

HEADER = "# appmgr-op: "
PREAMBLE = "$ProgressPreference='SilentlyContinue'\n$ErrorActionPreference='Stop'\n"
_PARAMS_RE = re.compile(r"^\$p\s*=\s*ConvertFrom-Json\s+'((?:[^']|'')*)'\s*$", re.MULTILINE)
_HEADER_RE = re.compile(r"\A\ufeff?#\s*appmgr-op:\s*([A-Za-z0-9_.-]+)[ \t]*\r?$", re.MULTILINE)


@cache
def script_body(op: str) -> str:
    """The script of ``op`` without comments, blank lines or indentation."""
    if op not in OPS:
        raise InvalidInput("op", f"there is no host operation named {op!r}")
    text = (resources.files("core.hosts") / "scripts" / f"{op}.ps1").read_text("utf-8")
    lines = (ln.strip() for ln in text.splitlines())
    return "\n".join(ln for ln in lines if ln and not ln.startswith("#")) + "\n"


def params_literal(params: dict[str, Any]) -> str:
    """``params`` as a PowerShell single-quoted JSON literal.

    ``ensure_ascii`` keeps typographic quotes (which PowerShell also treats as
    string delimiters) out of the literal; only ASCII ``'`` needs doubling.
    """
    text = json.dumps(params, ensure_ascii=True, separators=(",", ":"), sort_keys=True)
    return "'" + text.replace("'", "''") + "'"


def render_script(op: str, params: dict[str, Any] | None = None, body: str | None = None) -> str:
    """The full script for ``op`` with ``params``; InvalidInput when it would be too long.

    ``body`` replaces the packaged script (tests use it to send an operation the
    host does not know).
    """
    code = body if body is not None else script_body(op)
    script = f"{HEADER}{op}\n{PREAMBLE}$p = ConvertFrom-Json {params_literal(params or {})}\n{code}"
    size = utf16_units(script)
    if size > MAX_SCRIPT_CHARS:
        raise InvalidInput("params", f"the {op} script would be {size} characters long; "
                                     f"the limit is {MAX_SCRIPT_CHARS} (split the request)")
    return script


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def encode_command(script: str) -> str:
    """The base64 argument of ``powershell -EncodedCommand``."""
    return base64.b64encode(script.encode("utf-16-le")).decode("ascii")


def decode_command(b64: str) -> str:
    """Inverse of :func:`encode_command`; ValueError when it is not one."""
    try:
        raw = base64.b64decode(b64, validate=True)
        return raw.decode("utf-16-le")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a base64 UTF-16LE script: {exc}") from None


def parse_script(script: str) -> tuple[str | None, dict[str, Any] | None]:
    """Read ``(op, params)`` back from a rendered script.

    ``op`` is None without an ``# appmgr-op:`` first line; ``params`` is None
    when there is no parameter literal or it is not a JSON object.
    """
    head = _HEADER_RE.match(script)
    op = head.group(1) if head else None
    m = _PARAMS_RE.search(script)
    if not m:
        return op, None
    try:
        params = json.loads(m.group(1).replace("''", "'"))
    except ValueError:
        return op, None
    return op, params if isinstance(params, dict) else None
