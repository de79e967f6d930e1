"""A lab estate for end-to-end tests, started through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_until(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``pred`` until it returns something true (returned); fail naming ``what``."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")


@dataclass
class Lab:
    home: Path
    net: str

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["APPMGR_HOME"] = str(self.home)
        env["PYTHONPATH"] = str(ROOT)
        return env

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """``appmgr ARGS`` as a user would type it; returns the finished process."""
        proc = subprocess.run([sys.executable, "-m", "tui.cli.main", *args], env=self.env(),
                              capture_output=True, text=True, timeout=timeout, cwd=ROOT)
        if check and proc.returncode != 0:
            raise AssertionError(f"appmgr {' '.join(args)} exited {proc.returncode}:\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def json(self, *args: str) -> object:
        # `status --json` answers in JSON in every state; its exit code says whether the
        # pair is Protected (0), degraded (1) or its source does not answer (3)
        pair_status = "status" in args and "lab" not in args
        proc = self.run(*args, check=not pair_status)
        if pair_status and proc.returncode not in (0, 1, 3):
            raise AssertionError(f"appmgr {' '.join(args)} exited {proc.returncode}:\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return json.loads(proc.stdout)

    def state(self, *pair: str) -> str:
        """The pair's state as ``status --json`` reports it (``pair``: SRC TGT [--app APP])."""
        doc = self.json("--lab", "status", *pair, "--json")
        assert isinstance(doc, dict)
        return str(doc["state"])

    def wait_state(self, want: str, *pair: str, timeout: float) -> None:
        """Poll ``status`` until the pair's state is ``want``; fail naming the last one."""
        seen: list[str] = []

        def there() -> bool:
            seen.append(self.state(*pair))
            return seen[-1] == want

        try:
            wait_until(there, timeout, f"{' '.join(pair)} to be {want}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; last state {seen[-1] if seen else '?'}") from None

    def volume(self, server: str, letter: str) -> Path:
        return self.home / "lab" / "servers" / server / letter


def start_lab(home: Path, net: str) -> Lab:
    lab = Lab(home, net)
    lab.run("lab", "up", "--detach", "--net", net)
    return lab


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A lab for the test module, on the module's ``NET`` (default 127.0.51): modules run
    one after another, but a net of its own keeps a lab that failed to stop out of the way."""
    net = getattr(request.module, "NET", "127.0.51")
    lab = start_lab(tmp_path_factory.mktemp("appmgr-home"), net)
    try:
        yield lab
    finally:
        lab.run("lab", "down", check=False)
