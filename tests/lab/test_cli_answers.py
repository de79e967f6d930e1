"""Exit codes and answers of the headless commands against a real lab (issue 11):
0 ok, 1 failed or validation errors, 2 usage, 3 unreachable or authentication failed."""

from __future__ import annotations

import json

from tests.lab.conftest import Lab

NET = "127.0.75"


def test_protect_with_validation_errors_exits_1(lab: Lab) -> None:
    proc = lab.run("--lab", "protect", "FS01", "FS03", "--app", "fileprint", check=False)
    assert proc.returncode == 1, proc.stderr
    assert "check(s) failed" in proc.stderr and "FS03" in proc.stderr


def test_validate_against_a_failed_target_exits_3_as_protect_does(lab: Lab) -> None:
    lab.run("--lab", "config", "set", "FS01", "FS02", "monitoring.missed=3")
    lab.run("lab", "fail", "FS02")
    try:
        proc = lab.run("--lab", "validate", "FS01", "FS02", "--json", check=False)
        assert proc.returncode == 3, proc.stderr
        assert json.loads(proc.stdout)["ok"] is False
        assert lab.run("--lab", "protect", "FS01", "FS02", check=False).returncode == 3
    finally:
        lab.run("lab", "heal", "FS02")


def test_status_of_servers_that_do_not_exist_exits_2(lab: Lab) -> None:
    proc = lab.run("--lab", "status", "NOSUCH", "NOPE", "--json", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "NOSUCH is in no pair appmgr knows" in proc.stderr
    # a pair appmgr has a record of (the refused protect above) but that is not Protected
    proc = lab.run("--lab", "status", "FS01", "FS03", "--json", check=False)
    known = json.loads(proc.stdout)
    assert proc.returncode == 1  # 0 only when Protected
    assert known["state"] == "Unprotected" and known["source_reachable"] is None
    # real servers, but never set up as a pair: refused, not "Unprotected"
    proc = lab.run("--lab", "status", "FS02", "FS03", "--json", check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "no such pair: FS02 → FS03" in proc.stderr
