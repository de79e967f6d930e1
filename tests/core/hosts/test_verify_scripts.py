"""Static checks of Verify Target Data's scripts (sql_verify, exchange_verify) against what
the console sends (core.protection.verify) and what the lab answers: every parameter
sent is read by the script, the script reads nothing else but the optional ``server``,
and the lab answers exactly the keys the script prints."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from core.hosts.ops import PREAMBLE, render_script, script_body
from core.lab import db_pages
from core.lab.estate import load_estate
from core.lab.host_ops import LabHost
from core.lab.host_state import HostState
from core.protection.verify import Item, _check

FILES = ["E:\\SQLData\\MSSQLSERVER\\Sales.mdf", "E:\\SQLLogs\\MSSQLSERVER\\Sales_log.ldf"]
LOGS = "E:\\Exchsrvr\\Logs\\First Storage Group"
ITEMS = {"sql_verify": Item("database", "MSSQLSERVER", "Sales", tuple(FILES)),
         "exchange_verify": Item("store", "", "First Storage Group\\Mailbox Database",
                                 ("E:\\Exchsrvr\\mdbdata\\priv1.edb",),
                                 {"logs": LOGS, "prefix": "E00"})}
OPTIONAL = {"server"}


def _sent(op: str, tree: str) -> dict[str, Any]:
    calls: list[tuple[str, dict[str, Any]]] = []
    host = SimpleNamespace(run_op=lambda o, p: calls.append((o, p)) or {"usable": True})
    _check(SimpleNamespace(host=lambda name: host), "SQL02", ITEMS[op], tree)  # type: ignore[arg-type]
    [(sent_op, params)] = calls
    assert sent_op == op
    return params


def _read(op: str) -> set[str]:
    return set(re.findall(r"\$p\.([A-Za-z_]\w*)", script_body(op)))


def _printed(op: str) -> set[str]:
    tables = re.findall(r"@\{([^}]*)\}", script_body(op))
    return {k for t in tables for k in re.findall(r"(\w+)\s*=", t)}


@pytest.mark.parametrize("op", sorted(ITEMS))
def test_the_script_reads_what_the_console_sends(op: str) -> None:
    params = _sent(op, "C:\\ProgramData\\appmgr\\engine\\snapshots\\s\\x\\tree")
    assert set(params) <= _read(op), f"{op}.ps1 ignores {set(params) - _read(op)}"
    assert _read(op) - set(params) <= OPTIONAL
    assert params["files"] == list(ITEMS[op].files)


@pytest.mark.parametrize("op", sorted(ITEMS))
def test_the_lab_answers_what_the_script_prints(op: str, tmp_path: Path) -> None:
    estate = load_estate(net="127.0.111")
    s = estate.server("SQL02")
    host = LabHost(estate, s, tmp_path, s.ip, HostState.load(estate, s, tmp_path))
    tree = tmp_path / "servers" / "SQL02" / "engine" / "snapshots" / "set" / "id" / "tree"
    for f in ITEMS[op].files:
        local = tree.joinpath(f[0], *f[3:].split("\\"))
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_bytes(db_pages.make_file(f))
    chk = tree.joinpath("E", *LOGS[3:].split("\\"), "E00.chk")
    chk.parent.mkdir(parents=True, exist_ok=True)
    chk.write_bytes(b"checkpoint")
    got = host.run(op, _sent(op, str(tree)))
    assert set(got) == _printed(op)
    assert got["usable"] is True and got["errors"] == [] and got["pages"] > 0


def test_the_sql_script_attaches_a_copy_under_another_name_and_runs_checkdb() -> None:
    body = script_body("sql_verify")
    assert '$n = "$($p.database)_appmgr_verify"' in body
    assert "Copy-Item -LiteralPath $src" in body  # the snapshot's files are only read
    assert "FOR ATTACH" in body and "DBCC CHECKDB ($b) WITH NO_INFOMSGS" in body
    assert "sp_detach_db" in body and "Remove-Item -LiteralPath $w" in body
    assert "-replace ']', ']]'" in body  # the copy's name bracket-escaped
    script = render_script("sql_verify", _sent("sql_verify", "C:\\x\\tree"))
    assert PREAMBLE in script
    assert not re.search(r"\?\.|\?\?|^class\s|::new\(", body, re.MULTILINE)  # PowerShell 3


def test_the_exchange_script_replays_the_logs_into_a_copy_and_wants_clean_shutdown() -> None:
    body = script_body("exchange_verify")
    assert "E $x /r $p.prefix /l $l /s $l /d $w /i" in body  # soft recovery of the copy
    assert "State:\\s*Clean Shutdown" in body and "E $x /k $edb" in body
    assert "Copy-Item -LiteralPath $s -Destination $w" in body  # the snapshot is only read


def test_a_store_without_its_logs_in_the_snapshot_is_not_usable(tmp_path: Path) -> None:
    estate = load_estate(net="127.0.111")
    s = estate.server("EXCH02")
    host = LabHost(estate, s, tmp_path, s.ip, HostState.load(estate, s, tmp_path))
    tree = tmp_path / "servers" / "EXCH02" / "engine" / "snapshots" / "set" / "id" / "tree"
    edb = tree / "E" / "Exchsrvr" / "mdbdata" / "priv1.edb"
    edb.parent.mkdir(parents=True)
    edb.write_bytes(db_pages.make_file("priv1"))
    got = host.run("exchange_verify", _sent("exchange_verify", str(tree)))
    assert got["usable"] is False and got["errors"] == [
        "the logs of First Storage Group\\Mailbox Database (E00.chk) are not in the snapshot"]
