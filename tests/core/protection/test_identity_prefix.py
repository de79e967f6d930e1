"""The IPs identity failover takes over keep the source NIC's subnet prefix."""

from __future__ import annotations

from core.model.server import Nic, Server
from core.protection.facts import PlanFacts, facts_from
from core.protection.identity import identity_args

from .doubles import IP1, IP2, file_config

TARGET = Server("FS02", fqdn="fs02.lab.example.com", ips=(IP2,))


def _identity_config():  # type: ignore[no-untyped-def]
    cfg = file_config()
    cfg.failover.type = "identity"
    cfg.failover.identity.ip_address = True
    cfg.failover.identity.monitored_ips = [IP1]
    return cfg


def test_a_22_bit_source_network_is_taken_over_as_22_bits() -> None:
    source = Server("FS01", fqdn="fs01.lab.example.com", ips=("10.1.0.5", IP1),
                    nics=(Nic("Backup", ("10.1.0.5",), 16), Nic("Public", (IP1,), 22)))
    cfg = _identity_config()
    facts = facts_from(cfg, source, TARGET, "lab.example.com", 6320)
    assert facts.source_prefix == 22  # the NIC of the monitored IP, not the first NIC
    args = identity_args(cfg, facts)
    assert (args["ips"], args["prefix"]) == ([IP1], 22)


def test_facts_saved_before_the_prefix_was_kept_read_as_24() -> None:
    source = Server("FS01", fqdn="fs01.lab.example.com", ips=(IP1,),
                    nics=(Nic("Public", (IP1,), 26),))
    facts = facts_from(file_config(), source, TARGET, "lab.example.com", 6320)
    saved = facts.to_dict()
    assert PlanFacts.from_dict(saved).source_prefix == 26
    del saved["source_prefix"]
    assert PlanFacts.from_dict(saved).source_prefix == 24
