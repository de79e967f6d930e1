"""The lab DNS server on the wire (dnspython as the client), on 127.0.42.x."""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TSIG
import dns.rrset
import dns.tsig
import dns.update
import pytest

from core.dns.tsig_key import TsigKey
from core.lab.dns_server import LabDnsServer
from core.lab.dns_thread import DnsServerThread
from core.lab.estate import Estate, load_estate

IP = "127.0.42.1"
ZONE = "lab.example.com."
REV = "42.0.127.in-addr.arpa."
OTHER = TsigKey("reader-key.", "hmac-sha256", "cmVhZGVyLWtleS1zZWNyZXQtZm9yLXRlc3Rz")


@pytest.fixture
def estate() -> Estate:
    return load_estate(net="127.0.42")


@pytest.fixture
def server(estate: Estate, tmp_path: Path) -> Iterator[LabDnsServer]:
    with DnsServerThread(LabDnsServer(estate, tmp_path, IP, 0, extra_keys=[OTHER])) as srv:
        yield srv


def key(estate: Estate, name: str | None = None, secret: str | None = None) -> dns.tsig.Key:
    return dns.tsig.Key(name or estate.tsig_key_name, secret or estate.tsig_secret, "hmac-sha256")


def ask(srv: LabDnsServer, name: str, rdtype: str, tcp: bool = False) -> dns.message.Message:
    q = dns.message.make_query(name, rdtype)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(q, IP, timeout=2, port=srv.port)


def values(srv: LabDnsServer, name: str, rdtype: str) -> set[str]:
    r = ask(srv, name, rdtype)
    return {rd.to_text() for rrset in r.answer if rrset.rdtype == dns.rdatatype.from_text(rdtype)
            for rd in rrset}


def serial(srv: LabDnsServer, zone: str = ZONE) -> int:
    return int(ask(srv, zone, "SOA").answer[0][0].serial)


def update(srv: LabDnsServer, u: dns.update.UpdateMessage) -> dns.rcode.Rcode:
    return dns.query.tcp(u, IP, timeout=2, port=srv.port).rcode()


def signed(estate: Estate, zone: str = ZONE) -> dns.update.UpdateMessage:
    return dns.update.UpdateMessage(zone, keyring=key(estate))


# --- queries -------------------------------------------------------------------------
def test_answers_a_ptr_soa_ns_authoritatively(server: LabDnsServer) -> None:
    r = ask(server, "fs01.lab.example.com", "A")
    assert r.rcode() == dns.rcode.NOERROR and r.flags & dns.flags.AA
    assert r.answer[0].ttl == 1200 and r.answer[0][0].to_text() == "127.0.42.11"
    assert values(server, "12.42.0.127.in-addr.arpa", "PTR") == {"fs02.lab.example.com."}
    soa = ask(server, ZONE, "SOA").answer[0][0]
    assert soa.mname.to_text() == "dc01.lab.example.com." and soa.serial == 1
    ns = ask(server, REV, "NS")
    assert {rd.to_text() for rd in ns.answer[0]} == {"dc01.lab.example.com."}
    assert ns.additional[0][0].to_text() == IP  # the NS target's address comes along


def test_negative_answers_carry_the_soa(server: LabDnsServer) -> None:
    nx = ask(server, "nosuch.lab.example.com", "A")
    assert nx.rcode() == dns.rcode.NXDOMAIN and nx.flags & dns.flags.AA
    assert nx.authority[0].rdtype == dns.rdatatype.SOA and nx.authority[0].ttl == 300
    nodata = ask(server, "fs01.lab.example.com", "MX")
    assert nodata.rcode() == dns.rcode.NOERROR and nodata.answer == []
    assert nodata.authority[0].name == dns.name.from_text(ZONE)


def test_names_outside_the_zones_are_refused(server: LabDnsServer) -> None:
    r = ask(server, "www.example.org", "A")
    assert r.rcode() == dns.rcode.REFUSED and not r.flags & dns.flags.AA


