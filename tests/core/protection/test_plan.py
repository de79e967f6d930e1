"""The four generated phases of a File server pair, edits and plan_changed."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from core.model.config import ProtectionConfig, ServiceItem
from core.model.server import Server, Share
from core.protection.facts import facts_from
from core.protection.plan import generate, generated_text, phase_steps, phase_text, plan_changed
from core.protection.script import Step, parse

from .doubles import IP1, IP2, file_config

SOURCE = Server("FS01", fqdn="fs01.lab.example.com", ips=(IP1,), shares=(
    Share("Data", "E:\\Shares\\Data", description="Department data"),
    Share("Users", "E:\\Shares\\Users"), Share("C$", "C:\\", admin=True)))
TARGET = Server("FS02", fqdn="fs02.lab.example.com", ips=(IP2,))


def _facts(cfg: ProtectionConfig, source: Server = SOURCE):
    return facts_from(cfg, source, TARGET, "lab.example.com", 6320)


def test_file_server_phases() -> None:
    cfg = file_config()
    cfg.failover.services = [ServiceItem("Alpha", True), ServiceItem("Beta", True)]
    plans = generate(cfg, _facts(cfg))
    assert list(plans) == ["post-failover", "pre-failback", "post-restore", "post-failback"]
    name = "fileprint_FS01_FS02"
    assert plans["post-failover"] == [
        Step("stop-replication", (name,)),
        Step("stop-monitor", (name,)),
        Step("start-service", ("Alpha",)),
        Step("start-service", ("Beta",)),
        Step("publish-share", ("Data", "E:\\Shares\\Data"), {"description": "Department data"}),
        Step("publish-share", ("Users", "E:\\Shares\\Users")),
        Step("dns-failover", ("fs01.lab.example.com", f"{IP1}={IP2}"),
             {"ttl": "60", "target": "fs02.lab.example.com"}),
    ]
    assert plans["pre-failback"] == [
        Step("stop-service", ("Beta",)),
        Step("stop-service", ("Alpha",)),
        Step("withdraw-share", ("Data",)),
        Step("withdraw-share", ("Users",)),
        Step("dns-failback", ("fs01.lab.example.com",)),
    ]
    assert plans["post-restore"][0] == Step("check-source")
    assert Step("start-service", ("LanmanServer",), {"on": "source"}) in plans["post-restore"]
    assert plans["post-failback"] == [
        Step("reprotect", (name,), {"port": "6320", "mirror": "checksum", "route": IP2,
                                    "compression": "0"}),
        Step("create-monitor", (name, IP1), {"method": "heartbeat", "interval": "1",
                                             "missed": "3", "trigger": "all", "port": "6320"}),
    ]


def test_ttl_only_when_asked_and_no_monitor_when_off() -> None:
    cfg = file_config(enabled=False)
    cfg.failover.dns.update_ttl = False
    plans = generate(cfg, _facts(cfg))
    dns = [s for s in plans["post-failover"] if s.verb == "dns-failover"]
    assert dns and "ttl" not in dns[0].options
    assert [s.verb for s in plans["post-failback"]] == ["reprotect"]


def test_generated_text_is_a_readable_script() -> None:
    cfg = file_config()
    text = generated_text(cfg, _facts(cfg), "post-failover")
    assert text.startswith("# post-failover for fileprint FS01 -> FS02")
    assert "\ndns-failover fs01.lab.example.com 127.0.10.11=127.0.10.12 ttl=60" in text
    assert "# base: " in text
    assert parse(text) == generate(cfg, _facts(cfg))["post-failover"]


def test_user_edits_replace_the_generated_phase() -> None:
    cfg = file_config()
    cfg.advanced.plan_edits["post-restore"] = "# mine\nwait 5\ncheck-source\n"
    assert phase_text(cfg, _facts(cfg), "post-restore").startswith("# mine")
    assert phase_steps(cfg, _facts(cfg), "post-restore") == [Step("wait", ("5",)), Step("check-source")]


def test_plan_changed_detects_edits_a_regeneration_would_overwrite() -> None:
    cfg = file_config()
    facts = _facts(cfg)
    assert plan_changed(cfg) is False  # no edits: nothing to overwrite
    edited = generated_text(cfg, facts, "post-failover") + "wait 10\n"
    cfg.advanced.plan_edits["post-failover"] = edited
    assert plan_changed(cfg, facts=facts) is False  # same base: edits stay valid
    cfg.failover.services.append(ServiceItem("Spooler", True))
    assert plan_changed(cfg, facts=_facts(cfg)) is True  # the generated text moved on
    cfg.failover.services.clear()
    cfg.connection.shares = ["Data"]
    assert plan_changed(cfg, facts=_facts(cfg)) is True
    # an edit without its base line counts unless it equals the generated text
    cfg = file_config()
    assert plan_changed(cfg, {"post-restore": "check-source\n"}, _facts(cfg)) is True
    same = generated_text(cfg, _facts(cfg), "post-restore")
    assert plan_changed(cfg, {"post-restore": same.replace("# base", "# was")}, _facts(cfg)) is True
    assert plan_changed(cfg, {"post-restore": same}, _facts(cfg)) is False


names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12)
ips = st.integers(0x7F000001, 0x7FFFFFFE).map(lambda i: str(ipaddress.IPv4Address(i)))


@given(
    services=st.lists(names, max_size=4),
    shares=st.lists(st.tuples(names, names, st.text(max_size=8).filter(lambda t: "\n" not in t and "\r" not in t)),
                    max_size=4, unique_by=lambda s: s[0].upper()),
    mapping=st.dictionaries(ips, ips, max_size=3),
    ttl=st.integers(0, 86400),
    update_ttl=st.booleans(),
    monitoring=st.booleans(),
    compression=st.integers(0, 9),
)
def test_generated_plans_round_trip_strictly(services, shares, mapping, ttl, update_ttl,
                                             monitoring, compression) -> None:
    cfg = file_config(enabled=monitoring)
    cfg.failover.services = [ServiceItem(s, True) for s in services]
    cfg.connection.shares = [n for n, _p, _d in shares]
    cfg.connection.compression = compression
    cfg.failover.dns.ip_map = mapping
    cfg.failover.dns.ttl, cfg.failover.dns.update_ttl = ttl, update_ttl
    source = Server("FS01", fqdn="fs01.lab.example.com", ips=(IP1,),
                    shares=tuple(Share(n, "E:\\" + p, description=d) for n, p, d in shares))
    facts = _facts(cfg, source)
    for phase, steps in generate(cfg, facts).items():
        assert parse(generated_text(cfg, facts, phase)) == steps
