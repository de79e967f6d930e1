"""``appmgr config show|set|plan`` and the launch flags reaching the console."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from core.console import Console
from core.model.pair import Pair
from core.store import PairRecord, PairStore
from tests.core.doubles import FakeWorld
from tui.cli import main as cli


@pytest.fixture
def console(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> Console:
    console = Console(world.ctx)
    monkeypatch.setattr("tui.cli.session.open_console", lambda _args: console)
    return console


def test_config_show_json_prints_the_defaults(console: Console,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "show", "SQL01", "SQL02", "--app", "sql", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["app"], doc["advanced"]["set_name"]) == ("sql", "sqldag01_SQL01_SQL02")
    assert doc["connection"]["sql_mode"] == "instance"
    assert cli.main(["config", "show", "SQL01", "SQL02", "--app", "sql"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# SQL01 -> SQL02 (sql): defaults (not saved yet)\n")
    assert "\nconnection.sql_mode=instance\n" in text


def test_config_set_saves_or_refuses_with_the_forms_message(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["config", "set", "EXCH01", "EXCH02", "--app", "exchange"]
    assert cli.main([*args, "monitoring.missed=3", "monitoring.interval=0"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("appmgr: monitoring.interval: 0 is out of range: must be between "
                           "1 and 3600 s")
    assert console.store.load_config(Pair("exchange", "EXCH01", "EXCH02")) is None
    assert cli.main([*args, "monitoring.missed=3", "advanced.items_spns=on"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "saved: EXCH01 -> EXCH02 (exchange)"
    assert "warning: advanced.items_spns: Exchange must not move" in out.err
    assert console.store.load_config(Pair("exchange", "EXCH01", "EXCH02")).monitoring.missed == 3


def test_config_set_advanced_options_need_the_flag(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["config", "set", "FS01", "FS02", "advanced.create_monitor=off"]
    assert cli.main(args) == 2
    assert "--advanced" in capsys.readouterr().err


def test_config_plan_prints_the_phases(console: Console,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "plan", "BES01", "BES02", "--app", "blackberry"]) == 0
    out = capsys.readouterr().out
    for phase in ("post-failover", "pre-failback", "post-restore", "post-failback"):
        assert f"# {phase} for blackberry BES01 -> BES02" in out
    assert 'start-service "BlackBerry Router"' in out
    assert cli.main(["config", "plan", "BES01", "BES02", "--app", "blackberry",
                     "--phase", "post-restore"]) == 0
    assert capsys.readouterr().out.startswith("# post-restore for blackberry")
    assert cli.main(["config", "plan", "BES01", "BES02", "--app", "blackberry",
                     "--phase", "later"]) == 2


def test_launch_flags_reach_the_console(world: FakeWorld, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path / "home"))
    seen: dict[str, Any] = {}

    def fake_context(paths: Any, settings: Any, domain: str, **kw: Any) -> Any:
        seen.update(kw)
        return world.ctx

    monkeypatch.setattr("core.wiring.real_context", fake_context)
    from tui.cli.session import open_console

    args = cli.build_parser().parse_args(["--advanced", "--nosqlsearch", "--altdns", "--sql",
                                          "config", "show", "SQL01", "SQL02"])
    assert args.sql and args.app is None  # resolved from the pair when the command runs
    console = open_console(args)
    assert (console.advanced, console.nosqlsearch, console.alt_dns) == (True, True, True)
    assert seen["alt_dns"] is True
    plain = open_console(cli.build_parser().parse_args(["config", "show", "A1", "B1"]))
    assert (plain.advanced, plain.nosqlsearch, plain.alt_dns) == (False, False, False)


def test_a_pair_set_up_for_one_application_needs_no_app(
        console: Console, world: FakeWorld, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("core.paths.app_paths", lambda: world.ctx.paths)
    assert cli.main(["config", "show", "SQL01", "SQL02"]) == 0  # nothing saved: fileprint
    assert "(fileprint): defaults" in capsys.readouterr().out
    assert cli.main(["config", "set", "SQL01", "SQL02", "--app", "sql",
                     "monitoring.interval=7"]) == 0
    capsys.readouterr()
    assert cli.main(["config", "show", "sql01", "sql02"]) == 0
    out = capsys.readouterr().out
    assert "(sql): saved configuration" in out and "\nmonitoring.interval=7\n" in out
    store = PairStore(world.ctx.paths)
    # `validate SQL01 SQL02` (fileprint by default) records the pair: not a set-up
    store.save_record(PairRecord("fileprint", "SQL01", "SQL02", state="Validated"))
    assert cli.main(["config", "show", "SQL01", "SQL02"]) == 0
    assert "(sql): saved configuration" in capsys.readouterr().out
    # no configuration saved here: records of protected pairs decide
    store.save_record(PairRecord("exchange", "EXCH01", "EXCH02", state="Protected"))
    assert cli.main(["config", "show", "EXCH01", "EXCH02"]) == 0
    assert "(exchange)" in capsys.readouterr().out
    store.save_record(PairRecord("sql", "EXCH01", "EXCH02", state="Mirroring"))
    assert cli.main(["config", "show", "EXCH01", "EXCH02"]) == 2  # two: which one?
    assert ("EXCH01 → EXCH02 is set up for exchange and sql: say which with --app"
            in capsys.readouterr().err)
