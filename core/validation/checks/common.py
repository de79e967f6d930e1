"""Small helpers the checks share."""

from __future__ import annotations

from collections.abc import Callable

from core.errors import AppmgrError, NotFound
from core.model.config import DnsServerEntry
from core.model.server import Server
from core.ports import Dns
from core.validation.base import Outcome, error, passed
from core.validation.context import Side, ValidationContext

#: the Windows service that runs the replication engine
ENGINE_SERVICE = "AppMgrEngine"


def per_side(v: ValidationContext, probe: Callable[[Side, Server], list[str]]) -> list[str]:
    """Problems of both servers: ``probe``'s for a reachable one, the reason for one that is not."""
    out: list[str] = []
    for side in (v.source, v.target):
        out.extend(probe(side, side.server) if side.server is not None else [side.reason()])
    return out


def verdict(problems: list[str], ok: str, fixable: bool | None = None) -> Outcome:
    return error("; ".join(problems), fixable) if problems else passed(ok)


def both(v: ValidationContext) -> str:
    return f"{v.source.name} and {v.target.name}"


def dns_order(v: ValidationContext) -> list[DnsServerEntry]:
    """Configured DNS servers, the advanced "client DNS server" first."""
    servers = list(v.config.failover.dns.servers)
    first = v.config.failover.dns.client_server
    return sorted(servers, key=lambda s: s.ip != first) if first else servers


def update_server(v: ValidationContext) -> tuple[DnsServerEntry, Dns, str]:
    """The first DNS server that answers for the source's name, its adapter and the zone.

    Computed once per run; raises the last server's typed error when none answers.
    """
    def find() -> tuple[DnsServerEntry, Dns, str]:
        servers = dns_order(v)
        if not servers:
            raise NotFound("no DNS server is configured")
        last: AppmgrError | None = None
        for entry in servers:
            try:
                dns = v.dns(entry)
                return entry, dns, dns.zone_of(v.source_fqdn()).rstrip(".")
            except AppmgrError as exc:
                last = exc
        assert last is not None
        raise last
    return v.memo("update-server", find)


def reverse_name(ip: str) -> str:
    """``127.0.10.11`` -> ``11.10.0.127.in-addr.arpa``."""
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


def both_servers(v: ValidationContext) -> tuple[Server, Server]:
    """Both inventories, or the typed error naming the first server that did not answer."""
    return v.source.require(), v.target.require()


def cached_user(v: ValidationContext, name: str) -> str:
    """The account cached for server ``name`` (SPEC F-12), or the domain's; "" when none."""
    for kind, key in (("server", name.upper()), ("server", name.lower()), ("domain", v.domain)):
        try:
            cred = v.ctx.secrets.get(kind, key) if key else None
        except AppmgrError:
            return ""
        if cred is not None:
            return cred.user
    return ""


def clustered(v: ValidationContext) -> bool:
    """``when`` rule of the cluster checks: a virtual server is one of the pair."""
    return v.clustered()


def running_apps(server: Server) -> list[str]:
    """The applications whose inventory shows on ``server``."""
    a = server.apps
    found = {"exchange": a.exchange is not None, "sql": bool(a.sql),
             "sharepoint": a.sharepoint is not None, "blackberry": a.blackberry is not None}
    return [k for k, on in found.items() if on]
