"""The default configuration of a new pair (SPEC F-6 defaults, per application).

Machine facts come from the two inventories (IPs, DNS servers, shares,
NICs); the user's last non-machine choices (SPEC F-4: "missed packets"
and alike) are laid over the normative defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.apps.base import Application
from core.apps.common import virtual_server
from core.apps.registry import get_app
from core.config.edit import get_text, set_value
from core.config.fields import FIELDS, applies
from core.config.parsers import parse_ipv4, parse_port
from core.errors import InvalidInput
from core.model.config import (
    ConnectionSection,
    DnsFailover,
    DnsServerEntry,
    FailoverSection,
    IdentityFailover,
    ProtectionConfig,
)
from core.model.server import Server

#: used when the source's A records could not be read
FALLBACK_TTL = 300


def default_config(
    app: Application | str,
    source: Server,
    target: Server,
    *,
    dns_ttl: int | None = None,
    pair_defaults: Mapping[str, Any] | None = None,
    dns_servers: Iterable[DnsServerEntry | str] = (),
    compression: int | None = None,
    codec: str | None = None,
) -> ProtectionConfig:
    """A new pair's configuration.

    ``dns_ttl`` is the current TTL of the source's A records (the maximum
    when several; the caller reads it from DNS). ``pair_defaults`` are the
    user's last non-machine choices, as ``{"monitoring.missed": 3}`` or
    nested ``{"monitoring": {"missed": 3}}``; values that no longer parse
    are ignored. ``dns_servers`` adds servers or sets the port of known
    ones (``"127.0.10.1:10053"``). ``compression`` and ``codec`` are the level and
    method the target already has for its other pairs (one setting per target).
    """
    app = get_app(app) if isinstance(app, str) else app
    src_ips = server_ips(source)
    tgt_ips = list(dict.fromkeys([*app.preferred_target_ips(target), *server_ips(target)]))
    ip_map = dict(zip(src_ips, tgt_ips, strict=False))
    current_ttl = dns_ttl if dns_ttl is not None else FALLBACK_TTL
    d = app.defaults
    vs = virtual_server(target)
    cfg = ProtectionConfig(
        app=app.id,
        source=source.name.upper(),
        target=target.name.upper(),
        failover=FailoverSection(
            type="dns",
            dns=DnsFailover(servers=dns_server_list(source, target, dns_servers),
                            ip_map=ip_map, update_ttl=False, ttl=current_ttl),
            identity=IdentityFailover(
                monitored_ips=list(ip_map), target_nic=target.nics[0].name if target.nics else "",
                ip_address=d.identity_ip, server_name=d.identity_name,
                shares=d.identity_shares, spns=d.identity_spns),
            services=app.default_services(source, target),
            resources=virtual_server(source) is not None,
        ),
        connection=ConnectionSection(
            # a cluster's data goes through its virtual server's IP (F-10)
            route=vs.ip if vs is not None else next(iter(server_ips(target)), ""),
            mirror_type="checksum",
            compression=0,
        ),
    )
    for key, value in app.default_selection(source).items():
        setattr(cfg.connection, key, value)
    adv = cfg.advanced
    adv.items_server_name, adv.items_shares, adv.items_spns = (
        d.items_server_name, d.items_shares, d.items_spns)
    adv.set_name = app.set_name(cfg.source, cfg.target)
    _apply_choices(cfg, pair_defaults or {})
    if not cfg.failover.dns.update_ttl:
        cfg.failover.dns.ttl = current_ttl
    if compression is not None:
        cfg.connection.compression = compression
    if codec is not None:
        cfg.connection.codec = codec
    return cfg


def non_machine_choices(cfg: ProtectionConfig) -> dict[str, str]:
    """The choices worth carrying to the next pair (SPEC F-4), as ``key -> text``.

    The TTL counts only when the user asked for it to be set; otherwise it is
    the source's own TTL, a machine fact.
    """
    out = {k: get_text(cfg, k) for k, spec in FIELDS.items()
           if not spec.machine and applies(spec, cfg.app)}
    if not cfg.failover.dns.update_ttl:
        out.pop("failover.dns.ttl", None)
    return out


def server_ips(server: Server) -> list[str]:
    """The server's IPv4 addresses in NIC order (a virtual server's own IP first),
    without duplicates."""
    vs = virtual_server(server)
    out: list[str] = []
    for ip in [*([vs.ip] if vs else []), *server.ips, *(ip for nic in server.nics for ip in nic.ips)]:
        if ip not in out:
            out.append(ip)
    return out


def dns_server_list(source: Server, target: Server,
                    extra: Iterable[DnsServerEntry | str] = ()) -> list[DnsServerEntry]:
    """DNS servers of both inventories labelled source/target/both, then ``extra``."""
    src, tgt = list(source.dns_servers), list(target.dns_servers)
    out: list[DnsServerEntry] = []
    for ip in [*src, *(t for t in tgt if t not in src)]:
        role = "both" if ip in src and ip in tgt else ("source" if ip in src else "target")
        out.append(DnsServerEntry(ip, 53, role))
    for item in extra:
        entry = item if isinstance(item, DnsServerEntry) else _entry(item)
        known = next((e for e in out if e.ip == entry.ip), None)
        if known is not None:
            known.port = entry.port
        else:
            out.append(DnsServerEntry(entry.ip, entry.port, "added"))
    return out


def _entry(text: str) -> DnsServerEntry:
    ip, _, port = str(text).partition(":")
    return DnsServerEntry(parse_ipv4(ip, "dns server"),
                          parse_port(port, "dns server") if port else 53, "added")


def _apply_choices(cfg: ProtectionConfig, choices: Mapping[str, Any]) -> None:
    flat = _flatten(choices)
    # in table order, so "ttl" is applied before "update_ttl" may switch it off again
    for key, spec in FIELDS.items():
        if spec.machine or key not in flat:
            continue
        try:
            set_value(cfg, key, _as_text(flat[key]))
        except InvalidInput:
            continue  # a stale remembered value must not stop a new pair


def _flatten(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and key not in FIELDS:
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)
