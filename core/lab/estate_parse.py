"""Reading the estate file's data into an :class:`~core.lab.estate.Estate` (with checks).

Every address is ``<net>.<host>``: host numbers (servers, extra IPs, clusters)
must be 1–254 and unique, so the whole lab fits one /24 and its reverse zone.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.lab.estate import NODE, VIRTUAL, Estate, LabCluster, LabGroup, LabServer
from core.lab.estate_apps import parse_apps
from core.model.server import Service, Share


class _Addresses:
    """Hands out ``<net>.<host>`` once per host number."""

    def __init__(self, net: str) -> None:
        self.net = net
        self.used: dict[int, str] = {}

    def __call__(self, host: Any, who: str) -> str:
        try:
            n = int(host)
        except (TypeError, ValueError):
            raise InvalidInput("estate", f"{who}: host {host!r} is not a number") from None
        if not 1 <= n <= 254:
            raise InvalidInput("estate", f"{who}: host {n} is outside 1-254")
        if n in self.used:
            raise InvalidInput("estate", f"{who}: host {n} is already {self.used[n]}'s address")
        self.used[n] = who
        return f"{self.net}.{n}"


def parse(data: dict[str, Any], net: str | None, source: Path | None) -> Estate:
    d = data.get("domain") or {}
    net = net or d.get("net", "127.0.10")
    _check_net(net)
    admin_user = d.get("admin_user", "LAB\\Administrator")
    organization = str(d.get("exchange_org", d.get("netbios", "LAB")))
    ips = _Addresses(net)
    servers = [_server(s, ips, admin_user, organization) for s in data.get("servers", [])]
    names = [s.name for s in servers]
    if len(set(names)) != len(names):
        raise InvalidInput("estate", "server names must be unique")
    clusters = []
    for raw in data.get("clusters", []):
        cluster, servers = _cluster(raw, servers, ips)
        clusters.append(cluster)
    stray = [s.name for s in servers if s.cluster and not any(c.name == s.cluster for c in clusters)]
    if stray:
        raise InvalidInput("estate", f"{', '.join(stray)}: no [[clusters]] entry for their cluster")
    names = [s.name for s in servers]
    est = Estate(
        domain=str(d.get("name", "lab.example.com")).lower(),
        netbios=str(d.get("netbios", "LAB")).upper(),
        net=net,
        admin_user=admin_user,
        admin_password=d.get("admin_password", ""),
        dns_admin_user=d.get("dns_admin_user", admin_user),
        dns_admin_password=d.get("dns_admin_password", d.get("admin_password", "")),
        tsig_key_name=d.get("tsig_key_name", "appmgr-lab-key."),
        tsig_algorithm=d.get("tsig_algorithm", "hmac-sha256"),
        tsig_secret=d.get("tsig_secret", ""),
        dns_server=d.get("dns_server", names[0] if names else ""),
        ttl=int(d.get("ttl", 1200)),
        servers=tuple(servers),
        source=source,
        clusters=tuple(clusters),
        exchange_org=organization,
        mx=str(d.get("mx", "")).upper(),
    )
    for ref in (est.dns_server, est.mx):
        if ref and ref.upper() not in names:
            raise InvalidInput("estate", f"the domain names server {ref}, which is not in the estate")
    return est


def _check_net(net: str) -> None:
    try:
        addr = ipaddress.IPv4Address(net + ".0")
    except ValueError as exc:
        raise InvalidInput("net", f"{net!r} is not the first three octets of an IPv4 address") from exc
    if not addr.is_loopback:
        raise InvalidInput("net", "the lab only uses loopback addresses (127.x.y)")


def _server(s: dict[str, Any], ips: _Addresses, admin_user: str, organization: str) -> LabServer:
    name = str(s["name"]).upper()
    eng = s.get("engine") or {}
    ip = ips(s["host"], name)
    extra = tuple(ips(h, f"{name} (second address)") for h in s.get("extra_hosts", []))
    own = {int(s["host"]): ip} | {int(h): a for h, a in zip(s.get("extra_hosts", []), extra, strict=True)}

    def own_ip(host: int) -> str:
        if host not in own:
            raise InvalidInput("estate", f"{name}: {ips.net}.{host} is not one of its addresses")
        return own[host]

    virtual = bool(s.get("cluster"))
    apps, ports = parse_apps(s, name, own_ip, admin_user, virtual, organization)
    roles = list(s.get("roles", []))
    if virtual and VIRTUAL not in roles:
        roles.append(VIRTUAL)
    return LabServer(
        name=name,
        ip=ip,
        os=s.get("os", "Windows Server 2008 Enterprise"),
        os_version=s.get("os_version", "6.0.6002"),
        roles=tuple(roles),
        volumes=tuple(v.upper().rstrip(":") for v in s.get("volumes", ["C"])),
        engine_installed=bool(eng.get("installed", False)),
        engine_version=str(eng.get("version", "")),
        engine_port=int(eng.get("port", 6320)),
        services=tuple(Service(x["name"], x.get("display", ""), x.get("state", "running"),
                               x.get("start_mode", "auto")) for x in s.get("services", [])),
        shares=tuple(Share(x["name"], x["path"], bool(x.get("admin", False)),
                           x.get("description", ""), tuple(x.get("grants", ())))
                     for x in s.get("shares", [])),
        files=dict(s.get("files", {})),
        faults=tuple(s.get("faults", [])),
        extra_ips=extra,
        apps=apps,
        sql_ports=ports,
        member_of=tuple(s.get("member_of", [])),
        sql_account=str(s.get("sql_account", "")),
        admins=tuple(s.get("admins", [])),
        cluster=str(s.get("cluster", "")).upper(),
        owner=str(s.get("owner", "")).upper(),
        group=str(s.get("group", f"{name} Group" if virtual else "")),
        resources=tuple((str(r["name"]), str(r.get("type", "Generic Service")))
                        for r in s.get("resources", [])),
        offline_resources=tuple(str(r["name"]) for r in s.get("resources", [])
                                if r.get("online", True) is False),
    )


def _cluster(raw: dict[str, Any], servers: list[LabServer],
             ips: _Addresses) -> tuple[LabCluster, list[LabServer]]:
    """The cluster, and the servers with its nodes marked and its virtual servers completed."""
    name = str(raw["name"]).upper()
    nodes = tuple(str(n).upper() for n in raw.get("nodes", []))
    by_name = {s.name: s for s in servers}
    if len(nodes) < 2 or any(n not in by_name or by_name[n].virtual for n in nodes):
        raise InvalidInput("estate", f"cluster {name}: nodes must be two or more servers of "
                                     "the estate")
    if name in by_name:
        raise InvalidInput("estate", f"cluster {name}: a server has the cluster's name")
    seconds = int(raw.get("node_failover_seconds", 60))
    if seconds < 1:
        raise InvalidInput("estate", f"cluster {name}: node_failover_seconds must be positive")
    quorum = tuple(v.upper().rstrip(":") for v in raw.get("quorum", ["Q"]))
    first = by_name[nodes[0]]
    core = LabServer(name=name, ip=ips(raw["host"], name), os=first.os, os_version=first.os_version,
                     roles=(VIRTUAL,), volumes=quorum, engine_installed=False, engine_version="",
                     engine_port=6320, services=(), shares=(), cluster=name, group="Cluster Group")
    out: list[LabServer] = []
    for s in [*servers, core]:
        if s.name in nodes:
            s = replace(s, roles=(*s.roles, *[NODE] * (NODE not in s.roles)), cluster=name)
        elif s.virtual and s.cluster == name:
            owner = s.owner or nodes[0]
            if owner not in nodes:
                raise InvalidInput("estate", f"{s.name}: owner {owner} is not a node of {name}")
            label = "Cluster" if s is core else s.name
            base = [(f"{label} IP Address", "IP Address"),
                    (f"{label} Name" if s is core else f"{label} Network Name", "Network Name")]
            base += [(f"Disk {v}:", "Physical Disk") for v in s.volumes]
            s = replace(s, owner=owner, resources=(*base, *s.resources))
        out.append(s)
    taken = {s.group for s in out if s.virtual and s.cluster == name}
    groups = tuple(_group(g, name, nodes, by_name, taken) for g in raw.get("groups", []))
    return LabCluster(name, nodes, seconds, groups), out


def _group(raw: dict[str, Any], cluster: str, nodes: tuple[str, ...],
           by_name: dict[str, LabServer], taken: set[str]) -> LabGroup:
    """A disk-only group: its owner is a node and its drives are the owner's volumes."""
    name = str(raw.get("name", "")).strip()
    owner = str(raw.get("owner", nodes[0])).upper()
    drives = tuple(str(d).upper().rstrip(":") for d in raw.get("drives", []))
    if not name or name in taken:
        raise InvalidInput("estate", f"cluster {cluster}: group {name!r} needs a name of its own")
    if owner not in nodes:
        raise InvalidInput("estate", f"cluster {cluster}: group {name}: owner {owner} is not "
                                     "one of its nodes")
    missing = [d for d in drives if d not in by_name[owner].volumes]
    if missing:
        raise InvalidInput("estate", f"cluster {cluster}: group {name}: {owner} has no "
                                     f"{', '.join(d + ':' for d in missing)} volume")
    taken.add(name)
    return LabGroup(name, owner, drives)
