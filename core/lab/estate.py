"""The lab estate file (TOML): a readable description of a Windows domain.

The loader turns it into :class:`Estate`, from which the lab serves DNS,
WinRM and engines, and builds the directory. Windows paths on a lab server
map to real directories: ``E:\\Shares\\Data`` on FS01 lives under
``<lab>/servers/FS01/E/Shares/Data``.
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import InvalidInput
from core.model.server import EngineInfo, Nic, Server, Service, Share, Volume


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

    def fqdn(self, domain: str) -> str:
        return f"{self.name.lower()}.{domain}"


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
        """The inventory a console would read from this lab server."""
        return Server(
            name=s.name,
            fqdn=s.fqdn(self.domain),
            ips=(s.ip,),
            os_name=s.os,
            os_version=s.os_version,
            nics=(Nic("Local Area Connection", (s.ip,)),),
            volumes=tuple(Volume(v, label=f"{v} drive") for v in s.volumes),
            services=s.services,
            shares=s.shares,
            roles=s.roles,
            engine=EngineInfo(s.engine_installed, s.engine_installed and engine_running,
                              s.engine_version, s.engine_port) if s.engine_installed
            else EngineInfo(False, False),
            domain=self.domain,
            dns_servers=(self.dns_ip,),
            admin_group_members=(self.admin_user,),
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
    d = data.get("domain") or {}
    net = net or d.get("net", "127.0.10")
    _check_net(net)
    servers = tuple(_server(s, net) for s in data.get("servers", []))
    names = [s.name for s in servers]
    if len(set(names)) != len(names):
        raise InvalidInput("estate", "server names must be unique")
    est = Estate(
        domain=str(d.get("name", "lab.example.com")).lower(),
        netbios=str(d.get("netbios", "LAB")).upper(),
        net=net,
        admin_user=d.get("admin_user", "LAB\\Administrator"),
        admin_password=d.get("admin_password", ""),
        dns_admin_user=d.get("dns_admin_user", d.get("admin_user", "")),
        dns_admin_password=d.get("dns_admin_password", d.get("admin_password", "")),
        tsig_key_name=d.get("tsig_key_name", "appmgr-lab-key."),
        tsig_algorithm=d.get("tsig_algorithm", "hmac-sha256"),
        tsig_secret=d.get("tsig_secret", ""),
        dns_server=d.get("dns_server", names[0] if names else ""),
        ttl=int(d.get("ttl", 1200)),
        servers=servers,
        source=source,
    )
    est.server(est.dns_server)  # must exist
    return est


def _check_net(net: str) -> None:
    try:
        addr = ipaddress.IPv4Address(net + ".0")
    except ValueError as exc:
        raise InvalidInput("net", f"{net!r} is not the first three octets of an IPv4 address") from exc
    if not addr.is_loopback:
        raise InvalidInput("net", "the lab only uses loopback addresses (127.x.y)")


def _server(s: dict[str, Any], net: str) -> LabServer:
    eng = s.get("engine") or {}
    return LabServer(
        name=str(s["name"]).upper(),
        ip=f"{net}.{int(s['host'])}",
        os=s.get("os", "Windows Server 2008 Enterprise"),
        os_version=s.get("os_version", "6.0.6002"),
        roles=tuple(s.get("roles", [])),
        volumes=tuple(v.upper().rstrip(":") for v in s.get("volumes", ["C"])),
        engine_installed=bool(eng.get("installed", False)),
        engine_version=str(eng.get("version", "")),
        engine_port=int(eng.get("port", 6320)),
        services=tuple(Service(x["name"], x.get("display", ""), x.get("state", "running"),
                               x.get("start_mode", "auto")) for x in s.get("services", [])),
        shares=tuple(Share(x["name"], x["path"], bool(x.get("admin", False)),
                           x.get("description", "")) for x in s.get("shares", [])),
        files=dict(s.get("files", {})),
        faults=tuple(s.get("faults", [])),
    )


def volume_dir(lab_root: Path, server: str, letter: str) -> Path:
    """Real directory behind drive ``letter`` of lab ``server``."""
    return lab_root / "servers" / server.upper() / letter.upper().rstrip(":")


def windows_to_local(lab_root: Path, server: str, win_path: str) -> Path:
    """Map ``E:\\Shares\\Data`` on a lab server to its real directory."""
    drive, _, rest = win_path.partition(":")
    parts = [p for p in rest.replace("/", "\\").split("\\") if p]
    return volume_dir(lab_root, server, drive).joinpath(*parts)
