"""The JSON of the application inventory operations, turned into :mod:`core.model.apps` types.

Shapes (printed by ``scripts/<op>.ps1`` on Windows and by the lab endpoint; a
missing application is ``{"<key>": null}``; lists may come unrolled or null
from older PowerShell, as in :mod:`core.hosts.inventory`):

exchange_inventory ``{"server": NAME}``::

    {"exchange": {"name": "EXCH01", "dn": "CN=EXCH01,CN=Servers,CN=<admin group>,
      CN=Administrative Groups,CN=<org>,CN=Microsoft Exchange,CN=Services,CN=Configuration,…",
      "serial": "Version 8.1 (Build 30240.6)", "roles": 2,
      "storage_groups": [{"name", "prefix", "log_path", "system_path",
                          "stores": [{"name", "public": false, "edb", "stm"}]}],
      "bindings": ["127.0.10.121:25"], "queue_path", "mta_path", "program_path",
      "service_account": "LocalSystem"}}

sql_inventory ``{"server": NAME}``::

    {"instances": [{"name": "INST1", "id": "MSSQL10.INST1", "version": "10.0.2531.0",
      "level": "SP1", "edition": "Enterprise Edition (64-bit)", "path", "cluster": "",
      "protocols": {"tcp": true, "np": true, "sm": true},
      "databases": [{"name", "id", "state": "ONLINE"}],
      "files": [{"db": 5, "name", "path", "type": "ROWS" | "LOG"}],
      "sysadmins": ["sa"], "error": ""}]}

sharepoint_inventory::

    {"sharepoint": {"version": "12.0.0.6421", "moss": true,
      "dsn": "Data Source=SQL05A;Initial Catalog=SharePoint_Config;…",
      "databases": ["SharePoint_Config", …], "admin_port": 38142,
      "servers": [{"name": "SP01", "role": "WebFrontEnd"}, {"name": "SQL05A", "role": "Invalid"}]}}

bes_inventory::

    {"blackberry": {"version": "4.1.6.15", "db_server": "BES01\\\\BLACKBERRY",
      "db_name": "BESMgmt", "host": "BES01"}}

cluster_info::

    {"cluster": {"name": "EXCLUS", "nodes": ["EXNODE1", "EXNODE2"], "detect_ms": 5000,
      "groups": [{"name": "EVS1 Group", "owner": "EXNODE1", "drives": ["E"],
        "resources": [{"name", "type": "IP Address", "pending_ms": 85000,
                       "ip": "127.0.10.65", "network_name": "", "online": true}]}]}}
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Any

from core.errors import ProtocolError
from core.hosts import app_versions as v
from core.hosts.inventory import _dicts, _int, _list, _str
from core.model.apps import (
    BlackBerryServer,
    ClusterGroup,
    ClusterInfo,
    ClusterResource,
    ExchangeInventory,
    ExchangeStore,
    SharePointFarm,
    SqlDatabase,
    SqlFile,
    SqlInstance,
    StorageGroup,
    VirtualServer,
)

_DN_PART = re.compile(r"(?i)^CN=(.*)$")
_FRONT_END_ROLES = {"webfrontend", "singleserver"}


def _section(doc: Any, key: str, what: str) -> dict[str, Any] | None:
    if not isinstance(doc, dict) or key not in doc:
        raise ProtocolError(f"the {what} inventory is not a JSON object with {key!r}")
    value = doc[key]
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ProtocolError(f"the {what} inventory's {key!r} is not an object")
    return value


def _rdns(dn: str) -> list[str]:
    parts = re.split(r"(?<!\\),", dn)
    return [m.group(1).replace("\\,", ",") for p in parts if (m := _DN_PART.match(p.strip()))]


def exchange_from_json(doc: Any) -> ExchangeInventory | None:
    """``exchange_inventory`` output; None when the server has no Exchange server object."""
    ex = _section(doc, "exchange", "Exchange")
    if ex is None:
        return None
    product = v.exchange_product(_str(ex.get("serial")))
    rdns = _rdns(_str(ex.get("dn")))
    # CN=<server>,CN=Servers,CN=<admin group>,CN=Administrative Groups,CN=<org>,CN=Microsoft Exchange
    admin_group = rdns[2] if len(rdns) > 4 and rdns[1].lower() == "servers" else ""
    organization = rdns[4] if len(rdns) > 5 and rdns[3].lower() == "administrative groups" else ""
    groups = []
    for g in _dicts(ex, "storage_groups"):
        stores = tuple(ExchangeStore(_str(s.get("name")), "public" if s.get("public") else "mailbox",
                                     _str(s.get("edb")), _str(s.get("stm")))
                       for s in _dicts(g, "stores"))
        groups.append(StorageGroup(_str(g.get("name")), _str(g.get("prefix")),
                                   _str(g.get("log_path")), _str(g.get("system_path")), stores))
    return ExchangeInventory(
        version=product, roles=v.exchange_roles(_int(ex.get("roles")), product),
        admin_group=admin_group, organization=organization, storage_groups=tuple(groups),
        smtp_vs_ips=smtp_ips(_list(ex.get("bindings"))), mta_path=_str(ex.get("mta_path")),
        queue_path=_str(ex.get("queue_path")), program_path=_str(ex.get("program_path")),
        service_account=_str(ex.get("service_account")),
    )


def smtp_ips(bindings: list[Any]) -> tuple[str, ...]:
    """Bound IPs of SMTP virtual servers / receive connectors (``ip:port[:host]``,
    ``[v6]:port``), in order. All-unassigned bindings (``:25:``, ``0.0.0.0:25``,
    ``[::]:25``) name no address and are skipped."""
    out: list[str] = []
    for b in bindings:
        text = _str(b).strip()
        host = text[1:text.find("]")] if text.startswith("[") else text.split(":", 1)[0]
        try:
            ip = ipaddress.ip_address(host.strip())
        except ValueError:
            continue
        if not ip.is_unspecified and str(ip) not in out:
            out.append(str(ip))
    return tuple(out)


def _file_kind(path: str, type_desc: str) -> str:
    if type_desc.upper() == "LOG":
        return "log"
    return "data" if path.lower().endswith(".mdf") else "ndf"


def sql_from_json(doc: Any) -> tuple[SqlInstance, ...]:
    """``sql_inventory`` output: the instances, in the order the host listed them."""
    if not isinstance(doc, dict):
        raise ProtocolError("the SQL Server inventory is not a JSON object")
    out = []
    for i in _dicts(doc, "instances"):
        files: dict[int, list[SqlFile]] = {}
        for f in _dicts(i, "files"):
            path = _str(f.get("path"))
            files.setdefault(_int(f.get("db")), []).append(
                SqlFile(_str(f.get("name")), path, _file_kind(path, _str(f.get("type")))))
        dbs = tuple(SqlDatabase(_str(d.get("name")), tuple(files.get(_int(d.get("id")), ())),
                                system=0 < _int(d.get("id")) <= 4,
                                state=_str(d.get("state")).lower() or "online")
                    for d in _dicts(i, "databases"))
        edition, bits = v.sql_edition(_str(i.get("edition")))
        raw_protocols = i.get("protocols")
        protocols: dict[str, Any] = raw_protocols if isinstance(raw_protocols, dict) else {}
        cluster = _str(i.get("cluster")).upper()
        out.append(SqlInstance(
            name=_str(i.get("name")).upper(), version=v.sql_product(_str(i.get("version"))),
            service_pack=v.sql_level(_str(i.get("level"))), edition=edition, bits=bits,
            program_path=_str(i.get("path")), databases=dbs,
            protocols=tuple(p for p in ("tcp", "np", "sm") if protocols.get(p)),
            sysadmins=tuple(_str(s) for s in _list(i.get("sysadmins"))),
            clustered=bool(cluster), virtual_server=cluster,
        ))
    return tuple(out)


def dsn_part(dsn: str, *keys: str) -> str:
    """One value of an ADO connection string (``Data Source`` / ``Server``…), "" when absent."""
    wanted = {k.lower().replace(" ", "") for k in keys}
    for part in dsn.split(";"):
        k, sep, value = part.partition("=")
        if sep and k.strip().lower().replace(" ", "") in wanted:
            return value.strip()
    return ""


def sharepoint_from_json(doc: Any) -> SharePointFarm | None:
    """``sharepoint_inventory`` output; the back end comes from the configuration database's DSN."""
    sp = _section(doc, "sharepoint", "SharePoint")
    if sp is None:
        return None
    dsn = _str(sp.get("dsn"))
    back_end = dsn_part(dsn, "Data Source", "Server", "Address", "Addr")
    if not back_end:
        raise ProtocolError("the SharePoint configuration database has no server in its "
                            "connection string")
    servers = _dicts(sp, "servers")
    return SharePointFarm(
        version=v.sharepoint_product(_str(sp.get("version")), bool(sp.get("moss"))),
        sql_server=back_end.upper(),
        config_db=dsn_part(dsn, "Initial Catalog", "Database") or "SharePoint_Config",
        databases=tuple(_str(d) for d in _list(sp.get("databases"))),
        front_ends=tuple(_str(s.get("name")).upper() for s in servers
                         if _str(s.get("role")).lower() in _FRONT_END_ROLES),
        admin_port=_int(sp.get("admin_port")),
    )


