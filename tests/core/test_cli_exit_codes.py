"""Headless exit codes (README: 0 ok, 1 failed or validation errors, 2 usage,
3 unreachable or authentication failed) and answers that say what happened."""

from __future__ import annotations

import json

import pytest

from core.console import Console
from core.errors import Unreachable
from core.model.pair import Pair
from tests.core.doubles import FakeWorld
from tui.cli import main as cli


@pytest.fixture
def console(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> Console:
    console = Console(world.ctx)
    monkeypatch.setattr("tui.cli.session.open_console", lambda _args: console)
    monkeypatch.setattr("tui.cli.session.open_context", lambda _args: world.ctx)
    monkeypatch.setattr("core.paths.app_paths", lambda: world.ctx.paths)
    return console


def test_protect_with_validation_errors_exits_1(console: Console,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["protect", "FS01", "FS03", "--app", "fileprint"]) == 1
    err = capsys.readouterr().err
    assert "check(s) failed" in err and "FS03" in err
    assert console.monitoring.status(Pair("fileprint", "FS01", "FS03")).state.value != "Protected"


def _target_down(world: FakeWorld) -> None:
    world.hosts["FS02"].error = Unreachable("FS02 (10.0.127.12) refused the connection")
    world.engines["FS02"].error = Unreachable("no engine answers on FS02")


def test_validate_against_a_failed_target_exits_3_as_protect_does(
        console: Console, world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    # a saved configuration: validation runs its checks instead of stopping at the load
    assert cli.main(["config", "set", "FS01", "FS02", "monitoring.missed=3"]) == 0
    _target_down(world)
    capsys.readouterr()
    assert cli.main(["validate", "FS01", "FS02", "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and any("refused the connection" in r["reason"]
                                      for r in doc["results"])
    assert cli.main(["protect", "FS01", "FS02"]) == 3


def test_validate_with_findings_only_exits_1(console: Console,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "FS01", "FS03", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_status_of_servers_that_do_not_exist_is_an_error(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "NOSUCH", "NOPE", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("appmgr: source: NOSUCH is in no pair appmgr knows")
    assert cli.main(["status", "FS01", "NOPE"]) == 2
    assert "target: NOPE" in capsys.readouterr().err


def test_status_of_a_pair_never_set_up_is_no_such_pair(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["status", "FS01", "FS02", "--json"]) == 2
    out = capsys.readouterr()
    assert out.out == "" and "no such pair: FS01 → FS02" in out.err


def test_status_of_a_new_pair_does_not_claim_the_servers_answer(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "set", "FS01", "FS02", "monitoring.missed=3"]) == 0
    capsys.readouterr()
    assert cli.main(["status", "FS01", "FS02", "--json"]) == 1  # 0 only when Protected
    doc = json.loads(capsys.readouterr().out)
    assert doc["state"] == "Unprotected"
    assert (doc["source_reachable"], doc["target_reachable"]) == (None, None)  # not asked
