"""Status tells the truth when the target's engine dies (issue 9, item 2).

kill -9 of FS02's engine, then a write on FS01: ``status --json`` must stop
saying Protected, name the reason with its start and count the queued write
in the queue figures and ``bytes_remaining``, and exit 1. Once the engine is
back the pair returns to Protected (exit 0). Every step polls for the state.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

from tests.lab.conftest import Lab

NET = "127.0.90"
PAYLOAD = 300_000


def _status(lab: Lab) -> tuple[int, dict[str, Any]]:
    proc = lab.run("--lab", "status", "FS01", "FS02", "--json", check=False)
    assert proc.returncode in (0, 1, 3), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


def _wait(lab: Lab, pred, timeout: float, what: str) -> tuple[int, dict[str, Any]]:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    last: tuple[int, dict[str, Any]] | None = None
    while time.monotonic() < deadline:
        last = _status(lab)
        if pred(*last):
            return last
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")


def test_killed_target_engine_is_reported_then_protection_returns(lab: Lab) -> None:
    lab.run("--lab", "protect", "FS01", "FS02", "--app", "fileprint",
            "--set", "monitoring.interval=1", "--set", "monitoring.missed=3")
    code, doc = _wait(lab, lambda c, d: d["state"] == "Protected", 30, "Protected")
    assert code == 0 and doc["reason"] == "" and doc["conditions"] == []

    ready = lab.home / "lab" / "servers" / "FS02" / "engine" / "engine.ready"
    pid = json.loads(ready.read_text())["pid"]
    os.kill(pid, signal.SIGKILL)
    src = lab.volume("FS01", "E") / "Shares" / "Data" / "after-kill.bin"
    src.write_bytes(os.urandom(PAYLOAD))

    # the source's replicator tried the target, was refused, and holds the write
    code, doc = _wait(
        lab, lambda c, d: d["state"] != "Protected" and d["counters"]["queued_ops"] >= 1
        and any("refused" in x["reason"] for x in d["conditions"]),
        20, "status to report the dead target with the queued write")
    assert code == 1 and doc["state"] == "Degraded" and doc["pair_state"] == "Protected"
    assert doc["reason"].startswith("Target unreachable since ")
    assert "operation" in doc["reason"] and "queued" in doc["reason"]
    down = doc["conditions"][0]
    assert down["name"] == "Target unreachable" and down["since"] is not None
    assert down["age_s"] >= 0 and doc["since"] == down["since"]
    assert doc["counters"]["queued_bytes"] >= PAYLOAD
    assert doc["counters"]["bytes_remaining"] >= PAYLOAD  # the queue is part of what remains

    text = lab.run("--lab", "status", "FS01", "FS02", check=False)
    assert text.returncode == 1 and "Degraded — Target unreachable since" in text.stdout

    lab.run("lab", "heal", "FS02")  # the engine comes back
    dst = lab.volume("FS02", "E") / "Shares" / "Data" / "after-kill.bin"
    code, doc = _wait(lab, lambda c, d: c == 0 and d["state"] == "Protected", 60,
                      "Protected again")
    assert doc["conditions"] == [] and doc["counters"]["queued_ops"] == 0
    assert dst.read_bytes() == src.read_bytes()
