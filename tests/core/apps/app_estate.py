"""Application servers for core tests, built on tests.core.doubles (127.0.10.x).

EXCH01/EXCH02 Exchange 2007 (two storage groups; EXCH02 has an SMTP virtual
server IP), SQL01/SQL02 SQL 2008 (default + INST1), SQL03 SQL 2005, SP01/SP02
MOSS 2007 consolidated over SQL 2005 OFFICESERVERS, SPFE front end of back
end SPDB1, BES01/BES02 BES 4.1.6 over SQL 2005 Express, EXCBES (Exchange and
BES on one machine), EVS1 an Exchange 2003 virtual server of EXCLUS (nodes
EXNODE1/2), EXNODE3 a node of the standby cluster EXCLUS2.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from core.model.apps import (
    AppInventory,
    BlackBerryServer,
    ClusterInfo,
    ExchangeInventory,
    ExchangeStore,
    SharePointFarm,
    SqlDatabase,
    SqlFile,
    SqlInstance,
    StorageGroup,
    VirtualServer,
)
from core.model.server import Nic, Server, Service
from core.ports import DirectoryComputer
from tests.core.doubles import ENGINE_SERVICE, FakeDirectory, FakeWorld, lab_servers, make_server
from tests.core.doubles import make_world as _make_world

NET = "127.0.10"
_E2007 = ("MSExchangeADTopology", "MSExchangeSA", "MSExchangeIS", "MSExchangeMailSubmission",
          "MSExchangeMailboxAssistants", "MSExchangeSearch", "msftesql-Exchange",
          "MSExchangeRepl", "MSExchangeServiceHost", "MSExchangeTransportLogSearch")


def _svcs(*names: str) -> tuple[Service, ...]:
    return (*(Service(n) for n in names), Service("LanmanServer"), Service(ENGINE_SERVICE))


def storage_groups() -> tuple[StorageGroup, ...]:
    return (
        StorageGroup("First Storage Group", "E00", "L:\\Exchange\\SG1", "L:\\Exchange\\SG1",
                     (ExchangeStore("Mailbox Database", "mailbox",
                                    "E:\\Exchange\\SG1\\Mailbox Database.edb"),)),
        StorageGroup("Second Storage Group", "E01", "L:\\Exchange\\SG2", "L:\\Exchange\\SG2",
                     (ExchangeStore("Public Folder Database", "public",
                                    "E:\\Exchange\\SG2\\Public Folder Database.edb"),)),
    )


def exchange(version: str = "2007", smtp: tuple[str, ...] = ()) -> ExchangeInventory:
    return ExchangeInventory(version, storage_groups=storage_groups(), smtp_vs_ips=smtp,
                             mta_path="E:\\Exchange\\Mtadata", queue_path="E:\\Exchange\\Queue")


def _sysdbs(program: str) -> tuple[SqlDatabase, ...]:
    return tuple(SqlDatabase(n, (SqlFile(n, f"{program}\\DATA\\{n}.mdf"),
                                 SqlFile(f"{n}log", f"{program}\\DATA\\{n}log.ldf", "log")),
                             system=True) for n in ("master", "model", "msdb", "tempdb"))


def instance(name: str = "MSSQLSERVER", version: str = "2008", dbs: tuple[str, ...] = (),
             edition: str = "Standard", bits: int = 64, with_data: bool = True) -> SqlInstance:
    tag = "MSSQL10" if version.startswith("2008") else "MSSQL.1"
    program = f"C:\\Program Files\\Microsoft SQL Server\\{tag}.{name}\\MSSQL"
    user = tuple(SqlDatabase(d, (SqlFile(d, f"E:\\SQLData\\{name}\\{d}.mdf"),
                                 SqlFile(f"{d}_log", f"F:\\SQLLogs\\{name}\\{d}_log.ldf", "log")))
                 for d in dbs) if with_data else ()
    return SqlInstance(name, version, edition=edition, bits=bits, program_path=program,
                       databases=_sysdbs(program) + user)


def _server(name: str, host: int, apps: AppInventory, *, os_name: str = "Windows Server 2008 "
            "Enterprise", volumes: tuple[str, ...] = ("C", "E", "F", "L"),
            services: tuple[Service, ...] = (), ips: tuple[str, ...] | None = None) -> Server:
    srv = make_server(name, host, volumes=volumes, os_name=os_name, roles=(),
                      services=services or _svcs(), ips=ips)
    return dataclasses.replace(srv, apps=apps)


def app_servers() -> dict[str, Server]:
    sql_svcs = _svcs("MSSQLSERVER", "SQLSERVERAGENT", "MSSQL$INST1", "SQLAgent$INST1",
                     "SQLBrowser")
    farm = SharePointFarm("MOSS 2007", "SP01\\OFFICESERVERS", "SharePoint_Config",
                          ("WSS_Content", "SharedServices_DB"), ("SP01",))
    sp_sql = (instance("OFFICESERVERS", "2005", ("SharePoint_Config", "WSS_Content",
                                                 "SharedServices_DB", "Other")),)
    bes_sql = (instance("BLACKBERRY", "2005", ("BESMgmt",), edition="Express"),)
    bes = BlackBerryServer("4.1.6", "BES01\\BLACKBERRY",
                           program_path="C:\\Program Files\\Research In Motion")
    bes_svcs = _svcs("MSSQL$BLACKBERRY", "SQLAgent$BLACKBERRY", "BlackBerry Router")
    sp_svcs = _svcs("MSSQL$OFFICESERVERS", "SQLAgent$OFFICESERVERS")
    evs = VirtualServer("EVS1", f"{NET}.60", "EVS1 Group",
                        ("EVS1 IP Address", "EVS1 Network Name", "Disk E:",
                         "Exchange System Attendant", "Exchange Information Store"), ("E:",))
    exclus = ClusterInfo("EXCLUS", ("EXNODE1", "EXNODE2"), (evs,), node_failover_seconds=60)
    exclus2 = ClusterInfo("EXCLUS2", ("EXNODE3", "EXNODE4"), (), node_failover_seconds=60)
    w2003 = "Microsoft Windows Server 2003 Enterprise Edition"
    out = dict(lab_servers())
    out.update({
        "EXCH01": _server("EXCH01", 21, AppInventory(exchange=exchange()), services=_svcs(*_E2007)),
        "EXCH02": _server("EXCH02", 22, AppInventory(exchange=exchange(smtp=(f"{NET}.122",))),
                          services=_svcs(*_E2007), ips=(f"{NET}.22", f"{NET}.122")),
        "SQL01": _server("SQL01", 31, AppInventory(sql=(instance(dbs=("sales", "hr")),
                                                        instance("INST1", dbs=("crm",)))),
                         services=sql_svcs),
        "SQL02": _server("SQL02", 32, AppInventory(sql=(instance(with_data=False),
                                                        instance("INST1", with_data=False))),
                         services=sql_svcs),
        "SQL03": _server("SQL03", 33, AppInventory(sql=(instance(version="2005", dbs=("sales",),
                                                                 bits=32),)), services=sql_svcs),
        "SP01": _server("SP01", 41, AppInventory(sql=sp_sql, sharepoint=farm), os_name=w2003,
                        services=sp_svcs),
        "SP02": _server("SP02", 42, AppInventory(sql=(instance("OFFICESERVERS", "2005",
                                                               with_data=False),)),
                        os_name=w2003, services=sp_svcs),
        "SPFE": _server("SPFE", 43, AppInventory(sharepoint=dataclasses.replace(
            farm, sql_server="SPDB1"))),
        "SPDB1": _server("SPDB1", 44, AppInventory(sql=(instance(version="2005", dbs=(
            "SharePoint_Config", "WSS_Content", "SharedServices_DB", "Payroll")),))),
        "BES01": _server("BES01", 51, AppInventory(sql=bes_sql, blackberry=bes), os_name=w2003,
                         services=bes_svcs),
        "BES02": _server("BES02", 52, AppInventory(sql=(instance("BLACKBERRY", "2005",
                                                                 edition="Express",
                                                                 with_data=False),),
                                                   blackberry=dataclasses.replace(
                                                       bes, sql_server="BES02\\BLACKBERRY")),
                         os_name=w2003, services=bes_svcs),
        "EXCBES": _server("EXCBES", 53, AppInventory(exchange=exchange(), blackberry=bes)),
        "EVS1": _server("EVS1", 60, AppInventory(exchange=exchange("2003"), cluster=exclus),
                        os_name=w2003),
        "EXNODE1": _server("EXNODE1", 61, AppInventory(cluster=exclus), os_name=w2003),
        "EXNODE3": dataclasses.replace(
            _server("EXNODE3", 63, AppInventory(cluster=exclus2), os_name=w2003,
                    volumes=("C", "E", "S")),
            nics=(Nic("Public", (f"{NET}.63",), 24), Nic("Heartbeat", ("10.0.0.3",), 8))),
    })
    return out


EXCHANGE_SERVERS = ("EXCH01", "EXCH02", "EXCBES", "EVS1", "EXNODE1")
SQL_SERVERS = ("SQL01", "SQL02", "SQL03", "SP01", "SP02", "SPDB1", "BES01", "BES02")


def computers(servers: dict[str, Server]) -> list[DirectoryComputer]:
    out = []
    for name, srv in servers.items():
        c = srv.apps.cluster
        node = c is not None and name in c.nodes
        virtual = c is not None and any(v.name == name for v in c.virtual_servers)
        out.append(DirectoryComputer(name, f"CN={name},OU=Servers,DC=lab", srv.fqdn,
                                     srv.os_name, is_cluster_node=node,
                                     is_cluster_virtual=virtual))
    return out


class AppDirectory(FakeDirectory):
    """The directory with the Exchange and SQL queries of the Directory port."""

    def __init__(self, servers: dict[str, Server], forest_root: str = "example.com") -> None:
        super().__init__(computers(servers))
        self.forest_root = forest_root

    def root_dse(self) -> Any:
        rd = super().root_dse()
        return dataclasses.replace(rd, forest_root=self.forest_root)

    def exchange_servers(self) -> list[DirectoryComputer]:
        self._enter("exchange_servers")
        return [c for c in self.computers if c.name in EXCHANGE_SERVERS]

    def sql_servers(self) -> list[DirectoryComputer]:
        self._enter("sql_servers")
        return [c for c in self.computers if c.name in SQL_SERVERS]


def make_world(tmp_path: Path, **kw: Any) -> FakeWorld:
    servers = app_servers()
    world = _make_world(tmp_path, servers, **kw)
    world.ctx.directory = lambda read_only=True: AppDirectory(servers)
    return world
