"""Issue 14's discovery acceptance against Samba AD: SQL as AD practice holds it, Exchange
versions, through ``appmgr discover --json``.

``servers/seed.py`` puts MSSQLSvc SPNs on computers, on the user ``svc-sql`` and on the
gMSA ``gmsa-sql$``; a host with three named instances; a disabled computer; a host
without dNSHostName. ``servers/exch_schema.py`` adds Exchange 2003 … 2016 servers and an
Edge server. The domain credential is handed to the console's real wiring the way
``test_peer_discovery.py`` hands it to the adapter (the administrator's, from the peer
lab); the CA comes from ``APPMGR_LDAP_CA`` and the DC from the DNS locator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.console import Console
from core.paths import app_paths
from core.settings import load_settings
from core.wiring import real_context
from tests.peers.conftest import DOMAIN, Peers
from tests.peers.servers import exch_schema, seed
from tui.cli import discover_cmd
from tui.cli.main import build_parser


@pytest.fixture
def console(peers: Peers, home: Path, monkeypatch: pytest.MonkeyPatch) -> Console:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "core.credentials.memory.MemoryKeyring")
    monkeypatch.setenv("APPMGR_LDAP_CA", peers.ca)
    paths = app_paths().ensure()
    ctx = real_context(paths, load_settings(paths.config / "settings.json"), DOMAIN,
                       timeout=30)
    ctx.secrets.put("domain", DOMAIN, peers.admin)
    return Console(ctx)


def _discover(console: Console, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    args = build_parser().parse_args(["discover", *argv, "--json"])
    assert discover_cmd.run(console, args) == 0
    return json.loads(capsys.readouterr().out)


def test_discover_sql_lists_exactly_the_sql_hosts(console: Console, peers: Peers,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["name"]: r for r in _discover(console, capsys, "--app", "sql")}
    assert set(rows) == seed.expected_sql(peers.count)
    # never a service account as a server; the hosts whose SPNs they hold are there
    assert not {"SVC-SQL", "GMSA-SQL"} & set(rows)
    assert {"SQLSVC1", "SQLGMSA1", "SQLNODNS", "SQLMULTI"} <= set(rows)
    assert "SQLOFF1" not in rows  # disabled: hidden unless asked for
    for name, instances in seed.SQL_INSTANCES.items():
        if name in rows:
            assert rows[name]["instances"] == instances, name
    for name, accounts in seed.SQL_ACCOUNTS.items():
        if name in rows:
            assert rows[name]["accounts"] == accounts, name
    assert rows["SQLMULTI"]["ports"] == [49801, 49802, 49803]
    # joined to the computer objects: their OS, and the SPN's FQDN where dNSHostName is missing
    assert rows["SQLGMSA1"]["os"] == rows["SQLSVC1"]["os"] == seed.SERVER_OS[0]
    assert rows["SQLNODNS"]["fqdn"] == "sqlnodns.lab.example.com"
    assert not any(r["disabled"] for r in rows.values())


def test_discover_sql_with_disabled_marks_them(console: Console, peers: Peers,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["name"]: r for r in _discover(console, capsys, "--app", "sql",
                                            "--include-disabled")}
    assert set(rows) == seed.expected_sql(peers.count, include_disabled=True)
    assert {n for n, r in rows.items() if r["disabled"]} == seed.disabled() == {"SQLOFF1"}
    assert rows["SQLOFF1"]["instances"] == ["MSSQLSERVER"]


def test_discover_exchange_gives_versions_and_support(console: Console,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["name"]: r for r in _discover(console, capsys, "--app", "exchange")}
    assert {n: (r["version"], r["supported"], r["role"]) for n, r in rows.items()} == \
        exch_schema.EXPECTED
    assert rows["EX07"]["os"].startswith("Windows Server 2008")  # joined to its computer
    edge = rows["EDGE01"]
    assert (edge["os"], edge["ip"]) == ("", "") and "Edge Transport" in edge["note"]
    assert "not supported" in rows["EX13"]["note"]
