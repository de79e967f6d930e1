"""DNS zone settings (guide, DNS failover notes): secure dynamic updates only, and a Fix
that creates a missing reverse lookup zone on the DNS server when the credentials allow."""

from __future__ import annotations

from core.errors import AppmgrError, NotFound, Refused, Unreachable
from core.validation.base import Outcome, check, dns_failover, fix_for, passed, warning
from core.validation.checks.common import reverse_name, update_server
from core.validation.context import ValidationContext


@check("dns.secure_updates", "Zone accepts secure dynamic updates only", "dns",
       applies=dns_failover, touches=("dns",))
def secure_updates(v: ValidationContext) -> Outcome:
    entry, _, zone = update_server(v)
    try:
        # an unsigned probe (it changes nothing): a secure-only zone must refuse it
        v.unsigned_dns(entry).probe_update(zone)
    except (Refused, NotFound) as exc:
        return passed(f"{zone} on {entry.ip} refuses unsigned updates ({type(exc).__name__})")
    except AppmgrError as exc:
        if isinstance(exc, Unreachable):
            return warning(f"could not test the update policy of {zone}: {exc}")
        return passed(f"{zone} on {entry.ip} refuses unsigned updates: {exc}")
    return warning(f"{zone} on {entry.ip} accepts unsigned dynamic updates: set it to secure "
                   f"only, or turn off dynamic registration on {v.source.name} so it cannot "
                   "reclaim its record after failover")


def reverse_zone_of(ip: str) -> str:
    """The /24 reverse zone of an IPv4 address: ``127.0.10.11`` -> ``10.0.127.in-addr.arpa``."""
    return reverse_name(ip).split(".", 1)[1]


def _dns_host(v: ValidationContext) -> tuple[str, str]:
    """(server name, address) of the DNS server to create zones on (its PTR names it)."""
    entry, dns, _ = update_server(v)
    rr = dns.lookup(reverse_name(entry.ip), "PTR")
    if rr is None or not rr.values:
        raise NotFound(f"the DNS server {entry.ip} has no name in DNS: create the reverse zone "
                       "on it by hand")
    return rr.values[0].split(".", 1)[0].upper(), entry.ip


@fix_for("dns.reverse_zone", order="dns")
def create_reverse_zones(v: ValidationContext) -> None:
    """Create the missing /24 reverse zones (secure updates only) on the DNS server's host."""
    _, dns, _ = update_server(v)
    missing = []
    for ip in v.config.failover.dns.ip_map:
        try:
            dns.zone_of(reverse_name(ip))
        except NotFound:
            missing.append(reverse_zone_of(ip))
    if not missing:
        return
    name, ip = _dns_host(v)
    host = v.ctx.host(name)
    for zone in dict.fromkeys(missing):
        try:
            host.run_op("dns_zone_add", {"zone": zone, "secure": True})
        except Refused as exc:
            raise Refused(f"{name} ({ip}) did not let the cached credentials create {zone}: "
                          f"{exc}") from None
