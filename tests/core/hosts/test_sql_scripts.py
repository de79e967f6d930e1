"""Static checks of the SQL database-only scripts against what the console sends and
what the lab answers: every parameter the failover/failback steps send is one the
script reads (and it reads nothing else but the optional ``server``), the keys it
prints are the keys the lab's answer has, and the script keeps to PowerShell 3."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.hosts.ops import PREAMBLE, render_script, script_body
from core.lab.estate import load_estate, windows_to_local
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.protection.script import Step
from core.protection.step_table import STEPS

#: read by the scripts, not sent by the steps: the health check's Fix detach names a
#: cluster's virtual server; absent, the scripts use the local machine
OPTIONAL = {"server"}
FILES = ["E:\\SQLData\\MSSQLSERVER\\Sales.mdf", "E:\\SQLLogs\\MSSQLSERVER\\Sales_log.ldf"]


def _sent(step: Step) -> tuple[str, dict[str, Any]]:
    """What the step asks the host for (op, params), through a recording host."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def run_op(op: str, params: dict[str, Any]) -> dict[str, Any]:
        calls.append((op, params))
        return {}

    host = SimpleNamespace(run_op=run_op)
    env = SimpleNamespace(host=lambda side: host, name=lambda side: side.upper(),
                          cfg=SimpleNamespace(source="SQL01", target="SQL02"))
    STEPS[step.verb](env, step)  # type: ignore[arg-type]
    [call] = calls
    return call


def _read(op: str) -> set[str]:
    return set(re.findall(r"\$p\.([A-Za-z_]\w*)", script_body(op)))


def _printed(op: str) -> set[str]:
    """The keys of the hashtable(s) the script prints as JSON."""
    tables = re.findall(r"@\{([^}]*)\}", script_body(op))
    return {k for t in tables for k in re.findall(r"(\w+)\s*=", t)}


STEPS_SENT = [
    Step("sql-attach", ("MSSQLSERVER", "Sales", *FILES)),
    Step("sql-attach", ("MSSQLSERVER", "Sales", *FILES), {"on": "source"}),
    Step("sql-detach", ("MSSQLSERVER", "Sales")),
]


@pytest.mark.parametrize("step", STEPS_SENT, ids=lambda s: s.text())
def test_the_script_reads_what_the_step_sends(step: Step) -> None:
    op, params = _sent(step)
    assert set(params) <= _read(op), f"{op}.ps1 ignores {set(params) - _read(op)}"
    assert _read(op) - set(params) <= OPTIONAL
    assert params["instance"] == "MSSQLSERVER" and params["database"] == "Sales"
    if op == "sql_attach":
        assert params["files"] == FILES


@pytest.mark.parametrize("op", ["sql_attach", "sql_detach"])
def test_the_lab_answers_what_the_script_prints(op: str, tmp_path: Path) -> None:
    estate = load_estate(net="127.0.93")
    s = estate.server("SQL02")  # which has no Sales of its own
    host = LabHost(estate, s, tmp_path, s.ip, HostState.load(estate, s, tmp_path))
    for f in FILES:
        local = windows_to_local(tmp_path, "SQL02", f)
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(b"page")
    params = {"instance": "MSSQLSERVER", "database": "Sales"}
    if op == "sql_attach":
        params["files"] = FILES  # type: ignore[assignment]
    else:
        params["if_present"] = True  # type: ignore[assignment]
    assert set(host.run(op, params)) == _printed(op)


@pytest.mark.parametrize("op", ["sql_attach", "sql_detach"])
def test_powershell_3_and_quiet(op: str) -> None:
    script = render_script(op, {"instance": "MSSQLSERVER", "database": "x", "files": ["E:\\x"]})
    assert PREAMBLE in script and "$ProgressPreference='SilentlyContinue'" in script
    body = script_body(op)
    assert "ConvertTo-Json" in body and "-Compress" in body  # one JSON document out
    # nothing newer than PowerShell 3 / .NET 4 (no ?. or ?? of PowerShell 7, no classes)
    assert not re.search(r"\?\.|\?\?|^class\s|::new\(", body, re.MULTILINE)
    # parameterised T-SQL for the name; identifiers bracket-escaped
    assert "AddWithValue('@n'" in body and "-replace ']', ']]'" in body
