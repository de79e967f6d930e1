"""Issue 11: no stored value or message writes a control character to the terminal.

core.visible is the one sanitiser; the CLI guards stdout and stderr with it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.console import Console
from core.model.config import ProtectionConfig
from core.model.pair import Pair
from core.visible import has_controls, quoted, visible
from tests.core.doubles import FakeWorld
from tui.cli import main as cli

ESC_C = "\x1bc"  # RIS: resets the terminal


@pytest.fixture
def console(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> Console:
    console = Console(world.ctx)
    monkeypatch.setattr("tui.cli.session.open_console", lambda _args: console)
    return console


@pytest.mark.parametrize(("raw", "shown"), [
    ("LAB\\adm" + ESC_C + "in", "LAB\\adm\\x1bcin"), ("a\rb", "a\\x0db"), ("x\x7f", "x\\x7f"),
    ("csi\x9b2J", "csi\\x9b2J"), ("abc\u202edef", "abc\\u202edef"), ("iso\u2066x", "iso\\u2066x"),
    ("two\nlines\tand tab", "two\nlines\tand tab"), ("Müller ５ 名前", "Müller ５ 名前")])
def test_visible_escapes_controls_and_keeps_text(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_one_line_escapes_newlines_and_tabs_too() -> None:
    assert visible("a\nb\tc", one_line=True) == "a\\nb\\tc"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_visible_output_never_holds_a_control_character(text: str) -> None:
    out = visible(text, one_line=True)
    assert not has_controls(out)
    assert visible(out, one_line=True) == out  # idempotent: guarding twice changes nothing


def test_quoted_cuts_a_long_value_and_says_how_long() -> None:
    assert quoted("9" * 5000) == "'" + "9" * 40 + "…' (5000 characters)"
    assert quoted("\x1b") == "'\\x1b'"


def test_config_show_prints_a_stored_escape_visibly(console: Console,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    # a configuration written before input was checked (or by hand) still holds the escape
    cfg = ProtectionConfig(app="fileprint", source="FS01", target="FS02")
    cfg.failover.dns.user = "LAB\\adm" + ESC_C + "in"
    console.store.save_config(cfg)
    assert cli.main(["config", "show", "FS01", "FS02"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "failover.dns.user=LAB\\adm\\x1bcin" in out


def test_config_set_refuses_an_escape_and_its_message_is_harmless(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "set", "FS01", "FS02", "failover.dns.user=LAB\\" + ESC_C]) == 2
    err = capsys.readouterr().err
    assert err.startswith("appmgr: failover.dns.user: ") and "\x1b" not in err
    assert console.store.load_config(Pair("fileprint", "FS01", "FS02")) is None


def test_an_unknown_key_with_an_escape_is_printed_escaped(
        console: Console, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["config", "set", "FS01", "FS02", "mon" + ESC_C + "=1"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "mon\\x1bc" in err
