"""Failover monitor: heartbeat logic on a fake clock, and once for real."""

from __future__ import annotations

import os

import pytest

from core.engine.clock import FakeClock
from core.engine.heartbeat import heartbeat
from core.engine.monitor import MonitorLogic, MonitorRunner, MonitorSpec
from core.errors import InvalidInput, NotFound, Refused

from .harness import PORT, share_heartbeat_key, wait_for

IPS = ("127.0.41.1", "127.0.41.5")


def test_all_trigger_needs_every_ip() -> None:
    m = MonitorLogic(IPS, threshold=3, trigger="all")
    for _ in range(5):
        m.record({IPS[0]: False, IPS[1]: True}, 1.0)
    assert not m.condition and m.missed() == 0
    for _ in range(3):
        m.record({IPS[0]: False, IPS[1]: False}, 2.0)
    assert m.condition and m.status("x").state == "failover_condition"
    assert m.status("x").per_ip == {IPS[0]: 8, IPS[1]: 3}


def test_any_trigger_fires_on_one_ip() -> None:
    m = MonitorLogic(IPS, threshold=3, trigger="any")
    met = [m.record({IPS[0]: False, IPS[1]: True}, float(i)) for i in range(3)]
    assert met == [False, False, True]
    assert m.missed() == 3 and m.last_heartbeat == 2.0


def test_condition_is_sticky_but_counts_reset() -> None:
    m = MonitorLogic(IPS[:1], threshold=2, trigger="all")
    m.record({IPS[0]: False}, 1.0)
    m.record({IPS[0]: False}, 2.0)
    assert m.condition
    m.record({IPS[0]: True}, 3.0)
    st = m.status("x")
    assert st.state == "failover_condition" and st.missed == 0 and st.last_heartbeat == 3.0


async def test_runner_meets_condition_after_interval_times_missed() -> None:
    clock = FakeClock()
    start = clock.monotonic()
    alive = {"up": True}
    met_at: list[float] = []

    async def probe(ip: str) -> bool:
        return alive["up"]

    spec = MonitorSpec(IPS[:1], PORT, "heartbeat", interval=5.0, missed=4, trigger="all")
    runner = MonitorRunner(spec, probe, clock, on_condition=lambda: met_at.append(clock.now))
    await runner.run(rounds=3)
    assert runner.logic.status("m").state == "monitoring"
    alive["up"] = False
    failed_at = clock.monotonic()
    await runner.run(rounds=10)
    assert met_at == [failed_at + 5.0 * 4]
    assert runner.logic.condition
    assert clock.monotonic() - start == 13 * 5.0


def test_heartbeat_round_trip(pair) -> None:
    src, tgt = pair
    key = share_heartbeat_key(src, tgt, "mon")
    rtt = heartbeat(src.ip, PORT, "mon", key, timeout=1.0)
    assert rtt is not None and rtt >= 0
    assert heartbeat("127.0.41.77", PORT, "mon", key, timeout=0.2) is None


def test_real_monitor_detects_stopped_source(pair) -> None:
    src, tgt = pair
    t = tgt.client()
    share_heartbeat_key(src, tgt, "mon")
    t.create_monitor("mon", [src.ip], PORT, "heartbeat", interval=0.1, missed=3, trigger="all")
    wait_for(lambda: t.monitor_status("mon").last_heartbeat, 3, "first heartbeat")
    assert t.monitor_status("mon").state == "monitoring"
    stats = t.stats("mon")
    assert stats.monitor_state == "monitoring" and stats.missed_threshold == 3
    src.stop()
    wait_for(lambda: t.monitor_status("mon").state == "failover_condition", 3, "condition")
    assert t.monitor_status("mon").missed >= 3
    src.start()  # the source answers again: counts reset, condition stays
    wait_for(lambda: t.monitor_status("mon").missed == 0, 3, "miss count reset")
    assert t.monitor_status("mon").state == "failover_condition"
    t.create_monitor("mon", [src.ip], PORT, "heartbeat", interval=0.1, missed=3, trigger="all")
    assert t.monitor_status("mon").state == "monitoring"  # recreated: condition cleared
    t.delete_monitor("mon")
    with pytest.raises(NotFound):
        t.monitor_status("mon")


def test_any_vs_all_for_real(pair) -> None:
    src, tgt = pair
    t = tgt.client()
    dead = "127.0.41.66"
    share_heartbeat_key(src, tgt, "all")
    share_heartbeat_key(src, tgt, "any")
    t.create_monitor("all", [src.ip, dead], PORT, "heartbeat", interval=0.05, missed=3,
                     trigger="all")
    t.create_monitor("any", [src.ip, dead], PORT, "heartbeat", interval=0.05, missed=3,
                     trigger="any")
    wait_for(lambda: t.monitor_status("any").state == "failover_condition", 3, "any fires")
    wait_for(lambda: t.monitor_status("all").per_ip[dead] >= 6, 3, "dead IP misses")
    st = t.monitor_status("all")
    assert st.state == "monitoring" and st.per_ip[src.ip] == 0


def test_monitor_arguments_validated(pair) -> None:
    _, tgt = pair
    t = tgt.client()
    with pytest.raises(Refused, match="trigger"):
        t.create_monitor("m", ["127.0.41.1"], PORT, "heartbeat", 1, 3, "some")
    with pytest.raises(Refused, match="does not appear to be an IPv4 or IPv6"):
        t.create_monitor("m", ["fs01"], PORT, "heartbeat", 1, 3, "all")
    assert not issubclass(Refused, InvalidInput)


def test_icmp_method(pair) -> None:
    src, tgt = pair
    t = tgt.client()
    if getattr(os, "geteuid", lambda: 1)() != 0:
        with pytest.raises(Refused, match="raw socket"):
            t.create_monitor("icmp", [src.ip], PORT, "icmp", 0.2, 3, "all")
        return
    t.create_monitor("icmp", [src.ip], PORT, "icmp", 0.2, 3, "all")
    wait_for(lambda: t.monitor_status("icmp").last_heartbeat, 3, "ICMP echo reply")
