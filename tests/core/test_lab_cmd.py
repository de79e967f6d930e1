"""``appmgr lab up``: mistakes are caught before the lab detaches (nothing is started)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import Unreachable
from tui.cli import lab_cmd
from tui.cli import main as cli


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize("detach", [[], ["--detach"]])
def test_a_bad_net_is_one_line_and_exit_2_in_both_modes(
        home: Path, detach: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["lab", "up", *detach, "--net", "256.0.0"]) == 2
    err = capsys.readouterr().err
    assert err == "appmgr lab: net: '256.0.0' is not the first three octets of an IPv4 address\n"
    assert not (home / "lab" / "runtime.json").exists()


def test_a_detached_start_that_fails_reports_its_own_lines_only(home: Path) -> None:
    root = home / "lab"
    root.mkdir()
    (root / "supervisor.log").write_text("appmgr lab: an old failure of yesterday\n")
    with pytest.raises(Unreachable) as info:
        lab_cmd.start_detached(root, ["--root", str(root), "--estate", str(home / "none.toml")])
    text = str(info.value)
    assert "none.toml" in text and "yesterday" not in text
    assert text.count("appmgr lab:") == 1
