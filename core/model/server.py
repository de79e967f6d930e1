"""What appmgr knows about one Windows server (its inventory)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.model.apps import AppInventory


@dataclass(frozen=True)
class Nic:
    name: str
    ips: tuple[str, ...]
    subnet_prefix: int = 24


@dataclass(frozen=True)
class Volume:
    letter: str  # "C", "E" (no colon)
    label: str = ""
    size_bytes: int = 0
    free_bytes: int = 0


@dataclass(frozen=True)
class Service:
    name: str  # service name, e.g. "LanmanServer"
    display: str = ""
    state: str = "running"  # running | stopped
    start_mode: str = "auto"  # auto | manual | disabled


@dataclass(frozen=True)
class Share:
    name: str
    path: str  # Windows path, e.g. "E:\\Shares\\Data"
    admin: bool = False  # C$, ADMIN$, IPC$, NETLOGON, SYSVOL …
    description: str = ""
    #: the share's permissions (allow entries) as "ACCOUNT:FULL|CHANGE|READ", e.g.
    #: "LAB\\Sales:CHANGE"; a share made for it on the target copies them
    grants: tuple[str, ...] = ()


@dataclass(frozen=True)
class EngineInfo:
    installed: bool
    running: bool
    version: str = ""
    port: int = 6320


@dataclass(frozen=True)
class Server:
    """A server as discovered (directory) and inventoried (host control)."""

    name: str  # NetBIOS-style short name, upper case: "FS01"
    fqdn: str = ""
    ips: tuple[str, ...] = ()
    os_name: str = ""
    os_version: str = ""
    nics: tuple[Nic, ...] = ()
    volumes: tuple[Volume, ...] = ()
    services: tuple[Service, ...] = ()
    shares: tuple[Share, ...] = ()
    roles: tuple[str, ...] = ()  # "dc", "dns", "gc", "fileprint", …
    engine: EngineInfo | None = None
    domain: str = ""
    dns_servers: tuple[str, ...] = ()
    admin_group_members: tuple[str, ...] = field(default=())
    #: what runs on it: Exchange, SQL instances, SharePoint, BES, cluster membership
    apps: AppInventory = field(default_factory=AppInventory)

    @property
    def volume_letters(self) -> set[str]:
        return {v.letter.upper() for v in self.volumes}

    @property
    def is_dc(self) -> bool:
        return "dc" in self.roles

    def user_shares(self) -> list[Share]:
        """Non-administrative shares (NETLOGON/SYSVOL never count, even off a DC)."""
        hidden = {"NETLOGON", "SYSVOL"}
        return [s for s in self.shares if not s.admin and s.name.upper() not in hidden]