def test_any_and_tcp_queries(server: LabDnsServer) -> None:
    r = ask(server, ZONE, "ANY", tcp=True)
    assert {rrset.rdtype for rrset in r.answer} == {dns.rdatatype.SOA, dns.rdatatype.NS,
                                                    dns.rdatatype.MX}


def test_large_answers_are_truncated_over_udp_and_whole_over_tcp(
        server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    for i in range(40):
        u.add("big", 300, "TXT", f'"record number {i} with some padding text to fill it up"')
    assert update(server, u) == dns.rcode.NOERROR
    q = dns.message.make_query("big.lab.example.com", "TXT", use_edns=False)
    r = dns.query.udp(q, IP, timeout=2, port=server.port, ignore_trailing=True)
    assert r.flags & dns.flags.TC
    assert len(ask(server, "big.lab.example.com", "TXT", tcp=True).answer[0]) == 40


# --- updates: security -------------------------------------------------------------
def _try_update(server: LabDnsServer, u: dns.update.UpdateMessage) -> str:
    try:
        return dns.rcode.to_text(update(server, u))
    except dns.tsig.PeerBadKey:
        return "BADKEY"
    except dns.tsig.PeerBadSignature:
        return "BADSIG"


@pytest.mark.parametrize("who, expected", [
    ("unsigned", "REFUSED"), ("unknown key", "BADKEY"), ("wrong secret", "BADSIG"),
    ("key not allowed", "REFUSED"),
])
def test_bad_updates_are_rejected_and_change_nothing(
        server: LabDnsServer, estate: Estate, who: str, expected: str) -> None:
    keyring = {
        "unsigned": None,
        "unknown key": key(estate, name="stranger-key."),
        "wrong secret": key(estate, secret="d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=="),
        "key not allowed": dns.tsig.Key(OTHER.name, OTHER.secret, "hmac-sha256"),
    }[who]
    u = dns.update.UpdateMessage(ZONE, keyring=keyring)
    u.replace("fs01", 60, "A", "127.0.42.99")
    assert _try_update(server, u) == expected
    assert values(server, "fs01.lab.example.com", "A") == {"127.0.42.11"}
    assert serial(server) == 1


def test_tsig_errors_are_notauth_with_the_error_in_the_tsig(server: LabDnsServer, estate: Estate) -> None:
    u = dns.update.UpdateMessage(ZONE, keyring=key(estate, name="stranger-key."))
    u.delete("fs01", "A")
    with socket.create_connection((IP, server.port), timeout=2) as sock:
        dns.query.send_tcp(sock, u)
        # read, don't verify (dnspython documents keyring=False; its annotation omits it)
        r, _ = dns.query.receive_tcp(sock, time.time() + 2, keyring=False)  # type: ignore[arg-type]
    assert r.rcode() == dns.rcode.NOTAUTH and r.tsig_error == dns.rcode.BADKEY and r.mac == b""


def test_signed_requests_get_signed_answers(server: LabDnsServer, estate: Estate) -> None:
    q = dns.message.make_query("fs01.lab.example.com", "A")
    q.use_tsig(key(estate))
    r = dns.query.udp(q, IP, timeout=2, port=server.port)  # verifies the answer's signature
    assert r.had_tsig and r.answer
    u = signed(estate)
    u.add("new", 300, "A", "127.0.42.50")
    r = dns.query.tcp(u, IP, timeout=2, port=server.port)
    assert r.had_tsig and r.rcode() == dns.rcode.NOERROR


def test_update_of_a_zone_not_served_is_notauth(server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate, "example.org.")
    u.add("x", 300, "A", "127.0.42.50")
    assert update(server, u) == dns.rcode.NOTAUTH


# --- updates: RFC 2136 semantics ---------------------------------------------------------
def test_signed_update_applies_and_bumps_the_serial_once(server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    u.replace("fs01", 60, "A", "127.0.42.12")
    u.add("lab.example.com.", 300, "MX", "10 fs01.lab.example.com.")
    assert update(server, u) == dns.rcode.NOERROR
    r = ask(server, "fs01.lab.example.com", "A")
    assert [rd.to_text() for rd in r.answer[0]] == ["127.0.42.12"] and r.answer[0].ttl == 60
    # the estate's MX (EXCH01) stays beside the added one
    assert values(server, ZONE, "MX") == {"10 fs01.lab.example.com.", "10 exch01.lab.example.com."}
    assert serial(server) == 2 and serial(server, REV) == 1


@pytest.mark.parametrize("prereq, ok", [
    (lambda u: u.present("fs01", "A"), True),                      # rrset exists (value independent)
    (lambda u: u.present("fs01", "MX"), False),
    (lambda u: u.present("fs01", "A", "127.0.42.11"), True),       # rrset exists (value dependent)
    (lambda u: u.present("fs01", "A", "127.0.42.99"), False),
    (lambda u: u.absent("fs01", "MX"), True),                       # rrset does not exist
    (lambda u: u.absent("fs01", "A"), False),
    (lambda u: u.present("fs01"), True),                            # name is in use
    (lambda u: u.present("nosuch"), False),
    (lambda u: u.absent("nosuch"), True),                           # name is not in use
    (lambda u: u.absent("fs01"), False),
])
def test_every_prerequisite_kind(server: LabDnsServer, estate: Estate, prereq, ok: bool) -> None:
    u = signed(estate)
    prereq(u)
    u.add("probe", 300, "A", "127.0.42.77")
    rcode = update(server, u)
    assert (rcode == dns.rcode.NOERROR) is ok, dns.rcode.to_text(rcode)
    assert values(server, "probe.lab.example.com", "A") == ({"127.0.42.77"} if ok else set())
    assert serial(server) == (2 if ok else 1)


def test_failed_prerequisite_leaves_every_zone_unchanged(server: LabDnsServer, estate: Estate) -> None:
    before = json.dumps({str(k): v.to_json() for k, v in server.zones.items()})
    u = signed(estate)
    u.present("fs01", "A", "127.0.42.11")
    u.present("fs02", "A", "127.0.42.99")  # wrong: the whole update must be refused
    u.replace("fs01", 60, "A", "127.0.42.12")
    u.delete("fs02")
    assert update(server, u) == dns.rcode.NXRRSET
    assert values(server, "fs01.lab.example.com", "A") == {"127.0.42.11"}
    assert values(server, "fs02.lab.example.com", "A") == {"127.0.42.12"}
    assert json.dumps({str(k): v.to_json() for k, v in server.zones.items()}) == before


def test_update_operations(server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    u.add("multi", 300, "A", "127.0.42.51", "127.0.42.52", "127.0.42.53")
    u.add("multi", 300, "TXT", '"hello"')
    assert update(server, u) == dns.rcode.NOERROR
    u = signed(estate)
    u.delete("multi", "A", "127.0.42.52")  # delete one RR
    assert update(server, u) == dns.rcode.NOERROR
    assert values(server, "multi.lab.example.com", "A") == {"127.0.42.51", "127.0.42.53"}
    u = signed(estate)
    u.delete("multi", "TXT")  # delete an rrset
    assert update(server, u) == dns.rcode.NOERROR
    assert values(server, "multi.lab.example.com", "TXT") == set()
    u = signed(estate)
    u.delete("multi")  # delete every rrset at the name
    assert update(server, u) == dns.rcode.NOERROR
    assert ask(server, "multi.lab.example.com", "A").rcode() == dns.rcode.NXDOMAIN
    assert serial(server) == 5


def test_apex_soa_and_ns_survive_deletes_and_noops_keep_the_serial(
        server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    u.delete(ZONE, "NS", "dc01.lab.example.com.")  # the last NS must stay
    u.delete("nosuch", "A")  # nothing there
    assert update(server, u) == dns.rcode.NOERROR
    assert serial(server) == 1
    u = signed(estate)
    u.delete(ZONE)  # everything at the apex: the MX goes, SOA and NS must stay
    assert update(server, u) == dns.rcode.NOERROR
    assert values(server, ZONE, "NS") == {"dc01.lab.example.com."}
    assert values(server, ZONE, "MX") == set()
    assert serial(server) == 2


def test_names_outside_the_zone_are_notzone(server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    u.add("fs01.example.org.", 300, "A", "127.0.42.50")
    assert update(server, u) == dns.rcode.NOTZONE
    assert serial(server) == 1


def test_cname_cannot_join_other_data(server: LabDnsServer, estate: Estate) -> None:
    u = signed(estate)
    u.add("fs01", 300, "CNAME", "fs02.lab.example.com.")  # fs01 has an A: ignored
    u.add("alias", 300, "CNAME", "fs02.lab.example.com.")
    assert update(server, u) == dns.rcode.NOERROR
    assert values(server, "fs01.lab.example.com", "CNAME") == set()
    r = ask(server, "alias.lab.example.com", "A")
    assert [rrset.rdtype for rrset in r.answer] == [dns.rdatatype.CNAME, dns.rdatatype.A]


# --- persistence -------------------------------------------------------------------
def test_zones_survive_a_restart_and_reset_rebuilds(estate: Estate, tmp_path: Path) -> None:
    with DnsServerThread(LabDnsServer(estate, tmp_path, IP, 0)) as srv:
        u = signed(estate)
        u.replace("fs01", 60, "A", "127.0.42.12")
        assert update(srv, u) == dns.rcode.NOERROR
    saved = json.loads((tmp_path / "zones.json").read_text())
    assert any(r["values"] == ["127.0.42.12"] for r in saved["zones"][ZONE])
    with DnsServerThread(LabDnsServer(estate, tmp_path, IP, 0)) as srv:
        assert values(srv, "fs01.lab.example.com", "A") == {"127.0.42.12"}
        assert serial(srv) == 2
        srv.reset()
        assert values(srv, "fs01.lab.example.com", "A") == {"127.0.42.11"}
        assert serial(srv) == 1


def test_zones_of_another_estate_or_a_damaged_file_are_rebuilt(estate: Estate, tmp_path: Path) -> None:
    (tmp_path / "zones.json").write_text("{not json")
    with DnsServerThread(LabDnsServer(estate, tmp_path, IP, 0)) as srv:
        assert values(srv, "fs01.lab.example.com", "A") == {"127.0.42.11"}
    other = load_estate(net="127.0.43")
    srv = LabDnsServer(other, tmp_path, IP, 0)
    srv.load()
    assert {str(z) for z in srv.zones} == {ZONE, "43.0.127.in-addr.arpa."}


def _signed_at(estate: Estate, when: int) -> bytes:
    """An UPDATE signed as if at ``when`` (epoch s): the TSIG record appended by hand."""
    u = dns.update.UpdateMessage(ZONE)
    u.delete("fs01", "A")
    wire = u.to_wire()
    k = key(estate)
    blank = dns.rdtypes.ANY.TSIG.TSIG(dns.rdataclass.ANY, dns.rdatatype.TSIG, k.algorithm, 0, 300,
                                      b"", u.id, 0, b"")
    tsig, _ = dns.tsig.sign(wire, k, blank, when)
    out = io.BytesIO()
    dns.rrset.from_rdata(k.name, 0, tsig).to_wire(out)
    adcount = int.from_bytes(wire[10:12], "big") + 1
    return wire[:10] + adcount.to_bytes(2, "big") + wire[12:] + out.getvalue()


def test_stale_signatures_are_badtime(server: LabDnsServer, estate: Estate) -> None:
    fresh = server.handle(_signed_at(estate, int(time.time())), udp=False)
    assert fresh is not None
    assert dns.message.from_wire(fresh, keyring=False).rcode() == dns.rcode.NOERROR
    stale = server.handle(_signed_at(estate, int(time.time()) - 3600), udp=False)
    assert stale is not None
    r = dns.message.from_wire(stale, keyring=False)
    assert r.rcode() == dns.rcode.NOTAUTH and r.tsig_error == dns.rcode.BADTIME