def blackberry_from_json(doc: Any) -> BlackBerryServer | None:
    """``bes_inventory`` output; consolidated when the database is on the BES host itself."""
    bb = _section(doc, "blackberry", "BlackBerry")
    if bb is None:
        return None
    db_server = _str(bb.get("db_server")).upper()
    db_host = db_server.split("\\", 1)[0].split(",", 1)[0].strip()
    here = _str(bb.get("host")).upper()
    return BlackBerryServer(
        version=v.short_version(_str(bb.get("version"))), sql_server=db_server,
        database=_str(bb.get("db_name")) or "BESMgmt",
        consolidated=db_host in ("", ".", "(LOCAL)", "LOCALHOST", here),
    )


def _kind(resource: dict[str, Any]) -> str:
    return _str(resource.get("type")).strip().lower()


def cluster_from_json(doc: Any) -> tuple[ClusterInfo, dict[str, VirtualServer]] | None:
    """``cluster_info`` output: the cluster, and every group with a network name by that name.

    The cluster's own group (named like the cluster) is in the second result but not in
    :attr:`ClusterInfo.virtual_servers`; every group, with its resources, is in
    :attr:`ClusterInfo.groups`. Node failover time is the heartbeat detection plus the
    longest time a resource may take to come online (an upper bound).
    """
    c = _section(doc, "cluster", "cluster")
    if c is None:
        return None
    name = _str(c.get("name")).upper()
    named: dict[str, VirtualServer] = {}
    groups: list[ClusterGroup] = []
    longest = 0
    for g in _dicts(c, "groups"):
        res = _dicts(g, "resources")
        longest = max([longest, *(_int(r.get("pending_ms")) for r in res)])
        groups.append(_group(g, res))
        net = next((_str(r.get("network_name")).upper() for r in res
                    if _kind(r) == "network name" and _str(r.get("network_name"))), "")
        if not net:
            continue
        ip = next((_str(r.get("ip")) for r in res if _kind(r) == "ip address" and _str(r.get("ip"))),
                  "")
        named[net] = VirtualServer(net, ip, _str(g.get("name")),
                                   tuple(_str(r.get("name")) for r in res),
                                   tuple(_str(d).rstrip(":").upper() for d in _list(g.get("drives"))),
                                   _str(g.get("owner")).upper())
    seconds = math.ceil((_int(c.get("detect_ms")) + longest) / 1000)
    info = ClusterInfo(name, tuple(_str(n).upper() for n in _list(c.get("nodes"))),
                       tuple(vs for n, vs in named.items() if n != name), seconds, tuple(groups))
    return info, named


def _group(g: dict[str, Any], res: list[dict[str, Any]]) -> ClusterGroup:
    resources = tuple(ClusterResource(_str(r.get("name")), _str(r.get("type")),
                                      _str(r.get("ip")), _str(r.get("network_name")).upper(),
                                      r.get("online") is not False) for r in res)
    return ClusterGroup(_str(g.get("name")), _str(g.get("owner")).upper(),
                        tuple(_str(d).rstrip(":").upper() for d in _list(g.get("drives"))),
                        resources)
