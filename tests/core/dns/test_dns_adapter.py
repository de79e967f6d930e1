"""DnspythonDns against the lab DNS server on the wire."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from core.dns.adapter import PROBE_LABEL, DnspythonDns
from core.dns.tsig_key import TsigKey
from core.errors import AuthFailed, InvalidInput, NotFound, Refused, Unreachable
from core.lab.dns_server import LabDnsServer
from core.ports import RRSet, ZoneChange

LAB_IP = "127.0.42.1"
ZONE = "lab.example.com."
FS01 = "fs01.lab.example.com."


def snapshot(server: LabDnsServer) -> str:
    return json.dumps({str(k): v.to_json() for k, v in sorted(server.zones.items())})


def serial(client: DnspythonDns, zone: str = ZONE) -> int:
    soa = client.lookup(zone, "SOA")
    assert soa is not None
    return int(soa.values[0].split()[2])


# --- lookups -----------------------------------------------------------------------------
def test_lookup_returns_ttl_and_presentation_values(client: DnspythonDns) -> None:
    assert client.lookup("FS01.lab.example.com", "a") == RRSet(FS01, "A", 1200, ("127.0.42.11",))
    assert client.lookup("11.42.0.127.in-addr.arpa.", "PTR") == RRSet(
        "11.42.0.127.in-addr.arpa.", "PTR", 1200, (FS01,))
    assert client.lookup("nosuch.lab.example.com", "A") is None  # NXDOMAIN
    assert client.lookup(FS01, "MX") is None  # no data


def test_lookup_follows_cnames_and_falls_back_to_tcp(client: DnspythonDns) -> None:
    client.apply(ZoneChange(ZONE, replace=(
        RRSet("alias.lab.example.com.", "CNAME", 300, (FS01,)),
        RRSet("big.lab.example.com.", "TXT", 300,
              tuple(f'"padding record number {i:03d} to overflow a UDP answer"' for i in range(40))),
    )))
    alias = client.lookup("alias.lab.example.com", "A")
    assert alias is not None and alias.name == FS01 and alias.values == ("127.0.42.11",)
    big = client.lookup("big.lab.example.com", "TXT")
    assert big is not None and len(big.values) == 40  # > 512 bytes: only TCP carries it


def test_lookup_errors_are_typed(client: DnspythonDns) -> None:
    with pytest.raises(Refused, match="refused to answer for www.example.org"):
        client.lookup("www.example.org", "A")
    with pytest.raises(InvalidInput):
        client.lookup(FS01, "NOTATYPE")
    with pytest.raises(InvalidInput):
        client.lookup("bad..name", "A")


def test_zone_of_walks_up_to_the_soa(client: DnspythonDns) -> None:
    assert client.zone_of(FS01) == ZONE
    assert client.zone_of("a.b.c.nosuch.lab.example.com") == ZONE
    assert client.zone_of("lab.example.com") == ZONE
    assert client.zone_of("12.42.0.127.in-addr.arpa") == "42.0.127.in-addr.arpa."
    with pytest.raises(NotFound, match="serves no zone holding www.example.org."):
        client.zone_of("www.example.org")


def test_unreachable_server_times_out(lab_key: TsigKey) -> None:
    dead = DnspythonDns("127.0.42.250", 9, lab_key, timeout=0.2)
    with pytest.raises(Unreachable, match="did not answer within 0.2 s"):
        dead.lookup(FS01, "A")
    with pytest.raises(Unreachable, match="127.0.42.250:9"):
        dead.apply(ZoneChange(ZONE, delete=((FS01, "A"),)))


# --- updates -----------------------------------------------------------------------------
def test_apply_replaces_with_value_prerequisites(client: DnspythonDns) -> None:
    client.apply(ZoneChange(
        ZONE,
        expect=(RRSet(FS01, "A", 1200, ("127.0.42.11",)), RRSet(FS01, "MX", 0, ())),
        replace=(RRSet(FS01, "A", 60, ("127.0.42.12", "127.0.42.13")),),
        delete=(("fs03.lab.example.com.", "A"),),
    ))
    assert client.lookup(FS01, "A") == RRSet(FS01, "A", 60, ("127.0.42.12", "127.0.42.13"))
    assert client.lookup("fs03.lab.example.com", "A") is None
    assert serial(client) == 2  # one UPDATE message, one new version


@pytest.mark.parametrize("expect", [
    RRSet(FS01, "A", 0, ("127.0.42.99",)),  # other value
    RRSet(FS01, "A", 0, ("127.0.42.11", "127.0.42.12")),  # a value more
    RRSet(FS01, "A", 0, ()),  # "does not exist", but it does
])
def test_changed_records_refuse_the_whole_change(
        client: DnspythonDns, lab_dns: LabDnsServer, expect: RRSet) -> None:
    before = snapshot(lab_dns)
    change = ZoneChange(ZONE, expect=(RRSet("fs02.lab.example.com.", "A", 0, ("127.0.42.12",)), expect),
                        replace=(RRSet(FS01, "A", 60, ("127.0.42.12",)),))
    with pytest.raises(Refused, match="the records changed since they were read"):
        client.apply(change)
    assert snapshot(lab_dns) == before


@pytest.mark.parametrize("key, error, text", [
    (None, Refused, "refused the update of zone lab.example.com (unsigned updates are not allowed"),
    ("reader", Refused, "refused the update of zone lab.example.com (the key may not update this zone)"),
    (TsigKey("stranger.", "hmac-sha256", "c3RyYW5nZXI="), AuthFailed, "does not know the TSIG key 'stranger.' (BADKEY)"),
    (TsigKey("appmgr-lab-key.", "hmac-sha256", "d3Jvbmc="), AuthFailed, "secret or algorithm is wrong (BADSIG)"),
])
def test_rejected_updates_raise_typed_errors_and_change_nothing(
        lab_dns: LabDnsServer, reader_key: TsigKey, key: TsigKey | str | None, error: type,
        text: str) -> None:
    key = reader_key if key == "reader" else key
    assert not isinstance(key, str)
    before = snapshot(lab_dns)
    bad = DnspythonDns(LAB_IP, lab_dns.port, key, timeout=2.0)
    with pytest.raises(error) as info:
        bad.apply(ZoneChange(ZONE, replace=(RRSet(FS01, "A", 60, ("127.0.42.99",)),)))
    assert text in str(info.value)
    assert f"the DNS server {LAB_IP}:{lab_dns.port} " in str(info.value)
    if key is not None:
        assert key.secret not in str(info.value) and key.secret not in repr(bad)
    with pytest.raises(error):
        bad.probe_update(ZONE)
    assert snapshot(lab_dns) == before


def test_update_of_a_foreign_zone_says_not_authoritative(client: DnspythonDns) -> None:
    with pytest.raises(Refused, match="not authoritative for zone example.org"):
        client.apply(ZoneChange("example.org.", delete=(("x.example.org.", "A"),)))


# --- the probe ----------------------------------------------------------------------
def test_probe_passes_and_changes_nothing(client: DnspythonDns, lab_dns: LabDnsServer) -> None:
    before = snapshot(lab_dns)
    client.probe_update(ZONE)
    client.probe_update("42.0.127.in-addr.arpa")
    assert snapshot(lab_dns) == before
    assert serial(client) == 1 and serial(client, "42.0.127.in-addr.arpa.") == 1
    assert client.lookup(FS01, "A") == RRSet(FS01, "A", 1200, ("127.0.42.11",))


def test_probe_tries_another_name_when_its_name_is_taken(
        lab_dns: LabDnsServer, lab_key: TsigKey, client: DnspythonDns) -> None:
    taken = f"{PROBE_LABEL}taken.{ZONE}"
    client.apply(ZoneChange(ZONE, replace=(RRSet(taken, "A", 300, ("127.0.42.70",)),)))
    tokens: Iterator[str] = iter(["taken", "free"])
    probing = DnspythonDns(LAB_IP, lab_dns.port, lab_key, timeout=2.0, token=lambda: next(tokens))
    before = snapshot(lab_dns)
    probing.probe_update(ZONE)
    assert snapshot(lab_dns) == before
    assert client.lookup(taken, "A") == RRSet(taken, "A", 300, ("127.0.42.70",))


def test_names_in_values_are_absolute_without_a_trailing_dot(client: DnspythonDns) -> None:
    client.apply(ZoneChange(ZONE, replace=(
        RRSet(ZONE, "MX", 300, ("10 fs01.lab.example.com",)),
        RRSet("www.lab.example.com", "CNAME", 300, ("fs02.lab.example.com",)),
    )))
    assert client.lookup(ZONE, "MX") == RRSet(ZONE, "MX", 300, ("10 fs01.lab.example.com.",))
    www = client.lookup("www.lab.example.com.", "CNAME")
    assert www is not None and www.values == ("fs02.lab.example.com.",)
