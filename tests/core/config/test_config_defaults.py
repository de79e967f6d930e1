"""Defaults of a new pair (SPEC F-6) and the user's remembered choices (F-4)."""

from __future__ import annotations

import dataclasses

from core.config import default_config, non_machine_choices
from core.model.config import DnsServerEntry
from core.model.server import Nic
from tests.core.doubles import lab_servers, make_server

S = lab_servers()


def test_file_server_defaults() -> None:
    cfg = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200)
    assert (cfg.app, cfg.source, cfg.target) == ("fileprint", "FS01", "FS02")
    dns = cfg.failover.dns
    assert cfg.failover.type == "dns"
    assert dns.servers == [DnsServerEntry("127.0.10.1", 53, "both")]
    assert dns.ip_map == {"127.0.10.11": "127.0.10.12"}
    assert (dns.update_ttl, dns.ttl) == (False, 1200)
    ident = cfg.failover.identity
    assert (ident.ip_address, ident.server_name, ident.shares, ident.spns) == (True,) * 4
    assert ident.monitored_ips == ["127.0.10.11"] and ident.target_nic == "Local Area Connection"
    m = cfg.monitoring
    assert (m.enabled, m.manual_intervention, m.method, m.interval, m.missed, m.trigger) == (
        True, True, "heartbeat", 5, 5, "all")
    c = cfg.connection
    assert (c.route, c.shares, c.volume_paths, c.mirror_type, c.compression) == (
        "127.0.10.12", ["Data", "Users"], [], "checksum", 0)
    assert cfg.snapshots.enabled is False
    assert cfg.advanced.set_name == "fileprint_FS01_FS02"
    assert cfg.failover.services == []
    assert not cfg.advanced.override_rules and cfg.advanced.rules == []


def test_ttl_falls_back_to_300_when_unknown() -> None:
    assert default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=None).failover.dns.ttl == 300


def test_ips_map_by_position_and_dns_servers_are_labelled() -> None:
    src = dataclasses.replace(make_server("SRC", 21, ips=("10.0.0.1", "10.0.0.2", "10.0.0.3")),
                              dns_servers=("10.0.0.53", "10.0.1.53"))
    tgt = dataclasses.replace(make_server("TGT", 22, ips=("10.0.2.1", "10.0.2.2")),
                              dns_servers=("10.0.1.53", "10.0.2.53"),
                              nics=(Nic("NIC A", ("10.0.2.1",)), Nic("NIC B", ("10.0.2.2",))))
    cfg = default_config("fileprint", src, tgt, dns_servers=["10.0.2.53:5353", "192.0.2.1"])
    assert cfg.failover.dns.ip_map == {"10.0.0.1": "10.0.2.1", "10.0.0.2": "10.0.2.2"}
    assert cfg.failover.dns.servers == [
        DnsServerEntry("10.0.0.53", 53, "source"), DnsServerEntry("10.0.1.53", 53, "both"),
        DnsServerEntry("10.0.2.53", 5353, "target"), DnsServerEntry("192.0.2.1", 53, "added")]
    assert cfg.connection.route == "10.0.2.1"
    assert cfg.failover.identity.target_nic == "NIC A"


def test_pair_defaults_override_non_machine_settings_only() -> None:
    remembered = {
        "monitoring": {"interval": 2, "missed": 3, "manual_intervention": False},
        "connection.mirror_type": "full",
        "connection.compression": "max",
        "connection.route": "10.9.9.9",  # machine-specific: ignored
        "connection.shares": ["Other"],  # machine-specific: ignored
        "monitoring.trigger": "sometimes",  # stale/invalid: ignored
        "no.such.key": 1,
    }
    cfg = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200, pair_defaults=remembered)
    assert (cfg.monitoring.interval, cfg.monitoring.missed) == (2, 3)
    assert cfg.monitoring.manual_intervention is False
    assert cfg.monitoring.trigger == "all"
    assert (cfg.connection.mirror_type, cfg.connection.compression) == ("full", 9)
    assert cfg.connection.route == "127.0.10.12" and cfg.connection.shares == ["Data", "Users"]


def test_a_remembered_ttl_applies_only_with_update_ttl() -> None:
    on = {"failover.dns.update_ttl": True, "failover.dns.ttl": 300}
    cfg = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200, pair_defaults=on)
    assert (cfg.failover.dns.update_ttl, cfg.failover.dns.ttl) == (True, 300)
    off = {"failover.dns.update_ttl": False, "failover.dns.ttl": 60}
    cfg = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200, pair_defaults=off)
    assert (cfg.failover.dns.update_ttl, cfg.failover.dns.ttl) == (False, 1200)


def test_non_machine_choices_carry_to_the_next_pair() -> None:
    first = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200,
                           pair_defaults={"monitoring.missed": 7, "failover.dns.user": "LAB\\dns"})
    choices = non_machine_choices(first)
    assert choices["monitoring.missed"] == "7" and choices["failover.dns.user"] == "LAB\\dns"
    assert "connection.route" not in choices and "failover.dns.ip_map" not in choices
    assert "failover.dns.ttl" not in choices  # the source's own TTL is a machine fact
    second = default_config("fileprint", S["FS03"], S["FS02"], pair_defaults=choices)
    assert second.monitoring.missed == 7 and second.failover.dns.user == "LAB\\dns"
    assert second.connection.shares == ["Public"]
