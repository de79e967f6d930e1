"""The application sections of a lab server in the estate file, as :mod:`core.model.apps` types.

``[servers.exchange]``, ``[[servers.sql]]``, ``[servers.sharepoint]`` and
``[servers.blackberry]`` (see default_estate.toml for every key). What a real
server would derive by itself is derived here the same way, so the inventory
the lab answers over WinRM parses back into exactly these values:

- SQL system databases (master, tempdb, model, msdb) with SQL Server's own
  file names, in ``system_dir`` (default: the instance's DATA directory);
- a user database without ``files`` gets ``<data_dir>\\<name>.mdf`` and
  ``<log_dir>\\<name>_log.ldf``; a file's kind comes from its extension
  (.mdf data, .ldf log, anything else secondary data);
- Exchange roles, administrative group and program path default by version;
- a BES is consolidated when its database server is the BES host itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.errors import InvalidInput
from core.hosts.app_versions import (
    EXCHANGE_ROLE_BITS,
    exchange_serial,
    sharepoint_build,
    sql_build,
    sql_instance_id,
)
from core.model.apps import (
    AppInventory,
    BlackBerryServer,
    ExchangeInventory,
    ExchangeStore,
    SharePointFarm,
    SqlDatabase,
    SqlFile,
    SqlInstance,
    StorageGroup,
)

#: (database, logical name, file name) of the system databases, in database_id order.
SYSTEM_FILES = (
    ("master", "master", "master.mdf"), ("master", "mastlog", "mastlog.ldf"),
    ("tempdb", "tempdev", "tempdb.mdf"), ("tempdb", "templog", "templog.ldf"),
    ("model", "modeldev", "model.mdf"), ("model", "modellog", "modellog.ldf"),
    ("msdb", "MSDBData", "MSDBData.mdf"), ("msdb", "MSDBLog", "MSDBLog.ldf"),
)
EXCHANGE_2007_GROUP = "Exchange Administrative Group (FYDIBOHF23SPDLT)"
_PROGRAM = {"2003": "C:\\Program Files\\Exchsrvr",
            "2007": "C:\\Program Files\\Microsoft\\Exchange Server"}


def _bad(server: str, what: str) -> InvalidInput:
    return InvalidInput("estate", f"server {server}: {what}")


def file_kind(path: str) -> str:
    low = path.lower()
    return "data" if low.endswith(".mdf") else "log" if low.endswith(".ldf") else "ndf"


def parse_apps(s: dict[str, Any], name: str, ip: Callable[[int], str], admin_user: str,
               virtual: bool, organization: str) -> tuple[AppInventory, dict[str, int]]:
    """The server's applications (cluster info is added by the estate) and SQL ports."""
    ports: dict[str, int] = {}
    instances = []
    for i, raw in enumerate(s.get("sql", []), 1):
        inst, port = _sql(raw, name, i, admin_user, virtual)
        if inst.name in ports:
            raise _bad(name, f"SQL instance {inst.name} is listed twice")
        instances.append(inst)
        ports[inst.name] = port
    return AppInventory(
        exchange=_exchange(s["exchange"], name, ip, organization) if "exchange" in s else None,
        sql=tuple(instances),
        sharepoint=_sharepoint(s["sharepoint"], name) if "sharepoint" in s else None,
        blackberry=_blackberry(s["blackberry"], name) if "blackberry" in s else None,
    ), ports


def _exchange(d: dict[str, Any], server: str, ip: Callable[[int], str],
              organization: str) -> ExchangeInventory:
    version = str(d.get("version", "2007"))
    try:
        exchange_serial(version)
    except ValueError as exc:
        raise _bad(server, str(exc)) from None
    old = version in ("2000", "2003")
    program = d.get("program_path", _PROGRAM.get(version, _PROGRAM["2007"]))
    groups = []
    for g in d.get("storage_groups", []):
        log_path = str(g["log_path"])
        stores = tuple(ExchangeStore(str(x["name"]), str(x.get("kind", "mailbox")),
                                     str(x.get("edb", "")), str(x.get("stm", "")))
                       for x in g.get("stores", []))
        groups.append(StorageGroup(str(g["name"]), str(g.get("log_prefix", "E00")), log_path,
                                   str(g.get("system_path", log_path)), stores))
    return ExchangeInventory(
        version=version,
        roles=("backend",) if old else _exchange_roles(d.get("roles", ["mailbox"]), server),
        admin_group=str(d.get("admin_group", "First Administrative Group" if old
                              else EXCHANGE_2007_GROUP)),
        organization=organization,
        storage_groups=tuple(groups),
        smtp_vs_ips=tuple(ip(int(h)) for h in d.get("smtp_vs", [])),
        mta_path=str(d.get("mta_path", f"{program}\\mtadata" if old else "")),
        queue_path=str(d.get("queue_path", f"{program}\\Mailroot\\vsi 1\\Queue" if old else "")),
        program_path=str(program),
        service_account=str(d.get("service_account", "LocalSystem")),
    )


