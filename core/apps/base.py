"""What every protectable application module provides (ARCHITECTURE core/apps).

An :class:`Application` knows how to find its servers, what data it
protects (the Connection tab's tree), which services move on failover, the
replication set rules and name, and its own steps of the failover plan.
Core code asks the registry for one by id and never branches on the id itself.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from core.errors import InvalidInput
from core.model.config import ProtectionConfig, ServiceItem
from core.model.rules import Rule
from core.model.server import Server, Share
from core.ports import Directory, DirectoryComputer

#: every plan phase, in execution order (all five applications use all four)
ALL_PHASES = ("post-failover", "pre-failback", "post-restore", "post-failback")

#: one plan step as an application describes it: (verb, args, options)
StepSpec = tuple[str, tuple[str, ...], dict[str, str]]
#: errors and warnings of a cross-field check, fields named like ``connection.databases``
Problems = tuple[list[InvalidInput], list[InvalidInput]]


def spec(verb: str, *args: str, **options: str) -> StepSpec:
    """A plan step; options with an empty value are left out."""
    return verb, tuple(args), {k: v for k, v in options.items() if v != ""}


@dataclass(frozen=True)
class TreeItem:
    """One node of the protected-items tree (Connection tab).

    ``key`` is stable across refreshes (``share:Data``, ``sg:First Storage
    Group``, ``db:MSSQLSERVER/sales``, ``volume:E``, ``path:E:\\Other``) so a
    UI can keep selection and expansion by key. ``locked`` nodes cannot be
    deselected (SQL system databases in instance mode).
    """

    key: str
    label: str
    kind: str  # root | share | storage-group | store | instance | database | volumes | volume | folder
    path: str = ""  # Windows path on the source ("" for grouping nodes)
    selected: bool = False
    children: tuple[TreeItem, ...] = ()
    locked: bool = False

    def walk(self) -> list[TreeItem]:
        """This node and all below it, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def find(self, key: str) -> TreeItem | None:
        return next((n for n in self.walk() if n.key == key), None)

    def selected_keys(self) -> list[str]:
        return [n.key for n in self.walk() if n.selected]


@dataclass(frozen=True)
class AppDefaults:
    """Defaults of SPEC F-6 that differ per application."""

    #: identity failover items: IP address, server name, shares, AD host SPNs
    identity_ip: bool = True
    identity_name: bool = False
    identity_shares: bool = False
    identity_spns: bool = False
    #: items to failover with DNS failover (Advanced tab)
    items_server_name: bool = False
    items_shares: bool = False
    items_spns: bool = False
    #: graceful (soft) failover while the source is up (F-9.2)
    graceful_failover: bool = True
    #: the Advanced options are shown without --advanced (SharePoint)
    advanced_shown: bool = False
    #: moving the AD host SPNs breaks this application: warn when chosen (Exchange)
    spn_warning: bool = False
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class PlanParts:
    """An application's own steps, placed around the generic ones by the planner."""

    after_start: list[StepSpec] = field(default_factory=list)  # post-failover, before DNS
    before_stop: list[StepSpec] = field(default_factory=list)  # pre-failback, first
    after_stop: list[StepSpec] = field(default_factory=list)  # pre-failback, before DNS back
    post_restore: list[StepSpec] = field(default_factory=list)  # on the source, last
    source_services: tuple[str, ...] = ()  # must run on the source once its data is back
    keep_running: tuple[str, ...] = ()  # not stopped on the target at pre-failback


