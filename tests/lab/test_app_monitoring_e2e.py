"""Application monitoring at run time in the lab (issue 13 item 4, SPEC F-6.2).

SQL01 -> SQL02 protected with application monitoring on (built-in check, interval
1 s, threshold 3) through the CLI. ``appmgr lab stop-service SQL01 MSSQLSERVER``
stops the service as a fault: SQL02's engine reads SQL01's services through the
lab's host operation path, and after 3 failed checks its monitor raises the
failover condition (the heartbeats still answer), and status says it is an
application failure. That a service started again before the threshold resets
the count is the pure logic's test (tests/core/engine/test_app_check.py).
"""

from __future__ import annotations

import time

from tests.lab.conftest import Lab, wait_until

NET = "127.0.79"
INTERVAL, THRESHOLD = 1, 3


def _status(lab: Lab) -> dict:
    doc = lab.json("--lab", "status", "SQL01", "SQL02", "--app", "sql", "--json")
    assert isinstance(doc, dict)
    return doc



def test_stopped_service_on_the_source_raises_the_condition(lab: Lab) -> None:
    lab.run("--lab", "--advanced", "protect", "SQL01", "SQL02", "--app", "sql",
            "--set", "monitoring.application.enabled=on",
            "--set", f"monitoring.application.interval={INTERVAL}",
            "--set", f"monitoring.application.error_threshold={THRESHOLD}",
            "--set", "monitoring.application.wmi_user=LAB\\wmi",
            "--set", "monitoring.interval=1", "--set", "monitoring.missed=30")
    wait_until(lambda: _status(lab)["state"] == "Protected", 60, "Protected")
    assert _status(lab)["monitor"]["state"] == "monitoring"

    out = lab.run("lab", "stop-service", "SQL01", "MSSQLSERVER").stdout
    assert "MSSQLSERVER is stopped on SQL01" in out
    t0 = time.monotonic()
    # the condition within interval x threshold, plus one check in flight and slack
    doc = wait_until(lambda: (d := _status(lab))["monitor"]["state"] == "failover_condition" and d,
                INTERVAL * (THRESHOLD + 1) + 3, "the failover condition")
    took = time.monotonic() - t0
    why = "Application failure: MSSQLSERVER stopped on SQL01 (3 checks)"
    assert doc["monitor"]["reason"] == why and doc["reason"] == why
    assert doc["pair_state"] == "Failure detected"
    assert doc["monitor"]["missed"] == 0  # the source itself still answers heartbeats
    text = lab.run("--lab", "status", "SQL01", "SQL02", "--app", "sql", check=False).stdout
    assert why in text
    print(f"\nstop-service MSSQLSERVER -> failover condition in {took:.2f} s "
          f"(interval {INTERVAL} s x threshold {THRESHOLD})")
