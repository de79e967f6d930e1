"""``appmgr domain login|show|logout`` over a console whose DC accepts only 'right'."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from core.console import Console
from core.domains import DomainConnection
from core.errors import AuthFailed
from core.ports import Credential
from tests.core.doubles import FakeDirectory, make_world
from tui.cli import main as cli


@pytest.fixture
def console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Console:
    world = make_world(tmp_path)
    world.ctx.lab = False

    def directory_as(conn: DomainConnection, cred: Credential) -> FakeDirectory:
        if cred.password != "right":
            raise AuthFailed(f"directory server {conn.host} rejected the login: the "
                             "password or the user name is not correct (AD code 52e)")
        return FakeDirectory([])

    world.ctx.directory_as = directory_as
    console = Console(world.ctx)
    monkeypatch.setattr("tui.cli.session.open_console", lambda _args: console)
    return console


def login(monkeypatch: pytest.MonkeyPatch, password: str, *extra: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
    return cli.main(["domain", "login", "corp.example.com", "--user", "CORP\\admin",
                     "--password-stdin", *extra])


def test_login_show_logout(console: Console, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert login(monkeypatch, "wrong", "--dc", "dc7.corp.example.com") == 3
    assert "rejected the login: the password or the user name is not correct (AD code 52e)" in \
        capsys.readouterr().err
    assert console.ctx.secrets.get("domain", "corp.example.com") is None
    assert login(monkeypatch, "right", "--dc", "dc7.corp.example.com:636", "--ldaps") == 0
    out = capsys.readouterr().out
    assert out.startswith("logged in to corp.example.com as CORP\\admin "
                          "(dc7.corp.example.com:636, LDAPS, system trust store)")
    assert "right" not in out
    assert cli.main(["domain", "show"]) == 0
    text = capsys.readouterr().out
    assert "corp.example.com (current)\n" in text
    assert "  DC:       dc7.corp.example.com:636\n" in text and "  password: cached" in text
    assert cli.main(["domain", "show", "--json"]) == 0
    [row] = [r for r in json.loads(capsys.readouterr().out) if r["domain"] == "corp.example.com"]
    assert row["tls"] == "ldaps" and row["password_cached"] is True
    assert cli.main(["domain", "logout"]) == 0
    assert "logged out of corp.example.com" in capsys.readouterr().out
    assert console.ctx.secrets.get("domain", "corp.example.com") is None


def test_no_password_on_stdin_and_a_bad_ca_are_messages(
        console: Console, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert login(monkeypatch, "") == 2
    assert "no password on standard input" in capsys.readouterr().err
    assert login(monkeypatch, "right", "--ca", str(tmp_path / "none.pem")) == 2
    assert "appmgr: ca: " in capsys.readouterr().err
