"""Samba AD's own DNS: a secure-only zone, updated with GSS-TSIG (Kerberos).

Samba runs with ``allow dns updates = secure only`` (the AD default): unsigned updates
are REFUSED, GSS-TSIG updates from a Kerberos ticket are applied. Samba does not know
shared TSIG keys at all (BADKEY). Every outcome is read back with ``dig`` from Samba.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.dns.adapter import DnspythonDns
from core.dns.dfo_log import DfoLog
from core.dns.failover_run import DONE, run_failback, run_failover
from core.dns.gss_tsig import GssTsigDns, primary_name
from core.dns.tsig_key import TsigKey
from core.errors import AuthFailed, Refused
from core.ports import RRSet, ZoneChange
from tests.peers.conftest import DC_NAME, Peers

ZONE, REV = "lab.example.com", "10.0.127.in-addr.arpa"


def gss(peers: Peers) -> GssTsigDns:
    return GssTsigDns(peers.samba_ip, server_name=DC_NAME, timeout=5)


@pytest.fixture
def samba(peers: Peers, ticket: str) -> Iterator[Peers]:
    yield peers


def dig(p: Peers, name: str, rdtype: str = "A") -> list[str]:
    return p.dig(name, rdtype, server=p.samba_ip)


def test_the_gss_name_is_the_zone_primary(samba: Peers) -> None:
    assert primary_name(DnspythonDns(samba.samba_ip), ZONE) == DC_NAME


def test_unsigned_update_of_a_secure_only_zone_is_refused(samba: Peers) -> None:
    change = ZoneChange(ZONE, replace=(RRSet("unsigned01.lab.example.com.", "A", 60,
                                              ("127.0.10.99",)),))
    with pytest.raises(Refused) as err:
        DnspythonDns(samba.samba_ip).apply(change)
    assert "unsigned updates are not allowed" in str(err.value)
    assert "GSS-TSIG" in str(err.value)
    assert dig(samba, "unsigned01.lab.example.com") == []


def test_gss_tsig_update_is_applied(samba: Peers) -> None:
    name = f"gss-{uuid.uuid4().hex[:8]}.lab.example.com."  # new on every run
    gss(samba).apply(ZoneChange(ZONE, expect=(RRSet(name, "A", 0, ()),),
                                replace=(RRSet(name, "A", 60, ("127.0.10.80", "127.0.10.81")),)))
    assert dig(samba, name) == ["127.0.10.80", "127.0.10.81"]
    assert samba.ttl(name, "A", server=samba.samba_ip) == 60
    # and an unsigned change of the same record is refused; the record stays
    with pytest.raises(Refused):
        DnspythonDns(samba.samba_ip).apply(ZoneChange(ZONE, replace=(
            RRSet(name, "A", 60, ("127.0.10.99",)),)))
    assert dig(samba, name) == ["127.0.10.80", "127.0.10.81"]


def test_gss_failover_and_failback_of_a_two_address_source(samba: Peers, tmp_path: Path) -> None:
    g = gss(samba)
    src, tgt = "web01.lab.example.com.", "web02.lab.example.com."
    g.apply(ZoneChange(ZONE, replace=(RRSet(src, "A", 300, ("127.0.10.90", "127.0.10.91")),
                                      RRSet(tgt, "A", 300, ("127.0.10.92", "127.0.10.93")))))
    g.apply(ZoneChange(REV, replace=tuple(
        RRSet(f"{n}.10.0.127.in-addr.arpa.", "PTR", 300, (name,))
        for n, name in ((90, src), (91, src), (92, tgt), (93, tgt)))))
    state, log = tmp_path / "WEB01.json", DfoLog(tmp_path, ["WEB01", "WEB02"])
    ip_map = {"127.0.10.90": "127.0.10.92", "127.0.10.91": "127.0.10.93"}

    results = run_failover(g, src, tgt, ip_map, state, log, ttl=30)
    assert [r.status for r in results] == [DONE, DONE], [r.message for r in results]
    assert dig(samba, src) == ["127.0.10.92", "127.0.10.93"]
    assert samba.ttl(src, "A", server=samba.samba_ip) == 30
    assert dig(samba, "90.10.0.127.in-addr.arpa", "PTR") == []
    assert dig(samba, "92.10.0.127.in-addr.arpa", "PTR") == [src, tgt]

    back = run_failback(gss(samba), state, log)  # a new client: a new GSS context
    assert [r.status for r in back] == [DONE, DONE], [r.message for r in back]
    assert dig(samba, src) == ["127.0.10.90", "127.0.10.91"]
    assert samba.ttl(src, "A", server=samba.samba_ip) == 300
    assert dig(samba, "90.10.0.127.in-addr.arpa", "PTR") == [src]
    assert dig(samba, "92.10.0.127.in-addr.arpa", "PTR") == [tgt]


def test_gss_dns_test_passes_and_unsigned_fails(samba: Peers) -> None:
    gss(samba).probe_update(ZONE)
    with pytest.raises(Refused):
        DnspythonDns(samba.samba_ip).probe_update(ZONE)


def test_without_a_ticket_gss_says_kinit(peers: Peers, no_ticket: None) -> None:
    with pytest.raises(AuthFailed) as err:
        gss(peers).probe_update(ZONE)
    assert "no Kerberos ticket" in str(err.value) and "kinit" in str(err.value)


def test_samba_knows_no_shared_tsig_keys(samba: Peers) -> None:
    key = TsigKey("failover-key.", "hmac-sha256", base64.b64encode(b"k" * 32).decode())
    with pytest.raises(AuthFailed) as err:
        DnspythonDns(samba.samba_ip, key=key).probe_update(ZONE)
    assert "BADKEY" in str(err.value)
