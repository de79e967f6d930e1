"""SRV lookups through the host's resolver (the DC locator of :mod:`core.directory.locator`)."""

from __future__ import annotations

import logging

from core.errors import Unreachable

log = logging.getLogger("appmgr.protocol.dns")


def srv_targets(name: str, timeout: float = 2.0, *, shown_timeout: float | None = None) -> list[str]:
    """Target host names of the SRV rrset at ``name``, by priority then weight.

    Asks the resolvers of /etc/resolv.conf (where a domain member points at its DCs).
    [] when there is no such record (or no resolver configured); Unreachable when
    the DNS server does not answer within ``timeout``: then the name cannot be
    resolved either, and that is the real cause to report.
    """
    import dns.exception  # imported on use: the DFO command never needs the resolver
    import dns.resolver

    try:
        answer = dns.resolver.resolve(name, "SRV", lifetime=max(0.05, timeout), search=False)
    except dns.exception.Timeout:
        try:
            servers = ", ".join(str(s) for s in dns.resolver.get_default_resolver().nameservers)
        except (dns.exception.DNSException, OSError):
            servers = ""
        limit = shown_timeout if shown_timeout is not None else timeout
        raise Unreachable(f"cannot look up {name.rstrip('.')}: the DNS server"
                          f"{f' ({servers})' if servers else ''} did not answer within "
                          f"{limit:g} s") from None
    except (dns.exception.DNSException, OSError) as exc:
        log.debug("no SRV record at %s: %s", name, type(exc).__name__)
        return []
    records = sorted(answer, key=lambda r: (r.priority, -r.weight))
    hosts = [r.target.to_text().rstrip(".").lower() for r in records if r.target.to_text() != "."]
    return list(dict.fromkeys(hosts))
