"""What a plan needs to know about the two servers, captured while both answer.

Failover runs when the source is down, so everything the plan takes from the
source (its name in DNS, its shares and their paths, the replication rules)
is captured at Enable Protection and kept in the pair's record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from core.context import Context
from core.model.config import ProtectionConfig
from core.model.rules import Rule
from core.model.server import Server

DEFAULT_PORT = 6320


@dataclass(frozen=True)
class ShareFact:
    name: str
    path: str
    description: str = ""
    grants: tuple[str, ...] = ()  # the source's share permissions, "ACCOUNT:RIGHT"


@dataclass(frozen=True)
class PlanFacts:
    set_name: str
    source_fqdn: str
    target_fqdn: str
    #: the source IPs the target monitors (first one: where a restore goes)
    source_ips: tuple[str, ...]
    #: target IP the data goes through
    route: str
    port: int = DEFAULT_PORT
    shares: tuple[ShareFact, ...] = ()
    rules: tuple[Rule, ...] = field(default=())
    #: what the application's own plan steps need (its module's ``plan_facts``)
    app: dict[str, Any] = field(default_factory=dict)
    #: the subnet prefix of the source NIC holding the first monitored IP: what an
    #: identity failover's taken IPs get on the target (facts saved before it: 24)
    source_prefix: int = 24

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["source_ips"] = list(self.source_ips)
        d["shares"] = [{**asdict(s), "grants": list(s.grants)} for s in self.shares]
        d["rules"] = [r.to_dict() for r in self.rules]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PlanFacts:
        return cls(
            set_name=str(d["set_name"]),
            source_fqdn=str(d.get("source_fqdn", "")),
            target_fqdn=str(d.get("target_fqdn", "")),
            source_ips=tuple(d.get("source_ips", ())),
            route=str(d.get("route", "")),
            port=int(d.get("port", DEFAULT_PORT)),
            shares=tuple(ShareFact(str(s["name"]), str(s["path"]), str(s.get("description", "")),
                                   tuple(str(g) for g in s.get("grants", ())))
                         for s in d.get("shares", ())),
            rules=tuple(Rule.from_dict(r) for r in d.get("rules", ())),
            app=dict(d.get("app", {})),
            source_prefix=int(d.get("source_prefix", 24)),
        )


def set_name_of(cfg: ProtectionConfig) -> str:
    """The replication set's name: the Advanced tab's value, else the application's."""
    from core.apps import get_app  # lazily: `appmgr status` never needs the app modules

    return cfg.advanced.set_name or get_app(cfg.app).set_name(cfg.source, cfg.target)


def restore_set_name(name: str) -> str:
    """The temporary set that carries a restore from the target back to the source."""
    return f"{name}_restore"



def _fqdn(server: Server, domain: str) -> str:
    if server.fqdn:
        return server.fqdn.rstrip(".").lower()
    return f"{server.name.lower()}.{domain}".rstrip(".") if domain else server.name.lower()


def monitored_ips(cfg: ProtectionConfig, source: Server) -> tuple[str, ...]:
    """Source IPs the monitor watches: the DNS mapping's, else the identity list, else all."""
    if cfg.failover.type == "dns" and cfg.failover.dns.ip_map:
        return tuple(cfg.failover.dns.ip_map)
    if cfg.failover.type == "identity" and cfg.failover.identity.monitored_ips:
        return tuple(cfg.failover.identity.monitored_ips)
    return tuple(source.ips[:1])


def facts_from(
    cfg: ProtectionConfig, source: Server, target: Server, domain: str = "", port: int = DEFAULT_PORT
) -> PlanFacts:
    """Plan facts from a configuration and the two servers' inventories (no I/O)."""
    from core.apps import effective_rules, get_app

    app = get_app(cfg.app)
    shares = tuple(ShareFact(s.name, s.path, s.description, s.grants)
                   for s in app.shares_to_publish(cfg, source))
    route = cfg.connection.route or (target.ips[0] if target.ips else "")
    ips = monitored_ips(cfg, source)
    return PlanFacts(
        set_name=set_name_of(cfg),
        source_fqdn=_fqdn(source, domain or source.domain),
        target_fqdn=_fqdn(target, domain or target.domain),
        source_ips=ips,
        route=route,
        port=port,
        shares=shares,
        rules=tuple(effective_rules(app, cfg, source)),
        app=app.plan_facts(cfg, source, target),
        source_prefix=next((n.subnet_prefix for n in source.nics if ips and ips[0] in n.ips), 24),
    )


def gather_facts(ctx: Context, cfg: ProtectionConfig) -> tuple[PlanFacts, Server, Server]:
    """Inventory both servers (host control, with its timeout) and build the facts."""
    source = ctx.host(cfg.source).inventory()
    target = ctx.host(cfg.target).inventory()
    return facts_from(cfg, source, target, ctx.domain, ctx.settings.service_port), source, target
