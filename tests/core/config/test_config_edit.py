"""``section.key=value`` editing: every field, all-or-nothing, precise messages."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import apply_assignments, default_config, field_help, get_text, settable_keys
from core.config.edit import as_assignments
from core.config.fields import FIELDS
from core.errors import InvalidInput
from core.model.config import DnsServerEntry, ProtectionConfig, ServiceItem
from core.model.rules import Rule
from tests.core.doubles import lab_servers

S = lab_servers()


def base() -> ProtectionConfig:
    return default_config("fileprint", S["FS01"], S["FS02"], dns_ttl=1200)


@pytest.mark.parametrize(("assignment", "path", "expected"), [
    ("monitoring.interval=1", "monitoring.interval", 1),
    ("monitoring.missed=3", "monitoring.missed", 3),
    ("monitoring.method=udp", "monitoring.method", "heartbeat"),
    ("monitoring.method=ICMP", "monitoring.method", "icmp"),
    ("monitoring.trigger=any", "monitoring.trigger", "any"),
    ("monitoring.manual_intervention=no", "monitoring.manual_intervention", False),
    ("monitoring.enabled=0", "monitoring.enabled", False),
    ("failover.type=identity", "failover.type", "identity"),
    ("failover.dns.ttl=300", "failover.dns.ttl", 300),
    ("failover.dns.update_ttl=yes", "failover.dns.update_ttl", True),
    ("failover.dns.user=LAB\\dnsadmin", "failover.dns.user", "LAB\\dnsadmin"),
    ("failover.dns.user=", "failover.dns.user", ""),
    ("failover.dns.client_server=127.0.10.1", "failover.dns.client_server", "127.0.10.1"),
    ("failover.dns.ip_map=127.0.10.11:127.0.10.12", "failover.dns.ip_map",
     {"127.0.10.11": "127.0.10.12"}),
    ("failover.dns.servers=127.0.10.1:10053/both,10.0.0.5",
     "failover.dns.servers", [DnsServerEntry("127.0.10.1", 10053, "both"),
                              DnsServerEntry("10.0.0.5", 53, "added")]),
    ("failover.identity.monitored_ips=127.0.10.11", "failover.identity.monitored_ips",
     ["127.0.10.11"]),
    ("failover.identity.target_nic=Team 1", "failover.identity.target_nic", "Team 1"),
    ("failover.identity.spns=off", "failover.identity.spns", False),
    ("snapshots.enabled=true", "snapshots.enabled", True),
    ("snapshots.interval_min=15", "snapshots.interval_min", 15),
    ("snapshots.start_at=2025-02-01T03:00", "snapshots.start_at", "2025-02-01T03:00"),
    ("connection.route=127.0.10.12", "connection.route", "127.0.10.12"),
    ("connection.shares=Data,Users", "connection.shares", ["Data", "Users"]),
    ("connection.shares=", "connection.shares", []),
    ("connection.volume_paths=E:\\Apps, data;C:/Tools", "connection.volume_paths",
     ["E:\\Apps, data", "C:\\Tools"]),
    ("connection.volume_paths=E:\\A,D:\\B", "connection.volume_paths", ["E:\\A", "D:\\B"]),
    ("connection.mirror_type=full", "connection.mirror_type", "full"),
    ("connection.compression=max", "connection.compression", 9),
    ("connection.compression=4", "connection.compression", 4),
    ("advanced.override_rules=on", "advanced.override_rules", True),
    ("advanced.rules=include:E:\\Data;exclude-flat:E:\\Data\\Tmp", "advanced.rules",
     [Rule("E:\\Data"), Rule("E:\\Data\\Tmp", include=False, recursive=False)]),
    ("advanced.rules=include-flat:E:\\D\\a.mdf>f:/R/a.mdf", "advanced.rules",
     [Rule("E:\\D\\a.mdf", recursive=False, target="F:\\R\\a.mdf")]),
    ("advanced.set_name=fileprint_custom", "advanced.set_name", "fileprint_custom"),
    ("advanced.create_monitor=off", "advanced.create_monitor", False),
])
def test_every_kind_of_field(assignment: str, path: str, expected: object) -> None:
    new = apply_assignments(base(), [assignment])
    value: object = new
    for part in path.split("."):
        value = getattr(value, part)
    assert value == expected


@pytest.mark.parametrize(("assignment", "field", "words"), [
    ("monitoring.interval=0", "monitoring.interval", "between 1 and 3600"),
    ("monitoring.interval=3601", "monitoring.interval", "out of range"),
    ("monitoring.interval=fast", "monitoring.interval", "not a whole number"),
    ("monitoring.missed=1001", "monitoring.missed", "between 1 and 1000"),
    ("snapshots.interval_min=14", "snapshots.interval_min", "at least 15"),
    ("connection.compression=10", "connection.compression", "between 0 and 9"),
    ("failover.dns.ttl=-1", "failover.dns.ttl", "between 0 and 2147483647"),
    ("failover.dns.servers=127.0.10.1:70000", "failover.dns.servers", "between 1 and 65535"),
    ("failover.dns.servers=127.0.10.1/primary", "failover.dns.servers", "not one of"),
    ("failover.dns.ip_map=127.0.10.11:127.0.10.12,127.0.10.21:127.0.10.12",
     "failover.dns.ip_map", "used twice"),
    ("connection.route=fs02", "connection.route", "not an IPv4 address"),
    ("connection.mirror_type=fast", "connection.mirror_type", "checksum, full"),
    ("monitoring.enabled=maybe", "monitoring.enabled", "on or off"),
    ("advanced.rules=keep:E:\\x", "advanced.rules", "include:PATH"),
    ("advanced.rules=exclude:E:\\x>F:\\y", "advanced.rules", "only an include rule"),
    ("advanced.rules=include:E:\\x>y", "advanced.rules", "absolute Windows path"),
    ("advanced.rules=include:E:\\A>F:\\X;include:E:\\B>F:\\X\\sub", "advanced.rules",
     "would land in the same place"),
    ("advanced.rules=include:E:\\A>F:\\X;include:F:\\X\\y", "advanced.rules",
     "give each its own target folder"),
    ("advanced.set_name=bad name", "advanced.set_name", "letters, digits"),
    ("connection.volume_paths=Shares", "connection.volume_paths", "absolute Windows path"),
    ("failover.services=Svc/maybe", "failover.services", "NAME/stop"),
    ("advanced.plan_edits.pre-flight=x", "advanced.plan_edits.pre-flight", "post-failback"),
])
def test_bad_values_name_the_field_and_say_why(assignment: str, field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as info:
        apply_assignments(base(), [assignment])
    assert info.value.field == field
    assert words in info.value.message


def test_nothing_changes_when_one_assignment_is_bad() -> None:
    cfg = base()
    before = copy.deepcopy(cfg)
    with pytest.raises(InvalidInput, match="monitoring.missed"):
        apply_assignments(cfg, ["monitoring.interval=1", "monitoring.missed=0"])
    assert cfg == before
    new = apply_assignments(cfg, ["monitoring.interval=1", "monitoring.missed=3"])
    assert (new.monitoring.interval, new.monitoring.missed) == (1, 3)
    assert cfg == before and new is not cfg


@pytest.mark.parametrize(("assignment", "suggestion"), [
    ("monitoring.intervall=1", "monitoring.interval"),
    ("interval=1", "monitoring.interval"),
    ("connection.share=Data", "connection.shares"),
    ("nonsense.key=1", "settings start with one of advanced, cluster, connection"),
])
def test_unknown_keys_list_close_matches(assignment: str, suggestion: str) -> None:
    with pytest.raises(InvalidInput, match="unknown setting") as info:
        apply_assignments(base(), [assignment])
    assert suggestion in info.value.message


@pytest.mark.parametrize("bad", ["monitoring.interval", "=5", ""])
def test_missing_equals_sign(bad: str) -> None:
    with pytest.raises(InvalidInput, match="section.key=value"):
        apply_assignments(base(), [bad])


def test_setting_a_ttl_switches_update_ttl_on() -> None:
    assert base().failover.dns.update_ttl is False
    assert apply_assignments(base(), ["failover.dns.ttl=300"]).failover.dns.update_ttl is True
    off = apply_assignments(base(), ["failover.dns.ttl=300", "failover.dns.update_ttl=off"])
    assert off.failover.dns.update_ttl is False


def test_services_keep_their_flags_and_new_ones_are_user_added() -> None:
    cfg = base()
    cfg.failover.services = [ServiceItem("LanmanServer", user_added=False, must_stop_on_target=False)]
    new = apply_assignments(cfg, ["failover.services=Custom,lanmanserver,Other/run"])
    assert new.failover.services == [
        ServiceItem("Custom", True, True), ServiceItem("LanmanServer", False, False),
        ServiceItem("Other", True, False)]


def test_plan_edits_are_set_and_reset() -> None:
    new = apply_assignments(base(), ["advanced.plan_edits.post-failover=net share X=E:\\X"])
    assert new.advanced.plan_edits == {"post-failover": "net share X=E:\\X"}
    assert get_text(new, "advanced.plan_edits.post-failover") == "net share X=E:\\X"
    assert apply_assignments(new, ["advanced.plan_edits.post-failover="]).advanced.plan_edits == {}


def test_every_field_has_help_and_round_trips() -> None:
    cfg = apply_assignments(base(), [
        "failover.services=A/stop,B/run", "advanced.rules=include:E:\\D>F:\\X;exclude:E:\\D\\T",
        "connection.volume_paths=C:\\X;E:\\Y", "failover.dns.client_server=127.0.10.1",
        "failover.dns.user=dns@lab.example.com", "snapshots.start_at=2025-02-01T03:00"])
    assert set(FIELDS) <= set(settable_keys())
    assert all(field_help(k) for k in settable_keys())
    assert apply_assignments(ProtectionConfig("fileprint", "FS01", "FS02"),
                             as_assignments(cfg)) == cfg


_values = {
    "monitoring.interval": st.integers(1, 3600).map(str),
    "monitoring.missed": st.integers(1, 1000).map(str),
    "connection.compression": st.integers(0, 9).map(str),
    "failover.dns.ttl": st.integers(0, 2**31 - 1).map(str),
    "monitoring.trigger": st.sampled_from(["all", "any"]),
    "connection.mirror_type": st.sampled_from(["full", "checksum"]),
    "snapshots.enabled": st.sampled_from(["on", "off"]),
}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(_values)), min_size=1, max_size=5).flatmap(
    lambda keys: st.tuples(*[st.tuples(st.just(k), _values[k]) for k in keys])))
def test_get_text_round_trips_any_valid_value(pairs: tuple[tuple[str, str], ...]) -> None:
    new = apply_assignments(base(), [f"{k}={v}" for k, v in pairs])
    last = dict(pairs)
    for key, value in last.items():
        assert get_text(new, key) == value
