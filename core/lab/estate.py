"""The lab estate file (TOML): a readable description of a Windows domain.

The loader turns it into :class:`Estate`, from which the lab serves DNS,
WinRM and engines, and builds the directory. Windows paths on a lab server
map to real directories: ``E:\\Shares\\Data`` on FS01 lives under
``<lab>/servers/FS01/E/Shares/Data``.

Clusters: ``[[clusters]]`` names the nodes; a server with ``cluster = "NAME"``
is one of its virtual servers (an Exchange virtual server, a SQL network
name), owned by one node, with its own IP and its own disks (a virtual
server's drive E: lives under ``<lab>/servers/<VS>/E`` whichever node owns
it). The cluster's own name becomes a virtual server entry too.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.model.apps import (
    AppInventory,
    ClusterGroup,
    ClusterInfo,
    ClusterResource,
    VirtualServer,
)
from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume

NODE, VIRTUAL = "cluster-node", "cluster-virtual"


@dataclass(frozen=True)
class LabServer:
    name: str
    ip: str
    os: str
    os_version: str
    roles: tuple[str, ...]
    volumes: tuple[str, ...]
    engine_installed: bool
    engine_version: str
    engine_port: int
    services: tuple[Service, ...]
    shares: tuple[Share, ...]
    files: dict[str, str] = field(default_factory=dict)
    faults: tuple[str, ...] = ()
    #: more addresses on the server's NIC (e.g. an SMTP virtual server's)
    extra_ips: tuple[str, ...] = ()
    #: applications on it; ``cluster`` is filled by :meth:`Estate.apps_of`
    apps: AppInventory = field(default_factory=AppInventory)
    sql_ports: dict[str, int] = field(default_factory=dict)  # instance -> TCP port
    member_of: tuple[str, ...] = ()  # domain groups of the computer account
    #: the domain user its SQL Server instances run as: their MSSQLSvc SPNs are on it
    sql_account: str = ""
    admins: tuple[str, ...] = ()  # local "appmgr Admins" (empty: the lab administrator)
    cluster: str = ""  # the cluster of a node or a virtual server
    owner: str = ""  # virtual server: the node that has its group online
    group: str = ""  # virtual server: its cluster group
    resources: tuple[tuple[str, str], ...] = ()  # virtual server: (name, type), online order
    #: virtual server: its resources that are offline when the lab starts (a standby's)
    offline_resources: tuple[str, ...] = ()

    def fqdn(self, domain: str) -> str:
        return f"{self.name.lower()}.{domain}"

    @property
    def ips(self) -> tuple[str, ...]:
        return (self.ip, *self.extra_ips)

    @property
    def virtual(self) -> bool:
        """A virtual server of an estate cluster (served by its owner node). A server
        given only the ``cluster-virtual`` role is a plain lab machine whose computer
        object carries the virtual server SPN."""
        return bool(self.cluster) and VIRTUAL in self.roles


@dataclass(frozen=True)
class LabGroup:
    """A cluster group holding only disks (a standby cluster's group for a like-named
    virtual server). In the lab its disks are volumes of the node that owns it."""

    name: str
    owner: str
    drives: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabCluster:
    name: str
    nodes: tuple[str, ...]
    node_failover_seconds: int = 60
    groups: tuple[LabGroup, ...] = ()


@dataclass(frozen=True)
class Estate:
    domain: str
    netbios: str
    net: str
    admin_user: str
    admin_password: str
    dns_admin_user: str
    dns_admin_password: str
    tsig_key_name: str
    tsig_algorithm: str
    tsig_secret: str
    dns_server: str
    ttl: int
    servers: tuple[LabServer, ...]
    source: Path | None = None
    clusters: tuple[LabCluster, ...] = ()
    exchange_org: str = "LAB"
    mx: str = ""  # server the domain's MX record names

    @property
    def hosts(self) -> tuple[LabServer, ...]:
        """The machines: every server that is not a cluster virtual server."""
        return tuple(s for s in self.servers if not s.virtual)

    def owned(self, name: str) -> tuple[LabServer, ...]:
        """The virtual servers whose group is online on node ``name``."""
        return tuple(s for s in self.servers if s.virtual and s.owner == name.upper())

    def drives_of(self, s: LabServer) -> tuple[str, ...]:
        """A machine's drive letters: its own and the disks of the groups it owns."""
        return (*s.volumes, *(v for vs in self.owned(s.name) for v in vs.volumes))

    def offline_resources(self, c: LabCluster) -> list[str]:
        """The estate's resources of cluster ``c`` that start offline (a standby's)."""
        return [n for s in self.servers if s.virtual and s.cluster == c.name
                for n in s.offline_resources]

    def cluster_of(self, s: LabServer) -> LabCluster | None:
        return next((c for c in self.clusters if c.name == s.cluster), None)

    def virtual_server(self, s: LabServer) -> VirtualServer:
        """A virtual server as the cluster reports it (resources in online order)."""
        return VirtualServer(s.name, s.ip, s.group, tuple(r[0] for r in s.resources),
                             s.volumes, s.owner)

    def apps_of(self, s: LabServer) -> AppInventory:
        """The server's applications with its cluster, as the console should read them."""
        c = self.cluster_of(s)
        if c is None:
            return s.apps
        members = [v for v in self.servers if v.virtual and v.cluster == c.name]
        vss = tuple(self.virtual_server(v) for v in members if v.name != c.name)
        # every group as cluster_info reports it (the resources created at run time aside)
        groups = tuple(ClusterGroup(v.group, v.owner, v.volumes, tuple(
            ClusterResource(n, t, v.ip if t == "IP Address" else "",
                            v.name if t == "Network Name" else "", n not in v.offline_resources)
            for n, t in v.resources))
            for v in members)
        groups += tuple(ClusterGroup(g.name, g.owner, g.drives, tuple(
            ClusterResource(f"Disk {d}:", "Physical Disk") for d in g.drives)) for g in c.groups)
        return replace(s.apps, cluster=ClusterInfo(c.name, c.nodes, vss, c.node_failover_seconds,
                                                   groups))

    def server(self, name: str) -> LabServer:
        for s in self.servers:
            if s.name.upper() == name.upper():
                return s
        raise KeyError(name)

    @property
    def dns_ip(self) -> str:
        return self.server(self.dns_server).ip

    @property
    def reverse_zone(self) -> str:
        """The /24 reverse zone holding every server's PTR."""
        a, b, c = self.net.split(".")
        return f"{c}.{b}.{a}.in-addr.arpa"

    def as_server(self, s: LabServer, engine_running: bool = True) -> Server:
        """The inventory a console would read from this lab server (a virtual server's
        OS, services and engine are its owner's)."""
        host = self.server(s.owner) if s.virtual else s
        ips = s.ips if s.virtual else (*s.ips, *(v.ip for v in self.owned(s.name)))
        volumes = s.volumes if s.virtual else self.drives_of(s)
        return Server(
            name=s.name,
            fqdn=s.fqdn(self.domain),
            ips=ips,
            os_name=host.os,
            os_version=host.os_version,
            nics=(Nic(s.group if s.virtual else "Local Area Connection", ips),),
            volumes=tuple(Volume(v, label=f"{v} drive") for v in volumes),
            services=host.services,
            shares=s.shares,
            roles=s.roles,
            engine=EngineInfo(host.engine_installed, host.engine_installed and engine_running,
                              host.engine_version, host.engine_port) if host.engine_installed
            else EngineInfo(False, False),
            domain=self.domain,
            dns_servers=(self.dns_ip,),
            admin_group_members=host.admins or (self.admin_user,),
            apps=self.apps_of(s),
        )


