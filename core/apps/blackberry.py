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

#: BES 4.1 services, in start order (all must be stopped on the target)
BES_SERVICES = ("BlackBerry Router", "BlackBerry Dispatcher", "BlackBerry Controller",
                "BlackBerry Policy Service", "BlackBerry Synchronization Service",
                "BlackBerry Mobile Data Service", "BlackBerry Attachment Service",
                "BlackBerry Collaboration Service", "BlackBerry Alert")


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
        names = [n for inst in bes_instances(source) for n in sq.instance_services(inst)]
        names += [(n, True) for n in BES_SERVICES]
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