def _exchange_roles(roles: list[str], server: str) -> tuple[str, ...]:
    unknown = set(roles) - set(EXCHANGE_ROLE_BITS)
    if unknown or not roles:
        raise _bad(server, f"Exchange roles must be some of {', '.join(EXCHANGE_ROLE_BITS)}")
    return tuple(r for r in EXCHANGE_ROLE_BITS if r in roles)  # the order the server reports


def _sql(d: dict[str, Any], server: str, index: int, admin_user: str,
         virtual: bool) -> tuple[SqlInstance, int]:
    name = str(d.get("name", "MSSQLSERVER")).upper()
    version = str(d.get("version", "2008"))
    sp = str(d.get("service_pack", "")).upper()
    try:
        sql_build(version, sp)
    except ValueError as exc:
        raise _bad(server, str(exc)) from None
    program = str(d.get("program_path", "C:\\Program Files\\Microsoft SQL Server\\"
                        f"{sql_instance_id(version, name, index)}\\MSSQL"))
    data_dir = str(d.get("data_dir", f"{program}\\DATA"))
    log_dir = str(d.get("log_dir", data_dir))
    system_dir = str(d.get("system_dir", f"{program}\\DATA"))
    dbs: list[SqlDatabase] = []
    for db in ("master", "tempdb", "model", "msdb"):
        files = tuple(SqlFile(logical, f"{system_dir}\\{fname}", file_kind(fname))
                      for owner, logical, fname in SYSTEM_FILES if owner == db)
        dbs.append(SqlDatabase(db, files, system=True))
    for db in d.get("databases", []):
        dbs.append(_database(db, server, data_dir, log_dir))
    state = {"online", "offline"}
    for sdb in dbs:
        if sdb.state not in state:
            raise _bad(server, f"database {sdb.name} has state {sdb.state!r} (online or offline)")
    default_port = 1433 if name == "MSSQLSERVER" else 0
    port = int(d.get("port", default_port))
    if not 0 < port < 65536:
        raise _bad(server, f"SQL instance {name} needs a TCP port")
    inst = SqlInstance(
        name=name, version=version, service_pack=sp, edition=str(d.get("edition", "Standard")),
        bits=int(d.get("bits", 64)), program_path=program, databases=tuple(dbs),
        protocols=tuple(p for p in ("tcp", "np", "sm") if p in d.get("protocols", ["tcp", "np", "sm"])),
        sysadmins=tuple(d.get("sysadmins", ["sa", "BUILTIN\\Administrators", admin_user])),
        clustered=virtual, virtual_server=server if virtual else "",
    )
    return inst, port


def _database(db: dict[str, Any], server: str, data_dir: str, log_dir: str) -> SqlDatabase:
    name = str(db["name"])
    raw = db.get("files") or [f"{data_dir}\\{name}.mdf", f"{log_dir}\\{name}_log.ldf"]
    files = []
    for f in raw:
        path = str(f if isinstance(f, str) else f["path"])
        kind = file_kind(path)
        stem = path.rsplit("\\", 1)[-1].rsplit(".", 1)[0]
        default = name if kind == "data" else f"{name}_log" if kind == "log" else stem
        files.append(SqlFile(default if isinstance(f, str) else str(f.get("logical", default)),
                             path, kind))
    if not any(f.kind == "data" for f in files) or not any(f.kind == "log" for f in files):
        raise _bad(server, f"database {name} needs a .mdf and a .ldf file")
    return SqlDatabase(name, tuple(files), state=str(db.get("state", "online")))


def _sharepoint(d: dict[str, Any], server: str) -> SharePointFarm:
    version = str(d.get("version", "MOSS 2007"))
    try:
        sharepoint_build(version)
    except ValueError as exc:
        raise _bad(server, str(exc)) from None
    if not d.get("sql_server"):
        raise _bad(server, "a SharePoint farm needs its back-end sql_server")
    return SharePointFarm(
        version=version, sql_server=str(d["sql_server"]).upper(),
        config_db=str(d.get("config_db", "SharePoint_Config")),
        databases=tuple(str(x) for x in d.get("databases", [])),
        front_ends=tuple(str(x).upper() for x in d.get("front_ends", [server])),
        admin_port=int(d.get("admin_port", 0)),
    )


def _blackberry(d: dict[str, Any], server: str) -> BlackBerryServer:
    sql = str(d.get("sql_server", f"{server}\\BLACKBERRY")).upper()
    return BlackBerryServer(
        version=str(d.get("version", "4.1.6")), sql_server=sql,
        database=str(d.get("database", "BESMgmt")),
        consolidated=sql.split("\\", 1)[0] == server,
    )
