"""DNS checks (DNS failover only): servers answer, reverse zone, update rights, TTL."""

from __future__ import annotations

from core.config.check import RECOMMENDED_TTL
from core.config.edit import apply_assignments
from core.errors import AppmgrError, NotFound
from core.model.config import ProtectionConfig
from core.validation.base import Outcome, check, dns_failover, error, fix_for, passed, warning
from core.validation.checks.common import dns_order, reverse_name, update_server, verdict
from core.validation.context import ValidationContext


@check("dns.reachable", "DNS servers reachable", "dns", applies=dns_failover, touches=("dns",))
def dns_reachable(v: ValidationContext) -> Outcome:
    servers = dns_order(v)
    if not servers:
        return error("no DNS server is configured: add one on the Failover tab", fixable=False)
    fqdn = v.source_fqdn()
    problems: list[str] = []
    for entry in servers:
        try:
            dns = v.dns(entry)
            zone = dns.zone_of(fqdn)
            if dns.lookup(zone, "SOA") is None:
                problems.append(f"DNS server {entry.ip} has no SOA record for {zone}")
        except NotFound:
            problems.append(f"DNS server {entry.ip} knows no zone holding {fqdn}")
        except AppmgrError as exc:
            text = str(exc)
            problems.append(text if entry.ip in text else
                            f"DNS server {entry.ip} does not answer: {text}")
    shown = ", ".join(s.ip for s in servers)
    return verdict(problems, f"{shown} answered for the zone of {fqdn}")


def _monitored(v: ValidationContext) -> list[str]:
    return list(v.config.failover.dns.ip_map)


def _reverse_zone(v: ValidationContext, ip: str) -> str:
    _, dns, _ = update_server(v)
    return v.memo(f"rzone:{ip}", lambda: dns.zone_of(reverse_name(ip)).rstrip("."))


@check("dns.reverse_zone", "Reverse lookup zone exists", "dns", applies=dns_failover,
       touches=("dns",))
def reverse_zone(v: ValidationContext) -> Outcome:
    ips = _monitored(v)
    if not ips:
        return error("no source IP is monitored, so there is no reverse zone to look for",
                     fixable=False)
    entry, _, _ = update_server(v)
    problems, zones = [], []
    for ip in ips:
        try:
            zones.append(_reverse_zone(v, ip))
        except NotFound:
            problems.append(f"DNS server {entry.ip} has no reverse lookup zone for {ip} "
                            f"({reverse_name(ip)})")
    if problems:
        return error("; ".join(problems) + " (Fix creates it when the credentials allow)")
    return passed(f"{', '.join(sorted(set(zones)))} holds the PTR records")


@check("dns.update_rights", "DNS credentials may update the zone", "dns", applies=dns_failover,
       touches=("dns",))
def update_rights(v: ValidationContext) -> Outcome:
    entry, dns, zone = update_server(v)
    zones = [zone]
    for ip in _monitored(v):
        try:
            rz = _reverse_zone(v, ip)
        except NotFound:
            continue  # reported by dns.reverse_zone
        if rz not in zones:
            zones.append(rz)
    problems = []
    for z in zones:
        try:
            dns.probe_update(z)
        except AppmgrError as exc:
            problems.append(f"the DNS credentials may not update {z} on {entry.ip}: {exc}")
    return verdict(problems, f"the DNS credentials may update {' and '.join(zones)}")


def _effective_ttl(v: ValidationContext) -> tuple[int, str]:
    dns_cfg = v.config.failover.dns
    if dns_cfg.update_ttl:
        return dns_cfg.ttl, "will be set to"
    try:
        _, dns, _ = update_server(v)
        rrset = dns.lookup(v.source_fqdn(), "A")
        if rrset is not None:
            return rrset.ttl, "is"
    except AppmgrError:
        pass  # reachability is dns.reachable's business; fall back to the configured value
    return dns_cfg.ttl, "is"


@check("dns.ttl", "TTL of the source's records at most 300 s", "dns", applies=dns_failover,
       touches=("dns",))
def ttl(v: ValidationContext) -> Outcome:
    value, how = _effective_ttl(v)
    if value > RECOMMENDED_TTL:
        return warning(f"the TTL of {v.source_fqdn()} {how} {value} s: clients may keep the "
                       f"old address that long after failover (Fix: set it to "
                       f"{RECOMMENDED_TTL} s on failover)")
    return passed(f"the TTL {how} {value} s")


@fix_for("dns.ttl", order="config")
def set_ttl(v: ValidationContext) -> ProtectionConfig | None:
    """A configuration fix: set the TTL to 300 s on failover."""
    return apply_assignments(v.config, [f"failover.dns.ttl={RECOMMENDED_TTL}",
                                        "failover.dns.update_ttl=on"])
