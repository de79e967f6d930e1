"""The BlackBerry Enterprise Server application (BES over a SQL back end).

Only consolidated BES (the server and its configuration database on one
machine) is supported, to a consolidated target. What is protected: the
BES database's SQL instance in instance mode (the BES database with the
instance's system databases) and the BES program folder (logs and
configuration). Services: the instance's SQL services, then the BES
services in start order. Exchange and BlackBerry never share a machine
(the support matrix says so). The replication set is ``bbdag01_SRC_TGT``
(the guide names none; ours, alike the others).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.apps import sqlcommon as sq
from core.apps.base import ALL_PHASES, AppDefaults, Problems, TreeItem
from core.apps.common import services
from core.apps.sql_backed import SqlBackedApp
from core.errors import InvalidInput
from core.model.apps import SqlInstance
from core.model.config import ProtectionConfig, ServiceItem
from core.model.server import Server

#: BES services by version, in start order (all must be stopped on the target).
#: 4.1.0-4.1.3 call the MDS service "Mobile Data Service"; 4.1.4 (the guide's oldest
#: supported) renamed it "MDS Connection Service" and added the MDS Services.
_BES_COMMON = ("BlackBerry Router", "BlackBerry Dispatcher", "BlackBerry Controller",
               "BlackBerry Policy Service", "BlackBerry Synchronization Service")
_BES_TAIL = ("BlackBerry Attachment Service", "BlackBerry Collaboration Service",
             "BlackBerry Alert")
BES_SERVICES_BY_VERSION: dict[str, tuple[str, ...]] = {
    "4.1.0": _BES_COMMON + ("BlackBerry Mobile Data Service",) + _BES_TAIL,
    "4.1.4": _BES_COMMON + ("BlackBerry MDS Connection Service",
                            "BlackBerry MDS Services - Apache Tomcat Service") + _BES_TAIL,
}
#: what a version the table does not know gets (the newest layout)
BES_SERVICES = BES_SERVICES_BY_VERSION["4.1.4"]


def bes_services(version: str) -> tuple[str, ...]:
    """The BES services of ``version`` in start order (4.1.4 and later: the newest layout)."""
    parts = [int(x) for x in version.split(".")[:3] if x.isdigit()]
    if parts and parts[:2] == [4, 1] and (parts[2:] or [0])[0] < 4:
        return BES_SERVICES_BY_VERSION["4.1.0"]
    return BES_SERVICES


def bes_service_names(source: Server, target: Server) -> list[str]:
    """The version's BES services that both servers have (all of them when neither
    inventory lists services): a name a server lacks would stop the plan."""
    bes = source.apps.blackberry or target.apps.blackberry
    names = bes_services(bes.version if bes else "")
    for server in (source, target):
        have = {s.name.upper() for s in server.services}
        if have:
            names = tuple(n for n in names if n.upper() in have)
    return list(names)


def sql_services(inst: SqlInstance) -> list[tuple[str, bool]]:
    """The instance's SQL services; SQL Express has no SQL Server Agent."""
    names = sq.instance_services(inst)
    if "EXPRESS" in inst.edition.upper():
        names = [(n, stop) for n, stop in names if n != inst.agent_service]
    return names


def bes_instances(source: Server) -> list[SqlInstance]:
    """The instance holding the BES database (all instances when it is not known)."""
    bes = source.apps.blackberry
    if bes is not None:
        inst = source.apps.sql_instance(sq.parse_sql_server(bes.sql_server)[1])
        if inst is not None:
            return [inst]
    return list(source.apps.sql)


@dataclass(frozen=True)
class BlackBerryApp(SqlBackedApp):
    id: str = "blackberry"
    title: str = "BlackBerry"
    task_label: str = "Protect BlackBerry Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "bbdag01"
    plan_phases: tuple[str, ...] = ALL_PHASES
    selection_key: str = "connection.databases"
    directory_query: str = ""  # Advanced Find: every server of the domain
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(identity_ip=True))

    def version_of(self, server: Server) -> str:
        return server.apps.blackberry.version if server.apps.blackberry else ""

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        return sq.sql_tree(source, bes_instances(source), config,
                           self.default_selection(source)["databases"],
                           f"BlackBerry database on {source.name}")

    def default_selection(self, source: Server) -> dict[str, Any]:
        keys = [k for inst in bes_instances(source) for k in sq.all_keys(inst)]
        bes = source.apps.blackberry
        return {"sql_mode": "instance", "databases": sq.normalise(keys, "instance"),
                "volume_paths": [bes.program_path] if bes and bes.program_path else []}

    def complete_selection(self, config: ProtectionConfig, source: Server | None) -> None:
        config.connection.databases = sq.normalise(config.connection.databases, "instance")

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        names = [n for inst in bes_instances(source) for n in sql_services(inst)]
        names += [(n, True) for n in bes_service_names(source, target)]
        return services(names, target)

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        conn = config.connection
        errors: list[InvalidInput] = self.instance_mode_errors(config)
        bes = source.apps.blackberry
        if bes is not None and not bes.consolidated:
            errors.append(InvalidInput("source", f"{source.name} runs a distributed BES: only "
                                                 "consolidated BlackBerry servers are supported"))
        errors += sq.database_problems(config, source, [i.name for i in bes_instances(source)])
        if not config.advanced.override_rules and not conn.databases and not conn.volume_paths:
            errors.append(InvalidInput("connection.databases", "nothing is selected to protect"))
        return errors, []
