"""Application inventories of a server: what Exchange, SQL Server, SharePoint
and BlackBerry look like on it (read over WinRM, or from the lab estate).

Paths are Windows paths on that server. Every list is a tuple so inventories
stay hashable and immutable like :class:`core.model.server.Server`.
"""

from __future__ import annotations

from dataclasses import dataclass

#: the applications appmgr protects, by the ids used everywhere (CLI, configs, file names)
APP_IDS = ("exchange", "sql", "fileprint", "sharepoint", "blackberry")


# --- Exchange ----------------------------------------------------------------
@dataclass(frozen=True)
class ExchangeStore:
    name: str  # "Mailbox Database", "Public Folder Database"
    kind: str = "mailbox"  # mailbox | public
    edb_path: str = ""
    stm_path: str = ""  # Exchange 2003 streaming file
    mounted: bool = True


@dataclass(frozen=True)
class StorageGroup:
    name: str  # "First Storage Group"
    log_prefix: str = "E00"
    log_path: str = ""
    system_path: str = ""
    stores: tuple[ExchangeStore, ...] = ()


@dataclass(frozen=True)
class ExchangeInventory:
    version: str  # "2003" | "2007" | "2010" | "2016" | "2019"
    edition: str = "Enterprise"
    roles: tuple[str, ...] = ("mailbox",)  # mailbox | hub | cas | edge | frontend | backend
    admin_group: str = "First Administrative Group"
    organization: str = ""
    storage_groups: tuple[StorageGroup, ...] = ()
    smtp_vs_ips: tuple[str, ...] = ()  # SMTP virtual server IPs (first = failover default)
    mta_path: str = ""
    queue_path: str = ""
    program_path: str = ""
    service_account: str = "LocalSystem"  # account of the engine service on this server


# --- SQL Server ----------------------------------------------------------------
@dataclass(frozen=True)
class SqlFile:
    logical: str
    path: str  # "E:\\SQLData\\sales.mdf"
    kind: str = "data"  # data (.mdf) | log (.ldf) | ndf (secondary data)


@dataclass(frozen=True)
class SqlDatabase:
    name: str
    files: tuple[SqlFile, ...] = ()
    system: bool = False  # master, model, msdb, tempdb
    state: str = "online"  # online | offline | detached


@dataclass(frozen=True)
class SqlInstance:
    name: str  # "MSSQLSERVER" (default) or the instance name "INST1"
    version: str  # "2000" | "2005" | "2008" | "2008 R2" | "2012" … "2022"
    service_pack: str = ""
    edition: str = "Standard"  # Standard | Enterprise | Express | …
    bits: int = 64
    program_path: str = ""
    databases: tuple[SqlDatabase, ...] = ()
    protocols: tuple[str, ...] = ("tcp", "np")  # enabled client protocols
    sysadmins: tuple[str, ...] = ()
    clustered: bool = False
    virtual_server: str = ""  # cluster network name of a clustered instance

    @property
    def default(self) -> bool:
        return self.name.upper() == "MSSQLSERVER"

    @property
    def service(self) -> str:
        """The engine service: MSSQLSERVER or MSSQL$NAME (never removable, F-6.1)."""
        return "MSSQLSERVER" if self.default else f"MSSQL${self.name}"

    @property
    def agent_service(self) -> str:
        return "SQLSERVERAGENT" if self.default else f"SQLAgent${self.name}"


# --- SharePoint and BlackBerry -------------------------------------------------------
@dataclass(frozen=True)
class SharePointFarm:
    version: str  # "WSS 3.0" | "MOSS 2007"
    sql_server: str  # back-end SQL server (name[\\instance])
    config_db: str = "SharePoint_Config"
    databases: tuple[str, ...] = ()  # content, admin content, SSP, search databases
    front_ends: tuple[str, ...] = ()
    admin_port: int = 0


@dataclass(frozen=True)
class BlackBerryServer:
    version: str  # "4.1.6"
    sql_server: str  # back end (name[\\instance])
    database: str = "BESMgmt"
    edition: str = "Enterprise"
    consolidated: bool = True  # BES and its database on one server
    program_path: str = ""  # BES installation folder (logs and configuration files)


# --- clusters ----------------------------------------------------------------------
@dataclass(frozen=True)
class VirtualServer:
    name: str  # Exchange virtual server / SQL network name
    ip: str
    group: str = ""
    resources: tuple[str, ...] = ()  # in the order they come online
    drives: tuple[str, ...] = ()  # physical disk resources (drive letters)
    owner: str = ""  # node that has the group online now


@dataclass(frozen=True)
class ClusterInfo:
    name: str
    nodes: tuple[str, ...]
    virtual_servers: tuple[VirtualServer, ...] = ()
    node_failover_seconds: int = 60  # time a node failover takes (for the monitor cushion)
    #: every group of the cluster (with or without a network name); () when not read
    groups: tuple[ClusterGroup, ...] = ()


@dataclass(frozen=True)
class ClusterGroup:
    """One resource group of a cluster as its nodes report it."""

    name: str
    owner: str = ""
    drives: tuple[str, ...] = ()  # physical disk resources (drive letters)
    resources: tuple[ClusterResource, ...] = ()


@dataclass(frozen=True)
class ClusterResource:
    name: str
    type: str  # "IP Address", "Network Name", "Physical Disk", "Generic Script", ...
    ip: str = ""  # an IP address resource's address
    network_name: str = ""  # a network name resource's name
    online: bool = True


# --- everything on one server ---------------------------------------------------------
@dataclass(frozen=True)
class AppInventory:
    exchange: ExchangeInventory | None = None
    sql: tuple[SqlInstance, ...] = ()
    sharepoint: SharePointFarm | None = None
    blackberry: BlackBerryServer | None = None
    cluster: ClusterInfo | None = None

    def sql_instance(self, name: str) -> SqlInstance | None:
        for inst in self.sql:
            if inst.name.upper() == name.upper():
                return inst
        return None
