"""Automatic failover in the lab (issue 10 item 6), through the CLI as a user runs it.

Manual intervention off, ``appmgr watch`` running, ``lab fail FS01`` → DNS
answers FS02's IP within interval × missed + 2 s (plus one monitor round) with
no command typed. Then a watcher killed mid-plan (a ``wait`` step keeps the
plan busy after its first step is persisted) is started again: the plan
resumes and finishes once, and meanwhile the CLI's failover is refused
naming the watcher.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dns.message
import dns.query
import pytest

from tests.lab.conftest import ROOT, Lab, start_lab, wait_until

NET = "127.0.75"
INTERVAL, MISSED = 1, 3
FQDN = "fs01.lab.example.com"



_DNS: dict[Path, tuple[str, int]] = {}


def _a(lab: Lab) -> set[str]:
    """FS01's A records as the lab's DNS answers them now (its address read once, so
    a poll costs one query, not a process)."""
    if lab.home not in _DNS:
        rt = lab.json("lab", "status", "--json")
        _DNS[lab.home] = (rt["dns"]["ip"], rt["dns"]["port"])
    ip, port = _DNS[lab.home]
    r = dns.query.udp(dns.message.make_query(FQDN, "A"), ip, port=port, timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def _protect(lab: Lab) -> None:
    lab.run("--lab", "protect", "FS01", "FS02", "--app", "fileprint",
            "--set", "monitoring.manual_intervention=false",
            "--set", f"monitoring.interval={INTERVAL}", "--set", f"monitoring.missed={MISSED}")
    wait_until(lambda: lab.json("--lab", "status", "FS01", "FS02", "--json")["state"] == "Protected",
          30, "Protected")


def _watch(lab: Lab, out: Path) -> subprocess.Popen[bytes]:
    """``appmgr --lab watch`` in the background; waits for its first heartbeat."""
    beat = lab.home / "state" / "watch.json"
    beat.unlink(missing_ok=True)
    with out.open("ab") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "tui.cli.main", "--lab", "watch",
                                 "--interval", "0.25"], env=lab.env(), cwd=ROOT,
                                stdout=fh, stderr=subprocess.STDOUT)
    wait_until(lambda: beat.exists() or proc.poll() is not None, 30, "the watcher's first heartbeat")
    assert proc.poll() is None, out.read_text()
    return proc


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    return proc.wait(timeout=30)


def _stamp(said: str, what: str) -> float:
    """When the watcher said ``what`` (its lines start with a time to the millisecond)."""
    line = next(x for x in said.splitlines() if what in x)
    day, clock = line.split()[:2]
    return time.mktime(time.strptime(f"{day} {clock[:8]}", "%Y-%m-%d %H:%M:%S")) + float(
        "0" + clock[8:])


def _record(lab: Lab) -> dict:
    return json.loads((lab.home / "state" / "pairs" / "fileprint_FS01_FS02.json").read_text())


@pytest.fixture
def watcher_out(tmp_path: Path) -> Path:
    return tmp_path / "watch.out"


@pytest.fixture
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    lab = start_lab(tmp_path_factory.mktemp("appmgr-home"), NET)
    try:
        yield lab
    finally:
        lab.run("lab", "down", check=False)


def test_the_watcher_fails_over_with_no_command_typed(lab: Lab, watcher_out: Path) -> None:
    _protect(lab)
    proc = _watch(lab, watcher_out)
    try:
        typed = time.monotonic()
        lab.run("lab", "fail", "FS01")
        t0 = time.monotonic()  # the outage is in effect once the command returns
        wall = time.time()
        # the goal is interval × missed + 2 s; the monitor counts whole rounds, so an
        # outage that starts just after a round's heartbeat was answered is declared one
        # interval later: that round is allowed for
        try:
            wait_until(lambda: _a(lab) == {f"{NET}.12"}, INTERVAL * (MISSED + 1) + 2,
                  "DNS answering FS02")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nthe watcher said:\n{watcher_out.read_text()}") from None
        took = time.monotonic() - t0
        wait_until(lambda: "failover complete" in watcher_out.read_text(), 10, "the plan's end")
        assert lab.json("--lab", "status", "FS01", "FS02", "--json")["pair_state"] == "Failed over"
        said = watcher_out.read_text()
        declared = _stamp(said, "declared the failure")
        print(f"\nlab fail FS01 -> DNS answers FS02: {took:.2f} s after it returned, "
              f"{took + t0 - typed:.2f} s after it was typed (interval {INTERVAL} s x "
              f"missed {MISSED}): declared (as the watcher saw it) {declared - wall:.2f} s "
              f"after, the plan {_stamp(said, 'failover complete') - declared:.2f} s")
    finally:
        code = _stop(proc)
    assert code == 0, watcher_out.read_text()
    assert not (lab.home / "state" / "watch.json").exists()  # a clean stop says so
    log = lab.run("--lab", "log", "failover", "FS01").stdout
    assert log.count("dns-failover") and "failover complete" in log


def test_a_watcher_killed_mid_plan_resumes_and_finishes_once(lab: Lab, watcher_out: Path) -> None:
    _protect(lab)
    script = lab.home / "state" / "scripts" / "fileprint_FS01_FS02" / "post-failover.script"
    lines = script.read_text().splitlines()
    first = next(i for i, x in enumerate(lines) if x.startswith("stop-replication"))
    lines.insert(first + 1, "wait 6")  # keeps the plan busy after its first step
    script.write_text("\n".join(lines) + "\n")
    proc = _watch(lab, watcher_out)
    try:
        lab.run("lab", "fail", "FS01")
        wait_until(lambda: len(_record(lab)["steps_done"]) == 1, INTERVAL * MISSED + 6,
              "the first step persisted")
        # meanwhile the CLI (as a console would) is refused, naming the watcher
        refused = lab.run("--lab", "failover", "FS01", "FS02", "--app", "fileprint", check=False)
        assert refused.returncode != 0
        assert (f"appmgr watch on {socket.gethostname()} is running the failover plan "
                f"(pid {proc.pid})") in refused.stderr
    finally:
        _stop(proc, signal.SIGKILL)  # dies mid-plan: no clean-up of any kind
    rec = _record(lab)
    assert rec["state"] == "Failing over" and len(rec["steps_done"]) == 1
    assert _a(lab) == {f"{NET}.11"}

    proc = _watch(lab, watcher_out)
    try:
        wait_until(lambda: _a(lab) == {f"{NET}.12"}, 30, "DNS answering FS02 after the restart")
        wait_until(lambda: "failover complete" in watcher_out.read_text(), 10, "the plan's end")
        assert _record(lab)["state"] == "Failed over"
    finally:
        assert _stop(proc) == 0
    log = lab.run("--lab", "log", "failover", "FS01").stdout
    assert "resuming failover" in log
    assert log.count("stop-replication fileprint_FS01_FS02: ok") == 1
    assert "stop-replication fileprint_FS01_FS02: already done" in log
    # every step of the plan finished exactly once over the two watchers
    oks = re.findall(r"post-failover \[(\d+)/(\d+)\] [^\n]*: ok: ", log)
    total = int(oks[0][1])
    assert sorted(int(i) for i, _ in oks) == list(range(1, total + 1))
    assert "wait 6: started" in log and log.count("dns-failover") == 2  # started, ok
    assert log.count("failover complete") == 1
