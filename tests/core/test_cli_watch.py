"""``appmgr watch`` from the command line: usage, one round, and what ``status`` says."""

from __future__ import annotations

import pytest

from core.console import Console
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


def test_an_interval_out_of_range_is_a_usage_error(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["watch", "--interval", "0"]) == 2
    assert "--interval is 0.1 to 3600 seconds" in capsys.readouterr().err


def test_once_with_nothing_protected_says_so(
        console: Console, world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["watch", "--once"]) == 0
    assert "no protected pairs to watch" in capsys.readouterr().out
    assert not (world.ctx.paths.state / "watch.json").exists()  # one round leaves no heartbeat


def test_once_watches_a_protected_pair_and_status_says_who_fails_over(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["protect", "FS01", "FS02", "--app", "fileprint",
                     "--set", "monitoring.manual_intervention=false"]) == 0
    capsys.readouterr()
    assert cli.main(["watch", "--once"]) == 0
    assert "FS01 -> FS02: watching" in capsys.readouterr().out
    cli.main(["status", "FS01", "FS02"])
    out = capsys.readouterr().out
    assert "automatic failover: appmgr watch: not running — failover will wait for you" in out


def test_an_automatic_failover_is_in_the_verbose_log(
        console: Console, world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    from core.logs import read_verbose_log

    assert cli.main(["protect", "FS01", "FS02", "--app", "fileprint",
                     "--set", "monitoring.manual_intervention=false"]) == 0
    world.engines["FS02"].trip_monitor("fileprint_FS01_FS02")  # FS02 declares FS01 failed
    cli.main(["watch", "--once"])  # the plan's outcome is the failover tests' business
    log = "\n".join(read_verbose_log(world.ctx.paths.logs, 200))
    assert "automatic failover" in log and "by=" in log


def test_a_console_opened_meanwhile_refuses_the_plan_naming_the_watcher(
        console: Console, world: FakeWorld, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import socket

    from core.protection.plan_lock import plan_lock

    assert cli.main(["protect", "FS01", "FS02", "--app", "fileprint",
                     "--set", "monitoring.manual_intervention=false"]) == 0
    world.engines["FS02"].trip_monitor("fileprint_FS01_FS02")
    who = (f"appmgr watch on {socket.gethostname()} is running the failover plan "
           f"(pid {os.getpid()})")
    with plan_lock(world.ctx.paths, Pair("fileprint", "FS01", "FS02"), "failover", "appmgr watch", 0.0):
        assert console.protection.allowed_actions(Pair("fileprint", "FS01", "FS02"))["failover"][1] == who
        capsys.readouterr()
        assert cli.main(["failover", "FS01", "FS02"]) != 0
        assert f"{who}; wait for it to finish." in capsys.readouterr().err
    # released: the reason is the pair's own again (its saved state, no remote call)
    assert "is running" not in str(console.protection.allowed_actions(Pair("fileprint", "FS01", "FS02"))["failover"][1])
