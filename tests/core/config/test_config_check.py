"""Cross-field rules of a configuration against the servers."""

from __future__ import annotations

import dataclasses

import pytest

from core.config import apply_assignments, config_problems, default_config, failure_after_text
from core.model.config import ProtectionConfig, ServiceItem
from core.model.server import Nic
from tests.core.doubles import lab_servers

S = lab_servers()


def _cfg(*assignments: str) -> ProtectionConfig:
    cfg = default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=300)
    return apply_assignments(cfg, list(assignments))


def _fields(items: list) -> list[str]:
    return [e.field for e in items]


def test_defaults_have_no_problem() -> None:
    found = config_problems(_cfg(), S["FS01"], S["FS02"])
    assert found.ok and found.errors == [] and found.warnings == []


@pytest.mark.parametrize(("assignments", "field", "words"), [
    (["failover.dns.ip_map=10.1.1.1:127.0.10.12"], "failover.dns.ip_map", "10.1.1.1 is not an IP of FS01"),
    (["failover.dns.ip_map=127.0.10.11:127.0.10.99"], "failover.dns.ip_map", "not an IP of FS02"),
    (["failover.dns.ip_map="], "failover.dns.ip_map", "no source IP of FS01 is monitored"),
    (["connection.route=127.0.10.11"], "connection.route", "127.0.10.11 is not an IP of FS02"),
    (["connection.shares=Data,Finance"], "connection.shares", "FS01 has no share named 'Finance'"),
    (["connection.shares=C$"], "connection.shares", "no share named 'C$'"),
    (["connection.shares=", "connection.volume_paths="], "connection.shares", "nothing is selected"),
    (["connection.volume_paths=F:\\Data"], "connection.volume_paths", "FS01 has no F: volume"),
    (["failover.dns.servers="], "failover.dns.servers", "no DNS server"),
    (["failover.dns.client_server=10.9.9.9"], "failover.dns.client_server", "not one of the DNS"),
    (["advanced.override_rules=on", "advanced.rules=exclude:E:\\x"], "advanced.rules",
     "include nothing"),
])
def test_errors(assignments: list[str], field: str, words: str) -> None:
    found = config_problems(_cfg(*assignments), S["FS01"], S["FS02"])
    assert not found.ok
    assert any(e.field == field and words in e.message for e in found.errors), found.errors


def test_two_source_ips_on_one_target_ip_is_an_error() -> None:
    src = dataclasses.replace(S["FS01"], ips=("127.0.10.11", "127.0.10.21"))
    cfg = _cfg()
    cfg.failover.dns.ip_map = {"127.0.10.11": "127.0.10.12", "127.0.10.21": "127.0.10.12"}
    found = config_problems(cfg, src, S["FS02"])
    assert [e.message for e in found.errors] == [
        "127.0.10.11 and 127.0.10.21 both map to 127.0.10.12: each monitored source IP needs "
        "its own target IP"]


def test_snapshot_interval_below_15_is_an_error_even_if_loaded_from_a_file() -> None:
    cfg = _cfg("snapshots.enabled=on")
    cfg.snapshots.interval_min = 5
    assert _fields(config_problems(cfg, S["FS01"], S["FS02"]).errors) == ["snapshots.interval_min"]


@pytest.mark.parametrize(("assignments", "warned"), [
    (["failover.dns.ttl=300"], False),
    (["failover.dns.ttl=301"], True),
    (["failover.dns.ttl=3600", "failover.dns.update_ttl=off"], True),
])
def test_ttl_above_300_is_a_warning_not_an_error(assignments: list[str], warned: bool) -> None:
    found = config_problems(_cfg(*assignments), S["FS01"], S["FS02"])
    assert found.ok
    assert _fields(found.warnings) == (["failover.dns.ttl"] if warned else [])


def test_unknown_service_on_target_is_a_warning() -> None:
    cfg = _cfg()
    cfg.failover.services = [ServiceItem("LanmanServer"), ServiceItem("NoSuchSvc", True)]
    found = config_problems(cfg, S["FS01"], S["FS02"])
    assert found.ok and [w.message for w in found.warnings] == ["FS02 has no service named NoSuchSvc"]


def test_identity_failover_rules() -> None:
    cfg = _cfg("failover.type=identity")
    found = config_problems(cfg, S["FS01"], S["FS02"])
    assert found.ok and _fields(found.warnings) == ["failover.type"]  # the engine fails over
    far = dataclasses.replace(S["FS02"], nics=(Nic("Local Area Connection", ("10.7.0.2",)),))
    assert "failover.identity.ip_address" in _fields(config_problems(cfg, S["FS01"], far).warnings)
    bad = apply_assignments(cfg, ["failover.identity.target_nic=Nope",
                                  "failover.identity.monitored_ips=10.0.0.1"])
    assert set(_fields(config_problems(bad, S["FS01"], S["FS02"]).errors)) == {
        "failover.identity.target_nic", "failover.identity.monitored_ips"}


def test_only_prefix_filter() -> None:
    found = config_problems(_cfg("connection.route=127.0.10.11", "failover.dns.ttl=900"),
                            S["FS01"], S["FS02"])
    assert _fields(found.of("connection.").errors) == ["connection.route"]
    assert found.of("connection.").warnings == []


@pytest.mark.parametrize(("interval", "missed", "text"), [
    (5, 5, "failure declared after 25 s"),
    (1, 3, "failure declared after 3 s"),
    (60, 5, "failure declared after 300 s (5 min)"),
    (25, 5, "failure declared after 125 s (2 min 5 s)"),
])
def test_failure_after_text(interval: int, missed: int, text: str) -> None:
    assert failure_after_text(interval, missed) == text
