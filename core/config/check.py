"""Cross-field rules of a configuration against the two servers' inventories.

Single values are checked when parsed (:mod:`core.config.parsers`); here
are the rules that need more than one field or the servers: IP mapping,
route, TTL advice, the application's own protected items (its module's
``selection_problems``) and the cluster and monitoring rules of
:mod:`core.config.check_rules`. Errors block Enable Protection; warnings do not.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from core.apps.registry import get_app
from core.config.defaults import server_ips
from core.errors import InvalidInput
from core.model.config import ProtectionConfig
from core.model.server import Nic, Server

RECOMMENDED_TTL = 300
MIN_SNAPSHOT_INTERVAL = 15


@dataclass
class ConfigProblems:
    errors: list[InvalidInput] = field(default_factory=list)
    warnings: list[InvalidInput] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def of(self, *prefixes: str) -> ConfigProblems:
        """Only the problems whose field starts with one of ``prefixes``."""
        keep = [e for e in self.errors if e.field.startswith(prefixes)]
        return ConfigProblems(keep, [w for w in self.warnings if w.field.startswith(prefixes)])


def failure_after_text(interval: int, missed: int) -> str:
    """The live hint of the Monitoring tab: ``failure declared after 25 s``."""
    total = interval * missed
    if total < 120:
        return f"failure declared after {total} s"
    minutes, seconds = divmod(total, 60)
    tail = f" {seconds} s" if seconds else ""
    return f"failure declared after {total} s ({minutes} min{tail})"


def config_problems(cfg: ProtectionConfig, source: Server, target: Server) -> ConfigProblems:
    """Every cross-field problem of ``cfg`` for this pair, errors and warnings apart."""
    out = ConfigProblems()
    _ip_map(cfg, source, target, out)
    _dns(cfg, out)
    _identity(cfg, source, target, out)
    _connection(cfg, source, target, out)
    _other(cfg, target, out)
    from core.config.check_rules import more_problems

    errors, warnings = more_problems(cfg, source, target)
    out.errors += errors
    out.warnings += warnings
    return out


def _ip_map(cfg: ProtectionConfig, source: Server, target: Server, out: ConfigProblems) -> None:
    if cfg.failover.type != "dns":
        return
    key = "failover.dns.ip_map"
    ip_map = cfg.failover.dns.ip_map
    src_ips, tgt_ips = set(server_ips(source)), set(server_ips(target))
    if not ip_map:
        out.errors.append(InvalidInput(key, f"no source IP of {source.name} is monitored: "
                                            "pick at least one and its target IP"))
    seen: dict[str, str] = {}
    for src, tgt in ip_map.items():
        if src not in src_ips:
            out.errors.append(InvalidInput(key, f"{src} is not an IP of {source.name}"))
        if tgt not in tgt_ips:
            out.errors.append(InvalidInput(key, f"{tgt} is not an IP of {target.name}"))
        if tgt in seen:
            out.errors.append(InvalidInput(
                key, f"{seen[tgt]} and {src} both map to {tgt}: each monitored source IP "
                     "needs its own target IP"))
        seen[tgt] = src


def _dns(cfg: ProtectionConfig, out: ConfigProblems) -> None:
    if cfg.failover.type != "dns":
        return
    dns = cfg.failover.dns
    if not dns.servers:
        out.errors.append(InvalidInput("failover.dns.servers", "no DNS server to update: add one"))
    if dns.client_server and dns.client_server not in {s.ip for s in dns.servers}:
        out.errors.append(InvalidInput("failover.dns.client_server",
                                       f"{dns.client_server} is not one of the DNS servers"))
    if dns.ttl > RECOMMENDED_TTL:
        how = "will be set to" if dns.update_ttl else "is"
        out.warnings.append(InvalidInput(
            "failover.dns.ttl", f"the TTL of the source's records {how} {dns.ttl} s: clients may "
                                f"keep the old address that long (300 s or less recommended)"))


def _identity(cfg: ProtectionConfig, source: Server, target: Server, out: ConfigProblems) -> None:
    if cfg.failover.type != "identity":
        return
    ident = cfg.failover.identity
    out.warnings.append(InvalidInput(
        "failover.type", f"with identity failover {target.name}'s engine takes over the "
                         "source's IPs, name and shares; DNS is not updated"))
    for ip in ident.monitored_ips:
        if ip not in server_ips(source):
            out.errors.append(InvalidInput("failover.identity.monitored_ips",
                                           f"{ip} is not an IP of {source.name}"))
    if not ident.monitored_ips:
        out.errors.append(InvalidInput("failover.identity.monitored_ips",
                                       "no source IP is monitored"))
    nics = {n.name: n for n in target.nics}
    if ident.target_nic not in nics:
        out.errors.append(InvalidInput("failover.identity.target_nic",
                                       f"{target.name} has no NIC named {ident.target_nic!r}"))
    elif ident.ip_address and not _same_subnet(source, nics[ident.target_nic]):
        out.warnings.append(InvalidInput(
            "failover.identity.ip_address", f"{source.name} and {target.name} are on different "
                                            "subnets: moving the IP address will not work there"))


def _same_subnet(source: Server, nic: Nic) -> bool:
    nets = {ipaddress.IPv4Network(f"{ip}/{nic.subnet_prefix}", strict=False) for ip in nic.ips}
    return any(ipaddress.IPv4Address(ip) in n for ip in server_ips(source) for n in nets)


def _connection(cfg: ProtectionConfig, source: Server, target: Server,
                out: ConfigProblems) -> None:
    conn = cfg.connection
    if conn.route and conn.route not in server_ips(target):
        out.errors.append(InvalidInput("connection.route",
                                       f"{conn.route} is not an IP of {target.name}"))
    elif not conn.route:
        out.errors.append(InvalidInput("connection.route", "no route: pick a target IP"))
    letters = source.volume_letters
    for path in conn.volume_paths:
        if path[:1].upper() not in letters:
            out.errors.append(InvalidInput("connection.volume_paths",
                                           f"{source.name} has no {path[:1].upper()}: volume "
                                           f"for {path}"))
    if cfg.advanced.override_rules and not any(r.include for r in cfg.advanced.rules):
        out.errors.append(InvalidInput("advanced.rules", "the overridden rules include nothing"))
    errors, warnings = get_app(cfg.app).selection_problems(cfg, source, target)
    out.errors += errors
    out.warnings += warnings


def _other(cfg: ProtectionConfig, target: Server, out: ConfigProblems) -> None:
    if cfg.snapshots.enabled and cfg.snapshots.interval_min < MIN_SNAPSHOT_INTERVAL:
        out.errors.append(InvalidInput("snapshots.interval_min",
                                       f"{cfg.snapshots.interval_min} min is too short: "
                                       f"at least {MIN_SNAPSHOT_INTERVAL}"))
    known = {s.name.upper() for s in target.services}
    for svc in [] if cfg.failover.resources else cfg.failover.services:
        if target.services and svc.name.upper() not in known:
            out.warnings.append(InvalidInput("failover.services",
                                             f"{target.name} has no service named {svc.name}"))
