"""Issue 10 items 5 and 4 in the lab (net 127.0.85), headless as a user types it.

- Graceful failover of SQL instance mode SQL01 → SQL02: the data written just before is on
  SQL02, and the lab's own record of service changes shows SQL01's services stopped before
  SQL02's were started (never both serving).
- A failover stuck part-way (a step the target cannot run) is refused by unprotect, ended
  by `abort` (which says which steps ran and which did not), and can then be run again.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any

import dns.message
import dns.query

from core.lab.estate import load_estate
from core.lab.host_state import HostState
from tests.lab.conftest import Lab, wait_until

NET = "127.0.85"
SQL = ("SQL01", "SQL02", "--app", "sql")
FS = ("FS01", "FS02", "--app", "fileprint")
FAST = ("--set", "monitoring.interval=1", "--set", "monitoring.missed=3")


def _state(lab: Lab, pair: tuple[str, ...]) -> str:
    return str(lab.json("--lab", "status", *pair, "--json")["state"])


def _host(lab: Lab, server: str) -> HostState:
    """The lab server's persisted Windows state (services and their change log)."""
    estate = load_estate(net=NET)
    return HostState.load(estate, estate.server(server), lab.home / "lab")


def _changes(lab: Lab, server: str, since: float, state: str) -> list[dict[str, Any]]:
    return [e for e in _host(lab, server).service_log if e["at"] >= since and e["state"] == state]


def _failover_log(lab: Lab, source: str) -> str:
    return next(lab.home.rglob(f"failover/{source}.log")).read_text("utf-8")


def test_graceful_sql_failover_stops_the_source_first_and_moves_the_last_writes(lab: Lab) -> None:
    lab.run("--lab", "protect", *SQL, *FAST)
    wait_until(lambda: _state(lab, SQL) == "Protected", 60, "Protected")
    plan = lab.run("--lab", "config", "plan", *SQL, "--phase", "post-failover").stdout
    services = re.findall(r"^start-service (\S+)$", plan, re.MULTILINE)
    assert "MSSQLSERVER" in services

    # written just before the failover: a page of the database in place, 1 MiB of log appended
    src, tgt = lab.volume("SQL01", "E"), lab.volume("SQL02", "E")
    mdf, ldf = "SQLData/MSSQLSERVER/Sales.mdf", "SQLLogs/MSSQLSERVER/Sales_log.ldf"
    with open(src / mdf, "r+b") as fh:
        fh.seek(8192)
        fh.write(os.urandom(4096))
    with open(src / ldf, "ab") as fh:
        fh.write(os.urandom(1 << 20))

    t0 = time.time()
    out = lab.run("--lab", "failover", *SQL, "--graceful", "--drain-timeout", "60", timeout=240)
    elapsed = time.time() - t0
    assert _state(lab, SQL) == "Failed over", out.stdout

    for name in (mdf, ldf):
        assert (tgt / name).read_bytes() == (src / name).read_bytes(), name

    stops, starts = _changes(lab, "SQL01", t0, "stopped"), _changes(lab, "SQL02", t0, "running")
    assert [e["service"] for e in stops] == services[::-1]
    assert [e["service"] for e in starts] == services
    assert max(e["at"] for e in stops) < min(e["at"] for e in starts)  # never both serving
    on_source = {s.name for s in _host(lab, "SQL01").services if s.state == "running"}
    on_target = {s.name for s in _host(lab, "SQL02").services if s.state == "running"}
    assert not set(services) & on_source and set(services) <= on_target

    log = _failover_log(lab, "SQL01")
    drains = [float(x) for x in re.findall(r"drained in ([0-9.]+) s", log)]
    assert len(drains) == 2 and "starting failover (graceful)" in log
    print(f"\ngraceful SQL01->SQL02: drains {drains} s; first start on SQL02 "
          f"{min(e['at'] for e in starts) - t0:.2f} s, last {max(e['at'] for e in starts) - t0:.2f}"
          f" s after the command; command {elapsed:.2f} s")


def _a(lab: Lab, name: str) -> set[str]:
    rt = lab.json("lab", "status", "--json")
    r = dns.query.udp(dns.message.make_query(name, "A"), rt["dns"]["ip"],
                      port=rt["dns"]["port"], timeout=2)
    return {rd.to_text() for rrset in r.answer for rd in rrset}


def test_a_stuck_failover_is_aborted_saying_what_ran_then_run_again(lab: Lab) -> None:
    estate = load_estate(net=NET)
    lab.run("--lab", "protect", *FS, *FAST)
    wait_until(lambda: _state(lab, FS) == "Protected", 60, "Protected")
    # the person edited the written script: a step FS02 cannot run, before the DNS failover
    script = next(p for p in lab.home.rglob("post-failover.script") if "FS01" in str(p))
    original = script.read_text("utf-8")
    edited = re.sub(r"^(stop-monitor .*)$", r"\1\nstart-service NoSuchService", original,
                    flags=re.MULTILINE)
    assert edited != original
    script.write_text(edited, "utf-8")

    lab.run("lab", "fail", "FS01")
    try:
        wait_until(lambda: _state(lab, FS) == "Failure detected", 30, "Failure detected")
        stuck = lab.run("--lab", "failover", *FS, check=False)
        assert stuck.returncode != 0 and "NoSuchService" in stuck.stderr
        assert _state(lab, FS) == "Failing over"

        refused = lab.run("--lab", "unprotect", *FS, check=False)
        assert refused.returncode != 0 and "abort" in refused.stderr
        assert "--force" in refused.stderr

        said = " ".join(lab.run("--lab", "abort", *FS).stdout.split())
        assert "The failover was aborted: the pair is Failure detected (was Failing over)" in said
        ran, _, not_run = said.partition("Steps that did not run:")
        assert "post-failover: stop-replication" in ran and "stop-monitor" in ran
        assert "start-service NoSuchService" in not_run and "dns-failover" in not_run
        assert _state(lab, FS) == "Failure detected"

        script.write_text(original, "utf-8")  # fixed: run it again, from the first step
        lab.run("--lab", "failover", *FS)
        assert _state(lab, FS) == "Failed over"
        assert _a(lab, "fs01.lab.example.com") == {estate.server("FS02").ip}
    finally:
        lab.run("lab", "heal", "FS01", check=False)
