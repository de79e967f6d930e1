"""Finding a domain's controllers by name (DC locator, the DNS half of it).

An administrator types the domain (``lab.example.com``); AD publishes its
controllers as ``_ldap._tcp.dc._msdcs.<domain>`` SRV records. Connecting to
the controller's own host name (not the domain name or an address) is what
lets TLS validate: a DC's certificate names the DC. A name that is not a
domain (a DC's host name, an address) has no such record and is used as is.
"""

from __future__ import annotations

from core.dns.names import is_ip


def domain_controllers(name: str, timeout: float = 2.0, *,
                       shown_timeout: float | None = None) -> list[str]:
    """The DC host names of domain ``name`` in SRV order (priority, then weight); [] if none.

    No record (or no DNS configured) gives []: the caller then connects to
    ``name`` itself. A DNS server that does not answer raises Unreachable.
    """
    name = name.strip().rstrip(".")
    if not name or is_ip(name) or "." not in name:
        return []
    from core.dns.srv import srv_targets

    return srv_targets(f"_ldap._tcp.dc._msdcs.{name}.", timeout, shown_timeout=shown_timeout)
