"""``appmgr discover``: what the rows say (instances, accounts, versions, disabled) and
what --nosqlsearch prints. The directory is a double; tests/peers prove the LDAP side."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.console import Console
from core.ports import DirectoryComputer
from tests.core.apps.app_estate import AppDirectory
from tests.core.doubles import FakeWorld
from tui.cli import discover_cmd
from tui.cli.main import build_parser

SQL = [
    DirectoryComputer("SQL01", "CN=SQL01", "sql01.lab.example.com", "Windows Server 2019", "10.0",
                      sql_instances=("MSSQLSERVER", "SALES"), sql_ports=(1433,),
                      sql_accounts=("svc-sql",)),
    DirectoryComputer("SQLOLD", "CN=SQLOLD", "sqlold.lab.example.com", "Windows Server 2008",
                      disabled=True, sql_instances=("MSSQLSERVER",), sql_accounts=("SQLOLD$",)),
]
EXCHANGE = [
    DirectoryComputer("EX07", "CN=EX07", "ex07.lab.example.com", "Windows Server 2008",
                      app_version="2007"),
    DirectoryComputer("EX10", "CN=EX10", "ex10.lab.example.com", app_version="2010"),
    DirectoryComputer("EDGE01", "CN=EDGE01,CN=Servers", "edge01.dmz.example.net",
                      app_version="2016", role="edge", note="Edge Transport server"),
]


class Directory(AppDirectory):
    def sql_servers(self) -> list[DirectoryComputer]:
        return list(SQL)

    def exchange_servers(self) -> list[DirectoryComputer]:
        return list(EXCHANGE)


@pytest.fixture
def console(world: FakeWorld) -> Console:
    world.ctx.directory = lambda: Directory(world.servers)
    world.ctx.resolve = lambda name: {"sql01.lab.example.com": "127.0.80.11"}.get(name, "")
    return Console(world.ctx)


def _run(console: Console, capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    args = build_parser().parse_args(["discover", *argv])
    assert discover_cmd.run(console, args) == 0
    return capsys.readouterr()


def test_sql_rows_name_instances_and_accounts_and_hide_disabled(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    rows = json.loads(_run(console, capsys, "--app", "sql", "--json").out)
    assert [r["name"] for r in rows] == ["SQL01"]
    keys = ("ip", "instances", "ports", "accounts", "disabled")
    assert {k: rows[0][k] for k in keys} == {
        "ip": "127.0.80.11", "instances": ["MSSQLSERVER", "SALES"], "ports": [1433],
        "accounts": ["svc-sql"], "disabled": False}
    every = json.loads(_run(console, capsys, "--app", "sql", "--json",
                            "--include-disabled").out)
    assert [(r["name"], r["disabled"]) for r in every] == [("SQL01", False), ("SQLOLD", True)]
    table = _run(console, capsys, "--app", "sql", "--include-disabled").out
    assert "INSTANCES" in table and "MSSQLSERVER, SALES" in table and "DISABLED" in table


def test_exchange_rows_give_version_and_support(console: Console,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    rows = {r["name"]: r for r in json.loads(_run(console, capsys, "--app", "exchange",
                                                  "--json").out)}
    assert {n: (r["version"], r["supported"]) for n, r in rows.items()} == {
        "EX07": ("2007", True), "EX10": ("2010", False), "EDGE01": ("2016", False)}
    assert "Exchange 2010 is not supported" in rows["EX10"]["note"]
    assert rows["EDGE01"]["role"] == "edge" and "Edge Transport" in rows["EDGE01"]["note"]
    table = _run(console, capsys, "--app", "exchange").out
    assert "(Edge Transport)" in table and " NO " in table


def test_nosqlsearch_says_the_sql_scan_was_skipped(world: FakeWorld,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    console = Console(world.ctx, nosqlsearch=True)
    out = _run(console, capsys, "--app", "sql", "--json")
    assert json.loads(out.out) == []
    assert "SQL Server scan was skipped (--nosqlsearch)" in out.err
    assert "without --nosqlsearch" in out.err
    plain = _run(Console(world.ctx), capsys, "--app", "fileprint", "--json")
    assert "skipped" not in plain.err


def test_addresses_are_what_dns_says_now(console: Console,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    # the console remembers SQL01 at .11 (resolve); DNS has moved it to .99 since
    console.ctx.lookup = lambda name: {"sql01.lab.example.com": "127.0.80.99"}[name]
    rows = json.loads(_run(console, capsys, "--app", "sql", "--json").out)
    assert rows[0]["ip"] == "127.0.80.99"
