"""What every protectable application module provides (ARCHITECTURE core/apps).

An :class:`Application` knows how to find its servers, what data it
protects (the Connection tab's tree), which services move on failover, the
replication set rules and name, and the phases of its failover plan. Core
code asks the registry for one by id and never branches on the id itself.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server
from core.ports import Directory, DirectoryComputer

#: every plan phase an application may use, in execution order
ALL_PHASES = ("post-failover", "pre-failback", "post-restore", "post-failback")


@dataclass(frozen=True)
class TreeItem:
    """One node of the protected-items tree (Connection tab).

    ``key`` is stable across refreshes (``share:Data``, ``volume:E``,
    ``path:E:\\Other``) so a UI can keep selection and expansion by key.
    """

    key: str
    label: str
    kind: str  # root | share | volumes | volume | folder
    path: str = ""  # Windows path on the source ("" for grouping nodes)
    selected: bool = False
    children: tuple[TreeItem, ...] = ()

    def walk(self) -> list[TreeItem]:
        """This node and all below it, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def find(self, key: str) -> TreeItem | None:
        return next((n for n in self.walk() if n.key == key), None)


@dataclass(frozen=True)
class AppDefaults:
    """Defaults of SPEC F-6 that differ per application."""

    #: identity failover items: IP address, server name, shares, AD host SPNs
    identity_ip: bool = True
    identity_name: bool = False
    identity_shares: bool = False
    identity_spns: bool = False
    #: graceful (soft) failover while the source is up (F-9.2)
    graceful_failover: bool = True
    extra: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Application(Protocol):
    id: str  # "fileprint"
    title: str  # "File Server"
    task_label: str  # "Protect File Server"
    protectable: bool
    not_protectable_reason: str  # "" when protectable
    set_prefix: str  # replication set name prefix: "fileprint"
    plan_phases: tuple[str, ...]
    defaults: AppDefaults

    def discover(self, directory: Directory) -> list[DirectoryComputer]:
        """Servers of the domain that may run this application (cluster nodes hidden)."""
        ...

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        """The Connection tab's tree; selection from ``config`` (defaults when None)."""
        ...

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        """Services to start on failover (top-down) and stop on failback (bottom-up)."""
        ...

    def removable_service(self, item: ServiceItem) -> bool:
        """Whether the user may remove ``item`` from the services list."""
        ...

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        """Replication set rules generated from the selected protected items."""
        ...

    def set_name(self, source: str, target: str) -> str:
        """The replication set's name, e.g. ``fileprint_FS01_FS02``."""
        ...


def effective_rules(app: Application, config: ProtectionConfig, source: Server) -> list[Rule]:
    """The rules the engine gets: the user's when overridden, else generated."""
    if config.advanced.override_rules:
        return list(config.advanced.rules)
    return app.generate_rules(config, source)


def apply_selection(config: ProtectionConfig, keys: Iterable[str]) -> ProtectionConfig:
    """A new config whose protected items are the tree nodes with these ``keys``.

    ``share:NAME`` selects a share, ``volume:E`` a whole volume (``E:\\``) and
    ``path:P`` a path under the Volumes branch; other keys are ignored.
    """
    shares: list[str] = []
    paths: list[str] = []
    for key in keys:
        kind, _, value = key.partition(":")
        if kind == "share" and value:
            shares.append(value)
        elif kind == "volume" and value:
            paths.append(f"{value.upper()}:\\")
        elif kind == "path" and value:
            paths.append(value)
    new = copy.deepcopy(config)
    new.connection.shares = shares
    new.connection.volume_paths = paths
    return new
