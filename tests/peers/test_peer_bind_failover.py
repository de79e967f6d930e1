"""DNS failover and failback against BIND9 with TSIG (hmac-sha256).

BIND starts each test with the zones of ``servers/bind.sh``: app01 has two addresses
(.50, .51) with PTRs, the apex MX and app01's own MX point at app01; app02 (.60, .61)
is the target. Every assertion asks BIND with ``dig``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.dns.adapter import DnspythonDns
from core.dns.dfo_log import DfoLog
from core.dns.failover_run import DONE, FAILED, run_failback, run_failover
from core.dns.tsig_key import load_key_file
from core.errors import Refused
from core.ports import RRSet, ZoneChange
from tests.peers.conftest import Peers

ZONE, REV = "lab.example.com", "10.0.127.in-addr.arpa"
APP01, APP02 = "app01.lab.example.com", "app02.lab.example.com"
MAP = {"127.0.10.50": "127.0.10.60", "127.0.10.51": "127.0.10.61"}


def client(peers: Peers) -> DnspythonDns:
    return DnspythonDns(peers.bind_ip, key=load_key_file(peers.key_file("failover")))


def serial(peers: Peers, zone: str) -> int:
    return int(peers.dig(zone, "SOA")[0].split()[2])


def test_failover_and_failback_of_a_two_address_source(fresh_bind: Peers, tmp_path: Path) -> None:
    p = fresh_bind
    before = {z: p.axfr(z) for z in (ZONE, REV)}
    serials = {z: serial(p, z) for z in (ZONE, REV)}
    state, log = tmp_path / "dfo" / "APP01.json", DfoLog(tmp_path / "logs", ["APP01", "APP02"])

    results = run_failover(client(p), APP01, APP02, MAP, state, log, ttl=60)
    assert [r.status for r in results] == [DONE, DONE]
    assert p.dig(APP01) == ["127.0.10.60", "127.0.10.61"]
    assert p.ttl(APP01, "A") == 60
    assert p.dig(ZONE, "MX") == ["10 app02.lab.example.com.", "20 mail2.lab.example.com."]
    assert p.dig(APP01, "MX") == ["10 app02.lab.example.com."]
    assert p.ttl(ZONE, "MX") == 60
    assert p.dig("50.10.0.127.in-addr.arpa", "PTR") == []
    assert p.dig("51.10.0.127.in-addr.arpa", "PTR") == []
    assert p.dig("60.10.0.127.in-addr.arpa", "PTR") == [f"{APP01}.", f"{APP02}."]
    assert p.dig("61.10.0.127.in-addr.arpa", "PTR") == [f"{APP01}.", f"{APP02}."]
    assert p.ttl("60.10.0.127.in-addr.arpa", "PTR") == 60
    # one UPDATE per zone: each zone's serial moved exactly once
    assert {z: serial(p, z) for z in serials} == {z: s + 1 for z, s in serials.items()}

    back = run_failback(client(p), state, log)
    assert [r.status for r in back] == [DONE, DONE]
    after = {z: p.axfr(z) for z in (ZONE, REV)}
    # everything as before but the SOA (its serial moved on)
    for z in before:
        assert [r for r in after[z] if " SOA " not in r] == [r for r in before[z] if " SOA " not in r]
    assert "zone lab.example.com. done" in (tmp_path / "logs" / "dfo" / "APP02.log").read_text()


def test_a_zone_update_is_all_or_nothing(fresh_bind: Peers) -> None:
    # a stale prerequisite (someone changed app01's A records since they were read) makes
    # BIND refuse the whole UPDATE: the MX replacement in the same message is not applied
    p = fresh_bind
    before = p.axfr(ZONE)
    change = ZoneChange(ZONE,
                        expect=(RRSet(f"{APP01}.", "A", 300, ("127.0.10.50",)),),  # really .50+.51
                        replace=(RRSet(f"{APP01}.", "A", 60, ("127.0.10.60",)),
                                 RRSet(f"{ZONE}.", "MX", 60, ("10 app02.lab.example.com.",))))
    with pytest.raises(Refused) as err:
        client(p).apply(change)
    assert "prerequisite failed: NXRRSET" in str(err.value)
    assert p.axfr(ZONE) == before


def test_a_failed_zone_stops_the_run(fresh_bind: Peers, tmp_path: Path) -> None:
    # the reverse zone refuses (its PTR changed after planning): forward done, reverse failed
    p = fresh_bind

    class Meddler(DnspythonDns):
        def apply(self, change: ZoneChange) -> None:
            if change.zone.startswith("10.0.127"):
                client(p).apply(ZoneChange(REV, replace=(
                    RRSet("50.10.0.127.in-addr.arpa.", "PTR", 300, ("other.lab.example.com.",)),)))
            super().apply(change)

    meddler = Meddler(p.bind_ip, key=load_key_file(p.key_file("failover")))
    results = run_failover(meddler, APP01, APP02, MAP, tmp_path / "s.json",
                           DfoLog(tmp_path, "APP01"), ttl=60)
    assert [r.status for r in results] == [DONE, FAILED]
    assert p.dig(APP01) == ["127.0.10.60", "127.0.10.61"]
    assert p.dig("50.10.0.127.in-addr.arpa", "PTR") == ["other.lab.example.com."]
    assert p.dig("60.10.0.127.in-addr.arpa", "PTR") == [f"{APP02}."]
