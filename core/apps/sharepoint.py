"""The SharePoint application (WSS 3.0 / MOSS 2007 over a SQL back end).

A SharePoint pair protects the farm's back-end SQL server: the source is
found from the front end's configuration ("Get Config", see
:func:`backend_of`), the target is another SQL server. Only SQL instance
mode exists here (no database-only mode); the farm's databases are selected
with the instance's system databases. Services: the back-end instance's
SQL services; "Add SharePoint services" adds the farm's own services, which
then start on failover and stop on failback. The Advanced options show by
default with Server Name and AD host SPNs selected (both are needed for
SharePoint failover); there is no graceful failover. The replication set is
``spdag01_SRC_TGT`` (the guide names none; ours, alike the others).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.apps import sqlcommon as sq
from core.apps.base import ALL_PHASES, AppDefaults, Problems, TreeItem
from core.apps.common import services
from core.apps.sql_backed import SqlBackedApp
from core.errors import InvalidInput
from core.model.apps import SharePointFarm, SqlInstance
from core.model.config import ProtectionConfig, ServiceItem
from core.model.server import Server

#: SharePoint services in start order (MOSS adds Office SharePoint Server Search)
SHAREPOINT_SERVICES = ("SPAdmin", "SPTimerV3", "SPTrace", "SPSearch")
MOSS_SERVICES = ("OSearch",)


def backend_of(front_end: Server) -> tuple[str, str, SharePointFarm]:
    """Get Config: (back-end server, SQL instance, farm) from a front end's inventory.

    InvalidInput when the server is not a SharePoint front end.
    """
    farm = front_end.apps.sharepoint
    if farm is None or not farm.sql_server:
        raise InvalidInput("front_end", f"{front_end.name} is not a SharePoint front end "
                                        "(no farm configuration found)")
    host, inst = sq.parse_sql_server(farm.sql_server)
    return host, inst, farm


def farm_instances(source: Server) -> list[SqlInstance]:
    """The back-end instance(s) holding the farm: the farm's named instance when the
    source knows the farm, else those holding a SharePoint configuration database."""
    farm = source.apps.sharepoint
    if farm is not None:
        inst = source.apps.sql_instance(sq.parse_sql_server(farm.sql_server)[1])
        if inst is not None:
            return [inst]
    found = [i for i in source.apps.sql
             if any(d.name.lower().startswith("sharepoint_config") for d in i.databases)]
    return found or list(source.apps.sql)


@dataclass(frozen=True)
class SharePointApp(SqlBackedApp):
    id: str = "sharepoint"
    title: str = "SharePoint"
    task_label: str = "Protect SharePoint Server"
    protectable: bool = True
    not_protectable_reason: str = ""
    set_prefix: str = "spdag01"
    plan_phases: tuple[str, ...] = ALL_PHASES
    selection_key: str = "connection.databases"
    directory_query: str = "sql_servers"  # the back ends; the source comes from Get Config
    needs_farm: bool = True  # the console lends a back end the farm found by Get Config
    defaults: AppDefaults = field(default_factory=lambda: AppDefaults(
        identity_ip=True, items_server_name=True, items_spns=True, graceful_failover=False,
        advanced_shown=True))

    def version_of(self, server: Server) -> str:
        """The back-end SQL Server version (the guide's SharePoint table is by it)."""
        insts = farm_instances(server)
        return insts[0].version if insts else ""

    def protected_items(self, source: Server, config: ProtectionConfig | None = None) -> TreeItem:
        return sq.sql_tree(source, farm_instances(source), config,
                           self.default_selection(source)["databases"],
                           f"SharePoint databases on {source.name}")

    def default_selection(self, source: Server) -> dict[str, Any]:
        farm = source.apps.sharepoint
        keys: list[str] = []
        for inst in farm_instances(source):
            names = {d.name.lower() for d in inst.databases}
            wanted = ({n.lower() for n in (farm.config_db, *farm.databases)} & names
                      if farm else names)
            keys += [sq.db_key(inst.name, d.name) for d in inst.databases
                     if d.name.lower() in wanted or d.name.lower() in sq.SYSTEM_DBS]
        return {"sql_mode": "instance", "databases": sq.normalise(keys, "instance")}

    def complete_selection(self, config: ProtectionConfig, source: Server | None) -> None:
        config.connection.databases = sq.normalise(config.connection.databases, "instance")

    def default_services(self, source: Server, target: Server) -> list[ServiceItem]:
        names = [n for inst in farm_instances(source) for n in sq.instance_services(inst)]
        return services(names, target)

    def optional_services(self, source: Server, target: Server) -> list[ServiceItem]:
        """"Add SharePoint services": started on failover, stopped on failback."""
        farm = source.apps.sharepoint or target.apps.sharepoint
        moss = farm is not None and "MOSS" in farm.version.upper()
        names = SHAREPOINT_SERVICES + (MOSS_SERVICES if moss else ())
        return [ServiceItem(n, False, True) for n in names]

    def selection_problems(self, config: ProtectionConfig, source: Server,
                           target: Server) -> Problems:
        conn = config.connection
        errors: list[InvalidInput] = self.instance_mode_errors(config)
        allowed = [i.name for i in farm_instances(source)]
        errors += sq.database_problems(config, source, allowed)
        if not config.advanced.override_rules and not conn.databases and not conn.volume_paths:
            errors.append(InvalidInput("connection.databases", "nothing is selected to protect"))
        return errors, []
