"""SRV lookups through the host's resolver (the DC locator of :mod:`core.directory.locator`)."""

from __future__ import annotations

import logging

log = logging.getLogger("appmgr.protocol.dns")


def srv_targets(name: str, timeout: float = 2.0) -> list[str]:
    """Target host names of the SRV rrset at ``name``, by priority then weight; [] on any failure.

    Asks the resolvers of /etc/resolv.conf (where a domain member points at its DCs).
    """
    import dns.exception  # imported on use: the DFO command never needs the resolver
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "SRV", lifetime=timeout, search=False)
    except (dns.exception.DNSException, OSError) as exc:
        log.debug("no SRV record at %s: %s", name, type(exc).__name__)
        return []
    records = sorted(answer, key=lambda r: (r.priority, -r.weight))
    hosts = [r.target.to_text().rstrip(".").lower() for r in records if r.target.to_text() != "."]
    return list(dict.fromkeys(hosts))
