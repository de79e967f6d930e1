"""``appmgr --lab --lab-net NET`` (what ``make run LAB_NET=…`` runs): the console starts
the lab on that net, and refuses a bad one in one line before starting anything."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from core.lab.runtime import read_runtime
from tui.cli.main import main

NET = "127.0.77"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("APPMGR_HOME", str(tmp_path))
    # the console installs SIGHUP/SIGTERM handlers for its terminal: not in pytest's process
    monkeypatch.setattr(signal, "signal", lambda *_args: None)
    return tmp_path


def test_the_console_starts_the_lab_on_the_net_asked_for_and_stops_it(home, monkeypatch):
    seen: dict[str, object] = {}

    def console(api, **_kwargs) -> int:  # instead of the Textual screen: look at the lab
        rt = read_runtime(home / "lab")
        seen["net"] = rt.net if rt else None
        seen["fs01"] = rt.servers["FS01"]["ip"] if rt else None
        return 0

    monkeypatch.setattr("tui.run.run_tui", console)
    try:
        assert main(["--lab", "--lab-net", NET]) == 0
        assert seen == {"net": NET, "fs01": f"{NET}.11"}
        assert stopped(home), "the console left the lab it started running"
    finally:
        main(["lab", "down"])


def stopped(home: Path, bound: float = 30.0) -> bool:
    """The supervisor, told to stop, removes its runtime file on the way out."""
    deadline = time.monotonic() + bound
    while read_runtime(home / "lab") is not None:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_bad_lab_net_is_refused_in_one_line_and_nothing_starts(home, monkeypatch, capsys):
    monkeypatch.setattr("tui.run.run_tui", lambda *_a, **_k: pytest.fail("console opened"))
    assert main(["--lab", "--lab-net", "256.0.0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "256.0.0" in err[0], err
    assert read_runtime(home / "lab") is None
