"""DNS checks: servers reachable, reverse zone, update rights, TTL (pass and fail each)."""

from __future__ import annotations

from core.errors import Unreachable
from core.ports import RRSet
from core.validation import Status, fix
from tests.core.doubles import DOMAIN, FakeDns, FakeWorld
from tests.core.validation.vhelp import config_for, run_check

LAB_DNS = "127.0.10.1"


def _fake(world: FakeWorld) -> FakeDns:
    return world.dns[LAB_DNS]


# --- dns.reachable --------------------------------------------------------------------------
def test_reachable_passes_with_an_soa_answer(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "dns.reachable")
    assert res.status is Status.PASSED
    assert res.reason == "127.0.10.1 answered for the zone of fs01.lab.example.com"
    assert ("lookup", "lab.example.com.", "SOA") in _fake(world).calls


def test_reachable_uses_the_configured_port(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "failover.dns.servers=127.0.10.1:10053/both")
    assert run_check(world, cfg, "dns.reachable").status is Status.PASSED
    assert world.dns_addrs == ["127.0.10.1:10053"]


def test_reachable_fails_for_a_silent_server(world: FakeWorld) -> None:
    cfg = config_for(world, "FS01", "FS02", "failover.dns.servers=127.0.10.1,127.0.10.99")
    res = run_check(world, cfg, "dns.reachable")
    assert res.status is Status.ERROR
    assert res.reason == "DNS server 127.0.10.99 does not answer"


def test_reachable_fails_when_the_server_has_no_zone(world: FakeWorld) -> None:
    world.dns[LAB_DNS] = FakeDns({"other.example.net": []})
    res = run_check(world, config_for(world), "dns.reachable")
    assert res.status is Status.ERROR
    assert res.reason == "DNS server 127.0.10.1 knows no zone holding fs01.lab.example.com"


def test_reachable_fails_without_servers(world: FakeWorld) -> None:
    res = run_check(world, config_for(world, "FS01", "FS02", "failover.dns.servers="),
                    "dns.reachable")
    assert res.status is Status.ERROR and "no DNS server is configured" in res.reason


# --- dns.reverse_zone ---------------------------------------------------------------------
def test_reverse_zone_passes(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "dns.reverse_zone")
    assert (res.status, res.reason) == (Status.PASSED,
                                        "10.0.127.in-addr.arpa holds the PTR records")


def test_reverse_zone_fails_when_missing(world: FakeWorld) -> None:
    del _fake(world).zones["10.0.127.in-addr.arpa."]
    res = run_check(world, config_for(world), "dns.reverse_zone")
    assert res.status is Status.ERROR
    assert res.reason == ("DNS server 127.0.10.1 has no reverse lookup zone for 127.0.10.11 "
                          "(11.10.0.127.in-addr.arpa) (Fix creates it when the credentials allow)")
    assert res.fixable


# --- dns.update_rights --------------------------------------------------------------------
def test_update_rights_pass_probes_both_zones_with_the_dns_credential(world: FakeWorld) -> None:
    res = run_check(world, config_for(world), "dns.update_rights")
    assert res.status is Status.PASSED
    fake = _fake(world)
    assert fake.probed == ["lab.example.com.", "10.0.127.in-addr.arpa."]
    assert fake.applied == []  # a probe changes no record
    assert fake.credential is not None and fake.credential.user == "LAB\\dnsadmin"


def test_update_rights_fail_when_refused(world: FakeWorld) -> None:
    _fake(world).allow_updates = False
    res = run_check(world, config_for(world), "dns.update_rights")
    assert res.status is Status.ERROR
    assert res.reason.startswith("the DNS credentials may not update lab.example.com on "
                                 "127.0.10.1: the DNS server refused")


def test_update_rights_go_to_the_client_dns_server_first(world: FakeWorld) -> None:
    world.dns["127.0.10.2"] = FakeDns({DOMAIN: [], "10.0.127.in-addr.arpa": []})
    _fake(world).error = Unreachable("silent")
    cfg = config_for(world, "FS01", "FS02", "failover.dns.servers=127.0.10.1,127.0.10.2",
                     "failover.dns.client_server=127.0.10.2")
    assert run_check(world, cfg, "dns.update_rights").status is Status.PASSED
    assert world.dns["127.0.10.2"].probed and not _fake(world).probed


# --- dns.ttl --------------------------------------------------------------------------------
def _a_ttl(world: FakeWorld, ttl: int) -> None:
    zone = _fake(world).zones["lab.example.com."]
    zone[("fs01.lab.example.com.", "A")] = RRSet("fs01.lab.example.com.", "A", ttl,
                                                   ("127.0.10.11",))


def test_ttl_passes_at_300(world: FakeWorld) -> None:
    _a_ttl(world, 300)
    res = run_check(world, config_for(world, "FS01", "FS02", "failover.dns.update_ttl=off"),
                    "dns.ttl")
    assert (res.status, res.reason) == (Status.PASSED, "the TTL is 300 s")


def test_ttl_warns_above_300_and_offers_a_config_fix(world: FakeWorld) -> None:
    _a_ttl(world, 1200)
    cfg = config_for(world, "FS01", "FS02", "failover.dns.update_ttl=off")
    res = run_check(world, cfg, "dns.ttl")
    assert res.status is Status.WARNING and res.fixable
    assert "the TTL of fs01.lab.example.com is 1200 s" in res.reason
    out = fix(world.ctx, cfg, "dns.ttl")
    assert out.result.reason == "the TTL will be set to 300 s"


def test_ttl_to_be_set_counts_over_the_current_one(world: FakeWorld) -> None:
    _a_ttl(world, 1200)
    ok = config_for(world, "FS01", "FS02", "failover.dns.ttl=120")
    assert run_check(world, ok, "dns.ttl").status is Status.PASSED
    high = config_for(world, "FS01", "FS02", "failover.dns.ttl=600")
    assert "will be set to 600 s" in run_check(world, high, "dns.ttl").reason