@runtime_checkable
class Application(Protocol):
    @property
    def id(self) -> str: ...  # "fileprint"
    @property
    def title(self) -> str: ...  # "File Server"
    @property
    def task_label(self) -> str: ...  # "Protect File Server"
    @property
    def protectable(self) -> bool: ...
    @property
    def not_protectable_reason(self) -> str: ...  # "" when protectable
    @property
    def set_prefix(self) -> str: ...  # replication set name prefix: "fileprint"
    @property
    def plan_phases(self) -> tuple[str, ...]: ...
    @property
    def defaults(self) -> AppDefaults: ...
    #: the config key the protected-items selection lives in ("connection.shares")
    @property
    def selection_key(self) -> str: ...

    def discover(self, directory: Directory, *,
                 include_disabled: bool = False) -> list[DirectoryComputer]:
        """Servers of the domain running this application (cluster nodes hidden; disabled
        computer accounts hidden unless ``include_disabled``, then marked)."""
        ...

    def version_of(self, server: Server) -> str:
        """The application's version on ``server`` ("" when it does not run there)."""
        ...

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        """The Connection tab's tree; selection from ``config`` (defaults when None)."""
        ...

    def default_selection(self, source: Server) -> dict[str, Any]:
        """Connection fields of a new pair: what is selected by default."""
        ...

    def complete_selection(self, config: ProtectionConfig, source: Server | None) -> None:
        """Add what the selection requires (SQL system databases), in place."""
        ...

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        """Services to start on failover (top-down) and stop on failback (bottom-up)."""
        ...

    def optional_services(self, source: Server, target: Server) -> list[ServiceItem]:
        """Services an "Add … services" button offers (SharePoint), else empty."""
        ...

    def removable_service(self, item: ServiceItem) -> bool:
        """Whether the user may remove ``item`` from the services list."""
        ...

    def generate_rules(self, config: ProtectionConfig, source: Server) -> list[Rule]:
        """Replication set rules generated from the selected protected items."""
        ...

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        """Errors and warnings of the application's own fields against the servers."""
        ...

    def shares_to_publish(self, config: ProtectionConfig, source: Server) -> list[Share]:
        """The source's shares the plan publishes on the target at failover."""
        ...

    def plan_facts(self, config: ProtectionConfig, source: Server,
                   target: Server) -> dict[str, Any]:
        """What the plan needs from the servers, captured while they answer (JSON-able)."""
        ...

    def plan_parts(self, config: ProtectionConfig, facts: Any) -> PlanParts:
        """The application's own steps of the four plan phases."""
        ...

    def set_name(self, source: str, target: str) -> str:
        """The replication set's name, e.g. ``fileprint_FS01_FS02``."""
        ...

    def failback_refusal(self, facts: Any) -> str:
        """Why failback must not start with these plan facts ("" = it may; SQL: F-9.3)."""
        ...

    def preferred_target_ips(self, target: Server) -> list[str]:
        """The target's addresses to offer first for the source's (Exchange: its SMTP
        virtual servers'); empty when the application prefers none."""
        ...


def effective_rules(app: Application, config: ProtectionConfig, source: Server) -> list[Rule]:
    """The rules the engine gets: the user's when overridden, else generated."""
    if config.advanced.override_rules:
        return list(config.advanced.rules)
    return app.generate_rules(config, source)


def apply_selection(config: ProtectionConfig, keys: Iterable[str],
                    source: Server | None = None) -> ProtectionConfig:
    """A new config whose protected items are the tree nodes with these ``keys``.

    ``share:NAME`` selects a share, ``sg:NAME`` a storage group (``store:SG/NAME``
    its storage group), ``db:INSTANCE/NAME`` a database (``instance:NAME`` all of
    an instance's, given the ``source``), ``volume:E`` a whole volume (``E:\\``)
    and ``path:P`` a path under the Volumes branch. With the ``source`` the
    application adds what the selection requires (SQL system databases).
    """
    # typed paths meet the same parser as ``config set`` ('..' and the like refused here)
    from core.config.text_parsers import parse_windows_path

    new = copy.deepcopy(config)
    shares: list[str] = []
    paths: list[str] = []
    groups: list[str] = []
    dbs: list[str] = []
    for key in keys:
        kind, _, value = key.partition(":")
        if not value:
            continue
        if kind == "share":
            shares.append(value)
        elif kind == "volume":
            paths.append(f"{value.upper()}:\\")
        elif kind == "path":
            paths.append(parse_windows_path(value, "connection.volume_paths"))
        elif kind in ("sg", "store"):
            groups.append(value.split("/", 1)[0] if kind == "store" else value)
        elif kind == "db":
            dbs.append(value)
        elif kind == "instance" and source is not None:
            inst = source.apps.sql_instance(value)
            dbs += [f"{inst.name}/{d.name}" for d in inst.databases] if inst else []
    new.connection.shares = shares
    new.connection.volume_paths = list(dict.fromkeys(paths))
    new.connection.storage_groups = list(dict.fromkeys(groups))
    new.connection.databases = list(dict.fromkeys(dbs))
    from core.apps.registry import get_app  # the registry imports this module

    get_app(new.app).complete_selection(new, source)
    return new