def default_estate_path() -> Path:
    return Path(str(resources.files("core.lab") / "default_estate.toml"))


def load_estate(path: Path | None = None, net: str | None = None) -> Estate:
    """Read an estate file (the default one when ``path`` is None).

    ``net`` relocates every server to another /24 of 127/8 (tests run their
    own lab beside a user's without clashing).
    """
    path = path or default_estate_path()
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput("estate", f"cannot read {path}: {exc}") from exc
    return parse_estate(data, net=net, source=Path(path))


def parse_estate(data: dict[str, Any], net: str | None = None, source: Path | None = None) -> Estate:
    """An :class:`Estate` from the estate file's data; InvalidInput names what is wrong."""
    from core.lab.estate_parse import parse

    return parse(data, net, source)


def volume_dir(lab_root: Path, server: str, letter: str) -> Path:
    """Real directory behind drive ``letter`` of lab ``server``."""
    return lab_root / "servers" / server.upper() / letter.upper().rstrip(":")


def windows_to_local(lab_root: Path, server: str, win_path: str) -> Path:
    """Map ``E:\\Shares\\Data`` on a lab server to its real directory."""
    drive, _, rest = win_path.partition(":")
    parts = [p for p in rest.replace("/", "\\").split("\\") if p]
    return volume_dir(lab_root, server, drive).joinpath(*parts)
