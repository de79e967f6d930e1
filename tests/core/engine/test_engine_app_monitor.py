"""Application monitoring in a real engine: a script on the target (SPEC F-6.2)."""

from __future__ import annotations

import pytest

from core.errors import Refused

from .harness import PORT, share_heartbeat_key, wait_for


def _script(tgt, code_file: str) -> str:
    """A check script on the target's C: that exits with the code in ``code_file``."""
    script = tgt.vol["C"] / "appmgr" / "check.sh"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text(f"#!/bin/sh\nexit $(cat '{code_file}')\n")
    script.chmod(0o755)
    return "C:\\appmgr\\check.sh"


def test_script_failures_raise_the_condition_with_its_exit_code(pair, tmp_path) -> None:
    src, tgt = pair
    t = tgt.client()
    share_heartbeat_key(src, tgt, "mon")
    code = tmp_path / "code"
    code.write_text("0")
    app = {"method": "script", "interval": 0.1, "error_threshold": 3,
           "script": _script(tgt, str(code))}
    t.create_monitor("mon", [src.ip], PORT, "heartbeat", 0.1, 50, "all", application=app)
    wait_for(lambda: t.monitor_status("mon").last_heartbeat, 3, "first heartbeat")
    assert t.monitor_status("mon").state == "monitoring"
    code.write_text("3")
    wait_for(lambda: t.monitor_status("mon").state == "failover_condition", 5, "app failure")
    st = t.monitor_status("mon")
    assert st.reason == "Application failure: script check.sh exited with code 3 (3 checks)"
    assert st.missed == 0  # the heartbeats still answer: it is the application
    tgt.stop()  # the met condition and its reason survive a restart of the engine
    tgt.start()
    t = tgt.client()
    assert t.monitor_status("mon").reason.startswith("Application failure: script check.sh")


def test_application_arguments_validated(pair) -> None:
    _, tgt = pair
    t = tgt.client()
    share_heartbeat_key(pair[0], tgt, "m")
    with pytest.raises(Refused, match="builtin or script"):
        t.create_monitor("m", ["127.0.41.1"], PORT, "heartbeat", 1, 3, "all",
                         application={"method": "wmi", "interval": 5, "error_threshold": 3})
    with pytest.raises(Refused, match="source's name and its services"):
        t.create_monitor("m", ["127.0.41.1"], PORT, "heartbeat", 1, 3, "all",
                         application={"method": "builtin", "interval": 5, "error_threshold": 3})


def test_builtin_check_refused_where_no_host_runner(pair) -> None:
    """No way to read the source's services here: refused, never failing every check."""
    src, tgt = pair
    t = tgt.client()
    share_heartbeat_key(src, tgt, "m")
    app = {"method": "builtin", "interval": 5, "error_threshold": 3, "computer": "FS01",
           "services": ["LanmanServer"]}
    with pytest.raises(Refused, match="cannot read the source's services"):
        t.create_monitor("m", [src.ip], PORT, "heartbeat", 1, 3, "all", application=app)
