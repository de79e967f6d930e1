"""Identity failover in the lab (issue 10 item 3), through the CLI as a user types it.

FS01 → FS02 with identity failover and manual intervention off: after
``lab fail FS01`` and no other command, FS02's engine has taken over FS01's
address, name and shares, so a real connection to FS01's address reaches
FS02 (its WinRM endpoint answers as FS02, its engine port answers) and DNS
needs no change. ``failover`` then finishes the plan (the SPNs);
``lab heal FS01`` cannot give FS01 its address back while FS02 holds it (a
duplicate address); ``failback`` has FS02 give it back, FS01 answers on it
again, and ``restore`` re-protects the pair.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from core.errors import Unreachable
from core.hosts.winrm_host import WinrmHost
from core.ports import Credential
from tests.lab.conftest import Lab, start_lab, wait_until

NET = "127.0.78"
FS01_IP, FS02_IP = f"{NET}.11", f"{NET}.12"
INTERVAL, MISSED = 1, 3
USER, PASSWORD = "LAB\\Administrator", "Lab-Passw0rd!"  # the lab's, shown to every user



def _who_answers(ip: str) -> str | None:
    """The host name a real WinRM connection to ``ip`` reaches (None: nobody answers)."""
    host = WinrmHost(ip, Credential(USER, PASSWORD), transport="basic", name=ip, timeout=5)
    try:
        return host.inventory().name.upper()
    except Unreachable:
        return None


def _engine_port_open(ip: str) -> bool:
    try:
        with socket.create_connection((ip, 6320), 1):
            return True
    except OSError:
        return False


def _status(lab: Lab) -> dict:
    return lab.json("--lab", "status", "FS01", "FS02", "--json")


@pytest.fixture
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    lab = start_lab(tmp_path_factory.mktemp("appmgr-home"), NET)
    try:
        yield lab
    finally:
        lab.run("lab", "down", check=False)


def test_the_target_takes_the_source_identity_with_no_command_and_gives_it_back(
        lab: Lab) -> None:
    lab.run("--lab", "protect", "FS01", "FS02", "--app", "fileprint",
            "--set", "failover.type=identity",
            "--set", "monitoring.manual_intervention=false",
            "--set", f"monitoring.interval={INTERVAL}", "--set", f"monitoring.missed={MISSED}")
    wait_until(lambda: _status(lab)["state"] == "Protected", 30, "Protected")
    assert _who_answers(FS01_IP) == "FS01"

    lab.run("lab", "fail", "FS01")
    # no command typed: the target's engine declares the failure and takes over
    assert wait_until(lambda: _who_answers(FS01_IP), 30, "an answer on FS01's address") == "FS02"
    assert _engine_port_open(FS01_IP)  # FS02's engine, through FS01's address
    st = _status(lab)
    assert st["pair_state"] == "Failure detected"
    assert st["identity"]["state"] == "taken", st["identity"]
    assert set(st["identity"]["done"]) >= {f"ip:{FS01_IP}", "name:FS01", "share:Data"}
    assert "FS01" in (lab.home / "lab" / "servers" / "FS02" / "names.json").read_text()
    said = lab.run("--lab", "status", "FS01", "FS02", check=False).stdout
    assert "identity failover: FS02 answers as the source" in said, said

    out = lab.run("--lab", "failover", "FS01", "FS02").stdout
    assert "take-identity" in out and "move-spns" in out, out
    assert _status(lab)["pair_state"] == "Failed over"

    lab.run("lab", "heal", "FS01")
    assert _who_answers(FS01_IP) == "FS02"  # a held address is not taken back by force
    lab.run("--lab", "failback", "FS01", "FS02")
    assert _who_answers(FS01_IP) == "FS01"  # given back: FS01 answers on its own address
    assert _who_answers(FS02_IP) == "FS02"
    assert _status(lab)["identity"]["state"] == "ready"
    lab.run("--lab", "restore", "FS01", "FS02", timeout=180)
    wait_until(lambda: _status(lab)["state"] == "Protected", 60, "Protected again")
